"""ReportFacts -> RDF: exact IRIs, no blank nodes, deterministic Turtle, and the round trip back."""

from __future__ import annotations

import dataclasses
from contextlib import chdir
import os
import pickle
import subprocess
import sys
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, QB, RDF, SKOS, VOID, XSD

from kg.model import Contact, Evidence, Fact, ReportFacts, Stat
from kg.export import to_graph
from kg.rdf import agency_iri, agency_label, graph_to_records, region_iri, report_graph, report_iri, web_iri
from kg.writer import build_graph, in_memory, serialize_turtle, write_turtle
from kg.vocab import DCAT, KG, KGM, KGP, KGU, OA, SCHEMA, SDMX_ATTR, SDMX_DIM, SDMX_MEASURE, VCARD
from rdf_fixtures import ROOT, hand_built_001, other_year

BASE = "https://w3id.org/govinfo-kg/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # plain: pytest probes module attributes
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))


@pytest.fixture(scope="module")
def facts() -> ReportFacts:
    return hand_built_001()


@pytest.fixture(scope="module")
def extracted() -> list[ReportFacts]:
    extract = pytest.importorskip("kg.extract")
    with chdir(ROOT):  # paths relative to the repository, as the hand-built facts' source is
        return [extract.extract_file(str(p.relative_to(ROOT))) for p in EXAMPLES]


@pytest.fixture(scope="module")
def others(facts, extracted) -> list[ReportFacts]:
    """The extracted reports but the one ``facts`` is built by hand from (one graph holds one version of a report)."""
    return [f for f in extracted if report_iri(f) != report_iri(facts)]


def expected_record(facts: ReportFacts) -> dict:
    """The record graph_to_records gives back: agency as its key, websites as IRIs."""
    from kg.rdf import agency_key

    record = facts.to_record()
    if record["agency"] is not None:
        record["agency"] = agency_key(record["agency"])
    record["contact"]["website"] = sorted(unquote(str(web_iri(w))) for w in record["contact"]["website"])
    record["contact"]["email"] = sorted(record["contact"]["email"])
    return record


# ---------------------------------------------------------------- IRIs


def test_report_iri_forms(facts):
    h = "44d59e8a74717a9c"
    assert report_iri(facts) == URIRef(f"{BASE}id/report/{h}/2018")
    assert agency_iri("370303/机关事务服务中心") == URIRef(f"{BASE}id/agency/{h}")
    no_year = dataclasses.replace(facts, year=None)
    assert report_iri(no_year) == URIRef(f"{BASE}id/report/{h}/file-{facts.sha256[:16]}")
    # an agency of unknown identity: the report is its file's, never another report's
    no_identity = dataclasses.replace(facts, agency_id=None)
    assert report_iri(no_identity) == URIRef(f"{BASE}id/report/file-{facts.sha256[:16]}")


def test_agency_iri_is_the_identity_not_the_printed_name():
    assert agency_iri("370303/信访局") != agency_iri("370303/民政局")
    assert agency_iri("110105/人民政府") != agency_iri("220104/人民政府")  # 朝阳区 of 北京 and of 长春
    assert agency_label("110105/人民政府") == "朝阳区人民政府" and agency_label("CN/教育部") == "教育部"
    assert agency_label("350128/平潭综合实验区") == "平潭综合实验区"  # the body already names its place


def test_report_graph_is_named_by_the_report(facts):
    g = report_graph(facts)
    assert g.identifier == report_iri(facts)


