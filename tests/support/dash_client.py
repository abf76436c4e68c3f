"""A Dash client over plain HTTP, as the browser's renderer talks to the server: render a page through the
pages router, then fire a page's callbacks with the values its layout holds (including the snapshot pin).

Works with a Flask test client or a `requests.Session` bound to a live server (`HttpSession`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import requests

PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."


class HttpSession:
    """The subset of Flask's test client used here, over real HTTP to `base_url`."""

    def __init__(self, base_url: str, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=self.timeout)

    def post(self, path: str, json: Any) -> requests.Response:  # noqa: A002 - same keyword as Flask's client
        return self.session.post(self.base_url + path, json=json, timeout=self.timeout)


def response_json(response: Any) -> Any:
    return response.json() if callable(getattr(response, "json", None)) else response.json


def status_of(response: Any) -> int:
    return getattr(response, "status_code", None) or response.status


def split_outputs(output: str) -> list[dict[str, str]]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=False)) for part in parts]


def walk(tree: Any) -> Iterator[dict]:
    """Every component (as Dash serialises it: {"type", "namespace", "props"}) in a layout tree."""
    if isinstance(tree, dict):
        if "props" in tree and "type" in tree:
            yield tree
            yield from walk(tree["props"].get("children"))
        else:
            for value in tree.values():
                yield from walk(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from walk(item)


def component_props(tree: Any) -> dict[str, dict]:
    return {c["props"]["id"]: c["props"] for c in walk(tree) if isinstance(c["props"].get("id"), str)}


def render_page(client: Any, path: str, search: str = "") -> tuple[Any, str | None, int]:
    """The page's layout (as the router callback returns it), its response's snapshot header and status."""
    payload = {
        "output": PAGES_OUTPUT,
        "outputs": split_outputs(PAGES_OUTPUT),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=payload)
    status = status_of(response)
    layout = response_json(response)["response"]["_pages_content"]["children"] if status == 200 else None
    return layout, response.headers.get("X-CAEI-Snapshot"), status


def server_callbacks(client: Any) -> list[dict]:
    """The server-side callbacks whose inputs a page's layout provides (not the router, not clientside)."""
    deps = response_json(client.get("/_dash-dependencies"))
    return [
        d
        for d in deps
        if not d.get("clientside_function") and d["output"] != PAGES_OUTPUT and not d["output"].startswith("_pages")
    ]


def fire(client: Any, dependency: dict, props: dict[str, dict], overrides: dict[str, Any] | None = None) -> Any:
    """Fire one callback with the values the layout `props` holds (`overrides` by "id.property")."""
    overrides = overrides or {}

    def value(item: dict) -> Any:
        key = f"{item['id']}.{item['property']}"
        return overrides[key] if key in overrides else props.get(item["id"], {}).get(item["property"])

    payload = {
        "output": dependency["output"],
        "outputs": split_outputs(dependency["output"])
        if dependency["output"].startswith("..")
        else split_outputs(dependency["output"])[0],
        "inputs": [{**item, "value": value(item)} for item in dependency["inputs"]],
        "changedPropIds": [f"{item['id']}.{item['property']}" for item in dependency["inputs"][:1]],
        "state": [{**item, "value": value(item)} for item in dependency.get("state", [])],
    }
    return client.post("/_dash-update-component", json=payload)


def callbacks_of_page(client: Any, layout: Any) -> list[dict]:
    """The server callbacks all of whose inputs are in this layout."""
    ids = set(component_props(layout))
    return [d for d in server_callbacks(client) if all(i["id"] in ids for i in d["inputs"])]


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)
