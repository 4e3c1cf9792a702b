"""Synthetic corpus generator: reports whose every number is known.

What belongs here: making up reports that look like the real ones (agency names built
from the region snapshot, years, prose, the three standard tables of the 2019 and 2021
templates with random numbers that satisfy every table identity), rendering them in the
layouts the parser reads, and writing the ground truth beside them in the gold format of
`../shared/gold` (`gold/reports.csv`, `gold/cells.csv`; plus `gold/synth.csv` with each
file's layout, template and size). Used by `ogi synth`, the benchmark (`bench.py`) and the
property-based tests. Nothing here parses reports, and no parsing module imports this one.

The truth is what a careful reader reads: every cell the report prints (blank cells only
where a layout prints them, behind `blanks=True`), the prose total where the report
states one, and the agency, year, template and region of the title.

Classes of real reports that were read wrong, or not at all, on unseen input (issue 15),
behind `classes=` (`ogi synth --classes …`); each report of such a corpus is one class:

- `ordinal_glue`: crawler text, table 三's rows run together, each row's digits glued to
  the next row's list number (`…政府信息公开申请 10000012.申请人逾期…`);
- `signed_glue`: 2019 template, table 二's 本年增/减 glued to the cell before it (`35-15`);
- `blank_zero`: every 0 printed as an empty cell, and (half of them) the 总计 column left
  blank on every outcome row but （七）总计 (html, markdown grids, TAB grids, pdf);
- `spaced_header`: the applicant header's labels split by spaces (`商业 企业`), long row
  labels wrapped over two lines (one-cell-per-line layouts);
- `prose_pre2019`: a report before 2019 with no table, its figures in prose: statements
  of zero (`没有接到…申请`, `未发生…行政复议案…`), `通过门户网站公开各类信息46条`, figures that
  compete (per channel, running totals);
- `untitled`: a page with no title: the agency and the year only in the body.

Deterministic: report `i` of seed `s` depends only on (s, i, variant), so reports can be
made in any order, in parallel, and one of them remade (`variant`) to simulate an edit.

Layouts (copied from the seed reports in raw/samples/):

- `cells`: one cell per line, each indented by a TAB, a blank line after each row (000);
- `tabrows`: one row per line, cells joined by TABs (001, without its misalignments);
- `blanklines`: one non-empty cell per line, blank lines between all lines (003);
- `pipes`: one cell per line ending in ` |`, the row's empty slots as a line of pipes (004);
- `markdown`: one markdown table per template table, `| label | n | … |`;
- `html`: an HTML page with real `<table>`s (rowspan/colspan), site navigation around it;
- `pdf` (not in the default mix): an A4 text-layer PDF with ruled tables, page numbers in
  the footer, tables broken across pages (`synth_pdf.py`);
- `scan` (not in the default mix): that PDF as a scanner leaves it, an image-only PDF of
  its pages rendered at 200 dpi, each turned a little and saved as JPEG (`synth_pdf.py`;
  read by OCR).
"""
from __future__ import annotations

import csv
import functools
import html as _html
import io
import os
import pathlib
import random
from dataclasses import dataclass, field

DEFAULT_LAYOUTS = ("cells", "tabrows", "blanklines", "pipes", "markdown", "html")
LAYOUTS = DEFAULT_LAYOUTS + ("pdf", "scan")  # only when asked for (synth_pdf.py; slower to make and to read)
TEMPLATES = ("f2019", "f2021")
EXT = {"markdown": ".md", "html": ".html", "pdf": ".pdf", "scan": ".pdf"}
BLANK_LAYOUTS = ("cells", "pipes", "pdf", "scan")  # layouts that can print a blank cell visibly
CLASSES = ("ordinal_glue", "signed_glue", "blank_zero", "spaced_header", "prose_pre2019", "untitled")
# layouts each class is rendered in (a class's own rendering where it has one)
CLASS_LAYOUTS = {"ordinal_glue": ("crawler",), "signed_glue": ("tabrows", "cells", "html"),
                 "blank_zero": ("html", "markdown", "tabgrid", "pdf"), "spaced_header": ("cells", "blanklines", "pipes", "tabrows"),
                 "prose_pre2019": ("prose",), "untitled": ("cells", "tabrows", "markdown", "html")}

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")
COLUMNS = APPLICANTS + ("total",)
T4_PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")
T4_RESULTS = ("upheld", "corrected", "other", "pending")

# Table 三: (code, group label or None, leaf label); group labels print once (rowspan).
_WITHHELD = (("withheld.state_secret", "1.属于国家秘密"), ("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开"),
             ("withheld.security_stability", "3.危及“三安全一稳定”"), ("withheld.third_party_rights", "4.保护第三方合法权益"),
             ("withheld.internal_affairs", "5.属于三类内部事务信息"), ("withheld.process_information", "6.属于四类过程性信息"),
             ("withheld.enforcement_file", "7.属于行政执法案卷"), ("withheld.administrative_query", "8.属于行政查询事项"))
_UNABLE = (("unable.not_held", "1.本机关不掌握相关政府信息"), ("unable.needs_creation", "2.没有现成信息需要另行制作"),
           ("unable.unclear_after_correction", "3.补正后申请内容仍不明确"))
_NOT_PROCESSED = (("not_processed.petition_complaint", "1.信访举报投诉类申请"), ("not_processed.duplicate", "2.重复申请"),
                  ("not_processed.publication", "3.要求提供公开出版物"),
                  ("not_processed.excessive_repeat", "4.无正当理由大量反复申请"),
                  ("not_processed.confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息"))
