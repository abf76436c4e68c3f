"""Theme water_quality: the Dagster assets and checks around the pure functions of assets/water_quality.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetIn,
    AssetSelection,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    asset,
    asset_check,
    define_asset_job,
    in_process_executor,
    sensor,
)

from assets.common.checks import CheckOutcome
from assets.common.keys import indicators_key as key
from assets.common.keys import staged_key
from assets.common.settings import load_settings
from assets.common.themes import Theme
from assets.sources import lab_files as wq
from assets.sources.catalogue import read_seed

GROUP = "water_quality"
INBOX_NAME = "water_quality"


def _staged(source_id: str) -> AssetIn:
    return AssetIn(key=staged_key(source_id))


# ---------------------------------------------------------------- reference tables (seeds)


@asset(
    key=key("water_bodies"),
    group_name=GROUP,
    description="Water bodies (river, lake, reservoir), Russian and English names.",
)
def water_bodies() -> pl.DataFrame:
    return read_seed("water_bodies.csv")


@asset(
    key=key("water_body_synonyms"),
    group_name=GROUP,
    description="Every spelling of a water body met in the sources and lab files.",
)
def water_body_synonyms() -> pl.DataFrame:
    return read_seed("water_body_synonyms.csv")


@asset(
    key=key("water_regions"),
    group_name=GROUP,
    description="Regions as the water files name them, with their spellings' targets.",
)
def water_regions() -> pl.DataFrame:
    return read_seed("water_regions.csv")


@asset(
    key=key("water_parameters"),
    group_name=GROUP,
    description="Parameters with canonical ids, names and chemical basis.",
)
def water_parameters() -> pl.DataFrame:
    return read_seed("water_parameters.csv")


# ---------------------------------------------------------------- April 2006 monitoring


@asset(
    key=key("water_class_table"),
    group_name=GROUP,
    ins={"classes": _staged("kz_wpi_classes")},
    description="Water-quality classes I-VII by WPI (Kazhydromet).",
)
def water_class_table(classes: pl.DataFrame) -> pl.DataFrame:
    return classes


@asset(
    key=key("water_sites"),
    group_name=GROUP,
    ins={"surface": _staged(wq.SURFACE_SOURCE)},
    description="Monitoring sites: a water body in a region (Irtysh, Ishim, Nura, Syrdarya are two sites each).",
)
def water_sites(surface: pl.DataFrame) -> pl.DataFrame:
    return wq.sites(surface)


@asset(
    key=key("water_site_wpi"),
    group_name=GROUP,
    ins={"surface": _staged(wq.SURFACE_SOURCE), "classes": AssetIn(key=key("water_class_table"))},
    description="WPI as published (April 2005, March 2006, April 2006) and the class as published and by the class table.",
)
def water_site_wpi(surface: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    return wq.site_wpi(surface, classes)


@asset(
    key=key("water_wpi_change"),
    group_name=GROUP,
    ins={"site_wpi": AssetIn(key=key("water_site_wpi"))},
    description="April 2005 -> April 2006 WPI change per site, as published; a missing 2005 value stays a gap.",
)
def water_wpi_change(site_wpi: pl.DataFrame) -> pl.DataFrame:
    return wq.wpi_change(site_wpi)


@asset(
    key=key("water_class_shares"),
    group_name=GROUP,
    ins={"site_wpi": AssetIn(key=key("water_site_wpi")), "sites": AssetIn(key=key("water_sites"))},
    description="Share of monitored sites by published class, per region and for Kazakhstan (April 2006).",
)
def water_class_shares(site_wpi: pl.DataFrame, sites: pl.DataFrame) -> pl.DataFrame:
    return wq.class_shares(site_wpi, sites)


@asset(
    key=key("water_observations_2006"),
    group_name=GROUP,
    ins={"surface": _staged(wq.SURFACE_SOURCE)},
    description="April 2006 mean concentrations of the pollutants over the limit, mg/l, with the published multiplicity.",
)
def water_observations_2006(surface: pl.DataFrame) -> pl.DataFrame:
    return wq.observations_2006(surface)


@asset(
    key=key("water_implied_norms"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=key("water_observations_2006"))},
    description="Fishery limits implied by the published multiplicities (concentration / multiplicity), checked within rounding.",
)
def water_implied_norms(obs: pl.DataFrame) -> pl.DataFrame:
    return wq.implied_fishery_norms(obs)


@asset(
    key=key("water_multiplicity_check"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=key("water_observations_2006")), "implied": AssetIn(key=key("water_implied_norms"))},
    description="Each published multiplicity recomputed from the implied limit.",
)
def water_multiplicity_check(obs: pl.DataFrame, implied: pl.DataFrame) -> pl.DataFrame:
    return wq.multiplicity_recheck(obs, implied)


@asset(
    key=key("water_norms"),
    group_name=GROUP,
    ins={
        "drinking": _staged(wq.DRINKING_SOURCE),
        "sanpin": _staged(wq.SANPIN_SOURCE),
        "implied": AssetIn(key=key("water_implied_norms")),
    },
    description="Norms registry: parameter x jurisdiction x water use x basis x limit x unit x document x effective date.",
)
def water_norms(drinking: pl.DataFrame, sanpin: pl.DataFrame, implied: pl.DataFrame) -> pl.DataFrame:
    return wq.norms_registry(drinking, sanpin, implied)


@asset(
    key=key("water_classification_reconciliation"),
    group_name=GROUP,
    ins={
        "classification": _staged(wq.CLASSIFICATION_SOURCE),
        "site_wpi": AssetIn(key=key("water_site_wpi")),
        "sites": AssetIn(key=key("water_sites")),
        "classes": AssetIn(key=key("water_class_table")),
    },
    description="The classification listed under later region names matched to the April 2006 sites (never a later year).",
)
def water_classification_reconciliation(
    classification: pl.DataFrame, site_wpi: pl.DataFrame, sites: pl.DataFrame, classes: pl.DataFrame
) -> pl.DataFrame:
    return wq.classification_reconciliation(classification, site_wpi, sites, classes)


@asset(
    key=key("water_lakes"),
    group_name=GROUP,
    ins={"lakes": _staged("kz_lakes")},
    description="Major lakes of Kazakhstan with their surface area (km²), as published.",
)
def water_lakes(lakes: pl.DataFrame) -> pl.DataFrame:
    return lakes


@asset(
    key=key("water_site_locations"),
    group_name=GROUP,
    ins={"sites": AssetIn(key=key("water_sites")), "geo": AssetIn(key=key("geo_features"))},
    description="Where each site is drawn and how it was placed (river line, lake shape, region label point, not placed).",
)
def water_site_locations(sites: pl.DataFrame, geo: pl.DataFrame) -> pl.DataFrame:
    return wq.site_locations(sites, geo)


@asset(
    key=key("water_headline_values"),
    group_name=GROUP,
    ins={"site_wpi": AssetIn(key=key("water_site_wpi"))},
    description="Headline values for indicator_values: monitored sites and the share classed IV or worse (April 2006).",
)
def water_headline_values(site_wpi: pl.DataFrame) -> pl.DataFrame:
    return wq.headline_values(site_wpi)


# ---------------------------------------------------------------- the lab-file inbox


def inbox_dir():
    return load_settings().inbox_dir / INBOX_NAME


@asset(
    key=key("water_lab_landed"),
    group_name=GROUP,
    ins={"sites": AssetIn(key=key("water_sites"))},
    description="Ingests new lab files from CAEI_HOME/inbox/water_quality into the ledger; every landed lab row so far.",
)
def water_lab_landed(context, sites: pl.DataFrame) -> pl.DataFrame:
    settings = load_settings()
    path = wq.ledger_path(settings.home)
    ledger = wq.load_ledger(path)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ledger, reports = wq.ingest_inbox(inbox_dir(), ledger, wq.lab_context(sites), now)
    new = [r for r in reports if r["status"] != "already_ingested"]
    if new:
        wq.save_ledger(path, ledger)
    for r in new:
        context.log.info(
            f"{r['file_name']}: {r['status']}, {len(r['landed'])} landed, {len(r['quarantined'])} quarantined, "
            f"{r['already_landed']} already landed, {r['resolved']} quarantine entries resolved"
        )
    context.add_output_metadata(
        {
            "new_files": len(new),
            "landed_total": ledger["landed"].height,
            "quarantine_open": ledger["quarantine"].filter(pl.col("status") == "open").height,
        }
    )
    return ledger["landed"]


@asset(
    key=key("water_quarantine"),
    group_name=GROUP,
    deps=[key("water_lab_landed")],
    description="Every quarantined lab row: file, line, raw row, reason, and whether a later file resolved it.",
)
def water_quarantine() -> pl.DataFrame:
    return wq.load_ledger(wq.ledger_path(load_settings().home))["quarantine"]


@asset(
    key=key("water_inbox_files"),
    group_name=GROUP,
    deps=[key("water_lab_landed")],
    description="Every lab file ingested (by content hash) with its counts.",
)
def water_inbox_files() -> pl.DataFrame:
    return wq.load_ledger(wq.ledger_path(load_settings().home))["files"]


@asset(
    key=key("water_observations"),
    group_name=GROUP,
    ins={"obs_2006": AssetIn(key=key("water_observations_2006")), "landed": AssetIn(key=key("water_lab_landed"))},
    description="All observations: site, period, parameter, value, unit, source (April 2006 and landed lab rows).",
)
def water_observations(obs_2006: pl.DataFrame, landed: pl.DataFrame) -> pl.DataFrame:
    return wq.all_observations(obs_2006, landed)


@asset(
    key=key("water_harmonisation"),
    group_name=GROUP,
    ins={"obs": AssetIn(key=key("water_observations")), "norms": AssetIn(key=key("water_norms"))},
    description="Each observation's ratio to every applicable norm (same basis or a declared conversion), and breaches.",
)
def water_harmonisation(obs: pl.DataFrame, norms: pl.DataFrame) -> pl.DataFrame:
    return wq.harmonisation(obs, norms)


@asset(
    key=key("water_harmonisation_summary"),
    group_name=GROUP,
    ins={"harm": AssetIn(key=key("water_harmonisation"))},
    description="Per observation and water use: the highest ratio and the norms breached.",
)
def water_harmonisation_summary(harm: pl.DataFrame) -> pl.DataFrame:
    return wq.harmonisation_summary(harm)


@asset(
    key=key("water_worst_exceedances"),
    group_name=GROUP,
    ins={"harm": AssetIn(key=key("water_harmonisation"))},
    description="The 20 observations furthest above their fishery limit.",
)
def water_worst_exceedances(harm: pl.DataFrame) -> pl.DataFrame:
    return wq.worst_exceedances(harm)


@asset(
    key=key("water_lab_wpi"),
    group_name=GROUP,
    ins={
        "landed": AssetIn(key=key("water_lab_landed")),
        "norms": AssetIn(key=key("water_norms")),
        "classes": AssetIn(key=key("water_class_table")),
    },
    description="WPI and class of lab samples that carry the parameters the method needs (else why not).",
)
def water_lab_wpi(landed: pl.DataFrame, norms: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    return wq.compute_wpi(landed.select("site_id", "sample_date", "parameter_id", "value"), norms, classes)


# ---------------------------------------------------------------- checks


def _result(outcome: CheckOutcome) -> AssetCheckResult:
    return AssetCheckResult(
        passed=outcome.passed,
        severity=AssetCheckSeverity.ERROR if outcome.severity == "ERROR" else AssetCheckSeverity.WARN,
        description=outcome.description[:2000],
        metadata={"n_failed": outcome.n_failed},
    )


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
            f"line {r['line']} {r['site_id']} {r['parameter_id']}: published {r['multiplicity_published']}, recomputed {r['multiplicity_recomputed']:.3g}"
            for r in bad.head(10).iter_rows(named=True)
        )
    )
    return CheckOutcome("multiplicities_recomputed", "WARN", bad.is_empty(), desc, bad.height)


def class_outcome(site_wpi: pl.DataFrame) -> CheckOutcome:
    bad = wq.class_disagreements(site_wpi)
    desc = (
        "every published class matches the class table"
        if bad.is_empty()
        else "published class differs from the class table (shown as published, flagged): "
        + "; ".join(
            f"{r['site_id']} (line {r['lines']}): WPI {r['wpi_2006_04']} -> class {r['class_from_table']} by the table, published {r['class_published']}"
            for r in bad.iter_rows(named=True)
        )
    )
    return CheckOutcome("class_matches_table", "WARN", bad.is_empty(), desc, bad.height)


def norms_outcome(norms: pl.DataFrame, known_units: set[str]) -> CheckOutcome:
    problems = norms.filter(
        pl.col("limit").is_null()
        | (pl.col("limit") <= 0)
        | ~pl.col("unit").is_in(sorted(known_units))
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
    bad = quarantine.filter(~pl.col("reason").is_in(list(wq.QUARANTINE_REASONS)) | pl.col("detail").is_null())
    open_n = quarantine.filter(pl.col("status") == "open").height
    desc = (
        f"{quarantine.height} quarantined row(s), {open_n} open, each with a known reason"
        if bad.is_empty()
        else f"{bad.height} quarantine row(s) without a known reason"
    )
    return CheckOutcome("quarantine_reasons", "ERROR", bad.is_empty(), desc, bad.height)


@asset_check(
    asset=key("water_implied_norms"),
    name="implied_norms_agree",
    blocking=True,
    description="Each parameter's implied fishery limit agrees across rows within rounding.",
)
def implied_norms_agree(water_implied_norms: pl.DataFrame) -> AssetCheckResult:
    return _result(implied_norms_outcome(water_implied_norms))


@asset_check(
    asset=key("water_multiplicity_check"),
    name="multiplicities_recomputed",
    description="Published multiplicities recomputed from the implied limits; disagreements reported.",
)
def multiplicities_recomputed(water_multiplicity_check: pl.DataFrame) -> AssetCheckResult:
    return _result(multiplicity_outcome(water_multiplicity_check))


@asset_check(
    asset=key("water_site_wpi"),
    name="class_matches_table",
    description="The class recomputed from the published WPI with the class table; disagreements flagged.",
)
def class_matches_table(water_site_wpi: pl.DataFrame) -> AssetCheckResult:
    return _result(class_outcome(water_site_wpi))


@asset_check(
    asset=key("water_norms"),
    name="norms_complete",
    blocking=True,
    description="Every norm has a positive limit, a known unit and a chemical basis.",
)
def norms_complete(water_norms: pl.DataFrame) -> AssetCheckResult:
    return _result(norms_outcome(water_norms, set(read_seed("units.csv")["unit"])))


@asset_check(
    asset=key("water_quarantine"),
    name="quarantine_reasons",
    blocking=True,
    description="Every quarantined lab row carries a known reason.",
)
def quarantine_reasons(water_quarantine: pl.DataFrame) -> AssetCheckResult:
    return _result(quarantine_outcome(water_quarantine))


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
        (norms_outcome(tables["water_norms"], set(read_seed("units.csv")["unit"])), "indicators/water_norms"),
        (class_outcome(tables["water_site_wpi"]), "indicators/water_site_wpi"),
        (quarantine_outcome(tables["water_quarantine"]), "indicators/water_quarantine"),
    ]


# ---------------------------------------------------------------- sensor and job

INBOX_ASSETS = [key("water_lab_landed"), key("water_quarantine"), key("water_inbox_files")]
water_inbox_job = define_asset_job(
    "water_inbox_job",
    selection=AssetSelection.assets(*INBOX_ASSETS).downstream(),
    executor_def=in_process_executor,
    description="Ingest new lab files from the water-quality inbox, recompute the water tables and publish a snapshot.",
)


def inbox_fingerprints(folder) -> dict[str, str]:
    """file name -> sha256 of its content, for the files the inbox would ingest."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in wq.pending_files(folder)}


