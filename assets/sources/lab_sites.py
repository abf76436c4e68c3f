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
from assets.sources.lab_details import detail
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
        return (site_id, "") if site_id in names.sites else (None, detail("site_code_unknown", site_code=site_id))
    if not water_body:
        return None, detail("no_water_body")
    body = names.body.get(body_key(water_body))
    if body is None:
        return None, detail("water_body_unknown", water_body=water_body)
    if point:
        return _site_from_point(names, body, water_body, point)
    if not region:
        return None, detail("no_point_or_region", water_body=water_body)
    region_id = names.region.get(region_key(region))
    if region_id is None:
        return None, detail("region_unknown", region=region)
    for candidate in (region_id, names.successor.get(region_id)):
        if candidate and f"{body}__{candidate}" in names.sites:
            return f"{body}__{candidate}", ""
    return None, detail("no_site_in_region", water_body=water_body, region=region)


def _site_from_point(names: SiteNames, body: str, water_body: str, point: str) -> tuple[str | None, str]:
    known = names.points.get(point_key(point), [])
    on_body = [p for p in known if p["water_body_id"] == body]
    if on_body:
        site = on_body[0].get("site_id") or ""
        if site in names.sites:
            return site, ""
        return None, detail("point_without_site", point=point, water_body=water_body, region_id=on_body[0]["region_id"])
    if known:
        bodies = ", ".join(sorted({p["water_body_id"] for p in known}))
        return None, detail("point_on_other_body", point=point, water_body_ids=bodies, water_body=water_body)
    candidates = sorted({p["name"] for ps in names.points.values() for p in ps if p["water_body_id"] == body})
    nearest = difflib.get_close_matches(point_key(point), [point_key(c) for c in candidates], n=3, cutoff=0.5)
    by_key = {point_key(c): c for c in candidates}
    suggestion = [by_key[k] for k in nearest] or candidates[:3]
    if suggestion:
        return None, detail("point_unknown", point=point, water_body=water_body, nearest=", ".join(suggestion))
    return None, detail("point_unknown_on_body", point=point, water_body=water_body)
