"""Theme funding: the Dagster assets and checks around the pure functions of assets/funding.py."""

from __future__ import annotations

import polars as pl
from dagster import AssetCheckResult, AssetCheckSeverity, AssetIn, asset, asset_check

from assets.common.checks import CheckOutcome
from assets.common.keys import indicators_key as key
from assets.common.keys import staged_key
from assets.common.settings import SEEDS_DIR, load_settings
from assets.common.themes import PARSERS, Theme
from assets.indicators.country import indicator_catalogue
from assets.indicators.funding import fact_table as funding
from assets.sources.catalogue import geographies, read_seed, sources

GROUP = "funding"
FUNDING_SOURCES = {
    "oecd_crs_climate": funding.crs_facts,
    "aiddata_gef": funding.gef_facts,
    "aiddata_worldbank": funding.worldbank_facts,
    "aiddata_adb": funding.adb_facts,
    "aiddata_china": funding.china_facts,
    "aiddata_plaid_env": funding.plaid_facts,
}
KZ_DOMESTIC = "kz_env_protection_expenditure"
# The air theme owns the kz_region_wide parser; until it lands the domestic series is simply not staged.
HAS_KZ_DOMESTIC = sources()[KZ_DOMESTIC].format in PARSERS
REGISTRY_SEED = SEEDS_DIR / "summit_initiatives.csv"


def _names() -> dict[str, str]:
    return dict(geographies().select("geo_id", "name_en").iter_rows())


@asset(
    key=key("funding_facts"),
    group_name=GROUP,
    ins={
        **{f"s_{sid}": AssetIn(key=staged_key(sid)) for sid in FUNDING_SOURCES},
        "sust_energy": AssetIn(key=staged_key("sust_energy")),
        **({"kz_domestic": AssetIn(key=staged_key(KZ_DOMESTIC))} if HAS_KZ_DOMESTIC else {}),
    },
    description="One funding fact table: every published amount with donor, recipient, year, unit (currency, "
    "price basis), flow type, instrument, theme, summit directions and source. Never summed across sources.",
)
def funding_facts(context, sust_energy: pl.DataFrame, **staged: pl.DataFrame) -> pl.DataFrame:
    names = _names()
    parts = [build(staged[f"s_{sid}"], names) for sid, build in FUNDING_SOURCES.items()]
    parts.append(funding.irena_facts(sust_energy, names))
    if "kz_domestic" in staged:
        parts.append(funding.kz_domestic_facts(staged["kz_domestic"]))
    parts.append(funding.seed_document_facts(read_seed("seed_facts.csv")))
    facts = funding.funding_facts(parts)
    context.add_output_metadata({"facts": facts.height, "kz_domestic_included": "kz_domestic" in staged})
    return facts


