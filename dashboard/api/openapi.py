"""The OpenAPI 3.1 document of /api/v1/ (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from assets.published.open_data import LANGUAGES

_LANG = {
    "name": "lang",
    "in": "query",
    "description": "Language of names, units, flags and licence terms (default en).",
    "schema": {"type": "string", "enum": list(LANGUAGES), "default": "en"},
}
_SNAPSHOT = {
    "name": "snapshot",
    "in": "query",
    "description": "Read a kept older snapshot (ids from /api/v1/snapshots) instead of the current one.",
    "schema": {"type": "string", "pattern": r"^\d{8}T\d{12}Z-[0-9a-f]{6}$"},
}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z0-9_]+$"}}
_FILTERS = [
    {
        "name": "country",
        "in": "query",
        "description": "Places separated by ~: ISO 3166 alpha-3 codes, CA5 for Central Asia (e.g. KAZ~UZB~CA5).",
        "schema": {"type": "string", "example": "KAZ~UZB"},
    },
    {
        "name": "time",
        "in": "query",
        "description": "Years: 2000..2020, 2000.., ..2020 or 2015.",
        "schema": {"type": "string", "example": "2000..2020"},
    },
    _LANG,
    _SNAPSHOT,
]
_ROW = {
    "type": "object",
    "properties": {
        "indicator_id": {"type": "string"},
        "geo_id": {"type": "string", "description": "ISO 3166 alpha-3, or CA5 for Central Asia"},
        "geo": {"type": "string"},
        "year": {"type": "integer"},
        "value": {"type": ["number", "null"]},
        "unit": {"type": "string"},
        "unit_label": {"type": "string"},
        "flag_codes": {"type": "string", "description": "';'-joined flag codes (legend in the metadata)"},
        "flags": {"type": "string", "description": "the flags in words of the language"},
        "source_id": {"type": "string"},
        "source": {"type": "string"},
        "licence": {"type": "string", "description": "the source's licence as it states it ('' when none)"},
        "licence_id": {"type": "string", "description": "e.g. CC-BY-4.0, CC-BY-NC-4.0; none-stated"},
        "licence_stated": {"type": "boolean"},
        "commercial_use": {"type": "string", "enum": ["yes", "no", "unknown"]},
        "licence_terms": {
            "type": "string",
            "description": "CSV only: what users may do with the value (in JSON, once per licence in `licences`)",
        },
    },
}
_ROW["required"] = ["indicator_id", "geo_id", "year", "value", "flag_codes", "licence_id", "licence_stated"]
_TEXT_OR_NULL = {"type": ["string", "null"]}
_SNAPSHOT_META = {
    "type": "object",
    "required": ["id", "date"],
    "properties": {"id": {"type": "string"}, "date": {**_TEXT_OR_NULL, "format": "date-time"}},
}
_NAMES = {
    "type": "object",
    "required": list(LANGUAGES),
    "properties": {code: _TEXT_OR_NULL for code in LANGUAGES},
}
_SOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "licence", "licence_id", "licence_stated", "commercial_use"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "licence": _TEXT_OR_NULL,
        "licence_id": {"type": "string"},
        "licence_stated": {"type": "boolean"},
        "commercial_use": {"type": "string", "enum": ["yes", "no", "unknown"]},
        "licence_terms": _TEXT_OR_NULL,
    },
}
_YEAR_OR_NULL = {"type": ["integer", "null"]}
_CATALOGUE = {
    "type": "object",
    "required": ["snapshot", "indicators"],
    "properties": {
        "snapshot": _SNAPSHOT_META,
        "indicators": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name", "names", "unit", "theme", "summit_directions", "sources", "latest_year"],
                "properties": {
                    "id": {"type": "string"},
                    "name": _TEXT_OR_NULL,
                    "names": _NAMES,
                    "unit": {"type": "string"},
                    "theme": _TEXT_OR_NULL,
                    "summit_directions": {"type": "array", "items": {"type": "integer"}},
                    "sources": {"type": "array", "items": _SOURCE},
                    "first_year": _YEAR_OR_NULL,
                    "latest_year": _YEAR_OR_NULL,
                    "n_values": {"type": "integer"},
                },
            },
        },
    },
}
_VALUES = {
    "type": "object",
    "required": ["indicator", "snapshot", "licences", "rows"],
    "properties": {
        "indicator": {"type": "object", "required": ["id", "name", "unit"]},
        "snapshot": _SNAPSHOT_META,
        "licences": {"type": "array", "items": {"type": "object", "required": ["licence_id", "commercial_use"]}},
        "rows": {"type": "array", "items": _ROW},
    },
}
_METADATA = {
    "type": "object",
    "required": ["id", "name", "definition", "unit", "method", "flags_legend", "sources", "snapshot"],
    "properties": {
        "id": {"type": "string"},
        "names": _NAMES,
        "flags_legend": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "kind", "label"],
                "properties": {"code": {"type": "string"}},
            },
        },
        "sources": {
            "type": "array",
            "items": {
                **_SOURCE,
                "required": [*_SOURCE["required"], "citation", "url", "retrieved_at", "sha256"],
                "properties": {
                    **_SOURCE["properties"],
                    "citation": _TEXT_OR_NULL,
                    "url": _TEXT_OR_NULL,
                    "retrieved_from": _TEXT_OR_NULL,
                    "retrieved_at": _TEXT_OR_NULL,
                    "sha256": _TEXT_OR_NULL,
                },
            },
        },
        "snapshot": _SNAPSHOT_META,
    },
}
_SNAPSHOTS = {
    "type": "object",
    "required": ["snapshots"],
    "properties": {
        "snapshots": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "date", "current", "previous", "changes"],
                "properties": {
                    "id": {"type": "string"},
                    "date": {"type": "string", "format": "date-time"},
                    "current": {"type": "boolean"},
                    "previous": _TEXT_OR_NULL,
                    "changes": {"type": ["object", "null"]},
                },
            },
        }
    },
}
_PROBLEM = {
    "description": "A problem (RFC 9457)",
    "content": {
        "application/problem+json": {
            "schema": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "instance": {"type": "string"},
                    "invalid_params": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
                        },
                    },
                },
            }
        }
    },
}
_CACHED = {
    "304": {"description": "Not modified since the ETag given in If-None-Match (same snapshot)"},
    "400": _PROBLEM,
    "404": _PROBLEM,
}


def _json_ok(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CAEI read API: Central Asia Environmental Indicators",
            "version": "1.0.0",
            "description": (
                "Indicator values from the published snapshot, with flags, units, sources and the licence of "
                "every value. Values from sources under a non-commercial licence (CC BY-NC 4.0) may not be used "
                "commercially; values whose source states no licence are marked licence_stated=false."
            ),
        },
        "paths": {
            "/api/v1/indicators": {
                "get": {
                    "summary": "The catalogue: id, names in ru/en/kk, unit, theme, summit directions, sources, years",
                    "parameters": [_LANG, _SNAPSHOT],
                    "responses": {"200": _json_ok("The catalogue", _CATALOGUE), **_CACHED},
                }
            },
            "/api/v1/indicators/{id}.json": {
                "get": {
                    "summary": "An indicator's values with flags and licences, filtered",
                    "parameters": [_ID, *_FILTERS],
                    "responses": {
                        "200": _json_ok("Values", _VALUES),
                        **_CACHED,
                    },
                }
            },
            "/api/v1/indicators/{id}.csv": {
                "get": {
                    "summary": "The same values as CSV (UTF-8, a header row, the columns of the JSON rows)",
                    "parameters": [_ID, *_FILTERS],
                    "responses": {
                        "200": {"description": "Values", "content": {"text/csv": {"schema": {"type": "string"}}}},
                        **_CACHED,
                    },
                }
            },
            "/api/v1/indicators/{id}.metadata.json": {
                "get": {
                    "summary": "Definition, unit, method notes, flags legend, sources (citation, licence, URL, "
                    "retrieval time, sha256), snapshot id and date",
                    "parameters": [_ID, _LANG, _SNAPSHOT],
                    "responses": {"200": _json_ok("Metadata", _METADATA), **_CACHED},
                }
            },
            "/api/v1/snapshots": {
                "get": {
                    "summary": "Kept snapshots, newest first, with values added, removed and revised per indicator "
                    "since the one before",
                    "responses": {"200": _json_ok("Snapshots", _SNAPSHOTS), "304": _CACHED["304"]},
                }
            },
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": _json_ok("OpenAPI")}}},
        },
    }
