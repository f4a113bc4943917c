"""Outputs are whole or absent and the exit code says which; odd inputs named, never lost in silence.

Each test runs the real ``kg`` command (tests/hostile.py) the way a user or a cron job does:
a full disk is a file-size limit (``ulimit -f``), an unwritable folder is a folder without
write permission (root's override dropped), a kill is a real signal.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import time

import pyoxigraph
import pytest

from tests.conftest import DEV, EXAMPLES
from tests.hostile import KG, as_user, run_kg

GOOD = EXAMPLES / "001_290b4abaa96ad801.txt"
OTHER = EXAMPLES / "003_dcdda86aceaa8777.txt"
FULL = 20_000  # bytes: a disk that fills up half-way through the examples' records (33 KB)


def error_lines(run) -> list[str]:
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    return run.errors


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("command", [
    ["extract", str(EXAMPLES), "-o"],
    ["build", str(EXAMPLES), "-o"],
])
def test_a_full_disk_leaves_the_old_output_and_says_so(tmp_path, command):
    output = tmp_path / "out"
    output.write_text("the previous run's output\n", encoding="utf-8")
    run = run_kg(*command, output, file_size=FULL)
    assert run.returncode == 2
    [line] = error_lines(run)
    assert str(output) in line and "not written" in line
    assert output.read_text(encoding="utf-8") == "the previous run's output\n"
    assert leftovers(tmp_path) == []


def test_a_full_disk_under_standard_output_is_an_error_not_a_cut(tmp_path):
    target = tmp_path / "records.jsonl"
    with open(target, "w") as handle:
        run = run_kg("extract", EXAMPLES, file_size=FULL, stdout=handle)
    assert run.returncode == 2
    [line] = error_lines(run)
    assert line.startswith("kg: stdout: not written whole")
    assert "extracted" not in run.stderr  # no summary that claims success


def test_an_export_on_a_full_disk_is_absent(tmp_path):
    store = tmp_path / "store"
    assert run_kg("build", EXAMPLES, "--store", store).returncode == 0
    run = run_kg("export", "--store", store, "-o", tmp_path / "all.nq", file_size=FULL)
    assert run.returncode == 2 and len(error_lines(run)) == 1
    assert not (tmp_path / "all.nq").exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["folder", "under-a-file", "unwritable"])
def test_an_output_that_cannot_be_written_is_said_at_once(tmp_path, where):
    prefix = []
    if where == "folder":
        output = tmp_path / "folder"
        output.mkdir()
    elif where == "under-a-file":
        (tmp_path / "file").write_text("x")
        output = tmp_path / "file" / "out.ttl"
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        output = locked / "out.ttl"
        prefix = as_user()
    for command in (["build", GOOD, "-o", output], ["extract", GOOD, "-o", output], ["graph", "--store", tmp_path / "none", "-o", output]):
        run = run_kg(*command, prefix=prefix)
        assert run.returncode == 2, (command, run.stderr)
        [line] = error_lines(run)
        assert str(output) in line or str(output.parent) in line
    assert not (output.is_file())


def test_outputs_follow_the_umask_and_keep_the_mode_they_had(tmp_path):
    fresh, kept = tmp_path / "fresh.ttl", tmp_path / "kept.ttl"
    kept.write_text("old")
    kept.chmod(0o644)
    old = os.umask(0o027)
    try:
        assert run_kg("build", GOOD, "-o", fresh).returncode == 0
        assert run_kg("build", GOOD, "-o", kept).returncode == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
    assert stat.S_IMODE(kept.stat().st_mode) == 0o644


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_extraction_leaves_no_partial_output(tmp_path, sig):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(200):
        shutil.copy(EXAMPLES / sorted(p.name for p in EXAMPLES.glob("*.txt"))[k % 5], corpus / f"{k:03d}.txt")
    output = tmp_path / "records.jsonl"
    output.write_text("before\n")
    process = subprocess.Popen([KG, "extract", corpus, "-o", output], stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    while not leftovers(tmp_path) and time.monotonic() < deadline:  # writing has begun
        time.sleep(0.05)
    assert leftovers(tmp_path), "kg never started writing"
    time.sleep(0.3)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=30)
    assert output.read_text() == "before\n"
    assert "Traceback" not in stderr
    if sig == signal.SIGTERM:  # a kill that can be handled cleans up after itself
        assert process.returncode == 128 + sig
        assert leftovers(tmp_path) == []


def test_odd_inputs_are_named_and_the_batch_goes_on(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "reports"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(OTHER, folder / "locked" / "inside.txt")
    (folder / "locked").chmod(0o000)
    shutil.copy(GOOD, folder / "good.txt")
    output = tmp_path / "records.jsonl"
    run = run_kg("extract", fifo, "/dev/zero", folder, "-o", output, prefix=as_user(), timeout=60)
    (folder / "locked").chmod(0o755)
    assert run.returncode == 1
    lines = error_lines(run)
    assert len(lines) == 3, lines
    assert any(str(fifo) in line and "not a regular file" in line for line in lines)
    assert any("/dev/zero" in line and "not a regular file" in line for line in lines)
    assert any(str(folder / "locked") in line and "cannot read the folder" in line for line in lines)
    [record] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert record["source"].endswith("good.txt")


def test_file_names_are_shown_escaped_and_stored(tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    forged = os.path.join(folder, b"evil\nkg: \xe2\x88\x95etc\xe2\x88\x95shadow: forged line.txt")
    with open(forged, "wb") as handle:
        handle.write(b"not a report at all, just words about roads.\n" * 3)
    gbk = os.path.join(folder, "\u4e2d\u6587".encode("gb18030") + b".txt")  # 中文.txt, named in GBK
    shutil.copy(GOOD, gbk)
    run = run_kg("build", tmp_path / "in", "--store", tmp_path / "store")
    assert run.returncode == 1
    [line] = error_lines(run)  # the forged name is one escaped line, not two
    assert "evil\\nkg: " in line and "forged line.txt: not an annual report" in line
    assert "1 added" in run.stdout
    run = run_kg("query", "figure-evidence", "--store", tmp_path / "store", "-f", "json")
    sources = {row["source"] for row in json.loads(run.stdout)}
    assert sources == {os.fsdecode(tmp_path / "in") + "/\\xd6\\xd0\\xce\\xc4.txt"}
    again = run_kg("build", tmp_path / "in", "--store", tmp_path / "store", "--prune")
    assert "1 unchanged" in again.stdout and "0 removed" in again.stdout


def test_prune_removes_only_what_was_walked(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for path in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(path, reports / path.name)
    store = tmp_path / "store"
    assert run_kg("build", reports, "--store", store).returncode == 0
    run = run_kg("build", tmp_path / "reprots", "--store", store, "--prune")  # a typo
    assert run.returncode == 1
    assert "0 removed; 5 reports" in run.stdout
    (reports / GOOD.name).unlink()
    run = run_kg("build", reports, "--store", store, "--prune")
    assert run.returncode == 0 and "1 removed; 4 reports" in run.stdout


def test_two_files_of_one_report_are_an_error_in_a_turtle_build(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD, folder / "a.txt")
    shutil.copy(GOOD, folder / "b.txt")  # the same bytes: a copy, skipped
    edited = GOOD.read_text(encoding="utf-8").replace("。", "。 ", 1)
    (folder / "c.txt").write_text(edited, encoding="utf-8")  # the same report, other bytes
    graph = tmp_path / "graph.ttl"
    run = run_kg("build", folder, "-o", graph)
    assert run.returncode == 1
    [line] = error_lines(run)
    assert str(folder / "c.txt") in line and str(folder / "a.txt") in line and "same report" in line
    assert "1 duplicate files skipped" in run.stdout
    assert run_kg("validate", graph).returncode == 0


@pytest.mark.parametrize("value, message", [
    ("<x> } ; DROP ALL ; { <y>", "takes a whole number"),
    ("twenty", "takes a whole number"),
])
def test_bad_query_parameters_are_explained(tmp_path, value, message):
    graph = tmp_path / "graph.ttl"
    assert run_kg("build", GOOD, "-o", graph).returncode == 0
    run = run_kg("query", "figure-evidence", "--graph", graph, "-p", f"year={value}")
    assert run.returncode == 2
    [line] = error_lines(run)
    assert message in line
    run = run_kg("query", "figure-evidence", "--graph", graph, "-p", "metric_key=<a b>")
    assert run.returncode == 2 and "not a valid IRI" in error_lines(run)[0]


def test_jobs_are_bounded(tmp_path):
    run = run_kg("extract", GOOD, "--jobs", "100000", "-o", tmp_path / "x.jsonl")
    assert run.returncode == 2
    [line] = error_lines(run)
    assert "at most" in line and "KG_MAX_JOBS" in line


def test_reading_a_store_needs_no_write_access_and_waits_for_no_writer(tmp_path):
    store = tmp_path / "store"
    assert run_kg("build", EXAMPLES, "--store", store).returncode == 0
    before = sorted((p.name, p.stat().st_size) for p in store.iterdir())
    for path in [store, *store.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        run = run_kg("query", "applications-per-year", "--store", store, "-f", "csv", prefix=as_user())
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("year,")
        assert run_kg("export", "--store", store, "-o", tmp_path / "all.nq", prefix=as_user()).returncode == 0
    finally:
        for path in [store, *store.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert sorted((p.name, p.stat().st_size) for p in store.iterdir()) == before
    writer = pyoxigraph.Store(str(store))  # a build holds the store
    try:
        run = run_kg("query", "applications-per-year", "--store", store)
        assert run.returncode == 2
        [line] = error_lines(run)
        assert "in use by another process" in line
    finally:
        del writer


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs a private mount namespace to make a small disk (root)")
def test_a_store_that_fills_the_disk_says_so_and_carries_on_once_there_is_room(tmp_path):
    """A real full disk: a 3 MB tmpfs in a mount namespace of its own, grown afterwards."""
    disk, dev = tmp_path / "disk", DEV
    disk.mkdir()
    store = disk / "store"
    script = "\n".join([
        f"mount -t tmpfs -o size=3m tmpfs {disk}",
        f"{KG} build {dev} --store {store}; echo rc=$?",
        f"{KG} query applications-per-year --store {store} -f csv; echo rc=$?",
        f"{KG} build {dev} --store {store}; echo rc=$?",
        f"mount -o remount,size=64m {disk}",
        f"{KG} build {dev} --store {store}; echo rc=$?",
    ])
    run = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in run.stderr
    assert [line for line in run.stdout.splitlines() if line.startswith("rc=")] == ["rc=2", "rc=0", "rc=2", "rc=0"]
    errors = [line for line in run.stderr.splitlines() if line.startswith("kg: ")]
    assert len(errors) == 2 and all(str(store) in line for line in errors)
    # the first failure undid its load (the store read between the two is whole); the second
    # fails on opening or on loading, whichever finds the disk full first
    assert "No space left" in errors[0] and "the store is as it was" in errors[0]
    assert "the disk is full" in errors[1] or "No space left" in errors[1]
    assert "15 reports" in run.stdout.splitlines()[-2]


def test_prune_keeps_the_reports_of_a_folder_that_could_not_be_read(tmp_path):
    reports = tmp_path / "reports"
    (reports / "sub").mkdir(parents=True)
    shutil.copy(GOOD, reports / "sub" / GOOD.name)
    shutil.copy(OTHER, reports / OTHER.name)
    store = tmp_path / "store"
    assert run_kg("build", reports, "--store", store).returncode == 0
    (reports / "sub").chmod(0o000)
    try:
        run = run_kg("build", reports, "--store", store, "--prune", prefix=as_user())
    finally:
        (reports / "sub").chmod(0o755)
    assert run.returncode == 1
    assert "cannot read the folder" in error_lines(run)[0]
    assert "0 removed; 2 reports" in run.stdout


def test_a_file_with_an_escaped_name_is_not_taken_for_gone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD, folder / "tab\there.txt")
    (folder / "zz.txt").write_text(GOOD.read_text(encoding="utf-8").replace("。", "。 ", 1), encoding="utf-8")
    run = run_kg("build", folder, "--store", tmp_path / "store")
    assert run.returncode == 1
    [line] = error_lines(run)
    assert "zz.txt: same report" in line and "tab\\there.txt" in line
    assert "1 added, 0 replaced" in run.stdout
