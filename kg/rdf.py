"""Stage 5, facts -> triples: one named graph per report (written by :mod:`kg.writer`).

Every IRI is a pure function of the facts (agency identity, year, file hash, metric key), so
the same report always maps to the same triples and no blank node is ever written. An agency
is named by its identity (kg.identity: ``320813/人民政府``) and placed in a division of GB/T
2260 (kg.regions); an agency whose identity is not known is the report's own node, never
merged with another.
docs/mapping.md lists the mapping key by key; ontology/kg.ttl documents the terms.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal
from functools import cache, lru_cache
from typing import Iterator
from urllib.parse import quote, unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, QB, RDF, SKOS, XSD
from rdflib.term import Node

from kg import identity, regions
from kg.checks import Failure, dataset_of, report_checks
from kg.model import RECORD_METRICS, Evidence, Fact, ReportFacts, Stat
from kg.resources import mapping_id
from kg.vocab import (
    DCAT,
    DQV,
    IANA,
    KG,
    KGA,
    KGID,
    KGM,
    KGP,
    KGR,
    KGU,
    OA,
    RFC3778,
    SCHEMA,
    SDMX_ATTR,
    SDMX_DIM,
    SDMX_MEASURE,
    REGION,
    VCARD,
    YEAR,
    bind_prefixes,
)

FORMAT_IRIS = {
    ("narrative", None): KG.NarrativeFormat,
    ("standard", "2019"): KG.Template2019,
    ("standard", "2021"): KG.Template2021,
    ("standard", None): KG.StandardTemplate,
}
FORMAT_OF = {KG.NarrativeFormat: "narrative", KG.Template2019: "standard", KG.Template2021: "standard", KG.StandardTemplate: "standard"}
IRI_SAFE = "-._~!$&'()*+,;=:@/"


# ---------------------------------------------------------------- identifiers


def agency_key(name: str) -> str:
    """The agency's name as printed, compared: NFKC, all white space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def agency_hash(agency_id: str) -> str:
    return hashlib.sha256(agency_id.encode("utf-8")).hexdigest()[:16]


def agency_iri(agency_id: str) -> URIRef:
    """``kgid:agency/{sha256(id)[:16]}``: one IRI for every printed variant of the agency's name."""
    return KGID[f"agency/{agency_hash(agency_id)}"]


def series_iri(agency_id: str) -> URIRef:
    return KGID[f"series/{agency_hash(agency_id)}"]


def region_iri(code: str) -> URIRef:
    """``kgid:region/{code}``: a division of GB/T 2260 as a SKOS concept."""
    return REGION[code]


REGION_SCHEME = REGION["gb2260"]
KINDS = {
    "government": KG.Government,
    "department": KG.Department,
    "township": KG.Township,
    "street_office": KG.StreetOffice,
    "other": KG.OtherAgency,
}


def _split(agency_id: str) -> tuple[str | None, str]:
    """``320813/人民政府`` -> ("320813", "人民政府"); a central body's ``CN/…`` has no division."""
    code, _, body = agency_id.partition("/")
    return (None if code == identity.NATIONAL else code), body


def agency_label(agency_id: str) -> str:
    """The agency's skos:prefLabel, a pure function of its identity: the division's name and the
    body (洪泽区人民政府), the body alone for a central body or one that starts with its
    division's stem (平潭综合实验区 in 平潭县)."""
    code, body = _split(agency_id)
    division = regions.division(code) if code is not None else None
    if division is None or body.startswith(division.stem):
        return body
    return division.name + body


def file_iri(sha256: str) -> URIRef:
    return KGID[f"file/{sha256}"]


def year_iri(year: int) -> URIRef:
    return YEAR[str(year)]


def report_iri(facts: ReportFacts) -> URIRef:
    """``kgid:report/{agency}/{year}``; without a year, or without the agency's identity, named
    after the file hash (a report of unknown identity is never merged with another)."""
    if facts.agency_id is None:
        return KGID[f"report/file-{facts.sha256[:16]}"]
    h = agency_hash(facts.agency_id)
    if facts.year is None:
        return KGID[f"report/{h}/file-{facts.sha256[:16]}"]
    return KGID[f"report/{h}/{facts.year.value}"]


