"""Stage 1, file -> text: read a report file in the format its agency published it.

Every reader returns the same :class:`SourceText`: kg's text rendering of the document
(paragraphs one per line, table rows one per line with tab-separated cells) and its
tables as grids whose cells point into that text. Formats:

- ``.txt`` / ``.md``: UTF-8, UTF-16 (BOM) or GBK/GB18030 text (:mod:`kg.readers.text`);
- ``.pdf`` with a text layer (:mod:`kg.readers.pdf`);
- ``.docx`` (:mod:`kg.readers.docx`), and ``.doc``/``.wps`` through LibreOffice
  (:mod:`kg.readers.legacy`);
- ``.html``/``.htm`` saved portal pages, menus and footers left out (:mod:`kg.readers.html`).

Every problem is an :class:`~kg.errors.InputError` naming the file in one line. Only
regular files are read (not a device, pipe or socket), at most ``input_mb`` MB of them, and
a text of more than ``text_chars`` characters is refused (:mod:`kg.limits`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.errors import InputError
from kg.limits import limits
from kg.readers.base import SourceText, check_length, open_regular
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
    data = _read_bytes(path, shown)
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
    source = read_text(data, shown, sha256, media_type)
    check_length(len(source.text), shown)
    return source


def _read_bytes(path: Path, shown: str) -> bytes:
    """The file's bytes, at most ``input_mb`` MB; only a regular file is read (:func:`open_regular`)."""
    limit = limits().input_mb << 20
    with open_regular(path, shown, InputError) as file:
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(shown, f"too large: more than {limits().input_mb} MB (kg reads at most {limits().input_mb} MB; KG_INPUT_MB)")
    return data
