"""plotly.js for the dashboard's charts: a bundle holding only the trace types the dashboard draws.

Dash loads plotly.js only when a page first shows a `dcc.Graph`, from one fixed address (the renderer's
`window._dashPlotlyJSURL`), and serves there the full plotly.min.js that plotly.py ships (4.7 MB, every trace
type). The app answers that address with `plotly-caei.min.js` instead (3 MB, built by build.mjs beside this file
from the same plotly.js version), so pages without charts still load no plotly at all. Brotli-compressed at the
highest level once, at build time (`.br`), since compressing 3 MB that hard on each request takes seconds.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import flask

BUNDLE_DIR = Path(__file__).resolve().parent
BUNDLE = BUNDLE_DIR / "plotly-caei.min.js"
BUNDLE_BR = BUNDLE_DIR / "plotly-caei.min.js.br"
# Where Dash's renderer fetches plotly.js from when serving locally (dash-renderer, `_dashPlotlyJSURL`).
DASH_PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
# The address carries no fingerprint, so a week (a new bundle reaches browsers within it, and sooner by ETag
# once the week is over); Dash itself sends no max-age here, so every page with a chart revalidated it.
MAX_AGE_S = 7 * 24 * 3600
BANNER = re.compile(rb"/\* plotly\.js v(\d+\.\d+\.\d+) ")


@cache
def _bundle() -> tuple[bytes, bytes | None, str]:
    """The bundle, its brotli form when built, and an ETag for both."""
    body = BUNDLE.read_bytes()
    compressed = BUNDLE_BR.read_bytes() if BUNDLE_BR.is_file() else None
    return body, compressed, hashlib.sha256(body).hexdigest()[:32]


def bundle_version() -> str:
    """The plotly.js version the bundle was built from (its first line says it)."""
    found = BANNER.match(BUNDLE.read_bytes()[:200])
    if found is None:
        raise ValueError(f"{BUNDLE} does not start with the plotly.js version banner that build.mjs writes")
    return found.group(1).decode()


def serve_bundle() -> flask.Response:
    body, compressed, etag = _bundle()
    accepts_br = "br" in flask.request.accept_encodings
    use_br = compressed is not None and accepts_br
    response = flask.Response(compressed if use_br else body, mimetype="application/javascript")
    if use_br:
        response.headers["Content-Encoding"] = "br"  # flask-compress leaves encoded responses alone
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_S}"
    response.set_etag(etag + ("-br" if use_br else ""))
    response.make_conditional(flask.request)  # a 304 when the browser's copy is current
    return response


def install(server: flask.Flask) -> None:
    """Answer Dash's plotly.js address with the bundle. A rule without variables, so Werkzeug matches it before
    Dash's `/_dash-component-suites/<package>/<path>` rule whatever the order they are added in."""
    server.add_url_rule(DASH_PLOTLY_PATH, endpoint="caei_plotly_bundle", view_func=serve_bundle)
