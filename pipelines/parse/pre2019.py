"""The pre-2019 statistics table (政府信息公开情况统计表: 指标名称 | 计量单位 | 本年度 |
历年累计), read into group-level codes. Only the year's own figures are published,
never the cumulative ones.

Crawler text often flattens the table into one line where both number columns and the
next row's list number run together (`网站公开条41815092.政府公报…` is 418 | 1509, then
item 2.). A run is split into (year, cumulative) with cumulative ≥ year and no leading
zeros; where several splits remain, the table's own sums (a total = its items) and the
figures the prose states choose; a row still ambiguous is not published and its
candidates go to check_results. Row labels map to codes through data/pre2019_rows.csv,
matched on the whole label, so a garbled label (接受行政诉讼、举报数) maps to nothing.
"""
from __future__ import annotations

from typing import Final

import functools
import itertools
import re
from dataclasses import dataclass

from .accounting import pre2019_verified
from .datafiles import read_csv
from .model import Check, Fact
from .textnorm import label_key

_UNIT: Final = r"(?:条|件|个|人次|项|次)"
# (the gap before the figure may be a line break: a table printed one cell per line)
_ROW: Final = re.compile(r"(?P<label>[^\d]{2,40}?)(?P<unit>" + _UNIT + r")(?P<gap>[ \t|]*\n?[ \t|]*)"
                  r"(?P<num>\d(?:[\d \t|]|,(?=\d{3}))*)")


@functools.cache
def _notes() -> tuple[re.Pattern, ...]:
    from .datafiles import read_yaml

    return tuple(re.compile(p) for p in read_yaml("pre2019.yaml", pattern_keys=("notes",))["notes"])


def _blank_notes(region: str) -> str:
    """The region with the notes printed inside labels (data/pre2019.yaml) blanked out."""
    for p in _notes():
        region = p.sub(lambda m: " " * len(m.group(0)), region)
    return region
MAX_COMBOS: Final = 20000


@dataclass
class Row:
    id: str
    table: str
    key1: str
    key2: str
    parent: str
    cands: list[tuple[int, int | None]]
    start: int
    end: int
    label: str


@functools.cache
def _rules():
    rows = read_csv("pre2019_rows.csv", ("id", "pattern", "table", "key1", "key2", "parent"),
                    required=("id", "pattern"), patterns=("pattern",))
    return [(r["id"], re.compile(f"(?:{r['pattern']})"), r["table"], r["key1"], r["key2"], r["parent"]) for r in rows]


def _clean_label(s: str) -> str:
    parts = [p for p in re.split(r"[\t\n|]+", s) if p.strip()]
    if parts:
        s = parts[-1]  # in a laid-out table the label is the last cell before the unit
    k = label_key(s)
    k = re.sub(r"^[.、:：,，;；)）]+", "", k)
    k = re.sub(r"^.*(?:历年累计|累计数?)", "", k)  # the header before the first row
    k = re.sub(r"^.*(?:——|--|—)", "", k)  # a section row before it, its cells printed as dashes
    k = re.sub(r"^(?:其中|包括)[:：]?", "", k)
    k = re.sub(r"^(?:\d*[.、]|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}[、.])", "", k)
    k = re.sub(r"^(?:其中|包括)[:：]?", "", k)
    return k