def test_report_triples(facts):
    g = report_graph(facts)
    r = report_iri(facts)
    agency = agency_iri(facts.agency_id)
    series = URIRef(f"{BASE}id/series/44d59e8a74717a9c")
    dist = URIRef(f"{BASE}id/file/{facts.sha256}")
    assert {RDF.type: set(g.objects(r, RDF.type))} == {RDF.type: {DCAT.Dataset, SCHEMA.Report}}
    assert g.value(r, DCTERMS.title) == Literal("淄博市张店区机关事务服务中心2018年政府信息公开工作年度报告", lang="zh")
    assert g.value(r, DCTERMS.publisher) == agency
    assert g.value(r, KG.reportYear) == Literal(2018, datatype=XSD.integer)
    assert g.value(r, SDMX_DIM.refPeriod) == URIRef("http://reference.data.gov.uk/id/year/2018")
    period = URIRef(f"{r}/period")
    assert g.value(r, DCTERMS.temporal) == period
    assert (period, RDF.type, DCTERMS.PeriodOfTime) not in g  # implied by dcterms:temporal's range
    assert g.value(period, DCAT.startDate) == Literal("2018-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2018-12-31", datatype=XSD.date)
    assert g.value(r, DCTERMS.issued) == Literal("2019-03-26", datatype=XSD.date)
    assert g.value(r, DCTERMS.conformsTo) == KG.NarrativeFormat
    assert g.value(r, DCAT.inSeries) == series
    # dcat:DatasetSeries by dcat:inSeries's range, dcat:Distribution by dcat:distribution's
    assert not list(g.objects(series, RDF.type)) and g.value(series, DCTERMS.publisher) == agency
    assert not list(g.objects(g.value(r, DCAT.distribution), RDF.type))
    # org:FormalOrganization only: org:Organization follows from ORG's subclass axiom
    assert set(g.objects(agency, RDF.type)) == {URIRef("http://www.w3.org/ns/org#FormalOrganization")}
    # the name is a function of the identity; the printed name is the report's, and another label
    assert g.value(agency, SKOS.prefLabel) == Literal("张店区机关事务服务中心", lang="zh")
    assert g.value(agency, SKOS.altLabel) == Literal("淄博市张店区机关事务服务中心", lang="zh")
    assert g.value(r, KG.agencyName) == Literal("淄博市张店区机关事务服务中心", lang="zh")
    assert g.value(r, DCAT.distribution) == dist
    assert g.value(dist, DCTERMS.identifier) == Literal(facts.sha256)
    assert g.value(dist, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/plain")
    assert g.value(dist, KG.sourcePath) == Literal("examples/001_290b4abaa96ad801.txt")
    assert set(g.objects(r, KG.disclosureChannel)) == {KGP.website, KGP.weibo}


def test_format_iris(facts):
    for fmt, edition, iri in (("standard", "2019", KG.Template2019), ("standard", "2021", KG.Template2021), ("standard", None, KG.StandardTemplate)):
        g = report_graph(dataclasses.replace(facts, format=fmt, edition=edition))
        assert g.value(report_iri(facts), DCTERMS.conformsTo) == iri


def test_no_period_no_temporal(facts):
    g = report_graph(dataclasses.replace(facts, period_start=None, period_end=None))
    assert g.value(report_iri(facts), DCTERMS.temporal) is None


def test_contact(facts):
    g = report_graph(facts)
    c = URIRef(f"{report_iri(facts)}/contact")
    assert g.value(report_iri(facts), DCAT.contactPoint) == c
    assert (c, RDF.type, VCARD.Organization) in g
    assert g.value(c, VCARD.fn) == Literal("淄博市张店区机关事务服务中心")
    address = g.value(c, VCARD.hasAddress)
    assert address == URIRef(f"{c}/address")
    assert g.value(address, VCARD["postal-code"]) == Literal("255000")
    assert g.value(address, VCARD["street-address"]) == Literal("张店区新村西路226号区政务中心张店区机关事务服务中心办公室")
    tel, fax = URIRef(f"{c}/tel-0"), URIRef(f"{c}/fax-0")
    assert set(g.objects(c, VCARD.hasTelephone)) == {tel, fax}
    assert (tel, RDF.type, VCARD.Voice) in g and (fax, RDF.type, VCARD.Fax) in g
    assert g.value(tel, VCARD.hasValue) == URIRef("tel:0533-2869928")
    assert g.value(c, VCARD.hasEmail) == URIRef("mailto:zdqjgswgljbg@zb.shandong.cn")
    person = g.value(c, KG.contactPerson)
    assert person == URIRef(f"{c}/person") and (person, RDF.type, VCARD.Individual) in g
    assert g.value(person, VCARD.fn) == Literal("张斌")


def test_no_contact_details_no_contact_point(facts):
    g = report_graph(dataclasses.replace(facts, contact=Contact()))
    assert g.value(report_iri(facts), DCAT.contactPoint) is None
    assert not list(g.subjects(RDF.type, VCARD.Organization))


def test_website_gets_a_scheme(facts):
    site = Fact("www.zhangdian.gov.cn", facts.title.evidence)
    g = report_graph(dataclasses.replace(facts, contact=Contact(website=[site, Fact("https://a.b/c", facts.title.evidence)])))
    assert set(g.objects(URIRef(f"{report_iri(facts)}/contact"), VCARD.hasURL)) == {URIRef("http://www.zhangdian.gov.cn"), URIRef("https://a.b/c")}


def test_observations(facts):
    g = report_graph(facts)
    r = report_iri(facts)
    obs = URIRef(f"{r}/obs/proactive_total")
    # the abbreviated Data Cube form: the report's slice holds what is the same for every figure
    slice_ = URIRef(f"{r}/slice/stats")
    assert set(g.objects(KG.disclosureStats, QB.slice)) == {slice_}
    assert g.value(slice_, QB.sliceStructure) == KG.reportSlice
    assert g.value(slice_, KG.agency) == agency_iri(facts.agency_id)
    assert g.value(slice_, SDMX_DIM.refPeriod) == URIRef("http://reference.data.gov.uk/id/year/2018")
    assert g.value(slice_, KG.sourceReport) == r
    assert set(g.objects(slice_, QB.observation)) == {URIRef(f"{r}/obs/{m}") for m in facts.stats}
    # and the observation only what is its own
    assert set(g.predicates(obs)) == {KG.metric, SDMX_MEASURE.obsValue, SDMX_ATTR.unitMeasure, KG.approximate,
                                      PROV.wasDerivedFrom, KG.valueStart, KG.valueEnd}
    assert g.value(obs, KG.metric) == KGM.proactive_total
    value = g.value(obs, SDMX_MEASURE.obsValue)
    assert value == Literal(150, datatype=XSD.integer) and value.datatype == XSD.integer
    assert g.value(obs, SDMX_ATTR.unitMeasure) == KGU["条"]
    assert g.value(obs, KG.approximate) == Literal(True)
    sentence = facts.stats["proactive_total"].evidence
    assert g.value(obs, PROV.wasDerivedFrom) == URIRef(f"{r}/s/{sentence.start}-{sentence.end}")


def test_printed_zero_is_an_observation_and_missing_metric_is_not(facts):
    g = report_graph(facts)
    r = report_iri(facts)
    zero = URIRef(f"{r}/obs/applications_received")
    assert g.value(zero, SDMX_MEASURE.obsValue) == Literal(0, datatype=XSD.integer)
    assert g.value(zero, SDMX_ATTR.unitMeasure) is None
    assert g.value(zero, KG.approximate) is None  # exact: kg:approximate is said only when true
    assert not list(g.subjects(KG.metric, KGM.disclosed))
    assert len(list(g.subjects(KG.metric, None))) == len(set(g.objects(None, QB.observation))) == len(facts.stats) == 5


def test_decimal_values(facts):
    ev = facts.title.evidence
    g = report_graph(dataclasses.replace(facts, stats={"admin_fees_10k_yuan": Stat("admin_fees_10k_yuan", 12.5, False, "万元", ev)}))
    value = g.value(URIRef(f"{report_iri(facts)}/obs/admin_fees_10k_yuan"), SDMX_MEASURE.obsValue)
    assert value.datatype == XSD.decimal and str(value) == "12.5"


def test_evidence(facts):
    text = (ROOT / "examples" / "001_290b4abaa96ad801.txt").read_text(encoding="utf-8")
    g = report_graph(facts)
    r = report_iri(facts)
    obs = URIRef(f"{r}/obs/proactive_total")
    ev = g.value(obs, PROV.wasDerivedFrom)
    assert not list(g.objects(ev, RDF.type))  # an oa:ResourceSelection by oa:hasSource's domain
    assert g.value(ev, OA.hasSource) == URIRef(f"{BASE}id/file/{facts.sha256}")
    quote, position = URIRef(f"{ev}/q"), URIRef(f"{ev}/p")
    assert set(g.objects(ev, OA.hasSelector)) == {quote, position}
    assert (quote, RDF.type, OA.TextQuoteSelector) in g and (position, RDF.type, OA.TextPositionSelector) in g
    start, end = int(g.value(position, OA.start)), int(g.value(position, OA.end))
    assert text[start:end] == str(g.value(quote, OA.exact)) == "通过区政府门户网站我中心共累计主动公开信息150余条。"
    assert g.value(position, OA.start).datatype == XSD.nonNegativeInteger
    # the value's offsets are the figure's own; 150余条 is longer than 150, so its end is stated
    assert text[int(g.value(obs, KG.valueStart)) : int(g.value(obs, KG.valueEnd))] == "150余条"
    # the only reading of its sentence: the rule is said once, on the sentence
    assert g.value(ev, KG.rule) == Literal("test.proactive_total") and g.value(obs, KG.rule) is None
    # report-level facts have evidence too, named by their key, derived from their sentence
    title_ev = URIRef(f"{r}/evidence/title")
    assert (r, PROV.wasDerivedFrom, title_ev) in g
    assert g.value(title_ev, DCTERMS.identifier) == Literal("title")
    heading = g.value(title_ev, PROV.wasDerivedFrom)
    assert str(g.value(URIRef(f"{heading}/q"), OA.exact)) == facts.title.evidence.sentence


def test_a_sentence_is_said_once(facts):
    """Title, agency and year are read from the same heading by one rule: one quote, three
    readings, the rule said once on the sentence."""
    g = report_graph(facts)
    r = report_iri(facts)
    readings = [URIRef(f"{r}/evidence/{key}") for key in ("title", "agency", "year")]
    sentences = {g.value(node, PROV.wasDerivedFrom) for node in readings}
    assert len(sentences) == 1
    (sentence,) = sentences
    assert len(list(g.triples((None, OA.exact, None)))) == len({str(o) for o in g.objects(None, OA.exact)})
    assert g.value(sentence, KG.rule) == Literal("test.hand")
    assert [g.value(node, KG.rule) for node in readings] == [None] * 3
    # the two reconsideration/litigation figures share their sentence, each with its own rule
    both = {g.value(URIRef(f"{r}/obs/{m}"), PROV.wasDerivedFrom) for m in ("litigation_total", "reconsideration_total")}
    assert len(both) == 1 and g.value(both.pop(), KG.rule) is None
    assert g.value(URIRef(f"{r}/obs/litigation_total"), KG.rule) == Literal("test.litigation_total")


def test_value_end_implied_by_an_integer_printed_as_is(facts):
    ev = facts.stats["proactive_total"].evidence
    shown = dataclasses.replace(ev, value_end=ev.value_start + 3)  # "150" rather than "150余条"
    stat = dataclasses.replace(facts.stats["proactive_total"], evidence=shown)
    g = report_graph(dataclasses.replace(facts, stats={**facts.stats, "proactive_total": stat}))
    obs = URIRef(f"{report_iri(facts)}/obs/proactive_total")
    assert g.value(obs, KG.valueEnd) is None
    assert graph_to_records(g)[0]["provenance"]["stats.proactive_total"]["value_end"] == ev.value_start + 3


def test_page_selector(facts):
    ev = dataclasses.replace(facts.title.evidence, page=3)
    g = report_graph(dataclasses.replace(facts, title=Fact(facts.title.value, ev)))
    page = URIRef(f"{report_iri(facts)}/page/3")  # one per page, shared by the sentences on it
    assert g.value(page, RDF.value) == Literal("page=3")
    assert (page, RDF.type, OA.FragmentSelector) in g
    assert graph_to_records(g)[0]["provenance"]["title"]["page"] == 3


def test_sentences_with_the_same_offsets_stay_apart(facts):
    """Offsets name a sentence; two different ones at the same offsets (never from an
    extraction) still keep their own quote."""
    other = dataclasses.replace(facts.title.evidence, sentence="另一句")
    g = report_graph(dataclasses.replace(facts, issued=Fact(facts.issued.value, other)))
    assert graph_to_records(g) == [expected_record(dataclasses.replace(facts, issued=Fact(facts.issued.value, other)))]


# ---------------------------------------------------------------- graphs of many reports


def no_blank_nodes(graph: Graph) -> bool:
    return not any(isinstance(t, BNode) for triple in graph for t in triple)


def test_no_blank_nodes(facts, others):
    assert no_blank_nodes(build_graph([facts, *others]))


def test_agency_shared_across_reports_and_series_linked(facts):
    earlier, latest = other_year(facts, 2016, "1" * 64), other_year(facts, 2017, "2" * 64)
    g = build_graph([facts, latest, earlier])
    agency = agency_iri(facts.agency_id)
    reports = sorted(g.subjects(RDF.type, SCHEMA.Report), key=str)
    assert len(reports) == 3
    assert {g.value(r, DCTERMS.publisher) for r in reports} == {agency}
    assert len(set(g.subjects(RDF.type, URIRef("http://www.w3.org/ns/org#FormalOrganization")))) == 2  # and the district's government
    r16, r17, r18 = (URIRef(f"{BASE}id/report/44d59e8a74717a9c/{y}") for y in (2016, 2017, 2018))
    assert g.value(r18, DCAT.prev) == r17 and g.value(r17, DCAT.prev) == r16 and g.value(r16, DCAT.prev) is None
    series = URIRef(f"{BASE}id/series/44d59e8a74717a9c")
    assert g.value(series, DCAT.first) == r16 and g.value(series, DCAT.last) == r18
    # observations of the two years share the agency IRI
    assert {g.value(s, KG.agency) for s in g.objects(KG.disclosureStats, QB.slice)} == {agency}
    # the links follow the reports as they come and go
    writer = in_memory()
    for f in (facts, latest, earlier):
        writer.put(f)
    writer.remove(writer.entries()[latest.source])
    g = to_graph(writer)
    assert g.value(r18, DCAT.prev) == r16 and g.value(r16, DCAT.prev) is None and g.value(series, DCAT.last) == r18


def test_union_of_named_graphs(facts, others):
    g = build_graph([facts, *others])
    union = Graph()
    for f in [facts, *others]:
        union += report_graph(f)
    links = [t for t in g if t[1] in (DCAT.prev, DCAT.first, DCAT.last)]
    # the writer records each report graph's size on the report (void:triples)
    sizes = {s: int(o) for s, p, o in g if p == VOID.triples}
    assert set(sizes) == {report_iri(f) for f in [facts, *others]}
    for triple in links + [(s, VOID.triples, Literal(n, datatype=XSD.integer)) for s, n in sizes.items()]:
        union.add(triple)
    assert links and isomorphic(g, union)  # the reports' triples, their sizes and the series links


# ---------------------------------------------------------------- Turtle


def test_turtle_is_deterministic_and_parses_back(tmp_path, facts, others):
    reports = [facts, *others]
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    write_turtle(build_graph(reports), a)
    write_turtle(build_graph(list(reversed(reports))), b)
    assert a.read_bytes() == b.read_bytes()
    back = Graph().parse(a, format="turtle")
    assert isomorphic(back, build_graph(reports))
    assert "_:" not in a.read_text(encoding="utf-8")


def test_turtle_is_identical_across_hash_seeds(tmp_path, facts):
    pickled = tmp_path / "facts.pickle"
    pickled.write_bytes(pickle.dumps([facts, other_year(facts, 2017, "2" * 64)]))
    script = "import pickle,sys; from kg.writer import build_graph, write_turtle; write_turtle(build_graph(pickle.load(open(sys.argv[1],'rb'))), sys.argv[2])"
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "tests")}
        subprocess.run([sys.executable, "-c", script, str(pickled), str(out)], check=True, env=env, cwd=ROOT)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_write_turtle_is_atomic(tmp_path, facts):
    target = tmp_path / "out" / "graph.ttl"
    write_turtle(build_graph([facts]), target)
    first = target.read_bytes()
    broken = Graph()
    broken.add((BNode(), RDF.type, QB.Slice))
    with pytest.raises(ValueError):
        write_turtle(broken, target)
    assert target.read_bytes() == first  # the old file is left as it was
    assert [p.name for p in target.parent.iterdir()] == ["graph.ttl"]  # no temporary file left


