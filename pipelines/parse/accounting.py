"""Completeness accounting and the `verified` flag: what belongs here is deciding, once a
report's tables are read, (1) which arithmetic identities were evaluated and which hold,
cell by cell, and (2) that every cell of every template table the report has is either
published or named by a failing `*.withheld` check. No reading happens here.

Identities (the same as identities.py, listed cell by cell here so that each cell knows
the identities it is part of):
- 三, per row: the applicant columns add up to 总计 (with a printed 小计 column: the
  legal-person columns to 小计, and 自然人 + 小计 to 总计);
- 三, per column: 一 + 二 = (七)总计 + 四 (balance); (七)总计 = the sum of the outcome rows;
  a printed subtotal row (（三）不予公开 …) = the sum of its sub-rows;
- 四, per proceeding: the four results add up to 总计.
An identity is *evaluated* when every one of its cells was read from the table (a cell
printed blank counts as read, as 0, where the sum holds so; a sum that fails with a blank
total — a blank on its right, or in the 总计/小计 column — is not evaluated: a blank total
is not a wrong one: it is not evaluated; a sum printed all blank is evaluated, as 0 = 0, only
where a sum of the same table with a blank and a number in it holds — the table's own
arithmetic shows that blank is 0 —, else it shows nothing and is not evaluated; a cell
derived from an identity or not printed does not count as read). A cell is verified when it was read from the table, takes part in at least one
identity, and every identity it takes part in is evaluated and holds. Table 二 has no
identity: its cells are never verified; nor are prose figures or derived cells (computed
from an identity, so it cannot also check them). One derived row counts as read for the
identities over it (`confirmed_rows`): a row derived as 0 in every cell whose own stretch
of text prints only 0s — counts are never negative, so such a print is 0 in every cell
whichever cell each 0 is, and the derivation agrees with it. In a pre-2019 statistics table a total
and its printed items form a sum (data/pre2019_rows.csv's parents); a figure chosen among
the splits of a digit run is not read as printed, so a sum over it is not evaluated.

Template cells (for dim_reports.n_template_cells and the `*.withheld` checks) come from
the layout data (data/templates.yaml): table 二's items and measures of the report's
template, table 三's rows and columns in the variant the report prints (其他处理 as one row
or three; a 小计 column or not), table 四's proceedings and results; for a pre-2019
statistics table, the coded rows it prints.
"""
from __future__ import annotations

import re
from typing import Any, Final

from .identities import GROUPS, NON_OUTCOME, t3_fact_table
from .layouts import layouts
from .model import Check, Fact

TABLE_NAMES: Final = {"t2": "table 二", "t3": "table 三", "t4": "table 四", "pre2019": "the statistics table"}

# An identity: (check name, subject, cells on the left, cells on the right); a cell is (row, column index)
Identity = tuple[str, str, list[tuple[str, int]], list[tuple[str, int]]]


def t3_identities(codes: list[str], columns: list[str], legal: list[str]) -> list[Identity]:
    """Every identity of a table 三 whose printed rows are `codes` (template rows, and the
    subtotal rows it prints) and whose columns are `columns`."""
    out: list[Identity] = []
    idx = {c: i for i, c in enumerate(columns)}
    ti = idx["total"]
    has_sub = "legal_person_total" in idx
    present = set(codes)
    for r in codes:
        if has_sub:
            lpt = idx["legal_person_total"]
            out.append(("t3.row_subtotal", r, [(r, idx[c]) for c in legal if c in idx], [(r, lpt)]))
            out.append(("t3.row_total", r, [(r, idx["natural_person"]), (r, lpt)], [(r, ti)]))
        else:
            out.append(("t3.row_total", r, [(r, i) for i, c in enumerate(columns) if c != "total"], [(r, ti)]))
    subs = {g: [k for k in kids if k in present] for g, kids in GROUPS.items()
            if g in present and any(k in present for k in kids)}
    leaves = [r for r in codes if r not in NON_OUTCOME and r not in subs]
    for i, col in enumerate(columns):
        if all(r in present for r in NON_OUTCOME):
            out.append(("t3.balance", col, [("new_received", i), ("carried_over", i)],
                        [("total", i), ("carried_to_next", i)]))
        if "total" in present and leaves:
            out.append(("t3.outcome_sum", col, [(r, i) for r in leaves], [("total", i)]))
        for g, kids in subs.items():
            out.append(("t3.subtotal", f"{g}/{col}", [(k, i) for k in kids], [(g, i)]))
    return out


