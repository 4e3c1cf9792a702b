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

import functools
import gc
import hashlib
import json
import os
import pathlib
import shutil
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import pandas as pd

from . import PARSER_VERSION

SKIP_NAMES = {".DS_Store", "Thumbs.db", ".gitkeep"}
MANIFEST = pathlib.Path("state") / "manifest.parquet"
STAGED = "staged"
RACY_NS = 2_000_000_000   # a file modified this close to its hashing is hashed again next time
# modules that do not shape extraction results (the rest of pipelines/ does)
NOT_PARSING = {"assets.py", "definitions.py", "runner.py", "cli.py", "bench.py", "synth.py", "publish.py", "batch.py",
               "docs.py", "audit.py", "_compiled.json"}  # (the compiled parser gives the same output)
FILE_COLUMNS = ["path", "abs_path", "size", "mtime_ns", "sha256"]


# ---------------------------------------------------------------------------
# discovery


def _listing(raw_dir: pathlib.Path) -> list[tuple[str, str, int, int]]:
    """(relative path, absolute path, size, mtime_ns) of every file below raw_dir; hidden
    files and folders skipped."""
    out = []
    stack = [raw_dir]
    base = len(str(raw_dir).rstrip(os.sep)) + 1
    while stack:
        d = stack.pop()
        with os.scandir(d) as it:
            for e in it:
                if e.name.startswith("."):
                    continue
                if e.is_dir(follow_symlinks=False):
                    stack.append(pathlib.Path(e.path))
                elif e.is_file() and e.name not in SKIP_NAMES:
                    st = e.stat()
                    out.append((e.path[base:], e.path, st.st_size, st.st_mtime_ns))
    out.sort()
    return out


def _sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size <= 16 * 1024**2:
            return hashlib.sha256(f.read()).hexdigest()  # reports are small: one read
        return hashlib.file_digest(f, "sha256").hexdigest()


def _sha256_files(paths: list[str]) -> list[str]:
    return [_sha256_file(p) for p in paths]