def evidence_slug(key: str) -> str:
    """The IRI segment for a provenance key: ``stats.X`` -> ``X``, ``contact.phone[0]`` -> ``contact-phone-0``."""
    if key.startswith("stats."):
        return key[len("stats."):]
    return re.sub(r"\[(\d+)\]", r"-\1", key).replace(".", "-")


def tel_iri(number: str) -> URIRef:
    return URIRef("tel:" + quote(number, safe=IRI_SAFE))


def mailto_iri(address: str) -> URIRef:
    return URIRef("mailto:" + quote(address, safe=IRI_SAFE))


def web_iri(site: str) -> URIRef:
    """A website as an IRI; ``http://`` is added when the printed address has no scheme."""
    site = site if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", site) else "http://" + site
    return URIRef(quote(site, safe=IRI_SAFE + "#?%"))


def media_type_iri(media_type: str) -> URIRef:
    return IANA[media_type.split(";")[0].strip().lower()]


def value_literal(value: int | float) -> Literal:
    """xsd:integer for integers, xsd:decimal (plain notation) otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _integer(value)
    return Literal(format(Decimal(str(value)), "f"), datatype=XSD.decimal)


# Literals are immutable and a report makes hundreds of the same few: made once per process
# (rdflib's Literal() was a seventh of the time of a report's triples).
@lru_cache(maxsize=1 << 16)
def _integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


@lru_cache(maxsize=1 << 16)
def _offset(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.nonNegativeInteger)


def _int(term: Node | None) -> int:
    """An integer literal's value (a year, an offset, an integer obsValue)."""
    if not isinstance(term, Literal):
        raise ValueError(f"not an integer literal: {term!r}")
    return int(str(term))


# ---------------------------------------------------------------- one report


def report_graph(facts: ReportFacts) -> Graph:
    """The triples of one report, as a graph named by the report's IRI (a pure function)."""
    g = bind_prefixes(Graph(identifier=report_iri(facts), bind_namespaces="none"))
    for triple in report_triples(facts):
        g.add(triple)
    return g


# The terms of the per-figure paths, looked up once: rdflib's namespace lookups were a tenth of
# the time of a report's triples.
DCTERMS_conformsTo = DCTERMS.conformsTo
KG_agency = KG.agency
KG_applicantSlice = KG.applicantSlice
KG_applicantType = KG.applicantType
KG_approximate = KG.approximate
KG_metric = KG.metric
KG_reportSlice = KG.reportSlice
KG_rule = KG.rule
KG_sourceReport = KG.sourceReport
KG_tableColumn = KG.tableColumn
KG_tableIndex = KG.tableIndex
KG_tableRow = KG.tableRow
KG_valueEnd = KG.valueEnd
KG_valueStart = KG.valueStart
OA_FragmentSelector = OA.FragmentSelector
OA_TextPositionSelector = OA.TextPositionSelector
OA_TextQuoteSelector = OA.TextQuoteSelector
OA_end = OA.end
OA_exact = OA.exact
OA_hasSelector = OA.hasSelector
OA_hasSource = OA.hasSource
OA_start = OA.start
PROV_wasDerivedFrom = PROV.wasDerivedFrom
QB_observation = QB.observation
QB_slice = QB.slice
QB_sliceStructure = QB.sliceStructure
RDF_type = RDF.type
RDF_value = RDF.value
SDMX_ATTR_unitMeasure = SDMX_ATTR.unitMeasure
SDMX_DIM_refPeriod = SDMX_DIM.refPeriod
SDMX_MEASURE_obsValue = SDMX_MEASURE.obsValue
XSD_integer = XSD.integer
_metric, _applicant, _unit = cache(KGM.term), cache(KGA.term), cache(KGU.term)


Triple = tuple[Node, Node, Node]


