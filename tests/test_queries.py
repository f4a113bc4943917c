"""Every shipped SPARQL query on a small hand-written graph (tests/data/query_graph.ttl)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from kg import resources
from kg.errors import KgError, ResourceError
from kg.query import (
    cell,
    display_width,
    format_csv,
    format_json,
    format_rows,
    format_table,
    list_queries,
    parse_header,
    query_info,
    run_query,
)

DATA = Path(__file__).resolve().parent / "data"
QUERIES = Path(__file__).resolve().parent.parent / "queries"

A = "张店区信访局"
B = "张店区文化出版局"
C = "淄博市张店区机关事务服务中心"
TITLE_B = "张店区文化出版局2018年政府信息公开工作年度报告"
TITLE_C = "淄博市张店区机关事务服务中心2018年政府信息公开工作年度报告"
REPORT_B = "https://w3id.org/govinfo-kg/id/report/8d2c7a1f0e3b9a45/2018"

# Expected (columns, rows) of every shipped query on the test graph, without the ontology.
EXPECTED: dict[str, tuple[list[str], list[list[object]]]] = {
    "applications-per-year": (
        ["year", "reports", "agencies", "stating", "total"],
        [[2018, 3, 3, 3, 12], [2019, 1, 1, 1, 20], [2020, 2, 2, 1, 15]],
    ),
    "reconsideration-litigation-rising": (
        ["agency", "metric", "year_from", "value_from", "year_to", "value_to", "increase"],
        [[A, "litigation_total", 2018, 1, 2019, 3, 2], [A, "reconsideration_total", 2018, 0, 2019, 1, 1]],
    ),
    "agencies-without-contact": (
        ["agency", "reports", "without_contact", "first_year", "last_year"],
        [[C, 2, 1, 2020, 2020]],
    ),
    "reports-without-period": (
        ["agency", "year", "title", "format", "report"],
        [[B, 2018, TITLE_B, "NarrativeFormat", REPORT_B]],
    ),
    "platforms-most-used": (
        ["platform", "label", "reports", "agencies"],
        [
            ["website", None, 6, 3],
            ["wechat", None, 4, 2],
            ["weibo", None, 2, 1],
            ["app", None, 1, 1],
            ["bulletin_board", None, 1, 1],
            ["hotline", None, 1, 1],
        ],
    ),
    "npc-cppcc-per-agency": (
        ["agency", "year", "npc_suggestions", "cppcc_proposals"],
        [[A, 2018, 5, 3], [A, 2019, 4, None], [A, 2020, 6, 2], [B, 2018, None, 2]],
    ),
    "missing-reports": (
        ["agency", "year", "missing_year", "next_year", "reports_that_year"],
        [[B, 2018, 2019, None, 1], [C, 2018, 2019, 2020, 1]],
    ),
    "reports-overview": (
        ["agency", "year", "format", "issued", "has_period", "has_contact", "channels", "figures"],
        [
            [A, 2018, "NarrativeFormat", date(2019, 3, 20), True, True, 2, 9],
            [A, 2019, "Template2019", date(2020, 1, 20), True, True, 3, 10],
            [A, 2020, "Template2019", date(2021, 1, 25), True, True, 4, 10],
            [B, 2018, "NarrativeFormat", date(2019, 3, 26), False, True, 2, 6],
            [C, 2018, "NarrativeFormat", None, True, True, 2, 5],
            [C, 2020, "Template2019", date(2021, 1, 28), True, False, 2, 5],
        ],
    ),
    "formats-per-year": (
        ["year", "format", "reports"],
        [[2018, "NarrativeFormat", 3], [2019, "Template2019", 1], [2020, "Template2019", 2]],
    ),
    "zero-applications": (
        ["year", "agency", "title"],
        [[2018, B, TITLE_B], [2018, C, TITLE_C]],
    ),
    "fees-charged": (
        ["agency", "year", "fees_yuan", "approx"],
        [[C, 2018, 120, False]],
    ),
    "approximate-figures": (
        ["agency", "year", "metric", "value", "unit", "sentence"],
        [
            [A, 2018, "proactive_total", 150, "条", "2018年，我局共主动公开政府信息150余条。"],
            [C, 2018, "proactive_total", 300, "条", "全年共主动公开政府信息约300条。"],
        ],
    ),
    # the hand-written graph places no agency in a division (see test_queries_by_division)
    "totals-per-division": (
        ["code", "division", "level", "year", "reports", "agencies", "applications", "applications_stating",
         "reconsideration", "reconsideration_stating", "litigation", "litigation_stating"],
        [],
    ),
    "coverage": (
        ["code", "division", "agency", "agency_id", "kind", "year", "missing_year", "next_year", "division_reports"],
        [],
    ),
    # agencies come from identities (dcterms:identifier), which the hand-written graph does not give;
    # its reports are named as reports of identified agencies are, so none is unplaced (rows of real
    # reports: tests/test_agencies.py)
    "agencies": (["id", "name", "other_names", "region_code", "region_name", "kind", "parent", "years"], []),
    "unplaced-reports": (["source", "year", "agency", "problem"], []),
    "failed-checks": (
        ["check", "agency", "year", "where", "left", "right", "difference", "report"],
        [
            ["ApplicationsBalance", A, 2020, "表三 总计", 16, 15, 1, "https://w3id.org/govinfo-kg/id/report/5b1e0f3a9c2d4e67/2020"],
            ["CarryOverFollowsLastYear", A, 2020, "上年结转 vs 2019 结转下年度", 1, 2, -1,
             "https://w3id.org/govinfo-kg/id/report/5b1e0f3a9c2d4e67/2020"],
        ],
    ),
}
FIGURE_COLUMNS = ["agency", "year", "metric", "value", "unit", "approx", "sentence", "start", "end", "rule", "source"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(DATA / "query_graph.ttl", format="turtle")
    return g


def test_the_test_graph_is_in_the_mapping_shape(graph):
    # hand-written, so checked against the shapes: the queries are tested on the graph kg writes
    from kg.validate import validate_graph

    conforms, lines = validate_graph(graph)
    assert conforms, "\n".join(lines)
    assert [line.split(" | ")[2] for line in lines] == ["check ApplicationsBalance", "check CarryOverFollowsLastYear"]


def test_every_shipped_query_has_expected_rows():
    shipped = {info.name for info in list_queries()}
    assert shipped == set(EXPECTED) | {"figure-evidence"}
    assert len(shipped) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_rows(graph, name):
    columns, rows = run_query(name, graph, with_ontology=False)
    assert (columns, rows) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_with_ontology_only_adds_labels(graph, name):
    columns, rows = run_query(name, graph)  # the shipped ontology is queried too
    want_columns, want_rows = EXPECTED[name]
    assert columns == want_columns
    if name == "platforms-most-used":
        assert [row[:1] + row[2:] for row in rows] == [row[:1] + row[2:] for row in want_rows]
        labels = {row[0]: row[1] for row in rows}
        assert all(isinstance(label, str) and label for label in labels.values())
        assert labels["wechat"] == "微信"
    else:
        assert rows == want_rows


def test_figure_evidence_all_figures(graph):
    columns, rows = run_query("figure-evidence", graph, with_ontology=False)
    assert columns == FIGURE_COLUMNS
    value = URIRef("http://purl.org/linked-data/sdmx/2009/measure#obsValue")
    assert len(rows) == len(set(graph.subjects(value, None))) == 45
    first = dict(zip(columns, rows[0]))
    assert first == {
        "agency": A, "year": 2018, "metric": "applications_completed", "value": 12, "unit": "件", "approx": False,
        "sentence": "全年共收到政府信息公开申请12件，均已按时办结。", "start": 480, "end": 503,
        "rule": "narrative.applications_completed.all", "source": "corpus/zhangdian_xinfang_2018.txt",
    }
    decimal = [row for row in rows if row[2] == "admin_fees_10k_yuan"]
    assert decimal and decimal[0][3] == Decimal("3.5") and decimal[0][4] == "万元"


def test_figure_evidence_filtered_by_metric_and_year(graph):
    _, rows = run_query("figure-evidence", graph, {"metric_key": "litigation_total"}, with_ontology=False)
    assert [(r[0], r[1], r[3], r[9]) for r in rows] == [
        (A, 2018, 1, "narrative.litigation_total"),
        (A, 2019, 3, "table4.litigation_total"),
        (A, 2020, 2, "table4.litigation_total"),
        (B, 2018, 0, "narrative.litigation_total.none"),
        (C, 2018, 0, "narrative.litigation_total.none"),
        (C, 2020, 0, "table4.litigation_total"),
    ]
    _, rows = run_query("figure-evidence", graph, {"metric_key": "litigation_total", "year": "2019"}, with_ontology=False)
    assert [(r[0], r[1], r[6], r[7], r[8]) for r in rows] == [(A, 2019, "行政诉讼 未经复议直接起诉 2 复议后起诉 1", 1714, 1739)]
    _, rows = run_query("figure-evidence", graph, {"year": 2020}, with_ontology=False)
    assert {r[1] for r in rows} == {2020} and len(rows) == 15



def test_a_metric_is_named_by_key_prefixed_name_or_iri(graph):
    # figure-evidence's metric_key is declared "(kgm:)": the value names the metric concept kgm:{key}
    assert dict(query_info("figure-evidence").kinds) == {"metric_key": "kgm:", "year": "integer"}
    by_key = run_query("figure-evidence", graph, {"metric_key": "litigation_total"}, with_ontology=False)
    assert len(by_key[1]) == 6
    for value in ("kgm:litigation_total", "https://w3id.org/govinfo-kg/code/metric/litigation_total"):
        assert run_query("figure-evidence", graph, {"metric_key": value}, with_ontology=False) == by_key
    with pytest.raises(ResourceError, match=r"'litgation_total' is not a known kgm: name \(did you mean litigation_total"):
        run_query("figure-evidence", graph, {"metric_key": "litgation_total"})
    with pytest.raises(ResourceError, match="takes a name such as kgm:"):
        run_query("figure-evidence", graph, {"metric_key": "litigation total"})

def test_unknown_parameter_is_an_error(graph):
    with pytest.raises(ResourceError, match="unknown parameter 'metric'.*metric_key, year"):
        run_query("figure-evidence", graph, {"metric": "x"})
    with pytest.raises(ResourceError, match="takes: none"):
        run_query("applications-per-year", graph, {"year": 2018})


def test_result_cells_are_plain_values():
    xsd = "http://www.w3.org/2001/XMLSchema#"
    typed = [("integer", "42", 42), ("integer", "-7", -7), ("nonNegativeInteger", "3", 3), ("integer", "4.5", "4.5"),
             ("boolean", "true", True), ("boolean", "0", False), ("decimal", "1.5", Decimal("1.5")), ("double", "2.5E3", 2500.0),
             ("date", "2023-12-31", date(2023, 12, 31)), ("date", "2023-02-30", "2023-02-30"), ("gYear", "2023", "2023")]
    for datatype, text, value in typed:
        got = cell(ox.Literal(text, datatype=ox.NamedNode(xsd + datatype)))
        assert got == value and type(got) is type(value), (datatype, text)
    assert cell(ox.NamedNode("https://example.org/a")) == "https://example.org/a"
    assert cell(ox.Literal("公开", language="zh")) == cell(ox.Literal("公开")) == "公开"
    assert cell(ox.BlankNode("b0")) == "_:b0" and cell(None) is None


# ----------------------------------------------------------------------------- headers


def test_every_rq_file_has_title_and_description():
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 10
    for path in files:
        header = parse_header(path.read_text(encoding="utf-8"))
        assert header.get("title"), path
        assert header.get("description"), path
        assert "ORDER BY" in path.read_text(encoding="utf-8"), f"{path} has no ORDER BY"


def test_list_queries_reads_headers():
    infos = {info.name: info for info in list_queries()}
    assert infos["applications-per-year"].title == "Applications received per year"
    assert "政府信息公开申请" in infos["applications-per-year"].description
    assert infos["figure-evidence"].parameters[0][0] == "metric_key"
    assert [name for name, _ in infos["figure-evidence"].parameters] == ["metric_key", "year"]
    assert [name for name, _ in infos["totals-per-division"].parameters] == ["region", "level", "year"]
    assert list(infos) == sorted(infos)


def test_header_continuation_lines():
    text = "# title: T\n# description: first line\n#   second line\n# parameters: a = x; b = y\nSELECT * {}"
    assert parse_header(text) == {"title": "T", "description": "first line second line", "parameters": "a = x; b = y"}


# ----------------------------------------------------------------------------- files and errors


def test_query_by_path(graph, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text(
        "# title: Agencies\n# description: names\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "SELECT ?name WHERE { ?a a org:FormalOrganization ; skos:prefLabel ?name } ORDER BY ?name\n",
        encoding="utf-8",
    )
    assert run_query(str(path), graph) == (["name"], [[A], [B], [C]])
    assert query_info(path).title == "Agencies"


def test_syntax_error_names_file_and_line(graph, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: x\n# description: y\nSELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER( \n}\n", encoding="utf-8")
    with pytest.raises(KgError) as caught:
        run_query(path, graph)
    assert caught.value.path == f"{path}:7"  # where the parser met '}' instead of an expression
    assert "syntax" in caught.value.message.lower()


def test_unknown_prefix_names_line(graph, tmp_path):
    path = tmp_path / "prefix.rq"
    path.write_text("# title: x\n# description: y\nSELECT ?s WHERE {\n  ?s foo:bar ?o .\n}\n", encoding="utf-8")
    with pytest.raises(ResourceError) as caught:
        run_query(path, graph)
    assert str(caught.value) == f"{path}:4: unknown prefix 'foo:' (declare it with PREFIX)"


def test_missing_query(graph):
    with pytest.raises(ResourceError, match="no such query"):
        run_query("no-such-query", graph)
    with pytest.raises(ResourceError, match="no such query file"):
        run_query("nowhere/x.rq", graph)


def test_non_select_query_is_an_error(graph, tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="only SELECT"):
        run_query(path, graph)


def test_list_queries_rejects_a_query_without_header(monkeypatch):
    monkeypatch.setattr(resources, "query_names", lambda: ["bare"])
    monkeypatch.setattr(resources, "query_text", lambda name: "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s\n")
    with pytest.raises(ResourceError, match=r"queries/bare.rq:1: header lacks '# title"):
        list_queries()


# ----------------------------------------------------------------------------- formatting


def test_table_is_aligned_for_chinese(graph):
    columns, rows = run_query("npc-cppcc-per-agency", graph, with_ontology=False)
    text = format_table(columns, rows)
    lines = text.splitlines()
    assert lines[-1] == "(4 rows)"
    widths = {display_width(line) for line in lines[:-1] if line.strip()}
    body = lines[2:-1]
    # every row's npc column ends at the same display column (numbers right-aligned)
    ends = {display_width(line[: line.index(str(row[2])) + len(str(row[2]))]) for line, row in zip(body, rows) if row[2] is not None}
    assert len(ends) == 1
    assert max(widths) == display_width(lines[1])
    assert display_width("张店区") == 6 and display_width("ab") == 2


def test_table_truncates_long_cells():
    text = format_table(["sentence"], [["很" * 100]], max_width=20)
    assert "…" in text and all(display_width(line) <= 20 for line in text.splitlines()[2:-1])


def test_csv_and_json(graph):
    columns, rows = run_query("reports-overview", graph, with_ontology=False)
    parsed = list(csv.reader(io.StringIO(format_csv(columns, rows))))
    assert parsed[0] == columns
    assert parsed[5] == [C, "2018", "NarrativeFormat", "", "true", "true", "2", "5"]
    records = json.loads(format_json(columns, rows))
    assert records[4] == {"agency": C, "year": 2018, "format": "NarrativeFormat", "issued": None, "has_period": True,
                          "has_contact": True, "channels": 2, "figures": 5}
    assert records[0]["issued"] == "2019-03-20"
    assert json.loads(format_json(["v"], [[Decimal("3.5")], [Decimal("2.0")]])) == [{"v": 3.5}, {"v": 2}]
    assert format_rows(columns, rows, "csv") == format_csv(columns, rows)
    with pytest.raises(ValueError):
        format_rows(columns, rows, "xml")


def test_empty_result_formats():
    assert format_table(["a", "b"], []).splitlines() == ["a  b", "-  -", "(0 rows)"]
    assert format_csv(["a"], []) == "a\n"
    assert format_json(["a"], []) == "[]\n"


# ----------------------------------------------------------------------------- by division, on real reports

DEV = DATA / "corpus" / "dev"
# 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024): one agency under two printed names; 河北省's
# departments of several years; 平潭 (福州市) a county government, a zone and a zone's department
DEV_REPORTS = ("101_hongze_district_2023.pdf", "102_hongze_district_2024.pdf", "111_hebei_education_2023.txt",
               "112_hebei_education_2013.txt", "113_hebei_science_2016.txt", "114_hebei_industry_2016.txt",
               "103_pingtan_county_2011.txt", "104_pingtan_landtax_2013.txt", "106_pingtan_zone_2014.txt")
HONGZE = "洪泽区人民政府"


@pytest.fixture(scope="module")
def placed() -> ox.Store:
    extract = pytest.importorskip("kg.extract")
    from kg.writer import build_graph
    from kg.query import graph_store

    return graph_store(build_graph([extract.extract_file(str(DEV / name)) for name in DEV_REPORTS]))


def rows_of(name: str, store: ox.Store, **params) -> list[dict]:
    columns, rows = run_query(name, store, params or None)
    return [dict(zip(columns, row)) for row in rows]


def test_totals_per_division(placed):
    rows = rows_of("totals-per-division", placed)
    by = {(r["code"], r["year"]): r for r in rows}
    # each report in its county, its city and its province
    for code, name, level in (("320813", "洪泽区", "county"), ("320800", "淮安市", "city"), ("320000", "江苏省", "province")):
        assert [(by[code, y]["division"], by[code, y]["level"], by[code, y]["reports"], by[code, y]["agencies"]) for y in (2023, 2024)] == [
            (name, level, 1, 1)] * 2
        assert (by[code, 2023]["applications"], by[code, 2024]["applications"]) == (21, 95)  # 表三's 本年新收
        assert (by[code, 2024]["reconsideration"], by[code, 2024]["litigation"]) == (2, 4)
    # two of 河北省's departments in 2016, each stating its applications
    assert (by["130000", 2016]["reports"], by["130000", 2016]["agencies"], by["130000", 2016]["applications_stating"]) == (2, 2, 2)
    assert {r["level"] for r in rows} == {"province", "city", "county"}
    assert sum(r["reports"] for r in rows if r["level"] == "province") == len(DEV_REPORTS)


def test_region_parameter_includes_the_divisions_under_it(placed):
    city = rows_of("totals-per-division", placed, region="320800")
    assert [(r["code"], r["year"]) for r in city] == [("320800", 2023), ("320800", 2024), ("320813", 2023), ("320813", 2024)]
    assert [r["code"] for r in rows_of("totals-per-division", placed, region="350000", level="county")] == ["350128"] * 3
    assert rows_of("totals-per-division", placed, region="110000") == []
    # the reports of a city with no applications: the district's, found from the province
    assert rows_of("zero-applications", placed, region="320000") == []
    assert [(r["year"], r["agency"]) for r in rows_of("zero-applications", placed, region="350100")] == [
        (2011, "平潭县人民政府"), (2013, "平潭综合实验区地方税务局")]
    rising = rows_of("reconsideration-litigation-rising", placed, region="320000")
    assert [(r["agency"], r["metric"], r["year_from"], r["year_to"]) for r in rising] == [
        (HONGZE, "litigation_total", 2023, 2024), (HONGZE, "reconsideration_total", 2023, 2024)]
    assert rows_of("reconsideration-litigation-rising", placed, region="130000") == []


def test_missing_reports_follow_the_agency_not_its_printed_name(placed):
    missing = rows_of("missing-reports", placed)
    # 洪泽区 printed 淮安市洪泽区人民政府 on its 2024 report: its 2023 report is not missing a successor
    assert not [r for r in missing if r["agency"] == HONGZE and r["year"] == 2023]
    assert [(r["agency"], r["year"], r["next_year"]) for r in missing if r["agency"] == "河北省教育厅"] == [
        ("河北省教育厅", 2013, 2023), ("河北省教育厅", 2023, None)]
    assert [r["agency"] for r in rows_of("missing-reports", placed, region="350100")] == ["平潭综合实验区地方税务局"]


def test_coverage_of_a_region(placed):
    rows = rows_of("coverage", placed, region="350000")
    assert [(r["code"], r["division"], r["agency"], r["agency_id"], r["kind"], r["year"], r["missing_year"]) for r in rows] == [
        ("350128", "平潭县", "平潭综合实验区地方税务局", "350128/平潭综合实验区地方税务局", "Department", 2013, 2014)]
    assert rows[0]["division_reports"] == 1  # the zone's own 2014 report, in the same county
    hebei = rows_of("coverage", placed, region="130000", year=2013)
    assert [(r["agency"], r["next_year"], r["division_reports"]) for r in hebei] == [("河北省教育厅", 2023, 0)]
    assert rows_of("coverage", placed, region="320800") == []  # 洪泽区: 2023 and 2024 (the latest year of the corpus)


def test_missing_reports_follow_an_unidentified_agency_by_its_printed_name():
    """Two reports of an agency kg could not identify (each its own agency node) are one agency's for
    missing-reports, by the name they print; an identified agency's report of the year between."""
    import dataclasses

    from kg.writer import build_graph
    from rdf_fixtures import hand_built_001, other_year

    facts = hand_built_001()
    unplaced = dataclasses.replace(facts, agency_id=None, region=None)
    graph = build_graph([unplaced, other_year(unplaced, 2016, "1" * 64), other_year(facts, 2017, "2" * 64)])
    columns, raw = run_query("missing-reports", graph)
    rows = [dict(zip(columns, row)) for row in raw]
    assert [(r["agency"], r["year"], r["missing_year"], r["next_year"]) for r in rows] == [
        ("淄博市张店区机关事务服务中心", 2016, 2017, 2018), ("张店区机关事务服务中心", 2017, 2018, None)]
    assert run_query("missing-reports", graph, {"region": "370303"})[1] == [["张店区机关事务服务中心", 2017, 2018, None, 1]]


