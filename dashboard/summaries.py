"""Plain functions that turn snapshot frames into what the pages show (no Dash, no DuckDB here)."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from typing import cast

import polars as pl

TREND_YEARS = 10


def has_flag(flags: str | None, flag: str) -> bool:
    """True when `flag` is one of the `;`-joined flags."""
    return flag in (flags or "").split(";")


def split_codes(joined: str | None) -> list[str]:
    return [code for code in (joined or "").split(";") if code]


@dataclass(frozen=True)
class RegionSummary:
    """What the overview card of one indicator says about the region."""

    indicator_id: str
    unit: str | None
    latest_year: int  # the latest year the pipeline considered, published or not
    latest_status: str
    latest_coverage_share: float | None
    latest_covered_iso3: list[str]
    published_year: int | None  # the latest year with a published regional value
    published_value: float | None
    published_coverage_share: float | None
    published_covered_iso3: list[str]
    trend: list[tuple[int, float]] = field(default_factory=list)  # published values, last TREND_YEARS years
    # The first published figure after latest_year that is flagged `projection` (projected inputs or
    # projected population weights): told apart, never shown as the latest figure.
    next_projected: tuple[int, float] | None = None
    # A sum without all five countries (status covered_set_only): the sum of latest_covered_iso3 only.
    latest_set_value: float | None = None

    @property
    def has_current_regional_value(self) -> bool:
        return self.latest_status == "published" and self.published_year == self.latest_year

    @property
    def trend_change_pct(self) -> float | None:
        """Relative change from the first to the last point of the trend window, in percent."""
        return percent_change(self.trend)


def percent_change(points: list[tuple[int, float]]) -> float | None:
    if len(points) < 2:
        return None
    first, last = points[0][1], points[-1][1]
    if first is None or last is None or first == 0:
        return None
    return (last - first) / abs(first) * 100


def summarize_region_aggregates(aggregates: pl.DataFrame, trend_years: int = TREND_YEARS) -> dict[str, RegionSummary]:
    """One RegionSummary per indicator found in `region_aggregates` (one region's rows).

    Rows flagged `projection` never count as the latest figure or enter the trend: the population
    aggregate, for one, runs to 2100.
    """
    summaries: dict[str, RegionSummary] = {}
    projected_mask = pl.Series([has_flag(f, "projection") for f in aggregates["flags"]], dtype=pl.Boolean)
    observed_rows, projected_rows = aggregates.filter(~projected_mask), aggregates.filter(projected_mask)
    for (indicator_id,), rows in observed_rows.sort("year").group_by("indicator_id", maintain_order=True):
        latest = rows.row(-1, named=True)
        published = rows.filter((pl.col("status") == "published") & pl.col("value").is_not_null())
        last_published = published.row(-1, named=True) if published.height else None
        trend: list[tuple[int, float]] = []
        if last_published is not None:
            window = same_set_run(published.filter(pl.col("year") > last_published["year"] - trend_years))
            trend = [(int(y), float(v)) for y, v in zip(window["year"], window["value"], strict=False)]
        projected_after = projected_rows.filter(
            (pl.col("indicator_id") == indicator_id)
            & (pl.col("year") > latest["year"])
            & (pl.col("status") == "published")
            & pl.col("value").is_not_null()
        ).sort("year")
        summaries[str(indicator_id)] = RegionSummary(
            indicator_id=str(indicator_id),
            unit=latest["unit"],
            latest_year=int(latest["year"]),
            latest_status=str(latest["status"]),
            latest_coverage_share=latest["coverage_pop_share"],
            latest_covered_iso3=split_codes(latest["covered_iso3"]),
            published_year=int(last_published["year"]) if last_published else None,
            published_value=float(last_published["value"]) if last_published else None,
            published_coverage_share=last_published["coverage_pop_share"] if last_published else None,
            published_covered_iso3=split_codes(last_published["covered_iso3"]) if last_published else [],
            trend=trend,
            next_projected=(int(projected_after["year"][0]), float(projected_after["value"][0]))
            if projected_after.height
            else None,
            latest_set_value=latest.get("covered_set_value") if latest["status"] == "covered_set_only" else None,
        )
    return summaries


def same_set_run(rows: pl.DataFrame) -> pl.DataFrame:
    """The last years of `rows` (sorted by year) with the same covered countries as the last row: a trend is only
    drawn over an unchanged country set."""
    if rows.is_empty() or "covered_iso3" not in rows.columns:
        return rows
    sets = rows["covered_iso3"].to_list()
    start = len(sets)
    while start > 0 and sets[start - 1] == sets[-1]:
        start -= 1
    return rows.slice(start)


def order_by_direction(indicator_ids: list[str], catalogue: pl.DataFrame) -> list[str]:
    """`indicator_ids` in catalogue order (headline summit direction, then id); unknown ids last."""
    catalogue_order = [i for i in catalogue["indicator_id"].to_list() if i in set(indicator_ids)]
    return catalogue_order + sorted(set(indicator_ids) - set(catalogue_order))


def trend_arrow(change_pct: float | None, steady_below_pct: float = 1.0) -> str:
    """↑, ↓ or → (a change smaller than `steady_below_pct` percent counts as steady)."""
    if change_pct is None:
        return ""
    if abs(change_pct) < steady_below_pct:
        return "→"
    return "↑" if change_pct > 0 else "↓"


def rows_by_key(frame: pl.DataFrame, key: str) -> dict[str, dict]:
    return {str(row[key]): row for row in frame.iter_rows(named=True)}


def country_comparison_rows(latest: pl.DataFrame, country_order: list[str]) -> list[dict]:
    """Latest value per country as dicts, largest first; countries without data come last with value None."""
    found = rows_by_key(latest, "geo_id")
    rows = [found.get(code, {"geo_id": code, "year": None, "value": None, "flags": ""}) for code in country_order]
    return sorted(rows, key=lambda r: (r["value"] is None, -(r["value"] or 0.0)))


def aral_small_basin_drop(aral: pl.DataFrame, before: int = 2018, after: int = 2019) -> tuple[float, float] | None:
    """The Small Aral areas of the two years around the implausible drop the source reports, if present."""
    small = rows_by_key(aral.filter(pl.col("basin") == "small"), "year")
    if str(before) in small and str(after) in small:
        return float(small[str(before)]["area_km2"]), float(small[str(after)]["area_km2"])
    return None


def datum_difference_range(differences: pl.DataFrame) -> tuple[float, float] | None:
    """Smallest and largest DAHITI-minus-Baltic difference over the years that have both."""
    values = differences["difference_m"].drop_nulls()
    if values.len() == 0:
        return None
    return float(cast(float, values.min())), float(cast(float, values.max()))


# ---- summit directions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectionSummary:
    """What the overview says about one summit direction: its headline indicator (if the catalogue names one
    with data) and the other indicators of the direction that have regional figures."""

    direction: int
    headline_id: str | None
    other_ids: list[str]

    @property
    def has_data(self) -> bool:
        return self.headline_id is not None or bool(self.other_ids)


def indicator_directions(directions: str | None) -> list[int]:
    """The `;`-joined direction numbers of a catalogue row as integers."""
    return [int(d) for d in (directions or "").split(";") if d.strip().isdigit()]


def summarize_directions(
    direction_numbers: list[int],
    catalogue: pl.DataFrame,
    with_regional_data: Set[str],
    with_country_data: Set[str] = frozenset(),
) -> list[DirectionSummary]:
    """One DirectionSummary per direction, in the given order.

    The headline is the catalogue's `headline_direction` indicator when it has regional or country data;
    otherwise the direction has no headline (never a stand-in picked by the dashboard). Other indicators are
    those listing the direction in `directions` that have regional data.
    """
    with_data = set(with_regional_data) | set(with_country_data)
    out = []
    for number in direction_numbers:
        headline = next(
            (
                row["indicator_id"]
                for row in catalogue.iter_rows(named=True)
                if row.get("is_headline") and row.get("direction") == number and row["indicator_id"] in with_data
            ),
            None,
        )
        others = [
            row["indicator_id"]
            for row in catalogue.iter_rows(named=True)
            if number in indicator_directions(row.get("directions"))
            and row["indicator_id"] in with_regional_data
            and row["indicator_id"] != headline
        ]
        out.append(DirectionSummary(number, headline, others))
    return out


# ---- quality flags -----------------------------------------------------------------------------------------

# Flags that a reader must see next to a value: the value is old, or a check found it implausible.
WARNING_FLAGS = ("stale", "range_warning")


def warning_flags(flags: str | None) -> list[str]:
    return [f for f in WARNING_FLAGS if has_flag(flags, f)]


def indicator_check_status(n_stale: int | None, n_range_warning: int | None) -> list[str]:
    """`stale` and/or `range_warning` when any value of the indicator carries the flag; empty when clean."""
    status = []
    if n_stale:
        status.append("stale")
    if n_range_warning:
        status.append("range_warning")
    return status
