"""The areas the product covers: the five countries (ISO3) and Central Asia as their aggregate."""

from __future__ import annotations

CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
REGION_ID = "CA5"  # Central Asia: the five countries together
AREAS = (*CENTRAL_ASIA, REGION_ID)  # the columns of every table that sets the countries side by side