def report_triples(facts: ReportFacts) -> Iterator[Triple]:
    """The triples of one report, one by one (a pure function; a triple may come twice).

    Why not a Graph: the store formats them straight into its update (in the extraction
    workers), and building an rdflib Graph of ~1,500 triples per report only to read it back
    cost more than the extraction itself.

    Each thing is said once (docs/mapping.md): the dimensions a report fixes (agency, year, the
    report itself, 表三's applicant column) on a qb:Slice rather than on each observation; a
    sentence's quote, position, page and table row on one node shared by every figure read
    from it; no triple that the standards' own rules imply (an observation's type from
    qb:observation, a false kg:approximate from its absence).
    """
    report = report_iri(facts)
    dist = file_iri(facts.sha256)
    sentences = _Sentences(report, dist)

    def evidence(holder: URIRef, key: str, ev: Evidence) -> Iterator[Triple]:
        """A header or contact fact's evidence: its own node (the fact key and what is specific
        to the value) derived from the shared sentence."""
        node = URIRef(f"{report}/evidence/{evidence_slug(key)}")
        yield holder, PROV.wasDerivedFrom, node
        yield node, DCTERMS.identifier, Literal(key)
        yield from sentences.reading(node, ev)

    yield report, RDF.type, DCAT.Dataset
    yield report, RDF.type, SCHEMA.Report
    yield report, DCTERMS.conformsTo, FORMAT_IRIS.get((facts.format, facts.edition if facts.format == "standard" else None), KG.StandardTemplate)

    yield dist, DCTERMS.identifier, Literal(facts.sha256)
    yield dist, DCAT.mediaType, media_type_iri(facts.media_type)
    yield dist, KG.sourcePath, Literal(facts.source)
    yield report, DCAT.distribution, dist
    yield report, KG.mappedBy, Literal(mapping_id())  # which kg made these triples (a store re-maps on a change)

    agency = None
    if facts.agency_id is not None:
        agency = agency_iri(facts.agency_id)
        series = series_iri(facts.agency_id)
        yield from agency_triples(facts.agency_id)
        label = agency_label(facts.agency_id)
        if facts.agency is not None and agency_key(facts.agency.value) != label:
            # every printed variant of the name; the store keeps those of the reports it holds
            yield agency, SKOS.altLabel, Literal(agency_key(facts.agency.value), lang="zh")
        yield series, DCTERMS.publisher, agency
        yield series, DCTERMS.title, Literal(f"{label}政府信息公开工作年度报告", lang="zh")
        yield report, DCTERMS.publisher, agency
        yield report, DCAT.inSeries, series
    elif facts.agency is not None:
        # identity unknown: the report's own agency node, named as printed, never merged
        agency = URIRef(f"{report}/agency")
        yield agency, RDF.type, ORG.FormalOrganization
        yield agency, SKOS.prefLabel, Literal(agency_key(facts.agency.value), lang="zh")
        yield agency, ORG.classification, KINDS[identity.kind(facts.agency.value)]
        yield report, DCTERMS.publisher, agency
    if facts.agency is not None:
        # the name as this report prints it (the agency's labels are every report's)
        yield report, KG.agencyName, Literal(agency_key(facts.agency.value), lang="zh")
        yield from evidence(report, "agency", facts.agency.evidence)

    if facts.region is not None:
        yield report, DCTERMS.spatial, region_iri(facts.region.value)
        yield from _region(facts.region.value)
        yield from evidence(report, "region_code", facts.region.evidence)
    if facts.region_in_year is not None:
        yield report, KG.regionInYear, region_iri(facts.region_in_year)
        yield from _region(facts.region_in_year)
    if facts.region is not None or facts.region_in_year is not None or (facts.agency_id and _split(facts.agency_id)[0]):
        yield from SCHEME_TRIPLES

    if facts.title is not None:
        yield report, DCTERMS.title, Literal(facts.title.value, lang="zh")
        yield from evidence(report, "title", facts.title.evidence)

    period = None
    if facts.year is not None:
        period = year_iri(facts.year.value)
        yield report, KG.reportYear, Literal(facts.year.value, datatype=XSD.integer)
        yield report, SDMX_DIM.refPeriod, period
        yield from evidence(report, "year", facts.year.evidence)

    if facts.period_start is not None or facts.period_end is not None:
        span = URIRef(f"{report}/period")
        yield report, DCTERMS.temporal, span  # a dcterms:PeriodOfTime by the property's range
        for key, prop in (("period_start", DCAT.startDate), ("period_end", DCAT.endDate)):
            fact: Fact[str] | None = getattr(facts, key)
            if fact is not None:
                yield span, prop, Literal(fact.value, datatype=XSD.date)
                yield from evidence(report, key, fact.evidence)

    if facts.issued is not None:
        yield report, DCTERMS.issued, Literal(facts.issued.value, datatype=XSD.date)
        yield from evidence(report, "issued", facts.issued.evidence)

    for i, platform in enumerate(facts.platforms):
        yield report, KG.disclosureChannel, KGP[platform.value]
        yield from evidence(report, f"platform_types[{i}]", platform.evidence)
    # two counts of what the report states, kept with it: listing every report then reads one
    # triple each rather than counting (README, Performance); kgsh:ReportCounts checks them
    yield report, KG.channelCount, Literal(len({p.value for p in facts.platforms}), datatype=XSD.integer)
    yield report, KG.recordFigureCount, Literal(len(facts.stats), datatype=XSD.integer)

    if not facts.contact.is_empty():
        yield from _contact(report, facts, evidence)

    slices: set[URIRef] = set()

    def observation(obs: URIRef, dataset: URIRef, stat: Stat) -> Iterator[Triple]:
        # the report's slice of the data set fixes agency, year and report (and 表三's applicant
        # column): the Data Cube normalization algorithm (W3C Data Cube, section 10) copies them,
        # qb:dataSet and the type qb:Observation down to each observation
        slice_ = _slice_iri(report, dataset, stat.applicant)
        if slice_ not in slices:
            slices.add(slice_)
            yield dataset, QB_slice, slice_
            yield slice_, QB_sliceStructure, KG_applicantSlice if stat.applicant is not None else KG_reportSlice
            if agency is not None:
                yield slice_, KG_agency, agency
            if period is not None:
                yield slice_, SDMX_DIM_refPeriod, period
            yield slice_, KG_sourceReport, report
            if stat.applicant is not None:
                yield slice_, KG_applicantType, _applicant(stat.applicant)
        yield slice_, QB_observation, obs
        value = value_literal(stat.value)
        yield obs, KG_metric, _metric(stat.metric)
        yield obs, SDMX_MEASURE_obsValue, value
        if stat.unit:
            yield obs, SDMX_ATTR_unitMeasure, _unit(stat.unit)
        if stat.approx:
            yield obs, KG_approximate, Literal(True)  # absent: the figure is exact
        yield from sentences.reading(obs, stat.evidence, value if value.datatype == XSD_integer else None)

    for metric in sorted(facts.stats):
        yield from observation(URIRef(f"{report}/obs/{metric}"), KG.disclosureStats, facts.stats[metric])
        # the same figure as a direct property of the report (as Wikidata's truthy statements
        # beside its statement nodes): a question over every report's figure then reads one
        # triple per report; unit, approximation and provenance stay on the observation
        yield report, KGR[metric], value_literal(facts.stats[metric].value)
    for stat, (obs, dataset) in sorted(((s, _placement(report, s)) for s in facts.observations), key=lambda p: str(p[1][0])):
        if dataset == KG.disclosureStats and stat.metric in facts.stats:
            continue  # the record already holds this metric's figure
        yield from observation(obs, dataset, stat)
    for failure in report_checks(facts):
        yield from _failure(report, failure)
    yield from sentences.triples()


