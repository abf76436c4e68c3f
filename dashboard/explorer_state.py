"""The indicator explorer without Dash: its URL state, the rows it shows, and the files it offers.

The state lives in the query string (`?lang=ru&indicator=co2_per_capita&geo=KAZ,UZB&from=2000&to=2023&year=2023`),
so a link reproduces the view. Every value from a URL is validated against the snapshot before use.
The download is built from the very rows the table shows, with the metadata conventions of assets/exports/export.py
(unit, source, licence, retrieval, snapshot id) and its formula neutralisation.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import polars as pl

from assets.exports.cells import for_readers
from assets.exports.csv_files import table_csv_bytes
from assets.exports.export import LANGUAGES
from assets.exports.sources import no_local_paths
from assets.exports.xlsx import write_workbook

DOWNLOAD_FORMATS = ("csv", "xlsx")
# Without years in the URL the explorer opens on the last quarter century: long series (CO₂ from 1830)
# stay one click away, and the first page stays light.
DEFAULT_SPAN_YEARS = 25
# The table under the charts: `wide` (a row per year, a column per place: how a briefing sets numbers side by
# side) or `long` (a row per place and year, with unit and notes: how the download is laid out).
TABLE_VIEWS = ("wide", "long")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExplorerState:
    indicator_id: str
    geo_ids: tuple[str, ...]
    year_from: int
    year_to: int
    year: int  # the year of the bar chart and the map
    table: str = TABLE_VIEWS[0]

    def query_string(self, lang: str) -> str:
        return "?" + urlencode(
            {
                "lang": lang,
                "indicator": self.indicator_id,
                "geo": ",".join(self.geo_ids),
                "from": self.year_from,
                "to": self.year_to,
                "year": self.year,
                "table": self.table,
            }
        )


def _first(value: object) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _year(value: object) -> int | None:
    text = _first(value) if not isinstance(value, int) else str(value)
    return int(text) if text is not None and text.strip().lstrip("-").isdigit() else None


def parse_state(
    query: Mapping[str, object],
    indicator_ids: Sequence[str],
    allowed_geo_ids: Sequence[str],
    default_geo_ids: Sequence[str],
    years_of: Callable[[str], Sequence[int]],
) -> ExplorerState | None:
    """The explorer state asked for in a query string, with every unknown part replaced by a default.

    `years_of(indicator_id)` gives the years with values of an indicator. Returns None when the snapshot has
    no indicator at all.
    """
    if not indicator_ids:
        return None
    asked = _first(query.get("indicator"))
    indicator_id = asked if asked is not None and asked in indicator_ids else indicator_ids[0]
    geo_text = query.get("geo")
    if isinstance(geo_text, (list, tuple)):
        geo_text = ",".join(str(g) for g in geo_text)
    asked_geos = [g.strip().upper() for g in str(geo_text or "").split(",") if g.strip()]
    geo_ids = tuple(dict.fromkeys(g for g in asked_geos if g in allowed_geo_ids)) or tuple(default_geo_ids)
    years = years_of(indicator_id) or [0]
    first, last = min(years), max(years)
    year_from = _clamp(_year(query.get("from")), first, last, max(first, last - DEFAULT_SPAN_YEARS + 1))
    year_to = _clamp(_year(query.get("to")), first, last, last)
    if year_from > year_to:
        year_from, year_to = year_to, year_from
    year = _year(query.get("year"))
    if year is None or year not in years:
        year = max(y for y in years if y <= year_to) if any(y <= year_to for y in years) else last
    table = _first(query.get("table"))
    return ExplorerState(indicator_id, geo_ids, year_from, year_to, year, table if table in TABLE_VIEWS else "wide")


def _clamp(value: int | None, low: int, high: int, default: int) -> int:
    if value is None:
        return default
    return max(low, min(high, value))


def shown_rows(series: pl.DataFrame, state: ExplorerState) -> pl.DataFrame:
    """The rows the line chart and the table show: the chosen places, years from..to."""
    return series.filter(
        pl.col("geo_id").is_in(list(state.geo_ids)) & pl.col("year").is_between(state.year_from, state.year_to)
    ).sort("geo_id", "year")


def wide_rows(shown: pl.DataFrame, places: Sequence[str]) -> pl.DataFrame:
    """The shown rows as a table with a row per year and, per place of `places` (in that order) that has a value,
    a column of values and one of flags (`<place>` and `<place>__flags`)."""
    present = [p for p in places if p in set(shown["geo_id"].to_list())]
    if not present:
        return pl.DataFrame({"year": []}, schema={"year": pl.Int64})
    values = shown.pivot(on="geo_id", index="year", values="value", aggregate_function="first")
    flags = shown.pivot(on="geo_id", index="year", values="flags", aggregate_function="first").rename(
        {p: f"{p}__flags" for p in present}
    )
    return values.join(flags, on="year").sort("year").select("year", *present, *[f"{p}__flags" for p in present])


def single_point(shown: pl.DataFrame) -> bool:
    """True when the rows shown hold one year only: a line over one year is a number, not a chart."""
    return shown.height > 0 and shown["year"].n_unique() == 1


def year_rows(series: pl.DataFrame, state: ExplorerState) -> pl.DataFrame:
    """The rows of the bar chart and the map: the chosen places in the chosen year."""
    return series.filter(pl.col("geo_id").is_in(list(state.geo_ids)) & (pl.col("year") == state.year)).sort("geo_id")


def download_frames(
    shown: pl.DataFrame,
    indicator: Mapping,
    unit_label: str,
    geo_names: Mapping[str, str],
    sources_by_id: Mapping[str, Mapping],
    provenance_by_id: Mapping[str, Mapping],
    snapshot: Mapping,
    state: ExplorerState,
    lang: str,
    indicator_name: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(data, metadata) of exactly the rows shown, with localised headers; text cells neutralised."""
    data = pl.DataFrame(
        {
            "indicator_id": [state.indicator_id] * shown.height,
            "indicator": [indicator_name] * shown.height,
            "geo_id": shown["geo_id"].to_list(),
            "geo": [geo_names.get(g, g) for g in shown["geo_id"]],
            "year": shown["year"].to_list(),
            "value": shown["value"].to_list(),
            "unit": [unit_label] * shown.height,
            "source_id": shown["source_id"].to_list(),
            "flags": shown["flags"].to_list(),
        },
        schema={
            "indicator_id": pl.String,
            "indicator": pl.String,
            "geo_id": pl.String,
            "geo": pl.String,
            "year": pl.Int64,
            "value": pl.Float64,
            "unit": pl.String,
            "source_id": pl.String,
            "flags": pl.String,
        },
    )
    source_ids = list(dict.fromkeys(shown["source_id"].to_list())) or [indicator.get("source_id")]
    meta_rows = []
    for source_id in source_ids:
        source = sources_by_id.get(source_id, {})
        provenance = provenance_by_id.get(source_id, {})
        meta_rows.append(
            {
                "indicator_id": state.indicator_id,
                "indicator": indicator_name,
                "definition": indicator.get(f"definition_{lang}")
                or indicator.get("definition_ru")
                or indicator.get("definition_en"),
                "unit": unit_label,
                "source_id": source_id,
                "source": source.get("title"),
                "citation": source.get("citation"),
                "licence": source.get("licence"),
                "public_url": source.get("public_url"),
                "retrieved_from": provenance.get("url"),
                "retrieved_at": provenance.get("retrieved_at"),
                "sha256": provenance.get("sha256"),
                "snapshot_id": snapshot.get("snapshot_id"),
                "snapshot_date": snapshot["created_at"].strftime("%Y-%m-%d %H:%M UTC")
                if snapshot.get("created_at")
                else None,
                "geo_id": ",".join(state.geo_ids),
                "year": f"{state.year_from}-{state.year_to}",
            }
        )
    meta = pl.DataFrame(meta_rows, schema={k: pl.String for k in meta_rows[0]})
    header_lang = lang if lang in LANGUAGES else "ru"
    # the exports' shared step: flags in words with their codes beside them, NaN and infinities in words
    # a mirror's local path (file:///...) is said in words, never shown
    return for_readers(data, header_lang), for_readers(no_local_paths(meta, header_lang), header_lang)


def to_csv_bytes(data: pl.DataFrame, meta: pl.DataFrame, dialect: str = "rfc4180") -> bytes:
    """One CSV (UTF-8 with BOM, for spreadsheet programs) in the exports' dialect: the data, an empty line, then
    the metadata."""
    return table_csv_bytes(data, dialect) + b"\n" + table_csv_bytes(meta, dialect).removeprefix(b"\xef\xbb\xbf")


def to_xlsx_bytes(data: pl.DataFrame, meta: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, {"data": data, "metadata": meta})
    return buffer.getvalue()
