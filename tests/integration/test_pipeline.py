"""Integration: materialise every asset into a temporary folder, query the DuckDB file,
compare with Parquet, score against gold, rerun, validate the Dagster definitions."""
import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import GOLD, ROOT, SAMPLES, SHARED
from pipelines.orchestration.runner import run_pipeline


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(SAMPLES, raw / "samples")
    (raw / "bad").mkdir()
    (raw / "bad" / "empty.txt").write_bytes(b"")
    (raw / "bad" / "garbage.bin").write_bytes(bytes(range(256)) * 40)
    (raw / "bad" / "notes.txt").write_text("会议纪要：无表格。", encoding="utf-8")
    wh = tmp_path_factory.mktemp("wh")
    summary = run_pipeline(raw, wh, workers=1, progress=False)
    return raw, wh, summary


def test_summary_and_status(built):
    raw, wh, s = built
    assert s["reports"] == 7  # (the empty file is no report: a row in `inputs`)
    assert s["status"] == {"failed": 2, "ok": 4, "partial": 1}
    assert s["inputs"] == {"report": 7, "skipped": 1}
    assert s["cells"]["fct_outcomes"] == 589
    assert all(s["asset_checks"].values()), s["asset_checks"]


def test_duckdb_tables_and_failed_rows(built):
    raw, wh, _ = built
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    rows = dict(con.execute("select source_path, status_detail from dim_reports where parse_status='failed'").fetchall())
    assert rows == {"bad/garbage.bin": "binary content, not a report in a known format",
                    "bad/notes.txt": "no recognisable tables or figures"}
    v = con.execute("""select value, source, evidence from fct_outcomes o join dim_reports d using (report_id)
                       where d.source_path like '%004_%' and outcome='granted' and applicant_type='total'""").fetchone()
    assert v == (22, "table", "22")
    fails = con.execute("""select c."check", c.passed from check_results c join dim_reports d using (report_id)
                           where d.source_path like '%003_%' and c."check"='t4.read'""").fetchall()
    assert fails == [("t4.read", False)]
    desc = con.execute("select comment from duckdb_columns() where table_name='fct_outcomes' "
                       "and column_name='value'").fetchone()[0]
    assert "Number of requests" in desc
    assert con.execute("select status, reason from inputs where path = 'bad/empty.txt'").fetchall() == \
        [("skipped", "an empty file (0 bytes)")]


def test_parquet_holds_the_same_rows(built):
    _, wh, _ = built
    con = duckdb.connect()
    for t in ("dim_reports", "fct_applications", "fct_outcomes", "fct_proactive_disclosures",
              "fct_review_litigation", "check_results"):
        n_pq = con.execute(f"select count(*) from read_parquet('{wh}/parquet/{t}/**/*.parquet', "
                           "hive_partitioning=true)").fetchone()[0]
        n_db = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True).execute(f"select count(*) from {t}").fetchone()[0]
        assert n_pq == n_db, t
    assert (wh / "parquet" / "fct_outcomes" / "year=2021").is_dir()


@pytest.mark.skipif(not (SHARED / "tools" / "score.py").exists(), reason="../shared not present")
def test_score_is_perfect_on_the_seeds(built):
    _, wh, _ = built
    r = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(GOLD),
                        "--db", str(wh / "ogi.duckdb"), "--min-recall", "1", "--min-precision", "1"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert "recall 100.0% precision 100.0%" in r.stdout
    assert "metadata 25/25" in r.stdout


def test_rerun_gives_the_same_tables(built, tmp_path):
    raw, wh, _ = built
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    before = con.execute("select * from fct_outcomes order by all").fetchall()
    con.close()
    run_pipeline(raw, wh, workers=1, progress=False)  # cached
    run_pipeline(raw, tmp_path, workers=1, use_cache=False, progress=False)  # cold
    for w in (wh, tmp_path):
        after = duckdb.connect(str(w / "ogi.duckdb"), read_only=True).execute(
            "select * from fct_outcomes order by all").fetchall()
        assert after == before
    assert not list(wh.glob(".*tmp*"))


def test_dagster_definitions_validate():
    exe = shutil.which("dagster", path=str(ROOT / ".venv" / "bin")) or shutil.which("dagster")
    if exe is None:
        pytest.skip("dagster CLI not installed")
    r = subprocess.run([exe, "definitions", "validate", "-m", "pipelines.orchestration.definitions"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_step_times_recorded(built):
    raw, wh, s = built
    import json

    last = json.loads((wh / "state" / "last_run.json").read_text(encoding="utf-8"))
    steps = last["step_seconds"]
    assert {"raw_report_files", "extracted_reports", "warehouse_tables"} == set(steps)
    assert all(v >= 0 for v in steps.values())
    assert sum(steps.values()) <= last["run_seconds"]  # (the module's last run: a rerun)
    assert set(s["step_seconds"]) == set(steps) and sum(s["step_seconds"].values()) <= s["seconds"]

    from pipelines.tools.bench import where_time_goes

    line = where_time_goes({"wall": last["run_seconds"] + 1.0, "run_s": last["run_seconds"], "unchanged": False,
                            "extract_s": last["seconds"], "steps": steps, "publish": {"parquet": 0.5, "duckdb": 0.25},
                            "duckdb": "built"})
    assert line.startswith("start-up 1.0 s; files ")
    assert f"parse {steps['extracted_reports']:.1f} s" in line and "(parquet 0.5 s, duckdb 0.25 s, built)" in line


def test_validation_of_typed_rows():
    """Rows from Arrow (their types enforced by the conversion) are validated without the
    dtype checks; bad codes, nulls, duplicate keys and negative counts are still caught, a
    DataFrame still gets its dtypes checked, and a wrong type never reaches pandera."""
    import pyarrow as pa

    from pipelines.publish import writer as publish

    schema = publish.schemas.arrow_schema("fct_outcomes")
    row = dict(report_id="r1", year=2021, outcome="granted", applicant_type="total", value=3, source="table",
               span_start=0, span_end=1, flags="", evidence="3", verified=True, page=None)
    good = pa.Table.from_pylist([row, {**row, "applicant_type": "natural_person"}], schema=schema)
    assert publish.validate("fct_outcomes", good) == {"rows": 2, "failures": 0}
    bad = pa.Table.from_pylist([row, row, {**row, "outcome": "granted.bogus", "value": -1}], schema=schema)
    res = publish.validate("fct_outcomes", bad)
    # two rows with one key (3 key columns each), a code not in codes.csv, a negative count
    assert res["rows"] == 3 and res["failures"] == 8
    assert "multiple_fields_uniqueness" in res["first"] and "'failure_case': 'granted.bogus'" in res["first"]
    assert "greater_than_or_equal_to(0)" in res["first"]
    df = publish._to_pandas("fct_outcomes", good).astype({"span_start": "float64"})
    df.loc[0, "span_start"] = 0.5
    res = publish.validate("fct_outcomes", df)
    assert res["failures"] == 2 and "dtype('Int32')" in res["first"]
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        pa.Table.from_pylist([{**row, "value": "3"}], schema=schema)
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        pa.Table.from_pylist([{**row, "outcome": 3}], schema=schema)
