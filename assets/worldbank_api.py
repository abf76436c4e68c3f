"""World Bank Indicators API (v2, JSON) as a source type: one indicator for a set of countries.

A response page is `[paging header, observations]`. A query without data answers
`[{"page":0,"pages":0,"per_page":null,"total":0}, null]`; a rejected query answers
`[{"message": [{"id": ..., "key": ..., "value": ...}]}]` (with HTTP 200, hence the check).
"""
from __future__ import annotations

from urllib.parse import urlencode

import polars as pl
import requests

from assets.catalogue import CENTRAL_ASIA
from assets.fetch import (
    DEFAULT_BACKOFF,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    SourceError,
    get_with_retries,
)

WDI_SCHEMA = {
    "geo_id": pl.String,
    "year": pl.Int32,
    "value": pl.Float64,
    "indicator_code": pl.String,
    "indicator_name": pl.String,
}


def fetch_wdi_series(
    indicator_code: str,
    countries=CENTRAL_ASIA,
    *,
    base_url: str = "https://api.worldbank.org/v2",
    session: requests.Session | None = None,
    per_page: int = 1000,
    date: str | None = None,
    timeout=DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> pl.DataFrame:
    """All non-null annual observations of one indicator, following the API's paging.

    date: the API's date filter, e.g. "2010" or "2000:2023".
    Columns: geo_id (ISO3), year, value, indicator_code, indicator_name (see WDI_SCHEMA).
    """
    who = f"World Bank indicator {indicator_code}"
    hint = (
        "Check your connection and the indicator code "
        "(https://data.worldbank.org/indicator), or try again later"
    )
    own_session = session is None
    session = session or requests.Session()
    rows: list[tuple] = []
    try:
        page, pages = 1, 1
        while page <= pages:
            query = {"format": "json", "per_page": per_page, "page": page}
            if date:
                query["date"] = date
            url = (
                f"{base_url.rstrip('/')}/country/{';'.join(countries)}/indicator/{indicator_code}"
                f"?{urlencode(query, safe=':;')}"
            )
            body = get_with_retries(
                url, lambda response: _json(response, who, url), who=who, hint=hint,
                session=session, timeout=timeout, retries=retries, backoff=backoff,
            )
            header, observations = _split_page(body, who, url)
            rows.extend(_row(obs, who) for obs in observations if obs.get("value") is not None)
            pages = int(header.get("pages") or 0)
            page += 1
    finally:
        if own_session:
            session.close()
    return pl.DataFrame(rows, schema=WDI_SCHEMA, orient="row")


def _json(response: requests.Response, who: str, url: str):
    try:
        return response.json()
    except ValueError as exc:
        raise SourceError(f"{who}: {url} did not answer with JSON: {exc}") from exc


def _split_page(body, who: str, url: str) -> tuple[dict, list[dict]]:
    """(paging header, observations) of one page; raises on the API's error message."""
    if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
        messages = body[0]["message"]
        if isinstance(messages, list):
            text = "; ".join(
                f"{m.get('key', '')}: {m.get('value', '')}".strip(": ") for m in messages if isinstance(m, dict)
            )
        else:
            text = str(messages)
        raise SourceError(
            f"{who}: the World Bank API rejected {url}: {text}. "
            "Check the indicator code and the country codes"
        )
    if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
        raise SourceError(f"{who}: {url} answered with an unexpected shape: {str(body)[:200]}")
    return body[0], body[1] or []


def _row(obs: dict, who: str) -> tuple:
    date = str(obs.get("date", ""))
    # Monthly or quarterly series ("2017M01", "2017Q1") would collapse onto one year.
    if not (len(date) == 4 and date.isdigit()):
        raise SourceError(f"{who}: observation date {date!r} is not a year; only annual series are supported")
    indicator = obs.get("indicator") or {}
    return (obs["countryiso3code"], int(date), float(obs["value"]), indicator.get("id"), indicator.get("value"))
