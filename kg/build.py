"""Building a graph from report files: grow a store, or write a Turtle file (or the records as JSON Lines).

Both extract the files (over worker processes or a Dask cluster), write each report through
one :class:`kg.writer.ReportWriter` as it comes, in input order (memory does not grow with the
corpus), and keep going past bad files: each failure is a :class:`KgError` in the result. An
error that stops the build (the store or the output cannot be written) is raised.
"""

from __future__ import annotations

import json
from functools import partial
from itertools import count
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.agencies import Directory, applied, begin, finish, then as prepare_with
from kg.base import DEFAULT
from kg.errors import InputError, KgError, printable
from kg.pipeline import Inputs, find_inputs, iter_extract, start_server, workers
from kg.manifest import remap_all
from kg.writer import About, ReportWriter, in_memory, ntriples, write_turtle

Progress = Callable[[int, int], None]  # (files done, files to do)


@dataclass
class BuildResult:
    """What a build did. ``failures`` are the inputs left out, each naming its file."""

    target: str  # the store directory or the Turtle file
    inputs: int = 0  # files found and paths that could not be read
    skipped: dict[str, int] = field(default_factory=dict)  # files of types kg does not read, by suffix
    failures: list[KgError] = field(default_factory=list)
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0  # files skipped as byte-identical copies of another
    remapped: int = 0  # unchanged files mapped again (another kg, or another agencies file, mapped them)
    agencies_changed: bool = False  # the store was built with another agencies file (or none)
    removed: int = 0
    gone: int = 0  # stored reports whose files are gone, kept (no prune)
    reports: int = 0  # reports in the store or the file
    triples: int = 0
    written: dict[str, About] = field(default_factory=dict)  # by file, the reports this build wrote


def grow_store(
    paths: Iterable[str | Path],
    store: str | Path,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    prune: bool = False,
    on_progress: Progress | None = None,
    agencies: Directory | None = None,
    base: str | None = None,
) -> BuildResult:
    """Bring the store in ``store`` (created when new) up to date with the report files in ``paths``.

    Files are hashed first: unchanged ones are skipped, new and changed ones extracted and
    written (a changed one replaces its report), and with ``prune`` the reports of files gone
    from a folder that was walked are removed (a mistyped or unmounted path removes nothing).
    ``agencies`` (:func:`kg.agencies.load`) is applied to each report; an agencies file other
    than the one the store was built with (or none, after one) re-maps every report.

    Instances are minted under ``base`` (:mod:`kg.base`; None: the one the store records, else
    the default); a store keeps the base it was built with (another is a StoreError). The
    statistics of :mod:`kg.catalog` are computed again when the build changed the store (and
    cleared before it changes anything, so that a build cut short leaves none that are wrong).
    """
    from kg.catalog import has_statistics, kept_properties, statistics
    from kg.store_open import open_store

    inputs = find_inputs(paths)
    result = _result(str(store), inputs)
    if jobs != 1 and scheduler is None:
        start_server()  # imports the extraction while the store is read and the files hashed
    with open_store(store, create=True) as writer:
        writer.adopt_base(base)
        writer.refresh_ontology()
        plan = writer.plan(inputs.files)
        if begin(writer, agencies):  # another agencies file: every report is mapped again
            remap_all(plan)
            result.agencies_changed = True
        result.remapped, result.unchanged, result.duplicates = len(plan.remapped), len(plan.unchanged), len(plan.duplicates)
        gone = [entry for entry in plan.gone if inputs.covers(entry.path)]
        changing = bool(plan.load or (prune and gone) or result.agencies_changed)
        # the properties the store may use: those counted before and those of the reports written now
        kept = set() if not writer.entries() else kept_properties(writer)
        if changing:
            writer.put_statistics("")
        for entry in gone if prune else ():
            writer.remove(entry)
            result.removed += 1
        result.gone = len(gone) - result.removed
        _write(writer, plan.load, result, jobs, scheduler, on_progress, agencies)
        finish(writer, agencies)
        result.reports, result.triples = len(writer.entries()), writer.triple_count()
        if changing or not has_statistics(writer):
            properties = None if kept is None else kept | writer.predicates
            writer.put_statistics(ntriples(statistics(writer, result.triples, properties)))
    return result


