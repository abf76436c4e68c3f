"""The summit pack laid out for people: per direction, indicators as rows and places side by side (latest value,
its year, the year compared with, the change in units and in %), numbers rounded as they are displayed, flags in
words; a long data table at full precision; sources and notes in the pack's language. Pure polars: the frames
here are written by pack_files.py (XLSX sheets or a zip of CSV files)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from assets.common.flags import flag_words
from assets.exports.cells import nonfinite_in_words
from assets.exports.headers import catalogue_words
from assets.exports.summit_pack import TREND_YEARS, Direction, Pack, _trend
from assets.exports.xlsx import neutralise_formulas

# The figures shown per place on a direction sheet, in order.
MEASURES = ("value", "year", "since", "change", "change_pct")
CHANGE_PCT_DECIMALS = 1


def words(key: str, lang: str, **fields: object) -> str:
    """A phrase of the pack (exports catalogue, msgctxt `pack`) in `lang`, its {fields} filled."""
    text = catalogue_words("pack", key, lang)
    return text.format(**fields) if fields else text


def decimals_for(values: Sequence[float | None]) -> int:
    """Decimals a row is shown with: about three significant figures of its largest value, whole numbers as such."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return 0
    if all(float(v).is_integer() for v in finite):
        return 0
    largest = max(finite)
    if largest >= 100:
        return 0
    if largest >= 10:
        return 1
    if largest >= 1:
        return 2
    return 3


def sheet_places(direction: Direction, pack: Pack) -> list[str]:
    """The five countries and Central Asia always; a sea only when the direction has a value for it."""
    present = set(direction.values["geo_id"]) if not direction.values.is_empty() else set()
    return [p for n, p in enumerate(pack.places) if n < 6 or p in present]


def place_flags(rows: pl.DataFrame, pack: Pack) -> str:
    """Flags of one indicator row in words, each after the place it concerns ("Kazakhstan: estimate")."""
    said = [
        f"{pack.places.get(geo, geo)}: {flag_words(flags, pack.lang)}"
        for geo, flags in rows.select("geo_id", "flags").iter_rows()
        if flags
    ]
    return "; ".join(said)


Row = dict[str | tuple[str, str], object]  # "indicator", "unit", "flags", and (place, measure) -> value


def direction_rows(direction: Direction, pack: Pack) -> tuple[list[str], list[Row], list[int]]:
    """A direction's people table: places in column order, one dict per indicator (indicator, unit, per place its
    MEASURES keyed (place, measure), flags), and each row's decimals. Values are rounded as they will be shown."""
    places = sheet_places(direction, pack)
    rows: list[Row] = []
    decimals: list[int] = []
    if direction.values.is_empty():
        return places, rows, decimals
    for (_indicator_id,), part in direction.values.group_by("indicator_id", maintain_order=True):
        by_place = {r["geo_id"]: r for r in part.iter_rows(named=True)}
        digits = decimals_for([r["latest_value"] for r in by_place.values()])
        row: Row = {"indicator": part["indicator"][0], "unit": part["unit"][0]}
        for place in places:
            r = by_place.get(place)
            row[(place, "value")] = _round(r and r["latest_value"], digits)
            row[(place, "year")] = r and r["latest_year"]
            row[(place, "since")] = r and r["earlier_year"]
            row[(place, "change")] = _round(r and r["change"], digits)
            row[(place, "change_pct")] = _round(r and r["change_pct"], CHANGE_PCT_DECIMALS)
        row["flags"] = place_flags(part, pack)
        rows.append(row)
        decimals.append(digits)
    return places, rows, decimals


def _round(value: object, digits: int) -> float | None:
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return round(float(value), digits) + 0.0  # + 0.0: no negative zero ("-0") after rounding


