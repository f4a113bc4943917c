#!/usr/bin/env python3
"""The shipped questions on Virtuoso: a kg store bulk-loaded into a new Virtuoso, each question
timed there as bench.py times it on kg's own store.

usage: bench/virtuoso_questions.py STORE [--work DIR] [--dump FILE] [--buffers N] [--repeat N]

``kg export`` of STORE (or ``--dump``, an export already made) and kg's ontology are loaded
with ``ld_dir`` + ``rdf_loader_run`` into a new Virtuoso (tests/virtuoso.py) with ``--buffers``
pages of 8 KiB of cache; then every shipped question (and figure-evidence with bench.py's
parameters) is sent as kg binds it, over HTTP with JSON results: a first run, then
``--repeat`` runs for the median and p95. A question Virtuoso refuses prints its one-line
error. Needs Virtuoso (Debian package virtuoso-opensource). Writes only under DIR (a new
temporary folder by default, removed after).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench import PARAMETERS, p95, question  # noqa: E402
from kg import resources  # noqa: E402
from kg.query import bound_text, list_queries  # noqa: E402
from kg.vocab import ONTOLOGY  # noqa: E402
from push import timed, KG  # noqa: E402
from tests.virtuoso import virtuoso  # noqa: E402

TIMEOUT_S = 120


def ask(url: str, text: str) -> tuple[float, int]:
    """Seconds to Virtuoso's whole JSON answer to ``text``, and its number of rows."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        answer = json.load(response)
    return time.perf_counter() - started, len(answer["results"]["bindings"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--dump", type=Path, default=None, help="an N-Quads export of STORE already made (kg export -o FILE.nq)")
    parser.add_argument("--buffers", type=int, default=170_000, help="Virtuoso's NumberOfBuffers (8 KiB each; default about 1.3 GiB)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        raise SystemExit("virtuoso_questions.py: Virtuoso is not installed (Debian package virtuoso-opensource)")
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-virtuoso-questions-"))
    dump = work / "dump"
    dump.mkdir(parents=True, exist_ok=True)
    if args.dump is None:
        exported = timed(KG, "export", "--store", args.store, "-o", dump / "store.nq")
    else:
        (dump / "store.nq").unlink(missing_ok=True)
        (dump / "store.nq").symlink_to(args.dump.resolve())
        exported = 0.0
    resources.ontology_graph().serialize(dump / "ontology.nt", format="nt", encoding="utf-8")
    with virtuoso(work, buffers=args.buffers) as server:
        started = time.monotonic()
        server.bulk_load((dump, "store.nq", "https://w3id.org/govinfo-kg/unused"), (dump, "ontology.nt", ONTOLOGY))
        loaded = time.monotonic() - started
        print(f"kg export {exported:.1f} s; Virtuoso ld_dir + rdf_loader_run + checkpoint {loaded:.1f} s "
              f"(NumberOfBuffers {args.buffers:,})", flush=True)
        runs = [(info.name, None) for info in list_queries()] + list(PARAMETERS.items())
        for name, params in runs:
            text = bound_text(name, params)
            shown = question(name, params)
            try:
                first, rows = ask(server.url + "/sparql", text)
                times = [ask(server.url + "/sparql", text)[0] for _ in range(max(1, args.repeat))]
            except (urllib.error.URLError, OSError, ValueError) as error:
                detail = error.read().decode("utf-8", "replace") if isinstance(error, urllib.error.HTTPError) else str(error)
                print(f"  {shown:<34} refused: {' '.join(detail.split())[:160]}", flush=True)
                continue
            print(f"  {shown:<34} median {statistics.median(times) * 1000:8.1f} ms  p95 {p95(times) * 1000:8.1f} ms  "
                  f"({rows} rows, first {first * 1000:.0f} ms)", flush=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
