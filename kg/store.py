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

import gc
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from kg.errors import KgError, ResourceError, first_line
from kg.manifest import Entry
from kg.vocab import DCAT, KG, KGID, NOT_IN_IRI

SHARED = str(KGID["graph/shared"])
LINKS = str(KGID["graph/series-links"])
ONTOLOGY = "https://w3id.org/govinfo-kg/ontology"
SPECIAL = (SHARED, LINKS, ONTOLOGY)
_PREFIX_DECLS = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in (("dcat", DCAT), ("kg", str(KG)), ("dcterms", DCTERMS)))
_XSD_STRING = str(XSD.string)
_XSD_BOOLEAN = str(XSD.boolean)


class StoreError(KgError):
    """A store directory that cannot be opened, read or written."""

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


def _to_rdflib(term):
    """A pyoxigraph term as the rdflib term kg.query's cells are made from."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    return Literal(str(term))


_WHOLE = re.compile(r"[+-]?[0-9]+")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_SLOW = object()  # "not a common form: convert through rdflib"


def _whole(text: str):
    return int(text) if _WHOLE.fullmatch(text) else _SLOW


def _day(text: str):
    if _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # e.g. 2023-02-30: rdflib's own handling decides
            pass
    return _SLOW


# literal datatype -> its lexical form as a Python value (or _SLOW), as rdflib's toPython gives it
_LITERAL_VALUES = {
    _XSD_STRING: str,
    _XSD_BOOLEAN: lambda text: _BOOLEANS.get(text, _SLOW),
    str(XSD.date): _day,
    **{str(t): _whole for t in (XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long)},
}


def _cell(term):
    """A result cell as :func:`kg.query.to_python` makes it, without building an rdflib term
    for the common kinds (IRIs, strings, integers, booleans, dates): listing 20,000 reports
    spent more time there than in the query."""
    kind = type(term)
    if kind is ox.Literal:
        if term.language:
            return term.value
        convert = _LITERAL_VALUES.get(term.datatype.value)
        if convert is not None:
            value = convert(term.value)
            if value is not _SLOW:
                return value
    elif kind is ox.NamedNode:
        return term.value
    elif term is None:
        return None
    from kg.query import to_python

    return to_python(_to_rdflib(term))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a query's rows are built: each of the
    collections that tens of thousands of new row lists set off walks every live object (a
    tenth to a quarter of a 20,000-row query's time). The rows hold no reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    # -- querying

    def query(self, query: str | Path, params: Mapping[str, object] | None = None) -> tuple[list[str], list[list[object]]]:
        """Run a shipped query (by name) or a ``.rq`` file; (columns, rows) exactly as :func:`kg.query.run_query`.

        Oxigraph evaluates it over the union of the store's graphs (the ontology included, as
        kg.query adds it to a Turtle graph), so a query gives the same rows on a store as on a
        Turtle build of the same reports.
        """
        from kg.query import _bindings, _load, _prepare

        source = _load(query)
        text = _with_values(source.text, _bindings(source, params))
        # a closing ORDER BY of plain variables is done here rather than by Oxigraph, which decodes
        # each compared string from its dictionary: sorting 20,000 rows took it a second
        order = _closing_order(text)

        def solutions(text: str, keys: list[tuple[str, bool]] = ()) -> tuple[list[str], list[list]] | None:
            """Columns and terms of the query's rows; None, unevaluated, if a sort key is no column."""
            result = None
            try:
                try:
                    result = self.db.query(text, use_default_graph_as_union=True)
                except SyntaxError as error:
                    # the one-line message a Turtle graph gives (rdflib's parser names the line);
                    # not parsed with rdflib first: that took 20-250 ms per query, longer than most
                    # queries take on a store of thousands of reports
                    _prepare(source)
                    raise ResourceError(source.shown, f"SPARQL syntax error: {first_line(error)}") from None
                if not isinstance(result, ox.QuerySolutions):
                    kind = "ASK" if isinstance(result, ox.QueryBoolean) else "CONSTRUCT"
                    raise ResourceError(source.shown, f"only SELECT queries give rows (this is {kind})")
                columns = [variable.value for variable in result.variables]
                if any(name not in columns for name, _ in keys):
                    return None  # (solutions are computed as they are read: none was)
                return columns, [list(solution) for solution in result]  # (faster than indexing each cell)
            except KgError:
                raise
            except OSError as error:
                raise StoreError(self.shown, f"cannot read the store: {first_line(error)}") from None
            except Exception as error:  # noqa: BLE001 - evaluation errors: one line naming the query
                raise ResourceError(source.shown, f"query failed: {first_line(error)}") from None
            finally:
                # pyparsing's cache keeps tracebacks of _prepare, and so this frame: it must not
                # keep the results, which hold the store (and its lock) open
                del result

        with _collector_paused():
            found = solutions(text[: order[0]], order[1]) if order else None
            if found is not None:
                columns, terms = found
                rows = [[_cell(term) for term in row] for row in terms]
                if _sort_rows(columns, terms, rows, order[1]):
                    return columns, rows
            # unordered, or ordered by what Python cannot order as SPARQL does: the store does it all
            columns, terms = solutions(text)
            rows = [[_cell(term) for term in row] for row in terms]
            return columns, rows


