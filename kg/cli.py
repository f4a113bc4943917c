"""The ``kg`` command line: each command parses its options, calls the library and prints.

Exit codes (one table, :data:`EXIT_CODES`): 0 success; 1 some input failed, or the graph has
SHACL violations; 2 usage error, unreadable graph/query/shapes, an output that could not be
written (left as it was), a store or endpoint that cannot be used; 3 a bug in kg; 128 + the
signal's number when stopped by Ctrl-C or kill. Errors are one line, ``kg: FILE: problem``; no
traceback reaches the user (KG_DEBUG=1 shows a bug's).
"""

from __future__ import annotations

import inspect
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator, NoReturn, Optional

import typer
from typer.core import TyperGroup

from kg.errors import InputError, KgError, one_line
from kg.readers import MEDIA_TYPES

# What an error that ends a command exits with: the first class it is an instance of. Anything
# else is a bug in kg (3).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, 1),  # an input that cannot be read as a report
    (KgError, 2),  # usage, graph/query/shapes files, outputs, stores, endpoints
    (OSError, 2),  # one not foreseen
    (MemoryError, 2),
    (RecursionError, 2),
)


# the command line's own exceptions (exit, abort, usage error): Click ends a command with them
_OWN = (typer.Exit, typer.Abort, *typer.BadParameter.__mro__[1:3])


def exit_code(error: BaseException) -> int:
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), 3)


def _message(error: BaseException) -> str:
    if isinstance(error, KgError):
        return str(error)
    if isinstance(error, OSError):
        return f"{one_line(str(error.filename)) if error.filename else 'output'}: {error.strerror or error}"
    if isinstance(error, (MemoryError, RecursionError)):
        return f"stopped: {type(error).__name__} (an input beyond kg's limits? see README, Limits and safety)"
    first = str(error).splitlines()[0] if str(error) else ""
    return f"internal error: {type(error).__name__}: {first} (KG_DEBUG=1 shows where; please report it)"


def _reflow(help_text: str) -> str:
    """A docstring's paragraphs as single lines, so the terminal wraps them (the help renderer keeps
    every line break of the source); an ``Example:`` line stays a line of its own."""
    paragraphs = []
    for paragraph in inspect.cleandoc(help_text).split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not line.startswith("Example:"):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


class _Commands(TyperGroup):
    """kg's commands: whatever escapes one ends as one line and its exit code (:data:`EXIT_CODES`),
    never a traceback. (Click itself ends a command whose pipe was closed, ``kg extract | head``,
    quietly.)"""

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None and command.help:
            command.help = _reflow(command.help)
        return command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except _OWN:
            raise
        except Exception as error:  # noqa: BLE001 - the one place errors become exit codes
            code = exit_code(error)
            if code == 3 and os.environ.get("KG_DEBUG"):
                raise
            _err(_message(error))
            raise typer.Exit(code) from None


app = typer.Typer(
    cls=_Commands,
    help="Build, validate and query knowledge graphs of China's annual reports on government "
    "information disclosure (政府信息公开工作年度报告).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"kg {version('kg')}")
        except PackageNotFoundError:
            typer.echo("kg (not installed: no version)")
        raise typer.Exit(0)


@app.callback()
def _main(
    _show_version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print kg's version and exit.")] = False,
) -> None:
    pass


Paths = Annotated[list[Path], typer.Argument(
    help=f"Report files ({' '.join(MEDIA_TYPES)}) or directories, walked recursively.", show_default=False)]
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


def _usage(message: str) -> NoReturn:
    _err(message)
    raise typer.Exit(2)


def _writable(*outputs: Optional[Path]) -> None:
    """Refuse at once an output that can never be written (a folder, a file in the way)."""
    from kg.atomic import check_writable

    for output in outputs:
        if output is not None:
            check_writable(output)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on a terminal (stderr), fed (done, total); silent when output is redirected."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    rate = TextColumn("{task.fields[rate]}")
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), rate, TimeRemainingColumn(), console=Console(stderr=True), transient=True
    ) as progress:
        tasks: list[TaskID] = []

        def show(done: int, total: int) -> None:
            if total < 2:
                return
            if not tasks:
                tasks.append(progress.add_task(label, total=total, rate=""))
            speed = progress.tasks[0].speed
            progress.update(tasks[0], completed=done, rate=f"{speed:.1f} reports/s" if speed else "")

        yield show


