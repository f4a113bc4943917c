"""The standard template's tables (国办公开办函〔2019〕60号 and 〔2021〕30号): 表二, 表三, 表四.

Rows are found by their labels, in the template's order (``kg/lexicon/template.json``).
A row's cells come from the reader's table grid when the document has one (PDF, Word,
HTML), so a blank cell, "/" and a printed 0 stay apart and each figure keeps its table,
row and column. Where the source ran the table into text (web pages saved as text, PDF
text), the cells are the figures between one label and the next; when their boundaries
are lost (``640020470`` for seven cells) the template's own sums fix them: 表三's 总计
column is the sum of the six applicant columns, and each 表四 block's 总计 is
维持 + 纠正 + 其他 + 尚未审结. A cell counts only when every reading that satisfies the sums
agrees on it; otherwise it is left out, never guessed. Column rules (``| 22 | 235 |``)
fix the boundaries themselves; a 表二 row that prints fewer cells than the template's
columns is placed only as far as the cells printed apart and the text fix it
(:func:`_short_rows`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Callable, Iterator, NamedTuple

from kg.document import Document
from kg.lexicon import load
from kg.model import APPLICANTS, Evidence, Stat, Table

# a figure with thousands separators (15,862) is one cell, never cut; a comma that does not
# group thousands (2,46896) leaves a token no reading can use, so its cell stays empty
TOKEN = re.compile(r"\d+(?:,\d+)*(?:\.\d+)?|[/／—－\-]+")
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
MAX_SOLUTIONS = 64
# The facts.md metrics that a standard-template report takes from its tables.
RECORD_TABLE3 = ("applications_received", "applications_carried_over", "disclosed", "partially_disclosed",
                 "applications_completed", "applications_carried_forward")
RECORD_TABLE4 = ("reconsideration_total", "reconsideration_upheld", "reconsideration_corrected")
RECORD_TABLE2 = ("rules_issued", "rules_repealed", "rules_in_force", "normative_docs_issued", "normative_docs_repealed",
                 "normative_docs_in_force", "rules_made", "rules_published", "rules_public_total", "normative_docs_made",
                 "normative_docs_published", "normative_docs_public_total", "licensing_decisions", "penalty_decisions",
                 "coercion_decisions", "admin_fees_10k_yuan")
TABLE_METRICS = RECORD_TABLE3 + RECORD_TABLE4 + ("litigation_total",) + RECORD_TABLE2


@dataclass
class View:
    """Text with white space removed except between two figures, mapped back to the document."""

    text: str
    offsets: list[int]  # normalised-text offset of each view character

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end - 1] + 1


def make_view(text: str, start: int, end: int) -> View:
    chars: list[str] = []
    offsets: list[int] = []
    k = start
    while k < end:
        ch = text[k]
        if ch.isspace():
            j = k
            while j < end and text[j].isspace():
                j += 1
            before = chars[-1] if chars else ""
            after = text[j] if j < end else ""
            if _cellish(before) and _cellish(after):
                chars.append(" ")
                offsets.append(k)
            k = j
            continue
        chars.append(ch)
        offsets.append(k)
        k += 1
    return View("".join(chars), offsets)


def _cellish(ch: str) -> bool:
    return ch.isdigit() or ch in "/／—－-.|｜"


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None: blank, "/" or "—", or not fixed by the sums
    start: int  # normalised offsets of the cell's printed text
    end: int
    table: int | None = None
    row: int | None = None
    column: int | None = None


# ----------------------------------------------------------------------------- cell solving


def solve(tokens: list[str], n: int, check: Callable[[list], bool]) -> list[list[tuple[int, int, str]]] | None:
    """Every way to read ``tokens`` as ``n`` cells that ``check`` accepts.

    A digit token may hold several run-together cells (no cell but 0 starts with 0); a
    "/" or "—" token is one cell with no figure. Each solution lists, per cell, the
    (token index, offset in token, text). Returns None when there are too many readings.
    """
    solutions: list[list[tuple[int, int, str]]] = []
    splits: dict[tuple[int, int], tuple] = {}  # each token's cuts, asked for on every branch
    # the most cells tokens[i:] can hold: a branch that needs more is dead (pruned for speed)
    capacity = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        capacity[i] = capacity[i + 1] + (len(token) if NUMBER.match(token) and "." not in token else 1)

    def walk(i: int, cells: list[tuple[int, int, str]]) -> bool:
        if len(solutions) > MAX_SOLUTIONS:
            return False
        remaining = n - len(cells)
        if i == len(tokens):
            if remaining == 0 and check([_value(c[2]) for c in cells]):
                solutions.append(list(cells))
            return True
        if remaining > capacity[i]:
            return True
        token = tokens[i]
        if not NUMBER.match(token):
            return walk(i + 1, cells + [(i, 0, token)])
        digits = len(token.replace(".", ""))
        max_k = min(remaining - (len(tokens) - i - 1), digits if "." not in token else 1)
        for k in range(1, max_k + 1):
            if (i, k) not in splits:
                splits[i, k] = tuple(_splits(token, k))
            for pieces in splits[i, k]:
                if not walk(i + 1, cells + [(i, off, p) for off, p in pieces]):
                    return False
        return True

    walk(0, [])
    if len(solutions) > MAX_SOLUTIONS:
        return None
    return solutions


def _splits(token: str, k: int) -> Iterator[tuple[tuple[int, str], ...]]:
    """Every way to cut a digit token into ``k`` cells, as (offset, text) pieces, in the
    order of their cut positions. No cell but 0 starts with 0 (a token read as one cell is
    taken as printed); a decimal point only in the last cell."""
    if k == 1:
        yield ((0, token),)
        return

    def cut(pos: int, k: int):
        if k == 1:
            piece = token[pos:]
            if piece == "0" or not piece.startswith("0"):
                yield ((pos, piece),)
            return
        ends = [pos + 1] if token[pos] == "0" else range(pos + 1, len(token) - k + 2)
        for end in ends:
            piece = token[pos:end]
            if "." in piece:
                return
            for rest in cut(end, k - 1):
                yield ((pos, piece), *rest)

    yield from cut(0, k)


def _value(text: str) -> int | float | None:
    if GROUPED.match(text):
        text = text.replace(",", "")
    if not NUMBER.match(text):
        return None
    return float(text) if "." in text else int(text)


def _sum_check(groups: list[tuple[list[int], int]]) -> Callable[[list], bool]:
    """A check that, for each (parts, total) group of cell indexes, the parts add up to the total."""

    def check(values: list) -> bool:
        for parts, total in groups:
            vals = [values[p] for p in parts]
            if values[total] is None or any(v is None for v in vals):
                continue
            if abs(sum(vals) - values[total]) > 1e-6:
                return False
        return True

    return check


def _no_check(values: list) -> bool:
    return True


TABLE3_CHECK = _sum_check([([0, 1, 2, 3, 4, 5], 6)])
TABLE4_CHECK = _sum_check([([0, 1, 2, 3], 4), ([5, 6, 7, 8], 9), ([10, 11, 12, 13], 14)])


def read_cells(view: View, start: int, end: int, n: int, check, stated: dict[int, int] | None = None) -> list[Cell] | None:
    """The ``n`` cells printed in view[start:end], or None when they cannot be read.

    ``stated`` maps a cell's index to a figure the report's text gives for it: readings
    that agree with the text are kept, when some do (a text that no reading agrees with
    is ignored: the table is the figure).
    """
    tokens, positions = [], []
    for m in TOKEN.finditer(view.text, start, end):
        tokens.append(m.group())
        positions.append(m.start())
    if not tokens:
        return None
    exact = len(tokens) == n
    solutions = solve(tokens, n, _no_check if exact else check)
    if not solutions:
        return None
    for index, figure in (stated or {}).items():
        agreeing = [s for s in solutions if _value(s[index][2]) == figure]
        solutions = agreeing or solutions
    cells = []
    for k in range(n):
        values = {_value(s[k][2]) for s in solutions}
        token_index, offset, text = solutions[0][k]
        v_start = positions[token_index] + offset
        span = view.span(v_start, v_start + len(text))
        cells.append(Cell(values.pop() if len(values) == 1 else None, *span))  # agreed by every reading
    return cells


# ----------------------------------------------------------------------------- grid cells


def grid_cells(doc: Document, at: int, n: int) -> list[Cell] | None:
    """The ``n`` cells of the reader's table row holding the text at ``at`` (a row label, or
    the first figure of a row without one): the last ``n`` after it, trailing empty columns
    of a wider grid left out."""
    source_at = doc.norm.offsets[at]
    for table in doc.source.tables:
        if not table.start <= source_at < table.end:
            continue
        for r, row in enumerate(table.rows):
            holding = [c for c, cell in enumerate(row) if cell.start <= source_at < max(cell.end, cell.start + 1)]
            if holding:
                label = row[holding[-1]].text.strip()
                first = holding[-1] + 1 if _value(label) is None else holding[0]
                return _row_cells(doc, table, r, list(range(first, len(row))), n)
    return None


def _row_cells(doc: Document, table: Table, r: int, columns: list[int], n: int) -> list[Cell] | None:
    row = table.rows[r]
    while len(columns) > n and not row[columns[-1]].text.strip():
        columns.pop()
    if len(columns) < n:
        return None
    out = []
    for c in columns[-n:]:
        cell = row[c]
        text = re.sub(r"\s+", "", cell.text)
        start = _to_norm(doc, cell.start)
        end = _to_norm(doc, cell.end - 1) + 1 if cell.end > cell.start else start
        out.append(Cell(_value(text), start, max(end, start), table.index, r, c))
    return out


def _to_norm(doc: Document, source_offset: int) -> int:
    return max(bisect_right(doc.norm.offsets, source_offset) - 1, 0)


# ----------------------------------------------------------------------------- the tables


@cache
def _template():
    return load("template")


@dataclass
class TemplateFigures:
    stats: dict[str, Stat]
    observations: list[Stat]


def extract_template(doc: Document, edition: str | None) -> TemplateFigures:
    out = TemplateFigures({}, [])
    template = _template()
    text = doc.text
    # 表三 starts at its first row's label; 表二 lies before it
    body = make_view(text, doc.body_start, len(text))
    t3 = re.compile(template["table3"]["rows"][0][1]).search(body.text)
    t3_start = body.offsets[t3.start()] if t3 else len(text)
    end_t3 = _table3(doc, t3_start, out) if t3 else t3_start
    _table4(doc, end_t3, out)
    _table2(doc, doc.body_start, t3_start, edition or "2021", out)
    return out


def _add(doc: Document, out: TemplateFigures, metric: str, cell: Cell, row_span: tuple[int, int], rule: str,
         applicant: str | None = None, record: bool = False, unit: str | None = None) -> None:
    if cell.value is None:
        return
    o_start, o_end = doc.norm.to_source(*row_span)
    v_start, v_end = doc.norm.to_source(cell.start, cell.end)
    evidence = Evidence(doc.source.text[o_start:o_end], o_start, o_end, v_start, v_end, rule,
                        page=doc.page_at(cell.start), table=cell.table, row=cell.row, column=cell.column)
    stat = Stat(metric, cell.value, False, unit, evidence, applicant=applicant, stated_in="table")
    if record and metric not in out.stats:
        out.stats[metric] = stat
    else:
        out.observations.append(stat)


def _find_rows(view: View, rows: list[tuple[str, str]]) -> list[tuple[str, re.Match]]:
    """Each row's label, in template order, each found after the one before."""
    found = []
    pos = 0
    for key, pattern in rows:
        m = re.compile(pattern).search(view.text, pos)
        if m:
            found.append((key, m))
            pos = m.end()
    return found


