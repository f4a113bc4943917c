"""Reading a store's graph out: as an rdflib Graph, as N-Triples per named graph, or to a file.

Oxigraph keeps xsd:integer's derived types (xsd:nonNegativeInteger...) as xsd:integer. kg
writes character offsets as xsd:nonNegativeInteger (the shapes require it), so what leaves the
store gets that datatype back on exactly those properties (:func:`_restored`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import first_line
from kg.store import ReportStore, StoreError
from kg.vocab import KG, OA, PREFIXES

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
SUFFIXES = {".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nq": "nquads", ".nquads": "nquads"}
_OFFSETS = frozenset(str(p) for p in (KG.valueStart, KG.valueEnd, OA.start, OA.end, KG.tableIndex, KG.tableRow, KG.tableColumn))
_XSD_INTEGER = str(XSD.integer)
_XSD_STRING = str(XSD.string)
_NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))
_Item = TypeVar("_Item", ox.Triple, ox.Quad)


def _restored(items: Iterable[_Item]) -> Iterator[_Item]:
    """Triples or quads from the store with the offsets' xsd:nonNegativeInteger put back."""
    for item in items:
        obj = item.object
        if item.predicate.value in _OFFSETS and isinstance(obj, ox.Literal) and obj.datatype.value == _XSD_INTEGER:
            fixed = ox.Literal(obj.value, datatype=_NON_NEGATIVE)
            if isinstance(item, ox.Quad):
                item = ox.Quad(item.subject, item.predicate, fixed, item.graph_name)
            else:
                item = ox.Triple(item.subject, item.predicate, fixed)
        yield item


def _data_triples(store: ReportStore) -> Iterator[ox.Triple]:
    graphs = " ".join(f"<{g}>" for g in store.data_graphs())
    return iter(store.db.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"))  # type: ignore[arg-type]


def to_graph(store: ReportStore) -> Graph:
    """The reports, shared triples and series links as one in-memory rdflib Graph.

    What a Turtle build holds; for pySHACL and networkx, which need rdflib. It holds the
    whole graph in memory (fine for thousands of reports, not for the largest stores).
    """
    graph = Graph(bind_namespaces="none")
    term = lru_cache(maxsize=None)(rdflib_term)  # each term converted once: most recur (predicates, rules, offsets)
    add = graph.store.add  # (Graph.add checks each term's type again)
    try:
        for triple in _restored(_data_triples(store)):
            add((term(triple.subject), term(triple.predicate), term(triple.object)), graph)
    except OSError as error:
        raise StoreError(store.shown, f"cannot read the store: {first_line(error)}") from None
    return graph


def rdflib_term(term: object) -> Node:
    """A pyoxigraph term as rdflib's (converted here rather than by parsing N-Triples: several times faster)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise ValueError(f"not an RDF term: {term!r}")


def export(store: ReportStore, output: str | Path, fmt: str) -> None:
    """Write the data graphs to ``output`` atomically, streaming from the store.

    Turtle gets the union (the triples of a Turtle build); TriG and N-Quads keep one named
    graph per report plus the shared and series-links graphs. The ontology is not written.
    """
    from kg.atomic import atomic_open

    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    try:
        with atomic_open(output, "wb") as handle:
            if fmt == "turtle":
                ox.serialize(_restored(_data_triples(store)), handle, ox.RdfFormat.TURTLE, prefixes=prefixes)
            else:
                quads = chain.from_iterable(store.db.quads_for_pattern(None, None, None, ox.NamedNode(g)) for g in store.data_graphs())
                ox.serialize(_restored(quads), handle, FORMATS[fmt], prefixes=prefixes if fmt == "trig" else None)
    except OSError as error:
        raise StoreError(str(output), f"cannot write: {first_line(error)}") from None


def graph_ntriples(store: ReportStore, graph: str) -> bytes:
    """One named graph as N-Triples bytes (what a push sends)."""
    quads = store.db.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    return ox.serialize(_restored(ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""


def export_format(output: str | Path, given: str | None) -> str:
    """The export format: as given, else from the file's suffix (.ttl, .trig, .nq)."""
    if given:
        if given not in FORMATS:
            raise StoreError(str(output), f"unknown format {given!r} (expected one of {', '.join(FORMATS)})")
        return given
    suffix = Path(output).suffix.lower()
    if suffix not in SUFFIXES:
        raise StoreError(str(output), "cannot tell the format from the suffix; give --format turtle|trig|nquads")
    return SUFFIXES[suffix]
