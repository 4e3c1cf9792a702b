"""The staged extraction as a fan-out: plan, shards, gather. Plain functions; the Dagster
graph (assets.py) makes each a step, and `batch.extract_all` runs them in one process.

- `plan`: what the run must parse (batch's rules: contents the previous warehouse holds,
  or a complete staged segment holds, are not parsed again), the files to parse split into
  `n` shards by a hash of their relative path (the same file lands in the same shard
  run after run, whatever else the folder holds).
- `run_shard`: one shard's files parsed in a process pool under the per-file limits
  (batch._parse_items: a file that kills or hangs its process is a failed report, never a
  dead shard), each chunk written as a segment at the staging location (staging.py) —
  in place on a local or mounted folder, uploaded `_done` last to an object store.
- `gather`: the shards' segments and counts into the one `batch.Extraction` that the
  single writer publishes.

A shard that fails leaves the segments it completed; the next run's plan finds them by
content hash and parses only what no complete segment holds (so re-running a failed
shard, or the whole job, parses that shard's rest only).
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import pathlib
import socket
import sys
import time
from dataclasses import dataclass, field

import pandas as pd

from . import batch
from .staging import Stage, stage_url


def shard_of(rel: str, n: int) -> int:
    """The shard (0 … n-1) of a file, by a hash of its relative path."""
    if n <= 1:
        return 0
    h = hashlib.blake2b(rel.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(h, "big") % n


def shard_count(default: int = 1) -> int:
    """OGI_SHARDS (at least 1), else `default`."""
    try:
        return max(1, int(os.environ.get("OGI_SHARDS", "") or default))
    except ValueError:
        return max(1, default)


@dataclass
class ShardWork:
    """One shard's files to parse: (abs_path, rel, sha256 or None) biggest first, and sizes."""
    shard: int
    shards: int
    items: list
    sizes: list
    stage: str
    pfp: str
    warehouse: str = ""
    use_cache: bool = True


def ocr_cache_dir(work: ShardWork) -> str | None:
    """Where a shard keeps what OCR read (by content hash; formats/ocr.py, when present):
    OGI_OCR_CACHE, else `<stage>/cache/ocr` on a staging location elsewhere that is a
    folder or a mount (every worker reaches it), else `<warehouse>/state/ocr`; None without
    the cache."""
    if not work.use_cache:
        return None
    if os.environ.get("OGI_OCR_CACHE"):
        return os.environ["OGI_OCR_CACHE"]
    st = Stage(work.stage)
    if st.local is not None and work.warehouse and st.local != pathlib.Path(work.warehouse).resolve() / batch.STAGED:
        return str(st.local / "cache" / "ocr")
    return str(pathlib.Path(work.warehouse) / "state" / "ocr") if work.warehouse else None


@contextlib.contextmanager
def _ocr_cache(work: ShardWork):
    try:
        from ..formats import ocr
    except ImportError:  # (no OCR reader in this build)
        yield
        return
    old = getattr(ocr, "CACHE_DIR", None)
    ocr.CACHE_DIR = ocr_cache_dir(work)
    try:
        yield
    finally:
        ocr.CACHE_DIR = old


@dataclass
class ShardResult:
    """What a shard step hands to `gather`: its segments and counts, and where it ran."""
    shard: int
    segments: list = field(default_factory=list)    # (segment, report ids, reports in it)
    changed: list = field(default_factory=list)
    hashed: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    failed: int = 0
    files: int = 0
    seconds: float = 0.0
    host: str = ""
    pid: int = 0


@dataclass
class Plan:
    """The planning step's decision, handed to `gather` (the shards get ShardWork)."""
    warehouse: str
    stage: str
    files: pd.DataFrame
    met: list
    base: object
    signature: str
    pfp: str
    inputs: str
    lazy: bool
    stats: dict
    reuse: list = field(default_factory=list)       # (segment, reports in it, ids taken)
    unchanged: object = None                          # the Extraction when nothing is to be done
    manifest: str | None = None
    t0: float = 0.0


