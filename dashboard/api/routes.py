"""The /api/v1/ endpoints on the dashboard's Flask server: thin handlers around params.py and queries.py.

Every answer names its snapshot (`X-CAEI-Snapshot`), carries an ETag made from it (a repeated request with
If-None-Match gets 304 until the next publish) and Cache-Control; `?snapshot=<id>` reads a kept older snapshot,
whose answers never change (cached as immutable). Read-only CORS: any site may GET, nothing else is offered.
Bad parameters get 400 and unknown ids 404, both with a JSON problem body (RFC 9457)."""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import flask

from assets.exports.xlsx import neutralise_formulas
from assets.published.snapshots import SNAPSHOT_ID, NoSnapshotError
from dashboard import data
from dashboard.api import params, queries
from dashboard.api.openapi import openapi_document

PREFIX = f"/api/{queries.API_VERSION}"
CURRENT_MAX_AGE = 300  # a new publish shows within five minutes; If-None-Match revalidates for free
PINNED_CACHE = "public, max-age=31536000, immutable"  # a published snapshot never changes
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Expose-Headers": f"ETag, Link, {data.SNAPSHOT_HEADER}",
    "Access-Control-Max-Age": "86400",
}

api = flask.Blueprint("api_v1", __name__, url_prefix=PREFIX)


class Bodies:
    """Answers already built, by (ETag, path, query): a snapshot never changes, so neither does its answer
    (bench/api_load.py: building JSON for every request was 4-27x a no-op callback under 20 clients)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._kept: OrderedDict[tuple, flask.Response] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> flask.Response | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
            return kept

    def put(self, key: tuple, response: flask.Response) -> None:
        size = len(response.get_data())
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if key not in self._kept:
                self._kept[key] = response
                self._size += size
            while self._size > self.max_bytes and self._kept:
                _, old = self._kept.popitem(last=False)
                self._size -= len(old.get_data())


BODIES = Bodies()
OPENAPI_HASH = hashlib.sha256(json.dumps(openapi_document(), sort_keys=True).encode()).hexdigest()[:12]


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str, invalid: list[tuple[str, str]] | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.invalid = status, title, detail, invalid or []


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _json(body: Any, status: int = 200, mimetype: str = "application/json") -> flask.Response:
    # Compact: the answers are for programs (a browser or `jq` pretty-prints them), and smaller to compress.
    text = json.dumps(_json_safe(body), ensure_ascii=False, allow_nan=False, default=str, separators=(",", ":"))
    return flask.Response(text, status=status, mimetype=mimetype)


def problem_response(problem: Problem) -> flask.Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": flask.request.full_path.rstrip("?"),
    }
    if problem.invalid:
        body["invalid_params"] = [{"name": n, "reason": r} for n, r in problem.invalid]
    return _json(body, problem.status, "application/problem+json")


@api.errorhandler(Problem)
def _problem(problem: Problem) -> flask.Response:
    return problem_response(problem)


@api.errorhandler(params.BadParameters)
def _bad_parameters(bad: params.BadParameters) -> flask.Response:
    return problem_response(Problem(400, "Bad Request", str(bad), bad.problems))


@api.errorhandler(data.SnapshotContentError)
def _old_snapshot(error: data.SnapshotContentError) -> flask.Response:
    return problem_response(Problem(503, "Service Unavailable", f"the published snapshot cannot answer: {error}"))


@api.after_request
def _cors(response: flask.Response) -> flask.Response:
    response.headers.update(CORS_HEADERS)
    return response


def _snapshot(allowed: frozenset[str]) -> data.Snapshot:
    """Check the parameters' names, then open the snapshot the request asks for (the current one by default)."""
    params.check_known(set(flask.request.args), allowed)
    pinned = flask.request.args.get("snapshot")
    if pinned is not None and not SNAPSHOT_ID.match(pinned):
        raise params.BadParameters([("snapshot", "not a snapshot id; GET /api/v1/snapshots lists them")])
    data.pin_snapshot(pinned)
    try:
        return data.snapshot_for_request()
    except data.SnapshotGoneError as gone:
        raise Problem(404, "Not Found", f"snapshot {pinned} is not kept; GET /api/v1/snapshots lists them") from gone
    except NoSnapshotError as none:
        raise Problem(503, "Service Unavailable", "nothing is published yet") from none


def cached_answer(etag: str, build: Callable[[], flask.Response]) -> flask.Response:
    """The answer, or 304 when the client holds it already; both with the ETag and Cache-Control."""
    pinned = "snapshot" in flask.request.args
    if etag in flask.request.if_none_match:
        response = flask.Response(status=304)
    else:
        # The host is part of the key: embeds and chart metadata give absolute links back to the site asked.
        key = (etag, flask.request.host_url, flask.request.path, tuple(sorted(flask.request.args.items(multi=True))))
        kept = BODIES.get(key)
        if kept is None:
            kept = build()
            BODIES.put(key, kept)
        # A copy: headers are added below, the kept answer stays as built.
        response = flask.Response(kept.get_data(), status=kept.status_code, headers=list(kept.headers.items()))
    response.set_etag(etag)
    response.headers["Cache-Control"] = PINNED_CACHE if pinned else f"public, max-age={CURRENT_MAX_AGE}"
    return response


def snapshot_etag(snap: data.Snapshot) -> str:
    # The API version is part of it: a new release of the API is a new answer from the same snapshot.
    return f"{queries.API_VERSION}-{snap.snapshot_id}"


@api.get("/")
def index() -> flask.Response:
    return _json(
        {"openapi": f"{PREFIX}/openapi.json", "indicators": f"{PREFIX}/indicators", "snapshots": f"{PREFIX}/snapshots"}
    )


