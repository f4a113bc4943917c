"""Normalisation: full-width forms, conversion spaces, broken lines, offsets kept."""

from __future__ import annotations

from hypothesis import given, strategies as st

from kg.normalize import normalize


def test_spaces_inside_dates_and_numbers_are_removed():
    # real sentence of a 2013 report: the period's end is printed "1 2 月 31 日"
    text = "本年度报告所列数据的统计期限是 2013 年 1 月 1 日至 2013 年 1 2 月 31 日。"
    assert normalize(text).text == "本年度报告所列数据的统计期限是2013年1月1日至2013年12月31日。"


def test_full_width_digits_and_punctuation_become_ascii():
    n = normalize("电子邮箱：ｚｄ１０２＠１２６．ｃｏｍ；邮编：２５５０００")
    assert n.text == "电子邮箱:zd102@126.com;邮编:255000"


def test_title_broken_over_two_lines_is_joined():
    text = "正文\n2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n本年度报告根据《条例》编制。"
    assert "2025年上海市人民政府办公厅政府信息公开工作年度报告\n本年度报告" in normalize(text).text


def test_line_broken_inside_a_sentence_is_joined_but_headings_stay():
    text = "积极、有序、稳妥地推进政府\n\n信息公开的各项工作。\n\n一、概述\n\n推进政府信息公开是重要举措。"
    out = normalize(text).text
    assert "推进政府信息公开的各项工作。" in out
    assert "\n一、概述\n" in out


def test_page_footers_and_image_placeholders_are_dropped():
    text = "细化落实关于新时代政务公开工作的各项要求，着力发挥\n— 1 —\n政务公开促落实作用。大力推进制度[image: image1.png]%FEAE@H\n 改革。"
    out = normalize(text).text
    assert "— 1 —" not in out and "image" not in out
    assert "着力发挥政务公开促落实作用" in out and "制度改革" in out


def test_share_bar_and_breadcrumb_are_dropped():
    text = ("当前位置： 首页政务公开政府信息公开政府信息公开年报 平潭综合实验区2021年度政府信息公开工作年度报告 "
            "来源：平潭县人民政府 时间：2022-02-08 16:34 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： --> 根据《条例》")
    out = normalize(text).text
    assert out.startswith("平潭综合实验区2021年度政府信息公开工作年度报告")
    assert "微博" not in out and "来源" not in out


@given(st.text(alphabet="政府信息公开 ２０１３年１２月　\n,，。:：0123456789abc", max_size=80))
def test_offsets_point_back_to_the_printed_character(text):
    n = normalize(text)
    assert len(n.offsets) == len(n.text) + 1
    for i, ch in enumerate(n.text):
        original = text[n.offsets[i]]
        folded = chr(ord(original) - 0xFEE0) if 0xFF01 <= ord(original) <= 0xFF5E else original
        assert ch == folded or (ch == " " and original.isspace())
    assert n.offsets == sorted(n.offsets)
