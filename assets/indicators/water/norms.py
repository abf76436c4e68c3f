"""Norms and harmonisation: fishery limits implied by the published multiplicities, the norms registry and
each observation's ratio to every applicable norm.

Parameters have canonical ids and a chemical basis (seeds/water_parameters.csv): nitrite as N and nitrite as NO2-
are two parameters linked by a declared factor (seeds/water_basis_conversions.csv). The registry holds the limits of
the norm files, mapped to parameters (seeds/norms_crosswalk.csv) and described by their document
(seeds/norms_documents.csv), plus the implied fishery limits.
"""

from __future__ import annotations

import math

import polars as pl

from assets.sources.catalogue import read_seed
from assets.sources.water_names import (
    DRINKING_SOURCE,
    SANPIN_SOURCE,
    SURFACE_SOURCE,
)


def _half_unit(decimals: pl.Expr) -> pl.Expr:
    return 0.5 * pl.lit(10.0).pow(-decimals.cast(pl.Float64))


def implied_limit_bounds(obs: pl.DataFrame) -> pl.DataFrame:
    """Per row, the range of limits the published row allows given the rounding of what was written:
    (c - dc) / (m + dm) .. (c + dc) / (m - dm)."""
    dc, dm = _half_unit(pl.col("concentration_decimals")), _half_unit(pl.col("multiplicity_decimals"))
    return obs.with_columns(
        implied_point=pl.col("value") / pl.col("multiplicity_published"),
        implied_low=(pl.col("value") - dc) / (pl.col("multiplicity_published") + dm),
        implied_high=(pl.col("value") + dc) / (pl.col("multiplicity_published") - dm),
    )


def _simplest_in(low: float, high: float, point: float) -> float | None:
    """The value with the fewest significant digits inside [low, high], nearest the point estimate."""
    if low > high or point <= 0:
        return None
    for digits in range(1, 7):
        scale = 10 ** (digits - 1 - math.floor(math.log10(point)))
        candidate = round(point * scale) / scale
        if low - 1e-15 <= candidate <= high + 1e-15:
            return float(f"{candidate:.{digits}g}")
    return None


def implied_fishery_norms(obs: pl.DataFrame) -> pl.DataFrame:
    """The fishery limit Kazhydromet used per parameter (concentration / multiplicity), with a check
    that every row of the parameter allows the same limit within the rounding of its figures."""
    bounds = implied_limit_bounds(obs)
    per = (
        bounds.group_by("parameter_id")
        .agg(
            n_rows=pl.len(),
            parameter_as_published=pl.col("parameter_as_published").first(),
            point_median=pl.col("implied_point").median(),
            point_min=pl.col("implied_point").min(),
            point_max=pl.col("implied_point").max(),
            interval_low=pl.col("implied_low").max(),
            interval_high=pl.col("implied_high").min(),
            lines=pl.col("line").sort().cast(pl.String).str.join(";"),
        )
        .with_columns(consistent=pl.col("interval_low") <= pl.col("interval_high"))
    )
    limits = [
        _simplest_in(lo, hi, pt) if ok else None
        for lo, hi, pt, ok in per.select("interval_low", "interval_high", "point_median", "consistent").iter_rows()
    ]
    return per.with_columns(implied_limit=pl.Series(limits, dtype=pl.Float64), unit=pl.lit("mg_l")).sort("parameter_id")


def multiplicity_recheck(obs: pl.DataFrame, implied: pl.DataFrame) -> pl.DataFrame:
    """Each published multiplicity recomputed from the implied limit; it agrees when the published
    concentration's rounding range, divided by the limit, meets the multiplicity's rounding range."""
    dc, dm = _half_unit(pl.col("concentration_decimals")), _half_unit(pl.col("multiplicity_decimals"))
    return (
        obs.join(implied.select("parameter_id", "implied_limit"), on="parameter_id", how="left")
        .with_columns(
            multiplicity_recomputed=pl.col("value") / pl.col("implied_limit"),
        )
        .with_columns(
            agrees=((pl.col("value") + dc) / pl.col("implied_limit") >= pl.col("multiplicity_published") - dm)
            & ((pl.col("value") - dc) / pl.col("implied_limit") <= pl.col("multiplicity_published") + dm),
        )
        .select(
            "site_id",
            "parameter_id",
            "line",
            "value",
            "multiplicity_published",
            "implied_limit",
            "multiplicity_recomputed",
            "agrees",
        )
        .sort("line")
    )


