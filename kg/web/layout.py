"""表二, 表三 and 表四 as the standard template prints them, laid out from the table of metrics.

Nothing here names a row: rows, columns and captions come from ``kg/lexicon/metric_table.toml``
(the same table extraction reads), so a metric added there appears on the report page too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from kg.lexicon import metric_table
from kg.model import APPLICANTS
from kg.resources import ontology_graph
from kg.vocab import KGA

TABLE4_BLOCKS = ("行政复议", "未经复议直接起诉", "复议后起诉")
TABLE4_COLUMNS = ("维持", "纠正", "其他", "尚未审结", "总计")


@dataclass(frozen=True)
class Cell:
    metric: str
    caption: str  # what the template's column heading says of this cell


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell | None, ...]
    depth: int = 0  # 0: a row of its own; 1: a part of the total above it (表三's outcome rows)


def plain(pattern: str) -> str:
    """A row's label pattern as the words it matches at its fullest: ``(?:行政)?规范性文件`` → 行政规范性文件."""
    text = re.sub(r"\(\?:([^()]*)\)\??", r"\1", pattern)
    text = re.sub(r"\[([^\]]*)\][?*+]?", lambda m: m.group(1)[:1], text)
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"[?*+^$|]", "", text).replace("(", "（").replace(")", "）")


def _caption(label: str, row: str) -> str:
    for name in (row, re.sub(r"^行政", "", row)):
        if name and name in label:
            return label.replace(name, "", 1)
    return label


@cache
def table2(edition: str) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """表二 of an edition ("2019" or "2021"): rows in the template's order, each with its cells."""
    rows: dict[str, list[Cell | None]] = {}
    for metric in metric_table():
        place = metric.get("table2", {}).get(edition)
        if not place:
            continue
        label = plain(place["row"])
        cells = rows.setdefault(label, [])
        while len(cells) < place["column"]:
            cells.append(None)
        cells[place["column"] - 1] = Cell(metric["key"], _caption(metric["label"]["zh"], label))
    width = max((len(cells) for cells in rows.values()), default=0)
    return (), tuple(Row(label, tuple(cells + [None] * (width - len(cells)))) for label, cells in rows.items())


@cache
def table3() -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """表三: a row per metric the template prints there, columns the six applicant types and 总计."""
    columns = tuple(applicant_label(a) for a in APPLICANTS) + ("总计",)
    rows = []
    for metric in metric_table():
        if "table3" not in metric:
            continue
        cells = tuple(Cell(metric["key"], column) for column in columns)
        label = metric["label"]["zh"]
        rows.append(Row(label, cells, 1 if "broader" in metric else 0))
    return columns, tuple(rows)


@cache
def table4() -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """表四: one row of three blocks of five cells (维持 纠正 其他 尚未审结 总计)."""
    cells: list[Cell | None] = [None] * (len(TABLE4_BLOCKS) * len(TABLE4_COLUMNS))
    for metric in metric_table():
        place = metric.get("table4")
        if place:
            cells[place - 1] = Cell(metric["key"], TABLE4_COLUMNS[(place - 1) % len(TABLE4_COLUMNS)])
    return TABLE4_COLUMNS, (Row("", tuple(cells)),)


@cache
def applicant_label(key: str) -> str:
    """表三's column heading for an applicant type: the ontology's Chinese label of ``kga:KEY``."""
    labels = ontology_graph().objects(URIRef(KGA[key]), SKOS.prefLabel)
    return next((str(label) for label in labels if isinstance(label, Literal) and label.language == "zh"), key)


@cache
def applicant_columns() -> dict[str, str | None]:
    """表三's column headings with the applicant type each counts (None: 总计)."""
    columns, _ = table3()
    return dict(zip(columns, (*APPLICANTS, None)))
