"""Where each report came from: optional manifests beside the reports (a CSV or TSV with a
file column, a URL column and a publication date column; header variants and file names
are data, `pipelines/parse/data/manifest.yaml`) read into `dim_reports.source_url` and
`dim_reports.published_date`.

    find_manifests(raw_root, rel_paths)   → the manifest files under the raw folder
    read_manifest(path, raw_root, known)  → {report path relative to the raw folder: Source}
    sources_for(files)                    → the same for a run's file listing (publish.py)

A manifest names files relative to its own folder. Of several candidate file columns
(SOURCES.tsv has `short_name`, the file here, and `path`, where it was in its repository)
the one that names the most files present is taken. Dates become ISO `YYYY-MM-DD`;
a date that cannot be read is left NULL. Nothing here parses reports.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import pathlib
import posixpath
import re
from dataclasses import dataclass

import yaml

from .. import DATA


@dataclass(frozen=True)
class Source:
    url: str | None
    published_date: str | None


@functools.cache
def config() -> dict:
    return yaml.safe_load((DATA / "manifest.yaml").read_text(encoding="utf-8"))


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lstrip("\ufeff").lower())


def _role_columns(header: list[str]) -> dict[str, list[str]]:
    """role → the header names that can play it, in the data file's order of preference."""
    keys = {_key(h): h for h in header}
    out: dict[str, list[str]] = {}
    for role, variants in config()["columns"].items():
        out[role] = [keys[_key(v)] for v in variants if _key(v) in keys]
    return out


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(s: str | None) -> str | None:
    """'2024-01-31', '2024/1/31', '2024.01.31', '2024年1月31日', '20240131' (a time after it
    ignored) → '2024-01-31'; anything else → None."""
    if not s:
        return None
    s = s.strip()
    m = _DATE.match(s) or (_COMPACT.fullmatch(s[:8]) if len(s) == 8 or not s[8:9].isdigit() else None)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _read_rows(path: pathlib.Path) -> tuple[list[str], list[dict[str, str]]]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], []
    first = text.split("\n", 1)[0]
    delim = "\t" if "\t" in first else ("," if "," in first else ";")
    reader = csv.DictReader(io.StringIO(text), delimiter=delim)
    rows = [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in reader]
    return list(reader.fieldnames or []), rows


def _url(row: dict[str, str], url_cols: list[str]) -> str | None:
    for c in url_cols:
        if row.get(c):
            return row[c]
    low = {_key(k): v for k, v in row.items()}
    for tpl in config().get("url_templates", []):
        names = re.findall(r"{(\w+)}", tpl)
        if all(low.get(n) for n in names):
            return tpl.format(**{n: low[n] for n in names})
    return None


def read_manifest(path: pathlib.Path, raw_root: pathlib.Path, known: set[str]) -> dict[str, Source]:
    """The manifest's rows for files under the raw folder: {path relative to the raw
    folder: Source}. `known` (report paths relative to the raw folder) picks the file column."""
    header, rows = _read_rows(path)
    if not rows:
        return {}
    roles = _role_columns(header)
    base = path.parent.relative_to(raw_root).as_posix()
    base = "" if base == "." else base

    def rel(v: str) -> str:
        v = v.replace("\\", "/").lstrip("./") if v.startswith("./") else v.replace("\\", "/")
        return posixpath.normpath(posixpath.join(base, v)) if v else ""

    best, best_hits = None, 0
    for c in roles.get("path", []):
        hits = sum(1 for r in rows if r.get(c) and rel(r[c]) in known)
        if hits > best_hits:
            best, best_hits = c, hits
    if best is None:
        return {}
    out: dict[str, Source] = {}
    for r in rows:
        p = rel(r.get(best, ""))
        if not p or p not in known:
            continue
        date = next((parse_date(r[c]) for c in roles.get("published_date", []) if r.get(c)), None)
        out[p] = Source(_url(r, roles.get("url", [])), date)
    return out


def find_manifests(raw_root: pathlib.Path, rel_paths) -> list[pathlib.Path]:
    """Manifest files in the folders that hold reports (and the raw folder itself),
    shallowest first."""
    names = config()["file_names"]
    dirs = {posixpath.dirname(p) for p in rel_paths} | {""}
    found = []
    for d in sorted(dirs, key=lambda x: (x.count("/") if x else -1, x)):
        for n in names:
            f = raw_root / d / n
            if f.is_file():
                found.append(f)
    return found


def raw_root(files) -> pathlib.Path | None:
    """The raw folder of a run's listing (a DataFrame with `path` relative to it and `abs_path`)."""
    if files is None or not len(files) or "abs_path" not in files:
        return None
    p0, a0 = str(files["path"].iloc[0]), str(files["abs_path"].iloc[0])
    if not a0.endswith(p0):
        return None
    return pathlib.Path(a0[: len(a0) - len(p0)] or ".").resolve()


def sources_for(files) -> dict[str, Source]:
    """{source_path: Source} for a run's listing (a DataFrame with `path` relative to the raw
    folder and `abs_path`); empty when no manifest is there."""
    root = raw_root(files)
    if root is None:
        return {}
    known = set(files["path"].astype(str))
    out: dict[str, Source] = {}
    for m in find_manifests(root, known):
        try:
            out.update(read_manifest(m, root, known))  # deeper manifests come later and win
        except (OSError, csv.Error, ValueError):
            continue  # an unreadable manifest gives no sources; the reports are read all the same
    return out
