"""The Dash app: `create_app()` builds it, `serve()` runs it with waitress.

Everything is served by the app itself (Dash's own JavaScript, our CSS in `assets_static/`, plotly.js from
`plotly_bundle/`): no CDN, no web fonts, no external stylesheet, so the dashboard works on a closed network.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import dash
import flask
from dash import Input, Output, dcc, html

from dashboard import data, outlines, plotly_bundle, prewarm, response_cache, security, static_compression
from dashboard.api import register_api
from dashboard.i18n import normalize_lang
from dashboard.pages import page_modules

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR / "assets_static"
APP_TITLE = "CAEI · Экологические индикаторы Центральной Азии / Central Asia Environmental Indicators"


class CaeiDash(dash.Dash):
    def interpolate_index(self, *args: Any, **kwargs: Any) -> str:
        """The index page with `<html lang=..>` from `?lang=`, so browsers and screen readers know the language."""
        html_text = super().interpolate_index(*args, **kwargs)
        lang = normalize_lang(flask.request.args.get("lang")) if flask.has_request_context() else "ru"
        return html_text.replace("<html>", f'<html lang="{lang}">', 1)


# DuckDB, polars and plotly import these lazily, from whichever request thread needs them first; another thread
# can then meet the half-imported module (plotly: "partially initialized module 'pandas'") and fail its request.
# Importing them once, before serving, removes the race (seen under load in tests/load).
LAZILY_IMPORTED = ("pyarrow", "pandas")


def import_lazy_dependencies() -> None:
    for name in LAZILY_IMPORTED:
        try:
            importlib.import_module(name)
        except ImportError:  # not installed: then nobody imports it lazily either
            pass


def create_app(published_dir: Path, embed_ancestors: str = "*", hardened: bool = True) -> dash.Dash:
    """Build the dashboard app.

    `published_dir` is the published directory (the one holding `CURRENT` and `snapshots/`), given by the entry
    point. It is read again on every request, so a new publish shows up without a restart, and a missing
    snapshot gives pages that say how to make one. `embed_ancestors`: the sites that may frame the embed paths
    (CSP frame-ancestors; the setting CAEI_EMBED_ANCESTORS). `hardened=False` leaves out the checks and headers
    of dashboard/security.py: only bench/hardening.py does, to measure what they cost.
    """
    import_lazy_dependencies()
    server = flask.Flask("dashboard")
    # Checks first: the answer cache below reads callback bodies, which must be refused before if malformed.
    guard = security.install(server, embed_ancestors) if hardened else None
    answers = response_cache.install(server)  # before Dash adds compression: answers are kept as sent
    plotly_bundle.install(server)  # plotly.js with only the trace types drawn, in place of the full one
    app = CaeiDash(
        "dashboard",
        server=server,  # type: ignore[arg-type]  # Dash types `server` as bool or a factory; it takes a Flask app
        use_pages=True,
        # Pages are registered explicitly below (not by scanning a folder) so that several apps can be
        # built in one process (tests) without Dash re-executing the page modules.
        pages_folder="",
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        compress=True,
        external_stylesheets=[],
        external_scripts=[],
        title=APP_TITLE,
        update_title=None,  # type: ignore[arg-type]  # None turns the "Updating..." title off (Dash docs)
        # Page components exist only while their page is shown, and a page without a snapshot has none.
        suppress_callback_exceptions=True,
    )
    static_compression.install(server)  # after Dash's compression, so that it runs first (Flask: last added, first run)
    if guard is not None:
        guard.attach(app)
    app.server.config[data.PUBLISHED_DIR_CONFIG_KEY] = str(Path(published_dir))
    app.server.extensions["caei_answers"] = answers
    app.server.after_request(name_the_snapshot)
    register_api(server)  # the read API under /api/v1/ (dashboard/api)
    for page in page_modules():
        page.register(app)
    outlines.register(app)
    app.layout = html.Div([dash.page_container, dcc.Store(id="print-done")], id="app-root")
    # The print view is the page itself with print CSS (A4, no navigation); the button opens the dialog once every
    # chart is drawn (charts below the fold wait until scrolled near: dashboard/plotly_bundle/draw_when_near.js).
    app.clientside_callback(
        "function(n) { if (!n) { return 0; } var all = window.Plotly && window.Plotly.drawAll;"
        " return Promise.resolve(all ? all() : null).then(function () { window.print(); return n; }); }",
        Output("print-done", "data"),
        Input("print-button", "n_clicks"),
        prevent_initial_call=True,
    )
    return app


def name_the_snapshot(response: flask.Response) -> flask.Response:
    """Every page, layout, callback and download response says which snapshot it was built from."""
    if not flask.request.path.startswith(("/_dash-component-suites/", "/assets/", "/_favicon")):
        snapshot_id = data.snapshot_id_for_response()
        if snapshot_id:
            response.headers[data.SNAPSHOT_HEADER] = snapshot_id
    return response


def serve(
    published_dir: Path, host: str = "127.0.0.1", port: int = 8050, threads: int = 8, embed_ancestors: str = "*"
) -> None:
    """Serve the dashboard with waitress until interrupted (called by `caei dashboard --host --port`)."""
    from waitress import serve as waitress_serve

    app = create_app(published_dir, embed_ancestors)
    print(
        f"CAEI dashboard: http://{host}:{port}/ (published snapshots in "
        f"{app.server.config[data.PUBLISHED_DIR_CONFIG_KEY]}); stop with Ctrl+C",
        flush=True,
    )
    # Each new snapshot's pages are computed in the background, so its first viewers do not wait for them.
    prewarm.Prewarmer(app, log=lambda line: print(line, flush=True)).start()
    waitress_serve(app.server, host=host, port=port, threads=threads, **security.WAITRESS_LIMITS)
