"""Reading the published Parquet files the ways docs/using.md shows: a table's folder
(hive partitions read with an explicit integer schema, or the year taken from the files),
one file alone, and DuckDB with hive_partitioning — `year` is an integer every time, and
nullable integer columns come back as pandas' nullable dtypes, not floats."""
import re
from collections import Counter
import shutil

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES
from pipelines.orchestration.runner import run_pipeline

YEAR = pads.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(SAMPLES, raw / "samples")
    # a report without a statistics year: its rows go to year=__HIVE_DEFAULT_PARTITION__
    text = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")
    (raw / "noyear.txt").write_text(re.sub(r"(?:19|20)\d\d年度?", "", text), encoding="utf-8")
    out = tmp_path_factory.mktemp("wh")
    run_pipeline(raw, out, workers=1, use_cache=False, progress=False)
    return out


def _db_rows(wh, table):
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        return Counter(con.execute(f"select report_id, year, value from {table}").fetchall())
    finally:
        con.close()


def _rows(df):
    return Counter((r, None if pd.isna(y) else int(y), None if pd.isna(v) else int(v))
                   for r, y, v in zip(df["report_id"], df["year"], df["value"]))


def test_folder_with_integer_partitioning(wh):
    df = pd.read_parquet(wh / "parquet" / "fct_outcomes", partitioning=YEAR)
    assert str(df["year"].dtype) == "Int32"
    assert str(df["value"].dtype) == "Int64"
    assert str(df["span_start"].dtype) == "Int32"
    assert df["year"].isna().any() and df["year"].notna().any()  # the year-less report is there, as NULL
    assert _rows(df) == _db_rows(wh, "fct_outcomes")


def test_folder_year_from_the_files(wh):
    df = pd.read_parquet(wh / "parquet" / "fct_applications", partitioning=None)
    assert str(df["year"].dtype) == "Int32"
    assert _rows(df) == _db_rows(wh, "fct_applications")


def test_one_file_alone_keeps_year(wh):
    files = sorted((wh / "parquet" / "fct_outcomes").glob("year=2*/*.parquet"))
    assert files
    f = files[0]
    year = int(f.parent.name.split("=")[1])
    df = pd.read_parquet(f)
    assert str(df["year"].dtype) == "Int32" and set(df["year"]) == {year}
    assert str(df["value"].dtype) == "Int64"
    assert pq.read_schema(f).field("year").type == pa.int32()


def test_duckdb_hive_partitioning(wh):
    rel = duckdb.sql(f"select * from read_parquet('{wh}/parquet/fct_outcomes/**/*.parquet', "
                     "hive_partitioning = true)")
    types = dict(zip(rel.columns, [str(t) for t in rel.types]))
    assert types["year"] in ("INTEGER", "BIGINT")
    got = Counter(duckdb.sql(f"select report_id, year, value from read_parquet("
                             f"'{wh}/parquet/fct_outcomes/**/*.parquet', hive_partitioning = true)").fetchall())
    assert got == _db_rows(wh, "fct_outcomes")


def test_dim_reports_nullable_integers(wh):
    df = pd.read_parquet(wh / "parquet" / "dim_reports")
    assert str(df["year"].dtype) == "Int32"
    assert str(df["n_cells"].dtype) == "Int32"
    assert str(df["size_bytes"].dtype) == "Int64"
