"""The World Bank API client against a local server answering with the real API samples."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polars as pl
import pytest

from assets.sources.fetch import SourceError
from assets.sources.worldbank_api import WDI_SCHEMA, fetch_wdi_series

FAST = dict(timeout=(1, 1), backoff=0.001)


def api_sample(name: str):
    mirror = os.environ.get("CAEI_MIRROR")
    data = (
        Path(mirror)
        if mirror and not mirror.startswith("http")
        else (Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    path = data / "api_samples" / name
    assert path.is_file(), f"API sample not found at {path}; set CAEI_MIRROR to the shared data"
    return json.loads(path.read_text(encoding="utf-8"))


class ApiServer(ThreadingHTTPServer):
    """Answers every /v2/country/.../indicator/... request with pages[page number - 1]."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: list = []
        self.requests: list[str] = []
        self.unavailable_first = 0  # answer 503 to this many requests before the pages

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v2"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        page = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
        body = json.dumps(self.server.pages[page - 1]).encode()
        status = 503 if len(self.server.requests) <= self.server.unavailable_first else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    srv = ApiServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_all_pages_are_followed_and_null_values_dropped(api):
    header, observations = api_sample("worldbank_api_v2_indicators_AFG_excerpt.json")
    # The real observations split over two pages; only the paging header differs.
    first, rest = observations[:5], observations[5:]
    paging = {"pages": 2, "per_page": 5, "total": len(observations)}
    api.pages = [[{**header, **paging, "page": 1}, first], [{**header, **paging, "page": 2}, rest]]

    frame = fetch_wdi_series("SH.STA.MMRT", base_url=api.base_url, per_page=5, date="2016:2018", **FAST)

    expected = sorted(
        (o["countryiso3code"], int(o["date"]), float(o["value"]), o["indicator"]["id"], o["indicator"]["value"])
        for o in observations
        if o["value"] is not None
    )
    assert len(expected) == 8 and len(observations) == 9  # the 2018 maternal mortality is null
    assert frame.schema == pl.Schema(WDI_SCHEMA)
    assert sorted(frame.iter_rows()) == expected
    assert ("AFG", 2017, 68.957) in {row[:3] for row in frame.iter_rows()}
    assert frame.filter(pl.col("year") == 2018).is_empty()

    assert len(api.requests) == 2
    for page, request in enumerate(api.requests, start=1):
        url = urlsplit(request)
        assert url.path == "/v2/country/KAZ;KGZ;TJK;TKM;UZB/indicator/SH.STA.MMRT"
        assert parse_qs(url.query) == {
            "format": ["json"],
            "per_page": ["5"],
            "page": [str(page)],
            "date": ["2016:2018"],
        }


def test_empty_result_gives_an_empty_frame_with_the_schema(api):
    api.pages = [api_sample("worldbank_api_empty_result_example.json")]

    frame = fetch_wdi_series("EN.ATM.CO2E.PC", base_url=api.base_url, **FAST)

    assert frame.is_empty()
    assert frame.schema == pl.Schema(WDI_SCHEMA)
    assert len(api.requests) == 1


def test_error_message_raises_naming_the_indicator(api):
    # The shape the API uses to reject a query (it answers HTTP 200 all the same).
    api.pages = [
        [{"message": [{"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}]}]
    ]

    with pytest.raises(
        SourceError, match=r"NOT.AN.INDICATOR.*Invalid value: The provided parameter value is not valid"
    ):
        fetch_wdi_series("NOT.AN.INDICATOR", base_url=api.base_url, **FAST)


def test_unavailable_api_is_retried_like_any_source(api):
    api.pages = [api_sample("worldbank_api_empty_result_example.json")]
    api.unavailable_first = 2

    frame = fetch_wdi_series("EN.ATM.CO2E.PC", base_url=api.base_url, retries=3, **FAST)

    assert frame.is_empty() and len(api.requests) == 3


def test_wdi_api_catalogue_source_is_stored_with_provenance_and_parsed(api, tmp_path):
    """A `wdi_api` source fetched online: all pages kept as one raw response with its sha256, then staged."""
    from assets.sources.catalogue import SourceEntry
    from assets.sources.fetch import read_provenance
    from assets.sources.worldbank_api import fetch_wdi_api_source, parse_wdi_api

    header, observations = api_sample("worldbank_api_v2_indicators_AFG_excerpt.json")
    paging = {"pages": 2, "per_page": 5, "total": len(observations)}
    api.pages = [
        [{**header, **paging, "page": 1}, observations[:5]],
        [{**header, **paging, "page": 2}, observations[5:]],
    ]
    entry = SourceEntry(
        "wb_afg",
        "WB API sample",
        "World Bank",
        "CC BY 4.0",
        "World Bank WDI",
        f"{api.base_url}/country/AFG/indicator/SH.STA.MMRT",
        "api/wb_afg.json",
        "wdi_api",
        "indicators",
        "",
    )
    raw = fetch_wdi_api_source(entry, tmp_path, None, **FAST)
    assert raw.changed and raw.version == 1 and len(read_provenance(tmp_path)) == 1
    staged = parse_wdi_api(raw.path)
    expected = {
        (o["countryiso3code"], int(o["date"]), o["indicator"]["id"]): o["value"]
        for o in observations
        if o["value"] is not None
    }
    got = {(r["geo_id"], r["year"], r["variable"]): r["value"] for r in staged.iter_rows(named=True)}
    assert got == pytest.approx(expected)
    again = fetch_wdi_api_source(entry, tmp_path, None, **FAST)  # same answer: no new version
    assert not again.changed and again.version == 1


def test_empty_api_response_stages_no_rows(tmp_path):
    from assets.sources.worldbank_api import parse_wdi_api

    path = tmp_path / "empty.json"
    path.write_text(json.dumps(api_sample("worldbank_api_empty_result_example.json")))
    assert parse_wdi_api(path).is_empty()
