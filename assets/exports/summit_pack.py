"""The Summit 2026 indicator pack: one sheet per direction, sources and notes (XLSX, or a zip of CSV tables)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import duckdb
import polars as pl

from assets.common.geography import AREAS, REGION_ID
from assets.exports.cells import flags_in_words
from assets.exports.funding import _read, snapshot_stamp, sources_sheet
from assets.exports.headers import localise_headers
from assets.exports.xlsx import neutralise_formulas, write_workbook

TREND_YEARS = 10  # the trend compares the latest value with the value about ten years earlier
TREND_WORDS = {
    "ru": {"up": "рост", "down": "снижение", "flat": "без изменений"},
    "en": {"up": "up", "down": "down", "flat": "no change"},
}
NO_DATA = {
    "ru": "Для этого направления в каталоге нет показателей с данными: данных нет.",
    "en": "This direction has no catalogue indicator with data: no data.",
}
PACK_NOTES = {
    "ru": [
        "Последнее значение — последний год с фактическими данными (прогнозы не используются).",
        f"Тенденция сравнивает последнее значение со значением примерно за {TREND_YEARS} лет до него "
        "(ближайший более ранний год).",
        "Значение по Центральной Азии (CA5): суммы — только когда есть данные всех пяти стран; средние, "
        "взвешенные по населению, — при охвате не менее 80 % населения пяти стран; отсутствующая страна не "
        "считается нулём.",
        "Показатели направлений берутся из каталога показателей (seeds/indicators.csv); "
        "направление без данных так и помечено.",
        "Климатическое финансирование OECD CRS (маркеры Рио) — верхняя оценка.",
        "Аральское и Каспийское моря (направление 4) — водные объекты, а не страны. Два ряда уровня Каспия "
        "даны в разных системах высот (DAHITI и Балтийская) и никогда не объединяются.",
        "Отметки словами повторяют оговорки источника и проверок рядом со значением (например, низкое качество "
        "по оценке источника, уровень казахстанской части моря).",
    ],
    "en": [
        "Latest value = the latest year with observed data (projections are not used).",
        f"The trend compares the latest value with the value about {TREND_YEARS} years earlier "
        "(the nearest earlier year).",
        "The Central Asia value (CA5): sums only when all five countries have a value; population-weighted "
        "means when the covered countries hold at least 80 % of the five's population; a missing country is "
        "never counted as zero.",
        "Each direction's indicators come from the indicator catalogue (seeds/indicators.csv); "
        "a direction without data says so.",
        "OECD CRS climate-related finance (Rio markers) is an upper bound.",
        "The Aral Sea and the Caspian Sea (direction 4) are water bodies, not countries. The two Caspian level "
        "series use different height systems (DAHITI and Baltic) and are never combined.",
        "Flags in words repeat the caveats of the source and of the checks beside the value (e.g. lower quality "
        "by the source's own account, the level of the Kazakh part of the sea).",
    ],
}


def _trend(change: pl.Expr, lang: str) -> pl.Expr:
    words = TREND_WORDS[lang]
    return (
        pl.when(change > 0)
        .then(pl.lit(words["up"]))
        .when(change < 0)
        .then(pl.lit(words["down"]))
        .when(change == 0)
        .then(pl.lit(words["flat"]))
    )


def latest_and_trend(values: pl.DataFrame) -> pl.DataFrame:
    """Per indicator and area: the latest value and year, and the value about TREND_YEARS earlier."""
    observed = values.filter(~pl.col("flags").fill_null("").str.contains("projection"))
    latest = (
        observed.sort("year")
        .group_by("indicator_id", "geo_id")
        .agg(latest_year=pl.col("year").last(), latest_value=pl.col("value").last(), flags=pl.col("flags").last())
    )
    earlier = (
        observed.join(latest.select("indicator_id", "geo_id", "latest_year"), on=["indicator_id", "geo_id"])
        .filter(pl.col("year") <= pl.col("latest_year") - TREND_YEARS)
        .sort("year")
        .group_by("indicator_id", "geo_id")
        .agg(earlier_year=pl.col("year").last(), earlier_value=pl.col("value").last())
    )
    return latest.join(earlier, on=["indicator_id", "geo_id"], how="left").with_columns(
        change=pl.col("latest_value") - pl.col("earlier_value")
    )


def summit_pack_tables(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, pl.DataFrame]:
    """The pack's tables: one per direction, then sources and notes; every table names the snapshot."""
    snapshot_id, snapshot_date = snapshot_stamp(con)
    directions = _read(
        con, f"SELECT CAST(direction AS INTEGER) AS direction, title_{lang} AS title FROM summit_directions ORDER BY 1"
    )
    links = _read(
        con,
        f"""
        SELECT l.direction, l.indicator_id, i.name_{lang} AS indicator, u.label_{lang} AS unit, i.source_id
        FROM summit_direction_indicators l JOIN indicators i USING (indicator_id) LEFT JOIN units u ON u.unit = i.unit
        ORDER BY l.direction, l.is_headline DESC, l.indicator_id
    """,
    )
    # The seas (Aral, Caspian) are water bodies, not countries: their indicators (direction 4) are listed after
    # the areas; each Caspian datum is its own indicator, so the two series stay apart.
    seas = _read(con, "SELECT geo_id FROM geographies WHERE kind = 'water_body' ORDER BY geo_id")["geo_id"].to_list()
    values = _read(
        con,
        "SELECT indicator_id, geo_id, year, value, flags FROM indicator_values WHERE geo_id IN (SELECT unnest(?))",
        [[*AREAS, *seas]],
    )
    coverage = _read(
        con,
        """
        SELECT indicator_id, year AS latest_year, coverage_pop_share, covered_iso3 FROM region_aggregates
        UNION ALL
        SELECT i.indicator_id, c.year, c.coverage_pop_share, c.covered_iso3
        FROM funding_crs_coverage c
        CROSS JOIN (SELECT DISTINCT indicator_id FROM indicator_values WHERE source_id = 'oecd_crs_climate') i
    """,
    ).with_columns(geo_id=pl.lit(REGION_ID), latest_year=pl.col("latest_year").cast(pl.Int32))
    names = _read(con, f"SELECT geo_id, name_{lang} AS geo FROM geographies")
    summary = (
        latest_and_trend(values)
        .join(coverage, on=["indicator_id", "geo_id", "latest_year"], how="left")
        .join(names, on="geo_id", how="left")
    )
    places = [*AREAS, *seas]
    area_order = pl.DataFrame({"geo_id": places, "area_order": list(range(len(places)))})
    tables: dict[str, pl.DataFrame] = {}
    stamp = {"snapshot_id": pl.lit(snapshot_id), "snapshot_date": pl.lit(snapshot_date)}
    for direction, title in directions.iter_rows():
        mine = links.filter(pl.col("direction") == direction)
        table = (
            mine.join(summary, on="indicator_id", how="inner")
            .join(area_order, on="geo_id")
            .sort(
                pl.col("indicator_id").replace_strict({i: n for n, i in enumerate(mine["indicator_id"])}, default=999),
                "area_order",
            )
        )
        if table.is_empty():
            table = pl.DataFrame(
                {"direction": [direction], "note": [NO_DATA[lang]]}, schema={"direction": pl.Int32, "note": pl.String}
            ).with_columns(**stamp)
        else:
            table = table.select(
                "direction",
                "indicator_id",
                "indicator",
                "unit",
                "geo_id",
                "geo",
                "latest_year",
                "latest_value",
                "earlier_year",
                "earlier_value",
                "change",
                trend=_trend(pl.col("change"), lang),
                coverage_pop_share="coverage_pop_share",
                covered_iso3="covered_iso3",
                flags="flags",
                source_id="source_id",
            ).with_columns(**stamp)
        tables[f"{direction}. {title}"] = table
    used = sorted(set(links["source_id"].drop_nulls()))
    tables["sources"] = sources_sheet(con, used).with_columns(**stamp)
    tables["notes"] = pl.DataFrame({"note": PACK_NOTES[lang]}).with_columns(**stamp)
    return tables


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip()
    candidate, n = clean, 2
    while candidate.lower() in taken:
        candidate = f"{clean[:28]} {n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def write_summit_pack(con: duckdb.DuckDBPyConnection, fmt: str, lang: str, out: Path) -> list[Path]:
    """XLSX: one sheet per direction, a sources sheet and a notes sheet. CSV: a zip of the same tables."""
    if lang not in PACK_NOTES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(PACK_NOTES)}")
    tables = {
        name: neutralise_formulas(flags_in_words(localise_headers(t, "summit_pack", lang), lang))
        for name, t in summit_pack_tables(con, lang).items()
    }
    out = Path(out)
    if fmt == "xlsx":
        taken: set[str] = set()
        write_workbook(out, {sheet_name(name, taken): table for name, table in tables.items()})
        return [out]
    if fmt == "csv":
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for n, (name, table) in enumerate(tables.items()):
                # ASCII member names: zip tools differ in how they decode other characters.
                member = (
                    f"{n:02d}_{name}.csv"
                    if name in ("sources", "notes")
                    else f"{n:02d}_direction_{name.split('.')[0]}.csv"
                )
                buffer = io.BytesIO()
                table.write_csv(buffer, include_bom=True)
                archive.writestr(member, buffer.getvalue())
        return [out]
    raise ValueError(f"unknown format {fmt!r}; choose csv or xlsx")


def export_summit_pack(
    con: duckdb.DuckDBPyConnection, lang: str, year: int | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The pack as one table (all directions stacked) and its sources, for the generic single-table export."""
    tables = summit_pack_tables(con, lang)
    directions = [t for name, t in tables.items() if name not in ("sources", "notes")]
    data = pl.concat(directions, how="diagonal")
    meta = pl.concat([tables["sources"], tables["notes"]], how="diagonal")
    return localise_headers(data, "summit_pack", lang), localise_headers(meta, "summit_pack", lang)
