"""The Dagster code location: `build_defs(overrides)` assembles the Definitions; tests
and the CLI call it with their own settings, `dagster dev` loads `defs`."""
from __future__ import annotations

import pathlib

from dagster import Definitions, FilesystemIOManager

from .assets import (
    StagedHandleIO,
    WarehouseWriter,
    daily_schedule,
    extracted_reports,
    new_report_files,
    ogi_job,
    raw_report_files,
    settings_from_env,
    warehouse_tables,
)


def build_defs(overrides: dict | None = None) -> Definitions:
    """Definitions with resources from the environment, replaced by `overrides`
    (keys: 'ogi' an OgiSettings, 'io_manager' an IO manager, 'staged_io' the one that
    hands the staged step's handle to the writer step)."""
    overrides = dict(overrides or {})
    ogi = overrides.pop("ogi", None) or settings_from_env()
    storage = str(pathlib.Path(ogi.warehouse_dir) / ".dagster_storage")
    io = overrides.pop("io_manager", None) or FilesystemIOManager(base_dir=storage)
    staged_io = overrides.pop("staged_io", None) or StagedHandleIO(base_dir=storage)
    return Definitions(
        assets=[raw_report_files, extracted_reports, warehouse_tables],
        jobs=[ogi_job],
        schedules=[daily_schedule],
        sensors=[new_report_files],
        resources={"ogi": ogi, "io_manager": io, "staged_io": staged_io, "warehouse_writer": WarehouseWriter(),
                   **overrides},
    )


defs = build_defs()
