"""Fetching source files into the raw store, with provenance.

Each source comes from one origin: its public URL, or the mirror (CAEI_MIRROR) when one is set,
which is either an http(s) base URL or a local directory. The bytes are kept content-addressed
at raw_dir/<source_id>/<sha256[:16]><suffix>, and every distinct version is recorded in
raw_dir/<source_id>/provenance.jsonl, so any output can be traced to the exact bytes it used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TypeVar

import requests

from assets.common.settings import FetchPolicy
from assets.sources.catalogue import SourceEntry

DEFAULT_MAX_BYTES = 500 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
PROVENANCE_FILE = "provenance.jsonl"

T = TypeVar("T")


class SourceError(Exception):
    """A source could not be fetched; the message says which, from where, why and what to do."""


@dataclass(frozen=True)
class RawFile:
    source_id: str
    version: int
    url: str
    retrieved_at: str  # ISO 8601, UTC
    sha256: str
    bytes: int
    licence: str
    path: Path  # absolute
    changed: bool  # True when this fetch recorded a new version


def retry_policy(timeout=None, retries: int | None = None, backoff: float | None = None) -> tuple:
    """(timeout, retries, backoff): the arguments given, else the defaults of FetchPolicy (the settings pass
    the operator's CAEI_FETCH_* values in)."""
    default = FetchPolicy()
    return (
        timeout if timeout is not None else default.timeout,
        retries if retries is not None else default.retries,
        backoff if backoff is not None else default.backoff,
    )


def _say_retry(message: str) -> None:
    # On stderr, so the CLI user sees a slow source being retried rather than a silent wait.
    print(message, file=sys.stderr, flush=True)


class _RetryableStatus(Exception):
    def __init__(self, response: requests.Response):
        super().__init__(f"HTTP {response.status_code} {response.reason}".strip())


# The network or the server may recover from these; anything else is retried in vain.
_TRANSIENT = (
    _RetryableStatus,
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def get_with_retries(
    url: str,
    consume: Callable[[requests.Response], T],
    *,
    who: str,
    hint: str,
    session: requests.Session | None = None,
    timeout=None,
    retries: int | None = None,
    backoff: float | None = None,
    on_retry: Callable[[str], None] = _say_retry,
) -> T:
    """GET url and return consume(streamed response), retrying 5xx, 429, connection errors and
    timeouts with exponential backoff; a 4xx fails at once.

    consume runs inside the retry loop so that a connection dropped mid-body is retried too.
    Failures raise SourceError "<who>: could not fetch <url>: <reason>. <hint>". Each retry is
    announced through on_retry. timeout, retries and backoff default to retry_policy().
    """
    timeout, retries, backoff = retry_policy(timeout, retries, backoff)
    own_session = session is None
    session = session or requests.Session()
    try:
        attempt = 0
        while True:
            attempt += 1
            try:
                with session.get(url, stream=True, timeout=timeout) as response:
                    # 429 is "slow down", so it is worth waiting for, unlike other 4xx.
                    if response.status_code >= 500 or response.status_code == 429:
                        raise _RetryableStatus(response)
                    if response.status_code >= 400:
                        reason = f"HTTP {response.status_code} {response.reason}".strip()
                        raise SourceError(f"{who}: could not fetch {url}: {reason}. {hint}")
                    return consume(response)
            except _TRANSIENT as exc:
                if attempt > retries:
                    attempts = f"{attempt} attempt{'s' if attempt > 1 else ''}"
                    raise SourceError(
                        f"{who}: could not fetch {url} ({attempts}): {_describe(exc, timeout)}. {hint}"
                    ) from exc
                wait = backoff * 2 ** (attempt - 1)
                on_retry(
                    f"{who}: attempt {attempt} of {retries + 1} failed "
                    f"({_describe(exc, timeout)}); retrying in {wait:g} s"
                )
                time.sleep(wait)
            except requests.RequestException as exc:  # e.g. a malformed URL: no point retrying
                raise SourceError(f"{who}: could not fetch {url}: {exc}. {hint}") from exc
    finally:
        if own_session:
            session.close()


def _describe(error: Exception, timeout) -> str:
    # A read timeout in the middle of the body surfaces as a ConnectionError, hence the text test.
    if isinstance(error, requests.Timeout) or "timed out" in str(error).lower():
        return f"timed out (limits (connect, read): {timeout} s)"
    if isinstance(error, _RetryableStatus):
        return str(error)
    # urllib3 reads "IncompleteRead(481 bytes read, 481 more expected)" when a body stops short.
    cut = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", str(error))
    if cut:
        got, more = int(cut[1]), int(cut[2])
        return f"the response was cut short: {got} of the {got + more} bytes it declared arrived"
    # requests wraps urllib3's error; its reason reads "<connection>): <what happened>".
    cause = getattr(error.args[0], "reason", None) if error.args else None
    return f"connection failed: {str(cause or error).split('): ', 1)[-1]}"


def fetch_source(
    entry: SourceEntry,
    raw_dir: Path,
    mirror: str | None,
    *,
    session: requests.Session | None = None,
    timeout=None,
    retries: int | None = None,
    backoff: float | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RawFile:
    """Fetch one source into the raw store and record it in its provenance (see module doc).

    mirror: None for the public URL, an http(s) base URL, or a local directory.
    """
    raw_dir = Path(raw_dir)
    source_dir = raw_dir / entry.source_id
    source_dir.mkdir(parents=True, exist_ok=True)
    who = f"source '{entry.source_id}'"

    if mirror is None or mirror.startswith(("http://", "https://")):
        if mirror is None:
            url = entry.public_url
            hint = f"Check your connection, or set CAEI_MIRROR to a directory or URL that holds {entry.mirror_path}"
        else:
            url = f"{mirror.rstrip('/')}/{_checked_mirror_path(entry)}"
            hint = (
                f"Check that the mirror {mirror} is reachable and holds {entry.mirror_path}, "
                "or unset CAEI_MIRROR to fetch from the public origin"
            )

        def receive(response: requests.Response) -> tuple[Path, str, int]:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(_too_large(who, url, max_bytes, f"it declares {int(declared)} bytes"))
            return _write_part(response.iter_content(CHUNK_BYTES), source_dir, who, url, max_bytes)

        part, sha256, size = get_with_retries(
            url,
            receive,
            who=who,
            hint=hint,
            session=session,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
        )
    else:
        mirror_dir = Path(mirror).resolve()
        local = mirror_dir / _checked_mirror_path(entry)
        url = local.as_uri()
        if not local.is_file():
            raise SourceError(
                f"{who}: could not read {local}: the mirror directory {mirror_dir} has no "
                f"{entry.mirror_path}. Put the file there, or unset CAEI_MIRROR to fetch "
                f"from {entry.public_url}"
            )
        if local.stat().st_size > max_bytes:
            raise SourceError(_too_large(who, url, max_bytes, f"it has {local.stat().st_size} bytes"))
        with open(local, "rb") as f:
            chunks = iter(lambda: f.read(CHUNK_BYTES), b"")
            part, sha256, size = _write_part(chunks, source_dir, who, url, max_bytes)

    return _store(raw_dir, entry, url, part, sha256, size)


def _checked_mirror_path(entry: SourceEntry) -> str:
    """The entry's mirror_path, if it stays inside the mirror.

    Checked on the path's text rather than after resolving symlinks: a mirror made of symlinks
    into a shared data directory is legitimate, a '..' or absolute path never is.
    """
    path = PurePosixPath(entry.mirror_path)
    if not entry.mirror_path or path.is_absolute() or ".." in path.parts or "\\" in entry.mirror_path:
        raise SourceError(
            f"source '{entry.source_id}': mirror_path {entry.mirror_path!r} would leave the mirror; "
            "it must be a relative path without '..'. Fix it in seeds/sources.csv"
        )
    return entry.mirror_path


def _too_large(who: str, url: str, max_bytes: int, detail: str) -> str:
    return (
        f"{who}: {url} is too large: {detail}, over the cap of {max_bytes} bytes. "
        "If the file really is this big, pass a larger max_bytes"
    )


def _write_part(chunks: Iterable[bytes], directory: Path, who: str, url: str, max_bytes: int) -> tuple[Path, str, int]:
    """Copy chunks to a temporary file in directory, hashing on the way: (path, sha256, size).

    The temporary file is deleted on any failure, so an aborted fetch leaves nothing behind.
    """
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(dir=directory, prefix=".part-")
    part = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(_too_large(who, url, max_bytes, f"more than {max_bytes} bytes arrived"))
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return part, digest.hexdigest(), size


def _store(raw_dir: Path, entry: SourceEntry, url: str, part: Path, sha256: str, size: int) -> RawFile:
    """Move the fetched bytes into place; record a new version unless they match the latest."""
    source_dir = raw_dir / entry.source_id
    target = source_dir / f"{sha256[:16]}{PurePosixPath(entry.mirror_path).suffix}"
    if target.exists():  # same content as an earlier version: keep the file already there
        part.unlink()
    else:
        os.replace(part, target)

    history = _read_jsonl(source_dir / PROVENANCE_FILE)
    if history and history[-1]["sha256"] == sha256:
        return _raw_file(raw_dir, history[-1], changed=False)

    record = {
        "source_id": entry.source_id,
        "version": history[-1]["version"] + 1 if history else 1,
        "url": url,
        "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": sha256,
        "bytes": size,
        "licence": entry.licence,
        "path": target.relative_to(raw_dir).as_posix(),
    }
    _write_atomically(source_dir / PROVENANCE_FILE, history + [record])
    return _raw_file(raw_dir, record, changed=True)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _write_atomically(path: Path, records: list[dict]) -> None:
    # A reader (or a crash) never sees a half-written provenance file.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".provenance-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _raw_file(raw_dir: Path, record: dict, *, changed: bool) -> RawFile:
    return RawFile(
        source_id=record["source_id"],
        version=record["version"],
        url=record["url"],
        retrieved_at=record["retrieved_at"],
        sha256=record["sha256"],
        bytes=record["bytes"],
        licence=record["licence"],
        path=(raw_dir / record["path"]).resolve(),
        changed=changed,
    )


def read_provenance(raw_dir: Path) -> list[dict]:
    """Every recorded version of every source, by source_id then version."""
    records = []
    for path in sorted(Path(raw_dir).glob(f"*/{PROVENANCE_FILE}")):
        records.extend(_read_jsonl(path))
    return records


def latest_raw(raw_dir: Path, source_id: str) -> RawFile | None:
    """The latest recorded version of a source, or None if it was never fetched."""
    history = _read_jsonl(Path(raw_dir) / source_id / PROVENANCE_FILE)
    return _raw_file(Path(raw_dir), history[-1], changed=False) if history else None
