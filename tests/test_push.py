"""kg push against endpoints that are not friendly, run as a user runs it (tests.hostile.run_kg):
small http.servers on 127.0.0.1 that demand Basic auth, refuse it, answer one byte at a time,
fail for a while or drop the connection; pushes cut off and run again, and pushes after a
rebuild, counted request by request. Every run's output and journal are searched for the
password."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.export import graph_ntriples
from kg.store import SPECIAL
from kg.vocab import ONTOLOGY
from kg.store_open import open_store
from tests.conftest import EXAMPLES
from tests.hostile import KG, Handler, local_server, run_kg

USER, PASSWORD = "kg-pusher", "secret-Pa55"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
AUTH_FAILED = "authentication failed (HTTP 401); give credentials in ~/.netrc or KG_PUSH_USER/KG_PUSH_PASSWORD"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of the examples and its number of named graphs."""
    where = tmp_path_factory.mktemp("push") / "store"
    built = CliRunner().invoke(app, ["build", str(EXAMPLES), "--store", str(where)])
    assert built.exit_code == 0, built.output
    with open_store(where) as db:
        return where, len(db.all_graphs())


class Sent(NamedTuple):
    method: str
    path: str
    auth: str | None
    graph: str
    at: float  # time.monotonic() when it arrived


class Endpoint(Handler):
    """Records each request (``server.requests``), then answers as ``server.mode`` says: "ok"
    takes every graph, "auth" accepts the right Basic credentials (else 401), "401" refuses all,
    "500" fails all, "trickle" sends its answer one byte every two seconds; the first graph it
    is sent fails twice with 503 in "flaky", is answered 429 with ``Retry-After: server.after``
    once in "busy", has its connection closed unanswered once in "drop"; "hang" takes
    ``server.limit`` graphs and holds the next until the test ends."""

    protocol_version = "HTTP/1.1"

    def do_DELETE(self):  # noqa: N802 - http.server's naming
        graph = self.received("DELETE")
        self.answer(204 if graph in self.server.held else 404)
        self.server.held.discard(graph)

    def do_PUT(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        graph = self.received("PUT")
        mode, requests = self.server.mode, self.server.requests
        first, tries = requests[0].graph == graph, sum(r.graph == graph for r in requests)
        if mode == "trickle":
            for byte in b"HTTP/1.1 204 No Content\r\n\r\n":
                if self.server.stopping.wait(2):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        if mode == "drop" and first and tries == 1 or mode == "hang" and len(requests) > self.server.limit:
            self.server.stopping.wait(0 if mode == "drop" else None)
            self.close_connection = True
            return
        if mode == "flaky" and first and tries <= 2:
            return self.answer(503, b"busy\n")
        if mode == "busy" and first and tries == 1:
            return self.answer(429, b"slow down\n", Retry_After=str(self.server.after))
        status = 204 if mode in ("ok", "flaky", "busy", "drop", "hang") or mode == "auth" and self.headers.get("Authorization") == BASIC \
            else {"auth": 401, "401": 401, "500": 500}[mode]
        if status == 401:
            self.answer(status, b"no\n", WWW_Authenticate='Basic realm="kg"')
        else:
            self.answer(status, b"" if status == 204 else b"no\n")
        if status == 204:
            self.server.held.add(graph)

    def received(self, method: str) -> str:
        graph = unquote(self.path.partition("?graph=")[2])
        self.server.requests.append(Sent(method, self.path, self.headers.get("Authorization"), graph, time.monotonic()))
        return graph


@pytest.fixture()
def endpoint():
    """start(mode, **state) -> (server, port); every server started is stopped after the test."""
    with ExitStack() as servers:

        def start(mode: str, **state):
            stopping = threading.Event()
            state = {"after": 2, "limit": 0, **state}
            server = servers.enter_context(local_server(Endpoint, mode=mode, requests=[], held=set(), stopping=stopping, **state))
            servers.callback(stopping.set)  # before the server's shutdown: a trickle stops at once
            return server, server.server_address[1]

        yield start


@pytest.fixture()
def no_credentials(tmp_path):
    """An environment with no credentials: an empty netrc file, no KG_PUSH_* variables."""
    empty = tmp_path / "empty.netrc"
    empty.write_text("", encoding="utf-8")
    return {"NETRC": str(empty), "KG_PUSH_USER": "", "KG_PUSH_PASSWORD": ""}


def push(store, url, env, *options, journal=None, timeout=60):
    """kg push, recording in ``journal`` (default: a new file, so that each push sends everything)."""
    journal = journal or Path(tempfile.mkdtemp(prefix="kg-push-")) / "journal.jsonl"
    run = run_kg("push", "--store", store[0], "--endpoint", url, "--journal", journal, *options, timeout=timeout, env=env)
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert PASSWORD not in run.stdout + run.stderr
    if journal.is_file():
        assert PASSWORD not in journal.read_text(encoding="utf-8") and USER not in journal.read_text(encoding="utf-8")
    return run


def summary(url, sent, there=0, retried=0, refused=0, deleted=0):
    return f"pushed {sent} graphs to {url}: {there} already there, {retried} retried, {refused} refused, {deleted} deleted\n"


def test_credentials_from_netrc_and_from_the_environment(store, endpoint, no_credentials, tmp_path):
    where, graphs = store
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1\n  login {USER}\n  password {PASSWORD}\n", encoding="utf-8")
    netrc.chmod(0o600)
    from_netrc = {**no_credentials, "NETRC": str(netrc)}
    from_env = {**no_credentials, "KG_PUSH_USER": USER, "KG_PUSH_PASSWORD": PASSWORD}
    for env in (from_netrc, from_env):
        server, port = endpoint("auth")
        url = f"http://127.0.0.1:{port}/store"
        run = push(store, url, env)
        assert run.returncode == 0, run.stderr
        assert run.stdout == summary(url, graphs)
        assert len(server.requests) == graphs
        assert all(r.path.startswith("/store?graph=") and r.auth == BASIC for r in server.requests)


def test_an_authentication_failure_stops_the_push_at_the_first_graph(store, endpoint, no_credentials):
    for mode in ("auth", "401"):  # no credentials given; credentials refused
        server, port = endpoint(mode)
        url = f"http://127.0.0.1:{port}/store"
        env = no_credentials if mode == "auth" else {**no_credentials, "KG_PUSH_USER": USER, "KG_PUSH_PASSWORD": "wrong"}
        run = push(store, url, env)
        assert run.returncode == 2
        assert run.stderr == f"kg: {url}: {AUTH_FAILED}\n"
        assert len(server.requests) == 1


def test_a_trickling_endpoint_is_cut_at_the_deadline(store, endpoint, no_credentials):
    server, port = endpoint("trickle")
    url = f"http://127.0.0.1:{port}/store"
    started = time.monotonic()
    run = push(store, url, no_credentials, "--deadline", "3")
    assert run.returncode == 2
    assert run.stderr == f"kg: {url}: the push passed its deadline of 3 s; 0 graph(s) sent, 0 already there; run kg push again to send the rest\n"
    assert time.monotonic() - started < 3 + 10, run.seconds  # the deadline and kg's start-up, not the 54 s the answer takes
    assert len(server.requests) == 1

    server, port = endpoint("trickle")
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials, "--graph-deadline", "2", "--retries", "0")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert run.stderr.startswith(f"kg: {url} <") and "no answer within 2 s (tried once); 0 graph(s) sent" in run.stderr
    assert run.seconds < 2 + 10, run.seconds


