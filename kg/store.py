"""A store that grows: kg's reports in an embedded, persistent SPARQL store (Oxigraph on disk).

Why: users keep years of reports and re-run kg as new ones appear. Rebuilding a Turtle file
and querying it in rdflib does not scale (a year-over-year query over a million triples took
minutes in rdflib and a tenth of a second in Oxigraph). The store (a directory) holds:

- one named graph per report, named by its report IRI (:func:`kg.rdf.report_iri`), with the
  report's own triples. Its ``dcat:Distribution`` (``kg:sourcePath`` = absolute path of the
  file, ``dcterms:identifier`` = sha256 of its bytes) is the manifest: a re-run hashes each
  file and extracts only new or changed ones;
- ``kgid:graph/shared``: triples about something other than the report, its parts or its file
  (agencies and their series), once each. Several reports state them, and Oxigraph's union
  default graph is a bag: a triple kept in two graphs would count twice in a query;
- ``kgid:graph/series-links``: ``dcat:prev``/``first``/``last`` across an agency's years (what
  :func:`kg.rdf.link_series` adds to a Turtle build), computed by SPARQL inside the store;
- the ontology, in the graph named by its IRI, so that queries resolve labels.

Every change to one report (add, replace, remove) is ONE SPARQL Update, which Oxigraph applies
as one transaction: the report graph, the shared triples and the series links of the agencies
concerned change together or not at all. A build killed half-way leaves the store as it was
before the report being written; a write error (disk full) leaves it as it was.

Two files that map to the same report IRI (same agency and year): the file already in the
store keeps it and the other is a failure naming both, unless the stored file is gone (a
renamed or moved report then takes its place). A byte-identical copy is skipped.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from kg.errors import InputError, KgError, ResourceError, first_line, printable
from kg.model import ReportFacts
from kg.resources import mapping_id
from kg.vocab import DCAT, KG, KGID, NOT_IN_IRI, OA, ONTOLOGY, PREFIXES

SHARED = str(KGID["graph/shared"])
LINKS = str(KGID["graph/series-links"])
SPECIAL = (SHARED, LINKS, ONTOLOGY)
# N-Triples text per update in a batch (about 5 standard-template reports). Oxigraph holds an
# update's parsed text and its transaction in memory: 8 MB batches took 100 MiB more than 2 MB
# ones for no speed (an 80-report build, 9.7 s and 9.0-9.5 s).
BATCH_BYTES = 2 << 20
# Written text after which the store's memory tables are flushed to disk. RocksDB's own flushes
# lag behind a build: without this, a build's memory grew by about 2 MiB per report.
FLUSH_BYTES = 4 << 20
EXPORT_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
SUFFIXES = {".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nq": "nquads", ".nquads": "nquads"}
_PREFIX_DECLS = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in (("dcat", DCAT), ("kg", str(KG)), ("dcterms", DCTERMS)))
_XSD_INTEGER = str(XSD.integer)
# Oxigraph keeps xsd:integer's derived types (xsd:nonNegativeInteger...) as xsd:integer. kg
# writes character offsets as xsd:nonNegativeInteger (the shapes require it), so what leaves the
# store gets that datatype back on exactly these properties.
_OFFSETS = frozenset(str(p) for p in (KG.valueStart, KG.valueEnd, OA.start, OA.end, KG.tableIndex, KG.tableRow, KG.tableColumn))
_NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))


class StoreError(KgError):
    """A store directory that cannot be opened, read or written."""


class ConflictError(InputError):
    """A report file whose report IRI another stored file already holds."""


@dataclass(frozen=True)
class Entry:
    """What the store knows of one stored report: its graph, source file and the file's hash."""

    graph: str
    path: str
    sha256: str
    mapped_by: str | None = None  # the kg:mappedBy of its triples (None: mapped before kg recorded it)


@dataclass
class Plan:
    """What a build has to do, decided from file hashes before anything is extracted."""

    load: list[str] = field(default_factory=list)  # new or changed files (absolute paths), and those of `remapped`
    remapped: list[str] = field(default_factory=list)  # unchanged files whose reports another kg mapped
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, stored file with the same bytes)
    gone: list[Entry] = field(default_factory=list)  # stored reports whose file no longer exists


