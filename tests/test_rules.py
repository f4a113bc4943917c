"""Per-rule tests on real sentences from published reports (examples/ and tests/data/)."""

from __future__ import annotations

import pytest

from kg.extract import extract_document
from kg.extract.statistics_table import split_year_and_cumulative
from tests.conftest import text_document

HEAD = "张店区测试局2018年政府信息公开工作年度报告\n\n"


def stats_of(body: str, head: str = HEAD) -> dict:
    return {k: (v.value, v.approx) for k, v in extract_document(text_document(head + body)).stats.items()}


def platforms_of(body: str, head: str = HEAD) -> list[str]:
    return [f.value for f in extract_document(text_document(head + body)).platforms]


# --- proactive_total -------------------------------------------------------------------

def test_stated_proactive_total_with_approx_figure():
    body = "五、主动公开政府信息以及公开平台建设情况\n\n自2018年1月1日至2018年12月31日，通过区政府门户网站我中心共累计主动公开信息150余条。其中机构职能类4条，法规公文28条"
    assert stats_of(body)["proactive_total"] == (150, True)


def test_proactive_total_is_the_first_total_not_a_sub_count():
    body = "二、主动公开政府信息情况 （一）主动公开政府信息的数量 2014年主动公开政府信息 2543条。其中，区管委会及区直各部门主动公开政府信息1687条，占66%。"
    assert stats_of(body)["proactive_total"] == (2543, False)


# a count that is not the year's proactive total: a category, one channel among others
@pytest.mark.parametrize("body", [
    pytest.param(
        "今年，我区政府信息公开单位共公布政府信息2599条，(其中机构职能类信息25条，其他应主动公开政府信息856条)",
        id="category_named_should_be_disclosed_is_not_the_total"),
    pytest.param(
        "二、主动公开政府信息情况\n\n截至目前,在张店区政府门户网站发布信息 58 条,其中 机构职能信息 25 条。"
        "微信公众号发布信息 26条,其它各类媒体发布 100余条。",
        id="several_channel_counts_without_a_total_give_none"),
    pytest.param(
        "二、主动公开政府信息情况　　（三）充分利用我厅门户网站公开政府信息　　2016年，通过科技厅门户网站主动公开政府信息1700条，"
        "其中规范性文件1条，领导活动信息5条。（四）利用新媒体公开信息　　“科冀汇”微信公众号全年发布信息800篇。",
        id="one_channels_count_among_others_is_not_the_total"),
    pytest.param(
        "二、主动公开政府信息情况 我镇通过市政府门户网站信息公开专栏发布政府信息182条，通过镇村公开栏公开各类信息560余条，"
        "通过微信公众号推送信息320条。",
        id="one_channels_figure_as_the_only_figure_among_other_channels_is_not_the_total"),
])
def test_no_proactive_total_where_none_is_stated(body):
    assert "proactive_total" not in stats_of(body)


def test_a_running_total_since_the_regulations_is_not_the_years_figure():
    body = "二、主动公开政府信息情况 截至2015年底，市政府累计主动公开政府信息12,560条；2015年新增主动公开政府信息1,230条，其中机构职能类86条。"
    assert stats_of(body)["proactive_total"] == (1230, False)


def test_the_one_figure_in_the_proactive_section_counts():
    body = "二、主动公开政府信息情况\n2018年，新版张店区人民政府门户网站自3月8日正式上线截止2018年12月31日，新增公开发布信息数达9721条，访问量达到735921次。"
    assert stats_of(body)["proactive_total"] == (9721, False)


# --- applications ---------------------------------------------------------------------

def test_no_application_received_is_a_zero():
    assert stats_of("六、政府信息公开申请的办理情况\n\n2018年，张店区机关事务服务中心未收到任何信息公开申请。")["applications_received"] == (0, False)


def test_reconsideration_request_is_not_an_application():
    body = "三、政府信息依申请公开工作情况 2011年全县未收到有关政府信息公开行政复议申请。"
    stats = stats_of(body)
    assert "applications_received" not in stats
    assert stats["reconsideration_total"] == (0, False)


def test_applications_received_figure():
    body = "三、依申请公开政府信息情况\n进一步明确依申请公开制度，截至2018年12月31日，共有接收到依申请公开142件，办结同意率100%。"
    stats = stats_of(body)
    assert stats["applications_received"] == (142, False)
    assert "applications_completed" not in stats  # 100% is a rate, not a count


