"""The layouts of the national templates as typed records: the rows and columns each table
prints, in order, and table 二's measures per item (data/templates.yaml); readers align what
they find to them, and the completeness accounting counts their cells.

Checked when loaded against schemas/codes.csv: a row, column, item or measure that is not a
code of its dimension raises DataFileError naming the entry (e.g. `t3.rows_head[4]`).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from schemas import codes

from .. import DATA
from .datafiles import DataFileError, read_yaml


@dataclass(frozen=True)
class T3Layout:
    """Table 三 (收到和处理政府信息公开申请情况)."""
    columns: list[str]                 # applicant columns, 总计 last
    columns_with_subtotal: list[str]   # the same with the legal-person 小计 column
    legal_columns: list[str]           # the columns the 小计 sums
    rows_head: list[str]               # rows 一, 二 and 三's outcomes up to 其他处理
    rows_other_single: list[str]       # 其他处理 as one row (f2019, some f2021 reports)
    rows_other_split: list[str]        # 其他处理 as three sub-rows (f2021)
    rows_tail: list[str]               # (七)总计 and 四、结转下年度继续办理

    def rows(self, split_other: bool) -> list[str]:
        """The rows in printing order, with 其他处理 as three rows or one."""
        return self.rows_head + (self.rows_other_split if split_other else self.rows_other_single) + self.rows_tail


@dataclass(frozen=True)
class T4Layout:
    """Table 四 (行政复议、行政诉讼)."""
    proceedings: list[str]
    results: list[str]                 # 总计 last


@dataclass(frozen=True)
class T2Layout:
    """Table 二 (主动公开政府信息情况)."""
    measures: dict[str, dict[str, list[str]]]   # template (f2019, f2021) → item → its measures
    amount_measures: list[str]                  # in 万元 (a report's 元 converted)
    signed_measures: list[str]                  # may be negative (本年增/减)

    def measures_of(self, fmt: str | None) -> dict[str, list[str]]:
        """Item → measures of template `fmt` (the 2021 template's where it is not one of them)."""
        return self.measures.get(fmt or "") or self.measures["f2021"]


@dataclass(frozen=True)
class Layouts:
    t2: T2Layout
    t3: T3Layout
    t4: T4Layout
    format_markers: dict[str, list[str]]   # f2021, f2019, template → labels that mark it


def _codes(*dims: str) -> set[str]:
    return {c.code for c in codes() if c.dimension in dims}


def _names(raw: dict, where: str, key: str, known: set[str], what: str) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise DataFileError(DATA / "templates.yaml", f"{where}.{key}", "expected a non-empty list")
    for i, v in enumerate(value):
        if v not in known:
            raise DataFileError(DATA / "templates.yaml", f"{where}.{key}[{i}]",
                                f"{v!r} is not a {what} code of schemas/codes.csv")
    return [str(v) for v in value]


@functools.cache
def layouts() -> Layouts:
    raw = read_yaml("templates.yaml")
    for k in ("t2", "t3", "t4", "format_markers"):
        if not isinstance(raw.get(k), dict):
            raise DataFileError(DATA / "templates.yaml", k, "missing section")
    t3, t4, t2 = raw["t3"], raw["t4"], raw["t2"]
    rows, cols = _codes("stage", "outcome"), _codes("applicant_type")
    measure = _codes("measure")
    by_fmt: dict[str, dict[str, list[str]]] = {}
    for fmt in ("f2019", "f2021"):
        items = t2.get(fmt)
        if not isinstance(items, dict):
            raise DataFileError(DATA / "templates.yaml", f"t2.{fmt}", "missing section")
        for item in items:
            if item not in _codes("item"):
                raise DataFileError(DATA / "templates.yaml", f"t2.{fmt}.{item}", f"{item!r} is not an item code of "
                                                                                "schemas/codes.csv")
        by_fmt[fmt] = {str(item): _names(items, f"t2.{fmt}", item, measure, "measure") for item in items}
    return Layouts(
        t2=T2Layout(measures=by_fmt, amount_measures=_names(t2, "t2", "amount_measures", measure, "measure"),
                    signed_measures=_names(t2, "t2", "signed_measures", measure, "measure")),
        t3=T3Layout(columns=_names(t3, "t3", "columns", cols, "applicant_type"),
                    columns_with_subtotal=_names(t3, "t3", "columns_with_subtotal", cols, "applicant_type"),
                    legal_columns=_names(t3, "t3", "legal_columns", cols, "applicant_type"),
                    rows_head=_names(t3, "t3", "rows_head", rows, "stage or outcome"),
                    rows_other_single=_names(t3, "t3", "rows_other_single", rows, "stage or outcome"),
                    rows_other_split=_names(t3, "t3", "rows_other_split", rows, "stage or outcome"),
                    rows_tail=_names(t3, "t3", "rows_tail", rows, "stage or outcome")),
        t4=T4Layout(proceedings=_names(t4, "t4", "proceedings", _codes("proceeding"), "proceeding"),
                    results=_names(t4, "t4", "results", _codes("result"), "result")),
        format_markers={str(k): [str(x) for x in v] for k, v in raw["format_markers"].items()},
    )
