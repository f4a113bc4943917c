"""The ``kg`` command line: thin wrappers over the library, one command per task.

Exit codes: 0 success; 1 some input failed, or the graph has SHACL violations;
2 usage error, unreadable graph/query/shapes, an output that could not be written (left as it
was), a store or endpoint that cannot be used; 3 a bug in kg. Errors are one line,
``kg: FILE: problem``; no traceback reaches the user.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from kg.errors import KgError, one_line


class _Kg(typer.Typer):
    """The app, with a last line of defence: whatever escapes a command (an OSError not foreseen,
    memory running out, a bug) ends as one line and an exit code, never a traceback. (Click
    itself ends a command whose pipe was closed, ``kg extract | head``, quietly.)"""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except KgError as error:
            _err(str(error))
            raise SystemExit(2) from None
        except OSError as error:
            where = one_line(str(error.filename)) if error.filename else "output"
            _err(f"{where}: {error.strerror or error}")
            raise SystemExit(2) from None
        except (MemoryError, RecursionError) as error:
            _err(f"stopped: {type(error).__name__} (an input beyond kg's limits? see README, Limits and safety)")
            raise SystemExit(2) from None
        except Exception as error:  # noqa: BLE001 - a bug in kg: one line for the user, the traceback with KG_DEBUG=1
            if os.environ.get("KG_DEBUG"):
                raise
            _err(f"internal error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''} (KG_DEBUG=1 shows where; please report it)")
            raise SystemExit(3) from None


app = _Kg(
    help="Build, validate and query knowledge graphs of China's annual reports on government "
    "information disclosure (政府信息公开工作年度报告).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Paths = Annotated[list[Path], typer.Argument(help="Report files (.txt, .md) or directories, walked recursively.", show_default=False)]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Extract over this many worker processes (0: one per core).")]
Scheduler = Annotated[
    Optional[str],
    typer.Option("--scheduler", metavar="tcp://HOST:PORT", show_default=False,
                 help="Extract on a Dask distributed cluster instead (needs kg[dask]; workers must see the files at the same paths)."),
]


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _err(message: str) -> None:
    typer.echo(f"kg: {one_line(message)}", err=True)


def _writable(*outputs: Optional[Path]) -> None:
    """Exit 2 at once when an output can never be written (a folder, a file in the way)."""
    from kg.atomic import check_writable

    try:
        for output in outputs:
            if output is not None:
                check_writable(output)
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal (stderr); silent when output is redirected."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda _file: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.console import Console

    rate = TextColumn("{task.fields[rate]}")
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), rate, TimeRemainingColumn(), console=Console(stderr=True), transient=True
    ) as progress:
        task = progress.add_task(label, total=total, rate="")

        def advance(_file: str) -> None:
            progress.advance(task)
            speed = progress.tasks[0].speed
            progress.update(task, rate=f"{speed:.1f} reports/s" if speed else "")

        yield advance
        return


@contextmanager
def _workers(jobs: int, scheduler: Optional[str]) -> Iterator[tuple[int, object]]:
    """(number of workers, executor or None) for --jobs/--scheduler; an unreachable
    scheduler is a one-line error and exit 2."""
    from kg.limits import limits
    from kg.pipeline import dask_executor, default_jobs

    if scheduler is None:
        most = limits().jobs
        if jobs > most:
            _err(f"--jobs {jobs}: at most {most} worker processes (KG_MAX_JOBS raises the limit)")
            raise typer.Exit(2)
        yield min(jobs or default_jobs(), most), None
        return
    try:
        with dask_executor(scheduler) as (executor, workers):
            yield workers, executor
    except KgError as error:
        if error.path != scheduler:
            raise
        _err(str(error))
        raise typer.Exit(2)


def _inputs(paths: list[Path]):
    from kg.pipeline import find_inputs

    inputs = find_inputs(paths)
    if inputs.skipped:
        kinds = ", ".join(f"{n} {suffix}" for suffix, n in sorted(inputs.skipped.items()))
        typer.echo(f"skipped files of types kg does not read yet: {kinds}", err=True)
    return inputs


def _extract(paths: list[Path], label: str, jobs: int = 1, scheduler: Optional[str] = None):
    from kg.pipeline import extract_batch

    inputs = _inputs(paths)
    with _workers(jobs, scheduler) as (workers, executor), _progress(len(inputs.files), label) as advance:
        result = extract_batch(inputs.files, advance, workers, executor)
    result.failures = inputs.missing + result.failures
    return result


@app.command()
def extract(
    paths: Paths,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the JSON Lines here (atomically) instead of stdout.")] = None,
    jobs: Jobs = 1,
    scheduler: Scheduler = None,
) -> None:
    """Print one JSON record per report (JSON Lines): the keys of facts.md plus provenance.

    Each fact's provenance gives the sentence it came from, its character offsets in the
    source text and the rule that read it. Records come in input order and are written as
    they come, whatever --jobs, so memory does not grow with the corpus.

    Example: kg extract examples/ -o records.jsonl --jobs 2
    """
    from kg.atomic import atomic_open, standard_output
    from kg.pipeline import iter_extract

    _writable(output)
    inputs = _inputs(paths)
    failures, written = list(inputs.missing), 0
    try:
        with _stopped_by_kill() as received, _workers(jobs, scheduler) as (workers, executor), _progress(len(inputs.files), "extracting") as advance:
            with atomic_open(output) if output else standard_output() as out:
                for _file, outcome in iter_extract(inputs.files, workers, executor, advance):
                    if isinstance(outcome, KgError):
                        failures.append(outcome)
                    else:
                        out.write(json.dumps(outcome.to_record(), ensure_ascii=False) + "\n")
                        written += 1
    except KgError as error:  # the output could not be written: it is left as it was
        _report_failures_list(failures)
        _err(str(error))
        raise typer.Exit(2)
    except KeyboardInterrupt:
        _err("extraction interrupted" + (f"; {output} not written" if output else ""))
        raise typer.Exit(128 + (received[0] if received else signal.SIGINT)) from None
    _report_failures_list(failures)
    typer.echo(
        f"extracted {written} of {written + len(failures)} reports"
        + (f", {len(failures)} failed" if failures else "")
        + (f" -> {output}" if output else ""),
        err=True,
    )
    raise typer.Exit(1 if failures or not written else 0)


@app.command()
def build(
    paths: Paths,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Turtle file to write (atomically). [default: graph.ttl]", show_default=False)] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="Load into this store directory (created when new) instead of writing Turtle.", show_default=False)] = None,
    prune: Annotated[bool, typer.Option("--prune", help="With --store: remove stored reports whose files are gone.")] = False,
    jobs: Jobs = 1,
    scheduler: Scheduler = None,
) -> None:
    """Extract the reports, map them to RDF and write deterministic Turtle, or grow a store.

    The same inputs give a byte-identical file, so diffs of the graph mean something.

    With --store DIR the reports go into an embedded SPARQL store on disk (Oxigraph), one
    named graph per report. A re-run hashes each file and extracts only new or changed ones:
    unchanged reports are skipped, changed ones replaced, and --prune removes reports whose
    files are gone. Each report is written in one transaction, so a build killed half-way
    leaves the store as it was before that report. A file giving the same report (agency and
    year) as another stored file is a failure naming both; a byte-identical copy is skipped.
    kg query, validate, graph, export, serve and push then work on the store.

    --jobs N extracts over N processes and --scheduler over a Dask cluster; the output is
    the same as with --jobs 1.

    Example: kg build examples/ -o build/examples.ttl   (or: kg build reports/ --store build/store --prune)
    """
    from kg.rdf import build_graph, one_per_report, write_turtle

    if store is not None:
        if output is not None:
            _err("give -o FILE or --store DIR, not both")
            raise typer.Exit(2)
        _build_store(paths, store, prune, jobs, scheduler)
    if prune:
        _err("--prune needs --store DIR")
        raise typer.Exit(2)
    output = output or Path("graph.ttl")
    _writable(output)
    with _stopped_by_kill() as received:
        try:
            result = _extract(paths, "building", jobs, scheduler)
        except KeyboardInterrupt:
            _err(f"build interrupted; {output} not written")
            raise typer.Exit(128 + (received[0] if received else signal.SIGINT)) from None
    reports, conflicts, duplicates = one_per_report(result.reports)
    failures = result.failures + conflicts
    _report_failures_list(failures)
    if not reports:
        _err("no report could be read; nothing written")
        raise typer.Exit(1)
    graph = build_graph(reports)
    try:
        write_turtle(graph, output)
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    typer.echo(_summary(reports, len(graph), output) + (f"; {duplicates} duplicate files skipped" if duplicates else ""))
    if failures:
        typer.echo(f"{len(failures)} of {result.attempted} inputs failed (listed above)", err=True)
    raise typer.Exit(1 if failures else 0)


@contextmanager
def _stopped_by_kill() -> Iterator[list[int]]:
    """SIGTERM (``kill``) stops a build as Ctrl-C does: KeyboardInterrupt unwinds the build, so the
    worker pool is shut down (no orphaned workers) and the store is closed with whole reports.
    Yields the list the signal's number is appended to."""
    received: list[int] = []

    def interrupt(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield received
        return
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def _build_store(paths: list[Path], store_dir: Path, prune: bool, jobs: int = 1, scheduler: Optional[str] = None) -> None:
    """``kg build --store``: plan from file hashes, extract new and changed files, store each report.
    Interrupted (Ctrl-C or kill), it exits 130 or 143 with the reports stored so far whole."""
    with _stopped_by_kill() as received:
        try:
            _grow_store(paths, store_dir, prune, jobs, scheduler)
        except KeyboardInterrupt:
            _err(f"store {store_dir}: build interrupted; the reports stored before are whole, the others are not in it (run again to go on)")
            raise typer.Exit(128 + (received[0] if received else signal.SIGINT)) from None


def _grow_store(paths: list[Path], store_dir: Path, prune: bool, jobs: int, scheduler: Optional[str]) -> None:
    from kg.pipeline import find_inputs, iter_extract
    from kg.store import open_store, prepare

    inputs = find_inputs(paths)
    if inputs.skipped:
        kinds = ", ".join(f"{n} {suffix}" for suffix, n in sorted(inputs.skipped.items()))
        typer.echo(f"skipped files of types kg does not read yet: {kinds}", err=True)
    failures = list(inputs.missing)
    counts = {"added": 0, "replaced": 0, "duplicate": 0, "removed": 0}
    try:
        with open_store(store_dir, create=True) as db:
            db.refresh_ontology()
            plan = db.plan(inputs.files)
            if plan.remapped:
                typer.echo(f"{len(plan.remapped)} unchanged file(s) were mapped by another version of kg: mapping them again", err=True)
            # only a folder that was walked says a file is gone: a mistyped or unmounted input
            # path removes nothing
            gone = [entry for entry in plan.gone if inputs.covers(entry.path)]
            if prune:
                for entry in gone:
                    db.remove(entry)
                    counts["removed"] += 1
            with _workers(jobs, scheduler) as (workers, executor), _progress(len(plan.load), "storing") as advance:
                # reports are stored as they come, in input order: memory does not grow with the
                # corpus; the workers format each report's triples (prepare), this process writes
                with db.batch() as unstored:
                    for _file, report in iter_extract(plan.load, workers, executor, advance, then=prepare):
                        if isinstance(report, KgError):
                            failures.append(report)
                            continue
                        try:
                            counts[db.put_prepared(report)] += 1
                        except KgError as error:
                            if error.path == str(store_dir):
                                raise
                            failures.append(error)
                counts["added"] -= len(unstored)  # buffered, then refused by the store
                failures += unstored
            reports, triples = len(db.report_graphs()), db.triple_count()
    except KgError as error:
        _report_failures_list(failures)
        _err(str(error))
        raise typer.Exit(2)
    _report_failures_list(failures)
    duplicates = counts["duplicate"] + len(plan.duplicates)
    typer.echo(
        f"store {store_dir}: {counts['added']} added, {counts['replaced']} replaced, {len(plan.unchanged)} unchanged"
        + (f", {duplicates} duplicate files skipped" if duplicates else "")
        + (f", {counts['removed']} removed" if prune else "")
        + f"; {reports} reports, {triples} triples"
    )
    gone = len(gone) - counts["removed"]
    if gone:
        typer.echo(f"{gone} stored report(s) whose files are gone are kept (--prune removes them)", err=True)
    if failures:
        typer.echo(f"{len(failures)} of {len(inputs.files) + len(inputs.missing)} inputs failed (listed above)", err=True)
    raise typer.Exit(1 if failures else 0)


def _report_failures_list(failures) -> None:
    for failure in failures:
        _err(str(failure))


def _load_source(graph: Optional[Path], store: Optional[Path], what: str):
    """The rdflib graph of a Turtle file or of a store (its union, loaded into memory)."""
    if (graph is None) == (store is None):
        _err(f"give {what} or --store DIR (one of them)")
        raise typer.Exit(2)
    try:
        if store is not None:
            from kg.store import open_store

            with open_store(store, read_only=True) as db:
                return db.to_graph()
        from kg.graphio import load_graph

        return load_graph(graph)
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)