@cache
def agency_triples(agency_id: str) -> tuple[Triple, ...]:
    """An agency of known identity, its division and the body it belongs to: the same triples
    from every report of it (the store keeps them once, in its shared graph)."""
    agency = agency_iri(agency_id)
    code, body = _split(agency_id)
    out: list[Triple] = [
        (agency, RDF.type, ORG.FormalOrganization),  # org:Organization by ORG's subclass axiom
        (agency, DCTERMS.identifier, Literal(agency_id)),
        (agency, SKOS.prefLabel, Literal(agency_label(agency_id), lang="zh")),
        (agency, ORG.classification, KINDS[identity.kind(body)]),
    ]
    if code is not None:
        out.append((agency, DCTERMS.spatial, region_iri(code)))
        out += _region(code)
        parent = identity.parent_id(body, code)
        if parent is not None and parent != agency_id:
            out.append((agency, ORG.subOrganizationOf, agency_iri(parent)))
            out += agency_triples(parent)
    return tuple(out)


SCHEME_TRIPLES: tuple[Triple, ...] = (
    (REGION_SCHEME, RDF.type, SKOS.ConceptScheme),
    (REGION_SCHEME, SKOS.prefLabel, Literal("GB/T 2260 中华人民共和国行政区划代码", lang="zh")),
    (REGION_SCHEME, SKOS.prefLabel, Literal("GB/T 2260 Codes for the administrative divisions of the PRC", lang="en")),
)


