"""A store on the network: push its graphs to a SPARQL 1.1 endpoint (serving it is kg.server).

Pushing uses the SPARQL 1.1 Graph Store Protocol (an HTTP PUT of each named graph as N-Triples,
which replaces that graph on the endpoint), the one write interface Oxigraph, Fuseki, Virtuoso,
GraphDB and ``kg serve --writable`` share.

An endpoint is a server kg does not control, so a push is bounded: credentials (HTTP Basic,
from the URL, ``KG_PUSH_USER``/``KG_PUSH_PASSWORD`` or a netrc file) never appear in a message,
the first refused authentication stops the push, and each PUT has a wall-clock deadline on the
whole request (connect, send, answer), as has the push. The standard library speaks HTTP here
(urllib, so ``http_proxy``/``no_proxy`` apply): httpx and requests time out per socket
operation too, so a client library would not help. Against a server answering one byte a
second, a PUT with ``timeout=3`` took 26 s in each of urllib, requests and httpx (measured).
A timer that shuts the request's socket down bounds the whole request, with no dependency.

An endpoint also fails for a while (a restart, a full queue): a request that fails for now is
tried again with a growing pause, inside the push's deadline. And a push of a large store is
long: the journal (:mod:`kg.journal`) records each graph once it is sent, so the next push
sends only what changed or what a cut-off push did not send.
"""

from __future__ import annotations

import base64
import http.client
import netrc
import os
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, unquote, urlsplit
from urllib.request import HTTPHandler, HTTPSHandler, Request, build_opener

from kg.errors import KgError
from kg.export import graph_ntriples
from kg.journal import Journal, fingerprint
from kg.store import ReportStore

DEADLINE = 3600.0  # seconds for a whole push
GRAPH_DEADLINE = 600.0  # seconds for one graph's PUT, from connecting to the last byte of the answer
RETRIES = 3  # more attempts of a request that failed for now
BACKOFF = 0.5  # seconds before the first retry; doubled for each next one
PAUSE_MAX = 60.0  # seconds: the longest pause before a retry, whatever Retry-After asks
CREDENTIALS = "give credentials in ~/.netrc or KG_PUSH_USER/KG_PUSH_PASSWORD"


class EndpointError(KgError):
    """An endpoint that cannot be reached, or that refused a graph."""


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph: ``{endpoint}?graph={IRI}``."""
    return f"{endpoint}{'&' if '?' in endpoint else '?'}graph={quote(graph, safe='')}"


def public_url(endpoint: str) -> str:
    """``endpoint`` without its userinfo (``user:password@``): the URL every message shows."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", r"\1", endpoint.strip())


def credentials(endpoint: str) -> tuple[str, str] | None:
    """(user, password) for ``endpoint``: from its URL, else the environment, else netrc.

    The netrc file is ``$NETRC`` or ``~/.netrc``; its entry is the one for the endpoint's host
    (or its ``default``). Python's netrc refuses a ``~/.netrc`` that others can read.
    """
    parts = urlsplit(endpoint.strip())
    if parts.username is not None:
        return unquote(parts.username), unquote(parts.password or "")
    if os.environ.get("KG_PUSH_USER"):
        return os.environ["KG_PUSH_USER"], os.environ.get("KG_PUSH_PASSWORD", "")
    given = os.environ.get("NETRC")
    shown = given or "~/.netrc"
    try:
        entry = netrc.netrc(given or None).authenticators(parts.hostname or "")
    except FileNotFoundError:
        if given:
            raise EndpointError(shown, "no such netrc file (NETRC)") from None
        return None
    except netrc.NetrcParseError as error:
        reason = error.msg.split("'")[0].strip()  # cut before a quoted token, which may be a password
        line = f" (line {error.lineno})" if error.lineno else ""
        raise EndpointError(shown, f"not a readable netrc file: {reason}{line}") from None
    except OSError as error:
        raise EndpointError(shown, f"cannot read the netrc file: {error.strerror or error}") from None
    if entry is None:
        return None
    login, _account, password = entry
    return login or "", password or ""


class _Late(Exception):
    """A request's time ran out and its connection was shut down."""


