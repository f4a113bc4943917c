"""The one way kg writes a graph: reports added, replaced and removed in an Oxigraph store.

:class:`ReportWriter` keeps the shared triples (agencies, their divisions, series) and the series links
(``dcat:prev``/``first``/``last``, computed here and nowhere else) in step. A store build
writes into the store on disk; a Turtle build into an in-memory store through the same code,
then serialised (:func:`write_turtle`): the two hold the same triples by construction.

New reports go in through Oxigraph's bulk loader, kept whole by a list of pending graphs
(:meth:`ReportWriter._load`); replacing or removing a report is ONE SPARQL Update, which
Oxigraph applies as one transaction. A build killed half-way, or a write error (disk full),
leaves no report half-written for a reader: the next build removes what a cut load left.

Two files that map to one report IRI (agency and year): the file already written keeps it
and the other is a failure naming both, unless the stored file is gone (a renamed or moved
report then takes its place); a byte-identical copy is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, VOID, XSD
from rdflib.term import Node

from kg.atomic import write_text
from kg.base import DEFAULT, rebase
from kg.errors import InputError, KgError, first_line
from kg.manifest import Entry, Plan, plan
from kg.model import ReportFacts
from kg.resources import mapping_id
from kg.store import _PREFIX_DECLS, DATASET, LINKS, MEMBER, ONTOLOGY, PENDING, SHARED, SPECIAL, VOID_GRAPH, ReportStore, StoreError, recorded_base
from kg.vocab import DCAT, KG, NOT_IN_IRI, bind_prefixes

# N-Triples text per update in a batch (about 5 standard-template reports). Oxigraph holds an
# update's parsed text and its transaction in memory: 8 MB batches took 100 MiB more than 2 MB
# ones for no speed (an 80-report build, 9.7 s and 9.0-9.5 s).
BATCH_BYTES = 2 << 20
# N-Quads text per bulk load (about 300 reports). Each load adds table files that overlap all
# the others, which RocksDB then merges: loading 930 reports 300 at a time took 9.3 CPU seconds
# and 147 MiB against 13.0 s and 221 MiB 100 at a time (measured); the loader thread's memory
# stays under 0.5 GiB.
BULK_BYTES = 64 << 20
# A path through the shared graph from what a report refers to, to all it leads to (its agency,
# the agency's division and those above it, the body it belongs to), classes left out.
_REACH = f"(!<{RDF.type}>)*"
# N-Triples text of replaced reports per update (one transaction: their old graphs dropped, the
# new ones inserted, their series linked again), held in memory as BATCH_BYTES is.
REPLACE_BYTES = BATCH_BYTES
# Written text after which the store's memory tables are flushed to disk. RocksDB's own flushes
# lag behind a build: without this, a build's memory grew by about 2 MiB per report.
FLUSH_BYTES = 4 << 20


_XSD_STRING = XSD.string


class ConflictError(InputError):
    """A report file whose report IRI another stored file already holds."""


def n3(term: Node) -> str:
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
        if datatype is None or datatype == _XSD_STRING:
            return f'"{text}"'
        return f'"{text}"^^{n3(datatype)}'
    if isinstance(term, BNode):  # the ontology's (report graphs have none)
        return f"_:{term}"
    raise ValueError(f"not an RDF term: {term!r}")


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """Triples as N-Triples lines (each once, in order), for an INSERT DATA."""
    return "\n".join(dict.fromkeys(f"{n3(s)} {n3(p)} {n3(o)} ." for s, p, o in triples))


@dataclass(frozen=True)
class About:
    """What a build's summary tells of one report written."""

    agency: str | None
    year: int | None
    kind: str  # its format, e.g. standard-2021
    figures: int


@dataclass(frozen=True)
class Prepared:
    """One report ready to write: its triples as N-Triples text, split as the store keeps them.

    Made by :func:`prepare` in the extraction workers (it is small and picklable), so that the
    process owning the store only runs the update: formatting 2,400 triples per report there
    was the build's bottleneck.
    """

    iri: str  # the report graph
    source: str  # the file's path (absolute in a store build)
    sha256: str
    own: bytes  # the report graph's triples as N-Quads in that graph (UTF-8): what the bulk loader reads
    shared: str  # triples about its agency and series (kept once in the shared graph)
    series: tuple[str, ...]
    about: About
    predicates: frozenset[str] = frozenset()  # the properties its triples use (kg.catalog's void:properties)


