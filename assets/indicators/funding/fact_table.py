"""Funding facts: every published amount of every funding source, one row each, as published.

Funding sources are kept side by side, never summed across each other: every fact keeps the amount as
published with its unit (currency, scale and price basis), its flow type (commitment, disbursement,
domestic expenditure) and its source. Conversions live in conversions.py, indicators in finance.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import polars as pl

from assets.common.flags import add_flag
from assets.common.geography import REGION_ID
from assets.sources.catalogue import iso3_by_source_name, read_seed
from assets.staged.parsers import ParseError

FACTS_SCHEMA = pl.Schema(
    {
        "fact_id": pl.String,
        "source_id": pl.String,
        "donor": pl.String,
        "recipient_geo": pl.String,
        "recipient_name": pl.String,
        "recipient_level": pl.String,
        "year": pl.Int32,
        "period": pl.String,
        "amount": pl.Float64,
        "amount_unit": pl.String,
        "currency": pl.String,
        "price_basis": pl.String,
        "flow_type": pl.String,
        "instrument": pl.String,
        "theme": pl.String,
        "directions": pl.String,
        "project_id": pl.String,
        "title": pl.String,
        "flags": pl.String,
        "citation": pl.String,
    }
)
# amount_unit -> (currency, price basis); every unit is in seeds/units.csv.
AMOUNT_UNITS = {
    unit: (currency, basis)
    for unit, currency, basis in (
        ("million_usd_current", "USD", "current"),
        ("million_usd_crs_constant", "USD", "constant_crs_release"),
        ("usd_current", "USD", "current"),
        ("usd_2000", "USD", "constant_2000"),
        ("usd_2014", "USD", "constant_2014"),
        ("thousand_kzt_current", "KZT", "current"),
        ("eur_current", "EUR", "current"),
        ("million_eur_current", "EUR", "current"),
    )
}
REGIONAL_RECIPIENTS = {"Central Asia, regional", "South & Central Asia, regional"}
KZ_NATIONAL_TOTAL = "Республика Казахстан"


def theme_directions() -> pl.DataFrame:
    """source_id, theme -> summit directions (seeds/funding_theme_directions.csv, each row with its reason)."""
    return read_seed("funding_theme_directions.csv").select("source_id", "theme", "directions")


def _facts(rows: pl.DataFrame, source_id: str, amount_unit: str, **columns) -> pl.DataFrame:
    """Build fact rows: `columns` are polars expressions (or literals) for the fact columns."""
    currency, basis = AMOUNT_UNITS[amount_unit]
    exprs = {
        "source_id": pl.lit(source_id),
        "amount_unit": pl.lit(amount_unit),
        "currency": pl.lit(currency),
        "price_basis": pl.lit(basis),
    }
    for name, value in columns.items():
        exprs[name] = value if isinstance(value, pl.Expr) else pl.lit(value)
    for name in FACTS_SCHEMA:
        exprs.setdefault(name, pl.lit(None))
    exprs["flags"] = exprs["flags"] if "flags" in columns else pl.lit("")
    return rows.select(**{n: exprs[n] for n in FACTS_SCHEMA}).cast(FACTS_SCHEMA)


def _as_expr(value) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value)


def _usable(staged: pl.DataFrame) -> pl.DataFrame:
    return staged.filter(pl.col("problem").is_null())


def _with_directions(facts: pl.DataFrame) -> pl.DataFrame:
    mapping = theme_directions().rename({"directions": "mapped"})
    return (
        facts.join(mapping, on=["source_id", "theme"], how="left")
        .with_columns(directions=pl.coalesce("directions", "mapped").fill_null(""))
        .select(list(FACTS_SCHEMA))
    )


def _country_year(geo: str, year: str, names: dict[str, str], name: pl.Expr | None = None) -> dict[str, pl.Expr]:
    """A fact's recipient (a country, by default named as in seeds/geographies.csv) and year, from staged columns."""
    return dict(
        recipient_geo=pl.col(geo),
        recipient_name=pl.col(geo).replace_strict(names, default=pl.col(geo)) if name is None else name,
        recipient_level=pl.lit("country"),
        year=pl.col(year),
        period=pl.col(year).cast(pl.String),
    )


