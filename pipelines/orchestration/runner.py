"""Run the Dagster job headless and summarise the warehouse it wrote: in this process (the
default), or with its steps on a Dask cluster (`executor="dask"`: a LocalCluster started
for the run, or a running scheduler by address). Used by `ogi run` and by the tests."""
from __future__ import annotations

import os
import pathlib
import time

from dagster import DagsterInstance, InMemoryIOManager

import schemas

from ..stage import runlock
from .assets import settings_from_env
from .definitions import build_defs

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def run_pipeline(raw: str | pathlib.Path, warehouse: str | pathlib.Path, workers: int | None = None,
                 use_cache: bool = True, progress: bool = True, executor: str | None = None,
                 dask_address: str | None = None, dask_workers: int | None = None, shards: int | None = None,
                 stage_url: str | None = None, from_failure: str | None = None) -> dict:
    """`executor`: in_process (default; OGI_EXECUTOR) or dask (`dask_address` a running
    scheduler, else a LocalCluster of `dask_workers` processes, default OGI_DASK_WORKERS
    or 2); `shards`: shard steps (default OGI_SHARDS, else 1 in process and 2 per Dask
    worker); `stage_url`: the staging location (default OGI_STAGE_URL, else
    `<warehouse>/staged`); `from_failure`: a failed Dask run's id, whose failed steps
    alone run again (run_on_dask)."""
    executor = (executor or os.environ.get("OGI_EXECUTOR") or "in_process").strip().lower()
    if executor == "dask":
        return run_on_dask(raw, warehouse, workers=workers, use_cache=use_cache, address=dask_address,
                           dask_workers=dask_workers, shards=shards, stage_url=stage_url,
                           from_failure=from_failure)
    if executor not in ("in_process", "in-process"):
        raise ValueError(f"unknown executor {executor!r}: in_process or dask (celery and k8s run through "
                         "`dagster` with OGI_EXECUTOR set; see docs/distributed.md)")
    t0 = time.perf_counter()
    ogi = settings_from_env(raw_dir=str(raw), warehouse_dir=str(warehouse), workers=workers,
                            use_cache=use_cache, progress=progress, stage_url=stage_url)
    defs = build_defs({"ogi": ogi, "io_manager": InMemoryIOManager(), "staged_io": InMemoryIOManager()},
                      shards=shards)
    job = defs.resolve_job_def("ogi_job")
    instance = DagsterInstance.ephemeral()
    # one writer at a time: a second run waits (OGI_LOCK_WAIT) or stops with runlock.RunLocked
    with runlock.run_lock(warehouse):
        try:
            res = job.execute_in_process(instance=instance, run_config=QUIET, raise_on_error=True)
        finally:
            runlock.release(warehouse)  # (the holds of this run's steps, had one failed)
    checks = {ev.check_name: bool(ev.passed) for ev in res.get_asset_check_evaluations()}
    return _summary(instance, res.run_id, raw, warehouse, checks, t0)


def _summary(instance, run_id: str, raw, warehouse, checks: dict, t0: float) -> dict:
    steps = step_seconds(instance, run_id)
    summary = summarize(pathlib.Path(warehouse) / "ogi.duckdb")
    summary["asset_checks"] = checks
    summary.update(run_counts(pathlib.Path(warehouse)))
    summary["raw"] = str(raw)
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    summary["step_seconds"] = steps
    _record_steps(pathlib.Path(warehouse), steps, summary["seconds"])
    summary["shards_on"] = shard_workers(instance, run_id)
    return summary


class RunFailed(RuntimeError):
    """A run on Dask that failed before publishing; `run_id` names it for a re-execution."""

    def __init__(self, message: str, run_id: str):
        super().__init__(message)
        self.run_id = run_id


SETTINGS_TAG = "ogi/settings"   # a Dask run's settings, kept on the run for its re-execution


def dask_instance(warehouse: pathlib.Path):
    """DAGSTER_HOME's instance if set (give every host the same one), else one kept in
    `<warehouse>/.dagster_runs`."""
    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    (warehouse / ".dagster_runs").mkdir(parents=True, exist_ok=True)
    return DagsterInstance.local_temp(str(warehouse / ".dagster_runs"))


