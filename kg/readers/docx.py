"""Word (.docx): python-docx, the body walked in order so tables stay where they are.

``Document.iter_inner_content()`` yields paragraphs and tables in body order
(``Document.paragraphs`` silently drops tables). A table's grid repeats a merged cell in
every position it covers, horizontally (gridSpan) and vertically (vMerge), as python-docx's
``_Row.cells`` does; rows that start late or end early (gridBefore/gridAfter) are padded
with empty positions. The grid is built row by row remembering the cell above each column,
not with ``_Row.cells``, which follows a vertical merge up one row at a time (recursively,
and in time quadratic in its length), and spans are added up before they are expanded: a
table of more than ``table_cells`` positions is refused (:mod:`kg.limits`).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from docx.oxml.simpletypes import ST_Merge
from docx.oxml.table import CT_Tc
from docx.table import Table, _Cell

from kg.errors import InputError
from kg.limits import limits
from kg.readers.base import GridCell, SourceText, TextBuilder, clean_cell, table_too_large
from kg.readers.inflate import check_zip

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read_docx(data: bytes, shown: str, sha256: str, media_type: str = MEDIA_TYPE) -> SourceText:
    document = _open(data, shown)
    out = TextBuilder(shown)
    try:
        for block in document.iter_inner_content():
            if hasattr(block, "rows"):
                out.table(_grid(block, shown))
            else:
                for line in block.text.split("\n"):
                    out.line(line)
    except (KeyError, ValueError, AttributeError, IndexError) as exc:  # damaged XML parts
        raise InputError(shown, f"damaged Word file: {exc}") from None
    if not out.length:
        raise InputError(shown, "Word file with no text")
    return out.build(shown, sha256, media_type, "docx")


def _open(data: bytes, shown: str):
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError(shown, "not a .docx file: an old binary Word document (rename it .doc)")
        raise InputError(shown, "not a .docx file: not a zip archive")
    # zipfile reads the whole directory into objects before anything can be checked: count its
    # entries' signature first (a signature inside packed data only makes the count larger)
    members, most = data.count(b"PK\x01\x02"), limits().zip_members
    if members > most:
        raise InputError(shown, f"refused: a zip of about {members:,} files (kg reads at most {most:,}; KG_ZIP_MEMBERS)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise InputError(shown, "not a Word document: the zip has no word/document.xml")
            check_zip(archive, shown)  # every member within the limits, CRCs checked
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(shown, f"truncated or damaged .docx (bad zip: {exc})") from None
    try:
        import docx

        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on broken parts
        raise InputError(shown, f"damaged Word file: {type(exc).__name__}: {exc}") from None


def _grid(table: Table, shown: str) -> list[list[GridCell]]:
    limit = limits().table_cells
    size = 0
    texts: dict[CT_Tc, str] = {}
    above: dict[int, tuple[CT_Tc, int]] = {}  # grid offset -> (cell, span) starting there in the row above
    rows: list[list[GridCell]] = []
    for tr in table._tbl.tr_lst:
        placed: list[tuple[CT_Tc, int]] = []
        starts: dict[int, tuple[CT_Tc, int]] = {}
        offset = tr.grid_before
        for tc in tr.tc_lst:
            # a vertically merged cell stands for the cell starting at its offset in the row
            # above (python-docx's rule), spanning as that one does
            cell = above.get(offset, (tc, tc.grid_span)) if tc.vMerge == ST_Merge.CONTINUE else (tc, tc.grid_span)
            placed.append(cell)
            starts[offset] = cell
            offset += tc.grid_span
        size += tr.grid_before + sum(span for _, span in placed) + tr.grid_after
        if size > limit:
            raise table_too_large(shown)
        row: list[GridCell] = [(None, "")] * tr.grid_before
        for tc, span in placed:
            if tc not in texts:
                texts[tc] = clean_cell(_Cell(tc, table).text)
            row += [(tc, texts[tc])] * span
        row += [(None, "")] * tr.grid_after
        rows.append(row)
        above = starts
    return rows
