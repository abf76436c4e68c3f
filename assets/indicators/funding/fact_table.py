"""Theme funding: pure polars parsers and domain logic (no Dagster here).

Funding sources are kept side by side, never summed across each other: every fact keeps the amount as
published with its unit (currency, scale and price basis), its flow type (commitment, disbursement,
domestic expenditure) and its source. Conversions to another basis use only cited series (WDI exchange
rates and the US GDP deflator) and say which. A row a parser cannot read goes to the quarantine with the
file, line and reason; the other rows are kept.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import polars as pl

from assets.sources.catalogue import CENTRAL_ASIA, iso3_by_source_name, read_seed
from assets.staged.parsers import ParseError, decode_office_text, office_delimiter, read_csv_text, require_columns

# ---------------------------------------------------------------- parsing with a quarantine

QUARANTINE_SCHEMA = {"source_id": pl.String, "file": pl.String, "line": pl.Int64, "reason": pl.String}


def _checked_numbers(df: pl.DataFrame, column: str, *, dtype=pl.Float64) -> tuple[pl.Series, pl.Series]:
    """A text column as numbers, and for each row the reason it is unreadable (null when fine).

    Empty cells are not an error: the source published no amount there."""
    text = df[column].str.strip_chars()
    numbers = text.cast(dtype, strict=False)
    bad = numbers.is_null() & text.is_not_null() & (text != "")
    reasons = pl.select(
        pl.when(bad).then(pl.lit(f"column {column!r} is not a number: ") + text).otherwise(None)
    ).to_series()
    return numbers, reasons


def _join_reasons(*reasons: pl.Series) -> pl.Series:
    frame = pl.DataFrame({f"r{i}": r for i, r in enumerate(reasons)})
    return (
        frame.select(pl.concat_str(pl.all(), separator="; ", ignore_nulls=True).alias("problem"))
        .select(pl.when(pl.col("problem") == "").then(None).otherwise(pl.col("problem")))
        .to_series()
        .alias("problem")
    )


def _typed(path: Path, required: list[str], numeric: list[str], integer: list[str]) -> pl.DataFrame:
    """The source file as strings plus `line` (1-based file line) and `problem` (why a row is unusable),
    with each numeric column cast; a row with a problem keeps its text for the quarantine."""
    df = read_csv_text(path)
    require_columns(df, required, path)
    reasons = []
    casts = {}
    for column in numeric:
        casts[column], reason = _checked_numbers(df, column)
        reasons.append(reason)
    for column in integer:
        # Years are sometimes written "2000.0"; anything with a fraction is an error.
        values, reason = _checked_numbers(df, column)
        fraction = values.is_not_null() & (values != values.floor())
        reason = pl.select(
            pl.when(fraction).then(pl.lit(f"column {column!r} is not a whole year")).otherwise(reason)
        ).to_series()
        casts[column] = pl.select(pl.when(fraction).then(None).otherwise(values)).to_series().cast(pl.Int32)
        reasons.append(reason)
    out = df.with_columns(**{f"{c}_num": s for c, s in casts.items()})
    return out.with_columns(
        line=pl.int_range(2, df.height + 2, dtype=pl.Int64),
        problem=_join_reasons(*reasons) if reasons else pl.lit(None, dtype=pl.String),
    )


def _require_value(df: pl.DataFrame, column: str, what: str) -> pl.DataFrame:
    """Rows without a value the fact cannot do without (recipient, year) get a problem."""
    missing = pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")
    return df.with_columns(
        problem=pl.when(missing)
        .then(pl.concat_str(pl.col("problem"), pl.lit(f"empty {what}"), separator="; ", ignore_nulls=True))
        .otherwise(pl.col("problem"))
    )


def parse_oecd_crs_climate(path: Path) -> pl.DataFrame:
    """OECD CRS climate-related disbursements: recipient ISO3, donor, flow, sector group, year, USD million."""
    df = _typed(
        path,
        [
            "de_recipientcode",
            "donor_name",
            "flow_name",
            "sector_group",
            "year",
            "usd_disbursement",
            "usd_disbursement_defl",
        ],
        ["usd_disbursement", "usd_disbursement_defl"],
        ["year"],
    )
    df = _require_value(df, "de_recipientcode", "recipient")
    return _require_value(df, "year", "year")


def parse_aiddata_gef(path: Path) -> pl.DataFrame:
    """AidData GEF projects: one row per project, commitments and disbursements in USD."""
    df = _typed(
        path,
        [
            "project_id",
            "gef_id",
            "project_title",
            "recipients",
            "recipients_iso3",
            "gef_agency",
            "focal_area",
            "project_type",
            "status",
            "transactions_start_year",
            "total_commitments",
            "total_disbursements",
        ],
        ["total_commitments", "total_disbursements"],
        ["transactions_start_year"],
    )
    return _require_value(df, "recipients_iso3", "recipient")


def parse_aiddata_worldbank(path: Path) -> pl.DataFrame:
    """World Bank IBRD/IDA projects (AidData geocoded, one row per project): USD million."""
    df = _typed(
        path,
        [
            "project_id",
            "project_title",
            "iso3",
            "approval_year",
            "lending_instrument",
            "major_sector_1",
            "total_amount_usd_million",
            "total_disbursed_usd_million",
        ],
        ["total_amount_usd_million", "total_disbursed_usd_million"],
        ["approval_year"],
    )
    return _require_value(df, "iso3", "recipient")


def parse_aiddata_adb(path: Path) -> pl.DataFrame:
    """ADB projects (AidData): commitments and disbursements in USD (often empty in this release)."""
    df = _typed(
        path,
        [
            "project_id",
            "project_title",
            "recipients_iso3",
            "ad_sector_names",
            "status",
            "transactions_start_year",
            "total_commitments",
            "total_disbursements",
        ],
        ["total_commitments", "total_disbursements"],
        ["transactions_start_year"],
    )
    return _require_value(df, "recipients_iso3", "recipient")


def parse_aiddata_china(path: Path) -> pl.DataFrame:
    """Chinese official finance (AidData): commitments in current USD and constant 2014 USD."""
    df = _typed(
        path,
        [
            "project_id",
            "recommended_for_research",
            "umbrella",
            "year",
            "donor",
            "recipient_iso3",
            "title",
            "flow",
            "flow_class",
            "usd_current",
            "usd_defl_2014",
            "crs_sector_name",
        ],
        ["usd_current", "usd_defl_2014"],
        ["year"],
    )
    flag_ok = pl.col("recommended_for_research").is_in(["True", "False"])
    df = df.with_columns(
        problem=pl.when(~flag_ok)
        .then(
            pl.concat_str(
                pl.col("problem"),
                pl.lit("recommended_for_research is neither True nor False"),
                separator="; ",
                ignore_nulls=True,
            )
        )
        .otherwise(pl.col("problem"))
    )
    return _require_value(df, "recipient_iso3", "recipient")


def parse_aiddata_plaid_env(path: Path) -> pl.DataFrame:
    """PLAID environmental aid aggregates: donor code, recipient name, year (may be empty), USD of 2000."""
    df = _typed(
        path,
        ["donor", "recipient", "year", "environment_code", "number_of_records", "commitment_usd2000"],
        ["commitment_usd2000"],
        ["year"],
    )
    return _require_value(df, "recipient", "recipient")


PARSERS = {
    "oecd_crs_climate": parse_oecd_crs_climate,
    "aiddata_gef": parse_aiddata_gef,
    "aiddata_worldbank": parse_aiddata_worldbank,
    "aiddata_adb": parse_aiddata_adb,
    "aiddata_china": parse_aiddata_china,
    "aiddata_plaid_env": parse_aiddata_plaid_env,
}


def quarantine(staged: pl.DataFrame, source_id: str, file: str) -> pl.DataFrame:
    """The rows a parser marked unusable, with their line and reason."""
    return (
        staged.filter(pl.col("problem").is_not_null())
        .select(
            source_id=pl.lit(source_id),
            file=pl.lit(file),
            line="line",
            reason="problem",
        )
        .cast(QUARANTINE_SCHEMA)
    )


# ---------------------------------------------------------------- the fact table

FACTS_SCHEMA = {
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
# amount_unit -> (currency, price basis); every unit is in seeds/units.csv.
AMOUNT_UNITS = {
    "million_usd_current": ("USD", "current"),
    "million_usd_crs_constant": ("USD", "constant_crs_release"),
    "usd_current": ("USD", "current"),
    "usd_2000": ("USD", "constant_2000"),
    "usd_2014": ("USD", "constant_2014"),
    "thousand_kzt_current": ("KZT", "current"),
    "eur_current": ("EUR", "current"),
    "million_eur_current": ("EUR", "current"),
}
REGIONAL_RECIPIENTS = {"Central Asia, regional", "South & Central Asia, regional"}
KZ_NATIONAL_TOTAL = "Республика Казахстан"


def add_flag(flags: pl.Expr, flag: str, when: pl.Expr) -> pl.Expr:
    return pl.when(when).then(pl.when(flags == "").then(pl.lit(flag)).otherwise(flags + ";" + flag)).otherwise(flags)


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
        recipient_geo=pl.col("de_recipientcode"),
        recipient_name=pl.col("de_recipientcode").replace_strict(names, default=pl.col("de_recipientcode")),
        recipient_level="country",
        year=pl.col("year_num"),
        period=pl.col("year_num").cast(pl.String),
        instrument=pl.col("flow_name"),
        theme=pl.col("sector_group"),
        # Rio markers count the whole activity when climate is a significant objective: an upper bound.
        # Negative disbursements are reflows: real, and kept.
        flags=add_flag(pl.lit("rio_marker_upper_bound"), "negative_disbursement", pl.col("usd_disbursement_num") < 0),
    )


def gef_facts(staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    rows = _usable(staged)
    return _project_facts(
        rows,
        "aiddata_gef",
        {"total_commitments": ("commitment", "usd_current"), "total_disbursements": ("disbursement", "usd_current")},
        donor="Global Environment Facility (GEF)",
        recipient_geo=pl.col("recipients_iso3"),
        recipient_name=pl.col("recipients"),
        recipient_level="country",
        year=pl.col("transactions_start_year_num"),
        period=pl.col("transactions_start_year_num").cast(pl.String),
        instrument=pl.col("project_type"),
        theme=pl.col("focal_area"),
        project_id=pl.col("gef_id"),
        title=pl.col("project_title"),
    )


def worldbank_facts(staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    rows = _usable(staged)
    return _project_facts(
        rows,
        "aiddata_worldbank",
        {
            "total_amount_usd_million": ("commitment", "million_usd_current"),
            "total_disbursed_usd_million": ("disbursement", "million_usd_current"),
        },
        donor="World Bank (IBRD/IDA)",
        recipient_geo=pl.col("iso3"),
        recipient_name=pl.col("iso3").replace_strict(names, default=pl.col("iso3")),
        recipient_level="country",
        year=pl.col("approval_year_num"),
        period=pl.col("approval_year_num").cast(pl.String),
        instrument=pl.col("lending_instrument"),
        theme=pl.col("major_sector_1"),
        project_id=pl.col("project_id"),
        title=pl.col("project_title"),
    )


def adb_facts(staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    rows = _usable(staged)
    return _project_facts(
        rows,
        "aiddata_adb",
        {"total_commitments": ("commitment", "usd_current"), "total_disbursements": ("disbursement", "usd_current")},
        donor="Asian Development Bank (ADB)",
        recipient_geo=pl.col("recipients_iso3"),
        recipient_name=pl.col("recipients_iso3").replace_strict(names, default=pl.col("recipients_iso3")),
        recipient_level="country",
        year=pl.col("transactions_start_year_num"),
        period=pl.col("transactions_start_year_num").cast(pl.String),
        theme=pl.col("ad_sector_names"),
        project_id=pl.col("project_id"),
        title=pl.col("project_title"),
    )


def china_facts(staged: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    rows = _usable(staged)
    # AidData: totals use only rows recommended for research; the others are listed and flagged.
    flags = add_flag(pl.lit(""), "not_recommended_for_research", pl.col("recommended_for_research") != "True")
    flags = add_flag(flags, "umbrella_project", pl.col("umbrella") == "1")
    common = dict(
        donor=pl.col("donor"),
        recipient_geo=pl.col("recipient_iso3"),
        recipient_name=pl.col("recipient_iso3").replace_strict(names, default=pl.col("recipient_iso3")),
        recipient_level="country",
        year=pl.col("year_num"),
        period=pl.col("year_num").cast(pl.String),
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
        recipient_geo=pl.col("geo_id"),
        recipient_name=pl.col("geo_id").replace_strict(names, default=pl.col("geo_id")),
        recipient_level="country",
        year=pl.col("year"),
        period=pl.col("year").cast(pl.String),
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
                recipient_geo=pl.when(pl.col("geo") == "CA5").then(None).otherwise(pl.col("geo")),
                recipient_name=pl.when(pl.col("geo") == "CA5")
                .then(pl.lit("Central Asia, regional"))
                .otherwise(pl.col("geo")),
                recipient_level=pl.when(pl.col("geo") == "CA5").then(pl.lit("regional")).otherwise(pl.lit("country")),
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


# ---------------------------------------------------------------- conversions with cited series

COMPARABLE_SCHEMA = {
    "fact_id": pl.String,
    "amount_million_usd_current": pl.Float64,
    "amount_million_usd_2015": pl.Float64,
    "conversion": pl.String,
}
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


# ---------------------------------------------------------------- indicators

FINANCE_INDICATORS = {
    "climate_finance_crs": "million_usd_current",
    "climate_finance_crs_constant": "million_usd_crs_constant",
    "climate_finance_crs_per_capita": "usd_current_per_person",
    "climate_finance_crs_share_gdp": "percent_of_gdp",
}
VALUES_COLUMNS = ["indicator_id", "geo_id", "year", "value", "unit", "source_id", "flags"]
MIN_POPULATION_COVERAGE = 0.8  # as the spine: a regional figure only where covered countries hold >= 80 % of people


def crs_country_year(facts: pl.DataFrame) -> pl.DataFrame:
    """CRS climate-related disbursements per recipient and year, current and constant (US$ million)."""
    crs = counted(facts).filter(pl.col("source_id") == "oecd_crs_climate")
    return (
        crs.group_by("recipient_geo", "year")
        .agg(
            current=pl.col("amount").filter(pl.col("amount_unit") == "million_usd_current").sum(),
            constant=pl.col("amount").filter(pl.col("amount_unit") == "million_usd_crs_constant").sum(),
        )
        .rename({"recipient_geo": "geo_id"})
        .sort("geo_id", "year")
    )


def finance_indicator_values(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    """Climate-related finance (OECD CRS) per country and year, per capita (UN WPP population) and as a share
    of GDP (WDI current US$), plus the Central Asia total with population coverage.

    A country with no CRS row in a year is not counted as zero: it lowers the coverage. The regional ratio is
    the sum of amounts over the sum of population (or GDP) of the same covered countries."""
    amounts = crs_country_year(facts)
    population = country_values.filter(pl.col("indicator_id") == "population").select(
        "geo_id", "year", population_million="value", pop_flags="flags"
    )
    gdp = country_values.filter(pl.col("indicator_id") == "gdp_current_usd").select(
        "geo_id", "year", gdp_billion="value"
    )
    joined = amounts.join(population, on=["geo_id", "year"], how="left").join(gdp, on=["geo_id", "year"], how="left")
    country = (
        pl.concat(
            [
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs"), geo_id="geo_id", year="year", value="current"
                ),
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs_constant"), geo_id="geo_id", year="year", value="constant"
                ),
                # US$ million / million persons = US$ per person.
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs_per_capita"),
                    geo_id="geo_id",
                    year="year",
                    value=pl.col("current") / pl.col("population_million"),
                ),
                # US$ million / (US$ billion x 1000) x 100 = percent.
                joined.select(
                    indicator_id=pl.lit("climate_finance_crs_share_gdp"),
                    geo_id="geo_id",
                    year="year",
                    value=pl.col("current") / (pl.col("gdp_billion") * 1000) * 100,
                ),
            ]
        )
        .filter(pl.col("value").is_not_null())
        .with_columns(flags=pl.lit("rio_marker_upper_bound"))
    )
    region = crs_region_totals(joined, population)
    values = pl.concat([country, region]).with_columns(
        unit=pl.col("indicator_id").replace_strict(FINANCE_INDICATORS),
        source_id=pl.lit("oecd_crs_climate"),
    )
    return (
        values.select(VALUES_COLUMNS)
        .cast({"year": pl.Int32, "value": pl.Float64})
        .sort("indicator_id", "geo_id", "year")
    )


def crs_region_totals(joined: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    ca = joined.filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
    total_pop = (
        population.filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
        .group_by("year")
        .agg(total_population=pl.col("population_million").sum(), n=pl.len())
        .filter(pl.col("n") == len(CENTRAL_ASIA))
    )
    per_year = (
        ca.group_by("year")
        .agg(
            current=pl.col("current").sum(),
            constant=pl.col("constant").sum(),
            covered_population=pl.col("population_million").sum(),
            n_covered=pl.len(),
            gdp_amount=pl.col("current").filter(pl.col("gdp_billion").is_not_null()).sum(),
            gdp_sum=pl.col("gdp_billion").sum(),
            n_gdp=pl.col("gdp_billion").is_not_null().sum(),
        )
        .join(total_pop, on="year", how="inner")
        .with_columns(coverage=pl.col("covered_population") / pl.col("total_population"))
    )
    published = per_year.filter(pl.col("coverage") >= MIN_POPULATION_COVERAGE)
    flags = add_flag(pl.lit("rio_marker_upper_bound"), "partial_coverage", pl.col("n_covered") < len(CENTRAL_ASIA))
    gdp_flags = add_flag(pl.lit("rio_marker_upper_bound"), "partial_coverage", pl.col("n_gdp") < len(CENTRAL_ASIA))
    return pl.concat(
        [
            published.select(
                indicator_id=pl.lit("climate_finance_crs"),
                geo_id=pl.lit("CA5"),
                year="year",
                value="current",
                flags=flags,
            ),
            published.select(
                indicator_id=pl.lit("climate_finance_crs_constant"),
                geo_id=pl.lit("CA5"),
                year="year",
                value="constant",
                flags=flags,
            ),
            published.select(
                indicator_id=pl.lit("climate_finance_crs_per_capita"),
                geo_id=pl.lit("CA5"),
                year="year",
                value=pl.col("current") / pl.col("covered_population"),
                flags=flags,
            ),
            published.filter(pl.col("n_gdp") > 0).select(
                indicator_id=pl.lit("climate_finance_crs_share_gdp"),
                geo_id=pl.lit("CA5"),
                year="year",
                value=pl.col("gdp_amount") / (pl.col("gdp_sum") * 1000) * 100,
                flags=gdp_flags,
            ),
        ]
    )


def crs_region_coverage(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    """Per year: which of the five countries have CRS rows, and their share of the five's population."""
    amounts = crs_country_year(facts).filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
    population = country_values.filter((pl.col("indicator_id") == "population") & pl.col("geo_id").is_in(CENTRAL_ASIA))
    total = (
        population.group_by("year")
        .agg(total=pl.col("value").sum(), n=pl.len())
        .filter(pl.col("n") == len(CENTRAL_ASIA))
    )
    covered = (
        amounts.join(population.select("geo_id", "year", pop="value"), on=["geo_id", "year"], how="left")
        .group_by("year")
        .agg(covered_iso3=pl.col("geo_id").sort().str.join(";"), covered_pop=pl.col("pop").sum())
    )
    return (
        covered.join(total, on="year", how="inner")
        .select(
            "year",
            "covered_iso3",
            coverage_pop_share=pl.col("covered_pop") / pl.col("total"),
            published=pl.col("covered_pop") / pl.col("total") >= MIN_POPULATION_COVERAGE,
        )
        .sort("year")
    )


