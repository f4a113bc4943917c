"""The end-to-end path on the bundled reports: records, provenance, header facts."""

from __future__ import annotations

import json
import re

import pytest

from kg.extract import extract_file
from kg.model import Contact
from kg.readers import read_source
from tests.conftest import gold

FACTS_KEYS = {"source", "title", "agency", "agency_id", "region_code", "year", "period_start", "period_end", "issued", "format",
              "contact", "platform_types", "stats", "provenance"}
CONTACT_KEYS = {"address", "postcode", "phone", "fax", "email", "person", "website"}


def test_record_has_exactly_the_keys_of_facts_md(example_files):
    record = extract_file(example_files[1]).to_record()
    assert set(record) == FACTS_KEYS
    assert set(record["contact"]) == CONTACT_KEYS
    json.dumps(record, ensure_ascii=False)  # serialisable


def test_every_fact_points_at_its_sentence_and_value(example_files, dev_files):
    for path in example_files + dev_files:
        facts = extract_file(path)
        text = read_source(path).text  # for a PDF, the reader's rendering of its text
        for key, ev in facts.to_record()["provenance"].items():
            assert text[ev["start"]:ev["end"]] == ev["sentence"], (path.name, key)
            assert ev["start"] <= ev["value_start"] <= ev["value_end"] <= ev["end"] or ev["rule"].startswith("meta."), (path.name, key)
        for metric, stat in facts.stats.items():
            printed = re.sub(r"\s", "", text[stat.evidence.value_start:stat.evidence.value_end])
            if stat.evidence.rule.endswith(("none", "none_received", "none_charged", "none_of_one")):
                continue  # a zero stated in words
            if stat.evidence.rule == "table4.litigation_total":
                continue  # facts.md: the sum of the two litigation blocks' printed totals
            assert printed.startswith(str(stat.value).split(".")[0]) or str(stat.value) in printed, (path.name, metric, printed)


def test_seed_record_matches_its_gold_header_and_contact(example_files):
    path = next(p for p in example_files if p.name.startswith("001_"))
    record = extract_file(path).to_record()
    expected = gold("seeds", path.stem)
    for key in ("title", "agency", "year", "period_start", "period_end", "issued", "format"):
        assert record[key] == expected[key], key
    assert record["contact"] == expected["contact"]
    assert record["stats"]["proactive_total"] == {"value": 150, "approx": True, "unit": "条"}


def test_web_page_text_uses_the_report_heading_not_the_breadcrumb(dev_files):
    path = next(p for p in dev_files if p.name.startswith("106_"))
    facts = extract_file(path)
    assert facts.title.value == "平潭综合实验区2014年度政府信息公开工作年度报告"
    assert facts.issued.value == "2015-01-02"  # no date line: the page's 发布时间
    assert "weibo" in [p.value for p in facts.platforms]  # 平潭公安局微博, not the share bar


def test_chinese_numeral_date_line_is_the_issue_date(dev_files):
    facts = extract_file(next(p for p in dev_files if p.name.startswith("103_")))
    assert facts.issued.value == "2012-02-20"
    assert facts.issued.evidence.sentence.strip() == "二○一二年二月二十日"


@pytest.mark.parametrize("prefix, edition", [("105_", "2019"), ("520_", "2021"), ("522_", "2021"), ("532_", "2021")])
def test_standard_template_is_detected_with_its_edition(dev_files, prefix, edition):
    facts = extract_file(next(p for p in dev_files if p.name.startswith(prefix)))
    assert (facts.format, facts.edition) == ("standard", edition)


def test_standard_template_figures_come_from_the_tables(dev_files):
    # 共收到70件申请 in the prose; 表三 prints 70 in its 总计 column: the record takes the table
    facts = extract_file(next(p for p in dev_files if p.name.startswith("520_")))
    received = facts.stats["applications_received"]
    assert (received.value, received.stated_in, received.evidence.rule) == (70, "table", "table3.applications_received")
    said = [o for o in facts.observations if o.metric == "applications_received" and o.stated_in == "text"]
    assert [o.value for o in said] == [70]
    assert facts.stats["fees_yuan"].value == 0


def test_run_together_table_cells_are_fixed_by_the_template_sums(dev_files):
    facts = extract_file(next(p for p in dev_files if p.name.startswith("520_")))
    row = {o.applicant: o.value for o in facts.observations if o.metric == "applications_received" and o.stated_in == "table"}
    assert row == {"natural_person": 64, "commercial_enterprise": 0, "research_institution": 0,
                   "social_welfare_org": 2, "legal_service_org": 0, "other_org": 4}  # 640020470
    assert facts.stats["litigation_total"].value == 12  # 表四 17 digits for 15 cells: 12 + 0
    assert "normative_docs_issued" not in facts.stats  # 693665: three cells, no sum to fix them


def test_contact_dataclass_lists_every_field():
    assert set(Contact.SINGLE + Contact.MULTI) == CONTACT_KEYS
