"""The code location: one Definitions with every asset, check, job and schedule."""
from __future__ import annotations

from dagster import AssetSelection, Definitions, ScheduleDefinition, define_asset_job, in_process_executor

from assets.indicator_assets import indicator_assets, indicator_checks
from assets.publish_assets import published_snapshot
from assets.raw_assets import raw_assets
from assets.staged_assets import staged_assets
from pipelines.progress import step_progress_logger
from pipelines.resources import WarehouseIOManager

# Everything runs in one process: the DuckDB warehouse has one writer, and the run holds its lock.
materialize_all = define_asset_job("materialize_all", selection=AssetSelection.all(), executor_def=in_process_executor,
                                   description="Fetch every source, rebuild the indicators and publish a snapshot.")

defs = Definitions(
    assets=[*raw_assets, *staged_assets, *indicator_assets, published_snapshot],
    asset_checks=indicator_checks,
    jobs=[materialize_all],
    schedules=[ScheduleDefinition(name="weekly_refresh", job=materialize_all, cron_schedule="0 3 * * 1",
                                  execution_timezone="Asia/Almaty")],
    resources={"io_manager": WarehouseIOManager()},
    executor=in_process_executor,
    loggers={"console": step_progress_logger},
)
