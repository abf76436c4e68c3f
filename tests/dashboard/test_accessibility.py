"""Accessibility of the dashboard: keyboard navigation with a visible focus, named controls, and text contrast.

Contrast follows WCAG 2.1: text needs 4.5:1 against its background (AA), a focus indicator 3:1 (1.4.11).
The colours are read from caei.css itself, so a change of palette is checked as it is made.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.browser import assert_clean, open_page

pytestmark = pytest.mark.timeout(180)

CSS = Path(__file__).resolve().parents[2] / "dashboard" / "assets_static" / "caei.css"
EXPLORER_URL = "/explorer?lang=ru&indicator=co2_per_capita&geo=KAZ,UZB&from=2010&to=2020&year=2015"
NAV_IDS = ("nav-overview", "nav-explorer", "nav-aral-caspian", "nav-catalogue")
EXPLORER_CONTROLS = ("explorer-indicator", "explorer-from", "explorer-to", "explorer-year")
CONTROL_ROLES = {"button", "checkbox", "combobox", "listbox", "radio", "searchbox", "slider", "spinbutton", "textbox"}


# ---- contrast, computed from the stylesheet --------------------------------------------------------------


def css_variables(css: str) -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", css).group(1)
    return {name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root)}


def relative_luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rule_colours(css: str, selector: str) -> dict[str, str]:
    """The `color` and `background` hex values of the first rule whose selector list names `selector`."""
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            found = dict(re.findall(r"(?<![\w-])(color|background|background-color)\s*:\s*(#[0-9a-fA-F]{3,6})", body))
            return {"color": found.get("color"), "background": found.get("background") or found.get("background-color")}
    raise AssertionError(f"no rule for {selector} in caei.css")


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey


def test_main_text_colours_meet_wcag_aa():
    css = CSS.read_text(encoding="utf-8")
    var = css_variables(css)
    pairs = {
        "body text on the page ground": (var["--ink"], var["--ground"]),
        "body text on panels": (var["--ink"], var["--paper"]),
        "muted text on panels": (var["--muted"], var["--paper"]),
        "muted text on the page ground": (var["--muted"], var["--ground"]),
        "muted text in caveats": (var["--muted"], var["--warn-bg"]),
        "links on panels": (var["--accent"], var["--paper"]),
        "header text on the accent": ("#ffffff", var["--accent"]),
        "current language on white": (var["--accent"], "#ffffff"),
    }
    pairs["current section in the navigation"] = ("#ffffff", rule_colours(css, ".nav-link.active")["background"])
    for flag in (".flag-stale", ".flag-warning", ".flag-note"):
        colours = rule_colours(css, flag)
        pairs[f"{flag} badge"] = (colours["color"], colours["background"])
    failing = {
        name: round(contrast_ratio(fg, bg), 2) for name, (fg, bg) in pairs.items() if contrast_ratio(fg, bg) < 4.5
    }
    assert failing == {}


# ---- keyboard ----------------------------------------------------------------------------------------------

FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    let node = e, background = 'rgb(255, 255, 255)';
    while (node && node !== document.documentElement) {
        const bg = getComputedStyle(node).backgroundColor;
        const alpha = bg.startsWith('rgba') ? parseFloat(bg.split(',')[3]) : 1;
        if (alpha === 1) { background = bg; break; }
        node = node.parentElement;
    }
    const holder = e.closest('[id]');
    return {id: e.id, holder: holder ? holder.id : '', type: e.type || '', value: e.value || '',
            outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
            outlineColor: style.outlineColor, background};
}"""


def rgb_to_hex(css_colour: str) -> str:
    numbers = [int(float(n)) for n in re.findall(r"[\d.]+", css_colour)[:3]]
    return "#" + "".join(f"{n:02x}" for n in numbers)


def test_tab_reaches_navigation_language_switch_and_every_explorer_control_with_a_visible_focus(
    live_server, page_and_record
):
    page, record = page_and_record
    open_page(page, live_server.url + EXPLORER_URL, expected_graphs=2)
    n_checkboxes = page.locator("#explorer-geo input[type=checkbox]").count()
    assert n_checkboxes >= 5
    reached: dict[str, dict] = {}
    for _ in range(40):  # the controls come before the charts' toolbars
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        key = focused["id"] or (f"{focused['holder']}:{focused['value']}" if focused["type"] == "checkbox" else "")
        if key:
            reached.setdefault(key, focused)
        if EXPLORER_CONTROLS[-1] in reached:
            break
    expected = [*NAV_IDS, "lang-en", "lang-kk", *EXPLORER_CONTROLS]
    assert [name for name in expected if name not in reached] == []
    checkboxes = [k for k in reached if k.startswith("explorer-geo:")]
    assert len(checkboxes) == n_checkboxes
    not_visible = {}
    for name in [*expected, *checkboxes]:
        focus = reached[name]
        ratio = contrast_ratio(rgb_to_hex(focus["outlineColor"]), rgb_to_hex(focus["background"]))
        if focus["outlineStyle"] == "none" or focus["outlineWidth"] < 2 or ratio < 3:
            not_visible[name] = (focus["outlineStyle"], focus["outlineWidth"], focus["outlineColor"], round(ratio, 2))
    assert not_visible == {}
    assert_clean(record)


def test_enter_on_a_language_link_switches_the_page(live_server, page_and_record):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/aral-caspian?lang=ru", expected_graphs=1)
    page.focus("#lang-kk")
    page.keyboard.press("Enter")
    page.wait_for_selector('.page[lang="kk"] #caspian', timeout=20_000)
    assert page.url.endswith("/aral-caspian?lang=kk")
    assert_clean(record)


# ---- names of controls ------------------------------------------------------------------------------------


def unnamed_controls(page) -> list[str]:
    """Controls in the browser's accessibility tree without a name (what a screen reader would announce blank)."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return [
        node["role"]["value"]
        for node in nodes
        if not node.get("ignored")
        and node.get("role", {}).get("value") in CONTROL_ROLES
        and not (node.get("name", {}).get("value") or "").strip()
    ]


@pytest.mark.parametrize("path", ["/?lang=ru", "/aral-caspian?lang=ru", "/water?lang=ru", "/catalogue?lang=kk"])
def test_every_control_has_an_accessible_name(live_server, page_and_record, path):
    page, record = page_and_record
    page.goto(live_server.url + path, wait_until="networkidle")
    page.wait_for_selector("#snapshot-stamp")
    page.wait_for_load_state("networkidle")
    assert unnamed_controls(page) == []
    assert_clean(record)


def test_explorer_controls_are_named_by_their_labels(live_server, page_and_record):
    page, _record = page_and_record
    open_page(page, live_server.url + EXPLORER_URL, expected_graphs=2)
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_dom_id = {}
    for node in nodes:
        if "backendDOMNodeId" in node:
            by_dom_id[node["backendDOMNodeId"]] = node
    for control_id, label in (("explorer-indicator", "Показатель"), ("explorer-from", "С"), ("explorer-to", "По")):
        backend_id = cdp.send(
            "DOM.describeNode",
            {
                "objectId": cdp.send("Runtime.evaluate", {"expression": f"document.getElementById('{control_id}')"})[
                    "result"
                ]["objectId"]
            },
        )["node"]["backendNodeId"]
        name = by_dom_id[backend_id].get("name", {}).get("value", "")
        assert name.startswith(label), (control_id, name)
    assert unnamed_controls(page) == []
