"""The air tables in a real published snapshot, and their exports (CSV and XLSX)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import openpyxl
import pytest

from tests.support.caei import run_caei


def test_snapshot_day_equals_source(snapshot, shared_data_dir):
    with open(shared_data_dir / "air" / "airdata_kz_daily_other_cities_pm10.csv", newline="", encoding="utf-8") as f:
        source = next(r for r in csv.DictReader(f) if r["city"] == "Oskemen" and r["date"] == "2023-01-20")
    value, unit, flags = snapshot.execute(
        "SELECT value, unit, flags FROM air_observations"
        " WHERE city_id = ? AND pollutant = ? AND date = ? AND source_id = ?",
        ["oskemen", "pm10", dt.date(2023, 1, 20), "airdata_kz_other_pm10"],
    ).fetchone()
    assert (value, unit) == (float(source["avg_ugm3"]), "ug_m3")
    assert "pre_day_boundary_correction" in flags


def test_snapshot_quarantine_keeps_cityless_rows(snapshot):
    (n,) = snapshot.execute(
        "SELECT count(*) FROM air_quarantine WHERE source_id = ? AND reason = ?",
        ["airdata_kz_other_pm25", "no city in the source row"],
    ).fetchone()
    assert n == 2022  # SOURCES.md: 2,022 PM2.5 rows have an empty city


def test_snapshot_regions_have_points_or_say_why(snapshot):
    rows = snapshot.execute(
        "SELECT region_ru, lat, note FROM air_region_points WHERE kind <> 'country_total'"
    ).fetchall()
    for region, lat, note in rows:
        assert lat is not None or "no map point" in note, region


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_air_quality_export_carries_licence_and_caveat(published_home, tmp_path, fmt):
    out = tmp_path / f"air.{fmt}"
    done = run_caei(
        ["export", "--table", "air_quality", "--format", fmt, "--lang", "ru", "--year", "2022", "--out", str(out)],
        published_home,
    )
    assert done.returncode == 0, done.stderr
    if fmt == "csv":
        # Russian CSV follows Russian Excel: ';' between fields, decimal comma (issue 16)
        with open(out, newline="", encoding="utf-8-sig") as f:
            data = [
                {k: v.replace(",", ".") if k == "Значение" else v for k, v in r.items()}
                for r in csv.DictReader(f, delimiter=";")
            ]
        with open(tmp_path / "air.metadata.csv", newline="", encoding="utf-8-sig") as f:
            meta = list(csv.DictReader(f, delimiter=";"))
    else:
        book = openpyxl.load_workbook(out, read_only=True)

        def sheet(name):
            it = book[name].iter_rows(values_only=True)
            head = next(it)
            return [dict(zip(head, r, strict=False)) for r in it]

        data, meta = sheet("data"), sheet("metadata")
    airdata = [r for r in data if str(r["Код источника"]).startswith("airdata_kz")]
    assert airdata and all(r["Лицензия"] == "CC BY-NC 4.0" for r in airdata)
    # flags in words of the export's language, their codes beside them (issue 13)
    assert all("до исправления границы суток" in r["Отметки"] for r in airdata)
    assert all("pre_day_boundary_correction" in r["Коды отметок"] for r in airdata)
    almaty = next(r for r in meta if r["Код источника"] == "airdata_kz_main_cities")
    assert "AirData.kz. Open Air Quality Dataset for Kazakhstan" in almaty["Цитирование"]
    assert "ДО исправления границ суток" in almaty["Примечание"]
    assert {r["Год"] if "Год" in r else r["Дата"][:4] for r in data} == {"2022"}
    # a doubtful value is exported with its flag in words and marked as left out (Kordai PM10: zero for 430 days)
    kordai = next(
        r for r in data if r["Код города"] == "kordai" and r["Загрязнитель"] == "pm10" and r["Дата"] == "2022-07-01"
    )
    assert float(kordai["Значение"]) == 0.0 and "нулевое суточное значение" in kordai["Отметки"]
    assert str(kordai["Сомнительное (не входит в средние)"]).lower() in ("true", "1")
    almaty = next(r for r in data if r["Код города"] == "almaty" and r["Загрязнитель"] == "pm25")
    assert "до исправления границы суток" in almaty["Отметки"]


def test_air_summary_export_shows_incomplete_as_blank(published_home, tmp_path):
    out = tmp_path / "summary.csv"
    done = run_caei(
        ["export", "--table", "air_summary", "--format", "csv", "--lang", "en", "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    with open(out, newline="", encoding="utf-8-sig") as f:
        data = list(csv.DictReader(f))
    means = [r for r in data if r["Measure"] == "mean"]
    assert means and all(r["Value"] == "" for r in means if r["Status"] == "incomplete")
    assert all(r["Value"] != "" for r in means if r["Status"] == "complete")
    above = [r for r in data if r["Measure"] == "days_above_threshold"]
    assert above and all(
        "WHO global air quality guidelines" in r["Threshold document"] and "Table 0.1" in r["Threshold document"]
        for r in above
    )
    assert all(r["Licence"] for r in data)
    # the source's caveats stay beside the values: Tashkent's are medians of low-cost sensors
    tashkent = [r for r in means if r["City code"] == "tashkent"]
    assert tashkent and all(r["Daily statistic"] == "daily_median" for r in tashkent)
    assert all("MEDIAN" in r["Source caveat"] and "low-cost sensors" in r["Flags"] for r in tashkent)
    # a year without its winter says why it has no mean
    bishkek = next(
        r for r in means if r["City code"] == "bishkek" and r["Period type"] == "year" and r["Period"] == "2019"
    )
    assert bishkek["Status"] == "incomplete_quarter" and bishkek["Value"] == ""


def test_a_value_no_instrument_reports_in_a_source_fails_the_run_and_keeps_the_snapshot(
    published_home, shared_data_dir, tmp_path
):
    """1e300 µg/m³ in one row of the real Tashkent file: the run fails naming file and line, nothing is published,
    and the snapshot in service stays the one published before."""
    from assets.published.snapshots import current_snapshot_id

    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    mirror = tmp_path / "mirror"
    shutil.copytree(shared_data_dir, mirror)
    for p in mirror.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    path = mirror / "air" / "tashkent_municipal_pm25_daily_2023_2026.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[99].split(",")  # file line 100
    cells[1] = "1e300"
    lines[99] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = current_snapshot_id(home / "published")
    done = run_caei(["materialize"], home, mirror)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "tashkent_municipal_pm25_daily_2023_2026.csv line 100" in done.stderr
    assert "previously published snapshot is still served" in done.stderr
    assert current_snapshot_id(home / "published") == before