def test_turtle_escapes_awkward_literals(facts):
    title = Fact('a "quoted" \\ title\nwith a line break', facts.title.evidence)
    g = build_graph([dataclasses.replace(facts, title=title)])
    back = Graph().parse(data=serialize_turtle(g), format="turtle")
    assert isomorphic(back, g)


# ---------------------------------------------------------------- round trip


def test_round_trip_hand_built(facts):
    assert graph_to_records(report_graph(facts)) == [expected_record(facts)]


def test_round_trip_real_extraction(extracted):
    g = build_graph(extracted)
    by_iri = sorted(extracted, key=lambda f: str(report_iri(f)))
    assert graph_to_records(g) == [expected_record(f) for f in by_iri]


def test_round_trip_through_turtle(extracted):
    back = Graph().parse(data=serialize_turtle(build_graph(extracted)), format="turtle")
    assert graph_to_records(back) == graph_to_records(build_graph(extracted))


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85") | st.sampled_from('\n"\\'), max_size=30)
HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=12)
METRICS = sorted(["proactive_total", "applications_received", "disclosed", "fees_yuan", "litigation_total", "admin_fees_10k_yuan", "npc_suggestions"])
UNITS = "条 件 次 起 元 万元 篇 期 个 份 人次 场".split()
CODES = ["320813", "320800", "110105", "130000", "999999"]  # a county, a city, a municipality's district, a province, no division
PLATFORMS = sorted("website wechat weibo app print gazette hotline sms".split())


