"""The division (GB/T 2260) the report's agency belongs to, from what the report itself says.

The agency's name places it first: the division names it starts with (淮安市洪泽区人民政府 ->
洪泽区, 320813; 河北省教育厅 -> 河北省, 130000), read against the code table of the report's
year (kg.regions), so 洪泽县 in 2011 is found and given today's code. A zone named after the
division that hosts it (平潭综合实验区 in 平潭县) is placed there. Where the name holds no
division (a township, a street office), the page's own publisher (``来源：…县人民政府``,
``发布机构``) or the contact address places it, but only in a county-level division: a
township sits in its county, while a city or province there says nothing of the level.

A name several divisions share (朝阳区: Beijing's and Changchun's) is decided only by more of
the report: division names in its title, publisher or contact address, the city of its
telephone area code, the province of its postcode. Anything left undecided is ``None``;
a town name alone (城关镇) never places an agency.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from kg.document import Document
from kg.identity import clean, is_national, kind
from kg.lexicon import alternation, load
from kg.model import Contact, Evidence, Fact
from kg.regions import Division, Place, current_code, leading_places, stem, today, within

LEX = load("agencies")
PUBLISHER = re.compile(r"(?:来源|发布机构|发文机关)\s*[:：]\s*(?P<name>[^\s:：，,。;；|]{2,40})")
PUBLISHER_SPAN = 600  # a saved page's header lines and the line under its title
ZONE = re.compile(rf"(?:{alternation(LEX['zones']['words'])})")
# the kinds of agency that sit inside the county-level division their page or address names
LOCAL_KINDS = ("township", "street_office")
AREA_CODE = re.compile(r"^\(?(0\d{2,3})\)?-?\d{7,8}")


def find_region(doc: Document, agency: Fact[str] | None, title: Fact[str] | None, year: int | None, contact: Contact) -> tuple[Fact[str] | None, str | None]:
    """The agency's division as today's code with its evidence, and the code in force in
    the report's year where that differs; ``(None, None)`` when the report does not tell."""
    named_by = agency or title
    if named_by is None or is_national(named_by.value):
        return None, None  # the central government's bodies have no division
    named_by = Fact(clean(named_by.value), named_by.evidence)  # 淮安市 洪泽区…: a space does not end the places
    found = _from_name(named_by, year)
    if found is None and agency is not None:
        found = _from_zone(named_by, year)
    if found is None and agency is not None and kind(agency.value, year) in LOCAL_KINDS:
        found = _from_publisher(doc, year) or _from_address(contact, year)
    if found is None:
        return None, None
    candidates, evidence = found
    if len(candidates) > 1:
        candidates = _narrow(candidates, doc, title, contact, year)
        if len(candidates) != 1:
            return None, None
        evidence = replace(evidence, rule=evidence.rule + "+context")
    chosen = candidates[0]
    now = chosen.code if today().get(chosen.code) == chosen else current_code(chosen)
    if now is None:
        return Fact(chosen.code, evidence), None
    return Fact(now, evidence), (chosen.code if now != chosen.code else None)


def _span(fact: Fact[str], start: int, end: int, rule: str) -> Evidence:
    """Evidence pointing at ``fact.value[start:end]`` inside the fact's own sentence."""
    ev = fact.evidence
    printed_at = ev.sentence.find(fact.value[start:end], max(0, ev.value_start - ev.start))
    if printed_at < 0:
        return replace(ev, rule=rule)
    return replace(ev, value_start=ev.start + printed_at, value_end=ev.start + printed_at + end - start, rule=rule)


def _from_name(fact: Fact[str], year: int | None) -> tuple[list[Division], Evidence] | None:
    places = leading_places(fact.value, year)
    if not places:
        return None
    return list(places[-1].candidates), _span(fact, places[0].start, places[-1].end, "region.agency_name")


def _from_zone(fact: Fact[str], year: int | None) -> tuple[list[Division], Evidence] | None:
    """平潭综合实验区…: a zone word right after the stem of exactly one division's name."""
    name = fact.value
    for m in ZONE.finditer(name):
        head = name[: m.start()]
        if len(head) < 2:
            continue
        hosts = _divisions_by_stem().get(head, ())
        if len(hosts) == 1:
            return list(hosts), _span(fact, 0, m.end(), "region.zone_host")
        return None
    return None


