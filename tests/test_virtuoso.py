"""kg push into a second real engine, Virtuoso (tests.virtuoso): the store of the examples pushed
once, then Virtuoso's SPARQL endpoint gives the rows kg gives for the same shipped queries."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from kg import resources
from kg.query import literal_value
from kg.store_open import open_store
from tests.conftest import EXAMPLES
from tests.hostile import run_kg
from tests.virtuoso import virtuoso

# queries Virtuoso answers as Oxigraph does: subqueries, aggregates, OPTIONAL, Chinese labels.
# Not coverage and totals-per-division: Virtuoso refuses skos:broader* with neither end bound
# ("transitive start not given"); not reports-overview: it gives booleans as 1 and 0.
QUERIES = ("applications-per-year", "platforms-most-used", "figure-evidence")


@pytest.fixture(scope="module")
def pushed(tmp_path_factory):
    """(store folder, Virtuoso) once the store of the examples is pushed into it."""
    folder = tmp_path_factory.mktemp("virtuoso")
    with virtuoso(folder) as server:
        store = folder / "store"
        built = run_kg("build", EXAMPLES, "--store", store)
        assert built.returncode == 0, built.stderr
        netrc = folder / "empty.netrc"
        netrc.write_text("", encoding="utf-8")
        run = run_kg("push", "--store", store, "--endpoint", server.url + "/sparql-graph-crud", env={"KG_PUSH_USER": "", "NETRC": str(netrc)})
        assert run.returncode == 0 and run.stderr == "", run.stderr
        assert run.stdout.startswith("pushed ") and ": 0 already there, 0 retried, 0 refused, 0 deleted" in run.stdout, run.stdout
        yield store, server


def select(server, text: str) -> tuple[list[str], list[list[object]]]:
    """Virtuoso's answer to a SELECT as kg's rows: literals as the values kg.query gives, IRIs as text."""
    request = urllib.request.Request(server.url + "/sparql", data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    columns = answer["head"]["vars"]

    def value(term):
        if term is None:
            return None
        return term["value"] if term["type"] in ("uri", "bnode") else literal_value(term["value"], term.get("datatype"))

    return columns, [[value(binding.get(column)) for column in columns] for binding in answer["results"]["bindings"]]


def test_every_graph_arrives_whole(pushed):
    store, server = pushed
    with open_store(store) as db:
        graphs = {graph: len(list(db.db.quads_for_pattern(None, None, None, ox.NamedNode(graph)))) for graph in db.all_graphs()}
    values = " ".join(f"<{graph}>" for graph in graphs)
    _, rows = select(server, f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g")
    assert dict(rows) == graphs


@pytest.mark.parametrize("name", QUERIES)
def test_virtuoso_gives_the_rows_kg_gives(pushed, name):
    store, server = pushed
    with open_store(store) as db:
        columns, rows = db.query(name)
    assert rows, f"{name} gives no rows on the examples: it would compare nothing"
    there_columns, there = select(server, resources.query_text(name))
    assert there_columns == columns
    assert sorted(map(repr, there)) == sorted(map(repr, rows))
