"""The store described for data catalogues and crawlers: DCAT 3 and VoID (``kg catalog``, the
portal's ``/catalog`` and ``/.well-known/void``).

Counting a store takes seconds (17 M triples at 20,000 reports), a catalogue page must answer
in a fraction of one. So :func:`statistics` runs once, at the end of a store build that changed
something, and is kept in the store's ``kgid:graph/void`` graph (without ``rdf:type`` triples,
which would add a data set to the queries' answers); :func:`describe` reads it back (a point
lookup) and adds what the request decides: the endpoint's and the dump's URLs. docs/linked-data.md
says which terms are used and how each figure is counted.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, QB, RDF, SKOS, VOID, XSD
from rdflib.term import Node

from kg.base import DEFAULT, from_default
from kg.store import DATASET, LINKS, ONTOLOGY, SHARED, VOID_GRAPH, ReportStore
from kg.vocab import (
    DCAT, DQV, IANA, KG, OA, SCHEMA, SDMX_ATTR, SDMX_DIM, SDMX_MEASURE, VCARD, PREFIXES, bind_prefixes,
)

Triple = tuple[Node, Node, Node]

TITLE = (Literal("政府信息公开工作年度报告知识图谱", lang="zh"),
         Literal("Knowledge graph of China's annual reports on government information disclosure", lang="en"))
DESCRIPTION = (
    Literal("各级行政机关政府信息公开工作年度报告中的统计数据、机关、行政区划及其出处，每个数字都指向报告原文。", lang="zh"),
    Literal("The figures, agencies and administrative divisions of Chinese agencies' annual reports on government "
            "information disclosure, each figure with the sentence or table cell it was read from.", lang="en"),
)
KEYWORDS = (Literal("政府信息公开", lang="zh"), Literal("年度报告", lang="zh"), Literal("依申请公开", lang="zh"),
            Literal("行政复议", lang="zh"), Literal("government information disclosure", lang="en"),
            Literal("annual report", lang="en"), Literal("open government", lang="en"))
# the vocabularies the graph's terms come from (void:vocabulary)
VOCABULARIES = (str(ORG), str(DCAT), str(DCTERMS), str(QB), str(SDMX_DIM), str(SDMX_MEASURE), str(SDMX_ATTR),
                str(PROV), str(VCARD), str(SKOS), str(OA), str(SCHEMA), str(DQV), str(KG))
N_QUADS = IANA["application/n-quads"]
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
# classes kg's lean graph leaves to the range of a property (W3C Data Cube's normalisation, DCAT's
# ranges): counted as the objects of that property (distinct where several subjects share one),
# where nothing is typed so
IMPLIED = ((QB.Observation, QB.observation, "*"), (DCAT.DatasetSeries, DCAT.inSeries, "DISTINCT ?o"),
           (DCAT.Distribution, DCAT.distribution, "*"))

_NOT_DATA = f"FILTER(?g != <{ONTOLOGY}> && ?g != <{VOID_GRAPH}>)"
_SCHEME = DEFAULT + "region/gb2260"


def _count(store: ReportStore, where: str, what: str = "*") -> int:
    rows = store.select(f"SELECT (COUNT({what}) AS ?n) WHERE {{ {where} }}")
    return int(rows[0][0].value) if rows else 0


_NAMESPACES = sorted(((prefix, str(ns)) for prefix, ns in PREFIXES.items()), key=lambda pn: -len(pn[1]))


def _partition(kind: str, term: str) -> URIRef:
    """The partition of a class or property: ``kgid:dataset/class/org-FormalOrganization``,
    ``kgid:dataset/property/dcterms-title`` (kg's prefix, else a digest)."""
    for prefix, namespace in _NAMESPACES:
        if term.startswith(namespace) and re.fullmatch(r"[A-Za-z][\w-]*", term[len(namespace):]):
            return URIRef(f"{DATASET}/{kind}/{prefix}-{term[len(namespace):]}")
    return URIRef(f"{DATASET}/{kind}/{hashlib.sha256(term.encode('utf-8')).hexdigest()[:16]}")


def statistics(store: ReportStore, triples: int, properties: set[str] | None = None) -> list[Triple]:
    """The figures a catalogue states of the store's data graphs (reports, shared triples, series
    links; not the ontology), as triples under the default base: ``triples`` (the build's count),
    classes and class partitions, properties and property partitions, entities, and when they
    were counted (the one property the reports do not use). ``properties``: every property the
    report graphs may use (those kept before and those of the reports a build wrote), else they
    are listed from the whole store (seconds). Measured at 20,000 reports: docs/linked-data.md."""
    dataset = URIRef(DATASET)
    out: list[Triple] = [(dataset, VOID.triples, Literal(triples))]
    classes = {
        row[0].value: int(row[1].value)
        for row in store.select(f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} {_NOT_DATA} }} GROUP BY ?c")
    }
    for cls, prop, what in IMPLIED:
        if not classes.get(str(cls)):
            implied = _count(store, f"GRAPH ?g {{ ?s <{prop}> ?o }} {_NOT_DATA}", what)
            if implied:
                classes[str(cls)] = implied
    for cls, n in sorted(classes.items()):
        node = _partition("class", cls)
        out += [(dataset, VOID.classPartition, node), (node, VOID["class"], URIRef(cls)), (node, VOID.entities, Literal(n))]
    used = _properties(store) if properties is None else _present(store, properties)
    for predicate in sorted(used):
        node = _partition("property", predicate)
        out += [(dataset, VOID.propertyPartition, node), (node, VOID.property, URIRef(predicate))]
    regions = _count(store, f"GRAPH <{SHARED}> {{ ?r <{SKOS.inScheme}> <{_SCHEME}> }}")
    agencies = classes.get(str(ORG.FormalOrganization), 0) + classes.get(str(ORG.Organization), 0)
    out += [
        (dataset, VOID.classes, Literal(len(classes))),
        (dataset, VOID.properties, Literal(len(used))),
        (dataset, VOID.entities, Literal(agencies + classes.get(str(SCHEMA.Report), 0) + regions)),
    ]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    out.append((dataset, DCTERMS.modified, Literal(now.isoformat(), datatype=XSD.dateTime)))
    return out


