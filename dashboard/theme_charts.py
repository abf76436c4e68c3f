"""The theme charts that are not one indicator (air rankings, water maps, funding flows, sea levels, a country
profile...): each page registers here how it draws each of its charts, and the page, the chart's download and its
embed (/embed/chart/{chart_id}, dashboard/api/chart_embed.py) all draw it with that one function.

A chart's state (which series, area, indicator, country) is a few query parameters, the same on the page's address,
the embed's and the download's; the share link is the page's address with that state and the language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

import flask
import plotly.graph_objects as go
import polars as pl
from dash import html

from dashboard import chart_links, data
from dashboard.figures.base import graph


@dataclass(frozen=True)
class DrawnChart:
    """A chart as drawn from one snapshot: its title, unit, figure (or, for a table, its rows) and sources."""

    title: str
    unit: str
    source_ids: list[str]
    figure: go.Figure | None = None
    table: pl.DataFrame | None = None  # a chart drawn as a table (the country profile): these rows, as shown


@dataclass(frozen=True)
class ChartSpec:
    chart_id: str
    page_path: str  # may name state parameters: "/country/{country}"
    build: Callable[[data.Snapshot, Mapping[str, str], str], DrawnChart]
    params: tuple[str, ...] = ()  # the state parameters the chart reads, besides `lang`
    defaults: Mapping[str, str] = field(default_factory=dict)


CHARTS: dict[str, ChartSpec] = {}
# The state of the page being built (its own query parameters): every chart's share link keeps it, so the link of
# a chart without a state of its own still reopens the page as it was (the air page with its chosen series).
_PAGE_STATE: ContextVar[dict[str, str] | None] = ContextVar("caei_page_state", default=None)
T = TypeVar("T")


def with_page_state(query: Mapping[str, Any], names: tuple[str, ...], build: Callable[[], T]) -> T:
    """`build()` the page with its state (the text values of `names` in its query) known to its charts' links."""
    token = _PAGE_STATE.set({n: v for n in names if isinstance(v := query.get(n), str) and v})
    try:
        return build()
    finally:
        _PAGE_STATE.reset(token)


def register_chart(spec: ChartSpec) -> ChartSpec:
    """Make a chart known to the embeds (pages call this when imported)."""
    CHARTS[spec.chart_id] = spec
    return spec


def chart_state(spec: ChartSpec, query: Mapping[str, Any]) -> dict[str, str]:
    """The chart's state from a query: its own parameters (text only), others ignored, defaults filled in."""
    state = dict(spec.defaults)
    for name in spec.params:
        value = query.get(name)
        if isinstance(value, str) and value:
            state[name] = value
    return state


def page_address(spec: ChartSpec, state: Mapping[str, str], lang: str) -> str:
    """The page's path and query that reopen it in this state (parameters in the path are not repeated)."""
    path = spec.page_path.format(**state)
    rest = {k: v for k, v in state.items() if "{" + k + "}" not in spec.page_path}
    return f"{path}?{urlencode({'lang': lang, **rest})}"


def links_of(spec: ChartSpec, state: Mapping[str, str], lang: str, title: str) -> chart_links.ChartLinks:
    base = flask.request.host_url if flask.has_request_context() else "/"
    page = page_address(spec, {**(_PAGE_STATE.get() or {}), **state}, lang)
    return chart_links.theme_chart_links(base, spec.chart_id, page, dict(state), lang, title)


def links_for(spec: ChartSpec, drawn: DrawnChart, state: Mapping[str, str], lang: str) -> html.Div:
    """The chart's block of links (one id: `<chart_id>-links`)."""
    return chart_links.links_block(links_of(spec, state, lang, drawn.title), lang, key=spec.chart_id)


def chart_block(
    spec: ChartSpec, element_id: str, snap: data.Snapshot, state: Mapping[str, str], lang: str, **graph_options: Any
) -> list:
    """The chart as the page shows it, with its block of links beneath."""
    drawn = spec.build(snap, state, lang)
    figure = drawn.figure if drawn.figure is not None else go.Figure()
    return [graph(element_id, figure, **graph_options), links_for(spec, drawn, state, lang)]
