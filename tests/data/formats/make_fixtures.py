#!/usr/bin/env python3
"""Build the reader fixtures in this folder from real report texts (run once; outputs are committed).

usage: .venv/bin/python tests/data/formats/make_fixtures.py

- pingtan_2021.docx: the real text of tests/data/corpus/dev/520_pingtan_zone_2021.txt
  (a portal page's text rendering, tables run together) as a Word file with real tables
  and merged header cells, the way the template is published in Word.
- pingtan_2023.html: the real text of 522_pingtan_zone_2023.txt as a GB2312 portal page
  (menu, breadcrumb, title and 发布时间 line, share bar, print/close links, footer)
  with real <table>s using rowspan/colspan.
- news_page.html: a portal page with a notice and no report (bad input).
- scanned.pdf: page 1 of 101_hongze_district_2023.pdf rendered to an image and saved
  as a PDF with no text layer; encrypted.pdf: that PDF with a user password (pypdf);
  truncated.pdf: its first half; not_a_zip.docx: text saved under a .docx name;
  truncated.docx: the first half of pingtan_2021.docx.

Table cells come from the gold records' notes (tests/data/gold/dev/*.json), which were
checked against the agencies' original pages. 表三's rows are split from the digits the
text runs together: every split into the seven columns (自然人, 商业企业, 科研机构,
社会公益组织, 法律服务机构, 其他, 总计) without leading zeros whose six applicant cells
add up to the 总计 cell is listed; where the notes document a row it must be one of
them and is used; a row with several splits takes the one with which the outcome rows
add up to (七)总计 in every column (it must be unique). Rows split by these rules only
(not spelled out in the notes): 520 "1.本机关不掌握相关政府信息" 220000325 has two
splits, 2|20|0|0|0|3|25 and 22|0|0|0|0|3|25; only the second agrees with (七)总计
63|0|0|2|0|4|69 (商业企业 0), so 22|0|0|0|0|3|25; and every seven-digit row (one digit
per cell).
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DEV = ROOT / "tests" / "data" / "corpus" / "dev"
PDF = DEV / "101_hongze_district_2023.pdf"

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
# 表三's rows in the 2021 template: (group label or None, row label)
TABLE3_ROWS = [
    (None, "一、本年新收政府信息公开申请数量"),
    (None, "二、上年结转政府信息公开申请数量"),
    ("三、本年度办理结果", "（一）予以公开"),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("（三）不予公开", "1.属于国家秘密"),
    ("（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("（三）不予公开", "3.危及“三安全一稳定”"),
    ("（三）不予公开", "4.保护第三方合法权益"),
    ("（三）不予公开", "5.属于三类内部事务信息"),
    ("（三）不予公开", "6.属于四类过程性信息"),
    ("（三）不予公开", "7.属于行政执法案卷"),
    ("（三）不予公开", "8.属于行政查询事项"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("（四）无法提供", "2.没有现成信息需要另行制作"),
    ("（四）无法提供", "3.补正后申请内容仍不明确"),
    ("（五）不予处理", "1.信访举报投诉类申请"),
    ("（五）不予处理", "2.重复申请"),
    ("（五）不予处理", "3.要求提供公开出版物"),
    ("（五）不予处理", "4.无正当理由大量反复申请"),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("（六）其他处理", "3.其他"),
    ("三、本年度办理结果", "（七）总计"),
    (None, "四、结转下年度继续办理"),
]
HEADER3 = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

REPORTS = {
    "520": {
        "file": "520_pingtan_zone_2021.txt",
        "title": "平潭综合实验区2021年度政府信息公开工作年度报告",
        # gold notes: 表二 cells checked in page.html
        "table2": {"规章": ("0", "0", "0"), "行政规范性文件": ("69", "3", "665"), "行政许可": "2293",
                   "行政处罚": "1282", "行政强制": "42", "行政事业性收费": "24252.311082"},
        # gold notes: 表三 rows spelled out there (must be the unique split)
        "documented": {"一、本年新收政府信息公开申请数量": "64|0|0|2|0|4|70", "（一）予以公开": "27|0|0|2|0|1|30",
                       "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "5|0|0|0|0|0|5",
                       "（七）总计": "63|0|0|2|0|4|69", "四、结转下年度继续办理": "1|0|0|0|0|0|1"},
        # gold notes: 表四 10203120001200000 checked in page.html
        "table4": ("1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"),
        "paragraphs": ["一、总体情况", "2021年，我区以", "（一）主动公开方面。", "（二）依申请公开方面。",
                       "（三）政府信息管理方面。", "（四）平台载体建设方面。", "（五）监督保障方面。", "二、主动公开政府信息情况"],
        "after": ["五、存在的主要问题及改进情况", "（一）存在的主要问题:", "（二）改进措施：", "六、其他需要报告的事项", "2021年，无收取"],
    },
    "522": {
        "file": "522_pingtan_zone_2023.txt",
        "title": "平潭综合实验区2023年度政府信息公开工作年度报告",
        "issued": "2024-03-08 15:34",
        "publisher": "平潭综合实验区管委会办公室",
        "table2": {"规章": ("0", "0", "0"), "行政规范性文件": ("77", "132", "470"), "行政许可": "2629",
                   "行政处罚": "1330", "行政强制": "54", "行政事业性收费": "5949.088667"},
        "documented": {"一、本年新收政府信息公开申请数量": "80|1|0|0|0|0|81", "（一）予以公开": "22|0|0|0|0|0|22",
                       "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "19|1|0|0|0|0|20",
                       "四、结转下年度继续办理": "0|0|0|0|0|0|0"},
        # gold notes: 表四 110024001510102 is fifteen one-digit cells
        "table4": tuple("110024001510102"),
        "paragraphs": ["一、总体情况", "2023年，平潭综合实验区坚持", "（一）主动公开方面", "平潭综合实验区切实落实",
                       "（二）依申请公开方面", "持续强化服务理念", "（三）政府信息管理方面", "进一步规范信息发布全流程",
                       "（四）信息公开平台建设方面", "一是开展门户网站提升服务项目", "（五）监督保障方面", "常态化开展日监测",
                       "二、主动公开政府信息情况"],
        "after": ["五、存在的主要问题及改进情况", "存在的问题主要有", "2024年，我区将采取", "六、其他需要报告的事项", "2023年，无收取"],
    },
}


def body(name: str) -> str:
    text = (DEV / REPORTS[name]["file"]).read_text(encoding="utf-8")
    text = text.split("正文 ====================\n", 1)[1]
    start = text.index("根据《中华人民共和国") if name == "520" else text.index("本报告根据")
    return text[start:].rsplit("附件下载", 1)[0].strip()


def cut(text: str, markers: list[str]) -> list[str]:
    """Split ``text`` before each marker, in order (each must be found)."""
    pieces, pos = [], 0
    for marker in markers:
        at = text.index(marker, pos)
        pieces.append(text[pos:at].strip())
        pos = at
    pieces.append(text[pos:].strip())
    return [p for p in pieces if p]


def splits(digits: str, parts: int = 7) -> list[tuple[str, ...]]:
    """Every split of a digit string into ``parts`` numbers (no leading zeros) whose
    first parts-1 add up to the last."""
    out = []

    def walk(rest: str, acc: tuple[str, ...]):
        if len(acc) == parts - 1:
            if rest and (rest == "0" or rest[0] != "0") and sum(map(int, acc)) == int(rest):
                out.append(acc + (rest,))
            return
        for k in range(1, len(rest)):
            head = rest[:k]
            if head != "0" and head[0] == "0":
                break
            walk(rest[k:], acc + (head,))

    walk(digits, ())
    return out


def table3(name: str, region: str) -> list[tuple[str | None, str, tuple[str, ...]]]:
    rows, pos = [], 0
    labels = [label for _, label in TABLE3_ROWS]
    for k, (group, label) in enumerate(TABLE3_ROWS):
        at = region.index(label, pos)
        end = region.index(labels[k + 1], at + len(label)) if k + 1 < len(labels) else region.index("四、政府信息公开行政复议", at)
        chunk = region[at + len(label): end]
        for g in {g for g, _ in TABLE3_ROWS if g}:
            chunk = chunk.replace(g, "")
        digits = re.sub(r"\s+", "", chunk)
        assert digits.isdigit(), (name, label, chunk)
        found = splits(digits)
        documented = REPORTS[name]["documented"].get(label)
        if len(found) == 1 and not documented:
            cells = found[0]
        elif documented:
            cells = tuple(documented.split("|"))
            assert cells in found, (name, label, digits, found)
        else:
            assert found, (name, label, digits)
            cells = found  # resolved below when there is more than one split
        rows.append((group, label, cells))
        pos = at + len(label)
    return _resolve(rows)


def _resolve(rows):
    """Pick, for a row with several splits, the one with which the outcome rows add up to
    (七)总计 in every column (the template's own arithmetic); it must be unique."""
    import itertools

    total = next(cells for _, label, cells in rows if label == "（七）总计")
    outcome = [k for k, (group, label, _) in enumerate(rows) if group and label != "（七）总计"]
    open_rows = [k for k, (_, _, cells) in enumerate(rows) if isinstance(cells, list)]
    choices = []
    for pick in itertools.product(*(rows[k][2] for k in open_rows)):
        chosen = dict(zip(open_rows, pick))
        cells = [chosen.get(k, rows[k][2]) for k in range(len(rows))]
        if all(sum(int(cells[k][c]) for k in outcome) == int(total[c]) for c in range(7)):
            choices.append(chosen)
    assert len(choices) == 1, choices
    return [(g, label, choices[0].get(k, cells)) for k, (g, label, cells) in enumerate(rows)]


# ---------------------------------------------------------------- Word ----

def make_docx(name: str, out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    spec = REPORTS[name]
    text = body(name)
    head, rest = text.split("二、主动公开政府信息情况", 1)
    region, tail = rest.split("五、存在的主要问题及改进情况", 1)
    doc = docx.Document()
    title = doc.add_paragraph(spec["title"])
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for para in cut(head, spec["paragraphs"][:-1]):
        doc.add_paragraph(para)
    doc.add_paragraph("二、主动公开政府信息情况")
    _docx_table2(doc, spec["table2"])
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    _docx_table3(doc, table3(name, region))
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    _docx_table4(doc, spec["table4"])
    for para in cut("五、存在的主要问题及改进情况" + tail, spec["after"][1:]):
        doc.add_paragraph(para)
    doc.core_properties.title = spec["title"]
    doc.save(out)


def _fill(table, r: int, c: int, text: str, r2: int | None = None, c2: int | None = None):
    cell = table.cell(r, c)
    if r2 is not None or c2 is not None:
        cell = cell.merge(table.cell(r if r2 is None else r2, c if c2 is None else c2))
    cell.text = text
    return cell


def _docx_table2(doc, cells: dict) -> None:
    layout = [
        ("第二十条第（一）项", None), ("信息内容", ("本年制发件数", "本年废止件数", "现行有效件数")),
        ("规章", cells["规章"]), ("行政规范性文件", cells["行政规范性文件"]),
        ("第二十条第（五）项", None), ("信息内容", "本年处理决定数量"), ("行政许可", cells["行政许可"]),
        ("第二十条第（六）项", None), ("信息内容", "本年处理决定数量"),
        ("行政处罚", cells["行政处罚"]), ("行政强制", cells["行政强制"]),
        ("第二十条第（八）项", None), ("信息内容", "本年收费金额（单位：万元）"), ("行政事业性收费", cells["行政事业性收费"]),
    ]
    table = doc.add_table(rows=len(layout), cols=4)
    table.style = "Table Grid"
    for r, (label, values) in enumerate(layout):
        if values is None:
            _fill(table, r, 0, label, c2=3)
        elif isinstance(values, str):
            _fill(table, r, 0, label)
            _fill(table, r, 1, values, c2=3)
        else:
            _fill(table, r, 0, label)
            for c, value in enumerate(values, start=1):
                _fill(table, r, c, value)


def _docx_table3(doc, rows) -> None:
    table = doc.add_table(rows=3 + len(rows), cols=10)
    table.style = "Table Grid"
    _fill(table, 0, 0, HEADER3, r2=2, c2=2)
    _fill(table, 0, 3, "申请人情况", c2=9)
    _fill(table, 1, 3, "自然人", r2=2)
    _fill(table, 1, 4, "法人或其他组织", c2=8)
    _fill(table, 1, 9, "总计", r2=2)
    for c, label in enumerate(APPLICANTS[1:6], start=4):
        _fill(table, 2, c, label)
    groups: dict[str, list[int]] = {}
    for k, (group, label, cells) in enumerate(rows):
        r = 3 + k
        if group is None:
            _fill(table, r, 0, label, c2=2)
        elif group.startswith("三、"):
            _fill(table, r, 1, label, c2=2)
        else:
            _fill(table, r, 2, label)
            groups.setdefault(group, []).append(r)
        if group:
            groups.setdefault("三、本年度办理结果", []).append(r)
        for c, value in enumerate(cells, start=3):
            _fill(table, r, c, value)
    for group, rs in groups.items():
        column = 0 if group.startswith("三、") else 1
        _fill(table, min(rs), column, group, r2=max(rs))


def _docx_table4(doc, cells: tuple[str, ...]) -> None:
    table = doc.add_table(rows=4, cols=15)
    table.style = "Table Grid"
    _fill(table, 0, 0, "行政复议", c2=4)
    _fill(table, 0, 5, "行政诉讼", c2=14)
    for c, label in enumerate(OUTCOMES):
        _fill(table, 1, c, label, r2=2)
    _fill(table, 1, 5, "未经复议直接起诉", c2=9)
    _fill(table, 1, 10, "复议后起诉", c2=14)
    for c in range(5, 15):
        _fill(table, 2, c, OUTCOMES[(c - 5) % 5])
    for c, value in enumerate(cells):
        _fill(table, 3, c, value)


# ---------------------------------------------------------------- HTML ----

def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_html(name: str, out: Path) -> None:
    spec = REPORTS[name]
    text = body(name)
    head, rest = text.split("二、主动公开政府信息情况", 1)
    region, tail = rest.split("五、存在的主要问题及改进情况", 1)
    parts = [f"<p>{esc(p)}</p>" for p in cut(head, spec["paragraphs"][:-1])]
    parts.append("<p><strong>二、主动公开政府信息情况</strong></p>")
    parts.append(_html_table2(spec["table2"]))
    parts.append("<p><strong>三、收到和处理政府信息公开申请情况</strong></p>")
    parts.append(_html_table3(table3(name, region)))
    parts.append("<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>")
    parts.append(_html_table4(spec["table4"]))
    parts += [f"<p>{esc(p)}</p>" for p in cut("五、存在的主要问题及改进情况" + tail, spec["after"][1:])]
    page = PORTAL.format(
        title=esc(spec["title"]), issued=spec["issued"], publisher=esc(spec["publisher"]),
        content="\n".join(parts),
    )
    out.write_bytes(page.encode("gb2312"))


def _html_table2(cells: dict) -> str:
    rows = ['<tr><td colspan="4">第二十条第（一）项</td></tr>',
            "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"]
    for label in ("规章", "行政规范性文件"):
        rows.append("<tr><td>" + "</td><td>".join((label,) + cells[label]) + "</td></tr>")
    for item, header, labels in (("五", "本年处理决定数量", ("行政许可",)), ("六", "本年处理决定数量", ("行政处罚", "行政强制")),
                                 ("八", "本年收费金额（单位：万元）", ("行政事业性收费",))):
        rows.append(f'<tr><td colspan="4">第二十条第（{item}）项</td></tr>')
        rows.append(f'<tr><td>信息内容</td><td colspan="3">{header}</td></tr>')
        for label in labels:
            rows.append(f'<tr><td>{label}</td><td colspan="3">{cells[label]}</td></tr>')
    return '<table border="1" cellspacing="0" cellpadding="0" width="100%">\n' + "\n".join(rows) + "\n</table>"


def _html_table3(rows) -> str:
    out = [f'<tr><td colspan="3" rowspan="3">{HEADER3}</td><td colspan="7">申请人情况</td></tr>',
           '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
           "<tr>" + "".join(f"<td>{a}</td>" for a in APPLICANTS[1:6]) + "</tr>"]
    result_rows = sum(1 for group, _, _ in rows if group)
    seen: set[str] = set()
    for group, label, cells in rows:
        tds = []
        if group is None:
            tds.append(f'<td colspan="3">{esc(label)}</td>')
        else:
            if "三、本年度办理结果" not in seen:
                seen.add("三、本年度办理结果")
                tds.append(f'<td rowspan="{result_rows}">三、本年度办理结果</td>')
            if group.startswith("三、"):
                tds.append(f'<td colspan="2">{esc(label)}</td>')
            else:
                if group not in seen:
                    seen.add(group)
                    size = sum(1 for g, _, _ in rows if g == group)
                    tds.append(f'<td rowspan="{size}">{group}</td>')
                tds.append(f"<td>{esc(label)}</td>")
        tds += [f"<td>{v}</td>" for v in cells]
        out.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0" width="100%">\n<tbody>\n' + "\n".join(out) + "\n</tbody>\n</table>"


def _html_table4(cells: tuple[str, ...]) -> str:
    out = ['<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>',
           "<tr>" + "".join(f'<td rowspan="2">{o}</td>' for o in OUTCOMES)
           + '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>',
           "<tr>" + "".join(f"<td>{o}</td>" for o in OUTCOMES * 2) + "</tr>",
           "<tr>" + "".join(f"<td>{v}</td>" for v in cells) + "</tr>"]
    return '<table border="1" cellspacing="0" cellpadding="0" width="100%">\n' + "\n".join(out) + "\n</table>"


PORTAL = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="gb2312">
<title>{title}_政府信息公开年报_平潭综合实验区党工委管委会</title>
<style type="text/css">.nav li{{float:left}} .footer{{text-align:center}}</style>
<script type="text/javascript">var siteName = "平潭综合实验区党工委管委会"; function doPrint(){{window.print();}}</script>
</head>
<body>
<div class="top">
  <div class="logo">平潭综合实验区党工委管委会</div>
  <div class="topbar"><a href="#">设为首页</a> | <a href="#">加入收藏</a> | <a href="#">无障碍浏览</a> | <a href="#">简体版</a></div>
</div>
<div class="nav">
  <ul>
    <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
    <li><a href="/hdjl/">互动交流</a></li><li><a href="/zjpt/">走进平潭</a></li><li><a href="/ztzl/">专题专栏</a></li>
  </ul>
</div>
<div class="main">
  <div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/zfxxgk/">政府信息公开</a> &gt; <a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a></div>
  <div class="article">
    <div class="article-title">
      <h1>{title}</h1>
      <div class="info"><span>来源：{publisher}</span>&nbsp;&nbsp;<span>发布时间：{issued}</span>&nbsp;&nbsp;<span>【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</span></div>
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
    <div class="TRS_Editor" id="zoom">
{content}
    </div>
    <div class="article-tools"><a href="javascript:doPrint()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
  </div>
  <div class="related">
    <div class="related-title">相关链接</div>
    <ul><li><a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a></li><li><a href="/zwgk/zfxxgk/zfxxgkzn/">政府信息公开指南</a></li><li><a href="/zwgk/zfxxgk/zfxxgkzd/">政府信息公开制度</a></li></ul>
  </div>
</div>
<div class="footer">
  <p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">网站声明</a> | <a href="#">使用帮助</a></p>
  <p>版权所有：平潭综合实验区党工委管委会　主办单位：平潭综合实验区管委会办公室</p>
  <p>网站标识码（略）　闽ICP备案号（略）　公网安备（略）</p>
</div>
<script type="text/javascript">document.write("访问统计");</script>
</body>
</html>
"""

NEWS = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>我区开展防汛防台应急演练_工作动态_平潭综合实验区党工委管委会</title>
</head>
<body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/gzdt/">工作动态</a></div>
<div class="article">
  <h1>我区开展防汛防台应急演练</h1>
  <div class="info">来源：区应急管理局　发布时间：2024-06-12 10:20</div>
  <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
  <div id="zoom">
    <p>为进一步提高防汛防台应急处置能力，近日，我区组织开展防汛防台应急演练。</p>
    <p>演练模拟强降雨引发低洼地段积水、群众需紧急转移等情景，各参演单位按照应急预案要求，迅速开展预警发布、人员转移、抢险救援等科目演练。</p>
    <p>下一步，我区将持续加强汛期值班值守，做好各项防汛防台准备工作。</p>
  </div>
  <div class="article-tools"><a href="#">打印本页</a> <a href="#">关闭窗口</a></div>
</div>
<div class="footer"><p><a href="#">网站地图</a> | <a href="#">联系我们</a></p><p>版权所有：平潭综合实验区党工委管委会　主办单位：平潭综合实验区管委会办公室</p></div>
</body>
</html>
"""


# ---------------------------------------------------------------- bad inputs ----

def make_bad_inputs() -> None:
    import pypdfium2 as pdfium
    from pypdf import PdfReader, PdfWriter

    (HERE / "news_page.html").write_bytes(NEWS.encode("gb2312"))
    # a scanned page: page 1 rendered to an image, saved as a PDF with no text layer
    pdf = pdfium.PdfDocument(str(PDF))
    image = pdf[0].render(scale=100 / 72).to_pil().convert("L")
    pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=100.0)
    (HERE / "scanned.pdf").write_bytes(buffer.getvalue())
    # encrypted with a user password
    writer = PdfWriter()
    writer.append(PdfReader(str(PDF)))
    writer.encrypt(user_password="kg-test", owner_password="kg-owner", algorithm="RC4-128")
    with open(HERE / "encrypted.pdf", "wb") as handle:
        writer.write(handle)
    data = PDF.read_bytes()
    (HERE / "truncated.pdf").write_bytes(data[: len(data) // 2])
    (HERE / "not_a_zip.docx").write_bytes(body("520").encode("utf-8"))
    docx_bytes = (HERE / "pingtan_2021.docx").read_bytes()
    (HERE / "truncated.docx").write_bytes(docx_bytes[: len(docx_bytes) // 2])


def main() -> int:
    make_docx("520", HERE / "pingtan_2021.docx")
    make_html("522", HERE / "pingtan_2023.html")
    make_bad_inputs()
    for path in sorted(HERE.iterdir()):
        if path.suffix != ".py":
            sys.stdout.write(f"{path.name}\t{path.stat().st_size}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
