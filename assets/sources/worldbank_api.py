"""World Bank Indicators API (v2, JSON) as a source type: one indicator for a set of countries.

A response page is `[paging header, observations]`. A query without data answers
`[{"page":0,"pages":0,"per_page":null,"total":0}, null]`; a rejected query answers
`[{"message": [{"id": ..., "key": ..., "value": ...}]}]` (with HTTP 200, hence the check).
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import polars as pl
import requests

from assets.common.geography import CENTRAL_ASIA
from assets.sources.catalogue import SourceEntry
from assets.sources.fetch import (
    DEFAULT_MAX_BYTES,
    RawFile,
    SourceError,
    _store,
    _write_part,
    fetch_source,
    get_with_retries,
)

WDI_SCHEMA = pl.Schema(
    {
        "geo_id": pl.String,
        "year": pl.Int32,
        "value": pl.Float64,
        "indicator_code": pl.String,
        "indicator_name": pl.String,
    }
)


def fetch_wdi_series(
    indicator_code: str,
    countries=CENTRAL_ASIA,
    *,
    base_url: str = "https://api.worldbank.org/v2",
    **fetch_options,
) -> pl.DataFrame:
    """All non-null annual observations of one indicator, following the API's paging.

    fetch_options: those of fetch_wdi_observations (session, per_page, date, timeout, retries, backoff).
    Columns: geo_id (ISO3), year, value, indicator_code, indicator_name (see WDI_SCHEMA).
    """
    url = f"{base_url.rstrip('/')}/country/{';'.join(countries)}/indicator/{indicator_code}"
    observations = fetch_wdi_observations(url, **fetch_options)
    who = f"World Bank indicator {indicator_code}"
    rows = [_row(obs, who) for obs in observations if obs.get("value") is not None]
    return pl.DataFrame(rows, schema=WDI_SCHEMA, orient="row")


def fetch_wdi_observations(
    series_url: str,
    *,
    session: requests.Session | None = None,
    per_page: int = 1000,
    date: str | None = None,
    **retry_options,
) -> list[dict]:
    """Every observation (nulls included) of `.../country/<codes>/indicator/<code>`, all pages.

    date: the API's date filter, e.g. "2010" or "2000:2023"; retry_options: timeout, retries and backoff of
    get_with_retries.
    """
    indicator_code = series_url.rstrip("/").rsplit("/", 1)[-1]
    who = f"World Bank indicator {indicator_code}"
    hint = "Check your connection and the indicator code (https://data.worldbank.org/indicator), or try again later"
    own_session = session is None
    session = session or requests.Session()
    observations: list[dict] = []
    try:
        page, pages = 1, 1
        while page <= pages:
            query = {"format": "json", "per_page": per_page, "page": page}
            if date:
                query["date"] = date
            url = f"{series_url}?{urlencode(query, safe=':;')}"
            consume = partial(_json, who=who, url=url)
            body = get_with_retries(url, consume, who=who, hint=hint, session=session, **retry_options)
            header, page_observations = _split_page(body, who, url)
            observations.extend(page_observations)
            pages = int(header.get("pages") or 0)
            page += 1
    finally:
        if own_session:
            session.close()
    return observations


def fetch_wdi_api_source(
    entry: SourceEntry, raw_dir: Path, mirror: str | None, *, session: requests.Session | None = None, **fetch_options
) -> RawFile:
    """A catalogue source of format `wdi_api`: its public_url is `<API>/country/<codes>/indicator/<code>`.

    Online, every page is fetched and the observations kept as one response file (so the raw store holds
    exactly what was used, with its sha256). With CAEI_MIRROR the mirror holds such a saved response at
    mirror_path, fetched like any file.
    """
    if mirror is not None:
        return fetch_source(entry, raw_dir, mirror, session=session, **fetch_options)
    if "/indicator/" not in urlsplit(entry.public_url).path:
        raise SourceError(
            f"source '{entry.source_id}': public_url {entry.public_url!r} is not a World Bank "
            "API series URL (.../country/<codes>/indicator/<code>). Fix it in seeds/sources.csv"
        )
    max_bytes = fetch_options.pop("max_bytes", DEFAULT_MAX_BYTES)
    observations = fetch_wdi_observations(entry.public_url, session=session, **fetch_options)
    body = json.dumps(
        [{"page": 1, "pages": 1, "per_page": len(observations), "total": len(observations)}, observations],
        ensure_ascii=False,
    ).encode("utf-8")
    source_dir = Path(raw_dir) / entry.source_id
    source_dir.mkdir(parents=True, exist_ok=True)
    part, sha256, size = _write_part([body], source_dir, f"source '{entry.source_id}'", entry.public_url, max_bytes)
    return _store(Path(raw_dir), entry, entry.public_url, part, sha256, size)


def parse_wdi_api(path: Path) -> pl.DataFrame:
    """A saved API response (or a list of page responses) -> staged rows (geo_id, year, variable, value)."""
    from assets.sources.catalogue import kept_iso3
    from assets.staged.parsers import STAGED_SCHEMA, ParseError, read_text

    try:
        body = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from exc
    pages = body if body and isinstance(body[0], list) else [body]
    rows = []
    for page in pages:
        try:
            _, observations = _split_page(page, str(path), str(path))
            rows += [_row(obs, str(path)) for obs in observations if obs.get("value") is not None]
        except SourceError as exc:
            raise ParseError(str(exc)) from exc
    frame = pl.DataFrame(rows, schema=WDI_SCHEMA, orient="row")
    return (
        frame.filter(pl.col("geo_id").is_in(kept_iso3()))
        .select("geo_id", "year", variable="indicator_code", value="value", flags=pl.lit(""))
        .cast(STAGED_SCHEMA)
        .sort("variable", "geo_id", "year")
    )


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
            f"{who}: the World Bank API rejected {url}: {text}. Check the indicator code and the country codes"
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
