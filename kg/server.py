"""``kg serve``: a store as a SPARQL 1.1 endpoint that is safe to leave running.

What it serves: the SPARQL 1.1 Protocol at ``/query``, with the union of the store's graphs
as default graph (the rows ``kg query --store`` prints), in the format ``Accept`` asks for
(:mod:`kg.engine`); the Graph Store Protocol at ``/store``; and, only when started with
``--writable``, SPARQL Update at ``/update`` and PUT, POST and DELETE at ``/store``.

What it refuses, and why:

- writes, unless ``--writable``: a server anyone on the port (or any web page in the user's
  browser) can reach should not be able to wipe the store by default;
- a request other than GET or HEAD whose ``Origin`` is not the server's own (403), writes on
  or off: a web page can make the browser POST a form (``update=DROP ALL``) or plain text to
  127.0.0.1 without asking anyone, and always says where it comes from. A request without
  ``Origin`` (curl, scripts, kg push) is not a browser's and passes. Bound to a loopback
  address, the server also refuses a ``Host`` that is not a loopback name, so that a web page
  whose name is re-pointed at 127.0.0.1 (DNS rebinding) is not "the server's own origin";
- ``SERVICE`` and ``LOAD`` (400, see :mod:`kg.guard`): they make the server fetch any URL;
- a request body over :data:`QUERY_BYTES` (queries) or :data:`WRITE_BYTES` (updates, graphs)
  (413), and a query or update past the time limit (503 "query cut at N s (--timeout)"):
  its worker process is killed and replaced while the others answer (see :mod:`kg.engine`).

Why Starlette and uvicorn: small, well kept, ASGI (a later web front end grows on the same
app), plain h11 underneath (no compiled parts); the server process only routes and checks,
the worker processes do the SPARQL. The ``oxigraph`` server binary offers none of the
refusals above (it accepts updates and federated queries from any origin) and its
``--timeout-s`` does not stop every query (:mod:`kg.engine`).
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
import threading
from collections.abc import Callable, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import anyio
import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from kg.engine import Cut, Engine, EngineError, Job, Reply, media_ranges
from kg.errors import KgError
from kg.guard import fetching_keyword
from kg.store_open import check_store, open_error, reading_lock
from kg.web.data import PageError

QUERY_BYTES = 1 << 20  # a query's text
WRITE_BYTES = 16 << 20  # an update or a graph sent to /store
SAFE = ("GET", "HEAD")
FORM = "application/x-www-form-urlencoded"


class ServeError(KgError):
    """A server that cannot start: the store, the address (one line)."""


# ----------------------------------------------------------------------------- checks on every request


def _origin(scheme: str, host: str) -> tuple[str, str, int] | None:
    parts = urlsplit(f"{scheme}://{host}")
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    except ValueError:
        return None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _is_loopback(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def refusal(scope, loopback: bool) -> str | None:
    """Why a request is refused before it is read (403), or None: see the module docstring."""
    headers = Headers(scope=scope)
    host = headers.get("host")
    own = _origin(scope.get("scheme", "http"), host) if host else None
    if loopback and host and (own is None or not _is_loopback(own[1])):
        return f"Host {host!r} refused: this server answers to 127.0.0.1 and localhost only"
    origin = headers.get("origin")
    if scope["method"] not in SAFE and origin is not None:
        theirs = _origin(*origin.split("://", 1)) if "://" in origin else None  # "null" from a sandbox or a file
        if own is None or theirs != own:
            return f"cross-origin request refused: Origin {origin} is not this server ({scope.get('scheme', 'http')}://{host})"
    return None


class Guard:
    """ASGI middleware: :func:`refusal` before any route sees the request."""

    def __init__(self, app, loopback: bool):
        self.app, self.loopback = app, loopback

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            refused = refusal(scope, self.loopback)
            if refused:
                await PlainTextResponse(refused + "\n", 403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) past ``limit`` bytes whatever Content-Length says."""
    declared = request.headers.get("content-length", "")
    too_large = HTTPException(413, f"request body over {limit >> 20} MB refused\n")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    parts, size = [], 0
    async for part in request.stream():
        size += len(part)
        if size > limit:
            raise too_large
        parts.append(part)
    return b"".join(parts)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _accept(request: Request) -> tuple[str, ...]:
    return media_ranges(request.headers.get("accept", ""))