@asset(
    key=key("funding_quarantine"),
    group_name=GROUP,
    ins={f"s_{sid}": AssetIn(key=staged_key(sid)) for sid in FUNDING_SOURCES},
    description="Rows of the funding files that could not be read: file, line and reason (the other rows are kept).",
)
def funding_quarantine(**staged: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(
        [funding.quarantine(staged[f"s_{sid}"], sid, sources()[sid].mirror_path) for sid in FUNDING_SOURCES]
    )


@asset(
    key=key("funding_source_totals"),
    group_name=GROUP,
    ins={"facts": AssetIn(key=key("funding_facts"))},
    description="Totals per source, recipient, year, flow type and unit: the sources side by side.",
)
def funding_source_totals(facts: pl.DataFrame) -> pl.DataFrame:
    return funding.source_totals(facts)


@asset(
    key=key("funding_comparable"),
    group_name=GROUP,
    ins={
        "facts": AssetIn(key=key("funding_facts")),
        "usa_deflator": AssetIn(key=staged_key("wdi_usa_deflator")),
        "exchange_rate": AssetIn(key=staged_key("wdi_exchange_rate")),
        "kaz_fx": AssetIn(key=staged_key("wdi_kaz_deflator_fx")),
    },
    description="Each fact in million US$ current and of 2015 where a cited WDI series allows it, with the path taken.",
)
def funding_comparable(
    facts: pl.DataFrame, usa_deflator: pl.DataFrame, exchange_rate: pl.DataFrame, kaz_fx: pl.DataFrame
) -> pl.DataFrame:
    return funding.comparable_amounts(facts, funding.conversion_series(usa_deflator, exchange_rate, kaz_fx))


@asset(
    key=key("funding_finance_values"),
    group_name=GROUP,
    ins={"facts": AssetIn(key=key("funding_facts")), "country_values": AssetIn(key=key("country_values"))},
    description="Climate-related finance (OECD CRS) per country and Central Asia: US$ million, per person, % of GDP.",
)
def funding_finance_values(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    return funding.finance_indicator_values(facts, country_values)


@asset(
    key=key("funding_crs_breakdown"),
    group_name=GROUP,
    ins={"facts": AssetIn(key=key("funding_facts")), "country_values": AssetIn(key=key("country_values"))},
    description="Climate-related disbursements by donor, theme and flow, per country, Central Asia and year.",
)
def funding_crs_breakdown(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    return funding.crs_breakdown(facts, country_values)


@asset(
    key=key("funding_crs_coverage"),
    group_name=GROUP,
    ins={"facts": AssetIn(key=key("funding_facts")), "country_values": AssetIn(key=key("country_values"))},
    description="Per year, the Central Asian countries with CRS climate-related rows and their population share.",
)
def funding_crs_coverage(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    return funding.crs_region_coverage(facts, country_values)


@asset(
    key=key("funding_document_facts"),
    group_name=GROUP,
    description="Funding facts of the seed documents (EU allocations, CAREC funding shares), each with its citation.",
)
def funding_document_facts() -> pl.DataFrame:
    return funding.document_funding_facts(read_seed("seed_facts.csv"))


# ---------------------------------------------------------------- summit registry


def _known_indicators() -> set[str]:
    return set(indicator_catalogue()["indicator_id"])


@asset(
    key=key("summit_registry_problems"),
    group_name=GROUP,
    description="Problems of the initiatives file in use (newest in CAEI_HOME/inbox/summit/, else the seed).",
)
def summit_registry_problems() -> pl.DataFrame:
    _, problems, _ = funding.choose_registry(REGISTRY_SEED, load_settings().inbox_dir / "summit", _known_indicators())
    return problems


@asset(
    key=key("summit_initiatives"),
    group_name=GROUP,
    description="Summit 2026 initiatives registry; an updated file in CAEI_HOME/inbox/summit/ replaces the seed "
    "once it passes the registry checks (until then the published snapshot keeps the previous one).",
)
def summit_initiatives(context) -> pl.DataFrame:
    registry, problems, file = funding.choose_registry(
        REGISTRY_SEED, load_settings().inbox_dir / "summit", _known_indicators()
    )
    context.add_output_metadata({"file": file, "initiatives": registry.height, "problems": problems.height})
    return funding.registry_table(registry, file)


def _registry_check(check_name: str):
    @asset_check(
        asset=key("summit_initiatives"),
        name=f"registry_{check_name}",
        blocking=True,
        additional_ins={"problems": AssetIn(key=key("summit_registry_problems"))},
        description=f"Initiatives registry: {check_name.replace('_', ' ')} (blocks publishing)",
    )
    def _check(summit_initiatives: pl.DataFrame, problems: pl.DataFrame) -> AssetCheckResult:
        outcome = registry_outcome(problems, check_name)
        return AssetCheckResult(
            passed=outcome.passed,
            severity=AssetCheckSeverity.ERROR,
            description=outcome.description[:2000],
            metadata={"n_failed": outcome.n_failed},
        )

    return _check


def registry_outcome(problems: pl.DataFrame, check_name: str) -> CheckOutcome:
    mine = problems.filter(pl.col("check") == check_name)
    desc = (
        f"no {check_name.replace('_', ' ')}"
        if mine.is_empty()
        else "; ".join(
            f"{r['file']} line {r['line']} ({r['initiative_id'] or 'no id'}): {r['reason']}"
            for r in mine.iter_rows(named=True)
        )
    )
    return CheckOutcome(f"registry_{check_name}", "ERROR", mine.is_empty(), desc, mine.height)


@asset_check(
    asset=key("funding_facts"),
    name="fact_units_and_ids",
    blocking=True,
    description="Every fact has a unique id and a unit of seeds/units.csv (blocks publishing)",
)
def fact_units_and_ids(funding_facts: pl.DataFrame) -> AssetCheckResult:
    outcome = facts_outcome(funding_facts)
    return AssetCheckResult(
        passed=outcome.passed, severity=AssetCheckSeverity.ERROR, description=outcome.description[:2000]
    )


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
    return AssetCheckResult(
        passed=funding_quarantine.is_empty(),
        severity=AssetCheckSeverity.WARN,
        description=desc[:2000],
        metadata={"n_rows": funding_quarantine.height},
    )


def publish_checks(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    """Run again before publishing: a registry or fact problem keeps the snapshot in service unchanged."""
    out = [
        (registry_outcome(tables["summit_registry_problems"], c), "indicators/summit_initiatives")
        for c in funding.REGISTRY_CHECKS
    ]
    out.append((facts_outcome(tables["funding_facts"]), "indicators/funding_facts"))
    return out


# ---------------------------------------------------------------- summit seeds and direction links


@asset(
    key=key("summit_direction_indicators"),
    group_name=GROUP,
    description="The 8 summit directions x their catalogue indicators (seeds/indicators.csv `directions`).",
)
def summit_direction_indicators() -> pl.DataFrame:
    return funding.direction_indicators(indicator_catalogue())


@asset(
    key=key("summit_consultations"),
    group_name=GROUP,
    description="The 2025 consultations timeline of RES 2026 (seeds/summit_consultations.csv, cited).",
)
def summit_consultations() -> pl.DataFrame:
    return read_seed("summit_consultations.csv")


@asset(
    key=key("summit_facts"),
    group_name=GROUP,
    description="Summit dates, place, aims, programme areas, expected outcomes and partners (seeds/summit_facts.csv).",
)
def summit_facts() -> pl.DataFrame:
    return read_seed("summit_facts.csv")


ASSETS = [
    funding_facts,
    funding_quarantine,
    funding_source_totals,
    funding_comparable,
    funding_finance_values,
    funding_crs_breakdown,
    funding_crs_coverage,
    funding_document_facts,
    summit_registry_problems,
    summit_initiatives,
    summit_direction_indicators,
    summit_consultations,
    summit_facts,
]
PUBLISHED = [
    "funding_facts",
    "funding_quarantine",
    "funding_source_totals",
    "funding_comparable",
    "funding_crs_breakdown",
    "funding_crs_coverage",
    "funding_document_facts",
    "summit_registry_problems",
    "summit_initiatives",
    "summit_direction_indicators",
    "summit_consultations",
    "summit_facts",
]

THEME = Theme(
    "funding",
    assets=ASSETS,
    checks=[*(_registry_check(c) for c in funding.REGISTRY_CHECKS), fact_units_and_ids, no_quarantined_rows],
    published={name: key(name) for name in PUBLISHED},
    headline_values=[key("funding_finance_values")],
    publish_checks=[publish_checks],
)