class _Watch:
    """The sockets of one request, shut down by a timer at the request's deadline.

    A socket timeout bounds each read, not the request: a server that trickles a byte before
    each timeout holds the request for ever. Shutting the socket down from the timer's thread
    wakes a blocked connect, send or read at once, wherever the request is.
    """

    def __init__(self, seconds: float):
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.expired = False
        self.timer = threading.Timer(seconds, self.expire)
        self.timer.daemon = True

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)

    def add(self, sock: socket.socket) -> socket.socket:
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                _shut(sock)
        return sock

    def connection(self, kind: type[http.client.HTTPConnection]):
        """A factory of ``kind`` connections whose sockets this watch sees as soon as they exist."""

        def make(host, **kwargs):
            connection = kind(host, **kwargs)
            create = connection._create_connection  # the one place http.client makes its socket
            connection._create_connection = lambda *args: self.add(create(*args))
            return connection

        return make


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watched(HTTPHandler, HTTPSHandler):
    """urllib's HTTP and HTTPS handlers, their connections seen by ``watch``."""

    def __init__(self, watch: _Watch):
        super().__init__(context=ssl.create_default_context())
        self.watch = watch

    def http_open(self, request):
        return self.do_open(self.watch.connection(http.client.HTTPConnection), request)

    def https_open(self, request):
        return self.do_open(self.watch.connection(http.client.HTTPSConnection), request, context=self._context)


def _put(request: Request, seconds: float) -> tuple[int, str, float | None] | None:
    """Send ``request`` within ``seconds`` of wall-clock time; None when accepted, else the HTTP
    status, ``HTTP code reason: first line of the answer`` and its Retry-After in seconds (or
    None). Raises :class:`_Late` past the deadline, OSError or HTTPException when the endpoint
    cannot be reached."""
    watch = _Watch(seconds)
    opener = build_opener(_Watched(watch))
    watch.timer.start()
    try:
        with opener.open(request, timeout=seconds) as response:
            try:
                response.read()
            except (OSError, http.client.HTTPException):
                pass  # the status said the graph is stored; the rest of the answer is a courtesy
        return None
    except HTTPError as error:  # its answer's first line is read under the same deadline
        try:
            after = (error.headers.get("Retry-After") or "").strip() if error.headers else ""
            return error.code, _reason(error), float(after) if after.isdigit() else None  # a date: the backoff's pause
        finally:
            error.close()
    except (OSError, http.client.HTTPException):
        if watch.expired:
            raise _Late from None
        raise
    finally:
        watch.timer.cancel()


def _reason(error: HTTPError) -> str:
    try:
        body = error.read(300).decode("utf-8", "replace").strip().splitlines()
    except Exception:  # noqa: BLE001 - the body is a courtesy
        body = []
    return f"HTTP {error.code} {error.reason}" + (f": {body[0][:200]}" if body else "")


def _passing(status: int) -> bool:
    """An HTTP status that may go away if asked again: the server failed, timed out or is busy
    (501 says it has no such method: asking again would not help)."""
    return status in (408, 429) or (status >= 500 and status != 501)


def _unreachable_for_now(reason: object) -> bool:
    """A network error that may go away (refused, reset, timed out), unlike a host name that
    does not resolve or a certificate that does not verify."""
    return not isinstance(reason, (socket.gaierror, ssl.SSLCertVerificationError))


@dataclass
class Pushed:
    """What a push did: graphs sent, skipped (the endpoint has them as they are), retried (took
    more than one attempt), deleted (gone from the store), and the graphs refused."""

    sent: int = 0
    skipped: int = 0
    retried: int = 0
    deleted: int = 0
    failures: list[KgError] = field(default_factory=list)


