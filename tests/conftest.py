"""Shared fixtures: paths of the bundled corpora, and documents built from real text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.document import build_document
from kg.readers import SourceText

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data"
DEV = DATA / "corpus" / "dev"
GOLD = DATA / "gold"


def text_document(text: str, source: str = "inline.txt"):
    """A document from a piece of real report text (no file needed)."""
    return build_document(SourceText(source=source, text=text, sha256="0" * 64, media_type="text/plain", encoding="utf-8"))


def gold(corpus: str, stem: str) -> dict:
    return json.loads((GOLD / corpus / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def dev_files() -> list[Path]:
    from kg.readers import supported

    return sorted(p for p in DEV.iterdir() if supported(p))
