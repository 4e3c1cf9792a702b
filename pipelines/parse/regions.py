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


_COUNTY_SUFFIX: Final = ("县", "市", "区")


@functools.cache
def _stems() -> dict[str, list[Region]]:
    """County-level names without their last character (荔浦县 → 荔浦): a county that
    became a city or district (荔浦县 → 荔浦市, 高陵县 → 高陵区) is named either way; and
    autonomous counties' place parts (长阳土家族自治县 → 长阳, named 长阳县)."""
    out: dict[str, list[Region]] = {}
    for r in _regions():
        if r.level == "county" and r.name.endswith(_COUNTY_SUFFIX) and len(r.name) >= 3:
            out.setdefault(r.name[:-1], []).append(r)
        stem = autonomous_stem(r.name) if r.level == "county" else None
        if stem is not None:
            out.setdefault(stem, []).append(r)
    return out


@functools.cache
def _ethnic_groups() -> tuple[str, ...]:
    """The nationalities' names (data/ethnic_groups.csv), longest first."""
    from .datafiles import read_csv

    return tuple(sorted((r["name"] for r in read_csv("ethnic_groups.csv", ("name",), required=("name",))),
                        key=len, reverse=True))


def autonomous_stem(name: str) -> str | None:
    """The place part of an autonomous county's or banner's name, as reports shorten it
    (莫力达瓦达斡尔族自治旗 → 莫力达瓦, 巍山彝族回族自治县 → 巍山); None for other names."""
    m = re.match(r"^(.+?)自治[县旗]$", name)
    if not m:
        return None
    rest = m.group(1)
    while True:
        e = next((e for e in _ethnic_groups() if rest.endswith(e) and len(rest) > len(e)), None)
        if e is None:
            break
        rest = rest[: -len(e)]
    return rest if len(rest) >= 2 and rest != m.group(1) else None


def _renamed(s: str, i: int) -> tuple[list[Region], int]:
    """County-level regions named at s[i:] under another suffix (荔浦市 for 荔浦县), and
    where the name ends."""
    stems = _stems()
    for size in (2, 3, 4, 5):
        j = i + size
        if j < len(s) and s[j] in "县市区旗" and s[i:j] in stems:
            rs = [r for r in stems[s[i:j]] if r.name != s[i:j + 1]]
            if rs and not _NOT_AFTER_FULL.match(s[j + 1:j + 3]):
                return rs, j + 1
        if size >= 3 and s.startswith(("政府", "人民政府"), j) and s[i:j] in stems:
            # an autonomous county's short name before its government (莫力达瓦政府)
            rs = [r for r in stems[s[i:j]] if autonomous_stem(r.name) == s[i:j]]
            if rs:
                return rs, j
    return [], i


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
# a county's full name followed by one of these is a town or street named after it
# (新县镇 is a town in Fujian, not 新县 in Henan)
_NOT_AFTER_FULL: Final = re.compile(r"^(?:镇|乡|村|街道|路|街|社区)")


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
                if r.level == "county" and _NOT_AFTER_FULL.match(name[j:]):
                    continue
                hits.setdefault(r.code, (r, i, j))
    for j in range(2, min(n, 8) + 1):
        rs = short.get(name[:j])
        if not rs or _NOT_AFTER_SHORT.match(name[j:]):
            continue
        for r in rs:
            hits.setdefault(r.code, (r, 0, j))
    if not any(r.level == "county" for r, _, _ in hits.values()):
        for i in range(n):
            rs, j = _renamed(name, i)
            if len(rs) == 1 and not (name[i:j] in full):
                hits.setdefault(rs[0].code, (rs[0], i, j))
                break
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
        printed = next((name[a:b] for r, a, b in counties if r.code == c.code), c.name)
        if printed != c.name and printed[:-1] == c.name[:-1]:
            res.county = printed  # renamed since the snapshot or before it (荔浦市, 高陵县): as the report names it
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


