"""What a chart's download and embed are made of: the rows its figure draws (dashboard/figure_rows.py), drawn again
as SVG (dashboard/api/svg_figure.py), and the chart's state and share link (dashboard/theme_charts.py)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard.api.svg_figure import as_year, figure_svg, map_svg
from dashboard.chart_links import ChartLinks, links_block
from dashboard.figure_rows import figure_rows, figure_traces
from dashboard.figures.base import DAY_MS, country_bar_figure
from dashboard.theme_charts import ChartSpec, DrawnChart, chart_state, page_address


def fmt(value: float, decimals: int | None) -> str:
    return f"{value:.{decimals if decimals is not None else 2}f}"


def test_bars_lines_and_day_series_become_one_row_per_drawn_value_gaps_left_out():
    figure = go.Figure(
        [
            go.Bar(x=[2019, 2020, 2021], y=[1.5, None, -0.25], name="Kazakhstan"),
            go.Scatter(x0="2020-01-30", dx=DAY_MS, y=[3, None, 5], name="Daily value", mode="lines"),
        ]
    )
    rows = figure_rows(figure)
    assert rows.columns == ["series", "x", "value"]
    assert rows.rows() == [
        ("Kazakhstan", "2019", 1.5),
        ("Kazakhstan", "2021", -0.25),
        ("Daily value", "2020-01-30", 3.0),
        ("Daily value", "2020-02-01", 5.0),  # two days after the first: the gap day is not a row
    ]


def test_a_horizontal_bar_chart_gives_its_categories_and_values():
    rows = [{"geo_id": "KAZ", "value": 13.9, "year": 2024}, {"geo_id": "KGZ", "value": 1.6, "year": 2023}]
    figure = country_bar_figure(rows, {"KAZ": "Казахстан", "KGZ": "Кыргызстан"}, "т", "ru")
    assert sorted(figure_rows(figure).select("x", "value").rows()) == [
        ("Казахстан (2024)", 13.9),
        ("Кыргызстан (2023)", 1.6),
    ]


def test_heatmap_cells_and_map_markers_keep_what_is_drawn_and_outlines_are_left_out():
    figure = go.Figure(
        [
            go.Heatmap(z=[[1, None], [None, 4]], x=[1, 2], y=["янв", "фев"], name="grid"),
            go.Scattermap(lat=[43.2], lon=[76.9], marker={"color": [30.5]}, text=["A<br>b"]),
            go.Scattermap(lat=[50.0], lon=[70.0], marker={"color": "#b0b7c3"}, text="B", name="no value"),
            go.Scattermap(lat=[42.8], lon=[74.6], marker={"color": "#0072B2"}, customdata=[12.0], name="one colour"),
            go.Scattermap(lat=[40, 41, None], lon=[60, 61, None], mode="lines", hoverinfo="skip", name="rivers"),
        ]
    )
    rows = figure_rows(figure).to_dicts()
    cells = [(r["x"], r["y"], r["value"]) for r in rows if r["series"] == "grid"]
    assert cells == [("1", "янв", 1.0), ("2", "фев", 4.0)]
    markers = [(r["lat"], r["label"], r["value"]) for r in rows if r["lat"] is not None]
    assert markers == [(43.2, "A; b", 30.5), (50.0, "B", None), (42.8, None, 12.0)]
    assert "rivers" not in {r["series"] for r in rows}


def test_an_empty_figure_has_no_rows_but_a_header():
    rows = figure_rows(go.Figure())
    assert rows.height == 0 and rows.columns == ["series", "value"]


def test_svg_draws_a_bar_per_row_stacks_negatives_below_zero_and_lines_over_years():
    bars = go.Figure(
        [go.Bar(x=[2020, 2021], y=[2, 3], name="A"), go.Bar(x=[2020, 2021], y=[1, -1], name="B")],
        layout={"barmode": "relative"},
    )
    svg = figure_svg(figure_traces(bars), "relative", fmt, "title")
    assert svg.count("<rect") == 4 and "B, 2021: -1.00" in svg
    lines = go.Figure([go.Scatter(x=[2000, 2010], y=[1, 2], mode="lines+markers", name="A")])
    svg = figure_svg(figure_traces(lines), None, fmt, "title")
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 2 and ">2000<" in svg


def test_svg_map_draws_each_marker_and_shape():
    shape = {"type": "Polygon", "coordinates": [[[58, 44], [61, 44], [61, 46], [58, 44]]]}
    figure = go.Figure(
        [
            go.Choroplethmap(geojson={"type": "Feature", "id": "s", "geometry": shape}, locations=["s"], z=[1]),
            go.Scattermap(lat=[43.2, 50.0], lon=[76.9, 70.0], marker={"color": [30.5, 10.0]}, text=["A", "B"]),
        ]
    )
    svg = map_svg(figure_traces(figure), fmt, "title")
    assert svg.count("<circle") == 2 and svg.count("<path") == 1


@pytest.mark.parametrize(("text", "year"), [("2015", 2015.0), ("2021-01-01", 2021.0), ("2020-07-02", 2020.5)])
def test_positions_on_a_time_axis_are_years(text, year):
    assert as_year(text) == pytest.approx(year, abs=0.01)


def test_a_charts_state_and_share_link_keep_only_its_own_parameters():
    spec = ChartSpec(
        "profile", "/country/{country}", lambda *_: DrawnChart("", "", []), ("country",), {"country": "KAZ"}
    )
    assert chart_state(spec, {"country": "UZB", "other": "x"}) == {"country": "UZB"}
    assert chart_state(spec, {"country": ["UZB"]}) == {"country": "KAZ"}  # only text is a state
    assert page_address(spec, {"country": "UZB"}, "kk") == "/country/UZB?lang=kk"
    funding = ChartSpec("b", "/funding", lambda *_: DrawnChart("", "", []), ("area", "dimension"))
    assert page_address(funding, {"area": "KAZ", "dimension": "theme"}, "ru") == (
        "/funding?lang=ru&area=KAZ&dimension=theme"
    )


def test_a_charts_block_of_links_has_one_id():
    links = ChartLinks("/z.zip", "/embed/chart/x", '<iframe src="/embed/chart/x"></iframe>', "http://h/air?lang=ru")
    block = links_block(links, "ru", key="air-daily")
    ids = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            if getattr(node, "id", None):
                ids.append(node.id)
            walk(getattr(node, "children", None))

    walk(block)
    assert ids == ["air-daily-links"]
