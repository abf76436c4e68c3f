"""Exports in Kazakh (`caei export --lang kk`), read back as a user's spreadsheet would."""

from __future__ import annotations

import re

import openpyxl
import polars as pl
import pytest

from assets.exports.headers import _catalogue, context_words
from tests.support.caei import run_caei


def test_xlsx_in_kazakh_has_kazakh_headers_names_and_units(published_home, snapshot, tmp_path):
    out = tmp_path / "indicators-kk.xlsx"
    done = run_caei(
        ["export", "--table", "indicators", "--format", "xlsx", "--lang", "kk", "--out", str(out)], published_home
    )
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["data", "metadata"]
    header = [c.value for c in wb["data"][1]]
    assert header[:7] == ["Көрсеткіш коды", "Көрсеткіш", "Аумақ коды", "Аумақ", "Жыл", "Мәні", "Өлшем бірлігі"]
    rows = {(r[0], r[2], r[4]): r for r in wb["data"].iter_rows(min_row=2, values_only=True)}
    value, name_kk, geo_kk, unit_kk = snapshot.execute(
        """
        SELECT v.value, i.name_kk, g.name_kk, u.label_kk FROM indicator_values v
        JOIN indicators i USING (indicator_id) JOIN geographies g USING (geo_id) JOIN units u ON u.unit = v.unit
        WHERE v.indicator_id = 'freshwater_withdrawals' AND v.geo_id = 'KAZ' AND v.year = 2020
        """
    ).fetchone()
    row = rows[("freshwater_withdrawals", "KAZ", 2020)]
    assert row[5] == pytest.approx(value, rel=1e-6) and isinstance(row[5], float)
    assert row[1] == name_kk and row[3] == geo_kk == "Қазақстан" and row[6] == unit_kk == "млрд м³"

    meta_header = [c.value for c in wb["metadata"][1]]
    # the catalogue's Kazakh definition, under a plain Kazakh header
    assert "Анықтама" in meta_header and "Деректер кесіндісі" in meta_header
    meta = {
        r[0]: dict(zip(meta_header, r, strict=False)) for r in wb["metadata"].iter_rows(min_row=2, values_only=True)
    }
    definition_kk, definition_ru = snapshot.execute(
        "SELECT definition_kk, definition_ru FROM indicators WHERE indicator_id = 'freshwater_withdrawals'"
    ).fetchone()
    assert definition_kk and definition_kk != definition_ru
    assert meta["freshwater_withdrawals"]["Анықтама"] == definition_kk


def test_every_export_is_offered_in_kazakh():
    """Viewers and summit preparers read Kazakh: no table of `caei export` is refused in kk."""
    from assets.exports.export import EXPORTS

    assert {name for name, export in EXPORTS.items() if "kk" not in export.languages} == set()