def _properties(store: ReportStore) -> set[str]:
    """The predicates of the data graphs. Listed over the union of all graphs (8 s at 17 M
    triples; restricted to the data graphs by a filter on each quad, 12 s), then those the
    ontology or the void graph use are kept only where a data graph uses them too."""
    result = store.db.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    every = {row[0].value for row in result}
    other = {row[0].value for row in store.select(f"SELECT DISTINCT ?p WHERE {{ VALUES ?g {{ <{ONTOLOGY}> <{VOID_GRAPH}> }} GRAPH ?g {{ ?s ?p ?o }} }}")}
    for predicate in every & other:
        if not store.select(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} {_NOT_DATA} }} LIMIT 1"):
            every.discard(predicate)
    return every


def coverage(store: ReportStore) -> list[Triple]:
    """The span of report years (``dcterms:temporal``) and the provinces covered (``dcterms:spatial``),
    under the default base. Not kept with the statistics: reports state their own period and
    division with the same properties, and a query for them must not find the whole graph. At
    20,000 reports: 26-34 ms."""
    dataset = URIRef(DATASET)
    out: list[Triple] = []
    years = store.select(f"SELECT (MIN(?y) AS ?a) (MAX(?y) AS ?b) WHERE {{ GRAPH ?g {{ ?r <{KG.reportYear}> ?y }} }}")
    if years and years[0][0] is not None:
        period = URIRef(DATASET + "/period")
        out += [(dataset, DCTERMS.temporal, period), (period, RDF.type, DCTERMS.PeriodOfTime),
                (period, DCAT.startDate, Literal(years[0][0].value, datatype=XSD.gYear)),
                (period, DCAT.endDate, Literal(years[0][1].value, datatype=XSD.gYear))]
    for row in store.select(f'SELECT DISTINCT ?r WHERE {{ GRAPH <{SHARED}> {{ ?r <{KG.divisionLevel}> "province" }} }}'):
        out.append((dataset, DCTERMS.spatial, URIRef(row[0].value)))
    return out