def crs_breakdown(facts: pl.DataFrame, country_values: pl.DataFrame) -> pl.DataFrame:
    """CRS climate-related disbursements by donor, by theme (sector group) and by flow, per country and year,
    with US$ per person; the Central Asia rows sum the countries that have data (see crs_region_coverage)."""
    crs = counted(facts).filter(
        (pl.col("source_id") == "oecd_crs_climate") & (pl.col("amount_unit") == "million_usd_current")
    )
    population = country_values.filter(pl.col("indicator_id") == "population").select("geo_id", "year", pop="value")
    parts = []
    for dimension, column in (("donor", "donor"), ("theme", "theme"), ("flow", "instrument")):
        by_country = (
            crs.group_by("recipient_geo", "year", column)
            .agg(amount=pl.col("amount").sum())
            .select(
                geo_id="recipient_geo",
                year="year",
                dimension=pl.lit(dimension),
                category=pl.col(column),
                amount="amount",
            )
        )
        region = (
            by_country.filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
            .group_by("year", "dimension", "category")
            .agg(amount=pl.col("amount").sum())
            .with_columns(geo_id=pl.lit("CA5"))
        )
        parts += [by_country, region.select(by_country.columns)]
    out = pl.concat(parts).join(population, on=["geo_id", "year"], how="left")
    return out.select(
        "geo_id",
        "year",
        "dimension",
        "category",
        amount_million_usd_current="amount",
        usd_per_person=pl.col("amount") / pl.col("pop"),  # CA5 has no population row here: per person left empty
    ).sort("dimension", "geo_id", "year", "category")


