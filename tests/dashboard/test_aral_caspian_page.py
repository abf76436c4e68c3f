"""The Aral & Caspian page: the seas on our own shorelines (offline map) and the related drivers.

Plain-function tests for the map and table builders, and one browser test per language against the real
published snapshot (fixtures in tests/dashboard/conftest.py).
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard.figures.seas import geometry_bounds, map_view, seas_map_figure
from dashboard.i18n import format_number
from dashboard.pages.aral_caspian import drivers_table, sea_layers, with_proper_names
from tests.support.browser import assert_clean, english_words_outside_allow_list, open_page, plain_spaces, query_one

pytestmark = pytest.mark.timeout(180)

SQUARE = {"type": "Polygon", "coordinates": [[[58.0, 43.0], [62.0, 43.0], [62.0, 46.0], [58.0, 46.0], [58.0, 43.0]]]}
CASPIAN_LIKE = {"type": "MultiPolygon", "coordinates": [[[[47.0, 37.0], [54.0, 37.0], [54.0, 47.0], [47.0, 37.0]]]]}


# ---- plain functions -------------------------------------------------------------------------------------


def test_sea_layers_draw_the_former_aral_beneath_the_2000s_shoreline_and_name_what_is_missing():
    polygons = pl.DataFrame(
        {
            "name": ["Aral Sea", "Historic Aral Sea", "Caspian Sea"],
            "geometry": [json.dumps(SQUARE)] * 2 + [json.dumps(CASPIAN_LIKE)],
        }
    )
    layers, missing = sea_layers(polygons, "en")
    assert [layer["name"] for layer in layers] == ["Historic Aral Sea", "Aral Sea", "Caspian Sea"]
    assert layers[1]["label"] == "Aral Sea, 2000s shoreline (not the current extent)"
    assert missing == ["Garabogaz Bay"]
    russian, _ = sea_layers(polygons, "ru")
    assert russian[0]["label"] == "Аральское море, прежние границы"


def test_seas_map_is_maplibre_on_a_blank_style_with_our_polygons_only():
    seas = [
        {"label": "A", "geometry": SQUARE, "fill": "#2c7fb8", "line": "#08519c"},
        {"label": "C", "geometry": CASPIAN_LIKE, "fill": "#6baed6", "line": "#2171b5"},
    ]
    fig = seas_map_figure(seas, [{"label": "Kazakhstan", "geometry": SQUARE}], "ru")
    assert {type(trace) for trace in fig.data} == {go.Choroplethmap}
    assert fig.layout.map.style == "white-bg"
    assert [trace.name for trace in fig.data if trace.showlegend] == ["A", "C"]  # countries are context, no legend
    # the view is centred on the seas given
    assert 47 < fig.layout.map.center.lon < 62 and 37 < fig.layout.map.center.lat < 47


def test_map_view_fits_the_bounds():
    assert geometry_bounds([SQUARE, CASPIAN_LIKE]) == (47.0, 37.0, 62.0, 47.0)
    assert geometry_bounds([]) is None
    centre, zoom = map_view((47.0, 37.0, 62.0, 47.0), width_px=900, height_px=480)
    assert centre["lon"] == pytest.approx(54.5)
    narrow_centre, narrow_zoom = map_view((58.0, 43.0, 62.0, 46.0), width_px=900, height_px=480)
    assert narrow_zoom > zoom  # a smaller area is shown closer


def test_without_shorelines_the_map_says_so():
    fig = seas_map_figure([], [], "en")
    assert fig.layout.annotations[0].text == "No shorelines in the snapshot."


def test_latin_proper_names_are_marked_english_on_other_pages():
    parts = with_proper_names("Моря по береговым линиям Natural Earth", "ru")
    assert parts[0] == "Моря по береговым линиям " and parts[1].lang == "en" and parts[1].children == "Natural Earth"
    assert with_proper_names("The seas on Natural Earth shorelines", "en") == ["The seas on Natural Earth shorelines"]


def test_drivers_table_shows_a_missing_country_value_as_a_gap():
    entries = {
        "freshwater_withdrawals": {
            "name_en": "Freshwater withdrawals",
            "unit": "billion_m3",
            "unit_label_en": "billion m³",
        },
        "agricultural_land": {"name_en": "Agricultural land", "unit": "million_ha", "unit_label_en": "million ha"},
    }
    latest = {
        "freshwater_withdrawals": {"KAZ": {"value": 25.0, "year": 2022}},
        "agricultural_land": {"KAZ": {"value": 214.2, "year": 2021}, "KGZ": {"value": 10.6, "year": 2022}},
    }
    table = drivers_table(["KAZ", "KGZ"], {"KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan"}, entries, latest, "en")
    rows = [[cell.children for cell in tr.children] for tr in table.children[2].children]
    assert rows == [["Kazakhstan", "25.0 (2022)", "214 (2021)"], ["Kyrgyzstan", "–", "10.6 (2022)"]]


# ---- in the browser --------------------------------------------------------------------------------------


def latest_value(published_home, indicator_id: str, geo_id: str) -> float:
    row = query_one(
        published_home,
        """
        SELECT value FROM indicator_values
        WHERE indicator_id = ? AND geo_id = ? AND value IS NOT NULL
          AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')
        ORDER BY year DESC LIMIT 1
        """,
        [indicator_id, geo_id],
    )
    assert row is not None, (indicator_id, geo_id)
    return float(row[0])


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_seas_map_and_drivers_render_offline_in_every_language(
    live_server, page_and_record, artifacts_dir, lang, published_home
):
    page, record = page_and_record
    graphs = (
        "seas-map",
        "aral-area-graph",
        "caspian-annual-graph",
        "caspian-obs-graph",
        "driver-freshwater_withdrawals-graph",
        "driver-agricultural_land-graph",
    )
    text = open_page(page, f"{live_server.url}/aral-caspian?lang={lang}", expected_graphs=len(graphs))
    page.locator("#seas-map canvas").first.wait_for(timeout=20_000)  # MapLibre drew our own polygons
    page.screenshot(path=str(artifacts_dir / f"aral-caspian-seas-{lang}.png"), full_page=True)

    for graph_id in graphs:
        assert page.locator(f"#{graph_id} .js-plotly-plot").count() == 1, graph_id
    legend = plain_spaces(page.text_content("#seas-map g.legend") or "")  # an SVG group: text, not innerText
    assert {"ru": "не нынешние границы", "en": "not the current extent", "kk": "қазіргі шекарасы емес"}[lang] in legend
    # three values of the snapshot, formatted for the language
    for indicator_id, geo_id in (
        ("freshwater_withdrawals", "KAZ"),
        ("freshwater_withdrawals", "UZB"),
        ("agricultural_land", "TKM"),
    ):
        assert plain_spaces(format_number(latest_value(published_home, indicator_id, geo_id), lang)) in text
    # each driver figure names its source and the snapshot date
    for indicator_id in ("freshwater_withdrawals", "agricultural_land"):
        caption = plain_spaces(page.inner_text(f"#driver-{indicator_id}-source"))
        # the publisher in the page's language (the snapshot's `publishers`), the licence's short name as it is
        publisher = "publisher" if lang == "en" else f"name_{lang}"
        (name,) = query_one(published_home, f"SELECT {publisher} FROM publishers WHERE publisher = 'Our World in Data'")
        assert name in caption and "CC BY 4.0" in caption
        assert {"ru": "Дата среза данных", "en": "Snapshot date", "kk": "Деректер кесіндісінің күні"}[lang] in caption
    assert "Natural Earth" in page.inner_text("#seas-source")
    assert page.locator("#seas-map-missing").count() == 0  # every shoreline the page names is in the snapshot
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)
