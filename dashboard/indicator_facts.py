"""What the indicator page says about one indicator's values: latest values, ranks, change since a base year, the
countries x years grid. Plain polars functions over the rows of `indicator_values` (geo_id, year, value, flags);
no Dash, no DuckDB.

Doubtful values (seeds/flags.csv, kind `doubtful`) are shown with their flags but never ranked and never used for a
change: `trusted` is the one place that leaves them out.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from assets.common.flags import is_doubtful

# The change is measured from this year where a place has a value for it: the SDGs were adopted in 2015, the
# baseline the UN SDG indicators and most national reports compare with. Without it: the first year with data.
PREFERRED_BASE_YEAR = 2015


def trusted(values: pl.DataFrame) -> pl.DataFrame:
    """The values that may be ranked or compared over time: not null and not doubtful."""
    return values.filter(pl.col("value").is_not_null() & ~is_doubtful(pl.col("flags")))


def latest_values(values: pl.DataFrame) -> pl.DataFrame:
    """Each place's latest observed value (doubtful ones included: they are shown, with their flags)."""
    return (
        values.filter(pl.col("value").is_not_null())
        .sort("geo_id", "year")
        .group_by("geo_id", maintain_order=True)
        .last()
        .select("geo_id", "year", "value", "flags")
    )


def ranks_within_year(values: pl.DataFrame, geo_ids: Sequence[str]) -> pl.DataFrame:
    """Rank of each trusted value of `geo_ids` among the trusted values of the same year (1 = the highest value;
    equal values share a rank). Like is compared with like: one indicator, one unit, one year."""
    return (
        trusted(values)
        .filter(pl.col("geo_id").is_in(list(geo_ids)))
        .with_columns(
            rank=pl.col("value").rank("min", descending=True).over("year").cast(pl.Int32),
            n_ranked=pl.len().over("year").cast(pl.Int32),
        )
        .select("geo_id", "year", "rank", "n_ranked")
    )


def latest_with_ranks(
    values: pl.DataFrame, geo_ids: Sequence[str], compared: Sequence[str] | None = None
) -> pl.DataFrame:
    """Each of `geo_ids`' latest observed value with its rank among the places of `compared` (default: `geo_ids`)
    with a trusted value that year; the region beside the countries is shown, not ranked.

    No rank (null) where the value is doubtful, where the place is not compared, or where no other place has a
    value that year to compare with. A trusted latest value left without a rank that way gets its rank in the
    latest earlier year it shares with another place (`shared_rank`, `shared_n`, `shared_year`), said with its
    year: a country reporting a year ahead of its neighbours is still compared, like with like. Ordered as
    `geo_ids`; a place without any value is left out."""
    compared = list(geo_ids if compared is None else compared)
    places = values.filter(pl.col("geo_id").is_in(list(geo_ids)))
    ranks = ranks_within_year(places, compared).filter(pl.col("n_ranked") >= 2)
    latest = latest_values(places).join(ranks, on=["geo_id", "year"], how="left")
    shared = (
        ranks.sort("geo_id", "year")
        .group_by("geo_id", maintain_order=True)
        .last()
        .select("geo_id", shared_rank="rank", shared_n="n_ranked", shared_year="year")
    )
    order = {geo: i for i, geo in enumerate(geo_ids)}
    return (
        latest.join(shared, on="geo_id", how="left")
        .with_columns(
            [
                pl.when(
                    pl.col("rank").is_null() & ~is_doubtful(pl.col("flags")) & (pl.col("shared_year") < pl.col("year"))
                ).then(pl.col(c))
                for c in ("shared_rank", "shared_n", "shared_year")
            ]
        )
        .with_columns(position=pl.col("geo_id").replace_strict(order, return_dtype=pl.Int32))
        .sort("position")
        .drop("position")
    )


def fullest_latest_year(values: pl.DataFrame, geo_ids: Sequence[str]) -> int | None:
    """The latest year in which the most of `geo_ids` have a value that is not doubtful (a map opens there)."""
    counted = (
        trusted(values)
        .filter(pl.col("geo_id").is_in(list(geo_ids)))
        .group_by("year")
        .len()
        .sort(["len", "year"], descending=True)
    )
    return int(counted["year"][0]) if counted.height else None


def base_year(values: pl.DataFrame, preferred: int = PREFERRED_BASE_YEAR) -> int | None:
    """The year the change is measured from: `preferred` if any trusted value has it, else the first year with a
    trusted value; None without trusted values."""
    years = trusted(values)["year"]
    if years.is_empty():
        return None
    return preferred if (years == preferred).any() else int(years.min())  # type: ignore[arg-type]


def change_since(values: pl.DataFrame, since: int) -> pl.DataFrame:
    """Per place: its trusted value in `since`, its latest trusted value after it, the change and the change in
    per cent (null where the base value is zero). Places without a base value or a later value are left out."""
    good = trusted(values)
    base = good.filter(pl.col("year") == since).select("geo_id", base_value="value")
    later = latest_values(good.filter(pl.col("year") > since)).select("geo_id", "year", "value")
    return (
        base.join(later, on="geo_id", how="inner")
        .with_columns(change=pl.col("value") - pl.col("base_value"))
        .with_columns(
            change_pct=pl.when(pl.col("base_value") != 0).then(pl.col("change") / pl.col("base_value").abs() * 100)
        )
        .sort("geo_id")
    )


def year_grid(values: pl.DataFrame) -> tuple[list[int], dict[tuple[str, int], tuple[float, str]]]:
    """The years with a value, ascending, and (geo_id, year) -> (value, flags) for the countries x years table."""
    present = values.filter(pl.col("value").is_not_null())
    years = sorted({int(y) for y in present["year"]})
    cells = {(g, int(y)): (v, f or "") for g, y, v, f in present.select("geo_id", "year", "value", "flags").iter_rows()}
    return years, cells


def flag_counts(values: pl.DataFrame) -> dict[str, int]:
    """How many values carry each flag, in the order the flags first appear."""
    words = values.select(pl.col("flags").fill_null("").str.split(";").alias("flag")).explode("flag")
    counted = words.filter(pl.col("flag") != "").group_by("flag", maintain_order=True).len()
    return dict(counted.iter_rows())