# The four theme exports: (extra arguments, columns of the data written in words or names, the same in the
# metadata). Every other column holds the same values in kk as in ru.
THEMES = {
    "water_quality": ([], {"water_body", "region", "parameter", "qualifier", "unit"}, {"source_id", "source"}),
    "funding": (["--year", "2015"], {"unit_label", "flags"}, {"source_id", "title"}),
    "air_quality": (["--year", "2022"], {"city", "country", "region", "unit", "flags"}, {"source", "note"}),
    "air_summary": ([], {"city", "country", "region", "unit", "flags", "source_note"}, {"source", "note"}),
}
# Latin words a Kazakh export keeps: proper names of sources, networks and standards, pollutant and chemical
# formulas, licences and the codes of seed files and columns that a note names.
ALLOWED_LATIN = {
    *("AirData.kz", "AirNow", "OECD", "CRS", "WDI", "PLAID", "AidData", "PA.NUS.FCRF", "CC", "BY-NC", "UTC"),
    *("PM2.5", "PM10", "NO2", "SO2", "O2", "SHA-256", "commitment", "disbursement", "recommended_for_research"),
    *("True", "year_unknown", "water_norms", "provenance", "implied", "seeds/air_screening.csv"),
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*[A-Za-z0-9]|[A-Za-z]")
VERSION = re.compile(r"v\d+(\.\d+)*")  # a release's version in a source's title (AidData v1.0.0)
KAZAKH_LETTERS = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _export(table: str, lang: str, home, tmp_path) -> tuple[pl.DataFrame, pl.DataFrame]:
    out = tmp_path / f"{table}-{lang}.csv"
    args = ["export", "--table", table, "--format", "csv", "--lang", lang, *THEMES[table][0], "--out", str(out)]
    done = run_caei(args, home)
    assert done.returncode == 0, done.stderr
    meta = out.with_name(f"{out.stem}.metadata.csv")
    return pl.read_csv(out, separator=";", infer_schema=False), pl.read_csv(meta, separator=";", infer_schema=False)


def _header(column: str, context: str) -> str:
    """The Kazakh header of a column as the export heads it: its theme's, else the shared one."""
    words = context_words(context, "kk")
    return words.get(column) or context_words("indicators", "kk").get(column) or column


def _stray_latin(texts) -> set[str]:
    words = {w.rstrip(".") for t in texts if t for w in LATIN_WORD.findall(t)}
    return {w for w in words if not VERSION.fullmatch(w)} - ALLOWED_LATIN - {""}


@pytest.mark.parametrize("table", list(THEMES))
def test_theme_export_in_kazakh_has_the_russian_values_in_kazakh_words(published_home, snapshot, tmp_path, table):
    _, words, meta_words = THEMES[table]
    context = {"water_quality": "water", "funding": "funding"}.get(table, "air")
    kk, kk_meta = _export(table, "kk", published_home, tmp_path)
    ru, ru_meta = _export(table, "ru", published_home, tmp_path)

    # Kazakh headers: none left as a column name, no English word in them.
    assert not _stray_latin(kk.columns + kk_meta.columns), (kk.columns, kk_meta.columns)
    # Same rows, same numbers, same codes: only the words and names change.
    assert kk.shape == ru.shape and kk.height > 0
    word_headers = {_header(c, context) for c in words}
    for kk_col, ru_col in zip(kk.columns, ru.columns, strict=True):
        if kk_col not in word_headers:
            assert kk[kk_col].equals(ru[ru_col]), kk_col
    localised = kk.select(c for c in kk.columns if c in word_headers)
    assert localised.width == len(words)
    assert not _stray_latin(v for col in localised.iter_columns() for v in col.unique()), table

    # Notes in Kazakh: every note row has its Kazakh words, none the Russian ones.
    meta_headers = {_header(c, context) for c in meta_words} | {_header(c, "tables") for c in meta_words}
    notes = kk_meta.select(c for c in kk_meta.columns if c in meta_headers)
    assert notes.width == len(meta_words)
    note_texts = [v for col in notes.iter_columns() for v in col.drop_nulls() if v and " " in v]
    assert note_texts and all(KAZAKH_LETTERS.search(v) for v in note_texts), note_texts
    assert not set(note_texts) & {v for col in ru_meta.iter_columns() for v in col.drop_nulls()}
    assert not _stray_latin(note_texts), table


def test_water_and_air_names_in_kazakh_where_the_data_has_them(published_home, snapshot, tmp_path):
    """Water bodies, parameters and air cities are named from the snapshot's name_kk, Russian only where the
    seeds give no Kazakh name (never English)."""
    water, _ = _export("water_quality", "kk", published_home, tmp_path)
    expected = dict(
        snapshot.execute(
            """SELECT s.site_id, coalesce(b.name_kk, b.name_ru) FROM water_sites s
               JOIN water_bodies b USING (water_body_id)"""
        ).fetchall()
    )
    bodies = dict(water.select(_header("site_id", "water"), _header("water_body", "water")).iter_rows())
    assert bodies and bodies == {site: expected[site] for site in bodies}
    parameters = dict(snapshot.execute("SELECT parameter_id, name_kk FROM water_parameters").fetchall())
    named = dict(water.select(_header("parameter_id", "water"), _header("parameter", "water")).iter_rows())
    assert named == {p: parameters[p] for p in named} and named["copper"] == "Мыс"

    air, _ = _export("air_summary", "kk", published_home, tmp_path)
    cities = dict(snapshot.execute("SELECT city_id, coalesce(name_kk, name_ru) FROM air_cities").fetchall())
    shown = dict(air.select(_header("city_id", "air"), _header("city", "air")).iter_rows())
    assert shown == {c: cities[c] for c in shown} and shown["karaganda"] == "Қарағанды"
    units = set(air[_header("unit", "air")].unique())
    assert snapshot.execute("SELECT label_kk FROM units WHERE unit = 'ug_m3'").fetchone()[0] in units
    assert "күн" in units and "дней" not in units


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_theme_notes_and_rules_have_their_words_in_every_language(lang):
    """A missing entry would fall back to English in a Russian or Kazakh file: each key is in each catalogue,
    and a rule's numbers are the rule's own (seeds and assets/indicators/air/rules.py), filled in."""
    from assets.exports.air import RULES, _rules
    from assets.exports.funding import FUNDING_NOTES
    from assets.exports.water import QUALITY_NOTES
    from assets.indicators.air.rules import COMPLETE_SHARE, MIN_VALID_HOURS

    wanted = {
        "water_words": {*QUALITY_NOTES, "note_label"},
        "funding_words": {*FUNDING_NOTES, "note_label"},
        "air_words": {f"rule_{rule}" for rule in RULES} | {"days"},
    }
    for context, keys in wanted.items():
        own = {key for (ctx, key) in _catalogue(lang) if ctx == context}
        assert keys <= own, (context, keys - own)
    rules = dict(_rules(lang).iter_rows())
    assert f"{COMPLETE_SHARE:.0%}" in rules["rule:completeness"] and str(MIN_VALID_HOURS) in rules["rule:day"]
    assert not any("{" in note for note in rules.values())
    if lang == "kk":
        assert all(KAZAKH_LETTERS.search(note) for note in rules.values())


def test_every_air_source_note_is_in_kazakh():
    """The caveats that travel with each air source (exports and the published air_source_notes) in Kazakh."""
    from assets.indicators.air.notes import source_notes_table

    notes = source_notes_table()
    for row in notes.iter_rows(named=True):
        assert KAZAKH_LETTERS.search(row["note_kk"]) and row["note_kk"] != row["note_ru"], row["source_id"]
        assert not _stray_latin([row["note_kk"]]), row["source_id"]
