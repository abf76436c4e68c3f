"""The summit page's tense, without Dash: before, during or after the summit, from its dates (seeds/summit_facts.csv)
and today's date. After the summit the page says what the sources say happened, and where they say nothing,
that the outcome is not in the sources yet: nothing is inferred from the date alone."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

BEFORE, DURING, AFTER = "before", "during", "after"
# The English value of an event_date fact carries the dates in ISO form: "22-24 April 2026 (2026-04-22 to 2026-04-24)".
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Kinds of summit facts that report what happened (an adopted declaration, an approved programme): none is seeded
# before the summit; a fact of one of these kinds, cited, is what lets the page say an outcome happened.
OUTCOME_KINDS = ("outcome",)


def summit_dates(facts: pl.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last day of the summit from the first `event_date` fact that states ISO dates, or None."""
    for row in facts.filter(pl.col("kind") == "event_date").iter_rows(named=True):
        days = [dt.date.fromisoformat(d) for d in ISO_DATE.findall(str(row.get("value_en") or ""))]
        if days:
            return min(days), max(days)
    return None


def summit_phase(dates: tuple[dt.date, dt.date] | None, today: dt.date) -> str | None:
    """`before`, `during` or `after` the summit on `today`; None when the sources give no dates."""
    if dates is None:
        return None
    start, end = dates
    if today < start:
        return BEFORE
    if today <= end:
        return DURING
    return AFTER


def reported_outcomes(facts: pl.DataFrame) -> pl.DataFrame:
    """The cited facts that report an outcome of the summit (empty when the sources say nothing yet)."""
    return facts.filter(pl.col("kind").is_in(OUTCOME_KINDS) & pl.col("citation").fill_null("").str.len_chars().gt(0))
