"""Why a lab row is quarantined, in words: each detail is written from ONE English template with named fields.

The ledger keeps the English text (ledgers on disk and the published `water_quarantine` stay as they are); an
export reads a stored detail back into its fields by matching the same template (a regex built from it) and says
it in the reader's language (exports catalogue, msgctxt `lab_detail`). A detail that matches no template (an older
ledger, a reader's own error) is kept as stored. Field names say what a field holds: the lab's own text
(`value`, `unit`, `parameter`, `point`, `water_body`, `region`, `site_code`, `date`) stays as written; codes
(`parameter_id`, `unit_id`, `region_id`, `water_body_ids`, `site_id`) are named in words by the export.
"""

from __future__ import annotations

import re
from functools import cache

SEPARATOR = "; "  # several problems of one row, one after another

TEMPLATES: dict[str, str] = {
    # sites (lab_sites.resolve_site)
    "site_code_unknown": "no monitoring site '{site_code}'",
    "no_water_body": "no water body (and no site code)",
    "water_body_unknown": "water body '{water_body}' is not in seeds/water_body_synonyms.csv",
    "no_point_or_region": "'{water_body}' has neither a sampling point nor a region",
    "region_unknown": "region '{region}' is not in seeds/water_region_synonyms.csv",
    "no_site_in_region": "no monitoring site of '{water_body}' in '{region}'",
    "point_without_site": (
        "sampling point '{point}' on '{water_body}' is known (region {region_id}) but belongs to no monitoring "
        "site of the sources; declare its site in $CAEI_HOME/water/sampling_points.csv"
    ),
    "point_on_other_body": "sampling point '{point}' is known on {water_body_ids}, not on '{water_body}'",
    "point_unknown": (
        "sampling point '{point}' on '{water_body}' is not known; nearest known: {nearest} "
        "(add it to $CAEI_HOME/water/sampling_points.csv)"
    ),
    "point_unknown_on_body": (
        "sampling point '{point}' on '{water_body}' is not known; no point of this water body is known "
        "(add it to $CAEI_HOME/water/sampling_points.csv)"
    ),
    # dates, parameters, values and units (lab_files.check_record)
    "date_unreadable": "date '{date}' (expected DD.MM.YYYY or YYYY-MM-DD)",
    "date_future": "date {date} is after {today}",
    "date_too_early": "date {date} is before {year} (seeds/water_lab_screening.csv)",
    "parameter_unknown": "parameter '{parameter}' is not in seeds/water_parameter_synonyms.csv",
    "value_unreadable": "value '{value}' is not a number",
    "value_negative": "value '{value}' is negative",
    "value_impossible": "value '{value}' {unit} is above {limit} ({limit_reason})",
    "unit_unknown": "unit '{unit}' is not in seeds/water_unit_synonyms.csv",
    "unit_other_basis": "unit '{unit}' ({basis}) is not a unit of {parameter_id} ({parameter_basis})",
    "unit_not_of_parameter": "unit '{unit}' is not a unit of {parameter_id} ({unit_id})",
    # duplicates (lab_ingest)
    "duplicate_in_file": "lines {lines} of this file give different values for {site_id}, {date}, {parameter_id}",
    "duplicate_landed": (
        "{landed} already landed for this site, date and parameter from {file} line {line}; this row gives {given}"
    ),
    # whole files (lab_tables, lab_files)
    "file_empty": "{file}: the file is empty",
    "no_header": "{file}: line 1: no column for {columns} in the header {header}",
    "sheet_no_header": "{file}: sheet '{sheet}': line 1: no column for {columns} in the header {header}",
    "workbook_unreadable": "{file}: not a readable {kind} workbook ({error})",
}
# `shown` values of duplicate_landed without a number
NOT_DETECTED = "not detected"
# the columns no_header names when a header lacks them
SITE_COLUMNS = "site_id (or water_body with point or region)"

_FIELD = re.compile(r"\{(\w+)\}")


def detail(key: str, **fields: object) -> str:
    """The English detail of `key` with its fields filled (as text, so that it reads back the same)."""
    return TEMPLATES[key].format(**{name: str(value) for name, value in fields.items()})


def template_fields(key: str) -> list[str]:
    return _FIELD.findall(TEMPLATES[key])


@cache
def _pattern(key: str) -> re.Pattern[str]:
    """The template as a regex: its text literal, each {field} a named group."""
    parts = _FIELD.split(TEMPLATES[key])
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
    return re.compile(regex, re.S)


def _literal_length(key: str) -> int:
    return len(_FIELD.sub("", TEMPLATES[key]))


def match_detail(text: str) -> tuple[str, dict[str, str]] | None:
    """One problem's text -> (template key, fields), or None when no template writes it. Where several match
    (a file name may hold "sheet '…'"), the template with the most fixed text wins: it says more of the text."""
    matches = [(key, found.groupdict()) for key in TEMPLATES if (found := _pattern(key).fullmatch(text))]
    return max(matches, key=lambda m: _literal_length(m[0]), default=None)


def parse_detail(text: str) -> list[tuple[str, dict[str, str]]] | None:
    """A stored detail (problems joined by SEPARATOR; a template may hold SEPARATOR itself) -> its problems in
    order, or None when any part matches no template."""
    pieces = text.split(SEPARATOR)
    parsed: dict[int, list[tuple[str, dict[str, str]]]] = {0: []}
    for end in range(1, len(pieces) + 1):
        for start in range(end - 1, -1, -1):
            if start not in parsed:
                continue
            found = match_detail(SEPARATOR.join(pieces[start:end]))
            if found:
                parsed[end] = [*parsed[start], found]
                break
    return parsed.get(len(pieces))