def resolve_region_text(text: str, limit: int = 4000, exclude: frozenset[str] = frozenset()) -> Resolved:
    """The region a report's body points to, for a report whose agency names none (我局,
    a spam-substituted name, 县水务局): every division named in the opening votes for its
    province, city and county (a full name counts 2, a short name such as 河北 or 眉山 1, a
    county name shared by k divisions 1/k each); the province with the most votes wins,
    then its city and county where they hold at least half of the votes above them. A tie
    leaves the level blank. Divisions of a province in `exclude` do not vote (香港, 澳门:
    named by spam and by the exchanges a body reports, never the reporting place)."""
    full, short, starts = _index()
    s = text[:limit]
    n = len(s)
    votes: list[tuple[Region, float]] = []
    stems_first = {k[0] for k in _stems()}
    by_name = {r.name: r for r in _regions() if r.level in ("province", "city")}
    for a in _aliases():
        if a["name"] in s:
            # a zone that is not a division (杨凌示范区): counts for its province and city
            prov_r = by_name.get(a["province"])
            city_r = by_name.get(a["city"]) if a["city"] else None
            for r in (prov_r, city_r):
                if r is not None:
                    votes.append((r, 2.0 * s.count(a["name"])))
    for i in range(n):
        for size in starts.get(s[i], ()):
            j = i + size
            if j > n:
                break
            if size < 3:
                continue  # 和县, 新县, 城区: two-character names are words of running text too
            rs = [r for r in full.get(s[i:j], ()) if r.name not in _GENERIC]
            if rs and rs[0].level == "county" and _NOT_AFTER_FULL.match(s[j:j + 2]):
                continue
            for r in rs:
                votes.append((r, 2.0 / len(rs)))
        if s[i] in stems_first:
            rs3, j3 = _renamed(s, i)
            if rs3 and s[i:j3] not in full:
                for r in rs3:
                    votes.append((r, 2.0 / len(rs3)))
        for j in range(i + 2, min(n, i + 8) + 1):
            rs2 = short.get(s[i:j])
            if not rs2 or _NOT_AFTER_SHORT.match(s[j:j + 3]) or (j < n and s[j] in "省市"):
                continue  # a full name (河北省, 眉山市) was counted above
            for r in rs2:
                votes.append((r, 1.0 / len(rs2)))
    votes = [(r, w) for r, w in votes if r.province not in exclude]
    if not votes:
        return Resolved()

    def best(scores: dict[str, float], floor: float) -> str | None:
        if not scores:
            return None
        top = max(scores.values())
        winners = [k for k, v in scores.items() if v == top]
        return winners[0] if len(winners) == 1 and top >= floor else None

    prov_scores: dict[str, float] = {}
    for r, w in votes:
        prov_scores[r.province] = prov_scores.get(r.province, 0.0) + w
    prov = best(prov_scores, 1.0)
    if prov is None:
        return Resolved()
    res = Resolved(province=prov)
    res.code = next((r.code for r in _regions() if r.level == "province" and r.name == prov), None)
    city_scores: dict[str, float] = {}
    for r, w in votes:
        if r.province == prov and r.level != "province" and r.city:
            city_scores[r.city] = city_scores.get(r.city, 0.0) + w
    city = best(city_scores, prov_scores[prov] / 2)
    if city is not None:
        res.city = city
        res.code = next((r.code for r in _regions() if r.level == "city" and r.name == city and r.province == prov), res.code)
    county_scores: dict[str, float] = {}
    county_code: dict[str, str] = {}
    for r, w in votes:
        if r.province == prov and r.level == "county" and (city is None or r.city == city) and (city or not r.city):
            county_scores[r.name] = county_scores.get(r.name, 0.0) + w
            county_code[r.name] = r.code
    above = city_scores[city] if city is not None else prov_scores[prov]
    county = best(county_scores, above / 2)
    if county is not None:
        res.county = county
        res.code = county_code[county]
    return res


