"""Parallel extraction: --jobs over a process pool and --scheduler over a real local Dask
cluster give exactly the serial output; results stream in input order; errors cross processes."""

from __future__ import annotations

import pickle
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from typer.testing import CliRunner

from kg import pipeline
from kg.cli import app
from kg.errors import KgError
from kg.pipeline import IN_FLIGHT, extract_one, iter_extract
from kg.readers import supported
from tests.conftest import DATA, DEV, EXAMPLES

runner = CliRunner()
FORMATS = DATA / "formats"  # Word, HTML and PDF reports, and six files that fail


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_kg_error_survives_pickling():
    import kg.endpoint  # noqa: F401  (their errors are KgErrors too)
    import kg.store  # noqa: F401

    classes = [KgError, *_all_subclasses(KgError)]
    assert len(classes) >= 5
    for cls in classes:
        error = pickle.loads(pickle.dumps(cls("reports/a.pdf", "encrypted PDF")))
        assert type(error) is cls and error.path == "reports/a.pdf" and str(error) == "reports/a.pdf: encrypted PDF"


def _run(*args):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_with_two_jobs_writes_the_same_turtle(tmp_path):
    serial, parallel = tmp_path / "j1.ttl", tmp_path / "j2.ttl"
    reports = [p for p in [*EXAMPLES.iterdir(), *DEV.iterdir()] if supported(p)]
    one = _run("build", str(EXAMPLES), str(DEV), "-o", str(serial), "--jobs", "1")
    two = _run("build", str(EXAMPLES), str(DEV), "-o", str(parallel), "--jobs", "2")
    assert one[0] == two[0] == 0, one[2] + two[2]
    assert serial.read_bytes() == parallel.read_bytes()
    assert one[1] == two[1].replace(str(parallel), str(serial)) and f"{len(reports)} reports" in one[1]


def test_extract_with_two_jobs_gives_the_same_records_and_failures():
    one = _run("extract", str(EXAMPLES), str(FORMATS), "--jobs", "1")
    two = _run("extract", str(EXAMPLES), str(FORMATS), "-j", "2")
    assert one == two
    code, stdout, stderr = two
    assert code == 1 and len(stdout.splitlines()) == 7  # 5 seeds, one Word and one HTML report
    assert "kg: " + str(FORMATS / "encrypted.pdf") + ": encrypted PDF" in stderr
    assert stderr.strip().endswith("extracted 7 of 13 reports, 6 failed")


def test_no_more_worker_processes_than_files():
    # a re-run with nothing or one file to extract does not wait for a pool to start
    import psutil

    me = psutil.Process()
    before = {child.pid for child in me.children(recursive=True)}  # a worker server earlier tests started

    def started():
        return {child.pid for child in me.children(recursive=True)} - before

    assert list(iter_extract([], jobs=2)) == [] and not started()
    one = str(sorted(EXAMPLES.glob("*.txt"))[0])
    seen = []
    for file, facts in iter_extract([one], jobs=2):
        seen.append((file, facts.source))
        assert not started()  # extracted here, no worker started
    assert seen == [(one, one)]


def test_results_stream_in_input_order_with_a_bounded_number_in_flight():
    files = [str(p) for p in sorted(EXAMPLES.glob("*.txt"))] * 12  # 60 files, chunks of one
    serial = {f: extract_one(f) for f in files[:5]}

    class Counting(ThreadPoolExecutor):
        submitted = 0

        def submit(self, *args, **kwargs):
            Counting.submitted += 1
            return super().submit(*args, **kwargs)

    with Counting(max_workers=2) as executor:
        stream = iter_extract(files, jobs=2, executor=executor)
        first = next(stream)
        assert Counting.submitted <= 2 * IN_FLIGHT  # not the whole corpus up front
        rest = list(stream)
    got = [first, *rest]
    assert [f for f, _ in got] == files
    assert all(outcome == serial[f] for f, outcome in got)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_a_dask_cluster_extracts_the_same_records(dask_cluster, tmp_path):
    assert dask_cluster.startswith("tcp://127.0.0.1:")
    inputs = [str(EXAMPLES), str(DEV / "101_hongze_district_2023.pdf"), str(FORMATS / "encrypted.pdf")]
    serial = _run("extract", *inputs)
    on_dask = _run("extract", *inputs, "--scheduler", dask_cluster)
    assert serial == on_dask and serial[0] == 1 and len(serial[1].splitlines()) == 6
    ttl_serial, ttl_dask = tmp_path / "serial.ttl", tmp_path / "dask.ttl"
    assert _run("build", str(EXAMPLES), "-o", str(ttl_serial))[0] == 0
    assert _run("build", str(EXAMPLES), "-o", str(ttl_dask), "--scheduler", dask_cluster)[0] == 0
    assert ttl_serial.read_bytes() == ttl_dask.read_bytes()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "nonsense://{port}"])
def test_an_unreachable_scheduler_is_one_line_and_exit_2(monkeypatch, tmp_path, address):
    monkeypatch.setattr(pipeline, "SCHEDULER_TIMEOUT", 2)
    address = address.format(port=_closed_port())
    out = tmp_path / "g.ttl"
    code, stdout, stderr = _run("build", str(EXAMPLES), "-o", str(out), "--scheduler", address)
    assert code == 2 and not out.exists()
    assert stderr.startswith(f"kg: {address}: ") and len(stderr.strip().splitlines()) == 1
