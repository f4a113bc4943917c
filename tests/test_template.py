"""The standard template's tables: grid cells, run-together cells fixed by the sums, blanks kept apart."""

from __future__ import annotations

import docx
import pytest

from kg.extract import extract_file
from kg.extract.template import TABLE3_CHECK, TABLE4_CHECK, _value, solve
from tests.conftest import DEV


def values(solutions):
    return [[int(c[2]) if c[2].isdigit() else None for c in s] for s in solutions]


def test_run_together_row_is_fixed_by_the_total_column():
    # 520 (2021): 本年新收 printed as 640020470 for seven cells
    assert values(solve(["640020470"], 7, TABLE3_CHECK)) == [[64, 0, 0, 2, 0, 4, 70]]


def test_spaces_are_cell_boundaries():
    # 105 (2019): "230 000023" -> 23|0 and 0|0|0|0|23
    assert values(solve(["230", "000023"], 7, TABLE3_CHECK)) == [[23, 0, 0, 0, 0, 0, 23]]


def test_table4_blocks_fix_seventeen_digits_for_fifteen_cells():
    # 520: 表四 10203120001200000 -> 复议 1|0|2|0|3, 直接起诉 12|0|0|0|12, 复议后起诉 0|0|0|0|0
    found = values(solve(["10203120001200000"], 15, TABLE4_CHECK))
    assert [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0] in found and len(found) == 1


def test_ambiguous_cells_are_not_guessed():
    # three cells with no sum to fix them: 693665 reads as 69|3|665, 6|93|665, 69|36|65 ...
    assert len(solve(["693665"], 3, lambda v: True)) > 1
    facts = extract_file(DEV / "520_pingtan_zone_2021.txt")
    assert "normative_docs_issued" not in facts.stats


def test_pdf_table_cells_keep_page_table_row_and_column():
    facts = extract_file(DEV / "102_hongze_district_2024.pdf")
    received = facts.stats["applications_received"]
    assert received.value == 95 and received.stated_in == "table"
    assert received.evidence.page is not None and received.evidence.table is not None
    assert (received.evidence.row, received.evidence.column) != (None, None)
    said = [o.value for o in facts.observations if o.metric == "applications_received" and o.stated_in == "text"]
    assert said == [17]  # the prose's 17 is kept for the checks, the record takes the table's 95


ROWS = [
    ("一、本年新收政府信息公开申请数量", ["5", "0", "", "/", "0", "0", "5"]),
    ("二、上年结转政府信息公开申请数量", ["0", "0", "0", "0", "0", "0", "0"]),
]


@pytest.fixture
def word_report(tmp_path):
    """A Word report whose 表三 has a blank cell and a "/" (real labels of the 2021 edition)."""
    document = docx.Document()
    document.add_paragraph("某某县人民政府2021年政府信息公开工作年度报告")
    document.add_paragraph("本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=1 + len(ROWS), cols=8)
    header = ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row, (label, cells) in zip(table.rows[1:], ROWS):
        for cell, text in zip(row.cells, [label] + cells):
            cell.text = text
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    path = tmp_path / "report.docx"
    document.save(path)
    return path


def test_blank_and_slash_cells_are_no_observation_but_zero_is(word_report):
    facts = extract_file(word_report)
    assert facts.format == "standard"
    row = {o.applicant: o.value for o in facts.observations if o.metric == "applications_received"}
    assert row == {"natural_person": 5, "commercial_enterprise": 0, "legal_service_org": 0, "other_org": 0}
    assert facts.stats["applications_received"].value == 5
    assert facts.stats["applications_carried_over"].value == 0


# 表二 of a PDF turned into Markdown: the cells printed on two lines (a figure and its note)
# were lifted out of the table and printed before it; each row kept two of its three cells.
LIFTED = "第二十条第（一）项\n22\n（其中修订 16 件）\n55\n（含自然失效 29 件）\n"
SHORT_ROWS = """第二十条第（五）项
信息内容本年处理决定数量
行政许可 0
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
|---|---|---|---|
## 表二：主动公开政府信息情况
| 规章 | 22 | 235 |
|---|---|---|
## 表二：主动公开政府信息情况
| 行政规范性文件 | 34 | 189 |
|---|---|---|
三、收到和处理政府信息公开申请情况
"""
PROSE = "（一）主动公开方面\n全年主动公开市政府规章 22 件、市政府及市政府办公厅行\n政规范性文件 34 件、人事任免文件 196 件。\n"


def table2(tmp_path, prose, lifted):
    from kg.document import build_document
    from kg.extract.template import extract_template
    from kg.readers import read_source

    path = tmp_path / "report.md"
    path.write_text("某某市人民政府办公厅2025年政府信息公开工作年度报告\n" + prose + "二、主动公开政府信息情况\n"
                    + lifted + SHORT_ROWS, encoding="utf-8")
    stats = extract_template(build_document(read_source(path)), "2021").stats
    return {k: s.value for k, s in stats.items() if k.startswith(("rules", "normative"))}


def test_short_rows_are_placed_by_the_lifted_cells_notes_and_the_text(tmp_path):
    # the notes name 本年制发 and 本年废止, so 现行有效 is the last printed cell; the text's
    # 规章 22 件 / 规范性文件 34 件 fix 本年制发; the 废止 cells' rows stay open
    assert table2(tmp_path, PROSE, LIFTED) == {"rules_issued": 22, "rules_in_force": 235,
                                               "normative_docs_issued": 34, "normative_docs_in_force": 189}


def test_short_rows_without_lifted_cells_keep_only_what_the_text_fixes(tmp_path):
    # 235 may be 本年废止 or 现行有效: not read
    assert table2(tmp_path, PROSE, "第二十条第（一）项\n") == {"rules_issued": 22, "normative_docs_issued": 34}


def test_short_rows_without_the_text_read_only_the_column_the_notes_leave_out(tmp_path):
    assert table2(tmp_path, "", LIFTED) == {"rules_in_force": 235, "normative_docs_in_force": 189}


def test_a_lifted_note_naming_no_column_places_nothing(tmp_path):
    assert table2(tmp_path, "", LIFTED.replace("含自然失效", "含")) == {}


def test_a_cumulative_or_in_force_count_in_the_text_fixes_no_issued_cell(tmp_path):
    prose = PROSE.replace("全年主动公开市政府规章", "累计主动公开市政府规章").replace("办公厅行\n政规范性文件", "办公厅现行有效行\n政规范性文件")
    assert table2(tmp_path, prose, "第二十条第（一）项\n") == {}


def test_a_figure_with_thousands_separators_is_one_cell(tmp_path):
    # 表二 of a 2021-edition report as a web page runs it together; larger agencies print 1,689
    text = (DEV / "116_hebei_science_2021.txt").read_text(encoding="utf-8")
    assert "行政许可1689" in text
    grouped = tmp_path / "grouped.txt"
    grouped.write_text(text.replace("行政许可1689", "行政许可1,689"), encoding="utf-8")
    assert extract_file(grouped).stats["licensing_decisions"].value == 1689
    # a comma that does not group thousands leaves the cell empty rather than cut at the comma
    broken = tmp_path / "broken.txt"
    broken.write_text(text.replace("行政许可1689", "行政许可16,89"), encoding="utf-8")
    assert "licensing_decisions" not in extract_file(broken).stats


def test_table3_cells_with_thousands_separators_meet_the_sum():
    [solution] = solve(["2,468", "96", "3", "12", "45", "18", "2,642"], 7, TABLE3_CHECK)
    assert [_value(c[2]) for c in solution] == [2468, 96, 3, 12, 45, 18, 2642]
