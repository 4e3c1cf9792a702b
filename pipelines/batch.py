"""Many reports at once: find the report files under a folder, and extract them with a
content-hash cache (a rerun parses only new or changed files) and a process pool.
Plain functions; the Dagster assets call them.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import sys
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from . import PARSER_VERSION
from .extract import extract_report
from .model import ReportResult

SKIP_NAMES = {".DS_Store", "Thumbs.db", ".gitkeep"}


def discover(raw_dir: pathlib.Path) -> pd.DataFrame:
    """Every file below raw_dir (recursively, hidden files skipped): path relative to
    raw_dir, size and sha256 of the bytes."""
    raw_dir = pathlib.Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}")
    recs = []
    for root, dirs, files in os.walk(raw_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in SKIP_NAMES:
                continue
            p = pathlib.Path(root) / name
            data = p.read_bytes()
            recs.append({"path": str(p.relative_to(raw_dir)), "abs_path": str(p), "size": len(data),
                         "sha256": hashlib.sha256(data).hexdigest()})
    return pd.DataFrame(recs, columns=["path", "abs_path", "size", "sha256"])


def _cache_file(cache_dir: pathlib.Path, sha: str) -> pathlib.Path:
    return cache_dir / PARSER_VERSION / sha[:2] / f"{sha}.json"


def _work(args: tuple[str, str]) -> dict:
    abs_path, rel = args
    return extract_report(pathlib.Path(abs_path).read_bytes(), rel).to_dict()


def extract_all(files: pd.DataFrame, cache_dir: pathlib.Path | None = None, workers: int = 1,
                progress: bool = True) -> tuple[list[ReportResult], dict]:
    """Extract every file; returns results (in the order of `files`) and run statistics."""
    results: list[ReportResult | None] = [None] * len(files)
    todo: list[int] = []
    cached = 0
    for i, r in enumerate(files.itertuples(index=False)):
        if cache_dir is not None:
            cf = _cache_file(pathlib.Path(cache_dir), r.sha256)
            if cf.exists():
                try:
                    d = json.loads(cf.read_text(encoding="utf-8"))
                    d["report"]["source_path"] = r.path
                    results[i] = ReportResult.from_dict(d)
                    cached += 1
                    continue
                except (ValueError, KeyError, TypeError):
                    pass  # unreadable cache entry: parse again
        todo.append(i)
    args = [(files.iloc[i]["abs_path"], files.iloc[i]["path"]) for i in todo]
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="parsing reports", unit="report", file=sys.stderr, leave=False)
    if workers > 1 and len(todo) >= 32:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            outs = ex.map(_work, args, chunksize=max(1, min(64, len(args) // (workers * 8) or 1)))
            for i, d in zip(todo, outs):
                results[i] = _store(d, cache_dir)
                if bar:
                    bar.update()
    else:
        for i, a in zip(todo, args):
            results[i] = _store(_work(a), cache_dir)
            if bar:
                bar.update()
    if bar:
        bar.close()
    return [r for r in results if r is not None], {"files": len(files), "parsed": len(todo), "cached": cached}


def _store(d: dict, cache_dir) -> ReportResult:
    if cache_dir is not None:
        cf = _cache_file(pathlib.Path(cache_dir), d["report"]["sha256"])
        cf.parent.mkdir(parents=True, exist_ok=True)
        tmp = cf.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cf)
    return ReportResult.from_dict(d)
