"""What ``kg push`` has sent where: a journal, so that a push sends only the graphs that changed.

The journal is a file of JSON lines, ``{"endpoint": URL, "graph": IRI, "sha256": HEX}``: the
endpoint (its public URL, no credentials) holds that graph as the N-Triples body whose sha256
is HEX; ``"sha256": null`` says the push deleted it. The last line of a graph counts.

A push appends a line as each graph is answered, one ``write`` of one line to a file opened
for appending, so a push stopped at any point (its deadline, the endpoint gone, Ctrl-C,
``kill -9``) leaves the graphs it sent recorded, and the next push sends the rest. A line
that does not read (cut by a crash, or edited) is ignored: its graph is sent again, which a
PUT makes harmless. Each push first rewrites the journal with one line per graph it knows
(atomically), so the file grows by one push's lines at most.

Why a hash of the body (:func:`fingerprint`) and not the report's file hash the store already
has: a report's triples also change with the agencies file, the mapping or the base IRI while
its file does not, and the shared, series-links, void and ontology graphs have no file. Hashing
costs a serialisation of every graph, a fraction of what sending it costs (docs/push.md).

Two pushes of one store to one endpoint at once may lose each other's lines: those graphs are
sent again by the next push, never skipped wrongly.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from kg.atomic import OutputError, atomic_open, check_writable


class Journal:
    """The graphs ``endpoint`` holds as far as the journal at ``path`` knows: ``sent``, graph -> sha256."""

    def __init__(self, path: str | Path, endpoint: str):
        self.path = Path(path)
        self.endpoint = endpoint
        self.sent: dict[str, str] = {}
        self._kept: dict[tuple[str, str], str] = {}  # (endpoint, graph) -> sha256, other endpoints'
        self._fd: int | None = None

    def __enter__(self) -> Journal:
        check_writable(self.path)
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().split("\n")  # not splitlines: an IRI may hold U+2028, which it splits at
        except FileNotFoundError:
            lines = []
        except OSError as error:
            raise OutputError(str(self.path), f"cannot read the push journal: {error.strerror or error}") from None
        for line in lines:
            try:
                entry = json.loads(line)
                key, digest = (entry["endpoint"], entry["graph"]), entry["sha256"]
            except (ValueError, TypeError, KeyError):
                continue
            if not (isinstance(key[0], str) and isinstance(key[1], str)):
                continue
            if isinstance(digest, str):
                self._kept[key] = digest
            else:
                self._kept.pop(key, None)
        self.sent = {graph: digest for (url, graph), digest in self._kept.items() if url == self.endpoint}
        self._kept = {key: digest for key, digest in self._kept.items() if key[0] != self.endpoint}
        with atomic_open(self.path) as handle:
            for (url, graph), digest in self._kept.items():
                handle.write(_line(url, graph, digest))
            for graph, digest in self.sent.items():
                handle.write(_line(self.endpoint, graph, digest))
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        except OSError as error:
            raise OutputError(str(self.path), f"cannot write the push journal: {error.strerror or error}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def record(self, graph: str, digest: str | None) -> None:
        """The endpoint now holds ``graph`` as the body hashed ``digest`` (None: it was deleted)."""
        assert self._fd is not None
        try:
            os.write(self._fd, _line(self.endpoint, graph, digest).encode("utf-8"))
        except OSError as error:
            raise OutputError(str(self.path), f"cannot write the push journal: {error.strerror or error}") from None
        if digest is None:
            self.sent.pop(graph, None)
        else:
            self.sent[graph] = digest


def _line(endpoint: str, graph: str, digest: str | None) -> str:
    return json.dumps({"endpoint": endpoint, "graph": graph, "sha256": digest}, ensure_ascii=False) + "\n"


def fingerprint(body: bytes) -> str:
    """The sha256 of an N-Triples graph, the same for the same triples in any order and, for a
    graph with blank nodes, under any blank node labels: every build writes the ontology again
    with new ones (canonical labels from rdflib, 0.1 s for the ontology; report graphs have none)."""
    if b"_:" in body:
        from rdflib import Graph
        from rdflib.compare import to_canonical_graph

        body = to_canonical_graph(Graph().parse(data=body, format="nt")).serialize(format="nt", encoding="utf-8")
    return hashlib.sha256(b"".join(sorted(line for line in body.splitlines(keepends=True) if line.strip()))).hexdigest()
