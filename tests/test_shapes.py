"""SHACL: real reports conform; broken graphs are caught with a clear one-line message."""

from __future__ import annotations

import dataclasses
from contextlib import chdir

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from kg.rdf import report_graph, report_iri
from kg.writer import build_graph
from kg.validate import report_of, validate_graph
from rdflib.namespace import PROV

from kg.vocab import DCAT, KG, KGM, KGR, OA, QB, RDF, SDMX_MEASURE, VCARD
from rdf_fixtures import ROOT, hand_built_001, other_year

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
TITLE = "淄博市张店区机关事务服务中心2018年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def facts():
    return hand_built_001()


@pytest.fixture
def graph(facts) -> Graph:
    return build_graph([facts])


@pytest.fixture(scope="module")
def extracted():
    extract = pytest.importorskip("kg.extract")
    with chdir(ROOT):  # paths relative to the repository, as the hand-built facts' source is
        return [extract.extract_file(str(p.relative_to(ROOT))) for p in EXAMPLES]


def obs(facts, metric: str) -> URIRef:
    return URIRef(f"{report_iri(facts)}/obs/{metric}")


def violations(graph: Graph) -> list[str]:
    conforms, lines = validate_graph(graph)
    assert not conforms
    return lines


def one(lines: list[str], *parts: str) -> str:
    found = [line for line in lines if all(p in line for p in parts)]
    assert found, "\n".join(lines)
    return found[0]


def test_hand_built_report_conforms(facts):
    conforms, lines = validate_graph(build_graph([facts, other_year(facts, 2017, "2" * 64)]))
    assert conforms, "\n".join(lines)
    assert lines == []


def test_real_reports_conform(extracted):
    # timing lives in bench/, not here
    conforms, lines = validate_graph(build_graph(extracted))
    assert conforms, "\n".join(lines)
    assert not [line for line in lines if line.startswith("violation")]


def test_negative_count(graph, facts):
    o = obs(facts, "fees_yuan")
    graph.set((o, SDMX_MEASURE.obsValue, Literal(-5)))
    line = one(violations(graph), "cannot be negative")
    assert line == f"violation | report {TITLE} | focus kgid:report/44d59e8a74717a9c/2018/obs/fees_yuan | path sdmx-measure:obsValue | a count or amount cannot be negative (value '-5')"


def test_negative_count_from_facts(facts):
    stat = dataclasses.replace(facts.stats["fees_yuan"], value=-1)
    lines = violations(report_graph(dataclasses.replace(facts, stats={"fees_yuan": stat})))
    one(lines, "path sdmx-measure:obsValue", "cannot be negative")


def test_bad_postcode(graph, facts):
    address = URIRef(f"{report_iri(facts)}/contact/address")
    graph.set((address, VCARD["postal-code"], Literal("25500")))
    line = one(violations(graph), "postcode")
    assert line.startswith(f"violation | report {TITLE} | focus kgid:report/44d59e8a74717a9c/2018/contact/address | path vcard:postal-code | a postcode must be six digits")


def test_observation_without_metric(graph, facts):
    graph.remove((obs(facts, "proactive_total"), KG.metric, None))
    line = one(violations(graph), "path kg:metric")
    assert "focus kgid:report/44d59e8a74717a9c/2018/obs/proactive_total | path kg:metric | an observation needs exactly one metric" in line


def test_direct_record_value_must_repeat_its_observation(graph, facts):
    report = report_iri(facts)
    assert graph.value(report, KGR.proactive_total) == graph.value(obs(facts, "proactive_total"), SDMX_MEASURE.obsValue)
    graph.set((report, KGR.proactive_total, Literal(151)))
    line = one(violations(graph), "check RecordValues")
    assert line.endswith(f"{KGR.proactive_total} is 151, but the report's record observation of that metric is 150")



def test_no_report_to_observation_links(graph):
    # the report's figures are found through its slice
    assert not [p for p in graph.predicates() if str(p).startswith("https://w3id.org/govinfo-kg/observation/")]


