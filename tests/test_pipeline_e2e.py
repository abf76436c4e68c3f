"""The real pipeline end to end: materialise, provenance, checks that block a bad publish, snapshots, CLI."""

from __future__ import annotations

import hashlib
import shutil

from assets.published.snapshots import current_snapshot_id
from tests.support.caei import run_caei

PUBLISHED_TABLES = {
    "indicator_values",
    "indicators",
    "units",
    "region_aggregates",
    "geographies",
    "sources",
    "provenance",
    "check_results",
    "aral_area",
    "caspian_level_obs",
    "caspian_level_annual",
    "caspian_datum_difference",
    "geo_features",
    "snapshot_info",
    "summit_directions",
}


def test_snapshot_holds_every_table(snapshot):
    tables = {r[0] for r in snapshot.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert PUBLISHED_TABLES <= tables


def test_provenance_records_each_source_with_its_checksum(snapshot, shared_data_dir):
    from assets.sources.catalogue import sources

    rows = snapshot.execute("SELECT source_id, sha256, bytes, licence, url, retrieved_at FROM provenance").fetchall()
    by_id = {r[0]: r for r in rows}
    assert set(by_id) == set(sources())
    aral = by_id["aral_area"]
    raw = (shared_data_dir / "aral" / "aral_sea_area_1986_2023.csv").read_bytes()
    assert aral[1] == hashlib.sha256(raw).hexdigest() and aral[2] == len(raw)
    assert aral[3] == "ODC PDDL" and aral[4].endswith("aral/aral_sea_area_1986_2023.csv") and aral[5]


def test_provenance_is_in_dagster_materialisation_metadata(published_home):
    import os

    from dagster import AssetKey, DagsterInstance

    os.environ["DAGSTER_HOME"] = str(published_home / "dagster")
    try:
        with DagsterInstance.get() as instance:
            event = instance.get_latest_materialization_event(AssetKey(["raw", "gcb_fossil_co2"]))
            meta = event.asset_materialization.metadata
            assert len(meta["sha256"].value) == 64 and meta["licence"].value == "CC BY 4.0"
    finally:
        os.environ.pop("DAGSTER_HOME")


def test_region_aggregates_only_with_coverage(snapshot):
    rows = snapshot.execute("""
        SELECT status, min(coverage_pop_share), max(coverage_pop_share), count(*) FILTER (WHERE value IS NOT NULL)
        FROM region_aggregates GROUP BY status ORDER BY status""").fetchall()
    stats = {r[0]: r[1:] for r in rows}
    assert stats["published"][0] >= 0.8
    assert stats["insufficient_coverage"][1] < 0.8 and stats["insufficient_coverage"][2] == 0
    # Kazakhstan-only WDI indicators never get a regional figure
    assert (
        snapshot.execute(
            "SELECT count(*) FROM indicator_values WHERE indicator_id='water_stress_kaz' AND geo_id='CA5'"
        ).fetchone()[0]
        == 0
    )


def test_population_projection_flagged(snapshot):
    flags = snapshot.execute(
        "SELECT flags FROM indicator_values WHERE indicator_id='population' AND geo_id='KAZ' AND year=2030"
    ).fetchone()[0]
    assert "projection" in flags
    assert (
        "projection"
        not in snapshot.execute(
            "SELECT flags FROM indicator_values WHERE indicator_id='population' AND geo_id='KAZ' AND year=2020"
        ).fetchone()[0]
    )


def _bad_mirror(shared_data_dir, tmp_path, edit):
    mirror = tmp_path / "mirror"
    shutil.copytree(shared_data_dir, mirror)
    for p in mirror.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    edit(mirror)
    return mirror


def _copy_home(published_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    return home


def test_failed_check_blocks_publish_and_keeps_previous_snapshot(published_home, shared_data_dir, tmp_path):
    def blank_the_total_column(mirror):
        # A well-formed file whose `Total` cells are all empty: it parses, but a catalogue indicator is left
        # with no values at all, which must block the publish (a duplicated row is refused earlier, by the parser).
        path = mirror / "aral" / "aral_sea_area_1986_2023.csv"
        header, *rows = path.read_text().splitlines()
        path.write_text("\n".join([header] + [",".join([r.split(",")[0], ""] + r.split(",")[2:]) for r in rows]) + "\n")

    home = _copy_home(published_home, tmp_path)
    before = current_snapshot_id(home / "published")
    done = run_caei(["materialize"], home, _bad_mirror(shared_data_dir, tmp_path, blank_the_total_column))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "indicators_present" in done.stderr and "aral_sea_area" in done.stderr
    assert "previously published snapshot is still served" in done.stderr
    assert current_snapshot_id(home / "published") == before


def test_missing_source_fails_naming_it(published_home, shared_data_dir, tmp_path):
    home = _copy_home(published_home, tmp_path)
    before = current_snapshot_id(home / "published")
    mirror = _bad_mirror(
        shared_data_dir, tmp_path, lambda m: (m / "caspian" / "caspian_level_official_statements.csv").unlink()
    )
    done = run_caei(["materialize"], home, mirror)
    assert done.returncode == 1
    assert "caspian_official" in done.stderr and "caspian/caspian_level_official_statements.csv" in done.stderr
    assert current_snapshot_id(home / "published") == before


def test_snapshots_and_rollback_cli(published_home, tmp_path):
    home = _copy_home(published_home, tmp_path)
    import polars as pl

    from assets.published.snapshots import publish

    first = current_snapshot_id(home / "published")
    second = publish({"indicator_values": pl.DataFrame({"x": [1]})}, home / "published")
    listed = run_caei(["snapshots"], home).stdout
    assert f"* {second}" in listed and f"  {first}" in listed
    assert run_caei(["rollback", first], home).returncode == 0
    assert current_snapshot_id(home / "published") == first
    bad = run_caei(["rollback", "../../etc/passwd"], home)
    assert bad.returncode == 1 and "not a snapshot id" in bad.stderr


def test_usage_error_exit_code(published_home):
    assert run_caei(["export", "--table", "nope", "--out", "x.csv"], published_home).returncode == 2
    assert run_caei(["materialize", "--select", "no_such_asset"], published_home).returncode == 2


def test_definitions_load_with_every_asset_check_and_schedule():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw/aral_area", "staged/aral_area", "indicators/indicator_values", "published/snapshot"} <= keys
    spine_checks = {
        c.name for c in graph.asset_check_keys if c.asset_key.to_user_string() == "indicators/indicator_values"
    }
    assert spine_checks == {
        "schema",
        "units",
        "duplicate_keys",
        "indicators_present",
        "plausible_ranges",
        "freshness",
        "physical_ranges",
    }
    screening_checks = {
        c.name for c in graph.asset_check_keys if c.asset_key.to_user_string() == "indicators/country_values"
    }
    assert screening_checks == {"physical_ranges", "ussr_split", "currency_redenomination", "per_capita_consistency"}
    assert defs.resolve_schedule_def("weekly_refresh")
