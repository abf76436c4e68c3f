"""Read-only, parameterised queries for the water page (through dashboard.data's Snapshot, the only DuckDB reader)."""

from __future__ import annotations

import polars as pl

from dashboard.data import Snapshot

SURFACE_SOURCE = "kz_surface_water_quality_2006"
JMP_INDICATORS = ("basic_drinking_water", "safely_managed_water")


# Kazakh names, joined in by key: a snapshot published before the water tables had them gets empty columns, and
# pages show the Russian names (dashboard.i18n.localized).
KAZAKH_NAMES = {
    "site_id": ("SELECT site_id, water_body_kk, region_name_kk, site_name_kk FROM water_sites", ()),
    "region_id": ("SELECT region_id, name_kk AS region_kk FROM water_regions", ()),
    "parameter_id": ("SELECT parameter_id, name_kk AS parameter_kk FROM water_parameters", ()),
}
KAZAKH_COLUMNS = {
    "site_id": ("water_body_kk", "region_name_kk", "site_name_kk"),
    "region_id": ("region_kk",),
    "parameter_id": ("parameter_kk",),
}


def with_kazakh_names(snap: Snapshot, frame: pl.DataFrame, key: str, keep: tuple[str, ...] = ()) -> pl.DataFrame:
    """`frame` with the Kazakh names of its `key` (all of them, or only those in `keep`), in its own row order."""
    columns = [c for c in KAZAKH_COLUMNS[key] if not keep or c in keep]
    if not _kk_published(snap):
        return frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in columns)
    sql, params = KAZAKH_NAMES[key]
    names = snap.query(sql, params).select(key, *columns)
    return frame.join(names, on=key, how="left", maintain_order="left")


def _kk_published(snap: Snapshot) -> bool:
    present = snap.query(
        "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'water_sites' "
        "AND column_name = 'site_name_kk'"
    )
    return bool(present["n"][0])


def sites(snap: Snapshot) -> pl.DataFrame:
    """Every monitoring site with its names, WPI and class as published, class by the table, and map position."""
    return with_kazakh_names(snap, _sites(snap), "site_id")


def _sites(snap: Snapshot) -> pl.DataFrame:
    return snap.query("""
        SELECT s.site_id, s.water_body_id, s.region_id, s.kind, s.water_body_en, s.water_body_ru,
               s.region_name_en, s.region_name_ru, s.site_name_en, s.site_name_ru, s.flags,
               w.wpi_2005_04, w.wpi_2006_03, w.wpi_2006_04, w.class_published, w.class_published_rank,
               w.class_from_table, w.class_agrees, w.characteristic,
               l.lon, l.lat, l.placement, l.ne_feature
        FROM water_sites s
        JOIN water_site_wpi w USING (site_id)
        LEFT JOIN water_site_locations l USING (site_id)
        ORDER BY w.wpi_2006_04 DESC
    """)


def class_table(snap: Snapshot) -> pl.DataFrame:
    return snap.query("SELECT * FROM water_class_table ORDER BY class_rank")


def class_shares(snap: Snapshot) -> pl.DataFrame:
    return with_kazakh_names(snap, _class_shares(snap), "region_id")


def _class_shares(snap: Snapshot) -> pl.DataFrame:
    return snap.query("""
        SELECT c.region_id, r.name_en AS region_en, r.name_ru AS region_ru,
               c.class_published, c.class_published_rank, c.n_sites, c.n_region_sites, c.share_pct
        FROM water_class_shares c LEFT JOIN water_regions r USING (region_id)
        ORDER BY c.region_id = 'KAZ' DESC, c.region_id, c.class_published_rank
    """)


def river_lines(snap: Snapshot) -> pl.DataFrame:
    """Natural Earth lines and shapes of the monitored water bodies that have one."""
    return snap.query("""
        SELECT b.water_body_id, b.ne_layer AS layer, g.geometry
        FROM water_bodies b JOIN geo_features g ON g.layer = b.ne_layer AND g.name = b.ne_name
        WHERE b.water_body_id IN (SELECT water_body_id FROM water_sites)
        ORDER BY b.water_body_id
    """)


def worst_exceedances(snap: Snapshot, limit: int = 15) -> pl.DataFrame:
    found = with_kazakh_names(snap, _worst_exceedances(snap, limit), "site_id", keep=("site_name_kk",))
    return with_kazakh_names(snap, found, "parameter_id")


