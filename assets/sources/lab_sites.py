"""Which monitoring site a lab row is: from its site code, or its water body with a sampling point or a region.

Water bodies as labs write them (`р. Иртыш`, `р.Иртыш`, `оз. Балхаш`, `вдхр. Капшагайское`); sampling points
(`г. Усть-Каменогорск`, `пос. …`, `в черте г. …`, `1 км ниже г. …`) through seeds/water_sampling_points.csv
and its synonyms, plus the points analysts declare in $CAEI_HOME/water/sampling_points.csv; regions in any
spelling (`Павлодарская область`, `Павлодарская обл.`, `Павлодарская`), a region formed after 2006 leading
to the site of the region it was formed from (seeds/water_region_successors.csv). Nothing is guessed: an
unknown point is reported with the nearest known names.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from assets.sources.catalogue import read_seed
from assets.sources.water_names import name_key_text

HOME_POINTS = Path("water") / "sampling_points.csv"  # under CAEI_HOME: points analysts add
HOME_POINT_COLUMNS = ("point", "water_body_id", "region_id", "site_id")

_BODY_PREFIX = re.compile(
    r"^(?:р\.|р(?=\s)|река|оз\.|оз(?=\s)|озеро|вдхр\.|вдх\.|водохранилище|вод-ще|river|lake|reservoir)\s*", re.I
)
_POINT_PREFIX = re.compile(
    r"^(?:\d+(?:[.,]\d+)?\s*км\s+(?:ниже|выше)\s+|в\s+черте\s+|(?:ниже|выше)\s+|в\s+районе\s+|у\s+)?"
    r"(?:г\.|г(?=\s)|город|пос\.|п\.|пгт\.?|пос[её]лок|с\.|село|ст\.|станция|аул|а\.)?\s*",
    re.I,
)
_REGION_WORDS = re.compile(r"\b(?:область|обл|region|oblast|облысы)\b\.?", re.I)


def body_key(text: str) -> str:
    """'р. Иртыш', 'р.Иртыш', 'Иртыш' -> 'иртыш'; 'вдхр. Капшагайское' -> 'капшагайское'."""
    return name_key_text(_BODY_PREFIX.sub("", text.strip()))


def point_key(text: str) -> str:
    """'г. Усть-Каменогорск', 'в черте г. Семей', '1 км ниже г. Павлодар' -> the settlement's name key."""
    return name_key_text(_POINT_PREFIX.sub("", text.strip(), count=1).strip(" ,.;"))


def region_key(text: str) -> str:
    """'Павлодарская область', 'Павлодарская обл.', 'Павлодарская' -> 'павлодарская'."""
    return name_key_text(_REGION_WORDS.sub(" ", text.replace(".", ". ")).replace(".", " "))


@dataclass(frozen=True)
class SiteNames:
    sites: frozenset[str]
    body: dict[str, str]  # body key -> water_body_id
    region: dict[str, str]  # region key -> region_id
    successor: dict[str, str]  # region formed later -> the region of its April 2006 sites
    points: dict[str, list[dict]]  # point key -> points (water_body_id, region_id, site_id, name)


def read_home_points(home: Path | None) -> list[dict]:
    """Points analysts declare under CAEI_HOME (point, water_body_id, region_id, site_id); a missing file is none."""
    if home is None or not (Path(home) / HOME_POINTS).is_file():
        return []
    with open(Path(home) / HOME_POINTS, encoding="utf-8-sig", newline="") as handle:
        rows = [{k: (v or "").strip() for k, v in r.items() if k} for r in csv.DictReader(handle)]
    return [r for r in rows if r.get("point") and r.get("water_body_id")]


def site_names(site_ids: set[str], home: Path | None = None) -> SiteNames:
    body = {
        body_key(s): b for s, b in read_seed("water_body_synonyms.csv").select("synonym", "water_body_id").iter_rows()
    }
    region = {
        region_key(s): r for s, r in read_seed("water_region_synonyms.csv").select("synonym", "region_id").iter_rows()
    }
    successor = dict(read_seed("water_region_successors.csv").select("region_id", "site_region_id").iter_rows())
    seeded = {r["point_id"]: r for r in read_seed("water_sampling_points.csv").iter_rows(named=True)}
    points: dict[str, list[dict]] = {}
    for synonym, point_id in read_seed("water_sampling_point_synonyms.csv").select("synonym", "point_id").iter_rows():
        p = seeded[point_id]
        points.setdefault(point_key(synonym), []).append({**p, "name": p["name_ru"], "origin": "seed"})
    for r in read_home_points(home):
        points.setdefault(point_key(r["point"]), []).append(
            {**r, "name": r["point"], "origin": f"$CAEI_HOME/{HOME_POINTS.as_posix()}"}
        )
    return SiteNames(frozenset(site_ids), body, region, successor, points)


def resolve_site(names: SiteNames, site_id: str, water_body: str, point: str, region: str) -> tuple[str | None, str]:
    """(site_id, "") or (None, why not): from the site code, else the water body with its point, else its region."""
    if site_id:
        return (site_id, "") if site_id in names.sites else (None, f"no monitoring site {site_id!r}")
    if not water_body:
        return None, "no water body (and no site code)"
    body = names.body.get(body_key(water_body))
    if body is None:
        return None, f"water body {water_body!r} is not in seeds/water_body_synonyms.csv"
    if point:
        return _site_from_point(names, body, water_body, point)
    if not region:
        return None, f"{water_body!r} has neither a sampling point nor a region"
    region_id = names.region.get(region_key(region))
    if region_id is None:
        return None, f"region {region!r} is not in seeds/water_region_synonyms.csv"
    for candidate in (region_id, names.successor.get(region_id)):
        if candidate and f"{body}__{candidate}" in names.sites:
            return f"{body}__{candidate}", ""
    return None, f"no monitoring site of {water_body!r} in {region!r}"


def _site_from_point(names: SiteNames, body: str, water_body: str, point: str) -> tuple[str | None, str]:
    known = names.points.get(point_key(point), [])
    on_body = [p for p in known if p["water_body_id"] == body]
    if on_body:
        site = on_body[0].get("site_id") or ""
        if site in names.sites:
            return site, ""
        return None, (
            f"sampling point {point!r} on {water_body!r} is known (region {on_body[0]['region_id']}) but belongs to "
            "no monitoring site of the sources; declare its site in $CAEI_HOME/water/sampling_points.csv"
        )
    if known:
        bodies = ", ".join(sorted({p["water_body_id"] for p in known}))
        return None, f"sampling point {point!r} is known on {bodies}, not on {water_body!r}"
    candidates = sorted({p["name"] for ps in names.points.values() for p in ps if p["water_body_id"] == body})
    nearest = difflib.get_close_matches(point_key(point), [point_key(c) for c in candidates], n=3, cutoff=0.5)
    by_key = {point_key(c): c for c in candidates}
    suggestion = [by_key[k] for k in nearest] or candidates[:3]
    hint = f"; nearest known: {', '.join(suggestion)}" if suggestion else "; no point of this water body is known"
    return None, (
        f"sampling point {point!r} on {water_body!r} is not known{hint} "
        "(add it to $CAEI_HOME/water/sampling_points.csv)"
    )
