"""Funding sources, staged: each file read as published, every row kept, unreadable rows marked.

A row a parser cannot read (a non-numeric amount, a fractional year, no recipient) keeps its text and gets a
`problem`; `quarantine` lists those rows with file, line and reason, and the fact table leaves them out.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.staged.parsers import read_csv_text, require_columns

QUARANTINE_SCHEMA = pl.Schema({"source_id": pl.String, "file": pl.String, "line": pl.Int64, "reason": pl.String})


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


def _add_problem(df: pl.DataFrame, when: pl.Expr, reason: str) -> pl.DataFrame:
    """Append `reason` to the row's problems where `when` holds."""
    return df.with_columns(
        problem=pl.when(when)
        .then(pl.concat_str(pl.col("problem"), pl.lit(reason), separator="; ", ignore_nulls=True))
        .otherwise(pl.col("problem"))
    )


def _require_value(df: pl.DataFrame, column: str, what: str) -> pl.DataFrame:
    """Rows without a value the fact cannot do without (recipient, year) get a problem."""
    return _add_problem(df, pl.col(column).is_null() | (pl.col(column).str.strip_chars() == ""), f"empty {what}")


def parse_oecd_crs_climate(path: Path) -> pl.DataFrame:
    """OECD CRS climate-related disbursements: recipient ISO3, donor, flow, sector group, year, USD million."""
    amounts = ["usd_disbursement", "usd_disbursement_defl"]
    columns = ["de_recipientcode", "donor_name", "flow_name", "sector_group", "year"]
    df = _typed(path, [*columns, *amounts], amounts, ["year"])
    df = _require_value(df, "de_recipientcode", "recipient")
    return _require_value(df, "year", "year")


def parse_aiddata_gef(path: Path) -> pl.DataFrame:
    """AidData GEF projects: one row per project, commitments and disbursements in USD."""
    columns = ["project_id", "gef_id", "project_title", "recipients", "recipients_iso3", "gef_agency", "focal_area"]
    return _aiddata_projects(path, [*columns, "project_type"])


def parse_aiddata_worldbank(path: Path) -> pl.DataFrame:
    """World Bank IBRD/IDA projects (AidData geocoded, one row per project): USD million."""
    amounts = ["total_amount_usd_million", "total_disbursed_usd_million"]
    columns = ["project_id", "project_title", "iso3", "approval_year", "lending_instrument", "major_sector_1"]
    df = _typed(path, [*columns, *amounts], amounts, ["approval_year"])
    return _require_value(df, "iso3", "recipient")


def parse_aiddata_adb(path: Path) -> pl.DataFrame:
    """ADB projects (AidData): commitments and disbursements in USD (often empty in this release)."""
    return _aiddata_projects(path, ["project_id", "project_title", "recipients_iso3", "ad_sector_names"])


def _aiddata_projects(path: Path, columns: list[str]) -> pl.DataFrame:
    """An AidData project release (GEF, ADB): its own columns, then status, start year and the two amounts."""
    df = _typed(
        path,
        [*columns, "status", "transactions_start_year", "total_commitments", "total_disbursements"],
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
    df = _add_problem(df, ~flag_ok, "recommended_for_research is neither True nor False")
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