def _no_fetch(text: str) -> None:
    keyword = fetching_keyword(text)
    if keyword:
        raise HTTPException(400, f"{keyword} refused: this server fetches no URL (no federated queries, no LOAD);"
                                 f" a name containing {keyword.lower()} outside an IRI <...> is refused too\n")


# ----------------------------------------------------------------------------- routes


class _Streamed(StreamingResponse):
    """A long answer, piece by piece from its worker; the worker is freed (or replaced) at the end."""

    def __init__(self, reply: Reply):
        self.rest = reply.rest

        async def pieces():
            yield reply.body
            while (piece := await anyio.to_thread.run_sync(self.rest.next)) is not None:
                yield piece

        super().__init__(pieces(), reply.status, media_type=reply.media_type)

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            await anyio.to_thread.run_sync(self.rest.close)


class _QuietCuts(logging.Filter):
    """uvicorn logs a response broken off as an application error with a traceback; a cut
    answer is expected (the time limit), so it is left out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], Cut))


def create_app(engine: Engine, *, writable: bool, loopback: bool = True, base: str | None = None,
               store: str | None = None) -> Starlette:
    """The ASGI app of a server on ``engine``: the SPARQL endpoint, and the pages of :mod:`kg.web`
    (the store's resources at their IRIs' paths under ``base``, kg's default when None; the
    catalogue read from the ``store`` directory)."""
    from kg.web.app import DEFAULT_BASE, Site

    site = Site(engine, base=base or DEFAULT_BASE, writable=writable, store=store)

    async def answer(job: Job) -> Response:
        reply = await anyio.to_thread.run_sync(engine.run, job)
        if reply.rest is not None:
            return _Streamed(reply)
        return Response(reply.body, reply.status, media_type=reply.media_type or None)

    def read_only() -> None:
        if not writable:
            raise HTTPException(403, "this server is read-only: start kg serve with --writable to allow writes\n")

    async def query(request: Request) -> Response:
        params = request.query_params
        if request.method == "POST":
            kind = _media_type(request)
            body = await _body(request, QUERY_BYTES)
            if kind == FORM:
                form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                texts = form.get("query", [])
                default, named = form.get("default-graph-uri", []), form.get("named-graph-uri", [])
            elif kind == "application/sparql-query":
                texts = [body.decode("utf-8", "replace")]
                default, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
            else:
                raise HTTPException(415, f"send a query as application/sparql-query or {FORM} (not {kind or 'no Content-Type'})\n")
        else:
            texts = params.getlist("query")
            default, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
            if len(params.get("query", "")) > QUERY_BYTES:
                raise HTTPException(413, f"query over {QUERY_BYTES >> 20} MB refused\n")
        if len(texts) != 1:
            raise HTTPException(400, "give one query: /query?query=SELECT... (SPARQL 1.1 Protocol)\n")
        _no_fetch(texts[0])
        return await answer(Job("query", text=texts[0], accept=_accept(request), default_graphs=tuple(default), named_graphs=tuple(named)))

    async def update(request: Request) -> Response:
        read_only()
        kind = _media_type(request)
        body = await _body(request, WRITE_BYTES)
        given: Mapping[str, object]  # the form's fields, or the URL's parameters
        if kind == FORM:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            texts = form.get("update", [])
            given = form
        elif kind == "application/sparql-update":
            texts, given = [body.decode("utf-8", "replace")], request.query_params
        else:
            raise HTTPException(415, f"send an update as application/sparql-update or {FORM} (not {kind or 'no Content-Type'})\n")
        if any(key in given for key in ("using-graph-uri", "using-named-graph-uri")):
            raise HTTPException(400, "using-graph-uri and using-named-graph-uri are not supported: write USING in the update\n")
        if len(texts) != 1:
            raise HTTPException(400, "give one update (update=... or an application/sparql-update body)\n")
        _no_fetch(texts[0])
        return await answer(Job("update", text=texts[0]))

    async def graph_store(request: Request) -> Response:
        params = request.query_params
        if "graph" in params and "default" in params or len(params.getlist("graph")) > 1:
            raise HTTPException(400, "give ?graph=IRI or ?default, once\n")
        target = params["graph"] if "graph" in params else "" if "default" in params else None
        if target:
            try:
                ox.NamedNode(target)
            except ValueError:
                raise HTTPException(400, f"not an absolute IRI: {target[:200]}\n") from None
        method = "GET" if request.method == "HEAD" else request.method
        if method == "GET":
            return await answer(Job("GET", accept=_accept(request), target=target))
        read_only()
        if target is None:
            raise HTTPException(400, "give the graph to change: ?graph=IRI or ?default\n")
        body = await _body(request, WRITE_BYTES) if method != "DELETE" else b""
        return await answer(Job(method, body=body, content_type=_media_type(request), target=target))

    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return site.error_page(request, error.status_code, str(error.detail).strip())

    async def failed(request: Request, error: Exception) -> Response:
        assert isinstance(error, PageError)
        return site.error_page(request, error.status, error.message)

    endpoint = [
        Route("/query", query, methods=["GET", "POST"]),
        Route("/update", update, methods=["POST"]),
        Route("/store", graph_store, methods=["GET", "PUT", "POST", "DELETE"]),
    ]
    app = Starlette(routes=site.routes(extra=endpoint), exception_handlers={HTTPException: refused, PageError: failed})
    app.state.site = site
    app.add_middleware(Guard, loopback=loopback)
    return app


# ----------------------------------------------------------------------------- running it


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise ServeError(f"{host}:{port}", f"cannot listen there: {error.strerror or error}") from None
    return sock


def serve(store_dir: str | Path, *, host: str = "127.0.0.1", port: int = 7878, writable: bool = False,
          seconds: float | None = None, workers: int = 2, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the store in ``store_dir`` until SIGINT or SIGTERM; :class:`ServeError` (one line)
    if it cannot start. ``on_ready`` gets the server's URL once it listens and the store is open."""
    from kg.limits import limits

    shown, path = str(store_dir), Path(store_dir)
    seconds = seconds or limits().query_seconds
    check_store(path, shown)
    with reading_lock(path, shown) if not writable else nullcontext():
        sock = _listen(host, port)
        engine = Engine(str(path.resolve()), writable=writable, workers=workers, seconds=seconds)
        try:
            try:
                engine.start()
            except EngineError as error:
                raise open_error(shown, error) from None
            loopback = _is_loopback(host.strip("[]"))
            app = create_app(engine, writable=writable, loopback=loopback, base=_store_base(path), store=str(path.resolve()))
            threading.Thread(target=anyio.run, args=(app.state.site.warm,), daemon=True).start()
            config = uvicorn.Config(app, log_level="warning",
                                    access_log=False, lifespan="off", timeout_graceful_shutdown=3)
            server = _Server(config, engine)
            logging.getLogger("uvicorn.error").addFilter(_QuietCuts())
            if on_ready:
                shown_host = f"[{host}]" if ":" in host else host
                on_ready(f"http://{shown_host}:{sock.getsockname()[1]}")
            server.run(sockets=[sock])
        finally:
            engine.close()
            sock.close()


def _store_base(path: Path) -> str:
    """The base the store's instances are minted under (read once: a build cannot change it while served)."""
    from kg.store import instance_base

    try:
        return instance_base(ox.Store.read_only(str(path)))
    except OSError:
        from kg.base import DEFAULT

        return DEFAULT


class _Server(uvicorn.Server):
    """uvicorn's server, stopped by SIGINT or SIGTERM without raising the signal again afterwards
    (uvicorn does, which would end kg with a traceback); the workers are killed at once, so that
    a long query does not hold the stop up."""

    def __init__(self, config: uvicorn.Config, engine: Engine):
        super().__init__(config)
        self.engine = engine

    @contextmanager
    def capture_signals(self):
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig, _frame) -> None:
        self.engine.close()
        self.should_exit = True
