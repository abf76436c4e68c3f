"""Funding facts on a common basis: million US$ current and of 2015, using only cited series, each saying how.

Current US$ from another currency divides by WDI's official exchange rate of that year; US$ of 2015 uses the
US GDP deflator (WDI). A fact no cited series can convert keeps an empty amount and the reason.
"""

from __future__ import annotations

import polars as pl

COMPARABLE_SCHEMA = pl.Schema(
    {
        "fact_id": pl.String,
        "amount_million_usd_current": pl.Float64,
        "amount_million_usd_2015": pl.Float64,
        "conversion": pl.String,
    }
)
# amount_unit -> factor to millions of the same currency
TO_MILLIONS = {
    "million_usd_current": 1.0,
    "usd_current": 1e-6,
    "usd_2000": 1e-6,
    "usd_2014": 1e-6,
    "thousand_kzt_current": 1e-3,
    "eur_current": 1e-6,
    "million_eur_current": 1.0,
    "million_usd_crs_constant": 1.0,
}


def conversion_series(
    wdi_usa_deflator: pl.DataFrame, wdi_exchange_rate: pl.DataFrame, wdi_kaz_fx: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """The cited series used for conversions, as (year, value) frames.

    us_deflator: WDI NY.GDP.DEFL.ZS for the USA (2015 = 100); eur_per_usd: WDI PA.NUS.FCRF for the euro area;
    kzt_per_usd: WDI PA.NUS.FCRF for Kazakhstan (country file, to 2024)."""

    def pick(frame: pl.DataFrame, geo: str, code: str) -> pl.DataFrame:
        return (
            frame.filter((pl.col("geo_id") == geo) & (pl.col("variable") == code)).select("year", "value").sort("year")
        )

    return {
        "us_deflator": pick(wdi_usa_deflator, "USA", "NY.GDP.DEFL.ZS"),
        "eur_per_usd": pick(wdi_exchange_rate, "EMU", "PA.NUS.FCRF"),
        "kzt_per_usd": pick(wdi_kaz_fx, "KAZ", "PA.NUS.FCRF"),
    }


def comparable_amounts(facts: pl.DataFrame, series: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Each fact in million US$ current and million US$ of 2015, where a cited series allows it.

    Current US$ = local currency / (local currency per US$ of that year) (WDI PA.NUS.FCRF);
    US$ of 2015 = US$ of year Y x D(2015) / D(Y), D = US GDP deflator (WDI). Amounts in constant US$ of a
    base year B (PLAID 2000, AidData China 2014) are rebased with D(2015) / D(B). The CRS constant series has
    no stated base year here and is not converted. An empty result says why in `conversion`."""
    deflator = dict(series["us_deflator"].iter_rows())
    d2015 = deflator.get(2015)
    eur = series["eur_per_usd"].rename({"value": "eur_per_usd"})
    kzt = series["kzt_per_usd"].rename({"value": "kzt_per_usd"})
    us = series["us_deflator"].rename({"value": "deflator"})
    f = (
        facts.select("fact_id", "amount", "amount_unit", "year")
        .with_columns(
            millions=pl.col("amount") * pl.col("amount_unit").replace_strict(TO_MILLIONS, return_dtype=pl.Float64)
        )
        .join(eur, on="year", how="left")
        .join(kzt, on="year", how="left")
        .join(us, on="year", how="left")
    )
    unit = pl.col("amount_unit")
    current = (
        pl.when(unit.is_in(["million_usd_current", "usd_current"]))
        .then(pl.col("millions"))
        .when(unit.is_in(["eur_current", "million_eur_current"]))
        .then(pl.col("millions") / pl.col("eur_per_usd"))
        .when(unit == "thousand_kzt_current")
        .then(pl.col("millions") / pl.col("kzt_per_usd"))
    )
    base_deflator = {"usd_2000": deflator.get(2000), "usd_2014": deflator.get(2014)}
    rebased = (
        pl.when(unit == "usd_2000")
        .then(pl.col("millions") * d2015 / base_deflator["usd_2000"])
        .when(unit == "usd_2014")
        .then(pl.col("millions") * d2015 / base_deflator["usd_2014"])
    )
    f = f.with_columns(current=current).with_columns(
        usd2015=pl.when(unit.is_in(["usd_2000", "usd_2014"]))
        .then(rebased)
        .otherwise(pl.col("current") * d2015 / pl.col("deflator"))
    )
    reason = (
        pl.when(pl.col("amount").is_null())
        .then(pl.lit("no amount published"))
        .when(unit == "million_usd_crs_constant")
        .then(pl.lit("CRS constant prices: base year not stated, not converted"))
        .when(pl.col("year").is_null() & ~unit.is_in(["usd_2000", "usd_2014"]))
        .then(pl.lit("year unknown: no rate to apply"))
        .when(pl.col("current").is_null() & ~unit.is_in(["usd_2000", "usd_2014"]))
        .then(pl.lit("no exchange rate for this year in the cited WDI series"))
        .when(pl.col("usd2015").is_null())
        .then(pl.lit("no US GDP deflator for this year (WDI, 1989-2023)"))
        .when(unit.is_in(["usd_2000", "usd_2014"]))
        .then(pl.lit("rebased with the US GDP deflator (WDI NY.GDP.DEFL.ZS)"))
        .when(unit.is_in(["eur_current", "million_eur_current"]))
        .then(pl.lit("EUR / WDI PA.NUS.FCRF euro area; US GDP deflator to 2015"))
        .when(unit == "thousand_kzt_current")
        .then(pl.lit("KZT / WDI PA.NUS.FCRF Kazakhstan; US GDP deflator to 2015"))
        .otherwise(pl.lit("US$ current; US GDP deflator (WDI NY.GDP.DEFL.ZS) to 2015"))
    )
    return f.select(
        "fact_id", amount_million_usd_current="current", amount_million_usd_2015="usd2015", conversion=reason
    ).cast(COMPARABLE_SCHEMA)
