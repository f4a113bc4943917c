"""Platform types: the channels through which the agency says it disclosed information.

An Aho-Corasick automaton (pyahocorasick) finds every trigger word of
``kg/lexicon/platforms.json``, overlapping ones too; each match keeps its trigger as the rule
id. A single space after a character does not break a trigger (a PDF's text often spaces
out its characters), any other white space does. A trigger counts only when its sentence
(or, for a short sentence, the one after it) says that information was published,
consulted or answered (a cue such as 公开/发布/查阅), outside the section on problems and
plans, and not inside the agency's own name or a contact label (通讯地址), nor a medium's
channel that reported on the agency (…客户端报道). Hotlines count only where questions were
answered on them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import cache
from itertools import accumulate

import ahocorasick

from kg.document import Document, Sentence, clause_after, clause_before
from kg.extract.statistics_table import split_year_and_cumulative
from kg.lexicon import any_of, load
from kg.model import Fact

SHORT_SENTENCE = 20
SPACE_AFTER_CHARACTER = re.compile(r"(?<=\S) ")
TABLE_ROW = re.compile(r"[^\d。,，;；]{0,6}?(?:条|件|个|期)\s*(?P<cells>\d+(?: \d+)?)")


@cache
def _triggers() -> tuple[ahocorasick.Automaton, dict[str, tuple[str, ...]]]:
    """The automaton of every trigger word, and the platform types each word names."""
    lexicon = load("platforms")
    targets: dict[str, tuple[str, ...]] = {}
    for kind, words in lexicon["types"].items():
        for word in words:
            targets[word] = (kind,)
    for word, kinds in lexicon["combined"].items():
        targets[word] = tuple(kinds)
    automaton = ahocorasick.Automaton()
    for word in targets:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton, targets


def _trigger_matches(text: str) -> Iterator[tuple[str, int]]:
    """(word, offset in ``text``) of every trigger word, in order of offset, shorter words
    first. The words are searched in the text without the single spaces that follow a
    character; each dropped space moves the offsets after it by one."""
    automaton, _ = _triggers()
    dropped = [m.start() - k for k, m in enumerate(SPACE_AFTER_CHARACTER.finditer(text))]
    squeezed = SPACE_AFTER_CHARACTER.sub("", text) if dropped else text
    found = sorted((end - len(word) + 1, len(word), word) for end, word in automaton.iter(squeezed))
    for start, _, word in found:
        yield word, start + bisect_right(dropped, start)


@cache
def _patterns():
    lexicon = load("platforms")
    cues = any_of(lexicon["cues"])
    not_cues = any_of(lexicon["not_cues"])
    hotline = any_of(lexicon["hotline_cues"])
    reported_by = any_of(lexicon["reported_by"])
    publicity = any_of(lexicon["publicity"])
    return cues, not_cues, hotline, lexicon["not_triggers"], reported_by, publicity


def extract_platforms(doc: Document, agency: str | None) -> list[Fact[str]]:
    cues, not_cues, hotline_cues, not_triggers, reported_by, publicity = _patterns()
    _, targets = _triggers()
    body = doc.text
    masked = _masked(_masked_spans(body, agency))
    found: dict[str, Fact[str]] = {}
    for word, start in _trigger_matches(body):
        end = start + len(word)
        if start < doc.body_start or masked(start, end):
            continue
        if any(body.startswith(bad, start - bad.find(word)) for bad in not_triggers.get(word, []) if word in bad):
            continue
        if reported_by.match(body, end):
            continue  # a medium's channel reporting on the agency
        sentence = doc.sentence_at(start)
        if sentence is None or (sentence.section and sentence.section.kind == "problems"):
            continue
        if _zero_in_table(body, end):
            continue  # a statistics-table row counting nothing published through it
        at = start - sentence.start
        clause = (clause_before(sentence.text, at) + word + clause_after(sentence.text, at + len(word))).replace(word, "")
        if publicity.search(clause) and not cues.search(not_cues.sub("", clause)):
            continue  # publicity about the work (广泛宣传《条例》), not publishing through it
        context = _context(doc, sentence)
        plain = not_cues.sub("", context)
        kinds = targets[word]
        if kinds == ("hotline",):
            if not hotline_cues.search(plain):
                continue
        elif not cues.search(plain):
            continue
        for kind in kinds:
            if kind not in found:
                found[kind] = Fact(kind, doc.evidence(sentence.start, sentence.end, start, end, f"platform.{word}"))
    return [found[k] for k in sorted(found)]


def _zero_in_table(text: str, end: int) -> bool:
    m = TABLE_ROW.match(text, end)
    return m is not None and split_year_and_cumulative(m.group("cells")) == 0


def _context(doc: Document, sentence: Sentence) -> str:
    if len(sentence.text) > SHORT_SENTENCE:
        return sentence.text
    after = doc.sentence_at(sentence.end + 1) or doc.sentence_at(sentence.end)
    return sentence.text + (after.text if after and after is not sentence else "")


def _masked(spans: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether [start, end) lies inside one of ``spans``: the spans sorted by start, each with
    the furthest end reached so far, so a question costs a bisection."""
    spans = sorted(spans)
    starts = [a for a, _ in spans]
    reach = list(accumulate((b for _, b in spans), max))

    def inside(start: int, end: int) -> bool:
        k = bisect_right(starts, start) - 1
        return k >= 0 and reach[k] >= end

    return inside


def _masked_spans(text: str, agency: str | None) -> list[tuple[int, int]]:
    """Where a trigger word is part of a name, not a channel: the agency's own name,
    or an agency named after a medium (广播电视局)."""
    spans = [(m.start(), m.end()) for p in load("platforms")["name_patterns"] for m in re.finditer(p, text)]
    if agency and len(agency) >= 3:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(agency), text)]
    return spans
