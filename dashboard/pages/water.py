"""Water quality `/water`: sites by class on a map, the worst exceedances, a site profile with its ratios to every
norm (harmonisation view), access to drinking water (JMP), and the analysts' lab-file template.

The monitored water bodies have no coordinates in the sources: a site is drawn on its river's Natural Earth
line, at its reservoir's shape, or at its region's label point, and the page says which.
"""

from __future__ import annotations

from collections.abc import Mapping

import dash
import polars as pl
from dash import Input, Output, dcc, html

from assets.common.geography import CENTRAL_ASIA
from dashboard import data
from dashboard.figures.water import CLASS_COLOURS, class_label, jmp_figure, norm_document, site_map_figure
from dashboard.i18n import (
    alphabetical_key,
    format_number,
    format_signed_percent_change,
    localized,
    normalize_lang,
    t,
)
from dashboard.queries import reference, water
from dashboard.shell import redraw_callback, register_page, section, simple_table, source_caption
from dashboard.summaries import rows_by_key
from dashboard.theme_charts import ChartSpec, DrawnChart, chart_block, register_chart

PATH = "/water"
NAV = (25, PATH, "Water quality")
SITE_DROPDOWN_ID = "water-site"
LANG_STORE_ID = "water-lang"
PROFILE_ID = "water-site-profile"

WATER_USE_MSGIDS = {
    "fishery": "fishery (implied from the published multiplicities)",
    "drinking": "drinking water (Kazakhstan)",
    "household": "drinking/household water bodies (SanPiN, Russia)",
}
PLACEMENT_MSGIDS = {
    "river_line_near_region_label": "on the river line, nearest the region's label point",
    "lake_shape_centre": "at the centre of the reservoir's shape",
    "region_label_point": "at the region's label point (no line or shape for this water body)",
    "not_placed": "not placed",
}
SOURCES = ("kz_surface_water_quality_2006", "kz_wpi_classes", "kz_drinking_water_standards", "ru_sanpin_water_mpc")


def register(app: dash.Dash) -> None:
    register_page(__name__, NAV, title="Качество воды / Water quality · CAEI", content=water_content)
    redraw_callback(app, [Output(PROFILE_ID, "children")], [Input(SITE_DROPDOWN_ID, "value")], LANG_STORE_ID)(
        update_profile
    )


def update_profile(site_id: str | None, lang: str | None):
    lang = normalize_lang(lang)
    snap = data.snapshot_for_request()
    sites = water.sites(snap)
    # the dropdown offers only known sites; a forged id gets the first
    known = site_id if site_id in set(sites["site_id"].to_list()) else None
    return site_profile(snap, sites, known or str(sites["site_id"][0]), lang)


# ---- names ---------------------------------------------------------------------------------------------


def concentration(value: float | None, lang: str) -> str:
    """A concentration with the digits it was written with (0.0065 stays 0.0065, not 0.01)."""
    if value is None:
        return "–"
    text = f"{value:.4g}"
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else (0 if "e" not in text else 6)
    return format_number(value, lang, decimals=decimals, compact=False)


def lab_value(value: float | None, qualifier: str | None, lang: str) -> str:
    """A value as the lab gave it: below the detection limit as "<0,005", not detected without a limit in words."""
    if qualifier == "not_detected":
        return t("not detected", lang)
    return ("<" if qualifier == "<" else "") + concentration(value, lang)


def basis_text(basis: str | None, lang: str) -> str:
    """The chemical basis of a value (`as N`, `Cu, total`, `mg O2/l`) in the page language; formulas stay as written."""
    if not basis or lang == "en":
        return basis or ""
    if t(basis, lang) != basis:
        return t(basis, lang)
    if basis.startswith("as "):
        return t("as {formula}", lang, formula=basis[3:])
    if basis.endswith(", total"):
        return t("{formula}, total", lang, formula=basis[: -len(", total")])
    return basis


# ---- page ----------------------------------------------------------------------------------------------


