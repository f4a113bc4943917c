#!/usr/bin/env python3
"""A synthetic province for the benchmark: N reports written from the real ones.

usage: synth.py OUT_DIR [--reports N] [--kind text|html|pdf] [--seed S]

Each synthetic report is a real report (``examples/``, ``tests/data/corpus/dev``,
``tests/data/formats``) with its agency, year and figures changed and its wording and
structure kept, so extraction does the same work as on the real text. Its agencies are
the departments of real county-level divisions (kg's own table of them), so that every
agency is placed and identified; agency ``a`` reports
every year from 2013 to 2024, each year from a real report of that era (narrative up to
2018, the 2019 template for 2019–2020, the 2021 template from 2021), so series links and
year-over-year queries have something to do. Every (agency, year) is unique. Figures
stated with a unit (12件, 3条) get new values of the same length; run-together table
figures are left as printed. Deterministic: the same arguments write the same bytes.

PDFs cannot be rewritten in place: ``--kind pdf`` copies the real PDFs under new names
(their extraction cost is what is measured). Writes only under OUT_DIR.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract import extract_file  # noqa: E402
from kg.readers import read_source  # noqa: E402

FIRST_YEAR, YEARS = 2013, 12
DEPARTMENTS = (
    "人民政府", "人民政府办公室", "财政局", "教育局", "公安局", "民政局", "司法局", "人力资源和社会保障局",
    "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
    "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
    "信访局", "机关事务服务中心", "发展和改革委员会", "科学技术局", "工业和信息化局", "退役军人事务局",
    "林业局", "体育局",
)
PLACE = re.compile(r"^(.*(?:省|市(?!场)|县|区(?!域)|旗|镇|乡))")
FIGURE = re.compile(r"(?<![\d.])([1-9]\d{0,5})(?=\s*(?:件|条|个|次|份|期|篇|万元|元|人))")
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
TEXT_TEMPLATES = sorted((ROOT / "examples").glob("*.txt")) + sorted(
    p for p in (ROOT / "tests/data/corpus/dev").iterdir() if p.suffix in (".txt", ".md")
)
HTML_TEMPLATES = [ROOT / "tests/data/formats/pingtan_2023.html"]
PDF_TEMPLATES = sorted((ROOT / "tests/data/corpus/dev").glob("*.pdf"))


@dataclass(frozen=True)
class Template:
    path: Path
    text: str
    agency: str
    place: str
    year: int
    era: str  # narrative, 2019 or 2021


@cache
def templates(kind: str) -> dict[str, list[Template]]:
    """The real reports of one kind, by era, with the agency and year kg reads from them."""
    by_era: dict[str, list[Template]] = {}
    for path in {"text": TEXT_TEMPLATES, "html": HTML_TEMPLATES}[kind]:
        facts = extract_file(path)
        text = path.read_bytes().decode("gb18030") if kind == "html" else read_source(path).text
        agency = facts.agency.value
        found = PLACE.match(agency)
        era = facts.edition or "narrative"
        template = Template(path, text, agency, found.group(1) if found else agency, facts.year.value, era)
        by_era.setdefault(era, []).append(template)
    return by_era


@cache
def counties() -> tuple[str, ...]:
    """Every county-level division of the mainland as a report names it: its city (or, in a
    municipality, its province) before it, so that kg can place every synthetic agency."""
    from kg.regions import lineage, today

    out = []
    for code in sorted(today()):
        chain = lineage(code)
        if chain[-1].level == "county" and code[:2] not in ("71", "81", "82"):
            out.append(chain[-2].name + chain[-1].name)
    return tuple(out)


def agency_name(a: int) -> str:
    """A distinct agency for each index (an affine permutation of the name space)."""
    total = len(counties()) * len(DEPARTMENTS)
    k = (a * 7919 + 104729) % total
    county, dept = divmod(k, len(DEPARTMENTS))
    return counties()[county] + "|" + DEPARTMENTS[dept]


def era_of(year: int) -> str:
    return "narrative" if year <= 2018 else "2019" if year <= 2020 else "2021"


def report_text(i: int, kind: str = "text", figure_seed: int = 0) -> tuple[str, str, Template]:
    """Report ``i`` of the province: (file stem, text, the real report it was written from)."""
    a, year = divmod(i, YEARS)
    year += FIRST_YEAR
    pool = templates(kind)
    pool = pool.get(era_of(year)) or pool.get("2021") or next(iter(pool.values()))
    template = pool[(a * 31 + year) % len(pool)]
    place, dept = agency_name(a).split("|")
    text = template.text.replace(template.agency, place + dept).replace(template.place, place)
    years = {template.year + d: year + d for d in (-1, 0, 1)}
    text = YEAR.sub(lambda m: str(years.get(int(m.group(1)), m.group(1))), text)
    rng = random.Random(f"{i}:{figure_seed}")
    text = FIGURE.sub(lambda m: str(rng.randrange(10 ** (len(m.group(1)) - 1), 10 ** len(m.group(1)))), text)
    return f"{a // 1000:03d}/{a:05d}_{year}", text, template


def write_report(out: Path, i: int, kind: str = "text", figure_seed: int = 0) -> Path:
    stem, text, template = report_text(i, kind, figure_seed)
    path = out / f"{stem}{template.path.suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "html":
        path.write_bytes(text.encode("gb18030"))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def generate(out: Path, n: int, kind: str = "text", seed: int = 0) -> list[Path]:
    """Write ``n`` reports of one kind under ``out``; return their paths in order."""
    if kind == "pdf":
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(n):
            source = PDF_TEMPLATES[i % len(PDF_TEMPLATES)]
            path = out / f"{i:05d}_{source.name}"
            path.write_bytes(source.read_bytes())
            paths.append(path)
        return paths
    return [write_report(out, i, kind, seed) for i in range(n)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--kind", choices=("text", "html", "pdf"), default="text")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out, args.reports, args.kind, args.seed)
    print(f"wrote {len(paths)} {args.kind} reports under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