NORMS_SCHEMA = pl.Schema(
    {
        "norm_id": pl.String,
        "parameter_id": pl.String,
        "substance_as_published": pl.String,
        "jurisdiction": pl.String,
        "water_use": pl.String,
        "basis": pl.String,
        "limit": pl.Float64,
        "unit": pl.String,
        "limit_as_written": pl.String,
        "document": pl.String,
        "document_table": pl.String,
        "effective_date": pl.String,
        "source_id": pl.String,
        "provenance": pl.String,
        "line": pl.Int32,
        "note": pl.String,
    }
)


def _document_columns(doc: dict) -> dict[str, pl.Expr]:
    """What a norm takes from its document (seeds/norms_documents.csv)."""
    return {c: pl.lit(doc[c]) for c in ("jurisdiction", "water_use", "document", "document_table", "effective_date")}


def norms_registry(drinking: pl.DataFrame, sanpin: pl.DataFrame, implied: pl.DataFrame) -> pl.DataFrame:
    """Every limit of the norm files (mapped to a parameter where we monitor it; empty parameter_id
    otherwise) and the implied fishery limits, each with its jurisdiction, water use, basis, document."""
    documents = {r["norm_source"]: r for r in read_seed("norms_documents.csv").iter_rows(named=True)}
    crosswalk = read_seed("norms_crosswalk.csv")
    basis = read_seed("water_parameters.csv").select("parameter_id", "basis")
    parts = []
    for source_id, frame in ((DRINKING_SOURCE, drinking), (SANPIN_SOURCE, sanpin)):
        doc = documents[source_id]
        mapped = crosswalk.filter(pl.col("norm_source") == source_id).select(
            substance="substance", parameter_id="parameter_id"
        )
        unknown = set(mapped["substance"]) - set(frame["substance"])
        if unknown:
            raise ValueError(f"seeds/norms_crosswalk.csv names substance(s) not in {source_id}: {sorted(unknown)}")
        parts.append(
            frame.join(mapped, on="substance", how="left")
            .join(basis, on="parameter_id", how="left")
            .with_columns(
                norm_id=pl.lit(source_id + ":") + pl.col("line").cast(pl.String),
                substance_as_published="substance",
                **_document_columns(doc),
                source_id=pl.lit(source_id),
                provenance=pl.lit("published"),
                note=pl.lit(doc["note"]),
            )
        )
    doc = documents[SURFACE_SOURCE]
    parts.append(
        implied.filter(pl.col("implied_limit").is_not_null())
        .join(basis, on="parameter_id", how="left")
        .with_columns(
            norm_id=pl.lit("implied_fishery:") + pl.col("parameter_id"),
            substance_as_published="parameter_as_published",
            **_document_columns(doc),
            limit="implied_limit",
            limit_as_written=pl.lit(None, dtype=pl.String),
            source_id=pl.lit(SURFACE_SOURCE),
            provenance=pl.lit("implied"),
            line=pl.lit(None, dtype=pl.Int32),
            note=pl.lit("concentration / multiplicity on rows ") + pl.col("lines"),
        )
    )
    # Each part names only the columns it makes; the rest (parameter_id, basis, limit, unit, ...) keep their name.
    return pl.concat([p.select(list(NORMS_SCHEMA)).cast(NORMS_SCHEMA) for p in parts]).sort(
        "parameter_id", "water_use", "jurisdiction", nulls_last=True
    )


