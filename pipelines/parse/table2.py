"""Read table 二 (主动公开政府信息情况, items of 条例第二十条) into fct_proactive_disclosures.

Each item label (data/t2_items.csv) takes the numbers after it; the measures come from
the template (data/templates.yaml: f2021 制发/废止/现行有效, f2019 新制作/新公开/总数,
上一年项目数量/本年增减/处理决定数量 …), since printed headers are often truncated
(`本年新` for both 本年新制作数量 and 本年新公开数量). Amounts are in 万元: a figure marked
元, or a band whose header says 单位:元, is divided by 10,000. An item whose count of
numbers does not match its measures is not published, with a check saying so.
"""
from __future__ import annotations

from typing import Final

import re
from dataclasses import dataclass, field

from .digitruns import candidates_text, digits_of, looks_flattened, split_run
from .labels import find_all_labels
from .layouts import layouts
from .model import Check
from .table3 import Cell
from .textnorm import label_key
from .tokens import BLANK, NUM, TEXT, Tok, tokenize


# An annotation such as （其中修订 16 件） or （含自然失效 29 件） names the measure of the
# number it is printed under.
_ANNOTATION: Final = re.compile(r"\((?:其中|含|包括)[^)]*?(修订|制定|新制|印发|失效|废止|有效)")
_ANNOTATED_MEASURE: Final = {"修订": "issued", "制定": "issued", "新制": "issued", "印发": "issued",
                      "失效": "repealed", "废止": "repealed", "有效": "in_force"}


def _bands() -> dict[str, str]:
    from .datafiles import read_csv

    return {r["code"]: r["band"] for r in read_csv("t2_items.csv", ("code", "band"), required=("code", "band"))}


_BAND: Final = _bands()


@dataclass
class T2Reading:
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)


_BAND_HEADER: Final = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_MINUS: Final = "-−–﹣"  # hyphen-minus, minus sign, en dash, small hyphen-minus (not —, a blank cell)
_YUAN_UNIT: Final = re.compile(r"单位[:：]?元|\(元\)")


@dataclass
class _Printed:
    """Table 二's printed cells, gathered item by item in reading order."""
    segs: dict[str, list[Tok]] = field(default_factory=dict)   # item → its numbers and blank cells
    order: list[str] = field(default_factory=list)              # the items in reading order
    band_yuan: dict[str, bool] = field(default_factory=dict)    # the item's band header says 单位:元
    # numbers under no item: (band, number, the measure an annotation under it names)
    loose: list[tuple[str | None, Tok, str | None]] = field(default_factory=list)


def read_t2(text: str, region: tuple[int, int], fmt: str) -> T2Reading:
    tpl = layouts().t2
    measures_of = tpl.measures_of(fmt)
    amount = set(tpl.amount_measures)
    signed = set(tpl.signed_measures)
    toks = tokenize(text, *region)
    printed = _gather(toks, find_all_labels(toks, "t2_items"))
    out = T2Reading()
    used: set[int] = set()
    for item in printed.order:
        measures = measures_of.get(item)
        if measures is None:
            out.checks.append(Check("t2.read", item, False, f"item {item} is not part of the {fmt} template",
                                    "warning", "fct_proactive_disclosures", item))
            continue
        _read_item(out, text, item, measures, printed, used, amount, signed)
    return out


def _gather(toks: list[Tok], events: list) -> _Printed:
    """Each item label takes the numbers and blank cells after it, up to the next label or
    band header (第二十条第(N)项); numbers under no item are kept loose, with their band."""
    p = _Printed()
    cur = None
    ei = 0
    yuan_band = False
    band = None
    last_loose = None
    for t in toks:
        while ei < len(events) and events[ei].start <= t.start:
            cur = events[ei].code
            ei += 1
            if cur not in p.segs:
                p.segs[cur] = []
                p.order.append(cur)
                p.band_yuan[cur] = yuan_band
        if t.kind == TEXT:
            k = label_key(t.raw)
            if "第二十条" in k:
                yuan_band = False
                bm = _BAND_HEADER.search(k)
                band = bm.group(1) if bm else None
                cur = None  # a band header: numbers before the next item label belong to no item
            if "元" in k and _YUAN_UNIT.search(k):
                yuan_band = True
            if last_loose is not None:
                am = _ANNOTATION.search(k)
                if am:
                    b, tok, _ = p.loose[last_loose]
                    p.loose[last_loose] = (b, tok, _ANNOTATED_MEASURE[am.group(1)])
                last_loose = None
            continue
        if cur is not None and t.kind in (NUM, BLANK):
            p.segs[cur].append(t)
        elif cur is None and t.kind == NUM:
            p.loose.append((band, t, None))
            last_loose = len(p.loose) - 1
    return p


