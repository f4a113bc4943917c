"""The command line: help with an example on every command, outputs, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()
COMMANDS = ["extract", "build", "validate", "query", "graph", "explain", "agencies"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: kg " + command in result.stdout.replace("\n", " ")
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "examples.ttl"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_build_prints_a_summary_and_is_deterministic(built, tmp_path):
    out, summary = built
    assert "5 reports (5 narrative), 5 agencies, years 2013–2018" in summary
    again = tmp_path / "again.ttl"
    runner.invoke(app, ["build", *sorted(str(p) for p in EXAMPLES.glob("*.txt"))[::-1], "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_extract_writes_json_lines_atomically(tmp_path):
    out = tmp_path / "sub" / "records.jsonl"
    result = runner.invoke(app, ["extract", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5 and all("provenance" in r for r in records)
    assert result.stderr.strip().endswith(f"extracted 5 of 5 reports -> {out}")


def test_validate_exit_codes(built, tmp_path):
    out, _ = built
    ok = runner.invoke(app, ["validate", str(out)])
    assert ok.exit_code == 0 and "conforms" in ok.stdout
    broken = tmp_path / "broken.ttl"
    text = out.read_text(encoding="utf-8")
    broken.write_text(text.replace("vcard:postal-code \"255000\"", "vcard:postal-code \"2550\"", 1), encoding="utf-8")
    assert text != broken.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["validate", str(broken)])
    assert bad.exit_code == 1
    assert any(line.startswith("violation") and "postal-code" in line for line in bad.stdout.splitlines())
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("@prefix kg: <x> .\nkg:a kg:b ", encoding="utf-8")
    unreadable = runner.invoke(app, ["validate", str(garbage)])
    assert unreadable.exit_code == 2 and unreadable.stderr.startswith(f"kg: {garbage}")


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(built, fmt):
    out, _ = built
    result = runner.invoke(app, ["query", "applications-per-year", "--graph", str(out), "--format", fmt])
    assert result.exit_code == 0
    if fmt == "json":
        rows = json.loads(result.stdout)
        assert {"year": 2018, "reports": 3, "agencies": 3, "stating": 2, "total": 142}.items() <= rows[-1].items()
    elif fmt == "csv":
        assert result.stdout.splitlines()[0] == "year,reports,agencies,stating,total"
    else:
        assert "2018" in result.stdout and "142" in result.stdout


def test_query_list_and_unknown_query(built):
    out, _ = built
    listed = runner.invoke(app, ["query", "--list"])
    assert "missing-reports" in listed.stdout and "figure-evidence" in listed.stdout
    unknown = runner.invoke(app, ["query", "no-such-query", "--graph", str(out)])
    assert unknown.exit_code == 2 and "no-such-query" in unknown.stderr



def test_query_parameters_from_the_command_line(built):
    out, _ = built
    listed = runner.invoke(app, ["query", "--list"])
    assert "-p metric_key=…" in listed.stdout
    result = runner.invoke(app, ["query", "figure-evidence", "-g", str(out), "-p", "metric_key=litigation_total", "-p", "year=2018", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2 and {(r["metric"], r["year"]) for r in rows} == {("litigation_total", 2018)}
    assert all(r["sentence"] and r["end"] > r["start"] for r in rows)
    bad = runner.invoke(app, ["query", "figure-evidence", "-g", str(out), "-p", "metric_key"])
    assert bad.exit_code == 2 and bad.stderr == "kg: --param 'metric_key': give NAME=VALUE\n"
    unknown = runner.invoke(app, ["query", "figure-evidence", "-g", str(out), "-p", "agency=x"])
    assert unknown.exit_code == 2 and "unknown parameter 'agency' (this query takes: metric_key, year)" in unknown.stderr

def test_graph_writes_graphml_and_png(built, tmp_path):
    out, _ = built
    result = runner.invoke(app, ["graph", str(out), "-o", str(tmp_path / "g.graphml"), "--png", str(tmp_path / "g.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<graphml" in (tmp_path / "g.graphml").read_text(encoding="utf-8")


def test_explain_shows_rule_and_sentence():
    result = runner.invoke(app, ["explain", str(EXAMPLES / "003_dcdda86aceaa8777.txt")])
    assert result.exit_code == 0
    assert "stats.fees_yuan = 0  [fees.none_charged]" in result.stdout
    assert "我局无政府信息公开收费及减免的情况" in result.stdout


def test_agencies_lists_a_graphs_agencies_and_build_takes_an_agencies_file(built):
    out, _summary = built
    assert "--agencies" in runner.invoke(app, ["build", "--help"]).stdout
    assert "Example: kg agencies" in runner.invoke(app, ["agencies", "--help"]).stdout.replace("\n", " ")
    assert runner.invoke(app, ["agencies"]).exit_code == 2  # neither a graph nor a store
    listed = runner.invoke(app, ["agencies", str(out), "-f", "json"])
    assert listed.exit_code == 0, listed.output
    found = json.loads(listed.stdout)
    assert {row["id"] for row in found["agencies"]} >= {"370303/人民政府", "370303/信访局"}
    assert found["unresolved"] == []
