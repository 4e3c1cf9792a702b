"""Exports: any table or view of a warehouse's ogi.duckdb as CSV (UTF-8 with a byte order
mark, so Excel opens the Chinese text right) or XLSX (openpyxl), filtered by statistics
year, region, administrative level, `verified` and the `ocr` flag where the table has
those columns (or, for year, region and level, through its report's dim_reports row).

    export(warehouse, out_dir, fmt, tables, filters) → [(table, path, rows)]

Used by `ogi export`; nothing here parses reports.
"""
from __future__ import annotations

import dataclasses
import pathlib
import re

import schemas

# the tables `ogi export` writes when none is named: the reports, the cells, the checks (the
# tables written from the reports, less their texts)
DEFAULT_TABLES = tuple(t for t in schemas.PUBLISHED if t != "report_texts")
XLSX_MAX_ROWS = 1_048_576 - 1      # a sheet's rows less the header; more go on further sheets
XLSX_MAX_CHARS = 32_767            # what one Excel cell holds
REGION_COLUMNS = ("province", "city", "county")


@dataclasses.dataclass(frozen=True)
class Filters:
    years: tuple[int, ...] = ()
    region: str | None = None       # a division code prefix (digits) or a region name
    levels: tuple[str, ...] = ()
    verified: bool | None = None
    ocr: bool | None = None

    def any(self) -> bool:
        return bool(self.years or self.region or self.levels or self.verified is not None or self.ocr is not None)


def parse_years(spec: str | None) -> tuple[int, ...]:
    """'2024', '2023,2024', '2019-2021' (or a mix) → the years."""
    if not spec:
        return ()
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            out += range(min(a, b), max(a, b) + 1)
        elif re.fullmatch(r"\d{4}", part):
            out.append(int(part))
        else:
            raise ValueError(f"not a year or a range of years: {part!r}")
    return tuple(sorted(set(out)))


