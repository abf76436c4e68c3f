"""Callback answers cached per snapshot.

A published snapshot never changes, so the answer to the same callback request (same body: inputs, states, the
snapshot pin) from the same snapshot, in the same remembered language, is the same bytes until the next publish.
The first request computes it; later ones are served from here without running the callback or encoding its
JSON again (bench/README.md: cold and warm times). Keys hold the snapshot id, so a publish never serves an old
answer; only complete 200 answers that name their snapshot are kept; the cache is bounded by bytes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import parse_qs

import flask

from dashboard import data
from dashboard.i18n import LANG_COOKIE, request_lang

CALLBACK_PATH = "/_dash-update-component"
MAX_BYTES = 128 * 1024 * 1024
# Headers that belong to the answer itself (the language cookie a page sets is part of it).
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Vary", "Set-Cookie", data.SNAPSHOT_HEADER)


@dataclass(frozen=True)
class Answer:
    body: bytes
    headers: tuple[tuple[str, str], ...]


class AnswerCache:
    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._size = 0

    def put(self, key: tuple, answer: Answer) -> None:
        if len(answer.body) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._size += len(answer.body)
            while self._size > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._size -= len(dropped.body)


ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."  # Dash pages' routing callback


def parsed_body(body: bytes) -> dict:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def pinned_snapshot(request_body: dict) -> str | None:
    states = request_body.get("state") or []
    for state in states if isinstance(states, list) else []:
        if isinstance(state, dict) and state.get("id") == data.PIN_STORE_ID and isinstance(state.get("value"), str):
            return state["value"]
    return None


def page_view(request_body: dict, remembered_lang: str | None) -> tuple[str, str, str] | None:
    """(path, query string, language) of a routing request: all a page's answer depends on, however the browser
    ordered or flagged its inputs (so a view computed ahead of time is found again). The language is the one the
    URL names, else the remembered one (cookie)."""
    if request_body.get("output") != ROUTER_OUTPUT:
        return None
    values = {i.get("property"): i.get("value") for i in request_body.get("inputs") or [] if isinstance(i, dict)}
    path, search = values.get("pathname"), values.get("search") or ""
    if not isinstance(path, str) or not isinstance(search, str):
        return None
    named = parse_qs(search.lstrip("?")).get("lang") or []
    if len(named) == 1 and request_lang(named) == named[0].strip().lower():
        return path, search, named[0].strip().lower()
    return path, search, f"remembered:{remembered_lang}"  # no single valid ?lang=: the cookie decides


def accepted_encodings(header: str) -> tuple[str, ...]:
    """`Accept-Encoding` as a sorted set of its entries: "gzip, br" and "br,gzip" choose the same compression."""
    return tuple(sorted({part.strip().lower() for part in header.split(",") if part.strip()}))


def request_key() -> tuple | None:
    """The cache key of this callback request, or None when it is not one to cache."""
    request = flask.request
    if request.method != "POST" or request.path != CALLBACK_PATH:
        return None
    body = request.get_data(cache=True)
    request_body = parsed_body(body)
    snapshot_id = pinned_snapshot(request_body)
    if snapshot_id is None:  # the page router: a layout is built from the snapshot CURRENT names now
        try:
            snapshot_id = data.open_current_snapshot(data.published_dir_of_current_app()).snapshot_id
        except data.NoSnapshotError:
            return None
    encodings = accepted_encodings(request.headers.get("Accept-Encoding", ""))
    remembered = request.cookies.get(LANG_COOKIE)
    view = page_view(request_body, remembered)
    # The snapshot id comes first: the answer names it (X-CAEI-Snapshot) and only answers that do are kept.
    if view is not None:
        return (snapshot_id, encodings, "page", *view)
    return (snapshot_id, encodings, hashlib.sha256(body).digest(), remembered)


def install(server: flask.Flask, cache: AnswerCache | None = None) -> AnswerCache:
    """Serve repeated callback requests from `cache`. Call before Dash sets up compression on `server`, so the
    answer is stored as sent (compressed) and served without compressing it again."""
    cache = cache or AnswerCache()

    @server.before_request
    def answer_from_cache():
        key = request_key()
        flask.g.caei_answer_key = key
        answer = cache.get(key) if key else None
        if key is None or answer is None:
            return None
        flask.g.caei_answer_from_cache = True
        flask.g.caei_snapshot_id = key[0]
        response = flask.Response(answer.body, status=200)
        for name, value in answer.headers:
            if name == "Set-Cookie":
                response.headers.add(name, value)
            else:
                response.headers[name] = value
        return response

    @server.after_request
    def keep_answer(response: flask.Response) -> flask.Response:
        key = flask.g.get("caei_answer_key")
        if (
            key
            and not flask.g.get("caei_answer_from_cache")
            and response.status_code == 200
            and response.headers.get(data.SNAPSHOT_HEADER) == key[0]
            and not response.direct_passthrough
        ):
            headers = tuple((k, v) for k, v in response.headers.items() if k in KEPT_HEADERS)
            cache.put(key, Answer(response.get_data(), headers))
        return response

    return cache