@contextmanager
def _stopped_by_kill(message: str) -> Iterator[None]:
    """SIGTERM (``kill``) stops a command as Ctrl-C does: KeyboardInterrupt unwinds it, so the
    worker pool is shut down (no orphaned workers) and a store is closed with whole reports; then
    ``message`` and exit 128 + the signal's number."""
    received: list[int] = []

    def interrupt(signum, _frame):
        received.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        yield
    except KeyboardInterrupt:
        _err(message)
        raise typer.Exit(128 + (received[0] if received else signal.SIGINT)) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _failed(failures: list[KgError], skipped: dict[str, int]) -> None:
    if skipped:
        kinds = ", ".join(f"{n} {suffix}" for suffix, n in sorted(skipped.items()))
        typer.echo(f"skipped files of types kg does not read yet: {kinds}", err=True)
    for failure in failures:
        _err(str(failure))


@app.command()
def extract(
    paths: Paths,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the JSON Lines here (atomically) instead of stdout.")] = None,
    agencies: Annotated[Optional[Path], typer.Option("--agencies", metavar="FILE", show_default=False,
                        help="Apply an agencies file (docs/agencies.md): regions it gives, agency ids recomputed.")] = None,
    jobs: Jobs = 1,
    scheduler: Scheduler = None,
) -> None:
    """Print one JSON record per report (JSON Lines): the keys of facts.md plus provenance.

    Each fact's provenance gives the sentence it came from, its character offsets in the
    source text and the rule that read it. Records come in input order and are written as
    they come, whatever --jobs, so memory does not grow with the corpus.

    Example: kg extract examples/ -o records.jsonl --jobs 2
    """
    from kg.agencies import load as load_agencies
    from kg.build import extract_records

    directory = load_agencies(agencies) if agencies is not None else None
    _writable(output)
    with _stopped_by_kill("extraction interrupted" + (f"; {output} not written" if output else "")), _progress("extracting") as show:
        result = extract_records(paths, output, jobs=jobs, scheduler=scheduler, on_progress=show, agencies=directory)
    _failed(result.failures, result.skipped)
    failed = f", {len(result.failures)} failed" if result.failures else ""
    typer.echo(f"extracted {result.reports} of {result.reports + len(result.failures)} reports{failed}" + (f" -> {output}" if output else ""), err=True)
    raise typer.Exit(1 if result.failures or not result.reports else 0)


