"""An agency's identity, kind and parent as pure functions of its printed name and division."""

from __future__ import annotations

import pytest

from kg.identity import agency_id, kind, parent_id


@pytest.mark.parametrize(
    "variants, region",
    [
        (["淮安市洪泽区人民政府", "洪泽区人民政府", "洪泽区政府", "江苏省淮安市洪泽区人民政府", "洪泽区"], "320813"),
        (["河北省科学技术厅", "河北省科技厅"], "130000"),
        (["河北省人力资源和社会保障厅", "河北省人力资源社会保障厅", "河北省人社厅"], "130000"),
        (["淮安市发展和改革委员会", "淮安市发展改革委员会", "淮安市发展改革委", "淮安市发改委"], "320800"),
        (["洪泽区发展和改革局", "淮安市洪泽区发改局"], "320813"),
        (["长春新区管理委员会", "长春新区管委会", "长春新区党工委管委会", "长春新区"], "220100"),
        (["长春市朝阳区人民政府永昌街道办事处", "朝阳区永昌街道办事处", "朝阳区永昌街道"], "220104"),
        (["洪泽区某某镇人民政府", "洪泽区某某镇政府", "洪泽区某某镇"], "320813"),
        (["河北省人民政府国有资产监督管理委员会", "河北省国有资产监督管理委员会", "河北省国资委"], "130000"),
        (["淮安市人民政府外事办公室", "淮安市外事办公室", "淮安市外办"], "320800"),
        (["淮安市经济和信息化委员会", "淮安市经信委"], "320800"),
        (["淮安高新技术产业开发区管理委员会", "淮安高新区管委会", "淮安高新区"], "320800"),
    ],
)
def test_the_printed_variants_of_one_agency_give_one_id(variants, region):
    ids = {agency_id(name, region) for name in variants}
    assert len(ids) == 1 and None not in ids


def test_the_same_name_in_two_divisions_gives_two_ids():
    assert agency_id("朝阳区人民政府", "110105") != agency_id("朝阳区人民政府", "220104")
    assert agency_id("城关镇人民政府", "620102") != agency_id("城关镇人民政府", "320813")


def test_an_agency_of_unknown_place_has_no_identity_and_merges_with_nothing():
    assert agency_id("城关镇人民政府", None) is None
    assert agency_id("朝阳区人民政府", None) is None
    assert agency_id(None, "320813") is None


def test_the_governments_own_offices_keep_its_name():
    assert agency_id("淮安市政府办", "320800") == agency_id("淮安市人民政府办公室", "320800") == "320800/人民政府办公室"
    assert agency_id("淮安市人民政府办公室", "320800") != agency_id("淮安市办公室", "320800")


def test_different_bodies_of_one_division_stay_apart():
    ids = {agency_id(name, "320813") for name in ("洪泽区人民政府", "洪泽区人民政府办公室", "洪泽区教育局", "洪泽区科学技术局")}
    assert len(ids) == 4
    assert agency_id("淮安市人民政府", "320800") != agency_id("淮安市洪泽区人民政府", "320813")


def test_the_central_governments_bodies_are_named_without_a_division():
    assert agency_id("中华人民共和国教育部", None) == "CN/教育部"
    assert agency_id("国家统计局", None) == "CN/国家统计局"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("洪泽区人民政府", "government"),
        ("洪泽区政府", "government"),
        ("洪泽区教育局", "department"),
        ("河北省科技厅", "department"),
        ("洪泽区人民政府办公室", "department"),
        ("洪泽区某某镇人民政府", "township"),
        ("洪泽区某某乡", "township"),
        ("朝阳区永昌街道办事处", "street_office"),
        ("长春新区管委会", "other"),
    ],
)
def test_the_kind_of_an_agency_follows_its_name(name, expected):
    assert kind(name) == expected


def test_a_department_and_a_township_belong_to_their_divisions_government():
    government = agency_id("洪泽区人民政府", "320813")
    assert parent_id("洪泽区教育局", "320813") == government
    assert parent_id("洪泽区某某镇人民政府", "320813") == government
    assert parent_id("洪泽区人民政府", "320813") is None
    assert parent_id("洪泽区教育局", None) is None
