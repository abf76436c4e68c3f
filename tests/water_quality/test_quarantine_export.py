"""A real bad lab file dropped with `caei ingest`, its quarantine exported in Russian and Kazakh: reason, status and
detail in the export's language, the lab's cells and values as the lab wrote them.

The lab file (tests/water_quality/lab_forms/protocol_cp1251.csv) is a test input, never published as data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from assets.exports.headers import catalogue_words
from tests.support.caei import run_caei

pytestmark = pytest.mark.timeout(900)
LAB_FILE = Path(__file__).resolve().parent / "lab_forms" / "protocol_cp1251.csv"


@pytest.fixture(scope="module")
def home_with_a_bad_file(published_home, shared_data_dir, tmp_path_factory):
    home = tmp_path_factory.mktemp("quarantine_words") / "home"
    shutil.copytree(published_home, home, ignore=shutil.ignore_patterns("dagster"))
    done = run_caei(["ingest", str(LAB_FILE)], home, shared_data_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    return home


def exported(home: Path, lang: str, out: Path) -> tuple[list[dict], list[tuple]]:
    done = run_caei(["export", "--table", "quarantine", "--format", "xlsx", "--lang", lang, "--out", str(out)], home)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    values = list(book["data"].iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]], list(
        book["metadata"].iter_rows(values_only=True)
    )


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_quarantine_export_speaks_the_language_and_keeps_the_lab_values(home_with_a_bad_file, tmp_path, lang):
    rows, meta = exported(home_with_a_bad_file, lang, tmp_path / f"quarantine_{lang}.xlsx")

    def col(row: dict, column: str):
        return row[catalogue_words("water", column, lang)]

    def reason(code: str) -> str:
        return catalogue_words("quality_reason", code, lang)

    assert [(col(r, "line"), col(r, "reason")) for r in rows] == [
        (15, reason("impossible_value")),
        (17, reason("unknown_site")),
        (19, reason("implausible_date")),
        (20, reason("future_date")),
    ]
    assert {col(r, "status") for r in rows} == {catalogue_words("water_words", "open", lang)}
    lines = LAB_FILE.read_text(encoding="cp1251").splitlines()
    for r in rows:  # the lab's row as written (trailing empty cells are not part of it)
        assert col(r, "raw_row") == lines[col(r, "line") - 1].rstrip(";")
        assert col(r, "file_name") == LAB_FILE.name
        said = " ".join(str(col(r, c)) for c in ("reason", "status", "detail"))
        said = said.replace("$CAEI_HOME/water/sampling_points.csv", "")  # the file analysts add points to
        assert re.findall(r"[A-Za-z]{3,}", said) == [], said  # no English left, no codes
    details = {col(r, "line"): col(r, "detail") for r in rows}
    assert "«1Е22» мг/дм3" in details[15] and "1 000 000" in details[15]  # the lab's value and unit as written
    assert "«пос. Семеновка»" in details[17] and "«р. Иртыш»" in details[17] and "Семей" in details[17]
    assert "1925-04-17" in details[19] and "1950" in details[19]
    assert "2095-04-17" in details[20]
    words = {str(v) for row in meta for v in row if v}
    assert catalogue_words("water_words", "quarantine_note", lang) in words
    assert catalogue_words("water_words", "note_label", lang) in words


def test_quarantine_export_in_english_reads_as_the_ledger(home_with_a_bad_file, tmp_path):
    rows, _ = exported(home_with_a_bad_file, "en", tmp_path / "quarantine_en.xlsx")
    by_line = {r["Line"]: r for r in rows}
    assert by_line[17]["Reason"] == "unknown site" and by_line[17]["Status"] == "open"
    assert by_line[17]["Detail"].startswith(
        "sampling point 'пос. Семеновка' on 'р. Иртыш' is not known; nearest known:"
    )
