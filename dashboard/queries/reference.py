"""The reference tables of a snapshot: the indicator catalogue, units, sources, places and their shapes,
summit directions, provenance and check results."""

from __future__ import annotations

import polars as pl

from assets.exports.quality import flag_legend, quality_inputs
from assets.exports.quality import quality_report as build_quality_report
from assets.published.queries import LATEST_PROVENANCE
from dashboard.data import Snapshot


def indicator_catalogue(snap: Snapshot) -> pl.DataFrame:
    """The indicator catalogue with unit labels, ordered by summit direction.

    `direction` is the headline direction where the indicator is a direction's headline, else the first
    of its `directions`; `is_headline` puts the headline first within its direction.
    """
    return snap.query(
        """
        WITH catalogue AS (
            SELECT *,
                   TRY_CAST(headline_direction AS INTEGER) AS headline_number,
                   coalesce(TRY_CAST(headline_direction AS INTEGER),
                            TRY_CAST(split_part(coalesce(directions, ''), ';', 1) AS INTEGER)) AS direction
            FROM indicators
        )
        SELECT i.indicator_id, i.name_ru, i.name_en, i.name_kk, i.unit,
               u.label_ru AS unit_label_ru, u.label_en AS unit_label_en, u.label_kk AS unit_label_kk,
               i.theme, i.directions, i.direction, i.headline_number IS NOT NULL AS is_headline,
               d.title_ru AS direction_title_ru, d.title_en AS direction_title_en, d.title_kk AS direction_title_kk,
               i.aggregation, i.source_id
        FROM catalogue i
        LEFT JOIN units u ON u.unit = i.unit
        LEFT JOIN summit_directions d ON TRY_CAST(d.direction AS INTEGER) = i.direction
        ORDER BY i.direction NULLS LAST, is_headline DESC, i.indicator_id
        """
    )


def sources(snap: Snapshot) -> pl.DataFrame:
    """The sources with their display titles in every language (title_ru, title_kk); `title` is the original.
    Publishers and licences with their names in Russian and Kazakh (`publisher_ru`, `licence_kk` ...)."""
    frame = snap.query(
        "SELECT source_id, title, title_ru, title_kk, publisher, licence, citation FROM sources ORDER BY source_id"
    )
    return with_display_names(snap, frame)


def with_display_names(snap: Snapshot, sources: pl.DataFrame) -> pl.DataFrame:
    """`sources` with `publisher_ru`, `publisher_kk` (the table `publishers`) and `licence_ru`, `licence_kk` (the
    names of the table `licences`). A snapshot published before those names has them empty: pages then show the
    original, marked as English."""
    extra = {f"{kind}_{lang}": pl.String for kind in ("publisher", "licence") for lang in ("ru", "kk")}
    names = pl.DataFrame(schema={"publisher": pl.String, "publisher_ru": pl.String, "publisher_kk": pl.String})
    if _has_columns(snap, "publishers", "publisher", "name_ru", "name_kk"):
        names = snap.query("SELECT publisher, name_ru AS publisher_ru, name_kk AS publisher_kk FROM publishers")
    licences = pl.DataFrame(schema={"licence": pl.String, "licence_ru": pl.String, "licence_kk": pl.String})
    if _has_columns(snap, "licences", "licence", "name_ru", "name_kk"):
        licences = snap.query("SELECT DISTINCT licence, name_ru AS licence_ru, name_kk AS licence_kk FROM licences")
    out = sources.drop([c for c in extra if c in sources.columns])
    out = out.join(names, on="publisher", how="left", maintain_order="left").join(
        licences, on="licence", how="left", maintain_order="left"
    )
    return out.with_columns(pl.col(c).cast(t) for c, t in extra.items())


