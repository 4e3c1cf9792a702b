"""Read table 三 (收到和处理政府信息公开申请情况) into cells of fct_applications and
fct_outcomes.

Two readings are made and the identities choose between them:
- by labels: each row label found (label variants in data/t3_rows.csv) takes the numbers
  that follow it; a row with a stray extra cell keeps the drops that satisfy its row
  total; a row with too few cells is derived from the column identities when they
  determine it, otherwise left out;
- by template order: all numbers of the table, cut into rows in the template's order
  (for shredded layouts whose labels drift away from their numbers), dropping up to two
  stray numbers where exactly one table satisfies every identity.
A clean label reading that satisfies the identities wins; else a template-order reading
that satisfies them all; else the label reading as far as it goes, with failing checks.
"""
from __future__ import annotations

import bisect
import functools
import itertools
from dataclasses import dataclass, field
from typing import Any, final, Final

from .accounting import t3_not_evaluated
from .identities import GROUPS, NON_OUTCOME, column_failures, outcome_rows, row_failures, t3_failures, t3_fact_table
from .digitruns import candidates_text, digits_of, looks_flattened, split_run
from .labels import find_all_labels
from .layouts import layouts
from .model import Check
from .textnorm import label_key
from .tokens import BLANK, NUM, TEXT, Tok, tokenize

MAX_COMBOS: Final = 20000


@final
class Cell:
    """A read cell (a plain class with fixed attributes: compiled, a C struct; many are
    made per table)."""
    __slots__ = ("value", "start", "end", "source", "flags")

    def __init__(self, value: float | None, start: int | None, end: int | None, source: str = "table",
                 flags: tuple[str, ...] = ()) -> None:
        self.value = value
        self.start = start
        self.end = end
        self.source = source
        self.flags = flags

    def __repr__(self) -> str:
        return f"Cell({self.value!r}, {self.start!r}, {self.end!r}, {self.source!r}, {self.flags!r})"


@dataclass
class T3Reading:
    columns: list[str]
    rows: dict[str, list[Cell] | None]
    checks: list[Check] = field(default_factory=list)
    method: str = ""
    split_other: bool = True


def _template_rows(split_other: bool) -> list[str]:
    return layouts().t3.rows(split_other)


def _vals(cells: list[Cell] | None):
    return None if cells is None else [c.value for c in cells]


def _cells_from_toks(toks, flags=()) -> list[Cell]:
    fl = tuple(flags)
    return [Cell(None if t.kind == BLANK else t.value, t.start, t.end, "table", fl) for t in toks]


def _detect_columns(header_text: str) -> list[str]:
    t = layouts().t3
    return list(t.columns_with_subtotal) if "小计" in label_key(header_text) else list(t.columns)


def _check_header(toks: list[Tok], header_end: int, columns: list[str]) -> tuple[Check | None, list[str]]:
    """Map the applicant header's labels to column codes (data/t3_columns.csv). Where the
    header prints all five legal-person types once each in another order, the cells are
    read in the printed order; otherwise in the template's, and the check says where the
    header does not show it."""
    head = [t for t in toks if t.start < header_end and t.kind == TEXT]
    if not head:
        return None, columns
    found = [lab.code for lab in find_all_labels(head, "t3_columns")]
    seen = [c for i, c in enumerate(found) if c not in found[:i]]
    if not seen:
        return Check("t3.header", "t3", False, "no applicant column label recognised in the header; "
                     "columns read in template order", "warning"), columns
    # the header has two levels (自然人 | 法人或其他组织 | 总计, then the legal-person
    # types): compare the order within each level
    legal = [c for c in columns if c not in ("natural_person", "total", "legal_person_total")]
    # (merged cells put 总计 anywhere in the first level; the second level must keep its order)
    sub = [c for c in seen if c in legal]
    if sub != [c for c in legal if c in sub]:
        if sorted(sub) == sorted(legal) and found.count(sub[0]) == 1 and all(found.count(c) == 1 for c in sub):
            printed = [c for c in columns if c not in legal]
            at = columns.index(legal[0])
            new_cols = printed[:at] + sub + printed[at:]
            return Check("t3.header", "t3", True, f"header prints the legal-person columns as {sub}; cells read "
                         "in that order", "info"), new_cols
        return Check("t3.header", "t3", False, f"header columns appear as {seen}, not in the template's "
                     f"order {columns}; columns read in template order", "warning"), columns
    return Check("t3.header", "t3", True, f"header shows {len(seen)} of {len(columns)} column labels in template order",
                 "info"), columns