def _summary(reports, triples: int, output: Path) -> str:
    agencies = {r.agency.value for r in reports if r.agency}
    years = sorted({r.year.value for r in reports if r.year})
    figures = sum(len(r.stats) for r in reports)
    formats = {}
    for r in reports:
        key = r.format + (f"-{r.edition}" if r.edition else "")
        formats[key] = formats.get(key, 0) + 1
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "none")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(formats.items()))
    return (
        f"built {output}: {len(reports)} reports ({kinds}), {len(agencies)} agencies, years {span}, "
        f"{figures} figures, {triples} triples"
    )


@app.command()
def validate(
    graph: Annotated[Optional[Path], typer.Argument(help="A Turtle graph written by kg build.", show_default=False)] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="Validate a store instead (its reports, loaded into memory).", show_default=False)] = None,
) -> None:
    """Check a graph against kg's SHACL shapes; print each violation and warning as one line.

    Violations are graphs kg should never write. Warnings are the consistency checks of each
    report's own figures (表三's rows and columns add up, 本年新收 + 上年结转 = 办理结果总计 +
    结转下年度, 表四's blocks add up, the text agrees with the tables, 上年结转 matches last
    year's 结转下年度): one line names the report, the check and the figures. Warnings do not
    change the exit code: 0 when the graph conforms, 1 when it has violations, 2 when it
    cannot be read. `kg query failed-checks` lists the same failures as a table.
    With --store DIR the union of the store's reports, shared triples and series links is
    loaded into memory for pySHACL (as a Turtle file would be).

    Example: kg validate build/examples.ttl   (or: kg validate --store build/store)
    """
    from kg.validate import validate_graph

    data = _load_source(graph, store, "a graph file")
    graph = graph or store
    try:
        conforms, lines = validate_graph(data)
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    for line in lines:
        typer.echo(line)
    warnings = sum(1 for line in lines if line.startswith("warning"))
    checks = f" ({warnings} consistency warning{'s' if warnings != 1 else ''})" if warnings else ""
    if conforms:
        typer.echo(f"SHACL: {graph} conforms to kg's shapes{checks}")
        raise typer.Exit(0)
    typer.echo(f"SHACL: {graph} has {sum(1 for line in lines if line.startswith('violation'))} violation(s)", err=True)
    raise typer.Exit(1)


