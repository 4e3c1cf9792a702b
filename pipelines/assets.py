"""Dagster assets, checks, job, schedule and sensor of the ogi code location.

Layers (PUDL style): raw (the report files found), staged (each report extracted:
decoded, normalised, sectioned, cells read — cached by content hash), core (the
published tables as DataFrames, one asset each, each validated by its pandera schema in
an asset check) and out (the warehouse: Parquet + DuckDB written by one step). All the
work is in plain modules (batch, extract, publish); this file only wires them.
"""

import hashlib
import os
import pathlib

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetOut,
    ConfigurableResource,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    MaterializeResult,
    Output,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    asset,
    asset_check,
    define_asset_job,
    multi_asset,
    sensor,
)

import schemas
from . import PARSER_VERSION, runlock
from .batch import MANIFEST, Extraction, discover, extract_all, finish
from .publish import TableRows, prepare, validate, write

CORE_TABLES = ("dim_reports", "fct_applications", "fct_outcomes", "fct_proactive_disclosures",
               "fct_review_litigation", "check_results", "report_texts")


class OgiSettings(ConfigurableResource):
    """Where reports are read from and the warehouse is written to (env: OGI_RAW_DIR,
    OGI_WAREHOUSE_DIR, OGI_WORKERS, OGI_CACHE)."""

    raw_dir: str = "raw"
    warehouse_dir: str = "warehouse"
    workers: int = 1
    use_cache: bool = True
    progress: bool = True

    @property
    def raw_path(self) -> pathlib.Path:
        return pathlib.Path(self.raw_dir)

    @property
    def warehouse_path(self) -> pathlib.Path:
        return pathlib.Path(self.warehouse_dir)


def settings_from_env(**overrides) -> OgiSettings:
    env = os.environ
    base = dict(raw_dir=env.get("OGI_RAW_DIR", "raw"), warehouse_dir=env.get("OGI_WAREHOUSE_DIR", "warehouse"),
                workers=int(env.get("OGI_WORKERS", str(min(2, os.cpu_count() or 1)))),
                use_cache=env.get("OGI_CACHE", "1") != "0")
    base.update({k: v for k, v in overrides.items() if v is not None})
    return OgiSettings(**base)


@asset(group_name="raw", description="Report files found under the raw folder: path, size, sha256 (files "
                                      "unchanged since the last run are not read again).")
def raw_report_files(context: AssetExecutionContext, ogi: OgiSettings) -> pd.DataFrame:
    # the run holds the warehouse's lock from here to its last step (one writer at a time)
    runlock.hold(ogi.warehouse_path, context.run.run_id)
    # (lazy: on a first run the parsing workers hash what they read)
    df = discover(ogi.raw_path, ogi.warehouse_path / MANIFEST if ogi.use_cache else None, lazy=True,
                  exclude=[ogi.warehouse_path])
    context.add_output_metadata({"files": len(df), "hashed": df.attrs.get("hashed", len(df)),
                                 "left_to_the_workers": df.attrs.get("unhashed", 0), "raw_dir": str(ogi.raw_path)})
    return df


@asset(group_name="staged", description="Each report decoded, normalised, split into sections and its "
                                         "table cells and prose figures read, in a process pool, into staged "
                                         "Parquet segments; reports the warehouse already holds are not parsed.")
def extracted_reports(context: AssetExecutionContext, ogi: OgiSettings,
                      raw_report_files: pd.DataFrame) -> Extraction:
    ext = extract_all(raw_report_files, ogi.warehouse_path, ogi.workers, ogi.progress, ogi.use_cache)
    context.add_output_metadata({k: v for k, v in ext.stats.items() if v is not None}
                                | {"parser_version": PARSER_VERSION})
    return ext


@multi_asset(
    group_name="core",
    outs={t: AssetOut(description=schemas.tables()[t].description) for t in CORE_TABLES},
    description="The published tables as frames, built from the extracted reports.",
)
def core_tables(extracted_reports: Extraction):
    e = extracted_reports
    p = prepare(pathlib.Path(e.warehouse), e.files, e.segments, e.base, e.signature, e.inputs, e.unchanged, e.stats,
                listing=getattr(e, "listing", None))
    for t in CORE_TABLES:
        rows = TableRows(p, t)
        yield Output(rows, output_name=t, metadata={"new_rows": rows.new_rows, "unchanged": p.unchanged})


