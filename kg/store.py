"""An open store: kg's reports in an embedded, persistent SPARQL store (Oxigraph), read and queried.

Why a store: users keep years of reports and re-run kg as new ones appear. Rebuilding a Turtle
file and querying it in rdflib does not scale (a year-over-year query over a million triples
took minutes in rdflib and a tenth of a second in Oxigraph). A store holds:

- one named graph per report, named by its report IRI (:func:`kg.rdf.report_iri`), with the
  report's own triples. Its ``dcat:Distribution`` (``kg:sourcePath`` = absolute path of the
  file, ``dcterms:identifier`` = sha256 of its bytes) is the manifest (:mod:`kg.manifest`);
- ``kgid:graph/shared``: triples about something other than the report, its parts or its file
  (agencies and their series), once each. Several reports state them, and Oxigraph's union
  default graph is a bag: a triple kept in two graphs would count twice in a query;
- ``kgid:graph/series-links``: ``dcat:prev``/``first``/``last`` across an agency's years;
- the ontology, in the graph named by its IRI, so that queries resolve labels;
- ``kgid:graph/void``: the base its instances are minted under (``kgid:dataset void:uriSpace``,
  :func:`instance_base`) and the statistics of :mod:`kg.catalog`, computed when a build changed
  something.

A store made with ``kg build --base-iri URL`` holds every ``kgid:`` IRI under that base instead
(:mod:`kg.base`); this class reads and writes it through :func:`kg.base.rebase`, so that the
rest of kg computes and compares IRIs under the default.

Opening and locking: :mod:`kg.store_open`; writing (add, replace, remove, series links):
:mod:`kg.writer`; exporting: :mod:`kg.export`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, VOID

from kg.base import DEFAULT, from_default, rebase, to_default
from kg.errors import KgError, first_line
from kg.manifest import Entry
from kg.vocab import DCAT, KG, KGID, ONTOLOGY

SHARED = str(KGID["graph/shared"])
LINKS = str(KGID["graph/series-links"])
VOID_GRAPH = str(KGID["graph/void"])  # the base and kg.catalog's statistics
DATASET = str(KGID["dataset"])  # the whole graph as a data set (dcat:Dataset, void:Dataset)
_URI_SPACE = ox.NamedNode(str(VOID.uriSpace))

# the report graphs a build is bulk-loading (kg.writer): whole only once they leave this list
PENDING = str(KGID["graph/pending"])
MEMBER = "http://www.w3.org/2000/01/rdf-schema#member"

SPECIAL = (SHARED, LINKS, ONTOLOGY, VOID_GRAPH, PENDING)
_PREFIX_DECLS = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in (("dcat", DCAT), ("kg", str(KG)), ("dcterms", DCTERMS)))


class StoreError(KgError):
    """A store directory that cannot be opened, read or written."""


def recorded_base(db: ox.Store) -> str | None:
    """The base the store records (``BASE dataset void:uriSpace "BASE"`` in ``BASE graph/void``), or None."""
    for quad in db.quads_for_pattern(None, _URI_SPACE, None):
        subject, base, graph = quad.subject, quad.object, quad.graph_name
        if not (isinstance(base, ox.Literal) and isinstance(subject, ox.NamedNode) and isinstance(graph, ox.NamedNode)):
            continue
        if graph.value == base.value + "graph/void" and subject.value == base.value + "dataset":
            return base.value
    return None


def instance_base(db: ox.Store) -> str:
    """The base a store's instances are minted under: the one it records, else kg's default
    (``https://w3id.org/govinfo-kg/id/``). A point lookup: cheap enough for every request."""
    return recorded_base(db) or DEFAULT


class ReportStore:
    """kg's view of an open Oxigraph store (on disk, or in memory for a Turtle build): what it holds, and queries."""

    def __init__(self, db: ox.Store, shown: str):
        self.db = db
        self.shown = shown
        self._entries: dict[str, Entry] | None = None
        self._graphs: dict[str, Entry] = {}  # the same entries by report graph
        self.base = instance_base(db)  # what the store holds under; kg's IRIs are under DEFAULT
        self.written = False  # an update was attempted: the store is flushed as it closes

    def close(self) -> None:
        if self.written:
            try:
                self.db.flush()
            except OSError:
                pass
        self.db = None  # type: ignore[assignment]

    def compact(self) -> None:
        """Rewrite the store's tables as one compacted, compressed set (RocksDB's full compaction).
        A build's bulk loads leave overlapping table files that RocksDB merges only gradually: at
        100,000 reports compaction made the store 29 % smaller and a join looking up each report
        a third faster. A kill half-way leaves the old tables in force (RocksDB switches to the
        new ones when they are whole)."""
        try:
            self.db.optimize()
        except OSError as error:
            raise StoreError(self.shown, f"cannot compact the store: {first_line(error)}") from None

    # -- reading what is stored

    def select(self, text: str) -> list[list]:
        """The rows of a SELECT over the store's named graphs, as Oxigraph terms; ``text`` and the
        IRIs of the rows are under the default base (:mod:`kg.base`), whatever the store's."""
        try:
            result = self.db.query(rebase(text, self.base))
            assert isinstance(result, ox.QuerySolutions)
            if self.base == DEFAULT:
                return [list(solution) for solution in result]
            return [[self._to_default(term) for term in solution] for solution in result]
        except OSError as error:
            raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None

    def _to_default(self, term: object) -> object:
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.base):
            return ox.NamedNode(to_default(term.value, self.base))
        return term

    def stored(self, iri: str) -> str:
        """An IRI kg computes as the store holds it (under its base)."""
        return from_default(iri, self.base)

    def entries(self) -> dict[str, Entry]:
        """The stored reports by absolute source path (read once, then kept up to date)."""
        if self._entries is None:
            # one pattern per subquery, joined by hashing: as one group, Oxigraph looked each
            # report's facts up one by one (25 s at 43,000 reports, against 4 s)
            rows = self.select(
                f"{_PREFIX_DECLS}\nSELECT ?g ?path ?sha ?mapped WHERE {{ "
                "{ SELECT ?g ?d WHERE { GRAPH ?g { ?g dcat:distribution ?d } } } "
                "{ SELECT ?d ?path WHERE { GRAPH ?h { ?d kg:sourcePath ?path } } } "
                "GRAPH ?g { ?d dcterms:identifier ?sha } "
                "OPTIONAL { { SELECT ?g ?mapped WHERE { GRAPH ?g { ?g kg:mappedBy ?mapped } } } } }"
            )
            self._entries = {
                row[1].value: Entry(row[0].value, row[1].value, row[2].value, row[3].value if row[3] is not None else None) for row in rows
            }
            self._graphs = {e.graph: e for e in self._entries.values()}
        return self._entries

    def pending(self) -> list[str]:
        """The report graphs a build was bulk-loading when it stopped (none after a whole build)."""
        return sorted(row[0].value for row in self.select(f"SELECT ?g WHERE {{ GRAPH <{PENDING}> {{ <{PENDING}> <{MEMBER}> ?g }} }}"))

    def report_graphs(self) -> list[str]:
        """The named graphs that hold one report each, sorted, as the store names them."""
        return sorted(self.stored(e.graph) for e in self.entries().values())

    def data_graphs(self) -> list[str]:
        """Everything a Turtle build holds: the report graphs, the shared triples and the series
        links, as the store names them."""
        present = set(self.all_graphs())
        return self.report_graphs() + [self.stored(g) for g in (SHARED, LINKS) if self.stored(g) in present]

    def all_graphs(self) -> list[str]:
        """Every named graph, the ontology included (what a push sends)."""
        return sorted(g.value for g in self.db.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        """Triples of the data graphs (what a Turtle build of the same reports holds): the sizes
        the report graphs record (``void:triples``), and the shared and series-links graphs counted."""
        reports = self.select(f"SELECT (SUM(?n) AS ?t) WHERE {{ GRAPH ?g {{ ?g <{VOID.triples}> ?n }} }}")
        other = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ <{SHARED}> <{LINKS}> }} GRAPH ?g {{ ?s ?p ?o }} }}")
        return int(reports[0][0].value if reports[0][0] is not None else 0) + int(other[0][0].value)

    # -- querying

    def query(self, query: str | Path, params: Mapping[str, object] | None = None) -> tuple[list[str], list[list[object]]]:
        """Run a shipped query (by name) or a ``.rq`` file over the store's graphs: :func:`kg.query.run_query`."""
        from kg.query import run_query

        try:
            return run_query(query, self.db, params, base=self.base)
        except OSError as error:
            raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None
