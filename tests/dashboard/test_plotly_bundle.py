"""The dashboard's own plotly.js bundle (dashboard/plotly_bundle): built from the plotly.js version plotly.py
ships, holding every trace type the dashboard draws, without eval, and served where Dash fetches plotly.js."""

from __future__ import annotations

import json
import re
from pathlib import Path

import brotli
from plotly.offline import get_plotlyjs_version

from dashboard import plotly_bundle
from dashboard.app import create_app

DASHBOARD = Path(plotly_bundle.__file__).resolve().parents[1]
ENTRY = plotly_bundle.BUNDLE_DIR / "entry.js"
# plotly.py figure classes -> plotly.js lib modules (scatter is part of plotly.js's core)
IN_CORE = {"scatter"}


def test_bundle_package_json_and_lockfile_pin_the_plotly_js_that_plotly_py_ships():
    shipped = get_plotlyjs_version()
    package = json.loads((plotly_bundle.BUNDLE_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((plotly_bundle.BUNDLE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    assert plotly_bundle.bundle_version() == shipped
    assert package["dependencies"]["plotly.js"] == shipped
    assert lock["packages"]["node_modules/plotly.js"]["version"] == shipped


def test_bundle_registers_every_trace_type_the_dashboard_draws():
    drawn = set()
    for module in DASHBOARD.rglob("*.py"):
        if "node_modules" not in module.parts:
            drawn |= {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w+)\(", module.read_text(encoding="utf-8"))}
    drawn -= {"figure"}
    assert {"bar", "scatter"} <= drawn  # the search itself works
    registered = set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", ENTRY.read_text(encoding="utf-8")))
    assert sorted(drawn - registered - IN_CORE) == []


def test_no_figure_needs_the_country_names_the_bundle_leaves_out():
    """build.mjs replaces plotly's country-name lookup (`locationmode="country names"`) with an empty one."""
    assert "no_country_names.js" in (plotly_bundle.BUNDLE_DIR / "build.mjs").read_text(encoding="utf-8")
    asking = [
        str(module.relative_to(DASHBOARD))
        for module in DASHBOARD.rglob("*.py")
        if re.search(r"locationmode\s*=\s*[\"']country names", module.read_text(encoding="utf-8"))
    ]
    assert asking == []


def test_bundle_needs_no_eval_and_its_brotli_form_is_the_same_file():
    body = plotly_bundle.BUNDLE.read_bytes()
    assert re.search(rb"(?<![\w$.])eval\(", body) is None
    assert b"new Function(" not in body
    assert brotli.decompress(plotly_bundle.BUNDLE_BR.read_bytes()) == body


def test_dash_plotly_address_serves_the_bundle_compressed_and_cacheable(tmp_path):
    client = create_app(tmp_path / "published").server.test_client()
    with_br = client.get(plotly_bundle.DASH_PLOTLY_PATH, headers={"Accept-Encoding": "gzip, br"})
    assert with_br.status_code == 200
    assert with_br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(with_br.get_data()) == plotly_bundle.BUNDLE.read_bytes()
    assert "max-age=604800" in with_br.headers["Cache-Control"]
    again = client.get(
        plotly_bundle.DASH_PLOTLY_PATH, headers={"Accept-Encoding": "br", "If-None-Match": with_br.headers["ETag"]}
    )
    assert again.status_code == 304
    plain = client.get(plotly_bundle.DASH_PLOTLY_PATH, headers={"Accept-Encoding": "identity"})
    assert plain.get_data() == plotly_bundle.BUNDLE.read_bytes()
    assert "Content-Encoding" not in plain.headers
