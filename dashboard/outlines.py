"""Central Asian country outlines under the air and water maps, served as one GeoJSON file per snapshot.

The map layer names the file's URL instead of carrying the geometry: the outlines were ~24 KB of every map's
JSON, sent again with each page and each language, while the browser fetches and caches the file once.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import dash
import flask

from assets.common.geography import CENTRAL_ASIA
from dashboard import data

OUTLINES_PATH = "/geo/central-asia-outlines.geojson"
OUTLINE_COLOUR = "#8895a7"


def register(app: dash.Dash) -> None:
    app.server.add_url_rule(OUTLINES_PATH, "central_asia_outlines", serve_outlines)


def outline_geometries(snap: data.Snapshot) -> list[str]:
    return snap.query(
        "SELECT geometry FROM geo_features WHERE layer = 'ne_countries' AND feature_id IN (SELECT unnest(?)) "
        "ORDER BY feature_id",
        (list(CENTRAL_ASIA),),
    )["geometry"].to_list()


def outline_layers(snap: data.Snapshot) -> list[dict]:
    """The map layer drawing the outlines of `snap` (none when the snapshot holds no outlines)."""
    if not outline_geometries(snap):
        return []
    url = dash.get_relative_path(OUTLINES_PATH) + "?" + urlencode({"snapshot": snap.snapshot_id})
    return [
        {
            "sourcetype": "geojson",
            "source": url,
            "type": "line",
            "color": OUTLINE_COLOUR,
            "line": {"width": 1},
            "below": "traces",
        }
    ]


def serve_outlines() -> flask.Response:
    data.pin_snapshot(flask.request.args.get("snapshot"))
    try:
        geometries = outline_geometries(data.snapshot_for_request())
    except data.NoSnapshotError as problem:
        return flask.Response(str(problem), status=404, mimetype="text/plain")
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": json.loads(g)} for g in geometries],
    }
    response = flask.Response(json.dumps(collection, separators=(",", ":")), mimetype="application/geo+json")
    # A snapshot never changes: the file of a named snapshot can be cached for as long as the snapshot is kept.
    if flask.request.args.get("snapshot"):
        response.headers["Cache-Control"] = "public, max-age=86400, immutable"
    return response