def push(
    store: ReportStore,
    endpoint: str,
    on_progress: Callable[[int, int], None] | None = None,
    deadline: float = DEADLINE,
    graph_deadline: float = GRAPH_DEADLINE,
    retries: int = RETRIES,
    journal: str | Path | None = None,
    everything: bool = False,
) -> Pushed:
    """PUT the named graphs of ``store`` to a Graph Store Protocol endpoint, those that changed
    since the push the ``journal`` file records (all of them without a journal, or with
    ``everything``), and DELETE those the journal says were pushed and the store no longer has.

    A request that fails for now (no connection, the graph's deadline, HTTP 5xx, 408, 429) is
    tried again up to ``retries`` times, after 0.5 s, 1 s, 2 s... (or the answer's Retry-After,
    up to a minute), within the push's ``deadline``. A graph the endpoint refuses (another
    HTTP error) is a failure and the push goes on. Refused credentials (HTTP 401 or 403), a
    request still failing after its retries, or the deadline raise :class:`EndpointError` at
    once; the graphs pushed are recorded, so a re-run sends the rest. No message shows the URL's
    credentials.
    """
    shown = public_url(endpoint)
    try:
        parts = urlsplit(shown)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a bracketed host that is no IPv6 address
        valid = False
    if not valid:
        raise EndpointError(shown, "not an http(s) URL (for Oxigraph: http://HOST:PORT/store)")
    auth = {}
    given = credentials(endpoint)
    if given is not None:
        auth["Authorization"] = "Basic " + base64.b64encode(f"{given[0]}:{given[1]}".encode("utf-8")).decode("ascii")
    end = time.monotonic() + deadline
    done = Pushed()

    def stop(problem: str, graph: str | None = None) -> EndpointError:
        where = f"{shown} <{graph}>" if graph else shown
        return EndpointError(where, f"{problem}; {done.sent} graph(s) sent, {done.skipped} already there; run kg push again to send the rest")

    def send(method: str, graph: str, body: bytes | None = None) -> tuple[int, str] | None:
        """None once the endpoint took the request; (status, reason) when it refused it."""
        headers = {**auth, "Content-Type": "application/n-triples"} if body is not None else auth
        for attempt in range(retries + 1):
            left = end - time.monotonic()
            seconds = min(graph_deadline, left)
            if left <= 0:
                raise stop(f"the push passed its deadline of {deadline:g} s")
            pause = None
            try:
                answer = _put(Request(graph_url(shown, graph), data=body, method=method, headers=headers), seconds)
            except _Late:
                if seconds < graph_deadline:
                    raise stop(f"the push passed its deadline of {deadline:g} s") from None
                problem, where = f"no answer within {graph_deadline:g} s", graph
            except (OSError, http.client.HTTPException) as error:  # URLError is an OSError
                reason = getattr(error, "reason", None) or error
                problem, where = f"cannot reach the endpoint ({reason})", None
                if not _unreachable_for_now(reason):
                    raise stop(problem) from None
            else:
                if answer is not None and answer[0] in (401, 403):  # every other graph would be refused alike
                    raise EndpointError(shown, f"authentication failed (HTTP {answer[0]}); {CREDENTIALS}")
                if answer is None or not _passing(answer[0]):
                    done.retried += attempt > 0
                    return None if answer is None else answer[:2]
                problem, where, pause = answer[1], graph, answer[2]
            if attempt == retries:
                raise stop(f"{problem} (tried {'once' if retries == 0 else f'{retries + 1} times'})", where)
            pause = min(BACKOFF * 2**attempt if pause is None else pause, PAUSE_MAX)
            if time.monotonic() + pause >= end:
                raise stop(f"{problem}; the push would pass its deadline of {deadline:g} s before trying again", where)
            time.sleep(pause)
        raise AssertionError("unreachable")

    with Journal(journal, shown) if journal is not None else nullcontext() as record:
        graphs = store.all_graphs()
        gone = sorted(set(record.sent) - set(graphs)) if record else []
        total = len(graphs) + len(gone)
        for number, graph in enumerate(graphs, 1):
            body = graph_ntriples(store, graph)
            digest = fingerprint(body) if record else ""
            if record and not everything and record.sent.get(graph) == digest:
                done.skipped += 1
            elif (refused := send("PUT", graph, body)) is None:
                done.sent += 1
                if record:
                    record.record(graph, digest)
            else:
                done.failures.append(EndpointError(f"{shown} <{graph}>", refused[1]))
            if on_progress:
                on_progress(number, total)
        for number, graph in enumerate(gone, len(graphs) + 1):
            refused = send("DELETE", graph)
            if refused is None or refused[0] in (404, 410):  # not there: as good as deleted
                done.deleted += 1
                if record:
                    record.record(graph, None)
            else:
                done.failures.append(EndpointError(f"{shown} <{graph}>", f"not deleted (the store no longer has it): {refused[1]}"))
            if on_progress:
                on_progress(number, total)
    return done
