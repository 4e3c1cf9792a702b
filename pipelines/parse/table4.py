"""Read table 四 (行政复议、行政诉讼情况) into fct_review_litigation cells.

The template prints 15 numbers in a fixed order: 行政复议, 未经复议直接起诉 and 复议后起诉,
each as 结果维持 / 结果纠正 / 其他结果 / 尚未审结 / 总计. With exactly 15 numbers the cells
are published as printed, and a 总计 that is not the sum of its results is a failing
check (the report is wrong, not the reading). With one or two numbers too many, the
drops that satisfy every total are kept when they agree. With fewer, no cell is
published: the prose may still give the figures (narrative.py).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .identities import t4_failures
from .labels import find_all_labels
from .layouts import layouts
from .model import Check
from .table3 import Cell
from .digitruns import candidates_text, digits_of, looks_flattened, split_run
from .tokens import BLANK, NUM, Tok, tokenize


def _read_transposed(toks, procs, results):
    """Results as rows (结果维持 a b c …), proceedings as columns: each of the five result
    labels followed by exactly one number per proceeding."""
    events = [e for e in find_all_labels(toks, "t4_columns") if e.code in results]
    first_num = next((t.start for t in toks if t.kind == NUM), None)
    if first_num is None or not any(e.start > first_num for e in events):
        return None
    rows: dict[str, list] = {}
    for i, e in enumerate(events):
        end = events[i + 1].start if i + 1 < len(events) else float("inf")
        cells = [t for t in toks if t.kind in (NUM, BLANK) and e.end <= t.start < end]
        if cells:
            if e.code in rows:
                return None
            rows[e.code] = cells
    if set(rows) != set(results) or any(len(v) != len(procs) for v in rows.values()):
        return None
    return [rows[r][i] for i in range(len(procs)) for r in results]


@dataclass
class T4Reading:
    groups: dict[str, list[Cell]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)


def read_t4(text: str, region: tuple[int, int]) -> T4Reading:
    tpl = layouts().t4
    procs, results = tpl.proceedings, tpl.results
    K = len(results)
    need = len(procs) * K
    toks = tokenize(text, *region, aligned=True)
    nums = [t for t in toks if t.kind == NUM]
    cells = [t for t in toks if t.kind in (NUM, BLANK)]
    # the row of cells after the header's last label (an empty box in the header is not a cell)
    head_end = max((e.end for e in find_all_labels(toks, "t4_columns")), default=-1)
    tail = [t for t in cells if t.start >= head_end]
    tail = [t for t in tail if t.line == tail[0].line] if head_end >= 0 and tail else []
    out = T4Reading()
    if not nums and len(tail) != need:  # (a table printed all blank is read below)
        out.checks.append(Check("t4.read", "t4", False, "table 四 has no numbers", "warning"))
        return out
    chosen = None
    flags: tuple[str, ...] = ()
    transposed = _read_transposed(toks, procs, results)
    if transposed is not None:
        chosen, flags = transposed, ("transposed",)
        out.checks.append(Check("t4.layout", "t4", True, "table 四 printed with results as rows and proceedings "
                                "as columns; read by its row labels", "info"))
    elif len(nums) == need:
        chosen = nums
    elif len(nums) < need and len(cells) == need and any(t.kind == BLANK for t in cells):
        chosen = cells  # dashes or blanks printed for some cells
    elif len(nums) < need and len(tail) == need:
        chosen = tail  # one row of cells after the header, its blanks printed as boxes
    elif need < len(nums) <= need + 2:
        vals: dict[tuple, list[Tok]] = {}
        for drop in itertools.combinations(range(len(nums)), len(nums) - need):
            kept = [t for i, t in enumerate(nums) if i not in drop]
            groups = {p: [t.value for t in kept[i * K:(i + 1) * K]] for i, p in enumerate(procs)}
            if not t4_failures(groups, results):
                vals.setdefault(tuple(t.value for t in kept), kept)
        if len(vals) == 1:
            chosen = next(iter(vals.values()))
            flags = ("dropped_stray_cell",)
    if chosen is None and len(nums) < need and looks_flattened(nums, need):
        digits = digits_of(nums)
        if digits and len(digits) <= 20:
            def ok(v):
                return not t4_failures({p: v[i * K:(i + 1) * K] for i, p in enumerate(procs)}, results)
            readings = {tuple(x[0] for x in r): r for r in split_run(digits, need, ok)}
            if len(readings) == 1:
                r = next(iter(readings.values()))
                chosen = [Tok(NUM, a, b, f"{v:g}", v) for v, a, b in r]
                flags = ("split_digit_run",)
            elif readings:
                out.checks.append(Check("t4.digit_run", "t4", False,
                                        f"table 四's digits read {len(readings)} ways that satisfy its totals: "
                                        f"{candidates_text(list(readings))}; no table cell published", "warning"))
    if chosen is None:
        out.checks.append(Check("t4.read", "t4", False,
                                f"table 四 prints {len(nums)} numbers for {need} cells and no reading satisfies "
                                "its totals; no table cell published", "error",
                                span_start=nums[0].start, span_end=nums[-1].end))
        return out
    for i, p in enumerate(procs):
        out.groups[p] = [Cell(t.value if t.kind == NUM else None, t.start, t.end, "table", flags)
                         for t in chosen[i * K:(i + 1) * K]]
    fails = t4_failures({p: [c.value for c in v] for p, v in out.groups.items()}, results)
    if len(fails) == len(procs) and any(c.value for v in out.groups.values() for c in v):
        # every 总计 wrong at once: the cells are not where the template puts them
        out.groups = {}
        out.checks.append(Check("t4.read", "t4", False, "no 总计 of table 四 is the sum of its results in the "
                                "template's order: the layout is not understood; no table cell published",
                                "error", span_start=nums[0].start, span_end=nums[-1].end))
        return out
    if not fails:
        out.checks.append(Check("t4.total", "t4", True, "each 总计 is the sum of its results", "info"))
    for _, g, exp, found in fails:
        c = out.groups[g][results.index("total")]
        out.checks.append(Check("t4.total", g, False,
                                f"{g}: results sum to {exp:g} but 总计 is printed {found:g}; published as printed",
                                "error", "fct_review_litigation", g, "total", exp, found, c.start, c.end))
    return out
