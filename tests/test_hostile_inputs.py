"""Hostile input, bounded: every file below once hung kg, ate gigabytes or ended in a traceback.

Each is generated small in ``tmp_path`` (tests/hostile_files.py) and given to the real ``kg``
command next to a good report, in a subprocess with a memory limit and a deadline
(tests/hostile.py). Each must end in one ``kg: FILE: problem`` line, in seconds, and the good
report's record must still be written, in one process and with worker processes alike.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.readers import read_source
from tests import hostile_files as make
from tests.conftest import EXAMPLES
from tests.hostile import Run, assert_clean_failure, run_kg

GOOD = EXAMPLES / "001_290b4abaa96ad801.txt"


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []


def _good_written(out: Path) -> bool:
    return any(record["source"] == str(GOOD) for record in _records(out))


def _error_for(run: Run, path: Path) -> str:
    lines = [line for line in run.errors if line.startswith(f"kg: {path}: ")]
    assert len(lines) == 1, run.stderr[-3000:]
    return lines[0]


# --------------------------------------------------------- one file at a time ----

CASES = {
    # name: (maker, what the error line says)
    "bomb.docx": (lambda p: make.docx_bomb(p), "refused: word/document.xml inflates past 256 MB (a decompression bomb?); raise KG_UNPACKED_MB"),
    "spans.docx": (lambda p: make.docx_wide_spans(p), "refused: a table of more than 50,000 cells"),
    "members.docx": (lambda p: make.docx_many_members(p), "refused: a zip of about 20,001 files (kg reads at most 10,000; KG_ZIP_MEMBERS)"),
    "bomb.pdf": (lambda p: make.pdf_bomb(p), "refused: the stream of object 4 inflates past 256 MB"),
    "grid.pdf": (lambda p: make.pdf_ruled_grid(p, 400), "not an annual report"),  # its text read, its tables not searched
    "pages.pdf": (lambda p: make.pdf_pages(p, 100_000), "refused: 100,000 pages (kg reads at most 1,000; KG_PDF_PAGES)"),
    "deep.html": (lambda p: make.html_nested(p, 100_000, GOOD.read_text(encoding="utf-8")), "refused: elements nested more than 256 deep"),
    "spans.html": (lambda p: make.html_wide_spans(p), "refused: a table of more than 50,000 cells"),
    "huge.txt": (lambda p: make.big_text(p, 101), "too large: more than 100 MB (kg reads at most 100 MB; KG_INPUT_MB)"),
    "long.txt": (lambda p: make.big_text(p, 8), "characters of text (kg reads at most 2,000,000; KG_TEXT_CHARS)"),
    "fifo.txt": (lambda p: make.fifo(p), "not a regular file"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_fails_alone_in_bounded_time(tmp_path, name):
    maker, message = CASES[name]
    bad = maker(tmp_path / name)
    out = tmp_path / "out.jsonl"
    run = run_kg("extract", bad, GOOD, "-o", out, timeout=60)
    assert_clean_failure(run, bad.name)
    assert message in _error_for(run, bad)
    assert run.seconds < 30, run.seconds
    assert _good_written(out)


def test_device_given_as_a_report(tmp_path):
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    run = run_kg("extract", zero, GOOD, "-o", tmp_path / "out.jsonl", timeout=60, memory=768 << 20)
    assert_clean_failure(run, zero.name)
    assert "not a regular file" in _error_for(run, zero)
    assert _good_written(tmp_path / "out.jsonl")


# ----------------------------------------------- a batch, with worker processes ----

def test_batch_of_hostile_files_with_two_workers(tmp_path):
    """Several bad files in one batch over two workers: one line each, the good report kept."""
    report = GOOD.read_text(encoding="utf-8")
    bad = [
        make.docx_vmerge_chain(tmp_path / "vmerge.docx"),
        make.html_nested(tmp_path / "deep_container.html", 1_000, report),
        make.pdf_ruled_grid(tmp_path / "grid.pdf", 200),
        make.pdf_bomb(tmp_path / "bomb.pdf"),
    ]
    out = tmp_path / "out.jsonl"
    run = run_kg("extract", *bad, GOOD, "-o", out, "--jobs", "2", timeout=90)
    assert "Traceback" not in run.stderr and run.returncode == 1, run.stderr[-3000:]
    assert len(run.errors) == len(bad), run.stderr
    for path in bad:
        _error_for(run, path)
    assert run.seconds < 45, run.seconds
    assert _good_written(out)


# ------------------------------------------------------------- pathological lines ----

LINES = {
    "spaces": " " * 100_000,
    "tabs": "\t" * 100_000,
    "spaced digits": "1 " * 50_000,
    "spaced digits then a year": "1 " * 50_000 + "年",
    "一": "一" * 100_000,
    "digits": "7" * 100_000,
    "、": "、" * 100_000,
    "年": "年" * 50_000,
    "no spaces": "报告" * 100_000,
    "font bar": "字体" + " " * 100_000,
    "share bar": "分享到" + " " * 100_000,
    "table rule": "|" + " " * 100_000,
    "headings": "一、" * 50_000,
}


def test_pathological_lines_in_a_report_are_read_in_linear_time(tmp_path):
    files = [make.with_line(tmp_path / f"line{k}.txt", GOOD, line) for k, line in enumerate(LINES.values())]
    out = tmp_path / "out.jsonl"
    run = run_kg("extract", *files, "-o", out, timeout=120)
    assert "Traceback" not in run.stderr and run.returncode == 0, run.stderr[-3000:]
    assert len(_records(out)) == len(files)
    assert run.seconds < 60, run.seconds


# ------------------------------------------------------------------- in process ----

def test_vertical_merge_of_thousands_of_rows_is_read(tmp_path):
    source = read_source(make.docx_vmerge_chain(tmp_path / "vmerge.docx", rows=3000))
    table = source.tables[0]
    assert len(table.rows) == 3000
    assert len({(row[0].start, row[0].end) for row in table.rows}) == 1  # one merged cell, printed once
    assert source.text.count("合并") == 1


def test_deeply_nested_word_xml_is_one_line(tmp_path):
    nested = "<w:sdt><w:sdtContent>" * 5000 + "<w:p/>" + "</w:sdtContent></w:sdt>" * 5000
    path = make._docx(tmp_path / "nested.docx", [nested.encode()])
    with pytest.raises(InputError) as info:
        read_source(path)
    assert str(info.value).startswith(f"{path}: damaged Word file") and "\n" not in str(info.value)


def test_limits_follow_the_environment(tmp_path, monkeypatch):
    from kg.limits import limits

    monkeypatch.setenv("KG_UNPACKED_MB", "8")
    monkeypatch.setenv("KG_UNPACK_RATIO", "100000")
    limits.cache_clear()
    try:
        with pytest.raises(InputError, match=r"inflates past 8 MB .*KG_UNPACKED_MB"):
            read_source(make.pdf_bomb(tmp_path / "bomb.pdf", megabytes=16))
    finally:
        monkeypatch.undo()
        limits.cache_clear()
    with pytest.raises(InputError, match=r"inflates 1,0\d\d times its packed size .*KG_UNPACK_RATIO"):
        read_source(make.pdf_bomb(tmp_path / "small_bomb.pdf", megabytes=16))


def test_a_text_near_the_limit_is_read(tmp_path):
    """spaCy's own max_length (1,000,000) must not trip before kg's limit (2,000,000)."""
    text = GOOD.read_text(encoding="utf-8")
    path = tmp_path / "long_report.txt"
    path.write_text(text * (1_200_000 // len(text)), encoding="utf-8")
    run = run_kg("extract", path, "-o", tmp_path / "out.jsonl", timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert "E088" not in run.stderr


def test_recursion_and_memory_errors_are_one_line(monkeypatch):
    from kg import pipeline

    for error in (RecursionError, MemoryError):
        def boom(path, error=error):
            raise error()

        monkeypatch.setattr("kg.extract.extract_file", boom)
        outcome = pipeline.extract_one("some/report.html")
        assert isinstance(outcome, InputError) and str(outcome).startswith("some/report.html: cannot be processed")
