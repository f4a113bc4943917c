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
- the ontology, in the graph named by its IRI, so that queries resolve labels.

Opening and locking: :mod:`kg.store_open`; writing (add, replace, remove, series links):
:mod:`kg.writer`; exporting: :mod:`kg.export`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from kg.errors import KgError, first_line
from kg.manifest import Entry
from kg.vocab import DCAT, KG, KGID, ONTOLOGY

SHARED = str(KGID["graph/shared"])
LINKS = str(KGID["graph/series-links"])

SPECIAL = (SHARED, LINKS, ONTOLOGY)
_PREFIX_DECLS = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in (("dcat", DCAT), ("kg", str(KG)), ("dcterms", DCTERMS)))


class StoreError(KgError):
    """A store directory that cannot be opened, read or written."""


class ReportStore:
    """kg's view of an open Oxigraph store (on disk, or in memory for a Turtle build): what it holds, and queries."""

    def __init__(self, db: ox.Store, shown: str):
        self.db = db
        self.shown = shown
        self._entries: dict[str, Entry] | None = None
        self._graphs: dict[str, Entry] = {}  # the same entries by report graph
        self.written = False  # an update was attempted: the store is flushed as it closes

    def close(self) -> None:
        if self.written:
            try:
                self.db.flush()
            except OSError:
                pass
        self.db = None  # type: ignore[assignment]

    # -- reading what is stored

    def select(self, text: str) -> list[list]:
        """The rows of a SELECT over the store's named graphs, as Oxigraph terms."""
        try:
            result = self.db.query(text)
            assert isinstance(result, ox.QuerySolutions)
            return [list(solution) for solution in result]
        except OSError as error:
            raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None

    def entries(self) -> dict[str, Entry]:
        """The stored reports by absolute source path (read once, then kept up to date)."""
        if self._entries is None:
            rows = self.select(
                f"{_PREFIX_DECLS}\nSELECT ?g ?path ?sha ?mapped WHERE {{ GRAPH ?g {{ ?g dcat:distribution ?d . "
                "?d kg:sourcePath ?path ; dcterms:identifier ?sha OPTIONAL { ?g kg:mappedBy ?mapped } } }"
            )
            self._entries = {
                row[1].value: Entry(row[0].value, row[1].value, row[2].value, row[3].value if row[3] is not None else None) for row in rows
            }
            self._graphs = {e.graph: e for e in self._entries.values()}
        return self._entries

    def report_graphs(self) -> list[str]:
        """The named graphs that hold one report each, sorted."""
        return sorted(e.graph for e in self.entries().values())

    def data_graphs(self) -> list[str]:
        """Everything a Turtle build holds: the report graphs, the shared triples and the series links."""
        present = set(self.all_graphs())
        return self.report_graphs() + [g for g in (SHARED, LINKS) if g in present]

    def all_graphs(self) -> list[str]:
        """Every named graph, the ontology included (what a push sends)."""
        return sorted(g.value for g in self.db.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        """Triples of the data graphs (what a Turtle build of the same reports holds)."""
        ontology = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}")
        return len(self.db) - int(ontology[0][0].value)

    # -- querying

    def query(self, query: str | Path, params: Mapping[str, object] | None = None) -> tuple[list[str], list[list[object]]]:
        """Run a shipped query (by name) or a ``.rq`` file over the store's graphs: :func:`kg.query.run_query`."""
        from kg.query import run_query

        try:
            return run_query(query, self.db, params)
        except OSError as error:
            raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None
