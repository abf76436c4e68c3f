"""The lab-file inbox as Dagster pieces: the assets that ingest analysts' files into the ledger and show it, and the
sensor and job that run them when a new file lands in CAEI_HOME/inbox/water_quality."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
from dagster import (
    AssetIn,
    AssetsDefinition,
    AssetSelection,
    ResourceParam,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    asset,
    define_asset_job,
    in_process_executor,
    sensor,
)

from assets.common.keys import indicators_key as key
from assets.common.settings import Settings
from assets.sources.lab_files import file_sha256, lab_context
from assets.sources.lab_ingest import ingest_inbox, pending_files, recheck_quarantine
from assets.sources.lab_ledger import ledger_path, load_ledger, originals_dir, save_ledger

GROUP = "water_quality"
INBOX_NAME = "water_quality"


def inbox_dir(settings: Settings) -> Path:
    return settings.inbox_dir / INBOX_NAME


@asset(
    key=key("water_lab_landed"),
    group_name=GROUP,
    ins={"sites": AssetIn(key=key("water_sites"))},
    required_resource_keys={"settings"},
    description=(
        "Ingests new lab files from CAEI_HOME/inbox/water_quality into the ledger; every landed lab row so far."
    ),
)
def water_lab_landed(context, sites: pl.DataFrame) -> pl.DataFrame:
    settings: Settings = context.resources.settings
    path = ledger_path(settings.home)
    ledger = load_ledger(path)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    checks = lab_context(sites, settings.home)
    # Open entries first checked again: a point added under CAEI_HOME or a spelling added to the seeds lands them.
    quarantine, rechecked = recheck_quarantine(ledger["quarantine"], ledger["landed"], checks, now.date(), now)
    ledger = {**ledger, "quarantine": quarantine, "landed": pl.concat([ledger["landed"], rechecked])}
    ledger, reports = ingest_inbox(
        inbox_dir(settings),
        ledger,
        checks,
        now,
        store=originals_dir(settings.home),
        max_bytes=settings.lab_file_max_bytes,
    )
    new = [r for r in reports if r["status"] != "already_ingested"]
    if new or rechecked.height:
        save_ledger(path, ledger)
    if rechecked.height:
        context.log.info(f"{rechecked.height} quarantined row(s) now valid on re-check: landed")
    for r in new:
        context.log.info(
            f"{r['file_name']}: {r['status']}, {len(r['landed'])} landed, {len(r['quarantined'])} quarantined, "
            f"{r['not_measured']} not measured, {r['already_landed']} already landed, "
            f"{r['resolved']} quarantine entries resolved {r['message']}".strip()
        )
    context.add_output_metadata(
        {
            "new_files": len(new),
            "landed_total": ledger["landed"].height,
            "quarantine_open": ledger["quarantine"].filter(pl.col("status") == "open").height,
        }
    )
    return ledger["landed"]


def _ledger_table(name: str, table: str, schema: str, description: str) -> AssetsDefinition:
    """indicators/<name>: one table of the ledger as water_lab_landed left it."""

    @asset(
        key=key(name),
        group_name=GROUP,
        deps=[key("water_lab_landed")],
        required_resource_keys={"settings"},
        metadata={"warehouse_schema": schema},
        description=description,
    )
    def ledger_table(context) -> pl.DataFrame:
        return load_ledger(ledger_path(context.resources.settings.home))[table]

    return ledger_table


water_quarantine = _ledger_table(
    "water_quarantine",
    "quarantine",
    "quarantine",
    "Every quarantined lab row: file, line, raw row, reason, and whether a later file resolved it.",
)
water_inbox_files = _ledger_table(
    "water_inbox_files", "files", "ledger", "Every lab file ingested (by content hash) with its counts."
)


INBOX_ASSETS = [key("water_lab_landed"), key("water_quarantine"), key("water_inbox_files")]
water_inbox_job = define_asset_job(
    "water_inbox_job",
    selection=AssetSelection.assets(*INBOX_ASSETS).downstream(),
    executor_def=in_process_executor,
    description="Ingest new lab files from the water-quality inbox, recompute the water tables and publish a snapshot.",
)


def inbox_fingerprints(folder: Path) -> dict[str, str]:
    """file name -> sha256 of its content, for the files the inbox would ingest."""
    return {p.name: file_sha256(p) for p in pending_files(folder)}


@sensor(
    job=water_inbox_job,
    minimum_interval_seconds=30,
    description="Starts water_inbox_job when a new lab file (new content) lands in CAEI_HOME/inbox/water_quality.",
)
def water_inbox_sensor(context: SensorEvaluationContext, settings: ResourceParam[Settings]) -> SkipReason | RunRequest:
    inbox = inbox_dir(settings)
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    current = inbox_fingerprints(inbox)
    new = sorted(set(current.values()) - seen)
    if not new:
        return SkipReason(f"no new file in {inbox}")
    context.update_cursor(json.dumps(sorted(seen | set(new))))
    return RunRequest(
        run_key="water-inbox-" + hashlib.sha256("".join(new).encode()).hexdigest()[:16],
        tags={"caei/inbox_files": ",".join(n for n, s in current.items() if s in new)[:200]},
    )
