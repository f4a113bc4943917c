"""Per-rule tests of the header facts on real passages of published reports (tests/data/corpus/dev)."""

from __future__ import annotations

import pytest

from kg.errors import NotAReportError
from kg.extract import extract_document
from tests.conftest import text_document

# A report's sections in its own words, so that a body with no heading reads as a report.
SECTIONS = (
    "一、概述　　2016年，我厅扎实推进政府信息公开工作。"
    "二、主动公开政府信息情况　　我厅主动公开政府信息。"
    "三、依申请公开政府信息情况　　2016年，我厅共收到信息公开申请1件，办理答复1件。"
    "四、申请行政复议和提起行政诉讼情况　　未因信息公开引起行政复议和提起行政诉讼。"
    "五、收费及减免情况　　2016年，我厅全部免费为申请人提供政府信息。"
)


def facts_of(text: str):
    return extract_document(text_document(text))


def rule(fact) -> str:
    return fact.evidence.rule


# --- title and recognition ----------------------------------------------------------

def test_a_title_that_says_zongjie_is_a_report_title():
    facts = facts_of("河北省教育厅2013年度政府信息公开总结\n发布日期：2014-01-07\n\n\n2013年，我厅认真贯彻落实《中华人民共和国政府信息公开条例》。\n" + SECTIONS)
    assert facts.title.value == "河北省教育厅2013年度政府信息公开总结"
    assert (facts.agency.value, facts.year.value) == ("河北省教育厅", 2013)


def test_a_body_without_heading_is_recognised_by_its_wording():
    body = "根据《中华人民共和国政府信息公开条例》等规定，发布本年度报告。" + SECTIONS
    assert facts_of(body).title is None  # no heading: read, not refused


def test_a_page_about_something_else_is_still_refused():
    with pytest.raises(NotAReportError):
        facts_of("2016年，省科技厅召开全省科技工作会议。会议强调，要深化科技体制改革，推进信息公开工作。")


# --- agency --------------------------------------------------------------------------

def test_agency_from_the_first_sentence_subject():
    body = ("根据《中华人民共和国政府信息公开条例》等规定，发布本年度报告。报告中所列数据统计期限为2021年1月1日至12月31日。"
            "一、总体情况2021年，河北省科学技术厅坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻党中央、国务院工作部署。" + SECTIONS)
    facts = facts_of(body)
    assert (facts.agency.value, rule(facts.agency)) == ("河北省科学技术厅", "agency.first_subject")


def test_agency_from_its_own_site_not_from_the_words_before_it():
    body = ("本报告依据《中华人民共和国政府信息公开条例》编制。本报告的电子版可在河北省科学技术厅网站（http://kjt.hebei.gov.cn）查询下载。" + SECTIONS)
    facts = facts_of(body)
    assert (facts.agency.value, rule(facts.agency)) == ("河北省科学技术厅", "agency.own_site")


def test_agency_from_the_contact_line_without_its_internal_office():
    body = "如对本报告有任何疑问，请与河北省科技厅办公室联系（地址：石家庄市裕华东路105号，电话：0311-85891885）。" + SECTIONS
    facts = facts_of(body)
    assert (facts.agency.value, rule(facts.agency)) == ("河北省科技厅", "agency.contact_line")


def test_agency_from_the_opening_sentence():
    compiled = facts_of("本报告由河北省教育厅编制，根据《中华人民共和国政府信息公开条例》要求发布。" + SECTIONS).agency
    assert (compiled.value, rule(compiled)) == ("河北省教育厅", "agency.compiled_by")
    report_of = facts_of("现将河北省科学技术厅2016年政府信息公开工作情况报告如下。" + SECTIONS).agency
    assert (report_of.value, rule(report_of)) == ("河北省科学技术厅", "agency.report_of")


def test_agency_from_the_signature_block():
    body = SECTIONS + "\n\n河北省教育厅\n2017年1月16日\n"
    facts = facts_of(body)
    assert (facts.agency.value, rule(facts.agency)) == ("河北省教育厅", "agency.signature")
    assert facts.issued.value == "2017-01-16"