def plan(files: pd.DataFrame, warehouse: pathlib.Path, use_cache: bool = True, shards: int = 1,
         stage: str | None = None) -> tuple[Plan, list[ShardWork]]:
    """The run's plan and its `shards` pieces of work (empty ones included, so that a
    graph of n shard steps always gets n)."""
    from ..publish import writer as publish

    t0 = time.perf_counter()
    warehouse = pathlib.Path(warehouse)
    st = Stage(stage or stage_url(warehouse))
    met = list(files.attrs.get("met", []))
    hashed0 = files.attrs.get("hashed")
    files = files.reset_index(drop=True)
    pfp = batch.parser_fingerprint()
    sig = publish.signature(pfp)
    base = publish.read_base(warehouse, sig) if use_cache else None
    manifest = warehouse / batch.MANIFEST if use_cache else None
    lazy = bool(files["sha256"].isna().any())   # a first run's discover left the hashing to the workers
    if lazy and base is not None:
        files, lazy = batch._hash_missing(files, manifest), False  # the previous warehouse may hold them: know first
        met = list(files.attrs.get("met", met))
    stats: dict = {"files": len(files), "reports": None, "hashed": files.attrs.get("hashed", hashed0), "parser": pfp,
                   "paths_met": len(files) + len(met), "shards": shards}
    stale = batch._stale_limit_failures(base)
    inputs = ""
    p = Plan(str(warehouse), st.url, files, met, base, sig, pfp, inputs, lazy, stats,
             manifest=str(manifest) if manifest else None, t0=t0)
    empty = [ShardWork(k, shards, [], [], st.url, pfp, str(warehouse), use_cache) for k in range(shards)]
    if not lazy:
        p.inputs = batch.inputs_fingerprint(files, met)
        stats["reports"] = int(files["sha256"].nunique())
        if base is not None and not stale and base.marker.get("inputs") == p.inputs and \
                publish.duckdb_matches(warehouse / "ogi.duckdb", base.marker.get("counts", {})):
            stats.update(parsed=0, cached=stats["reports"], failed=None, unchanged=True,
                         seconds=round(time.perf_counter() - t0, 2))
            p.unchanged = batch.Extraction(str(warehouse), files, [], base, sig, p.inputs, True, stats)
            return p, empty

    # staged segments: other parser versions are of no use; this one's are reused
    st.keep_only(pfp)
    if not use_cache:
        st.drop_root(pfp)
    leftovers = st.segments(pfp)
    if lazy and leftovers:
        files, lazy = batch._hash_missing(files, manifest), False  # a failed run's segments may hold them
        p.files, p.lazy = files, False
        p.met = met = list(files.attrs.get("met", met))
        p.inputs = batch.inputs_fingerprint(files, met)
        stats.update(reports=int(files["sha256"].nunique()), hashed=files.attrs.get("hashed"))
    have = (base.ids - stale) if base is not None else set()
    todo, reuse = [], {}
    if lazy:
        # every file (contents not known yet: a file holding the same bytes as another is
        # read twice, and kept once by gather)
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
    p.reuse = [(d, n, frozenset(ids)) for (d, n), ids in reuse.items()]
    works = empty
    for size, a, r, s in todo:
        w = works[shard_of(r, shards)]
        w.items.append((a, r, s))
        w.sizes.append(size)
    return p, works


@contextlib.contextmanager
def _children_allowed():
    """Let this process start the parsing pool even when it is a daemonic process (a Dask
    worker, by default): the pool is joined before the block ends, so no child outlives
    it, which is all the rule against a daemon's children protects."""
    proc = multiprocessing.current_process()
    daemon = proc._config.get("daemon")
    if daemon:
        proc._config["daemon"] = False
    try:
        yield
    finally:
        if daemon:
            proc._config["daemon"] = daemon


def run_shard(work: ShardWork, workers: int = 1, progress: bool = False) -> ShardResult:
    """Parse one shard's files into segments at the staging location."""
    t0 = time.perf_counter()
    st = Stage(work.stage)
    res = ShardResult(work.shard, files=len(work.items), host=socket.gethostname(), pid=os.getpid())
    if not work.items:
        return res
    root = st.root(work.pfp)
    if st.local is not None:
        local_root = pathlib.Path(root)
        local_root.mkdir(parents=True, exist_ok=True)
    else:
        import tempfile

        local_root = pathlib.Path(tempfile.mkdtemp(prefix=f"ogi-shard{work.shard}-"))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(work.items), desc="parsing reports", unit="report", file=sys.stderr, leave=False)

    def done(r: dict) -> None:
        seg = r["seg"]
        if st.local is None:
            final = f"{root}/{pathlib.Path(seg).name}"
            st.upload(seg, final)
            seg = final
        res.segments.append((seg, frozenset(r["ids"]), len(r["ids"])))
        res.changed.extend(r["changed"])
        res.hashed.extend(r["hashed"])
        res.dropped.extend(r["dropped"])
        res.failed += r["failed"]
        if bar:
            bar.update(r["n"])

    batch._warm()  # imported once here, inherited by the forked workers
    # what the workers inherit is frozen out of the garbage collector's reach: its full
    # collections would walk (and copy, page by page) the parent's whole heap
    gc.freeze()
    try:
        with _children_allowed(), _ocr_cache(work):
            batch._parse_items(work.items, work.sizes, local_root, workers, done,
                               tag=f"s{work.shard:03d}-" if work.shards > 1 else "")
    finally:
        gc.unfreeze()
        if bar:
            bar.close()
        if st.local is None:
            import shutil

            shutil.rmtree(local_root, ignore_errors=True)
    res.seconds = round(time.perf_counter() - t0, 2)
    return res