@cache
def _divisions_by_stem() -> dict[str, tuple[Division, ...]]:
    out: dict[str, list[Division]] = {}
    for d in today().values():
        out.setdefault(stem(d.name), []).append(d)
    return {k: tuple(v) for k, v in out.items()}


def _county_level(places: list[Place]) -> list[Division]:
    last = list(places[-1].candidates)
    return last if all(d.level == "county" for d in last) else []


def _from_publisher(doc: Document, year: int | None) -> tuple[list[Division], Evidence] | None:
    for fact in _publishers(doc):
        places = leading_places(fact.value, year)
        if places and (found := _county_level(places)):
            return found, _span(fact, places[0].start, places[-1].end, "region.page_publisher")
    return None


def _publishers(doc: Document) -> list[Fact[str]]:
    out = [doc.meta[key] for key in ("发布机构", "发文机关", "来源") if key in doc.meta]
    for m in PUBLISHER.finditer(doc.text, 0, min(len(doc.text), doc.body_start + PUBLISHER_SPAN)):
        sentence = doc.sentence_at(m.start())
        start, end = (sentence.start, sentence.end) if sentence else (m.start(), m.end())
        out.append(Fact(m.group("name"), doc.evidence(start, end, m.start("name"), m.end("name"), "region.page_publisher")))
    return out


def _from_address(contact: Contact, year: int | None) -> tuple[list[Division], Evidence] | None:
    if contact.address is None:
        return None
    places = _places_anywhere(contact.address.value, year)
    if places and (found := _county_level(places)):
        return found, _span(contact.address, places[0].start, places[-1].end, "region.contact_address")
    return None


def _places_anywhere(text: str, year: int | None) -> list[Place]:
    """The division names an address starts with (after a label such as 地址)."""
    for start in range(0, min(len(text), 4)):
        places = leading_places(text, year, start)
        if places:
            return places
    return []


def _narrow(candidates: list[Division], doc: Document, title: Fact[str] | None, contact: Contact, year: int | None) -> list[Division]:
    """Keep the candidates every other statement of place agrees with."""
    for code in _context_codes(doc, title, contact, year):
        kept = [d for d in candidates if _agrees(d, code)]
        if kept:
            candidates = kept
        if len(candidates) == 1:
            break
    return candidates


def _agrees(d: Division, code: str) -> bool:
    mine = d.code if today().get(d.code) == d else current_code(d)
    return mine is not None and (within(mine, code) or within(code, mine))


def _context_codes(doc: Document, title: Fact[str] | None, contact: Contact, year: int | None) -> list[str]:
    """Codes of the places the report states besides its agency's name: division names
    leading its title, publisher and contact address; its area code's city; its postcode's
    province. A place that is itself ambiguous says nothing."""
    codes: list[str] = []
    texts = [f.value for f in ([title] if title else []) + _publishers(doc)]
    if contact.address is not None:
        texts.append(contact.address.value)
    for text in texts:
        for place in _places_anywhere(text, year):
            if len(place.candidates) == 1:
                codes.append(place.candidates[0].code)
    for phone in contact.phone + contact.fax:
        city = _area_code_city(phone.value)
        if city:
            codes.append(city)
    if contact.postcode is not None:
        province = LEX["contact_places"]["postcode_provinces"].get(contact.postcode.value[:2])
        if province:
            codes.append(province)
    return codes


@cache
def _area_code_city(number: str) -> str | None:
    """The division of a landline's area code (0591-… -> 福州市), from libphonenumber."""
    m = AREA_CODE.match(number.strip())
    if not m:
        return None
    import phonenumbers  # imported on first use: only an ambiguous name needs it
    from phonenumbers import geocoder

    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return None
    where = geocoder.description_for_number(parsed, "zh")
    places = leading_places(where) if where else []
    if places and len(places[-1].candidates) == 1:
        return places[-1].candidates[0].code
    return None