# ---------------------------------------------------------------- Summit 2026 initiatives registry

REGISTRY_COLUMNS = [
    "initiative_id",
    "title_ru",
    "title_en",
    "directions",
    "lead",
    "partners",
    "status",
    "start_date",
    "end_date",
    "budget_amount",
    "budget_currency",
    "funding_source",
    "indicator_ids",
    "last_update",
    "citation",
    "note",
]
STATUSES = {"proposed", "approved", "ongoing", "completed", "cancelled"}
VALID_DIRECTIONS = {str(d) for d in range(1, 9)}


def read_registry_file(path: Path) -> pl.DataFrame:
    """An initiatives file as strings, with its 1-based file line (header = line 1). Saved from Excel it may be
    UTF-8, UTF-16 or cp1251 text, separated by ',' or ';' (as the water inbox accepts)."""
    path = Path(path)
    text = decode_office_text(path.read_bytes(), path.name)
    header = text.splitlines()[0] if text.strip() else ""
    df = read_csv_text(path, text=text, separator=office_delimiter(header))
    require_columns(df, REGISTRY_COLUMNS, path)
    return df.select(REGISTRY_COLUMNS).with_columns(line=pl.int_range(2, df.height + 2, dtype=pl.Int64))


def _date_problem(value: str | None, column: str) -> str | None:
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    for fmt, pattern in (("%Y-%m-%d", r"\d{4}-\d{2}-\d{2}"), ("%Y-%m", r"\d{4}-\d{2}"), ("%Y", r"\d{4}")):
        if re.fullmatch(pattern, text):
            try:
                dt.datetime.strptime(text, fmt)
                return None
            except ValueError:
                return f"{column} {text!r} is not a real date"
    return f"{column} {text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"


