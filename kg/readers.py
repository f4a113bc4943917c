"""Stage 1, file -> text: read a report file and decode it, refusing what is not text.

Government files come in UTF-8 and, often, in GBK/GB2312/GB18030; both are detected.
PDF, Word and HTML readers arrive with issue 4; until then such files get a clear error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.model import Table

TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown", ".text": "text/plain"}
# Tried in order; gb18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class SourceText:
    """A decoded report: the text exactly as printed, plus where it came from."""

    source: str  # the path as the user gave it
    text: str
    sha256: str
    media_type: str
    encoding: str
    tables: tuple[Table, ...] = ()  # tables found by a PDF, Word or HTML reader
    pages: tuple[int, ...] = ()  # offsets in ``text`` where each page begins (PDF)


def supported(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def read_source(path: str | Path) -> SourceText:
    """Read and decode one report file; raise :class:`InputError` naming the problem."""
    shown = str(path)
    path = Path(path)
    if not path.exists():
        raise InputError(shown, "no such file")
    if path.is_dir():
        raise InputError(shown, "is a directory (give files, or a directory to kg build/extract)")
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise InputError(shown, f"unsupported file type '{suffix or '(none)'}': kg reads .txt and .md reports")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(shown, "empty file")
    text, encoding = decode(data, shown)
    return SourceText(
        source=shown,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=TEXT_SUFFIXES[suffix],
        encoding=encoding,
    )


def decode(data: bytes, shown: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(shown, "not a text file (invalid UTF-16)") from None
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise InputError(shown, "binary file, not text")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    raise InputError(shown, "cannot decode the text as UTF-8 or GB18030/GBK")


def _control_ratio(sample: bytes) -> float:
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(len(sample), 1)