@app.command()
def query(
    name: Annotated[Optional[str], typer.Argument(help="A shipped query's name (see --list) or a .rq file.", show_default=False)] = None,
    graph: Annotated[Optional[Path], typer.Option("--graph", "-g", help="The Turtle graph to query.")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="Query this store instead (in Oxigraph, over all its graphs).", show_default=False)] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the shipped queries (and their parameters) and exit.")] = False,
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", metavar="NAME=VALUE",
                     help="Bind a parameter the query declares (see --list); repeat for several.", show_default=False)] = None,
) -> None:
    """Run a shipped cross-report query by name, or any SPARQL file, on a graph.

    With --store DIR the query runs in the store (Oxigraph) and prints the same rows.

    Example: kg query applications-per-year --graph build/examples.ttl --format csv

    Example: kg query figure-evidence --store kg-store -p metric_key=litigation_total -p year=2023
    """
    from kg.query import format_rows, list_queries, run_query

    if list_:
        for info in list_queries():
            typer.echo(f"{info.name:<34} {info.title}")
            for parameter, meaning in info.parameters:
                typer.echo(f"{'':<36}-p {parameter}=…  {meaning}")
        raise typer.Exit(0)
    if not name or (graph is None) == (store is None):
        _err("give a query name (or --list) and --graph FILE or --store DIR")
        raise typer.Exit(2)
    params = {}
    for given in param or []:
        key, sep, value = given.partition("=")
        if not sep or not key.strip():
            _err(f"--param {given!r}: give NAME=VALUE")
            raise typer.Exit(2)
        params[key.strip()] = value.strip()
    from kg.graphio import load_graph

    try:
        if store is not None:
            from kg.store import open_store

            with open_store(store, read_only=True) as db:
                columns, rows = db.query(name, params)
        else:
            columns, rows = run_query(name, load_graph(graph), params)
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    typer.echo(format_rows(columns, rows, fmt.value), nl=False)


