"""An agencies file: what rules cannot know about agencies, said by a user (``kg build --agencies FILE``).

A CSV or TOML file (docs/agencies.md) whose entries each name an agency by its printed name,
optionally with its region, and say any of: its region (a GB/T 2260 code in force today), its
parent body, the agency it was renamed from or merged into, and the year of that change.

- :func:`load` reads and checks the whole file first: a bad entry is an :class:`AgenciesFileError`
  naming the file and the row (CSV) or entry (TOML), before anything is written.
- :func:`apply` is a pure function of one report's facts: it places a report whose agency the
  report itself does not place, and recomputes the agency's identity. So extraction stays one
  file at a time, and a store build re-maps every report when the file changes (its digest is
  part of the store's configuration: :func:`begin` and :func:`finish`).
- :func:`shared_triples` are what the file adds to the graph as a whole: each rename or merger
  an ``org:ChangeEvent``, each parent it gives an ``org:subOrganizationOf``, and the agencies
  it names, so that a series can be followed across a rename even where no report of the old
  name is in the graph.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.identity import NATIONAL, agency_id, body, clean, is_national
from kg.model import Fact, ReportFacts
from kg.regions import leading_places, today
from kg.store import LINKS, SHARED
from kg.vocab import KGID

if TYPE_CHECKING:
    from kg.store import ReportStore
    from kg.writer import Prepared, ReportWriter

COLUMNS = ("name", "region", "override", "parent", "renamed_from", "merged_into", "year")
FIRST_YEAR = 1949
RULE = "agencies_file"  # the evidence rule of a region the file gives: agencies_file:ROW
ORG = "http://www.w3.org/ns/org#"
DCTERMS = "http://purl.org/dc/terms/"
# the file as a node of the graph: its digest (what a store compares), the change events it gives
FILE_NODE = str(KGID["agencies-file"])
_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False, "": False}
_ID = re.compile(r"^(\d{6}|CN)/(.+)$")


class AgenciesFileError(InputError):
    """An agencies file that cannot be used: ``FILE: row N: problem``."""


@dataclass(frozen=True)
class Entry:
    """One agency of the file, checked and resolved: names are agency ids where the file gave names."""

    row: int  # the CSV line, or the TOML entry's number (1-based)
    name: str  # as given, cleaned (kg.identity.clean)
    region: str | None  # today's GB/T 2260 code
    override: bool  # the region replaces one the report states
    id: str | None  # its agency id (None: a name-only entry without a region, e.g. a bare placement)
    parent: str | None = None
    renamed_from: str | None = None
    merged_into: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Directory:
    """A loaded agencies file: its entries and its digest (sha256 of its bytes)."""

    path: str
    digest: str
    entries: tuple[Entry, ...]
    where: str = "row"  # how its entries are named in messages: "row" (CSV) or "entry" (TOML)

    def __post_init__(self) -> None:
        by_name: dict[str, tuple[Entry, ...]] = {}
        for entry in self.entries:
            by_name[entry.name] = by_name.get(entry.name, ()) + (entry,)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_id", {e.id: e for e in self.entries if e.id})
        object.__setattr__(self, "_parents", {e.id: e.parent for e in self.entries if e.id and e.parent})

    def named(self, name: str) -> tuple[Entry, ...]:
        """The entries of this printed name."""
        return self._by_name.get(clean(name), ())  # type: ignore[attr-defined]

    def with_id(self, agency: str | None) -> Entry | None:
        return self._by_id.get(agency) if agency else None  # type: ignore[attr-defined]

    def parents(self) -> dict[str, str]:
        """The parents the file gives, by agency id."""
        return self._parents  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- reading


def load(path: str | Path) -> Directory:
    """Read and check an agencies file (``.csv`` or ``.toml``); any problem is an :class:`AgenciesFileError`."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise AgenciesFileError(shown, f"cannot read the agencies file: {error.strerror or error}") from None
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        raw, where = _csv_rows(shown, data), "row"
    elif suffix == ".toml":
        raw, where = _toml_rows(shown, data), "entry"
    else:
        raise AgenciesFileError(shown, "an agencies file is .csv or .toml (docs/agencies.md)")
    fail = _failer(shown, where)
    if not raw:
        raise AgenciesFileError(shown, "no agencies in the file")
    entries = _resolve(raw, fail, where)
    return Directory(shown, hashlib.sha256(data).hexdigest(), tuple(entries), where)