@app.command()
def build(
    paths: Paths,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Turtle file to write (atomically). [default: graph.ttl]", show_default=False)] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="Load into this store directory (created when new) instead of writing Turtle.", show_default=False)] = None,
    prune: Annotated[bool, typer.Option("--prune", help="With --store: remove stored reports whose files are gone.")] = False,
    compact: Annotated[bool, typer.Option("--compact", help="With --store: compact the store after writing (smaller, faster "
                                          "to query; minutes on a large store).")] = False,
    agencies: Annotated[Optional[Path], typer.Option("--agencies", metavar="FILE", show_default=False,
                        help="An agencies file (.csv or .toml, docs/agencies.md): regions, parents, renames and mergers.")] = None,
    base_iri: Annotated[Optional[str], typer.Option("--base-iri", metavar="URL", show_default=False,
                        help="Mint instance IRIs under this base (absolute http(s), ending in '/') instead of "
                             "https://w3id.org/govinfo-kg/id/; a store keeps the base it was built with.")] = None,
    jobs: Jobs = 1,
    scheduler: Scheduler = None,
) -> None:
    """Extract the reports, map them to RDF and write deterministic Turtle, or grow a store.

    The same inputs give a byte-identical file, so diffs of the graph mean something.

    With --store DIR the reports go into an embedded SPARQL store on disk (Oxigraph), one
    named graph per report. A re-run hashes each file and extracts only new or changed ones:
    unchanged reports are skipped, changed ones replaced, and --prune removes reports whose
    files are gone. A report is never half written: a build killed half-way leaves the
    reports it wrote whole (the next build removes what a cut bulk load left) and each
    changed one old or new. A file giving the same report (agency and
    year) as another stored file is a failure naming both; a byte-identical copy is skipped.
    kg query, validate, graph, export, serve and push then work on the store.

    --jobs N extracts over N processes and --scheduler over a Dask cluster; the output is
    the same as with --jobs 1.

    --agencies FILE says what the reports cannot: an agency's region, its parent body, the
    agency it was renamed from or merged into (docs/agencies.md). A bad file stops the build
    before anything is written; in a store, another file (or none after one) maps every
    report again.

    --compact rewrites the store's tables as one compacted set after a build: worth it after
    large builds (at 100,000 reports 29 % smaller and faster to query, in 8 minutes).

    --base-iri URL mints every instance IRI (agencies, reports, regions, the store's graph
    names) under URL, e.g. https://data.example.gov.cn/agency/…, for a portal that publishes the
    graph under its own domain; the vocabulary keeps its IRIs. A store remembers its base: a
    re-run without --base-iri keeps it, another base is refused (build a new store for it).

    Example: kg build examples/ -o build/examples.ttl   (or: kg build reports/ --store build/store --prune)
    """
    from kg.agencies import load as load_agencies
    from kg.base import check as check_base
    from kg.build import build_turtle, compact_store, grow_store

    if store is not None and output is not None:
        _usage("give -o FILE or --store DIR, not both")
    if base_iri is not None:
        try:
            check_base(base_iri)
        except KgError as error:
            _usage(str(error))
    if prune and store is None:
        _usage("--prune needs --store DIR")
    if compact and store is None:
        _usage("--compact needs --store DIR")
    directory = load_agencies(agencies) if agencies is not None else None
    if store is not None:
        stopped = f"store {store}: build interrupted; the reports stored before are whole, the others are not in it (run again to go on)"
        with _stopped_by_kill(stopped), _progress("storing") as show:
            result = grow_store(paths, store, jobs=jobs, scheduler=scheduler, prune=prune, on_progress=show, agencies=directory,
                                base=base_iri)
        _failed(result.failures, result.skipped)
        if result.agencies_changed and result.remapped:
            typer.echo(f"the agencies file is not the one the store was built with: mapping {result.remapped} unchanged file(s) again", err=True)
        elif result.remapped:
            typer.echo(f"{result.remapped} unchanged file(s) were mapped by another version of kg: mapping them again", err=True)
        typer.echo(
            f"store {store}: {result.added} added, {result.replaced} replaced, {result.unchanged} unchanged"
            + (f", {result.duplicates} duplicate files skipped" if result.duplicates else "")
            + (f", {result.removed} removed" if prune else "")
            + f"; {result.reports} reports, {result.triples} triples"
        )
        if result.gone:
            typer.echo(f"{result.gone} stored report(s) whose files are gone are kept (--prune removes them)", err=True)
        if compact:
            typer.echo(f"store {store}: compacting (minutes on a large store)", err=True)
            with _stopped_by_kill(f"store {store}: compaction interrupted; the store is whole, not all of it compacted (run again with --compact)"):
                before, after = compact_store(store)
            typer.echo(f"store {store}: compacted, {before / 2**20:.1f} MiB -> {after / 2**20:.1f} MiB")
    else:
        output = output or Path("graph.ttl")
        _writable(output)
        with _stopped_by_kill(f"build interrupted; {output} not written"), _progress("building") as show:
            result = build_turtle(paths, output, jobs=jobs, scheduler=scheduler, on_progress=show, agencies=directory,
                                  base=base_iri)
        _failed(result.failures, result.skipped)
        if not result.reports:
            _err("no report could be read; nothing written")
            raise typer.Exit(1)
        typer.echo(_summary(result) + (f"; {result.duplicates} duplicate files skipped" if result.duplicates else ""))
    if result.failures:
        typer.echo(f"{len(result.failures)} of {result.inputs} inputs failed (listed above)", err=True)
    raise typer.Exit(1 if result.failures else 0)