def _row_candidates(seg: list[Tok], C: int, ok=None) -> list[tuple[tuple[Tok, ...], tuple[str, ...]]]:
    nums = [t for t in seg if t.kind == NUM]
    n = len(nums)
    if n == C:
        return [(tuple(nums), ())]
    if n < C:
        cells = [t for t in seg if t.kind in (NUM, BLANK)]
        if n == 0 and len(cells) >= C and all(t.kind == BLANK for t in cells[:C]):
            return [(tuple(cells[:C]), ())]  # a row printed all dashes or blanks: blank, not 0
        row = [t for t in cells if t.line == cells[0].line] if cells else []
        if len(row) == C and all(t.kind == BLANK for t in cells[C:]):
            # one row of cells on a line, its blanks printed as boxes or dashes (a tab row
            # of an HTML, Word or PDF table, a markdown grid): every cell in its place, the
            # 总计 too where it is blank (a row of empty boxes after it is no cell of it)
            return [(tuple(row), ())]
        # blanks fill a row only before its last number: a blank after the numbers may be
        # the next row's padding, and the row's own cell may simply be lost
        if len(cells) >= C and sum(1 for t in cells[:C] if t.kind == NUM) == n and n > 0 \
                and cells[C - 1].kind == NUM:
            return [(tuple(cells[:C]), ())]
        digits = digits_of(nums) if nums and ok is not None and looks_flattened(nums, C) else None
        if digits and len(digits) <= 24:
            return [(tuple(Tok(NUM, a, b, f"{v:g}", v) for v, a, b in reading), ("split_digit_run",))
                    for reading in split_run(digits, C, ok)]
        return []
    if n - C <= 2:
        out: list[tuple[tuple[Tok, ...], tuple[str, ...]]] = []
        for drop in itertools.combinations(range(n), n - C):
            kept = tuple(t for i, t in enumerate(nums) if i not in drop)
            out.append((kept, ("dropped_stray_cell",)))
        return out
    return []


def read_t3(text: str, region: tuple[int, int]) -> T3Reading | None:
    toks = tokenize(text, *region, aligned=True)
    if not toks:
        return None
    legal = layouts().t3.legal_columns
    # label events in reading order
    events = find_all_labels(toks, "t3_rows")
    first = next((e for e in events if e.code == "new_received"), None)
    if first is None:
        first = next((e for e in events if e.kind == "leaf"), None)
    header_end = first.start if first else region[0]
    header_text = "".join(t.raw for t in toks if t.start < header_end and t.kind == TEXT)
    columns = _detect_columns(header_text)
    C = len(columns)
    header_check, columns = _check_header(toks, header_end, columns)
    events = [e for e in events if first is not None and e.start >= first.start]
    split_other = any(e.code.startswith("other.") for e in events)
    body = [t for t in toks if t.start >= header_end]
    label_reading = _read_by_labels(body, events, columns, legal, split_other)
    lab_fail = t3_failures({k: _vals(v) for k, v in label_reading.rows.items()}, columns, legal)
    lab_complete = all(v is not None for v in label_reading.rows.values())
    lab_clean = lab_complete and not any("derived" in c.flags for v in label_reading.rows.values() for c in v or ())
    if lab_complete and not lab_fail and lab_clean:
        chosen = label_reading
        fails = lab_fail
    else:
        order = _read_by_order([t for t in body if t.kind == NUM], columns, legal, split_other, events)
        if order is not None and not _agrees_with_labels(order, label_reading):
            order = None
        if order is not None:
            chosen = order
        else:
            chosen = label_reading
            _withhold_derived_if_inconsistent(chosen, legal)
        fails = t3_failures({k: _vals(v) for k, v in chosen.rows.items()}, columns, legal)
    chosen.checks.extend(_identity_checks(chosen, legal, fails))
    if header_check is not None:
        chosen.checks.append(header_check)
    _withhold_if_digits_suspect(chosen, fails)
    return chosen