@st.composite
def evidences(draw) -> Evidence:
    start = draw(st.integers(0, 10**6))
    end = draw(st.integers(start, start + 500))
    value_start = draw(st.integers(start, end))
    return Evidence(draw(TEXT), start, end, value_start, draw(st.integers(value_start, end)), draw(st.from_regex(r"[a-z]+\.[a-z_]+", fullmatch=True)), draw(st.none() | st.integers(1, 500)))


def facts_of(draw, strategy):
    return Fact(draw(strategy), draw(evidences()))


@st.composite
def report_facts(draw) -> ReportFacts:
    values = st.integers(0, 10**9) | st.floats(0, 1e7, allow_nan=False, allow_infinity=False)
    stats = {}
    for metric in draw(st.lists(st.sampled_from(METRICS), unique=True)):
        stats[metric] = Stat(metric, draw(values), draw(st.booleans()), draw(st.none() | st.sampled_from(UNITS)), draw(evidences()))
    date = st.dates().map(lambda d: d.isoformat())
    maybe = lambda s: st.none() | s  # noqa: E731
    fmt = draw(st.sampled_from([("narrative", None), ("standard", "2019"), ("standard", "2021"), ("standard", None)]))
    email = st.from_regex(r"[a-z0-9._]{1,10}@[a-z0-9]{1,8}\.(cn|com)", fullmatch=True)
    return ReportFacts(
        source=draw(TEXT.filter(bool)),
        sha256=draw(st.from_regex(r"[0-9a-f]{64}", fullmatch=True)),
        media_type="text/plain",
        format=fmt[0],
        edition=fmt[1],
        title=draw(maybe(st.builds(Fact, TEXT, evidences()))),
        agency=draw(maybe(st.builds(Fact, HAN, evidences()))),
        region=draw(maybe(st.builds(Fact, st.sampled_from(CODES), evidences()))),
        region_in_year=draw(maybe(st.sampled_from(CODES + ["320829"]))),
        agency_id=draw(maybe(st.builds(lambda code, body: f"{code}/{body}", st.sampled_from(CODES + ["CN"]), HAN))),
        year=draw(maybe(st.builds(Fact, st.integers(1990, 2100), evidences()))),
        period_start=draw(maybe(st.builds(Fact, date, evidences()))),
        period_end=draw(maybe(st.builds(Fact, date, evidences()))),
        issued=draw(maybe(st.builds(Fact, date, evidences()))),
        contact=Contact(
            address=draw(maybe(st.builds(Fact, TEXT, evidences()))),
            postcode=draw(maybe(st.builds(Fact, st.from_regex(r"[0-9]{6}", fullmatch=True), evidences()))),
            person=draw(maybe(st.builds(Fact, HAN, evidences()))),
            phone=[facts_of(draw, st.just(p)) for p in draw(st.lists(st.from_regex(r"0[0-9]{3}-[0-9]{7}(转[0-9]{2})?", fullmatch=True), max_size=3))],
            fax=[facts_of(draw, st.just(p)) for p in draw(st.lists(st.from_regex(r"[0-9]{7,8}", fullmatch=True), max_size=2))],
            email=[facts_of(draw, st.just(e)) for e in sorted(draw(st.lists(email, unique=True, max_size=2)))],
            website=[facts_of(draw, st.just(w)) for w in draw(st.lists(st.from_regex(r"(https?://)?www\.[a-z]{1,8}\.gov\.cn(/[a-z]{1,5})?", fullmatch=True), unique=True, max_size=2))],
        ),
        platforms=[facts_of(draw, st.just(p)) for p in sorted(draw(st.lists(st.sampled_from(PLATFORMS), unique=True)))],
        stats=stats,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_facts())
