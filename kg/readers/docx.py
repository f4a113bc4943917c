"""Word (.docx): python-docx, the body walked in order so tables stay where they are.

``Document.iter_inner_content()`` yields paragraphs and tables in body order
(``Document.paragraphs`` silently drops tables). python-docx returns the same cell
(``_tc``) for every grid position a merged cell covers, horizontally (gridSpan) and
vertically (vMerge), so the grid keeps merged cells repeated; rows that start late or
end early (gridBefore/gridAfter) are padded with empty positions.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from kg.errors import InputError
from kg.readers.base import GridCell, SourceText, TextBuilder, clean_cell
from kg.readers.inflate import check_zip

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read_docx(data: bytes, shown: str, sha256: str, media_type: str = MEDIA_TYPE) -> SourceText:
    document = _open(data, shown)
    out = TextBuilder(shown)
    try:
        for block in document.iter_inner_content():
            if hasattr(block, "rows"):
                out.table(_grid(block))
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


def _grid(table) -> list[list[GridCell]]:
    rows: list[list[GridCell]] = []
    for row in table.rows:
        cells: list[GridCell] = [(None, "")] * row.grid_cols_before
        cells += [(cell._tc, clean_cell(cell.text)) for cell in row.cells]
        cells += [(None, "")] * row.grid_cols_after
        rows.append(cells)
    return rows
