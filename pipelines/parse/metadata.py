"""Report metadata read from the text: the agency as the title names it, the statistics
year, the template (pre2019 / f2019 / f2021, from the tables' labels, not the year) and
the region (regions.py).

Agency, first found of: the title (`<agency><year>年政府信息公开工作年度报告`, or `<year>年
<agency>政府信息公开工作年度报告`, below any navigation chrome); the body's naming phrases
(data/metadata.yaml `agency`: 《…年度报告》, 现公布/现将…, 由××编制 — a government's office
compiling the report stands for the government, its summary of the area for the area, an
office named relative to its place for the place the body names —, an area's summary
built from its parts' reports); the signature above the closing date; the office named in
`请与…联系` (a place's office: its government); the overview's subject (2021年,沈阳市人民
政府坚持…); else a report that names itself only as 我区/我镇/我乡 (the one place of that
kind it names), 本级政府 (the government site it names) or 我办/我局 (its own site). Never a
guess between two names: a wrong agency is worse than none.
Year: the title's year, else the statistics period (统计期限自2017年1月1日), else the year
before the closing date. Region: the agency's name, else the places the body names, the
body's credit code (索引号), the source address (host pinyin, a province's platform), the
phone area codes.
"""
from __future__ import annotations

from typing import Final

import functools
import re
from dataclasses import dataclass

from .datafiles import read_yaml
from .layouts import layouts
from .regions import (Resolved, county_names, place_prefix, province_code, province_from_phone, resolve_region,
                      resolve_region_credit_code, resolve_region_platform, resolve_region_text, resolve_region_url)
from .textnorm import label_key