def _summary(result) -> str:
    reports = list(result.written.values())
    agencies = {r.agency for r in reports if r.agency}
    years = sorted({r.year for r in reports if r.year})
    formats = Counter(r.kind for r in reports)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "none")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(formats.items()))
    return (
        f"built {result.target}: {len(reports)} reports ({kinds}), {len(agencies)} agencies, years {span}, "
        f"{sum(r.figures for r in reports)} figures, {result.triples} triples"
    )


def _source(graph: Optional[Path], store: Optional[Path], usage: str) -> tuple[Path, bool]:
    """The graph file or the store directory, whichever is given (exactly one), and whether it is the store."""
    if graph is not None and store is None:
        return graph, False
    if store is not None and graph is None:
        return store, True
    _usage(usage)


def _load_source(graph: Optional[Path], store: Optional[Path], what: str):
    """The rdflib graph of a Turtle file or of a store (its union, loaded into memory)."""
    path, in_store = _source(graph, store, f"give {what} or --store DIR (one of them)")
    if in_store:
        from kg.export import to_graph
        from kg.store_open import open_store

        with open_store(path, read_only=True) as db:
            return to_graph(db)
    from kg.graphio import load_graph

    return load_graph(path)


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

    conforms, lines = validate_graph(_load_source(graph, store, "a graph file"))
    for line in lines:
        typer.echo(line)
    warnings = sum(1 for line in lines if line.startswith("warning"))
    checks = f" ({warnings} consistency warning{'s' if warnings != 1 else ''})" if warnings else ""
    if conforms:
        typer.echo(f"SHACL: {graph or store} conforms to kg's shapes{checks}")
        raise typer.Exit(0)
    typer.echo(f"SHACL: {graph or store} has {sum(1 for line in lines if line.startswith('violation'))} violation(s)", err=True)
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
    usage = "give a query name (or --list) and --graph FILE or --store DIR"
    if not name:
        _usage(usage)
    path, in_store = _source(graph, store, usage)
    params = {}
    for given in param or []:
        key, sep, value = given.partition("=")
        if not sep or not key.strip():
            _usage(f"--param {given!r}: give NAME=VALUE")
        params[key.strip()] = value.strip()
    if in_store:
        from kg.store_open import open_store

        with open_store(path, read_only=True) as db:
            columns, rows = db.query(name, params)
    else:
        from kg.graphio import load_graph

        columns, rows = run_query(name, load_graph(path), params)
    typer.echo(format_rows(columns, rows, fmt.value), nl=False)