SUSPECT_FAILURES: Final = 4


def _withhold_if_digits_suspect(reading: T3Reading, fails) -> None:
    """A report's own arithmetic slips break one or two identities; a font that remaps
    digits, or a reading gone wrong, breaks many. Such a table is not published.
    `fails`: the identity failures of the reading's rows."""
    if len(fails) < SUSPECT_FAILURES:
        return
    n = sum(1 for v in reading.rows.values() if v is not None)
    for k in reading.rows:
        reading.rows[k] = None
    reading.checks.append(Check("t3.digits_suspect", "t3", False,
                                f"{len(fails)} identities fail across the {n} rows read: the digits or their "
                                "alignment cannot be trusted (e.g. a PDF font that remaps digits); table 三 not "
                                "published", "error"))


def _segments(body: list[Tok], events, C: int, rows_tpl: list[str], split_other: bool):
    """The cells after each row label up to the next one: (row -> its segments, row ->
    its label's span, row -> the row whose label is printed right above its own and has
    no cells: `stacked`)."""
    segs: dict[str, list[list[Tok]]] = {}
    label_span: dict[str, tuple[int, int]] = {}
    cur: str | None = None
    stacked: dict[str, str] = {}   # a row label printed right under another one that has no cells
    starts = [t.start for t in body]
    cur_line = -1                  # the line of the label that opened `cur`
    ei = 0
    for t in body:
        while ei < len(events) and events[ei].start <= t.start:
            e = events[ei]
            ei += 1
            if e.kind == "heading":
                continue
            if e.kind == "group" or (e.code == "other" and split_other):
                # a group label opens a subtotal row only where the row before is complete
                # (else it is a label printed in the middle of its sub-rows)
                if cur is None or _complete(segs[cur][-1], C):
                    cur = e.code
                    segs.setdefault(cur, []).append([])
                    label_span.setdefault(cur, (e.start, e.end))
                continue
            if e.code not in rows_tpl:
                continue
            line = body[max(0, bisect.bisect_right(starts, e.start) - 1)].line
            if cur is not None and cur != e.code and cur in rows_tpl and cur not in GROUPS and line > cur_line \
                    and rows_tpl.index(cur) < rows_tpl.index(e.code) and not _has_cells(segs[cur][-1], C):
                # two row labels, in template order, one under the other, over one row of cells (labels
                # side by side on one line are a header or a list of them, not rows)
                stacked.setdefault(e.code, cur)
            cur = e.code
            cur_line = line
            segs.setdefault(cur, []).append([])
            label_span.setdefault(cur, (e.start, e.end))
        if cur is None or t.kind == TEXT:
            continue
        segs[cur][-1].append(t)
    return segs, label_span, stacked


