"""A country brief as a Word document (python-docx): headings as headings, tables as real tables, the language
set on the document and its text, charts as pictures with alternative text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.oxml.shared import OxmlElement
from docx.shared import Cm, Pt

from assets.exports.brief.chromium import svg_to_png
from assets.exports.brief.content import Brief
from assets.exports.brief.render import (
    air_cells,
    chart_svg,
    line_cells,
    line_headers,
    number,
    source_title,
    water_table,
    words,
)
from assets.exports.headers import catalogue_words

LANGUAGE_TAGS = {"ru": "ru-RU", "en": "en-GB", "kk": "kk-KZ"}


def _set_language(document, lang: str) -> None:
    """The language of the text (styles' run properties) and of the document's properties."""
    tag = LANGUAGE_TAGS[lang]
    document.core_properties.language = tag
    for style_name in ("Normal", "Heading 1", "Heading 2", "Title"):
        rpr = document.styles[style_name].element.get_or_add_rPr()
        element = rpr.find(qn("w:lang"))
        if element is None:
            element = OxmlElement("w:lang")
            rpr.append(element)
        element.set(qn("w:val"), tag)


LINE_WIDTHS = (4.6, 2.3, 1.5, 2.3, 2.3, 4.8)  # cm, an indicator table's columns (17.8 cm between the margins)


def _table(
    document, headers: list[str], rows: list[list[str]], widths: tuple[float, ...] = (), size: float = 8
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = not widths
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)  # the grid LibreOffice reads; Word reads the cells' widths below
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    # the first row is the header row, repeated on each page (and read as such by screen readers)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for n, cell in enumerate(row.cells):
            if widths:
                cell.width = Cm(widths[n])
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _picture(document, png: Path, alt: str) -> None:
    document.add_picture(str(png), width=Cm(10))
    inline = document.inline_shapes[-1]._inline
    inline.docPr.set("descr", alt)  # alternative text, as Word's "Alt Text" box writes it
    inline.docPr.set("title", alt[:100])


def write_docx(brief: Brief, out: Path) -> None:
    lang = brief.lang
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.6))
    _set_language(document, lang)
    document.styles["Normal"].font.name = "DejaVu Sans"
    document.styles["Normal"].font.size = Pt(9.5)
    title = words("title", lang, country=brief.country)
    document.core_properties.title = title
    document.add_heading(title, level=1)
    document.add_paragraph(words("subtitle", lang, id=brief.snapshot_id, date=brief.snapshot_date))
    document.add_paragraph(words("intro", lang))
    document.add_heading(words("summary", lang), level=2)
    _table(
        document,
        ["№", *line_headers(lang)],
        [[str(s.number), *line_cells(brief, s.lines[0])] for s in brief.directions],
        (0.6, 4.3, 2.3, 1.5, 2.3, 2.3, 4.5),
    )
    with tempfile.TemporaryDirectory() as tmp:
        for direction in brief.directions:
            document.add_heading(words("direction", lang, n=direction.number, title=direction.title), 2)
            _table(document, line_headers(lang), [line_cells(brief, line) for line in direction.lines], LINE_WIDTHS)
            svg, alt = chart_svg(brief, direction.lines[0])
            png = Path(tmp) / f"chart_{direction.number}.png"
            svg_to_png(svg, png)
            _picture(document, png, alt)
    if brief.seas:
        document.add_heading(words("seas", lang), level=2)
        document.add_paragraph(words("seas_note", lang))
        _table(
            document,
            [words("sea", lang), *line_headers(lang)[:2], line_headers(lang)[-1]],
            [[sea, *line_cells(brief, line)[:2], line_cells(brief, line)[-1]] for sea, line in brief.seas],
        )
    if brief.water:
        document.add_heading(words("water", lang), level=2)
        _table(document, *water_table(brief), (5.4, 2.6, 2.0, 2.5, 5.3))
    document.add_heading(words("air", lang), level=2)
    if brief.air:
        _table(
            document,
            [words(k, lang) for k in ("pollutant", "city", "value", "year", "cities_ranked", "source")],
            [air_cells(brief, a) for a in brief.air],
        )
    else:
        document.add_paragraph(words("no_air", lang))
    document.add_heading(words("funding", lang), level=2)
    if brief.funding:
        document.add_paragraph(words("funding_note", lang, year=brief.funding_year))
        _table(
            document,
            [words("donor", lang), words("amount", lang), words("source", lang)],
            [[d, number(a, lang, 2), source_title(brief, "oecd_crs_climate")] for d, a in brief.funding],
        )
    heading = document.add_heading(words("sources", lang), level=2)
    heading.paragraph_format.page_break_before = True
    # The original title shares the source's cell (on its own line where it differs): a fifth narrow column made
    # every row four lines high and the sources three pages long.
    _table(
        document,
        [
            f"{words('source', lang)} / {catalogue_words('pack', 'original_title', lang)}",
            words("licence", lang),
            catalogue_words("pack", "public_url", lang),
            words("retrieved", lang),
        ],
        [
            [
                r["title"] if r["original_title"] in (None, "", r["title"]) else f"{r['title']}\n{r['original_title']}",
                r["licence"] or "",
                r["public_url"] or "",
                r["retrieved_at"] or "",
            ]
            for r in brief.sources.iter_rows(named=True)
        ],
        (6.2, 2.2, 7.0, 2.4),
        size=7,  # an appendix of addresses: small print keeps it to two pages
    )
    document.add_paragraph(words("snapshot", lang, id=brief.snapshot_id, date=brief.snapshot_date))
    document.save(str(out))