def gather(p: Plan, results: list[ShardResult]) -> batch.Extraction:
    """The shards' segments and counts as the Extraction the writer publishes."""
    from ..publish import writer as publish

    if p.unchanged is not None:
        return p.unchanged
    files, met, lazy, inputs, stats = p.files, list(p.met), p.lazy, p.inputs, dict(p.stats)
    manifest = pathlib.Path(p.manifest) if p.manifest else None
    segments = [publish.Segment(d, ids, n) for d, n, ids in p.reuse]
    changed, hashed, dropped = [], [], []
    failed = 0
    parsed_items = 0
    for r in sorted(results, key=lambda r: r.shard):
        segments += [publish.Segment(d, ids, n) for d, ids, n in r.segments]
        changed += r.changed
        hashed += r.hashed
        dropped += r.dropped
        failed += r.failed
        parsed_items += r.files
    if changed or hashed or dropped:
        # files rewritten (or removed) while the run read them: publish what was read;
        # files first hashed by the workers: their hashes; files that gave no report
        # (unreadable, not a report by content) leave the reports for the inputs table
        fix = dict(hashed)
        fix.update(changed)
        files = files.assign(sha256=[fix.get(q, s) for q, s in zip(files["path"].tolist(), files["sha256"].tolist())])
        gone = {q for q, _, _ in dropped}
        unknown = files["sha256"].isna() & ~files["path"].isin(gone)
        if unknown.any():  # (never: every item of a lost job is run again)
            dropped += [(q, "unreadable", "not read (its parsing worker was lost)")
                        for q in files.loc[unknown, "path"].tolist()]
            gone = {q for q, _, _ in dropped}
        met = sorted(met + dropped)
        known = files[files["sha256"].notna()]
        # the fingerprint: the paths met as listed (a non-report found by its content stays
        # in it, so a rerun with no change finds the same)
        inputs = batch.inputs_fingerprint(known, [m for m in met if m[1] != "skipped" or m[0] not in gone])
        if lazy and manifest is not None and "hashed_ns" in files.columns:
            batch.write_manifest(manifest, known)
        files = known[~known["path"].isin(gone)].reset_index(drop=True)
    elif lazy and manifest is not None and "hashed_ns" in files.columns:
        batch.write_manifest(manifest, files)
    parsed = parsed_items
    if lazy:
        segments = batch._keep_once(segments)
        parsed = len(set().union(*(s.ids for s in segments))) if segments else 0
        stats.update(reports=int(files["sha256"].nunique()), hashed=len(hashed))
    if not inputs:
        inputs = batch.inputs_fingerprint(files, met)
    stats.update(parsed=parsed, cached=(stats["reports"] or 0) - parsed, failed=failed, unchanged=False,
                 reused_segments=len(p.reuse), changed_during_run=len(changed), base=p.base is not None,
                 dropped=len(dropped), seconds=round(time.perf_counter() - p.t0, 2))
    if len(results) > 1:
        stats["shard_seconds"] = {r.shard: r.seconds for r in sorted(results, key=lambda r: r.shard)}
    ext = batch.Extraction(p.warehouse, files, segments, p.base, p.signature, inputs, False, stats)
    ext.listing = batch.inputs_table(files, met)
    ext.stage = p.stage
    return ext


def localize(ext: batch.Extraction) -> batch.Extraction:
    """The extraction with its segments as local folders (downloaded from an object store
    into `<warehouse>/staged/<parser>/`; unchanged when the staging location is local)."""
    from ..publish import writer as publish

    url = getattr(ext, "stage", None)
    if not url or not ext.segments:
        return ext
    st = Stage(url)
    if st.local is not None:
        return ext
    into = pathlib.Path(ext.warehouse) / batch.STAGED / batch.parser_fingerprint()
    into.mkdir(parents=True, exist_ok=True)
    ext.segments = [publish.Segment(st.fetch(s.dir, into), s.ids, s.all_ids) for s in ext.segments]
    return ext
