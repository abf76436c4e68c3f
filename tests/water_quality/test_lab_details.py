"""Quarantine details in the reader's language: every detail is written from one template, read back from the
stored English text into its fields, and said in ru, en and kk with the lab's own text as written.

The field values below are lab cells as analysts write them (test inputs, never published as data)."""

from __future__ import annotations

import re

import pytest

from assets.exports.headers import _catalogue, catalogue_words
from assets.exports.lab_words import detail_words, quarantine_words, template_words
from assets.sources.catalogue import read_seed
from assets.sources.lab_details import SEPARATOR, SITE_COLUMNS, TEMPLATES, detail, parse_detail, template_fields

LIMIT_REASON = read_seed("water_physical_limits.csv")["reason"][0]
# One value per field, as a lab writes it (lab text) or as the checks fill it (codes, dates, numbers).
FIELDS = {
    "site_code": "ural__atyrau_x",
    "water_body": "р. Иртыш",
    "region": "Жамбылская область",
    "point": "пос. Семеновка",
    "region_id": "abai",
    "water_body_ids": "irtysh, ural",
    "nearest": "Семей, Усть-Каменогорск",
    "date": "31.02.2025",
    "today": "2025-06-01",
    "year": "1950",
    "parameter": "Хлорофилл",
    "value": "1Е22",
    "unit": "мгО2/дм3",
    "limit": "1e+06",
    "limit_reason": LIMIT_REASON,
    "basis": "O2",
    "parameter_basis": "Cu, total",
    "parameter_id": "copper",
    "unit_id": "mg_l",
    "lines": "9, 10",
    "site_id": "tobol__kostanay",
    "landed": "<0.005 mg_l",
    "given": "not detected",
    "file": "протокол_45.csv",
    "line": "12",
    "columns": f"sample_date, parameter, value, unit, {SITE_COLUMNS}",
    "header": "['Водоем', 'Концентрация']",
    "sheet": "Апрель",
    "kind": "XLSX",
    "error": "Cannot detect file format",
}
LAB_TEXT = ("site_code", "water_body", "region", "point", "nearest", "date", "parameter", "value", "unit", "file")
# Names of codes, from the seeds the snapshot publishes (Russian: water names exist in ru and en; kk reads ru).
NAMES_RU = {
    "parameter_id": dict(read_seed("water_parameters.csv").select("parameter_id", "name_ru").iter_rows()),
    "unit_id": dict(read_seed("units.csv").select("unit", "label_ru").iter_rows()),
    "region_id": dict(read_seed("water_regions.csv").select("region_id", "name_ru").iter_rows()),
    "water_body_ids": dict(read_seed("water_bodies.csv").select("water_body_id", "name_ru").iter_rows()),
}
NAMES_KK = {**NAMES_RU, "unit_id": dict(read_seed("units.csv").select("unit", "label_kk").iter_rows())}
# Latin words a translation may keep: the analysts' file path and chemical formulas (Cu, O2, Mg2).
KEPT_LATIN = {"CAEI_HOME", "water", "sampling_points", "csv"}
FORMULA = re.compile(r"[A-Z][a-z]?\d*")


@pytest.fixture(scope="module")
def names(sites):
    """Codes named as the export names them: seeds, and the monitoring sites of the real source file."""
    site_names = dict(sites.select("site_id", "site_name_ru").iter_rows())
    return {"ru": {**NAMES_RU, "site_id": site_names}, "kk": {**NAMES_KK, "site_id": site_names}}


def example(key: str) -> tuple[str, dict[str, str]]:
    fields = {name: FIELDS[name] for name in template_fields(key)}
    return detail(key, **fields), fields


def stray_english(text: str, fields: dict[str, str]) -> list[str]:
    for value in fields.values():
        text = text.replace(value, " ")
    return [w for w in re.findall(r"[A-Za-z_]{2,}\w*", text) if w not in KEPT_LATIN and not FORMULA.fullmatch(w)]


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_each_detail_reads_back_into_its_fields(key):
    text, fields = example(key)
    assert parse_detail(text) == [(key, fields)]