def test_a_name_without_its_place_is_not_a_full_name():
    body = "如对本报告有任何疑问，请与省科技厅办公室联系。" + SECTIONS
    assert facts_of(body).agency is None


def test_a_name_of_another_kind_than_the_report_calls_itself_is_not_its_agency():
    # the report calls itself 我厅: a 局 named in its contact line is someone else
    body = "如对本报告有任何疑问，请与河北省统计局办公室联系。" + SECTIONS
    assert facts_of(body).agency is None


# --- statistics period and year -------------------------------------------------------

def test_period_the_report_covers_gives_the_year():
    body = "本报告由概述、主动公开政府信息情况等六部分构成，内容涵盖我厅2016年1月1日至2016年12月31日期间的信息公开情况。" + SECTIONS
    facts = facts_of(body)
    assert (facts.period_start.value, facts.period_end.value, facts.year.value) == ("2016-01-01", "2016-12-31", 2016)
    assert rule(facts.period_start) == "header.period_covered"


def test_period_from_and_until_phrasing():
    body = "本年度报告中所列数据统计期限从2023年1月1日起至2023年12月31日止。" + SECTIONS
    facts = facts_of(body)
    assert (facts.period_start.value, facts.period_end.value) == ("2023-01-01", "2023-12-31")


def test_a_range_of_days_in_a_report_sentence_is_not_the_period():
    body = "本报告期内，我厅于2016年3月5日至3月8日举办信息公开培训班。" + SECTIONS
    facts = facts_of(body)
    assert facts.period_start is None and facts.period_end is None


# --- issue date ------------------------------------------------------------------------

def test_issue_date_from_the_page_header_under_its_heading_line():
    text = "河北省工业和信息化厅2016年度政府信息公开工作报告\n发布日期：2017-03-29\n\n\n" + SECTIONS
    facts = facts_of(text)
    assert facts.title.value == "河北省工业和信息化厅2016年度政府信息公开工作报告"
    assert (facts.issued.value, rule(facts.issued)) == ("2017-03-29", "header.page_发布日期")


def test_issue_date_from_a_signature_run_into_the_page_footer():
    text = ("河北省人力资源和社会保障厅2018年政府信息公开工作年度报告\n发布日期：2019-02-01\n\n" + SECTIONS
            + "培训人员300余人。河北省人力资源和社会保障厅2019年1月30日更多信息请关注官方微信“河北人社”")
    facts = facts_of(text)
    assert (facts.issued.value, rule(facts.issued)) == ("2019-01-30", "header.date_line")


def test_year_from_the_opening_sentence_when_nothing_else_states_it():
    facts = facts_of("根据《中华人民共和国政府信息公开条例》等规定，发布本年度报告。" + SECTIONS)
    assert (facts.year.value, rule(facts.year)) == (2016, "header.year_from_opening")
    assert facts.period_start is None


def test_year_is_not_read_from_a_later_sentence():
    body = ("根据《中华人民共和国政府信息公开条例》等规定，发布本年度报告。我厅高度重视信息公开。我厅主动公开政府信息。"
            "我厅完善制度。我厅加强培训。" + SECTIONS)
    assert facts_of(body).year is None


def test_a_name_and_date_inside_a_closing_sentence_is_not_a_signature():
    body = SECTIONS + "下一步，我厅将继续做好信息公开工作。河北省人民政府办公厅2017年1月5日印发的工作要点将作为依据。"
    facts = facts_of(body)
    assert facts.agency is None and facts.issued is None


def test_a_government_whose_name_runs_into_zhengfu_xinxi_gongkai():
    facts = facts_of("2015年桐城市人民政府信息公开工作年度报告\n\n" + SECTIONS)
    assert (facts.agency.value, facts.year.value) == ("桐城市人民政府", 2015)


def test_agency_that_says_it_compiled_the_report():
    facts = facts_of("根据《中华人民共和国政府信息公开条例》规定，南通市崇川区民政局编制本报告。" + SECTIONS.replace("我厅", "我局"))
    assert (facts.agency.value, rule(facts.agency)) == ("南通市崇川区民政局", "agency.compiled_by")
