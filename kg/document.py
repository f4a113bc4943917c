"""Stage 3, text -> document: header metadata, sections (一、二、…) and sentences.

A :class:`Document` holds the normalised text of one report with offsets back to the
text as printed. Rules read sentences and sections; every span they keep becomes an
:class:`~kg.model.Evidence` through :meth:`Document.evidence`. Tables and pages are part
of the model so that PDF, Word and HTML readers can fill them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from kg.lexicon import load
from kg.model import Evidence, Fact
from kg.normalize import Normalized, normalize
from kg.readers import SourceText

# Lines of a saved portal page or archive that precede the report: "标题: …", "发布时间: …".
META_LINE = re.compile(
    r"^[ \t]*(标题|题目|发布时间|发布日期|成文日期|日期|时间|发布机构|发文机关|来源|文号|索引号|栏目|原文链接|本地目录|主题分类)[ \t]*[:：][ \t]*(.*?)[ \t]*$"
)
META_NOISE = re.compile(r"^[ \t]*(?:=+[ \t]*正文[ \t]*=+|正文|页面链接与图片详见.*)[ \t]*$")
HEADING = re.compile(r"(?:^|(?<=[\n。；;:!?！？ ]))([一二三四五六七八九十]{1,3})、")
ATTACHMENT = re.compile(r"(附件|附表)\s*\d+\s*[:：]|(?:^|(?<=[\n。；;!?！？ ]))(附件|附表)\s*[:：]?")
HEADING_END = re.compile(r"情况|措施|事项|概述|问题|方面|报告")
SUBHEADING = re.compile(r"\([一二三四五六七八九十]{1,2}\)\s*([^。()]{2,24}?(?:方面|情况|工作))")
HEADING_LINE_MAX = 80
CLAUSE_MARK = re.compile(r"[，,；;。\n]")
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def chinese_number(text: str) -> int:
    """一 -> 1, 十二 -> 12, 二十 -> 20 (headings only go that far)."""
    if len(text) == 1:
        return NUMERALS[text]
    if text[0] == "十":
        return 10 + NUMERALS.get(text[1], 0)
    return NUMERALS[text[0]] * 10 + (NUMERALS.get(text[2], 0) if len(text) > 2 else 0)


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    kind: str | None  # fees, appeals, npc, applications, proactive, other, problems, overview, attachment
    start: int  # normalised offsets of the heading and of the section's end
    end: int


@dataclass(frozen=True)
class Sentence:
    text: str  # normalised
    start: int
    end: int
    section: Section | None
    topic: str = ""  # the nearest sub-heading before it in its section: (二)依申请公开方面


@dataclass
class Document:
    source: SourceText
    norm: Normalized
    body_start: int  # normalised offset where the report's own text begins
    meta: dict[str, Fact[str]]  # header lines of a saved page: 标题, 发布时间, 发布机构…
    sections: list[Section]
    sentences: list[Sentence]
    tables: list = field(default_factory=list)  # filled by table-aware readers
    pages: list[int] = field(default_factory=list)  # normalised offsets where pages start

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def body(self) -> str:
        return self.norm.text[self.body_start:]

    def evidence(self, start: int, end: int, value_start: int, value_end: int, rule: str) -> Evidence:
        """Evidence for a value at [value_start, value_end) inside the span [start, end)."""
        o_start, o_end = self.norm.to_source(start, end)
        v_start, v_end = self.norm.to_source(value_start, value_end)
        return Evidence(
            sentence=self.source.text[o_start:o_end],
            start=o_start,
            end=o_end,
            value_start=v_start,
            value_end=v_end,
            rule=rule,
            page=self.page_at(value_start),
        )

    def sentence_evidence(self, sentence: Sentence, match: re.Match, group: int | str, rule: str) -> Evidence:
        """Evidence for ``match`` (run on ``sentence.text``), pointing at ``group``."""
        return self.evidence(
            sentence.start,
            sentence.end,
            sentence.start + match.start(group),
            sentence.start + match.end(group),
            rule,
        )

    def page_at(self, offset: int) -> int | None:
        if not self.pages:
            return None
        return bisect_right(self.pages, offset)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        k = bisect_right(self._sentence_starts, offset) - 1
        return self.sentences[k] if k >= 0 and offset < self.sentences[k].end else None


def clauses(text: str) -> list[str]:
    """``text`` cut at its clause marks (，；。 and line breaks)."""
    return CLAUSE_MARK.split(text)


def clause_before(text: str, at: int) -> str:
    """The part of ``text[:at]`` after its last clause mark: the clause ``at`` stands in, up to it."""
    return clauses(text[:at])[-1]


def clause_after(text: str, at: int) -> str:
    """The part of ``text[at:]`` before its first clause mark: the clause ``at`` stands in, from it."""
    end = CLAUSE_MARK.search(text, at)
    return text[at : end.start() if end else len(text)]


def build_document(source: SourceText) -> Document:
    meta, header_end = _read_meta(source.text)
    norm = normalize(source.text)
    body_start = next((k for k, o in enumerate(norm.offsets) if o >= header_end), len(norm.text))
    sections = _sections(norm.text, body_start)
    sentences = _sentences(norm.text, body_start, sections)
    pages = [_to_norm(norm, p) for p in source.pages]
    return Document(source=source, norm=norm, body_start=body_start, meta=meta, sections=sections, sentences=sentences,
                    tables=list(source.tables), pages=pages)


def _to_norm(norm: Normalized, source_offset: int) -> int:
    """The first normalised offset at or after ``source_offset`` of the printed text."""
    return min(bisect_left(norm.offsets, source_offset), len(norm.text))


def _read_meta(text: str) -> tuple[dict[str, Fact[str]], int]:
    """Header lines of a saved page, and the offset where the report itself begins."""
    meta: dict[str, Fact[str]] = {}
    pos = 0
    end = 0
    heading_at = None  # a page heading copied above its header lines stays part of the report
    for line in text.split("\n"):
        stripped = line.strip()
        m = META_LINE.match(line)
        if m:
            key, value = m.group(1), m.group(2)
            if value and key not in meta:
                v_start = pos + m.start(2)
                meta[key] = Fact(
                    value,
                    Evidence(line.rstrip("\r"), pos, pos + len(line.rstrip("\r")), v_start, v_start + len(value), f"meta.{key}"),
                )
            end = pos + len(line) + 1
        elif META_NOISE.match(line):
            end = pos + len(line) + 1
        elif stripped and heading_at is None and not meta and len(stripped) <= HEADING_LINE_MAX and "。" not in stripped:
            heading_at = pos
        elif stripped:
            break
        pos += len(line) + 1
    if heading_at is not None and meta:
        end = heading_at
    return meta, min(end, len(text))


def _section_kind(title: str) -> str | None:
    for kind, words in load("sections")["kinds"]:
        if any(w in title for w in words):
            return kind
    return None


def _sections(text: str, body_start: int) -> list[Section]:
    found: list[tuple[int, int, str]] = []
    last = 0
    for m in HEADING.finditer(text, body_start):
        number = chinese_number(m.group(1))
        if found and not (last <= number <= last + 2):
            continue  # a numbered row of a table or list, not a section heading
        rest = text[m.end(): m.end() + 40].split("\n", 1)[0]
        close = HEADING_END.search(rest)
        title = rest[: close.end()] if close and close.start() < 30 else rest[:16]
        found.append((m.start(), number, title))
        last = number
    attachment = ATTACHMENT.search(text, found[-1][0] if found else body_start)
    if attachment:
        found.append((attachment.start(), last, attachment.group(1) or attachment.group(2)))
    sections = []
    for k, (start, number, title) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else len(text)
        kind = "attachment" if title in ("附件", "附表") else _section_kind(title)
        sections.append(Section(number, title, kind, start, end))
    return sections


def _sentences(text: str, body_start: int, sections: list[Section]) -> list[Sentence]:
    """Sentences end at 。！？ and line breaks, and a section heading always starts one."""
    starts = [s.start for s in sections]
    topics = [(m.start(), m.group(1)) for m in SUBHEADING.finditer(text, body_start)]
    topic_starts = [t[0] for t in topics]
    out = []
    for m in SENTENCE.finditer(text, body_start):
        inside = starts[bisect_right(starts, m.start()) : bisect_left(starts, m.end())]
        cuts = [m.start()] + inside + [m.end()]
        for a, b in zip(cuts, cuts[1:]):
            chunk = text[a:b]
            if not chunk.strip():
                continue
            start = a + len(chunk) - len(chunk.lstrip())
            k = bisect_right(starts, start) - 1
            section = sections[k] if k >= 0 else None
            t = bisect_right(topic_starts, start) - 1
            topic = topics[t][1] if t >= 0 and (section is None or topics[t][0] >= section.start) else ""
            out.append(Sentence(text[start:b], start, b, section, topic))
    return out