def county_names(text: str, limit: int = 6000) -> frozenset[str]:
    """The county-level divisions a text names in full (兰考县, 和平区; three characters or
    more: 和县 and 城区 are words of running text too), as printed, without a name that lies
    inside a longer one (吉县 in 永吉县) or names a town or street after it (新县镇)."""
    full, _, starts = _index()
    s = text[:limit]
    n = len(s)
    spans: list[tuple[int, int]] = []
    for i in range(n):
        for size in starts.get(s[i], ()):
            j = i + size
            if j > n:
                break
            if size < 3 or _NOT_AFTER_FULL.match(s[j:j + 2]):
                continue
            if any(r.level == "county" and r.name not in _GENERIC for r in full.get(s[i:j], ())):
                spans.append((i, j))
    return frozenset(s[a:b] for a, b in spans if not any(oa <= a and b <= ob and (ob - oa) > (b - a) for oa, ob in spans))


def place_prefix(name: str) -> tuple[int, str | None]:
    """How many leading characters of an agency name are place names (淮安市洪泽区 in
    淮安市洪泽区人民政府: 6), and the level of the last one (province, city, county): full
    names of any level, short names (福州, 河北) of provinces and cities, and a county under
    another suffix (荔浦市 for 荔浦县). A name followed by 镇, 乡 or 街道 is a town's, not
    a place of the list (新县镇)."""
    full, short, starts = _index()
    i, level = 0, None
    n = len(name)
    while i < n:
        best_j, best_level = i, None
        for size in starts.get(name[i], ()):
            j = i + size
            if j > n:
                break
            rs = full.get(name[i:j], ())
            if rs and not _NOT_AFTER_FULL.match(name[j:]) and j > best_j:
                best_j, best_level = j, rs[0].level
        if best_level is None:
            for j in range(min(n, i + 8), i + 1, -1):
                rs2 = short.get(name[i:j])
                if rs2 and not _NOT_AFTER_SHORT.match(name[j:]) and j < n:
                    best_j, best_level = j, rs2[0].level
                    break
        if best_level is None:
            rs3, j3 = _renamed(name, i)
            if rs3:
                best_j, best_level = j3, "county"
        if best_level is None:
            break
        i, level = best_j, best_level
    return i, level


_PHONE: Final = re.compile(r"(?<![\d.])(0\d{2,3})\s?[-—–－]{1,2}\s?\d{7,8}(?!\d)")


@functools.cache
def _phone_areas() -> dict[str, str]:
    from .datafiles import read_csv

    return {r["prefix"]: r["province"] for r in read_csv("phone_areas.csv", ("prefix", "province"),
                                                         required=("prefix", "province"))}


def province_from_phone(text: str, limit: int = 6000) -> str | None:
    """The province of the area codes of the phone numbers a report gives (0371-26982677:
    河南省; data/phone_areas.csv, by the code's first three or four digits), where they
    all agree: the contact office of a report whose text names no place."""
    areas = _phone_areas()
    found = set()
    for m in _PHONE.finditer(text[:limit]):
        code = m.group(1)
        prov = areas.get(code[:4]) or areas.get(code[:3])
        if prov:
            found.add(prov)
    return found.pop() if len(found) == 1 else None


def province_code(province: str | None) -> str | None:
    if province is None:
        return None
    return next((r.code for r in _regions() if r.level == "province" and r.name == province), None)


_URL_LINE: Final = re.compile(r"^\s*(?:URL|url|来源|Source|source)\s*[:：]\s*https?://([^/\s:?#]+)")
_HOST_NOISE: Final = frozenset({"www", "gov", "com", "net", "org", "edu", "html", "http", "https"})


@functools.cache
def _pinyin_index() -> tuple[dict[str, list[Region]], dict[str, list[Region]]]:
    """The divisions by the pinyin of their name (data/regions_pinyin.csv): by the common
    reading, and by the other readings of polyphonic characters."""
    from .datafiles import read_csv

    by_code = {r.code: r for r in _regions()}
    common: dict[str, list[Region]] = {}
    other: dict[str, list[Region]] = {}
    for row in read_csv("regions_pinyin.csv", ("code", "pinyin"), required=("code", "pinyin")):
        r = by_code.get(row["code"])
        if r is None:
            continue
        first, *rest = row["pinyin"].split("|")
        common.setdefault(first, []).append(r)
        for v in rest:
            other.setdefault(v, []).append(r)
    return common, other


