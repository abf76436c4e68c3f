"""`/embed/indicator/{id}`: the chart alone, in the viewer's language, with its source, licence and a link back;
light (no script, no outside request) and framable by the configured sites."""

from __future__ import annotations

import re

import duckdb
import pytest

from assets.published.snapshots import current_snapshot_path
from dashboard.app import create_app
from tests.support.browser import ALLOWED_LATIN, assert_clean, is_code, latin_words

URL = "/embed/indicator/co2_per_capita?country=KAZ~UZB~CA5&time=2000..2020"


@pytest.fixture(scope="module")
def app(published_home):
    return create_app(published_home / "published")


def test_embed_draws_every_observed_value_with_title_source_licence_and_link_back(app, published_home):
    answer = app.server.test_client().get(URL)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    with duckdb.connect(str(current_snapshot_path(published_home / "published")), read_only=True) as con:
        (name,) = con.execute("SELECT name_ru FROM indicators WHERE indicator_id = 'co2_per_capita'").fetchone()
        source, licence = con.execute(
            "SELECT s.title_ru, l.name_ru FROM sources s JOIN licences l USING (licence) "
            "WHERE s.source_id = 'owid_co2_per_capita'"
        ).fetchone()
        (n_values,) = con.execute(
            "SELECT count(*) FROM indicator_values WHERE indicator_id = 'co2_per_capita' AND value IS NOT NULL "
            "AND geo_id IN ('KAZ', 'UZB', 'CA5') AND year BETWEEN 2000 AND 2020 "
            "AND coalesce(flags, '') NOT LIKE '%projection%'"
        ).fetchone()
    assert '<html lang="ru">' in html and f"<h1>{name}</h1>" in html
    assert html.count("<circle") == n_values > 40
    assert "Казахстан" in html and "Узбекистан" in html
    # the source and its licence in the page's language, as the dashboard names them
    assert f"Источник: {source} · Лицензия: {licence}</p>" in html and 'lang="en"' not in html
    assert "/explorer?lang=ru&amp;indicator=co2_per_capita&amp;geo=KAZ%2CUZB%2CCA5&amp;from=2000&amp;to=2020" in html
    assert "<script" not in html
    assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]


def test_frame_ancestors_are_configurable(published_home):
    app = create_app(published_home / "published", embed_ancestors="https://partner.example")
    answer = app.server.test_client().get(URL)
    assert "frame-ancestors https://partner.example" in answer.headers["Content-Security-Policy"]


def test_unknown_indicator_and_bad_parameters_are_said_in_the_language(app):
    client = app.server.test_client()
    missing = client.get("/embed/indicator/no_such?lang=kk")
    assert missing.status_code == 404 and "Бұл мекенжай бойынша көрсеткіш жоқ." in missing.get_data(as_text=True)
    bad = client.get("/embed/indicator/co2_per_capita?country=ZZZ")
    assert bad.status_code == 400 and "В адресе неверный параметр: country" in bad.get_data(as_text=True)


def test_embed_in_a_browser_in_russian(live_server, page_and_record, artifacts_dir):
    page, record = page_and_record
    page.goto(live_server.url + URL, wait_until="networkidle")
    page.screenshot(path=str(artifacts_dir / "embed_co2_ru.png"))
    assert page.locator("svg.chart circle").count() > 40
    assert_clean(record)
    text = page.evaluate(
        """() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const parts = [];
        while (w.nextNode()) { const n = w.currentNode;
            if (!n.parentElement.closest('[lang="en"], style, title')) parts.push(n.textContent); }
        return parts.join(' '); }"""
    )
    english = {w.rstrip(".") for w in latin_words(text)} - ALLOWED_LATIN - {"CC", "BY", "CO₂"}
    assert sorted(w for w in english if not is_code(w)) == []


def test_chart_download_is_a_zip_of_what_is_drawn_and_its_metadata(app):
    import csv
    import io
    import json
    import zipfile

    client = app.server.test_client()
    page = client.get(URL).get_data(as_text=True)
    (link,) = re.findall(r'href="([^"]+/data\.zip[^"]*)" download', page)
    answer = client.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("co2_per_capita.csv").decode())))
        meta = json.loads(archive.read("co2_per_capita.metadata.json"))
    assert len(rows) == page.count("<circle")
    assert {r["geo_id"] for r in rows} == {"KAZ", "UZB", "CA5"} and {r["licence"] for r in rows} == {"CC BY 4.0"}
    assert meta["sources"][0]["licence"] == "CC BY 4.0" and meta["drawn"]["rows"] == len(rows)


def test_explorer_chart_offers_its_data_embed_code_and_link_in_russian(live_server, page_and_record, artifacts_dir):
    page, record = page_and_record
    url = live_server.url + "/explorer?lang=ru&indicator=co2_per_capita&geo=KAZ,UZB&from=2000&to=2020&year=2020"
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector("#chart-embed-code")
    page.wait_for_load_state("networkidle")
    page.locator("#chart-data-zip").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "explorer_chart_links_ru.png"))
    links = page.locator(".chart-links").inner_text()
    assert "Этот график" in links and "Данные (ZIP)" in links and "Код для вставки на сайт" in links
    zip_href = page.get_attribute("#chart-data-zip", "href")
    assert "country=KAZ~UZB" in zip_href.replace("%7E", "~") and "time=2000..2020" in zip_href
    download = page.request.get(live_server.url + zip_href)
    assert download.ok and download.headers["content-type"] == "application/zip"
    code = page.input_value("#chart-embed-code")
    assert code.startswith('<iframe src="' + live_server.url + "/embed/indicator/co2_per_capita?lang=ru")
    share = page.input_value("#chart-share-link")
    assert share.startswith(live_server.url + "/explorer?lang=ru&indicator=co2_per_capita")
    embed = page.request.get(live_server.url + page.get_attribute("#chart-embed-link", "href"))
    assert embed.ok and "<svg" in embed.text()
    assert_clean(record)
