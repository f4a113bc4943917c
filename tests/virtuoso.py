"""A Virtuoso server for tests: ``virtuoso-t`` in the foreground on 127.0.0.1, on free ports, with
its database in a temporary folder, stopped after the test.

Its Graph Store Protocol is opened for writing without credentials (``GRANT SPARQL_UPDATE TO
"SPARQL"``, through ``isql-vt``): Virtuoso's authenticated ``/sparql-graph-crud-auth`` answers
HTTP Basic with a Digest challenge, and kg push speaks Basic. The server listens on 127.0.0.1
only and lives as long as the test.

Virtuoso comes from Debian (``apt-get install virtuoso-opensource``; ``make test`` installs it
where it runs as root); without it the tests that need it skip and say so.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.hostile import stop

PACKAGE = "virtuoso-opensource"
STARTUP = 60  # seconds: it is online in 3 s on an idle machine, a fresh database included

_INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:{sql}
DisableUnixSocket  = 1
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {dirty}
DirsAllowed        = ., {folder}
[HTTPServer]
ServerPort         = 127.0.0.1:{http}
ServerRoot         = {folder}
ServerThreads      = 4
[SPARQL]
ResultSetMaxRows   = 100000
MaxQueryExecutionTime = 60
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Virtuoso:
    """A running server: ``url`` (``http://127.0.0.1:PORT``), its Graph Store Protocol at
    ``url + "/sparql-graph-crud"`` and SPARQL at ``url + "/sparql"``; ``sql(statement)`` runs
    SQL as the database administrator."""

    def __init__(self, url: str, sql_port: int, folder: Path):
        self.url, self.sql_port, self.folder = url, sql_port, folder

    def sql(self, statement: str) -> str:
        run = subprocess.run([shutil.which("isql-vt") or "isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
                             capture_output=True, text=True, timeout=600)
        if run.returncode != 0 or "*** Error" in run.stdout + run.stderr:
            raise AssertionError(f"isql-vt {statement!r}: {run.stdout[-500:]} {run.stderr[-500:]}")
        return run.stdout

    def bulk_load(self, *sources: tuple[Path, str, str]) -> None:
        """Load files with Virtuoso's bulk loader: each source a (folder, file name pattern, graph
        IRI for triples without one); ``ld_dir`` them, ``rdf_loader_run`` and ``checkpoint``."""
        for folder, pattern, graph in sources:
            self.sql(f"ld_dir('{folder}', '{pattern}', '{graph}');")
        self.sql("rdf_loader_run();")
        self.sql("checkpoint;")


@contextmanager
def virtuoso(folder: Path, buffers: int = 10_000) -> Iterator[Virtuoso]:
    """A Virtuoso server with a new database in ``folder`` and ``buffers`` pages of cache (8 KiB
    each: a test's 80 MiB by default), stopped (SIGTERM) on leaving."""
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        pytest.skip(f"Virtuoso is not installed (Debian package {PACKAGE}; make test installs it when run as root)")
    sql, http = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(_INI.format(folder=folder, sql=sql, http=http, buffers=buffers, dirty=buffers * 3 // 5), encoding="utf-8")
    url = f"http://127.0.0.1:{http}"
    with open(folder / "console.log", "wb") as console:
        process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                                   stdout=console, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = time.monotonic()
        while not _answers(url + "/sparql?query=ASK%7B%7D"):
            if process.poll() is not None or time.monotonic() - started > STARTUP:
                log = (folder / "console.log").read_text(encoding="utf-8", errors="replace")[-1500:]
                raise AssertionError(f"Virtuoso did not come up on {url} within {STARTUP} s: {log}")
            time.sleep(0.2)
        server = Virtuoso(url, sql, folder)
        server.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
        yield server
    finally:
        stop(process)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
