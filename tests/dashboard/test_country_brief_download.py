"""Issue 16: the country page offers its brief in the page's language; the download is the cached brief."""

from __future__ import annotations

import io
import json
import shutil

import docx
import pytest


@pytest.fixture(scope="module")
def client(published_home, tmp_path_factory):
    from dashboard.app import create_app

    home = tmp_path_factory.mktemp("brief_dash") / "home"  # the cache is written beside the published folder
    shutil.copytree(published_home / "published", home / "published")
    return create_app(home / "published").server.test_client(), home


def test_country_page_links_its_brief_in_the_page_language(client):
    from tests.support.dash_client import render_page

    test_client, _home = client
    page = json.dumps(render_page(test_client, "/country/TKM", "?lang=kk")[0], ensure_ascii=False)
    assert "/download/brief/TKM.pdf?lang=kk" in page and "/download/brief/TKM.docx?lang=kk" in page
    assert "Саммитке арналған ел анықтамасы:" in page


def test_brief_download_serves_the_kazakh_word_file_from_the_cache(client):
    test_client, home = client
    answer = test_client.get("/download/brief/TKM.docx?lang=kk")
    assert answer.status_code == 200
    assert "brief_TKM_kk_" in answer.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(answer.data))
    assert document.core_properties.language == "kk-KZ"
    cached = list((home / "cache" / "briefs").glob("*/*/TKM_kk.docx"))
    assert len(cached) == 1 and cached[0].read_bytes() == answer.data
    again = test_client.get("/download/brief/TKM.docx?lang=kk")
    assert again.data == answer.data
    assert test_client.get("/download/brief/AFG.pdf?lang=ru").status_code == 404
