"""Lexicons, cue words and patterns as data files shipped with the package."""

from __future__ import annotations

import json
import re
import tomllib
from functools import cache
from importlib import resources


@cache
def load(name: str) -> dict:
    """The parsed JSON lexicon ``kg/lexicon/NAME.json``."""
    return json.loads(resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8"))


@cache
def metric_table() -> tuple[dict, ...]:
    """The table of metrics ``kg/lexicon/metric_table.toml``: one dict per metric, in the template's order."""
    text = resources.files(__package__).joinpath("metric_table.toml").read_text(encoding="utf-8")
    return tuple(tomllib.loads(text)["metric"])


def alternation(words: list[str]) -> str:
    """A regular-expression alternation of cue words, taken literally, the longest first (so
    that 门户网站 wins over 网站 where both start)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def any_of(words: list[str]) -> re.Pattern:
    """A pattern that finds any of the cue words."""
    return re.compile(alternation(words))


@cache
def furniture_pattern() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in load("furniture")["patterns"]), re.M)
