"""What the pages read: kg/web/queries/*.rq run by the server's worker processes, rows as dicts.

A page's queries go through the same :class:`kg.engine.Engine` as /query, so they are cut at the
same time limit and cannot write. Results come back as SPARQL JSON and are turned into plain
values here (integers and decimals as numbers, IRIs and other literals as strings).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib.resources import files

import anyio
from rdflib import Literal, URIRef

from kg.base import rebase
from kg.engine import Cut, Engine, Job, Reply
from kg.query import literal_value, without_unbound
from kg.vocab import NOT_IN_IRI
from kg.writer import n3

JSON = "application/sparql-results+json"


class PageError(Exception):
    """A page that cannot be made: its query was cut or failed, or a parameter is not valid
    (``status``: the HTTP status to answer). Not a KgError: it names no file, it is an answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@cache
def page_text(name: str) -> str:
    """The text of a page's query file, ``kg/web/queries/NAME.rq``."""
    return files("kg.web").joinpath("queries", name + ".rq").read_text(encoding="utf-8")


def term(value: object) -> str:
    """A parameter as a SPARQL term: an int as an integer, an http(s) string as an IRI (400 when it
    holds a character IRIs may not), any other string as a string literal."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"not a page query parameter: {value!r}")
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        if NOT_IN_IRI.search(value):
            raise PageError(400, f"not an IRI: {value[:200]!r}")
        return n3(URIRef(value))
    return n3(Literal(value))


def value(binding: Mapping[str, str] | None) -> object:
    """One SPARQL JSON binding as a plain value (:func:`kg.query.literal_value`); a decimal with
    nothing after the point as an int, as kg prints figures."""
    if binding is None:
        return None
    converted = literal_value(binding["value"], binding.get("datatype"))
    if isinstance(converted, Decimal) and converted == converted.to_integral_value():
        return int(converted)
    return converted


def table(body: bytes) -> tuple[list[str], list[dict[str, object]]]:
    """The columns and rows of a SPARQL JSON answer, each row a dict of every column (None: unbound)."""
    answer = json.loads(body)
    names = answer["head"].get("vars", [])
    return names, [{name: value(row.get(name)) for name in names} for row in answer["results"]["bindings"]]


def _whole(reply: Reply) -> bytes:
    if reply.rest is None:
        return reply.body
    pieces = [reply.body]
    try:
        while (piece := reply.rest.next()) is not None:
            pieces.append(piece)
    except Cut as cut:
        reply.rest.close()  # the worker may be mid-answer: replaced, not reused
        raise PageError(cut.status, str(cut)) from None
    return b"".join(pieces)


class Reader:
    """Runs the pages' queries on a served store whose instance IRIs start with ``base``."""

    def __init__(self, engine: Engine, base: str):
        self.engine = engine
        self.base = base

    def _run(self, text: str, accept: str) -> bytes:
        # written with kg's default instance IRIs (a shipped query's region:), run on the store's
        reply = self.engine.run(Job("query", text=rebase(text, self.base), accept=(accept,)))
        body = _whole(reply)
        if reply.status != 200:
            raise PageError(reply.status if reply.status >= 500 else 500, body.decode("utf-8", "replace").strip())
        return body

    async def select(self, name: str, **params: object) -> list[dict[str, object]]:
        """The rows of page query ``name`` with ``params`` bound (see :func:`bound`)."""
        return await self.select_text(bound(name, params))

    async def select_text(self, text: str) -> list[dict[str, object]]:
        return (await self.table(text))[1]

    async def table(self, text: str) -> tuple[list[str], list[dict[str, object]]]:
        """A SELECT's columns and rows."""
        return table(await anyio.to_thread.run_sync(self._run, text, JSON))

    async def graph(self, media_type: str, name: str, **params: object) -> bytes:
        """The triples of page query ``name`` (a CONSTRUCT) in ``media_type``."""
        return await anyio.to_thread.run_sync(self._run, bound(name, params), media_type)


def bound(name: str, params: dict[str, object]) -> str:
    """Page query ``name`` with ``params`` bound. A file writes a parameter as ``$name``: bound, it
    becomes the value's term; unbound (None), it stays a variable, and ``# with name`` blocks go."""
    given = {key: item for key, item in params.items() if item is not None}
    text = without_unbound(page_text(name), set(given))
    for key, item in given.items():
        written = term(item)
        text = re.sub(r"\$" + key + r"\b", lambda _match: written, text)
    return text