def water_content(snap: data.Snapshot, info: dict, lang: str) -> list:
    sites = water.sites(snap)
    sources_by_id = {r["source_id"]: r for r in reference.sources(snap).iter_rows(named=True)}
    return [
        html.H1(t("Surface-water quality in Kazakhstan (April 2006)", lang)),
        caveats(sites, lang),
        map_section(snap, sites, lang),
        shares_section(snap, lang),
        exceedances_section(snap, lang),
        profile_section(snap, sites, lang),
        harmonisation_section(snap, lang),
        source_caption(sources_by_id, list(SOURCES), info.get("created_at"), lang, element_id="water-source"),
        jmp_section(snap, sources_by_id, info, lang),
        dcc.Store(id=LANG_STORE_ID, data=lang),
    ]


def caveats(sites: pl.DataFrame, lang: str) -> html.Aside:
    disagree = sites.filter(~pl.col("class_agrees"))
    items = [
        html.Li(
            t(
                "The bulletin lists only the pollutants above their maximum permissible concentration (MPC), so the "
                "water pollution index (WPI) cannot be recomputed from it: it is shown as published.",
                lang,
            )
        ),
        html.Li(
            t(
                "The fishery MPC are not in any source file: they are implied from the published multiplicities "
                "(concentration ÷ multiplicity) and agree across rows within rounding.",
                lang,
            )
        ),
        html.Li(
            t(
                "A later table lists the same April 2006 classification under today's region names: it is not a later "
                "year.",
                lang,
            )
        ),
    ]
    for row in disagree.iter_rows(named=True):
        items.append(
            html.Li(
                t(
                    "{site}: WPI {wpi} falls in {table_class} by the class table, but the bulletin publishes "
                    "{published}. Shown as published.",
                    lang,
                    site=localized(row, "site_name", lang),
                    wpi=format_number(row["wpi_2006_04"], lang, decimals=2),
                    table_class=class_label(row["class_from_table"], lang),
                    published=class_label(row["class_published"], lang),
                ),
                id="water-class-disagreement",
            )
        )
    return html.Aside(
        [html.Strong(t("About these data", lang)), html.Ul(items)], className="caveat", id="water-caveat", role="note"
    )


def map_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    """The sites by published class on the map (the value of a site: its WPI)."""
    return DrawnChart(
        t("Monitored sites by water-quality class", lang),
        t("WPI", lang),
        ["kz_surface_water_quality_2006", "kz_wpi_classes"],
        site_map_figure(snap, water.sites(snap), lang),
    )


def jmp_chart(snap: data.Snapshot, _state: Mapping[str, str], lang: str) -> DrawnChart:
    """Each country's latest JMP shares, side by side."""
    values = water.jmp_latest(snap, list(CENTRAL_ASIA))
    names = {r["geo_id"]: r for r in reference.geographies(snap).iter_rows(named=True)}
    return DrawnChart(
        t("Access to drinking water (WHO/UNICEF JMP)", lang),
        "%",
        values["source_id"].unique().sort().to_list(),
        jmp_figure(values, names, lang),
    )


MAP_CHART = register_chart(ChartSpec("water-map", PATH, map_chart))
JMP_CHART = register_chart(ChartSpec("water-jmp", PATH, jmp_chart))


def map_section(snap: data.Snapshot, sites: pl.DataFrame, lang: str) -> html.Section:
    by_placement: dict[str, list[str]] = {}
    for row in sites.iter_rows(named=True):
        by_placement.setdefault(row["placement"] or "not_placed", []).append(localized(row, "site_name", lang))
    notes = [
        html.Li(
            f"{t(PLACEMENT_MSGIDS.get(p, p), lang)}: {len(names)} — {', '.join(sorted(names, key=alphabetical_key))}"
        )
        for p, names in sorted(by_placement.items())
    ]
    return section(
        "water-map-section",
        t("Monitored sites by water-quality class", lang),
        t(
            "Colour: the class as published for April 2006. The sources give no coordinates; how each site is "
            "placed is listed below the map.",
            lang,
        ),
        *chart_block(MAP_CHART, "water-map", snap, {}, lang),
        html.Ul(notes, id="water-placement", className="muted"),
    )


