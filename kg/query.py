"""Run kg's cross-report SPARQL queries (queries/*.rq) on a graph and format their results."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import XSD
from rdflib.plugins.sparql.sparql import AlreadyBound

from kg import resources
from kg.errors import KgError, ResourceError
from kg.vocab import NOT_IN_IRI

FORMATS = ("table", "csv", "json")
HEADER_KEYS = ("title", "description", "parameters")
# A triple the ontology has and an extracted data graph lacks: tells whether labels are loaded.
_ONTOLOGY_MARK = URIRef("https://w3id.org/govinfo-kg/ontology#PlatformScheme")
_HEADER_LINE = re.compile(r"#\s*([A-Za-z_]+)\s*:\s*(.*)$")
_PLANNER = "kg.query.greedy_bgp"
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


def _prepare(source: _Source):
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(source.text)
    except Exception as error:  # noqa: BLE001 - pyparsing and rdflib raise several kinds
        line = getattr(error, "lineno", None)
        message = str(getattr(error, "msg", "") or error).strip().splitlines()[0]
        prefix = re.search(r"Unknown namespace prefix : (\S+)", str(error))
        if prefix:
            line = _first_line_with(source.text, prefix.group(1))
            message = f"unknown prefix '{prefix.group(1)}:' (declare it with PREFIX)"
        elif line is not None:
            message = f"SPARQL syntax error: {message}"
        where = f"{source.shown}:{line}" if isinstance(line, int) else source.shown
        raise ResourceError(where, message) from None


def _first_line_with(text: str, prefix: str) -> int | None:
    """The first non-comment line using ``prefix:`` as a prefixed name."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(prefix)}:")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("#") and pattern.search(line):
            return number
    return None


def _term(value: object) -> Literal | URIRef:
    """A parameter value as an RDF term: integers stay integers, <iri> and http(s) IRIs become IRIs."""
    if isinstance(value, (Literal, URIRef)):
        return value
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    text = str(value)
    if re.fullmatch(r"-?\d+", text):
        return Literal(int(text), datatype=XSD.integer)
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"https?://", text):
        return URIRef(text)
    return Literal(text)


_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^<>\s]*)>", re.I)
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_][\w.-]*$")


def _bindings(source: _Source, params: Mapping[str, object] | None) -> dict[str, Literal | URIRef]:
    if not params:
        return {}
    info = _info(source)
    declared = [name for name, _ in info.parameters]
    kinds = dict(info.kinds)
    out = {}
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
            out[name] = _term(int(text))
        else:
            if (text.startswith("<") or re.match(r"https?://", text)) and NOT_IN_IRI.search(text.strip("<>")):
                raise ResourceError(source.shown, f"parameter '{name}': {text!r} is not a valid IRI (no spaces, <, >, quotes or braces)")
            out[name] = _named(source, name, kind[:-1], value) if kind is not None else _term(value)
    return out


def _named(source: _Source, name: str, prefix: str, value: object) -> URIRef:
    """The IRI a namespaced parameter's value names: ``key``, ``prefix:key`` or the full IRI.

    When kg's ontology declares terms in that namespace, the IRI must be one of them: a
    mistyped key is an error, not an empty answer.
    """
    namespace = dict((p or "", ns) for p, ns in _PREFIX_DECL.findall(source.text)).get(prefix)
    if namespace is None:
        raise ResourceError(source.shown, f"parameter '{name}' names values in '{prefix}:', which the query does not declare")
    text = str(value).strip()
    term = _term(text)
    if isinstance(term, URIRef):
        iri = term
    else:
        local = text[len(prefix) + 1:] if text.startswith(prefix + ":") else text
        if not _LOCAL_NAME.match(local):
            raise ResourceError(source.shown, f"parameter '{name}' takes a name such as {prefix}:… or its part after '{prefix}:', not {text!r}")
        iri = URIRef(namespace + local)
    known = {s for s in resources.ontology_subjects() if s.startswith(namespace)}
    if known and str(iri) not in known:
        names = sorted(s[len(namespace):] for s in known)
        close = difflib.get_close_matches(str(iri)[len(namespace):], names, n=3)
        hint = f"did you mean {' or '.join(close)}?" if close else f"e.g. {', '.join(names[:4])}, …"
        raise ResourceError(source.shown, f"parameter '{name}': {text!r} is not a known {prefix}: name ({hint})")
    return iri


