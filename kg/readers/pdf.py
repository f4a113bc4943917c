"""PDF with a text layer: pypdfium2 for the text, pdfplumber's table finder for tables.

pypdfium2 (PDFium) reads a page in about 1-3 ms with lines in reading order; it does
not know where table cells are. pdfplumber finds ruled tables from the page's lines
(cell geometry) but costs 50-80 ms a page, so it runs only on pages whose text has a
table cue (the template's 第二十条, 本年新收, 行政复议, …). On such a page the text
outside the tables comes from PDFium by bands, and each table is rendered from its cell
geometry, the cell text again read by PDFium inside each cell's box. A table split by
a page break is joined when the next page starts with a table of the same width.
``docs/readers.md`` has the measurements behind this choice.

pdfplumber's cell finder takes time quadratic in the points where ruling lines cross, so a
page ruled more densely than any table (more than ``page_edges`` ruling lines, or more than
``page_crossings`` pairs of horizontal and vertical lines that may cross: :mod:`kg.limits`)
keeps its text but is not searched for tables, and neither are the pages after the first
ten pages' worth of crossings. A report's table page has a few dozen lines and a few
hundred crossings.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from kg.errors import InputError
from kg.limits import limits
from kg.readers.base import GridCell, SourceText, TextBuilder, clean_cell
from kg.readers.inflate import check_pdf

MEDIA_TYPE = "application/pdf"
SNAP = 3.0  # points: pdfplumber's default snap, join and intersection tolerances
PAGE_NUMBER = re.compile(r"^\s*[-—–－]+\s*\d{1,4}\s*[-—–－]+\s*$|^\s*第\s*\d{1,4}\s*页\s*(?:[,，/]?\s*共\s*\d{1,4}\s*页)?\s*$")
BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
PIECES_PER_LINE = 10  # a ruling line may be drawn in pieces (one per cell side): segments read per line allowed
PAGES_OF_CROSSINGS = 10  # a document's table finder looks at most at ten densely ruled pages' crossings


@dataclass
class _Found:
    """A table kept on one page: its grid and the vertical band it occupies."""

    top: float
    bottom: float
    grid: list[list[GridCell]]


def read_pdf(data: bytes, shown: str, sha256: str) -> SourceText:
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF-" not in data[:1024]:
        raise InputError(shown, "not a PDF file (no %PDF header)")
    check_pdf(data, shown)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(shown, "encrypted PDF: it needs a password to open") from None
        raise InputError(shown, f"corrupted PDF: cannot be opened ({_reason(exc)})") from None
    try:
        if b"%%EOF" not in data[-4096:]:
            raise InputError(shown, "truncated or corrupted PDF: no end-of-file marker")
        return _read(pdf, shown, sha256)
    finally:
        pdf.close()


def _reason(exc: Exception) -> str:
    text = str(exc)
    m = re.search(r"PDFium: ([^)]+)", text)
    return m.group(1).strip().rstrip(".").lower() if m else text


def _read(pdf: pdfium.PdfDocument, shown: str, sha256: str) -> SourceText:
    out = TextBuilder(shown)
    chars = 0
    open_width = 0  # width of the table the previous page ended with (0: none)
    crossings = PAGES_OF_CROSSINGS * limits().page_crossings  # what the table finder may still look at
    if len(pdf) > limits().pdf_pages:
        raise InputError(shown, f"refused: {len(pdf):,} pages (kg reads at most {limits().pdf_pages:,}; KG_PDF_PAGES)")
    try:
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            textpage = page.get_textpage()
            chars += textpage.count_chars()
            text = textpage.get_text_bounded()
            found, looked_at = _tables(page, textpage, crossings)
            crossings -= looked_at
            out.page()
            open_width = _write_page(out, number, textpage, page, text, found, open_width)
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise InputError(shown, f"corrupted PDF: a page cannot be read ({_reason(exc)})") from None
    if chars == 0 or not out.length:
        raise InputError(shown, "scanned PDF with no text layer: OCR is not supported yet")
    return out.build(shown, sha256, MEDIA_TYPE, "pdf-text-layer")


def _write_page(out: TextBuilder, number: int, textpage, page, text: str, found: list[_Found], open_width: int) -> int:
    """Write one page's lines and tables; return the width of a table left open at its end."""
    height, width = page.get_height(), page.get_width()
    if not found:
        lines = _lines(text, number)
        for line in lines:
            out.line(line)
        return 0 if lines else open_width
    above = 0.0
    first = True
    for table in found:
        lines = _lines(textpage.get_text_bounded(0, height - table.top, width, height - above), number)
        for line in lines:
            out.line(line)
        if lines:
            first = False
        grid_width = len(table.grid[0])
        out.table(table.grid, page=number, continues=first and grid_width == open_width)
        first = False
        above = table.bottom
    lines = _lines(textpage.get_text_bounded(0, 0, width, height - above), number)
    for line in lines:
        out.line(line)
    return 0 if lines else len(found[-1].grid[0])


def _lines(text: str, number: int) -> list[str]:
    """The non-blank lines of a page (or band), running page numbers dropped."""
    lines = [line.rstrip() for line in LINE_BREAK.split(text) if line.strip()]
    lines = [line for line in lines if not PAGE_NUMBER.match(line)]
    for k in (0, -1):  # a bare page number as first or last line of the page
        if lines:
            m = BARE_NUMBER.match(lines[k])
            if m and int(m.group(1)) == number:
                lines.pop(k)
    return lines


