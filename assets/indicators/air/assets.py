"""Theme air: the Dagster assets and checks around the pure functions of assets/staged/air.py."""

from __future__ import annotations

import polars as pl
from dagster import AssetCheckResult, AssetCheckSeverity, AssetIn, asset, asset_check

from assets.common.checks import CheckOutcome
from assets.common.keys import indicators_key, staged_key
from assets.common.themes import Theme
from assets.sources.catalogue import read_seed
from assets.staged import air

GROUP = "air"
DAILY_SOURCES = (
    "airdata_kz_main_cities",
    "airdata_kz_other_pm25",
    "airdata_kz_other_pm10",
    "airdata_kz_other_no2",
    "bishkek_us_embassy_pm25",
    "tashkent_municipal_pm25",
)


def _key(name: str):
    return indicators_key(f"air_{name}")


@asset(
    key=_key("cities"),
    group_name=GROUP,
    ins={"places": AssetIn(key=staged_key("ne_populated_places"))},
    description="Cities with Russian, Kazakh and English names, each source's spellings, region and Natural Earth location.",
)
def air_cities(places: pl.DataFrame) -> pl.DataFrame:
    return air.build_cities(read_seed("air_cities.csv"), places)


@asset(
    key=_key("region_points"),
    group_name=GROUP,
    ins={
        "admin1": AssetIn(key=staged_key("ne_admin1_points")),
        "places": AssetIn(key=staged_key("ne_populated_places")),
    },
    description="One map point per Kazakh region of the statistics tables (no region polygons exist in the sources).",
)
def air_region_points(admin1: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    return air.build_region_points(read_seed("air_regions.csv"), admin1, places)


@asset(
    key=_key("daily_checked"),
    group_name=GROUP,
    ins={"cities": AssetIn(key=_key("cities")), **{s: AssetIn(key=staged_key(s)) for s in DAILY_SOURCES}},
    description="Every daily row of every air source, attributed to a city or quarantined with its reason.",
)
def air_daily_checked(context, cities: pl.DataFrame, **staged: pl.DataFrame) -> pl.DataFrame:
    observations, quarantine = air.build_daily(staged, cities)
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


@asset(
    key=_key("observations"),
    group_name=GROUP,
    ins={"checked": AssetIn(key=_key("daily_checked"))},
    description="Daily observations: city, source, pollutant, date, value (µg/m³), daily statistic and flags.",
)
def air_observations(checked: pl.DataFrame) -> pl.DataFrame:
    return checked.filter(pl.col("reason") == "").select(list(air.OBSERVATION_SCHEMA))


@asset(
    key=_key("quarantine"),
    group_name=GROUP,
    ins={"checked": AssetIn(key=_key("daily_checked"))},
    description="Daily rows that could not be used, with source, file line and reason.",
)
def air_quarantine(checked: pl.DataFrame) -> pl.DataFrame:
    return checked.filter(pl.col("reason") != "").select(list(air.QUARANTINE_SCHEMA))


@asset(
    key=_key("period_stats"),
    group_name=GROUP,
    ins={"observations": AssetIn(key=_key("observations"))},
    description="Completeness and mean per city, source, pollutant, year / heating season / summer (mean only where complete).",
)
def air_period_stats(observations: pl.DataFrame) -> pl.DataFrame:
    return air.period_stats(observations)


@asset(
    key=_key("season_ratio"),
    group_name=GROUP,
    ins={"stats": AssetIn(key=_key("period_stats"))},
    description="Heating-season mean over the preceding summer's mean, where both are complete.",
)
def air_season_ratio(stats: pl.DataFrame) -> pl.DataFrame:
    return air.season_ratios(stats)


@asset(
    key=_key("trends"),
    group_name=GROUP,
    ins={"stats": AssetIn(key=_key("period_stats"))},
    description="Least-squares trend of complete annual means (µg/m³ per year).",
)
def air_trends(stats: pl.DataFrame) -> pl.DataFrame:
    return air.trends(stats)


@asset(
    key=_key("rankings"),
    group_name=GROUP,
    ins={"stats": AssetIn(key=_key("period_stats"))},
    description="Cities ranked by complete annual mean per pollutant and year.",
)
def air_rankings(stats: pl.DataFrame) -> pl.DataFrame:
    return air.rankings(stats)


@asset(
    key=_key("thresholds"),
    group_name=GROUP,
    description="Threshold registry from seeds/air_thresholds.csv: every value cites its document and table.",
)
def air_thresholds() -> pl.DataFrame:
    return air.thresholds_registry(read_seed("air_thresholds.csv"))


@asset(
    key=_key("exceedances"),
    group_name=GROUP,
    ins={
        "observations": AssetIn(key=_key("observations")),
        "stats": AssetIn(key=_key("period_stats")),
        "thresholds": AssetIn(key=_key("thresholds")),
    },
    description="Days above each registered 24-hour threshold, per city, source, pollutant and year.",
)
def air_exceedances(observations: pl.DataFrame, stats: pl.DataFrame, thresholds: pl.DataFrame) -> pl.DataFrame:
    return air.exceedances(observations, stats, thresholds)


@asset(
    key=_key("region_emissions"),
    group_name=GROUP,
    ins={"staged": AssetIn(key=staged_key("kz_emissions_stationary_by_region"))},
    description="Kazakhstan: air-pollutant emissions from stationary sources by region and year (thousand tonnes).",
)
def air_region_emissions(staged: pl.DataFrame) -> pl.DataFrame:
    return air.region_emissions(staged, read_seed("air_regions.csv"))


@asset(
    key=_key("region_trends"),
    group_name=GROUP,
    ins={"emissions": AssetIn(key=_key("region_emissions"))},
    description="Per region: change and least-squares trend of stationary-source emissions over comparable years.",
)
def air_region_trends(emissions: pl.DataFrame) -> pl.DataFrame:
    return air.region_emission_trends(emissions)


@asset(
    key=_key("source_notes"),
    group_name=GROUP,
    description="Caveats that travel with each air source's values (licence, day boundaries, network type).",
)
def air_source_notes() -> pl.DataFrame:
    return air.source_notes_table()


# ---------------------------------------------------------------- checks


@asset_check(asset=_key("thresholds"), blocking=True, description="Every threshold value cites its document and table.")
def air_thresholds_cited(thresholds: pl.DataFrame) -> AssetCheckResult:
    bad = air.uncited_thresholds(thresholds)
    return AssetCheckResult(
        passed=bad.is_empty(),
        metadata={"uncited": bad["threshold_id"].to_list()},
        description="every threshold cited"
        if bad.is_empty()
        else f"uncited thresholds: {bad['threshold_id'].to_list()}",
    )


@asset_check(asset=_key("period_stats"), blocking=True, description="No mean is given for an incomplete period.")
def air_no_mean_when_incomplete(stats: pl.DataFrame) -> AssetCheckResult:
    bad = stats.filter(~pl.col("complete") & pl.col("mean").is_not_null())
    return AssetCheckResult(
        passed=bad.is_empty(),
        metadata={"violations": bad.height},
        description=f"{bad.height} incomplete period(s) carry a mean",
    )


@asset_check(
    asset=_key("observations"),
    blocking=True,
    description="Every observation has a city, pollutant, date, value and unit.",
)
def air_observations_complete_rows(observations: pl.DataFrame) -> AssetCheckResult:
    nulls = {c: observations[c].null_count() for c in ("city_id", "pollutant", "date", "value", "unit")}
    return AssetCheckResult(
        passed=not any(nulls.values()),
        metadata=nulls,
        description="empty cells: " + ", ".join(f"{c}={n}" for c, n in nulls.items()),
    )


@asset_check(
    asset=_key("quarantine"),
    description="Rows quarantined per source and reason (a warning: they are shown, not lost).",
)
def air_quarantine_summary(quarantine: pl.DataFrame) -> AssetCheckResult:
    counts = quarantine.group_by("source_id", "reason").len().sort("len", descending=True).head(10)
    text = "; ".join(f"{s}: {r} ({n})" for s, r, n in counts.iter_rows())
    return AssetCheckResult(
        passed=quarantine.is_empty(),
        severity=AssetCheckSeverity.WARN,
        metadata={"rows": quarantine.height, "top_reasons": text or "none"},
        description=f"{quarantine.height} row(s) quarantined: {text or 'none'}",
    )


def airdata_licence_present(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    """Publishing is blocked if AirData.kz values would go out without their CC BY-NC 4.0 licence in the catalogue."""
    observations, sources = tables.get("air_observations"), tables.get("sources")
    if observations is None or sources is None:
        return []
    used = set(observations["source_id"].unique()) & set(air.AIRDATA_SOURCES)
    licences = dict(sources.select("source_id", "licence").iter_rows())
    missing = sorted(s for s in used if "CC BY-NC 4.0" not in (licences.get(s) or ""))
    outcome = CheckOutcome(
        "air_airdata_licence",
        "ERROR",
        not missing,
        "AirData.kz sources carry CC BY-NC 4.0" if not missing else f"licence missing for {missing}",
        len(missing),
    )
    return [(outcome, "indicators/air_observations")]


def no_incomplete_means(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    stats = tables.get("air_period_stats")
    if stats is None:
        return []
    bad = stats.filter(~pl.col("complete") & pl.col("mean").is_not_null()).height
    return [
        (
            CheckOutcome(
                "air_no_incomplete_means",
                "ERROR",
                bad == 0,
                "no mean published for an incomplete period" if not bad else f"{bad} incomplete period(s) carry a mean",
                bad,
            ),
            "indicators/air_period_stats",
        )
    ]


PUBLISHED = [
    "cities",
    "region_points",
    "observations",
    "quarantine",
    "period_stats",
    "season_ratio",
    "trends",
    "rankings",
    "thresholds",
    "exceedances",
    "region_emissions",
    "region_trends",
    "source_notes",
]

THEME = Theme(
    "air",
    assets=[
        air_cities,
        air_region_points,
        air_daily_checked,
        air_observations,
        air_quarantine,
        air_period_stats,
        air_season_ratio,
        air_trends,
        air_rankings,
        air_thresholds,
        air_exceedances,
        air_region_emissions,
        air_region_trends,
        air_source_notes,
    ],
    checks=[air_thresholds_cited, air_no_mean_when_incomplete, air_observations_complete_rows, air_quarantine_summary],
    published={f"air_{name}": _key(name) for name in PUBLISHED},
    publish_checks=[airdata_licence_present, no_incomplete_means],
)