def registry_problems(
    registry: pl.DataFrame, known_indicators: set[str], file: str, today: dt.date | None = None
) -> pl.DataFrame:
    """Every problem of an initiatives file, one row each: check, line, initiative id and reason."""
    today = today or dt.date.today()
    problems = []
    if registry.is_empty():  # an update replaces the whole registry: an empty one would erase it
        problems.append(
            dict(
                check="empty_registry",
                file=file,
                line=1,
                initiative_id="",
                reason="the file has a header but no initiative; an update must list every initiative",
            )
        )
    lines_of: dict[str, list[int]] = {}
    for initiative_id, line in registry.select("initiative_id", "line").iter_rows():
        lines_of.setdefault(initiative_id, []).append(line)
    for row in registry.iter_rows(named=True):
        where = dict(file=file, line=row["line"], initiative_id=row["initiative_id"] or "")
        if not (row["initiative_id"] or "").strip():
            problems.append(dict(check="missing_id", reason="empty initiative_id", **where))
        elif len(lines_of[row["initiative_id"]]) > 1:
            others = [r for r in lines_of[row["initiative_id"]] if r != row["line"]]
            problems.append(
                dict(
                    check="duplicate_id",
                    reason=f"initiative_id {row['initiative_id']!r} also on line(s) {others}",
                    **where,
                )
            )
        for d in _split(row["directions"]):
            if d not in VALID_DIRECTIONS:
                problems.append(
                    dict(
                        check="unknown_direction",
                        reason=f"direction {d!r} is not one of the 8 summit directions (1-8)",
                        **where,
                    )
                )
        for i in _split(row["indicator_ids"]):
            if i not in known_indicators:
                problems.append(
                    dict(
                        check="unknown_indicator",
                        reason=f"indicator id {i!r} is not in the indicator catalogue",
                        **where,
                    )
                )
        dates = {}
        for column in ("start_date", "end_date", "last_update"):
            problem = _date_problem(row[column], column)
            if problem:
                problems.append(dict(check="bad_date", reason=problem, **where))
            elif (row[column] or "").strip():
                dates[column] = row[column].strip()
        if "last_update" in dates and dates["last_update"] > today.isoformat()[: len(dates["last_update"])]:
            problems.append(
                dict(
                    check="bad_date",
                    reason=f"last_update {dates['last_update']} is in the future (today is {today})",
                    **where,
                )
            )
        if (
            "start_date" in dates
            and "end_date" in dates
            and dates["end_date"] < dates["start_date"][: len(dates["end_date"])]
        ):
            problems.append(
                dict(
                    check="bad_date",
                    reason=f"end_date {dates['end_date']} is before start_date {dates['start_date']}",
                    **where,
                )
            )
        status = (row["status"] or "").strip()
        if status and status not in STATUSES:
            problems.append(
                dict(
                    check="unknown_status",
                    reason=f"status {status!r} is not one of {sorted(STATUSES)} (empty = unknown)",
                    **where,
                )
            )
        budget = (row["budget_amount"] or "").strip()
        if budget:
            try:
                amount = float(budget)
            except ValueError:
                problems.append(dict(check="bad_budget", reason=f"budget_amount {budget!r} is not a number", **where))
            else:
                if not math.isfinite(amount) or amount < 0:  # a budget is planned money, never a reflow
                    problems.append(
                        dict(
                            check="bad_budget", reason=f"budget_amount {budget!r} is not a non-negative amount", **where
                        )
                    )
            if not (row["budget_currency"] or "").strip():
                problems.append(dict(check="bad_budget", reason="budget_amount without budget_currency", **where))
    schema = {"check": pl.String, "file": pl.String, "line": pl.Int64, "initiative_id": pl.String, "reason": pl.String}
    return pl.DataFrame(problems, schema=schema) if problems else pl.DataFrame(schema=schema)


