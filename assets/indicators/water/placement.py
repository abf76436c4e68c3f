"""Placing sites on the map: the sources carry no coordinates, so a site is drawn on its river line, its lake's shape
or its region's label point."""

from __future__ import annotations

import polars as pl

from assets.sources.catalogue import read_seed


def _coordinates(geometry: dict) -> list[tuple[float, float]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return [tuple(coords)]
    if kind == "LineString":
        return [tuple(c) for c in coords]
    if kind in ("MultiLineString", "Polygon"):
        return [tuple(c) for part in coords for c in part]
    if kind == "MultiPolygon":
        return [tuple(c) for poly in coords for ring in poly for c in ring]
    return []


def site_locations(site_table: pl.DataFrame, geo_features: pl.DataFrame) -> pl.DataFrame:
    """Where each site is drawn, and how it was placed: on its river's Natural Earth line (the vertex
    nearest its region's label point), at the centre of its lake or reservoir shape, else at its region's
    label point; a site with none of these is listed as not placed. Never a surveyed station position."""
    import json

    bodies = {r["water_body_id"]: r for r in read_seed("water_bodies.csv").iter_rows(named=True)}
    regions = {r["region_id"]: r for r in read_seed("water_regions.csv").iter_rows(named=True)}
    label_points: dict[str, tuple[float, float]] = {}
    for fid, geometry in (
        geo_features.filter(pl.col("layer") == "ne_admin1_points").select("feature_id", "geometry").iter_rows()
    ):
        label_points.setdefault(fid, _coordinates(json.loads(geometry))[0])
    shapes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for layer, name, geometry in (
        geo_features.filter(pl.col("layer").is_in(["ne_rivers", "ne_lakes_seas"]))
        .select("layer", "name", "geometry")
        .iter_rows()
    ):
        shapes.setdefault((layer, name), []).extend(_coordinates(json.loads(geometry)))
    rows = []
    for site in site_table.iter_rows(named=True):
        body, region = bodies[site["water_body_id"]], regions[site["region_id"]]
        anchor = label_points.get(region["ne_adm1_code"] or "")
        points = shapes.get((body["ne_layer"] or "", body["ne_name"] or ""))
        lon = lat = None
        if points and body["ne_layer"] == "ne_rivers" and anchor:
            lon, lat = min(points, key=lambda p: (p[0] - anchor[0]) ** 2 + (p[1] - anchor[1]) ** 2)
            method = "river_line_near_region_label"
        elif points and body["ne_layer"] == "ne_lakes_seas":
            lon, lat = sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
            method = "lake_shape_centre"
        elif anchor:
            lon, lat = anchor
            method = "region_label_point"
        else:
            method = "not_placed"
        rows.append(
            {
                "site_id": site["site_id"],
                "lon": lon,
                "lat": lat,
                "placement": method,
                "ne_feature": body["ne_name"] if points else None,
                "note": None
                if method != "not_placed"
                else f"no Natural Earth feature for {body['name_en']} and no label point for {region['name_en']}",
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "site_id": pl.String,
            "lon": pl.Float64,
            "lat": pl.Float64,
            "placement": pl.String,
            "ne_feature": pl.String,
            "note": pl.String,
        },
    )