def _read(cell: Any) -> bool:
    """A cell read from the table (blank counts), not derived nor filled in."""
    return cell is not None and cell.source == "table" and "derived" not in cell.flags \
        and "missing_cell" not in cell.flags


def evaluate(identities: list[Identity], cell_of, confirmed: set[str] | None = None,
             totals: frozenset[int] = frozenset()
             ) -> tuple[dict[tuple[str, int], bool], list[Identity], list[Identity]]:
    """(verified per cell, identities not evaluated, identities that fail).
    `cell_of(row, col)`: the read cell (with .value, .source, .flags) or None; the cells of
    the `confirmed` rows (confirmed_rows) count as read; `totals`: the column indices of
    the 总计/小计 columns (a failing sum with a blank there is not evaluated)."""
    ok: dict[tuple[str, int], bool] = {}
    not_evaluated: list[Identity] = []
    failing: list[Identity] = []
    conf: set[str] = confirmed if confirmed is not None else set()
    # a sum printed all blank is evaluated (as 0 = 0) only where a sum of the same table with
    # a blank and a number in it holds: the table's own arithmetic shows that blank is 0
    shown = _shows_blank_zero(identities, cell_of)
    for ident in identities:
        _, _, left, right = ident
        cells = left + right
        got = [cell_of(r, c) for r, c in cells]
        if not all(_read(x) or (x is not None and r in conf) for x, (r, _c) in zip(got, cells)):
            not_evaluated.append(ident)
            for k in cells:
                ok[k] = False
            continue
        lhs = sum(0.0 if x.value is None else float(x.value) for x in got[:len(left)])
        rhs = sum(0.0 if x.value is None else float(x.value) for x in got[len(left):])
        holds = abs(lhs - rhs) <= 1e-6
        if (not holds and _blank_total(got, cells, len(left), totals)) or \
                (not shown and all(x.value is None for x in got)):
            # a blank total is not a wrong one; a sum of blanks alone shows nothing
            not_evaluated.append(ident)
            for k in cells:
                ok[k] = False
            continue
        if not holds:
            failing.append(ident)
        for k in cells:
            ok[k] = ok.get(k, True) and holds
    return ok, not_evaluated, failing


def _shows_blank_zero(identities: list[Identity], cell_of) -> bool:
    for _name, _subj, left, right in identities:
        got = [cell_of(r, c) for r, c in left + right]
        if not all(_read(x) for x in got):
            continue
        vals = [x.value for x in got]
        if None not in vals or all(v is None for v in vals):
            continue
        lhs = sum(0.0 if v is None else float(v) for v in vals[:len(left)])
        rhs = sum(0.0 if v is None else float(v) for v in vals[len(left):])
        if abs(lhs - rhs) <= 1e-6:
            return True
    return False


def _blank_total(got: list, cells: list[tuple[str, int]], n_left: int, totals: frozenset[int]) -> bool:
    """A sum whose total is printed blank: a blank on its right, or in a 总计/小计 column."""
    for j, (x, (_r, c)) in enumerate(zip(got, cells)):
        if x.value is None and (j >= n_left or c in totals):
            return True
    return False


_NUMBER: Final = re.compile(r"\d+(?:\.\d+)?")