def prepare(facts: ReportFacts) -> Prepared:
    """A report's triples formatted for the store: what :meth:`ReportWriter.put_prepared` writes."""
    from kg.rdf import file_iri, report_iri, report_triples

    iri = str(report_iri(facts))
    inside, dist, graph = iri + "/", str(file_iri(facts.sha256)), f" <{iri}> ."
    own: list[str] = []
    shared: list[str] = []
    series: set[str] = set()
    predicates: set[str] = set()
    # n3() of each IRI made once, keyed by plain strings (rdflib's URIRef.__eq__ is Python code):
    # subjects and predicates recur in every figure's triples
    iris: dict[str, str] = {}
    in_series = str(DCAT.inSeries)
    for s, p, o in report_triples(facts):
        s_, p_ = str(s), str(p)
        subject, predicate = iris.get(s_) or iris.setdefault(s_, n3(s)), iris.get(p_) or iris.setdefault(p_, n3(p))
        predicates.add(p_)
        o_ = str(o) if type(o) is URIRef else None
        value = (iris.get(o_) or iris.setdefault(o_, n3(o))) if o_ is not None else n3(o)
        # a data set's qb:slice link to the report's slice is the report's own, like its subject's triples
        if s_ == iri or s_.startswith(inside) or s_ == dist or (o_ is not None and o_.startswith(inside)):
            own.append(f"{subject} {predicate} {value}{graph}")
        else:
            shared.append(f"{subject} {predicate} {value} .")
        if p_ == in_series:
            series.add(o_ or str(o))
    # the graph's size, itself included: the store's triples are then summed from one triple
    # per report rather than counted one by one (8 s at 20,000 reports); a triple said twice
    # (a page's selector, by each sentence on it) is stored once
    own = list(dict.fromkeys(own))
    own.append(f'<{iri}> <{VOID.triples}> "{len(own) + 1}"^^<{XSD.integer}>{graph}')
    predicates.add(str(VOID.triples))
    return Prepared(
        iri, facts.source, facts.sha256, "\n".join(own).encode("utf-8"), "\n".join(shared), tuple(sorted(series)),
        About(
            facts.agency.value if facts.agency else None,
            facts.year.value if facts.year else None,
            facts.format + (f"-{facts.edition}" if facts.edition else ""),
            len(facts.stats),
        ),
        frozenset(predicates),
    )