def discover(raw_dir: pathlib.Path, manifest: pathlib.Path | None = None, lazy: bool = False) -> pd.DataFrame:
    """Every file below raw_dir (recursively, hidden files skipped), sorted by path: path
    relative to raw_dir, absolute path, size, mtime and sha256 of the bytes. With a
    manifest, files whose size and mtime it records are not read again; the manifest is
    updated. `df.attrs["hashed"]` is the number of files read and hashed.

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
    for rel, abs_path, size, mtime in _listing(raw_dir):
        k = known.get(abs_path)
        if k is not None and k[0] == size and k[1] == mtime and k[3] - mtime > RACY_NS:
            rows.append((rel, abs_path, size, mtime, k[2]))
            hashed_at.append(k[3])
            continue
        todo.append(len(rows))
        rows.append((rel, abs_path, size, mtime, None))
        hashed_at.append(time.time_ns())  # before the hashing: a file changed meanwhile is hashed again next time
    hashed = 0 if lazy else len(todo)
    if todo and not lazy:
        # (one thread: for files this small, threads only contend for the GIL around open/read)
        digests = _sha256_files([rows[i][1] for i in todo])
        for i, h in zip(todo, digests):
            rows[i] = rows[i][:4] + (h,)
    df = pd.DataFrame(rows, columns=FILE_COLUMNS)
    df["hashed_ns"] = pd.Series(hashed_at, dtype="int64")
    if manifest is not None and not lazy and (hashed or len(known) != len(df)):
        write_manifest(manifest, df)
    df.attrs["hashed"] = hashed
    df.attrs["unhashed"] = len(todo) if lazy else 0
    return df


def write_manifest(manifest: pathlib.Path, files: pd.DataFrame) -> None:
    """path, size, mtime → sha256 (and when it was hashed) of the files listed, for the next run."""
    manifest.parent.mkdir(parents=True, exist_ok=True)
    tmp = manifest.with_suffix(f".tmp{os.getpid()}")
    files[["abs_path", "size", "mtime_ns", "sha256", "hashed_ns"]].to_parquet(tmp, index=False)
    os.replace(tmp, manifest)


def _hash_missing(files: pd.DataFrame, manifest: pathlib.Path | None) -> pd.DataFrame:
    """The files a lazy discover left unhashed, hashed now (and the manifest written)."""
    miss = files["sha256"].isna().to_numpy().nonzero()[0]
    if not len(miss):
        return files
    files = files.copy()
    col = files.columns.get_loc("sha256")
    files.iloc[miss, col] = _sha256_files(files["abs_path"].iloc[miss].tolist())
    files.attrs["hashed"] = int(files.attrs.get("hashed") or 0) + len(miss)
    if manifest is not None and "hashed_ns" in files.columns:
        write_manifest(manifest, files)
    return files


def inputs_fingerprint(files: pd.DataFrame) -> str:
    """sha256 over the (path, sha256) pairs: equal when the folder holds the same files."""
    pairs = "\n".join(f"{p}\0{s}" for p, s in zip(files["path"].tolist(), files["sha256"].tolist()))
    return hashlib.sha256(pairs.encode()).hexdigest()


@functools.cache
def parser_fingerprint() -> str:
    """PARSER_VERSION and a hash of the code and data that extraction runs."""
    here = pathlib.Path(__file__).resolve().parent
    h = hashlib.sha256(PARSER_VERSION.encode())
    for p in sorted(here.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts or p.name in NOT_PARSING or p.parent.name == "sql":
            continue
        if p.suffix not in (".py", ".csv", ".yaml", ".yml", ".json", ".txt"):
            continue
        h.update(str(p.relative_to(here)).encode() + b"\0" + p.read_bytes())
    return f"{PARSER_VERSION}-{h.hexdigest()[:12]}"


# ---------------------------------------------------------------------------
# parsing into segments


def _parse_chunk(args: tuple[list[tuple[str, str, str]], str]) -> dict:
    """Worker: parse a chunk of files and write them as one segment."""
    from .extract import extract_report
    from .publish import RowBuffer, write_segment

    items, seg = args
    buf = RowBuffer()
    seen: set[str] = set()
    changed, hashed, failed = [], [], 0
    for abs_path, rel, sha in items:
        try:
            data = pathlib.Path(abs_path).read_bytes()
        except OSError:
            changed.append((rel, None))  # gone since it was listed
            continue
        res = extract_report(data, rel)
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
    rows = write_segment(buf, pathlib.Path(seg))
    return {"seg": seg, "ids": sorted(s[:16] for s in seen), "changed": changed, "hashed": hashed,
            "failed": failed, "rows": rows, "n": len(items)}


def _warm() -> None:
    """Imports, the pandera schemas and pandera's own set-up on its first validation
    (~0.2 s), done once before the pool forks so that no worker pays for them."""
    import schemas

    from . import extract, publish  # noqa: F401

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
    from . import publish

    owner: set[str] = set()
    out = []
    for s in sorted(segments, key=lambda s: s.dir):
        dup = s.ids & owner
        owner |= s.ids
        out.append(publish.Segment(s.dir, s.ids - dup, s.all_ids) if dup else s)
    return out


def extract_all(files: pd.DataFrame, warehouse: pathlib.Path, workers: int = 1, progress: bool = True,
                use_cache: bool = True) -> Extraction:
    """Parse what the warehouse does not hold yet; returns the Extraction to publish.
    `use_cache=False`: parse every file and rebuild the warehouse from scratch."""
    from . import publish

    t0 = time.perf_counter()
    warehouse = pathlib.Path(warehouse)
    files = files.reset_index(drop=True)
    pfp = parser_fingerprint()
    sig = publish.signature(pfp)
    base = publish.read_base(warehouse, sig) if use_cache else None
    manifest = warehouse / MANIFEST if use_cache else None
    lazy = bool(files["sha256"].isna().any())   # a first run's discover left the hashing to the workers
    if lazy and base is not None:
        files, lazy = _hash_missing(files, manifest), False  # the previous warehouse may hold them: know first
    stats: dict = {"files": len(files), "reports": None, "hashed": files.attrs.get("hashed"), "parser": pfp}
    inputs = ""
    if not lazy:
        inputs = inputs_fingerprint(files)
        stats["reports"] = int(files["sha256"].nunique())
        if base is not None and base.marker.get("inputs") == inputs and \
                publish.duckdb_matches(warehouse / "ogi.duckdb", base.marker.get("counts", {})):
            stats.update(parsed=0, cached=stats["reports"], failed=None, unchanged=True,
                         seconds=round(time.perf_counter() - t0, 2))
            return Extraction(str(warehouse), files, [], base, sig, inputs, True, stats)

    # staged segments: other parser versions are of no use; this one's are reused
    root = staged_root(warehouse)
    if (warehouse / STAGED).is_dir():
        for d in (warehouse / STAGED).iterdir():
            if d != root:
                shutil.rmtree(d, ignore_errors=True)
    if not use_cache:
        shutil.rmtree(root, ignore_errors=True)
    leftovers = _leftover_segments(root)
    if lazy and leftovers:
        files, lazy = _hash_missing(files, manifest), False  # a failed run's segments may hold them
        inputs = inputs_fingerprint(files)
        stats.update(reports=int(files["sha256"].nunique()), hashed=files.attrs.get("hashed"))
    have = base.ids if base is not None else set()
    todo, reuse = [], {}
    if lazy:
        # every file (contents not known yet: a file holding the same bytes as another is
        # read twice, and kept once below)
        todo = list(zip(files["size"].tolist(), files["abs_path"].tolist(), files["path"].tolist(),
                        [None] * len(files)))
    else:
        firsts = files.drop_duplicates("sha256")
        for abs_path, rel, sha, size in zip(firsts["abs_path"].tolist(), firsts["path"].tolist(),
                                            firsts["sha256"].tolist(), firsts["size"].tolist()):
            if sha[:16] in have:
                continue
            if sha in leftovers:
                reuse.setdefault(leftovers[sha], set()).add(sha[:16])
                continue
            todo.append((size, abs_path, rel, sha))
    todo.sort(key=lambda x: (-x[0], x[2]))  # biggest first
    items = [(a, r, s) for _, a, r, s in todo]

    segments = [publish.Segment(d, frozenset(ids), n) for (d, n), ids in reuse.items()]
    failed = 0
    changed: list[tuple[str, str | None]] = []
    hashed: list[tuple[str, str]] = []
    if items:
        root.mkdir(parents=True, exist_ok=True)
        pooled = workers > 1 and len(items) >= 32
        sizes = [x[0] for x in todo]
        chunks = _chunks(items, workers, sizes=sizes) if pooled else \
            _chunks(items, 1, lo=1000, hi=1000, sizes=sizes)
        jobs = [(c, str(root / f"seg-{uuid.uuid4().hex[:12]}")) for c in chunks]
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(items), desc="parsing reports", unit="report", file=sys.stderr, leave=False)

        def done(r: dict) -> None:
            nonlocal failed
            segments.append(publish.Segment(r["seg"], frozenset(r["ids"]), len(r["ids"])))
            changed.extend(r["changed"])
            hashed.extend(r["hashed"])
            failed += r["failed"]
            if bar:
                bar.update(r["n"])

        if pooled:
            _warm()  # imported once here, inherited by the forked workers
            # what the workers inherit is frozen out of the garbage collector's reach: its
            # full collections would walk (and copy, page by page) the parent's whole heap
            gc.freeze()
            try:
                with ProcessPoolExecutor(max_workers=workers) as ex:
                    for fut in as_completed([ex.submit(_parse_chunk, j) for j in jobs]):
                        done(fut.result())
            finally:
                gc.unfreeze()
        else:
            for j in jobs:
                done(_parse_chunk(j))
        if bar:
            bar.close()
    if changed or hashed:
        # files rewritten (or removed) while the run read them: publish what was read;
        # files first hashed by the workers: their hashes
        fix = dict(hashed)
        fix.update(changed)
        files = files.assign(sha256=[fix.get(p, s) for p, s in zip(files["path"].tolist(), files["sha256"].tolist())])
        files = files[files["sha256"].notna()].reset_index(drop=True)
        inputs = inputs_fingerprint(files)
    parsed = len(items)
    if lazy:
        segments = _keep_once(segments)
        parsed = len(set().union(*(s.ids for s in segments))) if segments else 0
        stats.update(reports=int(files["sha256"].nunique()), hashed=len(hashed))
        if manifest is not None and "hashed_ns" in files.columns:
            write_manifest(manifest, files)
    stats.update(parsed=parsed, cached=stats["reports"] - parsed, failed=failed, unchanged=False,
                 reused_segments=len(reuse), changed_during_run=len(changed), base=base is not None,
                 seconds=round(time.perf_counter() - t0, 2))
    return Extraction(str(warehouse), files, segments, base, sig, inputs, False, stats)


def finish(prepared, counts: dict) -> None:
    """After a successful publish: the staged segments are in the warehouse now; the run's
    counts go to warehouse/state/last_run.json (read by `ogi run`'s summary and the benchmark)."""
    wh = pathlib.Path(prepared.warehouse)
    shutil.rmtree(wh / STAGED, ignore_errors=True)
    p = wh / "state" / "last_run.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps({**prepared.stats, "rows": counts}, indent=1), encoding="utf-8")
    os.replace(tmp, p)
