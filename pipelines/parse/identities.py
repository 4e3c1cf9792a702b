"""The arithmetic identities of the standard tables, as plain functions over cell values.

Table 三 (per row): the applicant columns add up to 总计 (and the legal-person columns to
their 小计 where one is printed). Per column: 一 + 二 = 三(七)总计 + 四 (balance), and
三(七)总计 = the sum of the outcome rows. Table 四 (per proceeding): the four results add
up to 总计. Each function returns the failures as (check, subject, expected, found).

A cell printed blank is None and counts as 0 where the sum holds so (the report's own
arithmetic shows that blank is 0 there). A sum that fails only counts as a failure when
none of its totals is blank: reports that print zeros blank often leave a total blank too
(the 总计 column of every outcome row), and a blank total is not a wrong one; such a sum
is not evaluated (accounting.py says so). Its totals: the 总计/小计 column's cells and the
cells on the right of the sum.
"""
from __future__ import annotations

import functools
from typing import Any, Final

from schemas import READ_FROM, codes

Failure = tuple[str, str, float, float]

NON_OUTCOME: Final = ("new_received", "carried_over", "total", "carried_to_next")


def _groups() -> dict[str, tuple[str, ...]]:
    """Table 三's groups, a subtotal row over its sub-rows (schemas/codes.csv: the outcome
    codes whose parent is an outcome other than the total), with the sub-rows the 2019 and
    2021 templates print, in codes.csv order."""
    outcome = [c for c in codes() if c.dimension == "outcome"]
    heads = {c.code for c in outcome} - {"total"}
    out: dict[str, list[str]] = {}
    for c in outcome:
        if c.parent in heads and ("f2019" in c.formats or "f2021" in c.formats):
            out.setdefault(c.parent, []).append(c.code)
    return {g: tuple(kids) for g, kids in out.items()}


GROUPS: Final[dict[str, tuple[str, ...]]] = _groups()
T3_FACT_TABLES: Final = READ_FROM["t3"]   # (fct_applications, fct_outcomes)
# table 三's rows published in fct_applications (the stage codes of schemas/codes.csv); the others in fct_outcomes
APPLICATION_ROWS: Final = frozenset(c.code for c in codes() if c.dimension == "stage")


def t3_fact_table(row: str) -> str:
    """The fact table a row of table 三 is published in."""
    return T3_FACT_TABLES[0] if row in APPLICATION_ROWS else T3_FACT_TABLES[1]


def subtotals(codes) -> dict[str, list[str]]:
    """Group rows printed as subtotals over sub-rows that are printed too."""
    codes = set(codes)
    return {g: [c for c in kids if c in codes] for g, kids in GROUPS.items()
            if g in codes and any(c in codes for c in kids)}


def outcome_rows(codes) -> list[str]:
    """The rows whose sum is (七)总计: leaves, not the subtotals over them."""
    sub = subtotals(codes)
    return [r for r in codes if r not in NON_OUTCOME and r not in sub]


def _v(x):
    return 0.0 if x is None else float(x)


@functools.lru_cache(maxsize=256)
def _row_layout(columns: tuple, legal: tuple):
    """Column positions the row identities use, per header layout."""
    idx = {c: i for i, c in enumerate(columns)}
    if "legal_person_total" in idx:
        return True, tuple(idx[c] for c in legal), idx["legal_person_total"], idx["natural_person"], idx["total"]
    return False, tuple(i for i, c in enumerate(columns) if c != "total"), None, None, idx["total"]


def row_failures(code: str, vec: list, columns: list[str], legal: list[str]) -> list[Failure]:
    out: list[Failure] = []
    _row_check(code, vec, _row_layout(tuple(columns), tuple(legal)), out)
    return out


def _row_check(code: str, vec: list, layout, out: list[Failure]) -> None:
    has_sub, parts_idx, lpt, npi, ti = layout
    vals = [0.0 if x is None else float(x) for x in vec]
    if has_sub:
        legal_sum = sum(vals[i] for i in parts_idx)
        if abs(legal_sum - vals[lpt]) > 1e-6 and vec[lpt] is not None:
            out.append(("t3.row_subtotal", code, legal_sum, vals[lpt]))
        parts = vals[npi] + vals[lpt]
    else:
        parts = sum(vals[i] for i in parts_idx)
    if abs(parts - vals[ti]) > 1e-6 and vec[ti] is not None and not (has_sub and vec[lpt] is None):
        out.append(("t3.row_total", code, parts, vals[ti]))


TOTAL_COLUMNS: Final = ("total", "legal_person_total")


def blank_total(col: str, right: list, terms: list) -> bool:
    """Whether a sum has a blank total (None): a blank among its `right` cells, or any
    blank where the sum runs down the 总计/小计 column `col` (all its `terms`)."""
    if any(x is None for x in right):
        return True
    return col in TOTAL_COLUMNS and any(x is None for x in terms)


def column_failures(rows: dict[str, Any], columns: list[str]) -> list[Failure]:
    """Balance and outcome-sum identities, for the columns where every term is known."""
    out: list[Failure] = []
    leaves = outcome_rows(rows)
    sub = subtotals(rows)
    get = rows.get
    bal = all(get(r) is not None for r in NON_OUTCOME)
    total_row = get("total")
    osum = total_row is not None and bool(leaves) and all(rows[r] is not None for r in leaves)
    total: list = total_row if total_row is not None else []
    subs = [(g, rows[g], [rows[k] for k in kids]) for g, kids in sub.items()
            if rows[g] is not None and all(rows[k] is not None for k in kids)]
    leaf_rows = [rows[r] for r in leaves] if osum else []
    if bal:
        nr, co, nx = rows["new_received"], rows["carried_over"], rows["carried_to_next"]
    for i, col in enumerate(columns):
        if bal:
            lhs = _v(nr[i]) + _v(co[i])
            rhs = _v(total[i]) + _v(nx[i])
            if abs(lhs - rhs) > 1e-6 and not blank_total(col, [total[i], nx[i]], [nr[i], co[i]]):
                out.append(("t3.balance", col, lhs - _v(nx[i]), _v(total[i])))
        if osum:
            s = sum(_v(r[i]) for r in leaf_rows)
            if abs(s - _v(total[i])) > 1e-6 and not blank_total(col, [total[i]], [r[i] for r in leaf_rows]):
                out.append(("t3.outcome_sum", col, s, _v(total[i])))
        for g, grow, kid_rows in subs:
            s = sum(_v(k[i]) for k in kid_rows)
            if abs(s - _v(grow[i])) > 1e-6 and not blank_total(col, [grow[i]], [k[i] for k in kid_rows]):
                out.append(("t3.subtotal", f"{g}/{col}", s, _v(grow[i])))
    return out


def t3_failures(rows: dict[str, Any], columns: list[str], legal: list[str]) -> list[Failure]:
    out: list[Failure] = []
    layout = _row_layout(tuple(columns), tuple(legal))
    for code, vec in rows.items():
        if vec is not None:
            _row_check(code, vec, layout, out)
    out.extend(column_failures(rows, columns))
    return out


def t4_failures(groups: dict[str, list], results: list[str]) -> list[Failure]:
    out: list[Failure] = []
    ti = results.index("total")
    for g, vec in groups.items():
        if vec is None:
            continue
        s = sum(_v(vec[i]) for i in range(len(results)) if i != ti)
        if abs(s - _v(vec[ti])) > 1e-6 and vec[ti] is not None:
            out.append(("t4.total", g, s, _v(vec[ti])))
    return out

