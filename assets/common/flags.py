"""Flags on a value: a ';'-joined text of words (projection, stale, outlier, ...), '' when none.

Every flag is declared once in seeds/flags.csv with its kind and its words in ru, en and kk:
- info: said beside the value (a source's caveat, a partial year, a projection);
- doubtful: a screening rule fired; said beside the value, and the value is kept out of rankings, headline
  cards, regional aggregates and trends.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from assets.sources.catalogue import read_seed

FLAG_KINDS = ("info", "doubtful")


@lru_cache(maxsize=1)
def flag_table() -> pl.DataFrame:
    """seeds/flags.csv: flag, kind, label_ru, label_en, label_kk, meaning_en."""
    table = read_seed("flags.csv")
    bad = table.filter(~pl.col("kind").is_in(FLAG_KINDS) | pl.col("flag").is_duplicated())
    if not bad.is_empty():
        raise ValueError(f"seeds/flags.csv: bad kind or repeated flag in rows {bad['flag'].to_list()}")
    return table


@lru_cache(maxsize=1)
def doubtful_flags() -> frozenset[str]:
    return frozenset(flag_table().filter(pl.col("kind") == "doubtful")["flag"])


def add_flag(flags: pl.Expr, flag: str, when: pl.Expr) -> pl.Expr:
    """Append a flag to the ';'-joined flags where `when` holds. The flag must be declared in seeds/flags.csv."""
    if flag not in set(flag_table()["flag"]):
        raise KeyError(f"flag {flag!r} is not declared in seeds/flags.csv")
    when = when.fill_null(False)
    return pl.when(when).then(pl.when(flags == "").then(pl.lit(flag)).otherwise(flags + ";" + flag)).otherwise(flags)


def is_doubtful(flags: pl.Expr) -> pl.Expr:
    """True where any of the flags is of the doubtful kind (null flags are not doubtful)."""
    words = flags.fill_null("").str.split(";")
    return words.list.eval(pl.element().is_in(sorted(doubtful_flags()))).list.any().fill_null(False)


def flags_doubtful(flags: str | None) -> bool:
    """The same for one value's flags text (for pages and exports that hold one row)."""
    return any(f in doubtful_flags() for f in (flags or "").split(";"))


def flag_words(flags: str | None, lang: str) -> str:
    """The flags of a value in words in `lang`, e.g. `давно не обновлялось; прогноз`. Undeclared flags are named
    as they are, so nothing is hidden."""
    labels = dict(zip(flag_table()["flag"], flag_table()[f"label_{lang}"], strict=True))
    return "; ".join(labels.get(f, f) for f in (flags or "").split(";") if f)
