"""Absurd values through the source entry point (issue 13), with one materialisation.

A copy of the shared mirror gets four absurd values in four rows of one country-indicator source file
(Kazakhstan's CO₂ per capita, 2021-2024: -1e30, NaN, inf, 1e300), then `caei materialize` runs on it. The
outcome must be one a user can trust:
- blocked: the run fails (exit 1) with a reason naming the file and the line of an injected row, and nothing is
  published; or
- flagged: the run publishes, and every injected value is in the snapshot as written, with a doubtful flag (kept
  out of rankings, headline cards, aggregates, trends), and the quality report counts it.

FOR THE LEAD: main (December 2026) gives "flagged" (range_warning on the four Kazakh values; the plausible-range
check warns). The country branch makes NaN and inf a ParseError naming the file and line: after that merge this
run takes the "blocked" branch. Both are asserted; either way every page must then render in headless Chromium
without an error. Finding on main: the Central Asia aggregate of those years is computed from the absurd
values (region_aggregates CA5 2021-2024 = -2.5e29, NaN, inf, 2.5e299, status published, without a doubtful flag).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.common.flags import flags_doubtful
from assets.sources.catalogue import read_seed
from tests.support.browser import BrowserRecord, LiveServer, assert_clean, snapshot_file
from tests.support.caei import run_caei

pytestmark = pytest.mark.timeout(1800)

SOURCE_ID = "owid_co2_per_capita"
INDICATOR, GEO = "co2_per_capita", "KAZ"
INJECTED = {2021: "-1e30", 2022: "NaN", 2023: "inf", 2024: "1e300"}
PAGES = [
    "/",
    "/country/KAZ",
    f"/explorer?indicator={INDICATOR}",
    "/explorer",
    "/catalogue",
    "/aral-caspian",
    "/water",
    "/air",
    "/funding",
    "/summit",
]


def inject(mirror: Path) -> tuple[Path, dict[int, int]]:
    """Write the absurd values into the source file of the mirror copy: the file and {year: file line}."""
    mirror_path = read_seed("sources.csv").filter(pl.col("source_id") == SOURCE_ID)["mirror_path"][0]
    path = mirror / mirror_path
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    assert header[:3] == ["Entity", "Code", "Year"], header  # an OWID chart file: the value is the last cell
    where: dict[int, int] = {}
    for n, line in enumerate(lines):
        cells = line.split(",")
        if len(cells) == len(header) and cells[1] == GEO and cells[2].isdigit() and int(cells[2]) in INJECTED:
            cells[-1] = INJECTED[int(cells[2])]
            lines[n] = ",".join(cells)
            where[int(cells[2])] = n + 1
    assert set(where) == set(INJECTED), f"the mirror file lacks Kazakhstan rows for {sorted(INJECTED)}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, where


@pytest.fixture(scope="module")
def absurd_run(tmp_path_factory, shared_data_dir):
    """The one materialisation of this module, on the mirror copy with the absurd values."""
    root = tmp_path_factory.mktemp("absurd")
    mirror = root / "mirror"
    shutil.copytree(shared_data_dir, mirror)
    path, lines = inject(mirror)
    home = root / "home"
    done = run_caei(["materialize"], home, mirror, timeout=1500)
    return done, home, path, lines


def test_absurd_source_values_are_blocked_with_file_and_line_or_published_flagged(absurd_run):
    done, home, path, lines = absurd_run
    if done.returncode != 0:
        # blocked: the reason names the file and the row, and nothing was published
        assert done.returncode == 1, done.stderr[-2000:]
        assert path.name in done.stderr, done.stderr[-2000:]
        assert any(f"line {n}" in done.stderr for n in lines.values()), done.stderr[-2000:]
        assert not (home / "published" / "CURRENT").exists()
        return
    # flagged: every injected value is published as written, with a doubtful flag
    with duckdb.connect(str(snapshot_file(home)), read_only=True) as con:
        rows = con.execute(
            "SELECT year, value, flags FROM indicator_values WHERE indicator_id = ? AND geo_id = ? "
            "AND list_contains(?, year)",
            [INDICATOR, GEO, list(INJECTED)],
        ).fetchall()
    published = {year: (value, flags) for year, value, flags in rows}
    assert set(published) == set(INJECTED), "an absurd value was dropped without a word"
    for year, written in INJECTED.items():
        value, flags = published[year]
        expected = float(written)
        assert math.isnan(value) if math.isnan(expected) else value == expected, (year, value)
        assert flags_doubtful(flags), f"{year}: {value} published without a doubtful flag ({flags!r})"
    # the quality report names them: caei quality and the export
    report = run_caei(["quality", "--lang", "en"], home)
    assert report.returncode == 0, report.stderr
    assert "outside the plausible range" in report.stdout and "Kazakhstan" in report.stdout
    out = home / "quality.xlsx"
    exported = run_caei(["export", "--table", "quality", "--lang", "kk", "--format", "xlsx", "--out", str(out)], home)
    assert exported.returncode == 0 and out.stat().st_size > 0, exported.stderr


def test_every_page_renders_after_the_absurd_run(absurd_run, browser, artifacts_dir):
    """Whatever the run's outcome, every page (and the explorer on the absurd series) renders in ru, en and kk
    with no error in the browser and none from the server."""
    _done, home, _path, _lines = absurd_run
    with LiveServer(home / "published") as server:
        for path in PAGES:
            for lang in ("ru", "en", "kk"):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                record = BrowserRecord()
                page.on("console", lambda m, r=record: r.console_errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, r=record: r.page_errors.append(str(e)))
                page.on("request", lambda q, r=record: r.requested_urls.append(q.url))
                try:
                    separator = "&" if "?" in path else "?"
                    page.goto(f"{server.url}{path}{separator}lang={lang}", wait_until="networkidle")
                    page.wait_for_selector("footer", timeout=30_000)
                    page.wait_for_load_state("networkidle")
                    if path in ("/country/KAZ", f"/explorer?indicator={INDICATOR}") and lang == "ru":
                        name = path.strip("/").replace("/", "-").split("?")[0]
                        page.screenshot(path=str(artifacts_dir / f"absurd-{name}-{lang}.png"), full_page=True)
                    body = page.inner_text("body")
                    assert "Traceback" not in body and "Internal Server Error" not in body, (path, lang)
                    assert_clean(record)
                except AssertionError as exc:
                    raise AssertionError(f"{path} ({lang}): {exc}") from exc
                finally:
                    context.close()
