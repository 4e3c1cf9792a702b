"""Generated documentation and SQL: everything here is derived from the one schema
definition (schemas/tables.yaml, schemas/codes.csv) plus the hand-written analysis views
(pipelines/publish/sql/analysis.sql) and the region snapshot's metadata.

    render_views_sql()   → pipelines/publish/sql/views.sql: one wide view per fact table (a column
                           per code pair, commented with the Chinese labels), a labelled
                           long view, then analysis.sql appended. publish runs this file
                           inside every DuckDB file it writes.
    render_tables_md()   → docs/tables.md: the data dictionary (tables, columns, types,
                           units, views, every code with its label, the region snapshot).

`ogi docs` writes both; `ogi docs --check` (and tests/integration/test_docs.py) fail when a
committed file is not what the generator produces now. No parsing code lives here.
"""
from __future__ import annotations

import pathlib

import schemas

ROOT = pathlib.Path(__file__).resolve().parents[2]
SQL_DIR = ROOT / "pipelines" / "publish" / "sql"
VIEWS_SQL = SQL_DIR / "views.sql"
ANALYSIS_SQL = SQL_DIR / "analysis.sql"
TABLES_MD = ROOT / "docs" / "tables.md"

# fact table → its wide view (schemas/tables.yaml `wide_view`)
WIDE_VIEWS = {t: schemas.tables()[t].wide_view for t in schemas.FACT_TABLES}
# fact table → its wide view of verified cells only
VERIFIED_VIEWS = {ft: v + "_verified" for ft, v in WIDE_VIEWS.items()}
# report columns every wide view starts with
WIDE_REPORT_COLUMNS = ("report_id", "agency", "agency_key", "year", "format_version", "parse_status")


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def codes_of(fact_table: str, dimension: str) -> list[schemas.Code]:
    """Codes of one key of one fact table, in codes.csv order."""
    return [c for c in schemas.codes() if fact_table in c.fact_tables and c.dimension == dimension]


def wide_column_name(key1: str, key2: str) -> str:
    return f"{key1}_{key2}".replace(".", "_")


def wide_columns(fact_table: str) -> list[tuple[str, schemas.Code, schemas.Code]]:
    """(column name, key1 code, key2 code) for every code pair of a fact table."""
    k1, k2 = schemas.tables()[fact_table].keys
    cols = [(wide_column_name(a.code, b.code), a, b)
            for a in codes_of(fact_table, k1) for b in codes_of(fact_table, k2)]
    names = [c[0] for c in cols]
    dup = {n for n in names if names.count(n) > 1}
    if dup or set(names) & set(WIDE_REPORT_COLUMNS):
        raise ValueError(f"{fact_table}: wide column names collide: {sorted(dup)}")
    return cols


def _wide_view_sql(fact_table: str, verified: bool = False) -> str:
    t = schemas.tables()[fact_table]
    k1, k2 = t.keys
    view = (VERIFIED_VIEWS if verified else WIDE_VIEWS)[fact_table]
    where = "  WHERE verified\n" if verified else ""
    cols = wide_columns(fact_table)
    # one map per report (key1|key2 → value; the keys are the primary key, so unique), then one
    # lookup per column: ten times faster than a FILTER aggregate per column
    sel = ",\n".join(f"  w.m[{_q(a.code + '|' + b.code)}] AS {name}" for name, a, b in cols)
    head = ", ".join(f"d.{c}" for c in WIDE_REPORT_COLUMNS)
    lines = [
        f"-- {view}: {fact_table} pivoted, one row per report, one column per {k1} × {k2} code pair",
        f"CREATE OR REPLACE VIEW {view} AS\nWITH w AS (\n  SELECT report_id, map_from_entries(list(struct_pack("
        f"k := {k1} || '|' || {k2}, v := value))) AS m\n  FROM {fact_table}\n"
        f"{where}  GROUP BY report_id\n)\n"
        f"SELECT {head},\n{sel}\nFROM dim_reports d\nLEFT JOIN w USING (report_id)\n"
        f"ORDER BY d.year, d.agency, d.report_id;",
        f"COMMENT ON VIEW {view} IS {_q(_wide_comment(t, k1, k2, verified))};",
    ]
    lines += [f"COMMENT ON COLUMN {view}.{name} IS {_q(f'{a.label_zh} × {b.label_zh} ({a.code} / {b.code})')};"
              for name, a, b in cols]
    return "\n".join(lines)


