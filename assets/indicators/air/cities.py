"""Air cities and regions: the seed registries with their Natural Earth points, and the labels sources use."""

from __future__ import annotations

import polars as pl


def city_label_lookup(cities: pl.DataFrame) -> pl.DataFrame:
    """Every label a source uses for a city (seeds/air_cities.csv `source_labels`, '|'-separated) -> city_id."""
    return (
        cities.select("city_id", label=pl.col("source_labels").fill_null("").str.split("|"))
        .explode("label")
        .with_columns(pl.col("label").str.strip_chars())
        .filter(pl.col("label") != "")
    )


def place_points(places: pl.DataFrame) -> pl.DataFrame:
    """Natural Earth populated places (staged geojson) -> geonameid, lat, lon."""
    props = pl.col("properties")
    return places.select(
        ne_geonameid=props.str.json_path_match("$.GEONAMEID").cast(pl.Float64).cast(pl.Int64).cast(pl.String),
        lat=props.str.json_path_match("$.LATITUDE").cast(pl.Float64),
        lon=props.str.json_path_match("$.LONGITUDE").cast(pl.Float64),
    ).unique("ne_geonameid", keep="first")


def build_cities(seed: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """The city registry with coordinates from Natural Earth where the seed names a place (else no point)."""
    return (
        seed.join(place_points(places), on="ne_geonameid", how="left")
        .select(
            "city_id",
            "name_en",
            "name_ru",
            "name_kk",
            "place_kind",
            "country_id",
            "region_ru",
            "source_labels",
            "other_names",
            "ne_geonameid",
            "lat",
            "lon",
            "citation",
            "note",
        )
        .sort("city_id")
    )


def build_region_points(seed: pl.DataFrame, admin1: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """One point per region: the Natural Earth label point (easternmost if the unit has several), or a city point."""
    coords = pl.col("geometry").str.json_path_match("$.coordinates")
    label_points = (
        admin1.select(
            point_ref=pl.col("feature_id"),
            lon=coords.str.extract(r"\[\s*([-0-9.]+)", 1).cast(pl.Float64),
            lat=coords.str.extract(r",\s*([-0-9.]+)\s*\]", 1).cast(pl.Float64),
        )
        .sort("lon", descending=True)
        .unique("point_ref", keep="first")
        .with_columns(point_source=pl.lit("ne_admin1_label"))
    )
    city_points = (
        place_points(places)
        .select(point_ref="ne_geonameid", lat="lat", lon="lon")
        .with_columns(point_source=pl.lit("ne_populated_place"))
    )
    points = pl.concat([label_points, city_points], how="diagonal")
    return (
        seed.join(points, on=["point_source", "point_ref"], how="left")
        .select(
            "region_ru",
            "name_en",
            "name_kk",
            "kind",
            "valid_from",
            "valid_to",
            "point_source",
            "point_ref",
            "lat",
            "lon",
            "citation",
            "note",
        )
        .sort("region_ru")
    )