@app.command()
def agencies(
    graph: Annotated[Optional[Path], typer.Argument(help="A Turtle graph written by kg build.", show_default=False)] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="List a store's agencies instead.", show_default=False)] = None,
    region: Annotated[Optional[str], typer.Option("--region", metavar="CODE", show_default=False,
                      help="Only the agencies of this division and the divisions under it (GB/T 2260 code, e.g. 320800).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """List the agencies: id, names, region, kind, parent body and report years; then the reports
    whose agency could not be resolved (no name, or no region to tell it from its namesakes).

    The rows are those of the shipped queries agencies and unplaced-reports (kg query runs
    them too). With -f csv only the agencies are printed (the unresolved reports go to
    stderr); -f json prints {"agencies": [...], "unresolved": [...]}.

    Example: kg agencies --store build/store --region 320800
    """
    import json

    from kg.agencies import listing
    from kg.query import format_json, format_rows, run_query

    path, in_store = _source(graph, store, "give a graph file or --store DIR (one of them)")
    if in_store:
        from kg.store_open import open_store

        with open_store(path, read_only=True) as db:
            found, unresolved = listing(db.query, region)
    else:
        from kg.graphio import load_graph

        loaded = load_graph(path)
        found, unresolved = listing(lambda name, params: run_query(name, loaded, params), region)
    if fmt is Format.json:
        typer.echo(json.dumps({"agencies": json.loads(format_json(*found)), "unresolved": json.loads(format_json(*unresolved))},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(format_rows(*found, fmt.value), nl=False)
    if fmt is Format.csv:
        for source, year, name, problem in unresolved[1]:
            _err(f"{source}: {problem}" + (f" ({name}, {year})" if name or year else ""))
        return
    if unresolved[1]:
        typer.echo(f"\n{len(unresolved[1])} report(s) whose agency could not be resolved:")
        typer.echo(format_rows(*unresolved, "table"), nl=False)


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
    nx_graph = to_networkx(_load_source(graph, store, "a graph file"))
    write_graphml(nx_graph, output)
    message = f"wrote {output}: {nx_graph.number_of_nodes()} nodes, {nx_graph.number_of_edges()} edges"
    if png:
        note = draw_png(nx_graph, png)
        message += f"; picture {png}" + (f" ({note})" if note else "")
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
    from kg.export import export as export_store
    from kg.export import export_format
    from kg.store_open import open_store

    _writable(output)
    chosen = export_format(output, fmt.value if fmt else None)
    with open_store(store, read_only=True) as db:
        export_store(db, output, chosen)
        reports = len(db.entries())
    typer.echo(f"wrote {output}: {reports} reports ({chosen})")


class CatalogFormat(str, Enum):
    turtle = "turtle"
    jsonld = "jsonld"
    ntriples = "ntriples"


@app.command()
def catalog(
    store: StoreDir,
    endpoint: Annotated[Optional[str], typer.Option("--endpoint", metavar="URL", show_default=False,
                        help="The store's public SPARQL endpoint (a dcat:DataService, void:sparqlEndpoint).")] = None,
    dump: Annotated[Optional[str], typer.Option("--dump", metavar="URL", show_default=False,
                    help="Where an N-Quads dump of the store can be downloaded (dcat:downloadURL, void:dataDump).")] = None,
    publisher: Annotated[Optional[str], typer.Option("--publisher", metavar="IRI|NAME", show_default=False,
                         help="Who publishes the catalogue: an IRI, or a name.")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here (atomically) instead of stdout.", show_default=False)] = None,
    fmt: Annotated[CatalogFormat, typer.Option("--format", "-f", help="Output format.")] = CatalogFormat.turtle,
) -> None:
    """Describe a store for data catalogues and crawlers: DCAT 3 and VoID (docs/linked-data.md).

    A dcat:Catalog with the whole graph as a dcat:Dataset and void:Dataset (its years, the
    provinces it covers, an N-Quads distribution, triples, classes and entities counted by the
    last kg build --store), and, with --endpoint, the SPARQL endpoint as a dcat:DataService.

    Example: kg catalog --store build/store --endpoint https://data.example.gov.cn/sparql -o catalog.ttl
    """
    from kg.atomic import write_text
    from kg.base import check_url
    from kg.catalog import describe, serialize
    from kg.store_open import open_store

    iri_publisher = publisher if publisher is not None and publisher.startswith(("http://", "https://")) else None
    for option, url in (("--endpoint", endpoint), ("--dump", dump), ("--publisher", iri_publisher)):
        if url is not None:
            try:
                check_url(url, option)
            except KgError as error:
                _usage(str(error))
    _writable(output)
    with open_store(store, read_only=True) as db:
        text = serialize(describe(db.db, base=db.base, endpoint=endpoint, dump=dump, publisher=publisher), fmt.value)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        write_text(output, text)
        typer.echo(f"wrote {output} ({fmt.value})", err=True)


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
    """Serve a store to people and machines until stopped with Ctrl-C or SIGTERM.

    Pages at http://HOST:PORT/: an overview, search, a page for every division, agency, report
    and figure (at the path of its IRI; Turtle, JSON-LD or N-Triples to a client that asks),
    failed checks, the shipped queries as forms, a SPARQL editor, the DCAT catalogue at
    /catalog. Queries go to /query, with the union of the store's graphs as default
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
        typer.echo(f"serving {store} at {url}/ (pages), {url}/query (SPARQL) and {url}/store (Graph Store Protocol); {mode}; "
                   f"queries cut at {seconds:g} s; Ctrl-C stops", err=True)

    run_server(store, host=host, port=port, writable=writable, seconds=seconds, workers=workers, on_ready=ready)


@app.command()
def push(
    store: StoreDir,
    endpoint: Annotated[str, typer.Option("--endpoint", help="The Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store).")],
    deadline: Annotated[float, typer.Option("--deadline", min=0.001, metavar="SECONDS", help="Stop the push after this long.")] = 3600.0,
    graph_deadline: Annotated[float, typer.Option("--graph-deadline", min=0.001, metavar="SECONDS",
                                                  help="Give up one attempt of a graph's PUT after this long.")] = 600.0,
    retries: Annotated[int, typer.Option("--retries", min=0, max=20, metavar="N",
                                         help="Try a graph again up to N times when it fails for now (no connection, 5xx, 408, 429, its deadline).")] = 3,
    journal: Annotated[Optional[Path], typer.Option("--journal", metavar="FILE", show_default=False,
                                                    help="The record of what was pushed where (default: STORE.push.jsonl beside the store).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Send every graph, even those the journal says the endpoint has.")] = False,
) -> None:
    """Send the named graphs of a store to a SPARQL 1.1 Graph Store Protocol endpoint, those that
    changed since the last push there.

    Each graph (one per report, the shared triples, the series links, the statistics and the
    ontology) is PUT as N-Triples to ENDPOINT?graph=IRI, replacing that graph on the endpoint
    (Oxigraph, Fuseki, Virtuoso, GraphDB, kg serve --writable). A journal beside the store
    (STORE.push.jsonl, or --journal) records the hash of each graph sent to each endpoint: a
    push sends only graphs new or changed since (all of them with --all), and DELETEs graphs
    it pushed that the store no longer has. A push that stops (a deadline, the endpoint gone,
    Ctrl-C, kill) keeps what it sent: run it again to send the rest. If the endpoint lost its
    data, push with --all.

    A request that fails for now (no connection, HTTP 5xx, 408 or 429, its --graph-deadline)
    is tried again after 0.5 s, 1 s, 2 s... (or what Retry-After asks, up to 60 s), --retries
    times, within --deadline; then the push stops (exit 2). A graph refused otherwise (another
    HTTP error) is named and the push goes on (exit 1); refused credentials (401, 403) stop it
    (exit 2).

    Credentials (HTTP Basic) come from the URL (http://USER:PASSWORD@HOST/...), else from
    KG_PUSH_USER and KG_PUSH_PASSWORD, else from the endpoint host's entry in ~/.netrc (or the
    file $NETRC names); no message shows them. Prefer netrc or the environment: other users
    can see a command line.

    Example: kg push --store build/store --endpoint http://127.0.0.1:7878/store
    """
    from kg.endpoint import public_url
    from kg.endpoint import push as push_graphs
    from kg.store_open import open_store

    if journal is None:
        place = store.resolve()
        journal = place.with_name(place.name + ".push.jsonl")
    stopped = f"push interrupted; the graphs sent are recorded in {journal}: run kg push again to send the rest"
    with _stopped_by_kill(stopped), open_store(store, read_only=True) as db, _progress("pushing") as show:
        done = push_graphs(db, endpoint, show, deadline, graph_deadline, retries, journal, everything)
    _failed(done.failures, {})
    refused = f"{len(done.failures)} refused" + (" (listed above)" if done.failures else "")
    typer.echo(f"pushed {done.sent} graphs to {public_url(endpoint)}: {done.skipped} already there, "
               f"{done.retried} retried, {refused}, {done.deleted} deleted")
    raise typer.Exit(1 if done.failures else 0)


@app.command()
def explain(
    path: Annotated[Path, typer.Argument(help="One report file.")],
) -> None:
    """Show why: each fact of one report with its sentence, offsets and the rule that read it.

    Example: kg explain examples/001_290b4abaa96ad801.txt
    """
    from kg.extract import extract_file

    record = extract_file(path).to_record()
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
