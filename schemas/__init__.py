"""The one source of truth for published tables, their fields and codes.

`tables.yaml` defines every table and column; `codes.csv` (a superset of the contract's
`shared/spec/codes.csv`) defines the codes of every fact dimension. This module turns
them into what each consumer needs: pandera schemas (validation), pyarrow schemas
(Parquet), DuckDB DDL with column comments, and code lookups. Nothing else in the
project spells out a table's columns.
"""
from __future__ import annotations

import csv
import functools
import pathlib
from dataclasses import dataclass, field

import yaml

HERE = pathlib.Path(__file__).resolve().parent



@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    description: str = ""
    unit: str | None = None
    isin: tuple[str, ...] | None = None
    codes: str | None = None
    items: tuple[str, ...] = ()   # the values of a comma-separated list column (dim_reports.tables_found)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    keys: tuple[str, ...] = ()
    fact: bool = False
    written: str = ""          # split, whole, listing, agencies, reference or runs (tables.yaml's header)
    wide_view: str = ""        # fact tables: the pivoted view (pipelines/publish/sql/views.sql)
    short_name: str = ""       # fact tables: the name summaries print
    read_from: str = ""        # fact tables: the template table the cells are read from (t2, t3, t4)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Code:
    fact_tables: tuple[str, ...]
    dimension: str
    code: str
    parent: str
    label_zh: str
    formats: tuple[str, ...]
    notes: str = ""


WRITTEN = ("split", "whole", "listing", "agencies", "reference", "runs")
FACT_KEYS = ("wide_view", "short_name", "read_from")


@functools.cache
def tables() -> dict[str, Table]:
    raw = yaml.safe_load((HERE / "tables.yaml").read_text(encoding="utf-8"))["tables"]
    out = {}
    for name, t in raw.items():
        if t.get("written") not in WRITTEN:
            raise ValueError(f"schemas/tables.yaml, table {name}: `written` is {t.get('written')!r}, "
                             f"not one of {', '.join(WRITTEN)}")
        if t.get("fact") and (len(t.get("keys", ())) != 2 or any(not t.get(k) for k in FACT_KEYS)):
            raise ValueError(f"schemas/tables.yaml, table {name}: a fact table needs two `keys` and "
                             f"{', '.join(FACT_KEYS)}")
        cols = tuple(
            Column(
                name=c["name"], type=c["type"], nullable=c.get("nullable", True),
                description=c.get("description", ""), unit=c.get("unit"),
                isin=tuple(c["isin"]) if c.get("isin") else None, codes=c.get("codes"),
                items=tuple(c.get("items", ())),
            )
            for c in t["columns"]
        )
        out[name] = Table(name=name, description=t.get("description", ""), columns=cols,
                          primary_key=tuple(t.get("primary_key", ())), keys=tuple(t.get("keys", ())),
                          fact=bool(t.get("fact", False)), written=t["written"],
                          **{k: str(t.get(k, "")) for k in FACT_KEYS})
    return out


def written(*how: str) -> tuple[str, ...]:
    """The tables built as `how` says (tables.yaml's `written`), in its order."""
    return tuple(name for name, t in tables().items() if t.written in how)


# every list of tables derives from tables.yaml, in its order
FACT_TABLES = tuple(name for name, t in tables().items() if t.fact)
SPLIT_TABLES = written("split")       # the fact tables and report_texts: many files, carried over file by file
WHOLE_TABLES = written("whole")       # dim_reports, check_results: rebuilt whole on every publish
PUBLISHED = written("split", "whole")  # written from the reports each run
LISTING_TABLES = written("listing")   # inputs: the raw folder's listing
AGENCY_TABLES = written("agencies")   # built from all reports' dim_reports rows (pipelines/parse/agencies.py)
REFERENCE_TABLES = written("reference")  # dim_codes, meta_region_snapshot: from schemas/ and shipped data
RUN_TABLES = written("runs")          # meta_runs: earlier rows + this run's
# the template table (t2, t3, t4) → the fact tables its cells are published in
READ_FROM = {src: tuple(t for t in FACT_TABLES if tables()[t].read_from == src)
             for src in dict.fromkeys(tables()[t].read_from for t in FACT_TABLES)}


