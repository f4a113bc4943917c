"""kg build --base-iri: a store and a Turtle file whose instances are minted under a portal's
own base hold the same graph as a default build, with the base swapped and nothing left under
the default; queries, validation and exports work on them; a store keeps its base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.base import DEFAULT, check, rebase
from kg.cli import app
from kg.errors import KgError
from kg.query import list_queries
from kg.store import instance_base
from kg.vocab import ONTOLOGY
from kg.store_open import open_store
from tests.conftest import DEV, EXAMPLES

runner = CliRunner()
BASE = "https://data.example.gov.cn/"


def corpus(where: Path, count: int | None = None) -> Path:
    """The examples and the dev web-page texts (one agency over three years among them)."""
    where.mkdir(parents=True, exist_ok=True)
    for path in sorted([*EXAMPLES.glob("*.txt"), *DEV.glob("*.txt")])[:count]:
        shutil.copy(path, where / path.name)
    return where


def build(*args: str):
    return runner.invoke(app, ["build", *args])


def swapped(value: str) -> str:
    return DEFAULT + value[len(BASE):] if value.startswith(BASE) else value


def quads(store: Path, keep_void: bool = False) -> set[str]:
    """The store's quads as N-Quads lines with the custom base swapped back (the ontology, whose
    blank nodes are named anew in each store, and the void graph's build time left out)."""
    db = ox.Store.read_only(str(store))
    out = set()
    for quad in db:
        if quad.graph_name == ox.NamedNode(ONTOLOGY):
            continue
        if str(quad.predicate) == "<http://purl.org/dc/terms/modified>" and not keep_void:
            continue
        terms = [ox.NamedNode(swapped(t.value)) if isinstance(t, ox.NamedNode) else t for t in quad]
        if isinstance(quad.object, ox.Literal) and quad.object.value == BASE:  # void:uriSpace
            terms[2] = ox.Literal(DEFAULT)
        out.add(str(ox.Quad(*terms)))
    return out


