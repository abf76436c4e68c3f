"""The summit pack's files: an XLSX workbook for people (title rows, places side by side under a two-row header,
frozen header, filter, widths, numbers formatted as rounded, years as plain integers) or a zip of the same tables
as CSV in the language's dialect."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import xlsxwriter

from assets.exports.csv_files import dialect_for, table_csv_bytes
from assets.exports.pack_layout import (
    MEASURES,
    data_table,
    direction_rows,
    direction_title_rows,
    flat_direction,
    notes_table,
    sheet_names,
    sources_table,
    words,
)
from assets.exports.summit_pack import Direction, Pack, summit_pack

YEAR_FORMAT = "0"  # a year is a plain integer: never "2 024" in Russian Excel
HEADER_ROW = 4  # rows 0-2: title rows, row 3 empty, rows 4-5: the two-row header
MAX_WIDTH = 60


def number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.subtitle = book.add_format({"italic": True})
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#E8EEF4"}
        )
        self.group = book.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#D0DCE8"})
        self.year = book.add_format({"num_format": YEAR_FORMAT})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, Any] = {}

    def number(self, decimals: int) -> Any:
        fmt = number_format(decimals)
        if fmt not in self._numbers:
            self._numbers[fmt] = self.book.add_format({"num_format": fmt})
        return self._numbers[fmt]


def _print_setup(sheet: Any, header_rows: tuple[int, int]) -> None:
    """Printed (or opened in a print preview): landscape A3, one page wide, the header repeated on each page."""
    sheet.set_landscape()
    sheet.set_paper(8)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(*header_rows)


def _title_rows(sheet: Any, formats: _Formats, rows: list[str]) -> None:
    for n, text in enumerate(rows):
        sheet.write_string(n, 0, text, formats.title if n == 0 else formats.subtitle)


def write_direction_sheet(sheet: Any, formats: _Formats, direction: Direction, pack: Pack) -> None:
    lang = pack.lang
    _title_rows(sheet, formats, direction_title_rows(direction, pack))
    places, rows, decimals = direction_rows(direction, pack)
    if not rows:
        sheet.write_string(HEADER_ROW, 0, words("no_data", lang))
        sheet.set_column(0, 0, MAX_WIDTH)
        _print_setup(sheet, (0, 0))  # the long title rows print on the one page, not spilling onto others
        return
    top, sub = HEADER_ROW, HEADER_ROW + 1
    for col, key in ((0, "indicator"), (1, "unit")):
        sheet.merge_range(top, col, sub, col, words(key, lang), formats.header)
    for n, place in enumerate(places):
        first = 2 + n * len(MEASURES)
        sheet.merge_range(top, first, top, first + len(MEASURES) - 1, pack.places[place], formats.group)
        for m, measure in enumerate(MEASURES):
            sheet.write_string(sub, first + m, words(measure, lang), formats.header)
    sheet.set_row(sub, 30)  # room for the two-line sub-headers ("Изменение, %")
    flags_col = 2 + len(places) * len(MEASURES)
    sheet.merge_range(top, flags_col, sub, flags_col, words("flags", lang), formats.header)
    for r, (row, digits) in enumerate(zip(rows, decimals, strict=True), start=sub + 1):
        sheet.write_string(r, 0, str(row["indicator"]), formats.wrap)
        sheet.write_string(r, 1, str(row["unit"] or ""))
        for n, place in enumerate(places):
            first = 2 + n * len(MEASURES)
            for m, measure in enumerate(MEASURES):
                value = row[(place, measure)]
                if value is None:
                    continue
                if measure in ("year", "since"):
                    fmt = formats.year
                else:
                    fmt = formats.number(1 if measure == "change_pct" else digits)
                sheet.write_number(r, first + m, value, fmt)
        sheet.write_string(r, flags_col, str(row["flags"]), formats.wrap)
    last = sub + len(rows)
    sheet.freeze_panes(sub + 1, 2)
    sheet.autofilter(sub, 0, last, flags_col)
    _print_setup(sheet, (top, sub))
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, flags_col - 1, 11)
    sheet.set_column(flags_col, flags_col, MAX_WIDTH)


def write_table_sheet(sheet: Any, formats: _Formats, title: str, pack: Pack, frame: pl.DataFrame) -> None:
    """A plain table under its title rows: header, frozen panes, filter, widths; years as plain integers."""
    _title_rows(sheet, formats, [title, words("title_snapshot", pack.lang, date=pack.snapshot_date)])
    header = HEADER_ROW
    for c, name in enumerate(frame.columns):
        sheet.write_string(header, c, name, formats.header)
    year_columns = {c for c, (name, dtype) in enumerate(frame.schema.items()) if dtype.is_integer()}
    for r, values in enumerate(frame.iter_rows(), start=header + 1):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                sheet.write_string(r, c, str(value))
            else:
                sheet.write_number(r, c, value, formats.year if c in year_columns else None)
    if frame.width:
        sheet.freeze_panes(header + 1, 0)
        sheet.autofilter(header, 0, header + max(frame.height, 1), frame.width - 1)
        _print_setup(sheet, (header, header))
    for c, name in enumerate(frame.columns):
        longest = max([len(name), *(len(str(v)) for v in frame[name].head(200).to_list() if v is not None)])
        sheet.set_column(c, c, min(max(longest + 2, 8), MAX_WIDTH), formats.wrap if longest > MAX_WIDTH else None)


def write_pack_xlsx(pack: Pack, out: Path) -> None:
    names = sheet_names(pack)
    lang = pack.lang
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True, "nan_inf_to_errors": True}
    with xlsxwriter.Workbook(out, options) as book:
        formats = _Formats(book)
        for direction in pack.directions:
            write_direction_sheet(book.add_worksheet(names[f"direction_{direction.number}"]), formats, direction, pack)
        parts = (
            ("data", "title_data", data_table(pack)),
            ("sources", "title_sources", sources_table(pack)),
            ("notes", "title_notes", notes_table(pack)),
        )
        for part, title, frame in parts:
            write_table_sheet(book.add_worksheet(names[part]), formats, words(title, lang), pack, frame)


def write_pack_zip(pack: Pack, out: Path, dialect: str) -> None:
    """The same tables as CSV; ASCII member names (zip tools differ in how they decode other characters)."""
    members = [(f"{d.number:02d}_direction_{d.number}.csv", flat_direction(d, pack)) for d in pack.directions]
    members += [("10_data.csv", data_table(pack)), ("11_sources.csv", sources_table(pack))]
    members += [("12_notes.csv", notes_table(pack))]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, frame in members:
            archive.writestr(member, table_csv_bytes(frame, dialect))


def write_summit_pack(
    con: duckdb.DuckDBPyConnection, fmt: str, lang: str, out: Path, csv_dialect: str | None = None
) -> list[Path]:
    """XLSX: a sheet per direction, the data, sources and notes sheets. CSV: a zip of the same tables."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown format {fmt!r}; choose csv or xlsx")
    dialect = dialect_for(lang, csv_dialect)
    pack = summit_pack(con, lang)
    out = Path(out)
    if fmt == "xlsx":
        write_pack_xlsx(pack, out)
    else:
        write_pack_zip(pack, out, dialect)
    return [out]


def export_summit_pack(
    con: duckdb.DuckDBPyConnection, lang: str, year: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The pack as one long table and its sources, for the generic single-table export."""
    pack = summit_pack(con, lang)
    return data_table(pack), pl.concat([sources_table(pack), notes_table(pack)], how="diagonal")