def _table3(doc: Document, start: int, out: TemplateFigures) -> int:
    template = _template()["table3"]
    view = make_view(doc.text, start, len(doc.text))
    found = _find_rows(view, template["rows"])
    applicants = list(APPLICANTS) + [None]
    end = start
    for k, (key, m) in enumerate(found):
        limit = found[k + 1][1].start() if k + 1 < len(found) else len(view.text)
        cells_start, cells_end = _cells_span(view, m.end(), limit)
        cells = grid_cells(doc, view.offsets[m.start()], 7) or read_cells(view, cells_start, cells_end, 7, TABLE3_CHECK)
        if cells is None:
            continue
        row_span = view.span(m.start(), max(cells_end, m.end()))
        for cell, applicant in zip(cells, applicants):
            _add(doc, out, key, cell, row_span, f"table3.{key}", applicant, record=applicant is None and key in RECORD_TABLE3)
        end = max(end, row_span[1])
    return end


CELL_RUN = re.compile(r"[^\d/／—－\-|｜]*?(?P<cells>[\d/／—－\-|｜][\d /／—－\-.,|｜]*)")


def _cells_span(view: View, pos: int, limit: int) -> tuple[int, int]:
    """The run of figures (and "/", "—", table rules) that follows a label, before ``limit``."""
    m = CELL_RUN.match(view.text, pos, limit)
    return (m.start("cells"), m.end("cells")) if m else (pos, pos)


