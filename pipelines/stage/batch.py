"""Many reports at once: find the report files under a folder, know their content hashes
without re-reading unchanged files, decide which contents need parsing, and parse them in
a process pool into staged Parquet segments that publish.py turns into the warehouse.
Plain functions; the Dagster assets call them (no Dagster imports here).

What a rerun costs: the folder is listed (one stat per file) and only files whose size or
mtime changed since the last run are hashed (`warehouse/state/manifest.parquet` remembers
path, size, mtime → sha256); on a first run (no manifest, no warehouse) nothing is hashed
before parsing: the workers hash the bytes they parse, and the manifest gets their hashes.
If the inputs (paths and hashes) and the code are those of the published warehouse,
nothing is parsed or written. Otherwise only contents the warehouse does not hold are
parsed — biggest files first, in chunks across the pool — each chunk written by its
worker as a segment under `warehouse/staged/<parser>/`; the rest of the warehouse is
carried over by publish.py. Segments left by a run that failed before publishing are
picked up by the next one.

The parser fingerprint (`parser_fingerprint`) is PARSER_VERSION plus a hash of the
parsing code and data, so an edit to the parser re-parses everything even when nobody
bumped the version.
"""
from __future__ import annotations

import errno
import functools
import gc
import hashlib
import json
import os
import pathlib
import shutil
import signal
import stat
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from .. import PARSER_VERSION, compiled

MANIFEST = pathlib.Path("state") / "manifest.parquet"
STAGED = "staged"
RACY_NS = 2_000_000_000   # a file modified this close to its hashing is hashed again next time
FILE_COLUMNS = ["path", "abs_path", "size", "mtime_ns", "sha256"]


# ---------------------------------------------------------------------------
# discovery