@app.command("graph")
def graph_cmd(
    graph: Annotated[Optional[Path], typer.Argument(help="A Turtle graph written by kg build.", show_default=False)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="GraphML file to write.")] = Path("graph.graphml"),
    store: Annotated[Optional[Path], typer.Option("--store", help="Read a store instead of a Turtle file.", show_default=False)] = None,
    png: Annotated[Optional[Path], typer.Option("--png", help="Also draw the graph as a PNG picture.")] = None,
) -> None:
    """Turn the RDF into a networkx graph of agencies, reports, years, platforms and contacts.

    Writes GraphML (for Gephi, Cytoscape or networkx) and, with --png, a picture.

    Example: kg graph build/examples.ttl -o build/examples.graphml --png build/examples.png
    """
    from kg.netgraph import draw_png, to_networkx, write_graphml

    _writable(output, png)
    data = _load_source(graph, store, "a graph file")
    try:
        nx_graph = to_networkx(data)
        write_graphml(nx_graph, output)
        message = f"wrote {output}: {nx_graph.number_of_nodes()} nodes, {nx_graph.number_of_edges()} edges"
        if png:
            note = draw_png(nx_graph, png)
            message += f"; picture {png}" + (f" ({note})" if note else "")
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    typer.echo(message)


class ExportFormat(str, Enum):
    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"


