"""What a chart offers besides itself: its data (a zip of exactly what it draws, with metadata), a link that
reopens the page in the same state, and the code that embeds it on another site (/embed/indicator/{id} for one
indicator, /embed/chart/{chart_id} for a theme chart: see dashboard/theme_charts.py).

The hrefs are built here from the page's state (pure), the block of links and copy buttons in `links_block`. The
explorer adds the block with fixed ids and updates its four values in its redraw callback; every other chart's
block is named by its chart (`key`: one id per block) and redrawn whole with the chart."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.i18n import t

ZIP_ID = "chart-data-zip"
EMBED_LINK_ID = "chart-embed-link"
EMBED_CODE_ID = "chart-embed-code"
SHARE_ID = "chart-share-link"


@dataclass(frozen=True)
class ChartLinks:
    zip_href: str
    embed_href: str
    embed_code: str
    share_link: str


def chart_links(
    base_url: str,
    page_path_and_query: str,
    indicator_id: str,
    geo_ids: tuple[str, ...] | list[str],
    year_from: int | None,
    year_to: int | None,
    lang: str,
    title: str,
) -> ChartLinks:
    """The links of one indicator chart. `base_url` is the site's address (e.g. `https://caei.example/`)."""
    query: dict[str, str] = {"lang": lang}
    if geo_ids:
        query["country"] = "~".join(geo_ids)
    if year_from is not None or year_to is not None:
        query["time"] = f"{year_from if year_from is not None else ''}..{year_to if year_to is not None else ''}"
    return _links(base_url, f"/embed/indicator/{indicator_id}", query, page_path_and_query, title)


def theme_chart_links(
    base_url: str, chart_id: str, page_path_and_query: str, state: dict[str, str], lang: str, title: str
) -> ChartLinks:
    """The links of a theme chart (/embed/chart/{chart_id}): its state is the page's query, `lang` first."""
    return _links(base_url, f"/embed/chart/{chart_id}", {"lang": lang, **state}, page_path_and_query, title)


def _links(base_url: str, embed_path: str, query: dict[str, str], page_path_and_query: str, title: str) -> ChartLinks:
    base = base_url.rstrip("/")
    embed_href = f"{embed_path}?{urlencode(query)}"
    code = (
        f'<iframe src="{escape(base + embed_href)}" title="{escape(title)}" width="680" height="460" '
        'style="border:0" loading="lazy"></iframe>'
    )
    return ChartLinks(
        zip_href=f"{embed_path}/data.zip?{urlencode(query)}",
        embed_href=embed_href,
        embed_code=code,
        share_link=base + page_path_and_query,
    )


def links_block(links: ChartLinks, lang: str, key: str | None = None) -> html.Div:
    """Download the chart's data, open it alone, copy its embed code or a link to this view (no-print).

    Without `key`: the explorer's block, whose parts have fixed ids (its callback updates them). With `key`: the
    block of chart `key`, one id (`<key>-links`) for all its parts, so a page of many charts keeps few ids."""
    if key is not None:
        return _keyed_block(links, lang, key)
    return html.Div(
        className="downloads chart-links no-print",
        children=[
            html.Span(t("This chart:", lang)),
            html.A(t("Data (ZIP)", lang), id=ZIP_ID, href=links.zip_href, className="button-link", download=""),
            html.A(
                t("Chart alone", lang),
                id=EMBED_LINK_ID,
                href=links.embed_href,
                className="button-link",
                target="_blank",
            ),
            html.Span(
                [
                    html.Label(t("Embed code", lang), htmlFor=EMBED_CODE_ID),
                    dcc.Input(
                        id=EMBED_CODE_ID, value=links.embed_code, readOnly=True, type="text", className="copy-field"
                    ),
                    dcc.Clipboard(target_id=EMBED_CODE_ID, title=t("Copy", lang), className="copy-button"),
                ],
                className="copy-group",
            ),
            html.Span(
                [
                    html.Label(t("Link to this view", lang), htmlFor=SHARE_ID),
                    dcc.Input(id=SHARE_ID, value=links.share_link, readOnly=True, type="text", className="copy-field"),
                    dcc.Clipboard(target_id=SHARE_ID, title=t("Copy", lang), className="copy-button"),
                ],
                className="copy-group",
            ),
        ],
    )


def _keyed_block(links: ChartLinks, lang: str, key: str) -> html.Div:
    # The fields sit inside their labels (no id needed to name them); the copy buttons copy their text.
    return html.Div(
        id=f"{key}-links",
        className="downloads chart-links no-print",
        children=[
            html.Span(t("This chart:", lang)),
            html.A(t("Data (ZIP)", lang), href=links.zip_href, className="button-link chart-zip", download=""),
            html.A(t("Chart alone", lang), href=links.embed_href, className="button-link chart-embed", target="_blank"),
            _copy_group(t("Embed code", lang), links.embed_code, "chart-code", lang),
            _copy_group(t("Link to this view", lang), links.share_link, "chart-share", lang),
        ],
    )


def _copy_group(label: str, text: str, field_class: str, lang: str) -> html.Span:
    """A read-only field inside its label, with a button that copies it; kept together on a phone."""
    return html.Span(
        [
            html.Label(
                [label, dcc.Input(value=text, readOnly=True, type="text", className=f"copy-field {field_class}")]
            ),
            dcc.Clipboard(content=text, title=t("Copy", lang), className="copy-button"),
        ],
        className="copy-group",
    )