def basis_conversions() -> pl.DataFrame:
    return read_seed("water_basis_conversions.csv").with_columns(pl.col("factor").cast(pl.Float64))


def applicable_norms(norms: pl.DataFrame) -> pl.DataFrame:
    """Norms reachable from each observed parameter: directly (factor 1) or through a declared basis
    conversion (nitrite as N -> as NO2-, ...)."""
    mapped = norms.filter(pl.col("parameter_id").is_not_null())
    direct = mapped.with_columns(
        observed_parameter=pl.col("parameter_id"),
        conversion_factor=pl.lit(1.0),
        conversion=pl.lit(None, dtype=pl.String),
    )
    conv = basis_conversions()
    converted = mapped.join(conv.rename({"to_parameter": "parameter_id"}), on="parameter_id").select(
        *mapped.columns, observed_parameter="from_parameter", conversion_factor="factor", conversion="reason"
    )
    return pl.concat([direct, converted.select(direct.columns)])


def harmonisation(obs: pl.DataFrame, norms: pl.DataFrame) -> pl.DataFrame:
    """For each observation, its ratio to every applicable norm of the same basis (or converted with a
    declared factor) and the same unit; an observation no norm applies to keeps one row with no norm."""
    norms_for = applicable_norms(norms).select(
        pl.col("observed_parameter").alias("parameter_id"),
        "norm_id",
        pl.col("parameter_id").alias("norm_parameter_id"),
        "water_use",
        "jurisdiction",
        "document",
        "document_table",
        "limit",
        pl.col("unit").alias("norm_unit"),
        pl.col("provenance").alias("norm_provenance"),
        "conversion_factor",
        "conversion",
    )
    keys = [
        "site_id",
        "period",
        "sample_date",
        "parameter_id",
        "value",
        "qualifier",
        "unit",
        "source_id",
        "line",
        "origin",
    ]
    joined = obs.select(keys).join(norms_for, on="parameter_id", how="left")
    comparable = joined.filter(pl.col("norm_id").is_null() | (pl.col("unit") == pl.col("norm_unit")))
    return (
        comparable.with_columns(
            value_in_norm_basis=pl.col("value") * pl.col("conversion_factor"),
        )
        .with_columns(
            ratio=pl.col("value_in_norm_basis") / pl.col("limit"),
        )
        # A value below detection ("<" limit) is an upper bound: within the norm when the limit is; undetermined
        # (null) when the limit is above the norm. docs/analysts-water.md, "Values below detection".
        .with_columns(
            breaches=pl.when(pl.col("qualifier") == "<")
            .then(pl.when(pl.col("ratio") <= 1).then(False).otherwise(None))
            .otherwise(pl.col("ratio") > 1)
        )
        .sort("site_id", "parameter_id", "water_use", "jurisdiction", nulls_last=True)
    )


def harmonisation_summary(harm: pl.DataFrame) -> pl.DataFrame:
    """Per observation and water use: the highest ratio and which norms it breaches."""
    return (
        harm.filter(pl.col("norm_id").is_not_null())
        .group_by("site_id", "period", "sample_date", "parameter_id", "value", "unit", "water_use")
        .agg(
            n_norms=pl.len(),
            max_ratio=pl.col("ratio").max(),
            breached_norms=pl.col("norm_id").filter(pl.col("breaches")).sort().str.join(";"),
        )
        .sort("site_id", "parameter_id", "water_use")
    )


def worst_exceedances(harm: pl.DataFrame, n: int = 20, water_use: str = "fishery") -> pl.DataFrame:
    """The observations furthest above the norms of one water use (by default the fishery limits that
    the published multiplicities are based on)."""
    return (
        harm.filter((pl.col("water_use") == water_use) & pl.col("breaches"))
        .sort("ratio", descending=True)
        .head(n)
        .select(
            "site_id",
            "period",
            "sample_date",
            "parameter_id",
            "value",
            "unit",
            "norm_id",
            "limit",
            "ratio",
            "source_id",
        )
    )