def _read_by_labels(body: list[Tok], events, columns, legal, split_other) -> T3Reading:
    C = len(columns)
    rows_tpl = _template_rows(split_other)
    segs, label_span, stacked = _segments(body, events, C, rows_tpl, split_other)
    reading = T3Reading(columns=columns, rows={}, method="labels", split_other=split_other)
    _drop_out_of_order(segs, rows_tpl, reading)
    options: dict[str, list[tuple[tuple[Tok, ...], tuple[str, ...]]]] = {}
    subtotal_rows = [g for g in GROUPS if any(any(t.kind == NUM for t in s_) for s_ in segs.get(g, []))
                     and (g != "other" or split_other)]
    rows_tpl = _with_subtotals(rows_tpl, subtotal_rows)
    for code in rows_tpl:
        parts = [s for s in segs.get(code, []) if any(t.kind == NUM for t in s)
                 or sum(1 for t in s if t.kind == BLANK) >= C]
        if len(parts) == 1 and code in stacked:
            # labels stacked over one row (shkw-2024: 5.属于三类内部事务信息 and 1.本机关不掌握相关政府信息
            # both precede internal_affairs' row): the row may be either label's; not read by label
            reading.checks.append(Check("t3.row_read", code, False,
                                        f"row {code}'s label is printed right under the label of row "
                                        f"{stacked[code]}, which has no cells: the row below them may be "
                                        "either's; not read by label", "warning", "fct_outcomes", code))
            options[code] = []
            continue
        if len(parts) != 1:
            if len(parts) > 1:
                reading.checks.append(Check("t3.row_read", code, False,
                                            f"row {code} labelled {len(parts)} times with numbers; not read by label",
                                            "warning", "fct_outcomes", code))
            options[code] = []
            continue
        cands = _row_candidates(parts[0], C, lambda v, c=code: not row_failures(c, v, columns, legal))
        # keep the distinct value vectors that satisfy the row total
        distinct: dict[tuple, tuple] = {}
        for toks_, flags in cands:
            vec = [None if t.kind == BLANK else t.value for t in toks_]
            if len(cands) > 1 and row_failures(code, vec, columns, legal):
                continue
            distinct.setdefault(tuple(vec), (toks_, flags))
        options[code] = list(distinct.values())
    # rows with several readings: let the column identities choose
    multi = [c for c, o in options.items() if len(o) > 1]
    fixed = {c: list(o[0][0]) for c, o in options.items() if len(o) == 1}
    chosen_multi: dict[str, tuple] = {}
    if multi:
        combos = list(itertools.islice(itertools.product(*[options[c] for c in multi]), MAX_COMBOS))
        good = []
        for combo in combos:
            rows = {c: [t.value if t.kind == NUM else None for t in fixed[c]] for c in fixed}
            for c, (toks_, _) in zip(multi, combo):
                rows[c] = [t.value if t.kind == NUM else None for t in toks_]
            if not column_failures({r: rows.get(r) for r in rows_tpl if r in rows}, columns):
                good.append(combo)
        for i, c in enumerate(multi):
            vecs = {tuple(t.value if t.kind == NUM else None for t in combo[i][0]) for combo in good}
            if len(vecs) == 1:
                chosen_multi[c] = good[0][i]
            else:
                cand_vals = [[t.value for t in toks_] for toks_, _ in options[c]]
                reading.checks.append(Check("t3.row_read", c, False,
                                            f"row {c}: {len(options[c])} readings of its cells remain "
                                            f"({'none' if not good else len(vecs)} fit the column identities): "
                                            f"{candidates_text(cand_vals)}; not published",
                                            "warning", "fct_outcomes", c))
    for code in rows_tpl:
        row_toks: Any
        if code in fixed:
            row_toks = fixed[code]
            flags = options[code][0][1]
        elif code in chosen_multi:
            row_toks, flags = chosen_multi[code]
        else:
            reading.rows[code] = None
            continue
        reading.rows[code] = _cells_from_toks(row_toks, flags)
    _verify_subtotals(reading, legal)
    _derive_missing(reading, segs, label_span, legal)
    return reading


def _has_cells(seg: list[Tok], C: int) -> bool:
    """A segment that holds a row's worth of cells: a number, or a row of blanks."""
    return any(t.kind == NUM for t in seg) or sum(1 for t in seg if t.kind == BLANK) >= C


def _complete(seg: list[Tok], C: int) -> bool:
    """A row that has its cells: a number, or a whole row of blanks on one line."""
    if any(t.kind == NUM for t in seg):
        return True
    blanks = [t for t in seg if t.kind == BLANK]
    return len(blanks) >= C and len({t.line for t in blanks[:C]}) == 1


