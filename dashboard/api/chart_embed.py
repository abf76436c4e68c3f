"""`/embed/chart/{chart_id}`: a theme chart alone (air rankings, water maps, funding flows, sea levels, a country
profile...), and `/embed/chart/{chart_id}/data.zip`, the rows it draws with their metadata.

Built like `/embed/indicator/{id}` (embed.py: the same page, source lines, zip and frame-ancestors): the chart is drawn
by the function its page registered (dashboard/theme_charts.py), so the embed, the download and the page show the
same rows. Its state (the chart's own parameters) and `lang` are query parameters; anything else is a 400."""

from __future__ import annotations

import json
from html import escape
from typing import Any

import flask
import polars as pl

from dashboard import data, outlines
from dashboard.api import params, queries
from dashboard.api.embed import EMBED_LANG, as_of_line, back_links, embed, page, source_lines, zip_response
from dashboard.api.routes import Problem, cached_answer, snapshot_etag
from dashboard.api.svg_figure import figure_svg, map_svg, trace_colour
from dashboard.figure_rows import MAPS, figure_rows, figure_traces
from dashboard.i18n import format_number, t
from dashboard.theme_charts import CHARTS, ChartSpec, DrawnChart, chart_state, page_address

# What each column of a chart's CSV holds (dashboard/figure_rows.py), said in the metadata.
COLUMNS_EN = {
    "series": "The series, as named in the chart's legend.",
    "x": "The position on the horizontal axis: a year, a day or a category.",
    "y": "The position on the vertical axis, where it is a category (a heatmap's row).",
    "value": "The number drawn: a bar's or point's height, a cell's or marker's colour value.",
    "lat": "Latitude of a map marker (degrees).",
    "lon": "Longitude of a map marker (degrees).",
    "label": "The text of a map marker, as its tooltip reads.",
}


def _request(chart_id: str) -> tuple[data.Snapshot, ChartSpec, dict[str, str], str]:
    lang = params.parse_lang(flask.request.args.get("lang") or EMBED_LANG)
    spec = CHARTS.get(chart_id)
    if spec is None:
        raise Problem(404, "Not Found", chart_id[:80])
    params.check_known(set(flask.request.args), frozenset({"lang", *spec.params}))
    data.pin_snapshot(None)
    return data.snapshot_for_request(), spec, chart_state(spec, flask.request.args), lang


def drawn_rows(drawn: DrawnChart) -> pl.DataFrame:
    """Exactly what the chart draws: the table of a table chart, else the rows of its figure."""
    if drawn.table is not None:
        return drawn.table
    return figure_rows(drawn.figure) if drawn.figure is not None else pl.DataFrame()


def _notices(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "source_id": s["id"],
            "source": s["title"],
            "licence": s["licence"],
            "licence_stated": s["licence_stated"],
            "commercial_use": s["commercial_use"],
            "licence_terms": s["licence_terms"],
        }
        for s in sources
    ]


@embed.get("/chart/<string:chart_id>")
def theme_chart(chart_id: str) -> flask.Response:
    snap, spec, state, lang = _request(chart_id)
    return cached_answer(snapshot_etag(snap), lambda: _render(snap, spec, state, lang))


@embed.get("/chart/<string:chart_id>/data.zip")
def theme_chart_data(chart_id: str) -> flask.Response:
    """A zip of the CSV of what the chart draws and metadata.json: sources with licences, URLs, retrieval times and
    sha256, the snapshot, the page's address in this state."""
    snap, spec, state, lang = _request(chart_id)

    def build() -> flask.Response:
        drawn = spec.build(snap, state, lang)
        rows = drawn_rows(drawn)
        meta = {
            "chart": spec.chart_id,
            "title": drawn.title,
            "unit": drawn.unit,
            "url": flask.request.host_url.rstrip("/") + page_address(spec, state, lang),
            "columns_en": {c: COLUMNS_EN[c] for c in rows.columns if c in COLUMNS_EN} if drawn.table is None else {},
            "sources": queries.source_documents(snap, drawn.source_ids, lang),
            "snapshot": queries.snapshot_meta(snap),
            "drawn": {"state": state, "lang": lang, "rows": rows.height},
        }
        return zip_response(spec.chart_id, rows, "metadata.json", meta)

    return cached_answer(snapshot_etag(snap), build)


def _table_html(rows: pl.DataFrame, lang: str) -> str:
    def cell(value: object) -> str:
        if value is None:
            return ""
        return format_number(value, lang) if isinstance(value, float) else str(value)

    head = "".join(f"<th>{escape(c)}</th>" for c in rows.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell(v))}</td>" for v in row) + "</tr>" for row in rows.iter_rows())
    return f'<table class="chart-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _render(snap: data.Snapshot, spec: ChartSpec, state: dict[str, str], lang: str) -> flask.Response:
    drawn = spec.build(snap, state, lang)
    body = [f"<h1>{escape(drawn.title)}</h1>", f'<p class="unit">{escape(drawn.unit)}</p>']
    if drawn.table is not None:
        chart = _table_html(drawn.table, lang) if drawn.table.height else ""
    else:
        traces = figure_traces(drawn.figure) if drawn.figure is not None else []
        plain = drawn.figure.to_plotly_json() if drawn.figure is not None else {}
        layout = plain.get("layout", {})

        def fmt(value: float, decimals: int | None) -> str:
            return format_number(value, lang, decimals=decimals)

        if any(tr.kind in MAPS for tr in traces) and (layout.get("map") or {}).get("layers"):
            background = [json.loads(g) for g in outlines.outline_geometries(snap)]
            chart = map_svg([tr for tr in traces if tr.rows], fmt, drawn.title, background)
        else:
            chart = figure_svg(traces, layout.get("barmode"), fmt, drawn.title)
        if chart and len(traces) > 1:
            legend = "".join(
                f'<span><i style="background:{escape(trace_colour(tr, i))}"></i>{escape(tr.name)}</span>'
                for i, tr in enumerate(tr for tr in traces if tr.rows)
                if tr.name and tr.in_legend
            )
            chart += f'<p class="legend">{legend}</p>'
    body.append(chart or f"<p>{escape(t('No values for this selection.', lang))}</p>")
    body += source_lines(_notices(queries.source_documents(snap, drawn.source_ids, lang)), snap, lang)
    body += as_of_line(snap, lang)
    body.append(back_links(flask.request.host_url.rstrip("/") + page_address(spec, state, lang), lang))
    return page(lang, drawn.title, "".join(body))
