"""What the explorer page lays out besides its charts: the indicator picker grouped by summit direction and theme,
the wide and long tables of the values shown, and the source line its charts carry inside the image."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
from dash import html

from dashboard.explorer_state import wide_rows
from dashboard.i18n import format_day, format_number, localized, t
from dashboard.shell import flag_badges, source_name, source_title

TABLE_ROW_LIMIT = 200  # the long table shows at most this many rows; the download has them all


def theme_name(theme: str | None, lang: str) -> str:
    """A catalogue theme (seeds/indicators.csv `theme`) in words."""
    names = {
        "climate": t("Climate", lang),
        "energy": t("Energy", lang),
        "waste": t("Waste", lang),
        "finance": t("Finance", lang),
        "air": t("Air quality", lang),
        "water": t("Water", lang),
        "ecosystems": t("Ecosystems", lang),
        "food": t("Food", lang),
        "population": t("Population", lang),
        "economy": t("Economy", lang),
        "aral": t("Aral Sea", lang),
        "caspian": t("Caspian Sea", lang),
    }
    return names.get(theme or "", theme or "")


def picker_options(catalogue: pl.DataFrame, offered: Sequence[str], lang: str) -> list[dict]:
    """Options of the indicator picker: a header per summit direction and theme (not selectable), then its
    indicators. Each option is found by its name in any language, its direction and its theme."""
    groups: dict[tuple, list[dict]] = {}
    for row in catalogue.iter_rows(named=True):
        if row["indicator_id"] in offered:
            groups.setdefault((row["direction"], row["theme"]), []).append(row)
    options: list[dict] = []
    for (direction, theme), rows in groups.items():
        where = (
            t("Direction {number}", lang, number=direction) + f". {localized(rows[0], 'direction_title', lang)}"
            if direction is not None
            else t("Other indicators", lang)
        )
        header = f"{where} · {theme_name(theme, lang)}"
        names = [localized(r, "name", lang) for r in rows]
        everything = " ".join(
            [header, *(str(r.get(f"name_{code}") or "") for r in rows for code in ("ru", "en", "kk"))]
        )
        options.append(
            {
                "label": html.Strong(header, className="picker-group"),
                "value": f"group:{direction}:{theme}",
                "disabled": True,
                "search": everything,
            }
        )
        for row, name in zip(rows, names, strict=True):
            search = " ".join([header, *(str(row.get(f"name_{code}") or "") for code in ("ru", "en", "kk"))])
            options.append({"label": name, "value": row["indicator_id"], "search": search})
    return options


def source_line(sources_by_id: dict[str, dict], source_ids: Sequence[str | None], created_at, lang: str) -> str:
    """`Source: <title> (<licence>) · Snapshot date: <date>`: what a chart carries inside its image."""
    parts = []
    for source_id in dict.fromkeys(s for s in source_ids if s):
        source = sources_by_id.get(source_id)
        if source is None:
            continue
        # the publisher is in the caption under the chart; the licence in the page language, a short name
        # (CC BY 4.0) never split over two lines
        name = source_name(source, "licence", lang)
        name = name.replace(" ", "\u00a0") if len(name) <= 16 else name
        licence = f" ({name})" if name else ""
        parts.append(source_title(source, lang) + licence)
    label = t("Sources", lang) if len(parts) > 1 else t("Source", lang)
    # a date is never split over two lines
    date = format_day(created_at, lang).replace(" ", "\u00a0") if isinstance(created_at, dt.datetime | dt.date) else ""
    text = f"{label}: {'; '.join(parts) or '–'}"
    return text + (" · " + t("Snapshot date: {date}", lang, date=date) if date else "")


def wide_table(
    shown: pl.DataFrame, places: Sequence[str], geo_names: dict[str, str], unit: str, caption: str, lang: str
) -> html.Table | html.P:
    """A row per year, a column per place: the values as a briefing sets them side by side, flags in the cell."""
    wide = wide_rows(shown, places)
    present = [c for c in wide.columns if c != "year" and not c.endswith("__flags")]
    if not present:
        return html.P(t("No values for this choice.", lang))
    head = html.Thead(
        html.Tr(
            [html.Th(t("Year", lang), className="num")]
            + [html.Th(geo_names.get(p, p), className="num") for p in present]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Td(str(row["year"]), className="num")]
                + [
                    html.Td(
                        [format_number(row[p], lang), " ", *flag_badges(row[f"{p}__flags"], lang)]
                        if row[p] is not None
                        else "–",
                        className="num",
                    )
                    for p in present
                ]
            )
            for row in wide.iter_rows(named=True)
        ]
    )
    return html.Table([html.Caption(f"{caption}, {unit}"), head, body], className="data-table wide-table")


def long_table(
    shown: pl.DataFrame, geo_names: dict[str, str], unit: str, caption: str, lang: str
) -> html.Table | html.Div | html.P:
    """A row per place and year, with the unit and the notes: the layout of the download."""
    if shown.height == 0:
        return html.P(t("No values for this choice.", lang))
    rows = [
        html.Tr(
            [
                html.Td(geo_names.get(r["geo_id"], r["geo_id"])),
                html.Td(str(r["year"]), className="num"),
                html.Td(format_number(r["value"], lang), className="num"),
                html.Td(unit),
                html.Td(flag_badges(r["flags"], lang)),
            ]
        )
        for r in shown.head(TABLE_ROW_LIMIT).iter_rows(named=True)
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("Place", lang)),
                html.Th(t("Year", lang), className="num"),
                html.Th(t("Value", lang), className="num"),
                html.Th(t("Unit", lang)),
                html.Th(t("Notes", lang)),
            ]
        )
    )
    table = html.Table([html.Caption(caption), head, html.Tbody(rows)], className="data-table")
    if shown.height > TABLE_ROW_LIMIT:
        note = t(
            "The table shows the first {n} rows; the download holds all {total}.",
            lang,
            n=TABLE_ROW_LIMIT,
            total=shown.height,
        )
        return html.Div([table, html.P(note, className="muted")])
    return table
