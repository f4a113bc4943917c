"""kg serve's pages and linked data, over HTTP from a real server on a store built from real reports.

The store holds the five example reports, two years of a district's reports printed as PDFs in
the 2021 template (tables, pages, failed checks) and a copy of an example whose every sentence
carries HTML, to show that nothing a report says runs in the page.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store_open import open_store
from tests.conftest import DEV, EXAMPLES
from tests.test_serve import serving

runner = CliRunner()
PDFS = ("101_hongze_district_2023.pdf", "102_hongze_district_2024.pdf")
ID = "https://w3id.org/govinfo-kg/id/"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # as a browser asks
INJECTED = '<script>alert("kg")</script><img src=x onerror=alert(2)>'


def hostile_copy(folder: Path) -> Path:
    """An example report of another year with HTML after every comma of its sentences."""
    source = sorted(EXAMPLES.glob("*.txt"))[0].read_text(encoding="utf-8")
    year = re.search(r"(20\d\d)", source).group(1)
    path = folder / "hostile.txt"
    path.write_text(source.replace(year, str(int(year) - 2)).replace(",", "," + INJECTED), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("web-corpus")
    for file in EXAMPLES.iterdir():
        shutil.copy(file, folder)
    for name in PDFS:
        shutil.copy(DEV / name, folder)
    hostile_copy(folder)
    return folder


EXPECTED: dict[str, tuple[list[str], list[list[object]]]] = {}  # kg query --store's rows, before the server holds the store
PREFIXES = """PREFIX kg: <https://w3id.org/govinfo-kg/ontology#>
PREFIX kgr: <https://w3id.org/govinfo-kg/record/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("web") / "store"
    result = runner.invoke(app, ["build", str(corpus), "--store", str(where)])
    assert result.exit_code == 0, result.output
    with open_store(where) as db:
        EXPECTED["applications-per-year"] = db.query("applications-per-year")
    return where


@pytest.fixture(scope="module")
def server(built):
    with serving(built) as running:
        yield running


@pytest.fixture(scope="module")
def rows(server):
    """SPARQL through the server's own endpoint, for what the pages must show."""
    def select(text: str) -> list[dict[str, str]]:
        status, body = server.query(PREFIXES + text, accept="application/sparql-results+json")
        assert status == 200, body
        return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]
    return select


@pytest.fixture(scope="module")
def facts(rows):
    """What the tests look for, read from the store: a PDF report with failed checks, its agency, division."""
    report = rows("SELECT ?report ?agency ?name ?region ?year WHERE { ?f kg:check ?c ; <http://www.w3.org/ns/oa#hasTarget> ?report . "
                  "?report kg:reportYear ?year ; dcterms:publisher ?agency ; dcterms:spatial ?region . "
                  "?report dcterms:conformsTo kg:Template2021 . ?agency skos:prefLabel ?name } ORDER BY ?year LIMIT 1")
    assert report, "the PDFs' reports have failed checks"
    return report[0]


