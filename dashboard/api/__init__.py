"""The read API under /api/v1/ and the embeddable charts under /embed/: the published snapshot as JSON and CSV for
analysts, partner sites and statistics offices (docs: README "Open data", the OpenAPI document at
/api/v1/openapi.json), and charts alone for other sites' pages: one indicator's (embed.py) or a theme chart
(chart_embed.py).

`register_api(server)` adds both to the dashboard's Flask server; the handlers are thin (routes.py, embed.py) around
pure parameter parsing (params.py), parameterised queries over the snapshot (queries.py) and an SVG chart
(svg_chart.py)."""

from __future__ import annotations

import flask

from dashboard.api import chart_embed  # noqa: F401  (adds /embed/chart/ to the embed blueprint)
from dashboard.api.embed import embed
from dashboard.api.routes import api


def register_api(server: flask.Flask) -> None:
    """Add /api/v1/ and /embed/ to the dashboard's server (called once by create_app)."""
    server.register_blueprint(api)
    server.register_blueprint(embed)


__all__ = ["register_api"]
