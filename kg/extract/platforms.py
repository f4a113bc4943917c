"""Platform types: the channels through which the agency says it disclosed information.

A spaCy ``PhraseMatcher`` (over ``spacy.blank("zh")`` character tokens) finds the trigger
words of ``kg/lexicon/platforms.json``; each match keeps its trigger as the rule id. A
trigger counts only when its sentence (or, for a short sentence, the one after it) says
that information was published, consulted or answered (a cue such as 公开/发布/查阅),
outside the section on problems and plans, and not inside the agency's own name or a
contact label (通讯地址), nor a medium's channel that reported on the agency (…客户端报道).
Hotlines count only where questions were answered on them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from itertools import accumulate

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.document import Document, Sentence, clause_after, clause_before
from kg.extract.statistics_table import split_year_and_cumulative
from kg.lexicon import any_of, load
from kg.model import Fact

SHORT_SENTENCE = 20
RUNS = re.compile(r"\S+|\s+")
TABLE_ROW = re.compile(r"[^\d。,，;；]{0,6}?(?:条|件|个|期)\s*(?P<cells>\d+(?: \d+)?)")


@cache
def _nlp():
    return spacy.blank("zh")


def _char_doc(text: str) -> Doc:
    """The Doc ``spacy.blank("zh")`` makes of ``text`` (one token a character; a single space
    after a character is its trailing space, other white space a token of its own), made in
    linear time: spaCy aligns each character by searching a copy of the rest of the text."""
    words: list[str] = []
    spaces: list[bool] = []
    for run in RUNS.findall(text):
        if not run[0].isspace():
            words.extend(run)
            spaces.extend([False] * len(run))
            continue
        if words and run[0] == " ":
            spaces[-1] = True
            run = run[1:]
        if run:
            words.append(run)
            spaces.append(False)
    return Doc(_nlp().vocab, words=words, spaces=spaces)


@cache
def _matcher() -> tuple[PhraseMatcher, dict[str, tuple[str, ...]]]:
    lexicon = load("platforms")
    nlp = _nlp()
    matcher = PhraseMatcher(nlp.vocab)
    targets: dict[str, tuple[str, ...]] = {}
    for kind, words in lexicon["types"].items():
        for word in words:
            targets[word] = (kind,)
    for word, kinds in lexicon["combined"].items():
        targets[word] = tuple(kinds)
    for word in targets:
        matcher.add(word, [nlp.make_doc(word)])
    return matcher, targets


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
    matcher, targets = _matcher()
    body = doc.text
    spacy_doc = _char_doc(body)
    vocab = _nlp().vocab
    masked = _masked(_masked_spans(body, agency))
    found: dict[str, Fact[str]] = {}
    for match_id, t_start, _ in matcher(spacy_doc):
        word = vocab.strings[match_id]
        start = spacy_doc[t_start].idx
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
