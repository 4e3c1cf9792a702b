"""The Dagster layer: each published table is an asset of one writer step, with its
column schema as metadata and its pandera schema as a check; after a full run any one
table can be materialised alone (with a persistent IO manager, as `dagster asset
materialize --select <table>` does)."""
import shutil

import duckdb
from dagster import AssetKey, DagsterInstance, FilesystemIOManager, materialize

import schemas
from conftest import SAMPLES
from pipelines.orchestration.assets import (CHECK_SPECS, TABLE_SPECS, extracted_reports, raw_report_files,
                                            settings_from_env, warehouse_tables)
from pipelines.orchestration.definitions import build_defs


def test_every_published_table_is_an_asset_with_its_columns():
    specs = {s.key.to_user_string(): s for s in TABLE_SPECS}
    assert set(specs) == set(schemas.PUBLISHED) | {"inputs"} | set(schemas.AGENCY_TABLES)
    fo = specs["fct_outcomes"]
    assert set(fo.kinds) == {"parquet", "duckdb"}
    cols = {c.name: c for c in fo.metadata["dagster/column_schema"].columns}
    assert list(cols) == schemas.tables()["fct_outcomes"].column_names
    assert cols["value"].type == "BIGINT" and cols["outcome"].constraints.nullable is False
    assert {c.name for c in CHECK_SPECS} == {f"{t}_schema" for t in (*schemas.PUBLISHED, "inputs", *schemas.AGENCY_TABLES)} \
        | {"report_identities"}
    ag = {c.name: c for c in specs["dim_agencies"].metadata["dagster/column_schema"].columns}
    assert list(ag) == schemas.tables()["dim_agencies"].column_names and ag["agency_id"].constraints.unique
    defs = build_defs()
    assert defs.resolve_assets_def("fct_outcomes").keys >= {AssetKey("fct_outcomes"), AssetKey("dim_reports")}


def test_one_table_materialised_alone_after_a_full_run(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(SAMPLES, raw)
    ogi = settings_from_env(raw_dir=str(raw), warehouse_dir=str(wh), workers=1, progress=False)
    resources = {"ogi": ogi, "io_manager": FilesystemIOManager(base_dir=str(tmp_path / "storage")),
                 "warehouse_writer": build_defs({"ogi": ogi}).resources["warehouse_writer"]}
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