def _project_facts(rows: pl.DataFrame, source_id: str, amounts: dict[str, tuple[str, str]], **columns) -> pl.DataFrame:
    """One fact per published amount of a project; a project with no amount at all keeps one row with an
    empty amount flagged `amount_not_published` (it is listed, never counted)."""
    parts = []
    for column, (flow_type, unit) in amounts.items():
        present = rows.filter(pl.col(f"{column}_num").is_not_null())
        parts.append(
            _facts(
                present,
                source_id,
                unit,
                amount=pl.col(f"{column}_num"),
                flow_type=flow_type,
                fact_id=pl.lit(f"{source_id}:{column}:") + pl.col("line").cast(pl.String),
                **columns,
            )
        )
    none = rows.filter(pl.all_horizontal(pl.col(f"{c}_num").is_null() for c in amounts))
    column, (flow_type, unit) = next(iter(amounts.items()))
    parts.append(
        _facts(
            none,
            source_id,
            unit,
            amount=pl.lit(None, dtype=pl.Float64),
            flow_type=flow_type,
            fact_id=pl.lit(f"{source_id}:none:") + pl.col("line").cast(pl.String),
            **{**columns, "flags": add_flag(_as_expr(columns.get("flags", "")), "amount_not_published", pl.lit(True))},
        )
    )
    return pl.concat(parts)