def test_credentials_in_the_url_are_used_and_never_shown(store, endpoint, no_credentials, tmp_path):
    where, graphs = store
    server, port = endpoint("auth")
    run = push(store, f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/store", no_credentials)
    assert run.returncode == 0 and run.stdout == summary(f"http://127.0.0.1:{port}/store", graphs)
    assert {r.auth for r in server.requests} == {BASIC}

    for mode, code in (("401", 2), ("500", 2), ("trickle", 2)):  # 500: tried again until the deadline
        server, port = endpoint(mode)
        run = push(store, f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/store", no_credentials, "--deadline", "3")
        assert run.returncode == code and f"kg: http://127.0.0.1:{port}/store" in run.stderr, run.stderr
    for url in (f"http://{USER}:{PASSWORD}@127.0.0.1:1/store", f"ftp://{USER}:{PASSWORD}@127.0.0.1/store",
                f"http://{USER}:{PASSWORD}@[::zz]/store"):
        run = push(store, url, no_credentials)
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr


def test_a_netrc_file_that_cannot_be_read_is_one_line(store, endpoint, no_credentials, tmp_path):
    _, port = endpoint("auth")
    broken = tmp_path / "broken.netrc"
    broken.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD} bogus {PASSWORD}\n", encoding="utf-8")
    for netrc, problem in ((broken, "not a readable netrc file"), (tmp_path / "missing", "no such netrc file")):
        run = push(store, f"http://127.0.0.1:{port}/store", {**no_credentials, "NETRC": str(netrc)})
        assert run.returncode == 2 and run.stderr.startswith(f"kg: {netrc}: {problem}") and run.stderr.count("\n") == 1, run.stderr


def puts(server, since=0) -> list[str]:
    """The graphs PUT to ``server`` (from its request number ``since``), in order."""
    return [r.graph for r in server.requests[since:] if r.method == "PUT"]


def test_a_graph_failing_for_now_is_tried_again(store, endpoint, no_credentials):
    graphs = store[1]
    server, port = endpoint("flaky")  # its first graph: 503, 503, then stored
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials)
    assert run.returncode == 0 and run.stderr == "" and run.stdout == summary(url, graphs, retried=1)
    first = server.requests[0]
    assert [puts(server).count(graph) for graph in sorted(set(puts(server)))] == [3 if graph == first.graph else 1 for graph in sorted(set(puts(server)))]
    pauses = [later.at - earlier.at for earlier, later in zip(server.requests, server.requests[1:3])]
    assert 0.45 < pauses[0] < 1.5 and 0.95 < pauses[1] < 2.5 and pauses[1] > pauses[0] + 0.3, pauses  # 0.5 s, then 1 s

    server, port = endpoint("flaky")  # one retry is not enough: the push stops at that graph
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials, "--retries", "1")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == f"kg: {url} <{first.graph}>: HTTP 503 Service Unavailable: busy (tried 2 times); 0 graph(s) sent, 0 already there; " \
                         "run kg push again to send the rest\n"
    assert len(server.requests) == 2