def test_application_noun_after_the_count():
    body = "（二）依申请公开政府信息情况　　2016年，河北省工业和信息化厅收到2份以信函形式提出的信息公开申请，已按时答复办结。"
    assert stats_of(body)["applications_received"] == (2, False)


@pytest.mark.parametrize("sentence", [
    "回应网民关切，受理群众网上来信、留言、在线答复咨询、投诉等问题3545件。",
    "受理书记直通车21件，全部按要求办结。全年受理行政许可申请办件1200件。",
])
def test_letters_and_service_cases_are_not_information_requests(sentence):
    stats = stats_of("三、依申请公开政府信息情况 " + sentence)
    assert "applications_received" not in stats and "applications_completed" not in stats


@pytest.mark.parametrize("sentence", [
    "2015年共收到政府信息公开申请21件，已全部按期答复，其中同意公开15件，部分公开2件。",
    "全年受理申请45件。答复情况：予以公开18件，部分公开6件。",
    "因政府信息公开申请提起行政复议4件，其中维持3件，撤销并责令重新答复1件。",
])
def test_one_outcomes_figure_is_not_the_number_completed(sentence):
    assert "applications_completed" not in stats_of("三、依申请公开政府信息情况 " + sentence)


def test_approvals_are_not_information_requests():
    body = "一、概述 目前，区县已入驻审批服务部门和单位13个，开设窗口26个，共受理申请121510件。"
    assert "applications_received" not in stats_of(body)


# --- fees -----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "七、政府信息公开的收费及减免情况\n\n2018年度政府信息公开未收取相关费用。",
    "六、政府信息公开的收费及减免情况\n\n2013 年我局没有任何行政收费。",
    "四、政府信息公开的收费及减免情况 2014年我区各级工作部门依申请提供政府信息暂不收费。",
    "六、其他需要报告的事项2021年，无收取信息处理费情况。",
])
def test_no_fee_charged_is_a_zero(sentence):
    assert stats_of(sentence)["fees_yuan"] == (0, False)


@pytest.mark.parametrize("sentence", [
    "五、收费及减免情况　　2016年，我厅全部免费为申请人提供政府信息。",
    "四、政府信息公开的收费及减免情况 2013年度我厅未发生有关政府信息公开方面的收费及免费情况。",
])
def test_no_fee_charged_in_other_words_is_a_zero(sentence):
    assert stats_of(sentence)["fees_yuan"] == (0, False)


def test_the_applicant_not_paying_is_not_a_fee_figure():
    # a row label of the 2021 edition of 表三, about the applicant, not the agency's fees
    body = "（三）不予处理 1.信访举报投诉类申请 2.重复申请 （六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    assert "fees_yuan" not in stats_of(body)


def test_spending_on_disclosure_is_not_a_fee():
    body = "六、工作人员及信息公开事务支出情况 2013年用于税收宣传、设立和更新公开栏等产生的政府信息公开费用1万元。"
    assert "fees_yuan" not in stats_of(body)


# --- reconsideration and litigation ---------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "2018年，未发生因政府信息公开而被提起行政复议或行政诉讼的情况。",
    "2013 年我局未收到有关政府信息公开事务的行政复议诉讼申请。",
    "2018年我单位未发生因违反政府信息公开工作规定而出现的举报、投诉、行政复议和行政诉讼情况。",
])
def test_no_reconsideration_or_litigation_sets_both_zero(sentence):
    stats = stats_of("八、因政府信息公开申请提起行政复议、行政诉讼的情况\n\n" + sentence)
    assert stats["reconsideration_total"] == (0, False)
    assert stats["litigation_total"] == (0, False)


def test_a_figure_for_two_metrics_together_sets_neither():
    body = "五、申请行政复议、提起行政诉讼情况\n  2018年度发生针对有关政府信息公开事务的行政复议案、行政诉讼案和有关的案4起，维持具体行政行为或者驳回原告诉讼请求数4起。"
    stats = stats_of(body)
    assert "reconsideration_total" not in stats and "litigation_total" not in stats


def test_appeals_about_other_matters_give_no_disclosure_figure():
    body = "五、因政府信息公开申请行政复议、提起行政诉讼的情况 2016年，我厅共办理行政复议案件3件，均不涉及政府信息公开。"
    stats = stats_of(body)
    assert "reconsideration_total" not in stats


