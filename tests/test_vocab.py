"""The vocabulary: kg.vocab and ontology/kg.ttl declare the same terms, each documented in zh and en."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.errors import GraphError, InputError, KgError, NotAReportError, ResourceError
from kg.resources import ontology_graph, parse_turtle, query_names, query_text, shapes_graph
from kg.model import RECORD_METRICS
from kg.vocab import KG, KGM, KGP, KGR, KGU

# The platform types and units of facts.md (its metrics: the table of metrics, tests/test_metrics.py).
PLATFORMS = """website wechat weibo app mobile_newspaper print gazette broadcast hotline bulletin_board
reading_room press_conference sms service_hall""".split()
UNITS = "条 件 次 起 元 万元 篇 期 个 份 人次 场".split()


@pytest.fixture(scope="module")
def onto():
    return ontology_graph()


def kg_terms_in_vocab() -> set[URIRef]:
    return {KG[name] for name in KG.__annotations__}


def kg_terms_in_ontology(graph) -> set[URIRef]:
    ns = str(KG._NS)
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(ns)}


def test_vocab_and_ontology_declare_the_same_kg_terms(onto):
    in_vocab, in_onto = kg_terms_in_vocab(), kg_terms_in_ontology(onto)
    assert in_vocab - in_onto == set(), "declared in kg/vocab.py but not in ontology/kg.ttl"
    assert in_onto - in_vocab == set(), "declared in ontology/kg.ttl but not in kg/vocab.py"


def test_ontology_uses_only_declared_kg_terms(onto):
    ns, declared = str(KG._NS), kg_terms_in_vocab()
    used = {t for triple in onto for t in triple if isinstance(t, URIRef) and str(t).startswith(ns)}
    assert used <= declared


def test_kg_namespace_is_closed():
    with pytest.raises(AttributeError):
        KG.agnecy  # noqa: B018  (misspelt on purpose)
    assert str(KG.agency) == "https://w3id.org/govinfo-kg/ontology#agency"


@pytest.mark.parametrize("prop", [RDFS.label, RDFS.comment])
def test_every_kg_term_is_documented_in_chinese_and_english(onto, prop):
    for term in kg_terms_in_vocab():
        langs = {o.language for o in onto.objects(term, prop) if isinstance(o, Literal)}
        assert {"zh", "en"} <= langs, f"{term} lacks {prop} in zh or en"


def test_ontology_header(onto):
    assert (URIRef("https://w3id.org/govinfo-kg/ontology"), RDF.type, OWL.Ontology) in onto


def concepts(onto, scheme) -> dict[str, URIRef]:
    return {str(onto.value(c, SKOS.notation)): c for c in onto.subjects(SKOS.inScheme, scheme)}


def test_metric_scheme_has_every_metric_of_the_record(onto):
    found = concepts(onto, KG.MetricScheme)
    assert set(RECORD_METRICS) <= set(found)
    for key, concept in found.items():
        assert concept == KGM[key]
        assert {o.language for o in onto.objects(concept, SKOS.prefLabel)} >= {"zh", "en"}
        assert {o.language for o in onto.objects(concept, SKOS.definition)} >= {"zh", "en"}


def test_every_metric_of_the_record_has_its_direct_property(onto):
    declared = {p for p in onto.subjects(RDF.type, OWL.DatatypeProperty) if str(p).startswith(str(KGR))}
    assert declared == {KGR[key] for key in RECORD_METRICS}
    for key in RECORD_METRICS:
        assert onto.value(KGR[key], KG.recordMetric) == KGM[key]
        assert {o.language for o in onto.objects(KGR[key], RDFS.label)} == {"zh", "en"}
        assert {o.language for o in onto.objects(KGR[key], RDFS.comment)} == {"zh", "en"}


def test_platform_scheme_has_trigger_words(onto):
    found = concepts(onto, KG.PlatformScheme)
    assert set(found) == set(PLATFORMS)
    for key, concept in found.items():
        assert concept == KGP[key]
        alt = {str(o) for o in onto.objects(concept, SKOS.altLabel) if o.language == "zh"}
        assert alt, key
    assert "公众号" in {str(o) for o in onto.objects(KGP.wechat, SKOS.altLabel)}
    assert "两微一端" in {str(o) for o in onto.objects(KGP.app, SKOS.altLabel)}


def test_unit_scheme(onto):
    found = concepts(onto, KG.UnitScheme)
    assert set(found) == set(UNITS)
    assert all(found[u] == KGU[u] for u in UNITS)


def test_cube_structure(onto):
    from rdflib.namespace import QB

    from kg.vocab import SDMX_ATTR, SDMX_DIM, SDMX_MEASURE

    dsd = onto.value(KG.disclosureStats, QB.structure)
    assert dsd == KG.disclosureStatsStructure
    components = list(onto.objects(dsd, QB.component))
    dims = {onto.value(c, QB.dimension) for c in components} - {None}
    measures = {onto.value(c, QB.measure) for c in components} - {None}
    attrs = {onto.value(c, QB.attribute) for c in components} - {None}
    assert dims == {KG.agency, SDMX_DIM.refPeriod, KG.metric}
    assert measures == {SDMX_MEASURE.obsValue}
    assert attrs == {SDMX_ATTR.unitMeasure, KG.approximate, KG.sourceReport}


def test_shapes_load_and_every_shape_has_a_message():
    from rdflib.namespace import SH

    shapes = shapes_graph()
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property))
    assert node_shapes and property_shapes
    for shape in node_shapes | property_shapes:
        constraint = shapes.value(shape, SH.sparql)  # a consistency check: the message is the constraint's
        assert shapes.value(constraint if constraint is not None else shape, SH.message) is not None, shape


def test_resources_return_fresh_copies():
    a = ontology_graph()
    a.remove((None, None, None))
    assert len(ontology_graph()) > 100


def test_broken_turtle_is_reported_with_file_and_line():
    broken = "@prefix kg: <https://w3id.org/govinfo-kg/ontology#> .\n\nkg:a kg:b kg:c ;\n    kg:d kg:e .\nkg:f kg:g x:h .\n"
    with pytest.raises(ResourceError) as caught:
        parse_turtle(broken, "ontology/kg.ttl")
    assert str(caught.value).startswith("ontology/kg.ttl:5: ")
    assert "x:" in str(caught.value)


def test_queries():
    names = query_names()
    assert names == sorted(names)
    for name in names:
        assert "SELECT" in query_text(name).upper() or "ASK" in query_text(name).upper()
    with pytest.raises(ResourceError) as caught:
        query_text("no-such-query")
    assert "no-such-query.rq: no such query" in str(caught.value)


def test_error_hierarchy():
    error = NotAReportError("a/b.txt", "not a report")
    assert str(error) == "a/b.txt: not a report"
    assert (error.path, error.message) == ("a/b.txt", "not a report")
    assert isinstance(error, InputError) and isinstance(error, KgError)
    assert issubclass(ResourceError, KgError) and issubclass(GraphError, KgError)