def flat_direction(direction: Direction, pack: Pack) -> pl.DataFrame:
    """The direction table with one header row ("Kazakhstan: Value"), for CSV; rounded as on the sheet."""
    lang = pack.lang
    places, rows, _ = direction_rows(direction, pack)
    if not rows:
        return pl.DataFrame({words("note", lang): [words("no_data", lang)]})
    columns: dict[str, list[object]] = {words("indicator", lang): [], words("unit", lang): []}
    for place in places:
        for measure in MEASURES:
            columns[f"{pack.places[place]}: {words(measure, lang)}"] = []
    columns[words("flags", lang)] = []
    for row in rows:
        values = [row["indicator"], row["unit"]]
        values += [row[(p, m)] for p in places for m in MEASURES]
        values.append(row["flags"])
        for column, value in zip(columns, values, strict=True):
            columns[column].append(value)
    schema = {
        c: (
            pl.Int32
            if c.endswith(f": {words('year', lang)}") or c.endswith(f": {words('since', lang)}")
            else pl.Float64
        )
        for c in list(columns)[2:-1]
    }
    frame = pl.DataFrame(columns, schema={c: schema.get(c, pl.String) for c in columns})
    return neutralise_formulas(frame)


def data_table(pack: Pack) -> pl.DataFrame:
    """The long table at full precision: one row per direction, indicator and place, headed in the language."""
    lang = pack.lang
    parts = [d.values for d in pack.directions if not d.values.is_empty()]
    if not parts:
        return pl.DataFrame()
    long = pl.concat(parts, how="diagonal")
    titles = dict(pack.sources.select("source_id", "title").iter_rows())
    frame = long.select(
        pl.col("direction").alias(words("direction", lang)),
        pl.col("indicator").alias(words("indicator", lang)),
        pl.col("unit").alias(words("unit", lang)),
        pl.col("geo").alias(words("place", lang)),
        pl.col("latest_year").alias(words("year", lang)),
        pl.col("latest_value").alias(words("value", lang)),
        pl.col("earlier_year").alias(words("since", lang)),
        pl.col("earlier_value").alias(words("earlier_value", lang)),
        pl.col("change").alias(words("change", lang)),
        pl.col("change_pct").alias(words("change_pct", lang)),
        _trend(pl.col("change"), lang).alias(words("trend", lang)),
        pl.col("coverage_pop_share").alias(words("coverage", lang)),
        pl.col("flags")
        .map_elements(lambda f: flag_words(f, lang), return_dtype=pl.String)
        .fill_null("")
        .alias(words("flags", lang)),
        pl.col("source_id").replace_strict(titles, default=None).alias(words("source", lang)),
    )
    return nonfinite_in_words(neutralise_formulas(frame), lang)


def sources_table(pack: Pack) -> pl.DataFrame:
    columns = (
        "title",
        "original_title",
        "publisher",
        "licence",
        "citation",
        "public_url",
        "retrieved_at",
        "sha256",
        "read_from",
    )
    frame = pack.sources.select(pl.col(c).alias(words(c, pack.lang)) for c in columns)
    return neutralise_formulas(frame)


def notes_table(pack: Pack) -> pl.DataFrame:
    lang = pack.lang
    notes = [*pack.notes, words("snapshot_note", lang, id=pack.snapshot_id, date=pack.snapshot_date)]
    return pl.DataFrame({words("note", lang): notes})


def direction_title_rows(direction: Direction, pack: Pack) -> list[str]:
    """The three title rows of a direction sheet: the direction, the snapshot date, what the sheet holds."""
    lang = pack.lang
    seas = len(sheet_places(direction, pack)) > 6
    return [
        words("title_direction", lang, n=direction.number, title=direction.title),
        words("title_snapshot", lang, date=pack.snapshot_date),
        words("title_holds", lang, seas=words("title_seas", lang) if seas else "", years=TREND_YEARS),
    ]


def sheet_names(pack: Pack) -> dict[str, str]:
    """Short sheet names of whole words (at most 31 characters, as spreadsheets allow), by part of the pack."""
    names = {f"direction_{d.number}": words(f"sheet_{d.number}", pack.lang)[:31] for d in pack.directions}
    names |= {part: words(f"sheet_{part}", pack.lang)[:31] for part in ("data", "sources", "notes")}
    return names
