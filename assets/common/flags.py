"""Flags on a value: a ';'-joined text of words (projection, stale, partial_year, ...), '' when none."""

from __future__ import annotations

import polars as pl


def add_flag(flags: pl.Expr, flag: str, when: pl.Expr) -> pl.Expr:
    """Append a flag to the ';'-joined flags where `when` holds."""
    return pl.when(when).then(pl.when(flags == "").then(pl.lit(flag)).otherwise(flags + ";" + flag)).otherwise(flags)
