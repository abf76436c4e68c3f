"""Air source parsers: one pure polars function per raw format (daily city files, regional statistics tables).

Every daily row is kept: a row that cannot be used carries its `problem`, for the quarantine.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl

from assets.staged.parsers import ParseError, read_csv_text, read_text, require_columns

POLLUTANTS = {"pm25": "pm25", "pm2_5": "pm25", "pm2.5": "pm25", "pm10": "pm10", "no2": "no2", "so2": "so2"}

DAILY_SCHEMA = pl.Schema(
    {
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
)


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
    """US Embassy Bishkek daily PM2.5 (from hourly AirNow records): date_local, site, n_valid_hours, pm25_mean_ugm3."""
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


REGION_WIDE_SCHEMA = pl.Schema({"region": pl.String, "year": pl.Int32, "value": pl.Float64, "flags": pl.String})


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