def test_retry_after_is_honoured_within_the_deadline(store, endpoint, no_credentials):
    server, port = endpoint("busy", after=2)  # its first graph: 429 with Retry-After: 2, then stored
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials)
    assert run.returncode == 0 and run.stdout == summary(url, store[1], retried=1)
    first, second = server.requests[:2]
    assert first.graph == second.graph and 1.95 < second.at - first.at < 4, second.at - first.at

    server, port = endpoint("busy", after=86400)  # a day: past the push's deadline, so the push stops now
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials, "--deadline", "20")
    assert run.returncode == 2 and len(server.requests) == 1
    assert run.stderr == f"kg: {url} <{first.graph}>: HTTP 429 Too Many Requests: slow down; the push would pass its deadline of 20 s " \
                         "before trying again; 0 graph(s) sent, 0 already there; run kg push again to send the rest\n"
    assert run.seconds < 15, run.seconds


def test_a_connection_dropped_mid_push_is_tried_again(store, endpoint, no_credentials):
    server, port = endpoint("drop")  # its first graph: the connection closed with no answer, once
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials)
    assert run.returncode == 0 and run.stdout == summary(url, store[1], retried=1)
    assert len(server.requests) == store[1] + 1 and server.requests[0].graph == server.requests[1].graph
    assert server.held == set(puts(server))


def test_a_broken_push_run_again_sends_the_rest_and_then_nothing(store, endpoint, no_credentials, tmp_path):
    graphs, journal = store[1], tmp_path / "journal.jsonl"
    server, port = endpoint("hang", limit=3)  # takes 3 graphs, then holds the 4th
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials, "--deadline", "3", journal=journal)
    assert run.returncode == 2 and run.stderr == f"kg: {url}: the push passed its deadline of 3 s; 3 graph(s) sent, 0 already there; " \
                                                 "run kg push again to send the rest\n"
    first = puts(server)[:3]

    server.mode = "ok"
    before = len(server.requests)
    run = push(store, url, no_credentials, journal=journal)
    assert run.returncode == 0 and run.stdout == summary(url, graphs - 3, there=3)
    assert sorted(puts(server, before) + first) == sorted(server.held) and len(server.held) == graphs

    before = len(server.requests)
    run = push(store, url, no_credentials, journal=journal)
    assert run.returncode == 0 and run.stdout == summary(url, 0, there=graphs) and len(server.requests) == before

    run = push(store, url, no_credentials, "--all", journal=journal)
    assert run.returncode == 0 and run.stdout == summary(url, graphs) and len(puts(server, before)) == graphs

    other, other_port = endpoint("ok")  # the journal is kept by endpoint: another one gets everything
    run = push(store, f"http://127.0.0.1:{other_port}/store", no_credentials, journal=journal)
    assert run.returncode == 0 and len(puts(other)) == graphs

    lines = journal.read_text(encoding="utf-8").splitlines()
    journal.write_text("\n".join(lines[1:]) + '\nnot json\n{"endpoint": "http://127.0.0.1', encoding="utf-8")  # a line lost, a line cut
    before = len(server.requests)
    run = push(store, url, no_credentials, journal=journal)
    assert run.returncode == 0 and len(puts(server, before)) == (1 if lines[0].startswith(f'{{"endpoint": "{url}"') else 0)
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 2 * graphs  # rewritten: one line a graph and endpoint

    run = push(store, url, no_credentials, journal=tmp_path)
    assert run.returncode == 2 and run.stderr == f"kg: {tmp_path}: is a folder: give a file name\n"