def _columns(con, name: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where table_name = ? order by column_index", [name]).fetchall()]


def relations(con) -> list[str]:
    """Tables and views a user can export."""
    rows = con.execute("select table_name from duckdb_tables() where not internal union all "
                       "select view_name from duckdb_views() where not internal").fetchall()
    return sorted(r[0] for r in rows)


def _region_sql(region: str, cols: list[str], prefix: str = "") -> tuple[str, list]:
    """A division code prefix ('3208', '320813') or a name ('江苏', '淮安市', '洪泽区')."""
    if region.isdigit():
        return f"{prefix}region_code LIKE ?", [region + "%"]
    names = [c for c in REGION_COLUMNS if c in cols]
    if not names:
        return "", []
    cond = " OR ".join(f"starts_with({prefix}{c}, ?)" for c in names)
    return f"({cond})", [region] * len(names)


def where_clause(name: str, cols: list[str], report_cols: list[str], f: Filters) -> tuple[str, list, list[str]]:
    """The WHERE clause for one relation, its parameters, and notes on the filters that do
    not apply to it. Report-level filters (year, region, level) use the relation's own
    columns, else its report's row in dim_reports."""
    own, via, params_own, params_via, notes = [], [], [], [], []

    def report_level(col: str, sql_own: str, sql_via: str, ps: list, what: str) -> None:
        if col in cols:
            own.append(sql_own)
            params_own.extend(ps)
        elif "report_id" in cols and col in report_cols:
            via.append(sql_via)
            params_via.extend(ps)
        else:
            notes.append(f"{what} does not apply to {name} (no {col} column): not filtered by it")

    if f.years:
        marks = ", ".join("?" * len(f.years))
        report_level("year", f"year IN ({marks})", f"d.year IN ({marks})", list(f.years), "--year")
    if f.region:
        needs = ("region_code",) if f.region.isdigit() else REGION_COLUMNS
        if any(c in cols for c in needs):
            sql, ps = _region_sql(f.region, cols)
            own.append(sql)
            params_own.extend(ps)
        elif "report_id" in cols:
            sql, ps = _region_sql(f.region, report_cols, "d.")
            via.append(sql)
            params_via.extend(ps)
        else:
            notes.append(f"--region does not apply to {name}: not filtered by it")
    if f.levels:
        marks = ", ".join("?" * len(f.levels))
        if "level" in cols or "level" in report_cols:
            report_level("level", f"level IN ({marks})", f"d.level IN ({marks})", list(f.levels), "--level")
        elif "report_id" in cols:  # the level the views derive (v_report_level)
            own.append(f"report_id IN (SELECT report_id FROM v_report_level WHERE level IN ({marks}))")
            params_own.extend(f.levels)
        else:
            notes.append(f"--level does not apply to {name} (no level column): not filtered by it")
    if f.verified is not None:
        if "verified" in cols:
            own.append("verified" if f.verified else "NOT coalesce(verified, false)")
        else:
            notes.append(f"--verified does not apply to {name} (no verified column): not filtered by it")
    if f.ocr is not None:
        if "flags" in cols:
            test = "list_contains(string_split(coalesce(flags, ''), ','), 'ocr')"
            own.append(test if f.ocr else f"NOT {test}")
        else:
            notes.append(f"--ocr does not apply to {name} (no flags column): not filtered by it")
    conds = list(own)
    params = list(params_own)
    if via:
        conds.append(f"report_id IN (SELECT d.report_id FROM dim_reports d WHERE {' AND '.join(via)})")
        params += params_via
    return (" WHERE " + " AND ".join(conds)) if conds else "", params, notes


def query(con, name: str, f: Filters) -> tuple[str, list, list[str]]:
    cols = _columns(con, name)
    if not cols:
        raise KeyError(name)
    where, params, notes = where_clause(name, cols, _columns(con, "dim_reports"), f)
    return f'SELECT * FROM "{name}"{where}', params, notes


def _write_csv(reader, path: pathlib.Path) -> int:
    import pyarrow.csv as pacsv

    n = 0
    with open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel then reads the file as UTF-8
        writer = pacsv.CSVWriter(fh, reader.schema)
        for batch in reader:
            writer.write_batch(batch)
            n += batch.num_rows
        writer.close()
    return n


def _xlsx_value(v):
    if isinstance(v, str) and len(v) > XLSX_MAX_CHARS:
        return v[:XLSX_MAX_CHARS - 1] + "…"
    return v


def _write_xlsx(reader, path: pathlib.Path, sheet: str) -> tuple[int, int]:
    """Rows into a write-only workbook, a new sheet every XLSX_MAX_ROWS rows; returns
    (rows, cells cut to Excel's 32,767 characters)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    header = list(reader.schema.names)
    ws, in_sheet, sheets, n, cut = None, 0, 0, 0, 0
    for batch in reader:
        cols = [c.to_pylist() for c in batch.columns]
        for row in zip(*cols):
            if ws is None or in_sheet == XLSX_MAX_ROWS:
                sheets += 1
                ws = wb.create_sheet(sheet[:28] if sheets == 1 else f"{sheet[:24]}_{sheets}")
                ws.append(header)
                in_sheet = 0
            vals = []
            for v in row:
                w = _xlsx_value(v)
                cut += w is not v and isinstance(v, str)
                vals.append(w)
            ws.append(vals)
            in_sheet += 1
            n += 1
    if ws is None:
        wb.create_sheet(sheet[:28]).append(header)
    wb.save(str(path))
    return n, cut


def export(warehouse: str | pathlib.Path, out_dir: str | pathlib.Path, fmt: str = "csv",
           tables: tuple[str, ...] = (), filters: Filters = Filters(), echo=print) -> list[tuple[str, pathlib.Path, int]]:
    """Write each table or view to OUT/<name>.csv or .xlsx; returns (name, path, rows)."""
    import duckdb

    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown format {fmt!r}: csv or xlsx")
    db = pathlib.Path(warehouse) / "ogi.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse} (run `ogi run` first)")
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    written = []
    try:
        known = relations(con)
        names = tables or DEFAULT_TABLES
        unknown = [t for t in names if t not in known]
        if unknown:
            raise KeyError(f"no table or view {', '.join(unknown)} in {db}; there are: {', '.join(known)}")
        if filters.levels and "level" not in _columns(con, "dim_reports") and "v_report_level" not in known:
            raise ValueError(f"{db} has no administrative level (dim_reports.level): rebuild it with this version")
        for name in names:
            sql, params, notes = query(con, name, filters)
            for note in notes:
                echo(f"note: {note}")
            reader = con.sql(sql, params=params).to_arrow_reader(100_000)
            path = out / f"{name}.{fmt}"
            tmp = path.with_name(path.name + ".tmp")
            if fmt == "csv":
                n = _write_csv(reader, tmp)
            else:
                n, cut = _write_xlsx(reader, tmp, name)
                if cut:
                    echo(f"note: {name}: {cut} cells longer than Excel's {XLSX_MAX_CHARS:,} characters cut "
                         "(the CSV export keeps them whole)")
            tmp.replace(path)
            written.append((name, path, n))
    finally:
        con.close()
    return written
