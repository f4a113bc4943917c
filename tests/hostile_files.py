"""Hostile input files, generated small and fast: decompression bombs, giant spans, deep nesting,
ruled grids, oversized text. Each maker writes one file and returns its path; nothing large is
committed, and the bombs are compressed about 1000:1, so a gigabyte costs a megabyte on disk.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

MB = 1 << 20
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def _docx(path: Path, body_chunks, level: int = 6) -> Path:
    """A minimal Word file whose document.xml is the body written chunk by chunk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>'.encode())
            for chunk in body_chunks:
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    return path


def docx_bomb(path: Path, megabytes: int = 300, level: int = 1) -> Path:
    """document.xml inflates to ``megabytes`` MB of one paragraph's XML, repeated (zipfile
    compresses at about 300 MB/s at level 1, 130:1; level 9 packs 1000:1 at a third of that)."""
    paragraph = b"<w:p><w:r><w:t>aaaa</w:t></w:r></w:p>"
    chunk = paragraph * (MB // len(paragraph))
    return _docx(path, (chunk for _ in range(megabytes)), level)


def _cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def docx_many_members(path: Path, members: int = 20_000) -> Path:
    """A Word file of ``members`` empty files beside its document (300,000 took zipfile 17 s, 450 MB)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for k in range(members):
            archive.writestr(f"x/{k}", b"")
    return path


def docx_wide_spans(path: Path, span: int = 10_000_000) -> Path:
    """A table whose rows start ``span`` columns late and whose cell spans ``span`` columns."""
    cell = _cell("x", f'<w:gridSpan w:val="{span}"/>')
    rows = f'<w:tr><w:trPr><w:gridBefore w:val="{span}"/></w:trPr>{cell}</w:tr>' * 200
    table = f'<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>{rows}</w:tbl>'
    return _docx(path, [f"<w:p><w:r><w:t>信息公开年度报告</w:t></w:r></w:p>{table}".encode()])


def docx_vmerge_chain(path: Path, rows: int = 3000) -> Path:
    """One column merged vertically over ``rows`` rows (each row continues the one above)."""
    restart, merged = _cell("合并", '<w:vMerge w:val="restart"/>'), _cell("", "<w:vMerge/>")
    first = f"<w:tr>{restart}{_cell('1')}</w:tr>"
    rest = "".join(f"<w:tr>{merged}{_cell(str(k))}</w:tr>" for k in range(rows - 1))
    table = f'<w:tbl><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>{first}{rest}</w:tbl>'
    return _docx(path, [f"<w:p><w:r><w:t>信息公开年度报告</w:t></w:r></w:p>{table}".encode()])


def _pdf(path: Path, content: bytes, compressed: bool = False, width: float = 595, height: float = 842) -> Path:
    """A one-page PDF whose content stream is ``content`` (already compressed when ``compressed``)."""
    flate = b" /Filter /FlateDecode" if compressed else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 4 0 R ".encode()
        + b"/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)}".encode() + flate + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _write_pdf(path, objects)


def _write_pdf(path: Path, objects: list[bytes]) -> Path:
    """The objects numbered from 1 (the catalog first), with their cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def pdf_pages(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` empty pages (100,000 of them are 10 MB and took PDFium 10 s)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    kids = b" ".join(f"{k} 0 R".encode() for k in range(3, pages + 3))
    objects[1] = b"<< /Type /Pages /Kids [" + kids + f"] /Count {pages} >>".encode()
    return _write_pdf(path, objects)


TEXT = b"BT /F1 10 Tf 10 10 Td (Annual report on government information disclosure) Tj ET\n"


def pdf_ruled_grid(path: Path, n: int = 400, rectangles: bool = False) -> Path:
    """A page ruled as an ``n`` x ``n`` grid of 5-point cells (wider than the table finder's
    snapping), drawn as lines (``m l S``) or as one rectangle per cell."""
    x0, y0, step = 20.0, 20.0, 5.0
    size = n * step
    ops = [TEXT, b"0.1 w\n"]
    if rectangles:
        ops += [f"{x0 + i * step:.2f} {y0 + j * step:.2f} {step:.2f} {step:.2f} re S\n".encode() for i in range(n) for j in range(n)]
    else:
        for k in range(n + 1):
            at = k * step
            ops.append(f"{x0:.2f} {y0 + at:.2f} m {x0 + size:.2f} {y0 + at:.2f} l S\n".encode())
            ops.append(f"{x0 + at:.2f} {y0:.2f} m {x0 + at:.2f} {y0 + size:.2f} l S\n".encode())
    return _pdf(path, zlib.compress(b"".join(ops)), compressed=True, width=size + 40, height=size + 40)


def zlib_repeated(head: bytes, block: bytes, times: int) -> bytes:
    """A zlib stream of ``head`` then ``block`` ``times`` times, made in milliseconds: after a
    full flush the compressor forgets what came before, so every block compresses to the same
    bytes and is compressed once."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    check = zlib.adler32(head)
    for _ in range(times):
        check = zlib.adler32(block, check)
    return b"\x78\xda" + first + repeated * times + packer.flush() + check.to_bytes(4, "big")


def pdf_bomb(path: Path, megabytes: int = 1024) -> Path:
    """A page whose content stream inflates to ``megabytes`` MB (text, then blanks)."""
    return _pdf(path, zlib_repeated(TEXT, b" " * MB, megabytes), compressed=True)


def html_nested(path: Path, depth: int, report: str) -> Path:
    """A report page with the report's text inside ``depth`` nested divs."""
    paragraphs = "".join(f"<p>{line}</p>" for line in report.splitlines() if line.strip())
    page = f"<html><head><meta charset='utf-8'></head><body>{'<div>' * depth}{paragraphs}{'</div>' * depth}</body></html>"
    path.write_text(page, encoding="utf-8")
    return path


def html_wide_spans(path: Path, rows: int = 300, rowspan: int = 300, colspan: int = 100) -> Path:
    """A table of ``rows`` rows, each one cell spanning ``rowspan`` rows and ``colspan`` columns."""
    cells = "".join(f'<tr><td rowspan="{rowspan}" colspan="{colspan}">{k}</td></tr>' for k in range(rows))
    page = f"<html><body><h1>政府信息公开工作年度报告</h1><table>{cells}</table></body></html>"
    path.write_text(page, encoding="utf-8")
    return path


def big_text(path: Path, megabytes: int, line: str = "一、总体情况。本机关依法公开政府信息。\n") -> Path:
    """A text file of about ``megabytes`` MB of report-like lines."""
    chunk = (line * (MB // len(line.encode()))).encode()
    with open(path, "wb") as out:
        for _ in range(megabytes):
            out.write(chunk)
    return path


def with_line(path: Path, report: Path, line: str) -> Path:
    """A real report with one pathological line inserted after its first paragraph."""
    lines = report.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([*lines[:3], line, *lines[3:]]), encoding="utf-8")
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
