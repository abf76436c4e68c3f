"""The lab-file quarantine in the reader's language: a stored (English) detail read back into its template's fields
(assets/sources/lab_details.py) and written from the exports catalogue (msgctxt `lab_detail`); the lab's own text
kept as written, codes named in words; a detail no template wrote kept as stored. Status words: msgctxt
`water_words`."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl
from babel.numbers import format_decimal

from assets.exports.headers import catalogue_words
from assets.sources.lab_details import NOT_DETECTED, SEPARATOR, TEMPLATES, parse_detail

Names = Mapping[str, Mapping[str, str]]  # field holding a code -> code -> its name


def detail_names(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, dict[str, str]]:
    """Names of the codes a detail can hold, from the snapshot, in the export's language (Kazakh water names
    from the seeds' name_kk; Russian ones for kk from a snapshot published before they existed)."""
    names = {"en": "name_en", "ru": "name_ru", "kk": "coalesce(name_kk, name_ru)"}[lang]
    sites = {"en": "site_name_en", "ru": "site_name_ru", "kk": "coalesce(site_name_kk, site_name_ru)"}[lang]
    queries = {
        "parameter_id": f"SELECT parameter_id, {names} FROM water_parameters",
        "unit_id": f"SELECT unit, label_{lang} FROM units",
        "region_id": f"SELECT region_id, {names} FROM water_regions",
        "water_body_ids": f"SELECT water_body_id, {names} FROM water_bodies",
        "site_id": f"SELECT site_id, {sites} FROM water_sites",
    }
    try:
        return {field: {k: v for k, v in con.execute(sql).fetchall() if v} for field, sql in queries.items()}
    except duckdb.BinderException:  # an older snapshot: no Kazakh water names yet
        return detail_names(con, "ru") if lang == "kk" else {}


def _shown(text: str, lang: str, names: Names) -> str:
    """A value as lab_ingest shows a landed one ('not detected', '<0.005 mg_l'): words and the unit's label."""
    if text == NOT_DETECTED:
        return catalogue_words("lab_detail", "not_detected", lang)
    number, _, unit = text.rpartition(" ")
    if not number:
        return text
    below = "<" if number.startswith("<") else ""
    return f"{below}{_number(number.removeprefix('<'), lang)} {names['unit_id'].get(unit, unit)}"


def _number(text: str, lang: str) -> str:
    """A number the checks wrote ('0.005', '1e+06') as the language writes it ('0,005', '1 000 000')."""
    try:
        return format_decimal(float(text), locale=lang, decimal_quantization=False)
    except ValueError:
        return text


def _basis(part: str, lang: str) -> str:
    """'total', 'anionic', 'mg O2/l' in words; 'as N' from its pattern; a formula (Cu, Fe2+) as written."""
    if part.startswith("as "):
        return catalogue_words("lab_basis", "as {formula}", lang).format(formula=part.removeprefix("as "))
    return catalogue_words("lab_basis", part, lang)


def _field(name: str, value: str, lang: str, names: Names) -> str:
    if name == "columns":
        return ", ".join(catalogue_words("lab_column", item, lang) for item in value.split(", "))
    if name == "water_body_ids":
        return ", ".join(names[name].get(item, item) for item in value.split(", "))
    if name in names:
        return names[name].get(value, value)
    if name in ("landed", "given"):
        return _shown(value, lang, names)
    if name == "limit":
        return _number(value, lang)
    if name == "limit_reason":  # the reason column of seeds/water_physical_limits.csv
        return catalogue_words("lab_limit_reason", value, lang)
    if name == "parameter_basis":  # the basis column of seeds/water_parameters.csv: 'Cu, total', 'as N'
        return ", ".join(_basis(part, lang) for part in value.split(", "))
    return value  # the lab's own text, dates, numbers, file names: as written


def template_words(key: str, lang: str) -> str:
    """A template in `lang` (English: the template itself when the catalogue lacks it)."""
    said = catalogue_words("lab_detail", key, lang)
    return TEMPLATES[key] if said == key else said


def detail_words(text: str | None, lang: str, names: Names) -> str | None:
    """A stored detail in `lang`; one that matches no template is kept as stored (never dropped)."""
    if not text:
        return text
    parts = parse_detail(text)
    if parts is None:
        return text
    return SEPARATOR.join(
        template_words(key, lang).format(**{k: _field(k, v, lang, names) for k, v in fields.items()})
        for key, fields in parts
    )


def quarantine_words(data: pl.DataFrame, lang: str, names: Names) -> pl.DataFrame:
    """reason, status, detail and a re-check's 'resolved by' in words of `lang`; the lab's cells untouched."""
    words = {
        "reason": lambda code: catalogue_words("quality_reason", code, lang),
        "status": lambda code: catalogue_words("water_words", code, lang),
        "resolved_by_file": lambda file: catalogue_words("water_words", file, lang) if file == "re-check" else file,
        "detail": lambda text: detail_words(text, lang, names),
    }
    # each distinct text said once: a file's rows repeat their site, date and unit problems
    return data.with_columns(
        pl.col(c).replace({text: say(text) for text in data[c].drop_nulls().unique()}) for c, say in words.items()
    )
