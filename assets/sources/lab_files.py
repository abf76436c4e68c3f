"""Analysts' lab files: finding the header (title rows above it, a header over two rows), the layout (one row per
value, or one column per parameter), and checking every value cell into landed, not measured or quarantined.

Reading cells: lab_tables; values and dates: lab_values; sites: lab_sites.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from assets.sources.catalogue import read_seed
from assets.sources.lab_details import SEPARATOR, SITE_COLUMNS, detail
from assets.sources.lab_sites import SiteNames, resolve_site, site_names
from assets.sources.lab_tables import LabFileError, Sheet, read_sheets
from assets.sources.lab_values import parse_date, parse_measurement
from assets.sources.lab_values import parse_number as parse_number  # re-exported for callers of this module
from assets.sources.water_names import name_key_text, parameter_synonyms, unit_key

__all__ = ["LabFileError", "parse_number"]

QUARANTINE_REASONS = {
    "unknown_parameter": "unknown parameter",
    "unparseable_value": "value is not a number",
    "negative_concentration": "negative concentration",
    "impossible_value": "value above any physical limit",
    "unknown_unit": "unknown unit (or not a unit of this parameter)",
    "future_date": "sample date in the future",
    "implausible_date": "sample date before any monitoring",
    "unparseable_date": "date is not a date",
    "unknown_site": "unknown site",
    "conflicting_duplicate": "conflicting duplicate",
    "unreadable_file": "the file cannot be read",
}
HEADER_SYNONYMS = {
    "site_id": ["site_id", "site", "site id", "код пункта", "код створа", "пост"],
    "water_body": ["water_body", "water body", "river", "водный объект", "водоем", "водоём", "река", "водоток"],
    "point": [
        "point",
        "sampling point",
        "пункт",
        "пункт отбора",
        "пункт отбора проб",
        "место отбора",
        "место отбора проб",
        "створ",
        "пункт наблюдения",
        "пункт контроля",
        "населенный пункт",
    ],  # fmt: skip
    "region": ["region", "oblast", "область", "регион"],
    "sample_date": [
        "date",
        "sample_date",
        "sample date",
        "дата",
        "дата отбора",
        "дата отбора пробы",
        "дата отбора проб",
    ],
    "parameter": [
        "parameter",
        "determinand",
        "показатель",
        "ингредиент",
        "вещество",
        "параметр",
        "определяемый показатель",
    ],
    "value": ["value", "concentration", "result", "значение", "концентрация", "результат", "результат анализа"],
    "unit": ["unit", "units", "единица", "единицы", "ед. изм.", "ед.изм.", "единица измерения", "ед изм"],
}
RECORD_FIELDS = (
    "site_id",
    "water_body",
    "point",
    "region",
    "sample_date",
    "parameter",
    "parameter_id",
    "unit",
    "value",
)
SITE_FIELDS = ("site_id", "water_body", "point", "region", "sample_date")  # merged down a column in lab tables
_TOTAL_ROW = re.compile(
    r"^(итого|всего|среднее|сред\.|максимум|минимум|макс\.|мин\.|total|average|mean|max|min)\b", re.I
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _compact(text: str) -> str:
    """Parameter key: no case, ё/е, spaces, dashes or ion charges; a Cyrillic О before a digit read as Latin."""
    key = re.sub(r"[\s\-‐–—+⁺⁻]+", "", name_key_text(text))
    return re.sub(r"о(?=\d)", "o", key)


def lookup_parameter(context: dict, text: str) -> str | None:
    """'Медь', 'медь (Cu)', 'Cu', 'NO3-', 'нитрат-ион', 'БПК 5', 'Кислород растворенный' -> parameter id."""
    table = context["parameters"]
    inside = re.findall(r"\(([^)]*)\)", text)
    outside = re.sub(r"\([^)]*\)", " ", text)
    for candidate in [text, outside, *inside]:
        found = table.get(_compact(candidate))
        if found:
            return found
    return None


def lab_context(site_table, home: Path | None = None) -> dict:
    """Everything a lab row is checked against: sites, names, parameters, units, conversions, limits."""
    params = read_seed("water_parameters.csv")
    synonyms = {_compact(s): p for s, p in parameter_synonyms().select("synonym", "parameter_id").iter_rows()}
    synonyms.update({_compact(p): p for p in params["parameter_id"]})
    units = read_seed("water_unit_synonyms.csv")
    conversions = read_seed("water_lab_unit_conversions.csv")
    limits = read_seed("water_physical_limits.csv")
    screening = dict(read_seed("water_lab_screening.csv").select("rule", "value").iter_rows())
    basis = read_seed("water_basis_conversions.csv")
    return {
        "sites": set(site_table["site_id"]),
        "names": site_names(set(site_table["site_id"]), home),
        "parameters": synonyms,
        "parameter_unit": dict(params.select("parameter_id", "unit").iter_rows()),
        "parameter_basis": dict(params.select("parameter_id", "basis").iter_rows()),
        "units": {unit_key(w): (u, b or "") for w, u, b in units.select("written", "unit", "basis").iter_rows()},
        "factor": {
            (a, b, p or ""): float(f)
            for a, b, p, f in conversions.select("written_unit", "unit", "parameter_id", "factor").iter_rows()
        },  # fmt: skip
        "limits": {
            (p, u): (float(lo), float(hi), r)
            for p, u, lo, hi, r in limits.select("parameter_id", "unit", "min_value", "max_value", "reason").iter_rows()
        },  # fmt: skip
        "as_n": {to: frm for frm, to in basis.select("from_parameter", "to_parameter").iter_rows()},
        "earliest_year": int(screening["earliest_sample_year"]),
    }


# ---- header and layout -------------------------------------------------------------------------------------


@dataclass
class Layout:
    header_lines: list[int]
    fields: dict[str, int]  # field -> column
    wide: dict[int, tuple[str | None, str, str]] = field(default_factory=dict)  # column -> (parameter, unit, header)


def _field_of(text: str) -> str | None:
    key = name_key_text(text.rstrip(":"))
    for name, spellings in HEADER_SYNONYMS.items():
        if key in {name_key_text(s) for s in spellings}:
            return name
    return None


def _split_unit(text: str, context: dict) -> tuple[str, str]:
    """'Медь, мг/дм3' or 'Медь (мг/дм3)' -> ('Медь', 'мг/дм3'); no unit -> (text, '')."""
    for pattern in (r"^(.*?)[,;]\s*([^,;]+)$", r"^(.*?)\s*\(([^()]+)\)\s*$"):
        m = re.match(pattern, text)
        if m and unit_key(m.group(2)) in context["units"]:
            return m.group(1).strip(), m.group(2).strip()
    return text, ""


def _try_layout(cells: list[str], lines: list[int], context: dict, units_row: list[str] | None) -> Layout | None:
    fields: dict[str, int] = {}
    wide: dict[int, tuple[str | None, str, str]] = {}
    for i, cell in enumerate(cells):
        if not cell:
            continue
        name = _field_of(cell)
        if name and name not in fields:
            fields[name] = i
            continue
        text, unit = _split_unit(cell, context)
        if not unit and units_row and i < len(units_row) and unit_key(units_row[i]) in context["units"]:
            unit = units_row[i]
        parameter = lookup_parameter(context, text)
        if parameter or unit:
            wide[i] = (parameter, unit, cell)
    has_site = "site_id" in fields or "water_body" in fields or "point" in fields
    if not has_site or "sample_date" not in fields:
        return None
    if {"parameter", "value", "unit"} <= set(fields):
        return Layout(lines, fields)
    if wide and "parameter" not in fields and "value" not in fields and any(p for p, _, _ in wide.values()):
        return Layout(lines, fields, wide)
    return None


def _two_rows(top: list[str], bottom: list[str], context: dict) -> list[str]:
    """A header over two rows, as one: a merged top cell spreads right over the cells below it; a unit below a
    parameter (or above several) joins it."""
    out, parent = [], ""
    for i in range(max(len(top), len(bottom))):
        t = top[i] if i < len(top) else ""
        b = bottom[i] if i < len(bottom) else ""
        parent = t or (parent if b else "")
        if not b:
            out.append(t)
        elif unit_key(b) in context["units"]:
            out.append(f"{parent}, {b}")
        elif _field_of(b) or not parent:
            out.append(b)
        else:
            _, unit = _split_unit(parent, context)
            out.append(f"{b}, {unit}" if unit else b)
    return out


def find_layout(sheet: Sheet, context: dict) -> Layout | None:
    """The header within the first 30 non-blank rows: one row, or two rows with merged cells."""
    rows = [(line, cells) for line, cells in sheet.rows if any(cells)][:30]
    for k, (line, cells) in enumerate(rows):
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        single = _try_layout(cells, [line], context, nxt[1] if nxt else None)
        if single and single.wide and nxt and all(unit_key(c) in context["units"] or not c for c in nxt[1]):
            single.header_lines.append(nxt[0])  # the second row holds the units
            return single
        if single:
            return single
        if nxt is None or _try_layout(nxt[1], [nxt[0]], context, None):
            continue  # a title row above a header of one row
        combined = _try_layout(_two_rows(cells, nxt[1], context), [line, nxt[0]], context, None)
        if combined:
            return combined
    return None


def _missing_columns(sheet: Sheet, file_name: str) -> str:
    first = next((cells for _, cells in sheet.rows if any(cells)), [])
    found = {f for c in first if (f := _field_of(c))}
    missing = [f for f in ("sample_date", "parameter", "value", "unit") if f not in found]
    if not found & {"site_id", "water_body", "point"}:
        missing.append(SITE_COLUMNS)
    fields = {"file": file_name, "columns": ", ".join(missing), "header": first}
    return detail("sheet_no_header", sheet=sheet.name, **fields) if sheet.name else detail("no_header", **fields)


# ---- rows ----------------------------------------------------------------------------------------------------


def sheet_records(sheet: Sheet, layout: Layout) -> tuple[list[dict], dict[str, int]]:
    """One record per value cell below the header; counts of the rows that hold none (title, blank, total)."""
    counts = {"title_rows": 0, "blank_rows": 0, "total_rows": 0, "header_rows": len(layout.header_lines)}
    last = max(layout.header_lines)
    previous: dict[str, str] = {}
    records: list[dict] = []
    f = layout.fields
    for line, cells in sheet.rows:
        if line < layout.header_lines[0]:
            counts["title_rows"] += 1 if any(cells) else 0
            counts["blank_rows"] += 0 if any(cells) else 1
            continue
        if line <= last:
            continue
        if not any(cells):
            counts["blank_rows"] += 1
            continue
        first = next(c for c in cells if c)
        if _TOTAL_ROW.match(first):
            counts["total_rows"] += 1
            continue

        def cell(i: int | None, cells: list[str] = cells) -> str:
            return cells[i].strip() if i is not None and i < len(cells) else ""

        site = {k: cell(f.get(k)) for k in SITE_FIELDS}
        for k in SITE_FIELDS:  # a site or date cell merged down the column is empty below its first row
            if not site[k] and f.get(k) is not None:
                site[k] = previous.get(k, "")
        previous = site
        raw = ";".join(cells)
        if layout.wide:
            for i, (parameter, unit, header) in layout.wide.items():
                records.append(
                    {
                        **site,
                        "line": line,
                        "raw_row": raw,
                        "parameter": header,
                        "parameter_id": parameter,
                        "unit": unit,
                        "value": cell(i),
                    }  # fmt: skip
                )
        else:
            records.append(
                {
                    **site,
                    "line": line,
                    "raw_row": raw,
                    "parameter": cell(f.get("parameter")),
                    "parameter_id": None,
                    "unit": cell(f.get("unit")),
                    "value": cell(f.get("value")),
                }  # fmt: skip
            )
    return records, counts


def _unit_of(context: dict, parameter: str | None, written: str) -> tuple[str | None, float | None, str, str]:
    """(parameter, factor, target unit, problem): a unit as written for a parameter, its basis applied."""
    found = context["units"].get(unit_key(written)) if written else None
    if found is None:
        return parameter, None, "", detail("unit_unknown", unit=written)
    unit, basis = found
    if parameter is None:
        return None, None, "", ""
    if basis == "N" and parameter in context["as_n"]:
        parameter = context["as_n"][parameter]  # 'Нитриты' in 'мг N/дм3' is nitrite as N
    param_basis = context["parameter_basis"].get(parameter, "")
    if basis == "N" and "as N" not in param_basis or basis == "O2" and "O2" not in param_basis:
        problem = detail("unit_other_basis", unit=written, basis=basis, parameter_id=parameter,
                         parameter_basis=param_basis)  # fmt: skip
        return parameter, None, "", problem
    target = context["parameter_unit"][parameter]
    factor = context["factor"].get((unit, target, parameter), context["factor"].get((unit, target, "")))
    if factor is None:
        return (
            parameter,
            None,
            "",
            detail("unit_not_of_parameter", unit=written, parameter_id=parameter, unit_id=target),
        )
    return parameter, factor, target, ""


def check_record(record: dict, context: dict, today: dt.date) -> dict:
    """A value cell -> {'kind': landed | not_measured | quarantined, ...} with its key, value and problems."""
    names: SiteNames = context["names"]
    record = {**record, "raw": {k: record.get(k) for k in RECORD_FIELDS}}  # the cells as read, for a later re-check
    problems: list[tuple[str, str]] = []
    where = (record["site_id"], record["water_body"], record["point"], record["region"])
    memo = context.setdefault("memo", {})  # a file repeats its sites and parameters on every row
    if where not in memo:
        memo[where] = resolve_site(names, *where)
    site, why = memo[where]
    if site is None and record["point"] and record["point"] in context["sites"]:
        site, why = record["point"], ""  # a site code under a 'пункт' header
    if site is None:
        problems.append(("unknown_site", why))
    date = parse_date(record["sample_date"])
    if date is None:
        problems.append(("unparseable_date", detail("date_unreadable", date=record["sample_date"])))
    elif date > today:
        problems.append(("future_date", detail("date_future", date=date.isoformat(), today=today.isoformat())))
    elif date.year < context["earliest_year"]:
        early = detail("date_too_early", date=date.isoformat(), year=context["earliest_year"])
        problems.append(("implausible_date", early))
    if ("parameter", record["parameter"]) not in memo:
        memo[("parameter", record["parameter"])] = lookup_parameter(context, record["parameter"])
    parameter = record["parameter_id"] or memo[("parameter", record["parameter"])]
    if parameter is None:
        problems.append(("unknown_parameter", detail("parameter_unknown", parameter=record["parameter"])))
    measurement = parse_measurement(record["value"])
    key = {"key_site": site, "key_date": date, "key_parameter": parameter}
    if measurement.kind == "not_measured":
        return {**record, **key, "kind": "not_measured"}
    if measurement.kind == "unreadable":
        problems.append(("unparseable_value", detail("value_unreadable", value=record["value"])))
    parameter, factor, target, unit_problem = _unit_of(context, parameter, record["unit"])
    key["key_parameter"] = parameter
    if unit_problem:
        problems.append(("unknown_unit", unit_problem))
    value = measurement.value * factor if measurement.value is not None and factor is not None else None
    if measurement.value is not None and measurement.value < 0:
        problems.append(("negative_concentration", detail("value_negative", value=record["value"])))
    elif value is not None and parameter:
        low, high, reason = context["limits"].get((parameter, target)) or context["limits"].get(("*", target)) or (
            0.0, float("inf"), "")  # fmt: skip
        if value > high:
            above = detail("value_impossible", value=record["value"], unit=record["unit"], limit=f"{high:g}",
                           limit_reason=reason)  # fmt: skip
            problems.append(("impossible_value", above))
    if problems:
        return {**record, **key, "kind": "quarantined", "reason": problems[0][0],
                "detail": SEPARATOR.join(p[1] for p in problems)}  # fmt: skip
    uncertainty = measurement.uncertainty * factor if measurement.uncertainty is not None and factor else None
    return {
        **record, **key, "kind": "landed", "site_id": site, "sample_date": date, "parameter_id": parameter,
        "value_num": value, "qualifier": measurement.qualifier, "uncertainty": uncertainty, "unit_code": target,
    }  # fmt: skip


def read_lab_file(path: Path, context: dict, today: dt.date) -> list[dict]:
    """Every sheet that holds data: its name, layout, counts and checked records. A sheet without a header is
    skipped when another holds data; a file with none raises LabFileError."""
    sheets = read_sheets(path)
    out, failures, skipped = [], [], []
    for sheet in sheets:
        if not any(any(c) for _, c in sheet.rows):
            continue
        layout = find_layout(sheet, context)
        if layout is None:
            failures.append(_missing_columns(sheet, Path(path).name))
            skipped.append(sheet.name)
            continue
        records, counts = sheet_records(sheet, layout)
        checked = [check_record(r, context, today) for r in records]
        out.append({"sheet": sheet.name, "layout": "wide" if layout.wide else "long",
                    "header_lines": layout.header_lines, "counts": counts, "records": checked})  # fmt: skip
    if not out:
        if failures:
            raise LabFileError(failures[0])
        raise LabFileError(detail("file_empty", file=Path(path).name))
    for sheet_name in skipped:  # said in the summary: a sheet with text but no header of a lab table
        zero = {"title_rows": 0, "blank_rows": 0, "total_rows": 0, "header_rows": 0}
        out.append({"sheet": sheet_name, "layout": "no_header", "header_lines": [], "counts": zero, "records": []})
    return out


def read_lab_table(path: Path) -> list[tuple[int, list[str]]]:
    """(line, cells) of the non-blank rows of the first sheet (for callers that count a file's rows)."""
    return [(line, cells) for line, cells in read_sheets(path)[0].rows if any(cells)]