@cache
def _region(code: str) -> tuple[Triple, ...]:
    """A division and those above it, as concepts of the GB/T 2260 scheme: today's when the code
    is in force, else as the code table last had it (洪泽县 320829), replaced by today's."""
    division = regions.division(code)
    current = None
    if division is None:
        division = _last_known(code)
        current = regions.current_code(division) if division is not None else None
    node = region_iri(code)
    out: list[Triple] = [(node, RDF.type, SKOS.Concept), (node, SKOS.inScheme, REGION_SCHEME), (node, SKOS.notation, Literal(code))]
    if division is None:
        return tuple(out)  # a code no table knows: its notation alone
    out += [(node, SKOS.prefLabel, Literal(division.name, lang="zh")), (node, KG.divisionLevel, Literal(division.level))]
    if current is not None:
        out.append((node, DCTERMS.isReplacedBy, region_iri(current)))
        out += _region(current)
    if division.parent is not None and regions.division(division.parent) is not None:
        out.append((node, SKOS.broader, region_iri(division.parent)))
        out += _region(division.parent)
    return tuple(out)


@cache
def _last_known(code: str) -> regions.Division | None:
    """A code no longer in force, as the last revision of the code table that has it gave it."""
    for year in range(regions.LAST_HISTORICAL_YEAR, regions.FIRST_HISTORICAL_YEAR - 1, -1):
        found = regions.in_year(year).get(code)
        if found is not None:
            return found
    return None


SLICE_NAMES = {KG.disclosureStats: "stats", KG.applicantStats: "applicant", KG.textFigures: "text"}


def _slice_iri(report: URIRef, dataset: URIRef, applicant: str | None) -> URIRef:
    """``{report}/slice/stats``, ``{report}/slice/text`` and ``{report}/slice/applicant/{type}``."""
    name = SLICE_NAMES[dataset]
    return URIRef(f"{report}/slice/{name}/{applicant}" if applicant is not None else f"{report}/slice/{name}")


class _Sentences:
    """The sentences a report's facts are read from, each said once and shared by its readings.

    A sentence (a table row: the row as printed) is ``{report}/s/{start}-{end}``, an
    oa:ResourceSelection of the file with its quote, position, page and table row; a reading (an
    observation, or a header fact's evidence node) is derived from it and holds what is its own:
    the value's offsets, the table column and, unless every reading of the sentence shares it,
    the rule (a shared rule is said once, on the sentence).
    """

    def __init__(self, report: URIRef, dist: URIRef):
        self.report, self.dist = report, dist
        self.seen: dict[URIRef, Evidence] = {}
        self.rules: dict[URIRef, set[str]] = {}
        self.readings: list[tuple[URIRef, URIRef, str]] = []

    def reading(self, node: URIRef, ev: Evidence, value: Literal | None = None) -> Iterator[Triple]:
        """A reading's own triples; an observation's kg:valueEnd only when the printed value is not
        as long as its integer obsValue's lexical form (``201`` printed as ``201``: the end is implied)."""
        sentence = self.node(ev)
        self.rules.setdefault(sentence, set()).add(ev.rule)
        self.readings.append((node, sentence, ev.rule))
        yield node, PROV_wasDerivedFrom, sentence
        yield node, KG_valueStart, _offset(ev.value_start)
        if value is None or ev.value_end != ev.value_start + len(value):
            yield node, KG_valueEnd, _offset(ev.value_end)
        if ev.column is not None:
            yield node, KG_tableColumn, _offset(ev.column)

    def node(self, ev: Evidence) -> URIRef:
        """``{report}/s/{start}-{end}``; should two different sentences have the same
        offsets (they cannot in an extraction, whose sentence is the text between them), the
        later ones are told apart by a count."""
        base = f"{self.report}/s/{ev.start}-{ev.end}"
        for n in range(1, len(self.seen) + 2):
            node = URIRef(base if n == 1 else f"{base}-{n}")
            known = self.seen.setdefault(node, ev)
            if (known.sentence, known.page, known.table, known.row) == (ev.sentence, ev.page, ev.table, ev.row):
                return node
        raise AssertionError("unreachable")

    def triples(self) -> Iterator[Triple]:
        for node, sentence, rule in self.readings:
            if len(self.rules[sentence]) > 1:
                yield node, KG_rule, Literal(rule)
        for sentence, ev in self.seen.items():
            if len(self.rules[sentence]) == 1:
                yield sentence, KG_rule, Literal(ev.rule)
            yield from _sentence(sentence, self.dist, self.report, ev)