def _verify_subtotals(reading: T3Reading, legal) -> None:
    """A group label followed by numbers is a subtotal row only if its sub-rows are all
    read and add up to it; otherwise the numbers may belong to a sub-row whose label was
    lost, and the row is not published."""
    for g, kids in GROUPS.items():
        if g not in reading.rows or (g == "other" and not reading.split_other):
            continue
        sub = reading.rows[g]
        if sub is None:
            continue
        kid_rows: list[Any] = [reading.rows.get(k) for k in kids]
        ok = all(r is not None for r in kid_rows) and all(
            abs(sum(0.0 if r[i].value is None else r[i].value for r in kid_rows)
                - _num(sub[i])) < 1e-9 for i in range(len(sub)))
        if not ok:
            del reading.rows[g]
            reading.checks.append(Check("t3.subtotal", g, False,
                                        f"numbers after the group label {g} do not match its sub-rows "
                                        "(or a sub-row is missing); not published as a subtotal", "warning",
                                        "fct_outcomes", g))


def _num(c: Cell) -> float:
    return 0.0 if c.value is None else c.value


def _with_subtotals(rows_tpl: list[str], groups: list[str]) -> list[str]:
    """Template rows with printed subtotal rows placed before their first sub-row."""
    out = list(rows_tpl)
    for g in groups:
        first = next((i for i, r in enumerate(out) if r in GROUPS[g]), None)
        if first is not None and g not in out:
            out.insert(first, g)
    return out


@functools.lru_cache(maxsize=16)
def _template_positions(rows_tpl: tuple[str, ...]) -> dict[str, float]:
    """Position of each row in the template; a subtotal just before its first sub-row."""
    order = {c: float(i) for i, c in enumerate(rows_tpl)}
    for g, kids in GROUPS.items():
        k = next((order[c] for c in kids if c in order), None)
        if k is not None and g not in order:
            order[g] = k - 0.5
    return order


def _drop_out_of_order(segs: dict, rows_tpl: list[str], reading: T3Reading) -> None:
    """Rows must come in template order. A labelled row that breaks the order (labels that
    drifted away from their numbers) is not read by its label."""
    order = _template_positions(tuple(rows_tpl))
    seq = [c for c in segs if c in order and any(t.kind == NUM for s_ in segs[c] for t in s_)]
    idx = [order[c] for c in seq]
    if all(a < b for a, b in zip(idx, idx[1:])):
        return  # already in template order (the usual case)
    # longest increasing subsequence of template positions
    best: list[list[int]] = []
    for i, x in enumerate(idx):
        cand = [j for j in range(i) if idx[j] < x]
        prev: list[int] = max((best[j] for j in cand), key=len) if cand else []
        best.append(prev + [i])
    longest: list[int] = max(best, key=len) if best else []
    keep = set(longest)
    for i, c in enumerate(seq):
        if i not in keep:
            segs[c] = []
            reading.checks.append(Check("t3.row_read", c, False,
                                        f"row {c}'s label is out of template order; not read by its label",
                                        "warning", "fct_outcomes", c))


def _withhold_derived_if_inconsistent(reading: T3Reading, legal) -> None:
    """Cells derived from identities are only as good as the rest of the table: where the
    table breaks an identity anyway, derived rows are not published."""
    derived = [r for r, v in reading.rows.items() if v is not None and any(c.source == "derived" for c in v)]
    if not derived:
        return
    fails = t3_failures({k: _vals(v) for k, v in reading.rows.items()}, reading.columns, legal)
    if not fails:
        return
    for r in derived:
        reading.rows[r] = None
        reading.checks.append(Check("t3.row_read", r, False,
                                    f"row {r} could only be derived, and the table breaks other identities "
                                    f"({len(fails)} failures); not published", "warning", "fct_outcomes", r))


