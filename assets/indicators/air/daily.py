"""Air daily observations: each staged row attributed to a city and pollutant, or quarantined with its reason."""

from __future__ import annotations

import polars as pl

from assets.common.flags import add_flag
from assets.indicators.air.cities import city_label_lookup
from assets.indicators.air.rules import AIRDATA_SOURCES, MIN_VALID_HOURS, UNIT
from assets.indicators.air.screening import (
    ImpossibleValuesError,
    Screening,
    impossible_message,
    impossible_values,
    load_screening,
    screen,
)
from assets.sources.catalogue import read_seed

# Files that carry no pollutant or city column: the catalogue entry says what they hold.
POLLUTANT_BY_SOURCE = {
    "airdata_kz_other_pm25": "pm25",
    "airdata_kz_other_pm10": "pm10",
    "airdata_kz_other_no2": "no2",
    "bishkek_us_embassy_pm25": "pm25",
    "tashkent_municipal_pm25": "pm25",
}
CITY_BY_SOURCE = {"tashkent_municipal_pm25": "tashkent"}
# Sensor type the source states (SOURCES.md): Tashkent is a low-cost network; Almaty PM2.5 to 2020 comes
# mainly from AirKaz low-cost sensors.
LOW_COST_SOURCES = ("tashkent_municipal_pm25",)
LOW_COST_ALMATY_PM25_LAST_YEAR = 2020

OBSERVATION_SCHEMA = pl.Schema(
    {
        "city_id": pl.String,
        "source_id": pl.String,
        "source_row": pl.Int64,  # line of the source file (header = line 1), so a flag or a block can name it
        "pollutant": pl.String,
        "date": pl.Date,
        "year": pl.Int32,
        "value": pl.Float64,
        "unit": pl.String,
        "statistic": pl.String,
        "n_stations": pl.Int32,
        "valid_hours": pl.Int32,
        "day_counts": pl.Boolean,
        "flags": pl.String,
    }
)
QUARANTINE_SCHEMA = pl.Schema(
    {
        "source_id": pl.String,
        "source_row": pl.Int64,
        "city_label": pl.String,
        "date": pl.Date,
        "value": pl.Float64,
        "reason": pl.String,
    }
)


def day_counts_rule(source_id: str) -> pl.Expr:
    """Whether a published day is complete enough to count towards a period's completeness and mean."""
    if source_id == "bishkek_us_embassy_pm25":
        return pl.col("valid_hours").fill_null(0) >= MIN_VALID_HOURS
    if source_id == "tashkent_municipal_pm25":
        # n_obs counts hourly readings over all reporting stations: 18 per station on average.
        return pl.col("valid_hours").fill_null(0) >= MIN_VALID_HOURS * pl.col("n_stations").fill_null(1).clip(
            lower_bound=1
        )
    return pl.lit(True)  # AirData publishes no hour counts: each published day counts


def low_cost_rule(source_id: str) -> pl.Expr:
    """Days the source says come from low-cost sensors (an info flag that travels with the value)."""
    if source_id in LOW_COST_SOURCES:
        return pl.lit(True)
    if source_id == "airdata_kz_main_cities":
        return (
            (pl.col("city_id") == "almaty")
            & (pl.col("pollutant") == "pm25")
            & (pl.col("date").dt.year() <= LOW_COST_ALMATY_PM25_LAST_YEAR)
        )
    return pl.lit(False)


def attribute_daily(staged: pl.DataFrame, source_id: str, labels: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One source's staged rows -> (observations, quarantine). Nothing is dropped: every row lands in one of the two."""
    rows = staged.with_columns(pollutant=pl.coalesce(pl.col("pollutant"), pl.lit(POLLUTANT_BY_SOURCE.get(source_id))))
    if source_id in CITY_BY_SOURCE:
        rows = rows.with_columns(city_id=pl.lit(CITY_BY_SOURCE[source_id]))
    else:
        rows = rows.join(labels.rename({"label": "city_label"}), on="city_label", how="left")
    rows = rows.with_columns(
        problem=pl.when(pl.col("problem") != "")
        .then(pl.col("problem"))
        .when(pl.col("city_id").is_null())
        .then(pl.lit("city label ") + pl.col("city_label") + pl.lit(" is not in seeds/air_cities.csv"))
        .when(pl.col("pollutant").is_null())
        .then(pl.lit("pollutant unknown"))
        .otherwise(pl.lit(""))
    )
    # A second row for the same city, pollutant and day cannot be told apart from the first: quarantine it.
    first = pl.col("source_row") == pl.col("source_row").min().over("city_id", "pollutant", "date")
    rows = rows.with_columns(
        problem=pl.when((pl.col("problem") == "") & ~first)
        .then(pl.lit("duplicate day for this city and pollutant"))
        .otherwise(pl.col("problem"))
    )
    good = rows.filter(pl.col("problem") == "")
    flag = "pre_day_boundary_correction" if source_id in AIRDATA_SOURCES else ""
    observations = (
        good.with_columns(
            source_id=pl.lit(source_id),
            year=pl.col("date").dt.year(),
            unit=pl.lit(UNIT),
            day_counts=day_counts_rule(source_id),
            flags=pl.lit(flag),
        )
        .with_columns(
            flags=add_flag(pl.col("flags"), "day_incomplete", ~pl.col("day_counts")),
        )
        .with_columns(
            # Reference monitors report small negative values near zero; kept as published, and said so.
            flags=add_flag(pl.col("flags"), "negative_as_published", pl.col("value") < 0),
        )
        .with_columns(flags=add_flag(pl.col("flags"), "daily_median", pl.col("statistic") == "daily_median"))
        .with_columns(flags=add_flag(pl.col("flags"), "low_cost_sensors", low_cost_rule(source_id)))
        .select(list(OBSERVATION_SCHEMA))
        .cast(OBSERVATION_SCHEMA)
    )
    quarantine = (
        rows.filter(pl.col("problem") != "")
        .with_columns(source_id=pl.lit(source_id))
        .select("source_id", "source_row", "city_label", "date", "value", reason="problem")
        .cast(QUARANTINE_SCHEMA)
    )
    return observations, quarantine


def build_daily(
    staged_by_source: dict[str, pl.DataFrame], cities: pl.DataFrame, screening: Screening | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every source's rows -> (screened observations, quarantine).

    Raises ImpossibleValuesError naming file and line when a value no instrument can report is in a source:
    the run stops there (the published snapshot keeps being served). Doubtful values carry their flag.
    """
    screening = screening or load_screening()
    labels = city_label_lookup(cities)
    parts = [attribute_daily(frame, sid, labels) for sid, frame in sorted(staged_by_source.items())]
    observations = pl.concat([p[0] for p in parts]).sort("city_id", "source_id", "pollutant", "date")
    quarantine = pl.concat([p[1] for p in parts]).sort("source_id", "source_row")
    impossible = impossible_values(observations, screening)
    if impossible.height:
        raise ImpossibleValuesError(impossible_message(impossible, source_files()))
    return screen(observations, screening), quarantine


def source_files() -> dict[str, str]:
    """source_id -> the file in the mirror (seeds/sources.csv), to name it in a reason."""
    return dict(read_seed("sources.csv").select("source_id", "mirror_path").iter_rows())
