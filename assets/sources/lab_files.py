"""Analysts' lab files: reading CSV/XLSX, mapping headers, parsing numbers and dates, checking rows."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
from pathlib import Path

import polars as pl

from assets.sources.catalogue import read_seed
from assets.sources.water_names import (
    name_key_text,
    parameter_synonyms,
    unit_key,
    unit_synonyms,
)
from assets.staged.parsers import (
    ParseError,
    decode_office_text,
    office_delimiter,
)

QUARANTINE_REASONS = {
    "unknown_parameter": "unknown parameter",
    "unparseable_value": "value is not a number",
    "negative_concentration": "negative concentration",
    "unknown_unit": "unknown unit (or not a unit of this parameter)",
    "future_date": "sample date in the future",
    "unparseable_date": "date is not a date",
    "unknown_site": "unknown site",
    "conflicting_duplicate": "conflicting duplicate",
    "unreadable_file": "the file cannot be read",
}
HEADER_SYNONYMS = {
    "site_id": ["site_id", "site", "site id", "код пункта", "пункт", "пост", "створ"],
    "water_body": ["water_body", "water body", "river", "водный объект", "водоем", "река"],
    "region": ["region", "oblast", "область", "регион"],
    "sample_date": ["date", "sample_date", "sample date", "дата", "дата отбора", "дата отбора пробы"],
    "parameter": ["parameter", "determinand", "показатель", "ингредиент", "вещество", "параметр"],
    "value": ["value", "concentration", "result", "значение", "концентрация", "результат"],
    "unit": ["unit", "units", "единица", "единицы", "ед. изм.", "ед.изм.", "единица измерения"],
}


class LabFileError(ValueError):
    """A lab file that cannot be read at all (encoding, no recognised header): the whole file is quarantined."""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _decode(data: bytes, path: Path) -> str:
    try:
        return decode_office_text(data, path.name)
    except ParseError as exc:
        raise LabFileError(str(exc)) from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def read_lab_table(path: Path) -> list[tuple[int, list[str]]]:
    """(line, cells) for every row of a CSV (UTF-8 or cp1251, ',' or ';') or the first XLSX sheet."""
    path = Path(path)
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() == ".xlsx":
        try:
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise LabFileError(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
        sheet = workbook.worksheets[0]
        rows = [(i, [_cell_text(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        workbook.close()
        return [(i, cells) for i, cells in rows if any(cells)]
    text = _decode(data, path)
    lines = text.splitlines()
    if not lines:
        raise LabFileError(f"{path.name}: the file is empty")
    reader = csv.reader(io.StringIO(text), delimiter=office_delimiter(lines[0]))
    out = []
    for cells in reader:
        if any(c.strip() for c in cells):
            out.append((reader.line_num, [c.strip() for c in cells]))
    return out


def _map_header(cells: list[str], path: Path) -> dict[str, int]:
    lookup = {name_key_text(s): field for field, names in HEADER_SYNONYMS.items() for s in names}
    mapping: dict[str, int] = {}
    for i, cell in enumerate(cells):
        field = lookup.get(name_key_text(cell))
        if field and field not in mapping:
            mapping[field] = i
    missing = [f for f in ("sample_date", "parameter", "value", "unit") if f not in mapping]
    if "site_id" not in mapping and not {"water_body", "region"} <= set(mapping):
        missing.append("site_id (or water_body and region)")
    if missing:
        raise LabFileError(f"{path.name}: line 1: no column for {', '.join(missing)} in the header {cells}")
    return mapping


def parse_number(text: str) -> float | None:
    """'0,0019', '1 234,5', '1e-05' -> float; anything else (including '<0,005') -> None."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cleaned):
        return None
    number = float(cleaned)
    return number if math.isfinite(number) else None  # '1e400' overflows to inf: not a measurement


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def lab_context(site_table: pl.DataFrame) -> dict:
    """Everything a lab row is checked against: sites, names, parameters, units, conversions."""
    body = {
        name_key_text(s): b
        for s, b in read_seed("water_body_synonyms.csv").select("synonym", "water_body_id").iter_rows()
    }
    region = {
        name_key_text(s): r
        for s, r in read_seed("water_region_synonyms.csv").select("synonym", "region_id").iter_rows()
    }
    params = read_seed("water_parameters.csv")
    synonyms = {name_key_text(s): p for s, p in parameter_synonyms().select("synonym", "parameter_id").iter_rows()}
    synonyms.update({name_key_text(p): p for p in params["parameter_id"]})
    conversions = read_seed("unit_conversions.csv").with_columns(pl.col("factor").cast(pl.Float64))
    return {
        "sites": set(site_table["site_id"]),
        "body": body,
        "region": region,
        "parameters": synonyms,
        "parameter_unit": dict(params.select("parameter_id", "unit").iter_rows()),
        "units": unit_synonyms(),
        "factor": {(a, b): f for a, b, f in conversions.select("raw_unit", "unit", "factor").iter_rows()},
    }


