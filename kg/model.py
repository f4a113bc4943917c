"""Typed records passed between kg's stages: evidence, facts and one report's facts.

The flow is file -> text -> document -> facts (this module) -> triples -> graph.
Every fact carries the :class:`Evidence` it was read from, so a figure can always be
traced back to the sentence, character offsets (and page, where there is one) and the
rule that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kg.lexicon import metric_table

T = TypeVar("T")

FORMATS = ("narrative", "standard")
EDITIONS = ("2019", "2021")


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence as printed and offsets into the source text.

    ``start``/``end`` delimit the sentence and ``value_start``/``value_end`` the value
    inside it, all as character offsets into the decoded source text (before
    normalisation), so ``source_text[start:end]`` is the sentence as printed.
    """

    sentence: str
    start: int
    end: int
    value_start: int
    value_end: int
    rule: str
    page: int | None = None
    table: int | None = None  # for a table cell: which table of the document (0-based),
    row: int | None = None  # its row and column in that table's grid (0-based)
    column: int | None = None

    def to_json(self) -> dict:
        out = {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "value_start": self.value_start,
            "value_end": self.value_end,
            "rule": self.rule,
        }
        for key in ("page", "table", "row", "column"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class TableCell:
    """One cell of a table as the reader found it; ``start``/``end`` locate its text in the
    source text (the reader's rendering), so a cell's figure keeps its provenance."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A table as rows x cells, merged cells resolved: a merged cell is repeated in every
    grid position it covers. ``start``/``end`` delimit the table's rendering in the source
    text, where each row is one line and cells are separated by a tab."""

    index: int
    page: int | None
    start: int
    end: int
    rows: tuple[tuple[TableCell, ...], ...]


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A single value read from a report, with its evidence."""

    value: T
    evidence: Evidence


# The metrics of the record (facts.md; record = true in the table of metrics): kg extract prints these, no others.
RECORD_METRICS = tuple(metric["key"] for metric in metric_table() if metric.get("record"))

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")


@dataclass(frozen=True)
class Stat:
    """A figure the report states about its own year.

    ``applicant`` is the applicant-type column of 表三 (one of :data:`APPLICANTS`), or
    ``None`` for the 总计 column and for figures without that dimension. ``stated_in`` is
    ``table`` for a cell of the standard template's tables (or the 统计表 of older
    reports) and ``text`` for a figure stated in a sentence.
    """

    metric: str
    value: int | float
    approx: bool
    unit: str | None
    evidence: Evidence
    applicant: str | None = None
    stated_in: str = "text"

    def to_json(self) -> dict:
        return {"value": self.value, "approx": self.approx, "unit": self.unit}


@dataclass
class Contact:
    address: Fact[str] | None = None
    postcode: Fact[str] | None = None
    person: Fact[str] | None = None
    phone: list[Fact[str]] = field(default_factory=list)
    fax: list[Fact[str]] = field(default_factory=list)
    email: list[Fact[str]] = field(default_factory=list)
    website: list[Fact[str]] = field(default_factory=list)

    SINGLE = ("address", "postcode", "person")
    MULTI = ("phone", "fax", "email", "website")

    def is_empty(self) -> bool:
        return not any(getattr(self, k) for k in self.SINGLE + self.MULTI)


@dataclass
class ReportFacts:
    """Everything kg extracted from one report file.

    ``source`` is the path as the user gave it; ``sha256`` identifies the file's bytes.
    ``format`` is ``narrative`` or ``standard``; ``edition`` is ``2019`` or ``2021`` for a
    standard-template report and ``None`` otherwise.
    """

    source: str
    sha256: str
    media_type: str
    format: str = "narrative"
    edition: str | None = None
    title: Fact[str] | None = None
    agency: Fact[str] | None = None
    # the GB/T 2260 division the agency belongs to, as in force today, with the sentence that
    # places it; and the code in force in the report's year where that differs (洪泽县 320829)
    region: Fact[str] | None = None
    region_in_year: str | None = None
    # the agency's identity (kg.identity): a pure function of its name and region
    agency_id: str | None = None
    year: Fact[int] | None = None
    period_start: Fact[str] | None = None  # ISO date
    period_end: Fact[str] | None = None
    issued: Fact[str] | None = None
    contact: Contact = field(default_factory=Contact)
    platforms: list[Fact[str]] = field(default_factory=list)  # one per type, sorted
    stats: dict[str, Stat] = field(default_factory=dict)  # the record's metrics (facts.md)
    # every other stated figure: 表三's applicant columns and sub-rows, 表四's blocks, and in a
    # standard-template report the figures its text states for metrics its tables hold
    observations: list[Stat] = field(default_factory=list)

    def to_record(self) -> dict:
        """The JSON record of facts.md, plus ``provenance`` keyed by fact path."""
        provenance: dict[str, dict] = {}

        def single(key: str, fact: Fact | None):
            if fact is None:
                return None
            provenance[key] = fact.evidence.to_json()
            return fact.value

        def many(key: str, facts: list[Fact]):
            values = []
            for i, fact in enumerate(facts):
                provenance[f"{key}[{i}]"] = fact.evidence.to_json()
                values.append(fact.value)
            return values

        record = {
            "source": self.source,
            "title": single("title", self.title),
            "agency": single("agency", self.agency),
            "agency_id": self.agency_id,
            "region_code": single("region_code", self.region),
            "year": single("year", self.year),
            "period_start": single("period_start", self.period_start),
            "period_end": single("period_end", self.period_end),
            "issued": single("issued", self.issued),
            "format": self.format,
            "contact": {
                **{k: single(f"contact.{k}", getattr(self.contact, k)) for k in Contact.SINGLE},
                **{k: many(f"contact.{k}", getattr(self.contact, k)) for k in Contact.MULTI},
            },
            "platform_types": many("platform_types", self.platforms),
            "stats": {},
        }
        for metric in sorted(self.stats):
            stat = self.stats[metric]
            record["stats"][metric] = stat.to_json()
            provenance[f"stats.{metric}"] = stat.evidence.to_json()
        record["provenance"] = provenance
        return record
