"""`/embed/indicator/{id}`: one indicator's chart alone, for other sites' pages (an <iframe>).

Light: server-drawn SVG, inline CSS, no script, no outside request. It carries the indicator's title and unit, the
source line with its licence (and the licence's terms where it limits reuse: non-commercial, or none stated), the
snapshot's date and a link back to the explorer in the same state. `country`, `time` and `lang` as in the API
(language by default Russian, as the dashboard). Which sites may frame it is the setting
CAEI_EMBED_ANCESTORS (a CSP frame-ancestors source list; any site by default), applied with the other security
headers in dashboard/security.py."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from html import escape
from urllib.parse import urlencode

import flask
import polars as pl

from assets.common.flags import flags_doubtful
from assets.common.geography import AREAS
from assets.exports.xlsx import neutralise_formulas
from dashboard import data
from dashboard.api import params, queries
from dashboard.api.routes import Problem, cached_answer, snapshot_etag
from dashboard.api.svg_chart import Series, line_chart
from dashboard.figures.base import place_colour
from dashboard.i18n import format_day, format_number, t
from dashboard.queries import reference
from dashboard.shell import source_name, source_title

EMBED_LANG = "ru"
STYLE = (
    "body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#1f2933;background:#fff}"
    "main{padding:8px 12px;max-width:680px}h1{font-size:16px;margin:0}p{margin:2px 0}"
    ".unit,.source,.legend{color:#52606d;font-size:12px}.chart{width:100%;height:auto}"
    ".chart text{font-size:11px;fill:#52606d}.chart .grid{stroke:#e4e7eb}.legend span{margin-right:12px}"
    ".legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}"
    ".restricted{color:#8a4b00;font-size:12px}a{color:#0072B2}"
    ".chart-table{border-collapse:collapse;font-size:12px;margin:6px 0}.chart-table th,.chart-table td"
    "{border-bottom:1px solid #e4e7eb;padding:2px 6px;text-align:left}"
)

embed = flask.Blueprint("embed", __name__, url_prefix="/embed")


def page(lang: str, title: str, body: str, status: int = 200) -> flask.Response:
    html = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        # no icon request (an embed makes no request beyond its own page)
        f'<link rel="icon" href="data:,"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    )
    response = flask.Response(html, status=status, mimetype="text/html")
    return response


@embed.errorhandler(Problem)
def _problem(problem: Problem) -> flask.Response:
    lang = _lang()
    chart = flask.request.path.startswith("/embed/chart/")
    text = t("No chart with this address.", lang) if chart else t("No indicator with this address.", lang)
    return page(lang, t("Not found", lang), f"<p>{escape(text)}</p>", 404)


@embed.errorhandler(params.BadParameters)
def _bad(bad: params.BadParameters) -> flask.Response:
    lang = _lang()
    names = ", ".join(name for name, _ in bad.problems)
    text = t("The address has a wrong parameter: {names}", lang, names=names)
    return page(lang, t("Wrong address", lang), f"<p>{escape(text)}</p>", 400)


def _lang() -> str:
    asked = flask.request.args.get("lang")
    return asked if asked in ("ru", "en", "kk") else EMBED_LANG


def _request() -> tuple[data.Snapshot, str, list[str], int | None, int | None, str]:
    """The snapshot and the chart asked for: indicator (from the path), places, years and language."""
    indicator_id = str((flask.request.view_args or {}).get("indicator_id", ""))
    lang = params.parse_lang(flask.request.args.get("lang") or EMBED_LANG)
    params.check_known(set(flask.request.args), frozenset({"country", "time", "lang"}))
    data.pin_snapshot(None)
    snap = data.snapshot_for_request()
    if not params.INDICATOR_ID.match(indicator_id) or not queries.indicator_exists(snap, indicator_id):
        raise Problem(404, "Not Found", indicator_id[:80])
    geo_ids = params.parse_countries(flask.request.args.get("country"), queries.known_geo_ids(snap)) or list(AREAS)
    first, last = params.parse_time(flask.request.args.get("time"))
    return snap, indicator_id, geo_ids, first, last, lang


def drawn_rows(
    snap: data.Snapshot, indicator_id: str, geo_ids: list[str], first: int | None, last: int | None, lang: str
) -> pl.DataFrame:
    """Exactly what the chart draws: the observed values (projections are not observations: the dashboard's charts
    leave them out, and so does the embed), in the language, with flags and licence."""
    rows = queries.values(snap, indicator_id, geo_ids, first, last, lang)
    return rows.filter(~pl.col("flag_codes").str.split(";").list.contains("projection"))


@embed.get("/indicator/<string:indicator_id>")
def indicator_chart(indicator_id: str) -> flask.Response:
    snap, indicator_id, geo_ids, first, last, lang = _request()
    return cached_answer(snapshot_etag(snap), lambda: _render(snap, indicator_id, geo_ids, first, last, lang))


@embed.get("/indicator/<string:indicator_id>/data.zip")
def indicator_chart_data(indicator_id: str) -> flask.Response:
    """The chart's download: a zip of the CSV of what it draws and the indicator's metadata (sources, licences,
    flags legend, snapshot)."""
    snap, indicator_id, geo_ids, first, last, lang = _request()

    def build() -> flask.Response:
        rows = drawn_rows(snap, indicator_id, geo_ids, first, last, lang)
        meta = queries.metadata(snap, indicator_id, lang)
        meta["drawn"] = {"country": geo_ids, "time": [first, last], "lang": lang, "rows": rows.height}
        return zip_response(indicator_id, rows, f"{indicator_id}.metadata.json", meta)

    return cached_answer(snapshot_etag(snap), build)


def zip_response(name: str, rows: pl.DataFrame, meta_name: str, meta: dict) -> flask.Response:
    """A chart's download: `<name>.csv` (exactly the drawn rows, text cells made formula-safe) and its metadata."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.csv", neutralise_formulas(rows).write_csv())
        archive.writestr(meta_name, json.dumps(meta, ensure_ascii=False, indent=1))
    response = flask.Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


