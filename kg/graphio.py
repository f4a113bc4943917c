"""Read a graph file (Turtle, N-Triples, TriG...) into rdflib, with a one-line error."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.util import guess_format

from kg.errors import GraphError


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file; raise :class:`GraphError` naming ``file:line`` on a syntax error."""
    shown = str(path)
    path = Path(path)
    if not path.is_file():
        raise GraphError(shown, "no such graph file")
    fmt = guess_format(str(path)) or "turtle"
    try:
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            graph = Graph()
            for s, p, o, _g in dataset.quads():
                graph.add((s, p, o))
            return graph
        graph = Graph()
        graph.parse(path, format=fmt)
        return graph
    except Exception as error:  # rdflib raises many kinds; the user needs one line
        raise GraphError(f"{shown}{_line_of(error)}", f"not a readable {fmt} graph: {_first_line(error)}") from None


def _line_of(error: Exception) -> str:
    line = getattr(error, "lines", None)
    if isinstance(line, int):
        return f":{line}"
    m = re.search(r"line (\d+)", str(error))
    return f":{m.group(1)}" if m else ""


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