def _present(store: ReportStore, candidates: set[str]) -> set[str]:
    """Of ``candidates`` and the properties of the shared and series-links graphs (small), those a
    data graph uses: one index lookup each (a property a report no longer uses drops out)."""
    rows = store.select(f"SELECT DISTINCT ?p WHERE {{ VALUES ?g {{ <{SHARED}> <{LINKS}> }} GRAPH ?g {{ ?s ?p ?o }} }}")
    out = set()
    for predicate in candidates | {row[0].value for row in rows}:
        if store.select(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} {_NOT_DATA} }} LIMIT 1"):
            out.add(predicate)
    return out


def kept_properties(store: ReportStore) -> set[str] | None:
    """The properties the store's statistics list (None: it keeps none)."""
    if not has_statistics(store):
        return None
    rows = store.select(f"SELECT ?p WHERE {{ GRAPH <{VOID_GRAPH}> {{ <{DATASET}> <{VOID.propertyPartition}> ?x . ?x <{VOID.property}> ?p }} }}")
    return {row[0].value for row in rows}


def has_statistics(store: ReportStore) -> bool:
    """Whether the store keeps the statistics (a build computed them since it last changed)."""
    graph = ox.NamedNode(store.stored(VOID_GRAPH))
    return next(store.db.quads_for_pattern(ox.NamedNode(store.stored(DATASET)), ox.NamedNode(str(VOID.triples)), None, graph), None) is not None


def stored_statistics(db: ox.Store, base: str) -> list[Triple]:
    """The statistics a store keeps (its void graph), as rdflib triples under its base; none when absent."""
    from kg.export import rdflib_term

    quads = db.quads_for_pattern(None, None, None, ox.NamedNode(base + "graph/void"))
    return [(rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)) for q in quads]


