"""Download, share and embed of every chart, on each page in Russian, in headless Chromium: the zip's CSV holds
exactly what the browser draws, the share link reopens the page in the same state, and the chart alone renders
with its title and source. One page load per page (and one for its share link): CI time matters."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.figure_rows import figure_rows
from tests.support.browser import assert_clean, open_page

# page address (with a state where the page has one), its charts, and how many plotly figures it draws
PAGES = [
    ("/?lang=ru&indicator=co2_per_capita", ["overview-countries"], 1),
    (
        "/air?lang=ru&series=bishkek%7Cbishkek_us_embassy_pm25%7Cpm25",
        ["air-city-map", "air-daily", "air-calendar", "air-season", "air-region-map"],
        5,
    ),
    ("/water?lang=ru", ["water-map", "water-jmp"], 2),
    (
        "/funding?lang=ru&area=KAZ&dimension=theme",
        ["funding-by-country", "funding-per-capita", "funding-breakdown", "funding-domestic"],
        4,
    ),
    (
        "/aral-caspian?lang=ru",
        [
            "seas-map",
            "aral-area",
            "caspian-annual",
            "caspian-obs",
            "drivers-freshwater-withdrawals",
            "drivers-agricultural-land",
        ],
        6,
    ),
    ("/country/UZB?lang=ru", ["country-profile"], 0),
]
# The figure drawn above a chart's block of links, as the browser holds it (typed arrays made plain lists).
DRAWN_JS = """id => {
    const plain = v => (ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain) :
        (v && typeof v === 'object') ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, plain(w)])) : v);
    for (let node = document.getElementById(id); node; node = node.parentElement) {
        for (let prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
            const plot = prev.matches('.js-plotly-plot') ? prev : prev.querySelector('.js-plotly-plot');
            if (plot) { return JSON.stringify(plot.data.map(plain)); }
        }
    }
    return null;
}"""
TABLE_ROWS = {
    "country-profile": ".profile-grid > article",  # one row per indicator card
}


def zip_rows(page, url: str) -> tuple[list[dict], dict]:
    answer = page.request.get(url)
    assert answer.ok and answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.body())) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".csv")]
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")))), json.loads(
            archive.read("metadata.json")
        )


def block_links(page, chart_id: str) -> dict[str, str]:
    block = page.locator(f"#{chart_id}-links")
    return {
        "zip": block.locator("a.chart-zip").get_attribute("href"),
        "embed": block.locator("a.chart-embed").get_attribute("href"),
        "code": block.locator("input.chart-code, .chart-code input").input_value(),
        "share": block.locator("input.chart-share, .chart-share input").input_value(),
    }


@pytest.mark.parametrize(("address", "charts", "graphs"), PAGES, ids=[p[0].split("?")[0] for p in PAGES])
def test_each_chart_downloads_what_it_draws_shares_its_state_and_embeds(
    live_server, page_and_record, artifacts_dir, address, charts, graphs
):
    page, record = page_and_record
    open_page(page, live_server.url + address, expected_graphs=graphs)
    name = address.split("?")[0].strip("/").replace("/", "-") or "overview"
    page.screenshot(path=str(artifacts_dir / f"chart-links-{name}-ru.png"), full_page=True)
    assert page.locator(".chart-links").count() == len(charts)
    links = {chart_id: block_links(page, chart_id) for chart_id in charts}
    for chart_id, link in links.items():
        rows, meta = zip_rows(page, live_server.url + link["zip"])
        if chart_id in TABLE_ROWS:
            assert len(rows) == page.locator(TABLE_ROWS[chart_id]).count() > 0
        else:
            drawn = figure_rows({"data": json.loads(page.evaluate(DRAWN_JS, f"{chart_id}-links"))})
            assert list(rows[0]) == drawn.columns if rows else drawn.height == 0
            as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in drawn.to_dicts()]
            assert [{k: r[k] for k in drawn.columns if k != "value"} for r in rows] == [
                {k: v for k, v in r.items() if k != "value"} for r in as_text
            ]
            if "value" in drawn.columns:
                values = [float(r["value"]) if r["value"] else None for r in rows]
                assert values == pytest.approx(drawn["value"].to_list())
        assert meta["drawn"]["lang"] == "ru" and meta["drawn"]["rows"] == len(rows)
        assert link["code"].startswith(f'<iframe src="{live_server.url}/embed/chart/{chart_id}?lang=ru')
        # the page's state, whatever the chart's own (a filter's default may be said too)
        shared, asked = urlsplit(link["share"]), urlsplit(live_server.url + address)
        assert shared.path == asked.path and parse_qs(asked.query).items() <= parse_qs(shared.query).items()
        embed = page.request.get(live_server.url + link["embed"]).text()
        assert f"<h1>{meta['title']}</h1>" in embed.replace("&quot;", '"')
        assert ("Источник: " in embed) == bool(meta["sources"])

    # The share link reopens the page in the same state: every chart offers the same data again.
    first = links[charts[0]]
    open_page(page, first["share"], expected_graphs=graphs)
    assert page.get_attribute("html", "lang") == "ru"
    assert {c: block_links(page, c) for c in charts} == links

    # The chart alone, in the browser: its title, its drawing and its source line, nothing from outside.
    page.goto(live_server.url + first["embed"], wait_until="networkidle")
    page.screenshot(path=str(artifacts_dir / f"chart-embed-{charts[0]}-ru.png"), full_page=True)
    assert page.locator("h1").inner_text() == zip_rows(page, live_server.url + first["zip"])[1]["title"]
    assert page.locator("svg.chart, table.chart-table").count() == 1
    assert "Источник" in page.locator("p.source").first.inner_text()
    assert_clean(record)
