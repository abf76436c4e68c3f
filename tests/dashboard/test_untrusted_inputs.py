"""What a browser sends is untrusted: callback inputs and download queries reach DuckDB only as parameters or
validated identifiers, so hostile values give an answer or a clear refusal, never a server error or a change."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import pytest

from assets.published.snapshots import current_snapshot_path
from dashboard.app import create_app
from tests.support.dash_client import callbacks_of_page, component_props, fire, render_page

REPO = Path(__file__).resolve().parents[2]
HOSTILE = [
    "x' OR '1'='1",
    "'; DROP TABLE indicator_values; --",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "\u0000",
    "9" * 400,
]
PAGES = [
    "/",
    "/country/KAZ",
    "/explorer",
    "/aral-caspian",
    "/catalogue",
    "/water",
    "/air",
    "/funding",
    "/summit",
    "/analysts",
]
CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sql_in_the_dashboard_is_built_from_constants_only():
    """Every f-string handed to DuckDB interpolates module constants only; values travel as `?` parameters."""
    offenders = []
    for path in (REPO / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and any(
                "SELECT" in getattr(v, "value", "")
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ):
                for part in node.values:
                    if isinstance(part, ast.FormattedValue) and not (
                        isinstance(part.value, ast.Name) and CONSTANT_NAME.match(part.value.id)
                    ):
                        offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, f"SQL f-strings interpolating non-constants: {offenders}"


@pytest.mark.parametrize("path", PAGES)
def test_hostile_callback_inputs_get_answers_not_server_errors(published_home, path):
    published = published_home / "published"
    before = sha256(current_snapshot_path(published))
    client = create_app(published).server.test_client()
    layout, snapshot_id, status = render_page(client, path, "?lang=ru")
    assert status == 200
    props = component_props(layout)
    fired = 0
    for dependency in callbacks_of_page(client, layout):
        for hostile in HOSTILE:
            for item in dependency["inputs"]:
                key = f"{item['id']}.{item['property']}"
                for value in (hostile, [hostile]):
                    answer = fire(client, dependency, props, {key: value})
                    fired += 1
                    assert answer.status_code in (200, 204), f"{key}={value!r}: HTTP {answer.status_code}"
                    assert answer.headers.get("X-CAEI-Snapshot") == snapshot_id
    assert current_snapshot_path(published).exists() and sha256(current_snapshot_path(published)) == before
    if path in ("/", "/explorer", "/water", "/air", "/funding", "/summit", "/analysts"):
        assert fired > 0, f"{path} has callbacks; none was fired"


def test_hostile_download_queries_are_refused_or_answered(published_home):
    client = create_app(published_home / "published").server.test_client()
    for query in (
        "indicator=x%27%20OR%201%3D1",
        "geo=KAZ%27;DROP%20TABLE%20x",
        "snapshot=../../etc/passwd",
        "from=abc&to=1e99",
        "lang=xx&indicator=%3DHYPERLINK(1)",
    ):
        for fmt in ("csv", "xlsx"):
            answer = client.get(f"/download/explorer.{fmt}?{query}")
            assert answer.status_code in (200, 404), f"{query}: HTTP {answer.status_code}"
    assert client.get("/download/explorer.exe?indicator=x").status_code == 404


def test_map_outlines_are_served_per_snapshot_and_refuse_forged_ones(published_home):
    published = published_home / "published"
    client = create_app(published).server.test_client()
    snapshot_id = current_snapshot_path(published).stem
    answer = client.get(f"/geo/central-asia-outlines.geojson?snapshot={snapshot_id}")
    assert answer.status_code == 200 and answer.headers["X-CAEI-Snapshot"] == snapshot_id
    outlines = answer.get_json(force=True)
    assert outlines["type"] == "FeatureCollection" and len(outlines["features"]) == 5  # the five countries
    assert "immutable" in answer.headers["Cache-Control"]
    for forged in ("../../etc/passwd", "20990101T000000000000Z-000000", "x' OR '1'='1"):
        refused = client.get("/geo/central-asia-outlines.geojson", query_string={"snapshot": forged})
        assert refused.status_code == 404, forged