StoreDir = Annotated[Path, typer.Option("--store", help="The store directory (written by kg build --store).")]


@app.command()
def export(
    store: StoreDir,
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (atomically).")],
    fmt: Annotated[Optional[ExportFormat], typer.Option("--format", "-f", help="Default: from the suffix (.ttl, .trig, .nq).", show_default=False)] = None,
) -> None:
    """Write a store's graph as Turtle, TriG or N-Quads, streaming from the store.

    Turtle holds the union (the triples a Turtle build has); TriG and N-Quads keep one named
    graph per report plus the shared and series-links graphs. The ontology is not written.

    Example: kg export --store build/store -o build/reports.trig
    """
    from kg.store import export_format, open_store

    _writable(output)
    try:
        chosen = export_format(output, fmt.value if fmt else None)
        with open_store(store, read_only=True) as db:
            db.export(output, chosen)
            reports = len(db.report_graphs())
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    typer.echo(f"wrote {output}: {reports} reports ({chosen})")


@app.command()
def serve(
    store: StoreDir,
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 7878,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (another than 127.0.0.1 opens the store to the network).")] = "127.0.0.1",
    writable: Annotated[bool, typer.Option("--writable", help="Accept SPARQL Update at /update and PUT, POST, DELETE at /store.")] = False,
    timeout: Annotated[Optional[float], typer.Option("--timeout", min=0.1, metavar="SECONDS", show_default=False,
                                                     help="Cut a query or update after this long (default: KG_QUERY_SECONDS, else 30).")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Queries answered at once (read-only; --writable has one).")] = 2,
) -> None:
    """Serve a store as a SPARQL 1.1 endpoint until stopped with Ctrl-C or SIGTERM.

    Queries go to http://HOST:PORT/query, with the union of the store's graphs as default
    graph (the rows kg query --store prints); the Graph Store Protocol is at /store. Read-only
    unless --writable (then SPARQL Update at /update, writes at /store). Refused: requests from
    another web page (Origin), SERVICE and LOAD (the server fetches no URL), bodies over
    1 MB (queries) or 16 MB (writes); a query past --timeout is cut. No kg build can run on
    the store while it is served.

    Example: kg serve --store build/store --port 7878
    """
    from kg.limits import limits
    from kg.server import serve as run_server

    seconds = timeout or limits().query_seconds

    def ready(url: str) -> None:
        mode = "read-write (--writable)" if writable else "read-only"
        typer.echo(f"serving {store} at {url}/query (SPARQL) and {url}/store (Graph Store Protocol); {mode}; "
                   f"queries cut at {seconds:g} s; Ctrl-C stops", err=True)

    try:
        run_server(store, host=host, port=port, writable=writable, seconds=seconds, workers=workers, on_ready=ready)
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)


