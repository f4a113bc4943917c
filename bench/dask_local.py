#!/usr/bin/env python3
"""Extraction over a local Dask cluster against ``--jobs``: the same files, the same machine.

usage: dask_local.py CORPUS [--workers 1,2,4] [--jobs 2]

Starts a ``distributed.LocalCluster`` of N single-threaded worker processes on 127.0.0.1 for
each N, runs ``kg extract CORPUS --scheduler tcp://...`` against it, then ``kg extract CORPUS
--jobs J``, and prints the wall time and reports/s of each (cluster start-up not counted; the
extraction's own start-up is). The records are compared: a cluster must give the same output.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

from bench import run_extract  # bench/bench.py: run as a script, this folder comes first on the path


def run(corpus: Path, out: Path, *options: str) -> tuple[float, str]:
    """Wall seconds of kg extract with ``options``, and the sha256 of the records it wrote."""
    return run_extract(corpus, out, *options), hashlib.sha256(out.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from distributed import LocalCluster

    files = sum(1 for p in args.corpus.rglob("*") if p.is_file())
    with tempfile.TemporaryDirectory() as work:
        seconds, local = run(args.corpus, Path(work) / "jobs.jsonl", "--jobs", str(args.jobs))
        print(f"kg extract --jobs {args.jobs}: {seconds:.1f} s, {files / seconds:.1f} reports/s ({files} files)", flush=True)
        for n in (int(x) for x in args.workers.split(",")):
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                seconds, digest = run(args.corpus, Path(work) / f"dask{n}.jsonl", "--scheduler", cluster.scheduler_address)
            same = "same records" if digest == local else "RECORDS DIFFER"
            print(f"kg extract --scheduler (local Dask cluster, {n} worker processes x 1 thread): {seconds:.1f} s, "
                  f"{files / seconds:.1f} reports/s; {same}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
