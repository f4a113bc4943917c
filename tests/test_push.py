"""kg push against endpoints that are not friendly, run as a user runs it (tests.hostile.run_kg):
small http.servers on 127.0.0.1 that demand Basic auth, refuse it, or answer one byte at a
time; every run's output is searched for the password."""

from __future__ import annotations

import base64
import threading
import time
from contextlib import ExitStack

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store_open import open_store
from tests.conftest import EXAMPLES
from tests.hostile import Handler, local_server, run_kg

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


class Endpoint(Handler):
    """Records each request's path and Authorization header, then answers as ``server.mode`` says:
    "auth" accepts the right Basic credentials (else 401), "401" refuses all, "500" fails all,
    "trickle" sends its answer one byte every two seconds."""

    protocol_version = "HTTP/1.1"

    def do_PUT(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append((self.path, self.headers.get("Authorization")))
        mode = self.server.mode
        if mode == "trickle":
            for byte in b"HTTP/1.1 204 No Content\r\n\r\n":
                if self.server.stopping.wait(2):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        status = 204 if mode == "auth" and self.headers.get("Authorization") == BASIC else {"auth": 401, "401": 401, "500": 500}[mode]
        if status == 401:
            self.answer(status, b"no\n", WWW_Authenticate='Basic realm="kg"')
        else:
            self.answer(status, b"" if status == 204 else b"no\n")


@pytest.fixture()
def endpoint():
    """start(mode) -> (server, port); every server started is stopped after the test."""
    with ExitStack() as servers:

        def start(mode: str):
            stopping = threading.Event()
            server = servers.enter_context(local_server(Endpoint, mode=mode, requests=[], stopping=stopping))
            servers.callback(stopping.set)  # before the server's shutdown: a trickle stops at once
            return server, server.server_address[1]

        yield start


@pytest.fixture()
def no_credentials(tmp_path):
    """An environment with no credentials: an empty netrc file, no KG_PUSH_* variables."""
    empty = tmp_path / "empty.netrc"
    empty.write_text("", encoding="utf-8")
    return {"NETRC": str(empty), "KG_PUSH_USER": "", "KG_PUSH_PASSWORD": ""}


def push(store, url, env, *options, timeout=60):
    run = run_kg("push", "--store", store[0], "--endpoint", url, *options, timeout=timeout, env=env)
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert PASSWORD not in run.stdout + run.stderr
    return run


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
        assert run.stdout.strip() == f"pushed {graphs} graphs to {url}"
        assert len(server.requests) == graphs
        assert all(path.startswith("/store?graph=") and auth == BASIC for path, auth in server.requests)


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
    assert run.stderr == f"kg: {url}: the push passed its deadline of 3 s; 0 of {store[1]} graphs were pushed; run kg push again to send the rest\n"
    assert time.monotonic() - started < 3 + 10, run.seconds  # the deadline and kg's start-up, not the 54 s the answer takes
    assert len(server.requests) == 1

    server, port = endpoint("trickle")
    url = f"http://127.0.0.1:{port}/store"
    run = push(store, url, no_credentials, "--graph-deadline", "2")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert run.stderr.startswith(f"kg: {url} <") and "no answer within 2 s; 0 of" in run.stderr
    assert run.seconds < 2 + 10, run.seconds


def test_credentials_in_the_url_are_used_and_never_shown(store, endpoint, no_credentials, tmp_path):
    where, graphs = store
    server, port = endpoint("auth")
    run = push(store, f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/store", no_credentials)
    assert run.returncode == 0 and run.stdout.strip() == f"pushed {graphs} graphs to http://127.0.0.1:{port}/store"
    assert {auth for _, auth in server.requests} == {BASIC}

    for mode, code in (("401", 2), ("500", 1), ("trickle", 2)):
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