class ReportWriter(ReportStore):
    """An open store that reports are written to: plan a build, put and remove reports."""

    def __init__(self, db: ox.Store, shown: str, bulk: bool = False):
        super().__init__(db, shown)
        self.bulk = bulk  # new reports through Oxigraph's bulk loader (see _load)
        self._pending: list[Prepared] = []  # new reports buffered by batch()
        self._replacing: list[_Replacement] = []  # replacements buffered by batch()
        self._replacing_bytes = 0
        self._buffered = 0  # their bytes
        self._loader: ThreadPoolExecutor | None = None  # batch()'s loader thread
        self._loading: tuple[list[Prepared], Future[None]] | None = None  # the reports it is loading
        self._limit = 0  # batch()'s limit in bytes; 0: write each report at once
        self._failed: list[KgError] = []
        self._unflushed = 0  # bytes of updates since the memory tables were last flushed
        self._plan = Plan()  # the last plan (which files this run has seen)
        self.predicates: set[str] = set()  # the properties of the reports written (kg.catalog counts them)

    def plan(self, files: Iterable[str | Path]) -> Plan:
        """Hash each file and compare with the store: what to extract, skip, or prune."""
        self._plan = plan(self.entries(), files, mapping_id())
        return self._plan

    def expect(self, files: Iterable[str]) -> None:
        """Take ``files`` as present without a plan (a Turtle build writes them all)."""
        self._plan.seen.update(files)

    # -- one change, one transaction

    def _update(self, text: str, subject: str) -> None:
        self.written = True
        try:
            self.db.update(rebase(text, self.base))  # the one way into the store: under its base
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

    def _series_of(self, graphs: Iterable[str], kept: Set[str] = frozenset()) -> tuple[set[str], set[str], set[tuple[str, str]]]:
        """The series the given report graphs belong to; the shared subjects they lead to (those
        they refer to and, through the shared graph, what those refer to: an agency's division and
        the divisions above it, the body it belongs to); and the names they print, by agency.

        What they lead to through a subject in ``kept`` (one that a report written with the same
        change refers to) is left out: the shared graph keeps that subject's triples, so all it
        leads to stays led to. A replaced report usually refers to what its new one does, and
        the search through the shared graph (most of the cost of a replacement's reading) is
        then not made."""
        series, shared, names = set(), set(), set()
        for graph in graphs:
            for row in self.select(f"{_PREFIX_DECLS}\nSELECT ?a ?l WHERE {{ GRAPH <{graph}> {{ ?r dcterms:publisher ?a ; kg:agencyName ?l }} }}"):
                names.add((row[0].value, row[1].value))
            for row in self.select(f"{_PREFIX_DECLS}\nSELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?r dcat:inSeries ?s }} }}"):
                series.add(row[0].value)
            # the IRIs it refers to outside itself that the shared graph describes, then what
            # they lead to: joining all its objects with the shared graph took 16 times as long
            outside = f'GRAPH <{graph}> {{ ?r ?q ?y }} FILTER(isIRI(?y) && !STRSTARTS(STR(?y), "{graph}/"))'
            linked = {row[0].value for row in self.select(
                f"SELECT DISTINCT ?y WHERE {{ {{ SELECT DISTINCT ?y WHERE {{ {outside} }} }} FILTER EXISTS {{ GRAPH <{SHARED}> {{ ?y ?p ?o }} }} }}"
            )} - kept
            if linked:
                for row in self.select(
                    f"SELECT DISTINCT ?x WHERE {{ VALUES ?y {{ {_values(linked)} }} "
                    f"GRAPH <{SHARED}> {{ ?y {_REACH} ?x }} FILTER EXISTS {{ GRAPH <{SHARED}> {{ ?x ?p2 ?o2 }} }} }}"
                ):
                    shared.add(row[0].value)
        return series, shared, names

    def _change(self, drop: set[str], series: set[str], shared: set[str], insert: str, subject: str,
                names: Iterable[tuple[str, str]] = (), loaded: bool = False) -> None:
        """Drop report graphs, insert some, and redo the shared triples and series links, and
        (``loaded``) empty the list of pending graphs: one transaction."""
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
            # what no report leads to any more (through the shared graph, as _series_of follows it)
            ops.append(
                f"DELETE {{ GRAPH <{SHARED}> {{ ?x ?p ?o }} }} WHERE {{ {{ SELECT ?x WHERE {{ VALUES ?x {{ {_values(shared)} }} "
                f"FILTER NOT EXISTS {{ GRAPH <{SHARED}> {{ ?z {_REACH} ?x }} GRAPH ?g {{ ?r ?q ?z }} FILTER(?g NOT IN ({special})) }} }} }} "
                f"GRAPH <{SHARED}> {{ ?x ?p ?o }} }}"
            )
        if names:
            # a name the dropped reports printed stays an agency's other name while a report prints it
            pairs = " ".join(f"(<{a}> {n3(Literal(name, lang='zh'))})" for a, name in sorted(names))
            ops.append(
                f"DELETE {{ GRAPH <{SHARED}> {{ ?x <{SKOS.altLabel}> ?l }} }} WHERE {{ VALUES (?x ?l) {{ {pairs} }} "
                f"GRAPH <{SHARED}> {{ ?x <{SKOS.altLabel}> ?l }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?r dcterms:publisher ?x ; kg:agencyName ?l }} }} }}"
            )
        if series:
            ops += _link_ops(_values(series))
        if loaded:  # the list only ever holds the one load in progress
            ops.append(f"DROP SILENT GRAPH <{PENDING}>")
        self._update(_PREFIX_DECLS + "\n" + " ;\n".join(ops), subject)

    # -- add, replace, remove

    def put(self, facts: ReportFacts) -> str:
        """Write one report: :meth:`put_prepared` of :func:`prepare`."""
        return self.put_prepared(prepare(facts))

    def put_prepared(self, report: Prepared) -> str:
        """Write one report, replacing what its file gave before: ``added``, ``replaced`` or ``duplicate``.

        ``report.source`` is the file's path (what the manifest keys on). Raises
        :class:`ConflictError` when another existing file holds the same report IRI. Inside
        :meth:`batch` a new report may be only buffered (see there).
        """
        entries, graphs = self.entries(), self._graphs
        path, iri = report.source, report.iri
        self.predicates |= report.predicates
        if self._limit and iri not in graphs and path not in entries:
            if any(entry.graph == iri for item in self._replacing for entry in item.gone):
                self._write_replacements()  # the graph a buffered replacement drops: dropped before this one loads
            self._pending.append(report)  # a plain addition: buffered
            self._buffered += len(report.own) + len(report.shared)
            self._remember(Entry(iri, path, report.sha256, mapping_id()))
            if self._buffered >= self._limit:
                self._write_buffer(wait=False)
            return "added"
        holder = graphs.get(iri)
        if holder is not None and holder.path != path and self._plan.exists(holder.path):
            if holder.sha256 == report.sha256:
                return "duplicate"
            raise ConflictError(path, f"same report <{self.stored(iri)}> (agency and year) as {holder.path}; left out (keep one of the two files)")
        before = entries.get(path)
        gone = tuple(graphs[g] for g in {iri} | ({before.graph} if before else set()) if g in graphs)
        for entry in gone:
            self._forget(entry)
        self._remember(Entry(iri, path, report.sha256, mapping_id()))
        self._replacing.append(_Replacement(report, gone))
        self._replacing_bytes += len(report.own) + len(report.shared)
        if not self._limit:
            self._write_replacements(raising=True)
        elif self._replacing_bytes >= REPLACE_BYTES:
            self._write_replacements()
        return "replaced" if before is not None or holder is not None else "added"

    @contextmanager
    def batch(self, limit: int | None = None) -> Iterator[list[KgError]]:
        """Within the block, new reports are written several at once (up to ``limit`` bytes of
        triples; by default ``BULK_BYTES`` through the bulk loader, else ``BATCH_BYTES`` to an update).

        Why: one update per report made Oxigraph recompute series links and commit a
        transaction 1,000 times per 1,000 reports. Each buffered report is still whole or
        absent (an update is one transaction); a replace, a removal or the end of the block
        writes the buffer first. Should a batch fail on one report's data, its reports are
        retried one by one: the failures of buffered reports (counted as added when buffered)
        are appended to the yielded list, the others are stored.
        """
        self._limit, self._failed = limit or (BULK_BYTES if self.bulk else BATCH_BYTES), []
        # bulk loads run in a thread (Oxigraph lets go of the GIL) while this one takes in the
        # next reports: waiting for each load here left the extraction workers idle
        self._loader = ThreadPoolExecutor(1, thread_name_prefix="kg-load") if self.bulk else None
        try:
            yield self._failed
            self.flush()
        finally:
            if self._loader is not None:
                self._loader.shutdown(wait=True)  # a load under way ends whole, even on Ctrl-C
                self._loader = None
            self._limit = 0
            if self._pending or self._loading or self._replacing:  # ended by an error: the buffered reports may not be stored; read the entries again
                self._pending, self._loading, self._buffered, self._entries = [], None, 0, None
                self._replacing, self._replacing_bytes = [], 0

    def flush(self) -> None:
        """Write the buffered reports and wait for them (see :meth:`batch`, which drops them should this fail)."""
        self._write_buffer(wait=True)
        self._write_replacements()

    def _write_replacements(self, raising: bool = False) -> None:
        """Write the buffered replacements in one transaction; should it fail on a report's
        data, one by one, the failures kept for :meth:`batch` (or, ``raising``, raised)."""
        items, self._replacing, self._replacing_bytes = self._replacing, [], 0
        if not items:
            return
        self._settle()  # a load under way ends first: both redo series links
        try:
            self._replace(items)
        except InputError:
            if raising:  # outside a batch: the one report's
                self._undo(items[0])
                raise
            for item in items:  # the update was undone: each in its own, so a bad one loses only itself
                try:
                    self._replace([item])
                except InputError as error:
                    self._undo(item)
                    self._failed.append(error)

    def _undo(self, item: _Replacement) -> None:
        """The entries as they were before a replacement the store refused (its old report stays)."""
        self._forget(self._graphs[item.report.iri])
        for entry in item.gone:
            self._remember(entry)

    def _replace(self, items: list[_Replacement]) -> None:
        """Drop the replaced reports' graphs and insert the new ones: one transaction.

        Several at once: their series are linked again once, and the new reports buffered for
        the bulk loader stay buffered (writing them before each replacement made loads of a
        few reports, each a set of table files RocksDB must merge).
        """
        reports = [item.report for item in items]
        drop = {entry.graph for item in items for entry in item.gone}
        kept = {line[1:line.index(">")] for r in reports for line in r.shared.split("\n") if line.startswith("<")}
        series, shared, names = self._series_of(sorted(drop), kept)
        # what the new reports lead to stays: usually all the old ones led to (the same agency),
        # and the whole-store search for orphans is then not made (a second per report at 1,000)
        shared -= kept
        subject = reports[0].source if len(reports) == 1 else f"{len(reports)} reports"
        self._change(drop, series.union(*(r.series for r in reports)), shared, _insert(reports), subject, names)

    def _write_buffer(self, wait: bool) -> None:
        """Write the buffered reports: in the loader thread unless ``wait`` (the previous load is waited for first)."""
        self._settle()
        reports, self._pending, self._buffered = self._pending, [], 0
        if not reports:
            return
        if self._loader is not None and not wait:
            self._loading = (reports, self._loader.submit(self._load, reports))
            return
        try:
            (self._load if self.bulk else self._add)(reports)
        except InputError:
            self._one_by_one(reports)

    def _settle(self) -> None:
        """Wait for the load under way; should it fail on a report's data, write its reports one by one."""
        if self._loading is None:
            return
        (reports, future), self._loading = self._loading, None
        try:
            future.result()
        except InputError:
            self._one_by_one(reports)

    def _one_by_one(self, reports: list[Prepared]) -> None:
        """Reports a batch failed on (the batch undone), each in its own transaction: a bad one loses only itself."""
        for report in reports:
            try:
                self._add([report])
            except InputError as error:
                self._forget(self._graphs[report.iri])
                self._failed.append(error)

    def _add(self, reports: list[Prepared]) -> None:
        series = set().union(*(r.series for r in reports))
        subject = reports[0].source if len(reports) == 1 else f"{len(reports)} reports"
        self._change({r.iri for r in reports}, series, set(), _insert(reports), subject)

    def _load(self, reports: list[Prepared]) -> None:
        """Write new reports through Oxigraph's bulk loader, keeping the store whole.

        The bulk loader writes table files directly, twice the speed of a transaction
        (measured), but it is not a transaction. So (1) the graphs
        are listed as pending, in one transaction; (2) their triples, shared ones included,
        are bulk-loaded; (3) their series links are made and the list emptied, in one
        transaction. A build stopped before (3) leaves them listed: a read-only opening then
        refuses the store and the next writing one removes them (:meth:`recover`).
        """
        subject = reports[0].source if len(reports) == 1 else f"{len(reports)} reports"
        listed = "\n".join(f"<{PENDING}> <{MEMBER}> <{r.iri}> ." for r in reports)
        self._update(f"INSERT DATA {{ GRAPH <{PENDING}> {{\n{listed}\n}} }}", subject)
        try:
            # lenient: no second check of IRIs that n3() has checked (15 % of the load's time)
            quads = _quads(reports) if self.base == DEFAULT else rebase(_quads(reports).decode("utf-8"), self.base).encode("utf-8")
            self.db.bulk_load(quads, ox.RdfFormat.N_QUADS, lenient=True)
        except OSError as error:  # a full disk: undo the load if the store still takes a transaction
            try:
                self.recover([r.iri for r in reports])
                after = "the store is as it was"
            except KgError:
                after = "the next kg build removes what was half-written"
            raise StoreError(self.shown, f"cannot write the store ({subject} not stored, {after}): {first_line(error)}") from None
        except (SyntaxError, RuntimeError, ValueError) as error:
            self.recover([r.iri for r in reports])
            raise InputError(subject, f"cannot be stored: {first_line(error)}") from None
        self._change(set(), set().union(*(r.series for r in reports)), set(), "", subject, loaded=True)

    def recover(self, graphs: list[str]) -> None:
        """Remove the report graphs a stopped bulk load left (:meth:`_load`) with the shared
        triples only they led to, and empty the list: one transaction."""
        series, shared, names = self._series_of(graphs)
        self._change(set(graphs), series, shared, "", PENDING, names, loaded=True)

    def _remember(self, entry: Entry) -> None:
        self.entries()[entry.path] = entry
        self._graphs[entry.graph] = entry

    def _forget(self, entry: Entry) -> None:
        self.entries().pop(entry.path, None)
        self._graphs.pop(entry.graph, None)

    def remove(self, entry: Entry) -> None:
        """Remove one stored report (its file is gone), with its links and orphaned shared triples."""
        self.flush()
        series, shared, names = self._series_of([entry.graph])
        self._change({entry.graph}, series, shared, "", entry.path, names)
        self._forget(entry)

    def put_shared(self, delete: str, insert: str) -> None:
        """In one transaction, change shared triples that no report states (an agencies file's,
        :mod:`kg.agencies`): delete what the graph pattern ``delete`` binds as ``?s ?p ?o`` in
        the shared graph, then insert the N-Triples lines ``insert`` there."""
        self.flush()
        ops = [f"DELETE {{ GRAPH <{SHARED}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{SHARED}> {{ {delete} }} }}"] if delete else []
        if insert:
            ops.append(f"INSERT DATA {{ GRAPH <{SHARED}> {{\n{insert}\n}} }}")
        if ops:
            self._update(" ;\n".join(ops), SHARED)

    def adopt_base(self, base: str | None) -> None:
        """Write under ``base`` (None: the one the store records, else the default) and record it.

        A store keeps one base: another one than its reports were minted under is a
        :class:`StoreError` (a new store is the way to another base; re-minting every IRI of
        a store in place would be a whole build anyway, and what was published under the old
        IRIs would silently change). A store that holds no data yet takes any base.
        """
        recorded = recorded_base(self.db)
        current = recorded or DEFAULT
        wanted = base or current
        if wanted != current:
            self.base = current
            holds = bool(self.entries()) or self.db.contains_named_graph(ox.NamedNode(self.stored(SHARED)))
            if holds:
                raise StoreError(
                    self.shown, f"the store's IRIs are under {current}, not {wanted}: a store keeps one base IRI "
                    f"(build a new store for --base-iri {wanted}, or leave --base-iri out)")
            if recorded is not None:
                self._update(f"DROP SILENT GRAPH <{VOID_GRAPH}>", VOID_GRAPH)
            recorded = None
        self.base = wanted
        if recorded is None:
            self._update(f'INSERT DATA {{ GRAPH <{VOID_GRAPH}> {{ <{DATASET}> <{VOID.uriSpace}> "{DEFAULT}" }} }}', VOID_GRAPH)

    def put_statistics(self, lines: str) -> None:
        """Replace the statistics in the void graph by the N-Triples ``lines`` (the recorded base stays)."""
        self.flush()
        ops = [f"DELETE {{ GRAPH <{VOID_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{VOID_GRAPH}> {{ ?s ?p ?o FILTER(?p != <{VOID.uriSpace}>) }} }}"]
        if lines:
            ops.append(f"INSERT DATA {{ GRAPH <{VOID_GRAPH}> {{\n{lines}\n}} }}")
        self._update(" ;\n".join(ops), VOID_GRAPH)

    def refresh_ontology(self) -> None:
        """Put the shipped ontology in its graph (replacing another one), so queries find labels;
        the graph records which ontology it holds (``kg:mappedBy``, a digest of its files)."""
        from kg.resources import ontology_digest, ontology_graph

        digest, graph = ontology_digest(), ox.NamedNode(ONTOLOGY)
        if next(self.db.quads_for_pattern(graph, ox.NamedNode(str(KG.mappedBy)), ox.Literal(digest), graph), None):
            return
        mapped = f'<{ONTOLOGY}> <{KG.mappedBy}> "{digest}" .'
        self._update(f"DROP SILENT GRAPH <{ONTOLOGY}> ;\nINSERT DATA {{ GRAPH <{ONTOLOGY}> {{\n{ntriples(ontology_graph())}\n{mapped}\n}} }}", ONTOLOGY)


