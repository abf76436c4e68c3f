"""The water theme's checks: each rule an outcome function, run as a Dagster asset check and again on the tables
being published (a snapshot never holds an inconsistent water theme)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from dagster import AssetCheckResult, AssetChecksDefinition, asset_check

from assets.common.checks import CheckOutcome, check_result
from assets.common.keys import indicators_key as key
from assets.indicators.water.wpi import class_disagreements
from assets.sources.catalogue import read_seed
from assets.sources.lab_files import QUARANTINE_REASONS


def known_units() -> set[str]:
    return set(read_seed("units.csv")["unit"])


def implied_norms_outcome(implied: pl.DataFrame) -> CheckOutcome:
    bad = implied.filter(~pl.col("consistent") | pl.col("implied_limit").is_null())
    desc = (
        f"every parameter's implied fishery limit agrees across its rows within rounding ({implied.height} parameters)"
        if bad.is_empty()
        else "implied limits disagree across rows for "
        + ", ".join(
            f"{r['parameter_id']} (rows {r['lines']}: {r['interval_low']:.4g} > {r['interval_high']:.4g})"
            for r in bad.iter_rows(named=True)
        )
    )
    return CheckOutcome("implied_norms_agree", "ERROR", bad.is_empty(), desc, bad.height)


def multiplicity_outcome(check: pl.DataFrame) -> CheckOutcome:
    bad = check.filter(~pl.col("agrees"))
    desc = (
        f"all {check.height} published multiplicities recomputed from the implied limits within rounding"
        if bad.is_empty()
        else f"{bad.height} published multiplicit(ies) disagree: "
        + "; ".join(
            f"line {r['line']} {r['site_id']} {r['parameter_id']}: published {r['multiplicity_published']}, "
            f"recomputed {r['multiplicity_recomputed']:.3g}"
            for r in bad.head(10).iter_rows(named=True)
        )
    )
    return CheckOutcome("multiplicities_recomputed", "WARN", bad.is_empty(), desc, bad.height)


def class_outcome(site_wpi: pl.DataFrame) -> CheckOutcome:
    bad = class_disagreements(site_wpi)
    desc = (
        "every published class matches the class table"
        if bad.is_empty()
        else "published class differs from the class table (shown as published, flagged): "
        + "; ".join(
            f"{r['site_id']} (line {r['lines']}): WPI {r['wpi_2006_04']} -> class {r['class_from_table']} "
            f"by the table, published {r['class_published']}"
            for r in bad.iter_rows(named=True)
        )
    )
    return CheckOutcome("class_matches_table", "WARN", bad.is_empty(), desc, bad.height)


def norms_outcome(norms: pl.DataFrame) -> CheckOutcome:
    problems = norms.filter(
        pl.col("limit").is_null()
        | (pl.col("limit") <= 0)
        | ~pl.col("unit").is_in(sorted(known_units()))
        | (pl.col("parameter_id").is_not_null() & pl.col("basis").is_null())
    )
    desc = (
        f"{norms.height} norms, each with a positive limit, a known unit and (where mapped) a chemical basis"
        if problems.is_empty()
        else f"{problems.height} norm(s) without a positive limit, a known unit or a basis: "
        + ", ".join(problems["norm_id"].head(10).to_list())
    )
    return CheckOutcome("norms_complete", "ERROR", problems.is_empty(), desc, problems.height)


def quarantine_outcome(quarantine: pl.DataFrame) -> CheckOutcome:
    bad = quarantine.filter(~pl.col("reason").is_in(list(QUARANTINE_REASONS)) | pl.col("detail").is_null())
    open_n = quarantine.filter(pl.col("status") == "open").height
    desc = (
        f"{quarantine.height} quarantined row(s), {open_n} open, each with a known reason"
        if bad.is_empty()
        else f"{bad.height} quarantine row(s) without a known reason"
    )
    return CheckOutcome("quarantine_reasons", "ERROR", bad.is_empty(), desc, bad.height)


def _asset_check(
    table: str, outcome: Callable[[pl.DataFrame], CheckOutcome], name: str, description: str, blocking: bool = False
) -> AssetChecksDefinition:
    """A Dagster check on indicators/<table> that reports `outcome` (the same rule publish_checks runs)."""

    @asset_check(asset=key(table), name=name, blocking=blocking, description=description)
    def check(frame: pl.DataFrame) -> AssetCheckResult:
        return check_result(outcome(frame))

    return check


ASSET_CHECKS = [
    _asset_check(
        "water_implied_norms",
        implied_norms_outcome,
        "implied_norms_agree",
        "Each parameter's implied fishery limit agrees across rows within rounding.",
        blocking=True,
    ),
    _asset_check(
        "water_multiplicity_check",
        multiplicity_outcome,
        "multiplicities_recomputed",
        "Published multiplicities recomputed from the implied limits; disagreements reported.",
    ),
    _asset_check(
        "water_site_wpi",
        class_outcome,
        "class_matches_table",
        "The class recomputed from the published WPI with the class table; disagreements flagged.",
    ),
    _asset_check(
        "water_norms",
        norms_outcome,
        "norms_complete",
        "Every norm has a positive limit, a known unit and a chemical basis.",
        blocking=True,
    ),
    _asset_check(
        "water_quarantine",
        quarantine_outcome,
        "quarantine_reasons",
        "Every quarantined lab row carries a known reason.",
        blocking=True,
    ),
]


def publish_checks(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    """Run again on the tables being published: a snapshot never holds an inconsistent water theme."""
    obs, sites_table = tables["water_observations"], tables["water_sites"]
    orphans = obs.filter(~pl.col("site_id").is_in(sites_table["site_id"].to_list()))
    negative = obs.filter(pl.col("value") < 0)
    ok = orphans.is_empty() and negative.is_empty()
    obs_outcome = CheckOutcome(
        "water_observations_valid",
        "ERROR",
        ok,
        "every observation has a known site and a non-negative value"
        if ok
        else f"{orphans.height} observation(s) with an unknown site, {negative.height} negative",
        orphans.height + negative.height,
    )
    return [
        (obs_outcome, "indicators/water_observations"),
        (implied_norms_outcome(tables["water_implied_norms"]), "indicators/water_implied_norms"),
        (norms_outcome(tables["water_norms"]), "indicators/water_norms"),
        (class_outcome(tables["water_site_wpi"]), "indicators/water_site_wpi"),
        (quarantine_outcome(tables["water_quarantine"]), "indicators/water_quarantine"),
    ]
