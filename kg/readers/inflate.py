"""Compressed parts measured before a reader inflates them: a Word file's zip members and a
PDF's Flate streams.

python-docx and PDFium inflate a part whole, in memory, before looking at it, so a
decompression bomb (a megabyte that inflates to gigabytes) would fill the memory or parse for
minutes. Here each part is inflated first in 1 MB pieces that are counted and thrown away;
a part that inflates past ``unpacked_mb`` MB (all parts together too), or a part of more than
1 MB that inflates to more than ``unpack_ratio`` times its packed size, is refused
(:mod:`kg.limits`). Real reports are far below both: their XML and content streams compress
5-20 times, a run of the same byte 1000 times. Checking costs about 10 ms for a 300 KB PDF.

A PDF image is not measured: kg reads text and ruling lines, and PDFium does not inflate
an image it is not asked to draw.
"""

from __future__ import annotations

import re
import zipfile
import zlib

from kg.errors import InputError
from kg.limits import limits

PIECE = 1 << 20  # bytes inflated at a time
RATIO_FROM = 1 << 20  # parts inflating to less than this are not held to the ratio
MB = 1 << 20

STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\b")
LOOK_BACK = 4096  # bytes before a stream searched for its object header and dictionary
IMAGE = re.compile(rb"/Subtype\s*/Image\b")


class _Budget:
    """What the parts of one file have inflated to so far."""

    def __init__(self, shown: str):
        self.shown = shown
        self.limit = limits().unpacked_mb * MB
        self.ratio = limits().unpack_ratio
        self.total = 0

    def grow(self, part: str, size: int, added: int) -> None:
        """``part`` has inflated to ``size`` bytes, ``added`` of them new: refuse the file past the limits."""
        self.total += added
        if size > self.limit:
            self.refuse(f"{part} inflates past {self.limit // MB} MB", "KG_UNPACKED_MB")
        if self.total > self.limit:
            self.refuse(f"its compressed parts inflate past {self.limit // MB} MB in all", "KG_UNPACKED_MB")

    def done(self, part: str, packed: int, size: int) -> None:
        """``part`` inflated to ``size`` bytes from ``packed``: refuse a ratio no report has."""
        if size > RATIO_FROM and size > self.ratio * max(packed, 1):
            self.refuse(f"{part} inflates {size // max(packed, 1):,} times its packed size (at most {self.ratio})", "KG_UNPACK_RATIO")

    def refuse(self, what: str, variable: str):
        raise InputError(self.shown, f"refused: {what} (a decompression bomb?); raise {variable} to read it")


def check_zip(archive: zipfile.ZipFile, shown: str) -> None:
    """Inflate every member (sizes as declared and as read, CRCs checked) within the limits.

    zipfile stops a member at its declared size and fails its CRC when the data says more,
    so the declared size is checked first and the read confirms it.
    """
    budget = _Budget(shown)
    for info in archive.infolist():
        budget.grow(info.filename, info.file_size, 0)
        size = 0
        with archive.open(info) as part:
            while piece := part.read(PIECE):
                size += len(piece)
                budget.grow(info.filename, size, len(piece))
        budget.done(info.filename, info.compress_size, size)


def check_pdf(data: bytes, shown: str) -> None:
    """Inflate every Flate stream of a PDF, images aside, within the limits."""
    budget = _Budget(shown)
    view = memoryview(data)
    for m in STREAM.finditer(data):
        head = data[max(0, m.start() - LOOK_BACK) : m.start()]
        objects = list(OBJECT.finditer(head))
        dictionary = head[objects[-1].end() :] if objects else head
        if b"/FlateDecode" not in dictionary or IMAGE.search(dictionary):
            continue
        part = f"the stream of object {int(objects[-1].group(1))}" if objects else f"the stream at byte {m.end()}"
        _inflate(view[m.end() :], part, budget)


def _inflate(packed: memoryview, part: str, budget: _Budget) -> None:
    inflater = zlib.decompressobj()
    size = used = 0
    try:
        while not inflater.eof and used < len(packed):
            piece: memoryview | bytes = packed[used : used + PIECE]
            used += len(piece)
            while piece and not inflater.eof:  # at the end, unconsumed_tail keeps what follows
                out = inflater.decompress(piece, PIECE)
                size += len(out)
                budget.grow(part, size, len(out))
                piece = inflater.unconsumed_tail
    except zlib.error:
        pass  # a damaged stream is PDFium's to judge; what it inflated to so far is counted
    budget.done(part, used - len(inflater.unused_data), size)