def under_default(store: Path) -> list[str]:
    db = ox.Store.read_only(str(store))
    return [str(q) for q in db for t in (q.subject, q.object, q.graph_name) if isinstance(t, ox.NamedNode) and t.value.startswith(DEFAULT)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("base")
    reports = corpus(root / "reports")
    default, custom = root / "default", root / "custom"
    assert build(str(reports), "--store", str(default)).exit_code == 0
    result = build(str(reports), "--store", str(custom), "--base-iri", BASE, "--jobs", "2")
    assert result.exit_code == 0, result.output
    return reports, default, custom


def test_nothing_is_left_under_the_default_base(built):
    _, default, custom = built
    assert under_default(custom) == []
    assert under_default(default)  # the check sees the default where it is
    db = ox.Store.read_only(str(custom))
    graphs = {g.value for g in db.named_graphs()}
    assert {BASE + "graph/shared", BASE + "graph/series-links", BASE + "graph/void"} <= graphs
    assert instance_base(db) == BASE and instance_base(ox.Store.read_only(str(default))) == DEFAULT


def test_same_graph_as_a_default_build_with_the_base_swapped(built):
    _, default, custom = built
    assert len(ox.Store.read_only(str(custom))) == len(ox.Store.read_only(str(default)))
    assert quads(custom) == quads(default)


def test_every_shipped_query_gives_the_same_rows(built):
    _, default, custom = built
    runs = [(info.name, {}) for info in list_queries()]
    runs += [("figure-evidence", {"metric_key": "applications_received", "year": 2021}), ("agencies", {"region": "350100"})]
    with open_store(default, read_only=True) as on_default, open_store(custom, read_only=True) as on_custom:
        for name, params in runs:
            columns, rows = on_custom.query(name, params)
            want = on_default.query(name, params)
            assert (columns, [[swapped(c) if isinstance(c, str) else c for c in row] for row in rows]) == want, name
        assert on_custom.query("agencies", {"region": "350100"})[1]  # a region parameter resolves under the store's base


def test_commands_work_on_a_custom_base_store(built, tmp_path):
    _, default, custom = built
    assert runner.invoke(app, ["validate", "--store", str(custom)]).stdout == \
        runner.invoke(app, ["validate", "--store", str(default)]).stdout.replace(str(default), str(custom))
    listed = runner.invoke(app, ["agencies", "--store", str(custom)])
    assert listed.exit_code == 0 and listed.stdout == runner.invoke(app, ["agencies", "--store", str(default)]).stdout
    dump = tmp_path / "all.nq"
    assert runner.invoke(app, ["export", "--store", str(custom), "-o", str(dump)]).exit_code == 0
    text = dump.read_text(encoding="utf-8")
    assert BASE + "report/" in text and DEFAULT not in text


def test_a_rerun_keeps_the_base_and_writes_nothing(built):
    reports, _, custom = built
    before = quads(custom, keep_void=True)
    result = build(str(reports), "--store", str(custom))
    assert result.exit_code == 0 and " 0 added, 0 replaced" in result.stdout
    assert quads(custom, keep_void=True) == before  # not even the statistics' time


def test_another_base_is_refused_and_changes_nothing(built):
    reports, default, custom = built
    before = quads(custom, keep_void=True)
    for store, base in ((custom, "https://other.example.org/kg/"), (default, BASE)):
        result = build(str(reports), "--store", str(store), "--base-iri", base)
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and "build a new store" in result.output and str(store) in result.output
    assert quads(custom, keep_void=True) == before


def test_a_changed_and_a_removed_file_with_prune(tmp_path):
    reports = corpus(tmp_path / "reports", 6)
    custom, default = tmp_path / "custom", tmp_path / "default"
    assert build(str(reports), "--store", str(custom), "--base-iri", BASE).exit_code == 0
    files = sorted(reports.glob("*.txt"))
    files[0].unlink()
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\n本报告由本机关负责解释。\n", encoding="utf-8")
    result = build(str(reports), "--store", str(custom), "--prune")
    assert result.exit_code == 0 and "1 replaced" in result.stdout and "1 removed" in result.stdout
    assert build(str(reports), "--store", str(default)).exit_code == 0
    assert under_default(custom) == [] and quads(custom) == quads(default)


def test_turtle_output_under_a_base(tmp_path):
    reports = corpus(tmp_path / "reports")
    plain, based = tmp_path / "plain.ttl", tmp_path / "based.ttl"
    assert build(str(reports), "-o", str(plain)).exit_code == 0
    assert build(str(reports), "-o", str(based), "--base-iri", BASE, "--jobs", "2").exit_code == 0
    assert DEFAULT not in based.read_text(encoding="utf-8")
    got, want = Graph().parse(based), Graph().parse(plain)
    back = {tuple(URIRef(swapped(str(t))) if isinstance(t, URIRef) else t for t in triple) for triple in got}
    assert back == set(want)
    # a graph file's base is read from its reports: queries and validation work on it
    for name in ("missing-reports", "agencies"):
        on_based = runner.invoke(app, ["query", name, "-g", str(based), "-f", "csv"]).stdout
        assert on_based.replace(BASE, DEFAULT) == runner.invoke(app, ["query", name, "-g", str(plain), "-f", "csv"]).stdout
    assert runner.invoke(app, ["validate", str(based)]).exit_code == 0


@pytest.mark.parametrize("url", [
    "ftp://data.example.gov.cn/", "https://data.example.gov.cn", "data.example.gov.cn/", "https:///x/",
    "https://data.example.gov.cn/a b/", "https://data.example.gov.cn/?x=1/", "https://data.example.gov.cn/#/",
    "https://w3id.org/govinfo-kg/mine/", "https://w3id.org/", "http://www.w3.org/",
])
def test_a_bad_base_is_a_usage_error(tmp_path, url):
    result = build(str(EXAMPLES), "--store", str(tmp_path / "store"), "--base-iri", url)
    assert result.exit_code == 2 and result.output.startswith("kg: --base-iri: ") and result.output.count("\n") == 1
    assert not (tmp_path / "store").exists()
    with pytest.raises(KgError):
        check(url)


def test_rebase_swaps_iris_and_the_strings_queries_compare():
    text = 'PREFIX region: <https://w3id.org/govinfo-kg/id/region/> FILTER(STRSTARTS(STR(?r), "https://w3id.org/govinfo-kg/id/report/file-"))'
    assert rebase(text, BASE) == f'PREFIX region: <{BASE}region/> FILTER(STRSTARTS(STR(?r), "{BASE}report/file-"))'
    assert rebase(text, DEFAULT) == text
    assert check(DEFAULT) == DEFAULT and check(BASE) == BASE
    assert Literal(BASE)  # a base is a plain string: void:uriSpace's value


def test_an_agencies_file_and_its_change_under_a_base(tmp_path):
    reports = corpus(tmp_path / "reports")
    header = "name,region,override,parent,renamed_from,merged_into,year\n"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(header + "张店区信访局,370303,,370303/人民政府,张店区信访办公室,,2012\n", encoding="utf-8")
    second.write_text(header + "张店区信访局,370303,,,,张店区人民政府,2020\n", encoding="utf-8")
    custom, default = tmp_path / "custom", tmp_path / "default"
    for agencies in (first, second):
        assert build(str(reports), "--store", str(custom), "--base-iri", BASE, "--agencies", str(agencies)).exit_code == 0
        assert build(str(reports), "--store", str(default), "--agencies", str(agencies)).exit_code == 0
        assert under_default(custom) == [] and quads(custom) == quads(default)
        db = ox.Store.read_only(str(custom))
        assert list(db.quads_for_pattern(None, None, ox.NamedNode("http://www.w3.org/ns/org#ChangeEvent"), ox.NamedNode(BASE + "graph/shared")))


def test_a_dask_cluster_builds_the_same_store_under_a_base(tmp_path):
    distributed = pytest.importorskip("distributed")
    serial, on_dask = tmp_path / "serial", tmp_path / "dask"
    assert build(str(EXAMPLES), "--store", str(serial), "--base-iri", BASE).exit_code == 0
    with distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        result = build(str(EXAMPLES), "--store", str(on_dask), "--base-iri", BASE, "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert under_default(on_dask) == [] and quads(on_dask) == quads(serial)
