"""The store that grows (kg build --store): same graph and answers as a Turtle build, re-runs that
skip, replace and prune, atomic reports, and faults that lose nothing."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import VOID
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import extract_file
from kg.graphio import load_graph
from kg.query import list_queries, run_query
from kg.export import to_graph
from kg.resources import mapping_id
from kg.store import MEMBER, PENDING, SHARED
from kg.store_open import open_store
from kg.writer import build_graph
from kg.vocab import DCAT
from kg.vocab import KG as KGNS
from bench.synth import generate
from tests.conftest import DEV, EXAMPLES, ROOT

runner = CliRunner()
KG = str(Path(sys.executable).parent / "kg")
SERIES_FILES = ["105_pingtan_zone_2019.txt", "520_pingtan_zone_2021.txt", "522_pingtan_zone_2023.txt"]


def corpus(where: Path) -> Path:
    """The five examples and the dev web-page texts (one agency over three years among them)."""
    where.mkdir(parents=True, exist_ok=True)
    for path in [*EXAMPLES.glob("*.txt"), *DEV.glob("*.txt")]:
        shutil.copy(path, where / path.name)
    return where


def files_of(folder: Path) -> list[str]:
    return sorted(str(p.resolve()) for p in folder.glob("*.txt"))


def turtle_of(files: list[str]):
    return build_graph([extract_file(f) for f in files])


def difference(got, want) -> list[str]:
    """The triples one graph has and the other has not (blank nodes matched), a few of each."""
    if isomorphic(got, want):
        return []
    _, extra, missing = graph_diff(to_isomorphic(got), to_isomorphic(want))
    return [f"+ {t}" for t in sorted(extra)[:10]] + [f"- {t}" for t in sorted(missing)[:10]] or ["(blank nodes differ)"]


def store_graph(store: Path):
    with open_store(store) as db:
        return to_graph(db)


def build(*args: str):
    return runner.invoke(app, ["build", *args])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A store and a Turtle file built from the same files (absolute paths, as the store keeps them)."""
    root = tmp_path_factory.mktemp("store")
    reports = corpus(root / "reports")
    store = root / "store"
    result = build(str(reports), "--store", str(store))
    assert result.exit_code == 0, result.output
    ttl = root / "reports.ttl"
    assert build(*files_of(reports), "-o", str(ttl)).exit_code == 0
    return reports, store, ttl, result.stdout


def test_store_holds_what_the_turtle_build_holds(built):
    reports, store, ttl, summary = built
    n = len(files_of(reports))
    assert f"{n} added, 0 replaced, 0 unchanged" in summary and f"{n} reports" in summary
    graph = store_graph(store)
    turtle = load_graph(ttl)
    assert isomorphic(graph, turtle)  # reports, agencies, series links, offsets' datatypes
    assert len(list(turtle.triples((None, DCAT.prev, None)))) >= 2  # the Pingtan series is linked
    with open_store(store) as db:
        assert len(db.report_graphs()) == n
        shared = {str(s) for s in graph.subjects() if str(s).startswith("https://w3id.org/govinfo-kg/id/agency/")}
        assert shared and all(ox.NamedNode(SHARED) in {q.graph_name for q in db.db.quads_for_pattern(ox.NamedNode(s), None, None)} for s in shared)
        # each report graph records its size, and the store's triples are summed from them
        for name in db.report_graphs():
            size = db.db.quads_for_pattern(ox.NamedNode(name), ox.NamedNode(str(VOID.triples)), None, ox.NamedNode(name))
            assert int(next(size).object.value) == len(list(db.db.quads_for_pattern(None, None, None, ox.NamedNode(name))))
        assert db.triple_count() == len(graph) == len(turtle)


def test_table_cells_keep_their_grid_positions_through_the_store(tmp_path):
    # a saved portal page with real 表三/表四 grids: cell provenance (kg:tableRow...) comes back typed
    page = tmp_path / "reports" / "pingtan_2023.html"
    page.parent.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "formats" / "pingtan_2023.html", page)
    store = tmp_path / "store"
    assert build(str(page.parent), "--store", str(store)).exit_code == 0
    ttl = tmp_path / "page.ttl"
    assert build(str(page.resolve()), "-o", str(ttl)).exit_code == 0
    graph, turtle = store_graph(store), load_graph(ttl)
    assert any(True for _ in turtle.triples((None, KGNS.tableRow, None)))
    assert isomorphic(graph, turtle)


