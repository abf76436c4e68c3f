"""The Summit 2026 indicator pack's content: per direction the latest values of its indicators in the five
countries, Central Asia and (direction 4) the seas, with the change over about ten years; its sources and notes.
How it is laid out for people (sheets, CSV zip) is in pack_layout.py and pack_files.py."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from assets.common.geography import AREAS, REGION_ID
from assets.exports.funding import _read, snapshot_stamp
from assets.exports.sources import source_list

TREND_YEARS = 10  # the trend compares the latest value with the value about ten years earlier
TREND_WORDS = {
    "ru": {"up": "рост", "down": "снижение", "flat": "без изменений"},
    "en": {"up": "up", "down": "down", "flat": "no change"},
    "kk": {"up": "өсу", "down": "төмендеу", "flat": "өзгеріссіз"},
}
PACK_NOTES = {
    "ru": [
        "Последнее значение — последний год с фактическими данными (прогнозы не используются).",
        f"Изменение сравнивает последнее значение со значением примерно за {TREND_YEARS} лет до него "
        "(ближайший более ранний год, указан в столбце «в сравнении с»); в процентах — от значения того года.",
        "Значение по Центральной Азии: суммы — только когда есть данные всех пяти стран; средние, "
        "взвешенные по населению, — при охвате не менее 80 % населения пяти стран; отсутствующая страна не "
        "считается нулём.",
        "Показатели направлений берутся из каталога показателей проекта; направление без данных так и помечено.",
        "Числа на листах направлений округлены так, как показаны; полная точность — на листе «Данные».",
        "Климатическое финансирование OECD CRS (маркеры Рио) — верхняя оценка.",
        "Аральское и Каспийское моря (направление 4) — водные объекты, а не страны. Два ряда уровня Каспия "
        "даны в разных системах высот (DAHITI и Балтийская) и никогда не объединяются.",
        "Отметки словами повторяют оговорки источника и проверок рядом со значением (например, низкое качество "
        "по оценке источника, уровень казахстанской части моря).",
    ],
    "en": [
        "Latest value = the latest year with observed data (projections are not used).",
        f"The change compares the latest value with the value about {TREND_YEARS} years earlier "
        "(the nearest earlier year, given in the column 'compared with'); in % of that year's value.",
        "The Central Asia value: sums only when all five countries have a value; population-weighted "
        "means when the covered countries hold at least 80 % of the five's population; a missing country is "
        "never counted as zero.",
        "Each direction's indicators come from the project's indicator catalogue; a direction without data says so.",
        "Numbers on the direction sheets are rounded as displayed; full precision is on the 'Data' sheet.",
        "OECD CRS climate-related finance (Rio markers) is an upper bound.",
        "The Aral Sea and the Caspian Sea (direction 4) are water bodies, not countries. The two Caspian level "
        "series use different height systems (DAHITI and Baltic) and are never combined.",
        "Flags in words repeat the caveats of the source and of the checks beside the value (e.g. lower quality "
        "by the source's own account, the level of the Kazakh part of the sea).",
    ],
    "kk": [
        "Соңғы мән — нақты деректері бар соңғы жыл (болжамдар пайдаланылмайды).",
        f"Өзгеріс соңғы мәнді шамамен {TREND_YEARS} жыл бұрынғы мәнмен салыстырады (ең жақын ертерек жыл, "
        "«салыстырылған жыл» бағанында көрсетілген); пайызбен — сол жылғы мәннен.",
        "Орталық Азия бойынша мән: қосындылар — бес елдің бәрінде дерек болғанда ғана; халық санымен "
        "өлшенген орташа мәндер — бес ел халқының кемінде 80 %-ы қамтылғанда; жоқ ел нөл деп есептелмейді.",
        "Бағыттардың көрсеткіштері жобаның көрсеткіштер каталогынан алынады; деректері жоқ бағыт солай белгіленеді.",
        "Бағыт парақтарындағы сандар көрсетілгендей дөңгелектенген; толық дәлдік — «Деректер» парағында.",
        "OECD CRS климаттық қаржыландыруы (Рио маркерлері) — жоғарғы бағалау.",
        "Арал және Каспий теңіздері (4-бағыт) — елдер емес, су объектілері. Каспий деңгейінің екі қатары "
        "әртүрлі биіктік жүйелерінде (DAHITI және Балтық) берілген және ешқашан біріктірілмейді.",
        "Сөзбен берілген белгілер мәннің жанында дереккөз бен тексерулердің ескертпелерін қайталайды (мысалы, "
        "дереккөздің өз бағасы бойынша төмен сапа, теңіздің қазақстандық бөлігінің деңгейі).",
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


@dataclass(frozen=True)
class Direction:
    number: int
    title: str
    values: pl.DataFrame  # one row per indicator and place: latest value, comparison, change, flags (codes)


@dataclass(frozen=True)
class Pack:
    lang: str
    snapshot_id: str
    snapshot_date: str
    directions: list[Direction]
    places: dict[str, str]  # geo_id -> name in the language, in column order (five countries, CA5, the seas)
    sources: pl.DataFrame
    notes: list[str]


def with_change_pct(summary: pl.DataFrame) -> pl.DataFrame:
    """The change in % of the comparison value; none when that value is zero (no percentage of nothing)."""
    base = pl.col("earlier_value")
    return summary.with_columns(
        change_pct=pl.when(base != 0).then(pl.col("change") / base.abs() * 100).otherwise(None).cast(pl.Float64)
    )


def summit_pack(con: duckdb.DuckDBPyConnection, lang: str) -> Pack:
    """The pack's content read from the snapshot: per direction its indicators' latest values, then sources."""
    if lang not in PACK_NOTES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(PACK_NOTES)}")
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
    # The seas (Aral, Caspian) are water bodies, not countries: their indicators (direction 4) get the seas'
    # own columns after the areas; each Caspian datum is its own indicator, so the two series stay apart.
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
    names = dict(_read(con, f"SELECT geo_id, name_{lang} AS geo FROM geographies").iter_rows())
    summary = with_change_pct(
        latest_and_trend(values).join(coverage, on=["indicator_id", "geo_id", "latest_year"], how="left")
    )
    places = [*AREAS, *seas]
    area_order = pl.DataFrame({"geo_id": places, "area_order": list(range(len(places)))})
    out: list[Direction] = []
    for direction, title in directions.iter_rows():
        mine = links.filter(pl.col("direction") == direction)
        order = {i: n for n, i in enumerate(mine["indicator_id"])}
        table = (
            mine.join(summary, on="indicator_id", how="inner")
            .join(area_order, on="geo_id")
            .sort(pl.col("indicator_id").replace_strict(order, default=999), "area_order")
            .with_columns(geo=pl.col("geo_id").replace_strict(names, default=pl.col("geo_id")))
            .drop("area_order")
        )
        out.append(Direction(direction, title, table))
    used = sorted(set(links["source_id"].drop_nulls()))
    return Pack(
        lang=lang,
        snapshot_id=snapshot_id,
        snapshot_date=snapshot_date,
        directions=out,
        places={p: names.get(p, p) for p in places},
        sources=source_list(con, used, lang),
        notes=PACK_NOTES[lang],
    )