def test_round_trip_property(facts):
    graph = report_graph(facts)
    assert no_blank_nodes(graph)
    expected = expected_record(facts)
    assert graph_to_records(graph) == [expected]
    back = Graph().parse(data=serialize_turtle(graph), format="turtle")
    assert graph_to_records(back) == [expected]


# ---------------------------------------------------------------- the standard template's tables


@pytest.fixture(scope="module")
def template_pdf() -> ReportFacts:
    extract = pytest.importorskip("kg.extract")
    return extract.extract_file(str(ROOT / "tests" / "data" / "corpus" / "dev" / "102_hongze_district_2024.pdf"))


def test_every_table_cell_is_an_observation_with_its_cell(template_pdf):
    g = report_graph(template_pdf)
    report = report_iri(template_pdf)
    table_stats = [s for s in template_pdf.observations if s.stated_in == "table"]
    assert len(table_stats) > 150  # 表三's 26 rows x 7 columns and 表四's 15 cells, less what was not printed
    for stat in table_stats:
        if stat.applicant is not None:
            obs = URIRef(f"{report}/obs/{stat.metric}/{stat.applicant}")
            slice_ = URIRef(f"{report}/slice/applicant/{stat.applicant}")
            assert (KG.applicantStats, QB.slice, slice_) in g
            assert (slice_, KG.applicantType, URIRef(f"{BASE}code/applicant/{stat.applicant}")) in g
        else:
            obs = URIRef(f"{report}/obs/{stat.metric}")
            slice_ = URIRef(f"{report}/slice/stats")
        assert (slice_, QB.observation, obs) in g
        assert g.value(obs, SDMX_MEASURE.obsValue).toPython() == stat.value
        row = g.value(obs, PROV.wasDerivedFrom)  # the row, shared by its cells; the column is the cell's own
        assert (int(g.value(row, KG.tableIndex)), int(g.value(row, KG.tableRow)), int(g.value(obs, KG.tableColumn))) == (
            stat.evidence.table, stat.evidence.row, stat.evidence.column)


