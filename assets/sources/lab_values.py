"""Values and dates as laboratories write them: decimal commas, Cyrillic exponents, values below the detection
limit, uncertainties, dashes for "not measured", Excel serial dates.

Censored values (docs/analysts-water.md, "Values below detection"): `<0,005`, `менее 0,005`, `н/о (0,005)` land
as the limit with the qualifier "<"; `н/о` without a limit lands with no value and the qualifier
"not_detected". A censored value is an upper bound: its ratio to a norm is an upper bound too (below the norm
when the limit is below it; undetermined when the limit is above it), and a mean over censored values is not
computed (it would need a substitution rule the sources do not give).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass

QUALIFIER_BELOW = "<"
QUALIFIER_NOT_DETECTED = "not_detected"

_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:\s*[eEеЕ]\s*[+-]?\s*\d+)?"
_NOT_MEASURED = re.compile(r"^[\s\-‐–—―]*$")
# "not detected" as labs write it; a limit may follow, e.g. "н/о (<0,005)" or "ниже ПО 0,005"
_NOT_DETECTED = re.compile(
    r"^(?:н\s*/\s*о|н\.\s*о\.|не\s*обн(?:\.|аружено|ар\.)?|ниже\s+(?:по|п\.\s*о\.|предела\s+обнаружения)|"
    r"n\.?\s*d\.?|not\s+detected|<\s*lod|below\s+lod)(?=$|[\s(<\d])\s*",
    re.IGNORECASE,
)
_BELOW = re.compile(r"^(?:<|менее|меньше|less\s+than)\s*", re.IGNORECASE)
_PLUS_MINUS = re.compile(r"\s*(?:±|\+\s*/\s*-|\+\s*-)\s*")


@dataclass(frozen=True)
class Measurement:
    """kind: measured | below | not_detected | not_measured | unreadable."""

    kind: str
    value: float | None = None
    uncertainty: float | None = None

    @property
    def qualifier(self) -> str:
        return {"below": QUALIFIER_BELOW, "not_detected": QUALIFIER_NOT_DETECTED}.get(self.kind, "")


def _clean(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


def parse_number(text: str) -> float | None:
    """'0,0019', '1 234,5', '1e-05', '2,4Е-03' (Cyrillic Е) -> float; anything else -> None."""
    cleaned = _clean(text).replace(" ", "").replace(",", ".").replace("Е", "E").replace("е", "e")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cleaned):
        return None
    number = float(cleaned)
    return number if math.isfinite(number) else None  # '1e400' overflows to inf: not a measurement


@functools.lru_cache(maxsize=8192)
def parse_measurement(text: str) -> Measurement:
    """A value cell as written -> what it says (see the module docstring)."""
    text = _clean(text)
    if _NOT_MEASURED.match(text):
        return Measurement("not_measured")
    nd = _NOT_DETECTED.match(text)
    if nd:
        rest = text[nd.end() :].strip().strip("()").strip()
        rest = _BELOW.sub("", rest).strip()
        if not rest:
            return Measurement("not_detected")
        limit = parse_number(rest)
        return Measurement("below", limit) if limit is not None else Measurement("unreadable")
    below = _BELOW.match(text)
    if below:
        limit = parse_number(text[below.end() :])
        return Measurement("below", limit) if limit is not None else Measurement("unreadable")
    parts = _PLUS_MINUS.split(text)
    if len(parts) == 2:
        value, uncertainty = parse_number(parts[0]), parse_number(parts[1])
        if value is None or uncertainty is None or uncertainty < 0:
            return Measurement("unreadable")
        return Measurement("measured", value, uncertainty)
    value = parse_number(text)
    return Measurement("measured", value) if value is not None else Measurement("unreadable")


EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's serial day 1 is 1900-01-01 (with its 1900 leap-year bug)
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d")


@functools.lru_cache(maxsize=8192)  # a file repeats its dates on every row
def parse_date(text: str) -> dt.date | None:
    """'15.04.2025', '15.04.25', '2025-04-15', '15.04.2025 10:30', '2025-04-15T10:30:00', Excel serial '45762'."""
    text = _clean(text)
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial day number (a date cell read as a number)
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    day = re.split(r"[ T]", text, maxsplit=1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(day, fmt).date()
        except ValueError:
            continue
    return None
