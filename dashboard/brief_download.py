"""The country briefs served by the dashboard: `/download/brief/<ISO3>.<pdf|docx>?lang=ru|en|kk`, made once per
snapshot, country, language and format (assets.exports.brief.files.cached_brief) and then sent from the cache."""

from __future__ import annotations

import dash
import duckdb
import flask

from assets.exports.brief.content import COUNTRIES
from assets.exports.brief.files import FORMATS, cached_brief
from dashboard import data
from dashboard.i18n import normalize_lang

PATH = "/download/brief/<iso3>.<fmt>"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def brief_href(iso3: str, fmt: str, lang: str) -> str:
    return f"/download/brief/{iso3}.{fmt}?lang={lang}"


def register(app: dash.Dash) -> None:
    app.server.add_url_rule(PATH, "country_brief", download)


def download(iso3: str, fmt: str) -> flask.Response:
    code = iso3.upper()
    if code not in COUNTRIES or fmt not in FORMATS:
        flask.abort(404)
    lang = normalize_lang(flask.request.args.get("lang"))
    snap = data.snapshot_for_request()
    cache = data.published_dir_of_current_app().parent / "cache" / "briefs"
    with duckdb.connect(str(snap.path), read_only=True) as con:
        path = cached_brief(con, cache, code, lang, fmt)
    name = f"brief_{code}_{lang}_{snap.snapshot_id}.{fmt}"
    return flask.send_file(path, mimetype=MEDIA_TYPES[fmt], as_attachment=True, download_name=name)