def test_every_shipped_query_answers_the_same_on_store_and_turtle(built):
    # one engine (a Turtle file is queried in an in-memory Oxigraph store): the graphs must agree
    reports, store, ttl, _ = built
    turtle = load_graph(ttl)
    runs = [(info.name, None) for info in list_queries()] + [("figure-evidence", {"metric_key": "applications_received", "year": 2021})]
    with open_store(store) as db:
        for name, params in runs:
            assert db.query(name, params) == run_query(name, turtle, params), name
        assert db.query(*runs[-1])[1]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_cli_query_prints_the_same_on_store_and_turtle(built, fmt):
    reports, store, ttl, _ = built
    on_store = runner.invoke(app, ["query", "reports-overview", "--store", str(store), "--format", fmt])
    on_file = runner.invoke(app, ["query", "reports-overview", "--graph", str(ttl), "--format", fmt])
    assert on_store.exit_code == 0 and on_store.stdout == on_file.stdout


def test_validate_and_graph_on_a_store(built, tmp_path):
    reports, store, ttl, _ = built
    on_store = runner.invoke(app, ["validate", "--store", str(store)])
    on_file = runner.invoke(app, ["validate", str(ttl)])
    assert on_store.exit_code == on_file.exit_code
    assert on_store.stdout.splitlines()[:-1] == on_file.stdout.splitlines()[:-1]
    drawn = runner.invoke(app, ["graph", "--store", str(store), "-o", str(tmp_path / "g.graphml")])
    from_file = runner.invoke(app, ["graph", str(ttl), "-o", str(tmp_path / "f.graphml")])
    assert drawn.exit_code == 0 and drawn.stdout.split(":", 1)[1] == from_file.stdout.split(":", 1)[1]


