"""Issue 16: every table exportable (`caei export --list`, the Aral and Caspian, sites, breakdowns, rankings,
initiatives), CSV in the language's dialect (Russian Excel for ru and kk), and no local path in any export."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from assets.common.flags import flag_words
from assets.exports.export import EXPORTS
from assets.exports.headers import catalogue_words
from tests.support.caei import run_caei


def test_export_list_names_every_table_with_one_line(published_home):
    done = run_caei(["export", "--list"], published_home)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(EXPORTS)
    assert all(len(line.split()) > 3 for line in lines)  # a description beside each name
    assert {"aral_caspian", "water_sites", "funding_breakdown", "air_rankings", "summit_initiatives", "quality"} <= {
        line.split()[0] for line in lines
    }


def read_csv(raw: bytes, separator: str) -> list[list[str]]:
    assert raw[:3] == b"\xef\xbb\xbf"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))


@pytest.mark.parametrize(
    ("lang", "dialect", "separator", "decimal"),
    [("ru", None, ";", ","), ("kk", None, ";", ","), ("en", None, ",", "."), ("ru", "rfc4180", ",", ".")],
)
def test_indicator_csv_follows_the_dialect(
    published_home, shared_data_dir, snapshot, tmp_path, lang, dialect, separator, decimal
):
    out = tmp_path / "indicators.csv"
    args = ["export", "--table", "indicators", "--format", "csv", "--lang", lang, "--out", str(out)]
    done = run_caei(args + (["--csv-dialect", dialect] if dialect else []), published_home)
    assert done.returncode == 0, done.stderr
    rows = read_csv(out.read_bytes(), separator)
    header = rows[0]
    assert len(header) > 5  # opened in columns, not one
    year_header = catalogue_words("indicators", "year", lang)
    value_header = catalogue_words("indicators", "value", lang)
    indicator_id, geo_id, year, value = snapshot.execute(
        "SELECT indicator_id, geo_id, year, value FROM indicator_values WHERE indicator_id = 'co2_per_capita' "
        "AND geo_id = 'KAZ' ORDER BY year DESC LIMIT 1"
    ).fetchone()
    row = next(
        r
        for r in rows[1:]
        if r[header.index(catalogue_words("indicators", "indicator_id", lang))] == indicator_id
        and r[header.index(catalogue_words("indicators", "geo_id", lang))] == geo_id
        and r[header.index(year_header)] == str(year)
    )
    text = row[header.index(value_header)]
    other = "." if decimal == "," else ","
    assert decimal in text and other not in text
    assert float(text.replace(",", ".")) == pytest.approx(value, rel=1e-12)
    meta = out.with_name("indicators.metadata.csv").read_text(encoding="utf-8-sig")
    assert "file://" not in meta and str(shared_data_dir) not in meta  # the mirror it was read from


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_aral_caspian_export_keeps_basins_datums_and_flags(published_home, snapshot, tmp_path, lang):
    out = tmp_path / f"seas_{lang}.xlsx"
    done = run_caei(
        ["export", "--table", "aral_caspian", "--format", "xlsx", "--lang", lang, "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    parts = ("aral", "caspian_annual", "caspian_observations", "datums", "sources")
    assert book.sheetnames == [catalogue_words("tables", f"sheet_{p}", lang)[:31] for p in parts]

    def table(name):
        rows = list(book[catalogue_words("tables", f"sheet_{name}", lang)[:31]].iter_rows(values_only=True))
        return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]

    def h(key):
        return catalogue_words("tables", key, lang)

    aral = table("aral")
    assert len(aral) == snapshot.execute("SELECT count(*) FROM aral_area").fetchone()[0]
    year, area, flags = snapshot.execute(
        "SELECT year, area_km2, flags FROM aral_area WHERE flags LIKE '%lower_quality%' ORDER BY year LIMIT 1"
    ).fetchone()
    flagged = [r for r in aral if r[h("year")] == year and r[h("area_km2")] == pytest.approx(area)]
    assert flagged and flagged[0][h("flags")] == flag_words(flags, lang)
    annual = table("caspian_annual")
    datums = {r[h("datum")] for r in annual}
    assert len(datums) == 2  # DAHITI and Baltic, each its own rows
    observations = table("caspian_observations")
    assert len(observations) == snapshot.execute("SELECT count(*) FROM caspian_level_obs").fetchone()[0]
    assert all(r[h("date")] is not None for r in observations)
    for row in table("datums"):
        if row[h("dahiti_m")] is not None and row[h("baltic_m")] is not None:
            assert row[h("difference_m")] == pytest.approx(row[h("dahiti_m")] - row[h("baltic_m")])
    sources = table("sources")
    assert {r[h("licence")] for r in sources} and all(len(r[h("sha256")] or "") == 64 for r in sources)
    for ws in book.worksheets:
        for r in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and "file://" in v for v in r)


@pytest.mark.parametrize("table", ["water_sites", "funding_breakdown", "air_rankings", "summit_initiatives"])
def test_more_tables_export_in_kazakh_with_every_row(published_home, snapshot, tmp_path, table):
    out = tmp_path / f"{table}.csv"
    done = run_caei(["export", "--table", table, "--format", "csv", "--lang", "kk", "--out", str(out)], published_home)
    assert done.returncode == 0, done.stderr
    rows = read_csv(out.read_bytes(), ";")
    published = {"funding_breakdown": "funding_crs_breakdown"}.get(table, table)
    assert len(rows) - 1 == snapshot.execute(f"SELECT count(*) FROM {published}").fetchone()[0]
    assert not any(h.isascii() and "_" in h for h in rows[0] if h != "flag_codes")  # headers in words


def test_aral_caspian_csv_is_a_zip_of_the_same_tables(published_home, tmp_path):
    out = tmp_path / "seas.zip"
    done = run_caei(
        ["export", "--table", "aral_caspian", "--format", "csv", "--lang", "ru", "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [
            "01_aral.csv",
            "02_caspian_annual.csv",
            "03_caspian_observations.csv",
            "04_datums.csv",
            "05_sources.csv",
        ]
        rows = read_csv(archive.read("01_aral.csv"), ";")
    assert rows[0][:3] == ["Год", "Бассейн", "Площадь, км²"]
    assert any("," in r[2] for r in rows[1:])


@pytest.mark.parametrize(
    ("lang", "site"),
    [("kk", "Ертіс (Шығыс Қазақстан облысы)"), ("ru", "Иртыш (Восточно-Казахстанская область)")],
)
def test_water_sites_export_names_sites_in_its_language(published_home, tmp_path, lang, site):
    """Issue 18: the Kazakh export names water bodies and regions in Kazakh (seeds/water_bodies.csv ...)."""
    out = tmp_path / "water_sites.csv"
    done = run_caei(
        ["export", "--table", "water_sites", "--format", "csv", "--lang", lang, "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    rows = read_csv(out.read_bytes(), ";")
    sites = {r[0]: r[1] for r in rows[1:]}
    assert sites["irtysh__east_kazakhstan"] == site
