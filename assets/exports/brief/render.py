"""A country brief as HTML for printing (headless Chromium) and its charts as SVG carrying their own title, unit,
years and source inside the image. Words: exports catalogue, msgctxt `brief`."""

from __future__ import annotations

from html import escape

from assets.exports.brief.content import COUNTRIES, Brief, Line
from assets.exports.headers import catalogue_words
from assets.exports.pack_layout import decimals_for

BAR = "#4A7FB0"
HIGHLIGHT = "#C8562A"
REGION_BAR = "#8A8A8A"


def words(key: str, lang: str, **fields: object) -> str:
    text = catalogue_words("brief", key, lang)
    return text.format(**fields) if fields else text


def number(value: float | None, lang: str, decimals: int | None = None) -> str:
    """A number as readers of `lang` write it: thin groups of thousands, decimal comma in ru and kk."""
    if value is None:
        return "—"
    digits = decimals_for([value]) if decimals is None else decimals
    text = f"{value:,.{digits}f}"
    if lang in ("ru", "kk"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def source_title(brief: Brief, source_id: str) -> str:
    match = brief.sources.filter(brief.sources["source_id"] == source_id)
    return match["title"][0] if match.height else source_id


def chart_svg(brief: Brief, line: Line) -> tuple[str, str]:
    """A bar chart of the five countries and Central Asia for one indicator, and its alternative text."""
    lang = brief.lang
    bars = [(g, line.series.get(g, (None, None))) for g in (*COUNTRIES, "CA5")]
    values = [v for _g, (_y, v) in bars if v is not None]
    top = max([*values, 0.0]) or 1.0
    bottom = min([*values, 0.0])
    span = (top - bottom) or 1.0
    width, height, left, plot_top, plot_h = 640, 300, 150, 58, 170
    bar_w = 54
    years = sorted({y for _g, (y, v) in bars if y is not None and v is not None})
    year_text = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "—")
    zero_y = plot_top + plot_h * (top / span)
    title = words("chart_title", lang, indicator=line.indicator, unit=line.unit)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" font-family="DejaVu Sans, Noto Sans, sans-serif">',
        f"<title>{escape(line.indicator)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="10" y="20" font-size="{14 if len(title) <= 60 else 11}" font-weight="bold">{escape(title)}</text>',
        f'<text x="10" y="38" font-size="11">{escape(words("chart_years", lang, years=year_text))}</text>',
        f'<line x1="{left - 10}" y1="{zero_y:.1f}" x2="{width - 10}" y2="{zero_y:.1f}" stroke="#333"/>',
    ]
    digits = decimals_for(values)
    for n, (geo, (_year, value)) in enumerate(bars):
        x = left + n * (bar_w + 22)
        name = brief.places.get(geo, geo)
        colour = HIGHLIGHT if geo == brief.iso3 else REGION_BAR if geo == "CA5" else BAR
        if value is not None:
            h = plot_h * abs(value) / span
            y = zero_y - h if value >= 0 else zero_y
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{max(h, 0.5):.1f}" fill="{colour}"/>')
            label_y = y - 4 if value >= 0 else y + h + 12
            parts.append(
                f'<text x="{x + bar_w / 2}" y="{label_y:.1f}" font-size="10" text-anchor="middle">'
                f"{escape(number(value, lang, digits))}</text>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2}" y="{plot_top + plot_h + 18}" font-size="9" text-anchor="middle">'
            f"{escape(name[:16])}</text>"
        )
    source = words("chart_source", lang, source=source_title(brief, line.source_id))
    parts.append(f'<text x="10" y="{height - 12}" font-size="9" fill="#444">{escape(source[:120])}</text>')
    parts.append("</svg>")
    alt = words(
        "chart_alt",
        lang,
        indicator=line.indicator,
        unit=line.unit,
        country=brief.country,
        value=number(line.value, lang),
        year=line.year,
    )
    return "".join(parts), alt


def line_cells(brief: Brief, line: Line) -> list[str]:
    """Indicator (unit), value (year), rank, Central Asia (year), trend, source (and flags in words)."""
    lang = brief.lang
    rank = words("rank_of", lang, rank=line.rank, n=line.ranked) if line.rank else "—"
    region = f"{number(line.region, lang)} ({line.region_year})" if line.region is not None else "—"
    source = source_title(brief, line.source_id) + (f". {words('flags', lang)}: {line.flags}" if line.flags else "")
    return [
        f"{line.indicator}, {line.unit}",
        f"{number(line.value, lang)} ({line.year})" if line.value is not None else "—",
        rank,
        region,
        line.trend or "—",
        source,
    ]


def air_cells(brief: Brief, a: dict) -> list[str]:
    """Pollutant, city, annual mean with unit, year, rank among the cities, source."""
    lang = brief.lang
    return [
        a["pollutant"].upper().replace("PM25", "PM2.5"),
        a["city"],
        f"{number(a['mean'], lang)} {a['unit']}",
        str(a["year"]),
        words("rank_of", lang, rank=a["rank"], n=a["n_ranked"]),
        source_title(brief, a["source_id"]),
    ]


