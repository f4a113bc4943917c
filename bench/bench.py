#!/usr/bin/env python3
"""kg's benchmark: prints its figures and each target's PASS/FAIL (never a unit test).

usage: bench.py [--sizes 1000,20000] [--reports N] [--jobs 2] [--quick] [--keep DIR] [--latency STORE] [--pages STORE]

On a synthetic province written from the real reports (bench/synth.py) it measures:
- extraction throughput per core (reports per CPU-second of one process, after warm-up)
  for text, PDF and HTML inputs, and the wall-clock speed-up of ``--jobs 2`` on text;
- with the store (kg build --store): load throughput in triples/s (ReportWriter.batch alone: the bulk loader)
  and end to end, store size on disk, median and 95th-percentile latency of every shipped
  query at each size, the re-run after 1% of the reports changed as a ratio to the full
  build, and the peak RSS of a build (kg build in a subprocess: the build process from
  getrusage, RSS and PSS of the whole process tree sampled with psutil);
- the web pages of ``kg serve`` on each store (``--pages STORE`` alone on an existing store):
  p50 and p95 of every kind of page over HTTP, on resources picked with SPARQL.

Targets (2-core machine): text extraction >= 50 reports/s per core; a 1,000-report build at
>= 50 reports/s and <= 1.5 x the time of kg extract --jobs 2 on the same files; <= 250 KiB per
report on disk; every shipped query <= 1 s from 20,000 reports; re-run with 1% changed <= 5%
of the full build (<= 3% from 100,000); peak PSS of the build's process tree <= 1 GiB at
20,000 reports, <= 2 GiB at 100,000; every kind of page <= 300 ms p95. ``--reports`` sets the
size of the memory case (default: 20,000, or the largest of --sizes below it). ``--quick`` is a smoke run on
tiny sizes. Everything is written under a temporary directory (or --keep DIR), never the
repository. The machine's load average is printed: other work on it lowers the figures.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402

KG = [sys.executable, "-m", "kg.cli"] if not (Path(sys.executable).parent / "kg").exists() else [str(Path(sys.executable).parent / "kg")]
GIB = 1024**3
TARGET_TEXT_PER_CORE = 50.0
TARGET_QUERY_S = 1.0
TARGET_INCREMENTAL = 0.05  # of the full build; 0.03 from 100,000 reports
TARGET_RSS = GIB  # the 20,000-report build's tree PSS; 2 GiB from 100,000 reports
TARGET_PAGE_MS = 300.0
TARGET_BUILD_RATE = 50.0  # reports/s of the 1,000-report build
TARGET_BUILD_VS_EXTRACT = 1.5  # the 1,000-report build's time over kg extract's on the same files
TARGET_KIB_PER_REPORT = 250.0


def incremental_target(size: int) -> float:
    return 0.03 if size >= 100_000 else TARGET_INCREMENTAL


def rss_target(size: int) -> int:
    return 2 * GIB if size >= 100_000 else TARGET_RSS


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def say(line: str = "") -> None:
    print(line, flush=True)


# ----------------------------------------------------------------------------- extraction


def per_core(files: list[Path]) -> tuple[float, float]:
    """Reports per CPU-second and per wall-second, one process, after one warm-up file."""
    from kg.pipeline import extract_one

    extract_one(str(files[0]))
    cpu, wall = time.process_time(), time.perf_counter()
    for f in files:
        extract_one(str(f))
    return len(files) / (time.process_time() - cpu), len(files) / (time.perf_counter() - wall)


def jobs_wall(files: list[Path], jobs: int) -> float:
    from kg.pipeline import iter_extract

    start = time.perf_counter()
    for _ in iter_extract([str(f) for f in files], jobs=jobs):
        pass
    return time.perf_counter() - start


def bench_extraction(work: Path, n_text: int, n_other: int, jobs: int) -> None:
    say("== extraction")
    text = synth.generate(work / "x-text", n_text, "text")
    html = synth.generate(work / "x-html", n_other, "html")
    pdf = synth.generate(work / "x-pdf", max(2, n_other // 5), "pdf")
    for kind, files in (("text", text), ("pdf", pdf), ("html", html)):
        cpu_rate, wall_rate = per_core(files)
        line = f"extraction {kind:<4}: {cpu_rate:7.1f} reports/s per core (CPU time; {wall_rate:.1f}/s wall), {len(files)} reports"
        if kind == "text":
            line += f"  target >= {TARGET_TEXT_PER_CORE:.0f}: ratio {cpu_rate / TARGET_TEXT_PER_CORE:.2f} {verdict(cpu_rate >= TARGET_TEXT_PER_CORE)}"
        say(line)
    one = jobs_wall(text, 1)
    many = jobs_wall(text, jobs)
    say(f"extraction --jobs {jobs}: {len(text) / many:.1f} reports/s vs {len(text) / one:.1f} with --jobs 1 "
        f"(wall, pool start-up included): speed-up {one / many:.2f}x on {os.cpu_count()} cores")


# ----------------------------------------------------------------------------- the store


def store_available() -> bool:
    try:
        import kg.store  # noqa: F401
    except ImportError:
        return False
    return True


SAMPLE_S = 1.0  # reading every process's memory map took half a core at 0.1 s, slowing the build measured
# PSS (the kernel's walk of every mapped page) every this many samples: each second it took a
# sixth of a core from a build of a 10 GB store; RSS (a counter) is read every sample
PSS_EVERY = 10


class TreeRss:
    """Peaks of the summed RSS and PSS of a process and its descendants, sampled every second (PSS every tenth; psutil).

    RSS counts the pages the workers share with the server they were forked from once per
    process; PSS (proportional set size) splits each shared page between its sharers, so
    the summed PSS is the memory the build takes from the machine.
    """

    def __init__(self, pid: int):
        self.peak = 0
        self.peak_pss = 0
        self._done = threading.Event()
        try:
            import psutil

            self._proc = psutil.Process(pid)
        except (ImportError, Exception):  # noqa: BLE001 - no psutil: only getrusage's figure
            self._proc = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        samples = 0
        while self._proc is not None and not self._done.wait(SAMPLE_S):
            samples += 1
            full = samples % PSS_EVERY == 1
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
                total = pss = 0
                for p in procs:
                    try:
                        info = p.memory_full_info() if full else p.memory_info()
                        total += info.rss
                        pss += getattr(info, "pss", info.rss)
                    except Exception:  # noqa: BLE001 - a worker that just ended
                        pass
                self.peak = max(self.peak, total)
                if full:
                    self.peak_pss = max(self.peak_pss, pss)
            except Exception:  # noqa: BLE001 - the build ended
                return

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def run_build(corpus: Path, store: Path, jobs: int) -> dict:
    """``kg build CORPUS --store STORE --jobs N`` in a subprocess: wall time, output, peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen([*KG, "build", str(corpus), "--store", str(store), "--jobs", str(jobs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree = TreeRss(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    tree_peak = tree.stop()
    tree_pss = tree.peak_pss
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    if proc.returncode != 0:
        say(f"  kg build exited {proc.returncode}: {(err.strip().splitlines() or [''])[-1]}")
    found = re.search(r"(\d+) reports, (\d+) triples", out)
    return {
        "seconds": seconds,
        "reports": int(found.group(1)) if found else 0,
        "triples": int(found.group(2)) if found else 0,
        "rss": rss if rss > before * 1024 else None,  # None: an earlier child was larger
        "tree_rss": tree_peak,
        "tree_pss": tree_pss,
        "line": out.strip(),
        "code": proc.returncode,
    }


def run_extract(corpus: Path, output: Path, *options: str) -> float:
    """Wall seconds of ``kg extract CORPUS -o OUTPUT OPTIONS`` (e.g. ``--jobs 2``) in a subprocess."""
    start = time.perf_counter()
    subprocess.run([*KG, "extract", str(corpus), "-o", str(output), *options], check=True, capture_output=True)
    return time.perf_counter() - start


def disk_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def load_throughput(files: list[Path], store: Path, jobs: int) -> tuple[int, float]:
    """Triples per second of the store's writing alone, as a build writes (reports extracted
    and formatted beforehand, then written through ReportWriter.batch: the bulk loader)."""
    from kg.pipeline import iter_extract
    from kg.store_open import open_store
    from kg.writer import prepare

    facts = [o for _, o in iter_extract([str(f.resolve()) for f in files], jobs=jobs) if not isinstance(o, Exception)]
    reports = [prepare(f) for f in facts]
    with open_store(store, create=True) as db:
        db.refresh_ontology()
        start_triples = db.triple_count()
        start = time.perf_counter()
        with db.batch():
            for report in reports:
                db.put_prepared(report)
        seconds = time.perf_counter() - start
        triples = db.triple_count() - start_triples
    return triples, seconds


# queries with parameters are also timed with these (a typical question rather than every figure)
PARAMETERS = {"figure-evidence": {"metric_key": "applications_received", "year": "2023"}}
SLOW_S = 5.0  # a query whose first run is slower than this is timed once more (its p95 is that time)


def p95(times: list[float]) -> float:
    """The 95th percentile of some timings (the one timing when there is one)."""
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def question(name: str, params: dict[str, str] | None) -> str:
    """A question as printed: its name and the parameters it was asked with."""
    return name + (" (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else "")


def query_latency(store: Path, size: int, repeat: int, skip: frozenset[str] = frozenset()) -> None:
    from kg.query import list_queries
    from kg.store_open import open_store

    worst = 0.0
    with open_store(store, read_only=True) as db:  # as kg query and kg serve open it
        runs = [(info.name, None) for info in list_queries() if info.name not in skip]
        runs += list(PARAMETERS.items())  # (--skip leaves these: the question a user asks of a store)
        for name, params in runs:
            # a first run reads the store from disk into the page cache: printed, then timed again
            # as a served store answers (the page timings below also start after a warm-up)
            start = time.perf_counter()
            _, result = db.query(name, params)
            first = time.perf_counter() - start
            times, rows = [], len(result)
            for _ in range(repeat if first <= SLOW_S else 1):
                start = time.perf_counter()
                _, result = db.query(name, params)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            slowest = p95(times)
            # a query of PARAMETERS run without them lists everything it can (every figure of the
            # corpus for figure-evidence): an export, printed but not held to the target
            export = params is None and name in PARAMETERS
            worst = worst if export else max(worst, slowest)
            line = (f"  {size:>7} reports  {question(name, params):<34} median {median * 1000:8.1f} ms  p95 {slowest * 1000:8.1f} ms  "
                    f"({rows} rows, {len(times)} runs after a first of {first * 1000:.0f} ms)")
            if export:
                line += "  (no parameters: everything at once, an export; not held to the target)"
            elif size >= 20000:
                line += f"  target <= 1 s: {verdict(slowest <= TARGET_QUERY_S)}"
            say(line)
    say(f"  {size:>7} reports  slowest question p95 {worst * 1000:.1f} ms" + (f"  {verdict(worst <= TARGET_QUERY_S)}" if size >= 20000 else ""))


# ----------------------------------------------------------------------------- web pages

PAGE_REQUESTS = 20  # per kind of page, after one warm-up request
TURTLE, JSON_LD = "text/turtle", "application/ld+json"
PREFIXES = """PREFIX kg: <https://w3id.org/govinfo-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX qb: <http://purl.org/linked-data/cube#>
"""
# a spread over the store rather than its first rows: ordered by a hash of the IRI
AGENCIES = "SELECT ?x ?label WHERE { ?x a org:FormalOrganization ; dcterms:identifier ?id ; skos:prefLabel ?label } ORDER BY MD5(STR(?x)) LIMIT 20"
REPORTS = "SELECT ?x ?year WHERE { ?x a schema:Report ; kg:reportYear ?year } ORDER BY MD5(STR(?x)) LIMIT 20"
REGIONS = 'SELECT ?x ?label ?code WHERE { ?x kg:divisionLevel "LEVEL" ; skos:prefLabel ?label ; skos:notation ?code } ORDER BY MD5(STR(?x)) LIMIT 10'
OBSERVATIONS = """SELECT ?x WHERE { VALUES ?r { REPORTS } ?slice kg:sourceReport ?r . kg:disclosureStats qb:slice ?slice .
  ?slice qb:observation ?x . FILTER(REGEX(STR(?x), "/obs/[^/]+$")) }"""


class Served:
    """``kg serve --store STORE`` on a free port of 127.0.0.1 while in a ``with`` block."""

    def __init__(self, store: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen([*KG, "serve", "--store", str(store), "--port", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def __enter__(self) -> Served:
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited {self.process.returncode}: {self.process.communicate()[1].strip()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("kg serve did not listen within 60 s") from None
                time.sleep(0.1)

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def get(self, path: str, accept: str = "text/html") -> tuple[int, int, float, str]:
        """Status, body bytes, seconds and media type of one GET (a new connection, as a browser's first visit)."""
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            size = len(response.read())
        finally:
            connection.close()
        return response.status, size, time.perf_counter() - start, (response.getheader("Content-Type") or "").split(";")[0].strip()

    def select(self, query: str) -> list[dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request("GET", "/query?" + urlencode({"query": PREFIXES + query}), headers={"Accept": "text/csv"})
            response = connection.getresponse()
            body = response.read().decode("utf-8")
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"/query answered {response.status}: {body.strip()[:200]}")
        return list(csv.DictReader(io.StringIO(body)))


def path_of(iri: str) -> str:
    """A resource's page: its IRI's path on this server (https://w3id.org/govinfo-kg/id/… at /govinfo-kg/id/…)."""
    return quote(urlsplit(iri).path, safe="/")


def page_kinds(server: Served) -> list[tuple[str, list[str], str]]:
    """(kind, paths to cycle through, Accept) of every kind of page, on resources picked with SPARQL."""
    agencies, reports = server.select(AGENCIES), server.select(REPORTS)
    regions = {level: server.select(REGIONS.replace("LEVEL", level)) for level in ("province", "city", "county")}
    values = " ".join(f"<{r['x']}>" for r in reports)
    observations: dict[str, str] = {}
    for row in server.select(OBSERVATIONS.replace("REPORTS", values)) if reports else []:
        observations.setdefault(row["x"].split("/obs/")[0], row["x"])  # one per report
    names = [r["label"] for r in agencies] + [r["label"] for level in regions.values() for r in level]
    years = sorted({r["year"] for r in reports})
    kinds = [
        ("overview /", ["/"], "text/html"),
        ("search", ["/search?" + urlencode({"q": n}) for n in names], "text/html"),
        *((f"region ({level})", [path_of(r["x"]) for r in rows], "text/html") for level, rows in regions.items()),
        ("agency", [path_of(r["x"]) for r in agencies], "text/html"),
        ("report", [path_of(r["x"]) for r in reports], "text/html"),
        ("observation (evidence)", [path_of(x) for x in observations.values()], "text/html"),
        ("checks", ["/checks"] + ["/checks?" + urlencode({"region": r["code"]}) for r in regions["city"]]
         + ["/checks?" + urlencode({"year": y}) for y in years], "text/html"),
        ("query form result", ["/queries/applications-per-year"], "text/html"),
        ("sparql page", ["/sparql"], "text/html"),
        ("catalog", ["/catalog"], "text/html"),
        ("void", ["/.well-known/void"], TURTLE),
        ("agency as Turtle", [path_of(r["x"]) for r in agencies], TURTLE),
        ("agency as JSON-LD", [path_of(r["x"]) for r in agencies], JSON_LD),
        ("report as Turtle", [path_of(r["x"]) for r in reports], TURTLE),
        ("report as JSON-LD", [path_of(r["x"]) for r in reports], JSON_LD),
    ]
    return [(kind, paths, accept) for kind, paths, accept in kinds]


def page_latency(store: Path, size: int | None = None, requests: int = PAGE_REQUESTS) -> None:
    """p50 and p95 of every kind of page of ``kg serve`` on STORE; a page not served (yet) shows its status."""
    say(f"== web pages: kg serve --store {store} (read-only, 2 workers); {requests} requests of each kind after a warm-up, "
        f"load average {os.getloadavg()[0]:.2f}")
    with Served(store) as server:
        try:
            if size is None:
                size = int(server.select("SELECT (COUNT(?r) AS ?n) WHERE { ?r a schema:Report }")[0]["n"])
            kinds = page_kinds(server)
        except RuntimeError as error:
            say(f"  {size:>7} reports  pages: no resources picked ({error})")
            return
        worst = 0.0
        for kind, paths, accept in kinds:
            if not paths:
                say(f"  {size:>7} reports  page {kind:<24} no resource of this kind in the store")
                continue
            server.get(paths[0], accept)  # warm-up: the worker's caches, the template's compilation
            runs = [server.get(paths[i % len(paths)], accept) for i in range(requests)]
            times = [run[2] * 1000 for run in runs]
            statuses = sorted({run[0] for run in runs})
            types = sorted({run[3] for run in runs if run[0] == 200} - {accept})
            p50 = statistics.median(times)
            slowest = p95(times)
            line = (f"  {size:>7} reports  page {kind:<24} p50 {p50:7.1f} ms  p95 {slowest:7.1f} ms  "
                    f"({requests} requests, {min(len(paths), requests)} resource{'s' if len(paths) > 1 else ''}, {statistics.median(run[1] for run in runs) / 1024:.0f} KiB)")
            if types:  # content negotiation that did not give what was asked
                line += f"  answered {', '.join(types)} to Accept: {accept}"
            if statuses == [200]:
                worst = max(worst, slowest)
                line += f"  target <= {TARGET_PAGE_MS:.0f} ms: {verdict(slowest <= TARGET_PAGE_MS)}"
            else:
                line += "  status " + ", ".join(f"{s} x{sum(1 for r in runs if r[0] == s)}" for s in statuses) + " (not held to the target)"
            say(line)
        say(f"  {size:>7} reports  slowest page p95 {worst:.1f} ms (pages answered 200)  {verdict(worst <= TARGET_PAGE_MS)}")


def bench_store(work: Path, sizes: list[int], incremental: int, jobs: int, load_n: int, repeat: int) -> None:
    say("== store (kg build --store)")
    files = synth.generate(work / "load-corpus", load_n, "text")
    triples, seconds = load_throughput(files, work / "load-store", jobs)
    say(f"load into the store (ReportWriter.batch alone, the bulk loader): {triples / seconds:,.0f} triples/s ({triples:,} triples of {load_n} reports in {seconds:.1f} s)")
    for size in sorted(set(sizes) | {incremental}):
        started = time.perf_counter()
        corpus, store = work / f"corpus-{size}", work / f"store-{size}"
        synth.generate(corpus, size, "text")
        build = run_build(corpus, store, jobs)
        on_disk = disk_size(store)
        per_report = on_disk / max(build["reports"], 1) / 1024
        rate = build["reports"] / build["seconds"]
        say(f"build {size:>7} reports (--jobs {jobs}): {build['seconds']:.1f} s, {rate:.1f} reports/s, "
            f"{build['triples'] / build['seconds']:,.0f} triples/s end to end; {build['triples']:,} triples; "
            f"store on disk {on_disk / 2**20:,.0f} MiB ({per_report:.0f} KiB/report)"
            f"  target <= {TARGET_KIB_PER_REPORT:.0f} KiB/report: {verdict(per_report <= TARGET_KIB_PER_REPORT)}")
        if size == 1000:
            extract = run_extract(corpus, work / "records-1000.jsonl", "--jobs", str(jobs))
            say(f"  kg extract --jobs {jobs} of the same {size} files: {extract:.1f} s; the build takes {build['seconds'] / extract:.2f}x that"
                f"  targets >= {TARGET_BUILD_RATE:.0f} reports/s: {verdict(rate >= TARGET_BUILD_RATE)}, "
                f"<= {TARGET_BUILD_VS_EXTRACT}x extraction: {verdict(build['seconds'] <= TARGET_BUILD_VS_EXTRACT * extract)}")
        rss, tree, pss = build["rss"], build["tree_rss"], build["tree_pss"]
        shown = f"{rss / 2**20:,.0f} MiB build process" if rss else "build process n/a"
        line = (f"  peak memory of the {size}-report build: RSS {shown}; process tree (workers included) "
                f"RSS {tree / 2**20:,.0f} MiB, PSS {pss / 2**20:,.0f} MiB")
        if size == incremental or size >= 100_000:
            line += f"  target <= {rss_target(size) / GIB:.0f} GiB (tree PSS): ratio {pss / rss_target(size):.2f} {verdict(pss <= rss_target(size))}"
        say(line)
        changed = max(1, size // 100)
        step = size // changed
        for i in range(0, changed * step, step):
            synth.write_report(corpus, i, "text", figure_seed=1)
        again = run_build(corpus, store, jobs)
        ratio = again["seconds"] / build["seconds"]
        say(f"  re-run with {changed} of {size} reports changed: {again['seconds']:.1f} s = {ratio:.1%} of the full build"
            f"  target <= {incremental_target(size):.0%}: {verdict(ratio <= incremental_target(size))}  ({again['line']})")
        if size in sizes:
            query_latency(store, size, repeat)
            page_latency(store, size)
        say(f"  (size {size}: {time.perf_counter() - started:.0f} s spent)")
        shutil.rmtree(corpus, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,20000", help="query-latency sizes (comma-separated); full run: 1000,20000,100000")
    parser.add_argument("--reports", type=int, default=None, help="size of the incremental and memory cases (default 20000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a smoke run on tiny sizes (seconds)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    parser.add_argument("--latency", type=Path, default=None, metavar="STORE",
                        help="only time the shipped queries on this existing store (e.g. one a --keep run left)")
    parser.add_argument("--pages", type=Path, default=None, metavar="STORE",
                        help="only time kg serve's web pages on this existing store (served read-only)")
    parser.add_argument("--skip", default="", metavar="QUERIES",
                        help="with --latency: queries not to time without parameters (comma-separated names), e.g. figure-evidence")
    args = parser.parse_args()
    if args.latency is not None:
        from kg.store_open import open_store

        with open_store(args.latency) as db:
            size = len(db.report_graphs())
        query_latency(args.latency, size, 7, frozenset(n.strip() for n in args.skip.split(",") if n.strip()))
        return 0
    if args.pages is not None:
        page_latency(args.pages)  # the store only served (read-only), never opened here
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    incremental = args.reports or (20000 if 20000 in sizes or max(sizes) > 20000 else max(sizes))
    n_text, n_other, load_n, repeat = 600, 60, 300, 7
    if args.quick:
        sizes, incremental, n_text, n_other, load_n, repeat = [24], 24, 24, 6, 12, 2
    say(f"kg benchmark: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start "
        f"(other work on the machine lowers every figure), python {sys.version.split()[0]}")
    started = time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        bench_extraction(work, n_text, n_other, args.jobs)
        if store_available():
            bench_store(work, sizes, incremental, args.jobs, load_n, repeat)
        else:
            say("== store: kg.store is not available; load, size, latency, incremental and memory figures skipped")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    say(f"total {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
