"""The generated files (docs/tables.md, pipelines/publish/sql/views.sql) are what the generator
produces now, and the data dictionary covers every table, column and code."""
import re

import duckdb
from click.testing import CliRunner

import schemas
from pipelines.tools import docs
from pipelines.tools.cli import main
from pipelines.parse.regions import snapshot_meta


def test_generated_files_are_current():
    stale = [str(p.relative_to(docs.ROOT)) for p in docs.stale_files()]
    assert stale == [], f"run `ogi docs` and commit: {stale}"
    r = CliRunner().invoke(main, ["docs", "--check"])
    assert r.exit_code == 0 and "docs current" in r.output


def test_dictionary_covers_every_table_column_and_code():
    md = docs.TABLES_MD.read_text(encoding="utf-8")
    for t in schemas.tables().values():
        section = md.split(f"\n### {t.name}\n", 1)[1].split("\n### ", 1)[0]
        assert t.description in section
        for c in t.columns:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{c.name}` |"))
            assert f"| {c.type} |" in row and c.description.replace("|", "\\|") in row
            if c.unit:
                assert f"| {c.unit} |" in row
    for c in schemas.codes():
        for ft in c.fact_tables:
            section = md.split(f"\n### {ft}.{c.dimension}\n", 1)[1].split("\n### ", 1)[0]
            assert re.search(rf"^\| `{re.escape(c.code)}` \|.*\| {re.escape(c.label_zh)} \|", section, re.M), c
    # units and labels as a user would look them up
    assert "| `value` | DOUBLE | yes | count, or 万元 for amounts |" in md
    assert "| `granted` | `total` | 三(一)予以公开 | f2019, f2021, pre2019 | pre2019: 同意公开 |" in md


def test_dictionary_documents_the_views_and_the_region_snapshot():
    md = docs.TABLES_MD.read_text(encoding="utf-8")
    for v in (*docs.WIDE_VIEWS.values(), "v_report_rates", "v_agency_panel", "v_panel_mismatches", "v_coverage",
              "v_cells_labelled", "v_check_failures"):
        assert f"\n### {v}\n" in md
    assert "| `review_correction_rate` | DOUBLE | 行政复议纠错率 = review_corrected / review_total |" in md
    assert "then 232 columns `<outcome>_<applicant_type>` (BIGINT)" in md
    m = snapshot_meta()
    snap = md.split("## Region code snapshot", 1)[1]
    assert f"| source | {m['source']} |" in snap and "cpca 0.5.5" in snap
    assert f"| source_release | {m['source_release']} |" in snap
    assert f"| generated | {m['generated']} |" in snap


def test_views_sql_runs_on_an_empty_warehouse_and_comments_come_from_the_schema():
    con = duckdb.connect()
    for t in schemas.tables():
        for stmt in schemas.duckdb_ddl(t):
            con.execute(stmt)
    con.execute(docs.VIEWS_SQL.read_text(encoding="utf-8"))
    for t in schemas.tables().values():
        got = dict(con.execute("select column_name, comment from duckdb_columns() where table_name = ?",
                               [t.name]).fetchall())
        for c in t.columns:
            assert got[c.name] == c.description + (f" [unit: {c.unit}]" if c.unit else "")
    # every view column has a comment (own, or the description of the table column it copies)
    missing = con.execute("select c.table_name, c.column_name from duckdb_columns() c join duckdb_views() v "
                          "on v.view_name = c.table_name where not v.internal and c.comment is null").fetchall()
    assert missing == []
    assert con.execute("select comment from duckdb_columns() where table_name = 'v_report_rates' "
                       "and column_name = 'agency'").fetchone()[0] == "The reporting body as the report's title names it"


def test_wide_column_names_are_unique_and_derived_from_codes():
    assert docs.wide_column_name("withheld.state_secret", "total") == "withheld_state_secret_total"
    for ft in docs.WIDE_VIEWS:
        names = [n for n, _, _ in docs.wide_columns(ft)]
        assert len(names) == len(set(names))
    assert ("granted_total" in [n for n, _, _ in docs.wide_columns("fct_outcomes")])