def _sentence(node: URIRef, dist: URIRef, report: URIRef, ev: Evidence) -> Iterator[Triple]:
    quote_, position = URIRef(f"{node}/q"), URIRef(f"{node}/p")
    yield node, OA_hasSource, dist
    yield node, OA_hasSelector, quote_
    yield quote_, RDF_type, OA_TextQuoteSelector
    yield quote_, OA_exact, Literal(ev.sentence)
    yield node, OA_hasSelector, position
    yield position, RDF_type, OA_TextPositionSelector
    yield position, OA_start, _offset(ev.start)
    yield position, OA_end, _offset(ev.end)
    if ev.page is not None:
        # one selector per page of the file, shared by the sentences on it
        page = URIRef(f"{report}/page/{ev.page}")
        yield node, OA_hasSelector, page
        yield page, RDF_type, OA_FragmentSelector
        yield page, DCTERMS_conformsTo, RFC3778
        yield page, RDF_value, Literal(f"page={ev.page}")
    if ev.table is not None:
        yield node, KG_tableIndex, _offset(ev.table)
    if ev.row is not None:
        yield node, KG_tableRow, _offset(ev.row)


def _failure(report: URIRef, failure: Failure) -> Iterator[Triple]:
    """A consistency check the report fails, as a DQV quality annotation on the report."""
    node = URIRef(f"{report}/check/{failure.key}/{failure.part}")
    yield node, RDF.type, KG.CheckFailure
    yield node, KG.check, KG[failure.check]
    yield node, OA.hasTarget, report
    yield node, OA.motivatedBy, DQV.qualityAssessment
    yield node, OA.bodyValue, Literal(failure.message)
    yield node, KG.checkedPart, Literal(failure.where)
    yield node, KG.leftValue, value_literal(failure.left)
    yield node, KG.rightValue, value_literal(failure.right)
    for kind, stat in failure.figures:
        yield node, KG.comparedFigure, _placement(report, stat, kind)[0]


def _placement(report: URIRef, stat: Stat, kind: str | None = None) -> tuple[URIRef, URIRef]:
    """Where an observation beyond the record goes: its IRI and data set.

    A figure the prose states for a metric that the tables hold goes to kg:textFigures
    (kept for the consistency checks); a cell of an applicant-type column of 表三 to
    kg:applicantStats; any other table figure (the 总计 column, 表四) to kg:disclosureStats.
    ``kind`` overrides that choice (kg.checks.placed: a record figure is always ``disclosure``).
    """
    kind = kind or dataset_of(stat)
    if kind == "text":
        return URIRef(f"{report}/text/{stat.metric}"), KG.textFigures
    if kind == "applicant":
        return URIRef(f"{report}/obs/{stat.metric}/{stat.applicant}"), KG.applicantStats
    return URIRef(f"{report}/obs/{stat.metric}"), KG.disclosureStats