@app.command()
def push(
    store: StoreDir,
    endpoint: Annotated[str, typer.Option("--endpoint", help="The Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store).")],
    deadline: Annotated[float, typer.Option("--deadline", min=0.001, metavar="SECONDS", help="Stop the push after this long.")] = 3600.0,
    graph_deadline: Annotated[float, typer.Option("--graph-deadline", min=0.001, metavar="SECONDS",
                                                  help="Stop the push when one graph's PUT takes longer.")] = 600.0,
) -> None:
    """Send every named graph of a store to a SPARQL 1.1 Graph Store Protocol endpoint.

    Each graph (one per report, the shared triples, the series links and the ontology) is
    PUT as N-Triples to ENDPOINT?graph=IRI, replacing that graph on the endpoint (Oxigraph,
    Fuseki, Virtuoso, GraphDB). A refused graph is named and the push goes on (exit 1); an
    endpoint that cannot be reached, refuses the credentials or passes a deadline stops it
    (exit 2), and a re-run sends every graph again.

    Credentials (HTTP Basic) come from the URL (http://USER:PASSWORD@HOST/...), else from
    KG_PUSH_USER and KG_PUSH_PASSWORD, else from the endpoint host's entry in ~/.netrc (or the
    file $NETRC names); no message shows them. Prefer netrc or the environment: other users
    can see a command line.

    Example: kg push --store build/store --endpoint http://127.0.0.1:7878/store
    """
    from kg.endpoint import public_url
    from kg.endpoint import push as push_graphs
    from kg.store import open_store

    try:
        with open_store(store, read_only=True) as db:
            with _progress(len(db.all_graphs()), "pushing") as advance:
                sent, failures = push_graphs(db, endpoint, advance, deadline, graph_deadline)
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    _report_failures_list(failures)
    typer.echo(f"pushed {sent} graphs to {public_url(endpoint)}" + (f", {len(failures)} refused (listed above)" if failures else ""))
    raise typer.Exit(1 if failures else 0)


@app.command()
def explain(
    path: Annotated[Path, typer.Argument(help="One report file.")],
) -> None:
    """Show why: each fact of one report with its sentence, offsets and the rule that read it.

    Example: kg explain examples/001_290b4abaa96ad801.txt
    """
    from kg.extract import extract_file

    try:
        record = extract_file(path).to_record()
    except KgError as error:
        _err(str(error))
        raise typer.Exit(1)
    typer.echo(f"{record['source']}: {record['title'] or '(no title)'} ({record['format']})")
    for key, ev in record["provenance"].items():
        value = _lookup(record, key)
        sentence = ev["sentence"].replace("\n", " ")
        if len(sentence) > 90:
            sentence = sentence[:87] + "..."
        typer.echo(f"  {key} = {value!r}  [{ev['rule']}] @{ev['value_start']}-{ev['value_end']}\n      “{sentence}”")


def _lookup(record: dict, key: str):
    value = record
    for part in key.replace("]", "").replace("[", ".").split("."):
        value = value[int(part)] if part.isdigit() else value[part]
    return value["value"] if isinstance(value, dict) and "value" in value else value


def main() -> None:  # pragma: no cover - console entry point
    app()
