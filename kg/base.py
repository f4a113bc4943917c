"""The base IRI a graph's instances are minted under (``kg build --base-iri URL``).

kg mints every instance IRI (agencies, reports, series, files, regions, change events, the
store's graph names) under :data:`DEFAULT`; its vocabulary (ontology, code lists, record
properties) stays under ``https://w3id.org/govinfo-kg/`` whatever the base. A portal that
publishes the graph under its own domain gives another base: the text that goes into a store
(N-Triples, SPARQL updates) and the text of the queries run on it have :data:`DEFAULT` swapped
for the store's base at that one point (:func:`rebase`), so extraction, the worker processes
and every IRI computed in Python stay as they are, and nothing is ever half in one base and
half in the other.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kg.errors import KgError
from kg.vocab import BASE, KGID, NOT_IN_IRI, PREFIXES

DEFAULT = str(KGID)


def check(url: str, shown: str = "--base-iri") -> str:
    """``url`` if it can be a base: an absolute http(s) IRI ending in ``/``, with a host, no query
    or fragment, no character an IRI may not hold, and outside kg's own namespace (kept for its
    vocabulary). Else a :class:`KgError` naming ``shown``."""
    if NOT_IN_IRI.search(url):
        raise KgError(shown, f"{url!r} holds a character an IRI may not (space, <, >, quotes, braces, |, ^, `, backslash)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KgError(shown, f"{url!r} is not an absolute http(s) IRI (e.g. https://data.example.gov.cn/)")
    if parts.query or parts.fragment or "#" in url or "?" in url:
        raise KgError(shown, f"{url!r} has a query or fragment; give a path ending in '/' (e.g. https://data.example.gov.cn/kg/)")
    if not url.endswith("/"):
        raise KgError(shown, f"{url!r} must end with '/' (instances are minted as BASE + agency/..., report/..., region/...)")
    if url != DEFAULT and (url.startswith(BASE) or BASE.startswith(url)):
        raise KgError(shown, f"{url!r} overlaps kg's own namespace {BASE}, kept for its vocabulary; give your own domain")
    # a vocabulary's terms must never read as instances (the store swaps the base back on reading)
    vocabulary = next((str(ns) for ns in PREFIXES.values() if str(ns).startswith(url) and not str(ns).startswith(DEFAULT)), None)
    if vocabulary is not None and url != DEFAULT:
        raise KgError(shown, f"{url!r} holds the vocabulary namespace {vocabulary}; give your own domain")
    return url


def check_url(url: str, shown: str) -> str:
    """``url`` if it is an absolute http(s) IRI (a --endpoint, a --dump); else a :class:`KgError` naming ``shown``."""
    parts = urlsplit(url)
    if NOT_IN_IRI.search(url) or parts.scheme not in ("http", "https") or not parts.netloc:
        raise KgError(shown, f"{url!r} is not an absolute http(s) IRI (no spaces, <, >, quotes or braces)")
    return url


def rebase(text: str, base: str) -> str:
    """SPARQL, N-Triples or Turtle text with the default instance namespace swapped for ``base``:
    in IRIs (``<https://w3id.org/govinfo-kg/id/...>``) and at the start of strings
    (``"https://w3id.org/govinfo-kg/id/report/file-"``, what a query compares an IRI's text with)."""
    if base == DEFAULT:
        return text
    return text.replace("<" + DEFAULT, "<" + base).replace('"' + DEFAULT, '"' + base)


def to_default(iri: str, base: str) -> str:
    """An IRI read from a store under ``base`` as kg computes it (under the default)."""
    return DEFAULT + iri[len(base):] if base != DEFAULT and iri.startswith(base) else iri


def from_default(iri: str, base: str) -> str:
    """An IRI kg computes (under the default) as a store under ``base`` holds it."""
    return base + iri[len(DEFAULT):] if base != DEFAULT and iri.startswith(DEFAULT) else iri


_REPORT = re.compile(r"^(.*?)report/(?:[0-9a-f]{16}/(?:\d{4}|file-[0-9a-f]{16})|file-[0-9a-f]{16})$")


def of_reports(iris: list[str]) -> str:
    """The base of a graph read from a file, from its reports' IRIs (``BASE report/…``); the
    default when there are none or they disagree."""
    found = {m.group(1) for m in map(_REPORT.match, iris) if m}
    return found.pop() if len(found) == 1 else DEFAULT


def pattern(text: str, base: str) -> str:
    """A regular expression written for the default namespace (a shape's ``sh:pattern``,
    ``^https://w3id\\.org/govinfo-kg/id/region/...``) rewritten for ``base``."""
    if base == DEFAULT:
        return text
    return text.replace(DEFAULT.replace(".", "\\."), re.escape(base))