def _read_item(out: T2Reading, text: str, item: str, measures: list[str], printed: _Printed, used: set[int],
               amount: set[str], signed: set[str]) -> None:
    """One item's cells: as printed where the row holds one per measure; a blank cell as
    printed; a cell split off the row rejoined by its annotation; a flattened digit run
    split where only one split fits; else a check says why the row is not published."""
    row = printed.segs[item]
    nums = [t for t in row if t.kind == NUM]
    if len(nums) < len(measures) and len(row) == len(measures) and len({t.line for t in row}) == 1:
        # the row's cells on its line, some printed blank (an empty box, a dash): as printed
        for m, t in zip(measures, row):
            if t.kind == BLANK:
                out.cells[(item, m)] = Cell(None, t.start, t.end, "table")
        measures = [m for m, t in zip(measures, row) if t.kind == NUM]
        if not nums:
            return
    if len(nums) == len(measures) - 1 and _rejoin_annotated(out, item, measures, nums, printed.loose, used):
        return
    if not nums:
        return
    if len(nums) < len(measures) and looks_flattened(nums, len(measures)) and not any(t.kind == BLANK for t in row):
        # (a row that prints a blank cell lacks a number because of it: its numbers are
        # no digit run to cut)
        if _split_digit_run(out, item, measures, nums):
            return
    if len(nums) != len(measures):
        out.checks.append(Check("t2.read", item, False,
                                f"item {item}: {len(nums)} numbers printed for {len(measures)} cells "
                                f"({', '.join(measures)}); not published", "warning",
                                "fct_proactive_disclosures", item,
                                span_start=nums[0].start, span_end=nums[-1].end))
        return
    for m, t in zip(measures, nums):
        v = t.value
        flags: tuple[str, ...] = ()
        if m in signed and v is not None and v > 0 and t.start > 0 and text[t.start - 1] in _MINUS:
            # 35-15: the change column's sign glued to the cell before it (or a
            # typographic minus the tokenizer does not take for a sign)
            v = -v
        if v is not None and m in amount and (t.unit == "元" or (t.unit is None and printed.band_yuan.get(item))):
            v = v / 10000.0
            flags = ("yuan_to_10k_yuan",)
        out.cells[(item, m)] = Cell(v, t.start, t.end, "table", flags)


def _rejoin_annotated(out: T2Reading, item: str, measures: list[str], nums: list[Tok],
                      loose: list[tuple[str | None, Tok, str | None]], used: set[int]) -> bool:
    """A cell split off its row by the converter, with an annotation naming its measure:
    put back in its place (True), if there is one in the item's band."""
    j = next((i for i, (b, _, m) in enumerate(loose) if i not in used and b == _BAND.get(item) and m in measures),
             None)
    if j is None:
        return False
    used.add(j)
    _, tok, m = loose[j]
    rest = iter(nums)
    for meas in measures:
        t = tok if meas == m else next(rest)
        fl = ("annotated_cell_rejoined",) if meas == m else ()
        out.cells[(item, meas)] = Cell(t.value, t.start, t.end, "table", fl)
    return True


def _split_digit_run(out: T2Reading, item: str, measures: list[str], nums: list[Tok]) -> bool:
    """A row's cells flattened into one digit run: published where exactly one split fits
    (True), named by a check where several do (True); False where none does."""
    digits = digits_of(nums)
    readings = split_run(digits, len(measures), lambda v: True) if digits and len(digits) <= 16 else []
    if len(readings) == 1:
        for meas, (v, a, e) in zip(measures, readings[0]):
            out.cells[(item, meas)] = Cell(v, a, e, "table", ("split_digit_run",))
        return True
    if len(readings) > 1:
        out.checks.append(Check("t2.digit_run", item, False,
                                f"item {item}: the digits {''.join(d for d, _ in digits or [])} read "
                                f"{len(readings)} ways as {len(measures)} cells "
                                f"({', '.join(measures)}): "
                                f"{candidates_text([[x[0] for x in r] for r in readings])}; not published",
                                "warning", "fct_proactive_disclosures", item, span_start=nums[0].start,
                                span_end=nums[-1].end))
        return True
    return False
