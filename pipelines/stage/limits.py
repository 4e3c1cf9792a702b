"""The limits one input file is parsed under, and the guards that enforce them in a
parsing worker. Plain code; no Dagster.

Every limit is a setting read from the environment when it is used (so a test or a
run can lower it), with a default sized for real reports:

| setting | default | what happens past it |
|---|---|---|
| OGI_LIMIT_SECONDS | 120 | the file's parsing is interrupted: `limit: time` |
| OGI_LIMIT_MEMORY_MB | 2048 | allocations fail (address space of the worker) or the worker is killed: `limit: memory` |
| OGI_LIMIT_DECOMPRESSED_MB | 100 | a DOCX whose parts inflate to more is not opened: `limit: decompressed size` |
| OGI_LIMIT_TABLE_CELLS | 200000 | a table with more cells once its spans are expanded: `limit: table cells` |

A file that passes a limit becomes a `failed` report whose `status_detail` starts with
`limit:` and names the setting and its value; the failure is kept like any result (by
content hash), and parsed again only when that setting's value changes (`still_holds`).
"""
from __future__ import annotations

import os
import re
import signal
import sys

DEFAULTS = {
    "OGI_LIMIT_SECONDS": 120,
    "OGI_LIMIT_MEMORY_MB": 2048,
    "OGI_LIMIT_DECOMPRESSED_MB": 100,
    "OGI_LIMIT_TABLE_CELLS": 200_000,
}
KIND_SETTING = {
    "time": "OGI_LIMIT_SECONDS",
    "memory": "OGI_LIMIT_MEMORY_MB",
    "decompressed size": "OGI_LIMIT_DECOMPRESSED_MB",
    "table cells": "OGI_LIMIT_TABLE_CELLS",
}


def setting(name: str) -> float:
    """The value of a limit setting (the default where unset or unreadable; 0 = no limit)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return DEFAULTS[name]
    try:
        v = float(raw)
    except ValueError:
        return DEFAULTS[name]
    return v if v >= 0 else DEFAULTS[name]


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def reason(kind: str, what: str = "") -> str:
    """`limit: <kind> (<SETTING>=<value>)[: what]` — the status_detail of a file past a limit."""
    name = KIND_SETTING[kind]
    out = f"limit: {kind} ({name}={_fmt(setting(name))})"
    return f"{out}: {what}" if what else out


_REASON_RE = re.compile(r"limit: ([a-z ]+) \((OGI_LIMIT_[A-Z_]+)=([0-9.]+)\)")


def still_holds(detail: str | None) -> bool:
    """Whether a failure recorded as `detail` would be the same under the settings in
    force now: True for every detail that is not a limit's."""
    m = _REASON_RE.search(detail or "")
    if m is None:
        return True
    return m.group(3) == _fmt(setting(m.group(2)))


class LimitExceeded(BaseException):
    """A file passed a limit inside a worker. A BaseException, so that the parser's own
    `except Exception` (which turns any error into a failed report) lets it through."""

    def __init__(self, kind: str, what: str = ""):
        super().__init__(reason(kind, what))
        self.kind = kind


# ---------------------------------------------------------------------------
# in a parsing worker


def _on_alarm(signum, frame):  # noqa: ARG001
    raise LimitExceeded("time", "parsing interrupted")


def set_parent_death_signal() -> None:
    """The worker is killed when the process that made it dies (Linux prctl
    PR_SET_PDEATHSIG); elsewhere a thread watches the parent's pid."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="ogi-parent-watch").start()


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def worker_init() -> None:
    """Set up a parsing worker: dies with its parent; its address space is capped at what
    it holds at start plus OGI_LIMIT_MEMORY_MB (allocations past it fail with MemoryError
    in Python, or kill the worker in C code; both become `limit: memory`); SIGALRM
    interrupts a file's parsing at OGI_LIMIT_SECONDS."""
    set_parent_death_signal()
    mb = setting("OGI_LIMIT_MEMORY_MB")
    try:
        import resource

        if mb > 0:
            cap = _vm_bytes() + int(mb * 1024**2)
            hard = resource.getrlimit(resource.RLIMIT_AS)[1]
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):
        pass
    signal.signal(signal.SIGALRM, _on_alarm)


class FileGuard:
    """Around the parsing of one file in a worker: a wall-clock alarm at
    OGI_LIMIT_SECONDS (interrupts Python code) and a CPU-time limit a little later
    (RLIMIT_CPU: the kernel stops a worker stuck in C code, where the alarm cannot act).
    Work made of parts that each may take long (the pages of a scan read by OCR)
    restarts both before each part (`restart_clock`): the limit then holds per part."""

    def __init__(self) -> None:
        self.seconds = setting("OGI_LIMIT_SECONDS")
        self._cpu = None
        self._outer: FileGuard | None = None

    def _arm(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            import resource

            used = resource.getrusage(resource.RUSAGE_SELF)
            spent = used.ru_utime + used.ru_stime
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1] if self._cpu is None else self._cpu
            soft = int(spent + 2 * self.seconds + 5)
            if hard == resource.RLIM_INFINITY or soft < hard:
                self._cpu = hard
                resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        except (ImportError, ValueError, OSError):
            pass

    def __enter__(self):
        global _ACTIVE
        if self.seconds > 0:
            self._arm()
        self._outer, _ACTIVE = _ACTIVE, self
        return self

    def __exit__(self, *exc):
        global _ACTIVE
        _ACTIVE = self._outer
        if self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self._cpu is not None:
                import resource

                resource.setrlimit(resource.RLIMIT_CPU, (self._cpu, self._cpu))
        return False


_ACTIVE: FileGuard | None = None
# called by restart_clock: the batch points it at the parent's watchdog record of this worker
RESTART_HOOK = None


def restart_clock() -> None:
    """Start the running file's time limit again (before each page of a long scan): the
    alarm set to OGI_LIMIT_SECONDS from now, the CPU-time limit to the CPU time spent so
    far plus its margin, and the parent's watchdog told (RESTART_HOOK). Nothing happens
    outside a FileGuard or with the limit off."""
    g = _ACTIVE
    if g is None or g.seconds <= 0:
        return
    g._arm()
    if RESTART_HOOK is not None:
        RESTART_HOOK()


def death_reason(exitcode: int | None) -> str:
    """Why a worker that died while parsing a file did: its exit code (a negative
    signal number) turned into a limit's reason where one applies."""
    if exitcode is None:
        return "the parsing worker was lost"
    if exitcode == -getattr(signal, "SIGXCPU", 24):
        return reason("time", "the parsing worker was stopped by the CPU-time limit")
    if exitcode == -signal.SIGKILL:
        return reason("memory", "the parsing worker was killed (SIGKILL: out of memory)")
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the parsing worker died ({name}) while reading this file"
    return f"the parsing worker exited ({exitcode}) while reading this file"
