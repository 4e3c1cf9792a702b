"""Dagster assets, checks, job, schedule and sensor of the ogi code location.

Layers (PUDL style): raw (the report files found), staged (each report extracted:
decoded, normalised, sectioned, cells read — cached by content hash) and core (the
published tables, one asset each, with their column schema as metadata and their pandera
schema as a blocking check). The tables are the specs of one writer step (a
`multi_asset`): they come from one plan and the warehouse changes as one, through the
`warehouse_writer` resource. All the work is in plain modules (batch, extract, publish);
this file only wires them.
"""

import contextlib
import hashlib
import os
import pathlib

import pandas as pd
from dagster import (
    AssetCheckResult,
    ConfigurableIOManager,
    InputContext,
    OutputContext,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetsDefinition,
    AssetSpec,
    ConfigurableResource,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Failure,
    In,
    MaterializeResult,
    OpExecutionContext,
    Out,
    Output,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    TableColumn,
    TableColumnConstraints,
    TableSchema,
    asset,
    define_asset_job,
    graph_asset,
    multi_asset,
    op,
    sensor,
)

import schemas
from .. import PARSER_VERSION
from ..stage import runlock
from ..stage.batch import MANIFEST, Extraction, discover, extract_all, finish
from ..publish.writer import TableRows, prepare, read_marker, write
from ..stage import shards
from ..stage.shards import ShardResult
from ..stage.staging import stage_url

# each an asset of the one writer step below: every table of schemas/tables.yaml (from the
# reports, the listing of the raw folder, the agency tables built from all reports'
# dim_reports rows, the reference tables and meta_runs)
CORE_TABLES = tuple(schemas.tables())


class OgiSettings(ConfigurableResource):
    """Where reports are read from and the warehouse is written to (env: OGI_RAW_DIR,
    OGI_WAREHOUSE_DIR, OGI_WORKERS, OGI_CACHE, OGI_STAGE_URL), and how a run spreads:
    `workers` parsing processes per shard step; `stage_url` the staging location every
    worker reaches (staging.py; empty: `<warehouse>/staged`); `lock_elsewhere` when the
    process that launched the run holds the warehouse's lock for its steps (a run whose
    steps run on a Dask cluster)."""

    raw_dir: str = "raw"
    warehouse_dir: str = "warehouse"
    workers: int = 1
    use_cache: bool = True
    progress: bool = True
    stage_url: str = ""
    lock_elsewhere: bool = False

    @property
    def raw_path(self) -> pathlib.Path:
        return pathlib.Path(self.raw_dir)

    @property
    def warehouse_path(self) -> pathlib.Path:
        return pathlib.Path(self.warehouse_dir)

    @property
    def stage(self) -> str:
        return stage_url(self.warehouse_dir, self.stage_url or None)

    def lock_scope(self):
        """Inside a step: the run's lock is this process's to take, or held elsewhere."""
        return runlock.held_elsewhere(self.warehouse_path) if self.lock_elsewhere else contextlib.nullcontext()


def settings_from_env(**overrides) -> OgiSettings:
    env = os.environ
    base = dict(raw_dir=env.get("OGI_RAW_DIR", "raw"), warehouse_dir=env.get("OGI_WAREHOUSE_DIR", "warehouse"),
                workers=int(env.get("OGI_WORKERS", str(min(2, os.cpu_count() or 1)))),
                use_cache=env.get("OGI_CACHE", "1") != "0", stage_url=env.get("OGI_STAGE_URL", ""))
    base.update({k: v for k, v in overrides.items() if v is not None})
    return OgiSettings(**base)


@asset(group_name="raw", description="Report files found under the raw folder: path, size, sha256 (files "
                                      "unchanged since the last run are not read again).")
def raw_report_files(context: AssetExecutionContext, ogi: OgiSettings) -> pd.DataFrame:
    with ogi.lock_scope():
        # the run holds the warehouse's lock from here to its last step (one writer at a time)
        runlock.hold(ogi.warehouse_path, context.run.run_id)
        # (lazy: on a first run the parsing workers hash what they read)
        df = discover(ogi.raw_path, ogi.warehouse_path / MANIFEST if ogi.use_cache else None, lazy=True,
                      exclude=[ogi.warehouse_path])
    context.add_output_metadata({"files": len(df), "hashed": df.attrs.get("hashed", len(df)),
                                 "left_to_the_workers": df.attrs.get("unhashed", 0), "raw_dir": str(ogi.raw_path)})
    return df


