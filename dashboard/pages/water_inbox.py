"""The water-quality lab inbox for analysts (on `/analysts`, not on the viewers' `/water`): what has been ingested,
how to drop a file, and templates with Russian or English headers."""

from __future__ import annotations

import urllib.parse

from dash import html

from dashboard import data
from dashboard.i18n import t
from dashboard.queries import water
from dashboard.shell import section
from dashboard.text_marks import with_codes

TEMPLATE_HEADERS = {
    "ru": ["Водный объект", "Пункт отбора", "Область", "Дата отбора", "Показатель", "Значение", "Ед. изм."],
    "en": ["water_body", "point", "region", "date", "parameter", "value", "unit"],
}


def template_href(lang: str) -> str:
    """The lab-file template as a CSV data link (UTF-8 with BOM, ';' as Russian-locale Excel expects)."""
    text = "\ufeff" + ";".join(TEMPLATE_HEADERS[lang]) + "\n"
    return "data:text/csv;charset=utf-8," + urllib.parse.quote(text)


def inbox_section(snap: data.Snapshot, lang: str) -> html.Section:
    summary = water.inbox_summary(snap)
    return section(
        "water-inbox",
        t("Lab results from analysts", lang),
        None,
        html.P(
            t(
                "{files} lab file(s) ingested: {landed} row(s) landed, {open} quarantined row(s) open.",
                lang,
                files=summary["files"],
                landed=summary["landed"],
                open=summary["quarantine_open"],
            ),
            id="water-inbox-summary",
        ),
        html.P(
            with_codes(
                "Drop CSV, XLSX, XLS or ODS files into the water-quality inbox or run {ingest}. Columns: water "
                "body, sampling point or region, sample date, parameter, value, unit ({units}). A value below the "
                "detection limit is written as <0,005 and shown so; a dash or an empty cell counts as not measured. "
                "Rows that cannot be accepted are kept in quarantine with the reason ({export}).",
                lang,
                ingest=f"caei ingest {t('FILE', lang)}",
                units="мг/дм3, мг/л, мкг/дм3, µg/l, мгО2/дм3, мг N/дм3, мг-экв/л, °Ж, ммоль/дм3",
                export="caei export --table quarantine",
            ),
            id="water-inbox-help",
        ),
        html.P(
            [
                html.A(
                    t("Template (Russian headers)", lang),
                    href=template_href("ru"),
                    download="caei_lab_template_ru.csv",
                    id="water-template-ru",
                ),
                " · ",
                html.A(
                    t("Template (English headers)", lang),
                    href=template_href("en"),
                    download="caei_lab_template_en.csv",
                    id="water-template-en",
                ),
            ]
        ),
    )
