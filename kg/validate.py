"""Check a graph against kg's SHACL shapes and turn pySHACL's results into one-line messages."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH
from rdflib.term import Node

from kg.base import DEFAULT, pattern, rebase
from kg.errors import ResourceError
from kg.resources import ontology_graph, shapes_graph
from kg.vocab import DCAT, KG, PREFIXES

SEVERITY: dict[Node | None, str] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def validate_graph(graph: Graph) -> tuple[bool, list[str]]:
    """Validate ``graph`` with kg's shapes (ontology as ont_graph, no inference); shapes that name
    instances (the regions' IRIs) are read for the base the graph's reports are under.

    Returns ``(conforms, lines)``; each line reads
    ``violation | report <title or IRI> | focus <node> | path <property> | <message> (value <v>)``,
    or, for a consistency check (a warning: the graph still conforms),
    ``warning | report <title or IRI> | check <name> | <the figures compared>``;
    sorted, so the same graph always gives the same lines.
    """
    from pyshacl import validate  # imported late: pySHACL is slow to import

    from kg.query import graph_base

    base = graph_base(graph)
    try:
        conforms, results, _text = validate(
            graph,
            shacl_graph=shapes_for(base),
            ont_graph=ontology_graph(),
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=False,
        )
    except Exception as error:  # pySHACL raises its own errors for a shape it cannot run
        raise ResourceError("shapes/kg.ttl", f"pySHACL cannot run the shapes: {str(error).strip().splitlines()[0][:200]}") from None
    lines = sorted({_line(graph, results, r, base) for r in results.subjects(RDF.type, SH.ValidationResult)})
    return bool(conforms), lines


def shapes_for(base: str) -> Graph:
    """kg's shapes with their instance IRIs and patterns under ``base``."""
    shapes = shapes_graph()
    if base == DEFAULT:
        return shapes
    out = Graph()
    for s, p, o in shapes:
        s, o = (URIRef(rebase(f"<{t}", base)[1:]) if isinstance(t, URIRef) else t for t in (s, o))
        if isinstance(o, Literal) and p == SH.pattern:
            o = Literal(pattern(str(o), base), datatype=o.datatype)
        elif isinstance(o, Literal) and p in (SH.select, SH.ask):
            o = Literal(rebase(str(o), base), datatype=o.datatype)
        out.add((s, p, o))
    return out


def _line(data: Graph, results: Graph, result: Node, base: str = DEFAULT) -> str:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage)
    value = results.value(result, SH.value)
    severity = SEVERITY.get(results.value(result, SH.resultSeverity), "violation")
    text = " ".join(str(message).split()) if message is not None else _fallback(results, result)
    if results.value(result, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent:
        # a consistency check: the report, the check's name and the figures it compared
        named = data.value(focus, KG.check)  # a kg:CheckFailure names its check; a SPARQL shape is its own check
        check = str(named if named is not None else results.value(result, SH.sourceShape)).rsplit("#", 1)[-1]
        return " | ".join((severity, f"report {_report_label(data, focus, base)}", f"check {check}", text))
    if value is not None and value != focus:
        text += f" (value {short(value)})"
    return " | ".join(
        (severity, f"report {_report_label(data, focus, base)}", f"focus {short(focus)}", f"path {short(path) if path is not None else '-'}", text)
    )


def _fallback(results: Graph, result: Node) -> str:
    component = results.value(result, SH.sourceConstraintComponent)
    return f"fails {short(component)}" if component is not None else "fails a shape"


def report_of(data: Graph, node: Node | None, instances: str = DEFAULT) -> URIRef | None:
    """The report a node belongs to: from its IRI (``kgid:report/...``, under ``instances``) or, for a file, its report."""
    if not isinstance(node, URIRef):
        return None
    iri = str(node)
    base = instances + "report/"
    if iri.startswith(base):
        parts = iri[len(base):].split("/")
        keep = 1 if parts[0].startswith("file-") else 2
        return URIRef(base + "/".join(parts[:keep]))
    report = data.value(None, DCAT.distribution, node)
    return report if isinstance(report, URIRef) else None


def _report_label(data: Graph, node: Node | None, base: str = DEFAULT) -> str:
    report = report_of(data, node, base)
    if report is None:
        return "-"
    title = data.value(report, DCTERMS.title)
    return str(title) if title is not None else short(report)


_NAMESPACES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda pn: -len(pn[1]))


def short(term: Node | None) -> str:
    """A compact name for a term: ``prefix:local`` for kg's prefixes, else the term itself."""
    if isinstance(term, URIRef):
        for prefix, ns in _NAMESPACES:
            if str(term).startswith(ns):
                return f"{prefix}:{str(term)[len(ns):]}"
        return f"<{term}>"
    return repr(str(term)) if term is not None else "-"
