"""Read access to the published snapshots: the only dashboard module that talks to DuckDB.

A page's layout is built from the snapshot `published/CURRENT` names at that moment (re-read on every request,
so a new publish is picked up without a restart); the layout carries that snapshot's id (the `snapshot-pin`
store) and the page's callbacks answer from the same snapshot, so no view ever mixes two publishes. Every
response names the snapshot it was built from (`X-CAEI-Snapshot`). A snapshot file never changes once
published, so query results are cached per snapshot file. Connections are read-only and short-lived: many
processes may read a snapshot at once, and the pipeline never writes to a published file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from assets.published.queries import LATEST_PROVENANCE

# The pipeline owns the layout of published/ (CURRENT + snapshots/<id>.duckdb): read it with its functions.
# NoSnapshotError is re-exported so the pages need to know only this module.
from assets.published.snapshots import SNAPSHOT_ID, NoSnapshotError, current_snapshot_path, snapshot_path  # noqa: F401

REGION_ID = "CA5"
# The id of the dcc.Store, in every page's layout, holding the snapshot id the layout was built from.
PIN_STORE_ID = "snapshot-pin"
SNAPSHOT_HEADER = "X-CAEI-Snapshot"
# Flask config key under which create_app() stores the published directory of its app.
PUBLISHED_DIR_CONFIG_KEY = "CAEI_PUBLISHED_DIR"
# Rows flagged `projection` are model projections (e.g. UN population to 2100), never "latest" facts.
_NOT_PROJECTION = "NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')"


class SnapshotGoneError(NoSnapshotError):
    """The snapshot a page was built from has been pruned since (the page must be reloaded)."""


class SnapshotContentError(RuntimeError):
    """The snapshot lacks a table or column the dashboard reads (e.g. published by an older pipeline)."""


@dataclass(frozen=True)
class Snapshot:
    """One published snapshot file; all reads go through `query`."""

    path: Path

    @property
    def snapshot_id(self) -> str:
        return self.path.stem

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> pl.DataFrame:
        """Run a parameterised read-only query (values only as `?` parameters, never formatted in)."""
        return _cached_query(str(self.path), sql, _hashable(params))


def open_current_snapshot(published_dir: Path) -> Snapshot:
    """The snapshot CURRENT points to now; raises NoSnapshotError when nothing is published."""
    return Snapshot(current_snapshot_path(published_dir))


def published_dir_of_current_app() -> Path:
    """The published directory configured by create_app() for the app serving this request."""
    import flask  # only needed inside a request; keeps this module importable without an app

    configured = flask.current_app.config.get(PUBLISHED_DIR_CONFIG_KEY)
    if configured:
        return Path(configured)
    from assets.common.settings import load_settings

    return load_settings().published_dir


def pin_snapshot(snapshot_id: str | None) -> None:
    """Make this request answer from `snapshot_id` (the snapshot its page was built from), not from CURRENT."""
    import flask

    flask.g.caei_pinned_snapshot = snapshot_id or None


def snapshot_for_request() -> Snapshot:
    """The snapshot this request answers from: the pinned one (callbacks, downloads), else CURRENT now.

    The id is remembered for the response header. A pinned id is validated as a snapshot id before it becomes a
    path (it comes from the browser).
    """
    import flask

    published = published_dir_of_current_app()
    pinned = flask.g.get("caei_pinned_snapshot")
    if pinned:
        try:
            snap = Snapshot(snapshot_path(published, str(pinned)))
        except NoSnapshotError as gone:
            raise SnapshotGoneError(
                f"the data this page was built from ({pinned}) are no longer kept: reload the page ({gone})"
            ) from gone
    else:
        snap = open_current_snapshot(published)
    flask.g.caei_snapshot_id = snap.snapshot_id
    return snap


def snapshot_id_for_response() -> str | None:
    """The snapshot id this request read from, else the one CURRENT names (e.g. for the index page)."""
    import flask

    used = flask.g.get("caei_snapshot_id")
    if used:
        return used
    pinned = flask.g.get("caei_pinned_snapshot")
    if pinned:  # the pinned snapshot is gone or forged: the answer is a refusal about it, not about CURRENT
        return pinned if SNAPSHOT_ID.match(str(pinned)) else None
    try:
        return open_current_snapshot(published_dir_of_current_app()).snapshot_id
    except NoSnapshotError:
        return None


def _hashable(params: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)


@lru_cache(maxsize=512)
def _cached_query(path: str, sql: str, params: tuple[Any, ...]) -> pl.DataFrame:
    # DuckDB reads a Python list as a LIST parameter; a tuple would become a STRUCT.
    args = [list(p) if isinstance(p, tuple) else p for p in params]
    try:
        # Default config on connect: DuckDB refuses a second connection to a file open in this process with
        # another configuration (e.g. exports reading the same snapshot).
        with duckdb.connect(path, read_only=True) as con:
            # No replacement scans: a table missing from the snapshot must be an error, not a Python object
            # of the same name (DuckDB would otherwise scan e.g. this module's function aral_area).
            con.execute("SET python_enable_replacements = false")
            return con.execute(sql, args).pl()
    except (duckdb.CatalogException, duckdb.BinderException) as missing:
        raise SnapshotContentError(
            f"Snapshot {Path(path).stem} cannot answer a dashboard query: {missing}"
        ) from missing


# ---- typed reads -------------------------------------------------------------------------------------


def snapshot_info(snap: Snapshot) -> dict[str, Any]:
    """snapshot_id, created_at (naive datetime in UTC), n_values."""
    rows = snap.query("SELECT snapshot_id, created_at, n_values FROM snapshot_info LIMIT 1").to_dicts()
    if not rows:
        return {"snapshot_id": snap.snapshot_id, "created_at": None, "n_values": None}
    info = rows[0]
    created_at = info.get("created_at")
    if isinstance(created_at, dt.datetime) and created_at.tzinfo is not None:
        info["created_at"] = created_at.astimezone(dt.UTC).replace(tzinfo=None)
    return info


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


def unit_labels(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT unit, label_ru, label_en, label_kk FROM units ORDER BY unit")


def sources(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT source_id, title, publisher, licence, citation FROM sources ORDER BY source_id")


def geographies(snap: Snapshot) -> pl.DataFrame:
    return snap.query(
        "SELECT geo_id, kind, name_ru, name_en, name_kk, central_asia, caspian_littoral FROM geographies ORDER BY geo_id"
    )


def central_asia_iso3(snap: Snapshot) -> list[str]:
    frame = snap.query(
        "SELECT geo_id FROM geographies WHERE kind = ? AND TRY_CAST(central_asia AS BOOLEAN) ORDER BY geo_id",
        ("country",),
    )
    return frame["geo_id"].to_list()


def region_aggregates(snap: Snapshot, region_id: str = REGION_ID) -> pl.DataFrame:
    """Every region aggregate row, published or not, projections included (flag `projection`)."""
    return snap.query(
        """
        SELECT indicator_id, year, value, unit, covered_iso3, coverage_pop_share, status, coalesce(flags, '') AS flags
        FROM region_aggregates
        WHERE geo_id = ?
        ORDER BY indicator_id, year
        """,
        (region_id,),
    )


def country_values(snap: Snapshot, indicator_id: str, geo_ids: list[str], year: int | None = None) -> pl.DataFrame:
    """Values of one indicator for the given countries (all years, or one year), projections left out."""
    sql = f"""
        SELECT geo_id, year, value, unit, source_id, coalesce(flags, '') AS flags
        FROM indicator_values
        WHERE indicator_id = ? AND list_contains(?, geo_id) AND value IS NOT NULL AND {_NOT_PROJECTION}
    """
    params: tuple[Any, ...] = (indicator_id, list(geo_ids))
    if year is not None:
        sql += " AND year = ?"
        params += (int(year),)
    return snap.query(sql + " ORDER BY geo_id, year", params)


def latest_country_values(snap: Snapshot, indicator_id: str, geo_ids: list[str]) -> pl.DataFrame:
    """The latest non-projected value of one indicator per country (years may differ between countries)."""
    return snap.query(
        f"""
        SELECT geo_id, year, value, unit, source_id, coalesce(flags, '') AS flags
        FROM indicator_values
        WHERE indicator_id = ? AND list_contains(?, geo_id) AND value IS NOT NULL AND {_NOT_PROJECTION}
        QUALIFY row_number() OVER (PARTITION BY geo_id ORDER BY year DESC) = 1
        ORDER BY geo_id
        """,
        (indicator_id, list(geo_ids)),
    )


def indicators_with_country_values(snap: Snapshot, geo_ids: list[str]) -> list[str]:
    """Indicator ids that have at least one non-projected value for one of the given countries."""
    frame = snap.query(
        f"""
        SELECT DISTINCT indicator_id FROM indicator_values
        WHERE list_contains(?, geo_id) AND value IS NOT NULL AND {_NOT_PROJECTION}
        ORDER BY indicator_id
        """,
        (list(geo_ids),),
    )
    return frame["indicator_id"].to_list()


def aral_area(snap: Snapshot) -> pl.DataFrame:
    """year, basin (total, large_west, large_east, small), area_km2, flags."""
    return snap.query("SELECT year, basin, area_km2, coalesce(flags, '') AS flags FROM aral_area ORDER BY basin, year")


def caspian_level_annual(snap: Snapshot) -> pl.DataFrame:
    """Two annual series told apart by `datum` (`dahiti`, `baltic`): never to be joined into one line."""
    return snap.query(
        """
        SELECT year, datum, level_m, n_obs, source_id, coalesce(flags, '') AS flags
        FROM caspian_level_annual ORDER BY datum, year
        """
    )


def caspian_level_obs(snap: Snapshot) -> pl.DataFrame:
    return snap.query(
        "SELECT date, level_m, error_m, datum, coalesce(flags, '') AS flags FROM caspian_level_obs ORDER BY date"
    )


def caspian_datum_difference(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT year, dahiti_m, baltic_m, difference_m FROM caspian_datum_difference ORDER BY year")


# ---- directions, catalogue, provenance and checks ------------------------------------------------------


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
        SELECT i.indicator_id, i.name_ru, i.name_en, i.name_kk, i.definition_ru, i.definition_en, i.definition_kk, i.unit,
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


def indicator_value_status(snap: Snapshot) -> pl.DataFrame:
    """Per indicator: first and latest observed year, number of values, and how many carry `stale` or
    `range_warning` (the flags the pipeline's freshness and plausible-range checks set)."""
    return snap.query(
        f"""
        SELECT indicator_id, min(year) AS first_year, max(year) AS latest_year, count(*) AS n_values,
               count(*) FILTER (WHERE list_contains(string_split(coalesce(flags, ''), ';'), 'stale')) AS n_stale,
               count(*) FILTER (WHERE list_contains(string_split(coalesce(flags, ''), ';'), 'range_warning'))
                   AS n_range_warning
        FROM indicator_values
        WHERE value IS NOT NULL AND {_NOT_PROJECTION}
        GROUP BY indicator_id ORDER BY indicator_id
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
        "SELECT check_name, asset, severity, passed, description, n_failed FROM check_results ORDER BY asset, check_name"
    )


def all_sources(snap: Snapshot) -> pl.DataFrame:
    """Every column of `sources`, so titles in other languages (title_ru, title_kk) are used once published."""
    return snap.query("SELECT * FROM sources ORDER BY source_id")


# ---- series for the explorer and the country profile ----------------------------------------------------


def indicator_series(snap: Snapshot, indicator_id: str, geo_ids: list[str]) -> pl.DataFrame:
    """Every non-projected value of one indicator for the given places (countries or the region)."""
    return snap.query(
        f"""
        SELECT geo_id, year, value, unit, source_id, coalesce(flags, '') AS flags
        FROM indicator_values
        WHERE indicator_id = ? AND list_contains(?, geo_id) AND value IS NOT NULL AND {_NOT_PROJECTION}
        ORDER BY geo_id, year
        """,
        (indicator_id, list(geo_ids)),
    )


def indicator_years(snap: Snapshot, indicator_id: str) -> list[int]:
    frame = snap.query(
        f"""
        SELECT DISTINCT year FROM indicator_values
        WHERE indicator_id = ? AND value IS NOT NULL AND {_NOT_PROJECTION} ORDER BY year
        """,
        (indicator_id,),
    )
    return [int(y) for y in frame["year"]]


def country_profile_values(snap: Snapshot, geo_id: str, region_id: str = REGION_ID) -> pl.DataFrame:
    """Latest non-projected value of every indicator for one country, with the regional figure of the same year
    (from region_aggregates: published or not, so the page can say why a regional figure is missing)."""
    return snap.query(
        f"""
        WITH latest AS (
            SELECT indicator_id, year, value, unit, source_id, coalesce(flags, '') AS flags
            FROM indicator_values
            WHERE geo_id = ? AND value IS NOT NULL AND {_NOT_PROJECTION}
            QUALIFY row_number() OVER (PARTITION BY indicator_id ORDER BY year DESC) = 1
        ),
        series AS (
            SELECT indicator_id, list(value ORDER BY year) AS values, min(year) AS first_year
            FROM indicator_values
            WHERE geo_id = ? AND value IS NOT NULL AND {_NOT_PROJECTION}
            GROUP BY indicator_id
        )
        SELECT l.indicator_id, l.year, l.value, l.unit, l.source_id, l.flags, s.values AS series, s.first_year,
               r.value AS region_value, r.status AS region_status, coalesce(r.flags, '') AS region_flags,
               r.coverage_pop_share AS region_coverage_share
        FROM latest l
        JOIN series s USING (indicator_id)
        LEFT JOIN region_aggregates r ON r.indicator_id = l.indicator_id AND r.year = l.year AND r.geo_id = ?
        ORDER BY l.indicator_id
        """,
        (geo_id, geo_id, region_id),
    )


def country_polygons(snap: Snapshot, iso3: list[str]) -> pl.DataFrame:
    """feature_id (ISO3) and GeoJSON geometry text of the Natural Earth country polygons asked for."""
    return snap.query(
        "SELECT feature_id, geometry FROM geo_features WHERE layer = ? AND list_contains(?, feature_id) ORDER BY feature_id",
        ("ne_countries", list(iso3)),
    )


def water_body_polygons(snap: Snapshot) -> pl.DataFrame:
    """name and GeoJSON geometry of the Natural Earth lakes and seas (historic and recent Aral, Caspian ...)."""
    return snap.query(
        "SELECT feature_id, name, geometry FROM geo_features WHERE layer = ? ORDER BY feature_id", ("ne_lakes_seas",)
    )


def lake_and_sea_polygons(snap: Snapshot, names: list[str]) -> pl.DataFrame:
    """name and GeoJSON geometry of the named Natural Earth lakes and seas (`Historic Aral Sea`, `Caspian Sea` ...)."""
    return snap.query(
        "SELECT name, geometry FROM geo_features WHERE layer = ? AND list_contains(?, name) ORDER BY name",
        ("ne_lakes_seas", list(names)),
    )


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
