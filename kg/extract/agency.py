"""The publishing agency when the report's title does not name it.

Reports name their agency in a few fixed places besides the title, tried in this order:
the signature block that closes the report (``河北省教育厅`` above or before the date), the
opening sentence (``由…编制``, ``现将…2016年…``, a ``《…年度报告》`` it quotes), the subject of
the first sentence (``2021年，…厅坚持…``), a saved page's 发布机构 header, the site the report
is published on (``…网站``) and the contact line (``请与…办公室联系``). A candidate counts only
as a full name: its place (河北省, 淮安市洪泽区) or a national prefix, a body and one of the
suffixes agencies' names end with (kg/lexicon/header.json). Where the report refers to itself
as 我厅/本局/我委, a name of another kind is not its agency.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from kg.document import Document
from kg.lexicon import alternation, load
from kg.model import Fact

LEX = load("header")["agency"]


_HAN = r"[\u4e00-\u9fff]"
_PLACE = (
    rf"(?:[^\W\d_A-Za-z{''.join(LEX['place_not_first'])}][^\W\d_A-Za-z{''.join(LEX['place_not_inside'])}]{{0,9}}?"
    rf"(?:{alternation(LEX['place_suffixes'])}))"
)
# at most four places (province, city, county, town): bounded, so a page of place-like
# characters cannot make the pattern backtrack without end
NAME = (
    rf"(?:(?:{_PLACE}){{1,4}}|(?:{alternation(LEX['national_prefixes'])})){_HAN}{{0,16}}?"
    rf"(?:{alternation(LEX['suffixes'])})"
)
YEAR = r"(?:19|20)\d{2}年度?"
OPENING = (
    ("agency.compiled_by", re.compile(rf"(?:{alternation(LEX['compiled_by'])})(?P<name>{NAME})(?:{alternation(LEX['compiled_verbs'])})")),
    ("agency.compiled_by", re.compile(rf"(?:^|(?<=[，,。]))(?P<name>{NAME})(?:{alternation(LEX['compiled_verbs'])})了?本(?:年度)?报告")),
    ("agency.report_of", re.compile(rf"(?:{alternation(LEX['report_of'])})(?P<name>{NAME}){YEAR}")),
    ("agency.quoted_title", re.compile(rf"[《“\"](?P<name>{NAME}){YEAR}[^》”\"。]{{0,20}}?(?:信息公开|政务公开)[^》”\"。]{{0,12}}[》”\"]")),
)
SUBJECT = re.compile(rf"(?<!\d)(?:19|20)\d{{2}}年(?:度|以来)?[，,]\s*(?P<name>{NAME})(?={alternation(LEX['actor_verbs'])})")
SITE = re.compile(rf"(?P<name>{NAME})(?:门户网站|政府网站|网站|官网|官方网站)")
CONTACT = re.compile(rf"(?:请与|可与|请联系|联系单位[:：]?)(?P<name>{NAME})(?:[\u4e00-\u9fff]{{0,8}}?)(?:联系|[(（])")
DATE = (
    r"(?P<date>(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
    r"|(?P<cy>[〇○零一二三四五六七八九]{4})年(?P<cm>[一二三四五六七八九十]{1,2})月(?P<cd>[一二三四五六七八九十]{1,3})日)"
)
# a name, then the date at the end of its line or of the next (a page footer may follow it)
SIGNATURE = re.compile(
    rf"(?:^|(?<=[\n。]))[ \t]*(?P<name>{NAME})[ \t]*\n?[ \t]*{DATE}[ \t]*"
    rf"(?=$|\n|{alternation(load('header')['signature']['footer_words'])})",
    re.M,
)
OPENING_SPAN = 600  # the opening paragraph of a report, in characters
SIGNATURE_SPAN = 400  # the closing lines, where a signature stands


def find_agency(doc: Document) -> Fact[str] | None:
    """The agency named in the report's own text or its page header, else ``None``."""
    kind = _self_reference(doc)
    for source in SOURCES:
        for found in source(doc):
            if _fits(found.value, kind):
                return found
    return None


def _self_reference(doc: Document) -> list[str] | None:
    """The name endings the report's 我厅/本局… allow (the most frequent kind), or None."""
    body = doc.body
    counts = {key: body.count("我" + key) + body.count("本" + key) for key in LEX["self_reference"] if key != "comment"}
    key, count = max(counts.items(), key=lambda kv: kv[1])
    if count == 0:
        return None
    return LEX["self_reference"][key]


def _fits(name: str, endings: list[str] | None) -> bool:
    return endings is None or name.endswith(tuple(endings))


def _fact(doc: Document, base: int, m: re.Match, rule: str) -> Fact[str]:
    """The name matched in ``doc.text[base:]``, with the sentence it stands in."""
    value_start, value_end = base + m.start("name"), base + m.end("name")
    sentence = doc.sentence_at(value_start)
    start, end = (sentence.start, sentence.end) if sentence else (base + m.start(), base + m.end())
    return Fact(m.group("name"), doc.evidence(start, max(end, value_end), value_start, value_end, rule))


def signatures(doc: Document) -> list[re.Match]:
    """The name-and-date pairs in the report's closing lines, where its signature stands."""
    return list(SIGNATURE.finditer(doc.text, max(doc.body_start, len(doc.text) - SIGNATURE_SPAN)))


def _signature(doc: Document) -> Iterator[Fact[str]]:
    # the last name-and-date pair of the report: its signature block
    found = signatures(doc)
    if found:
        last = found[-1]
        name_start = last.start("name")
        yield Fact(last.group("name"), doc.evidence(name_start, last.end(), name_start, last.end("name"), "agency.signature"))


def _opening(doc: Document) -> Iterator[Fact[str]]:
    text = doc.text[doc.body_start: doc.body_start + OPENING_SPAN]
    for rule, pattern in OPENING:
        m = pattern.search(text)
        if m:
            yield _fact(doc, doc.body_start, m, rule)


def _subject(doc: Document) -> Iterator[Fact[str]]:
    for s in doc.sentences[:12]:
        m = SUBJECT.search(s.text)
        if m:
            yield _fact(doc, s.start, m, "agency.first_subject")
            return


def _publisher(doc: Document) -> Iterator[Fact[str]]:
    publisher = doc.meta.get("发布机构") or doc.meta.get("发文机关")
    if publisher and len(publisher.value) >= 2:
        yield Fact(publisher.value.replace(" ", ""), replace(publisher.evidence, rule="agency.page_publisher"))


def _site(doc: Document) -> Iterator[Fact[str]]:
    m = SITE.search(doc.text[doc.body_start: doc.body_start + OPENING_SPAN])
    if m:
        yield _fact(doc, doc.body_start, m, "agency.own_site")


def _contact(doc: Document) -> Iterator[Fact[str]]:
    for s in doc.sentences:
        m = CONTACT.search(s.text)
        if m:
            yield _fact(doc, s.start, m, "agency.contact_line")
            return


# in the order the module's docstring gives; each is asked only when those before found nothing
SOURCES = (_signature, _opening, _subject, _publisher, _site, _contact)