def page(server, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    status, head, body = server.request("GET", path, headers=headers or HTML)
    return status, head, body.decode("utf-8")


def path_of(iri: str) -> str:
    return urllib.parse.urlsplit(iri).path


def test_overview_counts_what_the_store_holds(server, rows):
    status, head, body = page(server, "/")
    assert status == 200 and head["content-type"].startswith("text/html")
    assert "script-src 'self'" in head["content-security-policy"]
    reports = rows("SELECT (COUNT(*) AS ?n) WHERE { ?r kg:reportYear ?y }")[0]["n"]
    assert f"<b>{reports}</b>份报告" in body
    for year in {r["y"] for r in rows("SELECT DISTINCT ?y WHERE { ?r kg:reportYear ?y }")}:
        assert f"<tr><td>{year}</td>" in body
    province = rows("SELECT ?p ?name WHERE { ?p kg:divisionLevel \"province\" ; skos:prefLabel ?name }")[0]
    assert f'href="{path_of(province["p"])}">{province["name"]}' in body
    assert "queries cut at 30 s" in body


def test_search_finds_agencies_and_divisions_by_part_of_a_name(server, facts):
    part = facts["name"][-4:]
    status, _, body = page(server, "/search?" + urllib.parse.urlencode({"q": part}))
    assert status == 200
    assert f'href="{path_of(facts["agency"])}">{facts["name"]}</a>' in body
    status, _, body = page(server, "/search?q=" + urllib.parse.quote("不存在的机关名称"))
    assert status == 200 and "没有名称中含" in body


def test_region_page_lists_its_agencies_by_year_and_sums_their_figures(server, rows, facts):
    status, _, body = page(server, path_of(facts["region"]))
    assert status == 200
    assert f'href="{path_of(facts["agency"])}">{facts["name"]}</a>' in body
    for report in rows(f"SELECT ?r WHERE {{ ?r dcterms:publisher <{facts['agency']}> ; kg:reportYear ?y }}"):
        assert f'href="{path_of(report["r"])}"' in body  # a ✓ in the coverage grid links the report
    total = rows(f"SELECT (SUM(?a) AS ?n) WHERE {{ ?r dcterms:spatial <{facts['region']}> ; kg:reportYear {facts['year']} ; "
                 f"kgr:applications_received ?a }}")[0]["n"]
    assert re.search(rf"<tr><td>{facts['year']}</td>.*?>{total} <small>", body, re.S)
    chart = json.loads(unescape(re.search(r"data-chart='([^']*)'", body).group(1)))
    assert facts["year"] in chart["x"] and chart["series"][0]["values"][chart["x"].index(facts["year"])] == int(total)
    above = rows(f"SELECT ?a ?n WHERE {{ <{facts['region']}> skos:broader ?a . ?a skos:prefLabel ?n }}")[0]
    assert f'href="{path_of(above["a"])}">{above["n"]}</a>' in body  # the division above, as a breadcrumb


def test_agency_page_shows_its_reports_figures_over_the_years_and_failed_checks(server, rows, facts):
    status, _, body = page(server, path_of(facts["agency"]))
    assert status == 200
    assert f"<h1>{facts['name']}</h1>" in body
    stated = rows(f"SELECT ?r ?y ?a WHERE {{ ?r dcterms:publisher <{facts['agency']}> ; kg:reportYear ?y ; kgr:applications_received ?a }} ORDER BY ?y")
    assert len(stated) == 2
    chart = json.loads(unescape(re.search(r"data-chart='([^']*)'", body).group(1)))
    assert chart["x"] == [r["y"] for r in stated]
    assert chart["series"][0]["values"] == [int(r["a"]) for r in stated]
    for r in stated:  # each figure links to its evidence
        assert f'href="{path_of(r["r"])}/obs/applications_received">{r["a"]}</a>' in body
    assert 'id="checks"' in body and "表四各结果之和等于总计" in body


def test_report_page_lays_the_tables_out_and_links_every_figure_to_its_evidence(server, rows, facts):
    status, _, body = page(server, path_of(facts["report"]))
    assert status == 200
    for table in ("表二", "表三", "表四"):
        assert f"<h2>{table} " in body
    figures = rows(f"SELECT ?o WHERE {{ GRAPH <{facts['report']}> {{ ?o kg:metric ?m }} }}")
    linked = set(re.findall(r'<a href="([^"]+/(?:obs|text)/[^"]+)"', body))
    assert {path_of(f["o"]) for f in figures} <= linked
    failures = rows(f"SELECT ?fig WHERE {{ ?f <http://www.w3.org/ns/oa#hasTarget> <{facts['report']}> ; kg:comparedFigure ?fig }}")
    assert failures
    for figure in failures:  # the figures that disagree are marked
        assert re.search(rf'<a href="{re.escape(path_of(figure["fig"]))}" class="bad"', body)
    blank = re.search(r'<td class="num blank"></td>', body)
    assert blank, "a cell the report leaves blank stays blank"
    download = re.search(r'href="([^"]+)\?download"', body).group(1)
    status, head, data = server.request("GET", download + "?download")
    assert status == 200 and head["content-type"] == "application/octet-stream"
    assert data == (DEV / PDFS[0]).read_bytes() or data == (DEV / PDFS[1]).read_bytes()


def test_a_figure_page_shows_the_sentence_in_the_source_text_and_its_page(server, rows, facts):
    figure = rows(f"SELECT ?o ?v ?q ?page WHERE {{ GRAPH <{facts['report']}> {{ ?o kg:metric ?m ; <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v ; "
                  f"<http://www.w3.org/ns/prov#wasDerivedFrom> ?s . ?s <http://www.w3.org/ns/oa#hasSelector> ?x , ?p . ?x <http://www.w3.org/ns/oa#exact> ?q . "
                  f"?p <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?page }} FILTER(?v > 0) }} LIMIT 1")[0]
    status, _, body = page(server, path_of(figure["o"]))
    assert status == 200
    marked = re.search(r'<mark id="sentence">(.*?)</mark>', body, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", unescape(marked)) == figure["q"]
    assert f'<strong class="value-mark">{figure["v"]}</strong>' in marked
    assert f"第 {figure['page'].removeprefix('page=')} 页" in body


def test_checks_page_filters_by_check_division_and_year(server, rows, facts):
    every = rows("SELECT ?f ?y WHERE { ?f kg:check ?c ; <http://www.w3.org/ns/oa#hasTarget> ?r . ?r kg:reportYear ?y }")
    status, _, body = page(server, "/checks")
    assert status == 200 and body.count('<tr class="failed">') == len(every)
    status, _, body = page(server, f"/checks?year={facts['year']}&check=AppealsAddUp&region={facts['region'].rsplit('/', 1)[1]}")
    expected = [r for r in rows(f"SELECT ?f WHERE {{ ?f kg:check kg:AppealsAddUp ; <http://www.w3.org/ns/oa#hasTarget> <{facts['report']}> }}")]
    assert status == 200 and body.count('<tr class="failed">') == len(expected) > 0
    status, _, body = page(server, "/checks?year=1800")
    assert status == 200 and "没有未通过的检查" in body
    for bad in ("year=20x", "region=32", "check=<b>"):
        status, head, body = page(server, "/checks?" + bad)
        assert status == 400 and head["content-type"].startswith("text/html") and '<div class="error">' in body


def test_shipped_queries_run_as_forms_with_csv_and_json_downloads(server):
    status, _, body = page(server, "/queries")
    assert status == 200 and 'href="/queries/applications-per-year"' in body
    columns, expected = EXPECTED["applications-per-year"]
    status, head, data = server.request("GET", "/queries/applications-per-year?format=json")
    assert status == 200 and "attachment" in head["content-disposition"]
    assert [[row[c] for c in columns] for row in json.loads(data)] == expected
    status, _, data = server.request("GET", "/queries/applications-per-year?format=csv")
    assert data.decode().splitlines()[0] == ",".join(columns)
    status, _, body = page(server, "/queries/coverage?year=abc")
    assert status == 400 and "whole number" in body
    assert page(server, "/queries/no-such-query")[0] == 404


def test_resources_are_negotiated_as_html_turtle_json_ld_and_n_triples(server, facts):
    path = path_of(facts["agency"])
    label = ox.Literal(facts["name"], language="zh")
    for accept, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
                        ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("*/*", ox.RdfFormat.TURTLE)):
        status, head, data = server.request("GET", path, headers={"Accept": accept})
        assert status == 200, (accept, data)
        assert head["content-type"].split(";")[0] == fmt.media_type and head["vary"] == "Accept"
        triples = list(ox.parse(data, fmt))
        assert any(t.subject == ox.NamedNode(facts["agency"]) and t.object == label for t in triples)
    status, head, data = server.request("GET", path, headers=HTML)
    assert status == 200 and head["content-type"].startswith("text/html")
    status, head, data = server.request("GET", path + "?format=ttl", headers=HTML)
    assert status == 200 and head["content-type"].startswith("text/turtle")
    status, _, data = server.request("GET", path_of(facts["report"]), headers={"Accept": "application/n-triples"})
    report = list(ox.parse(data, ox.RdfFormat.N_TRIPLES))
    assert len(report) > 500 and all(str(t.subject.value).startswith(facts["report"]) or "/file/" in t.subject.value
                                     or t.subject.value.endswith("disclosureStats") or t.subject.value.endswith("applicantStats")
                                     or t.subject.value.endswith("textFigures") for t in report)


def test_unknown_iris_and_bad_paths_get_404_pages_not_tracebacks(server):
    for path in ("/govinfo-kg/id/agency/0000000000000000", "/govinfo-kg/id/region/999999", "/govinfo-kg/id/report/0000000000000000/2020",
                 "/govinfo-kg/id/report/0000000000000000/2020/obs/disclosed", "/govinfo-kg/id/agency/%3Cx%3E", "/no/such/page"):
        status, head, body = page(server, path)
        assert status == 404 and '<div class="error">' in body and "Traceback" not in body, path
        status, head, data = server.request("GET", path, headers={"Accept": "text/turtle"})
        assert status == 404 and head["content-type"].startswith("text/plain"), path


def test_pages_are_read_only(server, facts):
    for method in ("POST", "PUT", "DELETE"):
        status, _, _ = server.request(method, path_of(facts["agency"]), body=b"x", headers={"Content-Type": "text/turtle"})
        assert status == 405
    status, _, _ = server.request("POST", "/update", body="update=DROP ALL", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    assert server.count() > 0


def test_html_in_a_report_is_shown_as_text_and_runs_nothing(server, rows):
    hostile = rows("SELECT ?r ?o WHERE { ?r kg:reportYear ?y ; <http://www.w3.org/ns/dcat#distribution> ?f . "
                   "?f kg:sourcePath ?p FILTER(CONTAINS(?p, \"hostile\")) OPTIONAL { GRAPH ?r { ?o kg:metric ?m } } }")
    assert hostile and hostile[0].get("o")
    for path in (path_of(hostile[0]["r"]), path_of(hostile[0]["o"])):
        status, head, body = page(server, path)
        assert status == 200
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(&#34;kg&#34;)&lt;/script&gt;" in body
        assert "script-src 'self'" in head["content-security-policy"]


def test_a_changed_source_file_is_not_served_as_the_report(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    report = hostile_copy(folder)
    store = tmp_path / "store"
    assert runner.invoke(app, ["build", str(folder), "--store", str(store)]).exit_code == 0
    with open_store(store) as db:
        file = db.select("SELECT ?f WHERE { GRAPH ?g { ?f <https://w3id.org/govinfo-kg/ontology#sourcePath> ?p } }")[0][0].value
    report.write_text("changed", encoding="utf-8")
    with serving(store) as running:
        status, _, body = page(running, path_of(str(file)) + "?download")
    assert status == 410 and "no longer as it was read" in body


def test_the_catalogue_and_void_are_served_with_this_server_as_endpoint(server, rows):
    endpoint = f"http://127.0.0.1:{server.port}/query"
    for path in ("/catalog", "/.well-known/void"):
        status, head, data = server.request("GET", path, headers={"Accept": "text/turtle"})
        assert status == 200 and head["content-type"].startswith("text/turtle")
        graph = list(ox.parse(data, ox.RdfFormat.TURTLE))
        dcat, void = "http://www.w3.org/ns/dcat#", "http://rdfs.org/ns/void#"
        services = {t.subject for t in graph if t.predicate.value == dcat + "endpointURL" and t.object.value == endpoint}
        assert services and any(t.subject in services and t.object.value == dcat + "DataService" for t in graph)
        triples = next(int(t.object.value) for t in graph if t.predicate.value == void + "triples")
        data_graphs = "FILTER(?g != <https://w3id.org/govinfo-kg/ontology> && ?g != <https://w3id.org/govinfo-kg/id/graph/void>)"
        assert triples == int(rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {data_graphs} }}")[0]["n"])
        assert any(t.predicate.value == void + "uriSpace" and t.object.value == ID for t in graph)
    status, head, body = page(server, "/catalog")
    assert status == 200 and f"<b>{triples}</b>三元组" in body


def test_a_store_under_a_portals_base_is_served_at_its_paths(corpus, tmp_path):
    base = "https://data.example.gov.cn/kg/"
    store = tmp_path / "store"
    result = runner.invoke(app, ["build", str(corpus / PDFS[0]), "--store", str(store), "--base-iri", base])
    assert result.exit_code == 0, result.output
    with serving(store) as running:
        status, body = running.query("SELECT ?a WHERE { ?a a <http://www.w3.org/ns/org#FormalOrganization> ; "
                                     "<http://purl.org/dc/terms/identifier> ?id }", accept="text/csv")
        agency = body.decode().split()[1]
        assert agency.startswith(base + "agency/")
        status, head, html = page(running, "/kg/" + agency[len(base):])
        assert status == 200 and ID not in html
        links = re.findall(r'href="(/[^"?#]*)', html)
        assert any(link.startswith("/kg/region/") for link in links) and any(link.startswith("/kg/report/") for link in links)
        status, _, data = running.request("GET", "/kg/" + agency[len(base):], headers={"Accept": "text/turtle"})
        assert status == 200 and ID.encode() not in data and agency.encode() in data
        assert page(running, path_of(ID + agency[len(base):]))[0] == 404  # not under kg's default base
        status, _, body = page(running, "/")
        assert status == 200 and 'href="/kg/region/' in body