def _derive_missing(reading: T3Reading, segs, label_span, legal) -> None:
    """Fill rows that could not be read from the column identities, where they determine them."""
    columns = reading.columns
    rows = reading.rows
    for _ in range(2):
        missing = [r for r, v in rows.items() if v is None]
        if not missing:
            return
        for code in missing:
            vals = _solve_row(code, rows, len(columns))
            if vals is None or any(v < 0 or v != int(v) for v in vals):
                continue
            if row_failures(code, vals, columns, legal):
                continue
            printed = sorted(t.value for s in segs.get(code, []) for t in s if t.kind == NUM)
            pool = list(vals)
            ok = True
            for p in printed:
                if p in pool:
                    pool.remove(p)
                else:
                    ok = False
            if not ok:
                reading.checks.append(Check("t3.row_read", code, False,
                                            f"row {code}: identities give {vals} but the printed numbers {printed} "
                                            "do not fit them; not published", "warning", "fct_outcomes", code))
                continue
            a, b = label_span.get(code, (None, None))
            # a 0 the row does not print as 0 is printed blank, or a 0 that was lost: which, the
            # report's print decides (extract._read_table3); every 0 of the row where any is
            fl0 = ("derived", "unprinted_zero") if vals.count(0) > printed.count(0) else ("derived",)
            rows[code] = [Cell(v + 0.0, a, b, "derived", fl0 if v == 0 else ("derived",)) for v in vals]
            reading.checks.append(Check("t3.row_read", code, True,
                                        f"row {code} printed {len(printed)} numbers for {len(columns)} cells; "
                                        f"derived {vals} from the column identities", "info", "fct_outcomes", code))


def _solve_row(code: str, rows: dict, C: int) -> list[float] | None:
    known = {r: [0.0 if c.value is None else c.value for c in v] for r, v in rows.items() if v is not None}
    leaves = outcome_rows(rows)
    if code in leaves:
        others = [r for r in leaves if r != code]
        if "total" in known and all(r in known for r in others):
            return [known["total"][i] - sum(known[r][i] for r in others) for i in range(C)]
    if code in GROUPS and code not in leaves:
        kids = [k for k in GROUPS[code] if k in rows]
        if all(k in known for k in kids):
            return [sum(known[k][i] for k in kids) for i in range(C)]
    if code == "total":
        if all(r in known for r in leaves):
            return [sum(known[r][i] for r in leaves) for i in range(C)]
    bal = {"new_received": 1, "carried_over": 1, "total": -1, "carried_to_next": -1}
    if code in bal and all(r in known for r in bal if r != code):
        # new + carried = total + next
        out = []
        for i in range(C):
            s = sum(bal[r] * known[r][i] for r in bal if r != code)
            out.append(-s * bal[code])
        return out
    return None


MAX_STATES: Final = 4000


def _row_options(nums: list[Tok], p: int, code: str, columns, legal, drops_left: int, miss_left: int):
    """Ways the row starting at stream position p can be printed: C numbers; C+1 with a
    stray dropped; C−1 with one cell missing (its value fixed by the row total).
    Yields (next position, cells, drops used, missing used)."""
    C = len(columns)
    seen = set()
    if p + C <= len(nums):
        take = nums[p:p + C]
        vec = [t.value for t in take]
        if not row_failures(code, vec, columns, legal):
            seen.add(tuple(vec))
            yield p + C, [Cell(t.value, t.start, t.end) for t in take], 0, 0
    if drops_left and p + C + 1 <= len(nums):
        take = nums[p:p + C + 1]
        for j in range(C + 1):
            kept = take[:j] + take[j + 1:]
            vec = [t.value for t in kept]
            if tuple(vec) in seen or row_failures(code, vec, columns, legal):
                continue
            seen.add(tuple(vec))
            yield p + C + 1, [Cell(t.value, t.start, t.end, flags=("dropped_stray_cell",)) for t in kept], 1, 0
    if miss_left and p + C - 1 <= len(nums) and "legal_person_total" not in columns:
        take = nums[p:p + C - 1]
        ti = columns.index("total")
        for j in range(C):
            vals: list[Any] = [t.value for t in take]
            x: Any
            if j == ti:
                x = sum(vals)
            else:
                x = vals[-1] - sum(vals[:-1]) if j < ti else None
            if x is None or x < 0:
                continue
            vec = vals[:j] + [x] + vals[j:]
            if tuple(vec) in seen or row_failures(code, vec, columns, legal):
                continue
            seen.add(tuple(vec))
            cells = [Cell(t.value, t.start, t.end) for t in take]
            cells.insert(j, Cell(x, None, None, "derived", ("missing_cell",)))
            yield p + C - 1, cells, 0, 1


