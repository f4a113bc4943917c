"""kg serve and kg push against real servers on 127.0.0.1: kg serve, the Oxigraph server (the
push target), and a tiny http.server that answers 500; answers over HTTP compared with the
local ones. What kg serve refuses is tests/test_serve.py."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query import cell, list_queries
from kg.store_open import open_store
from tests.conftest import DEV, EXAMPLES
from tests.hostile import Handler, local_server, stop

runner = CliRunner()
KG = str(Path(sys.executable).parent / "kg")
QUERIES = [info.name for info in list_queries()]


def oxigraph_binary() -> str:
    """The Oxigraph server: next to this Python (a venv's bin), else on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.is_file() else shutil.which("oxigraph") or pytest.skip("the Oxigraph server is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def remote_query(port: int, name: str) -> tuple[list[str], list[list[object]]]:
    """A shipped query over HTTP (SPARQL 1.1 protocol), its cells made as kg.query makes them."""
    from kg.resources import query_text

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/query", data=query_text(name).encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        results = ox.parse_query_results(response.read(), ox.QueryResultsFormat.JSON)
    columns = [v.value for v in results.variables]
    return columns, [[cell(s[i]) for i in range(len(columns))] for s in results]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of the examples and the dev web-page texts, with every shipped query's local answer."""
    where = tmp_path_factory.mktemp("endpoint") / "store"
    result = runner.invoke(app, ["build", str(EXAMPLES), *sorted(str(p) for p in DEV.glob("*.txt")), "--store", str(where)])
    assert result.exit_code == 0, result.output
    with open_store(where) as db:
        answers = {name: db.query(name) for name in QUERIES}
        graphs = len(db.all_graphs())
    return where, answers, graphs


@pytest.fixture()
def oxigraph(tmp_path):
    """A real Oxigraph server on 127.0.0.1 with an empty database, as a push target."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    wait_for(port, process)
    yield port
    stop(process)


def test_serve_answers_over_http_as_kg_query_does_and_locks_the_store(store):
    """Every shipped query; while it serves (read-only, the default), a build is refused."""
    where, answers, _ = store
    port = free_port()
    server = subprocess.Popen([KG, "serve", "--store", str(where), "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(port, server)
        for name in QUERIES:
            assert remote_query(port, name) == answers[name], name
        busy = runner.invoke(app, ["build", str(EXAMPLES), "--store", str(where)])
        assert busy.exit_code == 2 and "in use by another process" in busy.stderr
        taken = runner.invoke(app, ["serve", "--store", str(where), "--port", str(port)])
        assert taken.exit_code == 2 and taken.stderr.count("\n") == 1
    finally:
        stop(server)
    assert runner.invoke(app, ["build", str(EXAMPLES), "--store", str(where)]).exit_code == 0  # the next run succeeds


def test_serve_on_a_port_in_use_is_one_line(tmp_path, store):
    where, _, _ = store
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--store", str(where), "--port", str(port)])
    assert result.exit_code == 2 and result.stderr.startswith(f"kg: 127.0.0.1:{port}: cannot listen there")


def test_push_to_oxigraph_then_query_it_over_http(store, oxigraph, tmp_path):
    where, answers, graphs = store
    endpoint = f"http://127.0.0.1:{oxigraph}/store"
    journal = ["--journal", str(tmp_path / "journal.jsonl")]
    for options, sent in (([], graphs), ([], 0), (["--all"], graphs)):  # the second sends nothing; --all replaces each graph
        pushed = runner.invoke(app, ["push", "--store", str(where), "--endpoint", endpoint, *journal, *options])
        assert pushed.exit_code == 0, pushed.output
        assert pushed.stdout == f"pushed {sent} graphs to {endpoint}: {graphs - sent} already there, 0 retried, 0 refused, 0 deleted\n"
        for name in QUERIES:
            assert remote_query(oxigraph, name) == answers[name], name


class Refuses(Handler):
    def do_PUT(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer(self.server.status, b"internal error: disk on fire\n")


def test_an_endpoint_refusing_each_graph_names_them_and_the_next_push_succeeds(store, oxigraph, tmp_path):
    where, answers, graphs = store
    journal = ["--journal", str(tmp_path / "journal.jsonl")]
    with local_server(Refuses, status=400) as server:  # a refusal of the graph: named, and the push goes on
        url = f"http://127.0.0.1:{server.server_address[1]}/store"
        refused = runner.invoke(app, ["push", "--store", str(where), "--endpoint", url, *journal])
    assert refused.exit_code == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == graphs and all(line.startswith(f"kg: {url} <") and "HTTP 400" in line and "disk on fire" in line for line in lines)
    with local_server(Refuses, status=500) as server:  # a failure that may pass: tried again, then the push stops
        url = f"http://127.0.0.1:{server.server_address[1]}/store"
        failed = runner.invoke(app, ["push", "--store", str(where), "--endpoint", url, "--retries", "1", *journal])
    assert failed.exit_code == 2 and failed.stderr.count("\n") == 1
    assert failed.stderr.startswith(f"kg: {url} <") and "HTTP 500 Internal Server Error: internal error: disk on fire (tried 2 times); 0 graph(s) sent" in failed.stderr
    ok = runner.invoke(app, ["push", "--store", str(where), "--endpoint", f"http://127.0.0.1:{oxigraph}/store", *journal])
    assert ok.exit_code == 0
    assert remote_query(oxigraph, "applications-per-year") == answers["applications-per-year"]


def test_an_endpoint_that_is_down_is_one_line(store):
    where, _, _ = store
    url = f"http://127.0.0.1:{free_port()}/store"
    down = runner.invoke(app, ["push", "--store", str(where), "--endpoint", url])
    assert down.exit_code == 2 and down.stderr.count("\n") == 1
    assert down.stderr.startswith(f"kg: {url}: cannot reach the endpoint")
    assert runner.invoke(app, ["push", "--store", str(where), "--endpoint", "ftp://x"]).exit_code == 2
