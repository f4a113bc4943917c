"""Readers: real PDF, Word and HTML reports become one SourceText, tables kept as tables.

The PDFs are two real template reports (tests/data/corpus/dev/101, 102); the Word file and
the GB2312 portal page are built from real report texts by
tests/data/formats/make_fixtures.py. Cells are checked against the gold records.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError, NotAReportError
from kg.extract import extract_file
from kg.readers import SourceText, read_source, supported
from tests.conftest import DEV, gold

FORMATS = Path(__file__).resolve().parent / "data" / "formats"
PDF_2023 = DEV / "101_hongze_district_2023.pdf"
PDF_2024 = DEV / "102_hongze_district_2024.pdf"
DOCX = FORMATS / "pingtan_2021.docx"
HTML = FORMATS / "pingtan_2023.html"
CHROME = ("首页", "网站地图", "打印本页", "关闭窗口", "分享到", "版权所有", "主办单位", "ICP备", "联系我们", "设为首页", "siteName", "访问统计")


def spaced(text: str) -> list[str]:
    """Lines with tabs and runs of spaces made one space (how the tests compare rows)."""
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


def values(row) -> list[str]:
    return [cell.text for cell in row]


def assert_offsets(source: SourceText) -> None:
    for table in source.tables:
        assert source.text[table.start:table.end].count("\n") == len(table.rows) - 1
        for row in table.rows:
            for cell in row:
                assert source.text[cell.start:cell.end] == cell.text


def table_with(source: SourceText, word: str):
    return next(t for t in source.tables if any(word in c.text for row in t.rows for c in row))


def row_of(table, label: str) -> list[str]:
    row = next(r for r in table.rows if any(c.text == label for c in r))
    return [c.text for c in row if c.text != label and not c.text.startswith(("三、", "（"))][-7:]


# ------------------------------------------------------------------ PDF ----

@pytest.mark.parametrize("path, received", [(PDF_2023, "21 0 0 0 0 0 21"), (PDF_2024, "95 0 0 0 0 0 95")])
def test_pdf_text_has_template_rows_in_order(path, received):
    source = read_source(path)
    lines = spaced(source.text)
    assert f"一、本年新收政府信息公开申请数量 {received}" in lines
    order = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    positions = [lines.index(line) for line in order]
    assert positions == sorted(positions)
    assert not any(re.fullmatch(r"- \d+ -", line) for line in lines)  # running page numbers dropped
    assert source.media_type == "application/pdf" and source.source == str(path)
    assert len(source.pages) == 5 and source.pages[0] == 0 and list(source.pages) == sorted(source.pages)


def test_pdf_tables_against_gold():
    source = read_source(PDF_2024)
    stats = {k: v["value"] for k, v in gold("dev", "102_hongze_district_2024")["stats"].items()}
    assert_offsets(source)
    assert [t.page for t in source.tables] == [2, 3, 3, 4]
    table2 = table_with(source, "本年制发件数")
    assert values(table2.rows[2]) == ["行政规范性文件", str(stats["normative_docs_issued"]), str(stats["normative_docs_repealed"]), str(stats["normative_docs_in_force"])]
    table3 = table_with(source, "申请人情况")  # split by a page break, joined again
    assert len(table3.rows) == 26 and len(table3.rows[0]) == 10
    assert row_of(table3, "一、本年新收政府信息公开申请数量")[-1] == str(stats["applications_received"])
    assert row_of(table3, "（一）予以公开")[-1] == str(stats["disclosed"])
    assert row_of(table3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")[-1] == str(stats["partially_disclosed"])
    assert row_of(table3, "四、结转下年度继续办理") == ["0"] * 7
    # a merged header cell is repeated in every position it covers and printed once
    header = table3.rows[0]
    assert header[0] is header[1] is header[2] and header[0].text.startswith("（本列数据的勾稽关系")
    assert values(table3.rows[2])[4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    table4 = source.tables[-1]
    figures = values(table4.rows[-1])
    assert figures[:5] == ["1", "1", "0", "0", "2"]  # 行政复议: 维持 纠正 其他 尚未审结 总计
    assert int(figures[9]) + int(figures[14]) == stats["litigation_total"]


def test_pdf_table_rows_are_tab_separated_lines():
    source = read_source(PDF_2023)
    line = next(line for line in source.text.split("\n") if line.startswith("一、本年新收"))
    assert line.split("\t") == ["一、本年新收政府信息公开申请数量", "", "", "21", "0", "0", "0", "0", "0", "21"]


# ------------------------------------------------------------------ Word ----

def test_docx_tables_in_body_order_with_merged_cells():
    source = read_source(DOCX)
    notes = gold("dev", "520_pingtan_zone_2021")
    assert source.media_type.endswith("wordprocessingml.document")
    assert_offsets(source)
    assert len(source.tables) == 3
    headings = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    for heading, table in zip(headings, source.tables):
        at = source.text.index(heading + "\n")
        assert at + len(heading) + 1 == table.start  # each table right after its heading
    assert source.text.index("五、存在的主要问题及改进情况") > source.tables[-1].end
    table2, table3, table4 = source.tables
    assert values(table2.rows[3]) == ["行政规范性文件", "69", "3", "665"]
    assert values(table2.rows[0]) == ["第二十条第（一）项"] * 4  # gridSpan repeated
    assert values(table2.rows[-1]) == ["行政事业性收费"] + ["24252.311082"] * 3
    assert row_of(table3, "一、本年新收政府信息公开申请数量") == ["64", "0", "0", "2", "0", "4", "70"]
    assert row_of(table3, "（七）总计") == ["63", "0", "0", "2", "0", "4", "69"]
    assert row_of(table3, "1.本机关不掌握相关政府信息") == ["22", "0", "0", "0", "0", "3", "25"]
    # vMerge: 三、本年度办理结果 covers column 0 of every outcome row
    outcome = [r for r in table3.rows if r[0].text == "三、本年度办理结果"]
    assert len(outcome) == 22 and len({(c.start, c.end) for c in (r[0] for r in outcome)}) == 1
    assert source.text.count("三、本年度办理结果") == 1
    assert values(table4.rows[-1]) == ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]
    assert notes["stats"]["litigation_total"]["value"] == 12


def test_docx_keeps_zero_blank_slash_and_dash_apart(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("表前段落")
    table = document.add_table(rows=2, cols=4)
    for c, text in enumerate(["规章", "0", "", "/"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["行政规范性文件", "—", " 3 ", "0"]):
        table.cell(1, c).text = text
    document.add_paragraph("表后段落")
    path = tmp_path / "cells.docx"
    document.save(path)
    source = read_source(path)
    assert [values(r) for r in source.tables[0].rows] == [["规章", "0", "", "/"], ["行政规范性文件", "—", "3", "0"]]
    assert source.text == "表前段落\n规章\t0\t\t/\n行政规范性文件\t—\t3\t0\n表后段落\n"


# ------------------------------------------------------------------ HTML ----

def test_gb2312_portal_page():
    source = read_source(HTML)
    assert source.encoding == "gb18030" and source.media_type == "text/html"
    lines = source.text.split("\n")
    assert lines[:2] == ["标题: 平潭综合实验区2023年度政府信息公开工作年度报告", "发布时间: 2024-03-08"]
    assert lines[2].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert lines[-3:] == ["六、其他需要报告的事项", "2023年，无收取信息处理费情况。", ""]
    for word in CHROME:
        assert word not in source.text, word
    assert_offsets(source)
    table2, table3, table4 = source.tables
    assert values(table2.rows[3]) == ["行政规范性文件", "77", "132", "470"]
    assert row_of(table3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == ["19", "1", "0", "0", "0", "0", "20"]
    assert row_of(table3, "（七）总计") == ["80", "1", "0", "0", "0", "0", "81"]
    assert values(table3.rows[1])[3:] == ["自然人", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "法人或其他组织", "总计"]
    assert values(table3.rows[2])[3] == "自然人" and values(table3.rows[2])[9] == "总计"  # rowspan
    assert values(table4.rows[-1]) == list("110024001510102")


def test_html_report_extracts_header_from_page():
    facts = extract_file(HTML)
    assert facts.title.value == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert facts.issued.value == "2024-03-08"


# ------------------------------------------------------------------ bad inputs ----

@pytest.mark.parametrize("name, message", [
    ("encrypted.pdf", "encrypted PDF"),
    ("scanned.pdf", "scanned PDF with no text layer: OCR is not supported yet"),
    ("truncated.pdf", "corrupted PDF"),
    ("not_a_zip.docx", "not a zip archive"),
    ("truncated.docx", "truncated or damaged .docx"),
])
def test_bad_files_get_one_line_named_errors(name, message):
    path = FORMATS / name
    with pytest.raises(InputError) as info:
        read_source(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_truncated_pdf_that_pdfium_can_open(tmp_path):
    data = PDF_2023.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: data.rindex(b"%%EOF")])
    with pytest.raises(InputError, match="truncated or corrupted PDF"):
        read_source(path)


def test_page_with_no_report_is_not_a_report():
    source = read_source(FORMATS / "news_page.html")
    assert len(source.text) < 200 and not any(word in source.text for word in CHROME)
    with pytest.raises(NotAReportError):
        extract_file(FORMATS / "news_page.html")


def test_legacy_word_without_libreoffice(tmp_path, monkeypatch):
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(InputError, match=r"install LibreOffice \(soffice\) to read \.doc/\.wps"):
        read_source(path)


def test_legacy_word_through_soffice(tmp_path, monkeypatch):
    """A stand-in soffice that 'converts' by copying a .docx, called as LibreOffice is."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        f'cp "{DOCX}" "$2/input.docx"\n',
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    path = tmp_path / "report.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    source = read_source(path)
    assert source.media_type == "application/vnd.ms-works" and len(source.tables) == 3
    assert source.text.startswith("平潭综合实验区2021年度政府信息公开工作年度报告\n")


def test_supported_suffixes():
    for suffix in (".txt", ".md", ".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".PDF"):
        assert supported(Path("report" + suffix))
    assert not supported(Path("report.xls"))


def test_batch_of_mixed_formats_goes_on_past_bad_files():
    bad = ["encrypted.pdf", "scanned.pdf", "truncated.pdf", "not_a_zip.docx", "truncated.docx", "news_page.html"]
    good = [str(PDF_2023), str(DOCX), str(HTML)]
    result = CliRunner().invoke(app, ["extract", *good, *(str(FORMATS / b) for b in bad)])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["source"] for r in records] == good
    assert [r["format"] for r in records] == ["standard"] * 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("kg: ")]
    assert len(errors) == len(bad) and all(any(b in e for e in errors) for b in bad)
    assert "Traceback" not in result.output