_URL_FULL: Final = re.compile(r"^\s*(?:URL|url|来源|Source|source)\s*[:：]\s*(https?://\S+)")


@functools.cache
def _url_platforms() -> tuple[tuple[re.Pattern, str], ...]:
    from .datafiles import read_csv

    return tuple((re.compile(r["pattern"]), r["province"])
                 for r in read_csv("url_platforms.csv", ("pattern", "province"), required=("pattern", "province"),
                                   patterns=("pattern",)))


def resolve_region_platform(text: str) -> Resolved:
    """The province of a disclosure platform the source address belongs to, whatever its
    host (data/url_platforms.csv: Zhejiang's xxgkAnnualReport.jsp?area=001008…)."""
    m = _URL_FULL.match(text[:1000])
    if not m:
        return Resolved()
    for pat, prov in _url_platforms():
        if pat.search(m.group(1)):
            return Resolved(province=prov, code=province_code(prov))
    return Resolved()


# a government body's unified social credit code (11 + its division's code + 10 more), as
# an index number (索引号: 1133068200259085XF/2015-28256) or the code itself
_CREDIT: Final = re.compile(r"(?:索引号|信用代码|机构代码)[^0-9A-Z\n]{0,6}1[1-9](\d{6})[0-9A-Z]{10}(?![0-9A-Z])")


def resolve_region_credit_code(text: str, limit: int = 6000) -> Resolved:
    """The division of the government body whose unified social credit code the page prints
    (its digits 3-8 are the division code when the body was registered): the province
    from the first two digits, the city and county where the code is in the snapshot.
    Codes of two provinces decide nothing."""
    by_code = {r.code: r for r in _regions()}
    found: set[str] = set()
    for m in _CREDIT.finditer(text[:limit]):
        found.add(m.group(1))
    provs = {c[:2] + "0000" for c in found}
    if len(provs) != 1:
        return Resolved()
    prov = by_code.get(provs.pop())
    if prov is None or prov.level != "province":
        return Resolved()
    if len(found) == 1:
        r = by_code.get(next(iter(found)))
        if r is not None and r.province == prov.name and r.level in ("county", "city"):
            if r.level == "county":
                return Resolved(r.province, r.city or None, r.name, r.code)
            return Resolved(r.province, r.name, None, r.code)
    return Resolved(province=prov.name, code=prov.code)


def resolve_region_url(text: str, within: str | None = None) -> Resolved:
    """The region a report's source address names (`URL: http://www.ningdu.gov.cn/…` on its
    first line, as crawlers save pages): a host label that is the pinyin of exactly one
    division's name (ningdu → 宁都县; qionghai.hainan → 琼海市, 海南省). A label two divisions
    share (yichun: 宜春 or 伊春) decides only with another label naming the province, or
    with `within`, the province the body names (qinzhou: 钦州 in Guangxi, not 秦州区)."""
    m = _URL_LINE.match(text[:400])
    if not m:
        return Resolved()
    common, other = _pinyin_index()
    labels = [x for x in m.group(1).lower().split(".") if len(x) >= 4 and x not in _HOST_NOISE and x.isalpha()]
    cands = [common.get(x) or other.get(x) or [] for x in labels]
    provs = {r.province for rs in cands for r in rs if r.level == "province"}
    if within is not None:
        provs = {within}
    best: Region | None = None
    rank = {"province": 0, "city": 1, "county": 2}
    for rs in cands:
        if len(rs) > 1 and provs:
            rs = [r for r in rs if r.province in provs]
        if len(rs) == 1 and (best is None or rank[rs[0].level] > rank[best.level]):
            best = rs[0]
    if best is None:
        return Resolved()
    if best.level == "county":
        return Resolved(best.province, best.city or None, best.name, best.code)
    if best.level == "city":
        return Resolved(best.province, best.name, None, best.code)
    return Resolved(best.province, None, None, best.code)
