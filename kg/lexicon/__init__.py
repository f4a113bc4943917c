"""Lexicons, cue words and patterns as data files shipped with the package."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources


@cache
def load(name: str) -> dict:
    """The parsed JSON lexicon ``kg/lexicon/NAME.json``."""
    return json.loads(resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8"))


@cache
def furniture_pattern() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in load("furniture")["patterns"]), re.M)
