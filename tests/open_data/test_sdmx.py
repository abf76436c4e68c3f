"""`caei export --table sdmx`: SDMX-ML 2.1 and SDMX-CSV read back by the `sdmx1` package, value by value against
the published snapshot, with the structure (codelists from the catalogue, UN M49 annotations) beside them."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
import sdmx

from assets.exports.sdmx import obs_status
from assets.published.snapshots import current_snapshot_path
from assets.sources.catalogue import read_seed
from tests.support.caei import run_caei


@pytest.fixture(scope="module")
def expected(published_home) -> dict[tuple[str, str, str], tuple[float, str, str]]:
    with duckdb.connect(str(current_snapshot_path(published_home / "published")), read_only=True) as con:
        rows = con.execute(
            "SELECT indicator_id, geo_id, year, value, unit, coalesce(flags, '') FROM indicator_values "
            "WHERE value IS NOT NULL"
        ).fetchall()
    return {(i, g, str(y)): (v, u, f) for i, g, y, v, u, f in rows}


def _observations(message) -> dict[tuple[str, str, str], tuple[float, dict[str, str]]]:
    out = {}
    for data_set in message.data:
        for obs in data_set.obs:
            key = obs.key.get_values()
            out[tuple(str(k) for k in key)] = (float(obs.value), {k: str(a.value) for k, a in obs.attrib.items()})
    return out


def _export(published_home, tmp_path, fmt):
    out = tmp_path / f"caei.{fmt}"
    done = run_caei(["export", "--table", "sdmx", "--format", fmt, "--out", str(out)], published_home)
    assert done.returncode == 0, done.stderr
    structure = sdmx.read_sdmx(tmp_path / "caei.structure.xml")
    return out, structure


def _check(observations, expected):
    assert observations.keys() == expected.keys()
    for key, (value, attributes) in observations.items():
        want_value, unit, flags = expected[key]
        assert value == pytest.approx(want_value, rel=1e-12), key
        assert attributes["UNIT_MEASURE"] == unit
        assert attributes.get("OBS_FLAGS", "") == flags
        assert attributes["OBS_STATUS"] in (flags.split(";") if flags else ["A"])


def test_sdmx_ml_reads_back_value_by_value(published_home, tmp_path, expected):
    out, structure = _export(published_home, tmp_path, "xml")
    dsd = structure.structure["DSD_CAEI_INDICATORS"]
    assert [d.id for d in dsd.dimensions] == ["INDICATOR", "REF_AREA", "TIME_PERIOD"]
    assert {a.id for a in dsd.attributes} >= {"UNIT_MEASURE", "OBS_STATUS"}
    areas = structure.codelist["CL_AREA"]
    m49 = {a.id: str(a.text) for a in areas["CA5"].annotations}
    assert m49 == {"UN_M49": "143"} and str(areas["KAZ"].annotations[0].text) == "398"
    assert str(structure.codelist["CL_INDICATOR"]["co2_per_capita"].name["ru"]) == "Выбросы CO₂ на душу населения"
    assert "stale" in structure.codelist["CL_OBS_STATUS"]
    _check(_observations(sdmx.read_sdmx(out, structure=dsd)), expected)


def test_sdmx_csv_reads_back_value_by_value(published_home, tmp_path, expected):
    out, structure = _export(published_home, tmp_path, "csv")
    message = sdmx.read_sdmx(out, structure=structure.dataflow["DF_CAEI_INDICATORS"])
    # Several licence texts share the identifier none-stated: the code is named by the shortest, every time.
    assert str(structure.codelist["CL_LICENCE"]["none-stated"].name["en"]) == "No licence stated"
    _check(_observations(message), expected)


def test_sdmx_is_refused_as_xlsx(published_home, tmp_path):
    done = run_caei(
        ["export", "--table", "sdmx", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx")], published_home
    )
    assert done.returncode == 1 and "xml or csv" in done.stderr


def test_observation_status_is_the_first_doubtful_flag_else_the_first_flag_else_normal():
    legend = read_seed("flags.csv")
    codes = pl.Series(["", "stale", "stale;outlier", "projection;stale", None])
    assert obs_status(codes, legend).to_list() == ["A", "stale", "outlier", "projection", "A"]
