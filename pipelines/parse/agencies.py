"""Agencies as an entity: one id for every name a reporting body goes by.

A report names its author as it likes (洪泽区人民政府, 淮安市洪泽区人民政府; 人民政府 or
政府; 办公室 or 办; a parenthetical second name; 卫计委 before the 2018 reform, 卫健委
after). `agency_id` identifies the body by rules, not by the string:

- the place it belongs to (dim_reports.region_code, resolved from the name and the text);
- the name after its leading place names (regions.place_prefix: 淮安市洪泽区 | 人民政府),
  normalised: parenthetical second names dropped, 人民政府 → 政府, 办公室/办公厅 → 办,
  a relative prefix (区政府国资局 → 国资局) dropped, renamings and short forms mapped by
  the checked-in alias file data/agency_aliases.csv (卫生和计划生育委员会 → 卫生健康委员会);
- a government (level province/city/county) is `<region code>|政府`: never the same id as
  one of its departments (`<region code>|教育局`), nor as the government above it.

A body with no region and not a central one keeps an id of its own report (an unnamed
教育局 is not merged with every other one). The id is a hash of the key: stable across
runs. `agency_tables` builds, in the publish step, `dim_agencies` (one row per body, with
its parent government) and `dim_agency_names` (every name variant seen, the crosswalk).
"""
from __future__ import annotations

import functools
import hashlib
import re
from typing import Final

from .datafiles import read_csv
from .regions import _regions, place_prefix

GOVERNMENT_LEVELS: Final = ("province", "city", "county")
_PAREN: Final = re.compile(r"\([^()]*\)|（[^（）]*）")
_RELATIVE: Final = re.compile(r"^[省市县区](?:人民)?(?:政府)?(?=.)")
_GOV_REST: Final = ("", "人民政府", "政府", "行政公署", "行署")


@functools.cache
def _aliases() -> tuple[tuple[str, str], ...]:
    """(name, canonical) from data/agency_aliases.csv, longest names first."""
    rows = [(r["name"], r["canonical"]) for r in read_csv("agency_aliases.csv", ("name", "canonical"),
                                                           required=("name", "canonical"))]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def normalise_name(name: str) -> str:
    """The part of a body's name that survives its variants (no place names)."""
    a = "".join(name.split())
    first = _PAREN.sub("", a)
    a = first or a
    for seen, canon in _aliases():
        if seen in a:
            a = a.replace(seen, canon)
    a = a.replace("人民政府", "政府").replace("办公室", "办").replace("办公厅", "办")
    return a


def body_key(agency: str | None, level: str | None, region_code: str | None, report_id: str = "") -> str | None:
    """The identity of the reporting body, as text (see the module docstring)."""
    if not agency:
        return None
    a = normalise_name(agency)
    k, _ = place_prefix(a)
    rest = a[k:]
    if k and rest in _GOV_REST and level in GOVERNMENT_LEVELS:
        reg = _by_code().get(region_code or "")
        if reg is not None and reg.level == level:
            return f"{region_code}|政府"
        return f"|{a}|{report_id}"
    if level == "town":
        rest = re.sub(r"(?:政府|办事处)$", "", rest)
    if region_code:
        rest = _RELATIVE.sub("", rest)
        return f"{region_code}|{rest}"
    if level == "department-of-central":
        return f"central|{rest}"
    return f"|{a}|{report_id}"  # no place to tell it from its namesakes: its own


def agency_id(key: str | None) -> str | None:
    return None if key is None else "ag" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:14]


def government_id(region_code: str) -> str:
    return agency_id(f"{region_code}|政府") or ""


@functools.cache
def _by_code() -> dict:
    return {r.code: r for r in _regions()}


def parent_region(region_code: str | None, level: str | None) -> str | None:
    """The region whose government a body answers to: its own place's for a department or
    a town, the place above for a government (county → city, or the province where the
    county has no city; city → province)."""
    if not region_code or not level:
        return None
    if level.startswith("department-of-") or level == "town":
        if level == "department-of-central":
            return None
        # a department's government is that of its own place
        return region_code if region_code in _by_code() else None
    r = _by_code().get(region_code)
    if r is None:
        return None
    if level == "county":
        if r.city:
            return next((c.code for c in _regions() if c.level == "city" and c.name == r.city and c.province == r.province),
                        None)
        return next((c.code for c in _regions() if c.level == "province" and c.name == r.province), None)
    if level == "city":
        return next((c.code for c in _regions() if c.level == "province" and c.name == r.province), None)
    return None


def agency_tables(dim_reports) -> dict:
    """dim_agencies and dim_agency_names (Arrow tables) from the published dim_reports."""
    import pyarrow as pa

    import schemas

    rows = dim_reports.select(["report_id", "agency", "agency_id", "year", "level", "region_code",
                               "province", "city", "county"]).to_pylist()
    bodies: dict[str, dict] = {}
    names: dict[tuple[str, str], dict] = {}
    for r in rows:
        aid = r["agency_id"]
        if aid is None:
            continue
        b = bodies.setdefault(aid, {"reports": []})
        b["reports"].append(r)
        n = names.setdefault((aid, r["agency"]), {"n": 0, "years": []})
        n["n"] += 1
        if r["year"] is not None:
            n["years"].append(r["year"])
    out_a = []
    for aid, b in sorted(bodies.items()):
        rs = b["reports"]
        # the name of the latest report (the longest among that year's)
        latest = max(rs, key=lambda r: (r["year"] or 0, len(r["agency"] or ""), r["agency"] or ""))
        years = [r["year"] for r in rs if r["year"] is not None]
        level = latest["level"]
        code = latest["region_code"]
        pc = parent_region(code, level)
        parent = _by_code().get(pc) if pc else None
        out_a.append({
            "agency_id": aid, "name": latest["agency"], "level": level, "region_code": code,
            "province": latest["province"], "city": latest["city"], "county": latest["county"],
            "parent_agency_id": government_id(pc) if pc else None,
            "parent_name": (parent.name + "人民政府") if parent else None,
            "n_reports": len(rs), "first_year": min(years) if years else None,
            "last_year": max(years) if years else None,
        })
    out_n = [{"agency_id": aid, "name": name, "n_reports": v["n"],
              "first_year": min(v["years"]) if v["years"] else None,
              "last_year": max(v["years"]) if v["years"] else None}
             for (aid, name), v in sorted(names.items())]
    return {t: pa.Table.from_pylist(rs, schema=schemas.arrow_schema(t))
            for t, rs in (("dim_agencies", out_a), ("dim_agency_names", out_n))}
