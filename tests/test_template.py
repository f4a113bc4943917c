"""The standard template's tables: grid cells, run-together cells fixed by the sums, blanks kept apart."""

from __future__ import annotations

import docx
import pytest

from kg.extract import extract_file
from kg.extract.template import TABLE3_CHECK, TABLE4_CHECK, solve
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
