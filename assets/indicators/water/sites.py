"""Monitoring sites: a water body in a region (site_id = "<body>__<region>"), resolved from the names the files use.

Model (docs/analysts-water.md):
  water bodies (seeds/water_bodies.csv) with every spelling met (seeds/water_body_synonyms.csv);
  regions as named in the sources (seeds/water_regions.csv, water_region_synonyms.csv);
  a monitoring site = a water body in a region, the key of observations.
"""

from __future__ import annotations

import polars as pl

from assets.sources.catalogue import read_seed
from assets.sources.water_names import (
    SURFACE_SOURCE,
    name_key,
)


class UnknownNameError(ValueError):
    """A name in a published file that no seed spelling matches: add the spelling, never guess."""


def resolve(
    frame: pl.DataFrame, column: str, synonyms: pl.DataFrame, id_column: str, what: str, source: str
) -> pl.DataFrame:
    """Add `id_column` resolved from `column` through the synonyms seed; unknown names raise."""
    lookup = synonyms.select(key=name_key(pl.col("synonym")), **{id_column: pl.col(id_column)}).unique("key")
    out = frame.with_columns(key=name_key(pl.col(column))).join(lookup, on="key", how="left").drop("key")
    missing = out.filter(pl.col(id_column).is_null() & pl.col(column).is_not_null())
    if missing.height:
        examples = ", ".join(f"line {r['line']}: {r[column]!r}" for r in missing.head(5).iter_rows(named=True))
        raise UnknownNameError(f"{source}: unknown {what} ({examples}); add the spelling to its synonyms seed")
    return out


def site_id_expr(body: str = "water_body_id", region: str = "region_id") -> pl.Expr:
    return pl.col(body) + "__" + pl.col(region)


def with_sites(surface: pl.DataFrame) -> pl.DataFrame:
    """The April 2006 rows with water body, region and site ids."""
    out = resolve(
        surface, "water_body", read_seed("water_body_synonyms.csv"), "water_body_id", "water body", SURFACE_SOURCE
    )
    out = resolve(out, "region", read_seed("water_region_synonyms.csv"), "region_id", "region", SURFACE_SOURCE)
    return out.with_columns(site_id=site_id_expr())


def sites(surface: pl.DataFrame) -> pl.DataFrame:
    """Monitoring sites (water body x region) of the April 2006 file, with names and the types published.

    A water body monitored in two regions (Irtysh, Ishim, Nura, Syrdarya) is two sites.
    """
    rows = with_sites(surface)
    bodies = read_seed("water_bodies.csv")
    regions = read_seed("water_regions.csv").select(
        "region_id",
        region_name_en="name_en",
        region_name_ru="name_ru",
        region_name_kk="name_kk",
        ne_adm1_code="ne_adm1_code",
    )
    per_site = rows.group_by("site_id", "water_body_id", "region_id").agg(
        types_published=pl.col("water_body_type").unique().sort().str.join(";"),
        first_line=pl.col("line").min(),
    )
    out = per_site.join(
        bodies.select(
            "water_body_id", "kind", water_body_en="name_en", water_body_ru="name_ru", water_body_kk="name_kk"
        ),
        on="water_body_id",
        how="left",
    )
    out = out.join(regions, on="region_id", how="left").with_columns(
        flags=pl.when(pl.col("types_published").str.contains(";"))
        .then(pl.lit("type_inconsistent_in_source"))
        .otherwise(pl.lit("")),
        site_name_en=pl.col("water_body_en") + " (" + pl.col("region_name_en") + ")",
        site_name_ru=pl.col("water_body_ru") + " (" + pl.col("region_name_ru") + ")",
        site_name_kk=pl.col("water_body_kk") + " (" + pl.col("region_name_kk") + ")",
        source_id=pl.lit(SURFACE_SOURCE),
    )
    return out.sort("first_line").drop("first_line")
