"""The theme pages read in the viewer's language (issue #18, part 3): the overview, air (with its city view),
water, funding, Aral-Caspian and the catalogue, each opened in Russian, English and Kazakh on one live server.

What a viewer reads holds no internal identifier (snake_case ids, file names, line citations, ISO3 codes); the
Russian and Kazakh pages hold no English word outside the allow-list (tests/support/browser.py), text marked
`lang="en"` included: sources, publishers and licences are named in the page's language, citations stay in the
downloads; counts agree with their number (Babel's plural rules, not ours); region names are in the page's
language; indicator names link to their pages. Codes, citations and the original English names are only in the
catalogue's folded details for analysts.
"""

from __future__ import annotations

import re

import pytest
from babel import Locale

from tests.support.browser import (
    assert_clean,
    internal_ids,
    open_page,
    query_one,
    theme_english_words,
    viewer_text,
)

LANGS = ("ru", "en", "kk")
# path -> the charts the page draws at least (the page is read once they are drawn)
PAGES = {"/": 1, "/air": 3, "/water": 1, "/funding": 2, "/aral-caspian": 3, "/catalogue": 0}
KAZAKH_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def page_slug(path: str) -> str:
    return path.strip("/") or "overview"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", list(PAGES))
def test_theme_page_reads_in_its_language(live_server, page_and_record, artifacts_dir, path, lang):
    page, record = page_and_record
    open_page(page, f"{live_server.url}{path}?lang={lang}", PAGES[path])
    page.screenshot(path=str(artifacts_dir / f"language-{page_slug(path)}-{lang}.png"), full_page=True)
    text = viewer_text(page)
    assert internal_ids(text) == {}
    if lang != "en":
        assert theme_english_words(page) == []  # chemical symbols (Cu, O) are not English
    assert_clean(record)


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_counts_years_with_the_right_plural(live_server, page_and_record, published_home, lang):
    """The declared freshness of an indicator, `4 года` not `4 лет`: the form Babel's CLDR rules give for n."""
    page, _record = page_and_record
    # prefer a count whose Russian form is neither the singular nor the genitive plural (2-4, 22-24 ...)
    indicator_id, years = query_one(
        published_home,
        "SELECT indicator_id, CAST(freshness_years AS INTEGER) AS n FROM indicators WHERE freshness_years IS NOT NULL "
        "ORDER BY (n % 10 BETWEEN 2 AND 4 AND n % 100 NOT BETWEEN 12 AND 14) DESC, indicator_id LIMIT 1",
    )
    open_page(page, f"{live_server.url}/catalogue?lang={lang}", 0)
    row = page.locator(f"#status-{indicator_id}").locator("xpath=..")
    freshness = row.locator("td").nth(4).inner_text().replace("\xa0", " ")
    form = Locale.parse(lang).plural_form(years)
    words = {
        "ru": {"one": "год", "few": "года", "many": "лет", "other": "лет"},
        "en": {"one": "year", "other": "years"},
        "kk": {"one": "жыл", "other": "жыл"},
    }[lang]
    assert freshness == f"{years} {words[form]}"


def test_air_regions_are_named_in_russian_on_the_russian_page(live_server, page_and_record, published_home):
    """The three regions made in 2022 are written in Kazakh in the source's row labels (Ұлытау, Жетісу)."""
    page, _record = page_and_record
    open_page(page, f"{live_server.url}/air?lang=ru", PAGES["/air"])
    regions = page.inner_text("#air-regions")
    assert KAZAKH_LETTERS.findall(regions) == []
    ulytau = query_one(published_home, "SELECT name_ru FROM air_region_emissions WHERE region_ru = 'Ұлытау' LIMIT 1")
    if ulytau:
        assert ulytau[0] in regions


# where a page names indicators: the overview's cards and its table of the other indicators, the Aral-Caspian
# drivers' headings and table
INDICATOR_NAME_LINKS = {
    "/": ".card-title a, .other-indicators td a",
    "/aral-caspian": "#drivers h3 a, #drivers-table th a",
}


@pytest.mark.parametrize("path", list(INDICATOR_NAME_LINKS))
def test_indicator_names_link_to_their_pages(live_server, page_and_record, published_home, path):
    page, _record = page_and_record
    open_page(page, f"{live_server.url}{path}?lang=kk", PAGES[path])
    hrefs = page.locator(INDICATOR_NAME_LINKS[path]).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    ids = set(query_one(published_home, "SELECT list(indicator_id) FROM indicators")[0])
    for link in hrefs:
        match = re.fullmatch(r"/indicator/(\w+)\?lang=kk", link)
        assert match and match.group(1) in ids, link


def test_funding_documents_are_named_not_cited_by_file(live_server, page_and_record, published_home):
    """The seed documents' figures name their document by its title in the page language."""
    page, _record = page_and_record
    open_page(page, f"{live_server.url}/funding?lang=ru", PAGES["/funding"])
    table = page.inner_text("#funding-documents-table")
    title = query_one(published_home, "SELECT title_ru FROM seed_documents WHERE document = '000'")[0]
    assert title in table
    assert internal_ids(table) == {}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_catalogue_names_publishers_and_licences_in_the_language(live_server, page_and_record, published_home, lang):
    """A source's publisher and licence in the page's language (the snapshot's `publishers` and `licences`), the
    citation and the original English names only in the folded details for analysts."""
    page, _record = page_and_record
    open_page(page, f"{live_server.url}/catalogue?lang={lang}", 0)
    source_id = "bishkek_us_embassy_pm25"  # a long licence text and a publisher written in English
    publisher, licence, citation, name, original_licence = query_one(
        published_home,
        f"SELECT p.name_{lang}, l.name_{lang}, s.citation, s.publisher, s.licence FROM sources s "
        "JOIN publishers p USING (publisher) JOIN licences l USING (licence) WHERE s.source_id = ?",
        [source_id],
    )
    row = page.locator(f"#source-{source_id}")
    cells = row.locator(":scope > td")
    assert cells.nth(1).inner_text().strip() == publisher
    assert cells.nth(2).inner_text().strip() == licence
    details = row.locator("details.analyst-codes")
    assert citation in details.text_content() and name in details.text_content()
    assert original_licence in details.text_content()
    # outside the details a viewer reads no English of the row
    outside = row.evaluate(
        """tr => { const w = document.createTreeWalker(tr, NodeFilter.SHOW_TEXT); const parts = [];
            while (w.nextNode()) {
                if (!w.currentNode.parentElement.closest('details')) parts.push(w.currentNode.textContent);
            }
            return parts.join(' '); }"""
    )
    assert name not in outside and citation not in outside and original_licence not in outside