def _worst_exceedances(snap: Snapshot, limit: int) -> pl.DataFrame:
    return snap.query(
        """
        SELECT e.site_id, s.site_name_en, s.site_name_ru, e.parameter_id,
               p.name_en AS parameter_en, p.name_ru AS parameter_ru, e.value,
               e.unit, e.limit, e.ratio, e.source_id, o.multiplicity_published
        FROM water_worst_exceedances e
        JOIN water_sites s USING (site_id)
        LEFT JOIN water_parameters p USING (parameter_id)
        LEFT JOIN water_observations o
            ON o.site_id = e.site_id AND o.parameter_id = e.parameter_id AND o.period = e.period
        ORDER BY e.ratio DESC LIMIT ?
    """,
        (limit,),
    )


def site_harmonisation(snap: Snapshot, site_id: str) -> pl.DataFrame:
    """The site's observations with their ratio to every applicable norm (one row per observation and norm)."""
    return with_kazakh_names(snap, _site_harmonisation(snap, site_id), "parameter_id")


def _site_harmonisation(snap: Snapshot, site_id: str) -> pl.DataFrame:
    return snap.query(
        """
        SELECT h.period, h.sample_date, h.parameter_id, p.name_en AS parameter_en, p.name_ru AS parameter_ru,
               p.basis,
               h.value, h.qualifier, h.unit, o.multiplicity_published, h.norm_id, h.water_use, h.jurisdiction,
               h.document, h.document_table, h.limit, h.norm_unit, h.conversion_factor, h.ratio, h.breaches,
               h.source_id, h.norm_provenance, n.source_id AS norm_source_id
        FROM water_harmonisation h
        LEFT JOIN water_parameters p USING (parameter_id)
        LEFT JOIN water_norms n USING (norm_id)
        LEFT JOIN water_observations o
            ON o.site_id = h.site_id AND o.period = h.period AND o.parameter_id = h.parameter_id
             AND o.line = h.line AND o.origin = h.origin
        WHERE h.site_id = ?
        ORDER BY h.period, h.parameter_id, h.water_use, h.jurisdiction
    """,
        (site_id,),
    )


def breaches_by_water_use(snap: Snapshot) -> pl.DataFrame:
    """Per water use: observations compared, and how many breach at least one norm of that use."""
    return snap.query("""
        SELECT water_use, count(*) AS n_observations, count(*) FILTER (WHERE breached_norms <> '') AS n_breaching
        FROM water_harmonisation_summary GROUP BY water_use ORDER BY water_use
    """)


def norms(snap: Snapshot) -> pl.DataFrame:
    return with_kazakh_names(snap, _norms(snap), "parameter_id")


def _norms(snap: Snapshot) -> pl.DataFrame:
    return snap.query("""
        SELECT n.parameter_id, p.name_en AS parameter_en, p.name_ru AS parameter_ru,
               n.basis, n.water_use,
               n.jurisdiction, n.limit, n.unit, n.document, n.document_table, n.provenance
        FROM water_norms n JOIN water_parameters p USING (parameter_id)
        ORDER BY n.parameter_id, n.water_use, n.jurisdiction
    """)


def jmp_latest(snap: Snapshot, geo_ids: list[str]) -> pl.DataFrame:
    """Access to drinking water (WHO/UNICEF JMP): each country's latest value of each indicator."""
    return snap.query(
        """
        SELECT indicator_id, geo_id, year, value, unit, source_id, flags FROM indicator_values
        WHERE indicator_id IN (SELECT unnest(?)) AND geo_id IN (SELECT unnest(?))
        QUALIFY year = max(year) OVER (PARTITION BY indicator_id, geo_id)
        ORDER BY indicator_id, geo_id
    """,
        (list(JMP_INDICATORS), geo_ids),
    )


def inbox_summary(snap: Snapshot) -> dict:
    """Lab files ingested, rows landed and quarantine entries open (from the published ledger tables)."""
    files = snap.query("SELECT count(*) AS n FROM water_inbox_files")["n"][0]
    landed = snap.query("SELECT count(*) AS n FROM water_observations WHERE source_id = 'lab_inbox'")["n"][0]
    open_q = snap.query("SELECT count(*) AS n FROM water_quarantine WHERE status = 'open'")["n"][0]
    return {"files": int(files), "landed": int(landed), "quarantine_open": int(open_q)}


def reconciliation(snap: Snapshot) -> pl.DataFrame:
    return snap.query("""
        SELECT line, water_body, region, wpi, wpi_2006_04, class_published, status
        FROM water_classification_reconciliation WHERE status NOT IN ('same_wpi_same_region') ORDER BY line
    """)
