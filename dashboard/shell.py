"""The frame around every page (header, navigation, language switch, footer) and shared pieces."""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Sequence
from typing import Any

import dash
from dash import State, dcc, html
from dash.exceptions import PreventUpdate

from assets.common.flags import flag_words, flags_doubtful
from dashboard import data
from dashboard.i18n import LANG_COOKIE, SWITCHER_LANGS, format_day, format_timestamp_utc, request_lang, t
from dashboard.pages import nav_items

# Badge colours by the flag's kind (seeds/flags.csv): a doubtful value is marked as a warning.
# `stale` has a colour of its own: the value is sound, the source has gone quiet.
FLAG_CSS = {"doubtful": "flag-warning", "info": "flag-note", "stale": "flag-stale"}


def page_lang(lang: object) -> str:
    """The language of the page being built: `?lang=` wins, then the remembered choice (a cookie set here
    whenever the URL names a language), then Russian."""
    import flask

    remembered = flask.request.cookies.get(LANG_COOKIE) if flask.has_request_context() else None
    chosen = request_lang(lang, remembered)
    if isinstance(lang, str) and lang.strip().lower() == chosen:
        try:
            import dash

            dash.callback_context.response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
        except Exception:  # noqa: BLE001 - outside a Dash callback (e.g. plain-function tests) nothing is remembered
            pass
    return chosen


def flag_text(flags: str | None, lang: str) -> str:
    """The flags of a value in words, e.g. `не обновлялось давно; прогноз` (seeds/flags.csv)."""
    return flag_words(flags, lang)


def flag_badges(flags: str | None, lang: str) -> list:
    """Visible badges for the flags of a value (doubtful ones in the warning colour)."""
    badges = []
    for flag in (flags or "").split(";"):
        if not flag:
            continue
        words = flag_words(flag, lang)
        css = FLAG_CSS.get(flag) or FLAG_CSS["doubtful" if flags_doubtful(flag) else "info"]
        badges.append(html.Span(words, className=f"flag {css}", title=words))
    return badges


def source_title(source: dict, lang: str) -> str:
    """The title of a source in the language: a `title_<lang>` column once the snapshot has one, else the
    catalogue translation of the English title, else the English title."""
    localized_title = source.get(f"title_{lang}")
    if localized_title:
        return str(localized_title)
    title = str(source.get("title") or source.get("source_id") or "")
    return t(title, lang) if lang != "en" else title


def href(path: str, lang: str) -> str:
    """A link to `path` that keeps the language."""
    return f"{path}?lang={lang}"


def indicator_href(indicator_id: str, lang: str) -> str:
    """The link every indicator name carries: the indicator's own page."""
    return href(f"/indicator/{indicator_id}", lang)


# Pages outside the navigation, by the entry they belong to: an indicator's page is one of the "Indicators"
# (the explorer's entry, where every indicator is chosen).
SECTION_OF = {"indicator": "/explorer"}


def same_section(nav_path: str, path: str) -> bool:
    """True when `path` belongs to the navigation entry `nav_path` (`/country/KGZ` to `/country/KAZ`,
    `/indicator/co2_per_capita` to `/explorer`)."""
    section = path.split("/")[1:2]
    home = SECTION_OF.get(section[0]) if section else None
    return nav_path.split("/")[1:2] == (home or path).split("/")[1:2]


def nav_link(item_path: str, label: str, lang: str, current: bool) -> Any:
    """An entry of the navigation; the current section's is marked for the eye (`active`) and for screen readers
    (`aria-current`, which Dash's client-side `dcc.Link` cannot carry: that entry is a plain link)."""
    props: dict[str, Any] = {
        "href": href(item_path, lang),
        "className": "nav-link active" if current else "nav-link",
        "id": f"nav-{item_path.strip('/').split('/')[0] or 'overview'}",
    }
    if current:
        return html.A(t(label, lang), **props, **aria(current="page"))
    return dcc.Link(t(label, lang), **props)


def aria(**attributes: str) -> dict[str, Any]:
    """`aria-*` attributes of a component, e.g. `**aria(label="Sections")` (Dash takes them by keyword only)."""
    return {f"aria-{name}": value for name, value in attributes.items()}


