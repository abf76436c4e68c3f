"""The API's query parameters, parsed and checked: a bad one becomes a 400 with a problem body naming it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assets.published.open_data import LANGUAGES

INDICATOR_ID = re.compile(r"^[a-z0-9_]{1,80}$")
GEO_CODE = re.compile(r"^[A-Z0-9]{2,10}$")
YEAR = re.compile(r"^\d{4}$")
DEFAULT_LANG = "en"
# Query parameters each endpoint understands; anything else is refused, so a misspelt filter is not ignored.
DATA_PARAMS = frozenset({"country", "time", "lang", "snapshot"})
META_PARAMS = frozenset({"lang", "snapshot"})
LIST_PARAMS = frozenset({"lang", "snapshot"})


@dataclass
class BadParameters(ValueError):
    """One or more parameters are wrong: (name, reason) pairs."""

    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {reason}" for name, reason in self.problems)


def parse_countries(text: str | None, known: set[str]) -> list[str] | None:
    """`KAZ~UZB` (ISO3 codes and CA5 for Central Asia, case ignored) -> ['KAZ', 'UZB']; None when not given."""
    if text is None:
        return None
    codes = [c.strip().upper() for c in text.split("~")]
    if not text.strip() or any(not c for c in codes):
        raise BadParameters([("country", "give codes separated by ~, e.g. KAZ~UZB or CA5")])
    unknown = [c for c in codes if not GEO_CODE.match(c) or c not in known]
    if unknown:
        shown = ", ".join(repr(c[:20]) for c in unknown[:5])
        raise BadParameters([("country", f"unknown code(s) {shown}; known: {', '.join(sorted(known))}")])
    return list(dict.fromkeys(codes))


def parse_time(text: str | None) -> tuple[int | None, int | None]:
    """`2000..2020`, `2000..`, `..2020` or `2015` -> (first, last) years, None where open."""
    if text is None:
        return None, None
    first, sep, last = text.strip().partition("..")
    if not sep:
        last = first
    bounds = []
    for part in (first, last):
        if part and not YEAR.match(part):
            raise BadParameters([("time", f"{text[:40]!r} is not a year range; use e.g. 2000..2020, 2000.. or 2015")])
        bounds.append(int(part) if part else None)
    if bounds[0] is None and bounds[1] is None:
        raise BadParameters([("time", "give at least one year, e.g. 2000..2020")])
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise BadParameters([("time", f"the first year {bounds[0]} is after the last {bounds[1]}")])
    return bounds[0], bounds[1]


def parse_lang(text: str | None) -> str:
    if text is None:
        return DEFAULT_LANG
    if text not in LANGUAGES:
        raise BadParameters(
            [("lang", f"{text[:20]!r} is not a language of the product; use one of {', '.join(LANGUAGES)}")]
        )
    return text


def check_known(names: set[str], allowed: frozenset[str]) -> None:
    unknown = sorted(names - allowed)
    if unknown:
        raise BadParameters(
            [(name[:40], f"not a parameter of this endpoint; use {', '.join(sorted(allowed))}") for name in unknown]
        )
