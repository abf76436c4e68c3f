"""Dash's own JavaScript and our static files go out brotli-compressed at the highest level (issue 19: a first
visit under 1 MB), the same bytes once decompressed, cacheable for a year where the address is fingerprinted,
and as they are to a client that does not take brotli; so do a page's answer and the map outlines."""

from __future__ import annotations

import json
import re

import brotli

from dashboard.app import create_app
from dashboard.prewarm import router_request
from dashboard.response_cache import CALLBACK_PATH


def test_dash_scripts_and_our_assets_are_sent_brotli_compressed_at_the_highest_level(tmp_path):
    client = create_app(tmp_path / "published").server.test_client()
    index = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+\.js)"', index)
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+\?m=[^"]+)"', index)
    assert any("dash_renderer" in s for s in scripts) and any("caei.css" in a for a in assets)
    compressed_total = plain_total = 0
    for address in scripts + assets:
        plain = client.get(address, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers, address
        body = plain.get_data()
        sent = client.get(address, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert sent.headers["Content-Encoding"] == "br", address
        assert brotli.decompress(sent.get_data()) == body, address
        assert "Accept-Encoding" in sent.headers["Vary"]
        assert sent.headers["Cache-Control"].count("max-age=31536000") == 1, address  # fingerprinted: a year
        assert len(sent.get_data()) <= len(brotli.compress(body, quality=9)), address  # the highest level
        compressed_total += len(sent.get_data())
        plain_total += len(body)
    assert compressed_total < plain_total / 3


def test_a_page_answer_and_the_map_outlines_are_sent_brotli_compressed(published_home):
    client = create_app(published_home / "published").server.test_client(use_cookies=False)
    request = router_request("/air", "?lang=ru")
    plain = client.post(CALLBACK_PATH, json=request, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    body = plain.get_data()
    for _first_then_cached in range(2):
        sent = client.post(CALLBACK_PATH, json=request, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert sent.headers["Content-Encoding"] == "br"
        assert json.loads(brotli.decompress(sent.get_data())) == json.loads(body)
        assert len(sent.get_data()) <= len(brotli.compress(body, quality=9))
    unescaped = json.dumps(json.loads(body))  # plotly writes "/" as "\u002f"
    outlines = re.search(r'"(/geo/[^"]+\.geojson\?snapshot=[^"]+)"', unescaped).group(1)
    geo = client.get(outlines, headers={"Accept-Encoding": "br"})
    assert geo.headers["Content-Encoding"] == "br"
    assert json.loads(brotli.decompress(geo.get_data()))["features"]


def test_made_up_query_strings_do_not_make_the_server_compress_again(tmp_path):
    app = create_app(tmp_path / "published")
    client = app.server.test_client()
    index = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    (renderer,) = re.findall(r'src="(/_dash-component-suites/[^"]*dash_renderer[^"]+\.js)"', index)
    for n in range(5):
        sent = client.get(f"{renderer}?x={n}", headers={"Accept-Encoding": "br"})
        assert sent.headers["Content-Encoding"] == "br"
    assert app.server.extensions["caei_static_compressor"].kept() == 1
