"""The consistency checks (shapes/kg.ttl, SHACL warnings; queries/failed-checks.rq) on real reports.

Each check is shown to pass on a real report whose figures add up and to fire on a copy of
it with one printed figure changed, so no check passes only because it never runs. The copies
are of the saved GB18030 portal page tests/data/formats/pingtan_2023.html (a 2021-edition report
with real 表三 and 表四 grids). Two dev reports are real failures: 洪泽区 2023 prints 表四 totals
of 0 under non-zero results, and 洪泽区 2024's text says 17 applications where 表三 says 95.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract_file
from kg.query import run_query
from kg.writer import build_graph
from kg.validate import validate_graph

DATA = Path(__file__).resolve().parent / "data"
PAGE = DATA / "formats" / "pingtan_2023.html"
DEV = DATA / "corpus" / "dev"


def copy_with(tmp_path: Path, name: str, *changes: tuple[str, str]) -> Path:
    """A copy of the portal page with each (printed, replacement) change made exactly once."""
    html = PAGE.read_bytes().decode("gb18030")
    for old, new in changes:
        assert html.count(old) == 1, f"{old!r} must occur once in the page"
        html = html.replace(old, new)
    path = tmp_path / name
    path.write_bytes(html.encode("gb18030"))
    return path


def check_lines(*paths: Path) -> list[str]:
    conforms, lines = validate_graph(build_graph(extract_file(p) for p in paths))
    assert conforms, lines  # the checks warn; they never make a graph fail
    return [line for line in lines if line.startswith("warning")]


DISCLOSED = "（一）予以公开</td><td>22</td>"
RECEIVED_TOTAL = "<td>0</td><td>0</td><td>0</td><td>0</td><td>81</td></tr>\n<tr><td colspan=\"3\">二、"
CARRIED_OVER = "二、上年结转政府信息公开申请数量</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>"
TABLE4 = "<tr><td>1</td><td>1</td><td>0</td><td>0</td><td>2</td><td>4</td><td>0</td><td>0</td><td>1</td><td>5</td>"


def test_a_real_report_that_adds_up_gives_no_warning():
    assert check_lines(PAGE) == []
    _, rows = run_query("failed-checks", build_graph([extract_file(PAGE)]))
    assert rows == []


def test_one_outcome_cell_changed_fails_its_column_and_its_row(tmp_path):
    page = copy_with(tmp_path, "disclosed.html", (DISCLOSED, "（一）予以公开</td><td>23</td>"))
    lines = check_lines(page)
    assert len(lines) == 2, lines
    columns, outcomes = sorted(lines)
    assert "check ColumnsAddUp" in columns and "表三 row disclosed: the six applicant columns add up to 23, but the 总计 column is 22" in columns
    assert "check OutcomesAddUp" in outcomes
    assert "表三 column natural_person: the outcome rows (一)-(六) add up to 81, but (七)总计 is 80" in outcomes
    assert lines[0].split(" | ")[1] == "report 平潭综合实验区2023年度政府信息公开工作年度报告"


def test_received_changed_breaks_the_balance_in_the_total_column(tmp_path):
    page = copy_with(tmp_path, "received.html", (RECEIVED_TOTAL, RECEIVED_TOTAL.replace("<td>81</td>", "<td>82</td>")))
    lines = check_lines(page)
    assert any("check ApplicationsBalance" in line and "表三 column 总计: 本年新收 82 + 上年结转 0 ≠ 办理结果总计 81 + 结转下年度 0" in line
               for line in lines), lines
    assert any("check ColumnsAddUp" in line and "row applications_received" in line for line in lines)
    # the text's 共计81件 no longer agrees with the table either
    assert any("check TextAgreesWithTables" in line and "applications_received = 81, but the report's figure is 82" in line for line in lines)


def test_a_table4_total_changed_fails_its_block_and_the_text(tmp_path):
    page = copy_with(tmp_path, "appeals.html", (TABLE4, TABLE4.replace("<td>1</td><td>5</td>", "<td>1</td><td>6</td>")))
    lines = check_lines(page)
    assert any("check AppealsAddUp" in line and "表四 未经复议直接起诉: 维持 4 + 纠正 0 + 其他 0 + 尚未审结 1 ≠ 总计 6" in line for line in lines), lines
    # 行政诉讼案件7件 in the text against 6 + 2 in the table
    assert any("check TextAgreesWithTables" in line and "litigation_total = 7, but the report's figure is 8" in line for line in lines)


def test_blank_and_slash_cells_make_a_check_not_assessable(tmp_path):
    # the same wrong sum, but one cell of the row blank or "/": no figure, so nothing to compare
    for cell in ("", "/", "—"):
        page = copy_with(tmp_path, "blank.html", (DISCLOSED, "（一）予以公开</td><td>23</td>"),
                         ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td><td>19</td><td>1</td>",
                          f"（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td><td>19</td><td>{cell}</td>"))
        lines = check_lines(page)
        # the natural-person column and the disclosed row still fail; 商业企业 lost a row, so it is not checked
        assert not any("column commercial_enterprise" in line for line in lines), lines
        assert not any("row partially_disclosed" in line for line in lines), lines
        assert any("column natural_person" in line for line in lines)


def test_carry_over_follows_last_years_carry_forward(tmp_path):
    year_2024 = PAGE.read_bytes().decode("gb18030").replace("2023", "2024")
    path = tmp_path / "pingtan_2024.html"
    path.write_bytes(year_2024.encode("gb18030"))
    assert not any("CarryOverFollowsLastYear" in line for line in check_lines(PAGE, path))

    changed = year_2024.replace(CARRIED_OVER, CARRIED_OVER[:-len("<td>0</td>")] + "<td>3</td>")
    path.write_bytes(changed.encode("gb18030"))
    lines = check_lines(PAGE, path)
    carry = [line for line in lines if "check CarryOverFollowsLastYear" in line]
    assert len(carry) == 1, lines
    assert "2024 上年结转 is 3, but the 2023 report carried forward (结转下年度) 0" in carry[0]
    assert "report 平潭综合实验区2024年度政府信息公开工作年度报告" in carry[0]


@pytest.mark.parametrize("name, check, figures", [
    ("101_hongze_district_2023.pdf", "AppealsAddUp", "表四 行政复议: 维持 10 + 纠正 1 + 其他 0 + 尚未审结 0 ≠ 总计 0"),
    ("102_hongze_district_2024.pdf", "TextAgreesWithTables", "the text states applications_received = 17, but the report's figure is 95"),
])
def test_real_reports_that_do_not_add_up(name, check, figures):
    lines = check_lines(DEV / name)
    assert any(f"check {check}" in line and figures in line for line in lines), lines


def test_a_fee_stated_twice_must_agree(tmp_path):
    # a real standard-template report whose 六 says no 信息处理费 was charged, with an amount
    # stated earlier in its text
    text = (DEV / "522_pingtan_zone_2023.txt").read_text(encoding="utf-8")
    said = "进一步提高答复质量和群众满意度。"
    assert text.count(said) == 1 and "无收取信息处理费情况" in text
    path = tmp_path / "fees.txt"
    path.write_text(text.replace(said, said + "全年收取信息处理费200元。"), encoding="utf-8")
    lines = check_lines(path)
    assert any("check TextAgreesWithTables" in line and "the text states fees_yuan = 0, but the report's figure is 200" in line
               for line in lines), lines
    assert not any("fees_yuan" in line for line in check_lines(DEV / "522_pingtan_zone_2023.txt"))


def test_failed_checks_query_lists_the_same_failures(tmp_path):
    page = copy_with(tmp_path, "disclosed.html", (DISCLOSED, "（一）予以公开</td><td>23</td>"))
    columns, rows = run_query("failed-checks", build_graph([extract_file(page), extract_file(DEV / "101_hongze_district_2023.pdf")]))
    assert columns[:7] == ["check", "agency", "year", "where", "left", "right", "difference"]
    found = {(row[0], row[3], row[4], row[5]) for row in rows}
    assert ("OutcomesAddUp", "表三 natural_person", 81, 80) in found
    assert ("ColumnsAddUp", "表三 disclosed", 23, 22) in found
    assert ("AppealsAddUp", "表四 reconsideration", 11, 0) in found
    assert {row[0] for row in rows} == {"OutcomesAddUp", "ColumnsAddUp", "AppealsAddUp"}
