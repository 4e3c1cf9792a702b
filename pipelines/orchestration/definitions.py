"""The Dagster code location: `build_defs(overrides)` assembles the Definitions; tests
and the CLI call it with their own settings, `dagster dev` loads `defs`.
`distributed_job(**settings)` rebuilds the job in the processes of a run whose steps run
elsewhere (a Dask worker calls it through the job's reconstruction record, with the
launching process's settings, whatever its own environment)."""
from __future__ import annotations

import pathlib

from dagster import Definitions, FilesystemIOManager

from .assets import (
    OgiSettings,
    StagedHandleIO,
    WarehouseWriter,
    daily_schedule,
    extracted_reports_asset,
    new_report_files,
    ogi_job,
    raw_report_files,
    settings_from_env,
    warehouse_tables,
)
from .executors import job_executor
from ..stage.shards import shard_count
from ..stage.staging import Stage


def build_defs(overrides: dict | None = None, shards: int | None = None) -> Definitions:
    """Definitions with resources from the environment, replaced by `overrides`
    (keys: 'ogi' an OgiSettings, 'io_manager' an IO manager, 'staged_io' the one that
    hands the staged step's handle to the writer step); `shards` shard steps (default
    OGI_SHARDS, else 1)."""
    overrides = dict(overrides or {})
    ogi = overrides.pop("ogi", None) or settings_from_env()
    storage = str(pathlib.Path(ogi.warehouse_dir) / ".dagster_storage")
    io = overrides.pop("io_manager", None) or FilesystemIOManager(base_dir=storage)
    staged_io = overrides.pop("staged_io", None) or StagedHandleIO(base_dir=storage)
    return Definitions(
        assets=[raw_report_files, extracted_reports_asset(shards or shard_count()), warehouse_tables],
        jobs=[ogi_job],
        schedules=[daily_schedule],
        sensors=[new_report_files],
        resources={"ogi": ogi, "io_manager": io, "staged_io": staged_io, "warehouse_writer": WarehouseWriter(),
                   **overrides},
        executor=job_executor(),
    )


def distributed_job(shards: int, **settings):
    """The ogi job for a run whose steps run in other processes: the settings given (not
    this process's environment), the launching process holding the warehouse's lock, and
    step outputs at the staging location (`<stage>/io`), which every worker reaches."""
    ogi = OgiSettings(**settings, lock_elsewhere=True)
    io = FilesystemIOManager(base_dir=Stage(ogi.stage).io_url())
    return build_defs({"ogi": ogi, "io_manager": io, "staged_io": io}, shards=shards).resolve_job_def("ogi_job")


defs = build_defs()