def test_agencies_lists_a_national_body_beside_placed_agencies():
    """A national body has no division: it is listed without the region parameter, not with one."""
    import dataclasses

    from kg.writer import build_graph
    from rdf_fixtures import hand_built_001

    extract = pytest.importorskip("kg.extract")
    facts = hand_built_001()
    ministry = dataclasses.replace(facts, agency=dataclasses.replace(facts.agency, value="中华人民共和国教育部"),
                                   agency_id="CN/教育部", region=None, region_in_year=None)
    hongze = [extract.extract_file(str(DEV / name)) for name in DEV_REPORTS[:2]]
    graph = build_graph([ministry, *hongze])
    listed = {r["id"]: r for r in rows_of("agencies", graph)}
    assert (listed["CN/教育部"]["name"], listed["CN/教育部"]["region_code"], listed["CN/教育部"]["years"]) == ("教育部", None, "2018")
    assert (listed["320813/人民政府"]["other_names"], listed["320813/人民政府"]["years"]) == ("淮安市洪泽区人民政府", "2023 2024")
    assert [r["id"] for r in rows_of("agencies", graph, region="320800")] == ["320813/人民政府"]
    assert rows_of("unplaced-reports", graph) == []


@pytest.mark.parametrize("name", [info.name for info in list_queries() if "# with " in resources.query_text(info.name)])
def test_a_block_for_an_unbound_parameter_changes_no_row(placed, tmp_path, name):
    """`# with NAME` … `# end with NAME` is dropped when NAME is not bound, only to be faster: the
    query as written (block kept, as any SPARQL engine would run it) gives the same rows."""
    from kg.query import without_unbound

    text = resources.query_text(name)
    assert without_unbound(text, set()) != text and without_unbound(text, {"region"}) == text
    kept = tmp_path / f"{name}.rq"
    kept.write_text(text.replace("# with ", "# kept "), encoding="utf-8")
    assert run_query(str(kept), placed) == run_query(name, placed)
    assert run_query(name, placed)[1]  # the dev reports give rows to compare
