"""The quality report: its figures match kg.evaluate's, and it has every breakdown it promises."""

from __future__ import annotations

import importlib.util

import pytest

from kg.errors import InputError
from kg.evaluate import facts, load_golds
from tests.conftest import GOLD, ROOT

spec = importlib.util.spec_from_file_location("quality", ROOT / "bench" / "quality.py")
quality = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quality)


def gold_facts(corpus: str) -> dict[str, int]:
    """Number of gold facts per file, counted from the gold records alone."""
    return {stem: len(facts(gold, gold)) for stem, gold in load_golds(GOLD / corpus).items()}


def corpus_row(text: str, name: str) -> list[str]:
    [line] = [line for line in text.splitlines() if line.startswith(f"| {name} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_seeds_row_counts_every_gold_fact(capsys):
    assert quality.main(["--corpus", "seeds"]) == 0
    out = capsys.readouterr().out
    name, files, gold, tp, fp, fn, *_prf = corpus_row(out, "seeds")
    assert (files, int(gold)) == ("5", sum(gold_facts("seeds").values()))
    assert int(tp) + int(fn) == int(gold)
    assert "| dev |" not in out and "### dev by" not in out  # --corpus limits the report


def test_dev_report_has_each_breakdown_and_one_line_per_miss_or_extra(tmp_path):
    target = tmp_path / "quality.md"
    assert quality.main(["--corpus", "dev", "-o", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    _name, files, gold, _tp, fp, fn, *_prf = corpus_row(text, "dev")
    assert int(gold) == sum(gold_facts("dev").values()) and files == str(len(gold_facts("dev")))
    for header in ("| repository | files | gold |", "| template | files | gold |",
                   "| agency_level | files | gold |", "| family | gold | tp |"):
        assert header in text
    # the source families come from the MANIFEST's repository column, each file in one
    assert "| changwu/pingtan-gov-zwgk-archive |" in text and quality.UNLISTED not in text
    detail = text.split("## dev misses and extras")[1]
    lines = [line for line in detail.splitlines() if " | missed | " in line or " | extra | " in line]
    assert len(lines) == int(fp) + int(fn)


def test_a_failed_extraction_is_listed_and_misses_all_its_facts(monkeypatch, capsys):
    real = quality.EVAL_GATE.extract_file

    def failing(path):
        if path.stem == "000_7dd2f966124fee74":
            raise InputError(str(path), "cannot be read")
        return real(path)

    monkeypatch.setattr(quality.EVAL_GATE, "extract_file", failing)
    quality.main(["--corpus", "seeds"])
    out = capsys.readouterr().out
    assert "- seeds: 000_7dd2f966124fee74.txt: cannot be read" in out
    _name, _files, gold, tp, _fp, fn, *_prf = corpus_row(out, "seeds")
    lost = gold_facts("seeds")["000_7dd2f966124fee74"]
    assert lost > 0 and int(fn) >= lost and int(tp) <= int(gold) - lost


@pytest.mark.parametrize("value, shown", [("12|=", "12"), ("3.5|~", "3.5 (approx)")])
def test_stats_values_do_not_split_the_table(value, shown):
    assert quality.shown(("stats", "fees_yuan", value)) == shown