@dataclass(frozen=True)
class _Replacement:
    """A report buffered to replace stored ones: those of its file and of its IRI (``gone``)."""

    report: Prepared
    gone: tuple[Entry, ...]


def in_memory(base: str = DEFAULT) -> ReportWriter:
    """A writer over a new in-memory store, minting under ``base``: where a Turtle build and :func:`build_graph` write."""
    writer = ReportWriter(ox.Store(), "(memory)")
    writer.base = base
    return writer


def _values(names: Iterable[str]) -> str:
    return " ".join(f"<{name}>" for name in sorted(names))


def _insert(reports: list[Prepared]) -> str:
    """The INSERT DATA body of some reports: each one's graph, then their shared triples."""
    parts = [f"GRAPH <{r.iri}> {{\n{_triples(r)}\n}}" for r in reports]
    shared = [r.shared for r in reports if r.shared]
    if shared:
        parts.append(f"GRAPH <{SHARED}> {{\n" + "\n".join(shared) + "\n}")
    return "\n".join(parts)


def _triples(report: Prepared) -> str:
    """A report's own triples as N-Triples (its N-Quads without the graph: no literal holds a raw line break)."""
    graph = f" <{report.iri}> ."
    return (report.own.decode("utf-8") + "\n").replace(graph + "\n", " .\n")[:-1]