def test_appeals_outside_disclosure_are_not_read():
    # the agency's own caseload of reconsiderations, in its overview, not about disclosure
    body = "一、概述 2018年，全省人社系统共办理行政复议案件120件，行政诉讼案件45件，依法行政水平不断提高。"
    stats = stats_of(body)
    assert "reconsideration_total" not in stats and "litigation_total" not in stats


def test_the_agencys_caseload_beside_a_disclosure_clause_is_not_a_disclosure_appeal():
    body = ("一、概述 全年市政府办理政府信息公开申请26件，办理行政复议案件12件、行政应诉案件8件。"
            "五、因政府信息公开申请行政复议、提起行政诉讼情况 全年未发生因政府信息公开申请引起的行政复议、行政诉讼。")
    stats = stats_of(body)
    assert stats["reconsideration_total"] == (0, False) and stats["litigation_total"] == (0, False)


def test_appeal_clauses_joined_to_the_disclosure_clause_count():
    body = "一、概述 2015年，因政府信息公开申请行政复议3件，提起行政诉讼1件。"
    stats = stats_of(body)
    assert stats["reconsideration_total"] == (3, False) and stats["litigation_total"] == (1, False)


def test_one_zero_for_both_appeals():
    stats = stats_of("五、因政府信息公开申请行政复议、提起行政诉讼情况 2018年，我局行政复议、行政诉讼均为零。")
    assert stats["reconsideration_total"] == (0, False) and stats["litigation_total"] == (0, False)
    assert "reconsideration_total" not in stats_of("一、概述 全市行政复议、行政诉讼均为零的单位有12个。")


def test_reconsideration_figure_alone():
    body = "五、申请行政复议、提起行政诉讼和申诉的情况 2013年，我局收到以有关政府信息公开行政复议0件。"
    stats = stats_of(body)
    assert stats["reconsideration_total"] == (0, False)
    assert "litigation_total" not in stats


# --- NPC suggestions and CPPCC proposals ----------------------------------------------

@pytest.mark.parametrize("body, npc, cppcc", [
    pytest.param(
        "七、2018年办理人大代表建议和政协委员提案情况\n\n2018年,张店区文化出版局共承办了建议提案 16 件, 其中人大代表建议 2 件,政协委员提案 14 件。",
        2, 14, id="npc_and_cppcc_figures"),
    pytest.param(
        "六、办理人大代表建议、政协委员提案情况\n\n区十七届人二次会议期间，经审查，区人大代表建议128件，市政府转办1件，共计129件，由53个政府部门承办。"
        "十二届二次会议以来，区政协委员共提交提案203件，经审查立案159件。在立案提案中，集体提案5件，委员提案154件。",
        129, 159, id="npc_total_handled_and_cppcc_filed_not_submitted"),
    pytest.param(
        "七、人大代表建议和政协委员提案办理情况 全年承办十一届全国人大五次会议代表建议186件、全国政协十一届五次会议委员提案214件，均按期办复。",
        186, 214, id="suggestions_and_proposals_named_with_their_session"),
    pytest.param(
        "七、人大代表建议和政协委员提案办理情况 全年共承办省、市人大代表建议和政协提案分别为245件和312件，均按时办复。",
        245, 312, id="suggestions_and_proposals_given_respectively"),
    pytest.param(
        "十、人大的代表建议和政协委员提案办理情况\n\n2018年，张店区机关事务服务中心未收到人大的代表建议和政协委员提案办理情况。",
        0, 0, id="none_received_sets_both_zero"),
])
def test_npc_suggestions_and_cppcc_proposals(body, npc, cppcc):
    stats = stats_of(body)
    assert stats["npc_suggestions"] == (npc, False) and stats["cppcc_proposals"] == (cppcc, False)


@pytest.mark.parametrize("sentence", [
    "2021年厅门户网站发布各类信息4818篇。由我厅办理的省人大代表建议政协提案复文共29件，已全部办结并在厅网站相关专栏公开。",
    "公开省人大代表建议和省政协委员提案复文112条。",
])
def test_a_suggestions_and_proposals_figure_sets_neither(sentence):
    stats = stats_of("（一）主动公开政府信息情况。" + sentence)
    assert "npc_suggestions" not in stats and "cppcc_proposals" not in stats


# --- problems section and standard template -------------------------------------------

