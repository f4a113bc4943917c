"""kg serve is safe by default: the real server on 127.0.0.1, driven over HTTP as a browser or
an attacker would, on a store built from examples/."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import psutil
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query import cell
from kg.resources import query_text
from kg.store_open import open_store
from tests.conftest import EXAMPLES
from tests.hostile import Handler, local_server, stop

runner = CliRunner()
KG = str(Path(sys.executable).parent / "kg")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~5.7e10 rows


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A running ``kg serve``: its port, process, and requests to it."""

    def __init__(self, port: int, process: subprocess.Popen):
        self.port, self.process = port, process

    def request(self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def query(self, text: str, accept: str = "text/csv", timeout: float = 30) -> tuple[int, bytes]:
        status, _, body = self.request("GET", "/query?" + urllib.parse.urlencode({"query": text}), headers={"Accept": accept}, timeout=timeout)
        return status, body

    def count(self) -> int:
        status, body = self.query(COUNT)
        assert status == 200, body
        return int(body.decode().split()[1])

    def workers(self) -> set[int]:
        return {child.pid for child in psutil.Process(self.process.pid).children(recursive=True)}


@contextmanager
def serving(store: Path, *args: str):
    """``kg serve --store STORE ARGS`` on a free port; stopped with SIGTERM, its workers checked gone."""
    port = free_port()
    process = subprocess.Popen([KG, "serve", "--store", str(store), "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = Server(port, process)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"nothing listens on {port}"
                time.sleep(0.05)
        yield server
    finally:
        workers = server.workers() if process.poll() is None else set()
        stop(process)
        time.sleep(0.2)
        assert not [pid for pid in workers if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


SHIPPED = ("applications-per-year", "reports-overview")
LOCAL: dict[str, tuple[list[str], list[list[object]]]] = {}  # kg query --store's rows, taken before any server runs


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("serve") / "store"
    result = runner.invoke(app, ["build", str(EXAMPLES), "--store", str(where)])
    assert result.exit_code == 0, result.output
    with open_store(where) as db:
        LOCAL.update((name, db.query(name)) for name in SHIPPED)
    return where


@pytest.fixture()
def store(built, tmp_path) -> Path:
    """A copy of the built store that a test may change."""
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    return copy


@pytest.fixture(scope="module")
def server(built):
    with serving(built) as running:
        yield running


class Recorder(Handler):
    """An endpoint that notes every request it gets."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        Recorder.hits.append(self.path)
        self.answer(200, b'{"head":{"vars":[]},"results":{"bindings":[{}]}}', Content_Type="application/sparql-results+json")

    do_POST = do_GET


@pytest.fixture()
def recorder():
    Recorder.hits = []
    with local_server(Recorder) as listening:
        yield f"http://127.0.0.1:{listening.server_address[1]}"


# ----------------------------------------------------------------------------- writes


def test_writes_are_refused_by_default_and_the_store_is_unchanged(server, built):
    before = server.count()
    graph = urllib.parse.quote("https://w3id.org/govinfo-kg/ontology", safe="")
    attempts = [
        ("POST", "/update", "DROP ALL", {"Content-Type": "application/sparql-update"}),
        ("POST", "/update", "update=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("PUT", f"/store?graph={graph}", "<http://a/s> <http://a/p> <http://a/o> .", {"Content-Type": "application/n-triples"}),
        ("POST", f"/store?graph={graph}", "<http://a/s> <http://a/p> <http://a/o> .", {"Content-Type": "application/n-triples"}),
        ("DELETE", f"/store?graph={graph}", None, {}),
    ]
    for method, path, body, headers in attempts:
        status, _, answer = server.request(method, path, body, headers)
        assert status == 403 and b"read-only" in answer and b"--writable" in answer, (method, path, status, answer)
    assert server.count() == before > 0
    status, headers, answer = server.request("GET", f"/store?graph={graph}", headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["content-type"].startswith("application/n-triples") and answer.count(b"\n") > 100


def test_a_cross_origin_form_post_is_refused_even_when_writable(store):
    with serving(store, "--writable") as server:
        before = server.count()
        own = f"http://127.0.0.1:{server.port}"
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for origin, kind, body in [
            ("http://evil.example", form, "update=DROP+ALL"),
            ("http://evil.example", {"Content-Type": "text/plain"}, "DROP ALL"),
            ("null", form, "update=DROP+ALL"),
            (f"http://127.0.0.1:{server.port + 1}", form, "update=DROP+ALL"),  # another port is another origin
        ]:
            status, _, answer = server.request("POST", "/update", body, {**kind, "Origin": origin})
            assert status == 403 and b"cross-origin" in answer, (origin, status, answer)
        status, _, _ = server.request("POST", "/query", "query=" + urllib.parse.quote(COUNT), {**form, "Origin": "http://evil.example"})
        assert status == 403
        # DNS rebinding: the page's own name re-pointed at 127.0.0.1 sends a matching Host and Origin
        rebound = f"evil.example:{server.port}"
        status, _, _ = server.request("POST", "/update", "update=DROP+ALL", {**form, "Host": rebound, "Origin": f"http://{rebound}"})
        assert status == 403
        assert server.count() == before > 0
        status, _, answer = server.request("POST", "/query", "query=" + urllib.parse.quote(COUNT), {**form, "Origin": own, "Accept": "text/csv"})
        assert status == 200 and int(answer.split()[1]) == before  # the server's own pages may POST
        status, _, answer = server.request("POST", "/update", "update=DROP+ALL", form)  # no Origin: not a browser
        assert status == 204, answer
        assert server.count() == 0


def test_graph_store_writes_when_writable(store):
    graph = urllib.parse.quote("http://example.org/g", safe="")
    with serving(store, "--writable") as server:
        before = server.count()
        status, _, _ = server.request("PUT", f"/store?graph={graph}", "<http://a/s> <http://a/p> 1, 2 .", {"Content-Type": "text/turtle"})
        assert status == 201 and server.count() == before + 2
        status, _, _ = server.request("PUT", f"/store?graph={graph}", "<http://a/s> <http://a/p> 3 .", {"Content-Type": "text/turtle"})
        assert status == 204 and server.count() == before + 1  # replaced
        status, _, answer = server.request("GET", f"/store?graph={graph}", headers={"Accept": "application/n-triples"})
        assert status == 200 and answer.strip().endswith(b'"3"^^<http://www.w3.org/2001/XMLSchema#integer> .')
        assert server.request("DELETE", f"/store?graph={graph}")[0] == 204 and server.count() == before
        assert server.request("DELETE", f"/store?graph={graph}")[0] == 404
        status, _, _ = server.request("PUT", f"/store?graph={graph}", "not turtle at all", {"Content-Type": "text/turtle"})
        assert status == 400 and server.count() == before


# ----------------------------------------------------------------------------- fetching


def test_service_and_load_are_refused_and_nothing_is_fetched(store, recorder):
    with serving(store, "--writable") as server:
        before = server.count()
        queries = [
            f"SELECT * WHERE {{ SERVICE <{recorder}/sparql> {{ ?s ?p ?o }} }}",
            f"select * where {{ service silent <{recorder}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p 1SERVICE <{recorder}/sparql> {{ ?s ?p ?o }} }}",  # read by Oxigraph as 1, then SERVICE
            f"PREFIX : <{recorder}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
            f'SELECT * WHERE {{ ?s ?p """x""" SERVICE <{recorder}/sparql> {{ ?s ?p ?o }} }}',
        ]
        for text in queries:
            status, answer = server.query(text)
            assert status == 400 and answer.startswith(b"SERVICE refused"), (text, status, answer)
            status, _, answer = server.request("POST", "/query", text, {"Content-Type": "application/sparql-query"})
            assert status == 400, (text, status, answer)
        for update in (f"LOAD <{recorder}/data.ttl>", f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{recorder}/sparql> {{ ?s ?p ?o }} }}"):
            status, _, answer = server.request("POST", "/update", update, {"Content-Type": "application/sparql-update"})
            assert status == 400 and b"refused" in answer, (update, status, answer)
        # names that merely contain the words are fine
        status, _, _ = server.request("POST", "/query", "PREFIX kgm: <https://w3id.org/govinfo-kg/metric/> SELECT ?service WHERE "
                                      "{ ?service ?p kgm:other_services_change }", {"Content-Type": "application/sparql-query"})
        assert status == 200
        assert server.count() == before
    assert Recorder.hits == []
    list(ox.Store().query(queries[0]))  # the recorder does record: pyoxigraph itself fetches such a query
    assert len(Recorder.hits) == 1


# ----------------------------------------------------------------------------- time limit


def test_a_runaway_query_is_cut_while_another_is_answered(built):
    with serving(built, "--timeout", "2") as server:
        server.count()
        workers = server.workers()
        assert len(workers) == 2
        outcome = {}

        def runaway():
            started = time.monotonic()
            outcome["answer"] = server.query(RUNAWAY, timeout=30)
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.5)
        started = time.monotonic()
        assert server.count() > 0
        assert time.monotonic() - started < 1.0
        thread.join(30)
        status, answer = outcome["answer"]
        assert status == 503 and b"query cut at 2 s (--timeout)" in answer
        assert 1.9 < outcome["seconds"] < 5
        assert server.count() > 0  # still answering
        assert len(server.workers() & workers) == 1  # the late worker was killed...
        deadline = time.monotonic() + 10
        while len(server.workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(server.workers()) == 2  # ...and replaced


def test_limits_from_the_environment_and_a_query_past_its_memory_bound(built):
    """KG_QUERY_SECONDS sets the time limit (the start line and / say it); KG_QUERY_MB bounds a
    worker: a sort of a cross product ends its worker, the client gets 500, the server goes on.
    The bound leaves an idle worker (about 450 MB of address space) room for RocksDB's threads:
    at 1024 MB a worker opening the store could fail to start one (std::system_error)."""
    port = free_port()
    process = subprocess.Popen([KG, "serve", "--store", str(built), "--port", str(port)], stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "KG_QUERY_SECONDS": "20", "KG_QUERY_MB": "1536"})
    try:
        line = process.stderr.readline()
        assert f"http://127.0.0.1:{port}/query" in line and "read-only" in line and "queries cut at 20 s" in line, line
        server = Server(port, process)
        assert b"queries cut at 20 s" in server.request("GET", "/")[2]
        started = time.monotonic()
        status, answer = server.query("SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1")
        assert status == 500 and b"worker running the request ended (out of memory?)" in answer, (status, answer)
        assert time.monotonic() - started < 15
        assert server.count() > 0
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
        assert "Traceback" not in process.stderr.read()


def test_ctrl_c_during_a_query_stops_at_once(built):
    with serving(built, "--timeout", "60") as server:
        server.count()
        workers = server.workers()
        threading.Thread(target=lambda: server.query(RUNAWAY, timeout=30), daemon=True).start()
        time.sleep(0.5)
        started = time.monotonic()
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(10) == 0
        assert time.monotonic() - started < 5
        _, stderr = server.process.communicate()
        assert "Traceback" not in stderr and stderr.count("\n") == 1, stderr
        time.sleep(0.2)
        assert not [pid for pid in workers if psutil.pid_exists(pid)]


# ----------------------------------------------------------------------------- protocol


def remote_rows(server: Server, name: str) -> tuple[list[str], list[list[object]]]:
    status, _, body = server.request("POST", "/query", query_text(name),
                                     {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert status == 200, body
    results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    columns = [v.value for v in results.variables]
    return columns, [[cell(s[i]) for i in range(len(columns))] for s in results]


def test_shipped_queries_answer_as_kg_query_does(server):
    for name in SHIPPED:
        assert LOCAL[name][1], name
        assert remote_rows(server, name) == LOCAL[name], name


def test_answers_in_the_format_asked_for(server):
    assert server.query(COUNT, "application/sparql-results+xml")[1].startswith(b"<?xml")
    assert server.query(COUNT, "text/tab-separated-values")[1].startswith(b"?n\n")
    assert server.query(COUNT, "text/html, */*;q=0.8")[1].startswith(b'{"head"')
    construct = "CONSTRUCT WHERE { ?s a ?o } LIMIT 3"
    assert server.query(construct, "application/n-triples")[1].count(b" .\n") == 3
    status, turtle = server.query(construct, "text/turtle")
    assert status == 200 and len(list(ox.parse(turtle, ox.RdfFormat.TURTLE))) == 3
    assert server.query(COUNT, "image/png")[0] == 406
    assert server.query("SELECT WHERE nonsense")[0] == 400
    status, headers, body = server.request("HEAD", "/query?" + urllib.parse.urlencode({"query": COUNT}))
    assert status == 200 and body == b""


def test_large_bodies_are_refused(store):
    with serving(store, "--writable") as server:
        big = "#" + "x" * (1 << 20)
        status, _, answer = server.request("POST", "/query", big + "\n" + COUNT, {"Content-Type": "application/sparql-query"})
        assert status == 413, answer
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)  # chunked: no Content-Length to trust
        connection.request("POST", "/update", body=(b"#" * (1 << 20) for _ in range(17)), encode_chunked=True,
                           headers={"Content-Type": "application/sparql-update", "Transfer-Encoding": "chunked"})
        assert connection.getresponse().status == 413
        connection.close()
        assert server.count() > 0


def test_a_long_answer_streams_whole(server):
    """An answer longer than one piece (64 KB) comes whole."""
    status, headers, body = server.request("GET", "/store", headers={"Accept": "application/n-quads"})
    assert status == 200 and body.count(b"\n") == server.count()


# ----------------------------------------------------------------------------- read-only directory, errors


def test_serves_a_read_only_store_directory(built, tmp_path):
    """No write access needed: the store's files and directory made read-only. File modes do not
    stop root, so the workers' open files are checked too: all opened for reading only."""
    parent = tmp_path / "ro"
    shutil.copytree(built, parent / "store")
    store = parent / "store"
    before = {p.name: p.read_bytes() for p in store.iterdir()}
    for path in [*store.iterdir(), store]:
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH if path.is_dir() else 0))
    try:
        with serving(store) as server:
            assert server.count() > 0
            pids = server.workers()
            opened = [f for pid in pids for f in psutil.Process(pid).open_files() if f.path.startswith(str(store))]
            assert opened and all(f.mode == "r" for f in opened), opened
        assert {p.name: p.read_bytes() for p in store.iterdir()} == before
    finally:
        for path in [store, *store.iterdir()]:
            path.chmod(0o755)


def test_start_errors_are_one_line(store, tmp_path):
    (tmp_path / "file").write_text("x")
    for wrong in (tmp_path / "missing", tmp_path / "file", tmp_path):
        result = runner.invoke(app, ["serve", "--store", str(wrong), "--port", str(free_port())])
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith(f"kg: {wrong}: "), result.stderr
    with open_store(store):  # a build holds the store
        for extra in ([], ["--writable"]):
            result = subprocess.run([KG, "serve", "--store", str(store), "--port", str(free_port()), *extra], capture_output=True, text=True, timeout=30)
            assert result.returncode == 2 and result.stderr.count("\n") == 1 and "in use by another process" in result.stderr, result.stderr
