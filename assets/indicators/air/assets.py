"""Theme air: the Dagster assets and checks around the pure functions of assets/indicators/air/."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from dagster import AssetCheckResult, AssetIn, AssetKey, asset, asset_check

from assets.common.checks import CheckOutcome, check_result
from assets.common.keys import indicators_key, staged_key
from assets.common.tables import SEEDS, table_asset
from assets.common.themes import Theme
from assets.indicators.air import cities, daily, emissions, means, notes, screening, thresholds
from assets.indicators.air.rules import AIRDATA_SOURCES
from assets.sources.catalogue import read_seed

GROUP = "air"
DAILY_SOURCES = (*AIRDATA_SOURCES, "bishkek_us_embassy_pm25", "tashkent_municipal_pm25")
# Tables that are not indicators say where they belong (SEEDS too); the warehouse IO manager reads this key.
QUARANTINE = {"warehouse_schema": "quarantine"}


def _key(name: str) -> AssetKey:
    return indicators_key(f"air_{name}")


@asset(
    key=_key("daily_checked"),
    group_name=GROUP,
    ins={"cities": AssetIn(key=_key("cities")), **{s: AssetIn(key=staged_key(s)) for s in DAILY_SOURCES}},
    description="Every daily row of every air source, attributed to a city or quarantined with its reason, and "
    "screened (seeds/air_screening.csv): a value no instrument can report stops the run naming file and line; "
    "doubtful values carry their flag.",
)
def air_daily_checked(context, cities: pl.DataFrame, **staged: pl.DataFrame) -> pl.DataFrame:
    observations, quarantine = daily.build_daily(staged, cities)
    context.add_output_metadata({"observations": observations.height, "quarantined": quarantine.height})
    # One frame, two row kinds, so the split below cannot lose a row.
    return pl.concat(
        [
            observations.with_columns(
                reason=pl.lit(""), source_row=pl.lit(None, dtype=pl.Int64), city_label=pl.lit(None, dtype=pl.String)
            ),
            quarantine,
        ],
        how="diagonal",
    )


def _cities(places: pl.DataFrame) -> pl.DataFrame:
    return cities.build_cities(read_seed("air_cities.csv"), places)


def _region_points(admin1: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    return cities.build_region_points(read_seed("air_regions.csv"), admin1, places)


def _observations(checked: pl.DataFrame) -> pl.DataFrame:
    return checked.filter(pl.col("reason") == "").select(list(daily.OBSERVATION_SCHEMA))


def _quarantine(checked: pl.DataFrame) -> pl.DataFrame:
    return checked.filter(pl.col("reason") != "").select(list(daily.QUARANTINE_SCHEMA))


def _thresholds() -> pl.DataFrame:
    return thresholds.thresholds_registry(read_seed("air_thresholds.csv"))


def _region_emissions(staged: pl.DataFrame) -> pl.DataFrame:
    return emissions.region_emissions(staged, read_seed("air_regions.csv"))


DESCRIPTIONS = {
    "cities": "Cities with Russian, Kazakh and English names, each source's spellings, region and Natural Earth "
    "location.",
    "region_points": "One map point per Kazakh region of the statistics tables (no region polygons exist in the "
    "sources).",
    "observations": "Daily observations: city, source, pollutant, date, value (µg/m³), daily statistic and flags.",
    "quarantine": "Daily rows that could not be used, with source, file line and reason.",
    "period_stats": "Completeness and mean per city, source, pollutant, year / heating season / summer (mean only "
    "where complete).",
    "season_ratio": "Heating-season mean over the preceding summer's mean, where both are complete.",
    "trends": "Least-squares trend of complete annual means (µg/m³ per year).",
    "rankings": "Cities ranked by complete annual mean per pollutant and year: means of daily means only, cities "
    "only (not clusters), doubtful days left out.",
    "ranking_exclusions": "Series left out of the rankings, with the reason (daily median, not a city, no complete "
    "year) and their doubtful days.",
    "screening_events": "Each stretch of days a screening rule flagged as doubtful (stuck value, zeros, implausible "
    "value, PM2.5 above PM10), per series, with dates and values.",
    "thresholds": "Threshold registry from seeds/air_thresholds.csv: every value cites its document and table.",
    "exceedances": "Days above each registered 24-hour threshold, per city, source, pollutant and year.",
    "region_emissions": "Kazakhstan: air-pollutant emissions from stationary sources by region and year (thousand "
    "tonnes).",
    "region_trends": "Per region: change and least-squares trend of stationary-source emissions over comparable years.",
    "source_notes": "Caveats that travel with each air source's values (licence, day boundaries, network type).",
}
PLACES, CHECKED, OBSERVATIONS, STATS = (
    staged_key("ne_populated_places"),
    _key("daily_checked"),
    _key("observations"),
    _key("period_stats"),
)
# air_<name>, compute, inputs (argument of compute -> asset key), definition metadata
TABLES: list[tuple[str, Callable[..., pl.DataFrame], dict[str, AssetKey], dict[str, str] | None]] = [
    ("cities", _cities, {"places": PLACES}, SEEDS),
    ("region_points", _region_points, {"admin1": staged_key("ne_admin1_points"), "places": PLACES}, SEEDS),
    ("observations", _observations, {"checked": CHECKED}, None),
    ("quarantine", _quarantine, {"checked": CHECKED}, QUARANTINE),
    ("period_stats", means.period_stats, {"observations": OBSERVATIONS}, None),
    ("season_ratio", means.season_ratios, {"stats": STATS}, None),
    ("trends", means.trends, {"stats": STATS}, None),
    ("rankings", means.rankings, {"stats": STATS, "cities": _key("cities")}, None),
    (
        "ranking_exclusions",
        means.ranking_exclusions,
        {"stats": STATS, "ranks": _key("rankings"), "cities": _key("cities")},
        None,
    ),
    ("screening_events", screening.screening_events, {"observations": OBSERVATIONS}, None),
    ("thresholds", _thresholds, {}, SEEDS),
    (
        "exceedances",
        thresholds.exceedances,
        {"observations": OBSERVATIONS, "stats": STATS, "registry": _key("thresholds")},
        None,
    ),
    ("region_emissions", _region_emissions, {"staged": staged_key("kz_emissions_stationary_by_region")}, None),
    ("region_trends", emissions.region_emission_trends, {"emissions": _key("region_emissions")}, None),
    ("source_notes", notes.source_notes_table, {}, SEEDS),
]
table_assets = [
    table_asset(_key(name), GROUP, DESCRIPTIONS[name], compute, metadata=metadata, **inputs)
    for name, compute, inputs, metadata in TABLES
]


# ---------------------------------------------------------------- checks


def _thresholds_cited(registry: pl.DataFrame) -> CheckOutcome:
    uncited = thresholds.uncited_thresholds(registry)["threshold_id"].to_list()
    text = f"uncited thresholds: {uncited}" if uncited else "every threshold cited"
    return CheckOutcome("air_thresholds_cited", "ERROR", not uncited, text, len(uncited))


def _no_incomplete_means(stats: pl.DataFrame) -> CheckOutcome:
    bad = stats.filter(~pl.col("complete") & pl.col("mean").is_not_null()).height
    text = f"{bad} incomplete period(s) carry a mean" if bad else "no mean published for an incomplete period"
    return CheckOutcome("air_no_incomplete_means", "ERROR", bad == 0, text, bad)


@asset_check(asset=_key("thresholds"), blocking=True, description="Every threshold value cites its document and table.")
def air_thresholds_cited(registry: pl.DataFrame) -> AssetCheckResult:
    return check_result(_thresholds_cited(registry))


@asset_check(asset=_key("period_stats"), blocking=True, description="No mean is given for an incomplete period.")
def air_no_mean_when_incomplete(stats: pl.DataFrame) -> AssetCheckResult:
    return check_result(_no_incomplete_means(stats))


@asset_check(
    asset=_key("observations"),
    blocking=True,
    description="Every observation has a city, pollutant, date, value and unit.",
)
def air_observations_complete_rows(observations: pl.DataFrame) -> AssetCheckResult:
    nulls = {c: observations[c].null_count() for c in ("city_id", "pollutant", "date", "value", "unit")}
    text = "empty cells: " + ", ".join(f"{c}={n}" for c, n in nulls.items())
    return check_result(CheckOutcome("air_observations_complete_rows", "ERROR", not any(nulls.values()), text))


@asset_check(
    asset=_key("quarantine"),
    description="Rows quarantined per source and reason (a warning: they are shown, not lost).",
)
def air_quarantine_summary(quarantine: pl.DataFrame) -> AssetCheckResult:
    counts = quarantine.group_by("source_id", "reason").len().sort("len", descending=True).head(10)
    text = "; ".join(f"{s}: {r} ({n})" for s, r, n in counts.iter_rows())
    description = f"{quarantine.height} row(s) quarantined: {text or 'none'}"
    return check_result(
        CheckOutcome("air_quarantine_summary", "WARN", quarantine.is_empty(), description, quarantine.height)
    )


def _ranked_like_with_like(ranks: pl.DataFrame, cities: pl.DataFrame) -> CheckOutcome:
    not_city = set(ranks["city_id"]) - set(cities.filter(pl.col("place_kind") == "city")["city_id"])
    twice = ranks.filter(pl.struct("pollutant", "year", "city_id").is_duplicated()).height
    bad = len(not_city) + twice
    text = f"ranked but not a city: {sorted(not_city)}; ranked twice in a year: {twice}" if bad else "like with like"
    return CheckOutcome("air_rankings_like_with_like", "ERROR", bad == 0, text, bad)


@asset_check(
    asset=_key("rankings"),
    blocking=True,
    additional_ins={"cities": AssetIn(key=_key("cities"))},
    description="Rankings hold only cities (not clusters), each once per pollutant and year.",
)
def air_rankings_like_with_like(ranks: pl.DataFrame, cities: pl.DataFrame) -> AssetCheckResult:
    return check_result(_ranked_like_with_like(ranks, cities))


@asset_check(
    asset=_key("screening_events"),
    description="What the screening flagged as doubtful, per rule (a warning: the values are shown with their "
    "flag and kept out of means, rankings and trends).",
)
def air_screening_summary(events: pl.DataFrame) -> AssetCheckResult:
    counts = events.group_by("flag").agg(stretches=pl.len(), days=pl.col("n_days").sum()).sort("flag")
    text = "; ".join(f"{f}: {d} day(s) in {n} stretch(es)" for f, n, d in counts.iter_rows())
    days = int(events["n_days"].sum() or 0)
    return check_result(
        CheckOutcome("air_screening_summary", "WARN", events.is_empty(), f"doubtful: {text or 'none'}", days)
    )


def airdata_licence_present(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    """Publishing is blocked if AirData.kz values would go out without their CC BY-NC 4.0 licence in the catalogue."""
    observations, sources = tables.get("air_observations"), tables.get("sources")
    if observations is None or sources is None:
        return []
    used = set(observations["source_id"].unique()) & set(AIRDATA_SOURCES)
    licences = dict(sources.select("source_id", "licence").iter_rows())
    missing = sorted(s for s in used if "CC BY-NC 4.0" not in (licences.get(s) or ""))
    text = f"licence missing for {missing}" if missing else "AirData.kz sources carry CC BY-NC 4.0"
    outcome = CheckOutcome("air_airdata_licence", "ERROR", not missing, text, len(missing))
    return [(outcome, "indicators/air_observations")]


def no_incomplete_means(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    stats = tables.get("air_period_stats")
    return [] if stats is None else [(_no_incomplete_means(stats), "indicators/air_period_stats")]


ASSETS = [*table_assets[:2], air_daily_checked, *table_assets[2:]]  # the order the UI has always shown

THEME = Theme(
    "air",
    assets=ASSETS,
    checks=[
        air_thresholds_cited,
        air_no_mean_when_incomplete,
        air_observations_complete_rows,
        air_quarantine_summary,
        air_screening_summary,
        air_rankings_like_with_like,
    ],
    # Every air table is published but the intermediate that holds observations and quarantine in one frame.
    published={a.key.path[-1]: a.key for a in table_assets},
    publish_checks=[airdata_licence_present, no_incomplete_means],
)
