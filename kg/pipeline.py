"""Batches: walk the inputs, extract each report, keep going past bad files.

:func:`extract_file` (kg.extract) is a pure function of one file; this module only
finds the files and collects results and failures in input order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from kg.errors import InputError, KgError
from kg.extract import extract_file
from kg.model import ReportFacts
from kg.readers import supported


@dataclass
class BatchResult:
    reports: list[ReportFacts] = field(default_factory=list)
    failures: list[KgError] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return len(self.reports) + len(self.failures)


@dataclass
class Inputs:
    files: list[str]
    missing: list[KgError]
    skipped: dict[str, int]  # files of other types found under directories, by suffix


def find_inputs(paths: Iterable[str | Path]) -> Inputs:
    """Files named directly (whatever their type) and report files found under directories.

    A missing path is a failure, reported with the others at the end of the batch; files
    of types kg does not read, found while walking a directory, are counted, not failed.
    """
    files: list[str] = []
    missing: list[KgError] = []
    skipped: dict[str, int] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for p in sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)):
                if supported(p):
                    files.append(str(p))
                else:
                    suffix = p.suffix.lower() or "(none)"
                    skipped[suffix] = skipped.get(suffix, 0) + 1
        elif path.exists():
            files.append(str(given))
        else:
            missing.append(InputError(str(given), "no such file or directory"))
    return Inputs(files, missing, skipped)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def extract_batch(files: list[str], on_done: Callable[[str], None] | None = None) -> BatchResult:
    result = BatchResult()
    for file in files:
        try:
            result.reports.append(extract_file(file))
        except KgError as error:
            result.failures.append(error)
        except (OSError, UnicodeError, ValueError) as error:  # never a traceback for one bad file
            result.failures.append(InputError(file, f"cannot be processed: {error}"))
        if on_done:
            on_done(file)
    return result