def shares_section(snap: data.Snapshot, lang: str) -> html.Section:
    shares = water.class_shares(snap)
    classes = list(CLASS_COLOURS)
    regions = shares.select("region_id", "region_en", "region_ru", "region_kk").unique(maintain_order=True)
    rows = []
    # Kazakhstan first, then the regions in the reader's alphabetical order
    ordered = sorted(
        regions.iter_rows(named=True),
        key=lambda r: (r["region_id"] != "KAZ", alphabetical_key(localized(r, "region", lang))),
    )
    for region in ordered:
        part = shares.filter(pl.col("region_id") == region["region_id"])
        counts = dict(part.select("class_published", "n_sites").iter_rows())
        total = int(part["n_region_sites"][0])
        name = t("Kazakhstan, all sites", lang) if region["region_id"] == "KAZ" else localized(region, "region", lang)
        rows.append([name, str(total)] + [str(counts[c]) if c in counts else "" for c in classes])
    return section(
        "water-shares",
        t("Monitored sites by class and region", lang),
        None,
        simple_table(
            [t("Region", lang), t("Sites", lang)] + [class_label(c, lang) for c in classes],
            rows,
            numeric=[False] + [True] * (len(classes) + 1),
            element_id="water-shares-table",
            caption=t(
                "Number of sites per published class (a water body monitored in two regions counts in each).", lang
            ),
        ),
    )


def exceedances_section(snap: data.Snapshot, lang: str) -> html.Section:
    worst = water.worst_exceedances(snap)
    rows = [
        [
            localized(r, "site_name", lang),
            localized(r, "parameter", lang),
            concentration(r["value"], lang),
            t("mg/dm³", lang),
            concentration(r["limit"], lang),
            format_number(r["ratio"], lang, decimals=1),
            format_number(r["multiplicity_published"], lang, decimals=1),
        ]
        for r in worst.iter_rows(named=True)
    ]
    return section(
        "water-exceedances",
        t("Worst exceedances of the fishery MPC", lang),
        None,
        simple_table(
            [
                t("Site", lang),
                t("Parameter", lang),
                t("Concentration", lang),
                t("Unit", lang),
                t("MPC (fishery, implied)", lang),
                t("Ratio to MPC", lang),
                t("Multiplicity as published", lang),
            ],
            rows,
            numeric=[False, False, True, False, True, True, True],
            element_id="water-exceedance-table",
            caption=t("Mean concentration in April 2006 divided by the implied fishery MPC.", lang),
        ),
    )


def profile_section(snap: data.Snapshot, sites: pl.DataFrame, lang: str) -> html.Section:
    options = [
        {
            "label": (
                f"{localized(r, 'site_name', lang)} — {t('WPI', lang)} "
                f"{format_number(r['wpi_2006_04'], lang, decimals=2)}"
            ),
            "value": r["site_id"],
        }
        for r in sites.iter_rows(named=True)
    ]
    first = sites["site_id"][0]
    return section(
        "water-profile",
        t("Site profile", lang),
        None,
        html.Label(t("Site", lang), htmlFor=SITE_DROPDOWN_ID),
        dcc.Dropdown(id=SITE_DROPDOWN_ID, options=options, value=first, clearable=False),
        html.Div(site_profile(snap, sites, first, lang), id=PROFILE_ID),
    )


def site_profile(snap: data.Snapshot, sites: pl.DataFrame, site_id: str, lang: str) -> list:
    site = sites.filter(pl.col("site_id") == site_id).row(0, named=True)
    change = None
    if site["wpi_2005_04"] is not None:
        change = (site["wpi_2006_04"] / site["wpi_2005_04"] - 1) * 100
    wpi_rows = [
        [
            t("April 2005", lang),
            format_number(site["wpi_2005_04"], lang, decimals=2)
            if site["wpi_2005_04"] is not None
            else t("no value published", lang),
        ],
        [
            t("March 2006", lang),
            format_number(site["wpi_2006_03"], lang, decimals=2)
            if site["wpi_2006_03"] is not None
            else t("no value published", lang),
        ],
        [t("April 2006", lang), format_number(site["wpi_2006_04"], lang, decimals=2)],
    ]
    summary = t(
        "WPI as published: {wpi} in April 2006, {published}; by the class table: {table}.",
        lang,
        wpi=format_number(site["wpi_2006_04"], lang, decimals=2),
        published=class_label(site["class_published"], lang),
        table=class_label(site["class_from_table"], lang),
    )
    change_text = (
        t("Change April 2005 → April 2006: {change}.", lang, change=format_signed_percent_change(change, lang))
        if change is not None
        else t("No April 2005 value is published for this site: no change is shown.", lang)
    )
    harm = water.site_harmonisation(snap, site_id)
    return [
        html.P(summary, id="water-profile-summary", className="lead"),
        html.P(change_text, id="water-profile-change"),
        simple_table(
            [t("Period", lang), t("WPI (published)", lang)],
            wpi_rows,
            numeric=[False, True],
            element_id="water-wpi-table",
        ),
        html.H3(t("Parameters and their ratio to each norm", lang)),
        ratio_table(harm, rows_by_key(reference.sources(snap), "source_id"), lang),
    ]


