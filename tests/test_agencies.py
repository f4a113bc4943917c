"""The agencies file (kg build --agencies) and kg agencies, on stores and graphs built from real reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, XSD
from typer.testing import CliRunner

from kg.agencies import AgenciesFileError, apply, load
from kg.build import build_turtle, grow_store
from kg.cli import app
from kg.errors import InputError
from kg.extract import extract_file
from kg.identity import agency_id
from kg.rdf import agency_iri
from kg.vocab import DCAT
from tests.conftest import EXAMPLES

runner = CliRunner()
CULTURE = EXAMPLES / "000_7dd2f966124fee74.txt"  # 张店区文化出版局, 2018
GOVERNMENT = EXAMPLES / "004_ff35821c8cc453dd.txt"  # 张店区人民政府, 2018
HEADER = "name,region,override,parent,renamed_from,merged_into,year\n"
TOURISM = agency_id("张店区文化和旅游局", "370303")  # the agency a rename in the files below gives


def township_text() -> str:
    """A real report (张店区人民政府's) as a township's that names no county: 城关镇 is a name
    many counties share, so the report places it nowhere."""
    text = GOVERNMENT.read_text(encoding="utf-8")
    for old, new in [("淄博市张店区", "城关镇"), ("淄博市", "县"), ("张店区", "城关镇"), ("张店", "城关"), ("255020", ""),
                     ("0533-2869836", "2869836"), ("zhangdian", "chengguan"), ("区政务中心", "镇政务中心")]:
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(CULTURE, folder)
    shutil.copy(GOVERNMENT, folder)
    (folder / "chengguan_2018.txt").write_text(township_text(), encoding="utf-8")
    return folder


def agencies_file(tmp_path: Path, text: str, name: str = "agencies.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_township_report_is_not_placed(corpus):
    facts = extract_file(corpus / "chengguan_2018.txt")
    assert facts.agency is not None and facts.agency.value == "城关镇人民政府"
    assert facts.region is None and facts.agency_id is None


def test_a_region_from_the_file_places_a_report_that_states_none(corpus, tmp_path):
    directory = load(agencies_file(tmp_path, HEADER + "城关镇人民政府,370303,,,,,\n"))
    facts = apply(extract_file(corpus / "chengguan_2018.txt"), directory)
    assert facts.region is not None and facts.region.value == "370303"
    assert facts.region.evidence.rule == "agencies_file:2"
    assert facts.region.evidence.sentence.startswith("城关镇人民政府2018年")  # the sentence naming the agency
    assert facts.agency_id == "370303/城关镇人民政府"
    # a report the file does not speak of is unchanged
    other = extract_file(CULTURE)
    assert apply(other, directory) is other


def test_a_region_the_report_states_wins_unless_the_file_overrides(tmp_path):
    facts = extract_file(CULTURE)
    assert facts.region is not None and facts.region.value == "370303"
    namesake = load(agencies_file(tmp_path, HEADER + "张店区文化出版局,320813,,,,,\n"))
    assert apply(facts, namesake) is facts  # another agency of that name elsewhere
    override = load(agencies_file(tmp_path, HEADER + "张店区文化出版局,320813,yes,,,,\n", "override.csv"))
    changed = apply(facts, override)
    assert changed.region is not None and changed.region.value == "320813"
    assert changed.agency_id == "320813/文化出版局"
    # the report's own placement is kept in the evidence: its sentence, code and rule
    assert changed.region.evidence.rule == f"agencies_file:2;report:370303:{facts.region.evidence.rule}"
    assert changed.region.evidence.sentence == facts.region.evidence.sentence


def test_a_rename_gives_a_change_event_and_both_agencies(corpus, tmp_path):
    path = agencies_file(tmp_path, HEADER + "张店区文化和旅游局,370303,,张店区人民政府,张店区文化出版局,,2019\n"
                         "城关镇人民政府,370303,,370300/人民政府,,,\n")
    out = tmp_path / "graph.ttl"
    result = build_turtle([corpus], out, agencies=load(path))
    assert not result.failures
    graph = Graph().parse(out)
    events = list(graph.subjects(RDF.type, ORG.ChangeEvent))
    assert len(events) == 1
    event = events[0]
    old, new = graph.value(event, ORG.originalOrganization), graph.value(event, ORG.resultingOrganization)
    assert graph.value(event, DCTERMS.date) == Literal("2019", datatype=XSD.gYear)
    assert (old, new) == (agency_iri("370303/文化出版局"), agency_iri(TOURISM))
    assert str(graph.value(old, DCTERMS.identifier)) == "370303/文化出版局"
    assert str(graph.value(new, DCTERMS.identifier)) == TOURISM
    assert Literal("张店区文化和旅游局", lang="zh") in set(graph.objects(new, SKOS.prefLabel)) | set(graph.objects(new, SKOS.altLabel))
    assert graph.value(new, ORG.subOrganizationOf) == agency_iri("370303/人民政府")
    assert graph.value(new, DCTERMS.spatial) == URIRef("https://w3id.org/govinfo-kg/id/region/370303")
    # the old name's report is published by the event's original organisation
    reports = [r for r in graph.subjects(DCTERMS.publisher, old) if (r, RDF.type, DCAT.Dataset) in graph]
    assert len(reports) == 1 and str(graph.value(reports[0], DCTERMS.title)).startswith("张店区文化出版局2018年")
    # a parent the file gives replaces the one the name implies
    township = agency_iri("370303/城关镇人民政府")
    assert set(graph.objects(township, ORG.subOrganizationOf)) == {agency_iri("370300/人民政府")}


BAD_ROWS = [
    ("name,region\n张店区人民政府,999999\n", "row 2: unknown region code '999999'"),
    ("name,region\n张店区人民政府,370303\n,370303\n", "row 3: no agency name"),
    ("name,region,renamed_from,year\n张店区文化和旅游局,370303,张店区文化出版局,20l9\n", "row 2: year '20l9' is not a year"),
    ("name,region,renamed_from,year\n张店区文化和旅游局,370303,张店区文化出版局,1800\n", "row 2: year '1800' is not a year"),
    ("name,region,province\n张店区人民政府,370303,山东\n", "row 1: unknown column 'province'"),
    ("name,region\n张店区人民政府,370303\n张店区人民政府,370303\n", "row 3: 张店区人民政府: the same agency as row 2"),
    ("name,region,renamed_from\n张店区文化和旅游局,370303,张店区文化出版局\n", "row 2: renamed_from and merged_into need the year"),
    ("name,parent\n城关镇人民政府,县人民政府\n", "row 2: 城关镇人民政府: give its region"),
]


@pytest.mark.parametrize("text,problem", BAD_ROWS)
def test_a_bad_row_is_one_line_naming_the_file_and_the_row(tmp_path, text, problem):
    path = agencies_file(tmp_path, text)
    with pytest.raises(AgenciesFileError) as caught:
        load(path)
    message = str(caught.value)
    assert isinstance(caught.value, InputError)
    assert message.startswith(f"{path}: {problem}"), message
    assert "\n" not in message


def test_a_csv_that_is_not_utf8_names_the_row(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("name,region\n张店区人民政府,370303\n".encode("utf-8") + "城关镇人民政府,370303\n".encode("gbk"))
    with pytest.raises(AgenciesFileError) as caught:
        load(path)
    assert str(caught.value) == f"{path}: row 3: not UTF-8 text (save the file as UTF-8)"


def test_a_toml_file(tmp_path):
    path = agencies_file(tmp_path, '[[agency]]\nname = "城关镇人民政府"\nregion = "370303"\nparent = "370303/人民政府"\n\n'
                                   '[[agency]]\nname = "张店区文化和旅游局"\nregion = 370303\nrenamed_from = "张店区文化出版局"\nyear = 2019\n',
                         "agencies.toml")
    directory = load(path)
    assert [(e.row, e.id, e.parent, e.renamed_from, e.year) for e in directory.entries] == [
        (1, "370303/城关镇人民政府", "370303/人民政府", None, None),
        (2, TOURISM, None, "370303/文化出版局", 2019),
    ]
    bad = agencies_file(tmp_path, '[[agency]]\nname = "城关镇人民政府"\nregion = "370303"\n\n[[agency]]\nname = "x"\ncounty = "y"\n', "bad.toml")
    with pytest.raises(AgenciesFileError, match=r"bad.toml: entry 2: unknown key 'county'"):
        load(bad)


def test_a_bad_file_fails_the_build_before_anything_is_written(corpus, tmp_path):
    bad = agencies_file(tmp_path, "name,region\n城关镇人民政府,999999\n")
    out, store = tmp_path / "out.ttl", tmp_path / "store"
    for target in (["-o", str(out)], ["--store", str(store)]):
        result = runner.invoke(app, ["build", str(corpus), "--agencies", str(bad), *target])
        assert result.exit_code == 1
        assert result.stderr.strip() == f"kg: {bad}: row 2: unknown region code '999999' (not a GB/T 2260 code in force today)"
    assert not out.exists() and not store.exists()


def test_a_changed_file_remaps_a_store_and_kg_agencies_lists_by_region(corpus, tmp_path):
    store = tmp_path / "store"
    first = grow_store([corpus], store)
    assert (first.added, first.remapped) == (3, 0)
    listed = runner.invoke(app, ["agencies", "--store", str(store)])
    assert listed.exit_code == 0, listed.output
    assert "chengguan_2018.txt" in listed.stdout and "agency not placed" in listed.stdout

    path = agencies_file(tmp_path, HEADER + "城关镇人民政府,370303,,,,,\n张店区文化和旅游局,370303,,,张店区文化出版局,,2019\n")
    second = grow_store([corpus], store, agencies=load(path))
    assert (second.remapped, second.unchanged) == (3, 0)  # every report mapped again with the file
    third = grow_store([corpus], store, agencies=load(path))
    assert (third.remapped, third.unchanged) == (0, 3)

    listed = runner.invoke(app, ["agencies", "--store", str(store), "--region", "370300"])  # 淄博市 and its districts
    assert listed.exit_code == 0, listed.output
    assert "370303/城关镇人民政府" in listed.stdout and f"{TOURISM} " in listed.stdout
    assert "chengguan_2018.txt" not in listed.stdout  # placed by the file
    elsewhere = runner.invoke(app, ["agencies", "--store", str(store), "--region", "320800", "-f", "json"])
    assert elsewhere.exit_code == 0 and '"agencies": []' in elsewhere.stdout
    unknown = runner.invoke(app, ["agencies", "--store", str(store), "--region", "999999"])
    assert unknown.exit_code == 2 and "999999" in unknown.stderr

    fourth = grow_store([corpus], store)  # the file dropped: mapped again without it
    assert fourth.remapped == 3
    listed = runner.invoke(app, ["agencies", "--store", str(store), "-f", "csv"])
    assert f"{TOURISM}," not in listed.stdout
    assert "chengguan_2018.txt: agency not placed" in listed.stderr


def test_namesakes_in_the_file_place_no_report_and_bad_toml_is_one_line(corpus, tmp_path):
    two = load(agencies_file(tmp_path, HEADER + "城关镇人民政府,370303,,,,,\n城关镇人民政府,320813,,,,,\n"))
    facts = extract_file(corpus / "chengguan_2018.txt")
    assert apply(facts, two) is facts  # two counties' 城关镇: the file does not guess either
    bad = agencies_file(tmp_path, '[[agency]]\nname = "城关镇人民政府\nregion = "370303"\n', "bad.toml")
    with pytest.raises(AgenciesFileError) as caught:
        load(bad)
    assert str(caught.value).startswith(f"{bad}: not valid TOML: ") and "\n" not in str(caught.value)


def test_a_build_killed_while_a_changed_file_is_applied_maps_every_report_again(corpus, tmp_path):
    from kg.agencies import begin, stored_digest
    from kg.store_open import open_store

    store = tmp_path / "store"
    placed = load(agencies_file(tmp_path, HEADER + "城关镇人民政府,370303,,,,,\n"))
    grow_store([corpus], store, agencies=placed)
    with open_store(store) as writer:
        assert stored_digest(writer) == placed.digest
        other = load(agencies_file(tmp_path, HEADER + "城关镇人民政府,320813,,,,,\n", "other.csv"))
        assert begin(writer, other)  # ... and the build is killed before it ends
        assert stored_digest(writer) == "pending"
    again = runner.invoke(app, ["build", str(corpus), "--store", str(store), "--agencies", str(tmp_path / "agencies.csv")])
    assert again.exit_code == 0, again.output
    assert "the agencies file is not the one the store was built with: mapping 3 unchanged file(s) again" in again.stderr
    with open_store(store, read_only=True) as db:
        assert stored_digest(db) == placed.digest


def test_extract_applies_the_file_to_the_records(corpus, tmp_path):
    import json

    path = agencies_file(tmp_path, HEADER + "城关镇人民政府,370303,,,,,\n")
    result = runner.invoke(app, ["extract", str(corpus / "chengguan_2018.txt"), "--agencies", str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["agency_id"], record["region_code"]) == ("370303/城关镇人民政府", "370303")
    assert record["provenance"]["region_code"]["rule"] == "agencies_file:2"


def test_a_parent_dropped_from_the_file_gives_way_to_the_one_the_name_implies(corpus, tmp_path):
    from kg.store_open import open_store

    store = tmp_path / "store"
    township = str(agency_iri("370303/城关镇人民政府"))

    def parents() -> set[str]:
        with open_store(store, read_only=True) as db:
            rows = db.select(f"SELECT ?p WHERE {{ GRAPH ?g {{ <{township}> <{ORG.subOrganizationOf}> ?p }} }}")
        return {row[0].value for row in rows}

    grow_store([corpus], store, agencies=load(agencies_file(tmp_path, HEADER + "城关镇人民政府,370303,,370300/人民政府,,,\n")))
    assert parents() == {str(agency_iri("370300/人民政府"))}
    grow_store([corpus], store, agencies=load(agencies_file(tmp_path, HEADER + "城关镇人民政府,370303,,,,,\n", "later.csv")))
    assert parents() == {str(agency_iri("370303/人民政府"))}
