"""What every reader returns (:class:`SourceText`) and how it writes kg's text rendering.

The rendering is one paragraph per line; a table is one line per grid row with its
cells separated by a tab, a merged cell printed once (in its first grid position) and
left empty elsewhere. :class:`TextBuilder` writes those lines and records each table as
a :class:`~kg.model.Table` whose cells carry their offsets in the text, so a figure read
from a cell keeps its provenance. :func:`open_regular` opens an input (a report, a graph file)
only if it is a regular file.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError, KgError
from kg.limits import limits
from kg.model import Table, TableCell


def open_regular(path: str | Path, shown: str, error: type[KgError]) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; else ``error(shown, problem)``.

    Checked before opening (opening a device can have effects of its own), then opened without
    blocking and checked again on the open descriptor: opening a FIFO for reading would wait
    for a writer, and another file could be put in the name's place meanwhile."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise error(shown, "not a regular file")
        handle = open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NONBLOCK))  # noqa: SIM115
    except FileNotFoundError:
        raise error(shown, "no such file") from None
    except IsADirectoryError:
        raise error(shown, "not a regular file") from None
    except OSError as problem:
        raise error(shown, f"cannot read: {problem.strerror or problem}") from None
    try:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise error(shown, "not a regular file")
        os.set_blocking(handle.fileno(), True)
        return handle
    except BaseException:
        handle.close()
        raise


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


# A grid cell as a reader sees it: an identity shared by every position a merged cell
# covers (None for a position no cell covers) and the cell's text.
GridCell = tuple[Hashable | None, str]

_CJK = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’—…·《》"
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_SPACES = re.compile(r"\s+")


def check_length(length: int, shown: str, more: bool = False) -> None:
    """Refuse a text of more than ``text_chars`` characters (``more``: read only in part so far)."""
    limit = limits().text_chars
    if length > limit:
        size = f"more than {limit:,}" if more else f"{length:,}"
        raise InputError(shown, f"too large: {size} characters of text (kg reads at most {limit:,}; KG_TEXT_CHARS)")


def table_too_large(shown: str) -> InputError:
    """The error for a table whose grid, merged cells expanded, passes ``table_cells``."""
    limit = limits().table_cells
    return InputError(shown, f"refused: a table of more than {limit:,} cells once merged cells are expanded; raise KG_TABLE_CELLS to read it")


def clean_cell(text: str | None) -> str:
    """A cell's printed text on one line: line breaks and spaces next to Chinese removed,
    other runs of white space made one space. ``0``, ``/``, ``—`` and blank stay apart."""
    if not text:
        return ""
    text = text.replace("\u00a0", " ").replace("\u3000", " ").strip()
    text = _SPACE_NEAR_CJK.sub("", text)
    return _SPACES.sub(" ", text)


class TextBuilder:
    """Collects lines and tables in reading order and produces a :class:`SourceText`;
    refuses the file (``shown``) once the text grows past ``text_chars`` characters."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.limit = limits().text_chars
        self.parts: list[str] = []
        self.length = 0
        self.tables: list[Table] = []
        self.pages: list[int] = []

    def line(self, text: str) -> None:
        """One paragraph (or line of one); blank lines are not written."""
        text = text.rstrip()
        if text.strip():
            self._write(text + "\n")

    def page(self) -> None:
        """Mark that a new page starts here."""
        self.pages.append(self.length)

    def table(self, grid: Sequence[Sequence[GridCell]], page: int | None = None, continues: bool = False) -> Table | None:
        """Write a grid (rows of cells, merged cells repeated) as tab-separated lines.

        With ``continues`` the rows are appended to the previous table (a table that a
        page break split), which must be the last thing written.
        """
        width = max((len(row) for row in grid), default=0)
        if not width:
            return None
        start = self.length
        printed: dict[Hashable, TableCell] = {}
        rows = []
        for row in grid:
            row = list(row) + [(None, "")] * (width - len(row))
            line_start = self.length
            pieces, cells = [], []
            pos = line_start
            for k, (identity, text) in enumerate(row):
                if k:
                    pos += 1  # the tab
                if identity is not None and identity in printed:
                    cell = printed[identity]
                    shown = ""
                else:
                    cell = TableCell(text, pos, pos + len(text))
                    if identity is not None:
                        printed[identity] = cell
                    shown = text
                cells.append(cell)
                pieces.append(shown)
                pos += len(shown)
            self._write("\t".join(pieces) + "\n")
            rows.append(tuple(cells))
        end = self.length - 1
        if continues and self.tables:
            previous = self.tables[-1]
            table = Table(previous.index, previous.page, previous.start, end, previous.rows + tuple(rows))
            self.tables[-1] = table
        else:
            table = Table(len(self.tables), page, start, end, tuple(rows))
            self.tables.append(table)
        return table

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.length > self.limit:
            check_length(self.length, self.shown, more=True)

    def build(self, source: str, sha256: str, media_type: str, encoding: str) -> SourceText:
        text = "".join(self.parts)
        return SourceText(
            source=source,
            text=text,
            sha256=sha256,
            media_type=media_type,
            encoding=encoding,
            tables=tuple(self.tables),
            pages=tuple(self.pages),
        )