def water_table(brief: Brief) -> tuple[list[str], list[list[str]]]:
    """The water highlights: indicator, value (year), rank among the five, trend, source."""
    headers = line_headers(brief.lang)
    rows = [[c[0], c[1], c[2], c[4], c[5]] for c in (line_cells(brief, line) for line in brief.water)]
    return [headers[0], headers[1], headers[2], headers[4], headers[5]], rows


def line_headers(lang: str) -> list[str]:
    return [
        words("indicator", lang),
        f"{words('value', lang)} ({words('year', lang).lower()})",
        words("rank", lang),
        words("region", lang),
        words("trend", lang),
        words("source", lang),
    ]


WIDTHS = (28, 14, 10, 14, 11, 23)  # % of the page width per column of an indicator table


def _cell(text: str) -> str:
    if text.startswith("http"):  # a long address breaks anywhere rather than leave the page
        return f'<td class="url">{escape(text)}</td>'
    numeric = text[:1].isdigit() or text[:1] in "-−—" and len(text) < 20
    return f'<td class="num">{escape(text)}</td>' if numeric and len(text) < 24 else f"<td>{escape(text)}</td>"


def _table(headers: list[str], rows: list[list[str]], widths: tuple[int, ...] = ()) -> str:
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: 'DejaVu Sans', 'Noto Sans', sans-serif; font-size: 8pt; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 11pt; margin: 10pt 0 4pt; }
h2.page { break-before: page; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; table-layout: auto; font-size: 7pt; }
th, td { border: 0.5pt solid #999; padding: 2pt 3pt; vertical-align: top; text-align: left;
         overflow-wrap: break-word; hyphens: auto; }
th { background: #E8EEF4; } td.url { word-break: break-all; font-size: 6.5pt; }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
figure { margin: 6pt 0; break-inside: avoid; } figure svg { width: 62%; height: auto; }
.small { font-size: 7pt; color: #333; }
"""


def brief_html(brief: Brief) -> str:
    """The whole brief as one HTML document (language set, headings as headings, tables as tables, charts with
    their alternative text)."""
    lang = brief.lang
    out = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{escape(words('title', lang, country=brief.country))}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(words('title', lang, country=brief.country))}</h1>",
        f"<p>{escape(words('subtitle', lang, id=brief.snapshot_id, date=brief.snapshot_date))}</p>",
        f"<p>{escape(words('intro', lang))}</p>",
        f"<h2>{escape(words('summary', lang))}</h2>",
        _table(
            ["№", *line_headers(lang)],
            [[str(s.number), *line_cells(brief, s.lines[0])] for s in brief.directions],
            (4, *WIDTHS[:-1], WIDTHS[-1] - 4),
        ),
    ]
    for section in brief.directions:
        out.append(f"<h2>{escape(words('direction', lang, n=section.number, title=section.title))}</h2>")
        out.append(_table(line_headers(lang), [line_cells(brief, line) for line in section.lines], WIDTHS))
        svg, alt = chart_svg(brief, section.lines[0])
        out.append(f'<figure><div role="img" aria-label="{escape(alt)}">{svg}</div>')
        out.append(f'<figcaption class="small">{escape(alt)}</figcaption></figure>')
    if brief.seas:
        out.append(f"<h2>{escape(words('seas', lang))}</h2><p>{escape(words('seas_note', lang))}</p>")
        rows = [[sea, *line_cells(brief, line)[:2], line_cells(brief, line)[-1]] for sea, line in brief.seas]
        headers = [words("sea", lang), *line_headers(lang)[:2], line_headers(lang)[-1]]
        out.append(_table(headers, rows))
    if brief.water:
        out.append(f"<h2>{escape(words('water', lang))}</h2>")
        out.append(_table(*water_table(brief), (32, 15, 11, 13, 29)))
    out.append(f"<h2>{escape(words('air', lang))}</h2>")
    if brief.air:
        rows = [air_cells(brief, a) for a in brief.air]
        headers = [words(k, lang) for k in ("pollutant", "city", "value", "year", "cities_ranked", "source")]
        out.append(_table(headers, rows))
    else:
        out.append(f"<p>{escape(words('no_air', lang))}</p>")
    out.append(f"<h2>{escape(words('funding', lang))}</h2>")
    if brief.funding:
        out.append(f"<p>{escape(words('funding_note', lang, year=brief.funding_year))}</p>")
        out.append(
            _table(
                [words("donor", lang), words("amount", lang), words("source", lang)],
                [[d, number(a, lang, 2), source_title(brief, "oecd_crs_climate")] for d, a in brief.funding],
            )
        )
    out.append(f'<h2 class="page">{escape(words("sources", lang))}</h2>')
    sources = [
        [
            r["title"],
            r["original_title"],
            r["publisher"] or "",
            r["licence"] or "",
            r["public_url"] or "",
            r["retrieved_at"] or "",
        ]
        for r in brief.sources.iter_rows(named=True)
    ]
    pack = [catalogue_words("pack", k, lang) for k in ("original_title", "publisher")]
    headers = [
        words("source", lang),
        *pack,
        words("licence", lang),
        catalogue_words("pack", "public_url", lang),
        words("retrieved", lang),
    ]
    out.append(_table(headers, sources, (20, 20, 14, 8, 28, 10)))
    out.append(
        f'<p class="small">{escape(words("snapshot", lang, id=brief.snapshot_id, date=brief.snapshot_date))}</p>'
    )
    out.append("</body></html>")
    return "".join(out)
