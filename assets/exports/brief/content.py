"""What a country brief says, read from the published snapshot: where the country stands in each summit direction
(value, year, rank among the five, Central Asia, trend), the seas that concern it, air and water highlights,
funding received, and every source used. Pure reads and polars; rendering is in html.py and docx_file.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from assets.common.flags import flag_words, flags_doubtful
from assets.common.geography import AREAS, REGION_ID
from assets.exports.sources import source_list
from assets.exports.summit_pack import Pack, summit_pack

COUNTRIES = AREAS[:5]
# The seas a country borders (the Aral: Kazakhstan and Uzbekistan; the Caspian: the littoral states).
ARAL_COUNTRIES = ("KAZ", "UZB")


class BriefError(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    """One indicator as the brief states it for the country."""

    indicator_id: str
    indicator: str
    unit: str
    value: float | None
    year: int | None
    rank: int | None  # among the five countries with a value of that indicator (1 = highest)
    ranked: int
    region: float | None
    region_year: int | None
    trend: str
    flags: str  # in words
    source_id: str
    series: dict[str, tuple[int | None, float | None]] = field(default_factory=dict)  # geo_id -> (year, value)


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    lines: list[Line]


@dataclass(frozen=True)
class Brief:
    iso3: str
    lang: str
    country: str
    snapshot_id: str
    snapshot_date: str
    places: dict[str, str]
    directions: list[Section]
    seas: list[tuple[str, Line]]  # (sea name, line)
    water: list[Line]  # the country's water indicators (catalogue theme `water`), once each
    air: list[dict]  # per pollutant: the country's city with the highest annual mean in the latest year
    funding: list[tuple[str, float]]  # largest donors of the latest year (million US$ current)
    funding_year: int | None
    sources: pl.DataFrame


def _rank(values: dict[str, float | None], iso3: str) -> tuple[int | None, int]:
    known = {g: v for g, v in values.items() if v is not None}
    if iso3 not in known:
        return None, len(known)
    return 1 + sum(1 for v in known.values() if v > known[iso3]), len(known)


def _lines(values: pl.DataFrame, iso3: str, pack: Pack, trend_words: dict[str, str]) -> list[Line]:
    lines = []
    for (_indicator_id,), part in values.group_by("indicator_id", maintain_order=True):
        rows = {r["geo_id"]: r for r in part.iter_rows(named=True)}
        mine = rows.get(iso3)
        if mine is None:
            continue
        # Doubtful values never rank (assets.common.flags): only the five with a trusted latest value compete.
        trusted = {g: rows[g]["latest_value"] for g in COUNTRIES if g in rows and not flags_doubtful(rows[g]["flags"])}
        rank, ranked = _rank(trusted, iso3)
        region = rows.get(REGION_ID)
        change = mine["change"]
        trend = "" if change is None else trend_words["up" if change > 0 else "down" if change < 0 else "flat"]
        lines.append(
            Line(
                indicator_id=mine["indicator_id"],
                indicator=mine["indicator"],
                unit=mine["unit"] or "",
                value=mine["latest_value"],
                year=mine["latest_year"],
                rank=rank,
                ranked=ranked,
                region=region["latest_value"] if region else None,
                region_year=region["latest_year"] if region else None,
                trend=trend,
                flags=flag_words(mine["flags"] or "", pack.lang),
                source_id=mine["source_id"] or "",
                series={g: (r["latest_year"], r["latest_value"]) for g, r in rows.items()},
            )
        )
    return lines


def brief_content(con: duckdb.DuckDBPyConnection, iso3: str, lang: str) -> Brief:
    from assets.exports.summit_pack import TREND_WORDS

    iso3 = iso3.upper()
    if iso3 not in COUNTRIES:
        raise BriefError(f"unknown country {iso3!r}; choose one of {', '.join(COUNTRIES)}")
    pack = summit_pack(con, lang)
    words = TREND_WORDS[lang]
    directions: list[Section] = []
    seas: list[tuple[str, Line]] = []
    used: set[str] = set()
    littoral = {
        g
        for (g,) in con.execute("SELECT geo_id FROM geographies WHERE TRY_CAST(caspian_littoral AS BOOLEAN)").fetchall()
    }
    for direction in pack.directions:
        if direction.values.is_empty():
            continue
        lines = _lines(direction.values, iso3, pack, words)
        if lines:
            directions.append(Section(direction.number, direction.title, lines))
            used |= {line.source_id for line in lines}
        for sea in ("ARAL", "CASPIAN"):
            concerns = iso3 in ARAL_COUNTRIES if sea == "ARAL" else iso3 in littoral
            if not concerns:
                continue
            for line in _lines(direction.values, sea, pack, words):
                seas.append((pack.places[sea], line))
                used.add(line.source_id)
    water_ids = {i for (i,) in con.execute("SELECT indicator_id FROM indicators WHERE theme = 'water'").fetchall()}
    water = list(
        {line.indicator_id: line for s in directions for line in s.lines if line.indicator_id in water_ids}.values()
    )
    air = con.execute(
        f"""SELECT r.pollutant, r.year, coalesce(c.name_{lang}, c.name_ru) AS city, r.mean, u.label_{lang} AS unit,
                   r.rank, r.n_ranked, r.source_id
            FROM air_rankings r JOIN air_cities c USING (city_id) LEFT JOIN units u ON u.unit = r.unit
            WHERE c.country_id = ?
            QUALIFY row_number() OVER (PARTITION BY r.pollutant ORDER BY r.year DESC, r.mean DESC) = 1
            ORDER BY r.pollutant""",
        [iso3],
    ).pl()
    used |= set(air["source_id"].drop_nulls())
    year_row = con.execute(
        "SELECT max(year) FROM funding_crs_breakdown WHERE geo_id = ? AND dimension = 'donor'", [iso3]
    ).fetchone()
    funding_year = year_row[0] if year_row else None
    donors = con.execute(
        """SELECT category, amount_million_usd_current FROM funding_crs_breakdown
           WHERE geo_id = ? AND dimension = 'donor' AND year = ? ORDER BY amount_million_usd_current DESC LIMIT 5""",
        [iso3, funding_year],
    ).fetchall()
    if donors:
        used.add("oecd_crs_climate")
    return Brief(
        iso3=iso3,
        lang=lang,
        country=pack.places[iso3],
        snapshot_id=pack.snapshot_id,
        snapshot_date=pack.snapshot_date,
        places=pack.places,
        directions=directions,
        seas=seas,
        water=water,
        air=air.to_dicts(),
        funding=[(d, float(a)) for d, a in donors],
        funding_year=funding_year,
        sources=source_list(con, sorted(used - {""}), lang),
    )
