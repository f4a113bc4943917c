"""The mapping id (``kg:mappedBy``) digests what shapes a report's triples, and nothing else."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import kg
from kg.resources import MAPPING_SOURCES, mapping_digest, mapping_id

PACKAGE = Path(kg.__file__).resolve().parent

# kg modules the extraction and the mapping import that do not shape triples: errors and
# limits decide whether a file is read at all, atomic writes files, resources holds the id.
NOT_SHAPING = {"kg.errors", "kg.limits", "kg.atomic", "kg.resources"}


@pytest.fixture()
def package(tmp_path: Path) -> Path:
    """A copy of the kg package's files (real files, outside the installed package)."""
    copy = tmp_path / "kg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_installed_package_gives_the_recorded_id() -> None:
    assert mapping_id() == mapping_digest(PACKAGE)
    assert mapping_id().startswith("kg-")


def test_the_same_files_give_the_same_id_wherever_they_are(package: Path) -> None:
    assert mapping_digest(package) == mapping_id()


def test_a_help_text_or_a_store_change_keeps_the_id(package: Path) -> None:
    before = mapping_digest(package)
    _edit(package / "cli.py", '"""', '"""Edited help. ')
    (package / "store.py").write_text("# another store\n" + (package / "store.py").read_text(encoding="utf-8"), encoding="utf-8")
    (package / "notes.md").write_text("not code\n", encoding="utf-8")
    assert mapping_digest(package) == before


@pytest.mark.parametrize("name", ["rdf.py", "vocab.py", "document.py", "extract/metrics.py", "readers/base.py"])
def test_editing_the_extraction_or_the_mapping_changes_the_id(package: Path, name: str) -> None:
    before = mapping_digest(package)
    path = package / name
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert mapping_digest(package) != before


def test_a_lexicon_or_a_new_data_file_changes_the_id(package: Path) -> None:
    before = mapping_digest(package)
    _edit(package / "lexicon" / "header.json", "{", '{"edited": true, ', )
    edited = mapping_digest(package)
    assert edited != before
    (package / "data").mkdir(exist_ok=True)
    (package / "data" / "metrics.csv").write_text("key,label\nnew,新\n", encoding="utf-8")
    assert mapping_digest(package) != edited


def _imports(module: str) -> set[str]:
    """The kg modules ``module`` imports (at the top or inside functions)."""
    path = PACKAGE.parent.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "kg" and _is_module(parts):
                found.add(name)
    return found


def _is_module(parts: list[str]) -> bool:
    path = PACKAGE.parent.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _covered(module: str) -> bool:
    relative = module.split(".")[1:]
    return any(relative[: len(source.split("/"))] == source.removesuffix(".py").split("/") for source in MAPPING_SOURCES)


def test_every_module_the_extraction_and_the_mapping_import_is_digested() -> None:
    seen, pending = set(), ["kg.extract", "kg.rdf"]
    while pending:
        module = pending.pop()
        if module in seen or module in NOT_SHAPING or module == "kg":
            continue
        seen.add(module)
        pending.extend(_imports(module))
    missing = sorted(module for module in seen if not _covered(module))
    assert not missing, f"shape triples but are not in kg.resources.MAPPING_SOURCES: {missing}"
