"""Theme air: pure polars parsers and domain logic (no Dagster here).

Flow: raw daily files -> parsers (one per format; every row kept, a row that cannot be used carries its
`problem`) -> daily observations (city, source, pollutant, date, value in µg/m³) + quarantine (file row
and reason) -> completeness per year / heating season / summer -> means only where completeness passes
-> winter/summer ratios, trends, rankings and days above each registered threshold.

The completeness rule: a period's mean is published only when at least COMPLETE_SHARE of its calendar
days have a valid day of data; otherwise the period is shown as incomplete, never as a number.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import polars as pl

from assets.staged.parsers import ParseError, read_csv_text, read_text, require_columns

UNIT = "ug_m3"  # every concentration in these sources is published in µg/m³; no conversion is needed
EMISSIONS_UNIT = "kt"  # thousand tonnes, as the Bureau of National Statistics publishes it
COMPLETE_SHARE = 0.75  # a period needs valid data on >= 75 % of its days for a mean
MIN_VALID_HOURS = 18  # an hourly-based day counts with >= 18 valid hours (75 % of 24)
MIN_TREND_YEARS = 3  # a trend needs at least three complete annual means
HEATING_MONTHS = (10, 11, 12, 1, 2, 3, 4)  # October to April
SUMMER_MONTHS = (5, 6, 7, 8, 9)

AIRDATA_SOURCES = ("airdata_kz_main_cities", "airdata_kz_other_pm25", "airdata_kz_other_pm10", "airdata_kz_other_no2")
# Files that carry no pollutant or city column: the catalogue entry says what they hold.
POLLUTANT_BY_SOURCE = {
    "airdata_kz_other_pm25": "pm25",
    "airdata_kz_other_pm10": "pm10",
    "airdata_kz_other_no2": "no2",
    "bishkek_us_embassy_pm25": "pm25",
    "tashkent_municipal_pm25": "pm25",
}
CITY_BY_SOURCE = {"tashkent_municipal_pm25": "tashkent"}
POLLUTANTS = {"pm25": "pm25", "pm2_5": "pm25", "pm2.5": "pm25", "pm10": "pm10", "no2": "no2", "so2": "so2"}
POLLUTANT_LABELS = {"pm25": "PM2.5", "pm10": "PM10", "no2": "NO₂", "so2": "SO₂"}

# Shown beside the values wherever they appear (page, exports): caveats the source itself documents.
SOURCE_NOTES = {
    "airdata_kz_main_cities": {
        "en": "AirData.kz daily values of the May 2026 release, BEFORE the October 2026 correction of day boundaries "
        "(days were America/Los_Angeles calendar days, 12-13 h off local days). Licence CC BY-NC 4.0 "
        "(non-commercial). Almaty PM2.5 2017-2020 comes mainly from low-cost sensors; 'Karaganda' is one "
        "cluster that includes Temirtau, Balkhash, Zhezkazgan and Saran.",
        "ru": "Суточные значения AirData.kz выпуска мая 2026 г., ДО исправления границ суток в октябре 2026 г. "
        "(сутки считались по времени America/Los_Angeles, со сдвигом 12–13 ч от местных). Лицензия CC BY-NC 4.0 "
        "(только некоммерческое использование). PM2.5 Алматы за 2017–2020 гг. — в основном недорогие датчики; "
        "«Караганда» — один кластер, включающий станции Темиртау, Балхаша, Жезказгана и Сарани.",
    },
    "airdata_kz_other": {
        "en": "AirData.kz daily values (KazHydroMet stations) of the May 2026 release, BEFORE the October 2026 correction "
        "of day boundaries. Licence CC BY-NC 4.0 (non-commercial). Many series stop or have long gaps.",
        "ru": "Суточные значения AirData.kz (станции Казгидромета) выпуска мая 2026 г., ДО исправления границ суток "
        "в октябре 2026 г. Лицензия CC BY-NC 4.0 (только некоммерческое использование). Многие ряды "
        "прерываются или имеют длительные пропуски.",
    },
    "bishkek_us_embassy_pm25": {
        "en": "US Embassy Bishkek reference monitor (AirNow); daily mean of valid hours, a day counts with >= 18 valid hours.",
        "ru": "Эталонный монитор посольства США в Бишкеке (AirNow); среднее за сутки по достоверным часам, "
        "сутки засчитываются при ≥ 18 достоверных часах.",
    },
    "tashkent_municipal_pm25": {
        "en": "Tashkent municipal LOW-COST sensor network, not an official reference network; daily city MEDIAN of "
        "hourly readings (not a mean). A day counts with >= 18 hourly readings per reporting station on average.",
        "ru": "Городская сеть НЕДОРОГИХ датчиков Ташкента, не официальная эталонная сеть; суточная МЕДИАНА "
        "часовых показаний по городу (не среднее). Сутки засчитываются при ≥ 18 часовых показаниях "
        "в среднем на работающую станцию.",
    },
    "kz_emissions_stationary_by_region": {
        "en": "Thousand tonnes. '-' in the source = the region did not exist that year (no value). Boundary changes: "
        "South Kazakhstan -> Turkistan region + Shymkent city (2018); Abai, Jetisu, Ulytau split off in 2022. "
        "No population by region exists in the sources, so no per-capita values.",
        "ru": "Тыс. тонн. «-» в источнике — области в этом году не было (значения нет). Изменения границ: "
        "Южно-Казахстанская → Туркестанская обл. и г. Шымкент (2018); в 2022 г. выделены Абай, Жетісу, Ұлытау. "
        "Численности населения по областям в источниках нет, поэтому расчёта на душу населения нет.",
    },
}


def source_note(source_id: str, lang: str) -> str:
    key = "airdata_kz_other" if source_id.startswith("airdata_kz_other") else source_id
    return SOURCE_NOTES.get(key, {}).get(lang if lang in ("ru", "en") else "en", "")


# ---------------------------------------------------------------- parsers

DAILY_SCHEMA = {
    "source_row": pl.Int64,  # line number in the file (header = line 1)
    "city_label": pl.String,  # as published, surrounding spaces removed
    "pollutant": pl.String,  # null where the file does not say (set from the catalogue entry)
    "date": pl.Date,
    "value": pl.Float64,  # µg/m³, as published
    "statistic": pl.String,  # daily_mean / daily_median
    "n_stations": pl.Int32,
    "valid_hours": pl.Int32,  # hours (Bishkek) or hourly readings (Tashkent) behind the day
    "problem": pl.String,  # '' = usable; otherwise why the row cannot be used
}


def _csv(path: Path) -> pl.DataFrame:
    """A CSV read as text; the public AirData files are gzip-compressed, the mirror copies are not."""
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            text = gzip.decompress(data).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ParseError(f"{path}: not a readable gzip UTF-8 CSV ({exc})") from exc
        return read_csv_text(path, text)
    return read_csv_text(path, read_text(path))


def _number(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars().cast(pl.Float64, strict=False)


def _row_problems(df: pl.DataFrame, date_col: str, value_col: str, empty_value_reason: str) -> pl.Expr:
    """The first reason a row cannot be used, or ''. Stated per row so the quarantine can show it."""
    date_text = pl.col(date_col).str.strip_chars()
    value_text = pl.col(value_col).str.strip_chars()
    value = _number(pl.col(value_col))
    return (
        pl.when(date_text.str.to_date("%Y-%m-%d", strict=False).is_null())
        .then(pl.lit("date ") + pl.format("{}", date_text.fill_null("(empty)")) + pl.lit(" is not YYYY-MM-DD"))
        .when(value_text.is_null() | (value_text == ""))
        .then(pl.lit(empty_value_reason))
        .when(value.is_null())
        .then(pl.lit(f"{value_col} ") + value_text + pl.lit(" is not a number"))
        .otherwise(pl.lit(""))
    )


def _daily(df: pl.DataFrame, **columns: pl.Expr) -> pl.DataFrame:
    out = (
        df.with_row_index("source_row", offset=2)
        .with_columns(pl.col("source_row").cast(pl.Int64))
        .select("source_row", **columns)
    )
    for name, dtype in DAILY_SCHEMA.items():
        if name not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=dtype).alias(name))
    return out.select(list(DAILY_SCHEMA)).cast(DAILY_SCHEMA)


def _to_date(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars().str.to_date("%Y-%m-%d", strict=False)


def _to_int(col: str) -> pl.Expr:
    return _number(pl.col(col)).cast(pl.Int32, strict=False)


def parse_airdata_kz_main(path: Path) -> pl.DataFrame:
    """AirData.kz stacked daily files of Almaty, Astana and Karaganda: city, parameter, date, value_ugm3, ...

    `value_ugm3` is the city-wide daily mean of cluster averages (µg/m³). Every row is kept; a row that
    cannot be used says why in `problem`.
    """
    df = _csv(path)
    require_columns(df, ["city", "parameter", "date", "value_ugm3", "n_stations"], path)
    pollutant = pl.col("parameter").str.strip_chars().str.to_lowercase()
    out = _daily(
        df.with_columns(problem=_row_problems(df, "date", "value_ugm3", "no value_ugm3")),
        city_label=pl.col("city").str.strip_chars(),
        pollutant=pollutant.replace_strict(POLLUTANTS, default=None),
        date=_to_date("date"),
        value=_number(pl.col("value_ugm3")),
        statistic=pl.lit("daily_mean"),
        n_stations=_to_int("n_stations"),
        problem=pl.col("problem"),
    )
    unknown = out["pollutant"].is_null() & (out["problem"] == "")
    return out.with_columns(problem=pl.when(unknown).then(pl.lit("unknown parameter")).otherwise(pl.col("problem")))


def parse_airdata_kz_other(path: Path) -> pl.DataFrame:
    """AirData.kz daily file of the other Kazakh cities (one pollutant per file): date, city, avg_ugm3, n_stations.

    The file does not name its pollutant: `pollutant` is null here and set from the catalogue entry.
    City labels lose their trailing spaces ('Semey ' -> 'Semey'); rows without a city are kept with
    their reason, for the quarantine.
    """
    df = _csv(path)
    require_columns(df, ["date", "city", "avg_ugm3", "n_stations"], path)
    city = pl.col("city").str.strip_chars()
    problem = _row_problems(df, "date", "avg_ugm3", "no avg_ugm3")
    problem = (
        pl.when((problem == "") & (city.is_null() | (city == "")))
        .then(pl.lit("no city in the source row"))
        .otherwise(problem)
    )
    return _daily(
        df.with_columns(problem=problem),
        city_label=city.fill_null(""),
        date=_to_date("date"),
        value=_number(pl.col("avg_ugm3")),
        statistic=pl.lit("daily_mean"),
        n_stations=_to_int("n_stations"),
        problem=pl.col("problem"),
    )


def parse_bishkek_daily(path: Path) -> pl.DataFrame:
    """US Embassy Bishkek daily PM2.5 (from hourly AirNow records): date_local, site, n_valid_hours, pm25_mean_ugm3, ..."""
    df = _csv(path)
    require_columns(df, ["date_local", "site", "parameter", "n_valid_hours", "pm25_mean_ugm3"], path)
    bad_parameter = df.filter(pl.col("parameter").str.strip_chars() != "PM2.5")
    if bad_parameter.height:
        raise ParseError(
            f"{path}: expected parameter PM2.5 only, found {bad_parameter['parameter'].unique().to_list()}"
        )
    return _daily(
        df.with_columns(problem=_row_problems(df, "date_local", "pm25_mean_ugm3", "no valid hour that day")),
        city_label=pl.col("site").str.strip_chars(),
        pollutant=pl.lit("pm25"),
        date=_to_date("date_local"),
        value=_number(pl.col("pm25_mean_ugm3")),
        statistic=pl.lit("daily_mean"),
        valid_hours=_to_int("n_valid_hours"),
        n_stations=pl.lit(1),
        problem=pl.col("problem"),
    )


def parse_tashkent_daily(path: Path) -> pl.DataFrame:
    """Tashkent municipal sensors: date, pm25_muni (daily city MEDIAN of hourly readings), n_obs, n_st."""
    df = _csv(path)
    require_columns(df, ["date", "pm25_muni", "n_obs", "n_st"], path)
    return _daily(
        df.with_columns(problem=_row_problems(df, "date", "pm25_muni", "no pm25_muni")),
        city_label=pl.lit(""),
        pollutant=pl.lit("pm25"),
        date=_to_date("date"),
        value=_number(pl.col("pm25_muni")),
        statistic=pl.lit("daily_median"),
        n_stations=_to_int("n_st"),
        valid_hours=_to_int("n_obs"),
        problem=pl.col("problem"),
    )


REGION_WIDE_SCHEMA = {"region": pl.String, "year": pl.Int32, "value": pl.Float64, "flags": pl.String}


def parse_kz_region_wide(path: Path) -> pl.DataFrame:
    """Bureau of National Statistics table, one row per region, one column per year ('2005.0' ... '2022.0').

    Output: region (Russian name as in the source, surrounding spaces removed: the source writes
    'Туркестанская ' with a trailing space), year (Int32), value (Float64, as published, in the table's
    unit), flags (''). The national total row is kept as region 'Республика Казахстан'.
    A '-' cell means the region did not exist that year (e.g. Абай, Жетісу, Ұлытау before 2022,
    Южно-Казахстанская after 2017): it gives NO row, not a zero. An empty cell gives no row either.
    Any other non-number is an error naming the line, region and year.
    """
    df = read_csv_text(path)
    region_col = df.columns[0]
    year_cols = [c for c in df.columns[1:]]
    bad_years = [c for c in year_cols if not c.strip().replace(".0", "").isdigit()]
    if bad_years:
        raise ParseError(f"{path}: header has non-year column(s) {bad_years}; expected 2005.0, 2006.0, ...")
    if region_col.strip() not in ("", "region"):
        raise ParseError(f"{path}: first column should hold region names (unnamed), found {region_col!r}")
    long = (
        df.with_row_index("line", offset=2)
        .rename({region_col: "region"})
        .with_columns(pl.col("region").str.strip_chars())
        .unpivot(on=year_cols, index=["line", "region"], variable_name="year_text", value_name="cell")
        .with_columns(cell=pl.col("cell").str.strip_chars())
        .filter(pl.col("cell").is_not_null() & (pl.col("cell") != "") & (pl.col("cell") != "-"))
        .with_columns(
            value=pl.col("cell").cast(pl.Float64, strict=False),
            year=pl.col("year_text").str.strip_chars().cast(pl.Float64).cast(pl.Int32),
        )
    )
    bad = long.filter(pl.col("value").is_null())
    if bad.height:
        examples = "; ".join(
            f"line {r['line']} ({r['region']}, {r['year']}): {r['cell']!r}" for r in bad.head(5).iter_rows(named=True)
        )
        raise ParseError(f"{path}: {bad.height} cell(s) are neither a number nor '-': {examples}")
    if long.filter(pl.col("region").is_null() | (pl.col("region") == "")).height:
        raise ParseError(f"{path}: a row with values has no region name")
    dup = long.filter(pl.struct("region", "year").is_duplicated())
    if dup.height:
        raise ParseError(f"{path}: region listed twice: {dup['region'].unique().to_list()}")
    return (
        long.with_columns(flags=pl.lit(""))
        .select(list(REGION_WIDE_SCHEMA))
        .cast(REGION_WIDE_SCHEMA)
        .sort("region", "year")
    )


PARSERS = {
    "airdata_kz_main": parse_airdata_kz_main,
    "airdata_kz_other": parse_airdata_kz_other,
    "bishkek_daily": parse_bishkek_daily,
    "tashkent_daily": parse_tashkent_daily,
    "kz_region_wide": parse_kz_region_wide,
}


# ---------------------------------------------------------------- cities and regions


def city_label_lookup(cities: pl.DataFrame) -> pl.DataFrame:
    """Every label a source uses for a city (seeds/air_cities.csv `source_labels`, '|'-separated) -> city_id."""
    return (
        cities.select("city_id", label=pl.col("source_labels").fill_null("").str.split("|"))
        .explode("label")
        .with_columns(pl.col("label").str.strip_chars())
        .filter(pl.col("label") != "")
    )


def place_points(places: pl.DataFrame) -> pl.DataFrame:
    """Natural Earth populated places (staged geojson) -> geonameid, lat, lon."""
    props = pl.col("properties")
    return places.select(
        ne_geonameid=props.str.json_path_match("$.GEONAMEID").cast(pl.Float64).cast(pl.Int64).cast(pl.String),
        lat=props.str.json_path_match("$.LATITUDE").cast(pl.Float64),
        lon=props.str.json_path_match("$.LONGITUDE").cast(pl.Float64),
    ).unique("ne_geonameid", keep="first")


def build_cities(seed: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """The city registry with coordinates from Natural Earth where the seed names a place (else no point)."""
    return (
        seed.join(place_points(places), on="ne_geonameid", how="left")
        .select(
            "city_id",
            "name_en",
            "name_ru",
            "name_kk",
            "country_id",
            "region_ru",
            "source_labels",
            "other_names",
            "ne_geonameid",
            "lat",
            "lon",
            "citation",
            "note",
        )
        .sort("city_id")
    )


def build_region_points(seed: pl.DataFrame, admin1: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """One point per region: the Natural Earth label point (easternmost if the unit has several), or a city point."""
    coords = pl.col("geometry").str.json_path_match("$.coordinates")
    label_points = (
        admin1.select(
            point_ref=pl.col("feature_id"),
            lon=coords.str.extract(r"\[\s*([-0-9.]+)", 1).cast(pl.Float64),
            lat=coords.str.extract(r",\s*([-0-9.]+)\s*\]", 1).cast(pl.Float64),
        )
        .sort("lon", descending=True)
        .unique("point_ref", keep="first")
        .with_columns(point_source=pl.lit("ne_admin1_label"))
    )
    city_points = (
        place_points(places)
        .select(point_ref="ne_geonameid", lat="lat", lon="lon")
        .with_columns(point_source=pl.lit("ne_populated_place"))
    )
    points = pl.concat([label_points, city_points], how="diagonal")
    return (
        seed.join(points, on=["point_source", "point_ref"], how="left")
        .select(
            "region_ru",
            "name_en",
            "name_kk",
            "kind",
            "valid_from",
            "valid_to",
            "point_source",
            "point_ref",
            "lat",
            "lon",
            "citation",
            "note",
        )
        .sort("region_ru")
    )


# ---------------------------------------------------------------- daily observations

OBSERVATION_SCHEMA = {
    "city_id": pl.String,
    "source_id": pl.String,
    "pollutant": pl.String,
    "date": pl.Date,
    "year": pl.Int32,
    "value": pl.Float64,
    "unit": pl.String,
    "statistic": pl.String,
    "n_stations": pl.Int32,
    "valid_hours": pl.Int32,
    "day_counts": pl.Boolean,
    "flags": pl.String,
}
QUARANTINE_SCHEMA = {
    "source_id": pl.String,
    "source_row": pl.Int64,
    "city_label": pl.String,
    "date": pl.Date,
    "value": pl.Float64,
    "reason": pl.String,
}


def day_counts_rule(source_id: str) -> pl.Expr:
    """Whether a published day is complete enough to count towards a period's completeness and mean."""
    if source_id == "bishkek_us_embassy_pm25":
        return pl.col("valid_hours").fill_null(0) >= MIN_VALID_HOURS
    if source_id == "tashkent_municipal_pm25":
        # n_obs counts hourly readings over all reporting stations: 18 per station on average.
        return pl.col("valid_hours").fill_null(0) >= MIN_VALID_HOURS * pl.col("n_stations").fill_null(1).clip(
            lower_bound=1
        )
    return pl.lit(True)  # AirData publishes no hour counts: each published day counts


