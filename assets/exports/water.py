"""Water-quality exports: observations with their ratios to each norm, and the lab-file quarantine (from the
published snapshot)."""

from __future__ import annotations

import duckdb
import polars as pl

from assets.exports.headers import catalogue_words, localise_headers
from assets.exports.lab_words import detail_names, quarantine_words
from assets.exports.sources import sources_metadata
from assets.sources.water_names import DRINKING_SOURCE, SANPIN_SOURCE, SURFACE_SOURCE

# The notes of the water_quality export, words in the exports catalogues (msgctxt water_words).
QUALITY_NOTES = ("quality_note_limit", "quality_note_fishery", "quality_note_qualifier")


def _name(table: str, lang: str) -> str:
    """A water name column of `table` in `lang`: Kazakh falls back to Russian where a name has no Kazakh form."""
    return f"coalesce({table}.name_kk, {table}.name_ru)" if lang == "kk" else f"{table}.name_{lang}"


def _export_metadata(
    con: duckdb.DuckDBPyConnection, lang: str, source_ids: list[str], notes: list[str]
) -> pl.DataFrame:
    meta = sources_metadata(con, source_ids, lang)
    note_label = catalogue_words("water_words", "note_label", lang)
    return pl.concat([meta, pl.DataFrame({"source_id": [note_label] * len(notes), "source": notes})], how="diagonal")


def export_water_quality(
    con: duckdb.DuckDBPyConnection, lang: str, year: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Observations with their ratios to each kind of norm and the site's WPI and class as published. Names in
    `lang` (Kazakh from the seeds' name_kk, Russian where a name has none: never English in a Kazakh export)."""
    data = con.execute(
        f"""
        WITH ratio AS (
            SELECT site_id, period, parameter_id, line, origin,
                   max(ratio) FILTER (WHERE water_use = 'fishery') AS ratio_fishery,
                   max(ratio) FILTER (WHERE water_use = 'drinking' AND jurisdiction = 'KAZ') AS ratio_drinking_kaz,
                   max(ratio) FILTER (WHERE water_use = 'household' AND jurisdiction = 'RUS') AS ratio_household_rus
            FROM water_harmonisation GROUP BY ALL)
        SELECT o.site_id, {_name("b", lang)} AS water_body, {_name("r", lang)} AS region, o.period, o.sample_date,
               o.parameter_id, {_name("p", lang)} AS parameter, p.basis, o.value,
               CASE o.qualifier WHEN '<' THEN '<' WHEN 'not_detected' THEN ? ELSE '' END AS qualifier,
               u.label_{lang} AS unit, o.multiplicity_published,
               ratio.ratio_fishery, ratio.ratio_drinking_kaz, ratio.ratio_household_rus,
               CASE WHEN o.source_id = ? THEN w.wpi_2006_04 END AS wpi_published,
               CASE WHEN o.source_id = ? THEN w.class_published END AS class_published,
               CASE WHEN o.source_id = ? THEN w.class_from_table END AS class_from_table,
               o.source_id, o.origin, o.line
        FROM water_observations o
        JOIN water_sites s USING (site_id)
        LEFT JOIN water_bodies b USING (water_body_id)
        LEFT JOIN water_regions r ON r.region_id = s.region_id
        LEFT JOIN water_parameters p USING (parameter_id)
        LEFT JOIN units u ON u.unit = o.unit
        LEFT JOIN water_site_wpi w ON w.site_id = o.site_id
        LEFT JOIN ratio ON ratio.site_id = o.site_id AND ratio.period = o.period AND ratio.parameter_id = o.parameter_id
                       AND ratio.line = o.line AND ratio.origin = o.origin
        WHERE ? IS NULL OR substr(o.period, 1, 4) = CAST(? AS VARCHAR)
        ORDER BY o.site_id, o.period, o.parameter_id, o.line
    """,
        [
            catalogue_words("lab_detail", "not_detected", lang),
            SURFACE_SOURCE,
            SURFACE_SOURCE,
            SURFACE_SOURCE,
            year,
            year,
        ],
    ).pl()
    sources = sorted({SURFACE_SOURCE, DRINKING_SOURCE, SANPIN_SOURCE})
    notes = [catalogue_words("water_words", key, lang) for key in QUALITY_NOTES]
    meta = _export_metadata(con, lang, sources, notes)
    return localise_headers(data, "water", lang), meta


def export_quarantine(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every quarantined lab row: file, line, the raw row, the reason and whether a later file resolved it; reason,
    status and detail in words of `lang` (assets/exports/lab_words.py), the lab's cells as written."""
    data = con.execute("""
        SELECT file_name, line, raw_row, reason, detail, status, resolved_by_file, resolved_by_line, quarantined_at
        FROM water_quarantine ORDER BY quarantined_at, file_name, line
    """).pl()
    data = quarantine_words(data, lang, detail_names(con, lang))
    notes = [catalogue_words("water_words", "quarantine_note", lang)]
    meta = _export_metadata(con, lang, [], notes)
    return localise_headers(data, "water", lang), meta