Fail = Callable[[int, str], AgenciesFileError]


def _failer(shown: str, where: str) -> Fail:
    return lambda n, problem: AgenciesFileError(shown, f"{where} {n}: {problem}")


def _csv_rows(shown: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    fail = _failer(shown, "row")
    for n, line in enumerate(data.split(b"\n"), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            raise fail(n, "not UTF-8 text (save the file as UTF-8)") from None
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for cells in reader:
            n = reader.line_num
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                unknown = [c for c in header if c not in COLUMNS]
                if unknown:
                    raise fail(n, f"unknown column '{unknown[0]}' (columns: {', '.join(COLUMNS)})")
                if "name" not in header:
                    raise fail(n, "no 'name' column (the first row names the columns: name,region,...)")
                seen = [c for i, c in enumerate(header) if c in header[:i]]
                if seen:
                    raise fail(n, f"column '{seen[0]}' given twice")
                continue
            if len(cells) > len(header):
                raise fail(n, f"{len(cells)} cells but {len(header)} columns")
            rows.append((n, {k: v.strip() for k, v in zip(header, cells) if v.strip()}))
    except csv.Error as error:
        raise fail(reader.line_num, f"not valid CSV: {error}") from None
    return rows


def _toml_rows(shown: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        document = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AgenciesFileError(shown, f"line {line}: not UTF-8 text (save the file as UTF-8)") from None
    except tomllib.TOMLDecodeError as error:
        raise AgenciesFileError(shown, f"not valid TOML: {error}") from None
    fail = _failer(shown, "entry")
    other = [k for k in document if k != "agency"]
    if other:
        raise AgenciesFileError(shown, f"unknown table '{other[0]}' (the file holds [[agency]] entries)")
    entries = document.get("agency", [])
    if not isinstance(entries, list):
        raise AgenciesFileError(shown, "'agency' must be an array of tables: [[agency]]")
    rows = []
    for n, entry in enumerate(entries, 1):
        unknown = [k for k in entry if k not in COLUMNS]
        if unknown:
            raise fail(n, f"unknown key '{unknown[0]}' (keys: {', '.join(COLUMNS)})")
        values: dict[str, Any] = {}
        for key, value in entry.items():
            if isinstance(value, bool):
                values[key] = "yes" if value else "no"
            elif isinstance(value, (int, str)):
                values[key] = str(value).strip()
            else:
                raise fail(n, f"'{key}' must be a string or a number")
        rows.append((n, {k: v for k, v in values.items() if v}))
    return rows


def _resolve(raw: list[tuple[int, dict[str, Any]]], fail: Fail, where: str) -> list[Entry]:
    """Check each row on its own, then the names that refer to other agencies."""
    firsts: list[Entry] = []
    seen: dict[tuple[str, str | None], int] = {}
    for n, row in raw:
        name = clean(row.get("name", ""))
        if not name:
            raise fail(n, "no agency name")
        region = row.get("region")
        if region is not None and region not in today():
            raise fail(n, f"unknown region code '{region}' (not a GB/T 2260 code in force today)")
        override = row.get("override", "").lower()
        if override not in _YES:
            raise fail(n, f"override is yes or no, not '{row['override']}'")
        if _YES[override] and region is None:
            raise fail(n, "override without a region to put in the report's place")
        year = _year(row.get("year"), n, fail)
        if year is not None and not (row.get("renamed_from") or row.get("merged_into")):
            raise fail(n, "a year without renamed_from or merged_into")
        if year is None and (row.get("renamed_from") or row.get("merged_into")):
            raise fail(n, "renamed_from and merged_into need the year of the change")
        if not any(row.get(k) for k in ("region", "parent", "renamed_from", "merged_into")):
            raise fail(n, f"{name}: says nothing (give a region, parent, renamed_from or merged_into)")
        if (name, region) in seen:
            raise fail(n, f"{name}: the same agency as {where} {seen[(name, region)]} (one entry per agency)")
        seen[(name, region)] = n
        own = agency_id(name, region)
        if own is None and any(row.get(k) for k in ("parent", "renamed_from", "merged_into")):
            raise fail(n, f"{name}: give its region (a GB/T 2260 code) so that it can be told from its namesakes")
        firsts.append(Entry(n, name, region, _YES[override], own, year=year))
    by_name: dict[str, list[Entry]] = {}
    for entry in firsts:
        by_name.setdefault(entry.name, []).append(entry)
    out = []
    for (n, row), entry in zip(raw, firsts):
        refs = {k: _other(row[k], entry, by_name, k, fail) if row.get(k) else None for k in ("parent", "renamed_from", "merged_into")}
        if entry.id is not None and entry.id in refs.values():
            raise fail(n, f"{entry.name}: refers to itself")
        out.append(replace(entry, parent=refs["parent"], renamed_from=refs["renamed_from"], merged_into=refs["merged_into"]))
    return out


def _year(text: str | None, n: int, fail: Fail) -> int | None:
    if text is None:
        return None
    last = date.today().year
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= last:
        raise fail(n, f"year '{text}' is not a year from {FIRST_YEAR} to {last}")
    return int(text)


def _other(text: str, entry: Entry, by_name: dict[str, list[Entry]], column: str, fail: Fail) -> str:
    """The agency id another agency is named by: an id as given (``320813/人民政府``), another
    entry's name, a national body, or a name placed by its own leading division names, else in
    the entry's region. What cannot be told is an error, never a guess."""
    text = clean(text)
    found = _ID.match(text)
    if found:
        if found.group(1) != NATIONAL and found.group(1) not in today():
            raise fail(entry.row, f"{column}: unknown region code in the id '{text}'")
        return f"{found.group(1)}/{body(found.group(2))}"  # as kg.identity writes it (科技厅 -> 科学技术厅)
    placed = [e for e in by_name.get(text, []) if e.id is not None]
    if len(placed) > 1:  # namesakes in the file: the one of the entry's region
        placed = [e for e in placed if e.region == entry.region]
    if len(placed) == 1:
        return placed[0].id  # type: ignore[return-value]
    if is_national(text):
        return agency_id(text, None)  # type: ignore[return-value]
    places = leading_places(text)
    if places:
        current = [d for d in places[-1].candidates if d.code in today() and d.name == today()[d.code].name]
        if entry.region is not None:  # a namesake elsewhere is not meant: keep the divisions of its province
            current = [d for d in current if d.code[:2] == entry.region[:2]]
        if len(current) == 1:
            return f"{current[0].code}/{body(text)}"
    elif entry.region is not None:
        return f"{entry.region}/{body(text)}"
    raise fail(entry.row, f"{column}: cannot tell which agency '{text}' is (give its id, e.g. 320813/人民政府)")


# ----------------------------------------------------------------------------- one report


def match(facts: ReportFacts, directory: Directory) -> Entry | None:
    """The entry that speaks of this report's agency: the same printed name and region (or the
    same agency id); a placement for a report that states no region (only when one entry of
    that name has a region: never a guess between namesakes); or an entry that overrides."""
    if facts.agency is None:
        return None
    region = facts.region.value if facts.region else None
    named = directory.named(facts.agency.value)
    same = [e for e in named if e.region == region]
    if same:
        return same[0]
    by_id = directory.with_id(facts.agency_id)
    if by_id is not None:
        return by_id
    placed = [e for e in named if e.region is not None]
    if region is None:
        return placed[0] if len(placed) == 1 else None
    overriding = [e for e in placed if e.override]
    return overriding[0] if len(overriding) == 1 else None


def apply(facts: ReportFacts, directory: Directory) -> ReportFacts:
    """The report's facts with what the file says of its agency: a region where the report
    states none (or, with ``override``, instead of the one it states) and the agency id
    recomputed with it. The region's evidence is the sentence that names the agency (or the
    one the report placed it by), with the rule ``agencies_file:ROW`` (``;report:CODE:RULE``
    when it replaced the report's own placement, which is so kept)."""
    entry = match(facts, directory)
    if entry is None or entry.region is None or facts.agency is None:
        return facts
    stated = facts.region
    if stated is not None and stated.value == entry.region:
        return facts
    rule = f"{RULE}:{entry.row}"
    if stated is not None:
        rule += f";report:{stated.value}:{stated.evidence.rule}"
    evidence = replace(stated.evidence if stated is not None else facts.agency.evidence, rule=rule)
    year = facts.year.value if facts.year else None
    return replace(
        facts,
        region=Fact(entry.region, evidence),
        region_in_year=None,  # the file gives today's code only
        agency_id=agency_id(facts.agency.value, entry.region, year),
    )


def applied(directory: Directory, facts: ReportFacts) -> ReportFacts:
    """:func:`apply` with the file first, for the workers (``functools.partial``)."""
    return apply(facts, directory)


def prepare_applied(directory: Directory, facts: ReportFacts) -> Prepared:
    """:func:`kg.writer.prepare` of the applied facts, run in the extraction workers. Where the
    file gives the agency's parent, the parent the name implies is left out: the file's
    (:func:`shared_triples`) replaces it."""
    from kg.rdf import agency_iri
    from kg.writer import prepare

    placed = apply(facts, directory)
    prepared = prepare(placed)
    if placed.agency_id and placed.agency_id in directory.parents():
        implied = f"<{agency_iri(placed.agency_id)}> <{ORG}subOrganizationOf> "
        kept = [line for line in prepared.shared.split("\n") if not line.startswith(implied)]
        prepared = replace(prepared, shared="\n".join(kept))
    return prepared


# ----------------------------------------------------------------------------- the graph


def shared_triples(directory: Directory) -> str:
    """The file's triples, as N-Triples lines for the shared graph: its digest; each agency it
    names, as every report of it describes it (identifier, names, division, kind), with the name
    the file prints as an altLabel; each parent it gives (instead of the one the name implies);
    each rename or merger an ``org:ChangeEvent`` (original and resulting organisation, year)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS as DCT
    from rdflib.namespace import ORG as O
    from rdflib.namespace import RDF, SKOS as S, XSD as X

    from kg.rdf import SCHEME_TRIPLES, agency_key, agency_label, agency_triples
    from kg.rdf import agency_iri as iri
    from kg.writer import ntriples

    node = URIRef(FILE_NODE)
    parents = directory.parents()
    triples: list[tuple] = [(node, DCT.identifier, Literal(directory.digest))]

    def agency(ident: str, printed: str | None = None) -> URIRef:
        me = iri(ident)
        triples.append((node, DCT.references, me))  # what a later file removes (_EARLIER)
        # the parent the name implies gives way to the file's
        triples.extend(t for t in agency_triples(ident) if not (ident in parents and t[0] == me and t[1] == O.subOrganizationOf))
        if printed and agency_key(printed) != agency_label(ident):
            triples.append((me, S.altLabel, Literal(agency_key(printed), lang="zh")))
        return me

    for entry in directory.entries:
        if entry.id is None:
            continue
        me = agency(entry.id, entry.name)
        if entry.parent:
            triples.append((me, O.subOrganizationOf, agency(entry.parent)))
        for original, resulting in ((entry.renamed_from, entry.id), (entry.id, entry.merged_into)):
            if original is None or resulting is None or entry.year is None:
                continue
            key = hashlib.sha256(f"{original}|{resulting}|{entry.year}".encode("utf-8")).hexdigest()[:16]
            event = KGID[f"change/{key}"]
            triples += [
                (event, RDF.type, O.ChangeEvent),
                (event, O.originalOrganization, agency(original)),
                (event, O.resultingOrganization, agency(resulting)),
                (event, DCT.date, Literal(str(entry.year), datatype=X.gYear)),
                (event, DCT.source, node),
            ]
    if any(entry.region for entry in directory.entries):
        triples += SCHEME_TRIPLES
    return ntriples(triples)


# What an earlier file wrote, as a pattern binding ?s ?p ?o in the shared graph: the file node,
# its change events, the parent links of the agencies it described (the reports mapped again
# state the parents their names imply, the file's triples those it gives) and the agencies no
# report refers to.
_EARLIER = (
    f"{{ VALUES ?s {{ <{FILE_NODE}> }} ?s ?p ?o }} UNION {{ ?s <{DCTERMS}source> <{FILE_NODE}> ; ?p ?o }} UNION "
    f"{{ VALUES ?p {{ <{ORG}subOrganizationOf> }} <{FILE_NODE}> <{DCTERMS}references> ?s . ?s ?p ?o }} UNION "
    f"{{ <{FILE_NODE}> <{DCTERMS}references> ?s . ?s ?p ?o "
    f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?r ?q ?s }} FILTER(?g NOT IN (<{SHARED}>, <{LINKS}>)) }} }}"
)
PENDING = "pending"  # the digest while a changed file's reports are mapped again


def stored_digest(writer: ReportStore) -> str | None:
    """The digest of the agencies file the store's reports were mapped with (None: none)."""
    rows = writer.select(f"SELECT ?d WHERE {{ GRAPH <{SHARED}> {{ <{FILE_NODE}> <{DCTERMS}identifier> ?d }} }}")
    return rows[0][0].value if rows else None


def begin(writer: ReportWriter, directory: Directory | None) -> bool:
    """Before a store build: whether the file differs from the one the store was mapped with.
    If so, what the earlier file wrote is removed and the store marked as being re-mapped (a
    build killed before :func:`finish` re-maps every report the next time)."""
    stored = stored_digest(writer)
    if stored == (directory.digest if directory else None):
        return False
    writer.put_shared(_EARLIER, f'<{FILE_NODE}> <{DCTERMS}identifier> "{PENDING}" .')
    return True


def finish(writer: ReportWriter, directory: Directory | None) -> None:
    """After a build: the file's triples in the shared graph (written again each time, so that
    removing an agency's last report does not lose them)."""
    if directory is None:
        if stored_digest(writer) is not None:
            writer.put_shared(_EARLIER, "")
        return
    writer.put_shared(_EARLIER, shared_triples(directory))


def then(directory: Directory | None) -> Callable[[ReportFacts], Any]:
    """What the extraction workers apply to each report's facts: kg.writer.prepare, after the file."""
    from functools import partial

    from kg.writer import prepare

    return prepare if directory is None else partial(prepare_applied, directory)


# ----------------------------------------------------------------------------- kg agencies

Rows = tuple[list[str], list[list[object]]]


def listing(run: Callable[[str, dict[str, object]], Rows], region: str | None = None) -> tuple[Rows, Rows]:
    """``kg agencies``: the agencies (queries/agencies.rq, within ``region`` when given) and the
    reports whose agency could not be resolved (queries/unplaced-reports.rq), each as
    (columns, rows). ``run(query, params)`` runs a shipped query on the graph or store."""
    from kg.errors import KgError

    if region is not None and region not in today():
        raise KgError(f"--region {region}", "not a GB/T 2260 code in force today (e.g. 320800 for 淮安市)")
    return run("agencies", {"region": region} if region else {}), run("unplaced-reports", {})
