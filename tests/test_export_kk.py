"""Exports in Kazakh (`caei export --lang kk`), read back as a user's spreadsheet would."""

from __future__ import annotations

import openpyxl
import pytest

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


def test_a_theme_export_without_kazakh_headers_is_refused_with_the_languages_it_has(published_home, tmp_path):
    from assets.exports.export import EXPORTS

    without_kk = [name for name, export in EXPORTS.items() if "kk" not in export.languages]
    if not without_kk:
        pytest.skip("every theme export speaks Kazakh")
    done = run_caei(
        ["export", "--table", without_kk[0], "--lang", "kk", "--out", str(tmp_path / "x.csv")], published_home
    )
    assert done.returncode == 1
    assert "'kk'" in done.stderr and "ru" in done.stderr
    assert not (tmp_path / "x.csv").exists()