def _quads(reports: list[Prepared]) -> bytes:
    """Reports' own N-Quads, then their shared triples as N-Quads in the shared graph."""
    shared = "\n".join(r.shared for r in reports if r.shared)
    in_shared = (shared + "\n").replace(" .\n", f" <{SHARED}> .\n") if shared else ""
    return b"\n".join([*(r.own for r in reports if r.own), in_shared.encode("utf-8")])


def _link_ops(values: str) -> list[str]:
    """SPARQL Update operations adding the series links of the series in ``values``: first and
    last report of each series by year, and ``dcat:prev`` from each report to the one of the
    latest earlier year."""
    ops = []
    for prop, agg in (("first", "MIN"), ("last", "MAX")):
        ops.append(
            f"INSERT {{ GRAPH <{LINKS}> {{ ?s dcat:{prop} ?r }} }} WHERE {{ "
            f"{{ SELECT ?s ({agg}(?y) AS ?edge) WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?x dcat:inSeries ?s ; kg:reportYear ?y }} }} GROUP BY ?s }} "
            f"GRAPH ?h {{ ?r dcat:inSeries ?s ; kg:reportYear ?edge }} }}"
        )
    # the series bound before the join with the subquery: joined after it, Oxigraph read every
    # report's series (1 s per replaced report at 20,000 reports, 7 ms this way)
    ops.append(
        f"INSERT {{ GRAPH <{LINKS}> {{ ?later dcat:prev ?earlier }} }} WHERE {{ VALUES ?s {{ {values} }} "
        f"GRAPH ?h {{ ?earlier dcat:inSeries ?s ; kg:reportYear ?before }} "
        f"{{ SELECT ?s ?later (MAX(?y0) AS ?before) WHERE {{ VALUES ?s {{ {values} }} "
        f"GRAPH ?g {{ ?later dcat:inSeries ?s ; kg:reportYear ?y }} GRAPH ?g0 {{ ?e dcat:inSeries ?s ; kg:reportYear ?y0 }} "
        f"FILTER(?y0 < ?y) }} GROUP BY ?s ?later }} }}"
    )
    return ops