@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_push_run_again_sends_the_rest(store, endpoint, no_credentials, tmp_path, kill):
    journal = tmp_path / "journal.jsonl"
    server, port = endpoint("hang", limit=2)
    url = f"http://127.0.0.1:{port}/store"
    process = subprocess.Popen([KG, "push", "--store", store[0], "--endpoint", url, "--journal", journal],
                               env={**os.environ, **no_credentials}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        waited = time.monotonic()
        while len(server.requests) < 3 and time.monotonic() - waited < 30:
            time.sleep(0.05)
    finally:
        process.send_signal(kill)  # SIGKILL: nothing of kg runs after it; SIGTERM: as Ctrl-C
        _, stderr = process.communicate(timeout=30)
    assert len(server.requests) == 3
    if kill == signal.SIGTERM:
        assert process.returncode == 128 + kill
        assert stderr.decode() == f"kg: push interrupted; the graphs sent are recorded in {journal}: run kg push again to send the rest\n"
    server.mode = "ok"
    run = push(store, url, no_credentials, journal=journal)
    assert run.returncode == 0 and run.stdout == summary(url, store[1] - 2, there=2)
    assert sorted(puts(server)[:2] + puts(server, 3)) == sorted(server.held) and len(server.held) == store[1]


def test_after_a_rebuild_only_the_changed_graphs_are_sent_and_the_gone_deleted(endpoint, no_credentials, tmp_path):
    corpus, where, journal = tmp_path / "corpus", tmp_path / "store", tmp_path / "journal.jsonl"
    shutil.copytree(EXAMPLES, corpus)
    assert run_kg("build", corpus, "--store", where).returncode == 0
    server, port = endpoint("ok")
    url = f"http://127.0.0.1:{port}/store"
    store = (where, len(bodies(where)))
    assert push(store, url, no_credentials, journal=journal).returncode == 0

    changed, gone = sorted(corpus.glob("*.txt"))[:2]
    before = bodies(where)
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本报告如有疑问请联系本机关。\n", encoding="utf-8")
    gone.unlink()
    assert run_kg("build", corpus, "--store", where, "--prune").returncode == 0
    after = bodies(where)
    with open_store(where) as db:
        changed_graph = next(db.stored(e.graph) for e in db.entries().values() if e.path == str(changed))
    gone_graph = (set(before) - set(after)).pop()
    different = {graph for graph, triples in after.items() if not isomorphic(before[graph], triples)}
    assert changed_graph in different and different - {changed_graph} <= set(SPECIAL) - {ONTOLOGY}, different  # the ontology: new blank nodes
    assert set(after) == set(before) - {gone_graph}  # the changed report kept its IRI

    sent = len(server.requests)
    run = push(store, url, no_credentials, journal=journal)
    assert run.returncode == 0 and run.stdout == summary(url, len(different), there=len(after) - len(different), deleted=1)
    assert sorted(puts(server, sent)) == sorted(different)
    assert [(r.method, r.graph) for r in server.requests if r.method == "DELETE"] == [("DELETE", gone_graph)]
    assert server.held == set(after)

    sent = len(server.requests)
    run = push(store, url, no_credentials, journal=journal)
    assert run.stdout == summary(url, 0, there=len(after)) and len(server.requests) == sent


def bodies(store) -> dict[str, Graph]:
    with open_store(store) as db:
        return {graph: Graph().parse(data=graph_ntriples(db, graph), format="nt") for graph in db.all_graphs()}
