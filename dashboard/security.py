"""What the dashboard does about hostile or careless clients: limits, response headers, refusals.

- Request bodies are capped (`MAX_BODY_BYTES`; callbacks send kilobytes): Flask answers 413 beyond it, and
  `serve()` gives waitress the same cap, so an oversized body is refused before it is read into memory.
- Every response carries the headers of `security_headers()`, set here once (a proxy in front adds none): a
  Content-Security-Policy that Dash, plotly and MapLibre work under, nosniff, a referrer policy.
- A page path no page answers gets the friendly "not found" page with status 404, not 200.
- A callback request that is not the shape Dash's renderer sends gets 400, not a server error.
- `WAITRESS_LIMITS`: slow clients cost a socket each, not a worker thread, so many can wait while others are
  served (docs/security.md, bench/README.md).
"""

from __future__ import annotations

import json
from typing import Any

import dash
import flask
from dash._pages import _path_to_page
from werkzeug.exceptions import BadRequest

# The largest callback body the pages send is a few kilobytes (explorer state, map clicks); 1 MiB leaves room.
MAX_BODY_BYTES = 1024 * 1024
# Deeper than any value a component sends (a figure's click data is about 8 levels below the body).
MAX_JSON_DEPTH = 64
CALLBACK_PATH = "/_dash-update-component"
# Paths under this prefix may be framed by other sites (the setting `embed_ancestors`); every other path only
# by the dashboard itself.
EMBED_PREFIX = "/embed/"
# Paths served by Dash or our own routes (the API, embeds, downloads: they say 404 themselves where due); every
# other GET path is a page path.
NOT_PAGES = ("/_dash-", "/_reload-hash", "/_favicon", "/assets/", "/static/", "/download/", "/geo/", "/api/", "/embed/")

# waitress: a connection is a socket in its event loop until a whole request has arrived, so slow clients do
# not hold worker threads; the default connection_limit (100) is what let 150 slow clients lock everyone out.
# poll() rather than select(), which fails beyond 1024 open sockets.
WAITRESS_LIMITS: dict[str, Any] = {
    "connection_limit": 2000,
    "channel_timeout": 30,  # seconds without a byte in either direction before a connection is closed
    "cleanup_interval": 10,  # how often waitress looks for such connections
    "max_request_body_size": MAX_BODY_BYTES,
    "max_request_header_size": 64 * 1024,  # a slow client trickling header lines is cut off at this size
    "asyncore_use_poll": True,
    "backlog": 2048,
}


def content_security_policy(script_hashes: list[str], frame_ancestors: str) -> str:
    directives = {
        "default-src": "'self'",
        # Dash's own inline scripts (the renderer start, clientside callbacks) by hash; never unsafe-eval.
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",  # plotly injects style rules
        "img-src": "'self' data: blob:",
        "worker-src": "blob:",  # MapLibre starts its workers from blob: URLs
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _dependency_problem(items: Any, name: str) -> str | None:
    if not isinstance(items, list):
        return f"{name} must be a list"
    for item in items:
        # Pattern-matching dependencies (ALL) come as a list of items.
        for one in item if isinstance(item, list) else [item]:
            if not isinstance(one, dict) or "id" not in one or not isinstance(one.get("property"), str):
                return f"each of {name} must name an id and a property"
    return None


def callback_body_problem(body: Any) -> str | None:
    """Why a parsed callback body is not one Dash's renderer sends, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if json_depth(body) > MAX_JSON_DEPTH:
        return "the body is nested too deeply"
    output = body.get("output")
    if not isinstance(output, str):
        return "output must name a callback"
    if not isinstance(body.get("outputs"), dict | list):
        return "outputs is missing"
    problem = _dependency_problem(body.get("inputs"), "inputs") or _dependency_problem(body.get("state", []), "state")
    if problem:
        return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    return None


def is_known_page(path: str) -> bool:
    """A path some page answers; a page with a path template may refuse values of it (`known_path`, given to
    `dash.register_page`: `/country/XYZ` is no country) and the path then answers 404 like an unknown one."""
    page, variables = _path_to_page(path.strip("/"))
    if not page or page.get("module") == "dashboard.pages.not_found_404":
        return False
    known_path = page.get("known_path")
    return known_path is None or bool(known_path(variables or {}))


class Guard:
    """The hooks `install` adds; `attach` binds the Dash app once it exists."""

    def __init__(self, embed_ancestors: str):
        self.embed_ancestors = embed_ancestors
        self.app: dash.Dash | None = None
        self._hashes: dict[int, list[str]] = {}

    def script_hashes(self) -> list[str]:
        if self.app is None:
            return []
        # Dash may add inline scripts until its first request: hash again if their number changed.
        count = len(self.app._inline_scripts)
        if count not in self._hashes:
            self._hashes = {count: list(self.app.csp_hashes())}
        return self._hashes[count]

    def attach(self, app: dash.Dash) -> None:
        """Bind the Dash app built around the server: its inline scripts are hashed for the CSP, and its callback
        view refuses outputs it has no callback for (Dash registers some, such as the pages router, on the first
        request: the check runs in the view, when they exist)."""
        self.app = app
        server = app.server
        (endpoint,) = [rule.endpoint for rule in server.url_map.iter_rules() if rule.rule == CALLBACK_PATH]
        dispatch = server.view_functions[endpoint]

        def dispatch_known_outputs(*args: Any, **kwargs: Any) -> Any:
            body = flask.request.get_json(silent=True)  # parsed and checked by refuse_malformed already
            if not isinstance(body, dict) or body.get("output") not in app.callback_map:
                return _refusal(400, "output must name a callback of this app")
            return dispatch(*args, **kwargs)

        server.view_functions[endpoint] = dispatch_known_outputs

    def refuse_malformed(self) -> flask.Response | None:
        request = flask.request
        if request.method == "POST" and request.path == CALLBACK_PATH:
            try:
                body = request.get_json(force=True, silent=False)
            except (BadRequest, RecursionError, ValueError):
                return _refusal(400, "the body is not JSON")
            problem = callback_body_problem(body)
            if problem:
                return _refusal(400, problem)
        elif request.method in ("GET", "HEAD") and not request.path.startswith(NOT_PAGES):
            flask.g.caei_unknown_page = not is_known_page(request.path)
        return None

    def add_headers(self, response: flask.Response) -> flask.Response:
        if flask.g.get("caei_unknown_page") and response.status_code == 200:
            response.status_code = 404  # the index still loads: the browser shows the friendly not-found page
        ancestors = self.embed_ancestors if flask.request.path.startswith(EMBED_PREFIX) else "'self'"
        for name, value in security_headers(self.script_hashes(), ancestors).items():
            response.headers[name] = value
        return response


def install(server: flask.Flask, embed_ancestors: str = "'self'") -> Guard:
    """Add the body cap, the checks and the headers to `server`. Call before the answer cache is installed (it
    reads callback bodies, which must be refused first when malformed), then `attach` the Dash app to the guard."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    guard = Guard(embed_ancestors)
    server.before_request(guard.refuse_malformed)
    server.after_request(guard.add_headers)
    return guard


def security_headers(script_hashes: list[str], frame_ancestors: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(script_hashes, frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        # For browsers that predate frame-ancestors; only on paths that no site may frame.
        **({"X-Frame-Options": "SAMEORIGIN"} if frame_ancestors == "'self'" else {}),
    }


def _refusal(status: int, reason: str) -> flask.Response:
    return flask.Response(json.dumps({"error": reason}), status=status, mimetype="application/json")