def _wide_comment(t, k1: str, k2: str, verified: bool) -> str:
    if verified:
        return (f"{WIDE_VIEWS[t.name]} with verified cells only ({t.name}.verified: every arithmetic identity "
                f"involving the cell evaluated and holding): one row per report, one column <{k1}>_<{k2}> per code "
                "pair; NULL where the report has no such cell, prints it blank, or the cell is not verified.")
    return (f"{t.description} Pivoted: one row per report (every report in dim_reports), one column <{k1}>_<{k2}> "
            "per code pair (dots in codes become underscores); NULL where the report has no such cell or prints it "
            "blank. Column comments give the Chinese labels; dim_codes has them as rows. Verified cells only: "
            f"{VERIFIED_VIEWS[t.name]}.")


def _labelled_view_sql() -> str:
    parts = []
    for ft in schemas.FACT_TABLES:
        k1, k2 = schemas.tables()[ft].keys
        parts.append(
            f"SELECT f.report_id, f.year, '{ft}' AS fact_table, '{k1}' AS dimension1, f.{k1} AS key1, "
            f"c1.label_zh AS key1_label, '{k2}' AS dimension2, f.{k2} AS key2, c2.label_zh AS key2_label, "
            f"CAST(f.value AS DOUBLE) AS value, f.source, f.flags, f.verified, f.page, f.span_start, f.span_end, "
            f"f.evidence, "
            f"c1.sort_order AS key1_order, c2.sort_order AS key2_order\n"
            f"FROM {ft} f\n"
            f"LEFT JOIN dim_codes c1 ON c1.fact_table = '{ft}' AND c1.dimension = '{k1}' AND c1.code = f.{k1}\n"
            f"LEFT JOIN dim_codes c2 ON c2.fact_table = '{ft}' AND c2.dimension = '{k2}' AND c2.code = f.{k2}")
    return ("-- v_cells_labelled: every fact cell in one long table with both keys' Chinese labels\n"
            "CREATE OR REPLACE VIEW v_cells_labelled AS\n" + "\nUNION ALL\n".join(parts) + ";\n"
            "COMMENT ON VIEW v_cells_labelled IS 'Every cell of the four fact tables, one row each, with the Chinese "
            "labels of both keys from dim_codes (key1/key2 in the order of the fact table''s keys, as in the gold "
            "cells.csv); value as DOUBLE. Sort by key1_order, key2_order for the templates'' printing order.';\n"
            + "\n".join(f"COMMENT ON COLUMN v_cells_labelled.{c} IS {_q(d)};" for c, d in _LABELLED_COMMENTS.items()))


_LABELLED_COMMENTS = {
    "year": "Statistics year",
    "fact_table": "Fact table the cell is in",
    "dimension1": "Name of the fact table's first key (stage, outcome, item, proceeding)",
    "key1": "First key's code",
    "key1_label": "First key's Chinese label (dim_codes.label_zh)",
    "dimension2": "Name of the fact table's second key (applicant_type, measure, result)",
    "key2": "Second key's code",
    "key2_label": "Second key's Chinese label (dim_codes.label_zh)",
    "value": "The cell's value as DOUBLE (requests, cases, counts or 万元 as in the fact table); NULL where printed blank",
    "source": "table, narrative (read from prose) or derived (computed from an identity)",
    "flags": "Repairs applied, comma-separated; empty when none",
    "verified": "Every arithmetic identity involving the cell evaluated (all its cells read) and holding",
    "page": "Page of the PDF or scan the cell was read from; NULL for other inputs",
    "span_start": "Start offset of the evidence in the normalised report text",
    "span_end": "End offset of the evidence in the normalised report text",
    "evidence": "The evidence text at the span",
    "key1_order": "dim_codes.sort_order of key1 (the templates' printing order)",
    "key2_order": "dim_codes.sort_order of key2",
}