def header(lang: str, path: str) -> html.Header:
    nav_links = [nav_link(item_path, label, lang, same_section(item_path, path)) for item_path, label in nav_items()]
    lang_links = [
        html.Span(code.upper(), className="lang-link current", title=t("Current language", lang))
        if code == lang
        else dcc.Link(code.upper(), href=href(path, code), className="lang-link", id=f"lang-{code}")
        for code in SWITCHER_LANGS
    ]
    return html.Header(
        className="site-header",
        children=[
            html.Div(
                className="header-inner",
                children=[
                    html.Div(
                        [
                            html.Div(t("Central Asia Environmental Indicators", lang), className="site-title"),
                            html.Div(
                                t("Regional Ecological Summit 2026: data for the eight directions", lang),
                                className="site-subtitle",
                            ),
                        ]
                    ),
                    html.Nav(nav_links, className="site-nav", **aria(label=t("Sections", lang))),
                    html.Div(lang_links, className="lang-switch", **aria(label=t("Language", lang))),
                ],
            )
        ],
    )


def footer(lang: str, info: dict[str, Any] | None) -> html.Footer:
    text: str | list[Any]
    if info is None:
        text = t("No published snapshot.", lang)
    else:
        # the snapshot id is a code, set apart as one
        before, _, after = t(
            "Data as of {created_at} · snapshot {snapshot_id}",
            lang,
            created_at=format_timestamp_utc(info.get("created_at"), lang),
            snapshot_id="\0",
        ).partition("\0")
        text = [before, html.Code(info.get("snapshot_id", "")), after]
    return html.Footer(
        className="site-footer",
        children=[
            html.Div(
                [
                    html.Span(text, id="snapshot-stamp"),
                    dcc.Link(
                        t("Sources, licences and checks", lang), href=href("/catalogue", lang), className="footer-link"
                    ),
                    html.Button(t("Print", lang), id="print-button", className="print-button no-print", type="button"),
                ],
                className="footer-inner",
            )
        ],
    )


def page_frame(lang: str, path: str, info: dict[str, Any] | None, children: Any) -> html.Div:
    pin = dcc.Store(id=data.PIN_STORE_ID, data=(info or {}).get("snapshot_id"))
    return html.Div(
        className="page",
        lang=lang,
        children=[header(lang, path), html.Main(children, className="content"), footer(lang, info), pin],
    )


# What a page shows below its header: built from the request's snapshot, its info and the page language.
PageContent = Callable[[data.Snapshot, dict[str, Any], str], Any]


def register_page(
    module: str,
    nav: tuple[int, str, str],
    title: str,
    content: PageContent | None = None,
    layout: Callable[..., Any] | None = None,
    **options: Any,
) -> None:
    """Register a page with Dash from its `NAV = (order, path, name)`, the one place its order and name are set.

    The page is `content` in the frame of `snapshot_page`; a page that reads its path or query string gives its
    own `layout` instead.
    """
    order, path, name = nav
    if layout is None:
        if content is None:
            raise ValueError(f"page {module} needs a content or a layout")
        layout = content_layout(path, content)
    dash.register_page(module, path=path, name=name, title=title, order=order, layout=layout, **options)


def content_layout(path: str, content: PageContent) -> Callable[..., html.Div]:
    """The layout function of a page at `path` whose body is `content` (query parameters other than `lang` unused)."""

    def layout(lang: str | None = None, **_query: Any) -> html.Div:
        chosen = page_lang(lang)
        return snapshot_page(chosen, path, lambda snap, info: content(snap, info, chosen))

    return layout


def snapshot_page(lang: str, path: str, body: Callable[[data.Snapshot, dict[str, Any]], Any]) -> html.Div:
    """A page in its frame, its content built by `body(snapshot, snapshot_info)` from the snapshot of this request.

    Before anything is published the page says how to publish; if the snapshot lacks something `body` reads,
    the page says so (with the header and footer of that snapshot).
    """
    try:
        snap = data.snapshot_for_request()
    except data.NoSnapshotError as missing:
        title, lead = t("No published data yet", lang), t("Build and publish a snapshot with", lang)
        return page_frame(lang, path, None, snapshot_notice("no-snapshot", title, lead, str(missing)))
    info = data.snapshot_info(snap)
    try:
        content = body(snap, info)
    except data.SnapshotContentError as problem:
        title = t("The published snapshot cannot be shown", lang)
        lead = t("It lacks data this page reads. Publish a new snapshot with", lang)
        content = snapshot_notice("snapshot-problem", title, lead, str(problem))
    return page_frame(lang, path, info, content)


