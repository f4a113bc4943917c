"""kg catalog and kg.catalog.describe: the DCAT 3 catalogue and the VoID description of a store,
whose figures a build counts once and keeps (equal to what SPARQL counts, refreshed when the
store changes, not when it does not)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, VOID
from typer.testing import CliRunner

from kg.base import DEFAULT
from kg.catalog import describe, serialize
from kg.cli import app
from kg.store import instance_base
from kg.vocab import DCAT, KG, ONTOLOGY, SCHEMA
from tests.conftest import DEV, EXAMPLES

runner = CliRunner()
BASE = "https://data.example.gov.cn/"
ENDPOINT = "https://data.example.gov.cn/sparql"
DUMP = "https://data.example.gov.cn/dump/all.nq"


def corpus(where: Path, files: list[Path]) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy(path, where / path.name)
    return where


def build(*args: str):
    result = runner.invoke(app, ["build", *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("catalog")
    reports = corpus(root / "reports", [*EXAMPLES.glob("*.txt"), *DEV.glob("*.txt")])
    build(str(reports), "--store", str(root / "default"))
    build(str(reports), "--store", str(root / "custom"), "--base-iri", BASE)
    return root / "default", root / "custom"


def count(db: ox.Store, where: str, what: str = "*") -> int:
    data = f"FILTER(?g != <{ONTOLOGY}> && !STRENDS(STR(?g), 'graph/void'))"
    rows = list(db.query(f"SELECT (COUNT({what}) AS ?n) WHERE {{ GRAPH ?g {{ {where} }} {data} }}"))
    return int(rows[0][0].value)


def value(graph: Graph, subject, predicate) -> int:
    found = graph.value(subject, predicate)
    assert found is not None, (subject, predicate)
    return int(found)


@pytest.mark.parametrize("which", [0, 1])
def test_void_figures_are_what_sparql_counts(stores, which):
    db = ox.Store.read_only(str(stores[which]))
    base = instance_base(db)
    graph = describe(db, endpoint=ENDPOINT)
    dataset = URIRef(base + "dataset")
    assert value(graph, dataset, VOID.triples) == count(db, "?s ?p ?o")
    assert value(graph, dataset, VOID.properties) == count(db, "?s ?p ?o", "DISTINCT ?p")
    data = f"FILTER(?g != <{ONTOLOGY}> && !STRENDS(STR(?g), 'graph/void'))"
    predicates = {row[0].value for row in db.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {data} }}")}
    assert {str(graph.value(p, VOID.property)) for p in graph.objects(dataset, VOID.propertyPartition)} == predicates
    partitions = {graph.value(p, VOID["class"]): value(graph, p, VOID.entities) for p in graph.objects(dataset, VOID.classPartition)}
    assert value(graph, dataset, VOID.classes) == len(partitions) >= 10
    for cls in (ORG.FormalOrganization, SCHEMA.Report, DCAT.Dataset, SKOS.Concept, KG.CheckFailure):
        if cls in partitions or count(db, f"?s a <{cls}>"):
            assert partitions[cls] == count(db, f"?s a <{cls}>"), cls
    # classes the lean graph leaves to a property's range: the objects of that property
    assert partitions[URIRef("http://purl.org/linked-data/cube#Observation")] == count(db, "?s <http://purl.org/linked-data/cube#observation> ?o")
    assert partitions[DCAT.DatasetSeries] == count(db, f"?r <{DCAT.inSeries}> ?s", "DISTINCT ?s")
    regions = count(db, f"?r <{SKOS.inScheme}> <{base}region/gb2260>")
    assert value(graph, dataset, VOID.entities) == partitions[ORG.FormalOrganization] + partitions[SCHEMA.Report] + regions
    years = sorted(int(row[0].value) for row in db.query("SELECT DISTINCT ?y WHERE { GRAPH ?g { ?r <https://w3id.org/govinfo-kg/ontology#reportYear> ?y } }"))
    period = graph.value(dataset, DCTERMS.temporal)
    assert (int(graph.value(period, DCAT.startDate)), int(graph.value(period, DCAT.endDate))) == (years[0], years[-1])
    provinces = set(graph.objects(dataset, DCTERMS.spatial))
    assert provinces and all(str(p).startswith(base + "region/") and str(p).endswith("0000") for p in provinces)


def test_dcat_catalogue_with_the_data_service(stores):
    _, custom = stores
    result = runner.invoke(app, ["catalog", "--store", str(custom), "--endpoint", ENDPOINT, "--dump", DUMP, "--publisher", "某市政务服务数据管理局"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    catalog = URIRef(BASE + "catalog")
    dataset = URIRef(BASE + "dataset")
    assert (catalog, RDF.type, DCAT.Catalog) in graph and (catalog, DCAT.dataset, dataset) in graph
    assert Literal("政府信息公开工作年度报告知识图谱", lang="zh") in set(graph.objects(catalog, DCTERMS.title))
    service = graph.value(catalog, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in graph
    assert graph.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert graph.value(service, DCAT.servesDataset) == dataset
    assert graph.value(service, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    assert {(dataset, RDF.type, DCAT.Dataset), (dataset, RDF.type, VOID.Dataset)} <= set(graph)
    distribution = graph.value(dataset, DCAT.distribution)
    assert graph.value(distribution, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/application/n-quads")
    assert graph.value(distribution, DCAT.downloadURL) == URIRef(DUMP) == graph.value(dataset, VOID.dataDump)
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(ENDPOINT)
    assert graph.value(dataset, VOID.uriSpace) == Literal(BASE)
    examples = {str(e) for e in graph.objects(dataset, VOID.exampleResource)}
    assert {e.split("/")[3] for e in examples} == {"agency", "report", "region"} and all(e.startswith(BASE) for e in examples)
    assert URIRef("http://www.w3.org/ns/org#") in set(graph.objects(dataset, VOID.vocabulary))
    assert str(graph.value(graph.value(catalog, DCTERMS.publisher), URIRef("http://xmlns.com/foaf/0.1/name"))) == "某市政务服务数据管理局"
    assert len(list(graph.objects(dataset, DCAT.keyword))) >= 4


def test_formats_and_the_default_base(stores, tmp_path):
    default, _ = stores
    out = tmp_path / "void.jsonld"
    result = runner.invoke(app, ["catalog", "--store", str(default), "-f", "jsonld", "-o", str(out)])
    assert result.exit_code == 0, result.output
    json.loads(out.read_text(encoding="utf-8"))
    graph = Graph().parse(out, format="json-ld")
    assert graph.value(URIRef(DEFAULT + "dataset"), VOID.uriSpace) == Literal(DEFAULT)
    assert not list(graph.subjects(RDF.type, DCAT.DataService))  # no endpoint given: no service
    nt = runner.invoke(app, ["catalog", "--store", str(default), "-f", "ntriples"])
    assert len(Graph().parse(data=nt.stdout, format="nt")) == len(graph)


def test_bad_options_are_one_line(tmp_path, stores):
    for args in (["--store", str(tmp_path / "none")], ["--store", str(stores[0]), "--endpoint", "not a url"],
                 ["--store", str(stores[0]), "--dump", "ftp://x/y.nq"], ["--store", str(stores[0]), "--publisher", "https://x/a b"]):
        result = runner.invoke(app, ["catalog", *args])
        assert result.exit_code == 2 and result.output.startswith("kg: ") and result.output.count("\n") == 1, result.output


def test_statistics_refreshed_when_the_store_changes_only(tmp_path):
    files = sorted(EXAMPLES.glob("*.txt"))
    reports = corpus(tmp_path / "reports", files[:3])
    store = tmp_path / "store"
    build(str(reports), "--store", str(store), "--base-iri", BASE)

    def stats():
        db = ox.Store.read_only(str(store))
        graph = describe(db)
        dataset = URIRef(BASE + "dataset")
        # properties: those kept, and the written reports', each looked up again (removed ones drop out)
        assert value(graph, dataset, VOID.properties) == count(db, "?s ?p ?o", "DISTINCT ?p")
        return value(graph, dataset, VOID.triples), graph.value(dataset, DCTERMS.modified), count(db, "?s ?p ?o")

    first = stats()
    assert first[0] == first[2]
    time.sleep(1.1)  # the build time is kept to the second
    build(str(reports), "--store", str(store))
    assert stats() == first  # nothing changed: not counted again
    corpus(reports, files[3:])
    build(str(reports), "--store", str(store))
    second = stats()
    assert second[0] == second[2] > first[0] and second[1] > first[1]
    (reports / files[0].name).unlink()
    build(str(reports), "--store", str(store), "--prune")
    third = stats()
    assert third[0] == third[2] < second[0]


def test_describe_reads_what_the_build_kept(stores):
    # the statistics are a point lookup: describing a store does not count it again
    _, custom = stores
    db = ox.Store.read_only(str(custom))
    started = time.perf_counter()
    for _ in range(5):
        text = serialize(describe(db, endpoint=ENDPOINT), "turtle")
    assert (time.perf_counter() - started) / 5 < 0.3
    assert "void:triples" in text


def test_a_store_without_statistics_is_counted_on_demand(tmp_path):
    reports = corpus(tmp_path / "reports", sorted(EXAMPLES.glob("*.txt")))
    store = tmp_path / "store"
    build(str(reports), "--store", str(store), "--base-iri", BASE)
    kept = serialize(describe(ox.Store.read_only(str(store))), "ntriples")
    from kg.store_open import open_store

    with open_store(store) as writer:  # what a build cut short leaves: no figures
        writer.put_statistics("")
    db = ox.Store.read_only(str(store))
    void = ox.NamedNode(BASE + "graph/void")
    assert not list(db.quads_for_pattern(None, ox.NamedNode(str(VOID.triples)), None, void))
    counted = serialize(describe(db), "ntriples")
    drop = ("/terms/modified>",)
    assert sorted(line for line in counted.splitlines() if not any(d in line for d in drop)) == \
        sorted(line for line in kept.splitlines() if not any(d in line for d in drop))
    build(str(reports), "--store", str(store))  # nothing changed, but the figures are missing: counted
    assert list(ox.Store.read_only(str(store)).quads_for_pattern(None, ox.NamedNode(str(VOID.triples)), None, void))