@functools.cache
def codes() -> tuple[Code, ...]:
    with open(HERE / "codes.csv", encoding="utf-8") as f:
        return tuple(
            Code(fact_tables=tuple(r["fact_table"].split("|")), dimension=r["dimension"], code=r["code"],
                 parent=r["parent"], label_zh=r["label_zh"], formats=tuple(r["formats"].split("|")),
                 notes=r.get("notes", ""))
            for r in csv.DictReader(f)
        )


@functools.cache
def code_set(dimension: str) -> frozenset[str]:
    return frozenset(c.code for c in codes() if c.dimension == dimension)


def code_label(dimension: str, code: str) -> str:
    for c in codes():
        if c.dimension == dimension and c.code == code:
            return c.label_zh
    raise KeyError(f"unknown code {dimension}={code}")


_PANDAS = {"VARCHAR": "string", "INTEGER": "Int32", "BIGINT": "Int64", "DOUBLE": "Float64", "BOOLEAN": "boolean"}


def pandas_dtypes(table: str) -> dict[str, str]:
    return {c.name: _PANDAS[c.type] for c in tables()[table].columns}


@functools.cache
def arrow_schema(table: str):
    """The table's Arrow schema: column types and descriptions, plus the pandas metadata
    that makes `pd.read_parquet` give the nullable dtypes of `pandas_dtypes` (Int64,
    Int32, Float64, boolean, string) instead of floats for integers with NULLs."""
    import pyarrow as pa

    m = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
         "BOOLEAN": pa.bool_()}
    t = tables()[table]
    pandas_meta = pa.Schema.from_pandas(empty_frame(table), preserve_index=False).metadata[b"pandas"]
    return pa.schema([pa.field(c.name, m[c.type], nullable=c.nullable,
                               metadata={"description": c.description}) for c in t.columns],
                     metadata={"description": t.description, "pandas": pandas_meta})


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def duckdb_ddl(table: str) -> list[str]:
    """CREATE TABLE plus COMMENT statements for one table."""
    t = tables()[table]
    cols = ",\n  ".join(f'"{c.name}" {c.type}{"" if c.nullable else " NOT NULL"}' for c in t.columns)
    stmts = [f"CREATE TABLE {t.name} (\n  {cols}\n)", f"COMMENT ON TABLE {t.name} IS {_sql_str(t.description)}"]
    for c in t.columns:
        desc = c.description + (f" [unit: {c.unit}]" if c.unit else "")
        stmts.append(f'COMMENT ON COLUMN {t.name}."{c.name}" IS {_sql_str(desc)}')
    return stmts


def pandera_schema(table: str, typed: bool = False):
    """The table's pandera schema. `typed=True`: for rows that come from an Arrow table of
    `arrow_schema(table)`, whose conversion already enforced each column's type, so the
    schema leaves the dtypes out (pandera would check a string column's type element by
    element, and format a report of it, again); the nullability, code, range, uniqueness
    and column checks are the same."""
    import pandera.pandas as pa

    t = tables()[table]
    cols = {}
    for c in t.columns:
        checks = []
        allowed = c.isin or (tuple(sorted(code_set(c.codes))) if c.codes else None)
        if allowed:
            checks.append(pa.Check.isin(list(allowed)))
        if c.name == "value" and c.type == "BIGINT":
            checks.append(pa.Check.ge(0, ignore_na=True) if table != "fct_proactive_disclosures" else None)
        cols[c.name] = pa.Column(None if typed else _PANDAS[c.type], checks=[k for k in checks if k is not None],
                                 nullable=c.nullable, coerce=not typed)
    return pa.DataFrameSchema(cols, strict=True, unique=list(t.primary_key) if t.primary_key else None,
                              name=t.name, ordered=True)


def empty_frame(table: str):
    import pandas as pd

    return pd.DataFrame({k: pd.Series(dtype=v) for k, v in pandas_dtypes(table).items()})
