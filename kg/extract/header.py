"""Header facts: title, agency, year, statistics period (统计期限), issue date and format.

The title is the heading printed at the top of the report's own text (a saved page's
标题 line only when the body has none); the agency and year come from the title
(``AGENCY + YYYY年(度) + 政府信息公开工作年度报告``, or ``YYYY年 + AGENCY + …``).
The issue date is the date line that closes the report (落款日期), else the page's
发布时间. The format is ``standard`` when the national template's tables are present
(国办公开办函〔2019〕60号 / 〔2021〕30号), else ``narrative``.
"""

from __future__ import annotations

import re
from itertools import chain
from datetime import date

from kg.document import Document, chinese_number
from kg.extract.agency import DATE, signatures
from kg.lexicon import alternation, any_of, load
from kg.model import Fact

HEADER = load("header")
TITLE = re.compile(
    r"(?P<pre>[^\s。，,;；:：()（）《》“”\"]{0,40}?)"
    r"(?P<year>(?:19|20)\d{2})年度?"
    r"(?P<mid>[^\s。，,;；()（）《》“”\"]{0,30}?)"
    # (?<!人民): the 政府 of 桐城市人民政府信息公开… ends the agency's name
    r"(?:(?<!人民)(?:政府|政务)?信息公开|政务公开)[^\s。，,;；()（）《》]{0,8}?"
    r"(?:" + alternation(HEADER["title_kinds"]["words"]) + ")"
)
DATE_RANGE = re.compile(
    r"(?P<y1>(?:19|20)\d{2})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日(?:起)?\s*"
    r"(?:至|到|—|－|-|~|～)\s*(?:(?P<y2>(?:19|20)\d{2})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
# an opening sentence that starts with its year, after the section heading it may follow
OPENING_YEAR = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、[^\d。，,]{0,16}?)?(?P<year>(?:19|20)\d{2})年(?:度|以来)?[，,]")
OPENING_SENTENCES = 4
NOT_A_TITLE = any_of(HEADER["agency"]["report_of"])
REPORT_FOLLOWS = tuple(HEADER["title_kinds"]["not_followed_by"])
PERIOD_CUE = any_of(HEADER["period"]["cues"])
PERIOD_WEAK_CUE = any_of(HEADER["period"]["weak_cues"])
CN_DIGITS = "〇○零一二三四五六七八九"
DATE_LINE = re.compile(
    r"(?:^|(?<=[\n。]))[ \t]*" + DATE + r"[ \t]*(?=$|\n|附件|附表)",
    re.M,
)
META_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
AGENCY_PREFIX = re.compile(r"^(?:关于|印发|公布)+|(?:关于)$")
STANDARD_MARKERS = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "结转下年度继续办理",
    "未经复议直接起诉",
    "复议后起诉",
    "第二十条第(一)项",
    "本年度办理结果",
)
EDITION_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "〔2021〕30号")
EDITION_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量")


def iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def title_and_agency(doc: Document) -> tuple[Fact[str] | None, Fact[str] | None, Fact[int] | None]:
    text = doc.text
    first_stop = text.find("。", doc.body_start)
    limit = first_stop if first_stop >= 0 else len(text)
    candidates = []
    allowed = {doc.body_start}
    for m in TITLE.finditer(text, doc.body_start, limit):
        at_line_start = m.start() == 0 or text[m.start() - 1] == "\n"
        if NOT_A_TITLE.match(text, m.start()) or text.startswith(REPORT_FOLLOWS, m.end()):
            continue  # 现将…2016年政府信息公开工作情况报告如下: a sentence that announces the report
        if m.start() in allowed or at_line_start:
            candidates.append(m)
            allowed.add(m.end())
    if candidates:
        m = candidates[-1]
        title_ev = doc.evidence(m.start(), m.end(), m.start(), m.end(), "header.title")
        title = Fact(m.group().replace(" ", ""), title_ev)
        agency_text, group = (m.group("pre"), "pre") if m.group("pre") else (m.group("mid"), "mid")
        agency_text = AGENCY_PREFIX.sub("", agency_text)
        agency = None
        if len(agency_text) >= 2:
            agency = Fact(
                agency_text, doc.evidence(m.start(), m.end(), m.start(group), m.start(group) + len(agency_text), "header.agency_from_title")
            )
        year = Fact(int(m.group("year")), doc.evidence(m.start(), m.end(), m.start("year"), m.end("year"), "header.year_from_title"))
        return title, agency, year
    # No heading in the body: a saved page's 标题 line stands in.
    meta_title = doc.meta.get("标题") or doc.meta.get("题目")
    if meta_title:
        page = TITLE.fullmatch(meta_title.value.replace(" ", ""))
        if page:
            ev = meta_title.evidence
            agency_text = AGENCY_PREFIX.sub("", page.group("pre") or page.group("mid"))
            agency = Fact(agency_text, _sub_evidence(ev, "header.agency_from_page_title")) if len(agency_text) >= 2 else None
            year = Fact(int(page.group("year")), _sub_evidence(ev, "header.year_from_page_title"))
            return Fact(page.group(), _sub_evidence(ev, "header.page_title")), agency, year
    return None, None, None