def crs_facts(staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    rows = _usable(staged)
    return _project_facts(
        rows,
        "oecd_crs_climate",
        {
            "usd_disbursement": ("disbursement", "million_usd_current"),
            "usd_disbursement_defl": ("disbursement", "million_usd_crs_constant"),
        },
        donor=pl.col("donor_name"),
        **_country_year("de_recipientcode", "year_num", names),
        instrument=pl.col("flow_name"),
        theme=pl.col("sector_group"),
        # Rio markers count the whole activity when climate is a significant objective: an upper bound.
        # Negative disbursements are reflows: real, and kept.
        flags=add_flag(pl.lit("rio_marker_upper_bound"), "negative_disbursement", pl.col("usd_disbursement_num") < 0),
    )


@dataclass(frozen=True)
class ProjectFile:
    """Where an AidData project file keeps what: they differ only in which column holds what."""

    amounts: dict[str, tuple[str, str]]
    donor: str
    geo: str
    year: str
    name: str | None
    columns: dict[str, str]


_AIDDATA_COMMITMENTS = {
    "total_commitments": ("commitment", "usd_current"),
    "total_disbursements": ("disbursement", "usd_current"),
}
AIDDATA_PROJECT_FILES: dict[str, ProjectFile] = {
    "aiddata_gef": ProjectFile(
        amounts=_AIDDATA_COMMITMENTS,
        donor="Global Environment Facility (GEF)",
        geo="recipients_iso3",
        year="transactions_start_year_num",
        name="recipients",
        columns={"instrument": "project_type", "theme": "focal_area", "project_id": "gef_id", "title": "project_title"},
    ),
    "aiddata_worldbank": ProjectFile(
        amounts={
            "total_amount_usd_million": ("commitment", "million_usd_current"),
            "total_disbursed_usd_million": ("disbursement", "million_usd_current"),
        },
        donor="World Bank (IBRD/IDA)",
        geo="iso3",
        year="approval_year_num",
        name=None,
        columns={
            "instrument": "lending_instrument",
            "theme": "major_sector_1",
            "project_id": "project_id",
            "title": "project_title",
        },
    ),
    "aiddata_adb": ProjectFile(
        amounts=_AIDDATA_COMMITMENTS,
        donor="Asian Development Bank (ADB)",
        geo="recipients_iso3",
        year="transactions_start_year_num",
        name=None,
        columns={"theme": "ad_sector_names", "project_id": "project_id", "title": "project_title"},
    ),
}


def aiddata_project_facts(source_id: str, staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """Facts of one AidData project file (GEF, World Bank, ADB), as AIDDATA_PROJECT_FILES places its columns."""
    spec = AIDDATA_PROJECT_FILES[source_id]
    return _project_facts(
        _usable(staged),
        source_id,
        spec.amounts,
        donor=spec.donor,
        **_country_year(spec.geo, spec.year, names, name=None if spec.name is None else pl.col(spec.name)),
        **{column: pl.col(source) for column, source in spec.columns.items()},
    )


gef_facts = partial(aiddata_project_facts, "aiddata_gef")
worldbank_facts = partial(aiddata_project_facts, "aiddata_worldbank")
adb_facts = partial(aiddata_project_facts, "aiddata_adb")


def china_facts(staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    rows = _usable(staged)
    # AidData: totals use only rows recommended for research; the others are listed and flagged.
    flags = add_flag(pl.lit(""), "not_recommended_for_research", pl.col("recommended_for_research") != "True")
    flags = add_flag(flags, "umbrella_project", pl.col("umbrella") == "1")
    common = dict(
        donor=pl.col("donor"),
        **_country_year("recipient_iso3", "year_num", names),
        instrument=pl.col("flow") + " (" + pl.col("flow_class") + ")",
        theme=pl.col("crs_sector_name"),
        project_id=pl.col("project_id"),
        title=pl.col("title"),
        flags=flags,
    )
    return _project_facts(
        rows,
        "aiddata_china",
        {"usd_current": ("commitment", "usd_current"), "usd_defl_2014": ("commitment", "usd_2014")},
        **common,
    )


def plaid_facts(staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    rows = _usable(staged)
    by_name = iso3_by_source_name()
    regional = pl.col("recipient").is_in(sorted(REGIONAL_RECIPIENTS))
    return _project_facts(
        rows,
        "aiddata_plaid_env",
        {"commitment_usd2000": ("commitment", "usd_2000")},
        donor=pl.col("donor"),
        recipient_geo=pl.when(regional).then(None).otherwise(pl.col("recipient").replace_strict(by_name, default=None)),
        recipient_name=pl.col("recipient"),
        recipient_level=pl.when(regional).then(pl.lit("regional")).otherwise(pl.lit("country")),
        year=pl.col("year_num"),
        period=pl.col("year_num").cast(pl.String).fill_null("unknown"),
        theme=pl.col("environment_code"),
        flags=add_flag(pl.lit(""), "year_unknown", pl.col("year_num").is_null()),
    )


def irena_facts(sust_energy: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """IRENA public clean-energy flows (SDG 7.a.1) from the staged Kaggle compilation, US$ current."""
    rows = sust_energy.filter(pl.col("variable") == "Financial_flows_to_developing_countries")
    return _facts(
        rows,
        "sust_energy",
        "usd_current",
        fact_id=pl.lit("sust_energy:") + pl.col("geo_id") + ":" + pl.col("year").cast(pl.String),
        donor="International public finance (IRENA)",
        **_country_year("geo_id", "year", names),
        amount=pl.col("value"),
        # The compilation does not say whether these are commitments or disbursements.
        flow_type="unspecified",
        theme="Clean energy (renewables, research and development)",
        directions="1;6",
        flags=pl.col("flags"),
    )


def kz_domestic_facts(staged: pl.DataFrame) -> pl.DataFrame:
    """Kazakhstan's current expenditure on environmental protection (thousand tenge, nominal), by region.

    Staged shape (air theme's kz_region_wide parser): region (Russian, as in the source), year, value."""
    require = [c for c in ("region", "year", "value") if c not in staged.columns]
    if require:
        raise ParseError(f"staged kz_env_protection_expenditure lacks column(s) {require}; found {staged.columns}")
    rows = staged.filter(pl.col("value").is_not_null())
    national = pl.col("region") == KZ_NATIONAL_TOTAL
    return _facts(
        rows,
        "kz_env_protection_expenditure",
        "thousand_kzt_current",
        fact_id=pl.lit("kz_env_protection_expenditure:") + pl.col("region") + ":" + pl.col("year").cast(pl.String),
        donor="Kazakhstan (domestic)",
        recipient_geo="KAZ",
        recipient_name=pl.col("region"),
        recipient_level=pl.when(national).then(pl.lit("country")).otherwise(pl.lit("subnational")),
        year=pl.col("year").cast(pl.Int32),
        period=pl.col("year").cast(pl.String),
        amount=pl.col("value"),
        flow_type="domestic_expenditure",
        theme="Environmental protection (current expenditure)",
        directions="6",
    )


SEED_FUNDING_UNITS = {"eur": "eur_current", "eur_million": "million_eur_current"}


def seed_document_facts(seed_facts: pl.DataFrame) -> pl.DataFrame:
    """Monetary funding facts of the seed documents (seeds/seed_facts.csv, topic funding), each citing its lines.

    Shares (percent) and counts stay in the document facts table: they are not amounts."""
    money = seed_facts.filter((pl.col("topic") == "funding") & pl.col("unit").is_in(list(SEED_FUNDING_UNITS)))
    single_year = pl.col("year_or_period").str.contains(r"^\d{4}$")
    parts = [pl.DataFrame(schema=FACTS_SCHEMA)]
    for seed_unit, unit in SEED_FUNDING_UNITS.items():
        part = money.filter(pl.col("unit") == seed_unit)
        parts.append(
            _facts(
                part,
                "seed_documents",
                unit,
                fact_id=pl.lit("seed_documents:") + pl.col("fact_id"),
                donor=pl.col("funder"),
                recipient_geo=pl.when(pl.col("geo") == REGION_ID).then(None).otherwise(pl.col("geo")),
                recipient_name=pl.when(pl.col("geo") == REGION_ID)
                .then(pl.lit("Central Asia, regional"))
                .otherwise(pl.col("geo")),
                recipient_level=pl.when(pl.col("geo") == REGION_ID)
                .then(pl.lit("regional"))
                .otherwise(pl.lit("country")),
                year=pl.when(single_year).then(pl.col("year_or_period").cast(pl.Int32, strict=False)),
                period=pl.col("year_or_period").fill_null("unknown"),
                amount=pl.col("value").cast(pl.Float64),
                flow_type="allocation",
                theme=pl.col("subject_en"),
                project_id=pl.col("fact_id"),
                title=pl.col("subject_ru"),
                citation=pl.col("citation"),
                flags=add_flag(pl.lit("document_fact"), "year_unknown", pl.col("year_or_period").is_null()),
            )
        )
    return pl.concat(parts)


def document_funding_facts(seed_facts: pl.DataFrame) -> pl.DataFrame:
    """Every funding fact of the seed documents (amounts, shares, counts) as stated, with its citation."""
    return seed_facts.filter(pl.col("topic") == "funding").select(
        "fact_id",
        "document",
        "subject_ru",
        "subject_en",
        "value",
        "unit",
        "year_or_period",
        "geo",
        "funder",
        "citation",
        "note",
    )


def funding_facts(parts: list[pl.DataFrame]) -> pl.DataFrame:
    facts = _with_directions(pl.concat([p.cast(FACTS_SCHEMA) for p in parts]))
    duplicated = facts.filter(pl.col("fact_id").is_duplicated())
    if duplicated.height:
        raise ValueError(f"duplicate fact ids {duplicated['fact_id'].unique().to_list()[:5]}")
    return facts.sort("source_id", "recipient_geo", "year", "fact_id", nulls_last=True)


def counted(facts: pl.DataFrame) -> pl.DataFrame:
    """The facts that enter totals: AidData Chinese rows not recommended for research are listed, not counted."""
    return facts.filter(~pl.col("flags").str.contains("not_recommended_for_research") & pl.col("amount").is_not_null())


def source_totals(facts: pl.DataFrame) -> pl.DataFrame:
    """Totals per source, recipient, year, flow type and unit: sources side by side, never added together."""
    return (
        counted(facts)
        .group_by(
            "source_id",
            "recipient_geo",
            "recipient_name",
            "recipient_level",
            "year",
            "flow_type",
            "amount_unit",
            "currency",
            "price_basis",
        )
        .agg(amount=pl.col("amount").sum(), n_facts=pl.len())
        .sort("source_id", "recipient_geo", "recipient_name", "year", "flow_type", "amount_unit", nulls_last=True)
    )