def compact_store(store: str | Path) -> tuple[int, int]:
    """Compact the store in ``store`` (:meth:`kg.store.ReportStore.compact`); its size on disk
    before and after, in bytes."""
    from kg.store_open import open_store

    with open_store(store) as db:
        before = _size(Path(store))
        db.compact()
    return before, _size(Path(store))


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file())


def build_turtle(
    paths: Iterable[str | Path],
    output: str | Path,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    on_progress: Progress | None = None,
    agencies: Directory | None = None,
    base: str | None = None,
) -> BuildResult:
    """Write the reports in ``paths`` to ``output`` as deterministic Turtle (atomically): the same
    inputs give a byte-identical file. Nothing is written when no report could be read.
    ``agencies`` (:func:`kg.agencies.load`) is applied to each report, and its triples added.
    Instances are minted under ``base`` (:mod:`kg.base`; None: the default)."""
    from kg.export import to_graph

    inputs = find_inputs(paths)
    result = _result(str(output), inputs)
    writer = in_memory(base or DEFAULT)
    writer.expect(printable(file) for file in inputs.files)
    _write(writer, inputs.files, result, jobs, scheduler, on_progress, agencies)
    if result.written:
        finish(writer, agencies)
        graph = to_graph(writer)
        write_turtle(graph, output)
        result.reports, result.triples = len(result.written), len(graph)
    return result


def _result(target: str, inputs: Inputs) -> BuildResult:
    return BuildResult(target, len(inputs.files) + len(inputs.missing), inputs.skipped, list(inputs.missing))


def extract_records(
    paths: Iterable[str | Path],
    output: str | Path | None,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    on_progress: Progress | None = None,
    agencies: Directory | None = None,
) -> BuildResult:
    """Write one JSON record per report (JSON Lines, :meth:`ReportFacts.to_record`) to ``output``
    atomically, or to standard output; ``reports`` counts them. Records come in input order and
    are written as they come; ``agencies`` is applied to each (:func:`kg.agencies.apply`)."""
    from kg.atomic import atomic_open, standard_output

    inputs = find_inputs(paths)
    result = _result(str(output or "-"), inputs)
    with workers(jobs, scheduler) as (count, executor), atomic_open(output) if output else standard_output() as out:
        then = None if agencies is None else partial(applied, agencies)
        for _file, facts in iter_extract(inputs.files, count, executor, _counter(on_progress, len(inputs.files)), then=then):
            if isinstance(facts, KgError):
                result.failures.append(facts)
            else:
                out.write(json.dumps(facts.to_record(), ensure_ascii=False) + "\n")
                result.reports += 1
    return result


def _counter(on_progress: Progress | None, total: int) -> Callable[[str], None] | None:
    if on_progress is None:
        return None
    done = count(1)
    return lambda _file: on_progress(next(done), total)


def _write(
    writer: ReportWriter, files: list[str], result: BuildResult, jobs: int, scheduler: str | None, on_progress: Progress | None,
    agencies: Directory | None = None,
) -> None:
    """Extract ``files`` and write each report as it comes (the workers apply the agencies file and format its triples)."""
    then = prepare_with(agencies)
    outcomes: dict[str, str] = {}  # by file: added or replaced (a buffered report the store then refuses is neither)
    with workers(jobs, scheduler) as (count, executor), writer.batch() as unstored:
        for _file, report in iter_extract(files, count, executor, _counter(on_progress, len(files)), then=then):
            if isinstance(report, KgError):
                result.failures.append(report)
                continue
            try:
                outcome = writer.put_prepared(report)
            except InputError as error:  # this report's: a conflict, data the store refuses
                result.failures.append(error)
                continue
            if outcome == "duplicate":
                result.duplicates += 1
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.written[report.source] = report.about
            outcomes[report.source] = outcome
    for refused in unstored:  # buffered, then refused by the store
        counted = outcomes.get(refused.path or "")
        if counted is not None:
            setattr(result, counted, getattr(result, counted) - 1)
        result.written.pop(refused.path, None)
    result.failures += unstored