def test_report_counts_are_what_the_report_states(graph, facts):
    report = report_iri(facts)
    channels = set(graph.objects(report, KG.disclosureChannel))
    figures = [p for p in graph.predicates(report, None) if str(p).startswith(str(KGR))]
    assert channels and figures
    assert graph.value(report, KG.channelCount).toPython() == len(channels) == len({p.value for p in facts.platforms})
    assert graph.value(report, KG.recordFigureCount).toPython() == len(figures) == len(facts.stats)
    graph.set((report, KG.channelCount, Literal(len(channels) + 1)))
    graph.remove((report, KGR.proactive_total, None))
    lines = [line for line in violations(graph) if "check ReportCounts" in line]
    assert len(lines) == 2, lines
    assert lines[0].endswith(f"kg:channelCount is {len(channels) + 1}, but the report names {len(channels)} distinct channels")
    assert lines[1].endswith(f"kg:recordFigureCount is {len(figures)}, but the report states {len(figures) - 1} record figures (kgr:)")


def test_observation_with_two_values(graph, facts):
    graph.add((obs(facts, "proactive_total"), SDMX_MEASURE.obsValue, Literal(151)))
    one(violations(graph), "path sdmx-measure:obsValue", "exactly one value")


def test_unknown_metric(graph, facts):
    o = obs(facts, "proactive_total")
    graph.set((o, KG.metric, KGM.proactive_totl))
    one(violations(graph), "path kg:metric", "kgm:proactive_totl")


def test_observation_without_agency(facts):
    lines = violations(report_graph(dataclasses.replace(facts, agency=None, agency_id=None)))
    one(lines, "path kg:agency", "a slice needs exactly one agency")


def test_bad_date_and_year(graph, facts):
    report = report_iri(facts)
    graph.set((report, URIRef("http://purl.org/dc/terms/issued"), Literal("2019-02-30", datatype=XSD.date)))
    graph.set((report, KG.reportYear, Literal(1890)))
    lines = violations(graph)
    one(lines, "path dcterms:issued", "valid xsd:date")
    one(lines, "path kg:reportYear", "between 1990 and 2100")


def test_period_start_after_end(graph, facts):
    period = URIRef(f"{report_iri(facts)}/period")
    graph.set((period, DCAT.startDate, Literal("2019-01-01", datatype=XSD.date)))
    one(violations(graph), "path dcat:startDate", "not after the period end")


def test_blank_node_observation(graph, facts):
    node = BNode()
    for p, o in graph.predicate_objects(obs(facts, "proactive_total")):
        graph.add((node, p, o))
    line = one(violations(graph), "no blank nodes")
    assert "report -" in line


def test_bad_email_and_platform(graph, facts):
    contact = URIRef(f"{report_iri(facts)}/contact")
    graph.add((contact, VCARD.hasEmail, URIRef("mailto:nobody")))
    graph.add((report_iri(facts), KG.disclosureChannel, URIRef("https://w3id.org/govinfo-kg/code/platform/fax_machine")))
    lines = violations(graph)
    one(lines, "path vcard:hasEmail", "mailto:")
    one(lines, "path kg:disclosureChannel", "platform type")


def test_report_of(graph, facts):
    r = report_iri(facts)
    assert report_of(graph, URIRef(f"{r}/s/2-35/q")) == r
    assert report_of(graph, URIRef(f"{r}/slice/applicant/other_org")) == r
    assert report_of(graph, URIRef(f"https://w3id.org/govinfo-kg/id/file/{facts.sha256}")) == r
    assert report_of(graph, URIRef("https://w3id.org/govinfo-kg/id/report/file-0123/obs/x")) == URIRef("https://w3id.org/govinfo-kg/id/report/file-0123")


def test_observation_outside_any_slice(graph, facts):
    slice_ = URIRef(f"{report_iri(facts)}/slice/stats")
    graph.remove((slice_, QB.observation, obs(facts, "proactive_total")))
    one(violations(graph), "belongs to exactly one slice")


def test_approximate_only_when_true(graph, facts):
    graph.add((obs(facts, "fees_yuan"), KG.approximate, Literal(False)))
    one(violations(graph), "path kg:approximate", "only when true")


def test_reading_needs_one_rule(graph, facts):
    sentence = graph.value(obs(facts, "proactive_total"), PROV.wasDerivedFrom)
    graph.remove((sentence, KG.rule, None))
    one(violations(graph), "exactly one rule id")
    graph.add((obs(facts, "proactive_total"), KG.rule, Literal("a.b")))
    assert validate_graph(graph)[0]  # the figure's own rule will do