_OTHER_SPLIT = (("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                ("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                ("other.other", "3.其他"))

# Punctuation styles seen in the seeds: full-width (000, 003) and half-width (004).
_FULL = {"(": "（", ")": "）", ",": "，", ":": "："}


def _p(s: str, full: bool) -> str:
    if not full:
        return s
    return "".join(_FULL.get(ch, ch) for ch in s)


# ---------------------------------------------------------------------------
# the report model


@dataclass
class Cell:
    """A printed table cell; rows list the cells a row starts (as HTML does)."""
    text: str
    kind: str = "label"  # label | value | blank
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Synth:
    """One generated report: its file, bytes and truth."""
    index: int
    file: str             # file name (unique in the corpus; the scorer matches on it)
    relpath: str          # path under DIR/reports/
    data: bytes
    layout: str
    template: str
    agency: str
    year: int
    province: str
    city: str
    county: str
    other_split: bool
    prose_total: bool
    encoding: str = "utf-8"
    cells: list[tuple[str, str, str, float | None]] = field(default_factory=list)
    cls: str = ""         # the issue-15 class it renders (CLASSES), or ""

    @property
    def meta(self) -> dict:
        return {"file": self.file, "agency": self.agency, "year": self.year, "format_version": self.template,
                "province": self.province, "city": self.city, "county": self.county}


# ---------------------------------------------------------------------------
# agencies from the region snapshot

_BUREAUS = ("教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局",
            "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会",
            "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "人民政府办公室", "发展和改革局")
_PROVINCE_BODIES = ("教育厅", "公安厅", "民政厅", "司法厅", "财政厅", "交通运输厅", "水利厅", "商务厅",
                    "卫生健康委员会", "人民政府办公厅", "自然资源厅", "生态环境厅")
# Names the region resolver (regions.py) does not read as a careful reader would; left
# out of the default pool, in with `include_gaps=True`:
# - county names it ignores as too generic, even after their city (大同市城区 → county None);
# - 吉林省 (the province), which it also reads as the city 吉林市;
# - region names longer than 12 characters (镇沅彝族哈尼族拉祜族自治县 and two more): its
#   indexed lookup tries substrings of at most 12 characters;
# - names holding the short name of a province or city (65 of 3219: 黄石港区 ⊃ 黄石,
#   峨眉山市 ⊃ 眉山, 海南藏族自治州 ⊃ 海南, 和田市 ⊃ 和田(地区), 河南蒙古族自治县 ⊃ 河南):
#   it takes them for that province or city.
GENERIC_COUNTIES = frozenset({"城区", "郊区", "矿区", "新区", "市中区", "高新区"})
PROVINCE_GAPS = frozenset({"吉林省"})
LONGEST_NAME = 12


@functools.cache
def _shadowed() -> frozenset[str]:
    """Region names that contain another province's or city's short name (as the
    resolver shortens them)."""
    from ..parse.regions import short_name

    regs = _regions()
    shorts = {short_name(r["name"]): r["name"] for r in regs if r["level"] in ("province", "city")}
    shorts = {k: v for k, v in shorts.items() if len(k) >= 2}
    return frozenset(r["name"] for r in regs if r["level"] in ("city", "county")
                     and any(k in r["name"] and v != r["name"] for k, v in shorts.items()))


@functools.cache
def _regions() -> tuple[dict, ...]:
    from ..parse.labels import DATA

    with open(DATA / "regions.csv", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@functools.cache
def _not_reporting() -> frozenset[str]:
    """Provinces whose bodies publish no such reports (香港, 澳门, 台湾: metadata.yaml's
    not_report_provinces): the metadata never gives them as a report's region."""
    from ..parse.datafiles import read_yaml

    return frozenset(read_yaml("metadata.yaml")["not_report_provinces"])


@functools.cache
def agency_pool(include_gaps: bool = False) -> tuple[tuple[str, str, str, str, str], ...]:
    """(level, name prefix, province, city, county) for every usable region."""
    regs = _regions()
    county_count: dict[str, int] = {}
    for r in regs:
        if r["level"] == "county":
            county_count[r["name"]] = county_count.get(r["name"], 0) + 1
    upper = {r["name"] for r in regs if r["level"] != "county"}
    shadowed = set() if include_gaps else _shadowed()
    outside = _not_reporting()
    out = []
    for r in regs:
        name, level, prov, city = r["name"], r["level"], r["province"], r["city"]
        if name in shadowed or (city in shadowed and level == "county") or prov in outside:
            continue
        if level == "province":
            if include_gaps or name not in PROVINCE_GAPS:
                out.append(("province", name, prov, "", ""))
        elif level == "city":
            out.append(("city", name, prov, name, ""))
        elif (include_gaps or (name not in GENERIC_COUNTIES and len(name) <= LONGEST_NAME)) and len(name) >= 2:
            parent = city or prov
            prefix = f"{parent}{name}" if parent != name else name
            # a county-level city under its province directly (潜江市) is the report's city
            # (metadata.read_metadata); a municipality's district stays a county
            gold_city, gold_county = (name, "") if not city and name.endswith("市") and not prov.endswith("市") \
                else (city, name)
            out.append(("county", prefix, prov, gold_city, gold_county))
            if county_count[name] == 1 and name not in upper and len(name) >= 3:
                out.append(("county", name, prov, gold_city, gold_county))  # a unique name stands alone
    return tuple(out)


def _agency(rng: random.Random, gaps: bool = False) -> tuple[str, str, str, str]:
    level, prefix, prov, city, county = rng.choice(agency_pool(gaps))
    if level == "province":
        body = "人民政府" if rng.random() < 0.5 else rng.choice(_PROVINCE_BODIES)
    else:
        body = "人民政府" if rng.random() < 0.5 else rng.choice(_BUREAUS)
        if level == "city" and prefix.endswith(("地区", "盟")) and body == "人民政府":
            body = "行政公署"
    return prefix + body, prov, city, county


# ---------------------------------------------------------------------------
# numbers that satisfy the identities


def _count(rng: random.Random, scale: float, p_zero: float = 0.35) -> int:
    if rng.random() < p_zero:
        return 0
    return int(rng.expovariate(1.0 / scale))


def _split(rng: random.Random, total: int, n: int) -> list[int]:
    """total split into n non-negative parts, most of it in a few of them."""
    out = [0] * n
    if total <= 0:
        return out
    k = min(n, 1 + int(rng.expovariate(0.6)))
    slots = rng.sample(range(n), k)
    cuts = sorted(rng.randint(0, total) for _ in range(k - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [total])]
    for s, v in zip(slots, parts):
        out[s] += v
    return out


def _t3_numbers(rng: random.Random, outcome_rows: list[str]) -> dict[str, list[int]]:
    """rows code -> 7 values (6 applicant columns + total)."""
    leaves = outcome_rows[:-1]  # all but 'total'
    rows: dict[str, list[int]] = {c: [0] * 6 for c in ["new_received", "carried_over", *leaves, "carried_to_next"]}
    big = rng.random() < 0.08
    for j in range(6):
        active = rng.random() < (0.95 if j == 0 else 0.22)
        if not active:
            continue
        scale = (400 if big else 25) if j == 0 else (40 if big else 3)
        new = _count(rng, scale, 0.1 if j == 0 else 0.3)
        carried = _count(rng, max(1.0, scale / 8), 0.6)
        avail = new + carried
        nxt = _split(rng, avail, 4)[0] if rng.random() < 0.4 else 0
        parts = _split(rng, avail - nxt, len(leaves))
        rows["new_received"][j], rows["carried_over"][j], rows["carried_to_next"][j] = new, carried, nxt
        for code, v in zip(leaves, parts):
            rows[code][j] = v
    rows["total"] = [sum(rows[c][j] for c in leaves) for j in range(6)]
    return {c: v + [sum(v)] for c, v in rows.items()}


def _t4_numbers(rng: random.Random) -> dict[str, list[int]]:
    out = {}
    for p in T4_PROCEEDINGS:
        vals = [_count(rng, 2.0, 0.7) for _ in T4_RESULTS]
        out[p] = vals + [sum(vals)]
    return out


def _amount(rng: random.Random, hi: float) -> str:
    """A money amount as printed: 0, an integer or up to 4 decimals."""
    r = rng.random()
    if r < 0.25:
        return "0"
    v = rng.uniform(0, hi)
    d = rng.choice((0, 1, 2, 2, 4))
    s = f"{v:.{d}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


# ---------------------------------------------------------------------------
# tables as rows of cells


def _v(x) -> Cell:
    return Cell(str(x), "value")


def _t2_rows(rng: random.Random, template: str, full: bool, truth: list) -> list[list[Cell]]:
    rows: list[list[Cell]] = []

    def band(n: str):
        rows.append([Cell(_p(f"第二十条第({n})项", full), colspan=4)])

    if template == "f2021":
        band("一")
        rows.append([Cell("信息内容"), Cell("本年制发件数"), Cell("本年废止件数"), Cell("现行有效件数")])
        for code, label in (("regulations", "规章"), ("normative_documents", rng.choice(("规范性文件", "行政规范性文件")))):
            issued, repealed = _count(rng, 3 if code == "regulations" else 12, 0.5), _count(rng, 2, 0.6)
            in_force = issued + _count(rng, 30 if code == "normative_documents" else 4, 0.3)
            rows.append([Cell(label), _v(issued), _v(repealed), _v(in_force)])
            truth += [("fct_proactive_disclosures", code, "issued", issued),
                      ("fct_proactive_disclosures", code, "repealed", repealed),
                      ("fct_proactive_disclosures", code, "in_force", in_force)]
        for n, items in (("五", (("administrative_licensing", "行政许可", 3000),)),
                         ("六", (("administrative_penalty", "行政处罚", 400), ("administrative_coercion", "行政强制", 30)))):
            band(n)
            rows.append([Cell("信息内容"), Cell("本年处理决定数量", colspan=3)])
            for code, label, scale in items:
                v = _count(rng, scale, 0.25)
                rows.append([Cell(label), Cell(str(v), "value", colspan=3)])
                truth.append(("fct_proactive_disclosures", code, "decisions", v))
        band("八")
        rows.append([Cell("信息内容"), Cell(_p("本年收费金额(单位:万元)", full), colspan=3)])
        amt = _amount(rng, 2000)
        rows.append([Cell("行政事业性收费"), Cell(amt, "value", colspan=3)])
        truth.append(("fct_proactive_disclosures", "administrative_fees", "amount_10k_yuan", float(amt)))
        return rows
    band("一")
    rows.append([Cell("信息内容"), Cell("本年新制作数量"), Cell("本年新公开数量"), Cell("对外公开总数量")])
    for code, label in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        made = _count(rng, 3 if code == "regulations" else 12, 0.5)
        pub = made if rng.random() < 0.8 else _count(rng, 5, 0.3)
        tot = pub + _count(rng, 30, 0.3)
        rows.append([Cell(label), _v(made), _v(pub), _v(tot)])
        truth += [("fct_proactive_disclosures", code, "newly_made", made),
                  ("fct_proactive_disclosures", code, "newly_published", pub),
                  ("fct_proactive_disclosures", code, "total_published", tot)]

    def change(rng) -> tuple[str, int]:
        c = int(rng.gauss(0, 8)) if rng.random() < 0.6 else 0
        if c > 0:
            return (f"+{c}" if rng.random() < 0.7 else str(c)), c
        return str(c), c

    for n, items in (("五", (("administrative_licensing", "行政许可", 300, 3000), ("other_external_services", "其他对外管理服务事项", 100, 200))),
                     ("六", (("administrative_penalty", "行政处罚", 300, 400), ("administrative_coercion", "行政强制", 20, 30)))):
        band(n)
        rows.append([Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减"), Cell("处理决定数量")])
        for code, label, s_items, s_dec in items:
            prior = _count(rng, s_items, 0.2)
            txt, c = change(rng)
            dec = _count(rng, s_dec, 0.25)
            rows.append([Cell(label), _v(prior), Cell(txt, "value"), _v(dec)])
            truth += [("fct_proactive_disclosures", code, "prior_year_items", prior),
                      ("fct_proactive_disclosures", code, "items_change", c),
                      ("fct_proactive_disclosures", code, "decisions", dec)]
    band("八")
    rows.append([Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减", colspan=2)])
    prior = _count(rng, 5, 0.4)
    txt, c = change(rng)
    rows.append([Cell("行政事业性收费"), _v(prior), Cell(txt, "value", colspan=2)])
    truth += [("fct_proactive_disclosures", "administrative_fees", "prior_year_items", prior),
              ("fct_proactive_disclosures", "administrative_fees", "items_change", c)]
    band("九")
    rows.append([Cell("信息内容"), Cell("采购项目数量"), Cell("采购总金额", colspan=2)])
    items = _count(rng, 60, 0.3)
    amt = _amount(rng, 30000) if items else "0"
    if amt != "0" and rng.random() < 0.2:
        # printed in 元 (two decimals at most): the truth is in 万元
        yuan = f"{float(amt) * 10000:.2f}".rstrip("0").rstrip(".")
        printed, value = yuan + "元", float(yuan) / 10000
    else:
        printed, value = (amt if amt == "0" else amt + "万元"), float(amt)
    rows.append([Cell("政府集中采购"), _v(items), Cell(printed, "value", colspan=2)])
    truth += [("fct_proactive_disclosures", "centralized_procurement", "procurement_items", items),
              ("fct_proactive_disclosures", "centralized_procurement", "procurement_amount_10k_yuan", value)]
    return rows


def _t3_rows(rng: random.Random, other_split: bool, full: bool, truth: list,
             blank_p: float, zero_blank: bool = False, blank_totals: bool = False) -> list[list[Cell]]:
    """`zero_blank`: every 0 printed blank; `blank_totals`: the 总计 of every outcome row
    but （七）总计 printed blank too (a province portal's style)."""
    other = list(_OTHER_SPLIT) if other_split else [("other", None)]
    leaves = [("granted", None), ("partially_granted", None), *_WITHHELD, *_UNABLE, *_NOT_PROCESSED, *other]
    outcome_codes = [c for c, _ in leaves] + ["total"]
    nums = _t3_numbers(rng, outcome_codes)

    def vals(code: str, table: str) -> list[Cell]:
        out = []
        for col, v in zip(COLUMNS, nums[code]):
            if (zero_blank and v == 0) or (blank_totals and col == "total" and table == "fct_outcomes"
                                           and code != "total"):
                out.append(Cell("", "blank"))
                truth.append((table, code, col, None))
                continue
            # reports leave zeros blank; not the row's last cell, which the parser reads as
            # a row cut short (it derives the row from the identities instead)
            if blank_p and v == 0 and col != "total" and rng.random() < blank_p:
                out.append(Cell("", "blank"))
                truth.append((table, code, col, None))
            else:
                out.append(_v(v))
                truth.append((table, code, col, v))
        return out

    note = _p("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", full)
    rows: list[list[Cell]] = [
        [Cell(note, colspan=3, rowspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell("商业企业"), Cell("科研机构"), Cell(rng.choice(("社会公益组织", "社会公益组织", "社会组织"))),
         Cell("法律服务机构"), Cell("其他")],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3), *vals("new_received", "fct_applications")],
        [Cell("二、上年结转政府信息公开申请数量", colspan=3), *vals("carried_over", "fct_applications")],
    ]
    n_result_rows = len(leaves) + 1
    rows.append([Cell("三、本年度办理结果", rowspan=n_result_rows), Cell(_p("(一)予以公开", full), colspan=2),
                 *vals("granted", "fct_outcomes")])
    rows.append([Cell(_p("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", full), colspan=2),
                 *vals("partially_granted", "fct_outcomes")])
    for group, members in ((_p("(三)不予公开", full), _WITHHELD), (_p("(四)无法提供", full), _UNABLE),
                           (_p("(五)不予处理", full), _NOT_PROCESSED)):
        for i, (code, label) in enumerate(members):
            head = [Cell(group, rowspan=len(members))] if i == 0 else []
            rows.append([*head, Cell(label), *vals(code, "fct_outcomes")])
    if other_split:
        for i, (code, label) in enumerate(_OTHER_SPLIT):
            head = [Cell(_p("(六)其他处理", full), rowspan=3)] if i == 0 else []
            rows.append([*head, Cell(label), *vals(code, "fct_outcomes")])
    else:
        rows.append([Cell(_p("(六)其他处理", full), colspan=2), *vals("other", "fct_outcomes")])
    rows.append([Cell(_p("(七)总计", full), colspan=2), *vals("total", "fct_outcomes")])
    rows.append([Cell("四、结转下年度继续办理", colspan=3), *vals("carried_to_next", "fct_applications")])
    return rows


def _t4_rows(rng: random.Random, truth: list) -> list[list[Cell]]:
    nums = _t4_numbers(rng)
    res_labels = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    rows = [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [*(Cell(x, rowspan=2) for x in res_labels), Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [*(Cell(x) for x in res_labels), *(Cell(x) for x in res_labels)],
    ]
    values = []
    for p in T4_PROCEEDINGS:
        for r, v in zip(T4_RESULTS + ("total",), nums[p]):
            values.append(_v(v))
            truth.append(("fct_review_litigation", p, r, v))
    rows.append(values)
    return rows


# ---------------------------------------------------------------------------
# grids


def _slots(rows: list[list[Cell]]) -> list[list[tuple[str, Cell | None]]]:
    """HTML expansion: each row's slots as ('cell', c), ('rspan', None) or ('cspan', None).
    A slot to the right of a cell's first column is 'cspan' in every row it spans."""
    taken: dict[tuple[int, int], tuple[str, Cell | None]] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for i in range(cell.rowspan):
                for j in range(cell.colspan):
                    kind = "cell" if (i, j) == (0, 0) else ("cspan" if j else "rspan")
                    taken[(r + i, c + j)] = (kind, cell if kind == "cell" else None)
            c += cell.colspan
            width = max(width, c)
    return [[taken.get((r, c), ("cspan", None)) for c in range(width)] for r in range(len(rows))]


def _full_grid(rows) -> list[list[tuple[str, str]]]:
    """(text, kind) per slot, kind: label | value | blank | span."""
    return [[(cell.text, cell.kind) if k == "cell" else ("", "span") for k, cell in row] for row in _slots(rows)]


def _collapsed_grid(rows) -> list[list[tuple[str, str]]]:
    """Colspans collapsed to one cell, rowspan continuations kept as empty cells (000)."""
    out = []
    for row in _slots(rows):
        out.append([(cell.text, cell.kind) if k == "cell" else ("", "span") for k, cell in row if k != "cspan"])
    return out


def _render_table(rows: list[list[Cell]], layout: str) -> list[str]:
    if layout == "cells":
        out = []
        for row in _collapsed_grid(rows):
            out += ["\t" + t for t, _ in row]
            out.append("")
        return out
    if layout == "tabrows":
        return ["\t".join(t for t, _ in row) for row in _collapsed_grid(rows)]
    if layout == "tabgrid":  # a crawler's TAB rows of an HTML table: the full grid, spans ''
        return ["\t".join(t for t, _ in row) for row in _full_grid(rows)]
    if layout == "blanklines":
        out = []
        for row in _full_grid(rows):
            for t, k in row:
                if t:
                    out += [t, ""]
        return out
    if layout == "pipes":
        out = []
        for row in _full_grid(rows):
            n_span = 0
            for t, k in row:
                if k == "span":
                    n_span += 1
                elif k == "blank":
                    out.append("|")
                else:
                    out.append(f"{t} |")
            if n_span:
                out.append("|" * n_span)
        return out
    if layout == "markdown":
        out = []
        grid = _full_grid(rows)
        for i, row in enumerate(grid):
            out.append("| " + " | ".join(t for t, _ in row) + " |")
            if i == 0:
                out.append("|" + "---|" * len(row))
        return out
    raise ValueError(f"unknown layout {layout!r}")


def _html_table(rows: list[list[Cell]]) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="width:100%">', "<tbody>"]
    for row in rows:
        tds = []
        for c in row:
            attrs = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
            if c.kind == "blank":
                tds.append(f"<td{attrs}>&nbsp;</td>")  # a 0 printed as an empty cell
                continue
            tds.append(f"<td{attrs}><p>{_html.escape(c.text)}</p></td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# prose

_SUBHEADS = ("加强组织领导,健全工作机制", "围绕优化营商环境加强信息公开", "推进重点领域信息公开", "加强政策解读和回应关切",
             "规范政府信息依申请公开办理", "推进公开平台规范化建设", "加强政府信息管理", "强化监督保障", "加强教育培训",
             "深化基层政务公开标准化规范化建设")
_SENTENCES = (
    "坚持以习近平新时代中国特色社会主义思想为指导,认真贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署",
    "严格按照《中华人民共和国政府信息公开条例》要求,不断完善政务公开工作机制,提升政府信息公开质量",
    "及时调整政务公开工作领导小组,明确分管领导和工作人员,形成主要领导亲自抓、分管领导具体抓的工作格局",
    "围绕市场准入、行政审批、双随机一公开等领域,及时公开有关政策文件和执行情况",
    "建立健全政策解读机制,坚持政策文件与解读材料同步组织、同步审签、同步部署",
    "通过政府门户网站、政务新媒体等渠道,及时回应社会关切,积极引导社会预期",
    "严格执行依申请公开办理流程,做好登记、审核、办理、答复、归档等各环节工作",
    "加强政府网站内容保障,对栏目设置进行优化调整,确保信息发布及时、准确、规范",
    "落实政府信息公开保密审查制度,坚持先审查、后公开,一事一审、全面审查",
    "组织工作人员参加政务公开业务培训,进一步提高工作人员业务能力和综合素质",
    "将政务公开工作纳入年度绩效考核,压实工作责任,推动各项任务落到实处",
    "持续推进基层政务公开标准化规范化建设,梳理完善政务公开事项标准目录",
    "主动公开财政预决算、重大建设项目、公共资源配置等重点领域信息",
    "加强政务公开专区建设,为群众提供政府信息查询、政策咨询等服务",
    "规范政策性文件管理,对现行有效的行政规范性文件进行清理并集中公开",
    "充分发挥政务新媒体作用,提升信息发布的时效性和覆盖面",
    "注重公众参与,在重大决策出台前广泛听取社会公众意见",
    "加强对所属单位政务公开工作的指导和监督,定期通报工作进展情况",
    "按照上级部署,做好政府信息公开年度报告的编制和发布工作",
    "对申请人提出的政府信息公开申请,依法依规在法定期限内予以答复",
)
_PROBLEMS = (
    "一是政务公开工作人员力量相对薄弱,专业化水平有待提高",
    "二是政策解读的形式还不够丰富,解读的深度和广度有待加强",
    "三是部分信息更新不够及时,公开内容的规范性还需提升",
    "下一步,将进一步加强组织领导,健全工作机制,充实工作力量",
    "进一步丰富政策解读形式,运用图表图解、音频视频等方式提高解读效果",
    "进一步加强政府网站日常监测和内容保障,确保信息发布及时准确",
)


def _paragraph(rng: random.Random, n: int) -> str:
    return ",".join(rng.choice(_SENTENCES) for _ in range(n)) + "。"


# ---------------------------------------------------------------------------
# one report


def _text_blocks(rng: random.Random, s: Synth, full: bool, t2, t3, t4, n_paras: int, total_sentence: str | None,
                 split_title: bool = False):
    """The report as ('p', line) and ('table', rows) blocks in reading order."""
    b: list[tuple[str, object]] = []
    if split_title:  # agency on a line of its own above the year-title line (000)
        b.append(("p", s.agency))
        b.append(("p", f"{s.year}年政府信息公开工作年度报告"))
    else:
        b.append(("p", f"{s.agency}{s.year}年政府信息公开工作年度报告"))
    b.append(("p", _p(f"本报告依据《中华人民共和国政府信息公开条例》(以下简称《条例》)和有关文件要求编制。"
                     f"本报告中所列数据的统计期限自{s.year}年1月1日至{s.year}年12月31日。"
                     "如对本报告有疑问,请与本机关政务公开办公室联系。", full)))
    b.append(("p", "一、总体情况"))
    opening = f"{s.year}年,{s.agency}{_paragraph(rng, 2)}"
    if total_sentence:
        opening = opening[:-1] + "," + total_sentence + "。"
    b.append(("p", _p(opening, full)))
    heads = rng.sample(_SUBHEADS, min(len(_SUBHEADS), max(1, n_paras // 2)))
    for i in range(n_paras):
        if i % 2 == 0 and i // 2 < len(heads):
            num = "一二三四五六七八九十"[i // 2]
            b.append(("p", _p(f"({num}){heads[i // 2]}", full)))
        b.append(("p", _p(_paragraph(rng, rng.randint(2, 6)), full)))
    b.append(("p", "二、主动公开政府信息情况"))
    b.append(("table", t2))
    b.append(("p", "三、收到和处理政府信息公开申请情况"))
    b.append(("table", t3))
    b.append(("p", "四、政府信息公开行政复议、行政诉讼情况"))
    b.append(("table", t4))
    b.append(("p", "五、存在的主要问题及改进情况"))
    for _ in range(rng.randint(1, 3)):
        b.append(("p", _p(",".join(rng.sample(_PROBLEMS, 3)) + "。", full)))
    b.append(("p", "六、其他需要报告的事项"))
    b.append(("p", rng.choice(("无。", "本年度未收取信息处理费。", "无其他需要报告的事项。"))))
    return b


def _render_text(blocks, layout: str) -> str:
    lines: list[str] = []
    sep = layout in ("cells", "blanklines", "markdown", "tabrows", "tabgrid")
    for kind, payload in blocks:
        if kind == "p":
            lines.append(payload)  # type: ignore[arg-type]
            if sep:
                lines.append("")
        else:
            body = _render_table(payload, layout)  # type: ignore[arg-type]
            if layout in ("tabrows", "tabgrid", "markdown") and lines and lines[-1] != "":
                lines.append("")
            lines += body
            if layout in ("tabrows", "tabgrid", "markdown", "cells"):
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _render_html(blocks, title: str) -> str:
    parts = ["<!DOCTYPE html>", "<html>", "<head>", '<meta charset="utf-8">', f"<title>{_html.escape(title)}</title>",
             "</head>", "<body>",
             '<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/xxgk/">信息公开年报</a></div>',
             '<div class="position">当前位置:首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
             '<div class="article">']
    for kind, payload in blocks:
        if kind == "p":
            text = _html.escape(payload)  # type: ignore[arg-type]
            parts.append(f"<h1>{text}</h1>" if payload == title else f"<p>{text}</p>")
        else:
            parts.append(_html_table(payload))  # type: ignore[arg-type]
    parts += ["</div>", '<div class="footer">主办单位:本机关办公室 版权所有</div>', "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def make_report(seed: int, index: int, layouts=DEFAULT_LAYOUTS, variant: int = 0, blanks: bool = False,
                templates=TEMPLATES, gaps: bool = False, classes: tuple[str, ...] = ()) -> Synth:
    """Report `index` of the corpus of `seed`: its bytes and its truth. `variant` > 0
    gives the same file (name, layout, agency) with other numbers: an edited report.
    `blanks`: print some zero cells blank (cells and pipes layouts); `gaps`: also use the
    agency names the region resolver is known to misread (see GENERIC_COUNTIES);
    `classes`: render one of these issue-15 classes (CLASSES) instead of a plain report."""
    if classes:
        cls = random.Random(f"ogi-synth:{seed}:{index}:class").choice(tuple(classes))
        return make_class_report(seed, index, cls, variant, gaps)
    rng = random.Random(f"ogi-synth:{seed}:{index}")
    layout = rng.choice(tuple(layouts))
    template = "f2019" if ("f2019" in templates and (len(templates) == 1 or rng.random() < 0.35)) else "f2021"
    year = rng.choice((2019, 2020)) if template == "f2019" else rng.choice((2021, 2022, 2023, 2024))
    agency, prov, city, county = _agency(rng, gaps)
    ext = EXT.get(layout, ".txt")
    file = f"{index:06d}_{layout}_{template}{ext}"
    relpath = f"{index // 1000:03d}/{file}"
    if variant:
        rng = random.Random(f"ogi-synth:{seed}:{index}:v{variant}")
    other_split = template == "f2021" and rng.random() < 0.7
    prose_total = rng.random() < 0.5
    full = rng.random() < 0.6
    s = Synth(index, file, relpath, b"", layout, template, agency, year, prov, city, county, other_split, prose_total)
    truth: list = []
    blank_p = 0.02 if (blanks and layout in BLANK_LAYOUTS) else 0.0
    t2 = _t2_rows(rng, template, full, truth)
    t3 = _t3_rows(rng, other_split, full, truth, blank_p)
    t4 = _t4_rows(rng, truth)
    sentence = None
    if prose_total:
        n = 1 + _count(rng, 600, 0.0)
        sentence = rng.choice(("全年共主动公开政府信息{}条", "全年主动公开政府信息{}条", "本年度共主动公开政府信息{}条")).format(n)
        truth.append(("fct_proactive_disclosures", "all_information", "count", n))
    n_paras = min(150, int(rng.paretovariate(1.5) * 6))
    split_title = layout != "html" and rng.random() < 0.15
    blocks = _text_blocks(rng, s, full, t2, t3, t4, n_paras, sentence, split_title)
    if layout in ("pdf", "scan"):
        from .synth_pdf import render_pdf, render_scan

        s.data = render_pdf(blocks, f"{agency}{year}年政府信息公开工作年度报告", rng)
        if layout == "scan":
            s.data = render_scan(s.data, rng)
    elif layout == "html":
        s.encoding = "gb18030" if rng.random() < 0.15 else "utf-8"
        page = _render_html(blocks, f"{agency}{year}年政府信息公开工作年度报告")
        if s.encoding != "utf-8":
            page = page.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
        s.data = page.encode(s.encoding)
    else:
        text = _render_text(blocks, layout)
        if rng.random() < 0.1:
            text = text.replace("\n", "\r\n")  # Windows line ends
        s.encoding = "gb18030" if rng.random() < 0.15 else "utf-8"
        s.data = text.encode(s.encoding)
    s.cells = [(t, k1, k2, None if v is None else float(v)) for t, k1, k2, v in truth]
    return s


# ---------------------------------------------------------------------------
# the classes of issue 15

_SPACED = {"商业企业": "商业 企业", "科研机构": "科研 机构", "社会公益组织": "社会 公益 组织", "社会组织": "社会 组织",
           "法律服务机构": "法律 服务 机构", "法人或其他组织": "法人或 其他组织"}


def _blank_zeros(rows: list[list[Cell]], truth: list, first: int) -> None:
    """Print the zeros of a table blank: its value cells in order are the truth entries
    from `first` on."""
    vals = [c for row in rows for c in row if c.kind == "value"]
    for j, c in enumerate(vals):
        t, k1, k2, v = truth[first + j]
        if v is not None and float(v) == 0:
            c.kind, c.text = "blank", ""
            truth[first + j] = (t, k1, k2, None)


def _glue_signed(rows: list[list[Cell]]) -> None:
    """本年增/减 glued to the cell before it where it carries a sign (`35-15`, `35+15`)."""
    for row in rows:
        for i in range(1, len(row) - 1):
            a, b = row[i], row[i + 1]
            if a.kind == "value" and b.kind == "value" and b.text[:1] in "+-" and b.text[1:].isdigit() \
                    and a.text.isdigit():
                a.text, a.colspan = a.text + b.text, a.colspan + b.colspan
                del row[i + 1]
                break


def _wrap(label: str, rng: random.Random) -> str:
    if len(label) < 8:
        return label
    i = rng.randint(3, len(label) - 3)
    return label[:i] + "\n" + label[i:]


def _crawler_t3(rows: list[list[Cell]], gap: str) -> str:
    """Table 三 as a crawler flattens it: each row's labels, then its digits run together,
    the next row's label (and its list number) right after."""
    out = []
    for row in rows:
        labels = [c.text for c in row if c.kind == "label"]
        values = [c.text for c in row if c.kind != "label"]
        out.append(" ".join(labels) + (gap + "".join(values) if values else " "))
    return "".join(out)


_PROSE_TOTAL = ("全年主动公开政府信息{}条", "通过门户网站公开各类信息{}条", "{year}年共主动公开政府信息{}条",
                "本年度主动公开政府信息{}条")
_PROSE_ZERO_REQUESTS = ("本年度没有接到政府信息公开申请。", "全年未收到政府信息公开申请。",
                        "全年未接到公民、法人或其他组织提出的政府信息公开申请。")
_PROSE_NO_REVIEW = "本年度未发生针对本机关政府信息公开事务的行政复议案、行政诉讼案和有关的申诉案。"


def _prose_report(s: Synth, rng: random.Random, truth: list, title: bool) -> str:
    """A pre-2019 report with no table: its figures in prose."""
    lines = [f"{s.agency}{s.year}年政府信息公开工作年度报告"] if title else []
    lines.append(f"本报告所列数据的统计期限自{s.year}年1月1日起至{s.year}年12月31日止。")
    lines.append("一、概述")
    n = 1 + _count(rng, 800, 0.0)
    total = rng.choice(_PROSE_TOTAL).format(n, year=s.year)
    extra = rng.random()
    if extra < 0.3:  # a part of it, after 其中
        total += f",其中通过政府网站公开信息{rng.randint(0, n)}条"
    lines.append(f"{s.year}年,{s.agency}{_paragraph(rng, 2)[:-1]},{total}。")
    if 0.3 <= extra < 0.6:  # a running total, in a sentence of its own
        lines.append(f"截至{s.year}年底,累计主动公开政府信息{n + _count(rng, 5000, 0.0) + 1}条。")
    truth.append(("fct_proactive_disclosures", "all_information", "count", n))
    lines.append(_paragraph(rng, 3))
    lines.append("二、依申请公开情况")
    if rng.random() < 0.6:
        lines.append(rng.choice(_PROSE_ZERO_REQUESTS))
        truth.append(("fct_applications", "new_received", "total", 0))
    else:
        k = 1 + _count(rng, 30, 0.0)
        lines.append(f"全年共收到政府信息公开申请{k}件,均已按时答复。")
        truth.append(("fct_applications", "new_received", "total", k))
    lines.append("三、因政府信息公开申请行政复议、提起行政诉讼的情况")
    lines.append(_PROSE_NO_REVIEW)
    truth += [("fct_review_litigation", "administrative_review", "total", 0),
              ("fct_review_litigation", "litigation", "total", 0),
              ("fct_review_litigation", "complaint", "total", 0)]
    lines.append("四、政府信息公开收费及减免情况")
    lines.append("本年度无政府信息公开收费。")
    lines.append("五、存在的主要问题及改进情况")
    lines.append(",".join(rng.sample(_PROBLEMS, 3)) + "。")
    return "\n".join(lines) + "\n"


def make_class_report(seed: int, index: int, cls: str, variant: int = 0, gaps: bool = False) -> Synth:
    """Report `index` of the corpus of `seed` rendered as class `cls` (CLASSES)."""
    if cls not in CLASSES:
        raise ValueError(f"unknown class {cls!r}; choose from {', '.join(CLASSES)}")
    rng = random.Random(f"ogi-synth:{seed}:{index}:{cls}")
    layout = rng.choice(CLASS_LAYOUTS[cls])
    if cls == "prose_pre2019":
        template, year = "pre2019", rng.randint(2008, 2018)
    elif cls == "signed_glue":
        template, year = "f2019", rng.choice((2019, 2020))
    else:
        template = "f2019" if rng.random() < 0.35 else "f2021"
        year = rng.choice((2019, 2020)) if template == "f2019" else rng.choice((2021, 2022, 2023, 2024))
    agency, prov, city, county = _agency(rng, gaps)
    ext = EXT.get(layout, ".txt")
    file = f"{index:06d}_{cls}_{layout}_{template}{ext}"
    relpath = f"{index // 1000:03d}/{file}"
    if variant:
        rng = random.Random(f"ogi-synth:{seed}:{index}:{cls}:v{variant}")
    other_split = template == "f2021" and rng.random() < 0.7
    full = rng.random() < 0.6
    s = Synth(index, file, relpath, b"", layout, template, agency, year, prov, city, county, other_split, False,
              cls=cls)
    truth: list = []
    if cls == "prose_pre2019":
        s.prose_total = True
        text = _prose_report(s, rng, truth, title=rng.random() < 0.7)
        s.encoding = "gb18030" if rng.random() < 0.15 else "utf-8"
        s.data = text.encode(s.encoding)
        s.cells = [(t, k1, k2, None if v is None else float(v)) for t, k1, k2, v in truth]
        return s
    zero_blank = cls == "blank_zero"
    t2 = _t2_rows(rng, template, full, truth)
    if zero_blank:
        _blank_zeros(t2, truth, 0)
    if cls == "signed_glue":
        _glue_signed(t2)
    t3 = _t3_rows(rng, other_split, full, truth, 0.0, zero_blank, zero_blank and rng.random() < 0.5)
    first4 = len(truth)
    t4 = _t4_rows(rng, truth)
    if zero_blank:
        _blank_zeros(t4, truth, first4)
    if cls == "spaced_header":
        wrap = layout != "tabrows"
        for row in t3:
            for c in row:
                if c.kind == "label" and c.text in _SPACED:
                    c.text = _SPACED[c.text]
                elif wrap and c.kind == "label" and c.text[:1] in "一二四(（123456789" and rng.random() < 0.5:
                    c.text = _wrap(c.text, rng)
    n_paras = min(30, int(rng.paretovariate(1.5) * 4))
    blocks = _text_blocks(rng, s, full, t2, t3, t4, n_paras, None, False)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    if cls == "untitled":
        # no title: the body names the agency and the year
        blocks[0] = ("p", _p(f"根据《中华人民共和国政府信息公开条例》(以下简称《条例》)要求,现公布{agency}{year}年"
                             "政府信息公开工作年度报告。", full))
        title = ""
    if layout == "crawler":
        parts = []
        for kind, payload in blocks:
            if kind == "p":
                parts.append(payload)
            elif payload is t3:
                parts.append(_crawler_t3(t3, rng.choice(("", " "))))
            else:
                parts += _render_table(payload, "tabrows")  # type: ignore[arg-type]
        text = "\n".join(parts) + "\n"  # type: ignore[arg-type]
    elif layout == "pdf":
        from .synth_pdf import render_pdf

        s.data = render_pdf(blocks, title or agency, rng)
        text = ""
    elif layout == "html":
        text = ""
        s.data = _render_html(blocks, title).encode("utf-8")
    else:
        text = _render_text(blocks, layout)
    if text:
        s.encoding = "gb18030" if rng.random() < 0.15 else "utf-8"
        s.data = text.encode(s.encoding)
    s.cells = [(t, k1, k2, None if v is None else float(v)) for t, k1, k2, v in truth]
    return s


# ---------------------------------------------------------------------------
# a corpus on disk

GOLD_REPORT_COLS = ("file", "agency", "year", "format_version", "province", "city", "county")
SYNTH_COLS = ("file", "relpath", "layout", "template", "other_split", "prose_total", "size", "cells", "class")


def fmt_value(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _chunk(args) -> tuple[str, str, str]:
    """Write reports [lo, hi) and return their gold rows as CSV text."""
    seed, lo, hi, out, layouts, blanks, templates, gaps, classes = args
    rep, cel, syn = io.StringIO(), io.StringIO(), io.StringIO()
    wr, wc, ws = csv.writer(rep, lineterminator="\n"), csv.writer(cel, lineterminator="\n"), csv.writer(syn, lineterminator="\n")
    reports = pathlib.Path(out) / "reports"
    made_dirs: set[str] = set()
    for i in range(lo, hi):
        s = make_report(seed, i, layouts, blanks=blanks, templates=templates, gaps=gaps, classes=classes)
        d = s.relpath.rsplit("/", 1)[0]
        if d not in made_dirs:
            (reports / d).mkdir(parents=True, exist_ok=True)
            made_dirs.add(d)
        (reports / s.relpath).write_bytes(s.data)
        m = s.meta
        wr.writerow([m[c] for c in GOLD_REPORT_COLS])
        for t, k1, k2, v in s.cells:
            wc.writerow([s.file, t, k1, k2, fmt_value(v)])
        ws.writerow([s.file, s.relpath, s.layout, s.template, int(s.other_split), int(s.prose_total), len(s.data),
                     len(s.cells), s.cls])
    return rep.getvalue(), cel.getvalue(), syn.getvalue()


def generate(n: int, out: str | pathlib.Path, seed: int = 0, layouts=DEFAULT_LAYOUTS, blanks: bool = False,
             templates=TEMPLATES, gaps: bool = False, workers: int = 1, chunk: int = 500,
             classes: tuple[str, ...] = ()) -> dict:
    """Write n reports to out/reports/ and their truth to out/gold/; returns counts.
    `classes`: each report one of these issue-15 classes (CLASSES) instead."""
    out = pathlib.Path(out)
    (out / "reports").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    jobs = [(seed, lo, min(n, lo + chunk), str(out), tuple(layouts), blanks, tuple(templates), gaps, tuple(classes))
            for lo in range(0, n, chunk)]
    n_cells = 0
    with open(out / "gold" / "reports.csv", "w", encoding="utf-8", newline="") as fr, \
            open(out / "gold" / "cells.csv", "w", encoding="utf-8", newline="") as fc, \
            open(out / "gold" / "synth.csv", "w", encoding="utf-8", newline="") as fs:
        fr.write(",".join(GOLD_REPORT_COLS) + "\n")
        fc.write("file,fact_table,key1,key2,value\n")
        fs.write(",".join(SYNTH_COLS) + "\n")
        if workers > 1 and len(jobs) > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=workers) as ex:
                parts = ex.map(_chunk, jobs)
                for r, c, s in parts:
                    fr.write(r); fc.write(c); fs.write(s)
                    n_cells += c.count("\n")
        else:
            for j in jobs:
                r, c, s = _chunk(j)
                fr.write(r); fc.write(c); fs.write(s)
                n_cells += c.count("\n")
    return {"reports": n, "cells": n_cells, "out": str(out)}


def read_synth_index(out: str | pathlib.Path) -> list[dict]:
    with open(pathlib.Path(out) / "gold" / "synth.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def default_workers() -> int:
    return int(os.environ.get("OGI_WORKERS", str(min(2, os.cpu_count() or 1))))