def run_on_dask(raw, warehouse, workers: int | None = None, use_cache: bool = True, address: str | None = None,
                dask_workers: int | None = None, shards: int | None = None, stage_url: str | None = None,
                instance=None, from_failure: str | None = None) -> dict:
    """The job with its steps on Dask (dagster-dask): each step a Dask task, run in a worker
    process; this process holds the warehouse's lock for the whole run. The steps get
    this process's settings (raw and warehouse as absolute paths, which every worker must
    reach at the same place) and hand each other their outputs through the staging
    location. The Dagster instance: `dask_instance`. Raises RunFailed, saying which step
    failed and why, when the run fails (nothing is published then).

    `from_failure`: a failed run's id: re-execute only its steps that failed or did not
    finish (a shard step, then the gather and the publish), with that run's settings and
    the outputs of its steps that did finish."""
    import json

    from dagster import ReexecutionOptions, build_reconstructable_job, execute_job

    from .executors import dask_run_config
    from ..stage.shards import shard_count

    t0 = time.perf_counter()
    raw, warehouse = pathlib.Path(raw).resolve(), pathlib.Path(warehouse).resolve()
    n_workers = dask_workers or int(os.environ.get("OGI_DASK_WORKERS", "2") or 2)
    instance = instance or dask_instance(warehouse)
    run_config = {**dask_run_config(address or os.environ.get("OGI_DASK_ADDRESS") or None, n_workers), **QUIET}
    reexec = None
    if from_failure:
        parent = instance.get_run_by_id(from_failure)
        if parent is None or SETTINGS_TAG not in parent.tags:
            raise ValueError(f"no Dask run {from_failure} of this warehouse to re-execute")
        kwargs = json.loads(parent.tags[SETTINGS_TAG])
        reexec = ReexecutionOptions.from_failure(from_failure, instance)
    else:
        ogi = settings_from_env(raw_dir=str(raw), warehouse_dir=str(warehouse), workers=workers or 1,
                                use_cache=use_cache, progress=False, stage_url=stage_url)
        kwargs = {"shards": shards or shard_count(default=2 * n_workers),
                  **{k: getattr(ogi, k) for k in ("raw_dir", "warehouse_dir", "workers", "use_cache", "progress",
                                                  "stage_url")}}
    recon = build_reconstructable_job("pipelines.orchestration.definitions", "distributed_job",
                                      reconstructable_kwargs=kwargs)
    with runlock.run_lock(warehouse):
        res = execute_job(recon, instance=instance, run_config=run_config, raise_on_error=False,
                          tags={SETTINGS_TAG: json.dumps(kwargs)}, reexecution_options=reexec)
    if not res.success:
        raise RunFailed(failure_message(instance, res.run_id) +
                        f" (run {res.run_id}: `ogi run --executor dask --from-failure {res.run_id}` runs only "
                        "its failed steps again)", res.run_id)
    checks = {ev.check_name: bool(ev.passed) for ev in res.get_asset_check_evaluations()}
    s = _summary(instance, res.run_id, raw, warehouse, checks, t0)
    s.update(executor="dask", shards=kwargs["shards"], run_id=res.run_id,
             steps_run=sorted(step_seconds(instance, res.run_id, detail=True)))
    return s


def failure_message(instance, run_id: str) -> str:
    """Why a run failed, in a few lines: each failed step's error (steps that failed only
    because an upstream step did left out), else the run's."""
    steps, run = [], []
    for rec in instance.all_logs(run_id):
        ev = rec.dagster_event
        if ev is None or not (ev.is_step_failure or ev.is_run_failure):
            continue
        err = getattr(ev.event_specific_data, "error", None)
        if err is None:
            (run if ev.is_run_failure else steps).append(ev.message or "")
            continue
        root = err  # (Dagster's wrappers left for the error they wrap)
        while (root.cls_name or "").startswith("Dagster") and getattr(root, "cause", None) is not None:
            root = root.cause
        if ev.is_step_failure and root.cls_name in ("FileNotFoundError",) and "LoadInput" in (err.cls_name or ""):
            continue  # (its input was never written: an upstream step failed)
        first = (root.message or "").strip().splitlines()
        line = f"{root.cls_name}: {first[0] if first else ''}".strip()
        (steps if ev.is_step_failure else run).append(f"step {ev.step_key} failed: {line}" if ev.is_step_failure
                                                      else line)
    return "the run failed before publishing; the previous warehouse is untouched: " + \
        ("; ".join(steps or run) or "no failure recorded")


def shard_workers(instance, run_id: str) -> dict[str, str]:
    """Shard step → where it ran (the Dask worker's address, or `this process`), from the
    run's event log."""
    import re

    out = {}
    for rec in instance.all_logs(run_id):
        m = re.match(r"shard (\d+): \d+ files parsed on (\S+(?: process)?)", rec.user_message or "")
        if m and rec.step_key:
            out[rec.step_key] = m.group(2)
    return out