def _has_columns(snap: Snapshot, table: str, *columns: str) -> bool:
    present = snap.query("SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table,))
    return set(columns) <= set(present["column_name"].to_list())


def seed_documents(snap: Snapshot) -> pl.DataFrame:
    """The seed documents' display titles by document number (`000`); empty in snapshots made before them."""
    present = snap.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'seed_documents'")
    if not present["n"][0]:
        return pl.DataFrame(schema={"document": pl.String, "title_ru": pl.String, "title_en": pl.String})
    return snap.query("SELECT * FROM seed_documents ORDER BY document")


def all_sources(snap: Snapshot) -> pl.DataFrame:
    """Every column of `sources`, so titles in other languages (title_ru, title_kk) are used once published, with
    the publishers' and licences' names in Russian and Kazakh (`with_display_names`)."""
    return with_display_names(snap, snap.query("SELECT * FROM sources ORDER BY source_id"))


def geographies(snap: Snapshot) -> pl.DataFrame:
    return snap.query(
        "SELECT geo_id, kind, name_ru, name_en, name_kk, central_asia, caspian_littoral FROM geographies ORDER BY "
        "geo_id"
    )


def central_asia_iso3(snap: Snapshot) -> list[str]:
    frame = snap.query(
        "SELECT geo_id FROM geographies WHERE kind = ? AND TRY_CAST(central_asia AS BOOLEAN) ORDER BY geo_id",
        ("country",),
    )
    return frame["geo_id"].to_list()


def summit_directions(snap: Snapshot) -> pl.DataFrame:
    """The eight summit directions with titles and focus texts, in order."""
    return snap.query(
        """
        SELECT TRY_CAST(direction AS INTEGER) AS direction, title_ru, title_en, title_kk, focus_ru, focus_en
        FROM summit_directions ORDER BY direction
        """
    )


def indicator_details(snap: Snapshot) -> pl.DataFrame:
    """The catalogue columns the catalogue page and downloads show: definitions, freshness, source, licence."""
    return snap.query(
        """
        SELECT i.indicator_id, i.name_ru, i.name_en, i.name_kk,
               i.definition_ru, i.definition_en, i.definition_kk, i.unit,
               u.label_ru AS unit_label_ru, u.label_en AS unit_label_en, u.label_kk AS unit_label_kk,
               i.theme, i.directions, TRY_CAST(i.headline_direction AS INTEGER) AS headline_direction,
               i.aggregation, TRY_CAST(i.freshness_years AS INTEGER) AS freshness_years,
               i.source_id, s.title AS source_title, s.publisher, s.licence
        FROM indicators i
        LEFT JOIN units u ON u.unit = i.unit
        LEFT JOIN sources s ON s.source_id = i.source_id
        ORDER BY i.indicator_id
        """
    )


def latest_provenance(snap: Snapshot) -> pl.DataFrame:
    """The latest retrieved version of every source: when, from where, checksum."""
    return snap.query(
        f"""
        SELECT source_id, version, url, retrieved_at, sha256, bytes, licence
        FROM ({LATEST_PROVENANCE})
        ORDER BY source_id
        """
    )


def check_results(snap: Snapshot) -> pl.DataFrame:
    return snap.query(
        "SELECT check_name, asset, severity, passed, description, n_failed FROM check_results ORDER BY asset, "
        "check_name"
    )


def quality_report(snap: Snapshot, lang: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What the snapshot's run flagged and kept out, by rule (assets/exports/quality.py), and the flags legend."""
    tables = quality_inputs(snap.query)
    return build_quality_report(tables, lang), flag_legend(tables, lang)


def indicator_entries(snap: Snapshot, indicator_ids: list[str]) -> pl.DataFrame:
    """Catalogue rows of the given indicators: names, unit and its labels, source."""
    return snap.query(
        """
        SELECT i.indicator_id, i.name_ru, i.name_en, i.name_kk, i.unit,
               u.label_ru AS unit_label_ru, u.label_en AS unit_label_en, u.label_kk AS unit_label_kk, i.source_id
        FROM indicators i LEFT JOIN units u ON u.unit = i.unit
        WHERE list_contains(?, i.indicator_id)
        ORDER BY i.indicator_id
        """,
        (list(indicator_ids),),
    )


def country_polygons(snap: Snapshot, iso3: list[str]) -> pl.DataFrame:
    """feature_id (ISO3) and GeoJSON geometry text of the Natural Earth country polygons asked for."""
    return snap.query(
        "SELECT feature_id, geometry FROM geo_features WHERE layer = ? AND list_contains(?, feature_id) ORDER BY "
        "feature_id",
        ("ne_countries", list(iso3)),
    )


def lake_and_sea_polygons(snap: Snapshot, names: list[str]) -> pl.DataFrame:
    """name and GeoJSON geometry of the named Natural Earth lakes and seas (`Historic Aral Sea`, `Caspian Sea` ...)."""
    return snap.query(
        "SELECT name, geometry FROM geo_features WHERE layer = ? AND list_contains(?, name) ORDER BY name",
        ("ne_lakes_seas", list(names)),
    )
