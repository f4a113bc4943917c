"""Stage 4, document -> facts: every fact of docs/facts.md, each with its evidence.

The stages, in order (one module each):

1. ``kg.readers``   file -> decoded text (UTF-8 or GB18030), refusing what is not text;
2. ``kg.normalize`` text -> normalised text with an offset map back to the printed text;
3. ``kg.document``  normalised text -> document: page metadata, sections, sentences;
4. ``kg.extract``   document -> :class:`~kg.model.ReportFacts` (header, contact,
   platforms, metrics), every value with its sentence, offsets and rule id;
5. ``kg.rdf``       facts -> triples, one named graph per report.

:func:`extract_file` is a pure function of one file, so batches parallelise.
"""

from __future__ import annotations

from pathlib import Path

from kg.document import Document, build_document
from kg.errors import NotAReportError, printable
from kg.extract.contact import extract_contact
from kg.extract.agency import find_agency
from kg.extract.header import is_report, issued, opening_year, period, report_format, title_and_agency
from kg.extract.metrics import extract_metrics
from kg.extract.platforms import extract_platforms
from kg.extract.region import find_region
from kg.extract.statistics_table import extract_statistics_table
from kg.extract.template import TABLE_METRICS, extract_template
from kg.identity import agency_id
from kg.model import Fact, ReportFacts
from kg.readers import read_source

def extract_file(path: str | Path) -> ReportFacts:
    """Read one report file and extract its facts (raises :class:`kg.errors.KgError`)."""
    return extract_document(build_document(read_source(path)))


def extract_document(doc: Document) -> ReportFacts:
    title, agency, year = title_and_agency(doc)
    if title is None and not is_report(doc):
        raise NotAReportError(doc.source.source, "not an annual report on government information disclosure (no 信息公开 report title or wording)")
    agency = agency or find_agency(doc)
    start, end = period(doc)
    if year is None and start is not None:
        year = Fact(int(start.value[:4]), start.evidence)
    year = year or opening_year(doc)
    fmt, edition = report_format(doc, year.value if year else None)
    stats, restated = extract_metrics(doc)
    observations = list(restated)  # stated again, otherwise: for the consistency checks
    if fmt == "standard":
        # the tables hold these metrics: a figure the text gives for them is kept for the
        # consistency checks, never put in the record, even when the table cannot be read
        observations = [stat for metric, stat in stats.items() if metric in TABLE_METRICS] + observations
        stats = {metric: stat for metric, stat in stats.items() if metric not in TABLE_METRICS}
        tables = extract_template(doc, edition)
        stats.update(tables.stats)
        observations = tables.observations + observations
    else:
        for metric, stat in extract_statistics_table(doc).items():
            stats.setdefault(metric, stat)
    contact = extract_contact(doc)
    region, region_in_year = find_region(doc, agency, title, year.value if year else None, contact)
    return ReportFacts(
        source=printable(doc.source.source),  # a name that is not UTF-8 still makes a valid record and graph
        sha256=doc.source.sha256,
        media_type=doc.source.media_type,
        format=fmt,
        edition=edition,
        title=title,
        agency=agency,
        region=region,
        region_in_year=region_in_year,
        agency_id=agency_id(agency.value if agency else None, region.value if region else None, year.value if year else None),
        year=year,
        period_start=start,
        period_end=end,
        issued=issued(doc, year.value if year else None),
        contact=contact,
        platforms=extract_platforms(doc, agency.value if agency else None),
        stats=dict(sorted(stats.items())),
        observations=observations,
    )