@dataclass(frozen=True)
class Prepared:
    """One report ready to store: its triples as N-Triples text, split as the store keeps them.

    Made by :func:`prepare` in the extraction workers (it is small and picklable), so that the
    process owning the store only runs the update: formatting 2,400 triples per report there
    was the build's bottleneck.
    """

    iri: str  # the report graph
    source: str  # the file's absolute path
    sha256: str
    own: str  # the report graph's triples, one N-Triples line each
    shared: str  # triples about its agency and series (kept once in the shared graph)
    series: tuple[str, ...]
    triples: int

    @property
    def size(self) -> int:
        return len(self.own) + len(self.shared)


def prepare(facts: ReportFacts) -> Prepared:
    """A report's triples formatted for the store: what :meth:`ReportStore.put_prepared` writes."""
    from kg.rdf import file_iri, report_iri, report_triples

    iri = str(report_iri(facts))
    inside, dist = iri + "/", str(file_iri(facts.sha256))
    own, shared, series = [], [], set()
    for s, p, o in report_triples(facts):
        subject = str(s)
        line = f"{_n3(s)} {_n3(p)} {_n3(o)} ."
        # a data set's qb:slice link to the report's slice is the report's own, like its subject's triples
        mine = subject == iri or subject.startswith(inside) or subject == dist or str(o).startswith(inside)
        (own if mine else shared).append(line)
        if p == DCAT.inSeries:
            series.add(str(o))
    return Prepared(iri, facts.source, facts.sha256, "\n".join(own), "\n".join(shared), tuple(sorted(series)), len(own) + len(shared))


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes: the same hash kg.readers records as dcterms:identifier."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_error(shown: str, error: BaseException) -> StoreError:
    text = first_line(error)
    if "lock" in text.lower():
        return StoreError(shown, "the store is in use by another process (a kg build or kg serve on it?); try again when it has finished")
    if "permission denied" in text.lower():
        return StoreError(shown, f"cannot open the store for writing: permission denied ({text})")
    if any(word in text.lower() for word in ("no space", "file too large", "quota")):
        return StoreError(shown, f"cannot open the store: the disk is full ({text}); free some space and run again (the reports stored are whole)")
    return StoreError(shown, f"cannot open the store: {text}")


def _is_store(path: Path) -> bool:
    return (path / "CURRENT").is_file()