def step_seconds(instance, run_id: str, detail: bool = False) -> dict[str, float]:
    """Wall seconds of each asset's steps in the run (from the event log: the first step's
    start to the last one's end; the steps of the graph-backed `extracted_reports` — plan,
    shards, gather — count as one); `detail=True`: per step."""
    start: dict[str, float] = {}
    end: dict[str, float] = {}
    for rec in instance.all_logs(run_id):
        ev = rec.dagster_event
        if ev is None or not ev.step_key:
            continue
        key = ev.step_key if detail else ev.step_key.split(".", 1)[0]
        if ev.event_type_value == "STEP_START":
            start[key] = min(start.get(key, rec.timestamp), rec.timestamp)
        elif ev.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and key in start:
            end[key] = max(end.get(key, rec.timestamp), rec.timestamp)
    return {k: round(end[k] - start[k], 2) for k in start if k in end}


def _record_steps(warehouse: pathlib.Path, steps: dict, total: float) -> None:
    """Add the step times to warehouse/state/last_run.json (the benchmark prints them)."""
    import json
    import os

    p = warehouse / "state" / "last_run.json"
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    d["step_seconds"] = steps
    d["run_seconds"] = total
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(d, indent=1), encoding="utf-8")
    os.replace(tmp, p)


def run_counts(warehouse: pathlib.Path) -> dict:
    """This run's work (warehouse/state/last_run.json): files, files hashed, reports parsed
    and taken from the previous warehouse, and whether nothing changed."""
    import json

    try:
        d = json.loads((warehouse / "state" / "last_run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: d.get(k) for k in ("files", "hashed", "parsed", "cached", "unchanged")}


def summarize(db: pathlib.Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {"reports": con.execute("select count(*) from dim_reports").fetchone()[0]}
        out["status"] = dict(con.execute("select parse_status, count(*) from dim_reports group by 1 order by 1").fetchall())
        out["cells"] = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                        for t in schemas.FACT_TABLES}
        out["checks_failed"] = con.execute(
            "select count(*) from check_results where not passed and severity <> 'info'").fetchone()[0]
        out["failing_checks"] = con.execute(
            "select d.source_path, c.check, c.subject, c.detail from check_results c join dim_reports d using (report_id) "
            "where not c.passed and c.severity <> 'info' order by 1, 2, 3").fetchall()
        out.update(_inputs_summary(con))
    finally:
        con.close()
    return out


def _inputs_summary(con) -> dict:
    """Paths met by status, and those that gave no report (the `inputs` table)."""
    try:
        by = dict(con.execute("select status, count(*) from inputs group by 1 order by 1").fetchall())
        bad = con.execute("select path, status, reason from inputs where status in ('skipped', 'unreadable') "
                          "order by 1").fetchall()
        limited = con.execute("select source_path, status_detail from dim_reports where status_detail like 'limit: %' "
                              "order by 1").fetchall()
    except Exception:  # noqa: BLE001 - a warehouse without the table
        return {}
    return {"inputs": by, "not_reports": bad, "limited": limited}


def format_summary(s: dict, limit: int = 20) -> str:
    lines = []
    if not s["reports"]:
        lines.append(f"no reports found under {s.get('raw', 'the raw folder')}: published an empty warehouse")
    lines.append(f"reports read: {s['reports']}  ({', '.join(f'{k} {v}' for k, v in s['status'].items())})")
    if s.get("inputs"):
        lines.append("paths found: " + ", ".join(f"{k} {v}" for k, v in s["inputs"].items()))
        for path, status, reason in s.get("not_reports", [])[:limit]:
            lines.append(f"  {path}: {status}, {reason}")
        if len(s.get("not_reports", [])) > limit:
            lines.append(f"  … {len(s['not_reports']) - limit} more (query inputs)")
    for path, detail in s.get("limited", [])[:limit]:
        lines.append(f"  {path}: failed, {detail}")
    if s.get("parsed") is not None:
        lines.append(f"files: {s['files']} ({s['hashed']} hashed), reports parsed: {s['parsed']}, "
                     f"taken from the previous warehouse: {s['cached']}"
                     + ("; nothing changed, warehouse kept as it was" if s.get("unchanged") else ""))
    lines += ["cells published: " + ", ".join(f"{k} {v}" for k, v in s["cells"].items()),
              f"checks failed: {s['checks_failed']}"]
    for path, check, subject, detail in s["failing_checks"][:limit]:
        lines.append(f"  {path}: {check} [{subject}] {detail}")
    if len(s["failing_checks"]) > limit:
        lines.append(f"  … {len(s['failing_checks']) - limit} more (query check_results)")
    bad = [k for k, v in s.get("asset_checks", {}).items() if not v]
    lines.append("asset checks: " + ("all passed" if not bad else "failed: " + ", ".join(bad)))
    if "seconds" in s:
        lines.append(f"took {s['seconds']} s")
    return "\n".join(lines)
