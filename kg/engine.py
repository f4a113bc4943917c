"""SPARQL on a store in worker processes, each request cut at a time limit by killing its process.

Why processes: neither pyoxigraph nor Oxigraph can stop a query that runs too long. pyoxigraph's
``Store.query`` has no time limit. The ``oxigraph`` server's ``--timeout-s`` stopped a streamed
count over a cross product at the limit, but answered it with status 200 and a JSON body cut in
the middle ("The SPARQL operation has been cancelled" appended), and a query with an ORDER BY
over the same cross product was not stopped at all: with ``--timeout-s 2`` it ran on after the
client had hung up at 30 s, at 5.7 GB of memory, until the server was killed. Killing the
process that runs a query always stops it, and its memory goes back to the system.

So each worker opens the store itself and answers one request at a time; the server process
(:class:`Engine`) sends it the request, waits at most the time limit for the answer, and kills
and replaces a worker that is late. The other workers answer other requests meanwhile.
Read-only serving opens the store with ``Store.read_only`` in every worker (no write access to
the directory is needed). Writable serving has one worker that opens it read-write: RocksDB
lets one process at a time hold a store for writing, and read-only openings would not see its
writes. Killing it in the middle of an update loses that update only: an update is one RocksDB
transaction, written whole or not at all.

A worker sends its answer in pieces of :data:`CHUNK` bytes: the first piece carries the status,
so an error found while the first 64 KB of results are made is still an error status; a larger
answer streams, and one cut after that ends in a broken response rather than a wrong one.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import first_line
from kg.limits import limits

CHUNK = 64 << 10  # bytes of an answer sent at once
START_SECONDS = 60  # for a worker to open the store
# A worker's address space is bounded by kg.limits' query_mb (KG_QUERY_MB). A query that sorts or
# groups a cross product grew by about 100 MB a second (so 3 GB in a 30 s limit, per worker); past
# the bound its allocation fails, the worker ends and is replaced, and the client gets a 500. An
# idle worker takes about 450 MB of address space (30 MB resident); the shipped queries on a store
# of thousands of reports need far less.

RESULTS = {  # media types of SELECT and ASK answers, the first the default
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
TRIPLES = {  # of CONSTRUCT and DESCRIBE answers and of a graph
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
}
QUADS = {  # of the whole dataset
    "application/n-quads": "N_QUADS",
    "application/trig": "TRIG",
}


def solutions(db: Any, text: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Any:
    """What Oxigraph answers to a query on ``db``; its default graph is the union of the store's
    graphs, unless the SPARQL protocol's ``default_graphs`` / ``named_graphs`` say otherwise."""
    import pyoxigraph as ox

    if not default_graphs and not named_graphs:
        return db.query(text, use_default_graph_as_union=True)
    return db.query(text, default_graph=[ox.NamedNode(g) for g in default_graphs] or ox.DefaultGraph(),
                    named_graphs=[ox.NamedNode(g) for g in named_graphs] or None)


@dataclass(frozen=True)
class Job:
    """One request for a worker.

    ``kind``: ``query``, ``update``, or a Graph Store Protocol method (``GET``, ``PUT``,
    ``POST``, ``DELETE``) on ``target``: a graph IRI, ``""`` for the default graph, None for
    the whole dataset (GET only).
    """

    kind: str
    text: str = ""
    body: bytes = b""
    content_type: str = ""
    accept: tuple[str, ...] = ()  # media ranges, most wanted first
    target: str | None = None
    default_graphs: tuple[str, ...] = ()  # the protocol's default-graph-uri / named-graph-uri
    named_graphs: tuple[str, ...] = ()


@dataclass
class Reply:
    """A worker's answer: its status and media type, the first piece of the body, and ``rest``,
    the pieces still to come (None when ``body`` is the whole answer)."""

    status: int
    media_type: str
    body: bytes
    rest: "Stream | None" = None