@api.get("/openapi.json")
def openapi() -> flask.Response:
    params.check_known(set(flask.request.args), frozenset())
    # The document changes only with the code: its ETag is its own hash, its body built once per process.
    return cached_answer(f"{queries.API_VERSION}-openapi-{OPENAPI_HASH}", lambda: _json(openapi_document()))


@api.get("/indicators")
def indicators() -> flask.Response:
    snap = _snapshot(params.LIST_PARAMS)
    lang = params.parse_lang(flask.request.args.get("lang"))
    return cached_answer(
        snapshot_etag(snap),
        lambda: _json({"snapshot": queries.snapshot_meta(snap), "indicators": queries.catalogue_entries(snap, lang)}),
    )


@api.get("/indicators/<string:name>")
def indicator(name: str) -> flask.Response:
    handlers: list[tuple[str, Callable[[data.Snapshot, str], flask.Response]]] = [
        (".metadata.json", _metadata),
        (".json", _values_json),
        (".csv", _values_csv),
    ]
    matched = [(name[: -len(suffix)], handler) for suffix, handler in handlers if name.endswith(suffix)]
    if not matched:
        raise Problem(404, "Not Found", f"use /indicators/{{id}}.csv, .json or .metadata.json, not {name[:80]!r}")
    indicator_id, handler = matched[0]
    allowed = params.META_PARAMS if handler is _metadata else params.DATA_PARAMS
    snap = _snapshot(allowed)
    if not params.INDICATOR_ID.match(indicator_id) or not queries.indicator_exists(snap, indicator_id):
        raise Problem(404, "Not Found", f"no indicator {indicator_id[:80]!r}; GET {PREFIX}/indicators lists them")
    return handler(snap, indicator_id)


def _data_query(snap: data.Snapshot) -> tuple[list[str] | None, int | None, int | None, str]:
    args = flask.request.args
    problems: list[tuple[str, str]] = []
    parsed: list[Any] = []
    for parse in (
        lambda: params.parse_countries(args.get("country"), queries.known_geo_ids(snap)),
        lambda: params.parse_time(args.get("time")),
        lambda: params.parse_lang(args.get("lang")),
    ):
        try:
            parsed.append(parse())
        except params.BadParameters as bad:  # every bad parameter is named at once
            problems += bad.problems
            parsed.append(None)
    if problems:
        raise params.BadParameters(problems)
    geo_ids, (first, last), lang = parsed
    return geo_ids, first, last, lang


def _described_by(response: flask.Response, indicator_id: str) -> flask.Response:
    response.headers["Link"] = f'<{PREFIX}/indicators/{indicator_id}.metadata.json>; rel="describedby"'
    return response


def _values_json(snap: data.Snapshot, indicator_id: str) -> flask.Response:
    geo_ids, first, last, lang = _data_query(snap)

    def build() -> flask.Response:
        rows = queries.values(snap, indicator_id, geo_ids, first, last, lang)
        (entry,) = [e for e in queries.catalogue_entries(snap, lang) if e["id"] == indicator_id]
        body = {
            "indicator": {k: entry[k] for k in ("id", "name", "unit", "unit_label", "theme")},
            "snapshot": queries.snapshot_meta(snap),
            "query": {"country": geo_ids, "time": [first, last], "lang": lang},
            "licence_notices": queries.licence_notices(rows, lang),
            # What each licence lets users do, once (the rows name their licence_id).
            "licences": rows.select("licence_id", "licence", "commercial_use", "licence_stated", "licence_terms")
            .unique("licence", maintain_order=True)
            .to_dicts(),
            "rows": rows.drop("licence_terms").to_dicts(),
        }
        return _described_by(_json(body), indicator_id)

    return cached_answer(snapshot_etag(snap), build)


def _values_csv(snap: data.Snapshot, indicator_id: str) -> flask.Response:
    geo_ids, first, last, lang = _data_query(snap)

    def build() -> flask.Response:
        rows = queries.values(snap, indicator_id, geo_ids, first, last, lang)
        # Text cells that a spreadsheet would run as a formula are neutralised, as in every export.
        text = neutralise_formulas(rows).write_csv()
        response = flask.Response(text, mimetype="text/csv")
        response.headers["Content-Disposition"] = f'inline; filename="{indicator_id}.csv"'
        return _described_by(response, indicator_id)

    return cached_answer(snapshot_etag(snap), build)


def _metadata(snap: data.Snapshot, indicator_id: str) -> flask.Response:
    lang = params.parse_lang(flask.request.args.get("lang"))
    return cached_answer(snapshot_etag(snap), lambda: _json(queries.metadata(snap, indicator_id, lang)))


@api.get("/snapshots")
def snapshots() -> flask.Response:
    params.check_known(set(flask.request.args), frozenset())
    published = data.published_dir_of_current_app()
    history = queries.snapshot_history(published)
    if not history:
        raise Problem(503, "Service Unavailable", "nothing is published yet")
    data.pin_snapshot(None)
    flask.g.caei_snapshot_id = next((h["id"] for h in history if h["current"]), None)
    tag = hashlib.sha256(json.dumps([(h["id"], h["current"]) for h in history]).encode()).hexdigest()[:20]
    return cached_answer(f"{queries.API_VERSION}-{tag}", lambda: _json({"snapshots": history}))


@api.route("/<path:rest>", methods=["GET", "HEAD"])
def unknown(rest: str) -> flask.Response:
    raise Problem(404, "Not Found", f"no such API resource; see {PREFIX}/openapi.json")
