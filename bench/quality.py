#!/usr/bin/env python3
"""Quality report: kg's extraction on the bundled corpora, as Markdown for docs/quality.md.

usage: quality.py [--corpus NAME ...] [-o FILE]

Prints, fact by fact (kg.evaluate's rules, the same as bench/eval_gate.py):
  1. per corpus (seeds, dev, formats): gold facts, tp, fp, fn, precision, recall, F1;
  2. for dev, the same by source family (the MANIFEST's repository column), by template,
     by agency level, and by fact family (header, contact, platforms, stats);
  3. every remaining miss and extra on dev, one line each, grouped by file, with an
     empty cause column for a person to fill in.
A file whose extraction fails counts as missing every fact and is listed with its error.
kg.evaluate does not score region_code or agency identity, so the report has no entity
figures. ``-o FILE`` writes the Markdown atomically instead of printing it.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _eval_gate():
    # loaded by path: as a script, bench/ comes first on sys.path and `bench` is bench.py
    spec = importlib.util.spec_from_file_location("eval_gate", ROOT / "bench" / "eval_gate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EVAL_GATE = _eval_gate()  # one definition of the corpora and of how they are extracted
CORPORA = EVAL_GATE.CORPORA
from kg.atomic import write_text  # noqa: E402
from kg.evaluate import FAMILIES, Score, score  # noqa: E402

MANIFEST = ROOT / "tests/data/corpus/dev/MANIFEST.tsv"
UNLISTED = "(not in MANIFEST)"
HEADER = ["gold", "tp", "fp", "fn", "precision", "recall", "F1"]


def run(name: str) -> tuple[dict, dict, dict]:
    """Gold records, extracted records and extraction errors of one corpus, by file stem."""
    golds, records, failed = EVAL_GATE.extract_corpus(name)
    # the file's name, not the machine's absolute path
    errors = {stem: f"{Path(error.path).name}: {error.message}" for stem, error in failed.items()}
    inputs = CORPORA[name][0]
    for stem in golds:
        if stem not in records and stem not in errors:
            errors[stem] = f"{stem}: no input file in {inputs.relative_to(ROOT)}"
    return golds, records, errors


def manifest() -> dict[str, dict]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return {Path(row["file"]).stem: row for row in csv.DictReader(handle, delimiter="\t")}


def counts(result: Score, family: str | None = None) -> list[str]:
    fams = [family] if family else list(FAMILIES)
    tp, fp, fn = (sum(getattr(result, kind)[f] for f in fams) for kind in ("tp", "fp", "fn"))
    p, r, f = result.prf(family)
    return [str(tp + fn), str(tp), str(fp), str(fn), f"{p:.3f}", f"{r:.3f}", f"{f:.3f}"]


def table(columns: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def subset(mapping: dict, stems: list[str]) -> dict:
    return {stem: mapping[stem] for stem in stems if stem in mapping}


def breakdown(title: str, column: str, golds: dict, records: dict, key) -> list[str]:
    """One table: the dev files grouped by ``key(stem)``, each group scored on its own."""
    groups: dict[str, list[str]] = {}
    for stem in golds:
        groups.setdefault(key(stem), []).append(stem)
    rows = [[label, str(len(stems))] + counts(score(subset(golds, stems), subset(records, stems)))
            for label, stems in sorted(groups.items())]
    return [f"### dev by {title}", ""] + table([column, "files"] + HEADER, rows)


def shown(fact: tuple[str, str, str]) -> str:
    family, _field, value = fact
    if family == "stats":  # scored as "value|=" or "value|~"; the pipe would split the table cell
        number, flag = value.split("|")
        value = number + (" (approx)" if flag == "~" else "")
    return value.replace("|", "\\|")


def report(names: list[str]) -> str:
    lines = ["# Extraction quality", "",
             "Fact by fact against the gold records (kg.evaluate). A file whose extraction fails "
             "counts as missing every fact. kg.evaluate does not score region_code or agency "
             "identity, so there are no entity figures.", ""]
    runs = {name: run(name) for name in names}
    results = {name: score(golds, records) for name, (golds, records, _) in runs.items()}
    rows = [[name, str(len(runs[name][0]))] + counts(results[name]) for name in names]
    lines += ["## Per corpus", ""] + table(["corpus", "files"] + HEADER, rows)

    failures = [(name, error) for name in names for _stem, error in sorted(runs[name][2].items())]
    if failures:
        lines += ["## Failed extractions", ""]
        lines += [f"- {name}: {error}" for name, error in failures] + [""]

    if "dev" not in names:
        return "\n".join(lines)
    golds, records, _ = runs["dev"]
    rows_of = manifest()

    def column(name: str):
        return lambda stem: (rows_of.get(stem) or {}).get(name) or UNLISTED

    lines += ["## dev breakdowns", ""]
    lines += breakdown("source family", "repository", golds, records, column("repository"))
    lines += breakdown("template", "template", golds, records, column("template"))
    lines += breakdown("agency level", "agency_level", golds, records, column("agency_level"))
    rows = [[family] + counts(results["dev"], family) for family in FAMILIES]
    lines += ["### dev by fact family", ""] + table(["family"] + HEADER, rows)

    lines += ["## dev misses and extras", ""]
    details = sorted(results["dev"].details, key=lambda d: (d[0], d[1], d[2][0], d[2][1], d[2][2]))
    if not details:
        return "\n".join(lines + ["None.", ""])
    rows = [[stem, kind, f"{fact[0]}.{fact[1]}", shown(fact), ""] for stem, kind, fact in details]
    return "\n".join(lines + table(["file", "kind", "fact", "value", "cause"], rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only this corpus (repeatable); default all")
    parser.add_argument("-o", "--output", type=Path, help="write the Markdown to FILE (atomically) instead of stdout")
    args = parser.parse_args(argv)
    names = [name for name in CORPORA if name in (args.corpus or CORPORA)]
    text = report(names)
    if args.output:
        write_text(args.output, text)
        print(f"quality report written to {args.output}")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
