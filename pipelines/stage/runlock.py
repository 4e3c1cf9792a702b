"""One writer at a time on a warehouse, and the leftovers of crashed runs removed.

Every writer (`ogi run`, a Dagster materialisation, the schedule, the benchmark) goes
through batch.extract_all and publish.write, which take the lock: an exclusive
`flock` on `<warehouse>/.ogi.lock`. The kernel drops it when the holding process dies,
so a `kill -9` never leaves a stale lock. The lock is re-entrant within a process, and a
run can `hold` it from its first step to its last (runner.run_pipeline and the assets
do), so no other run slips in between discovery and publishing.

A second writer waits up to OGI_LOCK_WAIT seconds (default 600; 0 = do not wait) and
then stops with one line (`RunLocked`). Taking the lock first removes what crashed runs
left in the warehouse folder: `.parquet.tmp-*`, `.ogi.duckdb.tmp-*` (+ `.wal`),
`.parquet.old-*`, half-written state files and unfinished staged segments.
"""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import shutil
import threading
import time

LOCK_NAME = ".ogi.lock"
DEFAULT_WAIT = 600.0
LEFTOVERS = (".parquet.tmp-*", ".ogi.duckdb.tmp-*", ".parquet.old-*")


class RunLocked(RuntimeError):
    """Another run holds the warehouse's lock (the message is one line)."""


_state: dict[str, list] = {}       # warehouse path → [fd, depth, holders]
_mutex = threading.RLock()


def wait_seconds() -> float:
    raw = os.environ.get("OGI_LOCK_WAIT", "")
    try:
        return max(0.0, float(raw)) if raw.strip() else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT


def _key(warehouse) -> str:
    return os.path.realpath(os.fspath(warehouse))


def _holder_line(path: pathlib.Path) -> str:
    try:
        d = json.loads(path.read_text(encoding="utf-8") or "{}")
        return f" (pid {d.get('pid')}, since {d.get('since')})"
    except (OSError, ValueError):
        return ""


def _acquire(warehouse: pathlib.Path, wait: float | None) -> int:
    import fcntl

    warehouse.mkdir(parents=True, exist_ok=True)
    path = warehouse / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    wait = wait_seconds() if wait is None else wait
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                who = _holder_line(path)
                os.close(fd)
                raise RunLocked(f"another ogi run is writing {warehouse}{who}; "
                                f"waited {wait:g} s (OGI_LOCK_WAIT), stopping") from None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps({"pid": os.getpid(), "since": time.strftime("%Y-%m-%dT%H:%M:%S")}).encode())
    clean_leftovers(warehouse)
    return fd


def _release_fd(fd: int | None) -> None:
    import fcntl

    if fd is None:  # (held_elsewhere)
        return

    try:
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def run_lock(warehouse, wait: float | None = None):
    """Hold the warehouse's lock for the block (re-entrant in a process)."""
    key = _key(warehouse)
    with _mutex:
        st = _state.get(key)
        if st is None:
            st = _state[key] = [_acquire(pathlib.Path(warehouse), wait), 0, set()]
        st[1] += 1
    try:
        yield
    finally:
        with _mutex:
            st[1] -= 1
            _maybe_release(key)


def hold(warehouse, owner: str, wait: float | None = None) -> None:
    """Take the lock for `owner` (e.g. a Dagster run id) until `release(warehouse, owner)`
    or the end of the process; a second hold by the same owner is a no-op."""
    key = _key(warehouse)
    with _mutex:
        st = _state.get(key)
        if st is None:
            st = _state[key] = [_acquire(pathlib.Path(warehouse), wait), 0, set()]
        st[2].add(owner)


def release(warehouse, owner: str | None = None) -> None:
    """Drop `owner`'s hold (every hold when owner is None)."""
    key = _key(warehouse)
    with _mutex:
        st = _state.get(key)
        if st is None:
            return
        if owner is None:
            st[2].clear()
        else:
            st[2].discard(owner)
        _maybe_release(key)


def _maybe_release(key: str) -> None:
    st = _state.get(key)
    if st is not None and st[1] <= 0 and not st[2]:
        del _state[key]
        _release_fd(st[0])


@contextlib.contextmanager
def held_elsewhere(warehouse):
    """For the block, this process acts for a run whose lock another process holds: the
    `ogi run` that started the run on a Dask cluster holds it from the first step to the
    last, and its steps (in worker processes, maybe on other hosts) neither take nor wait
    for it; run_lock, hold and release inside the block are no-ops."""
    key = _key(warehouse)
    with _mutex:
        mine = key not in _state
        if mine:
            _state[key] = [None, 1, set()]
    try:
        yield
    finally:
        if mine:
            with _mutex:
                if _state.get(key, [0])[0] is None:
                    del _state[key]


def held(warehouse) -> bool:
    return _key(warehouse) in _state


def clean_leftovers(warehouse: pathlib.Path) -> list[str]:
    """Remove what runs that died left behind (called with the lock held)."""
    removed = []
    for pat in LEFTOVERS:
        for p in warehouse.glob(pat):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p.name)
    state = warehouse / "state"
    if state.is_dir():
        for p in list(state.glob("*.tmp")) + list(state.glob("*.tmp[0-9]*")):
            p.unlink(missing_ok=True)
            removed.append(f"state/{p.name}")
    return removed