def _contact(report: URIRef, facts: ReportFacts, evidence) -> Iterator[Triple]:
    c = facts.contact
    contact = URIRef(f"{report}/contact")
    yield report, DCAT.contactPoint, contact
    yield contact, RDF.type, VCARD.Organization
    if facts.agency is not None:
        yield contact, VCARD.fn, Literal(facts.agency.value)
    if c.address is not None or c.postcode is not None:
        address = URIRef(f"{contact}/address")
        yield contact, VCARD.hasAddress, address
        if c.address is not None:
            yield address, VCARD["street-address"], Literal(c.address.value)
            yield from evidence(contact, "contact.address", c.address.evidence)
        if c.postcode is not None:
            yield address, VCARD["postal-code"], Literal(c.postcode.value)
            yield from evidence(contact, "contact.postcode", c.postcode.evidence)
    for kind, cls, facts_list in (("tel", VCARD.Voice, c.phone), ("fax", VCARD.Fax, c.fax)):
        for i, fact in enumerate(facts_list):
            tel = URIRef(f"{contact}/{kind}-{i}")
            yield contact, VCARD.hasTelephone, tel
            yield tel, RDF.type, cls
            yield tel, VCARD.hasValue, tel_iri(fact.value)
            yield from evidence(contact, f"contact.{'phone' if kind == 'tel' else 'fax'}[{i}]", fact.evidence)
    for i, fact in enumerate(c.email):
        yield contact, VCARD.hasEmail, mailto_iri(fact.value)
        yield from evidence(contact, f"contact.email[{i}]", fact.evidence)
    for i, fact in enumerate(c.website):
        yield contact, VCARD.hasURL, web_iri(fact.value)
        yield from evidence(contact, f"contact.website[{i}]", fact.evidence)
    if c.person is not None:
        person = URIRef(f"{contact}/person")
        yield contact, KG.contactPerson, person
        yield person, RDF.type, VCARD.Individual
        yield person, VCARD.fn, Literal(c.person.value)
        yield from evidence(contact, "contact.person", c.person.evidence)



# ---------------------------------------------------------------- reading back


def graph_to_records(graph: Graph) -> list[dict]:
    """The records (facts.md, with provenance) of every report in ``graph``, sorted by report IRI.

    Inverse of :func:`report_graph` up to normal forms: the agency's name as the report printed
    it (NFKC, no white space; kg:agencyName), its identity from the agency's dcterms:identifier,
    the region from the report's division's notation; websites as IRIs, emails and websites in
    IRI order.
    """
    return [_record(graph, report) for report in sorted(set(graph.subjects(RDF.type, SCHEMA.Report)), key=str)]


def _record(g: Graph, report: Node) -> dict:
    provenance: dict[str, dict] = {}
    for node in g.objects(report, PROV.wasDerivedFrom):
        _read_evidence(g, node, provenance)
    dist = g.value(report, DCAT.distribution)
    agency = g.value(report, DCTERMS.publisher)
    place = g.value(report, DCTERMS.spatial)
    span = g.value(report, DCTERMS.temporal)

    def py(term):
        return None if term is None else term.toPython()

    def text(term):
        return None if term is None else str(term)

    contact_record: dict = {"address": None, "postcode": None, "person": None, "phone": [], "fax": [], "email": [], "website": []}
    contact = g.value(report, DCAT.contactPoint)
    if contact is not None:
        for node in g.objects(contact, PROV.wasDerivedFrom):
            _read_evidence(g, node, provenance)
        address = g.value(contact, VCARD.hasAddress)
        if address is not None:
            contact_record["address"] = text(g.value(address, VCARD["street-address"]))
            contact_record["postcode"] = text(g.value(address, VCARD["postal-code"]))
        person = g.value(contact, KG.contactPerson)
        if person is not None:
            contact_record["person"] = text(g.value(person, VCARD.fn))
        phones = []
        for tel in g.objects(contact, VCARD.hasTelephone):
            kind, index = str(tel).rsplit("/", 1)[-1].split("-", 1)
            phones.append(("phone" if kind == "tel" else "fax", int(index), unquote(str(g.value(tel, VCARD.hasValue))[4:])))
        for kind, _, number in sorted(phones):
            contact_record[kind].append(number)
        contact_record["email"] = sorted(unquote(str(o)[len("mailto:"):]) for o in g.objects(contact, VCARD.hasEmail))
        contact_record["website"] = sorted(unquote(str(o)) for o in g.objects(contact, VCARD.hasURL))

    # ReportFacts keeps platforms sorted, so platform_types[i] is the i-th channel in notation order.
    channels = sorted(str(c)[len(str(KGP)):] for c in g.objects(report, KG.disclosureChannel))

    stats = {}
    for slice_ in g.subjects(KG.sourceReport, report):  # the report's slices, then the record's data set
        if (KG.disclosureStats, QB.slice, slice_) not in g:
            continue
        for obs in g.objects(slice_, QB.observation):
            metric = str(g.value(obs, KG.metric))[len(str(KGM)):]
            if metric not in RECORD_METRICS:
                continue  # the record holds facts.md's metrics; the rest of the tables stay in the graph
            value = g.value(obs, SDMX_MEASURE.obsValue)
            unit = g.value(obs, SDMX_ATTR.unitMeasure)
            if not isinstance(value, Literal):
                raise ValueError(f"observation {obs} has no value")
            stats[metric] = {
                "value": _int(value) if value.datatype == XSD.integer else float(value.toPython()),
                "approx": bool(py(g.value(obs, KG.approximate))),
                "unit": None if unit is None else str(unit)[len(str(KGU)):],
            }
            provenance[f"stats.{metric}"] = _read_reading(g, obs)

    year = g.value(report, KG.reportYear)
    conforms = g.value(report, DCTERMS.conformsTo)
    record = {
        "source": text(g.value(dist, KG.sourcePath)) if dist is not None else None,
        "title": text(g.value(report, DCTERMS.title)),
        "agency": text(g.value(report, KG.agencyName)),
        "agency_id": text(g.value(agency, DCTERMS.identifier)) if agency is not None else None,
        "region_code": text(g.value(place, SKOS.notation)) if place is not None else None,
        "year": None if year is None else _int(year),
        "period_start": text(g.value(span, DCAT.startDate)) if span is not None else None,
        "period_end": text(g.value(span, DCAT.endDate)) if span is not None else None,
        "issued": text(g.value(report, DCTERMS.issued)),
        "format": FORMAT_OF.get(conforms, "standard") if isinstance(conforms, URIRef) else "standard",
        "contact": contact_record,
        "platform_types": channels,
        "stats": {m: stats[m] for m in sorted(stats)},
        "provenance": {k: provenance[k] for k in sorted(provenance, key=_provenance_order)},
    }
    return record