def text_reply(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


class EngineError(Exception):
    """A worker that cannot start: the store cannot be opened (one line)."""


# ----------------------------------------------------------------------------- server side


class _Worker:
    """One worker process (``python -m kg.engine``) and the connection to it.

    Started as a fresh interpreter rather than by multiprocessing: its "spawn" re-runs the main
    script (the ``kg`` command) in every worker, and "fork" copies a threaded server.
    """

    def __init__(self, path: str, writable: bool):
        import kg

        self.conn, child = multiprocessing.Pipe()
        home = str(Path(kg.__file__).resolve().parent.parent)  # the worker runs this kg, whatever sys.path says
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (home, os.environ.get("PYTHONPATH"))))}
        command = [sys.executable, "-m", "kg.engine", path, "writable" if writable else "read-only", str(child.fileno()), str(os.getpid())]
        try:
            self.process = subprocess.Popen(command, pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env)
        finally:
            child.close()
        self.ready = False

    def wait_ready(self, seconds: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(seconds):
            raise EngineError("the store did not open in time")
        message = self.conn.recv()
        if message[0] != "ready":
            raise EngineError(message[1])
        self.ready = True

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()


class Cut(Exception):
    """A request stopped (past its time limit, its worker gone) or refused, with its HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Engine:
    """``workers`` worker processes serving the store at ``path``; requests cut at ``seconds``."""

    def __init__(self, path: str, *, writable: bool = False, workers: int = 2, seconds: float = 30.0):
        self.path, self.writable, self.seconds = str(path), writable, seconds
        self.size = 1 if writable else max(1, workers)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._closed = False

    def start(self) -> None:
        """Start the workers and wait until each has opened the store; :class:`EngineError` if one cannot."""
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                worker.wait_ready(START_SECONDS)
        except (EngineError, EOFError, OSError) as error:
            self.close()
            raise EngineError(str(error) if isinstance(error, EngineError) else "a worker ended while opening the store") from None
        for worker in started:
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.path, self.writable)
        self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (whatever it was doing) and put a new one in its place."""
        worker.kill()
        self._all.discard(worker)
        if not self._closed:
            fresh = self._spawn()
            if self._closed:  # stopped meanwhile: close() may not have seen it
                fresh.kill()
            else:
                self._idle.put(fresh)

    def close(self) -> None:
        """Kill every worker, busy or not; later requests are refused. Safe in a signal handler."""
        self._closed = True
        for worker in list(self._all):
            if worker.process.poll() is None:
                worker.process.kill()
        for worker in list(self._all):
            try:
                worker.process.wait(5)
            except subprocess.TimeoutExpired:
                pass

    def _receive(self, worker: _Worker, deadline: float, label: str):
        try:
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                return worker.conn.recv()
        except (EOFError, OSError):
            if self._closed:
                raise Cut(503, "the server is stopping") from None
            raise Cut(500, "the worker running the request ended (out of memory?)") from None
        raise Cut(503, f"{label} cut at {self.seconds:g} s (--timeout)")

    def run(self, job: Job) -> Reply:
        """Run ``job`` on a free worker within the time limit (blocking: call it from a thread)."""
        if self._closed:
            return text_reply(503, "the server is stopping")
        try:  # waiting for a worker is bounded too, and not counted in the request's own time
            worker = self._idle.get(timeout=self.seconds)
        except queue.Empty:
            return text_reply(503, f"all {self.size} workers stayed busy for {self.seconds:g} s (--timeout); try again later")
        label = "query" if job.kind in ("query", "GET") else "update"
        try:
            worker.wait_ready(START_SECONDS)  # a replacement still opening the store: not the request's time
            deadline = time.monotonic() + self.seconds
            worker.conn.send(job)
            message = self._receive(worker, deadline, label)
        except (Cut, EngineError, EOFError, OSError) as error:
            self._replace(worker)
            return text_reply(error.status if isinstance(error, Cut) else 503, str(error))
        except BaseException:
            self._replace(worker)
            raise
        if message[0] == "whole":
            self._idle.put(worker)
            return Reply(message[1], message[2], message[3])
        return Reply(message[1], message[2], message[3], Stream(self, worker, deadline, label))


class Stream:
    """The rest of a long answer, piece by piece; :meth:`close` frees (or replaces) its worker."""

    def __init__(self, engine: Engine, worker: _Worker, deadline: float, label: str):
        self.engine, self.worker, self.deadline, self.label = engine, worker, deadline, label
        self.done = False
        self._lock = threading.Lock()

    def next(self) -> bytes | None:
        """The next piece, or None at the end; raises :class:`Cut` when the answer is cut."""
        message = self.engine._receive(self.worker, self.deadline, self.label)
        if message[0] == "data":
            return message[1]
        if message[0] == "end":
            self.close(finished=True)
            return None
        raise Cut(500, message[1])

    def close(self, finished: bool = False) -> None:
        with self._lock:
            if self.done:
                return
            self.done = True
        if finished:
            self.engine._idle.put(self.worker)
        else:  # abandoned or cut half-way: the worker may still be writing
            self.engine._replace(self.worker)


# ----------------------------------------------------------------------------- worker side


def _watch_parent(parent: int) -> None:
    """End this worker when the server is gone (killed with -9: no one else would)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _work(path: str, writable: bool, conn: Connection, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    try:
        import resource

        memory = limits().query_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):  # not on this system: the time limit still holds
        pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    import pyoxigraph as ox

    try:
        store = ox.Store(path) if writable else ox.Store.read_only(path)
    except Exception as error:  # noqa: BLE001 - OSError (lock, permissions) or RuntimeError (corruption)
        conn.send(("fatal", first_line(error)))
        return
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        _Answer(conn).run(store, job)


def media_ranges(header: str) -> tuple[str, ...]:
    """The media ranges of an ``Accept`` header, most wanted first (q=0 dropped)."""
    ranges = []
    for position, item in enumerate(header.split(",")):
        media, *params = [part.strip() for part in item.split(";")]
        quality = 1.0
        for param in params:
            if param.lower().startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    return tuple(media for _, _, media in sorted(ranges))


def choose(accept: tuple[str, ...], offered: dict[str, str]) -> tuple[str, str] | None:
    """(media type, format name) of ``offered`` that the media ranges ``accept`` want most;
    the first offered when nothing is asked; None when nothing asked is offered."""
    import pyoxigraph as ox

    if not accept:
        accept = ("*/*",)
    names = list(offered)
    for wanted in accept:
        wanted = wanted.strip().lower()
        if wanted in ("*/*", "*"):
            return names[0], offered[names[0]]
        if wanted.endswith("/*"):
            for name in names:
                if name.startswith(wanted[:-1]):
                    return name, offered[name]
            continue
        # aliases (application/json, application/xml, text/plain for N-Triples...) via pyoxigraph
        for kind in (ox.QueryResultsFormat, ox.RdfFormat):
            found = kind.from_media_type(wanted)
            if found is not None:
                for name, attribute in offered.items():
                    if getattr(kind, attribute, None) == found:
                        return name, attribute
    return None


class _Answer:
    """One request's answer, sent in pieces: see the module docstring."""

    def __init__(self, conn):
        self.conn = conn
        self.status, self.media_type = 200, ""
        self.buffer = bytearray()
        self.started = False

    def write(self, data) -> int:  # pyoxigraph serializers write here
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self._send()
        return len(data)

    def flush(self) -> None:
        pass

    def _send(self) -> None:
        piece = bytes(self.buffer)
        self.buffer.clear()
        if self.started:
            self.conn.send(("data", piece))
        else:
            self.started = True
            self.conn.send(("head", self.status, self.media_type, piece))

    def reply(self, status: int, message: str) -> None:
        if self.started:  # the status is gone: the server breaks the response off
            self.conn.send(("fail", message))
        else:
            self.conn.send(("whole", status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")))

    def finish(self) -> None:
        if self.started:
            if self.buffer:
                self._send()
            self.conn.send(("end",))
        else:
            self.conn.send(("whole", self.status, self.media_type, bytes(self.buffer)))

    def run(self, store, job: Job) -> None:
        try:
            if job.kind == "query":
                self._query(store, job)
            elif job.kind == "update":
                store.update(job.text)
                self.status = 204
            else:
                self._graph_store(store, job)
        except Cut as refused:
            self.reply(refused.status, str(refused))
            return
        except SyntaxError as error:
            self.reply(400, f"SPARQL syntax error: {first_line(error)}")
            return
        except OSError as error:
            self.reply(500, f"cannot read or write the store: {first_line(error)}")
            return
        except Exception as error:  # noqa: BLE001 - evaluation errors: one line to the client
            self.reply(400, f"{job.kind} failed: {first_line(error)}")
            return
        self.finish()

    def _query(self, store, job: Job) -> None:
        import pyoxigraph as ox

        result = solutions(store, job.text, job.default_graphs, job.named_graphs)
        offered = RESULTS if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)) else TRIPLES
        media_type, name = self._negotiate(job, offered)
        format_kind = ox.QueryResultsFormat if offered is RESULTS else ox.RdfFormat
        result.serialize(self, getattr(format_kind, name))

    def _negotiate(self, job: Job, offered: dict[str, str]) -> tuple[str, str]:
        chosen = choose(job.accept, offered)
        if chosen is None:
            raise Cut(406, f"no answer in {', '.join(job.accept)}; this one comes as {', '.join(offered)}")
        self.media_type = chosen[0] + ("; charset=utf-8" if chosen[0].startswith("text/") else "")
        return chosen

    def _graph_store(self, store, job: Job) -> None:
        import pyoxigraph as ox

        graph = None if job.target is None else ox.DefaultGraph() if job.target == "" else ox.NamedNode(job.target)
        exists = graph is None or isinstance(graph, ox.DefaultGraph) or store.contains_named_graph(graph)
        if job.kind == "GET":
            if not exists:
                raise Cut(404, f"no graph <{job.target}> in the store")
            if graph is None:
                _, name = self._negotiate(job, QUADS)
                store.dump(self, getattr(ox.RdfFormat, name))
            else:
                _, name = self._negotiate(job, TRIPLES)
                store.dump(self, getattr(ox.RdfFormat, name), from_graph=graph)
            return
        name = "DEFAULT" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph}"
        if job.kind == "DELETE":
            if not exists:
                raise Cut(404, f"no graph <{job.target}> in the store")
            store.update(f"DROP {name}")
            self.status = 204
            return
        form = ox.RdfFormat.from_media_type(job.content_type) if job.content_type else None
        if form not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
            raise Cut(415, f"send a graph as {', '.join(TRIPLES)} (not {job.content_type or 'no Content-Type'})")
        base = job.target or None
        try:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(job.body, form, base_iri=base)]
        except SyntaxError as error:
            raise Cut(400, f"not {form.name}: {first_line(error)}") from None
        lines = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        into = "" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} "
        steps = [f"DROP SILENT {name}"] if job.kind == "PUT" else []
        if lines:
            steps.append(f"INSERT DATA {{ {into}{{\n{lines}\n}} }}")
        if steps:
            store.update(" ;\n".join(steps))  # one update: the graph is replaced whole or not at all
        self.status = 204 if exists else 201


if __name__ == "__main__":  # a worker: python -m kg.engine STORE writable|read-only FD PARENT_PID
    _work(sys.argv[1], sys.argv[2] == "writable", Connection(int(sys.argv[3])), int(sys.argv[4]))
