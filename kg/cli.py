"""The ``kg`` command line: thin wrappers over the library, one command per task.

Exit codes: 0 success; 1 some input failed, or the graph has SHACL violations;
2 usage error or unreadable graph/query/shapes. Errors are one line, ``kg: FILE: problem``;
no traceback reaches the user.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from kg.errors import KgError

app = typer.Typer(
    help="Build, validate and query knowledge graphs of China's annual reports on government "
    "information disclosure (政府信息公开工作年度报告).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Paths = Annotated[list[Path], typer.Argument(help="Report files (.txt, .md) or directories, walked recursively.", show_default=False)]


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _err(message: str) -> None:
    typer.echo(f"kg: {message}", err=True)


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal (stderr); silent when output is redirected."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda _file: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.console import Console

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda _file: progress.advance(task)


def _extract(paths: list[Path], label: str):
    from kg.pipeline import extract_batch, find_inputs

    inputs = find_inputs(paths)
    if inputs.skipped:
        kinds = ", ".join(f"{n} {suffix}" for suffix, n in sorted(inputs.skipped.items()))
        typer.echo(f"skipped files of types kg does not read yet: {kinds}", err=True)
    with _progress(len(inputs.files), label) as advance:
        result = extract_batch(inputs.files, advance)
    result.failures = inputs.missing + result.failures
    return result


def _report_failures(result) -> None:
    for failure in result.failures:
        _err(str(failure))


@app.command()
def extract(
    paths: Paths,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the JSON Lines here (atomically) instead of stdout.")] = None,
) -> None:
    """Print one JSON record per report (JSON Lines): the keys of facts.md plus provenance.

    Each fact's provenance gives the sentence it came from, its character offsets in the
    source text and the rule that read it.

    Example: kg extract examples/ -o records.jsonl
    """
    result = _extract(paths, "extracting")
    lines = "".join(json.dumps(r.to_record(), ensure_ascii=False) + "\n" for r in result.reports)
    if output:
        from kg.atomic import write_text

        write_text(output, lines)
    else:
        sys.stdout.write(lines)
    _report_failures(result)
    typer.echo(
        f"extracted {len(result.reports)} of {result.attempted} reports"
        + (f", {len(result.failures)} failed" if result.failures else "")
        + (f" -> {output}" if output else ""),
        err=True,
    )
    raise typer.Exit(1 if result.failures or not result.reports else 0)


@app.command()
def build(
    paths: Paths,
    output: Annotated[Path, typer.Option("-o", "--output", help="Turtle file to write (atomically).")] = Path("graph.ttl"),
) -> None:
    """Extract the reports, map them to RDF and write deterministic Turtle.

    The same inputs give a byte-identical file, so diffs of the graph mean something.

    Example: kg build examples/ -o build/examples.ttl
    """
    from kg.rdf import build_graph, write_turtle

    result = _extract(paths, "building")
    _report_failures(result)
    if not result.reports:
        _err("no report could be read; nothing written")
        raise typer.Exit(1)
    graph = build_graph(result.reports)
    write_turtle(graph, output)
    typer.echo(_summary(result.reports, len(graph), output))
    if result.failures:
        typer.echo(f"{len(result.failures)} of {result.attempted} inputs failed (listed above)", err=True)
    raise typer.Exit(1 if result.failures else 0)


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
    graph: Annotated[Path, typer.Argument(help="A Turtle graph written by kg build.")],
) -> None:
    """Check a graph against kg's SHACL shapes; print each violation and warning as one line.

    Violations are graphs kg should never write. Warnings are the consistency checks of each
    report's own figures (表三's rows and columns add up, 本年新收 + 上年结转 = 办理结果总计 +
    结转下年度, 表四's blocks add up, the text agrees with the tables, 上年结转 matches last
    year's 结转下年度): one line names the report, the check and the figures. Warnings do not
    change the exit code: 0 when the graph conforms, 1 when it has violations, 2 when it
    cannot be read. `kg query failed-checks` lists the same failures as a table.

    Example: kg validate build/examples.ttl
    """
    from kg.graphio import load_graph
    from kg.validate import validate_graph

    try:
        conforms, lines = validate_graph(load_graph(graph))
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
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the shipped queries and exit.")] = False,
) -> None:
    """Run a shipped cross-report query by name, or any SPARQL file, on a graph.

    Example: kg query applications-per-year --graph build/examples.ttl --format csv
    """
    from kg.query import format_rows, list_queries, run_query

    if list_:
        for info in list_queries():
            typer.echo(f"{info.name:<34} {info.title}")
        raise typer.Exit(0)
    if not name or not graph:
        _err("give a query name (or --list) and --graph FILE")
        raise typer.Exit(2)
    from kg.graphio import load_graph

    try:
        columns, rows = run_query(name, load_graph(graph))
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    typer.echo(format_rows(columns, rows, fmt.value), nl=False)


@app.command("graph")
def graph_cmd(
    graph: Annotated[Path, typer.Argument(help="A Turtle graph written by kg build.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="GraphML file to write.")] = Path("graph.graphml"),
    png: Annotated[Optional[Path], typer.Option("--png", help="Also draw the graph as a PNG picture.")] = None,
) -> None:
    """Turn the RDF into a networkx graph of agencies, reports, years, platforms and contacts.

    Writes GraphML (for Gephi, Cytoscape or networkx) and, with --png, a picture.

    Example: kg graph build/examples.ttl -o build/examples.graphml --png build/examples.png
    """
    from kg.graphio import load_graph
    from kg.netgraph import draw_png, to_networkx, write_graphml

    try:
        nx_graph = to_networkx(load_graph(graph))
    except KgError as error:
        _err(str(error))
        raise typer.Exit(2)
    write_graphml(nx_graph, output)
    message = f"wrote {output}: {nx_graph.number_of_nodes()} nodes, {nx_graph.number_of_edges()} edges"
    if png:
        note = draw_png(nx_graph, png)
        message += f"; picture {png}" + (f" ({note})" if note else "")
    typer.echo(message)


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
    typer.echo(f"{record['source']}: {record['title']} ({record['format']})")
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