REGISTRY_CHECKS = (
    "duplicate_id",
    "unknown_direction",
    "unknown_indicator",
    "bad_date",
    "missing_id",
    "unknown_status",
    "bad_budget",
    "empty_registry",
)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def choose_registry(
    seed_path: Path, inbox_dir: Path, known_indicators: set[str]
) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    """The registry to publish: the newest file in the inbox when there is one, else the seed.

    Returns (registry, problems, file name). A file with problems is still returned with its problems: the
    blocking checks then stop publishing and the snapshot in service keeps the previous registry."""
    candidates = (
        sorted(Path(inbox_dir).glob("*.csv"), key=lambda p: (p.stat().st_mtime, p.name))
        if Path(inbox_dir).is_dir()
        else []
    )
    path = candidates[-1] if candidates else Path(seed_path)
    registry = read_registry_file(path)
    return registry, registry_problems(registry, known_indicators, path.name), path.name


def registry_table(registry: pl.DataFrame, file: str) -> pl.DataFrame:
    """The published registry: strings as in the file, the budget as a number; empty stays empty (= unknown)."""
    return (
        registry.with_columns(
            budget_amount=pl.col("budget_amount").str.strip_chars().cast(pl.Float64, strict=False),
            registry_file=pl.lit(file),
        )
        .drop("line")
        .sort("initiative_id")
    )