def test_sentence_needs_its_quote(graph, facts):
    sentence = graph.value(obs(facts, "proactive_total"), PROV.wasDerivedFrom)
    graph.remove((sentence, OA.hasSelector, URIRef(f"{sentence}/q")))
    one(violations(graph), "exactly one quote")


def test_applicant_type_only_in_the_applicant_data_set(graph, facts):
    slice_ = URIRef(f"{report_iri(facts)}/slice/stats")
    graph.add((slice_, KG.applicantType, URIRef("https://w3id.org/govinfo-kg/code/applicant/natural_person")))
    one(violations(graph), "applicant type exactly when it belongs to kg:applicantStats")
    graph.add((obs(facts, "applications_received"), KG.applicantType, URIRef("https://w3id.org/govinfo-kg/code/applicant/natural_person")))
    one(violations(graph), "an observation's applicant type is its slice's")


# ---------------------------------------------------------------- agencies and divisions

DEV = ROOT / "tests" / "data" / "corpus" / "dev"
ORG = Namespace("http://www.w3.org/ns/org#")
SKOS_ = Namespace("http://www.w3.org/2004/02/skos/core#")
REGION = Namespace("https://w3id.org/govinfo-kg/id/region/")


@pytest.fixture(scope="module")
def placed():
    """Real reports of a district (two printed names), a province's department (and its parent
    government), a zone's department and a municipality's office."""
    extract = pytest.importorskip("kg.extract")
    names = ("101_hongze_district_2023.pdf", "102_hongze_district_2024.pdf", "111_hebei_education_2023.txt",
             "104_pingtan_landtax_2013.txt", "532_shanghai_gov_office_2025.md")
    return [extract.extract_file(str(DEV / name)) for name in names]


def test_placed_agencies_conform(placed):
    graph = build_graph(placed)
    conforms, lines = validate_graph(graph)
    assert conforms, "\n".join(lines)
    assert not [line for line in lines if line.startswith("violation")]
    assert len(set(graph.subjects(RDF.type, ORG.FormalOrganization))) == 6  # 4 agencies, 河北 and 上海's governments


def agency_of(graph: Graph, facts) -> URIRef:
    return graph.value(report_iri(facts), URIRef("http://purl.org/dc/terms/publisher"))


def test_agency_with_two_names(placed):
    graph = build_graph(placed[:2])
    agency = agency_of(graph, placed[0])
    graph.add((agency, SKOS_.prefLabel, Literal("淮安市洪泽区人民政府", lang="zh")))
    one(violations(graph), "path skos:prefLabel", "exactly one skos:prefLabel")


def test_agency_of_a_division_needs_its_place(placed):
    graph = build_graph(placed[:2])
    graph.remove((agency_of(graph, placed[0]), URIRef("http://purl.org/dc/terms/spatial"), None))
    one(violations(graph), "needs dcterms:spatial")


def test_bad_identity_and_kind(placed):
    graph = build_graph(placed[:2])
    agency = agency_of(graph, placed[0])
    graph.set((agency, URIRef("http://purl.org/dc/terms/identifier"), Literal("32081/人民政府")))
    graph.set((agency, ORG.classification, KG.NarrativeFormat))
    lines = violations(graph)
    one(lines, "path dcterms:identifier", "six-digit division code")
    one(lines, "path org:classification", "kg:AgencyKindScheme")


def test_bad_division(placed):
    graph = build_graph(placed[:2])
    county = REGION["320813"]
    graph.set((county, SKOS_.notation, Literal("32081")))
    graph.add((county, SKOS_.broader, REGION["320000"]))
    lines = violations(graph)
    one(lines, "focus region:320813", "path skos:notation", "six-digit GB/T 2260 code")
    one(lines, "focus region:320813", "path skos:broader", "at most one division above it")


def test_change_event(placed):
    graph = build_graph(placed[:2])
    event = URIRef("https://w3id.org/govinfo-kg/id/change/0123456789abcdef")
    graph.add((event, RDF.type, ORG.ChangeEvent))
    graph.add((event, ORG.originalOrganization, agency_of(graph, placed[0])))
    assert "resultingOrganization" in one(violations(graph), "path org:resultingOrganization")
    graph.add((event, ORG.resultingOrganization, agency_of(graph, placed[0])))
    assert validate_graph(graph)[0]
