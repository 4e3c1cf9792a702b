"""Where staged work lives, so that every worker of a run can reach it: the staged
segments of this parser version (the parse results a rerun takes instead of parsing
again), named caches (`cache("ocr")`), and the values Dagster steps hand each other when
they run in other processes (`io_url`).

The location is a local folder by default (`<warehouse>/staged`, as a run on one machine
has always used), or any fsspec URL in `OGI_STAGE_URL`: `file:///mnt/shared/ogi-stage`
(a shared mount, read and written in place), `s3://bucket/ogi-stage`, `gs://…` (the
segments are written in a local folder by the worker and uploaded, `_done` last; the
publishing step downloads the ones it takes). `memory://` works within one process only.
One location serves one warehouse. No Dagster here.

Layout under the location (the same for every protocol):

    <parser fingerprint>/seg-s<shard>-<id>/…   a segment: the published layout + `_done`
    cache/<name>/…                             a named cache (content-addressed by its owner)
    io/<run id>/<step>/<output>                 step outputs of runs on several processes
"""
from __future__ import annotations

import os
import pathlib
import shutil
import tempfile
import uuid

DONE = "_done"


def stage_url(warehouse: str | os.PathLike, url: str | None = None) -> str:
    """The staging location of a warehouse: `url`, else OGI_STAGE_URL, else the local
    folder `<warehouse>/staged` (as an absolute path)."""
    url = url or os.environ.get("OGI_STAGE_URL") or ""
    if url:
        return url.rstrip("/")
    return str(pathlib.Path(warehouse).resolve() / "staged")


class Stage:
    """A staging location. `local` is its folder when the location is on this machine's
    file system (a path, or a `file://` URL: a shared mount), else None."""

    def __init__(self, url: str):
        import fsspec

        self.url = url.rstrip("/")
        self.fs, path = fsspec.core.url_to_fs(self.url)
        self.path = path.rstrip("/") or "/"
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.local = pathlib.Path(self.path) if ("file" in protocols or "local" in protocols) else None

    def __repr__(self) -> str:
        return f"Stage({self.url!r})"

    # --- names
    def join(self, *parts: str) -> str:
        return "/".join([self.path, *parts])

    def root(self, pfp: str) -> str:
        """The folder of this parser version's segments."""
        return self.join(pfp)

    def new_segment(self, pfp: str, shard: int | None = None) -> str:
        tag = f"s{shard:03d}-" if shard is not None else ""
        return self.join(pfp, f"seg-{tag}{uuid.uuid4().hex[:12]}")

    def cache(self, name: str) -> str:
        """A named cache's folder (a path for `fs`; local callers use `local_path`)."""
        return self.join("cache", name)

    def io_url(self) -> str:
        """Where step outputs go when steps run in other processes (a URL)."""
        return self.url + "/io"

    def local_path(self, path: str) -> pathlib.Path | None:
        return pathlib.Path(path) if self.local is not None else None

    # --- segments
    def segments(self, pfp: str) -> dict[str, tuple[str, int]]:
        """sha256 → (segment, reports in it) for the complete segments of this parser
        version; incomplete ones (a worker died while writing) are removed."""
        import pyarrow.parquet as pq

        root = self.root(pfp)
        out: dict[str, tuple[str, int]] = {}
        if not self.fs.isdir(root):
            return out
        for seg in sorted(self.fs.ls(root, detail=False)):
            seg = seg.rstrip("/")
            if not self.fs.exists(f"{seg}/{DONE}"):
                self.fs.rm(seg, recursive=True)
                continue
            f = f"{seg}/dim_reports.parquet"
            if self.local is not None:
                shas = pq.read_table(f, columns=["sha256"]).column(0).to_pylist()
            else:
                with self.fs.open(f, "rb") as fh:
                    shas = pq.read_table(fh, columns=["sha256"]).column(0).to_pylist()
            for s in shas:
                out.setdefault(s, (seg, len(shas)))
        return out

    def keep_only(self, pfp: str) -> None:
        """Drop the segments of other parser versions (of no use to this one)."""
        if not self.fs.isdir(self.path):
            return
        for d in self.fs.ls(self.path, detail=False):
            name = d.rstrip("/").rsplit("/", 1)[-1]
            if name not in (pfp, "cache", "io") and self.fs.isdir(d):
                self.fs.rm(d, recursive=True)

    def drop_root(self, pfp: str) -> None:
        if self.fs.isdir(self.root(pfp)):
            self.fs.rm(self.root(pfp), recursive=True)

    def writable(self, seg: str) -> tuple[str, str | None]:
        """(folder to write a segment in, local temporary folder to upload from or None)."""
        if self.local is not None:
            return seg, None
        tmp = tempfile.mkdtemp(prefix="ogi-seg-")
        return tmp, tmp

    def upload(self, local_dir: str, seg: str) -> None:
        """A segment written in a local folder, put at `seg`: every file, then `_done`
        (a reader takes a segment only once its `_done` is there)."""
        base = pathlib.Path(local_dir)
        files = sorted(p for p in base.rglob("*") if p.is_file() and p.name != DONE)
        for p in files:
            dst = f"{seg}/{p.relative_to(base).as_posix()}"
            self.fs.makedirs(dst.rsplit("/", 1)[0], exist_ok=True)
            self.fs.put_file(str(p), dst)
        self.fs.put_file(str(base / DONE), f"{seg}/{DONE}")
        shutil.rmtree(base, ignore_errors=True)

    def fetch(self, seg: str, into: pathlib.Path) -> str:
        """A segment as a local folder (itself when the location is local; else
        downloaded under `into`, once)."""
        if self.local is not None:
            return seg
        dst = into / seg.rstrip("/").rsplit("/", 1)[-1]
        if (dst / DONE).exists():
            return str(dst)
        tmp = dst.with_name(dst.name + ".part")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for f in self.fs.find(seg):
            rel = f[len(seg.rstrip("/")) + 1:] if f.startswith(seg.rstrip("/")) else f.rsplit("/", 1)[-1]
            out = tmp / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            self.fs.get_file(f, str(out))
        shutil.rmtree(dst, ignore_errors=True)
        os.replace(tmp, dst)
        return str(dst)

    def clear(self, pfp: str | None = None) -> None:
        """After a publish: the staged segments are in the warehouse now (the named
        caches stay)."""
        if not self.fs.isdir(self.path):
            return
        for d in self.fs.ls(self.path, detail=False):
            name = d.rstrip("/").rsplit("/", 1)[-1]
            if name != "cache":
                self.fs.rm(d, recursive=True)


def stage_for(warehouse: str | os.PathLike, url: str | None = None) -> Stage:
    return Stage(stage_url(warehouse, url))
