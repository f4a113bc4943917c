"""Stage 2, text -> normalised text with an offset map back to the text as printed.

Normalisation makes the rules simple without losing provenance:
- full-width ASCII (digits, letters, ＠, ．, （）, ：, ；, ，) becomes ASCII;
- spaces that conversion put between Chinese characters, or between a Chinese character
  and a digit (``2013 年 1 2 月``), are removed, as are spaces inside a date's digits;
- a line broken inside a sentence (PDF and Word conversion) is joined to the next line;
- page footers (``— 1 —``), Markdown table delimiter rows, image placeholders of converted files and portal page
  furniture (breadcrumbs, share bars: ``kg/lexicon/furniture.json``) are dropped.

``offsets[i]`` is the index in the original text of normalised character ``i``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.lexicon import furniture_pattern

TERMINAL = set("。！？!?；;")
HEADING = re.compile(r"^\s*(?:[-*#]+\s*)?(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d)|附件|附表)")
PAGE_FOOTER = re.compile(
    r"^\s*[—–\-－]+\s*\d{1,3}\s*[—–\-－]+\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$"
    r"|^\s*(?:\|\s*)?(?::?-{3,}:?\s*\|\s*)+(?::?-{3,}:?\s*)?$"  # a Markdown table's delimiter row (no two \s* in a row: linear)
)
IMAGE_PLACEHOLDER = re.compile(r"\[image:[^\]]*\][^\n]*")
DATE_ONLY = re.compile(r"^\s*(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年[\d一二三四五六七八九十\s]{1,4}月[\d一二三四五六七八九十\s]{1,5}日\s*$")
DATE_DIGITS = re.compile(r"\d(?: +\d)+")  # spaced digits, dropped when a date word follows (DATE_WORD)
DATE_WORD = re.compile(r" *[年月日号]")
SHORT_LINE = 12


@dataclass(frozen=True)
class Normalized:
    text: str
    offsets: list[int]  # len(text) + 1 entries; the last one is len(original)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF00 <= o <= 0xFFEF
        or o in (0x201C, 0x201D, 0x2018, 0x2019, 0x2014, 0x2026, 0x00B7)
    )


# full-width ASCII -> ASCII, and the odd spaces -> " ": one character for one, so offsets hold
WIDTH_FOLD: dict[int, int | str] = {**{o: o - 0xFEE0 for o in range(0xFF01, 0xFF5F)}, **{ord(ch): " " for ch in "\u3000\u00a0\t\u2002\u2003\u2009\u200b"}}
SPACE_RUN = re.compile(" +")

Chars = list[tuple[str, int]]  # the text's characters, each with its offset in the original


def normalize(original: str) -> Normalized:
    folded = original.translate(WIDTH_FOLD)
    chars = [(ch, i) for i, ch in enumerate(folded) if ch != "\r" and ch != "\ufeff"]

    chars = _drop_lines(chars)
    chars = _drop_pattern(chars, IMAGE_PLACEHOLDER)
    chars = _drop_pattern(chars, furniture_pattern())
    chars = _squeeze_spaces(chars)
    chars = _drop_date_spaces(chars)
    chars = _join_broken_lines(chars)
    text = _text(chars)
    offsets = [i for _, i in chars] + [len(original)]
    return Normalized(text, offsets)


def _text(chars: Chars) -> str:
    return "".join([c for c, _ in chars])


def _drop_pattern(chars: Chars, pattern: re.Pattern) -> Chars:
    text = _text(chars)
    drop: set[int] = set()
    for m in pattern.finditer(text):
        drop.update(range(m.start(), m.end()))
    return [c for k, c in enumerate(chars) if k not in drop] if drop else chars


def _drop_lines(chars: Chars) -> Chars:
    text = _text(chars)
    drop: set[int] = set()
    pos = 0
    for line in text.split("\n"):
        if PAGE_FOOTER.match(line):
            drop.update(range(pos, pos + len(line) + 1))
        pos += len(line) + 1
    return [c for k, c in enumerate(chars) if k not in drop] if drop else chars


def _squeeze_spaces(chars: Chars) -> Chars:
    """Remove runs of spaces next to a Chinese character; collapse other runs to one."""
    text = _text(chars)
    drop: set[int] = set()
    for m in SPACE_RUN.finditer(text):
        prev = text[m.start() - 1] if m.start() else "\n"
        nxt = text[m.end()] if m.end() < len(text) else "\n"
        keep = not (prev == "\n" or nxt == "\n" or is_cjk(prev) or is_cjk(nxt))
        drop.update(range(m.start() + keep, m.end()))
    return [c for k, c in enumerate(chars) if k not in drop] if drop else chars


def _drop_date_spaces(chars: Chars) -> Chars:
    """Spaces inside a date's digits (``2 0 1 3 年``). The run of spaced digits is found first
    and the date word looked for after it: a lookahead in the pattern would make every digit
    of a long run that is no date start a scan of the rest of it."""
    text = _text(chars)
    drop: set[int] = set()
    for m in DATE_DIGITS.finditer(text):
        if DATE_WORD.match(text, m.end()):
            drop.update(k for k in range(m.start(), m.end()) if text[k] == " ")
    return [c for k, c in enumerate(chars) if k not in drop] if drop else chars


def _join_broken_lines(chars: Chars) -> Chars:
    """Join a line to the next when the break falls inside a sentence."""
    text = _text(chars)
    lines = text.split("\n")
    drop: set[int] = set()
    pos = 0
    starts = []
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    first_content = next((k for k, line in enumerate(lines) if line.strip()), None)
    k = 0
    while k < len(lines):
        line = lines[k].rstrip()
        nxt = k + 1
        while nxt < len(lines) and not lines[nxt].strip():
            nxt += 1
        if nxt >= len(lines) or not line:
            k += 1
            continue
        following = lines[nxt].lstrip()
        if (
            len(line) >= SHORT_LINE
            and line[-1] not in TERMINAL
            and (not line.endswith("报告") or _unclosed(line))
            and not HEADING.match(line)
            and not HEADING.match(following)
            and not DATE_ONLY.match(following)
            and (is_cjk(following[0]) or following[0].isalnum())
        ) or (k == first_content and _title_continues(line, following)):
            # drop every newline (and blank line) between the two lines
            drop.update(range(starts[k] + len(lines[k]), starts[nxt]))
        k = nxt
    return [c for k2, c in enumerate(chars) if k2 not in drop] if drop else chars


def _title_continues(line: str, following: str) -> bool:
    """A heading broken over two lines: the first part lacks 报告, the second ends with it."""
    return "报告" not in line and following.rstrip().endswith("报告") and len(following) <= 20


def _unclosed(line: str) -> bool:
    return line.count("《") > line.count("》") or line.count("(") > line.count(")")