def _tables(page, textpage, crossings: int) -> tuple[list[_Found], int]:
    """Ruled tables on a page, prose rows at their head and tail left to the text, and how
    many possible crossings of its ruling lines were looked at (at most ``crossings``)."""
    height = page.get_height()
    edges = _edges(page, height, PIECES_PER_LINE * limits().page_edges)
    if edges is None or len(edges) < 4:
        return [], 0
    edges = merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    edges = [e for e in edges if (e["width"] if e["orientation"] == "h" else e["height"]) >= SNAP]
    horizontal = sum(e["orientation"] == "h" for e in edges)
    pairs = horizontal * (len(edges) - horizontal)
    if len(edges) > limits().page_edges or pairs > min(limits().page_crossings, crossings):
        return [], 0  # ruled more densely than a table: the page's text is read, tables not searched
    cells = intersections_to_cells(edges_to_intersections(edges, SNAP, SNAP))
    found = []
    for group in sorted(cells_to_tables(cells), key=lambda g: min(c[1] for c in g)):
        kept = _grid(group, textpage, height)
        if kept is not None:
            found.append(kept)
    return found, pairs


def _edges(page, height: float, most: int) -> list[dict] | None:
    """Horizontal and vertical segments drawn on the page (ruling lines and rectangle
    sides), in pdfplumber's edge form (``top`` measured from the top of the page); None
    when the page draws more than ``most`` path segments."""
    edges: list[dict] = []
    segments = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        count = pdfium_c.FPDFPath_CountSegments(obj.raw)
        segments += max(count, 0)
        if segments > most:
            return None
        matrix = obj.get_matrix()
        points: list[tuple[float, float]] = []
        first = None
        for k in range(count):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, k)
            x, y = ctypes.c_float(), ctypes.c_float()
            if not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                continue
            point = matrix.on_point(x.value, y.value)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                first = point
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO and points:
                _segment(edges, points[-1], point, height)
            if pdfium_c.FPDFPathSegment_GetClose(segment) and first is not None:
                _segment(edges, point, first, height)
            points.append(point)
    return edges


def _segment(edges: list[dict], a: tuple[float, float], b: tuple[float, float], height: float) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= SNAP:
        top = height - (y0 + y1) / 2
        edges.append({"x0": min(x0, x1), "x1": max(x0, x1), "top": top, "bottom": top, "width": abs(x1 - x0), "height": 0.0, "orientation": "h"})
    elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= SNAP:
        x = (x0 + x1) / 2
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        edges.append({"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top, "orientation": "v"})


def _grid(cells: list[tuple[float, float, float, float]], textpage, height: float) -> _Found | None:
    if not cells:
        return None
    xs = sorted({c[0] for c in cells})
    tops = sorted({c[1] for c in cells})
    right = max(c[2] for c in cells)
    bottom = max(c[3] for c in cells)
    edges_x = xs + [right]
    edges_y = tops + [bottom]
    middle_x = [(edges_x[c] + edges_x[c + 1]) / 2 for c in range(len(xs))]
    middle_y = [(edges_y[r] + edges_y[r + 1]) / 2 for r in range(len(tops))]
    owner: dict[tuple[int, int], tuple] = {}  # grid position -> the first cell covering its middle
    for b in cells:
        for r in range(bisect_left(middle_y, b[1]), bisect_right(middle_y, b[3])):
            for c in range(bisect_left(middle_x, b[0]), bisect_right(middle_x, b[2])):
                owner.setdefault((r, c), b)
    texts: dict[tuple, str] = {}
    grid: list[list[GridCell]] = []
    bands: list[tuple[float, float]] = []
    for r in range(len(tops)):
        row: list[GridCell] = []
        for c in range(len(xs)):
            cell = owner.get((r, c))
            if cell is None:  # no ruled cell here: read what is printed in the position
                box = (edges_x[c], edges_y[r], edges_x[c + 1], edges_y[r + 1])
                row.append((None, _cell_text(textpage, box, height)))
                continue
            if cell not in texts:
                texts[cell] = _cell_text(textpage, cell, height)
            row.append((cell, texts[cell]))
        grid.append(row)
        bands.append((edges_y[r], edges_y[r + 1]))
    keep = [k for k, row in enumerate(grid) if any(text for _, text in row)]
    # prose or captions framed as one full-width cell at the head or tail are text, not rows
    while keep and _single(grid[keep[0]]):
        keep.pop(0)
    while keep and _single(grid[keep[-1]]):
        keep.pop()
    if len(keep) < 2 or len(xs) < 2:
        return None
    return _Found(bands[keep[0]][0], bands[keep[-1]][1], [grid[k] for k in keep])


def _single(row: list[GridCell]) -> bool:
    identities = {identity for identity, _ in row}
    return len(identities) == 1 and None not in identities


def _cell_text(textpage, box: tuple[float, float, float, float], height: float) -> str:
    x0, top, x1, bottom = box
    return clean_cell(textpage.get_text_bounded(x0, height - bottom, x1, height - top))
