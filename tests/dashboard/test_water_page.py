"""The water page in headless Chromium against a real published snapshot (fixtures in tests/dashboard/conftest.py)."""

from __future__ import annotations

import pytest

from dashboard.i18n import format_number
from tests.support.browser import assert_clean, open_dropdown, open_page, plain_spaces, theme_english_words

pytestmark = pytest.mark.timeout(180)
GRAPHS = ("water-map", "water-jmp-graph")
# Names of water bodies and regions as each language's page writes them (seeds/water_bodies.csv, water_regions.csv).
NAMES = {
    "katta_bugun": {"ru": "Катта-Бугунь", "en": "Katta-Bugun", "kk": "Катта-Бөген"},
    "kara_kengir": {"ru": "Кара-Кенгир", "en": "Kara-Kengir", "kk": "Қара Кеңгір"},
    "oil_products": {"ru": "Нефтепродукты", "en": "Oil products", "kk": "Мұнай өнімдері"},
    "irtysh": {"ru": "Иртыш", "en": "Irtysh", "kk": "Ертіс"},
    "east_kazakhstan": {
        "ru": "Восточно-Казахстанская область",
        "en": "East Kazakhstan region",
        "kk": "Шығыс Қазақстан облысы",
    },
}


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_water_page_shows_sites_exceedances_profile_and_jmp(
    live_server, page_and_record, artifacts_dir, lang, published_home
):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/water?lang={lang}", expected_graphs=len(GRAPHS))
    page.screenshot(path=str(artifacts_dir / f"water-{lang}.png"), full_page=True)

    for graph_id in GRAPHS:
        assert page.locator(f"#{graph_id} .js-plotly-plot").count() == 1, graph_id
    assert page.locator("#water-map canvas").count() >= 1  # drawn offline from our own GeoJSON
    # the Katta-Bugun class disagreement is stated, with its WPI as published
    disagreement = plain_spaces(page.inner_text("#water-class-disagreement"))
    assert NAMES["katta_bugun"][lang] in disagreement
    assert format_number(0.28, lang, decimals=2) in disagreement
    # the worst exceedance: Kara-Kengir oil products, 1.2 mg/l against the implied 0.05
    first = plain_spaces(page.inner_text("#water-exceedance-table tbody tr:first-child"))
    assert NAMES["kara_kengir"][lang] in first
    assert NAMES["oil_products"][lang] in first
    assert format_number(24.0, lang, decimals=1) in first and format_number(24.1, lang, decimals=1) in first
    # the sites and regions are named in the page's language, never in another one
    shares = plain_spaces(page.inner_text("#water-shares-table"))
    placement = plain_spaces(page.inner_text("#water-placement"))
    assert NAMES["east_kazakhstan"][lang] in shares
    assert f"{NAMES['irtysh'][lang]} ({NAMES['east_kazakhstan'][lang]})" in placement
    for other in {"ru", "en", "kk"} - {lang}:
        for name in NAMES:
            assert NAMES[name][other] not in text, (name, other)
    # Kazakhstan row of the class table: 52 sites
    assert page.inner_text("#water-shares-table tbody tr:first-child td:nth-child(2)") == "52"
    # the profile of the first site (highest WPI: Kara-Kengir) with its 2005 -> 2006 change
    summary = plain_spaces(page.inner_text("#water-profile-summary"))
    assert format_number(6.28, lang, decimals=2) in summary
    assert page.locator("#water-ratio-table tbody tr").count() >= 3
    assert NAMES["oil_products"][lang] in page.inner_text("#water-ratio-table")
    terms = {"ru": ("ИЗВ", "ПДК"), "en": ("WPI", "MPC"), "kk": ("СЛИ", "ШРК")}[lang]
    assert all(term in text for term in terms), terms
    # the analysts' lab inbox is not on the viewers' page (it is on /analysts)
    assert page.locator("#water-inbox-help").count() == 0
    # every site is accounted for on the map or in the list of how it was placed
    assert page.locator("#water-placement li").count() >= 2
    if lang != "en":
        assert theme_english_words(page) == []
    assert_clean(record)


def test_choosing_a_site_shows_its_profile_and_a_missing_2005_value_as_a_gap(
    live_server, page_and_record, artifacts_dir
):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/water?lang=en", expected_graphs=len(GRAPHS))
    open_dropdown(page, "#water-site")
    page.keyboard.type("Derkul")
    option = page.locator("[role=option]").filter(has_text="Derkul").first
    option.wait_for(timeout=10_000)
    option.click()
    page.wait_for_function(
        "() => document.querySelector('#water-profile-summary').innerText.includes('0.85')", timeout=20_000
    )
    assert "No April 2005 value" in page.inner_text("#water-profile-change")
    ratio = plain_spaces(page.inner_text("#water-ratio-table"))
    assert "Phenols" in ratio and "fishery" in ratio
    page.screenshot(path=str(artifacts_dir / "water-site-derkul-en.png"), full_page=True)
    assert_clean(record)


@pytest.mark.parametrize("width", [1440, 390])
def test_kazakh_water_page_at_desktop_and_phone_width(browser, live_server, artifacts_dir, width):
    """The Kazakh names (longer than the Russian ones: Шығыс Қазақстан облысы) fit at 1440 and at 390 px."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, f"{live_server.url}/water?lang=kk", expected_graphs=len(GRAPHS))
        page.screenshot(path=str(artifacts_dir / f"water-kk-{width}.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
        assert NAMES["east_kazakhstan"]["kk"] in plain_spaces(page.inner_text("#water-shares-table"))
    finally:
        context.close()
