"""Write what the table of metrics (kg/lexicon/metric_table.toml) generates.

    python tools/metric_table.py          rewrite ontology/metrics.ttl and docs/metrics.md
    python tools/metric_table.py --check  exit 1 when either differs from what the table gives

tests/test_metrics.py runs the check, so a metric added to the table but not to the shipped
files (or the other way round) fails the tests.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kg.checks import APPEAL_BLOCKS
from kg.lexicon import metric_table

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "metrics.ttl"
DOCS = ROOT / "docs" / "metrics.md"
SOURCE = "kg/lexicon/metric_table.toml"
TABLE4_BLOCKS = tuple(APPEAL_BLOCKS.values())
TABLE4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

PREFIXES = """\
@prefix kg: <https://w3id.org/govinfo-kg/ontology#> .
@prefix kgm: <https://w3id.org/govinfo-kg/code/metric/> .
@prefix kgr: <https://w3id.org/govinfo-kg/record/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
"""


def _text(value: str, lang: str) -> str:
    return json.dumps(value, ensure_ascii=False) + "@" + lang  # JSON's escapes are Turtle's


def _lowered(label: str) -> str:
    """An English label inside a sentence: first letter lowered unless it starts an acronym."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def ontology() -> str:
    """The ontology's metric terms: each metric a concept of kg:MetricScheme (kgm:), each record
    metric also a direct property of its report (kgr:)."""
    metrics = metric_table()
    out = [f"# The metric terms of the kg ontology, generated from {SOURCE} by\n"
           "# tools/metric_table.py: edit the table, not this file. ontology/kg.ttl has the rest.\n",
           PREFIXES]
    for m in metrics:
        label, definition = m["label"], m["definition"]
        place = f"skos:broader kgm:{m['broader']}" if "broader" in m else "skos:topConceptOf kg:MetricScheme"
        out.append(f"kgm:{m['key']} a skos:Concept, owl:NamedIndividual ;\n"
                   f"    skos:inScheme kg:MetricScheme ;\n"
                   f"    {place} ;\n"
                   f"    skos:notation {json.dumps(m['key'])} ;\n"
                   f"    skos:prefLabel {_text(label['zh'], 'zh')}, {_text(label['en'], 'en')} ;\n"
                   f"    skos:definition {_text(definition['zh'], 'zh')}, {_text(definition['en'], 'en')} .\n")
    out.append("# A report's record figures as direct properties: kgr:X is the value of the report's\n"
               "# kg:disclosureStats observation of kgm:X.\n")
    for m in metrics:
        if not m.get("record"):
            continue
        key, label = m["key"], m["label"]
        comment_zh = f"报告所述的“{label['zh']}”，即其指标 kgm:{key} 记录观测的值；单位、约数标记与出处见该观测。"
        comment_en = (f"The report's stated figure of {_lowered(label['en'])}: the value of its record observation of "
                      f"kgm:{key}; unit, approximation and provenance are on that observation.")
        out.append(f"kgr:{key} a owl:DatatypeProperty ;\n"
                   f"    rdfs:label {_text(label['zh'], 'zh')}, {_text(label['en'], 'en')} ;\n"
                   f"    rdfs:comment {_text(comment_zh, 'zh')},\n"
                   f"        {_text(comment_en, 'en')} ;\n"
                   f"    rdfs:domain schema:Report ;\n"
                   f"    kg:recordMetric kgm:{key} .\n")
    return "\n".join(out)


def _where(m: dict) -> str:
    places = [f"表二 ({edition}) `{place['row']}` column {place['column']}" for edition, place in m.get("table2", {}).items()]
    if "table3" in m:
        places.append(f"表三 `{m['table3']}`")
    if "table4" in m:
        block, result = divmod(m["table4"] - 1, len(TABLE4_RESULTS))
        places.append(f"表四 {TABLE4_BLOCKS[block]} {TABLE4_RESULTS[result]}")
    if "table4_sum" in m:
        places.append("表四 " + " + ".join(m["table4_sum"]))
    if "narrative" in m:
        places.append(f"text: {m['narrative']}")
    return "; ".join(places).replace("|", "\\|")


def docs() -> str:
    """docs/metrics.md: the table of metrics for people."""
    lines = [
        "# Metrics",
        "",
        f"Every metric kg knows. Generated from `{SOURCE}` by",
        "`tools/metric_table.py` (`make metrics`): edit the table, then run it. **record**: a metric",
        "of the record, which `kg extract` prints (facts.md); the others are the rest of the",
        "template's tables, kept in the graph. **part of**: the total the figure adds up to",
        "(`skos:broader`). **where**: the template's table, row (its label as the pattern kg matches)",
        "and column, per edition for 表二, or how a narrative report words it. Each metric is",
        "`kgm:KEY` in the ontology; a record metric is also `kgr:KEY`.",
        "",
        "| key | 指标 | metric | unit | part of | record | where |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in metric_table():
        lines.append(f"| {m['key']} | {m['label']['zh']} | {m['label']['en']} | {m.get('unit', '')} | "
                     f"{m.get('broader', '')} | {'yes' if m.get('record') else ''} | {_where(m)} |")
    return "\n".join(lines) + "\n"


GENERATED = {ONTOLOGY: ontology, DOCS: docs}


def main(argv: list[str]) -> int:
    made = {path: make() for path, make in GENERATED.items()}
    stale = [path for path, text in made.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} differs from {SOURCE}: run python tools/metric_table.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(made[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
