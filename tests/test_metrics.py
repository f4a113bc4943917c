"""The table of metrics (kg/lexicon/metric_table.toml) and everything that must agree with it."""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib.namespace import OWL, RDF, SKOS

from kg.extract import extract_file
from kg.extract.template import TABLE4_CELLS
from kg.lexicon import load, metric_table
from kg.model import RECORD_METRICS
from kg.resources import ontology_graph, query_names, query_text
from kg.vocab import KG, KGM, KGR

ROOT = Path(__file__).resolve().parent.parent
METRICS = {m["key"]: m for m in metric_table()}


def _generator():
    spec = importlib.util.spec_from_file_location("metric_table", ROOT / "tools" / "metric_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path, make", [("ontology/metrics.ttl", "ontology"), ("docs/metrics.md", "docs")])
def test_shipped_files_are_what_the_table_generates(path, make):
    shipped = (ROOT / path).read_text(encoding="utf-8")
    assert shipped == getattr(_generator(), make)(), f"{path} is stale: run python tools/metric_table.py"


def test_the_ontology_has_exactly_the_tables_metrics():
    onto = ontology_graph()
    concepts = {str(c)[len(str(KGM)):] for c in onto.subjects(SKOS.inScheme, KG.MetricScheme)}
    assert concepts == set(METRICS)
    properties = {str(p)[len(str(KGR)):] for p in onto.subjects(RDF.type, OWL.DatatypeProperty) if str(p).startswith(str(KGR))}
    assert properties == set(RECORD_METRICS)
    for key in RECORD_METRICS:
        assert onto.value(KGR[key], KG.recordMetric) == KGM[key]


def test_every_entry_is_complete_and_consistent():
    assert len(METRICS) == len(metric_table()), "a key named twice"
    for key, m in METRICS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key), key
        assert set(m["label"]) == set(m["definition"]) == {"zh", "en"}, key
        assert all(m["label"].values()) and all(m["definition"].values()), key
        seen, up = {key}, m.get("broader")
        while up is not None:  # broader names a metric, and never loops
            assert up in METRICS and up not in seen, key
            seen.add(up)
            up = METRICS[up].get("broader")
        for pattern in [m.get("table3", "")] + [p["row"] for p in m.get("table2", {}).values()]:
            re.compile(pattern)
    assert set(RECORD_METRICS) <= set(METRICS)


def test_template_places_are_whole():
    columns: dict[tuple[str, str], list[int]] = defaultdict(list)
    for m in metric_table():
        for edition, place in m.get("table2", {}).items():
            assert edition in ("2019", "2021")
            columns[edition, place["row"]].append(place["column"])
    for row, numbers in columns.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), row
    assert [METRICS[k]["table4"] for k in TABLE4_CELLS] == list(range(1, 16))
    for m in metric_table():
        assert set(m.get("table4_sum", [])) <= set(TABLE4_CELLS)


def test_record_metrics_are_those_of_facts_md():
    facts = ROOT / "docs" / "facts.md"
    if not facts.is_file():
        pytest.skip("docs/facts.md is not in this tree")
    text = facts.read_text(encoding="utf-8").split("## Metrics", 1)[1]
    named = {key for row in re.findall(r"^\| ([a-z0-9_, ]+) \|", text, re.M) for key in row.split(", ")} - {"metric"}
    assert named == set(RECORD_METRICS)


def test_lexicons_shapes_and_queries_name_only_metrics_of_the_table():
    statistics_table = {metric for _label, metric in load("statistics_table")["rows"]}
    assert statistics_table <= set(RECORD_METRICS)
    assert set(load("template")["table2"]["text_cues"]) <= {k for k, m in METRICS.items() if "table2" in m}
    texts = {"shapes/kg.ttl": (ROOT / "shapes" / "kg.ttl").read_text(encoding="utf-8")}
    texts.update({f"queries/{name}.rq": query_text(name) for name in query_names()})
    for where, text in texts.items():
        assert set(re.findall(r"\bkgr:(\w+)", text)) <= set(RECORD_METRICS), where
        assert set(re.findall(r"\bkgm:(\w+)", text)) <= set(METRICS), where


def test_extraction_states_only_metrics_of_the_table():
    files = [p for p in sorted((ROOT / "tests" / "data" / "corpus" / "dev").iterdir()) if p.suffix != ".tsv"]
    assert files
    for path in files:
        facts = extract_file(path)
        assert set(facts.stats) <= set(RECORD_METRICS), path.name
        assert {stat.metric for stat in facts.observations} <= set(METRICS), path.name