@contextmanager
def reading_lock(path: Path, shown: str) -> Iterator[None]:
    """Hold RocksDB's lock file (``LOCK``) shared while the store is read, so that no process
    writes it under the reader (Oxigraph calls that undefined), and refuse at once while one
    does (:class:`StoreError`). A shared lock needs read access only: a read-only directory is
    fine. Where there is no lock file or locks are not supported, reading goes on unlocked."""
    try:
        handle = os.open(path / "LOCK", os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                raise open_error(shown, OSError("lock held")) from None
        yield
    finally:
        os.close(handle)


@contextmanager
def open_store(path: str | Path, *, create: bool = False, read_only: bool = False) -> Iterator["ReportStore"]:
    """Open the store in ``path``: read-write, which locks it against other processes, or, with
    ``read_only``, for reading (no write access to the directory needed, no lock taken, the store
    left byte for byte as it was; refused while another process writes it).

    With ``create`` a new or empty directory becomes a store; a directory holding other files
    is refused, so that a mistyped ``--store`` never scatters database files among reports.
    The lock is released when the block ends.
    """
    shown = str(path)
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise StoreError(shown, "not a store: it is a file (a store is a directory)")
    if not _is_store(path):
        if path.is_dir() and any(path.iterdir()):
            raise StoreError(shown, "not a kg store: the directory holds other files (give a new or empty directory)")
        if not create:
            raise StoreError(shown, "no store here (build one with: kg build PATH --store DIR)")
    with reading_lock(path, shown) if read_only else nullcontext():
        try:
            db = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except Exception as error:  # noqa: BLE001 - OSError (lock, permissions) or RuntimeError (corruption)
            raise open_error(shown, error) from None
        store = ReportStore(db, shown)
        try:
            yield store
        finally:
            written = store.written
            store.close()
            del store, db
            gc.collect()  # the RocksDB lock goes with the last reference
            if written:
                _purge_logs(path)


def _purge_logs(path: Path) -> None:
    """Open the store once more, which deletes its obsolete write-ahead logs.

    Why: RocksDB deletes a log once its writes are flushed to table files, but the last flush
    happens as the store closes and the deletion never comes: a build left about 1.8 GB of
    dead logs beside 750 MB of data (per 1,000 reports) until the next open. Opening costs
    well under a second; a failure here changes nothing stored.
    """
    try:
        ox.Store(str(path))
    except Exception:  # noqa: BLE001 - the logs are then deleted by the next open
        pass
    gc.collect()


# ----------------------------------------------------------------------------- terms


def _n3(term: Node) -> str:
    """A term in N-Triples syntax, which SPARQL's INSERT DATA reads as well.

    Why not rdflib's ``.n3()``: it is several times slower, and a report has thousands of
    terms. Literals escape exactly what N-Triples and SPARQL strings must (backslash, double
    quote, line feed, carriage return); every other character, CJK included, is written as
    is. An IRI with a character that neither syntax allows is refused rather than mangled.
    """
    if isinstance(term, URIRef):
        if NOT_IN_IRI.search(term):
            raise ValueError(f"not an IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term)
        if "\\" in text or '"' in text or "\n" in text or "\r" in text:
            text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        datatype = term.datatype
        if datatype is None or datatype == XSD.string:
            return f'"{text}"'
        return f'"{text}"^^{_n3(datatype)}'
    if isinstance(term, BNode):  # the ontology's (report graphs have none)
        return f"_:{term}"
    raise ValueError(f"not an RDF term: {term!r}")


def _restored(items):
    """Triples or quads from the store with the offsets' xsd:nonNegativeInteger put back (see _OFFSETS)."""
    for item in items:
        obj = item.object
        if item.predicate.value in _OFFSETS and isinstance(obj, ox.Literal) and obj.datatype.value == _XSD_INTEGER:
            fixed = ox.Literal(obj.value, datatype=_NON_NEGATIVE)
            if isinstance(item, ox.Quad):
                item = ox.Quad(item.subject, item.predicate, fixed, item.graph_name)
            else:
                item = ox.Triple(item.subject, item.predicate, fixed)
        yield item


def _values(names: Iterable[str]) -> str:
    return " ".join(f"<{name}>" for name in sorted(names))


# ----------------------------------------------------------------------------- the store


class ReportStore:
    """kg's view of an open Oxigraph store: plan a build, put and remove reports, query, export."""

    def __init__(self, db: ox.Store, shown: str):
        self.db = db
        self.shown = shown
        self._entries: dict[str, Entry] | None = None
        self._graphs: dict[str, Entry] = {}  # the same entries by report graph
        self._pending: list[Prepared] = []  # new reports buffered by batch()
        self._pending_size = 0
        self._limit = 0  # batch()'s limit in bytes; 0: write each report at once
        self._failed: list[KgError] = []
        self._unflushed = 0  # bytes of updates since the memory tables were last flushed
        self._seen: set[str] = set()  # the files planned (as reports record their paths)
        self.written = False  # an update was attempted: open_store then purges the logs

    def close(self) -> None:
        if self.written:
            try:
                self.db.flush()
            except OSError:
                pass
        self.db = None  # type: ignore[assignment]

    # -- reading what is stored

    def _select(self, text: str, **kwargs) -> list[list]:
        try:
            result = self.db.query(text, **kwargs)
            return [list(solution) for solution in result]
        except OSError as error:
            raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None

    def entries(self) -> dict[str, Entry]:
        """The stored reports by absolute source path (read once, then kept up to date)."""
        if self._entries is None:
            rows = self._select(
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
        present = {g.value for g in self.db.named_graphs() if isinstance(g, ox.NamedNode)}
        return self.report_graphs() + [g for g in (SHARED, LINKS) if g in present]

    def all_graphs(self) -> list[str]:
        """Every named graph, the ontology included (what a push sends)."""
        return sorted(g.value for g in self.db.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        """Triples of the data graphs (what a Turtle build of the same reports holds)."""
        ontology = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}")
        return len(self.db) - int(ontology[0][0].value)

    # -- planning a build

    def plan(self, files: Iterable[str | Path]) -> Plan:
        """Hash each file and compare with the store: what to extract, skip, or prune."""
        entries = self.entries()
        by_sha = {}
        for entry in entries.values():
            by_sha.setdefault(entry.sha256, entry)
        plan, current = Plan(), mapping_id()
        seen = set()
        for given in files:
            real = os.path.abspath(given)
            path = printable(real)  # as the file's report records it
            seen.add(path)
            try:
                sha = file_sha256(real)
            except OSError:
                plan.load.append(real)  # extraction names the problem
                continue
            stored = entries.get(path)
            twin = by_sha.get(sha)
            if stored is not None and stored.sha256 == sha:
                if stored.mapped_by == current:
                    plan.unchanged.append(path)
                else:  # another kg made its triples: map it again with this one
                    plan.load.append(real)
                    plan.remapped.append(path)
            elif twin is not None and twin.path != path and self._exists(twin.path):
                plan.duplicates.append((path, twin.path))
            else:
                plan.load.append(real)
        self._seen = seen
        plan.gone = [e for e in entries.values() if not self._exists(e.path)]
        return plan

    def _exists(self, path: str) -> bool:
        """Whether a stored report's file exists: planned in this run (a name kg shows escaped
        cannot be looked up on disk), or found on disk."""
        return path in self._seen or os.path.exists(path)

    # -- writing

    def _update(self, text: str, subject: str) -> None:
        self.written = True
        try:
            self.db.update(text)
        except OSError as error:
            raise StoreError(self.shown, f"cannot write the store ({subject} not stored, the store is as it was): {first_line(error)}") from None
        except (SyntaxError, RuntimeError, ValueError) as error:
            raise InputError(subject, f"cannot be stored: {first_line(error)}") from None
        self._unflushed += len(text)
        if self._unflushed >= FLUSH_BYTES:
            self._unflushed = 0
            try:
                self.db.flush()  # keeps the build's memory flat (see FLUSH_BYTES)
            except OSError as error:
                raise StoreError(self.shown, f"cannot write the store: {first_line(error)}") from None

    def _series_of(self, graphs: Iterable[str]) -> tuple[set[str], set[str]]:
        """The series the given report graphs belong to, and the shared subjects they refer to."""
        series, shared = set(), set()
        for graph in graphs:
            for row in self._select(f"{_PREFIX_DECLS}\nSELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?r dcat:inSeries ?s }} }}"):
                series.add(row[0].value)
            for row in self._select(f"SELECT DISTINCT ?x WHERE {{ GRAPH <{graph}> {{ ?r ?q ?x }} GRAPH <{SHARED}> {{ ?x ?p ?o }} }}"):
                shared.add(row[0].value)
        return series, shared

    def _change(self, drop: set[str], series: set[str], shared: set[str], insert: str, subject: str) -> None:
        """Drop report graphs, insert one, and redo the shared triples and series links: one transaction."""
        ops = []
        if series:
            values = _values(series)
            ops.append(
                f"DELETE {{ GRAPH <{LINKS}> {{ ?r dcat:prev ?e }} }} WHERE {{ VALUES ?s {{ {values} }} "
                f"GRAPH <{LINKS}> {{ ?r dcat:prev ?e }} GRAPH ?g {{ ?r dcat:inSeries ?s }} }}"
            )
            ops.append(
                f"DELETE {{ GRAPH <{LINKS}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
                f"VALUES ?p {{ dcat:first dcat:last }} GRAPH <{LINKS}> {{ ?s ?p ?o }} }}"
            )
        ops += [f"DROP SILENT GRAPH <{graph}>" for graph in sorted(drop)]
        if insert:
            ops.append(f"INSERT DATA {{ {insert} }}")
        if shared:
            special = ", ".join(f"<{g}>" for g in SPECIAL)
            ops.append(
                f"DELETE {{ GRAPH <{SHARED}> {{ ?x ?p ?o }} }} WHERE {{ VALUES ?x {{ {_values(shared)} }} "
                f"GRAPH <{SHARED}> {{ ?x ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?r ?q ?x }} FILTER(?g NOT IN ({special})) }} }}"
            )
        if series:
            ops += _link_ops(_values(series))
        self._update(_PREFIX_DECLS + "\n" + " ;\n".join(ops), subject)

    def put(self, facts: ReportFacts) -> str:
        """Store one report: :meth:`put_prepared` of :func:`prepare`."""
        return self.put_prepared(prepare(facts))

    def put_prepared(self, report: Prepared) -> str:
        """Store one report, replacing what its file gave before: ``added``, ``replaced`` or ``duplicate``.

        ``report.source`` is the file's absolute path (what the manifest keys on). Raises
        :class:`ConflictError` when another existing file holds the same report IRI. Inside
        :meth:`batch` a new report may be only buffered (see there).
        """
        entries, graphs = self.entries(), self._graphs
        path, iri = report.source, report.iri
        if self._limit and iri not in graphs and path not in entries:
            self._pending.append(report)  # a plain addition: buffered
            self._pending_size += report.size
            self._remember(Entry(iri, path, report.sha256, mapping_id()))
            if self._pending_size >= self._limit:
                self.flush()
            return "added"
        self.flush()  # what follows reads the store
        holder = graphs.get(iri)
        if holder is not None and holder.path != path and self._exists(holder.path):
            if holder.sha256 == report.sha256:
                return "duplicate"
            raise ConflictError(
                path, f"same report <{iri}> (agency and year) as {holder.path}, which is in the store; not stored (keep one of the two files)"
            )
        before = entries.get(path)
        drop = {iri} | ({before.graph} if before else set())
        series, shared = self._series_of(g for g in drop if g in graphs)
        self._change(drop, series | set(report.series), shared, _insert([report]), path)
        for entry in [e for e in entries.values() if e.graph in drop]:
            self._forget(entry)
        self._remember(Entry(iri, path, report.sha256, mapping_id()))
        return "replaced" if before is not None or holder is not None else "added"

    @contextmanager
    def batch(self, limit: int = BATCH_BYTES) -> Iterator[list[KgError]]:
        """Within the block, new reports are written several to an update (up to ``limit`` bytes).

        Why: one update per report made Oxigraph recompute series links and commit a
        transaction 1,000 times per 1,000 reports. Each buffered report is still whole or
        absent (an update is one transaction); a replace, a removal or the end of the block
        writes the buffer first. Should a batch fail on one report's data, its reports are
        retried one by one: the failures of buffered reports (counted as added when buffered)
        are appended to the yielded list, the others are stored.
        """
        failed: list[KgError] = []
        self._limit, self._failed = limit, failed
        try:
            yield failed
            self.flush()
        finally:
            self._limit, self._failed = 0, []
            if self._pending:  # the block ended by an error: nothing buffered was written
                self._pending, self._pending_size, self._entries = [], 0, None

    def flush(self) -> None:
        """Write the buffered new reports (see :meth:`batch`)."""
        pending, self._pending, self._pending_size = self._pending, [], 0
        if not pending:
            return
        try:
            try:
                self._add(pending)
            except InputError:  # one report's data: store the others
                for report in pending:
                    try:
                        self._add([report])
                    except InputError as error:
                        self._forget(self._graphs[report.iri])
                        self._failed.append(error)
        except BaseException:
            self._entries = None  # the store could not be written: read the entries again
            raise

    def _add(self, reports: list[Prepared]) -> None:
        series = set().union(*(r.series for r in reports))
        subject = reports[0].source if len(reports) == 1 else f"{len(reports)} reports"
        self._change({r.iri for r in reports}, series, set(), _insert(reports), subject)

    def _remember(self, entry: Entry) -> None:
        self._entries[entry.path] = entry
        self._graphs[entry.graph] = entry

    def _forget(self, entry: Entry) -> None:
        self._entries.pop(entry.path, None)
        self._graphs.pop(entry.graph, None)

    def remove(self, entry: Entry) -> None:
        """Remove one stored report (its file is gone), with its links and orphaned shared triples."""
        self.flush()
        series, shared = self._series_of([entry.graph])
        self._change({entry.graph}, series, shared, "", entry.path)
        self._forget(entry)

    def refresh_ontology(self) -> None:
        """Put the shipped ontology in its graph (replacing an older one), so queries find labels."""
        from kg.resources import ontology_graph

        lines = "\n".join(f"{_n3(s)} {_n3(p)} {_n3(o)} ." for s, p, o in ontology_graph())
        self._update(f"DROP SILENT GRAPH <{ONTOLOGY}> ;\nINSERT DATA {{ GRAPH <{ONTOLOGY}> {{\n{lines}\n}} }}", ONTOLOGY)

    # -- querying and exporting

    def query(self, query: str | Path, params: Mapping[str, object] | None = None) -> tuple[list[str], list[list[object]]]:
        """Run a shipped query (by name) or a ``.rq`` file over the store's graphs: :func:`kg.query.run_query`."""
        from kg.query import run_query

        try:
            return run_query(query, self.db, params)
        except OSError as error:
            raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None

    def _data_triples(self):
        graphs = " ".join(f"<{g}>" for g in self.data_graphs())
        return self.db.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}")

    def to_graph(self) -> Graph:
        """The reports, shared triples and series links as one in-memory rdflib Graph.

        What a Turtle build holds; for pySHACL and networkx, which need rdflib. It holds the
        whole graph in memory (fine for thousands of reports, not for the largest stores).
        """
        try:
            data = ox.serialize(_restored(self._data_triples()), format=ox.RdfFormat.N_TRIPLES)
        except OSError as error:
            raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None
        graph = Graph(bind_namespaces="none")
        graph.parse(data=data.decode("utf-8"), format="nt")
        return graph

    def export(self, output: str | Path, fmt: str) -> None:
        """Write the data graphs to ``output`` atomically, streaming from the store.

        Turtle gets the union (the triples of a Turtle build); TriG and N-Quads keep one named
        graph per report plus the shared and series-links graphs. The ontology is not written.
        """
        from kg.atomic import atomic_open

        prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
        try:
            with atomic_open(output, "wb") as handle:
                if fmt == "turtle":
                    ox.serialize(_restored(self._data_triples()), handle, ox.RdfFormat.TURTLE, prefixes=prefixes)
                else:
                    quads = chain.from_iterable(self.db.quads_for_pattern(None, None, None, ox.NamedNode(g)) for g in self.data_graphs())
                    ox.serialize(_restored(quads), handle, EXPORT_FORMATS[fmt], prefixes=prefixes if fmt == "trig" else None)
        except OSError as error:
            raise StoreError(str(output), f"cannot write: {first_line(error)}") from None

    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples bytes (what a push sends)."""
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in self.db.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        return ox.serialize(_restored(triples), format=ox.RdfFormat.N_TRIPLES)


def _insert(reports: list[Prepared]) -> str:
    """The INSERT DATA body of some reports: each one's graph, then their shared triples."""
    parts = [f"GRAPH <{r.iri}> {{\n{r.own}\n}}" for r in reports]
    shared = [r.shared for r in reports if r.shared]
    if shared:
        parts.append(f"GRAPH <{SHARED}> {{\n" + "\n".join(shared) + "\n}")
    return "\n".join(parts)


def _link_ops(values: str) -> list[str]:
    """SPARQL Update operations adding the series links of the series in ``values``.

    The same links as :func:`kg.rdf.link_series`: first and last report of each series by
    year, and ``dcat:prev`` from each report to the one of the latest earlier year.
    """
    ops = []
    for prop, agg in (("first", "MIN"), ("last", "MAX")):
        ops.append(
            f"INSERT {{ GRAPH <{LINKS}> {{ ?s dcat:{prop} ?r }} }} WHERE {{ "
            f"{{ SELECT ?s ({agg}(?y) AS ?edge) WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?x dcat:inSeries ?s ; kg:reportYear ?y }} }} GROUP BY ?s }} "
            f"GRAPH ?h {{ ?r dcat:inSeries ?s ; kg:reportYear ?edge }} }}"
        )
    ops.append(
        f"INSERT {{ GRAPH <{LINKS}> {{ ?later dcat:prev ?earlier }} }} WHERE {{ "
        f"{{ SELECT ?s ?later (MAX(?y0) AS ?before) WHERE {{ VALUES ?s {{ {values} }} "
        f"GRAPH ?g {{ ?later dcat:inSeries ?s ; kg:reportYear ?y }} GRAPH ?g0 {{ ?e dcat:inSeries ?s ; kg:reportYear ?y0 }} "
        f"FILTER(?y0 < ?y) }} GROUP BY ?s ?later }} "
        f"GRAPH ?h {{ ?earlier dcat:inSeries ?s ; kg:reportYear ?before }} }}"
    )
    return ops


def export_format(output: str | Path, given: str | None) -> str:
    """The export format: as given, else from the file's suffix (.ttl, .trig, .nq)."""
    if given:
        if given not in EXPORT_FORMATS:
            raise StoreError(str(output), f"unknown format {given!r} (expected one of {', '.join(EXPORT_FORMATS)})")
        return given
    suffix = Path(output).suffix.lower()
    if suffix not in SUFFIXES:
        raise StoreError(str(output), "cannot tell the format from the suffix; give --format turtle|trig|nquads")
    return SUFFIXES[suffix]
