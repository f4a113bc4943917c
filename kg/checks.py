"""Consistency checks of one report's own figures: do the standard template's tables add up?

A pure function of one report's facts, run when the report is mapped to RDF, so each
report's failures are stored with it (``kg:CheckFailure`` in its own graph) and a query or
``kg validate`` over thousands of reports reads them instead of re-adding every table.

The checks compare the figures as they are placed in the graph (kg.rdf): the record's and
the 总计 column's figures and 表四 (``disclosure``), the six applicant columns of 表三
(``applicant``) and figures the prose states for a table metric (``text``). A check runs
only where every figure it needs is printed: a blank, "/" or missing cell makes it not
assessable, never failed. The carry-over check compares two reports, so it stays a SPARQL
check over the graph (shapes/kg.ttl, queries/failed-checks.rq).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.lexicon import load as load_lexicon
from kg.model import APPLICANTS, ReportFacts, Stat

_TEMPLATE = load_lexicon("template")
OUTCOME_ROWS = frozenset(_TEMPLATE["table3"]["outcome_rows"])
OUTCOME_ROW_COUNT = {"2019": 19, "2021": 21}  # rows (一)-(六) as printed; (六) has three rows in 2021
APPEAL_BLOCKS = {"reconsideration": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_reconsideration": "复议后起诉"}
APPEAL_RESULTS = ("upheld", "corrected", "other", "pending", "total")
BALANCE = ("applications_received", "applications_carried_over", "applications_completed", "applications_carried_forward")
TOTAL_COLUMN = "总计"


@dataclass(frozen=True)
class Failure:
    """A check that ran and failed: which check, where, the two sides and the figures compared."""

    check: str  # the check's name in the ontology (kg:OutcomesAddUp ...)
    key: str  # its short name (outcomes, columns, balance, appeals, text)
    part: str  # which column, row, block or metric: the last segment of the failure's IRI
    where: str  # that part as people read it: 表三 natural_person, 表四 reconsideration, text fees_yuan
    left: int | float
    right: int | float
    message: str
    figures: tuple[tuple[str, Stat], ...]  # (data set as in placed(), figure)


def placed(facts: ReportFacts) -> Iterator[tuple[str, Stat]]:
    """Each figure with the data set kg.rdf puts it in: ``disclosure``, ``applicant`` or ``text``.

    The record's figures come first; a 总计-column cell whose metric the record holds is
    the same figure and is not repeated.
    """
    for metric in sorted(facts.stats):
        yield "disclosure", facts.stats[metric]
    for stat in facts.observations:
        kind = dataset_of(stat)
        if kind == "disclosure" and stat.metric in facts.stats:
            continue
        yield kind, stat


def dataset_of(stat: Stat) -> str:
    """A prose figure of a table metric is ``text``; a 表三 applicant-column cell ``applicant``;
    any other figure (the record's, the 总计 column, 表四, 表二) ``disclosure``."""
    if stat.stated_in == "text":
        return "text"
    return "applicant" if stat.applicant is not None else "disclosure"


def report_checks(facts: ReportFacts) -> list[Failure]:
    """Every check of this report that ran and failed, in a stable order."""
    figures = list(placed(facts))
    tables = [(kind, stat) for kind, stat in figures if kind != "text"]
    edition = facts.edition if facts.format == "standard" else None
    failures = [
        *_outcomes(tables, OUTCOME_ROW_COUNT.get(edition or "", OUTCOME_ROW_COUNT["2021"])),
        *_columns(tables),
        *_balance(tables),
        *_appeals(tables),
        *_text(figures),
    ]
    return failures


def _by_column(tables: Iterable[tuple[str, Stat]]) -> dict[str, list[Stat]]:
    columns: dict[str, list[Stat]] = defaultdict(list)
    for _kind, stat in tables:
        columns[stat.applicant or TOTAL_COLUMN].append(stat)
    return columns


def _column_order(column: str) -> int:
    return APPLICANTS.index(column) if column in APPLICANTS else len(APPLICANTS)


def _outcomes(tables, rows_expected: int) -> Iterator[Failure]:
    for column, stats in sorted(_by_column(tables).items(), key=lambda c: _column_order(c[0])):
        rows = [s for s in stats if s.metric in OUTCOME_ROWS]
        totals = [s for s in stats if s.metric == "applications_completed"]
        if len(totals) != 1 or len(rows) != rows_expected:
            continue
        added, total = _sum(rows), totals[0].value
        if added != total:
            yield Failure("OutcomesAddUp", "outcomes", _part(column), f"表三 {column}", added, total,
                          f"表三 column {column}: the outcome rows (一)-(六) add up to {_shown(added)}, but (七)总计 is {_shown(total)}",
                          _tagged(tables, (*rows, totals[0])))


def _columns(tables) -> Iterator[Failure]:
    rows: dict[str, dict[str, list[Stat]]] = defaultdict(lambda: defaultdict(list))
    for kind, stat in tables:
        rows[stat.metric][kind].append(stat)
    for metric in sorted(rows):
        cells, totals = rows[metric]["applicant"], rows[metric]["disclosure"]
        if len(cells) != len(APPLICANTS) or len(totals) != 1:
            continue
        added, total = _sum(cells), totals[0].value
        if added != total:
            yield Failure("ColumnsAddUp", "columns", metric, f"表三 {metric}", added, total,
                          f"表三 row {metric}: the six applicant columns add up to {_shown(added)}, but the 总计 column is {_shown(total)}",
                          _tagged(tables, (*cells, totals[0])))


def _balance(tables) -> Iterator[Failure]:
    for column, stats in sorted(_by_column(tables).items(), key=lambda c: _column_order(c[0])):
        found = [s for s in stats if s.metric in BALANCE]
        if len(found) != len(BALANCE) or {s.metric for s in found} != set(BALANCE):
            continue
        value = {s.metric: s.value for s in found}
        received, over, completed, forward = (value[m] for m in BALANCE)
        if received + over != completed + forward:
            yield Failure("ApplicationsBalance", "balance", _part(column), f"表三 {column}", received + over, completed + forward,
                          f"表三 column {column}: 本年新收 {_shown(received)} + 上年结转 {_shown(over)} ≠ "
                          f"办理结果总计 {_shown(completed)} + 结转下年度 {_shown(forward)}",
                          _tagged(tables, sorted(found, key=lambda s: BALANCE.index(s.metric))))


def _appeals(tables) -> Iterator[Failure]:
    cells = {stat.metric: stat for kind, stat in tables if kind == "disclosure"}
    for block, label in APPEAL_BLOCKS.items():
        found = [cells.get(f"{block}_{result}") for result in APPEAL_RESULTS]
        if any(stat is None for stat in found):
            continue
        *parts, total = found
        added = _sum(parts)
        if added != total.value:
            upheld, corrected, other, pending = (_shown(s.value) for s in parts)
            yield Failure("AppealsAddUp", "appeals", block, f"表四 {block}", added, total.value,
                          f"表四 {label}: 维持 {upheld} + 纠正 {corrected} + 其他 {other} + 尚未审结 {pending} ≠ 总计 {_shown(total.value)}",
                          _tagged(tables, found))


def _text(figures) -> Iterator[Failure]:
    printed = {stat.metric: stat for kind, stat in figures if kind == "disclosure"}
    for kind, said in figures:
        table = printed.get(said.metric)
        if kind != "text" or said.approx or table is None or said.value == table.value:
            continue
        sentence = " ".join(said.evidence.sentence.split())
        yield Failure("TextAgreesWithTables", "text", said.metric, f"text {said.metric}", said.value, table.value,
                      f"the text states {said.metric} = {_shown(said.value)}, but the report's figure is {_shown(table.value)}: “{sentence}”",
                      (("text", said), ("disclosure", table)))


def _tagged(tables, stats: Iterable[Stat]) -> tuple[tuple[str, Stat], ...]:
    kinds = {id(stat): kind for kind, stat in tables}
    return tuple((kinds[id(stat)], stat) for stat in stats)


def _sum(stats: Iterable[Stat]) -> int | float:
    return sum(stat.value for stat in stats)


def _part(column: str) -> str:
    return "total" if column == TOTAL_COLUMN else column


def _shown(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
