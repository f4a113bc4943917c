"""kg serve's pages in a real browser (tests/browser.py): the system Chromium against the real
``kg serve`` on 127.0.0.1, on a store built from examples/."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import pytest

from tests.browser import browsing, needs_browser
from tests.test_serve import built, serving  # noqa: F401 - built is a fixture
from tests.test_web import built as web_store, corpus  # noqa: F401 - fixtures: examples, two PDFs, HTML in a report

# a query the example queries do not hold, so that its rows can only come from what was typed
TYPED = """PREFIX kg: <https://w3id.org/govinfo-kg/ontology#>
SELECT ?year (COUNT(?report) AS ?typed) WHERE { ?report kg:reportYear ?year } GROUP BY ?year ORDER BY ?year"""


def editor_text(page) -> str:
    return page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")


@needs_browser
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_sparql_page_runs_a_typed_query_offline(built, phone):  # noqa: F811
    with serving(built, "--timeout", "7") as server, browsing(phone=phone) as b:
        page = b.page
        response = page.goto(f"http://127.0.0.1:{server.port}/sparql")
        assert response is not None and response.status == 200
        assert float(page.locator("#limit").inner_text()) == 7  # the server's time limit, told on the page

        page.locator(".CodeMirror").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(TYPED)  # as pasted: CodeMirror's closing of brackets stays out of it
        with page.expect_response(lambda r: urlsplit(r.url).path == "/query") as answered:
            page.keyboard.press("Control+Enter")
        assert (answered.value.request.method, answered.value.status) == ("POST", 200)  # same-origin POST accepted
        page.wait_for_selector(".yasr table.dataTable tbody tr")
        header = page.locator(".yasr table.dataTable thead th").all_inner_texts()
        shown = [[re.sub(r"\D", "", cell) for cell in row.split("\t")[1:]]
                 for row in page.locator(".yasr table.dataTable tbody tr").all_inner_texts()]
        status, body = server.query(TYPED)
        expected = list(csv.reader(io.StringIO(body.decode())))
        assert status == 200 and [h.strip() for h in header if h.strip()] == expected[0] == ["year", "typed"]
        assert [row[-2:] for row in shown] == expected[1:] and len(expected) > 2

        # an example runs at a click; its wide result scrolls in its own box, the page never sideways
        with page.expect_response(lambda r: urlsplit(r.url).path == "/query"):
            page.locator(".examples button").nth(1).click()
        page.wait_for_selector(".yasr table.dataTable thead th:has-text('agency')")
        assert page.locator(".yasr table.dataTable tbody tr").count() > 1
        assert b.fits_width()
        b.screenshot("sparql-phone" if phone else "sparql")

        # completion works offline: a class after "a", a property, a prefix after PREFIX (the stock
        # completers ask lov.linkeddata.es and prefix.cc: b.off_host would hold them)
        page.locator(".CodeMirror").click()
        for text in ("SELECT * WHERE { ?s a kg:Rep", "SELECT * WHERE { ?s kg:report"):
            page.keyboard.press("Control+A")
            page.keyboard.insert_text(TYPED.splitlines()[0] + "\n" + text)
            page.keyboard.press("Control+Space")
            page.wait_for_timeout(1000)
        page.keyboard.press("Control+A")
        page.keyboard.insert_text("PREFIX sko")
        page.keyboard.press("Control+Space")
        page.wait_for_selector(".CodeMirror-hints li")
        assert any("skos:" in hint for hint in page.locator(".CodeMirror-hints li").all_inner_texts())

        page.reload()  # nothing kept between visits: the typed query is gone
        page.wait_for_selector(".CodeMirror")
        assert "?typed" not in editor_text(page) and "SELECT" in editor_text(page)
        assert not b.problems(), b.problems()


@needs_browser
def test_the_rig_sees_what_a_page_gets_wrong():
    """Console errors, uncaught errors and a request to another host (refused, never sent) are
    caught: without this a broken rig would pass every page."""
    with browsing(phone=True) as b:
        b.page.set_content('<img src="https://cdn.example.org/x.png"><script>console.error("told"); null.x;</script>')
        b.page.wait_for_timeout(200)
        assert b.off_host == ["https://cdn.example.org/x.png"]
        assert "told" in b.console_errors and len(b.page_errors) == 1
        assert b.page.viewport_size == {"width": 390, "height": 844}
        assert b.screenshot("rig").stat().st_size > 0


WALK = """PREFIX kg: <https://w3id.org/govinfo-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?province ?city ?county ?agency ?report WHERE {
  ?report dcterms:conformsTo kg:Template2021 ; dcterms:publisher ?agency ; dcterms:spatial ?county .
  ?county skos:broader ?city . ?city skos:broader ?province .
} ORDER BY DESC(?report) LIMIT 1"""


@needs_browser
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_reader_walks_from_the_overview_to_a_figures_evidence(web_store, phone):  # noqa: F811
    """Overview → province → city → county → agency → report → one figure's sentence in the source
    text, by clicking the links a reader would; no console error, nothing fetched off 127.0.0.1."""
    suffix = "-phone" if phone else ""
    with serving(web_store) as server, browsing(phone=phone) as b:
        status, body = server.query(WALK)
        assert status == 200
        steps = [urlsplit(iri).path for iri in list(csv.reader(io.StringIO(body.decode())))[1]]
        page = b.page

        def follow(path: str) -> None:
            page.locator(f'a[href="{path}"]').first.click()
            page.wait_for_url(f"**{path}")
            page.wait_for_selector("h1")

        assert page.goto(f"http://127.0.0.1:{server.port}/").status == 200
        assert page.locator(".tile b").first.inner_text().isdigit()
        page.wait_for_selector(".chart svg")  # ECharts drew the reports per year
        b.screenshot("overview" + suffix)

        for path in steps[:3]:  # province, city, county
            follow(path)
        page.wait_for_selector(".chart svg")
        assert page.locator("table.grid td.yes").count() > 0
        b.screenshot("region" + suffix)

        follow(steps[3])  # the agency: its figures over the years, failed checks, contacts
        page.wait_for_selector(".chart svg")
        b.screenshot("agency" + suffix)

        follow(steps[4])  # its report: the template's tables
        assert page.locator("h2:has-text('表三')").count() == 1
        b.screenshot("report" + suffix)

        cell = page.locator("h2:has-text('表三') + .table-wrap td.num a").first
        value = cell.inner_text()
        cell.click()
        page.wait_for_selector("mark#sentence")
        assert "/obs/" in page.url
        assert page.locator("h1 .value").inner_text().endswith(value)
        assert page.locator("mark#sentence strong.value-mark").inner_text().strip() == value
        assert page.locator("mark#sentence").is_visible()  # scrolled to the sentence
        b.screenshot("figure" + suffix, full_page=False)
        assert b.fits_width(), "no page scrolls sideways"
        assert not b.problems()