def confirmed_rows(text: str, rows: dict[str, Any]) -> dict[str, str]:
    """Rows of a table 三 reading derived from the column identities (printed with too few
    numbers) that their own print confirms: every derived value is 0, and the text from the
    row's label to the first cell read of the rows after it prints at least one number and
    no number but 0. Counts are never negative, so a row that prints only 0s (and blanks) is 0
    in every cell whichever cell each printed 0 is: the print and the derivation agree, and
    the identities over the row are evaluated with it. (A stray number dropped from the
    front of the next row lies in that stretch too, so it is checked as well.) Its own
    cells stay derived, never verified. Returns row -> the stretch of text."""
    starts = sorted(c.start for v in rows.values() if v is not None for c in v
                    if c.start is not None and _read(c))
    out: dict[str, str] = {}
    for r, v in rows.items():
        if v is None or not v or not all(c.source == "derived" and "derived" in c.flags for c in v):
            continue
        if any(c.value is None or c.value != 0 for c in v):
            continue
        end = v[0].end
        if end is None or any(c.end != end for c in v):
            continue
        nxt = next((s for s in starts if s >= end), None)
        if nxt is None:
            continue  # the last row printed: no bound to its stretch
        stretch = text[end:nxt]
        nums = _NUMBER.findall(stretch)
        if nums and all(float(n) == 0 for n in nums):
            out[r] = stretch
    return out


def t3_verified(rows: dict[str, Any], columns: list[str], legal: list[str],
                confirmed: set[str] | None = None) -> dict[tuple[str, str], bool]:
    """Verified per (row, column) of a table 三 reading (`rows`: code -> cells or None);
    `confirmed`: derived rows whose print confirms them (confirmed_rows)."""
    idents = t3_identities(list(rows), columns, legal)

    def cell_of(r: str, i: int) -> Any:
        v = rows.get(r)
        return None if v is None else v[i]

    ok, _, _ = evaluate(idents, cell_of, confirmed, _totals(columns))
    out: dict[tuple[str, str], bool] = {}
    for (r, i), good in ok.items():
        out[(r, columns[i])] = good and _read(cell_of(r, i))
    return out


def _totals(columns: list[str]) -> frozenset[int]:
    return frozenset(i for i, c in enumerate(columns) if c in ("total", "legal_person_total"))


T3_IDENTITY_CHECKS: Final = ("t3.row_total", "t3.row_subtotal", "t3.balance", "t3.outcome_sum", "t3.subtotal")


def t3_not_evaluated(rows: dict[str, Any], columns: list[str], legal: list[str],
                     confirmed: set[str] | None = None) -> list[Check]:
    """Per identity of table 三: a passing row where every instance was evaluated and none
    fails; a failing row (`not evaluated`) naming the instances whose cells were not all read.
    (Instances that fail have their own checks, from identities.t3_failures.)"""
    idents = t3_identities(list(rows), columns, legal)

    def cell_of(r: str, i: int) -> Any:
        v = rows.get(r)
        return None if v is None else v[i]

    conf: set[str] = confirmed if confirmed is not None else set()
    _, not_eval, failing = evaluate(idents, cell_of, conf, _totals(columns))
    out: list[Check] = []
    for name in T3_IDENTITY_CHECKS:
        mine = [x for x in idents if x[0] == name]
        if not mine:
            continue
        ne = [x for x in not_eval if x[0] == name]
        nf = sum(1 for x in failing if x[0] == name)
        if ne:
            unread = sorted({r for x in ne for r, c in x[2] + x[3] if not _read(cell_of(r, c)) and r not in conf})
            subjects = [x[1] for x in ne]
            shown = ", ".join(subjects[:8]) + (f" and {len(subjects) - 8} more" if len(subjects) > 8 else "")
            blank = _blank_in(ne, cell_of)
            why = [f"cells not read (or derived) in rows {', '.join(unread[:10])}{' …' if len(unread) > 10 else ''}"
                   if unread else "", "blank cells (a total printed blank, or no number at all)" if blank else ""]
            out.append(Check(name, "t3", False,
                             f"not evaluated for {len(ne)} of {len(mine)} ({shown}): "
                             f"{' or '.join(w for w in why if w)}; "
                             f"{len(mine) - len(ne) - nf} evaluated and hold, {nf} fail", "warning"))
        elif not nf:
            used = sorted({r for x in mine for r, _c in x[2] + x[3] if r in conf})
            out.append(Check(name, "t3", True, f"holds ({len(mine)} of {len(mine)} evaluated)"
                             + (f"; row {', '.join(used)} derived as 0 and printed as 0 only" if used else ""),
                             "info"))
    return out