@pytest.mark.parametrize("suffix", [".ttl", ".trig", ".nq"])
def test_export_writes_turtle_trig_nquads(built, tmp_path, suffix):
    from rdflib import Dataset

    reports, store, ttl, _ = built
    out = tmp_path / f"out{suffix}"
    result = runner.invoke(app, ["export", "--store", str(store), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert isomorphic(load_graph(out), load_graph(ttl))
    if suffix != ".ttl":  # named graphs kept: one per report, plus the shared triples and the links
        dataset = Dataset()
        dataset.parse(out, format="trig" if suffix == ".trig" else "nquads")
        names = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert sum("/id/report/" in n for n in names) == len(files_of(reports)) and SHARED in names


def test_export_to_an_unwritable_place_is_one_line(built, tmp_path):
    _, store, _, _ = built
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["export", "--store", str(store), "-o", str(blocker / "out.ttl")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith(f"kg: {blocker}")
    bad = runner.invoke(app, ["export", "--store", str(store), "-o", str(tmp_path / "out.xyz")])
    assert bad.exit_code == 2 and "--format" in bad.stderr


def test_rerun_skips_unchanged_replaces_changed_and_prunes_gone(tmp_path):
    reports = corpus(tmp_path / "reports")
    store = tmp_path / "store"
    assert build(str(reports), "--store", str(store)).exit_code == 0
    with open_store(store) as db:
        assert db.plan(files_of(reports)).load == []  # re-runs extract nothing: hashes decide
    n = len(files_of(reports))
    again = build(str(reports), "--store", str(store))
    assert again.exit_code == 0 and f"0 added, 0 replaced, {n} unchanged" in again.stdout

    changed = reports / SERIES_FILES[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本报告电子版可在门户网站下载。\n", encoding="utf-8")
    (reports / SERIES_FILES[2]).unlink()
    kept = build(str(reports), "--store", str(store))
    assert kept.exit_code == 0 and f"0 added, 1 replaced, {n - 2} unchanged" in kept.stdout
    assert "1 stored report(s) whose files are gone are kept" in kept.stderr
    pruned = build(str(reports), "--store", str(store), "--prune")
    assert pruned.exit_code == 0 and f"{n - 1} unchanged" in pruned.stdout and "1 removed" in pruned.stdout
    # the replaced report, the removed one and the recomputed series links: as a fresh Turtle build
    assert isomorphic(store_graph(store), turtle_of(files_of(reports)))


def test_reports_another_kg_mapped_are_mapped_again(tmp_path):
    # an upgrade of kg changes the triples of unchanged files: the next build maps them again
    reports = tmp_path / "reports"
    reports.mkdir()
    for name in ("003_dcdda86aceaa8777.txt", "004_ff35821c8cc453dd.txt"):
        shutil.copy(EXAMPLES / name, reports / name)
    store = tmp_path / "store"
    assert build(str(reports), "--store", str(store)).exit_code == 0
    with open_store(store) as db:
        first, second = db.report_graphs()
        assert {e.mapped_by for e in db.entries().values()} == {mapping_id()}
        # what a store built by another kg holds: one report with another mapping id, one without any
        db.db.update(f"DELETE {{ GRAPH <{first}> {{ ?r <{KGNS.mappedBy}> ?m }} }} INSERT {{ GRAPH <{first}> {{ ?r <{KGNS.mappedBy}> "
                     f'"kg-0000000000000000" }} }} WHERE {{ GRAPH <{first}> {{ ?r <{KGNS.mappedBy}> ?m }} }} ;'
                     f"DELETE WHERE {{ GRAPH <{second}> {{ ?r <{KGNS.mappedBy}> ?m }} }}")
    again = build(str(reports), "--store", str(store))
    assert again.exit_code == 0 and "0 added, 2 replaced, 0 unchanged" in again.stdout
    assert "2 unchanged file(s) were mapped by another version of kg: mapping them again" in again.stderr
    assert isomorphic(store_graph(store), turtle_of(files_of(reports)))
    settled = build(str(reports), "--store", str(store))
    assert "0 added, 0 replaced, 2 unchanged" in settled.stdout and "mapping them again" not in settled.stderr


def test_two_files_for_one_report(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    original = EXAMPLES / "003_dcdda86aceaa8777.txt"
    shutil.copy(original, reports / "a.txt")
    store = tmp_path / "store"
    assert build(str(reports), "--store", str(store)).exit_code == 0
    before = store_graph(store)

    shutil.copy(original, reports / "b_copy.txt")  # the same bytes: skipped
    copy = build(str(reports), "--store", str(store))
    assert copy.exit_code == 0 and "1 duplicate files skipped" in copy.stdout

    (reports / "b_copy.txt").unlink()
    revised = reports / "c_revised.txt"  # same agency and year, other bytes: refused, naming both
    revised.write_text(original.read_text(encoding="utf-8") + "\n特此报告。\n", encoding="utf-8")
    clash = build(str(reports), "--store", str(store))
    assert clash.exit_code == 1
    assert f"kg: {revised.resolve()}: same report" in clash.stderr and str((reports / "a.txt").resolve()) in clash.stderr
    assert isomorphic(store_graph(store), before)

    (reports / "a.txt").unlink()  # the stored file is gone: the revised one takes the report over
    moved = build(str(reports), "--store", str(store))
    assert moved.exit_code == 0 and "1 replaced" in moved.stdout
    assert isomorphic(store_graph(store), turtle_of([str(revised.resolve())]))


def test_a_failing_update_changes_nothing(tmp_path):
    """What the store relies on: Oxigraph applies a multi-operation update as one transaction."""
    db = ox.Store(str(tmp_path / "s"))
    db.update("INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/p> 1 } }")
    with pytest.raises(RuntimeError):
        db.update("DROP GRAPH <http://e/g> ; INSERT DATA { GRAPH <http://e/h> { <http://e/a> <http://e/p> 2 } } ; DROP GRAPH <http://e/missing>")
    assert [q.graph_name.value for q in db] == ["http://e/g"]


def test_a_build_killed_half_way_leaves_whole_reports(tmp_path):
    reports = corpus(tmp_path / "reports")
    store = tmp_path / "store"
    started = time.monotonic()  # time a whole build, to kill the next ones part-way
    subprocess.run([KG, "build", str(reports), "--store", str(tmp_path / "timed")], check=True, capture_output=True)
    whole = time.monotonic() - started
    for delay in (whole * 0.6, whole * 0.75, whole * 0.9):
        process = subprocess.Popen([KG, "build", str(reports), "--store", str(store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if not (store / "CURRENT").exists():
            continue
        with open_store(store) as db:
            stored = sorted(e.path for e in db.entries().values())
            graph = to_graph(db)
        # whatever was stored is exactly the reports of those files, with their series links
        assert not difference(graph, turtle_of(stored) if stored else Graph()), f"killed after {delay:.2f} s of {whole:.2f} s"
    final = build(str(reports), "--store", str(store))
    assert final.exit_code == 0, final.output
    assert isomorphic(store_graph(store), turtle_of(files_of(reports)))


def test_a_bulk_load_cut_short_is_refused_for_reading_and_removed_by_the_next_build(tmp_path):
    """What a build killed inside a bulk load leaves (kg.writer: the graphs listed as pending,
    their triples loaded, the closing transaction never run), made by the same two steps."""
    from kg.writer import _quads, prepare

    files = files_of(corpus(tmp_path / "reports"))
    kept, cut = files[:3], files[3:5]
    store = tmp_path / "store"
    assert build(*kept, "--store", str(store)).exit_code == 0
    db = ox.Store(str(store))
    reports = [prepare(extract_file(f)) for f in cut]
    listed = " ".join(f"<{PENDING}> <{MEMBER}> <{r.iri}> ." for r in reports)
    db.update(f"INSERT DATA {{ GRAPH <{PENDING}> {{ {listed} }} }}")
    db.bulk_load(_quads(reports), ox.RdfFormat.N_QUADS)
    del db
    read = runner.invoke(app, ["query", "applications-per-year", "--store", str(store)])
    assert read.exit_code == 2
    assert read.output.strip().splitlines() == [
        f"kg: {store}: a build stopped while writing 2 report(s), left half-written: "
        "run kg build on the store again, which removes them first"]
    again = build(*kept, "--store", str(store))
    assert again.exit_code == 0 and "0 added, 0 replaced, 3 unchanged" in again.stdout, again.output
    # the half-written reports are gone, with the agencies and divisions only they led to
    assert not difference(store_graph(store), turtle_of(kept))


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["kill", "kill-9"])
def test_a_killed_parallel_build_leaves_no_worker_and_whole_reports(tmp_path, how):
    # a synthetic province, so that the pool is still extracting when the kill comes (the eleven
    # real texts take a fraction of a second on a fast machine)
    reports = tmp_path / "reports"
    files = generate(reports, 80)
    store = tmp_path / "store"
    process = subprocess.Popen([KG, "build", str(reports), "--store", str(store), "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(process.pid)

    def workers_busy() -> bool:
        """The resource tracker, the fork server and its two workers are up, and the workers
        have begun extracting (killed while the pool is still starting, a worker being born
        prints Python's traceback)."""
        try:
            helpers = parent.children(recursive=True)
            workers = [p for p in helpers if p.ppid() != parent.pid]
            return len(helpers) >= 4 and sum(sum(p.cpu_times()[:2]) for p in workers) >= 0.3
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not workers_busy():
        time.sleep(0.02)
    helpers = parent.children(recursive=True)
    assert len(helpers) >= 4, f"the build started {len(helpers)} helper processes"
    process.send_signal(how)
    _, err = process.communicate(timeout=120)
    if how == signal.SIGTERM:  # stopped in order, as by Ctrl-C
        assert process.returncode == 128 + signal.SIGTERM, err
        assert err.strip().splitlines() == [f"kg: store {store}: build interrupted; the reports stored before are whole, "
                                            "the others are not in it (run again to go on)"]
    else:  # no goodbye, but the workers notice and end too
        assert process.returncode == -signal.SIGKILL
    _, alive = psutil.wait_procs(helpers, timeout=30)
    assert not alive, f"left running: {alive}"
    with open_store(store) as db:
        stored = sorted(e.path for e in db.entries().values())
        graph = to_graph(db)
    assert len(stored) < len(files)
    assert isomorphic(graph, turtle_of(stored)) if stored else len(graph) == 0
    final = build(str(reports), "--store", str(store))
    assert final.exit_code == 0, final.output
    assert f"{len(files) - len(stored)} added, 0 replaced, {len(stored)} unchanged" in final.stdout


# ----------------------------------------------------------------------------- faults


def test_a_locked_store_is_one_line_and_the_next_run_succeeds(tmp_path):
    store = tmp_path / "store"
    assert build(str(EXAMPLES), "--store", str(store)).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import pyoxigraph, sys, time; s = pyoxigraph.Store({str(store)!r}); print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        for args in (["build", str(DEV / "103_pingtan_county_2011.txt"), "--store", str(store)], ["query", "reports-overview", "--store", str(store)]):
            locked = runner.invoke(app, args)
            assert locked.exit_code == 2
            assert locked.stderr == f"kg: {store}: the store is in use by another process (a kg build or kg serve on it?); try again when it has finished\n"
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    after = build(str(EXAMPLES), str(DEV / "103_pingtan_county_2011.txt"), "--store", str(store))
    assert after.exit_code == 0 and "1 added, 0 replaced, 5 unchanged" in after.stdout


def test_a_directory_that_is_not_a_store(tmp_path):
    reports = corpus(tmp_path / "reports")
    listing = sorted(os.listdir(reports))
    result = build(str(reports), "--store", str(reports))
    assert result.exit_code == 2 and "not a kg store" in result.stderr and result.stderr.count("\n") == 1
    assert sorted(os.listdir(reports)) == listing  # nothing written among the reports
    a_file = reports / listing[0]
    assert "is a file" in runner.invoke(app, ["query", "reports-overview", "--store", str(a_file)]).stderr
    missing = runner.invoke(app, ["validate", "--store", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no store here" in missing.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "CURRENT").write_text("garbage\n")
    corrupt = runner.invoke(app, ["export", "--store", str(broken), "-o", str(tmp_path / "x.ttl")])
    assert corrupt.exit_code == 2 and corrupt.stderr.startswith(f"kg: {broken}: cannot open the store") and corrupt.stderr.count("\n") == 1


def test_usage_errors():
    assert build(str(EXAMPLES), "--prune").exit_code == 2
    assert build(str(EXAMPLES), "--store", "x", "-o", "y.ttl").exit_code == 2
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["query", "reports-overview"]).exit_code == 2


def test_a_write_error_loses_nothing_and_the_next_run_succeeds(tmp_path):
    """A full disk, made real with a file size limit: the OS refuses the store's writes (EFBIG)."""
    store = tmp_path / "store"
    assert build(str(EXAMPLES), "--store", str(store)).exit_code == 0
    before = store_graph(store)

    def small_files():  # smaller than the table file a bulk load of the dev reports writes
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    full = subprocess.run([KG, "build", str(EXAMPLES), str(DEV), "--store", str(store)], preexec_fn=small_files, capture_output=True, text=True)
    assert full.returncode == 2
    last = full.stderr.strip().splitlines()[-1]
    assert last.startswith(f"kg: {store}: cannot write the store") and "File too large" in last and "Traceback" not in full.stderr
    assert "the store is as it was" in last
    assert isomorphic(store_graph(store), before)
    after = build(str(EXAMPLES), *sorted(str(p) for p in DEV.glob("*.txt")), "--store", str(store))
    dev_texts = len(list(DEV.glob("*.txt")))
    assert after.exit_code == 0 and f"{dev_texts} added, 0 replaced, 5 unchanged" in after.stdout


def test_an_unwritable_store_directory(tmp_path):
    store = tmp_path / "store"
    assert build(str(EXAMPLES), "--store", str(store)).exit_code == 0
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod does not stop root from writing, so there is no permission error to see")
    before = store_graph(store)
    store.chmod(0o555)
    try:
        denied = build(str(EXAMPLES), str(DEV / "103_pingtan_county_2011.txt"), "--store", str(store))
        assert denied.exit_code == 2 and denied.stderr.startswith(f"kg: {store}: cannot") and denied.stderr.count("\n") == 1
    finally:
        store.chmod(0o755)
    assert isomorphic(store_graph(store), before)
    assert build(str(EXAMPLES), str(DEV / "103_pingtan_county_2011.txt"), "--store", str(store)).exit_code == 0


@pytest.mark.parametrize("command", ["export", "serve", "push"])
def test_new_commands_have_help_with_an_example_and_are_in_the_readme(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: kg " + command in result.stdout.replace("\n", " ")
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- writing fast


def test_tricky_literals_go_through_n_triples_unchanged(tmp_path):
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from kg.writer import n3

    texts = ['引号"在此"', "反斜杠\\n不是换行\\", "两行\n第二行\r\n", "制表\t符", "\\u0041 不是 A", "政府信息公开 ©", ""]
    literals = [Literal(t) for t in texts] + [Literal(t, lang="zh") for t in texts] + [Literal("12", datatype=XSD.nonNegativeInteger)]
    db = ox.Store(str(tmp_path / "s"))
    body = "\n".join(f"<http://e/s> <http://e/p{i}> {n3(term)} ." for i, term in enumerate(literals))
    db.update(f"INSERT DATA {{ {body} }}")
    back = {int(q.predicate.value[len("http://e/p"):]): q.object for q in db}
    for i, term in enumerate(literals):
        assert back[i].value == str(term) and (back[i].language or None) == (term.language or None), (i, term)
    assert ox.parse(body.encode(), format=ox.RdfFormat.N_TRIPLES) is not None and len(list(ox.parse(body.encode(), format=ox.RdfFormat.N_TRIPLES))) == len(literals)
    with pytest.raises(ValueError):
        n3(URIRef("http://e/a b"))


def test_prepared_in_the_workers_stores_what_put_stores(tmp_path):
    from kg.pipeline import iter_extract
    from kg.writer import prepare

    files = files_of(corpus(tmp_path / "reports"))
    with open_store(tmp_path / "one", create=True) as db:
        for f in files:
            db.put(extract_file(f))
        one = to_graph(db)
    with open_store(tmp_path / "two", create=True) as db, db.batch(limit=200_000) as failed:
        for _, report in iter_extract(files, jobs=2, then=prepare):
            assert db.put_prepared(report) == "added"
    assert not failed
    assert isomorphic(one, store_graph(tmp_path / "two")) and isomorphic(one, turtle_of(files))


def test_a_bad_report_in_a_batch_loses_only_itself(tmp_path):
    import dataclasses

    from kg.errors import InputError
    from kg.writer import prepare

    files = files_of(corpus(tmp_path / "reports"))
    reports = [prepare(extract_file(f)) for f in files]
    bad = dataclasses.replace(reports[3], own=reports[3].own + f'\n<http://e/a> <http://e/p> "unterminated <{reports[3].iri}> .'.encode())
    with open_store(tmp_path / "store", create=True) as db:
        with db.batch() as failed:
            for report in [*reports[:3], bad, *reports[4:]]:
                assert db.put_prepared(report) == "added"
        assert [type(e) for e in failed] == [InputError] and failed[0].path == files[3]
        assert sorted(e.path for e in db.entries().values()) == sorted(files[:3] + files[4:])
    kept = [f for i, f in enumerate(files) if i != 3]
    assert isomorphic(store_graph(tmp_path / "store"), turtle_of(kept))


def test_replacements_in_a_batch_and_a_refused_one_keeps_its_old_report(tmp_path):
    import dataclasses

    from kg.errors import InputError
    from kg.manifest import file_sha256
    from kg.writer import prepare

    folder = corpus(tmp_path / "reports")
    files, store = files_of(folder), tmp_path / "store"
    assert build(str(folder), "--store", str(store)).exit_code == 0
    before = {f: Path(f).read_text(encoding="utf-8") for f in files[:4]}
    for f in files[:4]:
        Path(f).write_text(before[f] + "\n本报告电子版可在门户网站下载。\n", encoding="utf-8")
    reports = [prepare(extract_file(f)) for f in files[:4]]
    bad = dataclasses.replace(reports[2], own=reports[2].own + f'\n<http://e/a> <http://e/p> "unterminated <{reports[2].iri}> .'.encode())
    with open_store(store) as db:
        db.plan(files)
        with db.batch() as failed:
            for report in [reports[0], reports[1], bad, reports[3]]:
                assert db.put_prepared(report) == "replaced"
        assert [type(e) for e in failed] == [InputError] and failed[0].path == files[2]
        # the refused report's entry is the stored one again: the next build tries its file again
        assert db.plan(files).load == [files[2]]
    Path(files[2]).write_text(before[files[2]], encoding="utf-8")
    with open_store(store) as db:
        assert db.entries()[files[2]].sha256 == file_sha256(files[2])
        assert db.plan(files).load == []
    assert isomorphic(store_graph(store), turtle_of(files))


def test_a_new_file_taking_the_report_a_changed_file_left_is_stored(tmp_path):
    # a.txt's report moves to another year and a new file gives its old one: the replacement
    # drops the old graph before the new file's report is loaded into that name
    folder, store = tmp_path / "reports", tmp_path / "store"
    folder.mkdir()
    first, second = (next(p for p in [EXAMPLES / name, DEV / name] if p.exists()) for name in SERIES_FILES[:2])
    shutil.copy(first, folder / "a.txt")
    assert build(str(folder), "--store", str(store)).exit_code == 0
    shutil.copy(second, folder / "a.txt")
    (folder / "c.txt").write_text(first.read_text(encoding="utf-8") + "\n本报告电子版可在门户网站下载。\n", encoding="utf-8")
    again = build(str(folder), "--store", str(store))
    assert again.exit_code == 0 and "1 added, 1 replaced" in again.stdout, again.output
    assert isomorphic(store_graph(store), turtle_of(files_of(folder)))


def test_a_new_store_is_made_with_the_directories_above_it(tmp_path):
    store = tmp_path / "not" / "yet" / "store"
    result = runner.invoke(app, ["build", str(EXAMPLES), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert (store / "CURRENT").is_file()


def test_a_compacted_store_holds_the_same_graph_and_answers_the_same(built, tmp_path):
    reports, _, ttl, _ = built
    store = tmp_path / "store"
    result = build(str(reports), "--store", str(store), "--compact")
    assert result.exit_code == 0, result.output
    assert re.search(r"compacted, [\d.]+ MiB -> [\d.]+ MiB", result.stdout)
    turtle = load_graph(ttl)
    assert isomorphic(store_graph(store), turtle)
    with open_store(store) as db:
        assert db.query("reports-overview") == run_query("reports-overview", turtle)
    assert "--compact needs --store" in build(str(reports), "--compact").output


def test_a_changed_report_naming_another_agency_leaves_nothing_of_the_old_one(tmp_path):
    # the old agency, its series and the division only it led to go with the old report
    reports = tmp_path / "reports"
    reports.mkdir()
    report = reports / "report.txt"
    text = (EXAMPLES / "000_7dd2f966124fee74.txt").read_text(encoding="utf-8")
    report.write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    assert build(str(reports), "--store", str(store)).exit_code == 0
    before = store_graph(store)
    report.write_text(text.replace("张店区", "淄川区"), encoding="utf-8")
    again = build(str(reports), "--store", str(store))
    assert again.exit_code == 0 and "0 added, 1 replaced" in again.stdout
    after = store_graph(store)
    assert isomorphic(after, turtle_of(files_of(reports)))
    gone = {str(s) for s in before.subjects()} - {str(s) for s in after.subjects()}
    assert any(s.endswith("/region/370303") for s in gone) and any("/agency/" in s for s in gone)