def _sub_evidence(ev, rule):
    from dataclasses import replace

    return replace(ev, rule=rule)


def period(doc: Document) -> tuple[Fact[str] | None, Fact[str] | None]:
    for s in doc.sentences:
        for m in DATE_RANGE.finditer(s.text):
            before = s.text[: m.start()]
            strong = PERIOD_CUE.search(before) or PERIOD_CUE.search(s.text[m.end():])
            if not strong and not PERIOD_WEAK_CUE.search(s.text):
                continue
            y1 = int(m.group("y1"))
            y2 = int(m.group("y2") or y1)
            start = iso(y1, int(m.group("m1")), int(m.group("d1")))
            end = iso(y2, int(m.group("m2")), int(m.group("d2")))
            if not (start and end and start <= end):
                continue
            if not strong and not (start.endswith("-01") and _month_end(end)):
                continue
            ev = doc.sentence_evidence(s, m, 0, "header.period" if strong else "header.period_covered")
            return Fact(start, ev), Fact(end, ev)
    return None, None


def opening_year(doc: Document) -> Fact[int] | None:
    """With no title and no period, the year the opening sentence reports on (2016年，我厅…)."""
    for s in doc.sentences[:OPENING_SENTENCES]:
        m = OPENING_YEAR.match(s.text)
        if m:
            return Fact(int(m.group("year")), doc.sentence_evidence(s, m, "year", "header.year_from_opening"))
    return None


def _month_end(value: str) -> bool:
    y, m, d = (int(p) for p in value.split("-"))
    return iso(y, m, d + 1) is None


def _cn_year(text: str) -> int:
    return int("".join(str(CN_DIGITS.index(c) - 2 if CN_DIGITS.index(c) > 2 else 0) for c in text))


def issued(doc: Document, year: int | None) -> Fact[str] | None:
    found = None
    for m in chain(DATE_LINE.finditer(doc.text, doc.body_start), signatures(doc)):
        if m.group("y"):
            value = iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            value = iso(_cn_year(m.group("cy")), chinese_number(m.group("cm")), chinese_number(m.group("cd")))
        if value and (year is None or year <= int(value[:4]) <= year + 2):
            if found is None or m.start("date") > found[1].start("date"):
                found = (value, m)
    if found:
        value, m = found
        return Fact(value, doc.evidence(m.start("date"), m.end("date"), m.start("date"), m.end("date"), "header.date_line"))
    for key in HEADER["issued"]["meta_keys"]:
        fact = doc.meta.get(key)
        if fact:
            date = META_DATE.search(fact.value)
            value = date and iso(int(date.group(1)), int(date.group(2)), int(date.group(3)))
            if value:
                return Fact(value, _sub_evidence(fact.evidence, f"header.page_{key}"))
    return None


def is_report(doc: Document) -> bool:
    """Whether a body without a report heading reads as a disclosure report: it speaks of
    disclosure often and covers the topics the report's sections do."""
    cues = HEADER["report_wording"]
    body = doc.body
    if sum(body.count(w) for w in cues["disclosure_words"]) < cues["min_mentions"]:
        return False
    return sum(1 for words in cues["topics"] if any(w in body for w in words)) >= cues["min_topics"]


def report_format(doc: Document, year: int | None) -> tuple[str, str | None]:
    body = doc.body
    markers = sum(1 for marker in STANDARD_MARKERS if marker in body)
    if markers < 2:
        return "narrative", None
    if any(m in body for m in EDITION_2021):
        return "standard", "2021"
    if any(m in body for m in EDITION_2019):
        return "standard", "2019"
    if year is not None:
        return "standard", "2021" if year >= 2021 else "2019"
    return "standard", None
