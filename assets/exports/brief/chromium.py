"""Headless Chromium, found on the machine (scripts/setup installs it): prints the brief's HTML to a tagged PDF
and draws a chart's SVG as PNG for the Word file."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class BriefBuildError(RuntimeError):
    pass


def chromium() -> str:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise BriefBuildError("headless Chromium is needed for PDF briefs: run scripts/setup (it installs chromium)")


def run_chromium(args: list[str], workdir: Path) -> None:
    profile = workdir / "profile"
    done = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise BriefBuildError(f"chromium failed ({done.returncode}): {done.stderr[-500:]}")


def html_to_pdf(html: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html, encoding="utf-8")
        run_chromium(["--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()], Path(tmp))
    if not out.is_file() or out.stat().st_size == 0:
        raise BriefBuildError("chromium wrote no PDF")


def svg_to_png(svg: str, out: Path, size: tuple[int, int] = (640, 300)) -> None:
    """A chart as PNG for the Word file (Word documents take pictures, not SVG, in every reader)."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "chart.html"
        page.write_text(f'<html><body style="margin:0">{svg}</body></html>', encoding="utf-8")
        run_chromium(
            [f"--screenshot={out}", f"--window-size={size[0]},{size[1]}", "--hide-scrollbars", page.as_uri()],
            Path(tmp),
        )
