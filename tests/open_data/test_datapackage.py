"""`caei export --table datapackage`: a Frictionless data package that the `frictionless` package validates with no
errors, whose values are the snapshot's and whose every value resource names its sources' licence."""

from __future__ import annotations

import json

import duckdb
import polars as pl
from frictionless import validate

from assets.published.snapshots import current_snapshot_path
from tests.support.caei import run_caei


def test_data_package_validates_and_carries_licences_and_values(published_home, tmp_path):
    out = tmp_path / "package"
    done = run_caei(["export", "--table", "datapackage", "--out", str(out)], published_home)
    assert done.returncode == 0, done.stderr
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["title", "type", "note"])[:10]

    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    values = [r for name, r in resources.items() if name.startswith(("indicator_values_", "air_observations_"))]
    for resource in values:
        assert resource["sources"], resource["name"]
        for field in resource["schema"]["fields"]:
            assert field["type"] and field["description"]
    # The non-commercial licence of AirData.kz is named where its values leave.
    (airdata,) = [r for r in values if r["name"] == "air_observations_cc_by_nc_4_0"]
    assert airdata["licenses"] == [
        {"name": "CC-BY-NC-4.0", "title": "CC BY-NC 4.0", "path": "https://creativecommons.org/licenses/by-nc/4.0/"}
    ]
    assert "Non-commercial" in airdata["description"]
    assert any("AirData" in s["title"] or "airdata" in s["path"].lower() for s in airdata["sources"])
    # Sources without a stated licence are marked so, with no licence claimed for them.
    unstated = resources["air_observations_none_stated"]
    assert unstated["licenses"] == [] and "no licence stated" in unstated["title"]

    with duckdb.connect(str(current_snapshot_path(published_home / "published")), read_only=True) as con:
        expected = con.execute(
            "SELECT indicator_id, geo_id, year, value FROM indicator_values WHERE value IS NOT NULL ORDER BY ALL"
        ).pl()
        n_air = con.execute("SELECT count(*) FROM air_observations WHERE value IS NOT NULL").fetchone()[0]
    written = (
        pl.concat(
            [
                pl.read_csv(out / r["path"], schema_overrides={"geo_id": pl.String})
                for r in values
                if r["name"].startswith("indicator_values_")
            ]
        )
        .select("indicator_id", "geo_id", "year", "value")
        .sort(pl.all())
    )
    assert written.height == expected.height
    assert written.select("indicator_id", "geo_id", "year").equals(
        expected.select("indicator_id", "geo_id", pl.col("year").cast(pl.Int64))
    )
    assert (written["value"] - expected["value"]).abs().max() <= 1e-9 * expected["value"].abs().max()
    assert sum(pl.read_csv(out / r["path"]).height for r in values if r["name"].startswith("air_")) == n_air
