"""Read a graph file (Turtle, N-Triples, TriG, RDF/XML, JSON-LD...) into rdflib, with a one-line error.

A graph file is input like any other, so reading one fetches nothing and expands nothing:
it must be a regular file (a FIFO or a device would block or never end) no larger than
``KG_GRAPH_MB``; a JSON-LD file whose context is a reference (``"@context": "http://…"``, a
relative file name, ``@import``) is refused, because rdflib would fetch it; an XML file
(RDF/XML, TriX) that declares entities (``<!ENTITY …>``, the "billion laughs") is refused,
because expat would expand them. JSON-LD is handed to rdflib already parsed, so the check
and the parse see the same data and rdflib never opens the file itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat
from xml.sax import SAXParseException

from rdflib import Dataset, Graph
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format

from kg.errors import GraphError, first_line
from kg.limits import limits
from kg.readers.base import open_regular


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file; raise :class:`GraphError` naming ``file:line`` on a syntax error."""
    shown = str(path)
    path = Path(path)
    fmt = guess_format(str(path)) or "turtle"
    with _open_regular(path, shown) as handle:
        source: dict[str, Any] = {"source": handle}
        if fmt == "json-ld":
            source = {"data": _local_jsonld(handle, shown)}
        elif fmt in ("xml", "trix"):
            _refuse_entities(handle, shown)
            handle.seek(0)
        base = path.absolute().as_uri()  # relative IRIs resolve against the file, as when rdflib opens it
        try:
            graph = Graph()
            if fmt in ("trig", "nquads"):  # the union of the named graphs
                dataset = Dataset()
                dataset.parse(**source, format=fmt, publicID=base)
                graph.addN((s, p, o, graph) for s, p, o, _g in dataset.quads())
            else:
                graph.parse(**source, format=fmt, publicID=base)
            return graph
        except Exception as error:  # rdflib raises many kinds; the user needs one line
            line, why = syntax_error(error)
            raise GraphError(_at(shown, line), f"not a readable {fmt} graph: {why}") from None


def _open_regular(path: Path, shown: str) -> BinaryIO:
    """The graph file opened for reading, if it is a regular file within the size limit."""
    handle = open_regular(path, shown, GraphError)
    limit, size = limits().graph_mb, os.fstat(handle.fileno()).st_size
    if size > limit << 20:
        handle.close()
        raise GraphError(shown, f"{size / (1 << 20):.0f} MB, larger than the limit of {limit} MB (KG_GRAPH_MB)")
    return handle


def _local_jsonld(handle: BinaryIO, shown: str) -> Any:
    """The parsed JSON of a JSON-LD file whose contexts are all inline."""
    try:
        data = json.loads(handle.read())
    except (ValueError, RecursionError) as error:
        line, why = syntax_error(error)
        raise GraphError(_at(shown, line), f"not a readable json-ld graph: {why}") from None
    reference = _context_reference(data)
    if reference is not None:
        raise GraphError(shown, f"its JSON-LD context refers to {reference[:100]!r}; kg fetches nothing: give the context inline")
    return data


def _context_reference(data: Any) -> str | None:
    """The first context given by reference (a string in ``@context``, or an ``@import``), anywhere in ``data``."""
    stack = [data]
    while stack:  # no recursion: a deeply nested document cannot exhaust the stack here
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@import":
                    return str(value)
                if key == "@context":
                    for context in value if isinstance(value, list) else [value]:
                        if isinstance(context, str):
                            return context
                stack.append(value)
    return None


class _Prolog(Exception):
    """The root element began: the place for entity declarations is past."""


def _refuse_entities(handle: BinaryIO, shown: str) -> None:
    """Refuse an XML file whose document type declares entities; reads only up to the root element.

    Declarations can only stand in the document type before the root element, so expat
    (without the rdflib handler) reads the prolog and stops at the first element.
    """
    parser = expat.ParserCreate()

    def declared(name, *_):
        raise GraphError(shown, f"declares the XML entity {name[:50]!r}; kg expands no entities: give the graph without a DTD (or as Turtle)")

    def started(*_):
        raise _Prolog

    parser.EntityDeclHandler = declared
    parser.StartElementHandler = started
    try:
        while chunk := handle.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Prolog:
        pass
    except expat.ExpatError:
        pass  # a syntax error: rdflib's parse reports it with its line


def syntax_error(error: BaseException) -> tuple[int | None, str]:
    """Where a parser stopped (a line counted from 1, when it says) and its reason, in one line."""
    if isinstance(error, BadSyntax):  # Turtle, TriG, N3; its ``lines`` counts from 0
        return error.lines + 1, _first(error._why)
    if isinstance(error, SAXParseException):  # RDF/XML, TriX; its message starts with the file's URI
        return error.getLineNumber(), _first(error.getMessage())
    if isinstance(error, json.JSONDecodeError):
        return error.lineno, _first(error.msg)
    return None, first_line(error, 200)


def _first(text: str) -> str:
    return first_line(Exception(text), 200)


def _at(shown: str, line: int | None) -> str:
    return f"{shown}:{line}" if line else shown