def source_lines(notices: list[dict], snap: data.Snapshot, lang: str) -> list[str]:
    """The source line of each source (title and licence in the language of the embed, as the dashboard's pages
    name them), and the licence's terms where they limit reuse."""
    sources = {r["source_id"]: r for r in reference.all_sources(snap).iter_rows(named=True)}
    lines = []
    for notice in notices:
        source = sources.get(notice["source_id"]) or {"title": notice["source"], "licence": notice["licence"]}
        licence = source_name(source, "licence", lang) if notice["licence_stated"] else t("no licence stated", lang)
        title = escape(source_title(source, lang))
        if lang != "en" and source_title(source, lang) == source.get("title"):  # no title in the language
            title = f'<span lang="en">{title}</span>'
        source_word, licence_word = t("Source", lang), t("Licence", lang)
        lines.append(
            f'<p class="source">{escape(source_word)}: {title} · {escape(licence_word)}: {escape(licence)}</p>'
        )
        if notice["commercial_use"] == "no" or not notice["licence_stated"]:
            lines.append(f'<p class="restricted">{escape(notice["licence_terms"] or "")}</p>')
    return lines


def as_of_line(snap: data.Snapshot, lang: str) -> list[str]:
    """The snapshot's date, said under the chart."""
    created = queries.snapshot_meta(snap)["date"]
    if not created:
        return []
    as_of = t("Data as of {date}", lang, date=format_day(dt.datetime.fromisoformat(created), lang))
    return [f'<p class="source">{escape(as_of)}</p>']


def back_links(link: str, lang: str) -> str:
    """Back to the dashboard in the same state, and the chart's data."""
    back, download = t("Open in the dashboard", lang), t("Download the data (ZIP)", lang)
    zip_link = f"{flask.request.path}/data.zip?{flask.request.query_string.decode('ascii', 'replace')}"
    return (
        f'<p><a href="{escape(link)}" target="_top">{escape(back)}</a> · '
        f'<a href="{escape(zip_link)}" download>{escape(download)}</a></p>'
    )


def _render(
    snap: data.Snapshot, indicator_id: str, geo_ids: list[str], first: int | None, last: int | None, lang: str
) -> flask.Response:
    rows = drawn_rows(snap, indicator_id, geo_ids, first, last, lang)
    (entry,) = [e for e in queries.catalogue_entries(snap, lang) if e["id"] == indicator_id]
    title = entry["name"]
    places = rows["geo_id"].unique(maintain_order=True).to_list()
    series = [
        Series(
            label=str(part["geo"][0]),
            colour=place_colour(part["geo_id"][0], places),
            points=[
                (r["year"], r["value"], flags_doubtful(r["flag_codes"]), r["flags"]) for r in part.iter_rows(named=True)
            ],
        )
        for part in rows.partition_by("geo_id", maintain_order=True)
    ]
    chart = line_chart(series, lambda v, decimals: format_number(v, lang, decimals=decimals), title)
    body = [f"<h1>{escape(title)}</h1>", f'<p class="unit">{escape(entry["unit_label"] or "")}</p>']
    if chart:
        body.append(chart)
        legend = "".join(f'<span><i style="background:{s.colour}"></i>{escape(s.label)}</span>' for s in series)
        body.append(f'<p class="legend">{legend}</p>')
        if any(p[2] for s in series for p in s.points):
            hollow = t("Hollow points: values flagged as doubtful.", lang)
            body.append(f'<p class="legend">{escape(hollow)}</p>')
    else:
        nothing = t("No values for this selection.", lang)
        body.append(f"<p>{escape(nothing)}</p>")
    notices = rows.select("source_id", "source", "licence", "licence_stated", "commercial_use", "licence_terms")
    body += source_lines(notices.unique(maintain_order=True).to_dicts(), snap, lang)
    body += as_of_line(snap, lang)
    years = [y for s in series for y, *_ in s.points]
    state = {"lang": lang, "indicator": indicator_id, "geo": ",".join(geo_ids)}
    if years:
        state |= {"from": str(min(years)), "to": str(max(years)), "year": str(max(years))}
    link = f"{flask.request.host_url.rstrip('/')}/explorer?{urlencode(state)}"
    body.append(back_links(link, lang))
    return page(lang, title, "".join(body))