def _blank_in(idents: list[Identity], cell_of) -> bool:
    for x in idents:
        for r, c in x[2] + x[3]:
            cell = cell_of(r, c)
            if cell is not None and _read(cell) and cell.value is None:
                return True
    return False


def blanks_shown_zero(t3_rows: dict[str, Any], columns: list[str], legal: list[str],
                      t4_groups: dict[str, Any], results: list[str]) -> bool:
    """Whether the report's own arithmetic shows that a blank cell is 0: a sum of table 三
    or 四 with a blank and a number in it, every cell read, holds with the blank as 0."""
    cases: list[tuple[list[Identity], Any]] = []
    if t3_rows:
        cases.append((t3_identities(list(t3_rows), columns, legal),
                      lambda r, i: None if t3_rows.get(r) is None else t3_rows[r][i]))
    if t4_groups:
        ti = results.index("total")
        cases.append(([("t4.total", p, [(p, i) for i in range(len(results)) if i != ti], [(p, ti)])
                       for p in t4_groups],
                      lambda p, i: None if t4_groups.get(p) is None else t4_groups[p][i]))
    return any(_shows_blank_zero(idents, cell_of) for idents, cell_of in cases)


def t4_verified(groups: dict[str, Any], results: list[str]) -> dict[tuple[str, str], bool]:
    ti = results.index("total")
    idents: list[Identity] = [("t4.total", p, [(p, i) for i in range(len(results)) if i != ti], [(p, ti)])
                              for p in groups]

    def cell_of(p: str, i: int) -> Any:
        v = groups.get(p)
        return None if v is None else v[i]

    ok, _, _ = evaluate(idents, cell_of, totals=frozenset({ti}))
    return {(p, results[i]): good and _read(cell_of(p, i)) for (p, i), good in ok.items()}


def pre2019_verified(ids: list[str], parents: list[str], values: list[float | None]) -> list[bool]:
    """Verified per row of a pre-2019 statistics table: the row is part of at least one
    sum (a total = its printed items, by data/pre2019_rows.csv's parents), and every sum it
    is part of has all its figures read as printed (`values`: None where not) and holds."""
    rows_of: dict[str, list[int]] = {}
    kids_of: dict[str, list[int]] = {}
    for i, (rid, parent) in enumerate(zip(ids, parents)):
        rows_of.setdefault(rid, []).append(i)
        if parent:
            kids_of.setdefault(parent, []).append(i)

    def holds(parent_id: str) -> bool | None:
        """None where the sum has no parent row printed once; else whether it is evaluated and holds."""
        ps = rows_of.get(parent_id, [])
        if len(ps) != 1:
            return None
        terms = [values[ps[0]]] + [values[k] for k in kids_of[parent_id]]
        if any(t is None for t in terms):
            return False
        total = values[ps[0]] or 0.0
        return abs(total - sum(values[k] or 0.0 for k in kids_of[parent_id])) <= 1e-6

    out: list[bool] = []
    for i, (rid, parent) in enumerate(zip(ids, parents)):
        found: list[bool] = []
        if rid in kids_of and len(rows_of[rid]) == 1:
            h = holds(rid)
            if h is not None:
                found.append(h)
        if parent:
            h = holds(parent)
            if h is not None:
                found.append(h)
        out.append(bool(found) and all(found) and values[i] is not None)
    return out


# ---------------------------------------------------------------------------
# template cells and the withheld checks


