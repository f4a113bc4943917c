"""Bad input: one clear line naming the file, the batch goes on, exit code 1, no half-written output."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.atomic import atomic_open
from kg.cli import app
from kg.errors import InputError, NotAReportError
from kg.extract import extract_file
from tests.conftest import EXAMPLES

SEED = EXAMPLES / "003_dcdda86aceaa8777.txt"
runner = CliRunner()


@pytest.fixture
def bad_dir(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "minutes.txt").write_text("关于道路建设和绿化工作的会议纪要。会议讨论了明年的工作安排。", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    return tmp_path


@pytest.mark.parametrize("name, message", [
    ("empty.txt", "empty file"),
    ("blank.txt", "empty file"),
    ("binary.txt", "binary file"),
    ("minutes.txt", "not an annual report"),
])
def test_each_bad_file_gets_a_named_error(bad_dir, name, message):
    with pytest.raises(InputError) as info:
        extract_file(bad_dir / name)
    assert message in str(info.value)
    assert str(info.value).startswith(str(bad_dir / name) + ": ")


def test_not_a_report_is_its_own_error(bad_dir):
    with pytest.raises(NotAReportError):
        extract_file(bad_dir / "minutes.txt")


def test_gbk_text_is_decoded(bad_dir):
    gbk = extract_file(bad_dir / "gbk.txt").to_record()
    utf8 = extract_file(SEED).to_record()
    assert gbk["title"] == utf8["title"] == "张店区信访局2013年政府信息公开工作年度报告"
    assert gbk["contact"] == utf8["contact"]


def test_utf16_with_bom_is_decoded(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("utf-16"))
    assert extract_file(path).title.value == "张店区信访局2013年政府信息公开工作年度报告"


def test_missing_path_and_unsupported_type(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        extract_file(tmp_path / "nowhere.txt")
    (tmp_path / "report.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="unsupported file type"):
        extract_file(tmp_path / "report.xls")


def test_batch_goes_on_and_reports_failures_at_the_end(bad_dir):
    result = runner.invoke(app, ["extract", str(bad_dir), str(SEED), str(bad_dir / "nowhere.txt")])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["title"] for r in records] == ["张店区信访局2013年政府信息公开工作年度报告"] * 2  # gbk copy + seed
    errors = [line for line in result.stderr.splitlines() if line.startswith("kg: ")]
    assert len(errors) == 5 and all(": " in e for e in errors)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == "extracted 2 of 7 reports, 5 failed"


def test_output_file_is_never_half_written(tmp_path):
    target = tmp_path / "records.jsonl"
    target.write_text("previous run\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as handle:
            handle.write("partial")
            raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["records.jsonl"]


def test_build_with_no_readable_report_writes_nothing(bad_dir, tmp_path):
    out = tmp_path / "g.ttl"
    result = runner.invoke(app, ["build", str(bad_dir / "empty.txt"), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "nothing written" in result.stderr
