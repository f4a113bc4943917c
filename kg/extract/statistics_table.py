"""The statistics table (统计表) appended to narrative reports before 2019, often flattened.

Web pages and their text renderings run its cells together: ``行政复议数 件 0 0`` or even
``行政复议数条00`` (this year 0, cumulative 0). A row's figure for the year counts when the
cells are separated, or when run-together digits split one way only into this year's
figure and a cumulative figure no smaller than it (``00`` -> 0 | 0; ``4251516`` could be
4 | 251516, 42 | 51516 or 425 | 1516, so it is not read). Rows are in
``kg/lexicon/statistics_table.json``.
"""

from __future__ import annotations

import re
from functools import cache

from kg.document import Document
from kg.lexicon import load
from kg.model import Stat

UNIT = r"(?P<unit>条|件|个|项|元)"


@cache
def _rows() -> tuple[re.Pattern, list[tuple[re.Pattern, str]]]:
    lexicon = load("statistics_table")
    header = re.compile(lexicon["header"])
    rows = [(re.compile(rf"(?<!部分)(?<!否决)(?:{label}){UNIT}\s*(?P<cells>\d+(?: \d+)?)"), metric) for label, metric in lexicon["rows"]]
    return header, rows


def split_year_and_cumulative(cells: str) -> int | None:
    """This year's figure from a row's cells, or None when the boundary is not fixed."""
    if " " in cells:
        return int(cells.split()[0])
    options = []
    for k in range(1, len(cells)):
        a, b = cells[:k], cells[k:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(b) >= int(a):
            options.append(int(a))
    return options[0] if len(options) == 1 else None


def extract_statistics_table(doc: Document) -> dict[str, Stat]:
    header, rows = _rows()
    text = doc.text
    h = header.search(text, doc.body_start)
    if not h:
        return {}
    stats: dict[str, Stat] = {}
    for pattern, metric in rows:
        m = pattern.search(text, h.end())
        if not m or metric in stats:
            continue
        value = split_year_and_cumulative(m.group("cells"))
        if value is None:
            continue
        first = m.group("cells").split()[0] if " " in m.group("cells") else m.group("cells")
        v_start = m.start("cells")
        v_end = v_start + (len(first) if " " in m.group("cells") else len(str(value)))
        ev = doc.evidence(m.start(), m.end(), v_start, v_end, f"statistics_table.{metric}")
        stats[metric] = Stat(metric, value, False, m.group("unit") if value else None, ev)
    return stats
