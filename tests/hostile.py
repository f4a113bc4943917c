"""Running kg as a user would, on hostile input: a subprocess with a memory limit and a deadline.

``run_kg`` starts the real ``kg`` command in its own process group with an address-space limit
(RLIMIT_AS, applied to every process it starts) and kills the group at the deadline, so a test
of a hang or a blow-up fails in bounded time instead of taking the machine with it.
"""

from __future__ import annotations

import http.server
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

KG = str(Path(sys.executable).parent / "kg")
MEMORY = 1536 << 20  # bytes of address space per process: kg needs about 400 MiB with spaCy


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def errors(self) -> list[str]:
        """The lines of stderr that are kg's error lines."""
        return [line for line in self.stderr.splitlines() if line.startswith("kg: ")]


def as_user() -> list[str]:
    """A command prefix under which permissions apply: root reads and writes everything, so a
    test of an unreadable folder or an unwritable output drops root's power to override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def run_kg(*args: str | Path, timeout: float = 60, memory: int = MEMORY, cwd: str | Path | None = None,
           env: dict[str, str] | None = None, file_size: int | None = None, stdout=subprocess.PIPE,
           prefix: list[str] = ()) -> Run:
    """Run ``kg ARGS``; fail the test if it outlives ``timeout`` seconds (the group is killed).
    ``file_size`` limits the bytes of any file kg writes (as ``ulimit -f`` does: a full disk)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    started = time.monotonic()
    process = subprocess.Popen(
        [*prefix, KG, *map(str, args)], stdout=stdout, stderr=subprocess.PIPE, text=True,
        cwd=cwd, env={**os.environ, **(env or {})}, preexec_fn=limit, start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise AssertionError(f"kg {' '.join(map(str, args))} still running after {timeout} s; stderr: {stderr[-500:]}") from None
    return Run(process.returncode, stdout or "", stderr, time.monotonic() - started)


def assert_clean_failure(run: Run, name: str) -> None:
    """Exit 1, no traceback, exactly one error line, and it names the file ``name``."""
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    assert len(run.errors) == 1, run.stderr
    assert name in run.errors[0], run.errors


class Handler(http.server.BaseHTTPRequestHandler):
    """A test server's request handler: quiet, with one call to answer."""

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def local_server(handler: type[http.server.BaseHTTPRequestHandler], **state) -> Iterator[http.server.ThreadingHTTPServer]:
    """A real HTTP server on 127.0.0.1 (a free port) answering with ``handler`` in a thread;
    ``state`` becomes attributes of the server, which the handler sees as ``self.server``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    for name, value in state.items():
        setattr(server, name, value)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
