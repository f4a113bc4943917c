"""docs/facts.md, the data dictionary, documents what ``kg extract`` prints: its keys, the
platform types and the record's metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.extract import extract_file
from kg.lexicon import load
from kg.model import RECORD_METRICS

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "docs" / "facts.md"

# What kg adds to the record: where each value was read (the sentence, its offsets, the rule).
ADDED = {"provenance"}


@pytest.fixture(scope="module")
def facts() -> str:
    return FACTS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example(facts: str) -> dict:
    block = re.search(r"```json\n(.*?)\n```", facts, re.S)
    assert block, "docs/facts.md has no example record"
    return json.loads(block.group(1))


def _section(facts: str, title: str) -> str:
    found = re.search(rf"^## {title}\n(.*?)(?=^## |\Z)", facts, re.S | re.M)
    assert found, f"docs/facts.md has no section {title!r}"
    return found.group(1)


def test_the_record_has_the_documented_keys(example: dict) -> None:
    record = extract_file(sorted((ROOT / "examples").glob("*.txt"))[0]).to_record()
    assert set(record) - ADDED == set(example)
    assert set(record["contact"]) == set(example["contact"])


def test_the_keys_table_documents_every_key_of_the_example(facts: str, example: dict) -> None:
    documented = set()
    for line in _section(facts, "Keys").splitlines()[2:]:
        if not line.startswith("| "):
            continue
        for key in line.split("|")[1].split(","):
            documented.add(key.strip().split(".")[0])
    assert set(example) - {"source"} == documented


def test_the_record_metrics_are_the_documented_ones(facts: str) -> None:
    documented = []
    for line in _section(facts, "Metrics").splitlines():
        if line.startswith("| ") and not line.startswith(("| metric", "| ---")):
            documented += [key.strip() for key in line.split("|")[1].split(",")]
    assert sorted(RECORD_METRICS) == sorted(documented)


def test_the_platform_types_are_the_documented_ones(facts: str) -> None:
    documented = re.findall(r"`([a-z_]+)` \(", _section(facts, "Platform types"))
    assert list(load("platforms")["types"]) == documented
