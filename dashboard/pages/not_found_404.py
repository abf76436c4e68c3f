"""The page for unknown paths (Dash pages looks for a module named `not_found_404`)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard import data
from dashboard.i18n import t
from dashboard.shell import href, page_frame, page_lang

PATH = "/404"


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, path=PATH, name="Not found", title="CAEI", layout=layout)


def layout(lang: str | None = None, **_query: Any) -> html.Div:
    lang = page_lang(lang)
    try:
        info = data.snapshot_info(data.snapshot_for_request())
    except data.NoSnapshotError:
        info = None
    return page_frame(
        lang,
        PATH,
        info,
        [html.H1(t("Page not found", lang)), dcc.Link(t("Go to the overview", lang), href=href("/", lang))],
    )
