"""A country brief's files: PDF printed by headless Chromium from the HTML, DOCX through python-docx; each made
once per snapshot, country, language and format and then served from the cache."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

import duckdb

from assets.exports.brief.chromium import BriefBuildError, html_to_pdf
from assets.exports.brief.content import brief_content
from assets.exports.brief.docx_file import write_docx
from assets.exports.brief.render import brief_html

__all__ = ["FORMATS", "BriefBuildError", "build_brief", "cached_brief"]

FORMATS = ("pdf", "docx")
# Raised whenever a brief's content or layout changes: briefs cached under an older layout are not served again.
LAYOUT = "layout-2"


def build_brief(con: duckdb.DuckDBPyConnection, iso3: str, lang: str, fmt: str, out: Path) -> Path:
    if fmt not in FORMATS:
        raise BriefBuildError(f"unknown format {fmt!r}; choose pdf or docx")
    brief = brief_content(con, iso3, lang)
    out = Path(out)
    if fmt == "pdf":
        html_to_pdf(brief_html(brief), out)
    else:
        write_docx(brief, out)
    return out


def cached_brief(con: duckdb.DuckDBPyConnection, cache_dir: Path, iso3: str, lang: str, fmt: str) -> Path:
    """The brief of this snapshot, country, language and format: built once (written aside, then renamed into
    place, so a reader never sees half a file), then read from the cache."""
    (snapshot_id,) = con.execute("SELECT snapshot_id FROM snapshot_info").fetchone() or ("unknown",)
    target = Path(cache_dir) / snapshot_id / LAYOUT / f"{iso3.upper()}_{lang}.{fmt}"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # One build for a crowd: whoever holds the lock builds; the others wait for it, then read the cached file.
    with open(target.with_suffix(f".{fmt}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_file():
            return target
        fd, partial = tempfile.mkstemp(dir=target.parent, suffix=f".{fmt}.part")
        os.close(fd)
        try:
            build_brief(con, iso3, lang, fmt, Path(partial))
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    return target
