"""A built wheel carries the ontology, shapes, queries, lexicons and web pages, and a plain install finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("kg-*.whl"))


def test_wheel_contains_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kg/ontology/kg.ttl" in names
    assert "kg/shapes/kg.ttl" in names
    assert any(n.startswith("kg/queries/") and n.endswith(".rq") for n in names)
    assert {"kg/lexicon/platforms.json", "kg/lexicon/furniture.json", "kg/lexicon/sections.json"} <= names
    # every module of the source tree (a sub-package left out of pyproject's list is missing from the wheel)
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "kg").rglob("*.py") if "__pycache__" not in p.parts}
    assert sources <= names, sorted(sources - names)
    # the web pages' templates, stylesheet, scripts and vendored libraries with their licences
    web = {str(p.relative_to(ROOT)) for folder in ("templates", "static") for p in (ROOT / "kg" / "web" / folder).rglob("*") if p.is_file()}
    assert {"kg/web/templates/base.html", "kg/web/templates/sparql.html", "kg/web/static/sparql.js",
            "kg/web/static/vendor/yasgui.min.js", "kg/web/static/vendor/echarts.common.min.js", "kg/web/static/vendor/VERSIONS"} <= web
    assert web <= names, sorted(web - names)


def test_non_editable_install_loads_resources_and_extracts(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = (
        "import kg, importlib.resources as r, json;"
        "assert kg.__file__.startswith(%r), kg.__file__;"
        "from kg.resources import ontology_graph, shapes_graph, query_names;"
        "from kg.extract import extract_file;"
        # every module from the wheel, not from the editable install of the test environment
        "import kg.extract, kg.readers, kg.lexicon;"
        "assert all(m.__file__.startswith(%r) for m in (kg.extract, kg.readers, kg.lexicon)), kg.extract.__file__;"
        "print(len(ontology_graph()) > 0, len(shapes_graph()) > 0, len(query_names()) >= 8,"
        " extract_file(%r).title.value)"
    ) % (str(target), str(target), str(ROOT / "examples" / "003_dcdda86aceaa8777.txt"))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(target)},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "张店区信访局2013年政府信息公开工作年度报告"]


def test_vendored_files_are_the_pinned_ones_with_their_licences():
    """kg/web/static/vendor/VERSIONS holds the sha256 of each vendored file (tools/vendor_assets.py
    writes it): a file changed by hand, or one missing, fails; each library keeps its licence."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "vendor_assets.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split() for line in (ROOT / "kg" / "web" / "static" / "vendor" / "VERSIONS").read_text().splitlines() if not line.startswith("#")]
    libraries = {row[0] for row in rows}
    assert libraries == {"echarts", "@zazuko/yasgui"}
    assert {row[0] for row in rows if row[-1].endswith(".LICENSE")} == libraries
