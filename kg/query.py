"""Run kg's cross-report SPARQL queries (queries/*.rq) on a graph and format their results."""

from __future__ import annotations

import csv
import difflib
import gc
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import resources
from kg.base import DEFAULT, of_reports, rebase
from kg.engine import solutions
from kg.errors import KgError, ResourceError, first_line
from kg.store import instance_base
from kg.vocab import KG, NOT_IN_IRI, ONTOLOGY, XSD

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

FORMATS = ("table", "csv", "json")
HEADER_KEYS = ("title", "description", "parameters")
# A term the ontology describes and an extracted data graph lacks: tells whether labels are loaded.
_ONTOLOGY_MARK = ox.NamedNode(str(KG.PlatformScheme))
_HEADER_LINE = re.compile(r"#\s*([A-Za-z_]+)\s*:\s*(.*)$")
_XSD = str(XSD)
_XSD_INTEGER = ox.NamedNode(_XSD + "integer")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class QueryInfo:
    """A shipped query: its name (file stem), header title and description, and parameters."""

    name: str
    title: str
    description: str
    parameters: tuple[tuple[str, str], ...] = ()
    # parameters of a kind: (parameter, "prefix:") for names in a namespace, (parameter,
    # "integer") for whole numbers - see _parameters
    kinds: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Source:
    text: str
    shown: str  # how errors name the file
    name: str


# ----------------------------------------------------------------------------- loading


def _load(query: str | Path) -> _Source:
    """A query by shipped name (``applications-per-year``) or by path to a ``.rq`` file."""
    text = str(query)
    if isinstance(query, Path) or text.endswith(".rq") or "/" in text or "\\" in text:
        path = Path(query)
        if not path.is_file():
            raise ResourceError(text, "no such query file")
        try:
            return _Source(path.read_text(encoding="utf-8"), text, path.stem)
        except (OSError, UnicodeDecodeError) as error:
            raise ResourceError(text, f"cannot read: {error}") from None
    return _Source(resources.query_text(text), f"queries/{text}.rq", text)


def parse_header(text: str) -> dict[str, str]:
    """The ``# key: value`` comment lines that open a query; indented ``#`` lines continue a value."""
    header: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        found = _HEADER_LINE.match(stripped)
        if found and found.group(1).lower() in HEADER_KEYS:
            last = found.group(1).lower()
            header[last] = found.group(2).strip()
        elif last is not None and stripped.lstrip("#").strip():
            header[last] = f"{header[last]} {stripped.lstrip('#').strip()}".strip()
    return header


_PARAMETER = re.compile(r"^\??([A-Za-z_][A-Za-z0-9_]*)\s*(\(\s*(?:(integer)|([A-Za-z][\w-]*)?:)\s*\))?$")