@sensor(
    job=water_inbox_job,
    minimum_interval_seconds=30,
    description="Starts water_inbox_job when a new lab file (new content) lands in CAEI_HOME/inbox/water_quality.",
)
def water_inbox_sensor(context: SensorEvaluationContext):
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    current = inbox_fingerprints(inbox_dir())
    new = sorted(set(current.values()) - seen)
    if not new:
        return SkipReason(f"no new file in {inbox_dir()}")
    context.update_cursor(json.dumps(sorted(seen | set(new))))
    return RunRequest(
        run_key="water-inbox-" + hashlib.sha256("".join(new).encode()).hexdigest()[:16],
        tags={"caei/inbox_files": ",".join(n for n, s in current.items() if s in new)[:200]},
    )


PUBLISHED = {
    name: key(name)
    for name in [
        "water_bodies",
        "water_body_synonyms",
        "water_regions",
        "water_parameters",
        "water_class_table",
        "water_sites",
        "water_site_wpi",
        "water_wpi_change",
        "water_class_shares",
        "water_observations",
        "water_implied_norms",
        "water_multiplicity_check",
        "water_norms",
        "water_harmonisation",
        "water_harmonisation_summary",
        "water_worst_exceedances",
        "water_classification_reconciliation",
        "water_lakes",
        "water_site_locations",
        "water_quarantine",
        "water_inbox_files",
        "water_lab_wpi",
    ]
}

THEME = Theme(
    "water_quality",
    assets=[
        water_bodies,
        water_body_synonyms,
        water_regions,
        water_parameters,
        water_class_table,
        water_sites,
        water_site_wpi,
        water_wpi_change,
        water_class_shares,
        water_observations_2006,
        water_implied_norms,
        water_multiplicity_check,
        water_norms,
        water_classification_reconciliation,
        water_lakes,
        water_site_locations,
        water_headline_values,
        water_lab_landed,
        water_quarantine,
        water_inbox_files,
        water_observations,
        water_harmonisation,
        water_harmonisation_summary,
        water_worst_exceedances,
        water_lab_wpi,
    ],
    checks=[implied_norms_agree, multiplicities_recomputed, class_matches_table, norms_complete, quarantine_reasons],
    published=PUBLISHED,
    headline_values=[key("water_headline_values")],
    publish_checks=[publish_checks],
    sensors=[water_inbox_sensor],
    jobs=[water_inbox_job],
)