def _table4(doc: Document, start: int, out: TemplateFigures) -> None:
    template = _template()["table4"]
    view = make_view(doc.text, start, min(len(doc.text), start + 1500))
    head = re.search(template["start"], view.text)
    if not head:
        return
    totals = list(re.compile(template["header_end"]).finditer(view.text, head.end()))
    # the header ends with the last 总计 before the figures
    header_end = next((m for m in totals if re.match(r"[\s|｜]*\d", view.text[m.end():])), None)
    if header_end is None:
        return
    cells_start, cells_end = _cells_span(view, header_end.end(), len(view.text))
    cells = grid_cells(doc, view.offsets[min(cells_start, len(view.offsets) - 1)], 15)
    if cells is None:
        cells = read_cells(view, cells_start, cells_end, 15, TABLE4_CHECK)
    if cells is None:
        return
    row_span = view.span(head.start(), cells_end)
    keys = [f"{block}_{result}" for block in template["blocks"] for result in template["results"]]
    for key, cell in zip(keys, cells):
        _add(doc, out, key, cell, row_span, f"table4.{key}", record=key in RECORD_TABLE4)
    by_key = dict(zip(keys, cells))
    direct, after = by_key["litigation_direct_total"], by_key["litigation_after_reconsideration_total"]
    if direct.value is not None and after.value is not None:
        total = Cell(direct.value + after.value, direct.start, after.end, direct.table, direct.row, direct.column)
        _add(doc, out, "litigation_total", total, row_span, "table4.litigation_total", record=True)