# extensions that are never reports (source lists and manifests, page assets, media,
# archives, programs): their files get an `inputs` row and are not parsed
NOT_REPORT_EXT = {
    ".tsv": "a .tsv table (a manifest or data file)", ".csv": "a .csv table (a manifest or data file)",
    ".js": "a script (.js)", ".mjs": "a script (.mjs)", ".css": "a style sheet (.css)", ".json": "a .json file",
    ".map": "a source map",
    ".gif": "an image (.gif)", ".bmp": "an image (.bmp)", ".ico": "an icon (.ico)", ".svg": "an image (.svg)",
    ".webp": "an image (.webp)", ".woff": "a font", ".woff2": "a font", ".ttf": "a font", ".otf": "a font",
    ".eot": "a font", ".zip": "an archive (.zip)", ".rar": "an archive (.rar)", ".7z": "an archive (.7z)",
    ".gz": "an archive (.gz)", ".tar": "an archive (.tar)", ".exe": "a program", ".dll": "a library",
    ".mp3": "audio", ".mp4": "video", ".swf": "a Flash file", ".py": "a program (.py)", ".sh": "a script (.sh)",
    ".parquet": "a Parquet file", ".duckdb": "a DuckDB file", ".wal": "a database log", ".lock": "a lock file",
}
# what the first bytes of a file say it is, when that is not a report in any format (a PNG,
# JPEG or TIFF image is a scanned page when it is page-sized: formats.ocr.not_a_page)
NOT_REPORT_MAGIC = (
    (b"GIF87a", "an image (GIF)"),
    (b"GIF89a", "an image (GIF)"), (b"RIFF", "an image or media file (RIFF)"), (b"\x00\x00\x01\x00", "an icon"),
    (b"wOFF", "a font"), (b"wOF2", "a font"), (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"), (b"MZ", "a program"), (b"\x7fELF", "a program"),
    (b"PAR1", "a Parquet file"),
)
SYSTEM_NAMES = {"Thumbs.db", "desktop.ini", "Desktop.ini"}
SKIP_NAMES = SYSTEM_NAMES | {".DS_Store", ".gitkeep"}  # (kept for callers; hidden names are rows too)


def shown(rel: str) -> str:
    """A path as published: bytes that are not valid UTF-8 (a name the file system holds in
    GBK, say) shown as \\xNN escapes."""
    if rel.isascii():
        return rel
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", "backslashreplace")


def follow_outside_links() -> bool:
    return os.environ.get("OGI_FOLLOW_OUTSIDE_LINKS", "0") not in ("", "0", "false", "no")


def not_a_report(head: bytes) -> str | None:
    """Why content (its first bytes) is not a report in any format, or None."""
    for magic, what in NOT_REPORT_MAGIC:
        if what and head.startswith(magic):
            return what
    return None


def not_a_page(data: bytes) -> str | None:
    """Why an image is not a scanned page (too small: a logo; cannot be opened), or None."""
    from ..formats.ocr import not_a_page as why

    return why(data)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _listing(raw_dir: pathlib.Path, exclude: list[str] | None = None
             ) -> tuple[list[tuple[str, str, int, int]], list[tuple[str, str, str]]]:
    """Every path below raw_dir: the files that may be reports, as (relative path,
    absolute path, size, mtime_ns), and every other path met as (shown relative path,
    status, reason). Never raises for a path: names that are not UTF-8, unreadable
    folders, links (loops, dangling, leaving the folder), FIFOs and devices, hidden and
    empty files, non-report extensions and the folders in `exclude` (the warehouse) each
    give a row."""
    files: list[tuple[str, str, int, int]] = []
    met: list[tuple[str, str, str]] = []
    root = os.path.realpath(raw_dir)
    excluded = {os.path.realpath(x) for x in (exclude or [])}
    outside_ok = follow_outside_links()
    base = len(str(raw_dir).rstrip(os.sep)) + 1
    stack = [str(raw_dir)]
    seen_dirs: set[tuple[int, int]] = set()
    while stack:
        d = stack.pop()
        try:
            st = os.stat(d)
            if (st.st_dev, st.st_ino) in seen_dirs:
                met.append((shown(d[base:]), "skipped", "a folder already read (a mount loop)"))
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            entries = list(os.scandir(d))
        except OSError as e:
            met.append((shown(d[base:]) or ".", "unreadable", f"folder cannot be listed: {e.strerror or e}"))
            continue
        for e in entries:
            rel = e.path[base:]
            name = e.name
            try:
                if name.startswith(".") or name in SYSTEM_NAMES:
                    kind = "folder" if e.is_dir(follow_symlinks=False) else "file"
                    what = "system" if name in SYSTEM_NAMES else "hidden"
                    met.append((shown(rel), "skipped", f"{what} {kind}" + (", not read" if kind == "folder" else "")))
                    continue
                if e.is_symlink():
                    try:
                        target_st = os.stat(e.path)
                    except OSError as err:
                        why = {errno.ELOOP: "a symlink loop", errno.ENOENT: "a dangling link (its target does not exist)"}
                        met.append((shown(rel), "unreadable", why.get(err.errno, f"a link that cannot be followed: {err.strerror}")))
                        continue
                    real = os.path.realpath(e.path)
                    if not _inside(real, root) and not outside_ok:
                        met.append((shown(rel), "skipped", "a link to a path outside the raw folder, not followed "
                                                           "(OGI_FOLLOW_OUTSIDE_LINKS=1 follows it)"))
                        continue
                    if stat.S_ISDIR(target_st.st_mode):
                        met.append((shown(rel), "skipped", "a link to a folder, not followed"))
                        continue
                    st = target_st
                else:
                    st = e.stat(follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode):
                    if os.path.realpath(e.path) in excluded:
                        met.append((shown(rel), "skipped", "the warehouse folder (the run's own output), not read"))
                    else:
                        stack.append(e.path)
                    continue
                if not stat.S_ISREG(st.st_mode):
                    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
                    what = next((w for f, w in kinds if f(st.st_mode)), "not a regular file")
                    met.append((shown(rel), "skipped", f"{what}, not read"))
                    continue
                ext = os.path.splitext(name)[1].lower()
                if ext in NOT_REPORT_EXT:
                    met.append((shown(rel), "skipped", f"not a report: {NOT_REPORT_EXT[ext]}"))
                    continue
                if st.st_size == 0:
                    met.append((shown(rel), "skipped", "an empty file (0 bytes)"))
                    continue
                files.append((rel, e.path, st.st_size, st.st_mtime_ns))
            except OSError as err:
                met.append((shown(rel), "unreadable", f"cannot be examined: {err.strerror or err}"))
    files.sort()
    met.sort()
    return files, met


def _sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size <= 16 * 1024**2:
            return hashlib.sha256(f.read()).hexdigest()  # reports are small: one read
        return hashlib.file_digest(f, "sha256").hexdigest()


def _sha256_files(paths: list[str], errors: dict[str, str] | None = None) -> list[str | None]:
    """The files' sha256; None for a file that cannot be read (why in `errors`, by path)."""
    out: list[str | None] = []
    for p in paths:
        try:
            out.append(_sha256_file(p))
        except OSError as e:
            out.append(None)
            if errors is not None:
                errors[p] = f"cannot be read: {type(e).__name__}: {e.strerror or e}"
    return out


def discover(raw_dir: pathlib.Path, manifest: pathlib.Path | None = None, lazy: bool = False,
             exclude: list | None = None) -> pd.DataFrame:
    """The files below raw_dir that may be reports (recursively), sorted by path: path
    relative to raw_dir (shown: see `shown`), absolute path, size, mtime and sha256 of
    the bytes. With a manifest, files whose size and mtime it records are not read again;
    the manifest is updated. `df.attrs["hashed"]` is the number of files read and hashed;
    `df.attrs["met"]` lists every other path met, as (path, status, reason) rows of the
    `inputs` table (files that cannot be read among them). `exclude`: folders not read
    (the warehouse, when it lies inside the raw folder).

    `lazy=True`: when no manifest knows any file (a first run), nothing is hashed here
    (sha256 None): the parsing workers hash the bytes they read anyway, and extract_all
    fills the hashes in (and writes the manifest) — one read of each file instead of two.
    Where a previous warehouse could hold some of the files, extract_all hashes them
    first, as before."""
    raw_dir = pathlib.Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    known: dict[str, tuple[int, int, str, int]] = {}
    if manifest is not None and manifest.exists():
        try:
            import pyarrow.parquet as pq

            m = pq.read_table(str(manifest)).to_pydict()
            known = {p: (s, t, h, a) for p, s, t, h, a in
                     zip(m["abs_path"], m["size"], m["mtime_ns"], m["sha256"], m["hashed_ns"])}
        except Exception:  # noqa: BLE001 - an unreadable manifest is an empty one
            known = {}
    lazy = lazy and not known
    rows, hashed_at, todo = [], [], []
    listed, met = _listing(raw_dir, exclude)
    for rel, abs_path, size, mtime in listed:
        k = known.get(shown(abs_path))
        if k is not None and k[0] == size and k[1] == mtime and k[3] - mtime > RACY_NS:
            rows.append((shown(rel), abs_path, size, mtime, k[2]))
            hashed_at.append(k[3])
            continue
        todo.append(len(rows))
        rows.append((shown(rel), abs_path, size, mtime, None))
        hashed_at.append(time.time_ns())  # before the hashing: a file changed meanwhile is hashed again next time
    hashed = 0 if lazy else len(todo)
    bad: list[int] = []
    if todo and not lazy:
        # (one thread: for files this small, threads only contend for the GIL around open/read)
        errors: dict[str, str] = {}
        digests = _sha256_files([rows[i][1] for i in todo], errors)
        for i, h in zip(todo, digests):
            rows[i] = rows[i][:4] + (h,)
            if h is None:
                bad.append(i)
                met.append((rows[i][0], "unreadable", errors.get(rows[i][1], "cannot be read")))
    if bad:
        drop = set(bad)
        rows = [r for i, r in enumerate(rows) if i not in drop]
        hashed_at = [h for i, h in enumerate(hashed_at) if i not in drop]
        met.sort()
    df = _files_frame(rows)
    df["hashed_ns"] = pd.Series(hashed_at, dtype="int64")
    if manifest is not None and not lazy and (hashed or len(known) != len(df)):
        write_manifest(manifest, df)
    df.attrs["hashed"] = hashed
    df.attrs["unhashed"] = len(todo) if lazy else 0
    df.attrs["met"] = met
    return df


def _files_frame(rows: list[tuple]) -> pd.DataFrame:
    """The files frame; `abs_path` kept as Python objects (a name that is not UTF-8 is a
    str with surrogate escapes, which Arrow-backed strings refuse)."""
    cols = list(zip(*rows)) if rows else [[]] * len(FILE_COLUMNS)
    data = {c: pd.Series(list(v), dtype=object) for c, v in zip(FILE_COLUMNS, cols)}
    data["size"] = pd.Series(list(cols[2]), dtype="int64")
    data["mtime_ns"] = pd.Series(list(cols[3]), dtype="int64")
    return pd.DataFrame(data)


def write_manifest(manifest: pathlib.Path, files: pd.DataFrame) -> None:
    """path, size, mtime → sha256 (and when it was hashed) of the files listed, for the next run."""
    manifest.parent.mkdir(parents=True, exist_ok=True)
    tmp = manifest.with_suffix(f".tmp{os.getpid()}")
    m = files[["abs_path", "size", "mtime_ns", "sha256", "hashed_ns"]]
    m = m.assign(abs_path=[shown(p) for p in m["abs_path"].tolist()])
    m.to_parquet(tmp, index=False)
    os.replace(tmp, manifest)


def _hash_missing(files: pd.DataFrame, manifest: pathlib.Path | None) -> pd.DataFrame:
    """The files a lazy discover left unhashed, hashed now (and the manifest written);
    a file that cannot be read leaves the frame for `attrs["met"]`."""
    miss = files["sha256"].isna().to_numpy().nonzero()[0]
    if not len(miss):
        return files
    attrs = dict(files.attrs)
    files = files.copy()
    col = files.columns.get_loc("sha256")
    errors: dict[str, str] = {}
    files.iloc[miss, col] = _sha256_files(files["abs_path"].iloc[miss].tolist(), errors)
    attrs["hashed"] = int(attrs.get("hashed") or 0) + len(miss)
    if errors:
        gone = files["abs_path"].isin(list(errors))
        attrs["met"] = sorted([*attrs.get("met", []), *((p, "unreadable", errors[a]) for p, a in
                               zip(files.loc[gone, "path"].tolist(), files.loc[gone, "abs_path"].tolist()))])
        files = files[~gone].reset_index(drop=True)
    files.attrs.update(attrs)
    if manifest is not None and "hashed_ns" in files.columns:
        write_manifest(manifest, files)
    return files


def inputs_fingerprint(files: pd.DataFrame, met: list | tuple = ()) -> str:
    """sha256 over the (path, sha256) pairs and the (path, status) of every other path
    met: equal when the folder holds the same files."""
    pairs = "\n".join(f"{p}\0{s}" for p, s in zip(files["path"].tolist(), files["sha256"].tolist()))
    if met:
        pairs += "\n\1\n" + "\n".join(f"{m[0]}\0{m[1]}" for m in met)
    return hashlib.sha256(pairs.encode()).hexdigest()


@functools.cache
def parser_fingerprint() -> str:
    """PARSER_VERSION and a hash of the code and data that make a report's result: the
    folders of compiled.PARSING (parse/ and formats/)."""
    pkg = pathlib.Path(compiled.HERE)
    h = hashlib.sha256(PARSER_VERSION.encode())
    for folder in compiled.PARSING:
        for p in sorted((pkg / folder).rglob("*")):
            if not p.is_file() or "__pycache__" in p.parts:
                continue
            if p.suffix not in (".py", ".csv", ".yaml", ".yml", ".json", ".txt"):
                continue
            h.update(str(p.relative_to(pkg)).encode() + b"\0" + p.read_bytes())
    return f"{PARSER_VERSION}-{h.hexdigest()[:12]}"


# ---------------------------------------------------------------------------
# parsing into segments, one file at a time under limits

# (pid, item number + 1 while an item is parsed, its start in ns) per job of the pool
# running now: shared memory made before the pool forks, so the parent knows which file
# a worker that died was reading
_PROGRESS = None


def _mark(slot: int | None, item: int, start_ns: int = 0) -> None:
    if slot is None or _PROGRESS is None:
        return
    _PROGRESS[slot * 3] = os.getpid()
    _PROGRESS[slot * 3 + 1] = item
    _PROGRESS[slot * 3 + 2] = start_ns


def _read_stable(path: str) -> tuple[bytes | None, str, str]:
    """The file's bytes, read whole while it did not change (size and mtime the same
    before and after the read, and as many bytes as the size); read a second time when
    it changed; (None, status, reason) when it cannot be read or keeps changing."""
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # (never blocks on a FIFO put in its place)
        except FileNotFoundError:
            return None, "unreadable", "removed while the run read the folder"
        except OSError as e:
            return None, "unreadable", f"cannot be read: {type(e).__name__}: {e.strerror or e}"
        try:
            st0 = os.fstat(fd)
            if not stat.S_ISREG(st0.st_mode):
                return None, "skipped", "not a regular file any more, not read"
            with open(fd, "rb", closefd=False) as f:
                data = f.read()
            st1 = os.fstat(fd)
        except OSError as e:
            return None, "unreadable", f"cannot be read: {type(e).__name__}: {e.strerror or e}"
        finally:
            os.close(fd)
        if st0.st_size == st1.st_size == len(data) and st0.st_mtime_ns == st1.st_mtime_ns:
            return data, "", ""
    return None, "unreadable", "changed while being read (twice): not published from a partial read"


def _limit_result(data: bytes, rel: str, why: str):
    from ..parse.extract import _base_report, _failed

    return _failed(_base_report(data, rel), why)


def _parse_one(data: bytes, rel: str):
    """extract_report under the per-file limits; a limit passed gives a failed report
    whose status_detail names the limit."""
    from . import limits
    from ..parse.extract import extract_report

    try:
        with limits.FileGuard():
            res = extract_report(data, rel)
    except limits.LimitExceeded as e:
        return _limit_result(data, rel, str(e))
    except MemoryError:
        return _limit_result(data, rel, limits.reason("memory", "allocation failed"))
    if res.report["parse_status"] == "failed" and "MemoryError" in (res.report.get("status_detail") or ""):
        # (the parser turned the failed allocation into a failed report)
        return _limit_result(data, rel, limits.reason("memory", "allocation failed"))
    return res


def _restart(slot: int | None, item: int) -> None:
    """The file being parsed restarted its time limit (a new page of a scan): so does the
    parent's watchdog."""
    _mark(slot, item, time.time_ns())


def _parse_chunk(args: tuple) -> dict:
    """Worker: parse a chunk of files and write them as one segment."""
    from . import limits
    from ..publish.writer import RowBuffer, write_segment

    items, seg = args[0], args[1]
    slot = args[2] if len(args) > 2 else None
    buf = RowBuffer()
    seen: set[str] = set()
    changed, hashed, dropped, failed = [], [], [], 0
    for i, (abs_path, rel, sha) in enumerate(items):
        _mark(slot, i + 1, time.time_ns())
        data, status, why = _read_stable(abs_path)
        if data is not None and not data:
            data, status, why = None, "skipped", "an empty file (0 bytes)"
        if data is not None:
            what = not_a_report(data[:16]) or not_a_page(data)
            if what:
                if sha is None:  # (hashed all the same: a rerun finds the folder unchanged)
                    hashed.append((rel, hashlib.sha256(data).hexdigest()))
                data, status, why = None, "skipped", f"not a report: {what}"
        if data is None:
            dropped.append((rel, status, why))
            continue
        limits.RESTART_HOOK = functools.partial(_restart, slot, i + 1)
        try:
            res = _parse_one(data, rel)
        finally:
            limits.RESTART_HOOK = None
        actual = res.report["sha256"]
        if sha is None:
            hashed.append((rel, actual))  # not hashed before (a first run): hashed here
        elif actual != sha:
            changed.append((rel, actual))  # rewritten since it was hashed: this is what it holds now
        if actual in seen:
            continue
        seen.add(actual)
        failed += res.report["parse_status"] == "failed"
        buf.add(res)
    _mark(slot, 0)
    rows = write_segment(buf, pathlib.Path(seg))
    return {"seg": seg, "ids": sorted(s[:16] for s in seen), "changed": changed, "hashed": hashed,
            "dropped": dropped, "failed": failed, "rows": rows, "n": len(items)}


def _failed_segment(items: list[tuple[str, str, str | None]], reasons: list[str], seg: str) -> dict:
    """In the parent: failed reports for files whose worker died on them (read here only
    to hash them), written as a segment like a worker's."""
    from ..publish.writer import RowBuffer, write_segment

    buf = RowBuffer()
    seen: set[str] = set()
    changed, hashed, dropped = [], [], []
    for (abs_path, rel, sha), why in zip(items, reasons):
        data, status, w = _read_stable(abs_path)
        if data is None:
            dropped.append((rel, status, w))
            continue
        res = _limit_result(data, rel, why)
        actual = res.report["sha256"]
        if sha is None:
            hashed.append((rel, actual))
        elif actual != sha:
            changed.append((rel, actual))
        if actual not in seen:
            seen.add(actual)
            buf.add(res)
    rows = write_segment(buf, pathlib.Path(seg))
    return {"seg": seg, "ids": sorted(s[:16] for s in seen), "changed": changed, "hashed": hashed,
            "dropped": dropped, "failed": len(seen), "rows": rows, "n": len(items)}


def _alone_main(conn, item, seg) -> None:
    from . import limits

    limits.worker_init()
    try:
        conn.send(_parse_chunk(([item], seg, 0)))
    finally:
        conn.close()


def _parse_alone(item: tuple, seg: str) -> tuple[dict | None, str]:
    """A file suspected of killing its worker, parsed again alone in a fresh process:
    (its result, '') or (None, why the process died)."""
    import multiprocessing as mp

    from . import limits

    global _PROGRESS
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    progress = ctx.RawArray("q", 3)  # (as a pool's: the worker restarts its clock per page of a scan)
    _PROGRESS = progress
    try:
        p = ctx.Process(target=_alone_main, args=(send, item, seg), daemon=True)
        p.start()
    finally:
        _PROGRESS = None
    send.close()
    secs = limits.setting("OGI_LIMIT_SECONDS")
    mb = limits.setting("OGI_LIMIT_MEMORY_MB")
    started = time.time_ns()
    why = ""
    result = None
    while True:
        since = max(started, progress[2]) if progress[1] else started
        deadline = since / 1e9 + (2 * secs + 30 if secs > 0 else float("inf"))
        if recv.poll(0.2):
            try:
                result = recv.recv()
            except (EOFError, OSError):
                pass
            break
        if not p.is_alive():
            break
        if time.time() > deadline:
            why = limits.reason("time", "the parsing worker did not return")
            p.kill()
            break
        if mb > 0 and _rss_mb(p.pid) > mb:
            why = limits.reason("memory", "the parsing worker passed it")
            p.kill()
            break
    p.join()
    recv.close()
    if result is not None:
        return result, ""
    return None, why or limits.death_reason(p.exitcode)


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2
    except (OSError, ValueError, IndexError):
        try:
            import psutil

            return psutil.Process(pid).memory_info().rss / 1024**2
        except Exception:  # noqa: BLE001 - gone, or no psutil
            return 0.0


def _watch(progress, njobs: int, killed: dict[int, str]) -> None:
    """The parent's watchdog over a pool's workers: one stuck on a file past twice the
    time limit (C code the alarm cannot interrupt, a blocking read) or grown past the
    memory limit is killed; `killed` records why, by pid."""
    from . import limits

    secs = limits.setting("OGI_LIMIT_SECONDS")
    mb = limits.setting("OGI_LIMIT_MEMORY_MB")
    now = time.time_ns()
    for k in range(njobs):
        pid, item, start = progress[3 * k], progress[3 * k + 1], progress[3 * k + 2]
        if not pid or not item or pid in killed:
            continue
        why = ""
        if secs > 0 and (now - start) / 1e9 > 2 * secs + 30:
            why = limits.reason("time", "the parsing worker did not return")
        elif mb > 0 and _rss_mb(pid) > mb:
            why = limits.reason("memory", "the parsing worker passed it")
        if why:
            killed[pid] = why
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _run_pool(jobs: list[tuple[list, str]], workers: int, done) -> tuple[list, list]:
    """The jobs (items, segment dir) across a pool of workers that may die: `done(result)`
    for each finished job. Returns (items of jobs lost with the pool, to run again;
    (item, pid) of the files being parsed when it broke, suspects)."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    from . import limits

    global _PROGRESS
    progress = mp.get_context("fork").RawArray("q", 3 * len(jobs))
    _PROGRESS = progress
    finished: set[int] = set()
    killed: dict[int, str] = {}
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                                 initializer=limits.worker_init) as ex:
            futs = {ex.submit(_parse_chunk, (items, seg, k)): k for k, (items, seg) in enumerate(jobs)}
            left = set(futs)
            broken = False
            while left:
                ready, left = wait(left, timeout=1.0, return_when=FIRST_COMPLETED)
                for f in ready:
                    try:
                        r = f.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    finished.add(futs[f])
                    done(r)
                if not broken:
                    _watch(progress, len(jobs), killed)
    finally:
        _PROGRESS = None
    again, suspects = [], []
    for k, (items, _seg) in enumerate(jobs):
        if k in finished:
            continue
        pid, cur = progress[3 * k], progress[3 * k + 1]
        if cur:
            suspects.append((items[cur - 1], killed.get(pid, "")))
            again += items[:cur - 1] + items[cur:]
        else:
            again += items
    return again, suspects


def _warm() -> None:
    """Imports, the parser's data files, the pandera schemas and pandera's own set-up on its
    first validation (~0.2 s), done once before the pool forks so that no worker pays for
    them (and a data file that cannot be used stops the run here, naming its file and line)."""
    import schemas

    from ..parse import extract
    from . import limits
    from ..publish import writer as publish  # noqa: F401

    extract.load_data_files()

    for t in (*publish.SPLIT_TABLES, *publish.WHOLE_TABLES):
        publish.validate(t, schemas.arrow_schema(t).empty_table())  # (the workers validate Arrow rows)


SMALL_RUN = 600   # reports per worker up to which a run is parsed as one chunk per worker


CHUNK_BYTES = 24 * 1024**2  # input bytes per chunk at most: a worker holds a chunk's rows until it writes them


def _chunks(items: list, workers: int, lo: int = 100, hi: int = 2000, sizes: list[int] | None = None,
            max_bytes: int = CHUNK_BYTES) -> list[list]:
    """Items (biggest first) cut into chunks that shrink towards the end, so the last
    chunks to finish are small and both workers stay busy; not below `lo` reports, as
    each chunk costs a segment write and a validation (about as much as 20 reports), and
    (with the items' file `sizes`) not above `max_bytes` of input, so that a worker's
    memory stays bounded whatever the size of the reports (at least one item each)."""
    out, i, n = [], 0, len(items)
    if n <= SMALL_RUN * workers and (sizes is None or sum(sizes) <= max_bytes * workers):
        # a small batch (a rerun's changed files): one chunk per worker, dealt in turn so
        # each gets its share of the big and the small files; fewer segments to write
        return [items[k::workers] for k in range(workers) if items[k::workers]]
    lo = max(1, min(lo, n // (workers * 2)))
    while i < n:
        size = max(lo, min(hi, (n - i) // (workers * 2) or 1))
        if n - i - size < lo:
            size = n - i  # no tiny last chunk
        if sizes is not None:
            total, k = 0, 0
            while k < size and (k == 0 or total + sizes[i + k] <= max_bytes):
                total += sizes[i + k]
                k += 1
            size = k
        out.append(items[i:i + size])
        i += size
    return out


@dataclass
class Extraction:
    """What the staged step hands to publishing: the current inputs, the segments parsed
    in this run, the previous warehouse it builds on, and the run's counts."""
    warehouse: str
    files: pd.DataFrame
    segments: list = field(default_factory=list)       # publish.Segment
    base: object = None                                # publish.Base or None
    signature: str = ""
    inputs: str = ""
    unchanged: bool = False
    stats: dict = field(default_factory=dict)
    listing: object = None                             # the `inputs` table (Arrow), None when unchanged
    stage: str = ""                                    # the staging location's URL (staging.py)


def staged_root(warehouse: pathlib.Path) -> pathlib.Path:
    return pathlib.Path(warehouse) / STAGED / parser_fingerprint()


def _leftover_segments(root: pathlib.Path) -> dict[str, tuple[str, int]]:
    """sha256 → (segment dir, reports in it) for complete segments left by earlier runs."""
    import pyarrow.parquet as pq

    out: dict[str, tuple[str, int]] = {}
    if not root.is_dir():
        return out
    for seg in sorted(root.iterdir()):
        if not (seg / "_done").exists():
            shutil.rmtree(seg, ignore_errors=True)  # a worker died while writing it
            continue
        shas = pq.read_table(str(seg / "dim_reports.parquet"), columns=["sha256"]).column(0).to_pylist()
        for s in shas:
            out.setdefault(s, (str(seg), len(shas)))
    return out


def _keep_once(segments: list) -> list:
    """Segments with each report taken from one of them only (a first run, which parses
    before it knows the contents, reads a file holding the same bytes as another twice)."""
    from ..publish import writer as publish

    owner: set[str] = set()
    out = []
    for s in sorted(segments, key=lambda s: s.dir):
        dup = s.ids & owner
        owner |= s.ids
        out.append(publish.Segment(s.dir, s.ids - dup, s.all_ids) if dup else s)
    return out


def _stale_limit_failures(base) -> set[str]:
    """Reports of the previous warehouse that failed on a limit whose setting has changed
    since, or for want of OCR that is now on: parsed again (a failure is kept by content
    hash and the settings in force)."""
    from . import limits

    if base is None:
        return set()
    import pyarrow.parquet as pq

    p = base.warehouse / "parquet" / "dim_reports" / "part-0.parquet"
    try:
        d = pq.read_table(str(p), columns=["report_id", "status_detail"]).to_pydict()
    except Exception:  # noqa: BLE001 - read_base checked it; a vanished file is no stale failure
        return set()
    from ..formats import ocr

    on = ocr.enabled()
    return {r for r, s in zip(d["report_id"], d["status_detail"])
            if s and ((s.startswith("limit: ") and not limits.still_holds(s)) or (on and ocr.OFF_SETTING in s))}


def _parse_items(items: list, todo_sizes: list[int], root: pathlib.Path, workers: int, done, tag: str = "") -> None:
    """Parse the items (biggest first) in chunks across a pool of `workers` processes
    (one at least: a file never runs in the process that publishes). A pool that loses a
    worker is replaced and the lost jobs' files run again in chunks; the files being
    parsed when it broke run again alone, and one that kills its process again (or that
    the watchdog stopped) is a failed report with the reason."""
    size_of = dict(zip((x[0] for x in items), todo_sizes))
    rounds = 0
    while items:
        rounds += 1
        sizes = [size_of.get(x[0], 0) for x in items]
        chunks = _chunks(items, workers, sizes=sizes) if len(items) >= 32 and workers > 1 else \
            _chunks(items, 1, lo=1000, hi=1000, sizes=sizes)
        if rounds > 3:
            chunks = [[x] for x in items]  # (a pool that keeps breaking without a culprit)
        jobs = [(c, str(root / f"seg-{tag}{uuid.uuid4().hex[:12]}")) for c in chunks]
        items, suspects = _run_pool(jobs, max(1, min(workers, len(jobs))), done)
        for item, why in suspects:
            seg = str(root / f"seg-{tag}{uuid.uuid4().hex[:12]}")
            if not why:
                r, why = _parse_alone(item, seg)
                if r is not None:
                    done(r)
                    continue
            done(_failed_segment([item], [why], seg))


def inputs_table(files: pd.DataFrame, met: list[tuple[str, str, str]]):
    """The `inputs` table (Arrow): every report file (the first of each content by path;
    the others `duplicate`, with the first one's report_id) and every other path met."""
    import pyarrow as pa

    import schemas

    rows: list[tuple[str, str | None, str, str | None]] = []
    first: dict[str, str] = {}
    for path, sha in sorted(zip(files["path"].tolist(), files["sha256"].tolist())):
        rid = sha[:16]
        if rid in first:
            rows.append((path, rid, "duplicate", f"the same bytes as {first[rid]}"))
        else:
            first[rid] = path
            rows.append((path, rid, "report", None))
    rows += [(p, None, s, r) for p, s, r in met]
    rows.sort(key=lambda r: r[0])
    cols = list(zip(*rows)) if rows else [[], [], [], []]
    schema = schemas.arrow_schema("inputs")
    return pa.Table.from_arrays([pa.array(list(c), f.type) for c, f in zip(cols, schema)], schema=schema)


def extract_all(files: pd.DataFrame, warehouse: pathlib.Path, workers: int = 1, progress: bool = True,
                use_cache: bool = True, shards: int = 1, stage: str | None = None) -> Extraction:
    """Parse what the warehouse does not hold yet; returns the Extraction to publish.
    `use_cache=False`: parse every file and rebuild the warehouse from scratch; `shards`:
    the fan-out of shards.py, run here one shard after another; `stage`: the staging
    location (staging.py; default OGI_STAGE_URL, else `<warehouse>/staged`). Holds the
    warehouse's run lock (runlock)."""
    from .runlock import run_lock

    with run_lock(warehouse):
        return _extract_all(files, warehouse, workers, progress, use_cache, shards, stage)


def _extract_all(files: pd.DataFrame, warehouse: pathlib.Path, workers: int, progress: bool,
                 use_cache: bool, shards: int = 1, stage: str | None = None) -> Extraction:
    """The fan-out of shards.py run in this process: plan, each shard in turn (each across
    the pool of `workers`), gather."""
    from . import shards as sh

    plan, works = sh.plan(files, warehouse, use_cache, shards, stage)
    return sh.gather(plan, [sh.run_shard(w, workers, progress) for w in works])


def finish(prepared, counts: dict) -> None:
    """After a successful publish: the staged segments are in the warehouse now; the run's
    counts go to warehouse/state/last_run.json (read by `ogi run`'s summary and the benchmark)."""
    from .runlock import run_lock

    wh = pathlib.Path(prepared.warehouse)
    with run_lock(wh):  # (another run's segments are staged there only while it holds the lock)
        _finish(wh, prepared, counts)


def _finish(wh: pathlib.Path, prepared, counts: dict) -> None:
    from .staging import Stage, stage_url

    shutil.rmtree(wh / STAGED, ignore_errors=True)
    url = getattr(prepared, "stage", "") or stage_url(wh)
    if url.rstrip("/") != str(wh.resolve() / STAGED):
        Stage(url).clear()  # (a staging location elsewhere: its segments are in the warehouse now)
    p = wh / "state" / "last_run.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps({**prepared.stats, "rows": counts}, indent=1), encoding="utf-8")
    os.replace(tmp, p)
