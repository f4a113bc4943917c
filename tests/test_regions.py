"""The division of a report's agency, read from the report itself against the GB/T 2260 table."""

from __future__ import annotations

from kg import regions
from kg.extract import extract_document
from tests.conftest import text_document

# A report's sections in its own words, so that a short text reads as a report.
SECTIONS = (
    "一、概述　　本年度，我单位扎实推进政府信息公开工作。"
    "二、主动公开政府信息情况　　主动公开政府信息120条。"
    "三、依申请公开政府信息情况　　共收到信息公开申请3件，办理答复3件。"
    "四、申请行政复议和提起行政诉讼情况　　未因信息公开引起行政复议和提起行政诉讼。"
)


def facts_of(title: str, middle: str = "", header: str = ""):
    return extract_document(text_document(f"{header}{title}\n\n{middle}" + SECTIONS))


def placed(facts) -> tuple[str | None, str | None]:
    return (facts.region.value if facts.region else None), facts.agency_id


# --- the code table ------------------------------------------------------------------

def test_the_table_of_today_holds_every_level_with_parents():
    table = regions.today()
    assert len(table) > 3000
    assert {d.level for d in table.values()} == {"province", "city", "county"}
    assert [d.name for d in regions.lineage("320813")] == ["江苏省", "淮安市", "洪泽区"]
    # a municipality's districts lie directly under it
    assert [d.code for d in regions.lineage("110105")] == ["110000", "110105"]


def test_a_county_that_became_a_district_keeps_its_place_through_the_years():
    (old,) = regions.named("洪泽县", 2011)
    assert old.code == "320829"
    assert regions.current_code(old) == "320813"
    assert regions.named("洪泽县") == ()  # not a division today


# --- from the report -----------------------------------------------------------------

def test_the_agency_name_places_it_and_the_evidence_points_at_the_division_names():
    facts = facts_of("淮安市洪泽区人民政府2024年政府信息公开工作年度报告")
    assert placed(facts) == ("320813", "320813/人民政府")
    ev = facts.region.evidence
    assert ev.rule == "region.agency_name"
    assert ev.sentence[ev.value_start - ev.start: ev.value_end - ev.start] == "淮安市洪泽区"


def test_a_provincial_department_is_placed_in_its_province():
    facts = facts_of("河北省教育厅2023年政府信息公开工作年度报告")
    assert placed(facts) == ("130000", "130000/教育厅")


def test_a_report_of_2011_gets_todays_code_and_keeps_the_code_of_its_year():
    facts = facts_of("洪泽县人民政府2011年政府信息公开工作年度报告")
    assert facts.region.value == "320813"
    assert facts.region_in_year == "320829"
    assert facts.agency_id == facts_of("洪泽区人民政府2023年政府信息公开工作年度报告").agency_id


def test_a_name_is_read_in_the_code_table_of_the_reports_year():
    # 巢湖市 was a prefecture until 2011 and is a county-level city of 合肥市 since
    assert placed(facts_of("巢湖市人民政府2010年政府信息公开工作年度报告")) == ("341400", "341400/人民政府")
    assert placed(facts_of("巢湖市人民政府2015年政府信息公开工作年度报告")) == ("340181", "340181/人民政府")


def test_a_district_name_two_cities_share_is_not_guessed():
    facts = facts_of("朝阳区人民政府2023年政府信息公开工作年度报告")
    assert placed(facts) == (None, None)


def test_more_of_the_report_decides_a_shared_district_name():
    contact = "如对本报告有疑问，请与区政府办公室联系（地址：{}；邮编：{}；电话：{}）。"
    beijing = facts_of("朝阳区人民政府2023年政府信息公开工作年度报告", contact.format("日坛北路33号", "100020", "010-65094000"))
    changchun = facts_of("朝阳区人民政府2023年政府信息公开工作年度报告", contact.format("长春市朝阳区建设街1号", "130061", "0431-88888888"))
    assert placed(beijing) == ("110105", "110105/人民政府")
    assert placed(changchun) == ("220104", "220104/人民政府")
    assert beijing.region.evidence.rule == "region.agency_name+context"


def test_the_city_before_a_shared_district_name_decides_it():
    facts = facts_of("长春市朝阳区人民政府永昌街道办事处2023年政府信息公开工作年度报告")
    assert placed(facts) == ("220104", "220104/永昌街道办事处")


def test_a_township_that_names_no_county_has_no_place():
    facts = facts_of("城关镇人民政府2023年政府信息公开工作年度报告")
    assert placed(facts) == (None, None)


def test_a_township_is_placed_by_its_pages_publisher():
    facts = facts_of("城关镇人民政府2023年政府信息公开工作年度报告", header="来源：洪泽区人民政府\n")
    assert placed(facts) == ("320813", "320813/城关镇人民政府")
    assert facts.region.evidence.rule == "region.page_publisher"


def test_a_zone_is_placed_in_the_division_it_is_named_after():
    facts = facts_of("长春新区管委会2023年政府信息公开工作年度报告")
    assert placed(facts) == ("220100", "220100/长春新区")
    assert facts.region.evidence.rule == "region.zone_host"


def test_a_ministry_has_no_division_but_an_identity():
    contact = "如对本报告有疑问，请与办公厅联系（地址：北京市西城区某某街1号；邮编：100032）。"
    facts = facts_of("中华人民共和国教育部2023年政府信息公开工作年度报告", contact)
    assert placed(facts) == (None, "CN/教育部")


def test_a_space_inside_the_agencys_name_does_not_cut_its_places_short():
    facts = facts_of("淮安市 洪泽区人民政府2024年政府信息公开工作年度报告")
    assert placed(facts) == ("320813", "320813/人民政府")
