"""Reading a lab file as the cells of each sheet: CSV (UTF-8 with or without BOM, cp1251, UTF-16; ',' ';' or tab;
CRLF; trailing empty columns) and workbooks (.xlsx, .xls, .ods through calamine,
polars' Excel engine (fastexcel), every sheet).

Blank rows are kept (as empty cell lists) so that every row of a sheet can be counted; line numbers are the
spreadsheet's row numbers (CSV: the line the row starts on).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from assets.sources.lab_details import detail
from assets.staged.parsers import ParseError, decode_office_text

TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls", ".ods")
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")


class LabFileError(ValueError):
    """A lab file that cannot be read at all (missing, too large, not a table, no recognised header)."""

    def __init__(self, message: str, kind: str = "unreadable_file") -> None:
        super().__init__(message)
        self.kind = kind  # unreadable_file | missing_file | file_too_large | not_a_table


@dataclass
class Sheet:
    name: str  # "" for a CSV
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def check_file(path: Path, max_bytes: int) -> None:
    """Refuse, with the reason, a path that is missing, not a table by its name, or larger than the limit."""
    path = Path(path)
    if not path.exists():
        raise LabFileError(f"{path}: missing (no such file)", "missing_file")
    if not path.is_file():
        raise LabFileError(f"{path}: not a file", "not_a_table")
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise LabFileError(
            f"{path.name}: not a table ({path.suffix or 'no extension'}); send CSV, XLSX, XLS or ODS", "not_a_table"
        )
    size = os.path.getsize(path)
    if size > max_bytes:
        raise LabFileError(
            f"{path.name}: {size / 1048576:.1f} MB is larger than the limit of {max_bytes / 1048576:g} MB "
            "(setting CAEI_LAB_FILE_MAX_MB)",
            "file_too_large",
        )


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\u00a0", " ").strip()


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()  # trailing empty columns, as spreadsheets save them
    return cells


def _delimiter(lines: list[str]) -> str:
    sample = [line for line in lines[:30] if line.strip()]
    if sum(line.count("\t") for line in sample) > len(sample):
        return "\t"
    # a ';' file has ',' inside its decimal numbers, so ';' wins where most lines carry it
    return ";" if sum(";" in line for line in sample) * 2 >= len(sample) else ","


def read_csv_sheet(path: Path, data: bytes) -> Sheet:
    try:
        text = decode_office_text(data, path.name)
    except ParseError as exc:
        raise LabFileError(str(exc)) from exc
    if not text.strip():
        raise LabFileError(detail("file_empty", file=path.name))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()))
    sheet, start = Sheet(""), 1
    for cells in reader:
        sheet.rows.append((start, _trim([_text(c) for c in cells])))
        start = reader.line_num + 1
    return sheet


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of a workbook as text cells (dates as 'YYYY-MM-DD HH:MM:SS'), leading rows kept."""
    try:
        import fastexcel  # the calamine engine of pl.read_excel, called directly to keep leading blank rows

        reader = fastexcel.read_excel(str(path))
        frames = {
            name: reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
            for name in reader.sheet_names
        }
    except Exception as exc:  # calamine raises its own error types for a broken workbook
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        kind = path.suffix.lstrip(".").upper()
        raise LabFileError(detail("workbook_unreadable", file=path.name, kind=kind, error=reason)) from exc
    sheets = []
    for name, frame in frames.items():
        sheet = Sheet(name)
        for i, row in enumerate(frame.iter_rows(), start=1):
            sheet.rows.append((i, _trim([_text(v) for v in row])))
        sheets.append(sheet)
    return sheets


def read_sheets(path: Path) -> list[Sheet]:
    """The sheets of a lab file (one for a CSV)."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() in WORKBOOK_SUFFIXES or data[:4] == b"PK\x03\x04" or data[:4] == b"\xd0\xcf\x11\xe0":
        return read_workbook(path)
    return [read_csv_sheet(path, data)]