def test_plans_in_the_problems_section_are_not_read():
    body = "七、存在的主要问题及改进措施\n充分利用广播、电视、网络等媒体和政务微信、微博等渠道推进信息和政务公开工作。2019年力争主动公开信息200条。"
    assert platforms_of(body) == []
    assert "proactive_total" not in stats_of(body)


# --- platforms ------------------------------------------------------------------------

def test_platforms_named_where_information_was_published():
    body = "四、主动公开政府信息以及公开平台建设情况\n通过张店新闻网、张店通讯、张店手机报等平台进行信息公开。我局还采取设置公开栏、发送提示短信等多种便于公众知晓的方式公开信息。"
    assert platforms_of(body) == ["bulletin_board", "mobile_newspaper", "print", "sms"]


def test_a_platform_spaced_out_as_printed_keeps_its_characters_as_evidence():
    spaced = "四、主动公开政府信息以及公开平台建设情况\n我局还采取设置公 开 栏、发送提示短 信等多种便于公众知晓的方式公开信息。"
    found = extract_document(text_document(HEAD + spaced)).platforms
    assert [(f.value, (HEAD + spaced)[f.evidence.value_start:f.evidence.value_end]) for f in found] == [
        ("bulletin_board", "公 开 栏"), ("sms", "短 信")]
    broken = spaced.replace("公 开 栏", "公开\n\n栏").replace("短 信", "短\n\n信")  # a paragraph between
    assert platforms_of(broken) == []


def test_two_wei_one_duan_names_three_platforms():
    assert platforms_of("三是及时更新政府门户网站以及“两微一端”信息，使群众利用网络平台更加快捷方便地查询政务信息。") == ["app", "website", "wechat", "weibo"]


def test_agency_named_after_a_medium_is_not_a_channel():
    body = "一、概述\n区广播电视局政务信息公开工作领导小组及时公开了本单位的工作动态。"
    assert platforms_of(body) == []


def test_a_medium_reporting_on_the_agency_is_not_its_channel():
    body = "六、其他需要报告的事项\n2023年11月23日，河北日报客户端报道“河北省教育厅：提升教育领域信息公开水平，更好维护人民群众切身利益”。"
    assert "app" not in platforms_of(body)


def test_a_consultation_line_that_answers_is_a_hotline():
    body = "二、主动公开情况 12333咨询电话IVR总量达到724.8万人次，人工接听560万人次，解答群众政策咨询。"
    assert "hotline" in platforms_of(body)
    assert "hotline" not in platforms_of("如对本报告有任何疑问，请联系我厅办公室，咨询电话：0311-85891885，我们将及时答复。")


def test_a_bulletin_the_agency_edits_is_print():
    body = "另外，我厅将信息刊发、报送工作作为政府信息主动公开的重要渠道，编发《教育信息快报》65期。"
    assert "print" in platforms_of(body)


def test_publicity_about_the_regulations_is_not_a_channel():
    body = "一、概述 利用广播、电视、宣传栏等形式广泛宣传《条例》，并公布了政府信息公开监督举报电话，接受社会监督。"
    assert platforms_of(body) == []


def test_statistics_row_of_zero_items_is_not_a_channel():
    body = "六、统计表 指标名称 计量单位 2014年度 历年累计 主动公开文件数 条 2543 78967 其中：1、政府网站公开数 条 2543 78967 2、政府公报公开数 条 0 0"
    assert "gazette" not in platforms_of(body)


def test_complaint_hotline_alone_is_not_a_platform():
    body = "八、监督检查情况\n我局还公布了监督投诉电话和举报热线，随时接受各界监督。"
    assert "hotline" not in platforms_of(body)


# --- statistics table of older narrative reports --------------------------------------

@pytest.mark.parametrize("cells, value", [("00", 0), ("12", 1), ("0 0", 0), ("2543 78967", 2543), ("4251516", None), ("11", 1)])
def test_run_together_cells_are_read_only_when_unambiguous(cells, value):
    assert split_year_and_cumulative(cells) == value


def test_flattened_statistics_table_rows():
    body = ("四、附件 2011年政府信息公开情况统计表 指标名称计量单位2011年度历年累计主动公开信息数条4251516"
            "受理依申请公开信息总数条00对申请的答复数条00其中：1.同意公开答复数条002.同意部分公开答复数条00行政复议数条00行政诉讼数条00")
    stats = stats_of(body)
    assert "proactive_total" not in stats  # 4251516 splits three ways
    assert stats["litigation_total"] == (0, False)
    assert stats["partially_disclosed"] == (0, False)