def render_views_sql() -> str:
    out = ["-- GENERATED by `ogi docs` from schemas/tables.yaml, schemas/codes.csv and pipelines/publish/sql/analysis.sql.",
           "-- Do not edit: change those files and run `ogi docs`. publish.py runs this file in every",
           "-- warehouse/ogi.duckdb it writes (after the tables, including dim_codes).", ""]
    for ft in schemas.FACT_TABLES:
        out += [_wide_view_sql(ft), ""]
    for ft in schemas.FACT_TABLES:
        out += [_wide_view_sql(ft, verified=True), ""]
    out += [_labelled_view_sql(), ""]
    out += ["-- ---- pipelines/publish/sql/analysis.sql (hand-written) ----", ANALYSIS_SQL.read_text(encoding="utf-8").rstrip(),
            ""]
    sql = "\n".join(out)
    auto = _passthrough_comments(sql)
    if auto:
        sql += "\n".join(["-- ---- column comments of view columns taken as they are from a table ----", *auto, ""])
    return sql


# view columns without their own comment get the description of the table column they copy
_PASSTHROUGH_FROM = ("dim_reports", "check_results", "dim_codes")


def _passthrough_comments(sql: str) -> list[str]:
    known: dict[str, str] = {}
    for t in _PASSTHROUGH_FROM:
        for c in schemas.tables()[t].columns:
            known.setdefault(c.name, c.description)
    con = _empty_warehouse(sql)
    try:
        rows = con.execute("select c.table_name, c.column_name from duckdb_columns() c join duckdb_views() v "
                           "on v.view_name = c.table_name where not v.internal and c.comment is null "
                           "order by c.table_name, c.column_index").fetchall()
    finally:
        con.close()
    return [f'COMMENT ON COLUMN {v}."{c}" IS {_q(known[c])};' for v, c in rows if c in known]


# ---------------------------------------------------------------- data dictionary

def _md(s) -> str:
    return "" if s is None else str(s).replace("|", "\\|").replace("\n", " ")


def _empty_warehouse(views_sql: str):
    """An in-memory DuckDB with every table (empty) and the views: what the dictionary
    describes views from (their comments and column types)."""
    import duckdb

    con = duckdb.connect()
    for t in schemas.tables():
        for stmt in schemas.duckdb_ddl(t):
            con.execute(stmt)
    con.execute(views_sql)
    return con


def _region_meta() -> dict:
    from ..parse.regions import snapshot_meta

    return dict(snapshot_meta())


def render_tables_md(views_sql: str | None = None) -> str:
    views_sql = render_views_sql() if views_sql is None else views_sql
    L = ["# Data dictionary", "",
         "<!-- GENERATED by `ogi docs` from schemas/tables.yaml, schemas/codes.csv, pipelines/publish/sql/ and "
         "pipelines/parse/data/regions.meta.yaml. Do not edit; tests/integration/test_docs.py checks it is current. -->", "",
         "Every table and view in `warehouse/ogi.duckdb` (the same tables as Parquet under "
         "`warehouse/parquet/<table>/`, fact tables hive-partitioned by `year`). The same definition gives the "
         "DuckDB comments: `select table_name, column_name, comment from duckdb_columns()`. Example queries, the "
         "notebook and the audit page: [using.md](using.md).", ""]
    L += _tables_md() + _views_md(views_sql) + _codes_md() + _region_md()
    return "\n".join(L) + "\n"


