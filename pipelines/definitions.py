"""The code location: one Definitions with every asset, check, job and schedule."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, ScheduleDefinition, define_asset_job, in_process_executor

from assets.common.settings import Settings, load_settings
from assets.indicators.air import assets as air_assets
from assets.indicators.country_assets import build_indicator_values, indicator_assets, indicator_checks
from assets.indicators.funding import assets as funding_assets
from assets.indicators.water import assets as water_quality_assets
from assets.published.publish_assets import PUBLISHED_TABLES, build_published_snapshot
from assets.sources.raw_assets import raw_assets
from assets.staged.staged_assets import staged_assets
from pipelines.progress import step_progress_logger
from pipelines.resources import WarehouseIOManager

THEMES = [water_quality_assets.THEME, funding_assets.THEME, air_assets.THEME]  # see assets/common/themes.py


def build_definitions(settings: Settings) -> Definitions:
    """Every asset, check, job and schedule, with `settings` as the resource "settings" and in the IO manager."""
    # Everything runs in one process: the DuckDB warehouse has one writer, and the run holds its lock.
    materialize_all = define_asset_job(
        "materialize_all",
        selection=AssetSelection.all(),
        executor_def=in_process_executor,
        description="Fetch every source, rebuild the indicators and publish a snapshot.",
    )
    return Definitions(
        assets=[
            *raw_assets,
            *staged_assets,
            *indicator_assets,
            build_indicator_values([k for t in THEMES for k in t.headline_values]),
            *(a for t in THEMES for a in t.assets),
            build_published_snapshot(
                {**PUBLISHED_TABLES, **{n: k for t in THEMES for n, k in t.published.items()}},
                [c for t in THEMES for c in t.publish_checks],
            ),
        ],
        asset_checks=[*indicator_checks, *(c for t in THEMES for c in t.checks)],
        jobs=[materialize_all, *(j for t in THEMES for j in t.jobs)],
        sensors=[s for t in THEMES for s in t.sensors],
        schedules=[
            ScheduleDefinition(
                name="weekly_refresh", job=materialize_all, cron_schedule="0 3 * * 1", execution_timezone="Asia/Almaty"
            )
        ],
        resources={
            "io_manager": WarehouseIOManager(
                warehouse_path=str(settings.warehouse_path), wait_seconds=settings.writer_wait
            ),
            "settings": settings,
        },
        executor=in_process_executor,
        loggers={"console": step_progress_logger},
    )


# What the Dagster UI loads (workspace.yaml); the CLI builds its own from the settings it was given.
defs = build_definitions(load_settings())