def test_prose_figure_of_a_table_metric_is_kept_apart(template_pdf):
    g = report_graph(template_pdf)
    report = report_iri(template_pdf)
    said = URIRef(f"{report}/text/applications_received")
    assert (URIRef(f"{report}/slice/text"), QB.observation, said) in g and g.value(said, SDMX_MEASURE.obsValue).toPython() == 17
    assert g.value(URIRef(f"{report}/obs/applications_received"), SDMX_MEASURE.obsValue).toPython() == 95


def test_round_trip_standard_template_keeps_the_record_only(template_pdf):
    record = graph_to_records(report_graph(template_pdf))[0]
    assert record == expected_record(template_pdf)
    assert record["provenance"]["stats.applications_received"]["table"] is not None


# ---------------------------------------------------------------- agencies and divisions, on real reports

DEV = ROOT / "tests" / "data" / "corpus" / "dev"
ORG_ = Namespace("http://www.w3.org/ns/org#")
REGION = Namespace(f"{BASE}id/region/")


@pytest.fixture(scope="module")
def hongze() -> list[ReportFacts]:
    """洪泽区人民政府 2023 and 淮安市洪泽区人民政府 2024: one agency, two printed names."""
    extract = pytest.importorskip("kg.extract")
    return [extract.extract_file(str(DEV / name)) for name in ("101_hongze_district_2023.pdf", "102_hongze_district_2024.pdf")]


