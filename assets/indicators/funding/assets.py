"""Theme funding: the Dagster assets and checks around the pure functions of facts, conversions and finance.

The theme also publishes the Summit 2026 tables (assets/indicators/summit/assets.py): the code location lists
one funding theme, and its tables, checks and their order stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from dagster import AssetCheckResult, AssetIn, AssetKey, asset, asset_check

from assets.common.checks import CheckOutcome, check_result
from assets.common.keys import indicators_key as key
from assets.common.keys import staged_ins, staged_key
from assets.common.tables import SEEDS, table_asset
from assets.common.themes import PARSERS, Theme
from assets.indicators.funding import fact_table, finance
from assets.indicators.funding.conversions import comparable_amounts, conversion_series
from assets.indicators.summit import assets as summit
from assets.sources.catalogue import geographies, read_seed, sources
from assets.staged.funding import quarantine

GROUP = "funding"
FUNDING_SOURCES: dict[str, Callable[[pl.DataFrame, dict[str, str]], pl.DataFrame]] = {
    "oecd_crs_climate": fact_table.crs_facts,
    "aiddata_gef": fact_table.gef_facts,
    "aiddata_worldbank": fact_table.worldbank_facts,
    "aiddata_adb": fact_table.adb_facts,
    "aiddata_china": fact_table.china_facts,
    "aiddata_plaid_env": fact_table.plaid_facts,
}
KZ_DOMESTIC = "kz_env_protection_expenditure"
# The air theme owns the kz_region_wide parser; until it lands the domestic series is simply not staged.
HAS_KZ_DOMESTIC = sources()[KZ_DOMESTIC].format in PARSERS


def _names() -> dict[str, str]:
    return dict(geographies().select("geo_id", "name_en").iter_rows())


@asset(
    key=key("funding_facts"),
    group_name=GROUP,
    ins={
        **staged_ins(FUNDING_SOURCES),
        "sust_energy": AssetIn(key=staged_key("sust_energy")),
        **({"kz_domestic": AssetIn(key=staged_key(KZ_DOMESTIC))} if HAS_KZ_DOMESTIC else {}),
    },
    description="One funding fact table: every published amount with donor, recipient, year, unit (currency, "
    "price basis), flow type, instrument, theme, summit directions and source. Never summed across sources.",
)
def funding_facts(context, sust_energy: pl.DataFrame, **staged: pl.DataFrame) -> pl.DataFrame:
    names = _names()
    parts = [build(staged[f"s_{sid}"], names) for sid, build in FUNDING_SOURCES.items()]
    parts.append(fact_table.irena_facts(sust_energy, names))
    if "kz_domestic" in staged:
        parts.append(fact_table.kz_domestic_facts(staged["kz_domestic"]))
    parts.append(fact_table.seed_document_facts(read_seed("seed_facts.csv")))
    facts = fact_table.funding_facts(parts)
    context.add_output_metadata({"facts": facts.height, "kz_domestic_included": "kz_domestic" in staged})
    return facts


@asset(
    key=key("funding_quarantine"),
    group_name=GROUP,
    ins=staged_ins(FUNDING_SOURCES),
    metadata={"warehouse_schema": "quarantine"},
    description="Rows of the funding files that could not be read: file, line and reason (the other rows are kept).",
)
def funding_quarantine(**staged: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([quarantine(staged[f"s_{sid}"], sid, sources()[sid].mirror_path) for sid in FUNDING_SOURCES])


def _comparable(
    facts: pl.DataFrame, usa_deflator: pl.DataFrame, exchange_rate: pl.DataFrame, kaz_fx: pl.DataFrame
) -> pl.DataFrame:
    return comparable_amounts(facts, conversion_series(usa_deflator, exchange_rate, kaz_fx))


FACTS = key("funding_facts")
FACTS_AND_COUNTRIES = {"facts": FACTS, "country_values": key("country_values")}
CONVERSION_INPUTS = {
    "facts": FACTS,
    "usa_deflator": staged_key("wdi_usa_deflator"),
    "exchange_rate": staged_key("wdi_exchange_rate"),
    "kaz_fx": staged_key("wdi_kaz_deflator_fx"),
}
DESCRIPTIONS = {
    "funding_source_totals": "Totals per source, recipient, year, flow type and unit: the sources side by side.",
    "funding_comparable": "Each fact in million US$ current and of 2015 where a cited WDI series allows it, "
    "with the path taken.",
    "funding_finance_values": "Climate-related finance (OECD CRS) per country and Central Asia: US$ million, "
    "per person, % of GDP.",
    "funding_crs_breakdown": "Climate-related disbursements by donor, theme and flow, per country, Central Asia "
    "and year.",
    "funding_crs_coverage": "Per year, the Central Asian countries with CRS climate-related rows and their "
    "population share.",
}
# name, compute, inputs (argument of compute -> asset key)
DERIVED: list[tuple[str, Callable[..., pl.DataFrame], dict[str, AssetKey]]] = [
    ("funding_source_totals", fact_table.source_totals, {"facts": FACTS}),
    ("funding_comparable", _comparable, CONVERSION_INPUTS),
    ("funding_finance_values", finance.finance_indicator_values, FACTS_AND_COUNTRIES),
    ("funding_crs_breakdown", finance.crs_breakdown, FACTS_AND_COUNTRIES),
    ("funding_crs_coverage", finance.crs_region_coverage, FACTS_AND_COUNTRIES),
]
derived_assets = [
    table_asset(key(name), GROUP, DESCRIPTIONS[name], compute, metadata=None, **inputs)
    for name, compute, inputs in DERIVED
]
funding_document_facts = table_asset(
    key("funding_document_facts"),
    GROUP,
    "Funding facts of the seed documents (EU allocations, CAREC funding shares), each with its citation.",
    lambda: fact_table.document_funding_facts(read_seed("seed_facts.csv")),
    metadata=SEEDS,
)


@asset_check(
    asset=key("funding_facts"),
    name="fact_units_and_ids",
    blocking=True,
    description="Every fact has a unique id and a unit of seeds/units.csv (blocks publishing)",
)
def fact_units_and_ids(funding_facts: pl.DataFrame) -> AssetCheckResult:
    return check_result(facts_outcome(funding_facts))


def facts_outcome(facts: pl.DataFrame) -> CheckOutcome:
    known = set(read_seed("units.csv")["unit"])
    unknown = sorted(set(facts["amount_unit"].unique()) - known)
    duplicated = facts.filter(pl.col("fact_id").is_duplicated())["fact_id"].unique().to_list()
    problems = ([f"units not in seeds/units.csv: {unknown}"] if unknown else []) + (
        [f"duplicate fact ids: {duplicated[:5]}"] if duplicated else []
    )
    return CheckOutcome(
        "funding_fact_units_and_ids",
        "ERROR",
        not problems,
        "; ".join(problems) or "unique ids, known units",
        len(problems),
    )


@asset_check(
    asset=key("funding_quarantine"),
    name="no_quarantined_rows",
    description="Lists the funding rows that could not be read (warning: the other rows are published)",
)
def no_quarantined_rows(funding_quarantine: pl.DataFrame) -> AssetCheckResult:
    desc = (
        "every funding row was read"
        if funding_quarantine.is_empty()
        else "; ".join(
            f"{r['file']} line {r['line']}: {r['reason']}" for r in funding_quarantine.head(20).iter_rows(named=True)
        )
    )
    return check_result(
        CheckOutcome("no_quarantined_rows", "WARN", funding_quarantine.is_empty(), desc, funding_quarantine.height)
    )


def publish_checks(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    """Run again before publishing: a fact problem keeps the snapshot in service unchanged."""
    return [(facts_outcome(tables["funding_facts"]), "indicators/funding_facts")]


ASSETS = [funding_facts, funding_quarantine, *derived_assets, funding_document_facts]
PUBLISHED = [
    "funding_facts",
    "funding_quarantine",
    "funding_source_totals",
    "funding_comparable",
    "funding_crs_breakdown",
    "funding_crs_coverage",
    "funding_document_facts",
]

THEME = Theme(
    "funding",
    assets=[*ASSETS, *summit.ASSETS],
    checks=[*summit.CHECKS, fact_units_and_ids, no_quarantined_rows],
    published={name: key(name) for name in [*PUBLISHED, *summit.PUBLISHED]},
    headline_values=[key("funding_finance_values")],
    publish_checks=[summit.publish_checks, publish_checks],
)