class StagedHandleIO(ConfigurableIOManager):
    """Keeps the staged step's handle (an Extraction: the segments parsed, the warehouse it
    builds on) between steps as a pickle under `base_dir`; a handle never stored — the last
    full run was `ogi run`, whose handles stay in memory — loads as None, and the writer
    step then lists and extracts again (from the cache), so one table can be materialised
    alone after any run."""

    base_dir: str

    def _path(self, context) -> pathlib.Path:
        return pathlib.Path(self.base_dir, *context.asset_key.path)

    def handle_output(self, context: OutputContext, obj) -> None:
        import pickle

        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(obj))
        os.replace(tmp, path)

    def load_input(self, context: InputContext):
        import pickle

        try:
            return pickle.loads(self._path(context).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # (none stored, or by another version of the code: extracted again)


def _dask_worker() -> str | None:
    """The address of the Dask worker running this step, if one is."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return None


def extracted_reports_asset(n: int) -> AssetsDefinition:
    """The staged extraction as a graph of steps: a plan, `n` shard steps (each parses the
    files whose path hashes to it, into segments at the staging location) and a gather.

    A static fan-out, not a dynamic map: dagster-dask builds its task graph once, from the
    plan's steps known before the run starts, and never runs the steps of a dynamic map
    (they are resolved only by executors that plan as they go); partitions would make each
    shard a run of its own (a backfill), leaving an executor one step per run and the
    publishing step to a second job. So `n` (OGI_SHARDS, or `ogi run --shards`) shapes the
    graph: every process that loads the job must see the same value."""

    outs = {"plan": Out(description="the plan (shards.Plan), for the gather")}
    outs.update({f"shard_{k}": Out(description=f"the files of shard {k} (shards.ShardWork)") for k in range(n)})

    @op(out=outs, description="Decide what to parse (contents neither the warehouse nor a complete staged "
                              f"segment holds) and split it into {n} shards by a hash of the relative path.")
    def plan_shards(context: OpExecutionContext, ogi: OgiSettings, raw_report_files: pd.DataFrame):
        with ogi.lock_scope(), runlock.run_lock(ogi.warehouse_path):
            p, works = shards.plan(raw_report_files, ogi.warehouse_path, ogi.use_cache, n, ogi.stage)
        context.log.info(f"{sum(len(w.items) for w in works)} files to parse in {n} shards "
                         f"({', '.join(str(len(w.items)) for w in works)}); staging at {p.stage}; "
                         f"{len(p.reuse)} staged segments reused")
        yield Output(p, "plan")
        for w in works:
            yield Output(w, f"shard_{w.shard}", metadata={"files": len(w.items)})

    @op(description="Parse one shard's files in a process pool under the per-file limits into segments at "
                    "the staging location.")
    def extract_shard(context: OpExecutionContext, ogi: OgiSettings, work) -> ShardResult:
        r = shards.run_shard(work, ogi.workers, ogi.progress and n == 1)
        where = _dask_worker() or "this process"
        context.log.info(f"shard {r.shard}: {r.files} files parsed on {where} (host {r.host}, pid {r.pid}) in "
                         f"{r.seconds} s ({len(r.segments)} segments, {r.failed} failed reports)")
        context.add_output_metadata({"files": r.files, "segments": len(r.segments), "failed": r.failed,
                                     "worker": where, "host": r.host, "pid": r.pid, "seconds": r.seconds})
        return r

    # (one input per shard, not a fan-in list: a step run alone in a Dask worker does not
    # know which upstream outputs exist, and would load a fan-in list as empty)
    @op(ins={"plan": In(), **{f"shard_{k}": In() for k in range(n)}}, out=Out(io_manager_key="staged_io"),
        description="The shards' segments and counts as one extraction for the writer.")
    def gather_shards(context: OpExecutionContext, ogi: OgiSettings, plan, **results) -> Extraction:
        with ogi.lock_scope(), runlock.run_lock(ogi.warehouse_path):
            ext = shards.gather(plan, list(results.values()))
        context.add_output_metadata({k: v for k, v in ext.stats.items() if v is not None and k != "shard_seconds"}
                                    | {"parser_version": PARSER_VERSION})
        return ext

    @graph_asset(name="extracted_reports", group_name="staged",
                 description="Each report decoded, normalised, split into sections and its table cells and prose "
                             f"figures read, in {n} shard step(s) each with a process pool, into staged Parquet "
                             "segments; reports the warehouse (or a complete staged segment) already holds are not "
                             "parsed.")
    def extracted_reports(raw_report_files: pd.DataFrame):
        planned = plan_shards(raw_report_files)
        results = [extract_shard.alias(f"extract_shard_{k}")(getattr(planned, f"shard_{k}")) for k in range(n)]
        return gather_shards(plan=planned.plan, **{f"shard_{k}": r for k, r in enumerate(results)})

    return extracted_reports


extracted_reports = extracted_reports_asset(shards.shard_count())  # (OGI_SHARDS; build_defs takes a count)


def column_schema(table: str) -> TableSchema:
    """A table's columns as Dagster metadata (the catalog's data dictionary), from schemas/tables.yaml."""
    t = schemas.tables()[table]
    return TableSchema(columns=[
        TableColumn(c.name, c.type, description=c.description + (f" (unit: {c.unit})" if c.unit else ""),
                    constraints=TableColumnConstraints(nullable=c.nullable, unique=t.primary_key == (c.name,)))
        for c in t.columns])


IDENTITY_CHECKS = ("t3.row_total", "t3.balance", "t3.outcome_sum", "t4.total")

TABLE_SPECS = [
    AssetSpec(t, group_name="core", deps=["extracted_reports"], kinds={"parquet", "duckdb"},
              description=schemas.tables()[t].description,
              metadata={"dagster/column_schema": column_schema(t),
                        "primary_key": ", ".join(schemas.tables()[t].primary_key)})
    for t in CORE_TABLES
]
CHECK_SPECS = [
    *(AssetCheckSpec(f"{t}_schema", asset=t, blocking=True,
                     description=f"pandera schema of {t}, built from schemas/tables.yaml and codes.csv: "
                                 "the warehouse is not published when the rows this run adds fail it")
      for t in CORE_TABLES),
    AssetCheckSpec("report_identities", asset="check_results",
                   description="Share of reports whose printed tables break an arithmetic identity (a warning: "
                               "the reports are wrong, and check_results says where)."),
]


class WarehouseWriter(ConfigurableResource):
    """Writes a prepared warehouse: Parquet files and the DuckDB file built beside them and
    renamed into place (publish.write), then clears the staged segments (batch.finish)."""

    def publish(self, prepared, workers: int) -> dict[str, int]:
        counts = write(prepared, workers)
        finish(prepared, counts)
        return counts


def _current(ext: Extraction | None) -> bool:
    """Whether an extraction handed over by the IO manager can still be published: there is
    one, its staged segments exist and the warehouse is still the one it was built on (a
    handle from an earlier run, e.g. when one table is materialised alone, is not)."""
    if ext is None:
        return False
    if any(not (pathlib.Path(s.dir) / "_done").exists() for s in ext.segments):
        return False
    # without a base the plan rebuilds every table from the segments, whatever is published now
    return ext.base is None or read_marker(pathlib.Path(ext.warehouse)) == ext.base.marker


@multi_asset(specs=TABLE_SPECS, check_specs=CHECK_SPECS, can_subset=True,
             ins={"extracted_reports": AssetIn()},
             description="The published tables, written by one step: every table of one plan validated by "
                         "its pandera schema, then the Parquet files and the DuckDB file renamed into place. "
                         "Selecting some tables publishes the whole warehouse (it changes as one), and "
                         "reports only the selected ones.")
def warehouse_tables(context: AssetExecutionContext, ogi: OgiSettings, warehouse_writer: WarehouseWriter,
                     extracted_reports: Extraction | None):
    with ogi.lock_scope():
        yield from _publish(context, ogi, warehouse_writer, extracted_reports)


def _publish(context: AssetExecutionContext, ogi: OgiSettings, warehouse_writer: WarehouseWriter,
             ext: Extraction | None):
    if ext is not None:
        ext = shards.localize(ext)  # (segments on an object store: downloaded)
    if ext is None or not _current(ext):
        context.log.info("no staged extraction of this run handed over: listing and extracting again")
        ext = extract_all(discover(ogi.raw_path, ogi.warehouse_path / MANIFEST if ogi.use_cache else None, lazy=True,
                                   exclude=[ogi.warehouse_path]),
                          ogi.warehouse_path, ogi.workers, ogi.progress, ogi.use_cache, stage=ogi.stage)
    p = prepare(pathlib.Path(ext.warehouse), ext.files, ext.segments, ext.base, ext.signature, ext.inputs,
                ext.unchanged, ext.stats, listing=getattr(ext, "listing", None))
    p.stage = getattr(ext, "stage", "")  # (batch.finish clears it after the publish)
    selected = {k.to_user_string() for k in context.selected_asset_keys}
    results = {t: TableRows(p, t).validate() for t in CORE_TABLES}
    bad = {t: r for t, r in results.items() if r["failures"]}
    if bad:
        raise Failure("pandera refused the rows of " + ", ".join(bad) + ": nothing published",
                      metadata={t: f"{r['failures']} failures; first: {r.get('first', '')}" for t, r in bad.items()})
    try:
        counts = warehouse_writer.publish(p, ogi.workers)
    finally:
        runlock.release(ogi.warehouse_path, context.run.run_id)  # (held since raw_report_files)
    for t in CORE_TABLES:
        if t not in selected:
            continue
        yield MaterializeResult(asset_key=t, metadata={"rows": counts.get(t, 0), "new_rows": TableRows(p, t).new_rows,
                                                       "unchanged": p.unchanged})
        yield AssetCheckResult(asset_key=t, check_name=f"{t}_schema", passed=True,
                               metadata={"rows_validated": results[t]["rows"]})
    if "check_results" in selected:
        yield _identity_result(pathlib.Path(ext.warehouse))


def _identity_result(warehouse: pathlib.Path) -> AssetCheckResult:
    import duckdb

    con = duckdb.connect(str(warehouse / "ogi.duckdb"), read_only=True)
    try:
        # (a failing identity row of severity warning says it was not evaluated, not that it breaks)
        n_bad, n_fail = con.execute(
            "select count(distinct report_id), count(*) from check_results where not passed and severity = 'error' "
            "and \"check\" in "
            f"({', '.join(repr(c) for c in IDENTITY_CHECKS)})").fetchone()
    finally:
        con.close()
    return AssetCheckResult(asset_key="check_results", check_name="report_identities", passed=n_bad == 0,
                            severity=AssetCheckSeverity.WARN,
                            metadata={"reports_with_failures": int(n_bad), "failing_checks": int(n_fail)})


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
