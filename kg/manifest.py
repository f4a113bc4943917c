"""A store's manifest and a build's plan: which files to extract, skip or prune, decided from hashes.

Each stored report's ``dcat:Distribution`` names its file (absolute path) and the sha256 of its
bytes, and the report records the ``kg:mappedBy`` of the kg that made its triples. A re-run
hashes each file and extracts only new or changed ones, and unchanged ones another kg mapped.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import printable


@dataclass(frozen=True)
class Entry:
    """What the store knows of one stored report: its graph, source file and the file's hash."""

    graph: str
    path: str
    sha256: str
    mapped_by: str | None = None  # the kg:mappedBy of its triples (None: mapped before kg recorded it)


@dataclass
class Plan:
    """What a build has to do, decided from file hashes before anything is extracted."""

    load: list[str] = field(default_factory=list)  # new or changed files (absolute paths), and those of `remapped`
    remapped: list[str] = field(default_factory=list)  # unchanged files whose reports another kg mapped
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, stored file with the same bytes)
    gone: list[Entry] = field(default_factory=list)  # stored reports whose file no longer exists
    seen: set[str] = field(default_factory=set)  # the files planned, as reports record their paths
    real: dict[str, str] = field(default_factory=dict)  # each unchanged file's path on disk, by its path as recorded

    def exists(self, path: str) -> bool:
        """Whether a stored report's file exists: planned in this run (a name kg shows escaped
        cannot be looked up on disk), or found on disk."""
        return path in self.seen or os.path.exists(path)


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes: the same hash kg.readers records as dcterms:identifier."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def plan(entries: dict[str, Entry], files: Iterable[str | Path], mapping: str) -> Plan:
    """Hash each file and compare with the stored ``entries`` (by path): what to extract, skip, or
    prune. ``mapping`` is this kg's mapping id: reports another one mapped are mapped again."""
    by_sha: dict[str, Entry] = {}
    for entry in entries.values():
        by_sha.setdefault(entry.sha256, entry)
    result = Plan()
    for given in files:
        real = os.path.abspath(given)
        path = printable(real)  # as the file's report records it
        result.seen.add(path)
        try:
            sha = file_sha256(real)
        except OSError:
            result.load.append(real)  # extraction names the problem
            continue
        stored = entries.get(path)
        twin = by_sha.get(sha)
        if stored is not None and stored.sha256 == sha:
            if stored.mapped_by == mapping:
                result.unchanged.append(path)
                result.real[path] = real
            else:  # another kg made its triples: map it again with this one
                result.load.append(real)
                result.remapped.append(path)
        elif twin is not None and twin.path != path and result.exists(twin.path):
            result.duplicates.append((path, twin.path))
        else:
            result.load.append(real)
    result.gone = [e for e in entries.values() if not result.exists(e.path)]
    return result


def remap_all(plan: Plan) -> None:
    """Map every unchanged file again (the configuration that shapes its triples changed, e.g.
    the agencies file): unchanged files join ``load`` as ``remapped``."""
    plan.load += [plan.real.get(path, path) for path in plan.unchanged]
    plan.remapped += plan.unchanged
    plan.unchanged = []