_ORDER_TAIL = re.compile(r"\bORDER\s+BY((?:\s*(?:(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\?\w+))+)\s*$", re.I)
_ORDER_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*\?(\w+)", re.I)
_NUMERIC_TYPES = frozenset(str(XSD[t]) for t in (
    "integer", "decimal", "float", "double", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))
_ORDERED_TYPES = {_XSD_STRING: "string", _XSD_BOOLEAN: "boolean", str(XSD.date): "date", str(XSD.dateTime): "dateTime"}


def _closing_order(text: str) -> tuple[int, list[tuple[str, bool]]] | None:
    """Where the query's closing ``ORDER BY`` starts and its keys (variable, descending), when it
    is the query's last clause and every key a plain variable; otherwise None."""
    found = _ORDER_TAIL.search(_blank_out(text))
    if not found:
        return None
    keys = [(m.group(2), (m.group(1) or "").upper() == "DESC") for m in _ORDER_KEY.finditer(found.group(1))]
    return found.start(), keys


def _sort_kind(term) -> str | None:
    """The kind of value a term is ordered as: terms of one kind are ordered by their Python value
    as SPARQL orders them (code points for strings and IRIs, values for numbers and dates)."""
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.Literal):
        if term.language:
            return "@" + term.language
        datatype = term.datatype.value
        return "number" if datatype in _NUMERIC_TYPES else _ORDERED_TYPES.get(datatype)
    return None  # blank nodes, other literals: left to the store


def _sort_rows(columns: list[str], terms: list[list], rows: list[list], keys: list[tuple[str, bool]]) -> bool:
    """Sort ``rows`` (the cells of ``terms``) in place by ``keys`` as SPARQL's ORDER BY would.

    False when a column mixes kinds of values (an IRI and a string, a number and a date...)
    whose relative order Python's would not match.
    """
    sorts = []
    for name, descending in keys:
        index = columns.index(name)
        cells = [row[index] for row in terms]
        kinds = {_sort_kind(cell) for cell in cells if cell is not None}
        if len(kinds) > 1 or None in kinds:
            return False
        if None in cells:  # unbound first, as SPARQL orders it (and so last when descending)
            key = lambda row, i=index: (row[i] is not None, row[i] if row[i] is not None else 0)  # noqa: E731
        else:
            key = itemgetter(index)
        sorts.append((key, descending))
    try:
        for key, descending in reversed(sorts):  # stable sorts, the last key first
            rows.sort(key=key, reverse=descending)
    except TypeError:  # e.g. date-times with and without a time zone
        return False
    return True


def _with_values(text: str, bindings: Mapping[str, object]) -> str:
    """The query with its parameters bound by a VALUES block opening its outermost group.

    What rdflib's initBindings does on a Turtle graph. Not Oxigraph's ``substitutions``: they
    only take variables the query projects, and a parameter such as ``metric_key`` is not one.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    values = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(_n3(bindings[n]) for n in names)}) }}\n"
    at = _outer_group(text)
    return text[: at + 1] + "\n  " + values + text[at + 1 :]


def _outer_group(text: str) -> int:
    """Where the query's outermost group (its WHERE clause) opens: the first ``{`` outside an IRI, a
    string or a comment after SELECT, ASK or CONSTRUCT."""
    found = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", _blank_out(text), re.I)
    start = found.end() if found else 0
    return _blank_out(text).index("{", start)


def _blank_out(text: str) -> str:
    """``text`` with comments, IRIs and strings replaced by spaces (same length), for scanning."""
    return re.sub(r'#[^\n]*|<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
                  lambda m: " " * len(m.group(0)), text)
