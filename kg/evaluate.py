"""Score extracted records against gold records, fact by fact (the record of docs/facts.md).

Each stated fact is one unit: title, agency, year, period_start, period_end, issued,
format, each contact field (each phone, fax, email, website on its own), each platform
type, and each metric (value and approx flag together). A value where the gold has none
is a false positive. Values under the gold's ``*_optional`` keys are neither required
nor penalised when right. A file whose extraction failed counts as missing every fact.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FAMILIES = ("header", "contact", "platforms", "stats")


def _squash(value) -> str:
    return re.sub(r"\s+", "", str(value))


def _phone(value) -> str:
    return re.sub(r"\D", "", str(value))


def _web(value) -> str:
    return re.sub(r"^https?://", "", str(value).strip().lower()).rstrip("/")


def _stat(stat: dict) -> str:
    return f"{float(stat['value']):g}|{'~' if stat.get('approx') else '='}"


def facts(record: dict | None, gold: dict | None = None) -> set[tuple[str, str, str]]:
    """The record's facts as ``{(family, field, normalised value)}``."""
    out: set[tuple[str, str, str]] = set()
    if record is None:
        return out
    for key in ("title", "period_start", "period_end", "issued", "format"):
        if record.get(key):
            out.add(("header", key, _squash(record[key])))
    if record.get("year") is not None:
        out.add(("header", "year", str(int(record["year"]))))
    agency = record.get("agency")
    if agency:
        agency = _squash(agency)
        if gold is not None:
            names = {_squash(a) for a in [gold.get("agency"), *gold.get("agency_aliases", [])] if a}
            if agency in names:
                agency = _squash(gold["agency"])
        out.add(("header", "agency", agency))
    contact = record.get("contact") or {}
    for key in ("address", "postcode", "person"):
        if contact.get(key):
            out.add(("contact", key, _squash(contact[key]).rstrip("。；;，,)）")))
    for key, norm in (("phone", _phone), ("fax", _phone), ("email", lambda v: _squash(v).lower()), ("website", _web)):
        for value in contact.get(key) or []:
            out.add(("contact", key, norm(value)))
    for value in record.get("platform_types") or []:
        out.add(("platforms", "platform", str(value)))
    for metric, stat in (record.get("stats") or {}).items():
        if isinstance(stat, dict) and stat.get("value") is not None:
            out.add(("stats", metric, _stat(stat)))
    return out


def optional_facts(gold: dict) -> set[tuple[str, str, str]]:
    out = {("stats", metric, _stat(stat)) for metric, stat in (gold.get("stats_optional") or {}).items()}
    out |= {("platforms", "platform", str(v)) for v in gold.get("platform_types_optional") or []}
    return out


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)  # by family
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    by_field: dict[str, Counter] = field(default_factory=dict)  # field -> tp/fp/fn
    details: list[tuple[str, str, tuple]] = field(default_factory=list)  # (stem, missed|extra, fact)

    def prf(self, family: str | None = None) -> tuple[float, float, float]:
        fams = [family] if family else list(FAMILIES)
        tp = sum(self.tp[f] for f in fams)
        fp = sum(self.fp[f] for f in fams)
        fn = sum(self.fn[f] for f in fams)
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(golds: dict[str, dict], records: dict[str, dict]) -> Score:
    """Score ``records`` (by file stem) against ``golds`` (by file stem)."""
    result = Score()
    for stem, gold in sorted(golds.items()):
        want = facts(gold, gold)
        got = facts(records.get(stem), gold)
        optional = optional_facts(gold)
        missed = want - got
        extra = {f for f in got - want if f not in optional}
        for kind, group in (("tp", want & got), ("fp", extra), ("fn", missed)):
            for fact in group:
                getattr(result, kind)[fact[0]] += 1
                result.by_field.setdefault(fact[1], Counter())[kind] += 1
                if kind != "tp":
                    result.details.append((stem, "missed" if kind == "fn" else "extra", fact))
    return result


def load_golds(folder: str | Path) -> dict[str, dict]:
    import json

    out = {}
    for path in sorted(Path(folder).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        out[Path(gold.get("source") or path.name).stem] = gold
    return out


@dataclass
class EntityScore:
    """Region codes as facts of each report, agency identity over pairs of reports."""

    region: Counter = field(default_factory=Counter)  # tp/fp/fn
    pairs: Counter = field(default_factory=Counter)
    details: list[tuple[str, str]] = field(default_factory=list)  # (stem or pair, what)

    @staticmethod
    def _pr(c: Counter) -> tuple[float, float]:
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        return p, r

    def figures(self) -> dict[str, float]:
        (rp, rr), (ip, ir) = self._pr(self.region), self._pr(self.pairs)
        return {"region.precision": rp, "region.recall": rr, "identity.precision": ip, "identity.recall": ir}


def score_entities(golds: dict[str, dict], records: dict[str, dict]) -> EntityScore:
    """A region code is right when it is the gold's (or one of its ``region_code_optional``);
    two reports of one ``agency_group`` should share an ``agency_id`` and two of different
    groups should not (a null id shares nothing)."""
    result = EntityScore()
    groups: dict[str, str] = {}
    ids: dict[str, str | None] = {}
    for stem, gold in sorted(golds.items()):
        record = records.get(stem) or {}
        want, got = gold.get("region_code"), record.get("region_code")
        accepted = {want, *(gold.get("region_code_optional") or [])} - {None}
        if got is not None and got in accepted:
            result.region["tp"] += want is not None
        elif got is not None:
            result.region["fp"] += 1
            result.details.append((stem, f"extra region_code = {got}"))
        if want is not None and got not in accepted:
            result.region["fn"] += 1
            result.details.append((stem, f"missed region_code = {want}"))
        if gold.get("agency_group"):
            groups[stem], ids[stem] = gold["agency_group"], record.get("agency_id")
    stems = sorted(groups)
    for i, a in enumerate(stems):
        for b in stems[i + 1:]:
            same_gold, same_id = groups[a] == groups[b], ids[a] is not None and ids[a] == ids[b]
            if same_gold and same_id:
                result.pairs["tp"] += 1
            elif same_id:
                result.pairs["fp"] += 1
                result.details.append((f"{a} + {b}", "merged: one agency_id for two agencies"))
            elif same_gold:
                result.pairs["fn"] += 1
                result.details.append((f"{a} + {b}", "split: two agency_ids for one agency"))
    return result
