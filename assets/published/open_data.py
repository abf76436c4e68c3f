"""What the open-data outlets share (the read API, SDMX, the data package): SQL over the published snapshot and
small pure functions over its tables.

Every value leaves with its source's licence: `seeds/licences.csv` (published as the table `licences`) says for
each licence text of `seeds/sources.csv` its identifier, whether it was stated at all, whether commercial use is
allowed, and in words what users may do. A source whose licence is not in that table is said to have none stated.
"""

from __future__ import annotations

import polars as pl

LANGUAGES = ("ru", "en", "kk")
NO_LICENCE_ID = "none-stated"

# One row per indicator value with its place, source and licence. Values only as `?` parameters: the indicator ids
# and places as lists (NULL: all), then the first and last year (NULL: open).
VALUES_SQL = """
    SELECT v.indicator_id, v.geo_id, g.name_ru AS geo_ru, g.name_en AS geo_en, g.name_kk AS geo_kk,
           v.year, v.value, v.unit, u.label_ru AS unit_ru, u.label_en AS unit_en, u.label_kk AS unit_kk,
           coalesce(v.flags, '') AS flag_codes, v.source_id, s.title AS source,
           coalesce(s.licence, '') AS licence, coalesce(l.licence_id, 'none-stated') AS licence_id,
           coalesce(l.stated, 'false') = 'true' AS licence_stated,
           coalesce(l.commercial_use, 'unknown') AS commercial_use,
           l.terms_ru, l.terms_en, l.terms_kk
    FROM indicator_values v
    LEFT JOIN geographies g USING (geo_id)
    LEFT JOIN units u ON u.unit = v.unit
    LEFT JOIN sources s ON s.source_id = v.source_id
    LEFT JOIN licences l ON l.licence = s.licence
    WHERE v.value IS NOT NULL
      AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], v.indicator_id))
      AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], v.geo_id))
      AND (?::INTEGER IS NULL OR v.year >= ?::INTEGER)
      AND (?::INTEGER IS NULL OR v.year <= ?::INTEGER)
    ORDER BY v.indicator_id, v.geo_id, v.year
"""


def values_params(
    indicator_ids: list[str] | None, geo_ids: list[str] | None, first: int | None, last: int | None
) -> tuple:
    """The parameters of VALUES_SQL in its order (each filter is given twice: the NULL test and the test)."""
    return (indicator_ids, indicator_ids, geo_ids, geo_ids, first, first, last, last)


# One row per indicator of the catalogue: names, unit, theme, summit directions, the sources its values come from
# and the years observed (projections are not observations).
CATALOGUE_SQL = """
    WITH observed AS (
        SELECT indicator_id, list(DISTINCT source_id ORDER BY source_id) AS value_sources,
               min(year) FILTER (WHERE NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection'))
                   AS first_year,
               max(year) FILTER (WHERE NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection'))
                   AS latest_year,
               count(*) AS n_values
        FROM indicator_values WHERE value IS NOT NULL GROUP BY indicator_id
    )
    SELECT i.indicator_id, i.name_ru, i.name_en, i.name_kk, i.definition_ru, i.definition_en, i.definition_kk,
           i.unit, u.label_ru AS unit_ru, u.label_en AS unit_en, u.label_kk AS unit_kk, i.raw_unit, i.theme,
           coalesce(i.directions, '') AS directions, i.sdg_code, i.aggregation, i.selector, i.freshness_years,
           i.min_plausible, i.max_plausible, i.source_id,
           list_distinct(list_concat([i.source_id], coalesce(o.value_sources, []))) AS source_ids,
           o.first_year, o.latest_year, coalesce(o.n_values, 0) AS n_values
    FROM indicators i
    LEFT JOIN units u USING (unit)
    LEFT JOIN observed o USING (indicator_id)
    WHERE ?::VARCHAR IS NULL OR i.indicator_id = ?::VARCHAR
    ORDER BY i.indicator_id
"""

