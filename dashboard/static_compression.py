"""What a first visit loads, sent brotli-compressed at the highest level (issue 19: a first visit under 1 MB).

Compressed on the fly (flask-compress, zstd level 3 for Chromium), Dash's renderer, React and the core components
weigh about 284 KiB on a first visit; at brotli's highest level about 227 KiB. That level takes about a second per
megabyte, too slow for each request: each file is compressed once per process, on its first request (`prewarm`
does it ahead for the files every page loads), and kept (a few hundred KiB in all). These files change only with
an upgrade of Dash or a new deploy, and their addresses carry Dash's fingerprint (`?v=` or `?m=`): a fingerprinted
address may be kept by browsers for a year. The map outlines (`/geo/`, one file per snapshot) likewise: 22 KB
were sent uncompressed.

A page's answer (the routing callback's, 80-330 KB of JSON) is compressed at the level below (10): 15-25 % fewer
bytes than on the fly (the highest level saves 3 % more for five times the time), for 30-120 ms once per view, as
the answer cache keeps it (dashboard/response_cache.py) and `caei dashboard` computes the pages ahead. Other
callback answers keep the quick compression of flask-compress.
"""

from __future__ import annotations

import threading
import zlib

import brotli
import flask

from dashboard.response_cache import CALLBACK_PATH

PREFIXES = ("/_dash-component-suites/", "/assets/", "/geo/")
COMPRESSED_TYPES = ("application/javascript", "text/javascript", "text/css", "application/json", "application/geo+json")
QUALITY = 11
ANSWER_QUALITY = 10
MIN_BYTES = 1024  # smaller files gain nothing worth a header
YEAR_S = 365 * 24 * 3600


class StaticCompressor:
    """The brotli form of each static file served, by address and content."""

    def __init__(self) -> None:
        self._compressed: dict[tuple[str, int, int], bytes] = {}
        self._lock = threading.Lock()

    def kept(self) -> int:
        """How many compressed files are kept."""
        return len(self._compressed)

    def compressed(self, path: str, body: bytes) -> bytes:
        # Keyed by path and content, never by the query string: made-up queries must not add entries (or work).
        key = (path, len(body), zlib.crc32(body))
        found = self._compressed.get(key)
        if found is None:
            found = brotli.compress(body, quality=QUALITY)
            with self._lock:
                self._compressed[key] = found
        return found

    def after_request(self, response: flask.Response) -> flask.Response:
        request = flask.request
        if is_page_answer(response):
            return compress_answer(response)
        if not request.path.startswith(PREFIXES) or response.status_code != 200:
            return response
        if request.path.startswith("/assets/") and request.args.get("m"):
            response.cache_control.max_age = YEAR_S  # Dash's fingerprint (the file's time) is in the address
            response.cache_control.public = True
        if (
            response.mimetype not in COMPRESSED_TYPES
            or "Content-Encoding" in response.headers
            or "br" not in request.accept_encodings
        ):
            return response
        response.direct_passthrough = False  # a file sent as is: read it to compress it
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        response.set_data(self.compressed(request.path, body))
        response.headers["Content-Encoding"] = "br"  # flask-compress leaves encoded responses alone
        response.vary.add("Accept-Encoding")
        etag, _weak = response.get_etag()
        if etag:  # the same content in another encoding: a weak tag, so a revalidation still gets its 304
            response.set_etag(etag, weak=True)
        return response


def is_page_answer(response: flask.Response) -> bool:
    """A page's answer computed now (not one from the answer cache, already compressed)."""
    request = flask.request
    key = flask.g.get("caei_answer_key")
    return (
        request.method == "POST"
        and request.path == CALLBACK_PATH
        and response.status_code == 200
        and bool(key)
        and key[2] == "page"  # response_cache.request_key: (snapshot, encodings, "page", path, query, language)
        and not flask.g.get("caei_answer_from_cache")
        and "Content-Encoding" not in response.headers
        and "br" in request.accept_encodings
    )


def compress_answer(response: flask.Response) -> flask.Response:
    body = response.get_data()
    if len(body) >= MIN_BYTES:
        response.set_data(brotli.compress(body, quality=ANSWER_QUALITY))
        response.headers["Content-Encoding"] = "br"
        response.vary.add("Accept-Encoding")
    return response


def install(server: flask.Flask) -> StaticCompressor:
    """Compress static files on `server`. Call after Dash has set up its compression: Flask runs the hooks added
    last first, so these files are compressed here and flask-compress then leaves them as they are."""
    compressor = StaticCompressor()
    server.after_request(compressor.after_request)
    server.extensions["caei_static_compressor"] = compressor
    return compressor