def _splits(digits: str, two_cols: bool) -> list[tuple[int, int | None]]:
    if not two_cols:
        return [(int(digits), None)] if digits == "0" or not digits.startswith("0") else []
    # the whole run as the year's figure with its 累计 cell empty is a reading too
    out: list[tuple[int, int | None]] = [(int(digits), None)] if len(digits) > 1 and not digits.startswith("0") else []
    for i in range(1, len(digits)):
        a, b = digits[:i], digits[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(a) <= int(b):
            out.append((int(a), int(b)))
    return out


def find_table(text: str) -> tuple[int, int] | None:
    m = re.search(r"指\s*标\s*名\s*称|统\s*计\s*指\s*标", text)
    if not m:
        return None
    return m.start(), len(text)


def read_pre2019_table(text: str, prose: dict[tuple[str, str, str], set[float]]) -> tuple[list[Fact], list[Check]]:
    """`prose`: the figures the prose states per cell (narrative.prose_candidates)."""
    reg = find_table(text)
    if reg is None:
        return [], []
    a, b = reg
    region = _blank_notes(text[a:b])
    header = label_key(region[:80])
    two_cols = "累计" in header
    rows: list[Row] = []
    glued_no: int | None = None  # list number stripped from the end of the previous run
    for m in _ROW.finditer(region):
        label = _clean_label(m.group("label"))
        rule = next((r for r in _rules() if r[1].fullmatch(label)), None)
        this_no = None
        if re.match(r"\s*[.、]", m.group("label")):
            if glued_no is not None:
                this_no = glued_no
            else:
                lb = re.search(r"(\d{1,2})$", region[:m.start()])
                this_no = int(lb.group(1)) if lb else None
        glued_no = None
        groups = [g.replace(",", "") for g in re.split(r"[ \t|]+", m.group("num").strip()) if g]
        # cells laid out with separators: a lone figure is the year's, its 累计 cell empty;
        # only a run glued to its unit (crawler text) is a candidate for splitting
        explicit = bool(m.group("gap"))
        after = region[m.end("num"):m.end("num") + 2]
        if groups and re.match(r"[.、][^\d]", after):
            # the next item's list number is glued to the end of this run
            sfx = str((this_no or 0) + 1)
            if groups[-1].endswith(sfx) and len(groups[-1]) > len(sfx):
                groups[-1] = groups[-1][: -len(sfx)]
                glued_no = int(sfx)
        if rule is None:
            continue
        rid, _, table, k1, k2, parent = rule
        if k1 == "@proceeding":
            # 维持/纠错/其他 rows belong to the 行政复议 or 行政诉讼 row above them
            proc = next((r for r in reversed(rows) if r.key1 in ("administrative_review", "litigation")), None)
            if proc is None:
                continue
            k1, parent = proc.key1, proc.id
            rid = f"{proc.id}.{k2}"
        cands: list[tuple[int, int | None]]
        if len(groups) >= 2 and two_cols:
            cands = [(int(groups[0]), int(groups[1]))]
        elif len(groups) == 1 and explicit:
            cands = [(int(groups[0]), None)]
        elif len(groups) == 1:
            cands = _splits(groups[0], two_cols)
        else:
            cands = [(int(groups[0]), None)] if groups else []
        rows.append(Row(rid, table, k1, k2, parent, cands, a + m.start("num"), a + m.end("num"), label))
    return _resolve(rows, prose)


def _resolve(rows: list[Row], prose: dict) -> tuple[list[Fact], list[Check]]:
    checks: list[Check] = []
    amb = [i for i, r in enumerate(rows) if len(r.cands) > 1]
    chosen: dict[int, tuple] = {i: r.cands[0] for i, r in enumerate(rows) if len(r.cands) == 1}
    if amb:
        combos = list(itertools.islice(itertools.product(*[rows[i].cands for i in amb]), MAX_COMBOS))
        scored = []
        for combo in combos:
            vals = dict(chosen)
            vals.update(zip(amb, combo))
            scored.append((_score(rows, vals, prose), combo))
        best = max(s for s, _ in scored)
        keep = [c for s, c in scored if s == best]
        for j, i in enumerate(amb):
            opts = {c[j] for c in keep}
            if len(opts) == 1:
                chosen[i] = next(iter(opts))
            else:
                r = rows[i]
                checks.append(Check("pre2019.digit_run", r.id, False,
                                    f"{r.label}: the digit run reads as any of {sorted(opts)} (year, cumulative); "
                                    "not published", "warning", r.table or None, r.key1 or None, r.key2 or None,
                                    span_start=r.start, span_end=r.end))
    for r in rows:
        if r.table and not r.cands:  # a coded row whose digits give no reading: named, not dropped
            checks.append(Check("pre2019.row_read", r.id, False,
                                f"{r.label}: its digits give no reading as (year, cumulative) "
                                "figures; not published", "warning", r.table, r.key1, r.key2,
                                span_start=r.start, span_end=r.end))
    # a row's figure is verified where the sums it is part of (a total = its printed items) hold
    # over figures read as printed (not chosen among the splits of a digit run)
    ver = pre2019_verified([r.id for r in rows], [r.parent for r in rows],
                           [float(chosen[i][0]) if i in chosen and len(r.cands) == 1 else None
                            for i, r in enumerate(rows)])
    facts: dict[tuple, Fact] = {}
    for i, r in enumerate(rows):
        if not r.table or i not in chosen:
            continue
        v = float(chosen[i][0])
        flags = ("split_digit_run",) if len(r.cands) > 1 else ()
        key = (r.table, r.key1, r.key2)
        if key in facts:  # two rows for one code (电子邮件 + 网上申请): their sum
            f = facts[key]
            facts[key] = Fact(f.table, f.key1, f.key2, (f.value or 0) + v, "table", f.span_start, r.end,
                              tuple(sorted(set(f.flags) | set(flags) | {"summed"})), f.verified and ver[i])
        else:
            facts[key] = Fact(r.table, r.key1, r.key2, v, "table", r.start, r.end, flags, ver[i])
    if rows:
        checks.append(Check("pre2019.table", "table", True, f"statistics table: {len(rows)} rows read", "info"))
    return list(facts.values()), checks


def _score(rows: list[Row], vals: dict, prose: dict) -> int:
    score = 0
    for i, r in enumerate(rows):
        if i in vals and r.table and (r.table, r.key1, r.key2) in prose:
            score += 2 if vals[i][0] in prose[(r.table, r.key1, r.key2)] else -2
    by_parent: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r.parent:
            by_parent.setdefault(r.parent, []).append(i)
    for i, r in enumerate(rows):
        kids = by_parent.get(r.id)
        if not kids or i not in vals or not all(k in vals for k in kids):
            continue
        for col in (0, 1):
            if vals[i][col] is None:
                continue
            if vals[i][col] == sum(vals[k][col] or 0 for k in kids):
                score += 1
    return score