_TITLE_WORDS: Final = r"(?:政府)?信息公开(?:工作)?(?:年度报告|年度工作报告|年报|工作报告|情况报告|报告)"
_TITLE_A: Final = re.compile(r"^(?P<agency>(?:[^\d,。;:()《》]|\([^\d()]{1,20}\)){2,40}?)[ ]*(?P<year>(?:19|20)\d{2})[ ]*年(?:度)?[ ]*" + _TITLE_WORDS)
_TITLE_B: Final = re.compile(r"^(?P<year>(?:19|20)\d{2})[ ]*年(?:度)?[ ]*(?P<agency>(?:[^\d,。;:()《》]|\([^\d()]{1,20}\)){2,40}?)[ ]*" + _TITLE_WORDS)
_PERIOD: Final = re.compile(r"(?:统计|时限|期限|周期|期间)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_DATE_LINE: Final = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_CONTACT: Final = re.compile(r"(?:请与|请联系|请咨询|咨询)([^,。;:()]{2,40}?)(?:党政办公室|政务公开办公室|综合办公室|办公室|办公厅|政务服务中心)(?:联系|反映|\(|,)")
_YEAR_TITLE: Final = re.compile(r"^((?:19|20)\d{2})\s*年(?:度)?\s*" + _TITLE_WORDS)
_MENU_ITEM: Final = re.compile(r"^[•·●▪◆■►»]")
_NOISE: Final = re.compile(r"^(?:正文|标题|首页|当前位置.*|来源.*)$")
_AGENCY_SUFFIX_OK: Final = re.compile(r"(政府|委员会|委|局|厅|办公室|办公厅|办|院|区|县|市|镇|乡|街道|街道办事处|管委会|管理委员会|"
                               r"中心|处|所|署|部|会|站|队|馆|社|园区|开发区|新区|试验区|实验区|公司|集团|省|自治区|州|盟|旗|行署)"
                               r"(?:\([^()]{1,30}\))?$")
_NOT_AGENCY: Final = {"政府", "人民政府", "本机关", "我局", "我委", "我区", "我县", "我市", "本单位", "政府信息公开", "年度报告"}


@dataclass
class Metadata:
    agency: str | None
    year: int | None
    format_version: str | None
    province: str | None
    city: str | None
    county: str | None
    region_code: str | None
    title: str | None
    tables_format: str | None = None
    level: str | None = None


_WS_RUN: Final = re.compile(r"\s+")
_ISSUED: Final = re.compile(r"^(?:印发|发布|公布)")
_NOT_IN_AGENCY: Final = re.compile(r"[>»/\\|。,;:\d]")
# a page's field label before the title: 标题: …, or 标   题 … (spaced, no colon)
_FIELD_NAME: Final = re.compile(r"^(?:文章标题|信息名称|标\s*题|题\s*目|名\s*称)(?:\s*[:：]\s*|\s+(?=\S))")
_BOOK_TITLE: Final = re.compile(r"^[^《]*《([^》]*报告)》.*$")
_YEAR_OF_DISCLOSURE: Final = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?(?:政府)?信息公开")
_BRACKETS: Final = re.compile(r"[()\[\]【】（）《》\"'“”]")


_SHORT_FORM: Final = re.compile(r"\((?:以下简称|以下称|下称|简称)[^()]*\)")


def _clean_agency(a: str) -> str:
    a = _SHORT_FORM.sub("", _WS_RUN.sub("", a)).strip("　 :：,，、·-—")
    # 关于印发…的通知 wrappers: the body named after 印发/关于, else the issuer before 关于
    if "关于" in a:
        before, after = a.split("关于", 1)
        after = _ISSUED.sub("", after)
        a = after if after else before
    a = _ISSUED.sub("", a)
    if a.endswith("人民"):
        a += "政府"  # 2008年度湖南省人民政府信息公开…: the name runs into 政府信息公开
    a = _TEMPLATE_PAREN.sub("", a)  # 青龙镇政府(机关): the template's 本级政府(机关) filled in
    for n in range(3, len(a) // 2 + 1):
        if a[:n] == a[n:2 * n] and a[n - 1] in "省市县区旗盟州":
            return a[n:]  # 北京市大兴区北京市大兴区发展和改革委员会: a place printed twice
    return a


_TEMPLATE_PAREN: Final = re.compile(r"(?<=.)\((?:机关|单位|部门|本级)\)$")
_GENERIC_AGENCY: Final = re.compile(r"^(?:本|我|该)?(?:省|市|县|区|镇|乡|街道)?(?:人民)?(?:政府|局|委|厅|办|机关|单位|部门)"
                             r"(?:办公室|办公厅|办)?$")


def _plausible_agency(a: str, relative_ok: bool = False) -> bool:
    """`relative_ok`: a name relative to its place (市政府办公室, 县水务局) will do, as in a
    title, where it is the report's own name."""
    generic = bool(_GENERIC_AGENCY.match(a)) and not (relative_ok and a[:1] in "省市县区" and len(a) > 3)
    return bool(a) and a not in _NOT_AGENCY and not generic and 2 <= len(a) <= 40 and bool(_AGENCY_SUFFIX_OK.search(a)) \
        and not _NOT_IN_AGENCY.search(a)


def _title(lines: list[str]) -> tuple[str, int, bool] | None:
    """(agency, year, is_full_title) from the first lines; prefers 年度报告 over 年报."""
    cands = _title_candidates(lines)
    if not cands:
        return None
    _, _, _, ag, yr = cands[0]
    return ag, yr, True


def _title_candidates(lines: list[str]) -> list[tuple[int, int, int, str, int]]:
    """Every title reading of the first lines, best first: (not 年度报告, lines, line, agency, year)."""
    cands = []
    # the first 25 lines with text that are not a menu's items (a page's navigation chrome
    # may put 40 blank lines and a bulleted menu above the title)
    heads = [h for h in (ln.strip().lstrip("#").strip() for ln in lines[:300]) if h and not _MENU_ITEM.match(h)][:25]
    heads = [_FIELD_NAME.sub("", h) for h in heads]
    # 关于印发《…年度报告》的通知: the title inside the book-title marks
    heads = [_BOOK_TITLE.sub(r"\1", h) if "《" in h and "报告》" in h else h for h in heads]
    heads = [h for h in heads if h and not _NOISE.match(h)]
    nosp = [h.replace(" ", "") for h in heads]          # one line: spaces dropped
    compact = ["".join(h.split()) for h in heads]       # lines joined: all whitespace dropped
    for i in range(len(heads)):
        for j in (1, 2, 3):
            window = nosp[i] if j == 1 else "".join(compact[i:i + j])
            if "信息公开" not in window:
                continue  # every title form names 信息公开
            for pat in (_TITLE_A, _TITLE_B):
                m = pat.match(window)
                if m:
                    ag = _clean_agency(m.group("agency"))
                    full = "年度报告" in m.group(0)
                    if _plausible_agency(ag, relative_ok=True):
                        # the fewest lines win: a line above a complete title is not part of it
                        cands.append((0 if full else 1, j, i, ag, int(m.group("year"))))
            # title split as agency line + year-title line: agency is the line before
            m = _YEAR_TITLE.match(nosp[i]) if j == 1 and i > 0 else None
            if m:
                prev = _clean_agency(heads[i - 1])
                if _plausible_agency(prev):
                    cands.append((0 if "年度报告" in heads[i] else 1, 2, i - 1, prev, int(m.group(1))))
    cands.sort()
    return _wrapped_first(cands)


def _wrapped_first(cands: list[tuple[int, int, int, str, int]]) -> list[tuple[int, int, int, str, int]]:
    """A long title wrapped inside the agency's name (…人力资源和社会 / 保障局2020年…报告):
    the one-line reading's agency (保障局) names no place, while the two-line reading from
    the line above ends with it and begins with a place the region list knows. There the
    two-line reading is the title; a line above a title that names its own place stays
    outside it (the fewest lines win otherwise)."""
    if not cands or cands[0][1] != 1:
        return cands
    full, _, i, ag, yr = cands[0]
    if resolve_region(ag).province is not None:
        return cands
    for k, c in enumerate(cands):
        if c[0] == full and c[1] == 2 and c[2] == i - 1 and c[4] == yr and c[3].endswith(ag) and c[3] != ag \
                and resolve_region(c[3]).province is not None:
            return [c] + cands[:k] + cands[k + 1:]
    return cands


def _signature(lines: list[str]) -> tuple[str, int] | None:
    tail = [ln.strip() for ln in lines[-12:] if ln.strip()]
    for i in range(len(tail) - 1, 0, -1):
        m = _DATE_LINE.match(tail[i])
        if m:
            prev = _clean_agency(tail[i - 1])
            if _plausible_agency(prev):
                return prev, int(m.group(1))
    return None


@functools.lru_cache(maxsize=1)
def _marker_counts(k: str) -> tuple[int, int, int]:
    """How many of the 2021, 2019 and common template markers the label key holds (some
    40 substring searches over the whole text; extraction and read_metadata both ask for
    the same report's, so the last answer is kept)."""
    marks = layouts().format_markers
    return (sum(1 for w in marks["f2021"] if w in k), sum(1 for w in marks["f2019"] if w in k),
            sum(1 for w in marks["template"] if w in k))


def detect_format(text: str, tables_found: list[str], key: str | None = None) -> str | None:
    """The template; `key` = label_key(text) where the caller has it already."""
    k = label_key(text) if key is None else key
    if not any(t in tables_found for t in ("t2", "t3", "t4")) and "第二十条" not in k and "本年新收" not in k:
        # the 2019+ section headings without any table (tables as images, or left out):
        # a template report whose template cannot be told
        if "收到和处理政府信息公开申请" in k or "本年制发件数" in k or "本年新制作数量" in k:
            return None
        return "pre2019"
    f21, f19, tmpl = _marker_counts(k)
    if f21 or f19:
        if f21 > f19:
            return "f2021"
        if f19 > f21:
            return "f2019"
    if tmpl >= 3 and ("t3" in tables_found or "t2" in tables_found):
        # template tables without a table-2 marker: the 2021 sub-rows of (六) decide
        return "f2021" if "逾期不补正" in k else "f2019"
    return "pre2019"


_SPACES: Final = re.compile(r"[ \t\u3000\xa0]+")
_LATIN_JUNK: Final = re.compile(r"^.*[A-Za-z0-9][-_.A-Za-z0-9]*")
_OPENING: Final = 6000  # metadata is looked for in the report's opening (and its closing lines)


@functools.cache
def _rules() -> dict:
    """data/metadata.yaml with its patterns compiled ({AG}, {Y} substituted)."""
    raw = read_yaml("metadata.yaml", pattern_keys=("office_of_government", "office_only", "town",
                                                   "unlisted_government", "central", "download_site"))
    ag = "(?P<agency>" + raw["agency_chars"] + ")"
    sufs = "|".join(sorted(raw["agency_suffixes"], key=len, reverse=True))
    # a name ending in one of the suffixes, maybe with its parenthetical second name:
    # 江干区行政审批服务管理办公室(公共资源交易管理委员会办公室)
    ags = "(?P<agency>" + raw["agency_chars"] + "(?:" + sufs + r")(?:\([^()]{1,30}\))?)"

    def comp(p: str) -> re.Pattern:
        return re.compile(p.replace("{JUNK}", r"(?:[-_.A-Za-z0-9]+)?").replace("{AGS}", ags).replace("{AG}", ag).replace("{Y2}", r"(?:19|20)\d{2}")
                          .replace("{Y}", r"(?P<year>(?:19|20)\d{2})"))

    return {
        "agency": [(kind, [comp(p) for p in pats]) for kind, pats in raw["agency"].items()],
        "office": re.compile(raw["office_of_government"]),
        "office_only": re.compile(raw["office_only"]),
        "year": [(kind, [comp(p) for p in pats]) for kind, pats in raw["year"].items()],
        "era": raw["era_markers"],
        "not_agency": frozenset(raw["not_agency"]),
        "not_agency_end": tuple(raw["not_agency_end"]),
        "self_named": {suf: tuple(ws) for suf, ws in raw["self_named"].items()},
        "own_government": tuple(raw["own_government"]),
        "suffixes": tuple(sorted(raw["agency_suffixes"], key=len, reverse=True)),
        "clause_words": tuple(raw["clause_words"]),
        "not_report_provinces": frozenset(raw["not_report_provinces"]),
        "town": re.compile(r"(?:(?<=[省市县区旗\n,。、;:(《“ ])|^|(?<=\d年)|(?<=\d年度))(?P<name>[\u4e00-\u9fff]{2,4}?)"
                           r"(?P<suffix>镇|乡|街道)(?=" + "|".join(raw["town_followers"]) + ")"),
        "download_site": re.compile(raw["download_site"]),
        # tried at every position (a lookahead): a failed reading must not hide a later one
        "department_site": {w: re.compile("(?=" + raw["department_site"].replace("{S}", suf) + ")")
                            for w, suf in raw["department_suffixes"].items()},
        "not_agency_start": tuple(raw["not_agency_start"]),
        "level": {**raw["level"], "town": re.compile(raw["level"]["town"]),
                  "unlisted_government": re.compile(raw["level"]["unlisted_government"]),
                  "central": re.compile(raw["level"]["central"]), "government": frozenset(raw["level"]["government"])},
    }


def _compact(text: str) -> str:
    """The opening with spaces dropped (years printed `2016 年` and names split by spaces
    read whole); newlines kept."""
    return _SPACES.sub("", text[:_OPENING])


def _candidate(a: str) -> str | None:
    a = _clean_agency(a)
    if _LATIN_JUNK.match(a):
        a = _LATIN_JUNK.sub("", a)  # a domain or spam text put in place of the name
    if a.count("(") != a.count(")"):
        a = a.split("(")[0]
    if a in _rules()["not_agency"] or a.startswith(_rules()["not_agency_start"]) or a.startswith("(") or _rules()["office_only"].match(a) \
            or a.endswith(_rules()["not_agency_end"]):
        return None
    return a if _plausible_agency(a) else None


def _body_agency(flat: str, kinds: tuple[str, ...]) -> tuple[str, int | None] | None:
    """(agency, year or None) from the body's phrasings of these kinds (data/metadata.yaml)."""
    rules = _rules()
    for kind, pats in rules["agency"]:
        if kind not in kinds:
            continue
        for pat in pats:
            for m in pat.finditer(flat):
                gd = m.groupdict()
                om = rules["office"].match(_clean_agency(m.group("agency"))) if kind == "compiler" else None
                if om and _RELATIVE_GOV.fullmatch(om.group("gov")):
                    # 由市政府办公厅综合…编制: the government of the place the body names at
                    # that level (上海市), where it names one
                    area = _area_of_text(flat, om.group("gov")[0])
                    if area is None:
                        continue
                    y = gd.get("year")
                    return (area if gd.get("summary") else area + "人民政府"), int(y) if y else None
                cand = _candidate(m.group("agency"))
                if cand is None:
                    continue
                a = cand
                if kind == "area" and not _is_area(a):
                    continue
                if kind == "compiler":
                    om = rules["office"].match(a)
                    if om:
                        gov = om.group("gov")
                        # a summary of the whole area names the area, else the government
                        a = re.sub(r"(?:人民政府|政府|行政公署|行署)$", "", gov) if gd.get("summary") else gov
                        if _candidate(a) is None:
                            continue
                if kind in ("quoted", "announce") and flat[m.end("agency"):m.end("agency") + 2] == "政府":
                    # 现将2008年度与儿街镇政府信息公开年度报告: 政府 may be the name's own
                    # (与儿街镇政府) or 政府信息公开's; the name as the opening prints it in full
                    a = _with_government(a, flat)
                y = gd.get("year")
                return a, int(y) if y else None
    return None


_RELATIVE_GOV: Final = re.compile(r"[省市县区](?:人民)?政府")
_AREA_LEVELS: Final = {"省": ("province",), "市": ("city", "province"), "县": ("county",), "区": ("county",)}


def _is_area(a: str) -> bool:
    """A division's own name, all of it (兰考县, 淮安市洪泽区), not a body in it."""
    k, lv = place_prefix(a)
    return k == len(a) and lv is not None and resolve_region(a).province is not None


def _area_of_text(flat: str, prefix: str) -> str | None:
    """The division the body points to (regions.resolve_region_text), named with the
    level the relative name gives (市政府 → the city, or a municipality such as 上海市);
    None when the body points to none at that level."""
    reg = resolve_region_text(flat)
    for lv in _AREA_LEVELS.get(prefix, ()):
        name = {"province": reg.province, "city": reg.city, "county": reg.county}[lv]
        if name and name.endswith(prefix if prefix != "区" else ("区", "县", "旗")):
            if lv == "city" and reg.county:
                return None  # a county-level city's report calls its government 市政府 too
            return name
    return None


def _with_government(a: str, flat: str) -> str:
    """A town read before `政府信息公开` completed to `<name>人民政府` where the
    opening prints that name (与儿街镇 → 与儿街镇人民政府); else as read."""
    if a.endswith(("镇", "乡")) and (a + "人民政府") in flat:
        return a + "人民政府"
    return a


def _body_year(flat: str) -> int | None:
    for _kind, pats in _rules()["year"]:
        for pat in pats:
            m = pat.search(flat)
            if m:
                return int(m.group("year"))
    return None


def era_from_year(year: int | None) -> str | None:
    if year is None:
        return None
    return "pre2019" if year <= 2018 else "f2019" if year <= 2020 else "f2021"


def era_without_tables(flat: str, year: int | None) -> str | None:
    """The template of a report whose tables were not read: the 2019 template's section
    headings (f2019 or f2021 by the year: their headings are the same), the pre-2019
    headings alone (a 2019 report on the old template is pre2019), else the year."""
    marks = _rules()["era"]
    by_year = era_from_year(year)
    if any(w in flat for w in marks["template"]):
        return "f2021" if year is not None and year >= 2021 else "f2019"
    if any(w in flat for w in marks["pre2019"]) and "概述" in flat:
        return "pre2019"
    return by_year


_CONTACT_TAIL: Final = re.compile(r"(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:领导小组)?$")
_PLACE: Final = re.compile(r"(?:省|自治区|市|县|区|旗|镇|乡)$")


def _is_place(a: str) -> bool:
    """A town (邹桥乡) or a division's own name (西安区), not a zone (福州高新技术产业开发区)."""
    if a.endswith(("镇", "乡")):
        return True
    full = _region_names()
    return any(a[i:] in full for i in range(max(0, len(a) - 12), len(a) - 2))


@functools.cache
def _region_names() -> frozenset[str]:
    from .regions import _index

    return frozenset(_index()[0])


_RELATIVE: Final = re.compile(r"^[省市县区](?:人民)?(?:政府)?")


def _fuller(agency: str, others: list[str], heads: list[str]) -> str:
    """The fullest name of the same body the opening gives: another reading that holds
    the name and ends it with 人民政府, 政府 or 办事处 (龙归镇 → 武江区龙归镇人民政府 from a
    second title line or the signature; 上海市普陀区 → 上海市普陀区人民政府 from 由…编制);
    a name relative to its place (区政府国资局) completed from a heading line that gives
    the place (浑南区国资局). A government's complete name (洪泽区人民政府) is kept as the
    title prints it: the compiler's 淮安市洪泽区人民政府办公室 adds a place, not a body."""
    best = agency
    if agency.endswith(("人民政府", "政府", "办事处", "行政公署")):
        return agency
    for o in others:
        i = o.find(agency)
        if i < 0 or o == agency or o[i + len(agency):] not in ("", "人民政府", "政府", "办事处") or len(o) <= len(best):
            continue
        pre = o[:i]  # what comes before: nothing, or the place above it (武江区)
        if not pre or (len(pre) <= 10 and resolve_region(pre).province is not None and _PLACE.search(pre)):
            best = o
    if best == agency and _RELATIVE.match(agency):
        # 区政府国资局 → 浑南区国资局: a heading line that names the body with its place
        tail = _RELATIVE.sub("", agency)
        for h in heads:
            if h.endswith(tail) and h != agency and len(tail) >= 2 and _plausible_agency(h) and not _RELATIVE.match(h):
                return h
    return best


_GOV_INFIX: Final = re.compile(r"^(?P<place>.{2,12}?[省市县区旗])(?:人民)?政府(?P<town>.{2,12}(?:街道办事处|街道|镇|乡))$")


def _without_government_infix(agency: str, flat: str) -> str:
    """A street office or town named through its district's government (宣武区政府大栅栏街道
    办事处, as a contact line may print it) under the name the body also gives it without
    the government (宣武区大栅栏街道办事处)."""
    m = _GOV_INFIX.match(agency)
    if m and (m.group("place") + m.group("town")) in flat:
        return m.group("place") + m.group("town")
    return agency


def _refs(flat: str, words: tuple[str, ...]) -> bool:
    return any(w in flat for w in words)


def _self_named(flat: str) -> str | None:
    """The agency of a report that names itself only as 我县/我区/我镇/我乡 (data/metadata.yaml
    `self_named`), or only as 本级政府 while naming its government's site, or only as
    我局/我办/我委 while naming its own site (`department_site`). Never a guess between two
    names: one place (one site) of that kind, or none."""
    rules = _rules()
    sites = rules["department_site"]
    dept_words = [w for w in sites if w in flat]
    other_dept = [w for w in rules["level"]["self_reference"]["department"] if w in flat and w not in sites]
    gov_kinds = [suf for suf, ws in rules["self_named"].items() if _refs(flat, ws)]
    if len(gov_kinds) == 1 and sum(flat.count(w) for w in rules["self_named"][gov_kinds[0]]) < 2:
        # a department may say 我县 once (推动我县卫健系统…): a report speaks as its place more
        return None
    if dept_words or other_dept:
        if gov_kinds or other_dept or len({sites[w].pattern for w in dept_words}) != 1:
            return None
        names = {m.group("agency") for m in sites[dept_words[0]].finditer(flat)}
        names = {a for a in names if not a.startswith(rules["not_agency_start"]) and a not in rules["not_agency"]
                 and _plausible_agency(a, relative_ok=True)}
        return names.pop() if len(names) == 1 else None
    if len(gov_kinds) > 1:
        return None
    if not gov_kinds:
        if _refs(flat, rules["own_government"]):
            names = {m.group("agency") for m in rules["download_site"].finditer(flat)}
            names = {a for a in names if _is_area(re.sub(r"(?:人民政府|政府)$", "", a))}
            return names.pop() if len(names) == 1 else None
        return None
    suf = gov_kinds[0]
    if suf in ("镇", "乡", "街道"):
        found = {m.group("name") + m.group("suffix") for m in rules["town"].finditer(flat)
                 if m.group("suffix") == suf and not m.group("name").startswith(rules["not_agency_start"])
                 and not any(c in m.group("name") for c in "我本全各该乡镇县区市省")}
        return _as_named(_with_printed_place(found.pop(), flat), flat) if len(found) == 1 else None
    found = {n for n in county_names(flat) if n.endswith(suf)}
    return _as_named(found.pop(), flat) if len(found) == 1 else None


# what may follow a body's name in its sentence: not a possessive nor its Party group (区教育局党组)
_CLAUSE_VERB_START: Final = re.compile(r"[^的之党]")
_YEAR_PARAGRAPH: Final = re.compile(r"(?:^|\n)[^\n,。\d]{0,8}?(?:19|20)\d{2}年度?,(?P<rest>[^,。;:\n]{2,40})")


def _opening_subject(flat: str) -> str | None:
    """The body a paragraph that opens with the year names first, whatever verb follows
    (2018年,雁江区教育局及时调整…): the shortest run of the clause that ends with a body's
    suffix (data/metadata.yaml agency_suffixes), completed where the suffix runs on
    (卫生健康委 → 卫生健康委员会); a plausible name only."""
    sufs = _rules()["suffixes"]
    for m in _YEAR_PARAGRAPH.finditer(flat):
        rest = m.group("rest")
        for end in range(2, len(rest) + 1):
            if rest[:end].endswith(sufs):
                break
        else:
            continue
        name = rest[:end]
        extended = True
        while extended:
            extended = False
            for k in (1, 2, 3, 4):
                longer = rest[:end + k]
                if end + k <= len(rest) and any(longer.endswith(x) and len(x) > k for x in sufs):
                    end, name, extended = end + k, longer, True
                    break
        cand = _candidate(name)
        if cand is not None and any(w in cand for w in _rules()["clause_words"]):
            cand = None  # 备用网址按照国务院: the clause's verb inside, no name
        if cand is not None and (rest.startswith("信息", end) or rest.startswith("人民", end)):
            cand = None  # 未接收到政府信息公开申请: 政府 of 政府信息公开
        if cand is not None:
            placed = resolve_region(cand).province
            if placed is None or placed in _rules()["not_report_provinces"]:
                cand = None  # a name that places itself (雁江区教育局), not a phrase or spam
        if cand is not None and _CLAUSE_VERB_START.match(rest[end:end + 1] or "。"):
            return cand
        return None  # the overview's first year paragraph names no body
    return None


def _with_printed_place(town: str, flat: str) -> str:
    """A town with the places the opening prints before it, the longest such form
    (三门坡镇 → 海口市琼山区三门坡镇 from 《海口市琼山区三门坡镇政府信息公开指南》)."""
    best = town
    i = flat.find(town)
    while i >= 0:
        for n in range(min(i, 14), 1, -1):
            pre = flat[i - n:i]
            if place_prefix(pre) == (n, place_prefix(pre)[1]) and place_prefix(pre)[1] is not None:
                if n + len(town) > len(best):
                    best = pre + town
                break
        i = flat.find(town, i + 1)
    return best


def _as_named(place: str, flat: str) -> str:
    """A place's government under the name the opening prints for it (来凤县 → 来凤县人民政府,
    大栅栏街道 → 大栅栏街道办事处), else the place (和平区)."""
    followers = ("办事处",) if place.endswith("街道") else ("人民政府", "政府")
    for f in followers:
        i = flat.find(place + f)
        while i >= 0:
            end = i + len(place) + len(f)
            if f != "政府" or not flat.startswith("信息", end):
                return place + f
            i = flat.find(place + f, i + 1)
    return place


_PARENS: Final = re.compile(r"\([^()]*\)")
# a district's or county's government as a body's superior: not 各区政府, 区县政府 nor 自治区政府
_SUPERIOR_COUNTY: Final = re.compile(r"(?<![各区县市省])(?<!自治)(?:区|县)(?:人民)?政府(?!信息|网站|门户|各)")
LEVELS: Final = ("province", "city", "county", "town", "department-of-central", "department-of-province",
                 "department-of-city", "department-of-county")


def agency_level(agency: str | None, province: str | None, city: str | None, county: str | None,
                 text: str = "") -> str | None:
    """The administrative level of the reporting body (data/metadata.yaml `level`): a
    government's (province, city, county, town) by the place its name ends with, any other
    body's as department-of-<the level of the place it belongs to>; a report that names no
    author by how it refers to itself (我乡 → town, 我局 → a department of its region)."""
    rules = _rules()["level"]
    region_level = "county" if county else "city" if city else "province" if province else None
    head = text[:_OPENING]
    if not region_level:
        region_level = next((lv for lv, ws in rules["superior"].items() if any(w in head for w in ws)), None)
    if not agency:
        # 我部门, 本镇 before 全市: a department speaks of 全市 too (在全市其他部门支持下)
        found = []
        for weak in (False, True):
            refs = {kind: min((head.find(w) for w in ws if w in head and w.startswith("全") == weak), default=-1)
                    for kind, ws in rules["self_reference"].items()}
            found = sorted((i, kind) for kind, i in refs.items() if i >= 0)
            if found:
                break
        if not found:
            return None
        kind = found[0][1]
        if kind != "department":
            return str(kind)
        return f"department-of-{region_level}" if region_level else None
    a = _PARENS.sub("", agency) or agency  # 高新区(新市区)政府: the name without its second name
    k, lv = place_prefix(a)
    rest = a[k:]
    if k and rest in rules["government"]:
        return lv
    if rules["town"].match(rest):
        return "town"
    if lv is None:
        m = rules["unlisted_government"].match(rest)
        if m:
            return str(rules["suffix_level"][m.group("suffix")])
        rel = rules["relative"].get(a[:1])
        if rel == "city" and county and county.endswith("市"):
            rel = "county"  # 市政府办公室 of a county-level city (大安市)
        alias = "".join(_PARENS.findall(agency)).strip("()")  # 委农办(县农业局): the second name may give it
        if not rel and alias:
            rel = rules["relative"].get(alias[:1])
        if rel:
            return f"department-of-{rel}"
        if province is None and rules["central"].search(a):
            return "department-of-central"
        lv = region_level
        if lv == "city" and _SUPERIOR_COUNTY.search(head):
            lv = "county"  # a body named without its place that answers to a 区政府 (根据区政府办…)
    return f"department-of-{lv}" if lv else None


def read_metadata(text: str, tables_found: list[str], key: str | None = None) -> Metadata:
    """`key`: label_key(text), where the caller has it already. `format_version` is the
    template read from the tables where any was read, else from the structure, else the
    year (`tables_format` keeps what the tables alone say, for the parse status)."""
    mt = text  # normalised: simplified script, inline pinyin removed (textnorm)
    lines = mt.split("\n")
    flat = _compact(mt)
    agency: str | None = None
    year: int | None = None
    tc = _title_candidates(lines)
    t = (tc[0][3], tc[0][4], True) if tc else None
    if t:
        agency, year, _ = t
    # the body's naming phrases, then the signature, the contact office, the overview's subject
    body = _body_agency(flat, ("quoted", "announce", "compiler", "area"))
    if agency is None and body:
        agency = body[0]
    sig = _signature(lines)
    if agency is None and sig:
        agency = sig[0]
    if agency is None:
        m = _CONTACT.search(mt)
        if m:
            a = _CONTACT_TAIL.sub("", _clean_agency(m.group(1)))
            if _plausible_agency(a + "办公室") and not _RELATIVE.fullmatch(a) and (_is_place(a) or _plausible_agency(a)):
                # the office of a place (请与邹桥乡党政办公室联系) is its government's, a
                # body's office (请与市教育局办公室联系) the body's; an office that is a body
                # of its own (兴安盟行署外事办公室, 全州县政务服务管理办公室) names no author
                if _is_place(a):
                    named = _as_named(a, _compact(mt))
                    agency = named if named != a else a + "人民政府"
                else:
                    agency = a
    subject = _body_agency(flat, ("subject",))
    if agency is None and subject:
        agency = subject[0]
    elif subject and agency in (subject[0] + "人民政府", subject[0] + "政府") and not tc and not body and not sig:
        # the contact office's government, which the overview names as the place: a
        # report for the whole area (2016年,河北省…; 请与河北省人民政府办公厅联系)
        agency = subject[0]
    if agency is None:
        agency = _opening_subject(flat)
    if agency is None:
        agency = _self_named(flat)
    if agency is not None:
        others = [c[3] for c in tc] + [b[0] for b in (body, sig, subject) if b]
        heads = [_WS_RUN.sub("", ln) for ln in lines[:25]]
        agency = _fuller(agency, others, heads)
        agency = _without_government_infix(agency, flat)
    for b in (body, subject):
        if year is None and b and b[1] is not None:
            year = b[1]
    if year is None:
        year = _body_year(flat)
    if year is None and sig:
        year = sig[1] - 1
    if year is None:
        m = _YEAR_OF_DISCLOSURE.search(mt)
        if m:
            year = int(m.group(1))
    fmt = detect_format(text, tables_found, key)
    has_tables = any(x in tables_found for x in ("t2", "t3", "t4", "stats_table"))
    # no table read: the template markers where the text has them (a blank template), else
    # the section headings, else the year
    shown = fmt if has_tables or fmt in ("f2019", "f2021") else era_without_tables(flat, year)
    reg = resolve_region(agency)
    if reg.corrected_name:
        agency = reg.corrected_name
    if reg.province in _rules()["not_report_provinces"]:
        reg = Resolved()
    central = False
    if agency:
        central = place_prefix(agency)[0] == 0 and bool(_rules()["level"]["central"].search(agency)) \
            and agency[:1] not in _rules()["level"]["relative"]
    outside = _rules()["not_report_provinces"]
    from_text = False
    if reg.province is None and not central:  # (a ministry's report names places it works with)
        reg = resolve_region_text(flat, exclude=outside)
        from_text = reg.province is not None
        k = place_prefix(agency)[0] if agency and from_text else 0
        if k and agency:
            # a place name several divisions share (和平区: 天津, 沈阳) in the body's province
            placed = resolve_region((reg.city or reg.province or "") + agency[:k])
            if placed.province == reg.province and placed.county is not None and placed.city == reg.city:
                reg = placed
    if reg.province is None and not central:
        reg = resolve_region_credit_code(flat)  # the body's unified social credit code (索引号)
    url = resolve_region_url(text)  # the source address a crawler saved on the first line
    if reg.province is None and not central:
        reg = url
    elif from_text and reg.county is None:
        # the body names the province or the city only (广西壮族自治区…通知; 白城市政府), the
        # address the city or the county in it (qinzhou: 钦州市; daan: 大安市)
        finer = resolve_region_url(text, within=reg.province)
        if finer.province == reg.province and (reg.city is None or finer.city == reg.city) \
                and ((finer.city is not None and reg.city is None) or finer.county is not None):
            reg = finer
    if reg.province is None and not central:
        reg = resolve_region_platform(text)  # a province's disclosure platform in the address
    if reg.province is None and not central:
        prov = province_from_phone(flat)  # the contact office's area code
        if prov is not None:
            reg = Resolved(province=prov, code=province_code(prov))
    level = agency_level(agency, reg.province, reg.city, reg.county, flat)
    city, county = reg.city, reg.county
    if county and not city and county.endswith("市") and reg.province and not reg.province.endswith("市"):
        # a county-level city under its province directly (琼海市, 天门市, 济源市) is the
        # report's city, as it is its own prefecture; a municipality's district stays a county
        city, county = county, None
    return Metadata(agency, year, shown, reg.province, city, county, reg.code, t[0] if t else None, fmt, level)


def agency_key(agency: str | None) -> str | None:
    """Name key to match one agency across years: full-width, spaces, brackets and the
    人民政府/政府 variants unified."""
    if not agency:
        return None
    k = label_key(agency)
    k = _BRACKETS.sub("", k)
    k = k.replace("人民政府", "政府")
    return k
