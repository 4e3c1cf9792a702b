"""Run the Dagster job headless, in this process, and summarise the warehouse it wrote.
Used by `ogi run` and by the integration tests."""
from __future__ import annotations

import pathlib
import time

from dagster import DagsterInstance, InMemoryIOManager

import schemas

from ..stage import runlock
from .assets import settings_from_env
from .definitions import build_defs

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def run_pipeline(raw: str | pathlib.Path, warehouse: str | pathlib.Path, workers: int | None = None,
                 use_cache: bool = True, progress: bool = True) -> dict:
    t0 = time.perf_counter()
    ogi = settings_from_env(raw_dir=str(raw), warehouse_dir=str(warehouse), workers=workers,
                            use_cache=use_cache, progress=progress)
    defs = build_defs({"ogi": ogi, "io_manager": InMemoryIOManager(), "staged_io": InMemoryIOManager()})
    job = defs.resolve_job_def("ogi_job")
    instance = DagsterInstance.ephemeral()
    # one writer at a time: a second run waits (OGI_LOCK_WAIT) or stops with runlock.RunLocked
    with runlock.run_lock(warehouse):
        try:
            res = job.execute_in_process(instance=instance, run_config=QUIET, raise_on_error=True)
        finally:
            runlock.release(warehouse)  # (the holds of this run's steps, had one failed)
    steps = step_seconds(instance, res.run_id)
    checks = {}
    for ev in res.get_asset_check_evaluations():
        checks[ev.check_name] = bool(ev.passed)
    summary = summarize(pathlib.Path(warehouse) / "ogi.duckdb")
    summary["asset_checks"] = checks
    summary.update(run_counts(pathlib.Path(warehouse)))
    summary["raw"] = str(raw)
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    summary["step_seconds"] = steps
    _record_steps(pathlib.Path(warehouse), steps, summary["seconds"])
    return summary


def step_seconds(instance, run_id: str) -> dict[str, float]:
    """Wall seconds of each step of the run (from the event log: step start to end)."""
    start: dict[str, float] = {}
    out: dict[str, float] = {}
    for rec in instance.all_logs(run_id):
        ev = rec.dagster_event
        if ev is None or not ev.step_key:
            continue
        if ev.event_type_value == "STEP_START":
            start[ev.step_key] = rec.timestamp
        elif ev.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and ev.step_key in start:
            out[ev.step_key] = round(rec.timestamp - start[ev.step_key], 2)
    return out


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