def _tables_md() -> list[str]:
    """The tables: a summary, then each table's columns."""
    tabs = schemas.tables()
    L = ["## Tables", "", "| table | primary key | description |", "|---|---|---|"]
    for t in tabs.values():
        L.append(f"| [`{t.name}`](#{t.name}) | {', '.join(t.primary_key)} | {_md(t.description)} |")
    for t in tabs.values():
        L += ["", f"### {t.name}", "", _md(t.description), ""]
        if t.fact:
            k1, k2 = t.keys
            L += [f"Keys: `report_id`, `{k1}`, `{k2}` (at most one row per key; codes in "
                  f"[{t.name}.{k1}](#code-{t.name}-{k1}) and [{t.name}.{k2}](#code-{t.name}-{k2})). "
                  f"Wide view: [`{WIDE_VIEWS[t.name]}`](#{WIDE_VIEWS[t.name]}); verified cells only: "
                  f"[`{VERIFIED_VIEWS[t.name]}`](#{VERIFIED_VIEWS[t.name]}).", ""]
        L += ["| column | type | nullable | unit | description |", "|---|---|---|---|---|"]
        for c in t.columns:
            desc = _md(c.description)
            if desc and not desc.endswith((".", ")")) and (c.isin or c.codes):
                desc += "."
            if c.isin:
                desc += " Values: " + ", ".join(f"`{v}`" for v in c.isin) + "."
            if c.codes:
                desc += f" Codes: [{t.name}.{c.codes}](#code-{t.name}-{c.codes})."
            L.append(f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {_md(c.unit or '')} | {desc} |")
    return L


def _views_md(views_sql: str) -> list[str]:
    """The views, as an empty warehouse with views.sql has them: a summary, then each view's columns
    (a wide view's by the pattern of its code pairs)."""
    con = _empty_warehouse(views_sql)
    views = con.execute("select view_name, comment from duckdb_views() where not internal order by view_name").fetchall()
    L = ["", "## Views", "",
         "Defined in `pipelines/publish/sql/views.sql` (generated by `ogi docs`: wide views from codes.csv, the rest from "
         "`pipelines/publish/sql/analysis.sql`) and created in every `ogi.duckdb`.", "",
         "| view | description |", "|---|---|"]
    for v, comment in views:
        L.append(f"| [`{v}`](#{v}) | {_md(comment)} |")
    wide = {x: ft for ft, x in [*WIDE_VIEWS.items(), *VERIFIED_VIEWS.items()]}
    for v, comment in views:
        cols = con.execute("select column_name, data_type, comment from duckdb_columns() where table_name = ? "
                           "order by column_index", [v]).fetchall()
        L += ["", f"### {v}", "", _md(comment), ""]
        if v in wide:
            ft = wide[v]
            k1, k2 = schemas.tables()[ft].keys
            n = len(cols) - len(WIDE_REPORT_COLUMNS)
            L += [f"Columns: {', '.join(f'`{c}`' for c in WIDE_REPORT_COLUMNS)} from `dim_reports`, then {n} "
                  f"columns `<{k1}>_<{k2}>` ({cols[-1][1]}), one per pair "
                  f"of the [{k1}](#code-{ft}-{k1}) × [{k2}](#code-{ft}-{k2}) codes, e.g. "
                  f"`{wide_columns(ft)[0][0]}`; the column comment is the pair's Chinese labels.", ""]
            continue
        L += ["| column | type | description |", "|---|---|---|"]
        for name, typ, cm in cols:
            L.append(f"| `{name}` | {typ} | {_md(cm or '')} |")
    con.close()
    return L


def _codes_md() -> list[str]:
    """Every key column's codes, per fact table and dimension."""
    L = ["", "## Codes", "",
         "The codes of every key column (`schemas/codes.csv`, a superset of the contract's "
         "`shared/spec/codes.csv`; in the warehouse as table `dim_codes`). A dotted code is a child of the part "
         "before the dot; a report that prints only a group figure gets a row at the parent code. "
         "Templates: `pre2019` (before the 2019 regulation), `f2019`, `f2021`."]
    for ft in schemas.FACT_TABLES:
        for dim in schemas.tables()[ft].keys:
            L += ["", f'<a id="code-{ft}-{dim}"></a>', "", f"### {ft}.{dim}", "",
                  "| code | parent | label (zh) | templates | notes |", "|---|---|---|---|---|"]
            for c in codes_of(ft, dim):
                L.append(f"| `{c.code}` | {f'`{c.parent}`' if c.parent else ''} | {_md(c.label_zh)} | "
                         f"{', '.join(c.formats)} | {_md(c.notes)} |")
    return L


def _region_md() -> list[str]:
    L = ["", "## Region code snapshot", "",
         "`dim_reports.region_code` (and province/city/county) are resolved from the agency name through a "
         "snapshot of the national administrative division code list shipped with the project as data "
         "(`pipelines/parse/data/regions.csv`, regenerated by `scripts/make_regions.py`). In the warehouse: table "
         "`meta_region_snapshot`.", "", "| field | value |", "|---|---|"]
    for k, v in _region_meta().items():
        L.append(f"| {_md(k)} | {_md(v)} |")
    return L


def generated_files() -> dict[pathlib.Path, str]:
    views = render_views_sql()
    return {VIEWS_SQL: views, TABLES_MD: render_tables_md(views)}


def stale_files() -> list[pathlib.Path]:
    """Generated files whose committed content differs from what the generator gives now."""
    return [p for p, text in generated_files().items()
            if not p.exists() or p.read_text(encoding="utf-8") != text]


def write_all() -> list[pathlib.Path]:
    out = []
    for p, text in generated_files().items():
        p.parent.mkdir(parents=True, exist_ok=True)
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            p.write_text(text, encoding="utf-8")
        out.append(p)
    return out