# Each source with its citation, licence and newest retrieval (URL, time, sha256).
SOURCES_SQL = """
    WITH latest AS (
        SELECT * FROM provenance QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY version DESC) = 1
    )
    SELECT s.source_id, s.title, s.publisher, s.citation, coalesce(s.licence, '') AS licence,
           coalesce(l.licence_id, 'none-stated') AS licence_id, l.url AS licence_url,
           coalesce(l.stated, 'false') = 'true' AS licence_stated,
           coalesce(l.commercial_use, 'unknown') AS commercial_use,
           l.terms_ru, l.terms_en, l.terms_kk, s.public_url, p.url AS retrieved_from, p.retrieved_at, p.sha256
    FROM sources s
    LEFT JOIN licences l ON l.licence = s.licence
    LEFT JOIN latest p USING (source_id)
    WHERE list_contains(?::VARCHAR[], s.source_id)
    ORDER BY s.source_id
"""

SNAPSHOT_SQL = "SELECT snapshot_id, created_at FROM snapshot_info LIMIT 1"
FLAGS_SQL = "SELECT flag, kind, label_ru, label_en, label_kk, meaning_en FROM flags ORDER BY flag"
# What a snapshot-to-snapshot comparison reads.
VALUE_KEYS_SQL = "SELECT indicator_id, geo_id, year, value FROM indicator_values WHERE value IS NOT NULL"


def directions_list(directions: str | None) -> list[int]:
    """The catalogue's `1;3` as [1, 3]."""
    return [int(d) for d in (directions or "").split(";") if d.strip().isdigit()]


def flag_words(codes: pl.Series, legend: pl.DataFrame, lang: str) -> pl.Series:
    """Each value's ';'-joined flag codes in words of `lang` from the snapshot's flags legend, '; '-joined
    (an undeclared flag keeps its code, so nothing is hidden)."""
    labels = dict(zip(legend["flag"], legend[f"label_{lang}"], strict=True))
    words = {c: "; ".join(labels.get(f, f) for f in c.split(";") if f) for c in codes.fill_null("").unique()}
    return codes.fill_null("").replace_strict(words, return_dtype=pl.String)


def in_language(values: pl.DataFrame, legend: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Rows of VALUES_SQL for readers of `lang`: place, unit, flags and licence terms in its words, codes beside."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    return values.select(
        "indicator_id",
        "geo_id",
        pl.col(f"geo_{lang}").alias("geo"),
        "year",
        "value",
        "unit",
        pl.col(f"unit_{lang}").alias("unit_label"),
        "flag_codes",
        flag_words(values["flag_codes"], legend, lang).alias("flags"),
        "source_id",
        "source",
        "licence",
        "licence_id",
        "licence_stated",
        "commercial_use",
        pl.col(f"terms_{lang}").alias("licence_terms"),
    )


def value_changes(old: pl.DataFrame, new: pl.DataFrame, tolerance: float = 1e-9) -> pl.DataFrame:
    """Per indicator, the values `new` added, removed and revised relative to `old` (frames of VALUE_KEYS_SQL).

    A value is revised when it differs by more than `tolerance` relative to its size (a recomputation's rounding
    noise is not a revision). Indicators without a change are left out."""
    key = ["indicator_id", "geo_id", "year"]
    both = old.select(*key, pl.col("value").alias("old"), pl.lit(True).alias("in_old")).join(
        new.select(*key, pl.col("value").alias("new"), pl.lit(True).alias("in_new")),
        on=key,
        how="full",
        coalesce=True,
    )
    in_old, in_new = pl.col("in_old").fill_null(False), pl.col("in_new").fill_null(False)
    scale = pl.max_horizontal(pl.col("old").abs(), pl.col("new").abs(), pl.lit(1.0))
    revised = in_old & in_new & ((pl.col("old") - pl.col("new")).abs() > tolerance * scale)
    return (
        both.group_by("indicator_id")
        .agg(
            (in_new & ~in_old).sum().alias("added"),
            (in_old & ~in_new).sum().alias("removed"),
            revised.sum().alias("revised"),
        )
        .filter((pl.col("added") + pl.col("removed") + pl.col("revised")) > 0)
        .sort("indicator_id")
    )


def restricted_sources(sources: pl.DataFrame) -> pl.DataFrame:
    """Rows of SOURCES_SQL whose licence limits reuse: non-commercial, or none stated (said wherever values leave)."""
    return sources.filter((pl.col("commercial_use") == "no") | ~pl.col("licence_stated"))
