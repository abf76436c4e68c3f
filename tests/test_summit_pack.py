"""Issue 16: the summit pack laid out for people, read back in every language from the files a user gets (the
`caei export` command), values and flags against the published snapshot."""

from __future__ import annotations

import csv
import io
import math
import zipfile

import openpyxl
import pytest

from assets.common.flags import flag_words
from assets.exports.headers import catalogue_words
from tests.support.caei import REPO, run_caei

LANGS = ("ru", "en", "kk")
AREAS = ("KAZ", "KGZ", "TJK", "TKM", "UZB", "CA5")
MEASURES = 5  # value, year, compared with, change, change %


@pytest.fixture(scope="module")
def packs(published_home, tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    books = {}
    folder = tmp_path_factory.mktemp("packs")
    for lang in LANGS:
        out = folder / f"pack_{lang}.xlsx"
        done = run_caei(
            ["export", "--table", "summit_pack", "--format", "xlsx", "--lang", lang, "--out", str(out)], published_home
        )
        assert done.returncode == 0, done.stderr
        books[lang] = openpyxl.load_workbook(out)
    return books


def words(key: str, lang: str) -> str:
    return catalogue_words("pack", key, lang)


def latest(snapshot, indicator_id: str, geo_id: str):
    return snapshot.execute(
        """SELECT year, value, flags FROM indicator_values WHERE indicator_id = ? AND geo_id = ?
           AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection') ORDER BY year DESC LIMIT 1""",
        [indicator_id, geo_id],
    ).fetchone()


def place_columns(sheet) -> dict[str, int]:
    """Place name -> first column (1-based) of its group, from the merged top header row (row 5)."""
    return {c.value: c.column for c in sheet[5] if c.value and c.column > 2 and c.value != words("flags", "en")}


def row_of(sheet, indicator: str) -> int:
    return next(r for r in range(7, sheet.max_row + 1) if sheet.cell(r, 1).value == indicator)


def geo_names(snapshot, lang):
    return dict(snapshot.execute(f"SELECT geo_id, name_{lang} FROM geographies").fetchall())


@pytest.mark.parametrize("lang", LANGS)
def test_sheet_names_are_short_whole_words_in_the_language(packs, lang):
    names = packs[lang].sheetnames
    expected = [words(f"sheet_{n}", lang) for n in range(1, 9)] + [
        words(f"sheet_{p}", lang) for p in ("data", "sources", "notes")
    ]
    assert names == expected
    assert all(len(n) <= 31 for n in names)
    if lang != "en":
        assert "Sources" not in names and "Notes" not in names


@pytest.mark.parametrize("lang", LANGS)
def test_direction_sheet_has_title_rows_frozen_header_filter_and_countries_side_by_side(packs, snapshot, lang):
    sheet = packs[lang][packs[lang].sheetnames[5]]  # direction 6: mechanisms (finance)
    title = snapshot.execute(f"SELECT title_{lang} FROM summit_directions WHERE direction = '6'").fetchone()[0]
    date = snapshot.execute("SELECT strftime(created_at, '%Y-%m-%d %H:%M UTC') FROM snapshot_info").fetchone()[0]
    assert title in sheet["A1"].value and date in sheet["A2"].value and sheet["A3"].value
    assert sheet.freeze_panes == "C7"
    assert sheet.auto_filter.ref.startswith("A6:")
    names = geo_names(snapshot, lang)
    columns = place_columns(sheet)
    assert list(columns)[:6] == [names[a] for a in AREAS]
    headers = [c.value for c in sheet[6]] + [c.value for c in sheet[5]]
    snapshot_id = snapshot.execute("SELECT snapshot_id FROM snapshot_info").fetchone()[0]
    assert not any(h and ("_id" in str(h) or "code" in str(h).lower() or snapshot_id in str(h)) for h in headers)
    indicator = snapshot.execute(
        f"SELECT name_{lang} FROM indicators WHERE indicator_id = 'climate_finance_crs'"
    ).fetchone()[0]
    r = row_of(sheet, indicator)
    for area in AREAS:
        year, value, flags = latest(snapshot, "climate_finance_crs", area)
        first = columns[names[area]]
        value_cell, year_cell = sheet.cell(r, first), sheet.cell(r, first + 1)
        decimals = len(value_cell.number_format.partition(".")[2])
        assert value_cell.value == pytest.approx(round(value, decimals)), area  # rounded as displayed
        assert year_cell.value == year and year_cell.number_format == "0", area  # a plain integer year
        since_cell = sheet.cell(r, first + 2)
        if since_cell.value is not None:
            assert since_cell.number_format == "0"
            earlier = snapshot.execute(
                """SELECT value FROM indicator_values WHERE indicator_id = 'climate_finance_crs'
                   AND geo_id = ? AND year = ?""",
                [area, since_cell.value],
            ).fetchone()[0]
            assert sheet.cell(r, first + 3).value == pytest.approx(round(value - earlier, decimals), abs=1e-9)
            if earlier:
                assert sheet.cell(r, first + 4).value == pytest.approx(
                    round((value - earlier) / abs(earlier) * 100, 1), abs=1e-9
                )
        if flags:
            assert f"{names[area]}: {flag_words(flags, lang)}" in sheet.cell(r, 3 + 6 * MEASURES).value


@pytest.mark.parametrize("lang", LANGS)
def test_direction_4_has_the_aral_and_each_caspian_datum_in_its_own_row(packs, snapshot, lang):
    sheet = packs[lang][packs[lang].sheetnames[3]]
    names = geo_names(snapshot, lang)
    columns = place_columns(sheet)
    assert names["ARAL"] in columns and names["CASPIAN"] in columns
    units = set()
    for indicator_id, sea in (
        ("aral_sea_area", "ARAL"),
        ("caspian_level_dahiti", "CASPIAN"),
        ("caspian_level_baltic", "CASPIAN"),
    ):
        indicator = snapshot.execute(
            f"SELECT name_{lang} FROM indicators WHERE indicator_id = ?", [indicator_id]
        ).fetchone()[0]
        r = row_of(sheet, indicator)
        year, value, flags = latest(snapshot, indicator_id, sea)
        first = columns[names[sea]]
        decimals = len(sheet.cell(r, first).number_format.partition(".")[2])
        assert sheet.cell(r, first).value == pytest.approx(round(value, decimals)), indicator_id
        assert sheet.cell(r, first + 1).value == year
        other = columns[names["CASPIAN" if sea == "ARAL" else "ARAL"]]
        assert sheet.cell(r, other).value is None  # never joined with the other sea or the other datum
        if flags:
            assert flag_words(flags, lang) in sheet.cell(r, 3 + 8 * MEASURES).value
        units.add(sheet.cell(r, 2).value)
    assert len(units) == 3  # km², metres DAHITI, metres Baltic


@pytest.mark.parametrize("lang", LANGS)
def test_data_sheet_holds_the_long_table_at_full_precision(packs, snapshot, lang):
    sheet = packs[lang][words("sheet_data", lang)]
    header = [c.value for c in sheet[5]]
    assert sheet.freeze_panes == "A6" and sheet.auto_filter.ref.startswith("A5:")
    rows = [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=6, values_only=True)]
    names = geo_names(snapshot, lang)
    indicator = snapshot.execute(
        f"SELECT name_{lang} FROM indicators WHERE indicator_id = 'co2_per_capita'"
    ).fetchone()[0]
    year_col = header.index(words("year", lang)) + 1
    assert sheet.cell(6, year_col).number_format == "0"
    for area in AREAS:
        year, value, flags = latest(snapshot, "co2_per_capita", area)
        row = next(
            r for r in rows if r[words("indicator", lang)] == indicator and r[words("place", lang)] == names[area]
        )
        assert row[words("year", lang)] == year
        assert row[words("value", lang)] == pytest.approx(value, rel=1e-12)
        assert (row[words("flags", lang)] or "") == flag_words(flags, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_sources_and_notes_in_the_language_without_local_paths(packs, lang):
    book = packs[lang]
    sheet = book[words("sheet_sources", lang)]
    header = [c.value for c in sheet[5]]
    assert header[:2] == [words("title", lang), words("original_title", lang)]
    rows = [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=6, values_only=True)]
    with open(REPO / "seeds" / "sources.csv", newline="", encoding="utf-8") as f:
        catalogue = {r["title"]: r for r in csv.DictReader(f)}
    for row in rows:
        source = catalogue[row[words("original_title", lang)]]
        assert row[words("title", lang)] == (source["title"] if lang == "en" else source[f"title_{lang}"])
        assert row[words("public_url", lang)] == source["public_url"]
        assert len(row[words("sha256", lang)]) == 64
    notes = [r[0] for r in book[words("sheet_notes", lang)].iter_rows(min_row=6, values_only=True)]
    assert len(notes) >= 5
    if lang != "en":
        assert not any("The " in n for n in notes)
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and "file://" in v for v in row), ws.title


