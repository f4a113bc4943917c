"""Stage 1, file -> text: read a report file in the format its agency published it.

Every reader returns the same :class:`SourceText`: kg's text rendering of the document
(paragraphs one per line, table rows one per line with tab-separated cells) and its
tables as grids whose cells point into that text. Formats:

- ``.txt`` / ``.md``: UTF-8, UTF-16 (BOM) or GBK/GB18030 text (:mod:`kg.readers.text`);
- ``.pdf`` with a text layer (:mod:`kg.readers.pdf`);
- ``.docx`` (:mod:`kg.readers.docx`), and ``.doc``/``.wps`` through LibreOffice
  (:mod:`kg.readers.legacy`);
- ``.html``/``.htm`` saved portal pages, menus and footers left out (:mod:`kg.readers.html`).

Every problem is an :class:`~kg.errors.InputError` naming the file in one line.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.errors import InputError
from kg.readers.base import SourceText
from kg.readers.text import decode, read_text

__all__ = ["MEDIA_TYPES", "SourceText", "decode", "read_source", "supported"]

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".wps": "application/vnd.ms-works",
    ".html": "text/html",
    ".htm": "text/html",
}


def supported(path: str | Path) -> bool:
    return Path(path).suffix.lower() in MEDIA_TYPES


def read_source(path: str | Path) -> SourceText:
    """Read one report file; raise :class:`InputError` naming the file and the problem."""
    shown = str(path)
    path = Path(path)
    if not path.exists():
        raise InputError(shown, "no such file")
    if path.is_dir():
        raise InputError(shown, "is a directory (give files, or a directory to kg build/extract)")
    suffix = path.suffix.lower()
    if suffix not in MEDIA_TYPES:
        kinds = " ".join(sorted(MEDIA_TYPES))
        raise InputError(shown, f"unsupported file type '{suffix or '(none)'}': kg reads {kinds}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(shown, "empty file")
    sha256 = hashlib.sha256(data).hexdigest()
    media_type = MEDIA_TYPES[suffix]
    if suffix == ".pdf":
        from kg.readers.pdf import read_pdf

        return read_pdf(data, shown, sha256)
    if suffix == ".docx":
        from kg.readers.docx import read_docx

        return read_docx(data, shown, sha256)
    if suffix in (".doc", ".wps"):
        from kg.readers.legacy import read_legacy

        return read_legacy(path, shown, sha256, media_type)
    if suffix in (".html", ".htm"):
        from kg.readers.html import read_html

        return read_html(data, shown, sha256)
    return read_text(data, shown, sha256, media_type)