def _parameters(value: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """``name = meaning; name2 (prefix:) = meaning`` -> ((name, meaning), ...), ((name2, "prefix:"), ...).

    ``name2 (prefix:)`` declares that a value given as a bare name (``litigation_total``) binds
    the IRI ``prefix:litigation_total`` of the query's own PREFIX declarations: a variable
    bound to an IRI is what a store can look up directly. ``name3 (integer)`` takes whole
    numbers only (kind ``integer``), so ``-p year=abc`` is an error rather than an empty answer.
    """
    out, kinds = [], []
    for part in value.split(";"):
        name, _, meaning = part.partition("=")
        found = _PARAMETER.match(name.strip())
        if not found:  # kept, so that binding it says what is wrong with the name
            if name.strip().lstrip("?"):
                out.append((name.strip().lstrip("?"), meaning.strip()))
            continue
        out.append((found.group(1), meaning.strip()))
        if found.group(3):
            kinds.append((found.group(1), "integer"))
        elif found.group(2):  # "(prefix:)", or "(:)" for the default prefix
            kinds.append((found.group(1), (found.group(4) or "") + ":"))
    return tuple(out), tuple(kinds)


def _info(source: _Source) -> QueryInfo:
    header = parse_header(source.text)
    parameters, kinds = _parameters(header.get("parameters", ""))
    return QueryInfo(
        name=source.name,
        title=header.get("title", ""),
        description=header.get("description", ""),
        parameters=parameters,
        kinds=kinds,
    )


def query_info(query: str | Path) -> QueryInfo:
    """The header of one query, by shipped name or path."""
    return _info(_load(query))


def list_queries() -> list[QueryInfo]:
    """The shipped queries, sorted by name; a query without title or description is an error."""
    infos = []
    for name in resources.query_names():
        info = _info(_load(name))
        missing = [key for key in ("title", "description") if not getattr(info, key)]
        if missing:
            raise ResourceError(f"queries/{name}.rq:1", f"header lacks '# {missing[0]}: ...'")
        infos.append(info)
    return infos


# ----------------------------------------------------------------------------- running


def _term(value: object) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term: integers stay integers, <iri> and http(s) IRIs become IRIs."""
    if isinstance(value, bool):
        return ox.Literal(value)
    text = str(value)
    if re.fullmatch(r"-?\d+", text):
        return ox.Literal(str(int(text)), datatype=_XSD_INTEGER)
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    if re.match(r"https?://", text):
        return ox.NamedNode(text)
    return ox.Literal(text)


_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^<>\s]*)>", re.I)
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_][\w.-]*$")


def _values(source: _Source, params: Mapping[str, object] | None) -> str:
    """The query's parameters as the VALUES clause that SPARQL allows at the end of a query.

    Not Oxigraph's ``substitutions``: they take only variables the query projects, and a
    parameter such as ``metric_key`` is not one. A closing VALUES joins the solutions of the
    WHERE clause, so a parameter must be a variable of that clause (in a grouped query, a
    group key). Oxigraph starts from it, as from a bound variable, unless an OPTIONAL or a
    BIND of the outermost group stands between them.
    """
    if not params:
        return ""
    info = _info(source)
    declared = [name for name, _ in info.parameters]
    kinds = dict(info.kinds)
    terms = {}
    for name, value in params.items():
        if name not in declared:
            takes = ", ".join(declared) if declared else "none"
            raise ResourceError(source.shown, f"unknown parameter '{name}' (this query takes: {takes})")
        if not _VARIABLE.match(name):
            raise ResourceError(source.shown, f"parameter name '{name}' is not a SPARQL variable name")
        kind, text = kinds.get(name), str(value).strip()
        if kind == "integer":
            if not re.fullmatch(r"-?\d{1,18}", text):
                raise ResourceError(source.shown, f"parameter '{name}' takes a whole number (e.g. 2023), not {text!r}")
            terms[name] = _term(text)
        else:
            if (text.startswith("<") or re.match(r"https?://", text)) and NOT_IN_IRI.search(text.strip("<>")):
                raise ResourceError(source.shown, f"parameter '{name}': {text!r} is not a valid IRI (no spaces, <, >, quotes or braces)")
            terms[name] = _named(source, name, kind[:-1], value) if kind is not None else _term(value)
    names = sorted(terms)
    return f"\nVALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(terms[n]) for n in names)}) }}\n"


_BLOCK = re.compile(r"^[ \t]*# with (?P<name>\w+)\b.*?^[ \t]*# end with (?P=name)[ \t]*\n", re.M | re.S)


def without_unbound(text: str, bound: set[str]) -> str:
    """The query without its ``# with NAME`` … ``# end with NAME`` blocks whose parameter is not bound.

    Such a block holds what only a bound parameter needs (the table of an agency's divisions
    that ``region`` is matched against) and is written so that, kept, it changes no row when the
    parameter is not bound: the file is a complete query for any SPARQL engine, and dropping the
    block is only faster (a second at 20,000 reports).
    """
    return _BLOCK.sub(lambda m: m.group(0) if m.group("name") in bound else "", text)


def bound_text(query: str | Path | _Source, params: Mapping[str, object] | None = None) -> str:
    """A query's text with ``params`` bound (its VALUES clause) and the blocks of unbound ones dropped;
    :class:`ResourceError` for a parameter the query does not take or a value of the wrong kind."""
    source = query if isinstance(query, _Source) else _load(query)
    return without_unbound(source.text, set(params or ())) + _values(source, params)


def _named(source: _Source, name: str, prefix: str, value: object) -> ox.NamedNode:
    """The IRI a namespaced parameter's value names: ``key``, ``prefix:key`` or the full IRI.

    When kg's ontology declares terms in that namespace, the IRI must be one of them: a
    mistyped key is an error, not an empty answer.
    """
    namespace = dict((p or "", ns) for p, ns in _PREFIX_DECL.findall(source.text)).get(prefix)
    if namespace is None:
        raise ResourceError(source.shown, f"parameter '{name}' names values in '{prefix}:', which the query does not declare")
    text = str(value).strip()
    term = _term(text)
    if isinstance(term, ox.NamedNode):
        iri = term.value
    else:
        local = text[len(prefix) + 1:] if text.startswith(prefix + ":") else text
        if not _LOCAL_NAME.match(local):
            raise ResourceError(source.shown, f"parameter '{name}' takes a name such as {prefix}:… or its part after '{prefix}:', not {text!r}")
        iri = namespace + local
    known = {s for s in resources.ontology_subjects() if s.startswith(namespace)}
    if known and iri not in known:
        names = sorted(s[len(namespace):] for s in known)
        close = difflib.get_close_matches(iri[len(namespace):], names, n=3)
        hint = f"did you mean {' or '.join(close)}?" if close else f"e.g. {', '.join(names[:4])}, …"
        raise ResourceError(source.shown, f"parameter '{name}': {text!r} is not a known {prefix}: name ({hint})")
    return ox.NamedNode(iri)


def graph_base(graph: Graph) -> str:
    """The base a graph's instances are under, from its reports' IRIs (:func:`kg.base.of_reports`)."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from kg.vocab import SCHEMA

    return of_reports([str(s) for s in graph.subjects(RDF.type, SCHEMA.Report) if isinstance(s, URIRef)])


def graph_store(graph: Graph, with_ontology: bool = True) -> ox.Store:
    """An in-memory Oxigraph store holding ``graph`` (and, unless it has it, kg's ontology).

    Laid out as a store that :mod:`kg.store` writes: the data in the default graph, the
    ontology in its own named graph, so a query sees the same union on both.
    """
    db = ox.Store()
    db.extend(_quads(graph, ox.DefaultGraph()))
    if with_ontology and next(db.quads_for_pattern(_ONTOLOGY_MARK, None, None), None) is None:
        db.extend(_ontology_quads())
    return db


@lru_cache(maxsize=1)
def _ontology_quads() -> tuple[ox.Quad, ...]:
    """The ontology's quads, converted once: every query on a graph file adds them."""
    return tuple(_quads(resources.ontology_graph(), ox.NamedNode(ONTOLOGY)))


def _quads(graph: Graph, where: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
    from rdflib import BNode, Literal

    blanks: dict[Node, ox.BlankNode] = {}  # new names: rdflib's (from RDF/XML, say) may be none in Oxigraph

    def term(node: Node) -> Any:
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            return ox.Literal(str(node), datatype=ox.NamedNode(node.datatype) if node.datatype else None)
        return blanks.setdefault(node, ox.BlankNode()) if isinstance(node, BNode) else ox.NamedNode(str(node))

    for s, p, o in graph:
        yield ox.Quad(term(s), term(p), term(o), where)


def run_query(
    query: str | Path,
    data: ox.Store | Graph,
    params: Mapping[str, object] | None = None,
    *,
    with_ontology: bool = True,
    base: str | None = None,
) -> tuple[list[str], list[list[object]]]:
    """Run a shipped query (by name) or a ``.rq`` file on a store or a graph; return (columns, rows).

    ``params`` binds the variables the query's ``# parameters:`` header declares (a value of
    digits binds an integer, ``<...>`` or ``http(s)://...`` an IRI, anything else a string).
    A graph is queried in an in-memory store (see :func:`graph_store`; ``with_ontology`` adds
    the shipped ontology, so that platform, metric and unit labels resolve). Cells are plain
    Python values (see :func:`cell`). An :class:`OSError` reading a store is left to the caller.

    The query's instance IRIs (``region:``, ``kgid:``) are rewritten for ``base``, the base the
    data's instances are under (:mod:`kg.base`; by default the store's, or a graph's reports').
    """
    source = _load(query)
    db = data if isinstance(data, ox.Store) else graph_store(data, with_ontology)
    if base is None:
        base = instance_base(db) if isinstance(data, ox.Store) else graph_base(data)
    if base != DEFAULT:
        source = _Source(rebase(source.text, base), source.shown, source.name)
    text = bound_text(source, params)
    result = None
    try:
        result = solutions(db, text)
        if not isinstance(result, ox.QuerySolutions):
            kind = "ASK" if isinstance(result, ox.QueryBoolean) else "CONSTRUCT"
            raise ResourceError(source.shown, f"only SELECT queries give rows (this is {kind})")
        columns = [variable.value for variable in result.variables]
        with _collector_paused():
            rows = [[cell(term) for term in solution] for solution in result]
    except SyntaxError as error:
        raise _syntax_error(source, error) from None
    except (KgError, OSError):
        raise
    except Exception as error:  # noqa: BLE001 - evaluation errors: one line naming the query
        raise ResourceError(source.shown, f"query failed: {first_line(error)}") from None
    finally:
        del result  # an error's traceback must not keep a store (and its lock) open
    return columns, rows


_AT = re.compile(r"error at (\d+):(\d+): (?:expected one of )?(.*)", re.S)


def _syntax_error(source: _Source, error: SyntaxError) -> ResourceError:
    """Oxigraph's syntax error as one line naming the query file and line."""
    found = _AT.match(str(error))
    if not found:
        return ResourceError(source.shown, f"SPARQL syntax error: {first_line(error)}")
    lines = source.text.splitlines()
    line, column = min(int(found.group(1)), len(lines)), int(found.group(2))
    prefix = re.search(r"([A-Za-z][\w.-]*)?:[^\s:]*$", lines[line - 1][: column - 1]) if "Prefix not found" in found.group(3) else None
    if prefix:
        return ResourceError(f"{source.shown}:{line}", f"unknown prefix '{prefix.group(1) or ''}:' (declare it with PREFIX)")
    return ResourceError(f"{source.shown}:{line}", f"SPARQL syntax error: {found.group(3).splitlines()[0][:300]}")


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


def _parsed(kind: Callable[[str], object]) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return kind(text)
        except (ValueError, ArithmeticError):  # 2023-02-30, a date with a time zone: the text as written
            return text
    return convert


# a literal's datatype -> its lexical form as a Python value (any other literal: its text)
_VALUES: dict[str, Callable[[str], object]] = {
    _XSD + "boolean": lambda text: {"true": True, "1": True, "false": False, "0": False}.get(text, text),
    _XSD + "date": _parsed(date.fromisoformat),
    _XSD + "dateTime": _parsed(datetime.fromisoformat),
    _XSD + "decimal": _parsed(Decimal),
    **{_XSD + t: _parsed(float) for t in ("double", "float")},
    **{_XSD + t: _parsed(int) for t in (
        "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int",
        "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")},
}


def literal_value(text: str, datatype: str | None) -> object:
    """A literal's lexical form as a plain value by its datatype (int, Decimal, float, bool, date,
    datetime); a string when the datatype is none of those or the form is not one of it."""
    convert = _VALUES.get(datatype or "")
    return convert(text) if convert is not None else text


def cell(term: object) -> object:
    """A result cell as a plain value: int, Decimal, float, bool, date, datetime, str or None."""
    kind = type(term)
    if kind is ox.Literal:
        return literal_value(term.value, term.datatype.value)  # type: ignore[attr-defined]
    if kind is ox.NamedNode:
        return term.value  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        return f"_:{term.value}"  # type: ignore[attr-defined]
    return None if term is None else str(term)


# ----------------------------------------------------------------------------- formatting


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width (CJK) characters count two."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _truncate(text: str, limit: int) -> str:
    if limit <= 0 or display_width(text) <= limit:
        return text
    out, width = [], 0
    for char in text:
        step = display_width(char)
        if width + step > limit - 1:
            break
        out.append(char)
        width += step
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def format_table(columns: Sequence[str], rows: Sequence[Sequence[object]], max_width: int = 60) -> str:
    """An aligned plain-text table (CJK-width aware); cells wider than ``max_width`` end in '…'."""
    texts = [[_truncate(" ".join(_cell(v).split()), max_width) for v in row] for row in rows]
    numeric = [
        bool(rows) and all(isinstance(row[i], (int, float, Decimal)) and not isinstance(row[i], bool) or row[i] is None for row in rows)
        for i in range(len(columns))
    ]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in texts]) for i, c in enumerate(columns)]
    lines = ["  ".join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(columns)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in texts:
        lines.append("  ".join(_pad(cell, widths[i], numeric[i]) for i, cell in enumerate(row)).rstrip())
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def format_csv(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """CSV with a header row; empty cells for unbound values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def format_json(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A JSON array of objects keyed by column; unbound values are null."""
    records = [{c: _json_value(v) for c, v in zip(columns, row)} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: str = "table") -> str:
    """Format a result as ``table``, ``csv`` or ``json`` text (ending in a newline)."""
    formatter = {"table": format_table, "csv": format_csv, "json": format_json}.get(fmt)
    if formatter is not None:
        return formatter(columns, rows)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