def check_lab_rows(
    table: list[tuple[int, list[str]]], path: Path, context: dict, today: dt.date
) -> tuple[list[dict], list[dict]]:
    """Split a lab file's rows into candidate rows (site, date, parameter, value in the parameter's unit)
    and quarantined rows (with their first reason and every problem found)."""
    if not table:
        raise LabFileError(f"{path.name}: the file is empty")
    header_line, header = table[0]
    mapping = _map_header(header, path)
    good, bad = [], []
    for line, cells in table[1:]:
        # every known field, "" where the file has no such column or the row is short
        fields = {
            f: cells[i].strip() if (i := mapping.get(f)) is not None and i < len(cells) else "" for f in HEADER_SYNONYMS
        }
        problems: list[tuple[str, str]] = []
        site = None
        if fields["site_id"]:
            site = fields["site_id"] if fields["site_id"] in context["sites"] else None
        if site is None and fields["water_body"]:
            b, r = (
                context["body"].get(name_key_text(fields["water_body"])),
                context["region"].get(name_key_text(fields["region"])),
            )
            site = f"{b}__{r}" if b and r and f"{b}__{r}" in context["sites"] else None
        if site is None:
            written = fields["site_id"] or f"{fields['water_body']} / {fields['region']}"
            problems.append(("unknown_site", f"no monitoring site {written!r}"))
        date = parse_date(fields["sample_date"])
        if date is None:
            problems.append(("unparseable_date", f"date {fields['sample_date']!r} (expected YYYY-MM-DD or DD.MM.YYYY)"))
        elif date > today:
            problems.append(("future_date", f"date {date.isoformat()} is after {today.isoformat()}"))
        parameter = context["parameters"].get(name_key_text(fields["parameter"]))
        if parameter is None:
            problems.append(
                ("unknown_parameter", f"parameter {fields['parameter']!r} is not in seeds/water_parameter_synonyms.csv")
            )
        value = parse_number(fields["value"])
        if value is None:
            problems.append(("unparseable_value", f"value {fields['value']!r} is not a number"))
        unit = context["units"].get(unit_key(fields["unit"])) if fields["unit"] else None
        target = context["parameter_unit"].get(parameter) if parameter else None
        factor = context["factor"].get((unit, target)) if unit and target else None
        if unit is None:
            problems.append(("unknown_unit", f"unit {fields['unit']!r} is not in seeds/water_unit_synonyms.csv"))
        elif target and factor is None:
            problems.append(("unknown_unit", f"unit {fields['unit']!r} is not a unit of {parameter} ({target})"))
        if value is not None and value < 0:
            problems.append(("negative_concentration", f"value {fields['value']!r} is negative"))
        raw = ";".join(cells)
        if problems:
            bad.append(
                {
                    "line": line,
                    "raw_row": raw,
                    "reason": problems[0][0],
                    "detail": "; ".join(p[1] for p in problems),
                    "key_site": site,
                    "key_date": date,
                    "key_parameter": parameter,
                }
            )
        else:
            assert value is not None and factor is not None  # no problem found: both were read
            good.append(
                {
                    "line": line,
                    "raw_row": raw,
                    "site_id": site,
                    "sample_date": date,
                    "parameter_id": parameter,
                    "value": value * factor,
                    "unit": target,
                    "value_as_written": fields["value"],
                    "unit_as_written": fields["unit"],
                    "parameter_as_written": fields["parameter"],
                }
            )
    return good, bad
