"""Plain text and Markdown: decode the bytes, refusing what is not text.

Government files come in UTF-8 and, often, in GBK/GB2312/GB18030; both are detected, as
is UTF-16 with a byte-order mark.
"""

from __future__ import annotations

from kg.errors import InputError
from kg.readers.base import SourceText

# Tried in order; gb18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")


def read_text(data: bytes, shown: str, sha256: str, media_type: str) -> SourceText:
    text, encoding = decode(data, shown)
    return SourceText(source=shown, text=text, sha256=sha256, media_type=media_type, encoding=encoding)


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
