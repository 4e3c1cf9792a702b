"""The Dagster layer: each published table is an asset of one writer step, with its
column schema as metadata and its pandera schema as a check; after a full run any one
table can be materialised alone (with a persistent IO manager, as `dagster asset
materialize --select <table>` does)."""
import os
import pathlib
import shutil
import subprocess
import sys

import duckdb
from dagster import AssetKey, DagsterInstance, FilesystemIOManager, materialize

import schemas
from conftest import SAMPLES
from pipelines.orchestration.assets import (CHECK_SPECS, TABLE_SPECS, extracted_reports, raw_report_files,
                                            settings_from_env, warehouse_tables)
from pipelines.orchestration.definitions import build_defs


def test_every_published_table_is_an_asset_with_its_columns():
    specs = {s.key.to_user_string(): s for s in TABLE_SPECS}
    assert list(specs) == list(schemas.tables())   # every table of tables.yaml
    fo = specs["fct_outcomes"]
    assert set(fo.kinds) == {"parquet", "duckdb"}
    cols = {c.name: c for c in fo.metadata["dagster/column_schema"].columns}
    assert list(cols) == schemas.tables()["fct_outcomes"].column_names
    assert cols["value"].type == "BIGINT" and cols["outcome"].constraints.nullable is False
    assert {c.name for c in CHECK_SPECS} == {f"{t}_schema" for t in schemas.tables()} | {"report_identities"}
    ag = {c.name: c for c in specs["dim_agencies"].metadata["dagster/column_schema"].columns}
    assert list(ag) == schemas.tables()["dim_agencies"].column_names and ag["agency_id"].constraints.unique
    defs = build_defs()
    assert defs.resolve_assets_def("fct_outcomes").keys >= {AssetKey("fct_outcomes"), AssetKey("dim_reports")}


def test_one_table_materialised_alone_after_a_full_run(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(SAMPLES, raw)
    ogi = settings_from_env(raw_dir=str(raw), warehouse_dir=str(wh), workers=1, progress=False)
    resources = build_defs({"ogi": ogi, "io_manager": FilesystemIOManager(base_dir=str(tmp_path / "storage"))}).resources
    instance = DagsterInstance.ephemeral()
    assets = [raw_report_files, extracted_reports, warehouse_tables]
    assert materialize(assets, resources=resources, instance=instance).success
    before = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True).execute(
        "select * from fct_outcomes order by all").fetchall()
    assert len(before) == 589
    # the staged segments the stored extraction points to are gone now; selecting one table
    # still works: the step sees the handle is stale and extracts again (from the cache)
    res = materialize(assets, selection="fct_outcomes", resources=resources, instance=instance)
    assert res.success
    mats = [ev.asset_key.to_user_string() for ev in res.get_asset_materialization_events()]
    assert mats == ["fct_outcomes"]
    after = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True).execute(
        "select * from fct_outcomes order by all").fetchall()
    assert after == before
    # the agency tables are assets of the same step (dagster asset materialize --select dim_agencies)
    res = materialize(assets, selection="dim_agencies", resources=resources, instance=instance)
    assert res.success
    assert [ev.asset_key.to_user_string() for ev in res.get_asset_materialization_events()] == ["dim_agencies"]
    meta = res.get_asset_materialization_events()[0].materialization.metadata
    n = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True).execute("select count(*) from dim_agencies").fetchone()[0]
    assert meta["rows"].value == n > 0


def test_dagster_cli_materialises_one_table_after_ogi_run(tmp_path):
    """The Done-when of issue 14 as a user meets it: `ogi run` (the job in process, its
    handles in memory), then `dagster asset materialize --select <table>` on the code
    location: the step finds no stored handle, extracts again from the cache and
    publishes; the table is unchanged and only it is reported."""
    from pipelines.orchestration.runner import run_pipeline

    raw, wh = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(SAMPLES, raw)
    run_pipeline(raw, wh, workers=1, progress=False)
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    before = con.execute("select * from fct_outcomes order by all").fetchall()
    codes = con.execute("select count(*) from dim_codes").fetchone()[0]
    con.close()
    env = {**os.environ, "OGI_RAW_DIR": str(raw), "OGI_WAREHOUSE_DIR": str(wh), "OGI_WORKERS": "1",
           "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    (tmp_path / "dagster_home").mkdir()
    dagster = pathlib.Path(sys.executable).parent / "dagster"
    for table in ("fct_outcomes", "dim_codes"):
        r = subprocess.run([str(dagster), "asset", "materialize", "-m", "pipelines.orchestration.definitions",
                            "--select", table], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        assert f'ASSET_MATERIALIZATION - Materialized value {table}' in r.stderr, r.stderr[-3000:]
        other = "dim_codes" if table == "fct_outcomes" else "fct_outcomes"
        assert f"Materialized value {other}" not in r.stderr
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    assert con.execute("select * from fct_outcomes order by all").fetchall() == before
    assert con.execute("select count(*) from dim_codes").fetchone()[0] == codes > 0
    # nothing changed under the raw folder: the warehouse was not written again
    assert con.execute("select count(*) from meta_runs").fetchone()[0] == 1
    con.close()