def verdict(r: dict, lang: str) -> str:
    """Exceeds, within, or undetermined (a detection limit above the norm, or not detected)."""
    if not r["norm_id"]:
        return ""
    if r["breaches"] is None:
        return t("undetermined (detection limit above the norm)", lang) if r["ratio"] is not None else ""
    return t("exceeds", lang) if r["breaches"] else t("within", lang)


def ratio_table(harm: pl.DataFrame, sources_by_id: Mapping[str, dict], lang: str) -> html.Table | html.P:
    if harm.is_empty():
        return html.P(t("No pollutant above its limit was listed for this site.", lang), id="water-ratio-table")
    rows = []
    for r in harm.iter_rows(named=True):
        norm = (
            t(WATER_USE_MSGIDS.get(r["water_use"], r["water_use"]), lang)
            if r["norm_id"]
            else t("no applicable norm", lang)
        )
        conversion = (
            ""
            if not r["norm_id"] or r["conversion_factor"] == 1
            else t(" (converted ×{factor})", lang, factor=format_number(r["conversion_factor"], lang, decimals=4))
        )
        rows.append(
            [
                localized(r, "parameter", lang) + f" ({basis_text(r['basis'], lang)})",
                lab_value(r["value"], r.get("qualifier"), lang),
                format_number(r["multiplicity_published"], lang, decimals=1)
                if r["multiplicity_published"] is not None
                else "",
                norm + conversion,
                concentration(r["limit"], lang) if r["limit"] is not None else "",
                ("≤" if r.get("qualifier") == "<" else "") + format_number(r["ratio"], lang, decimals=2)
                if r["ratio"] is not None
                else "",
                verdict(r, lang),
                norm_document(r, sources_by_id, lang),
            ]
        )
    return simple_table(
        [
            t("Parameter (basis)", lang),
            t("mg/dm³", lang),
            t("Multiplicity as published", lang),
            t("Norm (water use)", lang),
            t("MPC, mg/dm³", lang),
            t("Ratio", lang),
            t("Status", lang),
            t("Document", lang),
        ],
        rows,
        numeric=[False, True, True, False, True, True, False, False],
        element_id="water-ratio-table",
    )


def harmonisation_section(snap: data.Snapshot, lang: str) -> html.Section:
    counts = water.breaches_by_water_use(snap)
    rows = [
        [t(WATER_USE_MSGIDS.get(r["water_use"], r["water_use"]), lang), str(r["n_observations"]), str(r["n_breaching"])]
        for r in counts.iter_rows(named=True)
    ]
    return section(
        "water-harmonisation",
        t("Harmonisation: the same observations against each set of norms", lang),
        t(
            "Each observation is compared only with norms of the same chemical basis (nitrite as N is "
            "converted to nitrite ion with the declared factor) and the same unit. WHO and EU values are not "
            "in the shared sources and are not shown.",
            lang,
        ),
        simple_table(
            [
                t("Water use of the norm", lang),
                t("Observations compared", lang),
                t("Exceeding at least one norm", lang),
            ],
            rows,
            numeric=[False, True, True],
            element_id="water-harmonisation-table",
        ),
    )


def jmp_section(snap: data.Snapshot, sources_by_id: dict, info: dict, lang: str) -> html.Section:
    values = water.jmp_latest(snap, list(CENTRAL_ASIA))
    return section(
        "water-jmp",
        t("Access to drinking water (WHO/UNICEF JMP)", lang),
        t("Each country's latest year; the label gives the year.", lang),
        *chart_block(JMP_CHART, "water-jmp-graph", snap, {}, lang),
        source_caption(
            sources_by_id,
            values["source_id"].unique().sort().to_list(),
            info.get("created_at"),
            lang,
            element_id="water-jmp-source",
        ),
    )
