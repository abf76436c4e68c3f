"""The bad-input corpus (README.md beside this file): every file gives its exact outcome, nothing crashes,
and the good rows of a file land with their values.

The lab values and registry edits in the corpus are test inputs, never published as data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest

from assets.common.themes import PARSERS
from assets.exports.export import write_csv, write_xlsx
from assets.exports.xlsx import neutralise_formulas
from assets.indicators.summit import registry as summit_registry
from assets.indicators.water.sites import sites as monitoring_sites
from assets.sources.lab_files import QUARANTINE_REASONS, read_lab_table
from assets.sources.lab_files import lab_context as make_lab_context
from assets.sources.lab_ingest import ingest_lab_file
from assets.sources.lab_ledger import empty_ledger
from assets.staged import funding as staged_funding
from assets.staged.parsers import ParseError, decode_office_text, office_delimiter
from assets.staged.water import parse_kz_surface_water_quality

HERE = Path(__file__).resolve().parent
NOW = dt.datetime(2025, 6, 1, 12, 0)  # lab files: "today" for the future-date check
REGISTRY_TODAY = dt.date(2026, 6, 1)  # after the seed's last_update (2025-09-25)

COPPER = ("tobol__kostanay", "2024-05-15", "copper", 0.002, "mg_l")
MERCURY = ("nura__karaganda", "2024-04-02", "mercury", 0.00021, "mg_l")
GOOD = [(2, *COPPER), (3, *MERCURY)]

# file -> (status, landed (line, site, date, parameter, value, unit), quarantined (line, reason, words in the detail))
WATER_LAB = {
    "encoding_cp1251_russian.csv": (
        "ingested",
        [
            (2, "irtysh__east_kazakhstan", "2024-05-15", "copper", 0.0019, "mg_l"),
            (3, "syrdarya__kyzylorda", "2024-05-16", "sulphate", 1405.5, "mg_l"),
        ],
        [],
    ),
    "encoding_utf16_tabs.txt": ("ingested", GOOD, []),
    "encoding_mojibake.csv": ("ingested", [(2, *MERCURY)], [(3, "unknown_parameter", "'РњРµРґСЊ'")]),
    "binary_garbage.csv": ("rejected", [], [(0, "unreadable_file", "not a text file in UTF-8, cp1251 or UTF-16")]),
    "missing_column_unit.csv": ("rejected", [], [(0, "unreadable_file", "line 1: no column for unit")]),
    "extra_columns.csv": ("ingested", GOOD, []),
    "non_numeric_values.csv": (
        "ingested",
        # '<0.005' lands as a censored value (the limit, qualifier '<'); the empty value is "not measured"
        [*GOOD, (5, "tobol__kostanay", "2024-05-15", "sulphate", 0.005, "mg_l")],
        [
            (4, "unparseable_value", "'н/д'"),
            (6, "unparseable_value", "'=1+2'"),
            (7, "unparseable_value", "'1e400'"),
            (9, "unparseable_value", "'1.234.5'"),
        ],
    ),
    "negative_concentration.csv": ("ingested", GOOD, [(4, "negative_concentration", "'-12' is negative")]),
    "future_date.csv": (
        "ingested",
        GOOD,
        [(4, "future_date", "2099-05-15 is after 2025-06-01"), (5, "future_date", "2025-06-02 is after 2025-06-01")],
    ),
    "duplicates.csv": (
        "ingested",
        GOOD,
        [
            (5, "conflicting_duplicate", "lines 5, 6 of this file"),
            (6, "conflicting_duplicate", "lines 5, 6 of this file"),
        ],
    ),
    "empty.csv": ("rejected", [], [(0, "unreadable_file", "the file is empty")]),
    "header_only.csv": ("ingested", [], []),
    "formula_in_names.csv": (
        "ingested",
        GOOD,
        [
            (4, "unknown_site", "'=HYPERLINK("),
            (5, "unknown_site", "'+tobol__kostanay'"),
            (6, "unknown_parameter", "'@SUM(A1:A9)'"),
            (7, "unparseable_value", "'-2+3'"),
        ],
    ),
    "ragged_rows.csv": ("ingested", GOOD, [(4, "unknown_unit", "unit '011'"), (5, "unknown_unit", "unit ''")]),
    "bom_and_blank_lines.csv": ("ingested", [(3, *COPPER), (7, *MERCURY)], [(6, "unknown_parameter", "'Medь'")]),
    "truncated_workbook.xlsx": ("rejected", [], [(0, "unreadable_file", "not a readable XLSX workbook")]),
}

# file -> rows read and (check, line, words in the reason), or the ParseError text
SEED_IDS = ["RI-001", "RI-002", "RI-003", "RI-004"]
SUMMIT_REGISTRY = {
    "encoding_cp1251.csv": (SEED_IDS, []),
    "excel_ru_semicolons_cp1251.csv": (SEED_IDS, []),
    "binary_garbage.csv": "binary_garbage.csv: line 1: not a text file in UTF-8, cp1251 or UTF-16",
    "missing_column_status.csv": "missing_column_status.csv: missing column(s) ['status']",
    "empty.csv": "empty.csv: the file is empty",
    "ragged_row.csv": "ragged_row.csv: line 4 has 17 fields where the header (line 1) has 16",
    "extra_column.csv": (SEED_IDS, []),
    "formula_in_titles.csv": (SEED_IDS, []),
    "non_numeric_budget.csv": (SEED_IDS, [("bad_budget", 3, "budget_amount '1,5 млн' is not a number")]),
    "negative_budget.csv": (SEED_IDS, [("bad_budget", 4, "budget_amount '-250000' is not a non-negative amount")]),
    "future_last_update.csv": (SEED_IDS, [("bad_date", 5, "last_update 2099-01-01 is in the future")]),
    "duplicate_rows.csv": (
        [*SEED_IDS, "RI-002"],
        [("duplicate_id", 3, "also on line(s) [6]"), ("duplicate_id", 6, "also on line(s) [3]")],
    ),
    "header_only.csv": ([], [("empty_registry", 1, "no initiative")]),
}

# file -> ParseError text, or rows staged and (line, reason) quarantined (funding sources keep a quarantine)
SOURCES = {
    "aral_area__non_numeric.csv": "column 'Total' has 1 non-numeric value(s) (line 3: 'n/a')",
    "aral_area__missing_column.csv": "missing column(s) ['Small']",
    "aral_area__ragged.csv": "line 4 has 6 fields where the header (line 1) has 5",
    "aral_area__duplicate_year.csv": "6 values repeat the same place, year and variable (ARAL 1987 'Large'",
    "aral_area__empty.csv": "the file is empty",
    "aral_area__not_utf8.csv": "not UTF-8 text (line 1, byte 31)",
    "aiddata_gef__non_numeric_amount.csv": (3, [(3, "column 'total_commitments' is not a number: 1 200 000")]),
    "aiddata_gef__negative_disbursement.csv": (3, []),
    "aiddata_gef__formula_in_title.csv": (3, []),
}


def corpus(folder: str) -> list[str]:
    return sorted(p.name for p in (HERE / folder).iterdir() if p.is_file())


def test_every_corpus_file_has_an_expected_outcome_and_a_line_in_the_readme():
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    for folder, expected in (("water_lab", WATER_LAB), ("summit_registry", SUMMIT_REGISTRY), ("sources", SOURCES)):
        assert corpus(folder) == sorted(expected), folder
        for name in expected:
            assert f"`{folder}/{name}`" in readme, name


@pytest.fixture(scope="module")
def lab_context(shared_data_dir):
    surface = parse_kz_surface_water_quality(
        shared_data_dir / "water_quality" / "kz_surface_water_quality_april2006.csv"
    )
    return make_lab_context(monitoring_sites(surface))


@pytest.mark.parametrize("name", sorted(WATER_LAB))
def test_water_lab_file(name, lab_context):
    status, landed, quarantined = WATER_LAB[name]
    ledger, report = ingest_lab_file(HERE / "water_lab" / name, empty_ledger(), lab_context, NOW)

    assert report["status"] == status
    assert [
        (r["line"], r["site_id"], r["sample_date"].isoformat(), r["parameter_id"], r["value"], r["unit"])
        for r in report["landed"]
    ] == [tuple(pytest.approx(v) if isinstance(v, float) else v for v in row) for row in landed]
    assert [(q["line"], q["reason"]) for q in report["quarantined"]] == [
        (line, reason) for line, reason, _ in quarantined
    ]
    for q, (_, _, words) in zip(report["quarantined"], quarantined, strict=False):
        assert words in q["detail"] and q["file_name"] == name and q["status"] == "open"
        assert q["reason"] in QUARANTINE_REASONS
    # Nothing vanishes: every data row of the file either landed, was counted as a duplicate, or is quarantined.
    if status == "ingested":
        data_rows = len(read_lab_table(HERE / "water_lab" / name)) - 1
        counted = report["identical_duplicates"] + report["not_measured"]
        assert len(report["landed"]) + counted + len(report["quarantined"]) == data_rows
    assert ledger["files"].row(0, named=True)["n_landed"] == len(landed)


def test_formula_text_from_a_lab_file_is_kept_as_written_and_neutralised_in_exports(tmp_path, lab_context):
    ledger, _ = ingest_lab_file(HERE / "water_lab" / "formula_in_names.csv", empty_ledger(), lab_context, NOW)
    raw = ledger["quarantine"].select("line", "raw_row")
    assert raw.row(0)[1].startswith('=HYPERLINK("http://example.invalid/')  # stored exactly as the analyst wrote it
    exported = neutralise_formulas(raw)
    # A cell that starts like a formula gets a leading apostrophe; formula text inside a cell is inert already.
    assert exported["raw_row"].to_list() == ["'" + r if r[0] in "=+-@" else r for r in raw["raw_row"]]
    assert [r[0] for r in exported["raw_row"]] == ["'", "'", "t", "t"]
    assert_spreadsheets_see_text(exported.head(2), tmp_path, "raw_row")


def assert_spreadsheets_see_text(frame: pl.DataFrame, tmp_path: Path, column: str) -> None:
    """The CSV and XLSX writers of the exports keep the neutralised cells as plain text."""
    openpyxl = pytest.importorskip("openpyxl")
    meta = pl.DataFrame({"note": ["test"]})
    [csv_path, _] = write_csv(frame, meta, tmp_path / "t.csv", "rfc4180")
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        cells = [row[column] for row in csv.DictReader(f)]
    assert cells == frame[column].to_list() and all(c.startswith("'") for c in cells if c)
    [xlsx_path] = write_xlsx(frame, meta, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(xlsx_path)["data"]
    col = [c.value for c in sheet[1]].index(column) + 1
    values = [sheet.cell(row=r, column=col) for r in range(2, frame.height + 2)]
    assert all(v.data_type == "s" and v.value.startswith("'") for v in values if v.value)


@pytest.mark.integration  # 200k rows: not a unit test's small input
def test_a_very_large_lab_file_lands_every_row(tmp_path, lab_context):
    sites = sorted(lab_context["sites"])
    start = dt.date(2000, 1, 1)
    n = 200_000
    lines = ["site_id;date;parameter;value;unit"]
    expected = {}
    for i in range(n):  # one copper value per site and day, 200k distinct keys, dates all before NOW
        site, day = sites[i % len(sites)], start + dt.timedelta(days=i // len(sites))
        value = f"0,{i % 9000 + 1000:04d}"
        lines.append(f"{site};{day:%d.%m.%Y};Медь;{value};мг/л")
        expected[(site, day, "copper")] = float(value.replace(",", "."))
    path = tmp_path / "large.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp1251")

    ledger, report = ingest_lab_file(path, empty_ledger(), lab_context, NOW)

    assert report["status"] == "ingested" and report["quarantined"] == []
    landed = ledger["landed"]
    assert landed.height == n
    got = {(s, d, p): v for s, d, p, v in landed.select("site_id", "sample_date", "parameter_id", "value").iter_rows()}
    assert got == expected


@pytest.fixture(scope="module")
def known_indicators():
    from assets.indicators.country import indicator_catalogue

    return set(indicator_catalogue()["indicator_id"])


@pytest.mark.parametrize("name", sorted(SUMMIT_REGISTRY))
def test_summit_registry_file(name, known_indicators):
    path = HERE / "summit_registry" / name
    expected = SUMMIT_REGISTRY[name]
    if isinstance(expected, str):
        with pytest.raises(ParseError) as error:
            summit_registry.read_registry_file(path)
        assert expected in str(error.value)
        return
    ids, problems = expected
    registry = summit_registry.read_registry_file(path)
    found = summit_registry.registry_problems(registry, known_indicators, name, REGISTRY_TODAY)
    assert registry["initiative_id"].to_list() == ids
    assert found.select("check", "line").rows() == [(c, line) for c, line, _ in problems]
    for reason, (_, _, words) in zip(found["reason"], problems, strict=False):
        assert words in reason
    assert set(found["check"]) <= set(summit_registry.REGISTRY_CHECKS)  # every problem has a blocking check
    if not problems:  # a clean file publishes every row as written
        table = summit_registry.registry_table(registry, name)
        text = decode_office_text(path.read_bytes(), name)
        written = {
            r["initiative_id"]: r
            for r in csv.DictReader(io.StringIO(text), delimiter=office_delimiter(text.splitlines()[0]))
        }
        for row in table.iter_rows(named=True):
            assert row["title_ru"] == written[row["initiative_id"]]["title_ru"]
            assert row["title_en"] == written[row["initiative_id"]]["title_en"]


def test_formula_text_in_registry_titles_is_published_as_text_and_neutralised_in_exports(tmp_path, known_indicators):
    registry = summit_registry.read_registry_file(HERE / "summit_registry" / "formula_in_titles.csv")
    table = summit_registry.registry_table(registry, "formula_in_titles.csv")
    assert table["title_en"][0] == '=HYPERLINK("http://example.invalid","click")'
    exported = neutralise_formulas(table)
    assert exported["title_en"][0] == "'" + table["title_en"][0]
    assert exported["title_ru"][1] == "'+7 (7172) 74-00-00" and exported["partners"][2] == "'@UNECE"
    assert exported["note"][3] == "'-see annex"
    assert exported["budget_amount"].dtype == pl.Float64  # numbers stay numbers
    assert_spreadsheets_see_text(exported.select("title_en").head(1), tmp_path, "title_en")


@pytest.mark.integration  # 200k rows: not a unit test's small input
def test_a_very_large_registry_is_checked_without_stalling(known_indicators):
    """200k initiatives: one pass, not one per pair (the duplicate check was quadratic)."""
    n = 200_000
    registry = pl.DataFrame({c: [""] * n for c in summit_registry.REGISTRY_COLUMNS}).with_columns(
        initiative_id=pl.format("RI-{}", pl.int_range(n)),
        directions=pl.lit("4"),
        status=pl.lit("proposed"),
        line=pl.int_range(2, n + 2, dtype=pl.Int64),
    )
    registry = pl.concat([registry, registry.tail(1).with_columns(line=pl.lit(n + 2, dtype=pl.Int64))])
    problems = summit_registry.registry_problems(registry, known_indicators, "big.csv", REGISTRY_TODAY)
    assert problems.select("check", "line").rows() == [("duplicate_id", n + 1), ("duplicate_id", n + 2)]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_source_file(name):
    path = HERE / "sources" / name
    source_format = name.split("__")[0]
    parse = PARSERS[source_format]
    expected = SOURCES[name]
    if isinstance(expected, str):
        with pytest.raises(ParseError) as error:
            parse(path)
        assert str(error.value).startswith(f"{path}: ") and expected in str(error.value)
        return
    n_rows, quarantined = expected
    staged = parse(path)
    assert staged.height == n_rows  # rows with a problem stay, marked, so the quarantine can name them
    q = staged_funding.quarantine(staged, source_format, name)
    assert q.select("line", "reason").rows() == quarantined
    with open(path, newline="", encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    good = staged.filter(pl.col("problem").is_null())
    for row in good.iter_rows(named=True):  # good rows keep their values as published, negative reflows included
        raw = written[row["line"] - 2]
        assert row["project_title"] == raw["project_title"]
        assert row["total_disbursements_num"] == float(raw["total_disbursements"])


def test_negative_funding_and_formula_titles_survive_into_facts_as_published():
    staged = staged_funding.parse_aiddata_gef(HERE / "sources" / "aiddata_gef__negative_disbursement.csv")
    assert (staged["total_disbursements_num"] < 0).sum() == 1
    staged = staged_funding.parse_aiddata_gef(HERE / "sources" / "aiddata_gef__formula_in_title.csv")
    assert staged["project_title"][0].startswith("=HYPERLINK(")
    assert neutralise_formulas(staged.select("project_title"))["project_title"][0].startswith("'=HYPERLINK(")
