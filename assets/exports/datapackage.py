"""A Frictionless data package of the published snapshot (`caei export --table datapackage --out DIR`).

DIR/datapackage.json describes every CSV beside it with a Table Schema (types, units, descriptions, keys) and says,
per resource, where its values come from and under which licence. Values are split into one resource per licence,
so each resource carries exactly its sources' licence: a non-commercial one (CC BY-NC 4.0, AirData.kz) is named in
its resource's title and description, and a source that states no licence is said to have none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from assets.published import open_data as od

PROFILE = "tabular-data-package"


@dataclass(frozen=True)
class Table:
    """One kind of table: its rows (SQL over the snapshot, with source_id), what it is, and its fields."""

    name: str
    title: str
    sql: str
    fields: tuple[tuple[str, str, str], ...]  # (name, Table Schema type, description)
    primary_key: tuple[str, ...]


VALUES = Table(
    name="indicator_values",
    title="Indicator values",
    sql="""
        SELECT v.indicator_id, v.geo_id, v.year, v.value, v.unit, coalesce(v.flags, '') AS flag_codes, v.source_id
        FROM indicator_values v WHERE v.value IS NOT NULL ORDER BY ALL
    """,
    fields=(
        ("indicator_id", "string", "Indicator (indicators.csv)"),
        ("geo_id", "string", "Place: ISO 3166 alpha-3 code, CA5 for Central Asia (the five countries), ARAL, CASPIAN"),
        ("year", "integer", "Year"),
        ("value", "number", "The value, in the unit of the column unit"),
        ("unit", "string", "Unit of the value (units.csv)"),
        ("flag_codes", "string", "';'-joined flags of the value (flags.csv); empty when none"),
        ("source_id", "string", "Source of the value (sources.csv)"),
    ),
    primary_key=("indicator_id", "geo_id", "year"),
)
AIR = Table(
    name="air_observations",
    title="Air quality: daily values by city and pollutant",
    sql="""
        SELECT city_id, pollutant, date, value, unit, statistic, coalesce(flags, '') AS flag_codes, source_id
        FROM air_observations WHERE value IS NOT NULL ORDER BY ALL
    """,
    fields=(
        ("city_id", "string", "City or place (air_cities in the dashboard)"),
        ("pollutant", "string", "Pollutant: pm25, pm10, no2, so2"),
        ("date", "date", "Day"),
        ("value", "number", "The daily value, in the unit of the column unit"),
        ("unit", "string", "Unit of the value (units.csv)"),
        ("statistic", "string", "daily_mean or daily_median of the hourly readings"),
        ("flag_codes", "string", "';'-joined flags of the value (flags.csv); empty when none"),
        ("source_id", "string", "Source of the value (sources.csv)"),
    ),
    primary_key=("source_id", "city_id", "pollutant", "date"),
)
# The product's own descriptions of the values: what the codes in the value tables mean.
CATALOGUES = (
    ("indicators", "SELECT * FROM indicators ORDER BY indicator_id", "The indicator catalogue (names, definitions)"),
    ("units", "SELECT * FROM units ORDER BY unit", "Units and their labels in ru, en, kk"),
    ("flags", "SELECT * FROM flags ORDER BY flag", "Flags: kind and words in ru, en, kk"),
    (
        "sources",
        "SELECT source_id, title, publisher, licence, citation, public_url FROM sources ORDER BY source_id",
        "Sources: citation, licence and public address",
    ),
    ("licences", "SELECT * FROM licences ORDER BY licence", "What each licence lets users do"),
)
TYPES = {
    pl.String: "string",
    pl.Int32: "integer",
    pl.Int64: "integer",
    pl.Float64: "number",
    pl.Boolean: "boolean",
    pl.Date: "date",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def licence_entry(row: dict[str, Any]) -> dict[str, Any]:
    """A Data Package `licenses` entry (name is the licence's identifier, path its text's address)."""
    entry = {"name": row["licence_id"], "title": row["licence"] or "No licence stated"}
    if row.get("licence_url"):
        entry["path"] = row["licence_url"]
    return entry


def _schema(table: Table, units: list[str]) -> dict[str, Any]:
    fields = []
    for name, kind, description in table.fields:
        field: dict[str, Any] = {"name": name, "type": kind, "description": description}
        if name == "unit":
            field["constraints"] = {"enum": units}
        if name in table.primary_key:
            field.setdefault("constraints", {})["required"] = True
        fields.append(field)
    return {"fields": fields, "primaryKey": list(table.primary_key), "missingValues": [""]}


def _value_resources(con: duckdb.DuckDBPyConnection, table: Table, out: Path) -> list[dict[str, Any]]:
    rows = con.execute(table.sql).pl()
    sources = pl.DataFrame(con.execute(od.SOURCES_SQL, [rows["source_id"].unique().to_list()]).pl())
    rows = rows.join(sources.select("source_id", "licence_id"), on="source_id", how="left")
    resources = []
    for (licence_id,), part in rows.partition_by("licence_id", as_dict=True, maintain_order=True).items():
        its_sources = sources.filter(pl.col("licence_id") == licence_id)
        licence = its_sources.row(0, named=True)
        name = f"{table.name}_{slug(str(licence_id))}"
        path = f"{name}.csv"
        part = part.drop("licence_id")
        units = sorted(part["unit"].unique().to_list())
        part.write_csv(out / path)
        label = licence["licence"] if licence["licence_stated"] else "no licence stated"
        under = f"under {label}" if licence["licence_stated"] else "that state no licence"
        # Each licence text of the resource's sources with what it lets users do (a group without a stated
        # licence can hold several texts, each with its own terms).
        terms = its_sources.select("licence", "terms_en").unique(maintain_order=True).iter_rows()
        said = " ".join(f"{text or 'No licence stated'}: {words}" for text, words in terms)
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "title": f"{table.title} — {label}",
                "description": f"{table.title} from sources {under}. {said}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [licence_entry(licence)] if licence["licence_stated"] else [],
                "sources": [
                    {"title": s["title"], "path": s["public_url"] or "", "description": s["citation"] or ""}
                    for s in its_sources.to_dicts()
                ],
                "schema": _schema(table, units),
            }
        )
    return resources


def _catalogue_resource(con: duckdb.DuckDBPyConnection, name: str, sql: str, title: str, out: Path) -> dict[str, Any]:
    frame = con.execute(sql).pl()
    frame.write_csv(out / f"{name}.csv")
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "title": title,
        "description": f"{title}: the CAEI project's own catalogue, published with every snapshot.",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [{"name": c, "type": TYPES.get(t.base_type(), "string")} for c, t in frame.schema.items()],
            "missingValues": [""],
        },
    }


def write_datapackage(con: duckdb.DuckDBPyConnection, out: Path) -> list[Path]:
    """Write datapackage.json and its CSVs into the folder `out` (made if missing); returns the files."""
    out.mkdir(exist_ok=True)
    snapshot_id, created_at = con.execute(od.SNAPSHOT_SQL).fetchone() or ("", None)
    resources = [*_value_resources(con, VALUES, out), *_value_resources(con, AIR, out)]
    resources += [_catalogue_resource(con, name, sql, title, out) for name, sql, title in CATALOGUES]
    package = {
        "profile": PROFILE,
        "name": "caei-central-asia-environmental-indicators",
        "title": "Central Asia Environmental Indicators (CAEI)",
        "description": (
            "Environmental indicators of Central Asia from the published CAEI snapshot. Each value resource holds "
            "the values of sources under one licence, named in its licenses and description: values under a "
            "non-commercial licence may not be used commercially, and sources that state no licence grant no "
            "right of reuse."
        ),
        "version": str(snapshot_id),
        "created": created_at.strftime("%Y-%m-%dT%H:%M:%SZ") if created_at else None,
        "keywords": ["Central Asia", "environment", "indicators", "SDG"],
        "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
    return [out / "datapackage.json", *(out / r["path"] for r in resources)]


def write_datapackage_export(con: duckdb.DuckDBPyConnection, fmt: str, lang: str, out: Path) -> list[Path]:
    """The exports registry's writer: `out` is the package's folder (descriptions are in English, names in the
    catalogue resources in ru, en and kk, so `lang` changes nothing)."""
    return write_datapackage(con, out)