def _with_ontology(graph: Graph) -> Graph:
    if (_ONTOLOGY_MARK, None, None) in graph:
        return graph
    return ReadOnlyGraphAggregate([graph, resources.ontology_graph()])


def to_python(term: object) -> object:
    """A result cell as a plain value: int, Decimal, float, bool, date, str or None."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


class _Planner:
    """Evaluates basic graph patterns choosing the next triple pattern from the bindings so far.

    rdflib fixes the order of a group's patterns once, from the query text alone, which turns
    several observation patterns into a cross product. This planner estimates, per predicate, how
    many triples a pattern matches with its subject or object bound, and always takes the cheapest
    pattern next (rdflib's CUSTOM_EVALS hook, installed only while :func:`run_query` runs).
    """

    def __init__(self) -> None:
        self._stats: dict[object, tuple[int, float, float]] = {}

    def _fanout(self, graph, predicate) -> tuple[int, float, float]:
        if predicate not in self._stats:
            count, subjects, objects = 0, set(), set()
            for s, _p, o in graph.triples((None, predicate, None)):
                count += 1
                subjects.add(s)
                objects.add(o)
            self._stats[predicate] = (count, count / max(len(subjects), 1), count / max(len(objects), 1))
        return self._stats[predicate]

    def _cost(self, ctx, triple) -> float:
        s, p, o = (ctx[term] for term in triple)
        if s is not None and o is not None and isinstance(p, URIRef):
            return 0.0
        if not isinstance(p, URIRef):  # a variable predicate or a property path
            return 1e6 if s is not None or o is not None else 1e9
        count, per_subject, per_object = self._fanout(ctx.graph, p)
        if s is not None:
            return per_subject
        if o is not None:
            return per_object
        return float(count)

    def bgp(self, ctx, triples: list) -> Iterator:
        if not triples:
            yield ctx.solution()
            return
        best = min(range(len(triples)), key=lambda i: (self._cost(ctx, triples[i]), i))
        s, p, o = triples[best]
        rest = triples[:best] + triples[best + 1 :]
        _s, _p, _o = ctx[s], ctx[p], ctx[o]
        for ss, sp, so in ctx.graph.triples((_s, _p, _o)):
            c = ctx.push() if None in (_s, _p, _o) else ctx
            if _s is None:
                c[s] = ss
            try:
                if _p is None:
                    c[p] = sp
                if _o is None:
                    c[o] = so
            except AlreadyBound:
                continue
            yield from self.bgp(c, rest)

    def evaluate(self, ctx, part):
        if part.name != "BGP":
            raise NotImplementedError
        return self.bgp(ctx, list(part.triples))


@contextmanager
def _planner() -> Iterator[None]:
    from rdflib.plugins.sparql import CUSTOM_EVALS

    CUSTOM_EVALS[_PLANNER] = _Planner().evaluate
    try:
        yield
    finally:
        CUSTOM_EVALS.pop(_PLANNER, None)


def run_query(
    query: str | Path,
    graph: Graph,
    params: Mapping[str, object] | None = None,
    *,
    with_ontology: bool = True,
) -> tuple[list[str], list[list[object]]]:
    """Run a shipped query (by name) or a ``.rq`` file on ``graph``; return (columns, rows).

    ``params`` binds the variables the query's ``# parameters:`` header declares (a value of
    digits binds an integer, ``<...>`` or ``http(s)://...`` an IRI, anything else a string).
    With ``with_ontology`` the shipped ontology is queried alongside ``graph`` so that platform,
    metric and unit labels resolve. Cells are plain Python values (see :func:`to_python`).
    """
    source = _load(query)
    prepared = _prepare(source)
    bindings = _bindings(source, params)
    target = _with_ontology(graph) if with_ontology else graph
    try:
        with _planner():
            result = target.query(prepared, initBindings=bindings)
            if result.type != "SELECT":
                raise ResourceError(source.shown, f"only SELECT queries give rows (this is {result.type})")
            columns = [str(var) for var in (result.vars or [])]
            rows = [[to_python(cell) for cell in row] for row in result]
    except KgError:
        raise
    except Exception as error:  # noqa: BLE001 - evaluation errors: one line naming the query
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ResourceError(source.shown, f"query failed: {first}") from None
    return columns, rows


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
    if fmt == "table":
        return format_table(columns, rows)
    if fmt == "csv":
        return format_csv(columns, rows)
    if fmt == "json":
        return format_json(columns, rows)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