def _agrees_with_labels(order: T3Reading, labels: T3Reading) -> bool:
    """A template-order reading must give every row that its label read cleanly (exactly
    its cells, no repair) the same values from the same printed numbers: otherwise it is a
    shifted reading that zeros happen to balance (a cell not printed in a run of 0s put in
    the wrong row)."""
    for code, cells in labels.rows.items():
        theirs = order.rows.get(code)
        if cells is None or theirs is None:
            continue
        if any(c.flags or c.source != "table" for c in cells):
            continue
        # a cell printed blank is the cell a template-order reading finds not printed
        if [c.value for c in cells] != [None if "missing_cell" in c.flags else c.value for c in theirs]:
            return False
        # and the same printed numbers, not the same values one number along (a run of 0s)
        if any(c.value is not None and t.start is not None and c.start != t.start for c, t in zip(cells, theirs)):
            return False
    return True


def _straddles_label(rows: list[list[Cell]], events) -> bool:
    """A row's cells are printed together: a row label printed between two of them means
    the cut moved digits across a label boundary (a shifted reading), not a row."""
    starts = sorted(e.start for e in events if e.kind != "heading")
    if not starts:
        return False
    for cells in rows:
        pos = [c.start for c in cells if c.start is not None]
        if len(pos) < 2:
            continue
        a, b = min(pos), max(pos)
        i = bisect.bisect_right(starts, a)
        if i < len(starts) and starts[i] < b:
            return True
    return False


