"""Resolve province / city / county and the 6-digit division code from an agency name,
through the shipped snapshot of the national code list (data/regions.csv, source and
date in data/regions.meta.yaml) plus a few zones that are not divisions
(data/region_aliases.csv, e.g. 平潭综合实验区 → 福建省).

Full names are found anywhere in the name; short names (石家庄, 福州, 河北) only at its
start. A county name shared by several cities (新华区) counts only when the city is
named too. OCR confusions listed in data/ocr_confusions.csv are tried when a name
does not resolve (沐阳县 → 沭阳县).
"""
from __future__ import annotations

from typing import Final

import csv
import re
import functools
from dataclasses import dataclass

import yaml  # type: ignore[import-untyped]

from .labels import DATA

_GENERIC: Final = {"城区", "郊区", "矿区", "新区", "市中区", "高新区"}
_SUFFIXES: Final = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "盟", "省", "市")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    province: str
    city: str


@dataclass
class Resolved:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None
    corrected_name: str | None = None


@functools.cache
def _regions() -> tuple[Region, ...]:
    with open(DATA / "regions.csv", encoding="utf-8") as f:
        return tuple(Region(r["code"], r["name"], r["level"], r["province"], r["city"]) for r in csv.DictReader(f))


@functools.cache
def snapshot_meta() -> dict:
    return yaml.safe_load((DATA / "regions.meta.yaml").read_text(encoding="utf-8"))


@functools.cache
def _aliases() -> tuple[dict, ...]:
    with open(DATA / "region_aliases.csv", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@functools.cache
def _confusions() -> tuple[tuple[str, str], ...]:
    with open(DATA / "ocr_confusions.csv", encoding="utf-8") as f:
        return tuple((r["seen"], r["meant"]) for r in csv.DictReader(f))


def short_name(name: str) -> str:
    """A province's or city's name without its level (河北省 → 河北, 石家庄市 → 石家庄)."""
    for s in _SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


@functools.cache
def _index() -> tuple[dict, dict, dict]:
    """Full names → regions, short names (石家庄, 河北) of provinces and cities → regions,
    and first character → the lengths (2 to 12, ascending) of the full names it starts."""
    full: dict[str, list[Region]] = {}
    short: dict[str, list[Region]] = {}
    for r in _regions():
        full.setdefault(r.name, []).append(r)
        if r.level in ("province", "city"):
            short.setdefault(short_name(r.name), []).append(r)
    lengths: dict[str, set[int]] = {}
    for k in full:
        if 2 <= len(k) <= 12:
            lengths.setdefault(k[0], set()).add(len(k))
    starts = {c: tuple(sorted(ls)) for c, ls in lengths.items()}
    return full, short, starts


# a short name followed by one of these is a town, street or prefecture of that name
# (长春镇, 中山路, 金华街道, 海南州), not the city or province
_NOT_AFTER_SHORT: Final = re.compile(r"^(?:区|县|镇|乡|村|路|街|道|巷|里|州|盟|社区)|^.{1,2}(?:路|街|镇|乡|村|巷)")


def _resolve(name: str) -> Resolved | None:
    for a in _aliases():
        if a["name"] in name:
            return Resolved(a["province"] or None, a["city"] or None, a["county"] or None, a["code"] or None)
    full, short, starts = _index()
    hits: dict[str, tuple[Region, int, int]] = {}
    n = len(name)
    for i in range(n):
        # every substring of 2 to 12 characters, in order, of the lengths a full name
        # starting with this character has
        for size in starts.get(name[i], ()):
            j = i + size
            if j > n:
                break
            for r in full.get(name[i:j], ()):
                hits.setdefault(r.code, (r, i, j))
    for j in range(2, min(n, 8) + 1):
        rs = short.get(name[:j])
        if not rs or _NOT_AFTER_SHORT.match(name[j:]):
            continue
        for r in rs:
            hits.setdefault(r.code, (r, 0, j))
    provs = [(r, a, b) for r, a, b in hits.values() if r.level == "province"]
    cities = [(r, a, b) for r, a, b in hits.values() if r.level == "city"]
    # a short city name that is also the named province's (吉林省 → not 吉林市)
    cities = [(r, a, b) for r, a, b in cities
              if not any(p.name.startswith(name[a:b]) and pa == a and pb > b for p, pa, pb in provs)]
    counties = [(r, a, b) for r, a, b in hits.values()
                if r.level == "county" and r.name not in _GENERIC and len(r.name) >= 2]
    # a county must not overlap a city's own name (淮安区 in 淮安市, 市南区 in 中山市南区)
    counties = [(r, a, b) for r, a, b in counties if not any(a < cb and ca < b for _, ca, cb in cities)]
    # nor lie inside a longer county name (吉县 in 永吉县)
    counties = [(r, a, b) for r, a, b in counties
                if not any(oa <= a and b <= ob and (ob - oa) > (b - a) for _, oa, ob in counties)]
    if provs:
        counties = [c for c in counties if c[0].province in {p[0].name for p in provs}]
        cities = [c for c in cities if c[0].province in {p[0].name for p in provs}]
    if cities:
        # the county must lie in a named city
        counties = [c for c in counties if c[0].city in {x[0].name for x in cities}]
    elif len({c[0].code for c in counties}) > 1:
        counties = []
    county_rs = _longest([c[0] for c in counties])
    city_rs = _longest([c[0] for c in cities])
    prov_rs = [p[0] for p in provs]
    res = Resolved()
    if len(county_rs) == 1:
        c = county_rs[0]
        res.county, res.city, res.province, res.code = c.name, c.city or None, c.province, c.code
        return res
    if len(city_rs) == 1:
        c = city_rs[0]
        res.city, res.province, res.code = c.name, c.province, c.code
        return res
    if len(prov_rs) == 1:
        p = prov_rs[0]
        res.province, res.code = p.name, p.code
        return res
    return None


def _longest(rs: list[Region]) -> list[Region]:
    if len(rs) <= 1:
        return rs
    # drop names contained in a longer matched name (e.g. 新华 inside 新华区)
    return [r for r in rs if not any(r.name != o.name and r.name in o.name for o in rs)]


@functools.lru_cache(maxsize=65536)
def resolve_region(agency: str | None) -> Resolved:
    if not agency:
        return Resolved()
    r = _resolve(agency)
    if r is not None and r.county is not None:
        return r
    for seen, meant in _confusions():
        if seen in agency:
            fixed = agency.replace(seen, meant)
            r2 = _resolve(fixed)
            if r2 is not None and (r is None or (r2.county and not r.county)):
                r2.corrected_name = fixed
                return r2
    return r or Resolved()