def template_cells(fmt: str | None, tables: list[str], t3_columns: list[str] | None,
                   t3_split_other: bool | None) -> list[tuple[str, str, str, str]]:
    """(table id, fact table, key1, key2) of every cell of the template tables `tables`
    (t2, t3, t4) of template `fmt`."""
    tpl = layouts()
    out: list[tuple[str, str, str, str]] = []
    if "t2" in tables:
        for item, measures in tpl.t2.measures_of(fmt).items():
            for m in measures:
                out.append(("t2", "fct_proactive_disclosures", item, m))
    if "t3" in tables:
        cols = t3_columns or tpl.t3.columns
        split = (fmt == "f2021") if t3_split_other is None else t3_split_other
        for r in tpl.t3.rows(split):
            ft = t3_fact_table(r)
            for c in cols:
                out.append(("t3", ft, r, c))
    if "t4" in tables:
        for p in tpl.t4.proceedings:
            for r in tpl.t4.results:
                out.append(("t4", "fct_review_litigation", p, r))
    return out


def _names(c: Check, table: str, key1: str) -> bool:
    """Whether a failing check is about row `key1` of `table` (or the whole table)."""
    if c.subject == table:
        return True
    if c.key1 == key1 and (c.fact_table is None or c.fact_table.startswith("fct_")):
        return True
    return c.subject == key1 or c.subject.startswith(key1 + "/")


def _reasons(checks: list[Check], table: str, key1: str | None) -> str:
    seen: list[str] = []
    for c in checks:
        if c.passed or c.check.endswith(".withheld") or c.check == "narrative_vs_table":
            continue
        if not c.check.startswith(table + ".") and not (table == "pre2019" and c.check.startswith("pre2019")):
            continue
        if key1 is None and c.subject != table:
            continue
        if key1 is not None and not _names(c, table, key1):
            continue
        d = f"{c.check}: {c.detail}"
        if d not in seen:
            seen.append(d)
    if not seen:
        return ""
    text = "; ".join(seen[:3]) + (f"; and {len(seen) - 3} more" if len(seen) > 3 else "")
    return text if len(text) <= 600 else text[:597] + "…"


def account(facts: list[Fact], checks: list[Check], cells: list[tuple[str, str, str, str]],
            not_found: list[str]) -> tuple[list[Check], int, int]:
    """The withheld checks for the template `cells` that have no fact, and the counts
    (published, withheld). `not_found`: tables whose section was not found at all."""
    have = {(f.table, f.key1, f.key2) for f in facts}
    missing: dict[str, dict[str, list[tuple[str, str, str]]]] = {}  # table -> row -> cells
    published = 0
    per_table: dict[str, int] = {}
    for tid, ft, k1, k2 in cells:
        per_table[tid] = per_table.get(tid, 0) + 1
        if (ft, k1, k2) in have:
            published += 1
            continue
        missing.setdefault(tid, {}).setdefault(k1, []).append((ft, k1, k2))
    out: list[Check] = []
    withheld = 0
    for tid, rows in missing.items():
        n_missing = sum(len(v) for v in rows.values())
        withheld += n_missing
        name = TABLE_NAMES.get(tid, tid)
        if n_missing == per_table[tid] and tid != "pre2019":
            if tid in not_found:
                why = f"{name}'s heading was not found in the text (printed as an image, or not recognised)"
            else:
                why = _reasons(checks, tid, None) or _reasons_any(checks, tid) or \
                    f"no cell of {name} could be read"
            out.append(Check(f"{tid}.withheld", tid, False,
                             f"{name}: none of its {n_missing} cells published: {why}", "warning"))
            continue
        for k1, miss in rows.items():
            why = _reasons(checks, tid, k1) or _reasons(checks, tid, None) or \
                "not read: its label or its numbers were not found in the table"
            ft = miss[0][0]
            cols = [m[2] for m in miss]
            only: str | None = cols[0] if len(cols) == 1 else None
            what = f"cell {k1}/{cols[0]}" if len(cols) == 1 else f"{len(cols)} cells of row {k1} ({', '.join(cols)})"
            out.append(Check(f"{tid}.withheld", k1, False, f"{name}: {what} not published: {why}", "warning",
                             ft, k1, only))
    return out, published, withheld


