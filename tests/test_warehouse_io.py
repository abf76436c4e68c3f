"""The warehouse IO manager: one transaction per run, and one bad table never loses the run's other tables."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from dagster import AssetIn, Definitions, asset, define_asset_job, in_process_executor

from assets.common.keys import WAREHOUSE_SCHEMA
from pipelines.resources import WarehouseIOManager

pytestmark = pytest.mark.integration  # real Dagster runs, in process, into a DuckDB warehouse


@asset(key=["staged", "good"])
def good() -> pl.DataFrame:
    return pl.DataFrame({"site": ["Irtysh", "Nura"], "wpi": [1.2, 3.4]})


@asset(key=["staged", "unstorable"])
def unstorable() -> pl.DataFrame:
    return pl.DataFrame({"wpi": [1.0]}, schema={"wpi": pl.Float16})  # DuckDB cannot store half floats


@asset(key=["indicators", "downstream"], ins={"upstream": AssetIn(key=["staged", "good"])}, deps=[unstorable])
def downstream(upstream: pl.DataFrame) -> pl.DataFrame:
    return upstream.with_columns(doubled=pl.col("wpi") * 2)


@asset(key=["indicators", "downstream"], ins={"upstream": AssetIn(key=["staged", "good"])})
def downstream_of_good(upstream: pl.DataFrame) -> pl.DataFrame:
    return upstream.with_columns(doubled=pl.col("wpi") * 2)


@asset(key=["indicators", "independent"])
def independent() -> pl.DataFrame:
    return pl.DataFrame({"year": [2024]})


@asset(key=["indicators", "rejected_rows"], metadata={WAREHOUSE_SCHEMA: "quarantine"})
def rejected_rows() -> pl.DataFrame:
    return pl.DataFrame({"line": [3], "reason": ["unknown site"]})


@asset(key=["indicators", "rejected_count"], ins={"rejected": AssetIn(key=["indicators", "rejected_rows"])})
def rejected_count(rejected: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame({"n": [rejected.height]})


def _run(tmp_path, assets, selection=None):
    defs = Definitions(
        assets=assets,
        resources={"io_manager": WarehouseIOManager(warehouse_path=str(tmp_path / "warehouse.duckdb"), wait_seconds=5)},
        executor=in_process_executor,
        jobs=[define_asset_job("all", selection=selection, executor_def=in_process_executor)],
    )
    return defs.resolve_job_def("all").execute_in_process(raise_on_error=False)


def _tables(tmp_path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        names = con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()
        return {n: con.execute(f"SELECT * FROM {n}").pl() for (n,) in names}


def test_run_tables_are_committed_and_passed_downstream(tmp_path):
    result = _run(tmp_path, [good, downstream_of_good])
    assert result.success
    tables = _tables(tmp_path)
    assert tables["indicators.downstream"]["doubled"].to_list() == [2.4, 6.8]
    assert tables["staged.good"].equals(pl.DataFrame({"site": ["Irtysh", "Nura"], "wpi": [1.2, 3.4]}))


def test_a_table_that_cannot_be_stored_fails_its_step_and_keeps_the_others(tmp_path):
    result = _run(tmp_path, [good, unstorable, downstream, independent])
    assert not result.success
    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    assert failed == ["staged__unstorable"]
    tables = _tables(tmp_path)
    # written before the failure (good) and after it (independent) both land; the bad one does not
    assert "staged.good" in tables and "indicators.independent" in tables
    assert "staged.unstorable" not in tables


def test_a_second_run_replaces_tables_and_keeps_untouched_ones(tmp_path):
    assert _run(tmp_path, [good, independent]).success
    assert _run(tmp_path, [good]).success
    tables = _tables(tmp_path)
    assert set(tables) == {"staged.good", "indicators.independent"}
    assert tables["staged.good"].height == 2


def test_metadata_places_a_table_in_its_schema_and_downstream_reads_it_there(tmp_path):
    assert _run(tmp_path, [rejected_rows, rejected_count]).success
    tables = _tables(tmp_path)
    assert set(tables) == {"quarantine.rejected_rows", "indicators.rejected_count"}
    # A later run that recomputes only the downstream asset reads the table back from its schema.
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute("INSERT INTO quarantine.rejected_rows VALUES (7, 'no date')")
    assert _run(tmp_path, [rejected_rows, rejected_count], selection=[rejected_count.key]).success
    assert _tables(tmp_path)["indicators.rejected_count"]["n"].to_list() == [2]