def test_empty_direction_says_so_in_kazakh(packs):
    sheet = packs["kk"][packs["kk"].sheetnames[1]]  # direction 2: adaptation, nothing in the catalogue yet
    assert sheet["A5"].value == words("no_data", "kk")


def test_pack_csv_zip_follows_the_language_dialect(published_home, snapshot, tmp_path):
    for lang, separator in (("ru", ";"), ("en", ","), ("kk", ";")):
        out = tmp_path / f"pack_{lang}.zip"
        done = run_caei(
            ["export", "--table", "summit_pack", "--format", "csv", "--lang", lang, "--out", str(out)], published_home
        )
        assert done.returncode == 0, done.stderr
        with zipfile.ZipFile(out) as archive:
            assert [n for n in archive.namelist() if "_direction_" in n] == [
                f"{i:02d}_direction_{i}.csv" for i in range(1, 9)
            ]
            raw = archive.read("10_data.csv")
        assert raw[:3] == b"\xef\xbb\xbf"
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))
        header = rows[0]
        assert words("value", lang) in header and words("flags", lang) in header
        indicator = snapshot.execute(
            f"SELECT name_{lang} FROM indicators WHERE indicator_id = 'co2_per_capita'"
        ).fetchone()[0]
        names = geo_names(snapshot, lang)
        year, value, _ = latest(snapshot, "co2_per_capita", "KAZ")
        row = next(
            r
            for r in rows[1:]
            if r[header.index(words("indicator", lang))] == indicator
            and r[header.index(words("place", lang))] == names["KAZ"]
        )
        text = row[header.index(words("value", lang))]
        decimal, other = (",", ".") if lang != "en" else (".", ",")
        assert decimal in text and other not in text, text
        assert math.isclose(float(text.replace(",", ".")), value, rel_tol=1e-12)
        assert row[header.index(words("year", lang))] == str(year)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_libreoffice_opens_the_pack(published_home, snapshot, tmp_path, lang):
    """LibreOffice (headless) opens the workbook and prints it; the printed text has the titles and values."""
    import shutil
    import subprocess

    assert shutil.which("soffice") and shutil.which("pdftotext"), "scripts/setup --browser installs LibreOffice"
    out = tmp_path / f"pack_{lang}.xlsx"
    done = run_caei(
        ["export", "--table", "summit_pack", "--format", "xlsx", "--lang", lang, "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    profile = tmp_path / "lo_profile"  # its own profile: no clash with another LibreOffice running
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / f"pack_{lang}.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    title = snapshot.execute(f"SELECT title_{lang} FROM summit_directions WHERE direction = '4'").fetchone()[0]
    assert title.split()[0] in text
    year = latest(snapshot, "aral_sea_area", "ARAL")[0]
    assert str(year) in text and f"{str(year)[0]} {str(year)[1:]}" not in text  # "2023", never "2 023"
    assert geo_names(snapshot, lang)["CASPIAN"] in text
