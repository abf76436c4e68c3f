"""The Aral Sea area and the Caspian Sea level series of a snapshot."""

from __future__ import annotations

import polars as pl

from dashboard.data import Snapshot


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
    return snap.query(
        """
        SELECT year, dahiti_m, baltic_m, difference_m,
               coalesce(dahiti_flags, '') || CASE WHEN coalesce(dahiti_flags, '') <> '' AND coalesce(baltic_flags, '')
               <> '' THEN ';' ELSE '' END || coalesce(baltic_flags, '') AS flags
        FROM caspian_datum_difference ORDER BY year
        """
    )