def _reasons_any(checks: list[Check], tid: str) -> str:
    seen: list[str] = []
    for c in checks:
        if not c.passed and c.check.startswith(tid + ".") and not c.check.endswith(".withheld"):
            d = f"{c.check} ({c.subject}): {c.detail}"
            if d not in seen:
                seen.append(d)
    text = "; ".join(seen[:3]) + (f"; and {len(seen) - 3} more" if len(seen) > 3 else "")
    return text if len(text) <= 600 else text[:597] + "…"


def pre2019_cells(pfacts: list[Fact], pchecks: list[Check]) -> list[tuple[str, str, str, str]]:
    """The coded rows a pre-2019 statistics table prints: those published and those its
    checks name (every coded row it prints is one or the other: pre2019.py)."""
    out: list[tuple[str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for f in pfacts:
        if (f.key1, f.key2) not in seen:
            seen.add((f.key1, f.key2))
            out.append(("pre2019", f.table, f.key1, f.key2))
    for c in pchecks:
        if not c.passed and c.fact_table and c.key1 and c.key2 and (c.key1, c.key2) not in seen:
            seen.add((c.key1, c.key2))
            out.append(("pre2019", c.fact_table, c.key1, c.key2))
    return out


def page_of(text: str, facts: list[Fact]) -> None:
    """Set each fact's page: 1 + the form feeds before its span (PDF and scan texts keep
    one form feed between pages)."""
    import bisect

    breaks: list[int] = []
    i = text.find("\f")
    while i >= 0:
        breaks.append(i)
        i = text.find("\f", i + 1)
    for f in facts:
        if f.span_start is not None:
            f.page = 1 + bisect.bisect_right(breaks, f.span_start)


# ---------------------------------------------------------------------------
# OCR: uncertain numbers under a failing identity are withheld

OCR_WHY: Final = {"ocr_repaired": "a digit read from a look-alike letter",
                  "ocr_low_confidence": "read with low recogniser confidence"}


def uncertain_kind(start: int | None, end: int | None, spans: list[tuple[int, int, str]]) -> str | None:
    """The kind of the first uncertain OCR span (formats.ocr.unmark) the cell's span meets."""
    if start is None or end is None:
        return None
    for s, e, kind in spans:
        if s < end and start < e:
            return kind
    return None


def ocr_withheld(identities: list[Identity], cell_of, spans: list[tuple[int, int, str]],
                 confirmed: set[str] | None = None) -> dict[tuple[str, int], tuple[str, Identity]]:
    """The cells of failing identities that OCR read uncertainly (repaired from a look-alike
    or below the confidence threshold): (row, column index) -> (kind, the identity)."""
    out: dict[tuple[str, int], tuple[str, Identity]] = {}
    if not spans:
        return out
    _, _, failing = evaluate(identities, cell_of, confirmed)
    for ident in failing:
        for r, c in ident[2] + ident[3]:
            cell = cell_of(r, c)
            if cell is None or (r, c) in out or cell.source != "table":
                continue
            kind = uncertain_kind(cell.start, cell.end, spans)
            if kind is not None:
                out[(r, c)] = (kind, ident)
    return out


def ocr_withheld_check(tid: str, fact_table: str, row: str, col: str, cell: Any, kind: str,
                       ident: Identity) -> Check:
    name = TABLE_NAMES.get(tid, tid)
    value = "blank" if cell.value is None else format(cell.value, "g")
    return Check(f"{tid}.ocr_withheld", row, False,
                 f"{name}: cell {row}/{col} read by OCR as {value} ({OCR_WHY.get(kind, kind)}) is not published: "
                 f"{ident[0]} fails for {ident[1]}", "warning", fact_table, row, col, None, cell.value,
                 cell.start, cell.end)
