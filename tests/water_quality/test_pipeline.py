"""The water theme end to end: the published snapshot, the exports, `caei ingest` and the inbox sensor."""

from __future__ import annotations

import csv
import io
import re
import shutil

import openpyxl
import pytest
from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from assets.common.settings import load_settings
from assets.indicators.water import inbox_assets as wqa
from assets.sources.water_names import SURFACE_SOURCE
from tests.support.caei import run_caei

pytestmark = pytest.mark.timeout(900)


def test_snapshot_holds_the_water_tables_with_source_values(snapshot, shared_data_dir):
    with open(
        shared_data_dir / "water_quality" / "kz_surface_water_quality_april2006.csv", newline="", encoding="utf-8"
    ) as f:
        source = [r for r in csv.DictReader(f) if r["ingredients_and_indicators"]]
    published = snapshot.execute(
        "SELECT line, value, multiplicity_published FROM water_observations WHERE source_id = ? ORDER BY line",
        [SURFACE_SOURCE],
    ).fetchall()
    assert [(v, m) for _, v, m in published] == [
        (float(r["avg_concentration_mg/l"]), float(r["multiplicity_of_exceeding_the_mpc"])) for r in source
    ]
    assert snapshot.execute("SELECT count(*) FROM water_sites").fetchone() == (52,)
    assert snapshot.execute(
        "SELECT implied_limit FROM water_implied_norms WHERE parameter_id = 'copper'"
    ).fetchone() == (0.001,)


def test_snapshot_check_results_report_the_class_disagreement(snapshot):
    rows = snapshot.execute(
        "SELECT passed, severity, description FROM check_results WHERE check_name = 'class_matches_table'"
    ).fetchall()
    assert len(rows) == 1 and rows[0][0] is False and rows[0][1] == "WARN" and "katta_bugun" in rows[0][2]


def test_headline_values_in_indicator_values(snapshot):
    rows = snapshot.execute(
        "SELECT indicator_id, value, unit FROM indicator_values WHERE indicator_id LIKE 'water_sites_%' ORDER BY 1"
    ).fetchall()
    assert rows == [("water_sites_monitored", 52.0, "sites"), ("water_sites_polluted_share", 25.0, "percent_of_sites")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_water_quality(published_home, tmp_path, fmt):
    out = tmp_path / f"water.{fmt}"
    done = run_caei(
        ["export", "--table", "water_quality", "--format", fmt, "--lang", "ru", "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    if fmt == "csv":
        # Russian CSV follows Russian Excel: ';' between fields, decimal comma (issue 16)
        text = out.read_text(encoding="utf-8-sig")
        rows = [
            {k: v.replace(",", ".") if re.fullmatch(r"-?\d+,\d+", v or "") else v for k, v in r.items()}
            for r in csv.DictReader(io.StringIO(text), delimiter=";")
        ]
        meta = out.with_name("water.metadata.csv").read_text(encoding="utf-8-sig")
    else:
        sheet = openpyxl.load_workbook(out, read_only=True)["data"]
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], (str(v) if v is not None else "" for v in r), strict=False)) for r in values[1:]]
        meta = str(list(openpyxl.load_workbook(out, read_only=True)["metadata"].iter_rows(values_only=True)))
    kk = [r for r in rows if r["Код пункта"] == "kara_kengir__karaganda" and r["Код показателя"] == "oil_products"]
    assert len(kk) == 1
    assert float(kk[0]["Концентрация"]) == 1.2 and float(kk[0]["Кратность превышения ПДК (опубл.)"]) == 24.1
    assert float(kk[0]["Отношение к ПДК рыбохоз. (выведенной)"]) == pytest.approx(24.0)
    assert kk[0]["Класс (опубл.)"] == "VI" and kk[0]["Единица измерения"] == "мг/дм³"
    assert "kz_surface_water_quality_2006" in meta


def test_ingest_lands_publishes_and_is_idempotent(published_home, shared_data_dir, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(published_home, home, ignore=shutil.ignore_patterns("dagster"))
    lab = tmp_path / "lab_2024.csv"
    lab.write_text(
        "Водный объект;Область;Дата;Показатель;Значение;Ед. изм.\n"
        "Иртыш;Павлодарская область;15.05.2024;Медь;0,0021;мг/дм3\n"
        "Иртыш;Павлодарская область;15.05.2024;Медь!;0,0021;мг/дм3\n",
        encoding="utf-8",
    )
    done = run_caei(["ingest", str(lab)], home, shared_data_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 row(s) landed, 1 quarantined" in done.stdout and "line 3: unknown_parameter" in done.stdout

    from assets.published.snapshots import open_snapshot

    def counts():
        with open_snapshot(home / "published") as con:
            return {
                t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in ("water_observations", "water_quarantine", "water_inbox_files", "water_harmonisation")
            }

    first = counts()
    with open_snapshot(home / "published") as con:
        assert con.execute("SELECT value, unit FROM water_observations WHERE source_id = 'lab_inbox'").fetchall() == [
            (0.0021, "mg_l")
        ]
    again = run_caei(["ingest", str(lab)], home, shared_data_dir)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert counts() == first

    quarantine_csv = tmp_path / "quarantine.csv"
    exported = run_caei(["export", "--table", "quarantine", "--lang", "en", "--out", str(quarantine_csv)], home)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(quarantine_csv.read_text(encoding="utf-8-sig"))))
    assert [(r["File"], r["Line"], r["Reason"]) for r in rows] == [("lab_2024.csv", "3", "unknown parameter")]


def test_ingest_usage_error_for_a_missing_file_and_a_file_that_is_not_a_table(tmp_path):
    done = run_caei(["ingest", str(tmp_path / "nope.csv")], tmp_path / "home")
    assert done.returncode == 2 and "nope.csv: missing (no such file)" in done.stderr
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    done = run_caei(["ingest", str(tmp_path / "report.pdf")], tmp_path / "home")
    assert done.returncode == 2 and "report.pdf: not a table (.pdf)" in done.stderr
    assert not (tmp_path / "home" / "inbox" / "water_quality" / "report.pdf").exists()


def test_sensor_requests_a_run_for_new_content_only(tmp_path, monkeypatch):
    monkeypatch.setenv("CAEI_HOME", str(tmp_path))
    resources = {"settings": load_settings()}  # as the code location passes them
    inbox = tmp_path / "inbox" / "water_quality"
    inbox.mkdir(parents=True)
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(instance=instance, resources=resources)
        assert isinstance(wqa.water_inbox_sensor(context), SkipReason)
        (inbox / "a.csv").write_text("site_id,date,parameter,value,unit\n", encoding="utf-8")
        context = build_sensor_context(instance=instance, resources=resources)
        request = wqa.water_inbox_sensor(context)
        assert isinstance(request, RunRequest) and request.tags["caei/inbox_files"] == "a.csv"
        cursor = context.cursor
        (inbox / "a_copy.csv").write_text("site_id,date,parameter,value,unit\n", encoding="utf-8")  # same content
        assert isinstance(
            wqa.water_inbox_sensor(build_sensor_context(instance=instance, cursor=cursor, resources=resources)),
            SkipReason,
        )


def test_sensor_and_job_are_in_the_code_location():
    from pipelines.definitions import defs

    assert defs.resolve_sensor_def("water_inbox_sensor").job_name == "water_inbox_job"
    job_assets = {k.to_user_string() for k in defs.resolve_job_def("water_inbox_job").asset_layer.selected_asset_keys}
    assert {"indicators/water_lab_landed", "indicators/water_observations", "published/snapshot"} <= job_assets
