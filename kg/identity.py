"""Who an agency is: its identity, kind and parent body, as pure functions of its printed
name and the division it belongs to (kg.extract.region finds that in the report).

Identity is ``{region code}/{body}``: the body is the name without the division names it
starts with (淮安市洪泽区人民政府 and 洪泽区人民政府 are both ``320813/人民政府``), with the
official abbreviations written out (河北省科技厅 is ``130000/科学技术厅``), the joining
words official names print or leave out left out (人力资源和社会保障厅 and
人力资源社会保障厅 are one) and a zone's committee taken as the zone (平潭综合实验区管委会 is 平潭综合实验区). The cue words are data
(kg/lexicon/agencies.json). An agency whose division is not known has no identity
(``None``): two 城关镇人民政府 of different counties must never become one, and an agency
of unknown place never merges with a namesake whose place is known. The central
government's bodies have no division and are named ``CN/{body}``.

Being pure functions of one report's facts, identities keep extraction one file at a time
and a store incremental.
"""

from __future__ import annotations

import re
import unicodedata

from kg.lexicon import alternation, load
from kg.regions import leading_places

LEX = load("agencies")
NATIONAL = "CN"
GOVERNMENT = "人民政府"
KINDS = ("government", "township", "street_office", "department", "other")

_FULL_FORMS = sorted(LEX["full_forms"]["forms"].items(), key=lambda kv: len(kv[0]), reverse=True)
# 河北省人民政府国资委 is 河北省国资委, 朝阳区人民政府永昌街道办事处 is 朝阳区永昌街道办事处; 人民政府办公室 stays
_GOVERNMENT_OF = re.compile(rf"^{GOVERNMENT}(?!(?:{alternation(LEX['full_forms']['government_offices'])})$)(?=\S)")
_OPTIONAL = re.compile(alternation(LEX["full_forms"]["optional_words"]))
_ZONE = re.compile(alternation(LEX["zones"]["words"]))
_ZONE_COMMITTEE = re.compile(rf"({alternation(LEX['zones']['words'])})(?:{alternation(LEX['zones']['committees'])})$")


def clean(name: str) -> str:
    """NFKC, all white space removed: the name as identity compares it."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def is_national(name: str) -> bool:
    name = clean(name)
    return any(name.startswith(p) for p in LEX["national"]["prefixes"]) and not leading_places(name)


def body(name: str, year: int | None = None) -> str:
    """The name without its leading division names, in its full form: 淮安市洪泽区政府 ->
    人民政府; 河北省科技厅 -> 科学技术厅; 平潭综合实验区管委会 -> 平潭综合实验区."""
    name = clean(name)
    formal = LEX["national"]["formal_prefix"]
    if name.startswith(formal):
        name = name[len(formal):]
    places = leading_places(name, year)
    rest = name[places[-1].end:] if places else name
    if not rest:
        return GOVERNMENT  # a division named alone (洪泽区) is its people's government
    rest = _GOVERNMENT_OF.sub("", rest)
    if rest in LEX["zones"]["committees"]:
        return GOVERNMENT  # a zone that is a division itself (浦东新区管委会) is governed by its committee
    rest = _ZONE_COMMITTEE.sub(r"\1", rest)  # then the zone's own abbreviation (成都高新区管委会)
    for short, full in _FULL_FORMS:
        if rest.endswith(short) and not rest.endswith(full):
            rest = rest[: -len(short)] + full
            break
    return rest[:1] + _OPTIONAL.sub("", rest[1:])


def agency_id(name: str | None, region: str | None, year: int | None = None) -> str | None:
    """The agency's identity, or ``None`` when its name or (outside the central
    government) its division is not known."""
    if not name:
        return None
    if region is None:
        return f"{NATIONAL}/{body(name, year)}" if is_national(name) else None
    return f"{region}/{body(name, year)}"


def kind(name: str, year: int | None = None) -> str:
    """government, township, street_office, department or other, by how the body ends."""
    rest = body(name, year)
    kinds = LEX["kinds"]
    if any(rest.endswith(w) for w in kinds["township"]) and rest != GOVERNMENT:
        return "township"
    if any(rest.endswith(w) for w in kinds["street_office"]):
        return "street_office"
    if rest == GOVERNMENT:
        return "government"
    if any(rest.endswith(w) for w in kinds["department"]):
        return "department"
    return "other"


def parent_id(name: str | None, region: str | None, year: int | None = None) -> str | None:
    """The body an agency belongs to where its name determines it: a department, township
    or street office -> the people's government of its division."""
    if not name or region is None:
        return None
    if kind(name, year) in ("department", "township", "street_office"):
        # a zone's department (平潭综合实验区地方税务局) belongs to the zone, which the name
        # alone does not make a people's government's
        if _ZONE.search(body(name, year)):
            return None
        return f"{region}/{GOVERNMENT}"
    return None
