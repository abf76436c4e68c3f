"""Figures of the air page: the city and region maps over the country outlines, one series by day, its calendar
and its seasons."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from assets.common.flags import flag_words
from dashboard import air_series, data, outlines
from dashboard.figures.base import DAY_MS, PALETTE, base_layout, empty_figure
from dashboard.i18n import format_number, localized, normalize_lang, t
from dashboard.text_marks import guideline_level

MAP_CENTER = {"lat": 46.5, "lon": 67.0}


MONTHS = {
    "ru": ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "kk": ["қаң", "ақп", "нау", "сәу", "мам", "мау", "шіл", "там", "қыр", "қаз", "қар", "жел"],
}


def city_name(row: dict | None, lang: str) -> str:
    if row is None:
        return "?"
    return localized(row, "name", lang) or row["city_id"]


def unit_text(lang: str) -> str:
    return t("µg/m³", lang)


def map_layout(snap: data.Snapshot, lang: str, height: int = 480) -> dict:
    return base_layout(
        lang,
        height=height,
        margin=dict(l=0, r=0, t=10, b=0),
        showlegend=False,
        map=dict(style="white-bg", center=MAP_CENTER, zoom=3.4, layers=outlines.outline_layers(snap)),
    )


def city_map_figure(
    snap: data.Snapshot, latest: pl.DataFrame, cities: dict, without: list[str], lang: str
) -> go.Figure:
    placed = [r for r in latest.iter_rows(named=True) if cities.get(r["city_id"], {}).get("lat") is not None]
    fig = go.Figure()
    grey = [cities[c] for c in without if cities.get(c, {}).get("lat") is not None]
    if grey:
        fig.add_trace(
            go.Scattermap(
                lat=[c["lat"] for c in grey],
                lon=[c["lon"] for c in grey],
                mode="markers",
                marker=dict(size=7, color="#b0b7c3"),
                name=t("No complete year", lang),
                text=[f"{city_name(c, lang)}: {t('no complete year', lang)}" for c in grey],
                hoverinfo="text",
            )
        )
    if placed:
        means = [r["mean"] for r in placed]
        top = max(means)
        fig.add_trace(
            go.Scattermap(
                lat=[cities[r["city_id"]]["lat"] for r in placed],
                lon=[cities[r["city_id"]]["lon"] for r in placed],
                mode="markers",
                marker=dict(
                    size=[10 + 30 * m / top for m in means],
                    color=means,
                    colorscale="YlOrRd",
                    cmin=0,
                    colorbar=dict(title=dict(text=unit_text(lang)), thickness=12),
                ),
                text=[
                    f"{city_name(cities[r['city_id']], lang)}: {format_number(r['mean'], lang, decimals=1)} "
                    f"{unit_text(lang)} ({r['year']})"
                    for r in placed
                ],
                hoverinfo="text",
                name="PM2.5",
            )
        )
    fig.update_layout(**map_layout(snap, lang))
    return fig


def daily_figure(daily: pl.DataFrame, registry: pl.DataFrame, pollutant: str, lang: str) -> go.Figure:
    rolling = air_series.rolling_mean(daily)  # one row per calendar day from the first counted day to the last
    counted = rolling.select("date").join(
        daily.filter(air_series.usable(daily)).select("date", "value"), on="date", how="left"
    )
    # Both traces are laid on that calendar (start + one day per value): the page sends no dates, only values, and
    # days without a counted value are gaps in the line rather than straight joins across them.
    days = dict(x0=rolling["date"][0].isoformat() if rolling.height else None, dx=DAY_MS, xhoverformat="%Y-%m-%d")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            **days,
            y=counted["value"].to_list(),
            mode="lines",
            name=t("Daily value", lang),
            line=dict(width=1, color="#9fb3c8"),
        )
    )
    # Drawn to the daily values' precision (two decimals): full floats tripled the page's JSON for no visible change.
    fig.add_trace(
        go.Scatter(
            **days,
            y=rolling["rolling_mean"].round(2).to_list(),
            mode="lines",
            name=t("30-day rolling mean", lang),
            line=dict(width=2, color=PALETTE[0]),
        )
    )
    doubtful = daily.filter(pl.col("day_counts") & ~air_series.usable(daily))
    if doubtful.height:
        # Doubtful values stay visible, apart from the line and the mean, each with its flag in words.
        fig.add_trace(
            go.Scatter(
                x=[d.isoformat() for d in doubtful["date"]],
                y=doubtful["value"].to_list(),
                mode="markers",
                marker=dict(symbol="x", size=5, color="#D55E00"),
                name=t("Doubtful value (left out)", lang),
                text=[flag_words(f, lang) for f in doubtful["flags"]],
                hovertemplate="%{x}: %{y}<br>%{text}<extra></extra>",
            )
        )
    levels = registry.filter(
        (pl.col("pollutant") == pollutant)
        & (pl.col("averaging") == "24h")
        & pl.col("value").is_not_null()
        & pl.col("level").is_in(["AQG", "IT-1"])
    )
    for r in levels.iter_rows(named=True):
        fig.add_hline(
            y=r["value"],
            line_dash="dash",
            line_color="#D55E00" if r["level"] == "AQG" else "#999999",
            annotation_text=t(
                "WHO 2021, {level}: {value}",
                lang,
                level=guideline_level(r["level"], lang),
                value=format_number(r["value"], lang),
            ),
            annotation_position="top left",
        )
    fig.update_layout(**base_layout(lang, height=380))
    fig.update_xaxes(type="date")  # x0/dx alone would not tell plotly the axis holds dates
    fig.update_yaxes(title_text=unit_text(lang), rangemode="tozero")
    return fig


def calendar_figure(daily: pl.DataFrame, year: int, lang: str) -> go.Figure:
    grid = air_series.calendar_grid(daily, year)
    if all(v is None for row in grid for v in row):
        return empty_figure(t("No data.", lang), lang)
    months = MONTHS[normalize_lang(lang)]
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=list(range(1, 32)),
            y=months,
            colorscale="YlOrRd",
            hoverongaps=False,
            colorbar=dict(title=dict(text=unit_text(lang)), thickness=12),
        )
    )
    fig.update_layout(**base_layout(lang, height=360))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=t("Day of month", lang), dtick=1)
    return fig


def season_figure(stats: pl.DataFrame, lang: str) -> go.Figure:
    fig = go.Figure()
    for kind, name, color in (
        ("heating_season", t("Heating season", lang), PALETTE[5]),
        ("summer", t("Summer", lang), PALETTE[2]),
    ):
        rows = stats.filter((pl.col("period_kind") == kind) & pl.col("complete"))
        fig.add_trace(
            go.Bar(
                x=[str(y) for y in rows["year"]],
                y=rows["mean"].to_list(),
                name=name,
                marker_color=color,
                text=rows["period"].to_list(),
                hovertemplate="%{text}: %{y:.1f}<extra></extra>",
            )
        )
    if not any(len(tr.y or []) for tr in fig.data):
        return empty_figure(t("No complete season.", lang), lang)
    fig.update_layout(**base_layout(lang, height=320, barmode="group"))
    fig.update_yaxes(title_text=unit_text(lang))
    fig.update_xaxes(title_text=t("Year the season starts", lang), type="category")
    return fig


def region_label(row: dict, lang: str) -> str:
    if lang == "en":
        return row["name_en"]
    if lang == "kk":
        return row["name_kk"]
    # region_ru is the source's row label (a key; three 2022 regions are written in Kazakh there)
    return row.get("name_ru") or row["region_ru"]


def region_map_figure(snap: data.Snapshot, placed: pl.DataFrame, lang: str) -> go.Figure:
    """The regions with a label point, circle area following their latest emissions."""
    fig = go.Figure()
    if placed.height:
        top = placed["value"].max()
        fig.add_trace(
            go.Scattermap(
                lat=placed["lat"].to_list(),
                lon=placed["lon"].to_list(),
                mode="markers",
                marker=dict(size=[8 + 40 * (v / top) ** 0.5 for v in placed["value"]], color=PALETTE[0], opacity=0.7),
                customdata=placed["value"].to_list(),  # the value each circle stands for (its download reads it)
                text=[
                    f"{region_label(r, lang)}: {format_number(r['value'], lang, decimals=1)} {t('thousand t', lang)} "
                    f"({r['year']})"
                    for r in placed.iter_rows(named=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(**map_layout(snap, lang, height=440))
    return fig