def _read_by_order(nums: list[Tok], columns, legal, split_other_hint: bool, events) -> T3Reading | None:
    """Cut all numbers of the table into the template's rows in order, allowing up to two
    stray numbers and two missing cells; keep the readings that satisfy every identity."""
    C = len(columns)
    found: dict[tuple, tuple] = {}
    codes = {e.code for e in events}
    # a table printed a row per line (most lines with numbers hold several): there a row's
    # cells are on one line, and a reading that takes them from two lines is shifted
    per_line: dict[int, int] = {}
    for t in nums:
        per_line[t.line] = per_line.get(t.line, 0) + 1
    line_of = {t.start: t.line for t in nums}
    row_per_line = len(per_line) >= 5 and sum(1 for n in per_line.values() if n >= 2) >= 0.8 * len(per_line)
    variants: tuple[bool, ...]
    if split_other_hint:
        variants = (True,)
    elif "other" in codes:
        variants = (False,)  # （六）其他处理 printed, none of its sub-rows
    else:
        variants = (False, True)
    for split in variants:
        rows_tpl = _template_rows(split)
        R = len(rows_tpl)
        if not (R * C - 2 <= len(nums) <= R * C + 2):
            continue
        states: list[tuple[int, int, int, list]] = [(0, 2, 2, [])]  # position, drops left, missing left, rows so far
        for code in rows_tpl:
            nxt = []
            for p, dl, ml, rows in states:
                for q, cells, d, m in _row_options(nums, p, code, columns, legal, dl, ml):
                    nxt.append((q, dl - d, ml - m, rows + [cells]))
            states = nxt[:MAX_STATES]
            if not states:
                break
        for p, dl, ml, rows in states:
            if p != len(nums):
                continue
            if row_per_line and any(len({line_of[c.start] for c in cells if c.start is not None}) > 1
                                    for cells in rows):
                continue  # a row's numbers taken from two printed rows: a shifted reading
            vals = {code: [c.value for c in cells] for code, cells in zip(rows_tpl, rows)}
            if column_failures(vals, columns):
                continue
            # a cell found not printed is part of the reading: the same values with it in
            # another place (a 0 not printed, in a run of 0s) are another reading
            where = tuple((code, j) for code, cells in zip(rows_tpl, rows) for j, c in enumerate(cells)
                          if "missing_cell" in c.flags)
            key = (tuple(tuple(v) for v in vals.values()), where)
            found.setdefault(key, (split, rows_tpl, rows, 2 - dl, 2 - ml))
    if len(found) != 1:
        return None
    split, rows_tpl, rows, drops, missing = next(iter(found.values()))
    if _straddles_label(rows, events):
        return None
    reading = T3Reading(columns=columns, rows={}, method="template_order", split_other=split)
    for code, cells in zip(rows_tpl, rows):
        reading.rows[code] = [Cell(c.value, c.start, c.end, c.source, c.flags + ("template_order",)) for c in cells]
    detail = (f"labels do not line up with the numbers; read {len(rows_tpl)} rows x {C} columns in template order"
              + (f", dropping {drops} stray number(s)" if drops else "")
              + (f", with {missing} cell(s) not printed" if missing else "")
              + ": the only reading that satisfies every identity")
    reading.checks.append(Check("t3.layout", "t3", True, detail, "info"))
    for code, row in reading.rows.items():
        for col, c in zip(columns, row or []):
            if "missing_cell" in c.flags:
                table = t3_fact_table(code)
                reading.checks.append(Check("t3.missing_cell", f"{code}/{col}", False,
                                            f"cell {code}/{col} is not printed; the identities give {c.value:g}; "
                                            "not published", "warning", table, code, col, c.value, None))
    return reading


def _identity_checks(reading: T3Reading, legal, fails) -> list[Check]:
    """Checks from the identity failures (`fails`) of the reading's rows."""
    out: list[Check] = []
    by_check: dict[str, list] = {}
    for f in fails:
        by_check.setdefault(f[0], []).append(f)
    for name in ("t3.row_total", "t3.balance", "t3.outcome_sum", "t3.subtotal"):
        fl = by_check.get(name, [])
        for _, subject, exp, found in fl:
            if name == "t3.row_total":
                k1, k2 = subject, "total"
                detail = f"row {subject}: applicant columns sum to {exp:g} but 总计 is {found:g}"
            elif name == "t3.subtotal":
                k1, k2 = subject.split("/")
                detail = f"subtotal {k1}, column {k2}: its sub-rows sum to {exp:g} but it prints {found:g}"
            else:
                k1, k2 = "total", subject
                what = "新收 + 结转 − 结转下年度" if name == "t3.balance" else "sum of the outcome rows"
                detail = f"column {subject}: {what} = {exp:g} but (七)总计 is {found:g}"
            table = t3_fact_table(k1)
            cell: list[Any] = (reading.rows.get(k1) or [None] * len(reading.columns))
            ci = reading.columns.index(k2) if k2 in reading.columns else -1
            c = cell[ci] if cell and ci >= 0 and cell[ci] is not None else None
            out.append(Check(name, subject, False, detail, "error", table, k1, k2, exp, found,
                             c.start if c else None, c.end if c else None))
    for n in ("t3.row_subtotal",):
        for _, subject, exp, found in by_check.get(n, []):
            out.append(Check(n, subject, False, f"row {subject}: legal-person columns sum to {exp:g} but 小计 is {found:g}",
                             "error", None, subject, "legal_person_total", exp, found))
    # each identity: holds where every instance was evaluated, else says which were not
    out.extend(t3_not_evaluated(reading.rows, reading.columns, legal))
    return out