def describe(
    db: ox.Store,
    *,
    base: str | None = None,
    endpoint: str | None = None,
    dump: str | None = None,
    publisher: str | None = None,
) -> Graph:
    """The store as a DCAT 3 catalogue and a VoID description (an rdflib Graph, prefixes bound).

    ``base`` defaults to the store's (:func:`kg.store.instance_base`). ``endpoint`` is the SPARQL
    endpoint's URL (a ``dcat:DataService`` and ``void:sparqlEndpoint``), ``dump`` an N-Quads
    dump's (``dcat:downloadURL``, ``void:dataDump``), ``publisher`` an IRI or a name. Reads the
    statistics the last build kept; a store without them (built by an older kg) is counted
    now, which takes seconds on a large store.
    """
    from kg.store import instance_base

    base = base or instance_base(db)

    def mint(iri: str) -> URIRef:
        return URIRef(from_default(iri, base))

    graph = bind_prefixes(Graph(bind_namespaces="none"))
    graph.bind("kgid", base, override=True, replace=True)  # the store's instances
    graph.bind("region", base + "region/", override=True, replace=True)
    graph.bind("void", str(VOID))
    graph.bind("foaf", str(FOAF))
    store = ReportStore(db, "(store)")
    store.base = base
    stats = stored_statistics(db, base)
    if not any(p == VOID.triples for _, p, _ in stats):
        stats = [(_rebased(s, base), p, _rebased(o, base)) for s, p, o in statistics(store, store.triple_count())]
    for triple in stats + [(_rebased(s, base), p, _rebased(o, base)) for s, p, o in coverage(store)]:
        graph.add(triple)
    catalog, dataset, distribution = mint(DEFAULT + "catalog"), mint(DATASET), mint(DATASET + "/dump")
    modified = graph.value(dataset, DCTERMS.modified) or Literal(datetime.now(timezone.utc).date().isoformat(), datatype=XSD.date)
    add = graph.add
    for node, cls in ((catalog, DCAT.Catalog), (dataset, DCAT.Dataset), (dataset, VOID.Dataset), (distribution, DCAT.Distribution)):
        add((node, RDF.type, cls))
    for node in (catalog, dataset):
        for text in TITLE:
            add((node, DCTERMS.title, text))
        for text in DESCRIPTION:
            add((node, DCTERMS.description, text))
        add((node, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/zh")))
    add((catalog, DCTERMS.modified, modified))
    add((catalog, DCAT.dataset, dataset))
    if publisher:
        agent = URIRef(publisher) if publisher.startswith(("http://", "https://")) else mint(DEFAULT + "catalog/publisher")
        add((catalog, DCTERMS.publisher, agent))
        add((dataset, DCTERMS.publisher, agent))
        if agent != URIRef(publisher):
            add((agent, RDF.type, FOAF.Agent))
            add((agent, FOAF.name, Literal(publisher)))
    for keyword in KEYWORDS:
        add((dataset, DCAT.keyword, keyword))
    add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY)))
    add((dataset, VOID.uriSpace, Literal(base)))
    for namespace in VOCABULARIES:
        add((dataset, VOID.vocabulary, URIRef(namespace)))
    for example in _examples(db, base):
        add((dataset, VOID.exampleResource, example))
    for partition in [*graph.objects(dataset, VOID.classPartition), *graph.objects(dataset, VOID.propertyPartition)]:
        add((partition, RDF.type, VOID.Dataset))
    add((dataset, DCAT.distribution, distribution))
    add((distribution, DCAT.mediaType, N_QUADS))
    add((distribution, DCTERMS.title, Literal("N-Quads dump (one named graph per report)", lang="en")))
    if dump:
        add((distribution, DCAT.downloadURL, URIRef(dump)))
        add((distribution, DCAT.accessURL, URIRef(dump)))
        add((dataset, VOID.dataDump, URIRef(dump)))
    elif endpoint:  # DCAT-AP requires an access URL: the service the data can be had from
        add((distribution, DCAT.accessURL, URIRef(endpoint)))
    if endpoint:
        service = mint(DEFAULT + "service/sparql")
        add((service, RDF.type, DCAT.DataService))
        add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
        add((service, DCAT.endpointURL, URIRef(endpoint)))
        add((service, DCAT.servesDataset, dataset))
        add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
        add((catalog, DCAT.service, service))
        add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
        add((distribution, DCAT.accessService, service))
    return graph


def _rebased(term: Node, base: str) -> Node:
    return URIRef(from_default(str(term), base)) if isinstance(term, URIRef) else term


def _examples(db: ox.Store, base: str) -> list[URIRef]:
    """One agency, one report and one region of the store: the first each index gives (a point lookup)."""
    rdf_type, in_scheme = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SKOS.inScheme))
    patterns = ((rdf_type, ox.NamedNode(str(ORG.FormalOrganization))), (rdf_type, ox.NamedNode(str(SCHEMA.Report))),
                (in_scheme, ox.NamedNode(base + "region/gb2260")))
    out = []
    for predicate, obj in patterns:
        quad = next(db.quads_for_pattern(None, predicate, obj), None)
        if quad is not None and isinstance(quad.subject, ox.NamedNode):
            out.append(URIRef(quad.subject.value))
    return out


FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}


def serialize(graph: Graph, fmt: str = "turtle") -> str:
    """The description as Turtle, JSON-LD or N-Triples text."""
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in graph.namespaces()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True)
    return graph.serialize(format=FORMATS[fmt])