def test_two_printed_names_one_agency(hongze):
    g = build_graph(hongze)
    assert [f.agency_id for f in hongze] == ["320813/人民政府"] * 2
    (agency,) = set(g.subjects(RDF.type, ORG_.FormalOrganization))
    assert {g.value(report_iri(f), DCTERMS.publisher) for f in hongze} == {agency} == {agency_iri("320813/人民政府")}
    assert g.value(agency, DCTERMS.identifier) == Literal("320813/人民政府")
    assert list(g.objects(agency, SKOS.prefLabel)) == [Literal("洪泽区人民政府", lang="zh")]
    assert list(g.objects(agency, SKOS.altLabel)) == [Literal("淮安市洪泽区人民政府", lang="zh")]
    assert g.value(agency, ORG_.classification) == KG.Government and g.value(agency, ORG_.subOrganizationOf) is None
    assert [str(g.value(report_iri(f), KG.agencyName)) for f in hongze] == ["洪泽区人民政府", "淮安市洪泽区人民政府"]
    # one series over both years, whatever the name printed
    r23, r24 = (report_iri(f) for f in hongze)
    assert g.value(r24, DCAT.prev) == r23
    # the district, its city and its province, in the GB/T 2260 scheme
    county = g.value(agency, DCTERMS.spatial)
    assert county == REGION["320813"] == g.value(r23, DCTERMS.spatial)
    chain = [county, g.value(county, SKOS.broader), g.value(g.value(county, SKOS.broader), SKOS.broader)]
    assert [str(g.value(c, SKOS.notation)) for c in chain] == ["320813", "320800", "320000"]
    assert [g.value(c, SKOS.prefLabel) for c in chain] == [Literal(n, lang="zh") for n in ("洪泽区", "淮安市", "江苏省")]
    assert [str(g.value(c, KG.divisionLevel)) for c in chain] == ["county", "city", "province"]
    assert g.value(chain[2], SKOS.broader) is None and {g.value(c, SKOS.inScheme) for c in chain} == {REGION["gb2260"]}