def untrusted(value: Any, kind: Any) -> Any:
    """A value from the browser, kept only if it has the type the callback declares (else None, its default).

    Controls send what their component allows, but a request can carry anything: a list where a dropdown holds one
    value, a number where text is expected. Callbacks then see only their declared shapes.
    """
    allowed = typing.get_args(kind) or (kind,)
    if value is None:
        return None
    for option in allowed:
        origin = typing.get_origin(option)
        if origin is list:
            (item,) = typing.get_args(option) or (Any,)
            if isinstance(value, list) and (item is Any or all(isinstance(v, item) for v in value)):
                return value
        elif option is int and isinstance(value, bool):
            continue
        elif option is int and isinstance(value, float) and value.is_integer():
            return int(value)
        elif option is Any or (isinstance(option, type) and isinstance(value, option)):
            return value
    return None


def snapshot_callback(app: dash.Dash, *dependencies: Any, **options: Any):
    """`app.callback` for a server callback that reads the snapshot: it answers from the snapshot its page's layout
    was built from (the `snapshot-pin` store), even if a newer one was published since. The decorated function
    keeps its own signature (tested as a plain function); if the page's snapshot has been pruned, the view stays
    as it is rather than mixing two snapshots.
    """

    def register(func):
        expected = list(typing.get_type_hints(func).values())

        def answer_from_pinned_snapshot(*args: Any):
            *values, pinned = args
            values = [untrusted(value, kind) for value, kind in zip(values, expected, strict=False)] + values[
                len(expected) :
            ]
            data.pin_snapshot(pinned if isinstance(pinned, str) else None)
            try:
                return func(*values)
            except data.SnapshotGoneError:
                raise PreventUpdate from None

        answer_from_pinned_snapshot.__name__ = func.__name__
        app.callback(*dependencies, State(data.PIN_STORE_ID, "data"), **options)(answer_from_pinned_snapshot)
        return func

    return register


def redraw_callback(app: dash.Dash, outputs: Sequence[Any], inputs: Sequence[Any], lang_store_id: str):
    """`snapshot_callback` for a view its layout has already drawn: it answers only when `inputs` change, in the
    page language kept in the store `lang_store_id`."""
    return snapshot_callback(app, *outputs, *inputs, State(lang_store_id, "data"), prevent_initial_call=True)


def snapshot_notice(element_id: str, title: str, lead: str, detail: str) -> html.Div:
    """A warning in place of a page's content: what is missing, and that `caei materialize` publishes a snapshot."""
    return html.Div(
        className="notice notice-warning",
        id=element_id,
        children=[
            html.H2(title),
            html.P([lead, " ", html.Code("caei materialize"), "."]),
            html.P(detail, className="notice-detail"),
        ],
    )


def source_title_element(source: dict, lang: str) -> Any:
    """The source title for a page: a plain string when in the page language, else marked `lang="en"`."""
    title = source_title(source, lang)
    return html.Span(title, lang="en") if lang != "en" and title == source.get("title") else title


def source_name(source: dict, field: str, lang: str) -> str:
    """A source's `publisher` or `licence` in the page language: its `<field>_ru` / `<field>_kk` name (the tables
    `publishers` and `licences`), else as published. The original stays in the metadata and downloads."""
    named = source.get(f"{field}_{lang}") if lang != "en" else None
    return str(named or source.get(field) or "")


def source_name_element(source: dict, field: str, lang: str) -> Any:
    """`source_name` for a page: text left as published (a snapshot without the names) is marked `lang="en"`."""
    text = source_name(source, field, lang)
    return html.Span(text, lang="en") if lang != "en" and text and not source.get(f"{field}_{lang}") else text


