#!/usr/bin/env python3
"""How fast kg push fills an endpoint, and how fast Virtuoso's bulk loader takes the same store.

usage: bench/push.py STORE [--work DIR]

For STORE (a kg store): ``kg push`` into a new Virtuoso (tests/virtuoso.py) and into a new
``kg serve --writable``, each timed as a user runs it (the command, start-up included); a
second push with nothing changed (what the journal's hashing costs); then ``kg export -o
x.nq`` loaded into another new Virtuoso with ``ld_dir`` + ``rdf_loader_run``. Prints one
Markdown table. Needs Virtuoso (Debian package virtuoso-opensource). Writes only under DIR.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.store_open import open_store  # noqa: E402
from tests.hostile import stop  # noqa: E402
from tests.virtuoso import virtuoso  # noqa: E402

KG = str(Path(sys.executable).parent / "kg")


def timed(*command: str | Path) -> float:
    started = time.monotonic()
    run = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    seconds = time.monotonic() - started
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))}: exit {run.returncode}: {run.stderr[-500:]}")
    print(f"  {' '.join(map(str, command[:2]))}: {seconds:.2f} s; {run.stdout.strip()[-200:]}", file=sys.stderr)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-push-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    with open_store(args.store) as db:
        graphs, triples = len(db.all_graphs()), len(db.db)
    rows = []

    def row(what: str, seconds: float, count: bool = True, sent: int = triples) -> None:
        rate = f"{graphs / seconds:,.0f} | {sent / seconds:,.0f}" if count else "– | –"
        rows.append(f"| {what} | {seconds:.1f} | {rate} |")

    folder = work / "virtuoso-push"
    folder.mkdir()
    with virtuoso(folder) as server:
        journal = work / "virtuoso.push.jsonl"
        push = (KG, "push", "--store", args.store, "--endpoint", server.url + "/sparql-graph-crud", "--journal", journal)
        row("kg push into Virtuoso 7.2.5", timed(*push))
        row("the same again, nothing changed (hashing only)", timed(*push), count=False)

    empty, target = work / "empty", work / "served"
    empty.mkdir()
    timed(KG, "build", empty, "--store", target)
    port = _free_port()
    serving = subprocess.Popen([KG, "serve", "--store", str(target), "--writable", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/")
        journal = work / "serve.push.jsonl"
        row("kg push into kg serve --writable", timed(KG, "push", "--store", args.store, "--endpoint",
                                                       f"http://127.0.0.1:{port}/store", "--journal", journal))
    finally:
        stop(serving)

    folder = work / "virtuoso-load"
    folder.mkdir()
    dump = folder / "dump"
    dump.mkdir()
    exported = timed(KG, "export", "--store", args.store, "-o", dump / "store.nq")
    with virtuoso(folder) as server:
        started = time.monotonic()
        server.bulk_load((dump, "*.nq", "https://w3id.org/govinfo-kg/unused"))
        loaded = time.monotonic() - started
        print(f"  ld_dir + rdf_loader_run + checkpoint: {loaded:.2f} s", file=sys.stderr)
        answer = server.sql("SPARQL SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/govinfo-kg/')) };")
        words = answer.split()
        dumped = int(words[words.index(next(w for w in words if w.startswith("____"))) + 1])
        print(f"  triples loaded: {dumped}", file=sys.stderr)
    row("kg export -o store.nq (no ontology, no void graph)", exported, sent=dumped)
    row("Virtuoso ld_dir + rdf_loader_run + checkpoint", loaded, sent=dumped)
    row("export + bulk load", exported + loaded, sent=dumped)

    print(f"\n{graphs:,} graphs, {triples:,} triples ({args.store}); exported: {dumped:,} triples\n")
    print("| step | seconds | graphs/s | triples/s |\n|---|---:|---:|---:|")
    print("\n".join(rows))
    shutil.rmtree(work, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url}: no answer within {seconds:g} s")


if __name__ == "__main__":
    main()
