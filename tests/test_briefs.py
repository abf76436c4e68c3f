"""Issue 16: country briefs (`caei brief`), read back as a reader would: pdftotext reads the PDF, python-docx and
LibreOffice read the Word file; numbers against the published snapshot; made once, then served from the cache."""

from __future__ import annotations

import re
import shutil
import subprocess

import docx
import pytest

from assets.exports.brief.render import number
from assets.exports.headers import catalogue_words
from tests.support.caei import run_caei


def latest(snapshot, indicator_id: str, geo_id: str):
    return snapshot.execute(
        """SELECT year, value FROM indicator_values WHERE indicator_id = ? AND geo_id = ?
           AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection') ORDER BY year DESC LIMIT 1""",
        [indicator_id, geo_id],
    ).fetchone()


def pdf_text(path) -> str:
    """The PDF's text with its line breaks and layout spaces as single spaces (table cells wrap)."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return flat(out)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_info(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.fixture(scope="module")
def home(published_home, tmp_path_factory):
    """A copy of the published home: the briefs' cache is written into it."""
    copy = tmp_path_factory.mktemp("brief_home") / "home"
    shutil.copytree(published_home / "published", copy / "published")
    return copy


def test_russian_pdf_brief_reads_back_with_numbers_of_the_snapshot(home, snapshot, tmp_path):
    assert shutil.which("pdftotext"), "scripts/setup --browser installs poppler-utils"
    out = tmp_path / "kaz_ru.pdf"
    done = run_caei(["brief", "--country", "KAZ", "--lang", "ru", "--format", "pdf", "--out", str(out)], home)
    assert done.returncode == 0, done.stderr
    info = pdf_info(out)
    assert 4 <= int(info["Pages"]) <= 8
    assert info["Tagged"] == "yes"
    text = pdf_text(out)
    snapshot_id = snapshot.execute("SELECT snapshot_id FROM snapshot_info").fetchone()[0]
    assert "Казахстан" in text and snapshot_id in text
    year, value = latest(snapshot, "co2_per_capita", "KAZ")
    assert flat(f"{number(value, 'ru')} ({year})") in text  # the value and its year, written the Russian way
    assert catalogue_words("brief", "sources", "ru") in text and "CC BY 4.0" in text
    assert catalogue_words("brief", "seas", "ru") in text  # the seas Kazakhstan borders, each with its value
    for indicator_id, sea in (("aral_sea_area", "ARAL"), ("caspian_level_baltic", "CASPIAN")):
        year, value = latest(snapshot, indicator_id, sea)
        assert flat(f"{number(value, 'ru')} ({year})") in text, indicator_id
    assert catalogue_words("brief", "water", "ru") in text and catalogue_words("brief", "air", "ru") in text
    year, value = latest(snapshot, "basic_drinking_water", "KAZ")
    assert flat(f"{number(value, 'ru')} ({year})") in text
    assert "file://" not in text


def test_brief_is_made_once_then_served_from_the_cache(home, tmp_path):
    args = ["brief", "--country", "KGZ", "--lang", "en", "--format", "pdf"]
    first = run_caei([*args, "--out", str(tmp_path / "a.pdf")], home)
    assert first.returncode == 0, first.stderr
    cached = list((home / "cache" / "briefs").glob("*/*/KGZ_en.pdf"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    second = run_caei([*args, "--out", str(tmp_path / "b.pdf")], home)
    assert second.returncode == 0, second.stderr
    assert cached[0].stat().st_mtime_ns == stamp  # not built again
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    text = pdf_text(tmp_path / "a.pdf")
    assert "Kyrgyzstan" in text and catalogue_words("brief", "seas", "en") not in text  # neither sea concerns it


def test_kazakh_docx_brief_has_headings_tables_language_and_alt_text(home, snapshot, tmp_path):
    out = tmp_path / "kaz_kk.docx"
    done = run_caei(["brief", "--country", "KAZ", "--lang", "kk", "--format", "docx", "--out", str(out)], home)
    assert done.returncode == 0, done.stderr
    document = docx.Document(str(out))
    assert document.core_properties.language == "kk-KZ"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("Қазақстан") and catalogue_words("brief", "sources", "kk") in headings
    assert len(document.tables) >= 6
    summary = document.tables[0]
    assert summary.rows[0].cells[1].text == catalogue_words("brief", "indicator", "kk")
    year, value = latest(snapshot, "co2_per_capita", "KAZ")
    assert f"{number(value, 'kk')} ({year})" in [c.text for c in summary.rows[1].cells]
    shapes = list(document.inline_shapes)
    assert shapes and all(s._inline.docPr.get("descr") for s in shapes)


def test_libreoffice_opens_the_docx_brief(home, tmp_path):
    assert shutil.which("soffice"), "scripts/setup --browser installs LibreOffice"
    out = tmp_path / "kaz_ru.docx"  # the longest brief: most sources, both seas
    done = run_caei(["brief", "--country", "KAZ", "--lang", "ru", "--format", "docx", "--out", str(out)], home)
    assert done.returncode == 0, done.stderr
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = pdf_text(tmp_path / "kaz_ru.pdf")
    assert "Казахстан" in text and catalogue_words("brief", "seas", "ru") in text
    info = subprocess.run(["pdfinfo", str(tmp_path / "kaz_ru.pdf")], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    assert 4 <= pages <= 8, f"{pages} pages: a brief for a minister's folder is 4-8"


def test_unknown_country_is_refused(home, tmp_path):
    done = run_caei(["brief", "--country", "AFG", "--out", str(tmp_path / "x.pdf")], home)
    assert done.returncode == 2 and "AFG" in done.stderr