def in_sentence(name: Any) -> Any:
    """A name that starts with a capitalised word written inside a sentence ("общественное достояние"); an acronym
    or a proper name (CC BY, AidData) stays as it is."""
    first = name.split()[0] if isinstance(name, str) and name.strip() else ""
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return name[0].lower() + name[1:]
    return name


def source_caption(
    sources_by_id: dict[str, dict],
    source_ids: Sequence[str | None],
    created_at: dt.datetime | None,
    lang: str,
    element_id: str | None = None,
) -> html.P:
    """`Source: <title> (<publisher>, licence <licence>). Snapshot date: <date>` for one or more sources.

    Titles, publishers and licences are in the page language (the snapshot's display names); text left in English
    is marked `lang="en"`, for screen readers and for the language test. The citation (a bibliographic reference)
    is in the metadata and downloads, and in the catalogue's details for analysts."""
    parts: list = []
    for source_id in dict.fromkeys(s for s in source_ids if s):
        if parts:
            parts.append("; ")
        source = sources_by_id.get(source_id)
        if source is None:
            parts.append(html.Code(source_id))
            continue
        title = source_title(source, lang)
        untranslated = lang != "en" and title == source.get("title")
        parts.append(html.Span(title, lang="en") if untranslated else title)
        if source.get("publisher"):
            parts += [" (", source_name_element(source, "publisher", lang)]
            if source.get("licence"):
                # a licence's short name (CC BY 4.0) is the same in every language, a long one is translated and
                # follows the colon in lower case ("лицензия: общественное достояние")
                prefix = t("licence: {licence}", lang, licence="\0").split("\0")[0]
                parts += [", " + prefix, in_sentence(source_name_element(source, "licence", lang))]
            parts.append(")")
    count = len(dict.fromkeys(s for s in source_ids if s))
    label = t("Sources", lang) if count > 1 else t("Source", lang)
    children = [
        f"{label}: ",
        *(parts or ["–"]),
        ". " + t("Snapshot date: {date}", lang, date=format_day(created_at, lang)),
    ]
    props: dict[str, Any] = {"id": element_id} if element_id else {}
    return html.P(children, className="source-caption", **props)


def simple_table(
    columns: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[bool] | None = None,
    element_id: str | None = None,
    caption: str | list[Any] | None = None,
) -> html.Table:
    """A plain HTML table; numeric columns are right-aligned (values arrive already formatted)."""
    numeric = list(numeric or [False] * len(columns))
    head = html.Thead(
        html.Tr([html.Th(c, className="num" if n else None) for c, n in zip(columns, numeric, strict=False)])
    )
    body = html.Tbody(
        [
            html.Tr([html.Td(v, className="num" if n else None) for v, n in zip(row, numeric, strict=False)])
            for row in rows
        ]
    )
    children = ([html.Caption(caption)] if caption else []) + [head, body]
    props: dict[str, Any] = {"id": element_id} if element_id else {}
    return html.Table(children, className="data-table", **props)


def section(element_id: str, title: Any, note: Any, *children: Any) -> html.Section:
    """A titled part of a page: its heading, a muted note under it (None: no note), then `children`."""
    intro = [html.P(note, className="muted")] if note is not None else []
    return html.Section(id=element_id, children=[html.H2(title), *intro, *children])


def page_heading(title: Any, lead: Any) -> list:
    """The title of a page and the lead paragraph under it."""
    return [html.H1(title), html.P(lead, className="lead")]


def search_labels(lang: str) -> dcc.Dropdown.Labels:
    """The words of a searchable dropdown in the page language."""
    return {
        "search": t("Search", lang),
        "no_options_found": t("Nothing found", lang),
        "clear_search": t("Clear", lang),
        "clear_selection": t("Clear", lang),
    }


def chooser(label: str, element_id: str, options: list, value: Any, **dropdown: Any) -> list:
    """A labelled, searchable dropdown that always holds a choice (one indicator, city or series)."""
    return [
        html.Label(label, htmlFor=element_id, className="control-label"),
        dcc.Dropdown(
            id=element_id,
            options=options,
            value=value,
            clearable=False,
            searchable=True,
            className="indicator-dropdown",
            **dropdown,
        ),
    ]
