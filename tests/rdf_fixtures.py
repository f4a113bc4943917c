"""ReportFacts built by hand from the real text of examples/001 (real sentences and offsets)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kg.model import Contact, Evidence, Fact, ReportFacts, Stat

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_001 = ROOT / "examples" / "001_290b4abaa96ad801.txt"
SHA = "a644879add008a55d0e2242824550b2236cc7fc8da3ba1d90867163e1afdb838"


def evidence(text: str, sentence: str, shown: str, rule: str) -> Evidence:
    """Evidence for ``shown`` (the value as printed) inside ``sentence``, both found in ``text``."""
    start = text.index(sentence)
    value_start = text.index(shown, start)
    assert value_start + len(shown) <= start + len(sentence), (sentence, shown)
    return Evidence(sentence, start, start + len(sentence), value_start, value_start + len(shown), rule)


def fact(text: str, value, sentence: str, shown: str | None = None, rule: str = "test.hand") -> Fact:
    return Fact(value, evidence(text, sentence, shown if shown is not None else str(value), rule))


def hand_built_001() -> ReportFacts:
    """The facts of examples/001 (淄博市张店区机关事务服务中心, 2018), built by hand."""
    text = EXAMPLE_001.read_text(encoding="utf-8")
    heading = "淄博市张店区机关事务服务中心 2018 年政府信息公开工作年度报告"
    period = "所列数据的统计期限是 2018 年 1 月 1 日至 2018 年 12 月 31 日。"
    contact = text[text.index("如对本报告有任何疑问") : text.index("联系人：张斌。") + len("联系人：张斌。")]
    none = "2018年，未发生因政府信息公开而被提起行政复议或行政诉讼的情况。"

    def stat(metric, value, approx, unit, sentence, shown):
        return Stat(metric, value, approx, unit, evidence(text, sentence, shown, f"test.{metric}"))

    return ReportFacts(
        source="examples/001_290b4abaa96ad801.txt",
        sha256=SHA,
        media_type="text/plain",
        format="narrative",
        title=fact(text, "淄博市张店区机关事务服务中心2018年政府信息公开工作年度报告", heading, heading),
        agency=fact(text, "淄博市张店区机关事务服务中心", heading),
        region=fact(text, "370303", heading, "淄博市张店区"),
        agency_id="370303/机关事务服务中心",
        year=fact(text, 2018, heading),
        period_start=fact(text, "2018-01-01", period, "2018 年 1 月 1 日"),
        period_end=fact(text, "2018-12-31", period, "2018 年 12 月 31 日"),
        issued=fact(text, "2019-03-26", "2019年3月26日", "2019年3月26日"),
        contact=Contact(
            address=fact(text, "张店区新村西路226号区政务中心张店区机关事务服务中心办公室", contact, "张店区新村西路 226 号区政务中心张店区机关事务服务中心办公室"),
            postcode=fact(text, "255000", contact),
            person=fact(text, "张斌", contact),
            phone=[fact(text, "0533-2869928", contact)],
            fax=[Fact("0533-2869928", evidence(text, contact, "传真：0533-2869928", "test.fax"))],
            email=[fact(text, "zdqjgswgljbg@zb.shandong.cn", contact)],
        ),
        platforms=[
            fact(text, "website", "张店区机关事务服务中心通过政府门户网站积极做好主动公开工作。", "门户网站"),
            fact(text, "weibo", "我中心依托门户网站和政务微博，积极推进政府信息公开", "微博"),
        ],
        stats={
            "applications_received": stat("applications_received", 0, False, None, "2018年，张店区机关事务服务中心未收到任何信息公开申请。", "未收到"),
            "fees_yuan": stat("fees_yuan", 0, False, None, "2018年度政府信息公开未收取相关费用。", "未收取"),
            "litigation_total": stat("litigation_total", 0, False, None, none, "未发生"),
            "proactive_total": stat("proactive_total", 150, True, "条", "通过区政府门户网站我中心共累计主动公开信息150余条。", "150余条"),
            "reconsideration_total": stat("reconsideration_total", 0, False, None, none, "未发生"),
        },
    )


def other_year(facts: ReportFacts, year: int, sha256: str) -> ReportFacts:
    """The same agency's report for another year (a different file)."""
    assert facts.year is not None
    return dataclasses.replace(facts, sha256=sha256, source=f"other/{year}.txt", year=Fact(year, facts.year.evidence))