def _table2(doc: Document, start: int, end: int, edition: str, out: TemplateFigures) -> None:
    template = _template()["table2"]
    region = doc.text[start:end]
    anchors = list(re.finditer(r"第二十条第\(一\)项", region)) or list(re.finditer(r"主动公开政府信息情况", region))
    if not anchors:
        return
    view = make_view(doc.text, start + (anchors[0] if anchors[0].group().startswith("第") else anchors[-1]).start(), end)
    short: list[tuple[list[str], re.Match, int, list[Cell], dict[int, int]]] = []
    # 表二's rows are independent of one another: each label is looked for on its own,
    # followed directly by its figures (a label in the prose is followed by words)
    for label, metric_keys in template[edition]:
        m = next((m for m in re.compile(label).finditer(view.text) if re.match(r"[\s|｜]*\d", view.text[m.end():])), None)
        if m is None:
            continue
        cells_start, cells_end = _cells_span(view, m.end(), len(view.text))
        stated = _stated_in_text(doc, metric_keys, template.get("text_cues", {}))
        cells = grid_cells(doc, view.offsets[m.start()], len(metric_keys))
        if cells is None:
            separated = _separated_cells(view, cells_start, cells_end)
            if separated is not None and len(separated) < len(metric_keys):
                short.append((metric_keys, m, cells_end, separated, stated))
                continue
            if separated is not None and len(separated) == len(metric_keys):
                cells = separated
            else:
                cells = read_cells(view, cells_start, cells_end, len(metric_keys), _no_check, stated)
        if cells is None:
            continue
        row_span = view.span(m.start(), cells_end)
        for key, cell in zip(metric_keys, cells):
            _add(doc, out, key, cell, row_span, f"table2.{key}", record=key in RECORD_TABLE2, unit=template["units"].get(key))
    if short:
        _short_rows(doc, view, edition, short, out)


