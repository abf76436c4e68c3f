"""Pure helpers behind the language of the theme pages: plural forms from the catalogues (Babel reads them),
WHO guideline levels in words, seed-document citations turned into document titles, and the test-side detector
of internal identifiers."""

from __future__ import annotations

import pytest
from babel import Locale

from assets.sources.catalogue import read_seed
from dashboard.i18n import tn
from dashboard.shell import in_sentence, same_section, source_name, source_name_element
from dashboard.text_marks import cited_document, document_title, guideline_level
from tests.support.browser import ALLOWED_LATIN, internal_ids, is_code, latin_words

RUSSIAN_YEARS = {"one": "год", "few": "года", "many": "лет"}


@pytest.mark.parametrize("n", [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111])
def test_years_agree_with_their_number_in_russian(n):
    """The catalogue's three Russian forms, chosen by its Plural-Forms rule, agree with CLDR's rule for n."""
    assert tn("{n} year", "{n} years", n, "ru") == f"{n} {RUSSIAN_YEARS[Locale.parse('ru').plural_form(n)]}"


def test_years_in_english_and_kazakh():
    assert [tn("{n} year", "{n} years", n, "en") for n in (1, 4)] == ["1 year", "4 years"]
    # Kazakh nouns do not change after a numeral
    assert [tn("{n} year", "{n} years", n, "kk") for n in (1, 4, 5)] == ["1 жыл", "4 жыл", "5 жыл"]


def test_an_untranslated_plural_falls_back_to_the_english_forms():
    assert tn("{n} unknown thing", "{n} unknown things", 3, "ru") == "3 unknown things"
    assert tn("{n} unknown thing", "{n} unknown things", 1, "kk") == "1 unknown thing"


def test_who_levels_in_words():
    assert guideline_level("AQG", "ru") == "рекомендуемый уровень"
    assert guideline_level("IT-1", "ru") == "промежуточная цель 1"
    assert guideline_level("IT-3", "en") == "interim target 3"
    assert guideline_level("national", "ru") == "national"  # an unknown level is shown as it is


def test_a_seed_citation_names_its_document_not_its_file():
    documents = {r["document"]: r for r in read_seed("seed_documents.csv").iter_rows(named=True)}
    citation = "seed-docs/000_a58fe3dab7a4c1bb.txt:L823-L825"
    assert cited_document(citation) == "000"
    title = document_title(citation, documents, "ru")
    assert title == documents["000"]["title_ru"] and internal_ids(title) == {}
    assert document_title(citation, documents, "kk") == documents["000"]["title_kk"]
    # a document the table does not know is still named in words, without its file
    assert document_title("seed-docs/009_ffff.txt:L1", documents, "ru") == "Исходный документ 009"
    assert cited_document("OECD CRS, 2025") is None


def test_every_seed_document_has_a_title_in_each_language():
    seeds = read_seed("seed_documents.csv")
    assert seeds["document"].to_list() == ["000", "001", "002", "003", "004"]
    for lang in ("ru", "en", "kk"):
        assert seeds[f"title_{lang}"].null_count() == 0


def test_internal_ids_found_by_kind():
    text = "Охват: KAZ, KGZ · seed-docs/000_a58f.txt:L823 · airdata_kz_main_cities · PM2.5 · data.egov.kz · SDG 7.1.2"
    assert internal_ids(text) == {
        "snake_case id": ["airdata_kz_main_cities"],
        "file name": ["000_a58f.txt"],
        "line citation": [":L823"],
        "ISO3 code": ["KAZ", "KGZ"],
    }
    assert internal_ids("Казахстан, 2021: 15,2 мкг/м³ (рекомендуемый уровень ВОЗ)") == {}


# ---- publishers and licences named in the page's language -------------------------------------------------


def english_in(text: str) -> list[str]:
    """The words of `text` a Russian or Kazakh page must not show (the browser tests' allow-list and codes)."""
    words = {w.rstrip(".") for w in latin_words(text)}
    return sorted(w for w in words if w not in ALLOWED_LATIN and not is_code(w))


def test_every_publisher_and_licence_has_a_name_in_russian_and_kazakh():
    """What the pages show for a source's publisher and licence: a name for each one the catalogue uses, with no
    English left in it beyond the proper names of the allow-list (World Bank -> Всемирный банк)."""
    sources = read_seed("sources.csv")
    publishers = {r["publisher"]: r for r in read_seed("publishers.csv").iter_rows(named=True)}
    licences = {r["licence"]: r for r in read_seed("licences.csv").iter_rows(named=True)}
    assert set(sources["publisher"]) <= set(publishers)
    assert set(sources["licence"]) <= set(licences)
    for names in [*publishers.values(), *licences.values()]:
        for lang in ("ru", "kk"):
            assert names[f"name_{lang}"], names
            assert english_in(names[f"name_{lang}"]) == [], names[f"name_{lang}"]
    assert all(p["basis"] for p in publishers.values())  # each name says where it comes from
    assert publishers["World Bank"]["name_ru"] == "Всемирный банк"
    assert publishers["World Bank"]["name_kk"] == "Дүниежүзілік банк"
    assert licences["CC BY 4.0"]["name_ru"] == "CC BY 4.0"  # a short licence name is the same in every language


def test_a_source_is_named_in_the_language_and_marked_where_a_name_is_missing():
    named = {"publisher": "World Bank", "publisher_ru": "Всемирный банк", "publisher_kk": "Дүниежүзілік банк"}
    assert source_name(named, "publisher", "ru") == "Всемирный банк"
    assert source_name(named, "publisher", "kk") == "Дүниежүзілік банк"
    assert source_name(named, "publisher", "en") == "World Bank"
    assert source_name_element(named, "publisher", "kk") == "Дүниежүзілік банк"
    # a snapshot published before the names: the original, marked as English for screen readers
    old = {"licence": "No licence stated", "licence_ru": None}
    marked = source_name_element(old, "licence", "ru")
    assert marked.lang == "en" and marked.children == "No licence stated"
    assert source_name_element(old, "licence", "en") == "No licence stated"
    # inside the caption's sentence a translated licence name is in lower case, a licence code stays as it is
    assert [in_sentence(n) for n in ("Общественное достояние", "CC BY 4.0", "AidData шарттары", "Не указана")] == [
        "общественное достояние",
        "CC BY 4.0",
        "AidData шарттары",
        "не указана",
    ]


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/indicator/co2_per_capita", "/explorer"),
        ("/explorer", "/explorer"),
        ("/country/KGZ", "/country/KAZ"),
        ("/", "/"),
        ("/404", None),
        ("/analysts", None),
    ],
)
def test_the_navigation_entry_of_a_page(path, entry):
    """An indicator's page is in the explorer's section ("Показатели"); every country's profile in "Countries"."""
    from dashboard.pages import nav_items

    marked = [item for item, _label in nav_items() if same_section(item, path)]
    assert marked == ([entry] if entry else [])