@pytest.mark.parametrize("key", list(TEMPLATES))
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_each_detail_is_said_in_the_language_with_the_lab_text_as_written(key, lang, names):
    text, fields = example(key)
    said = detail_words(text, lang, names[lang])
    assert said != text
    assert set(re.findall(r"\{(\w+)\}", template_words(key, lang))) == set(fields)  # every field kept
    for name in set(fields) & set(LAB_TEXT):
        assert fields[name] in said, name
    assert stray_english(said, {k: v for k, v in fields.items() if k in LAB_TEXT or k in ("error", "kind")}) == []


def test_codes_are_named_in_words():
    text, _ = example("unit_not_of_parameter")
    assert detail_words(text, "ru", NAMES_RU) == "единица «мгО2/дм3» не является единицей показателя «Медь» (мг/дм³)"
    landed = detail("duplicate_landed", landed="<0.005 mg_l", file="a.csv", line=2, given="not detected")
    assert detail_words(landed, "kk", NAMES_KK).endswith(
        f"<0,005 мг/дм³ қабылданып қойған; бұл жол {catalogue_words('lab_detail', 'not_detected', 'kk')} береді"
    )


def test_english_is_the_stored_text_and_its_catalogue_follows_the_templates():
    english = {key: text for (ctx, key), text in _catalogue("en").items() if ctx == "lab_detail"}
    assert {k: v for k, v in english.items() if k in TEMPLATES} == TEMPLATES
    for key in TEMPLATES:
        text, _ = example(key)
        names = {"parameter_id": {}, "unit_id": {}, "region_id": {}, "water_body_ids": {}, "site_id": {}}
        # column names, 'not detected' and numbers (1e+06: 1,000,000) are put in words in English too
        if key not in ("no_header", "sheet_no_header", "duplicate_landed", "value_impossible"):
            assert detail_words(text, "en", names) == text


def test_several_problems_of_a_row_each_said_and_an_unknown_text_kept_as_stored():
    point, _ = example("point_unknown")  # holds the separator itself
    future = detail("date_future", date="2095-04-17", today="2025-06-01")
    said = detail_words(SEPARATOR.join([point, future]), "ru", NAMES_RU)
    assert said == SEPARATOR.join([detail_words(point, "ru", NAMES_RU), detail_words(future, "ru", NAMES_RU)])
    assert said.count("пос. Семеновка") == 1 and "2095-04-17" in said
    older = "value 'x' could not be read"  # a ledger written before the templates
    assert detail_words(older, "kk", NAMES_KK) == older
    assert detail_words(SEPARATOR.join([older, future]), "kk", NAMES_KK) == SEPARATOR.join([older, future])


def test_reason_status_and_re_check_in_words_the_lab_cells_untouched():
    import polars as pl

    raw = "р. Иртыш;пос. Семеновка;16.04.2025;Медь;0,0040;мг/дм3;"
    frame = pl.DataFrame(
        {
            "raw_row": [raw, raw],
            "reason": ["unknown_site", "unknown_site"],
            "detail": [example("point_unknown")[0], None],
            "status": ["open", "resolved"],
            "resolved_by_file": [None, "re-check"],
        }
    )
    said = quarantine_words(frame, "kk", NAMES_KK)
    assert said["raw_row"].to_list() == [raw, raw]
    assert said["reason"].to_list() == [catalogue_words("quality_reason", "unknown_site", "kk")] * 2
    assert said["status"].to_list() == [catalogue_words("water_words", s, "kk") for s in ("open", "resolved")]
    assert said["resolved_by_file"].to_list() == [None, catalogue_words("water_words", "re-check", "kk")]
    assert said["detail"][1] is None
    assert not any(w in " ".join(said.drop("raw_row").row(0, named=False)[:3]) for w in ("unknown", "open"))


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_physical_limit_reason_has_words(lang):
    """A reason added to seeds/water_physical_limits.csv needs its entry (msgctxt lab_limit_reason), or the
    export would say it in English."""
    said = {key for (ctx, key), _ in _catalogue(lang).items() if ctx == "lab_limit_reason"}
    assert set(read_seed("water_physical_limits.csv")["reason"]) <= said
