"""Read table 二 (主动公开政府信息情况, items of 条例第二十条) into fct_proactive_disclosures.

Each item label (data/t2_items.csv) takes the numbers after it; the measures come from
the template (data/templates.yaml: f2021 制发/废止/现行有效, f2019 新制作/新公开/总数,
上一年项目数量/本年增减/处理决定数量 …), since printed headers are often truncated
(`本年新` for both 本年新制作数量 and 本年新公开数量). Amounts are in 万元: a figure marked
元, or a band whose header says 单位:元, is divided by 10,000. An item whose count of
numbers does not match its measures is not published, with a check saying so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .digitruns import digits_of, split_run
from .labels import find_all_labels, templates
from .model import Check
from .table3 import Cell
from .textnorm import label_key
from .tokens import NUM, TEXT, tokenize


@dataclass
class T2Reading:
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)


def read_t2(text: str, region: tuple[int, int], fmt: str) -> T2Reading:
    tpl = templates()["t2"]
    measures_of = tpl.get(fmt) or tpl["f2021"]
    amount = set(tpl["amount_measures"])
    toks = tokenize(text, *region)
    events = find_all_labels(toks, "t2_items")
    out = T2Reading()
    segs: dict[str, list] = {}
    order: list[str] = []
    cur = None
    ei = 0
    yuan_band = False
    band_yuan: dict[str, bool] = {}
    for t in toks:
        while ei < len(events) and events[ei].start <= t.start:
            cur = events[ei].code
            ei += 1
            if cur not in segs:
                segs[cur] = []
                order.append(cur)
                band_yuan[cur] = yuan_band
        if t.kind == TEXT:
            k = label_key(t.raw)
            if "第二十条" in k:
                yuan_band = False
                cur = None if not any(e.start <= t.start < e.end for e in events) else cur
            if re.search(r"单位[:：]?元", k):
                yuan_band = True
            continue
        if cur is not None and t.kind == NUM:
            segs[cur].append(t)
    for item in order:
        nums = segs[item]
        measures = measures_of.get(item)
        if measures is None:
            out.checks.append(Check("t2.read", item, False, f"item {item} is not part of the {fmt} template",
                                    "warning", "fct_proactive_disclosures", item))
            continue
        if not nums:
            continue
        if len(nums) < len(measures):
            digits = digits_of(nums)
            readings = split_run(digits, len(measures), lambda v: True) if digits and len(digits) <= 16 else []
            if len(readings) == 1:
                for m, (v, a, b) in zip(measures, readings[0]):
                    out.cells[(item, m)] = Cell(v, a, b, "table", ("split_digit_run",))
                continue
            if len(readings) > 1:
                out.checks.append(Check("t2.digit_run", item, False,
                                        f"item {item}: the digits {''.join(d for d, _ in digits)} read "
                                        f"{len(readings)} ways as {len(measures)} cells; not published", "warning",
                                        "fct_proactive_disclosures", item, span_start=nums[0].start,
                                        span_end=nums[-1].end))
                continue
        if len(nums) != len(measures):
            out.checks.append(Check("t2.read", item, False,
                                    f"item {item}: {len(nums)} numbers printed for {len(measures)} cells "
                                    f"({', '.join(measures)}); not published", "warning",
                                    "fct_proactive_disclosures", item,
                                    span_start=nums[0].start, span_end=nums[-1].end))
            continue
        for m, t in zip(measures, nums):
            v = t.value
            flags: tuple[str, ...] = ()
            if m in amount and (t.unit == "元" or (t.unit is None and band_yuan.get(item))):
                v = v / 10000.0
                flags = ("yuan_to_10k_yuan",)
            out.cells[(item, m)] = Cell(v, t.start, t.end, "table", flags)
    return out
