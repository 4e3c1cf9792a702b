"""`ogi export`: CSV (UTF-8 with BOM) and XLSX of tables and views, filtered by year,
region, level, verified and OCR; the files read back (pandas, openpyxl) hold the same rows
as DuckDB."""
import math
import shutil

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from pipelines.tools import export as ex
from pipelines.tools.cli import main
from pipelines.orchestration.runner import run_pipeline


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(SAMPLES, raw / "samples")
    out = tmp_path_factory.mktemp("wh")
    run_pipeline(raw, out, workers=1, use_cache=False, progress=False)
    return out


def _norm(v):
    """One value as DuckDB, pandas and openpyxl give it, made comparable: an Excel cell
    does not tell an empty string from NULL, and pandas reads text '0' as a number."""
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, bool):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def _db(wh, sql, params=()):
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        cur = con.execute(sql, list(params))
        return [d[0] for d in cur.description], sorted((tuple(_norm(v) for v in r) for r in cur.fetchall()), key=repr)
    finally:
        con.close()


def test_xlsx_year_2021_reads_back_as_in_duckdb(wh, tmp_path):
    out = tmp_path / "xlsx"
    res = CliRunner().invoke(main, ["export", "--warehouse", str(wh), "--format", "xlsx", "--year", "2021",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.xlsx" for t in ex.DEFAULT_TABLES)
    for t in ex.DEFAULT_TABLES:
        if t == "dim_reports" or t.startswith("fct_"):
            cols, want = _db(wh, f"select * from {t} where year = 2021")
        else:
            cols, want = _db(wh, f"select * from {t} where report_id in "
                                 "(select report_id from dim_reports where year = 2021)")
        assert want, t
        df = pd.read_excel(out / f"{t}.xlsx", engine="openpyxl", keep_default_na=False, na_values=[])
        assert list(df.columns) == cols
        got = sorted((tuple(_norm(None if v == "" else v) for v in r) for r in df.itertuples(index=False)), key=repr)
        assert got == want, t
        ws = openpyxl.load_workbook(out / f"{t}.xlsx", read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == cols and len(rows) - 1 == len(want)
        pad = [tuple(r) + (None,) * (len(cols) - len(r)) for r in rows[1:]]  # (trailing empty cells left out)
        assert sorted((tuple(_norm(v) for v in r) for r in pad), key=repr) == want
        if "evidence" in cols:  # text stays text, even where it is a number
            i = cols.index("evidence")
            types = {r[i].data_type for r in ws.iter_rows(min_row=2) if len(r) > i and r[i].value is not None}
            assert types == {"s"}, t
    # 2021: three of the five samples, and their cells only
    assert "dim_reports: 3 rows" in res.output


def test_csv_has_bom_and_the_same_rows(wh, tmp_path):
    out = tmp_path / "csv"
    res = CliRunner().invoke(main, ["export", "--warehouse", str(wh), "--out", str(out), "-t", "fct_outcomes",
                                    "-t", "v_report_rates"])
    assert res.exit_code == 0, res.output
    raw = (out / "fct_outcomes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "report_id" in raw[3:200].decode("utf-8")
    df = pd.read_csv(out / "fct_outcomes.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    _, want = _db(wh, "select report_id, outcome, applicant_type, value from fct_outcomes")
    got = sorted(((r, o, a, None if v == "" else float(v))
                  for r, o, a, v in zip(df.report_id, df.outcome, df.applicant_type, df.value)), key=repr)
    assert got == want
    rates = pd.read_csv(out / "v_report_rates.csv", encoding="utf-8-sig")
    assert len(rates) == 5 and "石家庄市新华区人民政府" in set(rates.agency)


def test_region_by_name_and_code(wh, tmp_path):
    for region, expect in (("河北", 3), ("福建省", 1), ("13", 3), ("3501", 1)):
        out = tmp_path / f"r{region}"
        res = CliRunner().invoke(main, ["export", "--warehouse", str(wh), "--out", str(out), "--region", region,
                                        "-t", "dim_reports", "-t", "fct_review_litigation"])
        assert res.exit_code == 0, res.output
        df = pd.read_csv(out / "dim_reports.csv", encoding="utf-8-sig", dtype=str)
        assert len(df) == expect, (region, df[["agency", "province", "region_code"]])
        cells = pd.read_csv(out / "fct_review_litigation.csv", encoding="utf-8-sig", dtype=str)
        assert set(cells.report_id) <= set(df.report_id) and len(cells)


def test_filters_on_cell_columns():
    con = duckdb.connect()
    con.execute("create table dim_reports (report_id varchar, year integer, province varchar, city varchar, "
                "county varchar, region_code varchar, level varchar)")
    con.execute("insert into dim_reports values ('a', 2024, '江苏省', '淮安市', null, '320800', 'city'), "
                "('b', 2024, '江苏省', '淮安市', '洪泽区', '320813', 'county'), "
                "('c', 2023, '江苏省', '淮安市', '洪泽区', '320813', 'county')")
    con.execute("create table cells (report_id varchar, year integer, value bigint, flags varchar, verified boolean)")
    con.execute("insert into cells values ('a', 2024, 3119, '', true), ('b', 2024, 95, 'ocr', false), "
                "('b', 2024, 7, 'ocr,digit_fix', true), ('c', 2023, 80, '', null)")

    def run(f):
        sql, params, notes = ex.query(con, "cells", f)
        return sorted(r[2] for r in con.execute(sql, params).fetchall()), notes

    assert run(ex.Filters(ocr=True))[0] == [7, 95]
    assert run(ex.Filters(ocr=False))[0] == [80, 3119]
    assert run(ex.Filters(verified=True))[0] == [7, 3119]
    assert run(ex.Filters(verified=False))[0] == [80, 95]
    assert run(ex.Filters(levels=("city",)))[0] == [3119]
    assert run(ex.Filters(levels=("county",), years=(2024,)))[0] == [7, 95]
    assert run(ex.Filters(region="320813"))[0] == [7, 80, 95]
    assert run(ex.Filters(region="洪泽区", ocr=True))[0] == [7, 95]
    _, _, notes = ex.query(con, "dim_reports", ex.Filters(ocr=True, verified=True))
    assert len(notes) == 2 and "--ocr does not apply to dim_reports" in notes[0] + notes[1]


def test_years_spec():
    assert ex.parse_years("2024") == (2024,)
    assert ex.parse_years("2019-2021,2024") == (2019, 2020, 2021, 2024)
    with pytest.raises(ValueError):
        ex.parse_years("last year")


def test_unknown_table_is_a_clear_error(wh, tmp_path):
    res = CliRunner().invoke(main, ["export", "--warehouse", str(wh), "--out", str(tmp_path), "-t", "nope"])
    assert res.exit_code == 1 and "no table or view nope" in res.output
