"""How much kg reads, and for how long: the bounds that keep hostile or unlucky input from
hanging a batch or eating the machine.

Each limit has a default that is far above what a real annual report needs (a report is a
few dozen pages; its text is 10,000-200,000 characters; a graph file kg writes takes about
200 KB a report) and can be changed with an environment variable, read when a limit is first
asked for, so worker processes and Dask workers started with the same environment apply the
same bounds. README "Limits and safety" lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Limits:
    input_mb: int = 100  # KG_INPUT_MB: bytes of one input file read
    graph_mb: int = 2048  # KG_GRAPH_MB: bytes of one graph file read (kg validate FILE, kg query --graph FILE, kg graph FILE)
    text_chars: int = 2_000_000  # KG_TEXT_CHARS: characters of one report's text
    unpacked_mb: int = 256  # KG_UNPACKED_MB: bytes a compressed part (a DOCX member, a PDF stream) may inflate to
    zip_members: int = 10_000  # KG_ZIP_MEMBERS: files in one DOCX (a report has a few dozen; each costs zipfile memory before any check)
    unpack_ratio: int = 200  # KG_UNPACK_RATIO: how many times its packed size a large part may inflate
    nesting: int = 256  # KG_NESTING: depth of nested elements (HTML, XML) read
    table_cells: int = 50_000  # KG_TABLE_CELLS: grid positions of one table once spans are expanded
    page_edges: int = 2_000  # KG_PAGE_EDGES: ruling lines on one PDF page given to the table finder
    pdf_pages: int = 1_000  # KG_PDF_PAGES: pages of one PDF (a report has dozens; an empty page costs 0.1 ms, a million of them minutes)
    page_crossings: int = 3_000  # KG_PAGE_CROSSINGS: horizontal x vertical ruling lines of one PDF page (crossings the table finder may look at)
    query_seconds: float = 30.0  # KG_QUERY_SECONDS: a query's time limit on the server
    query_mb: int = 3072  # KG_QUERY_MB: address space of one of the server's query workers
    jobs: int = 64  # KG_MAX_JOBS: worker processes a batch may start


# each limit's variable: KG_ and its name, but for one whose name alone would not say what it bounds
ENVIRONMENT = {field.name: f"KG_{field.name.upper()}" for field in fields(Limits)} | {"jobs": "KG_MAX_JOBS"}


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The limits in force: the defaults, each replaced by its environment variable when set
    to a positive number (anything else is ignored, so a typo cannot lift a bound to nothing)."""
    values: dict[str, Any] = {}  # each of its field's type, int or float
    for field in fields(Limits):
        raw = os.environ.get(ENVIRONMENT[field.name], "").strip()
        if not raw:
            continue
        try:
            value = float(raw) if field.type in (float, "float") else int(raw)
        except ValueError:
            continue
        if value > 0:
            values[field.name] = value
    return Limits(**values)