def test_department_belongs_to_its_government(facts):
    g = build_graph([facts])
    agency = agency_iri(facts.agency_id)
    government = agency_iri("370303/人民政府")
    assert g.value(agency, ORG_.classification) == KG.Department and g.value(agency, ORG_.subOrganizationOf) == government
    assert g.value(government, SKOS.prefLabel) == Literal("张店区人民政府", lang="zh")
    assert g.value(government, ORG_.classification) == KG.Government and g.value(government, DCTERMS.spatial) == REGION["370303"]


def test_unknown_identity_is_the_reports_own_agency(facts):
    """Two reports printing one name, the region unknown: two agencies, never merged."""
    unplaced = [dataclasses.replace(f, agency_id=None, region=None) for f in (facts, other_year(facts, 2017, "2" * 64))]
    g = build_graph(unplaced)
    agencies = {g.value(report_iri(f), DCTERMS.publisher) for f in unplaced}
    assert agencies == {URIRef(f"{report_iri(f)}/agency") for f in unplaced} and len(agencies) == 2
    for agency in agencies:
        assert g.value(agency, SKOS.prefLabel) == Literal("淄博市张店区机关事务服务中心", lang="zh")
        assert g.value(agency, DCTERMS.identifier) is None and g.value(agency, DCTERMS.spatial) is None
    assert not list(g.subjects(RDF.type, SKOS.Concept)) and not list(g.objects(None, DCAT.inSeries))


def test_division_of_the_reports_year(facts):
    """洪泽县 (320829) in 2011, a district (320813) since 2016: the year's division, replaced by today's."""
    g = build_graph([dataclasses.replace(facts, region_in_year="320829")])
    then = g.value(report_iri(facts), KG.regionInYear)
    assert then == REGION["320829"] and g.value(then, SKOS.prefLabel) == Literal("洪泽县", lang="zh")
    assert g.value(then, DCTERMS.isReplacedBy) == REGION["320813"] and g.value(then, SKOS.broader) == REGION["320800"]
    assert str(g.value(then, SKOS.notation)) == "320829" and str(g.value(REGION["320813"], SKOS.notation)) == "320813"


def test_store_keeps_what_its_reports_lead_to(hongze, facts):
    """Removing a report removes its printed name from the agency, and the agency, its divisions and
    the body it belongs to once no report leads to them."""
    from kg.store import SHARED
    import pyoxigraph as ox

    writer = in_memory()
    for f in (*hongze, facts):
        writer.put(f)

    def shared() -> set:
        return {(q.subject.value, q.predicate.value, q.object.value) for q in writer.db.quads_for_pattern(None, None, None, ox.NamedNode(SHARED))}

    agency = str(agency_iri("320813/人民政府"))
    alt = (agency, str(SKOS.altLabel), "淮安市洪泽区人民政府")
    assert alt in shared()
    writer.put(dataclasses.replace(hongze[1], agency=Fact("洪泽区人民政府", hongze[1].agency.evidence)))  # replaced: printed as the prefLabel
    assert alt not in shared() and (agency, str(SKOS.prefLabel), "洪泽区人民政府") in shared()
    writer.remove(writer.entries()[hongze[1].source])
    writer.remove(writer.entries()[hongze[0].source])
    left = shared()
    assert not [t for t in left if t[0] == agency or "/region/32" in t[0]]
    assert (str(REGION["370303"]), str(SKOS.broader), str(REGION["370300"])) in left  # 张店区's, still led to
    writer.remove(writer.entries()[facts.source])
    assert shared() == set()