def _pandera_check(table: str):
    @asset_check(asset=table, name=f"{table}_schema", blocking=True,
                 description=f"pandera schema of {table}, built from schemas/tables.yaml and codes.csv")
    def _check(frame: TableRows) -> AssetCheckResult:
        # the rows this run adds (rows carried over were validated when first published)
        res = validate(table, frame) if isinstance(frame, pd.DataFrame) else frame.validate()
        if res["failures"]:
            return AssetCheckResult(passed=False, metadata={"failures": res["failures"], "first": res.get("first", "")})
        return AssetCheckResult(passed=True, metadata={"rows": res["rows"]})

    return _check


schema_checks = [_pandera_check(t) for t in CORE_TABLES]


@asset_check(asset="check_results", name="report_identities",
             description="Share of reports whose printed tables break an arithmetic identity (a warning: the "
                         "reports are wrong, and check_results says where).")
def report_identities(check_results: TableRows) -> AssetCheckResult:
    if not isinstance(check_results, pd.DataFrame):
        check_results = check_results.frame(["report_id", "check", "passed"])
    ident = check_results[check_results["check"].isin(["t3.row_total", "t3.balance", "t3.outcome_sum", "t4.total"])]
    bad = ident[~ident["passed"].astype(bool)]
    n_bad = bad["report_id"].nunique()
    return AssetCheckResult(passed=n_bad == 0, severity=AssetCheckSeverity.WARN,
                            metadata={"reports_with_failures": int(n_bad), "failing_checks": int(len(bad))})


@asset(group_name="out", deps=list(CORE_TABLES),
       description="warehouse/ogi.duckdb and warehouse/parquet/, written by one step and renamed into place.")
def warehouse(context: AssetExecutionContext, ogi: OgiSettings, dim_reports: TableRows,
              fct_applications: TableRows, fct_outcomes: TableRows, fct_proactive_disclosures: TableRows,
              fct_review_litigation: TableRows, check_results: TableRows,
              report_texts: TableRows) -> MaterializeResult:
    # all seven hold the same plan: one writer publishes it (nothing when nothing changed)
    p = dim_reports.prepared
    try:
        counts = write(p, ogi.workers)
        finish(p, counts)
    finally:
        runlock.release(ogi.warehouse_path, context.run.run_id)
    return MaterializeResult(metadata={f"rows_{k}": v for k, v in counts.items()}
                             | {"duckdb": str(ogi.warehouse_path / "ogi.duckdb"), "unchanged": p.unchanged})


ogi_job = define_asset_job("ogi_job", description="Read every report under the raw folder and publish the warehouse.")

daily_schedule = ScheduleDefinition(job=ogi_job, cron_schedule="0 3 * * *", name="ogi_daily",
                                    default_status=DefaultScheduleStatus.STOPPED)


def _listing_fingerprint(raw: pathlib.Path, warehouse: pathlib.Path | None = None) -> str:
    h = hashlib.sha256()
    wh = os.path.realpath(warehouse) if warehouse is not None else None
    for root, dirs, files in os.walk(raw):
        # (the warehouse, when inside the raw folder, changes with every run: not watched)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and os.path.realpath(os.path.join(root, d)) != wh)
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)  # (a link is not followed: loops and dangling links are files too)
            except OSError:
                continue
            h.update(os.fsencode(path) + f"\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


@sensor(job=ogi_job, minimum_interval_seconds=300, default_status=DefaultSensorStatus.STOPPED,
        description="Starts a run when files under the raw folder are added, changed or removed.")
def new_report_files(context: SensorEvaluationContext, ogi: OgiSettings):
    if not ogi.raw_path.is_dir():
        return SkipReason(f"raw folder {ogi.raw_path} does not exist")
    fp = _listing_fingerprint(ogi.raw_path, ogi.warehouse_path)
    if fp == context.cursor:
        return SkipReason("no change under the raw folder")
    context.update_cursor(fp)
    return RunRequest(run_key=fp)