def _separated_cells(view: View, start: int, end: int) -> list[Cell] | None:
    """The cells of a row whose cells are kept apart by column rules (``| 22 | 235 |``):
    each piece between two rules is one cell, a figure as printed or a blank; None when
    the row has no rules or a piece holds more than one figure."""
    text = view.text[start:end]
    rules = [i for i, ch in enumerate(text) if ch in "|｜"]
    if not rules:
        return None
    bounds = [-1] + rules + [len(text)]
    cells = []
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        tokens = list(TOKEN.finditer(view.text, start + a + 1, start + b))
        if not tokens and k in (0, len(bounds) - 2):
            continue  # before the first rule or after the last: no cell
        if len(tokens) > 1:
            return None
        if tokens:
            cells.append(Cell(_value(tokens[0].group()), *view.span(tokens[0].start(), tokens[0].end())))
        else:
            cells.append(Cell(None, *view.span(start + a, start + a + 1)))
    return cells


def _short_rows(doc: Document, view: View, edition: str, short, out: TemplateFigures) -> None:
    """Rows that print fewer separated cells than the template has columns.

    A converter of PDF to text lifts a cell printed on several lines (22（其中修订16件）) out of
    its row and prints it apart, before the table; the row keeps its other cells in order.
    Which columns the printed cells hold is then open: every placement of them among the
    columns is a reading. The lifted cells narrow the readings when they account for every
    missing cell and their notes name their columns (修订 → 本年制发, 失效 → 本年废止):
    the columns a row lacks are among those. Figures the text states narrow them further;
    a cell counts only when every remaining reading agrees on it.
    """
    template = _template()["table2"]
    missing = sum(len(keys) - len(cells) for keys, _, _, cells, _ in short)
    lifted = _lifted_columns(view, template.get("lifted", {}), edition)
    for metric_keys, m, cells_end, printed, stated in short:
        n = len(metric_keys)
        allowed = lifted.columns if lifted is not None and lifted.cells == missing and lifted.width == n else None
        readings = []
        for placed in combinations(range(n), len(printed)):
            lacking = set(range(n)) - set(placed)
            if allowed is not None and not lacking <= allowed:
                continue
            reading: list[Cell | None] = [None] * n
            for column, cell in zip(placed, printed):
                reading[column] = cell
            readings.append(reading)
        for index, figure in stated.items():
            agreeing = [r for r in readings if r[index] is not None and r[index].value == figure]
            readings = agreeing or readings
        if not readings:
            continue
        row_span = view.span(m.start(), cells_end)
        for k, key in enumerate(metric_keys):
            held = {id(r[k]) if r[k] is not None else None for r in readings}
            cell = readings[0][k]
            if len(held) == 1 and cell is not None:
                _add(doc, out, key, cell, row_span, f"table2.{key}", record=key in RECORD_TABLE2,
                     unit=template["units"].get(key))


class Lifted(NamedTuple):
    """The cells a converter printed apart from 表二: how many, the columns their notes name,
    and how many columns the template's row has."""

    cells: int
    columns: set[int]
    width: int


def _lifted_columns(view: View, lifted: dict, edition: str) -> Lifted | None:
    """The cells printed apart from 表二's first table, between its heading (第二十条第(一)项)
    and the next one: how many, and the columns their notes name (None when a note names
    no column or several)."""
    columns = lifted.get("columns", {}).get(edition)
    if not columns:
        return None
    heading = re.search(lifted["heading"], view.text)
    if heading is None:
        return None
    following = re.compile(lifted["next_heading"]).search(view.text, heading.end())
    region_end = following.start() if following else len(view.text)
    count, named = 0, set()
    for cell in re.finditer(lifted["cell"], view.text[heading.end():region_end]):
        hits = {k for k, words in enumerate(columns) if any(w in cell.group("note") for w in words)}
        if len(hits) != 1:
            return None
        count += 1
        named |= hits
    return Lifted(count, named, len(columns)) if count else None


def _stated_in_text(doc: Document, metric_keys: list[str], cues: dict[str, list[str]]) -> dict[int, int]:
    """Figures the prose gives for a 表二 row's cells (本年度制发的规范性文件77件)."""
    stated = {}
    for index, key in enumerate(metric_keys):
        if key not in cues:
            continue
        figures = {int(m.group("n")) for pattern in map(re.compile, cues[key]) for s in doc.sentences
                   for m in pattern.finditer(s.text)}
        if len(figures) == 1:
            stated[index] = figures.pop()
    return stated