# ---------------------------------------------------------------- Turtle


def build_graph(facts_list: Iterable[ReportFacts]) -> Graph:
    """The reports' triples, shared triples and series links as one rdflib Graph (kg's prefixes
    bound): what a Turtle build of them writes. Two reports with one IRI (agency and year) are a
    :class:`ConflictError`."""
    from kg.export import to_graph

    reports = list(facts_list)
    writer = in_memory()
    writer.expect(facts.source for facts in reports)
    with writer.batch() as failed:
        for facts in reports:
            writer.put(facts)
    if failed:
        raise failed[0]
    return bind_prefixes(to_graph(writer))


def serialize_turtle(graph: Graph) -> str:
    """Turtle in which the same graph always gives the same text, whatever the triple order.

    rdflib's ``longturtle`` serializer sorts subjects, predicates and objects; kg graphs
    have no blank nodes, whose labels would otherwise vary between runs.
    """
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            raise ValueError(f"blank node in {triple!r}: kg graphs have none, so their Turtle is deterministic")
    bind_prefixes(graph)
    return graph.serialize(format="longturtle")


def write_turtle(graph: Graph, path: str | Path) -> None:
    """Write a graph as deterministic Turtle, atomically (temporary file, then os.replace)."""
    write_text(path, serialize_turtle(graph))
