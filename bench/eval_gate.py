#!/usr/bin/env python3
"""Evaluation gate: score kg's extraction on the bundled corpora against pinned floors.

usage: eval_gate.py [--update [--allow-regression]] [-v]

Corpora (all inside the repository, so the gate runs on a fresh clone):
  seeds     examples/*.txt                with gold in tests/data/gold/seeds/
  dev       tests/data/corpus/dev/*       with gold in tests/data/gold/dev/ (text, Markdown, PDF)
  formats   tests/data/formats/*          Word and HTML renderings of two dev reports, same gold

For each corpus the gate checks precision and F1 overall and F1 per family (header,
contact, platforms, stats), and the entity figures (region code precision and recall,
agency identity precision and recall over pairs of reports) against ``bench/eval_floors.json``, and a sha256 of every
input and gold file, so a quiet change to the corpus trips the gate. Extraction is
deterministic, so the allowance is only for float rounding. ``--update`` raises the
floors to the current scores and re-pins the hashes; it refuses to lower a floor
unless ``--allow-regression`` is given. The floors file is written atomically.
Exit 0 when every figure is at or above its floor, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.atomic import write_text  # noqa: E402
from kg.errors import KgError  # noqa: E402
from kg.evaluate import FAMILIES, load_golds, score, score_entities  # noqa: E402
from kg.extract import extract_file  # noqa: E402
from kg.readers import supported  # noqa: E402

FLOORS = ROOT / "bench" / "eval_floors.json"
ALLOWANCE = 1e-9
CORPORA = {
    "seeds": (ROOT / "examples", ROOT / "tests/data/gold/seeds"),
    "dev": (ROOT / "tests/data/corpus/dev", ROOT / "tests/data/gold/dev"),
    "formats": (ROOT / "tests/data/formats", ROOT / "tests/data/gold/formats"),
}


def corpus_files(inputs: Path, golds: Path) -> list[Path]:
    stems = {p.stem for p in golds.glob("*.json")}
    files = [p for p in sorted(inputs.iterdir()) if supported(p) and p.stem in stems]
    return files + sorted(golds.glob("*.json"))


def corpus_hash(inputs: Path, golds: Path) -> str:
    digest = hashlib.sha256()
    for path in corpus_files(inputs, golds):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def extract_corpus(name: str) -> tuple[dict, dict, dict[str, KgError]]:
    """Gold records, extracted records and extraction errors of one corpus, by file stem."""
    inputs, gold_dir = CORPORA[name]
    golds = load_golds(gold_dir)
    records, errors = {}, {}
    for path in sorted(p for p in inputs.iterdir() if supported(p) and p.stem in golds):
        try:
            records[path.stem] = extract_file(path).to_record()
        except KgError as error:
            errors[path.stem] = error
    return golds, records, errors


def measure(name: str) -> tuple[dict, list[str]]:
    """Scores of one corpus, and lines describing what was missed or extra."""
    golds, records, errors = extract_corpus(name)
    notes = [f"{name}: {error} (scored as missing every fact)" for error in errors.values()]
    result = score(golds, records)
    p, r, f = result.prf()
    figures = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    for family in FAMILIES:
        figures[f"f1.{family}"] = round(result.prf(family)[2], 4)
    notes += [f"{name}: {stem}: {kind} {fact[1]} = {fact[2]}" for stem, kind, fact in result.details]
    entities = score_entities(golds, records)
    figures.update({key: round(value, 4) for key, value in entities.figures().items()})
    notes += [f"{name}: {where}: {what}" for where, what in entities.details]
    return figures, notes


def check(floors: dict) -> tuple[bool, list[str]]:
    ok, lines = True, []
    for name in CORPORA:
        figures, _notes = measure(name)
        pinned = floors.get(name, {})
        if pinned.get("sha256") != corpus_hash(*CORPORA[name]):
            ok = False
            lines.append(f"{name}: corpus or gold changed since the floors were pinned (run with --update)")
        for key, value in figures.items():
            floor = pinned.get("floors", {}).get(key)
            if floor is None:
                continue
            status = "ok" if value + ALLOWANCE >= floor else "BELOW FLOOR"
            ok &= status == "ok"
            lines.append(f"{name:<9} {key:<14} {value:.4f}  floor {floor:.4f}  {status}")
    return ok, lines


def update(floors: dict, allow_regression: bool) -> tuple[dict, list[str]]:
    new, problems = {}, []
    for name in CORPORA:
        figures, _ = measure(name)
        old = floors.get(name, {}).get("floors", {})
        for key, value in figures.items():
            if key in old and value + ALLOWANCE < old[key] and not allow_regression:
                problems.append(f"{name} {key}: {value:.4f} would lower the floor {old[key]:.4f} (use --allow-regression)")
        kept = {k: (v if allow_regression else max(v, old.get(k, 0.0))) for k, v in figures.items() if k != "recall"}
        new[name] = {"sha256": corpus_hash(*CORPORA[name]), "floors": kept}
    return new, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="raise the floors to the current scores and re-pin the corpus hashes")
    parser.add_argument("--allow-regression", action="store_true", help="with --update, allow floors to go down")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every missed and extra fact")
    args = parser.parse_args(argv)
    floors = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    if args.verbose:
        for name in CORPORA:
            for line in measure(name)[1]:
                print(line)
    if args.update:
        new, problems = update(floors, args.allow_regression)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        write_text(FLOORS, json.dumps(new, indent=2, sort_keys=True) + "\n")
        print(f"floors written to {FLOORS.relative_to(ROOT)}")
        floors = new
    ok, lines = check(floors)
    print("\n".join(lines))
    print("eval gate: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
