"""Budgets of the initiatives registry, read character by character: never guessed, never silently emptied.

- Digits of any script (Arabic-Indic ٠-٩ with its decimal separator ٫, full-width ０-９, ...) are the same
  digits: they are read as such.
- Anything else that is not a plain number (`1_000`, `1,5 млн`, `1 000`) is a bad budget: it blocks, naming
  the file, line and value, as every unreadable registry cell does.
- A number outside the plausible range of its currency (seeds/summit_budget_ranges.csv, with reasons) is an
  impossible budget: its row is quarantined (kept out of the published registry, listed with its reason).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache
from typing import NamedTuple

from assets.sources.catalogue import read_seed

PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
BAD_BUDGET = "bad_budget"  # blocks publishing (the analysts fix the file)
IMPLAUSIBLE_BUDGET = "implausible_budget"  # the row is quarantined


class Budget(NamedTuple):
    amount: float | None
    check: str | None  # None, BAD_BUDGET or IMPLAUSIBLE_BUDGET
    reason: str | None


class BudgetRange(NamedTuple):
    low: float
    high: float
    reason: str


@cache
def budget_ranges() -> dict[str, BudgetRange]:
    """currency -> plausible range of one initiative's budget (seeds/summit_budget_ranges.csv)."""
    seed = read_seed("summit_budget_ranges.csv")
    return {
        row["currency"]: BudgetRange(float(row["min_amount"]), float(row["max_amount"]), row["reason"])
        for row in seed.iter_rows(named=True)
    }


ARABIC_DECIMAL_SEPARATOR = "\u066b"  # ٫, the decimal point written with Arabic-Indic digits


def ascii_digits(text: str) -> str:
    """Decimal digits of any script as ASCII digits (and the Arabic decimal separator as '.'); every other
    character unchanged."""
    text = text.replace(ARABIC_DECIMAL_SEPARATOR, ".")
    return "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in text)


def read_budget(text: str | None, currency: str | None, ranges: dict[str, BudgetRange] | None = None) -> Budget:
    """The budget of one registry row: its amount, or the check it fails and why. Empty = unknown, no problem."""
    raw = (text or "").strip()
    if not raw:
        return Budget(None, None, None)
    digits = ascii_digits(raw)
    if not PLAIN_NUMBER.fullmatch(digits):
        hint = " (digits are not grouped with '_': write 1000, not 1_000)" if "_" in digits else ""
        return Budget(None, BAD_BUDGET, f"budget_amount {raw!r} is not a number{hint}")
    amount = float(digits)
    if amount < 0:  # a budget is planned money, never a reflow
        return Budget(None, BAD_BUDGET, f"budget_amount {raw!r} is not a non-negative amount")
    code = (currency or "").strip()
    if not code:
        return Budget(None, BAD_BUDGET, "budget_amount without budget_currency")
    plausible = (budget_ranges() if ranges is None else ranges).get(code)
    if plausible is None:
        return Budget(
            None, BAD_BUDGET, f"budget_currency {code!r} has no plausible range in seeds/summit_budget_ranges.csv"
        )
    if not math.isfinite(amount) or not plausible.low <= amount <= plausible.high:
        return Budget(
            None,
            IMPLAUSIBLE_BUDGET,
            f"budget_amount {raw!r} {code} is outside the plausible range {plausible.low:,.0f}-{plausible.high:,.0f} "
            f"{code} (seeds/summit_budget_ranges.csv): the row is quarantined",
        )
    return Budget(amount, None, None)