# ---------------------------------------------------------------- directions and their indicators


def direction_indicators(catalogue: pl.DataFrame) -> pl.DataFrame:
    """direction (1-8) x indicator_id from the catalogue's `directions` column, headline marked."""
    return (
        catalogue.select("indicator_id", "directions", "headline_direction")
        .with_columns(
            direction=pl.col("directions").fill_null("").str.split(";"),
        )
        .explode("direction")
        .filter(pl.col("direction") != "")
        .select(
            pl.col("direction").cast(pl.Int32),
            "indicator_id",
            is_headline=pl.col("headline_direction").fill_null("") == pl.col("direction"),
        )
        .sort("direction", "indicator_id")
    )


def direction_status(directions: pl.DataFrame, links: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    """Per direction: how many catalogue indicators it has and how many have any published value."""
    with_values = set(values["indicator_id"].unique().to_list())
    per = (
        links.with_columns(has_values=pl.col("indicator_id").is_in(sorted(with_values)))
        .group_by("direction")
        .agg(n_indicators=pl.len(), n_with_values=pl.col("has_values").sum().cast(pl.Int32))
    )
    return (
        directions.select(direction=pl.col("direction").cast(pl.Int32))
        .join(per, on="direction", how="left")
        .with_columns(
            pl.col("n_indicators").fill_null(0).cast(pl.Int32),
            pl.col("n_with_values").fill_null(0).cast(pl.Int32),
        )
        .with_columns(has_data=pl.col("n_with_values") > 0)
        .sort("direction")
    )