def _provenance_order(key: str) -> tuple:
    head = key.split("[")[0].split(".")[0]
    rank = {"title": 0, "agency": 1, "region_code": 2, "year": 3, "period_start": 4, "period_end": 5, "issued": 6, "contact": 7, "platform_types": 8, "stats": 9}
    index = re.search(r"\[(\d+)\]", key)
    return (rank.get(head, 10), key.split("[")[0], int(index.group(1)) if index else -1)


def _read_evidence(g: Graph, node: Node, out: dict) -> None:
    """A header or contact fact's evidence, under its fact key."""
    key = g.value(node, DCTERMS.identifier)
    if key is not None:
        out[str(key)] = _read_reading(g, node)


def value_end(g: Graph, node: Node) -> int:
    """A reading's value end: kg:valueEnd, or, for an observation without one, its value start
    plus the length of its obsValue's lexical form (see _Sentences.reading)."""
    end = g.value(node, KG.valueEnd)
    if end is not None:
        return _int(end)
    return _int(g.value(node, KG.valueStart)) + len(str(_int(g.value(node, SDMX_MEASURE.obsValue))))


def _read_reading(g: Graph, node: Node) -> dict:
    """The evidence of one reading (an observation or a fact's evidence node) and its sentence."""
    sentence = g.value(node, PROV.wasDerivedFrom)
    ev: dict = {}
    for selector in g.objects(sentence, OA.hasSelector):
        if (selector, RDF.type, OA.TextQuoteSelector) in g:
            ev["sentence"] = str(g.value(selector, OA.exact))
        elif (selector, RDF.type, OA.TextPositionSelector) in g:
            ev["start"] = _int(g.value(selector, OA.start))
            ev["end"] = _int(g.value(selector, OA.end))
        elif (selector, RDF.type, OA.FragmentSelector) in g:
            page = str(g.value(selector, RDF.value))
            if page.startswith("page="):
                ev["page"] = int(page[len("page="):])
    rule = g.value(node, KG.rule) or g.value(sentence, KG.rule)  # on the sentence when all its readings share it
    cells = {key: g.value(holder, prop) for key, holder, prop in
             (("table", sentence, KG.tableIndex), ("row", sentence, KG.tableRow), ("column", node, KG.tableColumn))}
    return {
        "sentence": ev.get("sentence"),
        "start": ev.get("start"),
        "end": ev.get("end"),
        "value_start": _int(g.value(node, KG.valueStart)),
        "value_end": value_end(g, node),
        "rule": str(rule),
        **({"page": ev["page"]} if "page" in ev else {}),
        **{key: _int(value) for key, value in cells.items() if value is not None},
    }