def _add_flag(flags: pl.Expr, flag: str, when: pl.Expr) -> pl.Expr:
    return pl.when(when).then(pl.concat_str([flags, pl.lit(flag)], separator=";").str.strip_chars(";")).otherwise(flags)


def attribute_daily(staged: pl.DataFrame, source_id: str, labels: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One source's staged rows -> (observations, quarantine). Nothing is dropped: every row lands in one of the two."""
    rows = staged.with_columns(pollutant=pl.coalesce(pl.col("pollutant"), pl.lit(POLLUTANT_BY_SOURCE.get(source_id))))
    if source_id in CITY_BY_SOURCE:
        rows = rows.with_columns(city_id=pl.lit(CITY_BY_SOURCE[source_id]))
    else:
        rows = rows.join(labels.rename({"label": "city_label"}), on="city_label", how="left")
    rows = rows.with_columns(
        problem=pl.when(pl.col("problem") != "")
        .then(pl.col("problem"))
        .when(pl.col("city_id").is_null())
        .then(pl.lit("city label ") + pl.col("city_label") + pl.lit(" is not in seeds/air_cities.csv"))
        .when(pl.col("pollutant").is_null())
        .then(pl.lit("pollutant unknown"))
        .otherwise(pl.lit(""))
    )
    # A second row for the same city, pollutant and day cannot be told apart from the first: quarantine it.
    first = pl.col("source_row") == pl.col("source_row").min().over("city_id", "pollutant", "date")
    rows = rows.with_columns(
        problem=pl.when((pl.col("problem") == "") & ~first)
        .then(pl.lit("duplicate day for this city and pollutant"))
        .otherwise(pl.col("problem"))
    )
    good = rows.filter(pl.col("problem") == "")
    flag = "pre_day_boundary_correction" if source_id in AIRDATA_SOURCES else ""
    observations = (
        good.with_columns(
            source_id=pl.lit(source_id),
            year=pl.col("date").dt.year(),
            unit=pl.lit(UNIT),
            day_counts=day_counts_rule(source_id),
            flags=pl.lit(flag),
        )
        .with_columns(
            flags=_add_flag(pl.col("flags"), "day_incomplete", ~pl.col("day_counts")),
        )
        .with_columns(
            # Reference monitors report small negative values near zero; kept as published, and said so.
            flags=_add_flag(pl.col("flags"), "negative_as_published", pl.col("value") < 0),
        )
        .select(list(OBSERVATION_SCHEMA))
        .cast(OBSERVATION_SCHEMA)
    )
    quarantine = (
        rows.filter(pl.col("problem") != "")
        .with_columns(source_id=pl.lit(source_id))
        .select("source_id", "source_row", "city_label", "date", "value", reason="problem")
        .cast(QUARANTINE_SCHEMA)
    )
    return observations, quarantine


def build_daily(staged_by_source: dict[str, pl.DataFrame], cities: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    labels = city_label_lookup(cities)
    parts = [attribute_daily(frame, sid, labels) for sid, frame in sorted(staged_by_source.items())]
    observations = pl.concat([p[0] for p in parts]).sort("city_id", "source_id", "pollutant", "date")
    quarantine = pl.concat([p[1] for p in parts]).sort("source_id", "source_row")
    return observations, quarantine


# ---------------------------------------------------------------- completeness and means

PERIOD_SCHEMA = {
    "city_id": pl.String,
    "source_id": pl.String,
    "pollutant": pl.String,
    "period_kind": pl.String,
    "period": pl.String,
    "year": pl.Int32,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "days_in_period": pl.Int32,
    "days_with_data": pl.Int32,
    "completeness": pl.Float64,
    "complete": pl.Boolean,
    "mean": pl.Float64,
    "unit": pl.String,
    "status": pl.String,
}


def assign_periods(observations: pl.DataFrame) -> pl.DataFrame:
    """Each observation under each period it belongs to: its calendar year, and its heating season or summer.

    Heating season 'Y/Y+1' runs 1 October Y to 30 April Y+1 (keyed by Y); summer 'Y' is May to September.
    """
    month = pl.col("date").dt.month()
    year = pl.col("date").dt.year()
    annual = observations.with_columns(period_kind=pl.lit("year"), pyear=year)
    season = observations.with_columns(
        period_kind=pl.when(month.is_in(HEATING_MONTHS)).then(pl.lit("heating_season")).otherwise(pl.lit("summer")),
        pyear=pl.when(month <= 4).then(year - 1).otherwise(year),
    )
    return pl.concat([annual, season]).with_columns(pl.col("pyear").cast(pl.Int32))


def _period_bounds(kind: str, year: int) -> tuple[dt.date, dt.date]:
    if kind == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "heating_season":
        return dt.date(year, 10, 1), dt.date(year + 1, 4, 30)
    return dt.date(year, 5, 1), dt.date(year, 9, 30)


def period_label(kind: str, year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}" if kind == "heating_season" else str(year)


def period_stats(observations: pl.DataFrame, complete_share: float = COMPLETE_SHARE) -> pl.DataFrame:
    """Completeness and mean per city, source, pollutant and period (year, heating season, summer).

    days_with_data counts distinct days that count (see day_counts_rule). The mean (of those days) is
    given only when days_with_data / days_in_period >= complete_share; otherwise it is null and the
    status says 'incomplete'.
    """
    keys = ["city_id", "source_id", "pollutant", "period_kind", "pyear"]
    agg = (
        assign_periods(observations.filter(pl.col("day_counts")))
        .group_by(keys)
        .agg(days_with_data=pl.col("date").n_unique(), day_mean=pl.col("value").mean(), unit=pl.col("unit").first())
    )
    # Periods where the series published something but no day counts still appear, as incomplete.
    seen = assign_periods(observations).select(keys).unique()
    agg = seen.join(agg, on=keys, how="left").with_columns(
        pl.col("days_with_data").fill_null(0), pl.col("unit").fill_null(UNIT)
    )
    bounds = pl.DataFrame(
        [
            {
                "period_kind": k,
                "pyear": y,
                "period_start": s,
                "period_end": e,
                "days_in_period": (e - s).days + 1,
                "period": period_label(k, y),
            }
            for k, y in agg.select("period_kind", "pyear").unique().iter_rows()
            for s, e in [_period_bounds(k, y)]
        ],
        schema={
            "period_kind": pl.String,
            "pyear": pl.Int32,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "days_in_period": pl.Int32,
            "period": pl.String,
        },
    )
    out = (
        agg.join(bounds, on=["period_kind", "pyear"], how="left")
        .with_columns(
            completeness=pl.col("days_with_data") / pl.col("days_in_period"),
        )
        .with_columns(complete=pl.col("completeness") >= complete_share)
        .with_columns(
            mean=pl.when(pl.col("complete")).then(pl.col("day_mean")).otherwise(None),
            status=pl.when(pl.col("complete")).then(pl.lit("complete")).otherwise(pl.lit("incomplete")),
        )
        .rename({"pyear": "year"})
    )
    return (
        out.select(list(PERIOD_SCHEMA))
        .cast(PERIOD_SCHEMA)
        .sort("city_id", "source_id", "pollutant", "period_kind", "year")
    )


def season_ratios(stats: pl.DataFrame) -> pl.DataFrame:
    """Heating season Y/Y+1 mean over the summer (May-September) mean of year Y; only where both are complete."""
    winter = stats.filter(pl.col("period_kind") == "heating_season").select(
        "city_id",
        "source_id",
        "pollutant",
        "year",
        "unit",
        season="period",
        winter_mean="mean",
        winter_complete="complete",
    )
    summer = stats.filter(pl.col("period_kind") == "summer").select(
        "city_id", "source_id", "pollutant", "year", summer_mean="mean", summer_complete="complete"
    )
    both = winter.join(summer, on=["city_id", "source_id", "pollutant", "year"], how="inner")
    ok = pl.col("winter_complete") & pl.col("summer_complete")
    return (
        both.with_columns(
            ratio=pl.when(ok).then(pl.col("winter_mean") / pl.col("summer_mean")).otherwise(None),
            status=pl.when(ok).then(pl.lit("complete")).otherwise(pl.lit("incomplete")),
        )
        .select(
            "city_id",
            "source_id",
            "pollutant",
            "year",
            "season",
            "winter_mean",
            "summer_mean",
            "unit",
            "ratio",
            "status",
        )
        .sort("city_id", "source_id", "pollutant", "year")
    )


def ols_slope(years: list[int], values: list[float]) -> float | None:
    n = len(years)
    if n < 2:
        return None
    my, mv = sum(years) / n, sum(values) / n
    sxx = sum((y - my) ** 2 for y in years)
    return sum((y - my) * (v - mv) for y, v in zip(years, values, strict=False)) / sxx if sxx else None


def trends(stats: pl.DataFrame, min_years: int = MIN_TREND_YEARS) -> pl.DataFrame:
    """Least-squares slope of the complete annual means (µg/m³ per year); stated only with >= min_years of them."""
    annual = stats.filter((pl.col("period_kind") == "year") & pl.col("complete")).sort("year")
    rows = []
    for (city, source, pollutant), group in annual.group_by(["city_id", "source_id", "pollutant"], maintain_order=True):
        years, values = group["year"].to_list(), group["mean"].to_list()
        enough = len(years) >= min_years
        rows.append(
            {
                "city_id": city,
                "source_id": source,
                "pollutant": pollutant,
                "n_complete_years": len(years),
                "first_year": years[0],
                "last_year": years[-1],
                "slope_per_year": ols_slope(years, values) if enough else None,
                "unit": f"{UNIT}_per_year",
                "status": "ok" if enough else f"fewer than {min_years} complete years",
            }
        )
    schema = {
        "city_id": pl.String,
        "source_id": pl.String,
        "pollutant": pl.String,
        "n_complete_years": pl.Int32,
        "first_year": pl.Int32,
        "last_year": pl.Int32,
        "slope_per_year": pl.Float64,
        "unit": pl.String,
        "status": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).sort("city_id", "source_id", "pollutant")


def rankings(stats: pl.DataFrame) -> pl.DataFrame:
    """Cities ranked by complete annual mean per pollutant and year (1 = most polluted). Incomplete years are not ranked."""
    annual = stats.filter((pl.col("period_kind") == "year") & pl.col("complete"))
    return (
        annual.with_columns(
            rank=pl.col("mean").rank("min", descending=True).over("pollutant", "year").cast(pl.Int32),
            n_ranked=pl.len().over("pollutant", "year").cast(pl.Int32),
        )
        .select("pollutant", "year", "rank", "n_ranked", "city_id", "source_id", "mean", "unit")
        .sort("pollutant", "year", "rank")
    )


def thresholds_registry(seed: pl.DataFrame) -> pl.DataFrame:
    """seeds/air_thresholds.csv typed; a row without a value is a documented gap, kept so the page can show it."""
    cited = pl.col("document").fill_null("").str.len_chars().gt(0) & pl.col("table_ref").fill_null(
        ""
    ).str.len_chars().gt(0)
    return seed.with_columns(value=pl.col("value").cast(pl.Float64, strict=False), cited=cited)


def uncited_thresholds(registry: pl.DataFrame) -> pl.DataFrame:
    return registry.filter(pl.col("value").is_not_null() & ~pl.col("cited"))


def exceedances(observations: pl.DataFrame, stats: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """Days above each registered 24-hour threshold, per city, source, pollutant and year.

    Only days that count are compared (value > threshold). The year's completeness travels with the count:
    in an incomplete year the count is a lower bound, and status says so.
    """
    daily_thresholds = registry.filter((pl.col("averaging") == "24h") & pl.col("value").is_not_null()).select(
        "threshold_id", "pollutant", "level", threshold="value"
    )
    counted = observations.filter(pl.col("day_counts")).join(daily_thresholds, on="pollutant", how="inner")
    agg = counted.group_by("city_id", "source_id", "pollutant", "year", "threshold_id", "level", "threshold").agg(
        days_above=(pl.col("value") > pl.col("threshold")).sum().cast(pl.Int32),
    )
    annual = stats.filter(pl.col("period_kind") == "year").select(
        "city_id", "source_id", "pollutant", "year", "days_in_period", "days_with_data", "complete"
    )
    return (
        agg.join(annual, on=["city_id", "source_id", "pollutant", "year"], how="left")
        .with_columns(
            share_above=pl.col("days_above") / pl.col("days_with_data"),
            unit=pl.lit(UNIT),
            status=pl.when(pl.col("complete"))
            .then(pl.lit("complete"))
            .otherwise(pl.lit("incomplete year: count is a lower bound")),
        )
        .select(
            "city_id",
            "source_id",
            "pollutant",
            "year",
            "threshold_id",
            "level",
            "threshold",
            "unit",
            "days_above",
            "days_with_data",
            "days_in_period",
            "share_above",
            "complete",
            "status",
        )
        .sort("city_id", "source_id", "pollutant", "year", "threshold_id")
    )


# ---------------------------------------------------------------- regional emissions

SPLIT_IN_2022 = ("Восточно-Казахстанская", "Алматинская", "Карагандинская")  # lost territory to Abai, Jetisu, Ulytau


def region_emissions(staged: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Stationary-source emissions per region and year (thousand tonnes), with the region registry's names.

    A region of the source that the registry lacks is an error: it would otherwise leave the map silently.
    """
    unknown = sorted(set(staged["region"]) - set(regions["region_ru"]))
    if unknown:
        raise ValueError(f"regions {unknown} of the emissions table are not in seeds/air_regions.csv")
    flags = (
        pl.when(pl.col("region_ru").is_in(SPLIT_IN_2022) & (pl.col("year") >= 2022))
        .then(pl.lit("boundary_change_2022"))
        .otherwise(pl.col("flags"))
    )
    return (
        staged.rename({"region": "region_ru"})
        .join(regions.select("region_ru", "name_en", "name_kk", "kind"), on="region_ru")
        .with_columns(
            unit=pl.lit(EMISSIONS_UNIT),
            flags=flags,
        )
        .select("region_ru", "name_en", "name_kk", "kind", "year", "value", "unit", "flags")
        .sort("region_ru", "year")
    )


def region_emission_trends(emissions: pl.DataFrame) -> pl.DataFrame:
    """Per region: first and last comparable year, change in %, and least-squares slope (kt per year).

    Regions that lost territory in 2022 are compared over their years up to 2021, so a boundary change
    does not read as a fall in emissions.
    """
    comparable = emissions.filter(pl.col("flags") != "boundary_change_2022").sort("year")
    rows = []
    for (region,), g in comparable.group_by(["region_ru"], maintain_order=True):
        years, values = g["year"].to_list(), g["value"].to_list()
        rows.append(
            {
                "region_ru": region,
                "first_year": years[0],
                "last_year": years[-1],
                "first_value": values[0],
                "last_value": values[-1],
                "change_pct": (values[-1] / values[0] - 1) * 100 if values[0] and len(years) > 1 else None,
                "slope_per_year": ols_slope(years, values) if len(years) >= MIN_TREND_YEARS else None,
                "n_years": len(years),
                "unit": EMISSIONS_UNIT,
                "note": "compared up to 2021 (boundary change in 2022)" if region in SPLIT_IN_2022 else "",
            }
        )
    schema = {
        "region_ru": pl.String,
        "first_year": pl.Int32,
        "last_year": pl.Int32,
        "first_value": pl.Float64,
        "last_value": pl.Float64,
        "change_pct": pl.Float64,
        "slope_per_year": pl.Float64,
        "n_years": pl.Int32,
        "unit": pl.String,
        "note": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).sort("region_ru")


def source_notes_table() -> pl.DataFrame:
    ids = [*AIRDATA_SOURCES, "bishkek_us_embassy_pm25", "tashkent_municipal_pm25", "kz_emissions_stationary_by_region"]
    return pl.DataFrame(
        {
            "source_id": ids,
            "note_ru": [source_note(i, "ru") for i in ids],
            "note_en": [source_note(i, "en") for i in ids],
            "airdata": [i in AIRDATA_SOURCES for i in ids],
        }
    )
