"""Report metadata read from the text: the agency as the title names it, the statistics
year, the template (pre2019 / f2019 / f2021, from the tables' labels, not the year) and
the region (regions.py).

Agency: the title (`<agency><year>年政府信息公开工作年度报告`, or `<year>年<agency>政府
信息公开工作年度报告`), else the signature above the closing date, else the office named in
`请与…联系`. Year: the title's year, else the statistics period (统计期限自2017年1月1日),
else the year before the closing date.
"""
from __future__ import annotations

from typing import Final

import functools
import re
from dataclasses import dataclass

from .labels import templates
from .regions import resolve_region
from .textnorm import label_key

_TITLE_WORDS: Final = r"(?:政府)?信息公开(?:工作)?(?:年度报告|年报|工作报告|情况报告|报告)"
_TITLE_A: Final = re.compile(r"^(?P<agency>[^\d,。;:()《》]{2,40}?)[ ]*(?P<year>(?:19|20)\d{2})[ ]*年(?:度)?[ ]*" + _TITLE_WORDS)
_TITLE_B: Final = re.compile(r"^(?P<year>(?:19|20)\d{2})[ ]*年(?:度)?[ ]*(?P<agency>[^\d,。;:()《》]{2,40}?)[ ]*" + _TITLE_WORDS)
_PERIOD: Final = re.compile(r"(?:统计|时限|期限|周期|期间)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_DATE_LINE: Final = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_CONTACT: Final = re.compile(r"请与([^,。;:()]{2,40}?)(?:党政办公室|政务公开办公室|综合办公室|办公室|办公厅|政务服务中心)(?:联系|反映)")
_YEAR_TITLE: Final = re.compile(r"^((?:19|20)\d{2})\s*年(?:度)?\s*" + _TITLE_WORDS)
_NOISE: Final = re.compile(r"^(?:正文|标题|首页|当前位置.*|来源.*)$")
_AGENCY_SUFFIX_OK: Final = re.compile(r"(政府|委员会|委|局|厅|办公室|办公厅|办|院|区|县|市|镇|乡|街道|街道办事处|管委会|管理委员会|"
                               r"中心|处|所|署|部|会|站|队|馆|社|园区|开发区|新区|试验区|实验区|公司|集团)$")
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


_WS_RUN: Final = re.compile(r"\s+")
_ISSUED: Final = re.compile(r"^(?:印发|发布|公布)")
_NOT_IN_AGENCY: Final = re.compile(r"[>»/\\|。,;:\d]")
_FIELD_NAME: Final = re.compile(r"^(?:文章标题|信息名称|标题|题目|名称)\s*[:：]\s*")
_BOOK_TITLE: Final = re.compile(r"^[^《]*《([^》]*报告)》.*$")
_YEAR_OF_DISCLOSURE: Final = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?(?:政府)?信息公开")
_BRACKETS: Final = re.compile(r"[()\[\]【】（）《》\"'“”]")


def _clean_agency(a: str) -> str:
    a = _WS_RUN.sub("", a).strip("　 :：,，、·-—")
    # 关于印发…的通知 wrappers: the body named after 印发/关于, else the issuer before 关于
    if "关于" in a:
        before, after = a.split("关于", 1)
        after = _ISSUED.sub("", after)
        a = after if after else before
    a = _ISSUED.sub("", a)
    return a


_GENERIC_AGENCY: Final = re.compile(r"^(?:本|我|该)?(?:省|市|县|区|镇|乡|街道)?(?:人民)?(?:政府|局|委|厅|办|机关|单位|部门)"
                             r"(?:办公室|办公厅|办)?$")


def _plausible_agency(a: str) -> bool:
    return bool(a) and a not in _NOT_AGENCY and not _GENERIC_AGENCY.match(a) and 2 <= len(a) <= 40 and bool(_AGENCY_SUFFIX_OK.search(a)) \
        and not _NOT_IN_AGENCY.search(a)


def _title(lines: list[str]) -> tuple[str, int, bool] | None:
    """(agency, year, is_full_title) from the first lines; prefers 年度报告 over 年报."""
    cands = []
    heads = [ln.strip().lstrip("#").strip() for ln in lines[:25]]
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
                    if _plausible_agency(ag):
                        # the fewest lines win: a line above a complete title is not part of it
                        cands.append((0 if full else 1, j, i, ag, int(m.group("year"))))
            # title split as agency line + year-title line: agency is the line before
            m = _YEAR_TITLE.match(nosp[i]) if j == 1 and i > 0 else None
            if m:
                prev = _clean_agency(heads[i - 1])
                if _plausible_agency(prev):
                    cands.append((0 if "年度报告" in heads[i] else 1, 2, i - 1, prev, int(m.group(1))))
    if not cands:
        return None
    cands.sort()
    _, _, _, ag, yr = cands[0]
    return ag, yr, True


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
    marks = templates()["format_markers"]
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


def read_metadata(text: str, tables_found: list[str], key: str | None = None) -> Metadata:
    """`key`: label_key(text), where the caller has it already."""
    lines = text.split("\n")
    agency = year = None
    t = _title(lines)
    if t:
        agency, year, _ = t
    sig = _signature(lines)
    if agency is None and sig:
        agency = sig[0]
    if agency is None:
        m = _CONTACT.search(text)
        if m and _plausible_agency(_clean_agency(m.group(1)) + "办公室"):
            agency = _clean_agency(m.group(1))
    if year is None:
        m = _PERIOD.search(text)
        if m:
            year = int(m.group(1))
    if year is None and sig:
        year = sig[1] - 1
    if year is None:
        m = _YEAR_OF_DISCLOSURE.search(text)
        if m:
            year = int(m.group(1))
    fmt = detect_format(text, tables_found, key)
    reg = resolve_region(agency)
    if reg.corrected_name:
        agency = reg.corrected_name
    return Metadata(agency, year, fmt, reg.province, reg.city, reg.county, reg.code, t[0] if t else None)


def agency_key(agency: str | None) -> str | None:
    """Name key to match one agency across years: full-width, spaces, brackets and the
    人民政府/政府 variants unified."""
    if not agency:
        return None
    k = label_key(agency)
    k = _BRACKETS.sub("", k)
    k = k.replace("人民政府", "政府")
    return k
