"""The read API under /api/v1/: the published snapshot as JSON and CSV for analysts, partner sites and statistics
offices (docs: README "Open data", the OpenAPI document at /api/v1/openapi.json).

`register_api(server)` adds it to the dashboard's Flask server; the handlers are thin (routes.py) around pure
parameter parsing (params.py) and parameterised queries over the snapshot (queries.py)."""

from __future__ import annotations

from dashboard.api.routes import register_api

__all__ = ["register_api"]
