"""A store on the network: push its graphs to a SPARQL 1.1 endpoint (serving it is kg.server).

Pushing uses the SPARQL 1.1 Graph Store Protocol (an HTTP PUT of each named graph as N-Triples,
which replaces that graph on the endpoint), the one write interface Oxigraph, Fuseki, Virtuoso,
GraphDB and ``kg serve --writable`` share. Only the standard library speaks HTTP here: one PUT
per graph needs no client library.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from kg.errors import KgError
from kg.store import ReportStore

TIMEOUT = 120  # seconds for one graph's PUT


class EndpointError(KgError):
    """An endpoint that cannot be reached, or that refused a graph."""


def oxigraph_binary() -> str:
    """The Oxigraph server: next to this Python (a venv's bin), else on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.is_file():
        return str(local)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EndpointError("oxigraph", "the Oxigraph server is not installed (pip install oxigraph)")


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph: ``{endpoint}?graph={IRI}``."""
    return f"{endpoint}{'&' if '?' in endpoint else '?'}graph={quote(graph, safe='')}"


def _reason(error: HTTPError) -> str:
    try:
        body = error.read(300).decode("utf-8", "replace").strip().splitlines()
    except Exception:  # noqa: BLE001 - the body is a courtesy
        body = []
    return f"HTTP {error.code} {error.reason}" + (f": {body[0][:200]}" if body else "")


def push(store: ReportStore, endpoint: str, on_done: Callable[[str], None] | None = None) -> tuple[int, list[KgError]]:
    """PUT every named graph of ``store`` to a Graph Store Protocol endpoint; (graphs sent, failures).

    A graph the endpoint refuses (an HTTP error) is a failure and the push goes on; an endpoint
    that cannot be reached at all raises :class:`EndpointError` at once (pushed graphs stay
    pushed: each PUT replaces one whole graph).
    """
    if not endpoint.startswith(("http://", "https://")):
        raise EndpointError(endpoint, "not an http(s) URL (for Oxigraph: http://HOST:PORT/store)")
    sent, failures = 0, []
    for graph in store.all_graphs():
        body = store.graph_ntriples(graph)
        request = Request(graph_url(endpoint, graph), data=body, method="PUT", headers={"Content-Type": "application/n-triples"})
        try:
            with urlopen(request, timeout=TIMEOUT) as response:
                response.read()
            sent += 1
        except HTTPError as error:
            failures.append(EndpointError(f"{endpoint} <{graph}>", _reason(error)))
        except (URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise EndpointError(endpoint, f"cannot reach the endpoint ({reason}); {sent} graph(s) were pushed before") from None
        if on_done:
            on_done(graph)
    return sent, failures
