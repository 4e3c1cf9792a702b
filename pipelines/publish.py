"""From extraction results to the published tables, and the single writer that puts
them in Parquet and DuckDB.

What belongs here: the rows of the published tables for a report (`RowBuffer`; the
parsing workers use it to write their results as Parquet segments), the published file
layout, and the one writer that builds the new Parquet folder and DuckDB file under
temporary names and renames them into place, so a reader never sees a half-written
warehouse. No Dagster here, and nothing that reads reports.

Layout of `warehouse/parquet/` (the year is in the folder name, not in the files):

    <fact table>/year=<Y>/part-<id>.parquet     (year=__HIVE_DEFAULT_PARTITION__ when unknown)
    report_texts/part-<id>.parquet
    dim_reports/part-0.parquet, check_results/part-0.parquet, dim_codes/…, meta_region_snapshot/…
    _ogi_publish.json                           what the warehouse was built from: code
                                                signature, inputs fingerprint, row counts

Incremental publishing (`prepare` then `write`): the new warehouse is the previous one
minus the reports whose files are gone or changed, plus the reports parsed in this run
(staged segments written by batch.py). Fact and text files holding no dropped report are
hard-linked unchanged, the others are rewritten without those rows, and new rows come in
as the segments' own files. The DuckDB file is a copy of the previous one with the same
rows deleted and inserted; `dim_reports` (source paths, duplicates) and `check_results`
are rebuilt whole (they are small). When the code that shapes the tables changes (the
signature) or the previous warehouse cannot be trusted, everything is rebuilt. The
tables are the same either way: `frames_from_results` + `write_warehouse` (the whole
thing from in-memory results) give the same rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterator

import pandas as pd

import schemas
from .model import ReportResult

EVIDENCE_MAX = 200
PUBLISH_FORMAT = "2"          # bump when the published layout changes
MARKER = "_ogi_publish.json"
NULL_YEAR = "__HIVE_DEFAULT_PARTITION__"
SPLIT_TABLES = (*schemas.FACT_TABLES, "report_texts")  # published as many files, carried over file by file
WHOLE_TABLES = ("dim_reports", "check_results")          # rebuilt whole on every publish
MAX_FILES = 64                # files per partition before they are merged into one
DUCKDB_MEMORY = os.environ.get("OGI_DUCKDB_MEMORY", "1GB")


def _evidence(text: str, s, e) -> str | None:
    if s is None or e is None or not text:
        return None
    return text[int(s):int(e)][:EVIDENCE_MAX]


# ---------------------------------------------------------------------------
# rows


class RowBuffer:
    """Rows of the published report tables, column by column (cheap to turn into Arrow)."""

    def __init__(self) -> None:
        self.cols = {t: {c: [] for c in schemas.tables()[t].column_names} for t in schemas.PUBLISHED}
        self.reports = 0

    def add(self, res: ReportResult) -> None:
        rep = res.report
        rid, year, text = rep["report_id"], rep.get("year"), res.text
        self.reports += 1
        for c, v in self.cols["dim_reports"].items():
            v.append(rep.get(c))
        for f in res.facts:
            k1, k2 = schemas.tables()[f.table].keys
            t = self.cols[f.table]
            t["report_id"].append(rid)
            t["year"].append(year)
            t[k1].append(f.key1)
            t[k2].append(f.key2)
            t["value"].append(f.value)
            t["source"].append(f.source)
            t["span_start"].append(f.span_start)
            t["span_end"].append(f.span_end)
            t["flags"].append(",".join(f.flags))
            t["evidence"].append(_evidence(text, f.span_start, f.span_end))
        subj: Counter = Counter()
        cr = self.cols["check_results"]
        for c in res.checks:
            subj[(c.check, c.subject)] += 1
            n = subj[(c.check, c.subject)]
            row = dict(report_id=rid, check=c.check, subject=c.subject if n == 1 else f"{c.subject}#{n}",
                       severity=c.severity, passed=c.passed, detail=c.detail, fact_table=c.fact_table, key1=c.key1,
                       key2=c.key2, expected=c.expected, found=c.found, span_start=c.span_start,
                       span_end=c.span_end, evidence=_evidence(text, c.span_start, c.span_end))
            for k, v in row.items():
                cr[k].append(v)
        self.cols["report_texts"]["report_id"].append(rid)
        self.cols["report_texts"]["text"].append(text)

    def add_duplicate(self, rid: str, path: str, first: str) -> None:
        """The same bytes under another name: one report, and a note where it was seen."""
        row = duplicate_row(rid, path, first)
        for k, v in self.cols["check_results"].items():
            v.append(row.get(k))

    def tables(self) -> dict:
        return {t: _arrow_from_columns(t, cols) for t, cols in self.cols.items()}


def duplicate_row(rid: str, path: str, first: str) -> dict:
    return dict(report_id=rid, check="duplicate_file", subject=path, severity="info", passed=True,
                detail=f"{path} has the same bytes as {first}; read once")


def _arrow_from_columns(table: str, cols: dict):
    import pyarrow as pa

    schema = schemas.arrow_schema(table)
    arrays = []
    for f in schema:
        vals = cols[f.name]
        if pa.types.is_integer(f.type) and f.name == "value":
            arrays.append(pa.array(vals, pa.float64()).cast(f.type))  # safe cast: 2.5 is an error, 2.0 is 2
        else:
            arrays.append(pa.array(vals, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def frames_from_results(results: list[ReportResult]) -> dict[str, pd.DataFrame]:
    """One DataFrame per published report table, for results held in memory."""
    buf = RowBuffer()
    seen: dict[str, str] = {}
    for res in sorted(results, key=lambda r: r.report["source_path"]):
        rid = res.report["report_id"]
        if rid in seen:
            buf.add_duplicate(rid, res.report["source_path"], seen[rid])
            continue
        seen[rid] = res.report["source_path"]
        buf.add(res)
    return {t: _to_pandas(t, at) for t, at in buf.tables().items()}


def _to_pandas(table: str, at) -> pd.DataFrame:
    if at.num_rows == 0:
        return schemas.empty_frame(table)
    return at.to_pandas().astype(schemas.pandas_dtypes(table))


def reference_frames() -> dict[str, pd.DataFrame]:
    """The tables that come from the schema definition and shipped data, not from the
    reports: dim_codes (codes.csv, one row per fact table and code) and
    meta_region_snapshot (pipelines/data/regions.meta.yaml)."""
    from .regions import snapshot_meta

    codes = [dict(fact_table=ft, dimension=c.dimension, code=c.code, parent=c.parent or None, label_zh=c.label_zh,
                  formats=",".join(c.formats), notes=c.notes or None, sort_order=i)
             for i, c in enumerate(schemas.codes()) for ft in c.fact_tables]
    m = snapshot_meta()
    snap = [dict(source=str(m.get("source", "")), source_release=str(m.get("source_release", "")) or None,
                 generated=str(m.get("generated", "")) or None, n_codes=m.get("rows"),
                 path="pipelines/data/regions.csv")]
    return {t: pd.DataFrame(rs, columns=schemas.tables()[t].column_names).astype(schemas.pandas_dtypes(t))
            for t, rs in (("dim_codes", codes), ("meta_region_snapshot", snap))}


def _to_arrow(table: str, df: pd.DataFrame):
    import pyarrow as pa

    return pa.Table.from_pandas(df, schema=schemas.arrow_schema(table), preserve_index=False)


# ---------------------------------------------------------------------------
# files


def file_schema(table: str):
    """Schema of the table's Parquet files (fact tables: without the year, which is the folder)."""
    s = schemas.arrow_schema(table)
    return s.remove(s.get_field_index("year")) if schemas.tables()[table].fact else s


def year_dir(y) -> str:
    return f"year={NULL_YEAR if y is None else int(y)}"


def split_by_year(at) -> dict:
    """{year or None: table without the year column} for a fact table's rows."""
    import pyarrow.compute as pc

    out = {}
    if at.num_rows == 0:
        return out
    years = at.column("year")
    rest = at.drop_columns(["year"])
    for y in pc.unique(years).to_pylist():
        mask = pc.is_null(years) if y is None else pc.equal(years, y)
        out[y] = rest.filter(mask)
    return out


def _write_parquet(at, path: pathlib.Path) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(at, str(path))


def write_segment(buf: RowBuffer, seg: pathlib.Path) -> dict[str, int]:
    """A batch of parsed reports as Parquet files in the published layout (`seg/<table>…`),
    completed by a `_done` file. Returns row counts."""
    seg.mkdir(parents=True, exist_ok=True)
    counts = {}
    for t, at in buf.tables().items():
        counts[t] = at.num_rows
        if t in schemas.FACT_TABLES:
            for y, part in split_by_year(at).items():
                _write_parquet(part.cast(file_schema(t)), seg / t / year_dir(y) / "data.parquet")
        else:
            _write_parquet(at, seg / f"{t}.parquet")
    (seg / "_done").write_text(json.dumps({"reports": buf.reports, "rows": counts}), encoding="utf-8")
    return counts


def _read(path, columns=None):
    import pyarrow.parquet as pq

    return pq.read_table(str(path), columns=columns)


def _ids_in(path) -> set[str]:
    """The report ids in a Parquet file (read through the column's dictionary)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    col = pq.read_table(str(path), columns=["report_id"], read_dictionary=["report_id"]).column(0)
    out: set[str] = set()
    for ch in col.chunks:
        out.update(ch.dictionary.take(pc.unique(ch.indices)).to_pylist())
    return out


def _link(src: pathlib.Path, dst: pathlib.Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


# ---------------------------------------------------------------------------
# what a warehouse was built from


def signature(parser_fp: str) -> str:
    """Everything that shapes the published rows besides the reports: the parser's
    fingerprint, this module, the table definitions and codes, the SQL views."""
    h = hashlib.sha256(f"{PUBLISH_FORMAT}\0{parser_fp}\0".encode())
    here = pathlib.Path(__file__).resolve().parent
    paths = [pathlib.Path(__file__).resolve(), *sorted(schemas.HERE.glob("*.yaml")), *sorted(schemas.HERE.glob("*.csv")),
             schemas.HERE / "__init__.py", *sorted((here / "sql").glob("*.sql")), here / "data" / "regions.meta.yaml"]
    for p in paths:
        if p.exists():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def read_marker(warehouse: pathlib.Path) -> dict | None:
    p = pathlib.Path(warehouse) / "parquet" / MARKER
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def duckdb_matches(db: pathlib.Path, counts: dict) -> bool:
    """The DuckDB file holds the row counts the Parquet marker records."""
    import duckdb

    if not db.exists():
        return False
    try:
        con = duckdb.connect(str(db), read_only=True)
    except Exception:  # noqa: BLE001 - a file we cannot open is a file we rebuild
        return False
    try:
        for t, n in counts.items():
            if con.execute(f"select count(*) from {t}").fetchone()[0] != n:
                return False
        return True
    except Exception:  # noqa: BLE001
        return False
    finally:
        con.close()


@dataclass
class Base:
    """The published warehouse a run builds on: its marker and the reports it holds."""
    warehouse: pathlib.Path
    marker: dict
    ids: set[str]


def read_base(warehouse: pathlib.Path, sig: str) -> Base | None:
    """The current warehouse, if it was built by the same code (signature) and is whole."""
    import pyarrow.parquet as pq

    warehouse = pathlib.Path(warehouse)
    m = read_marker(warehouse)
    if not m or m.get("signature") != sig or m.get("format") != PUBLISH_FORMAT:
        return None
    d = warehouse / "parquet" / "dim_reports" / "part-0.parquet"
    if not d.exists():
        return None
    ids = set(pq.read_table(str(d), columns=["report_id"]).column(0).to_pylist())
    if len(ids) != m.get("counts", {}).get("dim_reports", -1):
        return None
    return Base(warehouse, m, ids)


# ---------------------------------------------------------------------------
# preparing a publish


@dataclass
class Segment:
    """A staged batch of parsed reports (write_segment) and the reports to take from it."""
    dir: str
    ids: frozenset[str]   # report ids this run takes from the segment
    all_ids: int          # reports the segment holds


@dataclass
class Prepared:
    """What `write` will publish: the plan for the split tables and the two small tables whole."""
    warehouse: pathlib.Path
    signature: str
    inputs: str
    unchanged: bool
    base: Base | None
    segments: list[Segment]
    keep: set[str] = field(default_factory=set)
    dead: set[str] = field(default_factory=set)
    new: set[str] = field(default_factory=set)
    whole: dict = field(default_factory=dict)      # dim_reports, check_results as Arrow tables
    new_rows: dict = field(default_factory=dict)   # rows per table coming from the segments
    stats: dict = field(default_factory=dict)      # the extraction's counts, passed along


def prepare(warehouse: pathlib.Path, files: pd.DataFrame, segments: list[Segment], base: Base | None,
            sig: str, inputs: str, unchanged: bool = False, stats: dict | None = None) -> Prepared:
    """Decide the new warehouse: `files` (path, sha256) are the current inputs, `segments`
    hold the reports parsed in this run, `base` the previous warehouse (or None)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    p = Prepared(pathlib.Path(warehouse), sig, inputs, unchanged, base, segments, stats=dict(stats or {}))
    if unchanged:
        return p
    live = files[["path", "sha256"]].sort_values("path", kind="stable")
    rids = [s[:16] for s in live["sha256"]]
    first: dict[str, str] = {}
    dups: list[tuple[str, str, str]] = []
    for rid, path in zip(rids, live["path"]):
        if rid in first:
            dups.append((rid, path, first[rid]))
        else:
            first[rid] = path
    live_ids = set(first)
    p.new = set().union(*(s.ids for s in segments)) & live_ids if segments else set()
    base_ids = base.ids if base else set()
    p.keep = (base_ids & live_ids) - p.new
    p.dead = base_ids - p.keep
    missing = live_ids - p.keep - p.new
    if missing:
        raise RuntimeError(f"{len(missing)} reports neither parsed nor in the previous warehouse, e.g. {sorted(missing)[:3]}")

    order = pa.array(sorted(first, key=first.get))           # report ids in source_path order
    paths = pa.array([first[r] for r in order.to_pylist()])
    for t in WHOLE_TABLES:
        parts = []
        if base and p.keep:
            at = _read(base.warehouse / "parquet" / t / "part-0.parquet")
            mask = pc.is_in(at.column("report_id"), value_set=pa.array(sorted(p.keep)))
            if t == "check_results":
                mask = pc.and_(mask, pc.not_equal(at.column("check"), "duplicate_file"))
            parts.append(at.filter(mask))
        for s in segments:
            f = pathlib.Path(s.dir) / f"{t}.parquet"
            if s.ids and f.exists():
                at = _read(f)
                parts.append(at if len(s.ids) == s.all_ids else
                             at.filter(pc.is_in(at.column("report_id"), value_set=pa.array(sorted(s.ids)))))
        if t == "check_results" and dups:
            buf = RowBuffer()
            for rid, path, fst in dups:
                buf.add_duplicate(rid, path, fst)
            parts.append(buf.tables()["check_results"])
        schema = schemas.arrow_schema(t)
        at = pa.concat_tables([x.cast(schema) for x in parts]) if parts else schema.empty_table()
        rank = pc.index_in(at.column("report_id"), value_set=order)
        if t == "dim_reports":
            at = at.set_column(at.schema.get_field_index("source_path"), "source_path", pc.take(paths, rank))
        at = at.take(pc.sort_indices(pa.table({"r": rank}), sort_keys=[("r", "ascending")]))
        p.whole[t] = at
    for t in SPLIT_TABLES:
        p.new_rows[t] = 0
    for s in segments:
        done = json.loads((pathlib.Path(s.dir) / "_done").read_text(encoding="utf-8"))
        for t in SPLIT_TABLES:
            if s.ids and len(s.ids) == s.all_ids:
                p.new_rows[t] += done["rows"][t]
            elif s.ids:
                p.new_rows[t] += sum(x.num_rows for x in segment_frames(s, t))
    return p


def segment_files(s: Segment, table: str) -> list[pathlib.Path]:
    d = pathlib.Path(s.dir)
    if table in schemas.FACT_TABLES:
        return sorted((d / table).glob("year=*/data.parquet")) if (d / table).is_dir() else []
    f = d / f"{table}.parquet"
    return [f] if f.exists() else []


def segment_frames(s: Segment, table: str):
    """The rows this run takes from a segment, file by file (Arrow tables, no year column)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for f in segment_files(s, table):
        at = _read(f)
        if len(s.ids) != s.all_ids:
            at = at.filter(pc.is_in(at.column("report_id"), value_set=pa.array(sorted(s.ids))))
        yield at


def new_frames(p: Prepared, table: str) -> Iterator[pd.DataFrame]:
    """The rows this run adds to a table, as pandas frames with the schema's dtypes (a
    segment file at a time, each holding whole reports): what the schema checks validate."""
    import pyarrow as pa

    if table in WHOLE_TABLES:
        yield _to_pandas(table, p.whole[table])
        return
    for s in p.segments:
        if not s.ids:
            continue
        for f, at in zip(segment_files(s, table), segment_frames(s, table)):
            if table in schemas.FACT_TABLES:
                y = f.parent.name.split("=", 1)[1]
                yv = None if y == NULL_YEAR else int(y)
                at = at.add_column(1, "year", pa.array([yv] * at.num_rows, pa.int32()))
            yield _to_pandas(table, at.cast(schemas.arrow_schema(table)))


def table_frame(p: Prepared, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """A whole small table (dim_reports, check_results) as the run publishes it."""
    if p.unchanged:
        path = p.warehouse / "parquet" / table / "part-0.parquet"
        return _read(path, columns).to_pandas()
    at = p.whole[table]
    return (at.select(columns) if columns else at).to_pandas()


# ---------------------------------------------------------------------------
# writing


def write(p: Prepared, workers: int = 2, log=None) -> dict[str, int]:
    """Publish what `prepare` decided; returns row counts per table."""
    if p.unchanged:
        return dict(p.base.marker["counts"]) if p.base else {}
    t0 = time.perf_counter()
    warehouse = p.warehouse
    warehouse.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    pq_tmp = warehouse / f".parquet.tmp-{tag}"
    db_tmp = warehouse / f".ogi.duckdb.tmp-{tag}"
    counts: dict[str, int] = {}
    try:
        timings = {}
        # the small tables whole, the reference tables from code and data
        for t, at in p.whole.items():
            _write_parquet(at, pq_tmp / t / "part-0.parquet")
            counts[t] = at.num_rows
        ref = {t: _to_arrow(t, df) for t, df in reference_frames().items()}
        for t, at in ref.items():
            _write_parquet(at, pq_tmp / t / "part-0.parquet")
            counts[t] = at.num_rows
        # fact tables and texts: carried over file by file
        jobs = []
        for t in SPLIT_TABLES:
            jobs += _split_table_jobs(p, t, pq_tmp, tag)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as ex:
            for t, n in ex.map(lambda j: j(), jobs):
                counts[t] = counts.get(t, 0) + n
        for t in SPLIT_TABLES:
            counts.setdefault(t, 0)
        timings["parquet"] = round(time.perf_counter() - t0, 2)
        # DuckDB: the previous file updated in place of a copy, or built anew
        t1 = time.perf_counter()
        old_db = warehouse / "ogi.duckdb"
        incremental = p.base is not None and duckdb_matches(old_db, p.base.marker.get("counts", {}))
        if incremental:
            shutil.copyfile(old_db, db_tmp)
            _duckdb_update(p, db_tmp, pq_tmp, workers)
        else:
            _duckdb_build(db_tmp, pq_tmp, ref, workers)
        if not duckdb_matches(db_tmp, counts):
            raise RuntimeError("DuckDB and Parquet row counts differ after publishing")
        timings["duckdb"] = round(time.perf_counter() - t1, 2)
        marker = {"format": PUBLISH_FORMAT, "signature": p.signature, "inputs": p.inputs, "counts": counts,
                  "run": tag, "written": time.strftime("%Y-%m-%dT%H:%M:%S"), "duckdb": "incremental" if incremental else "built",
                  "reports": {"kept": len(p.keep), "dropped": len(p.dead), "added": len(p.new)}, "seconds": timings}
        (pq_tmp / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        # swap into place
        final_pq = warehouse / "parquet"
        old = warehouse / f".parquet.old-{tag}"
        if final_pq.exists():
            final_pq.rename(old)
        pq_tmp.rename(final_pq)
        os.replace(db_tmp, warehouse / "ogi.duckdb")
        shutil.rmtree(old, ignore_errors=True)
        if log:
            log(f"published: {marker['reports']} {timings}")
    finally:
        shutil.rmtree(pq_tmp, ignore_errors=True)
        for f in (db_tmp, pathlib.Path(str(db_tmp) + ".wal")):
            if f.exists():
                f.unlink()
    return counts


def _split_table_jobs(p: Prepared, t: str, pq_tmp: pathlib.Path, tag: str) -> list:
    """Jobs (callables returning (table, rows written)) that build one table's files."""
    import pyarrow.parquet as pq

    fact = t in schemas.FACT_TABLES
    parts: dict[str, dict] = {}   # partition (year dir, or '' for texts) -> carried / rewrite / new lists

    def part(key):
        return parts.setdefault(key, {"link": [], "rewrite": [], "segs": []})

    if p.base is not None:
        root = p.base.warehouse / "parquet" / t
        for f in sorted(root.glob("year=*/*.parquet") if fact else root.glob("*.parquet")):
            key = f.parent.name if fact else ""
            if p.dead and _ids_in(f) & p.dead:
                part(key)["rewrite"].append(f)
            else:
                part(key)["link"].append(f)
    for s in p.segments:
        if not s.ids:
            continue
        for f in segment_files(s, t):
            key = f.parent.name if fact else ""
            part(key)["segs"].append((s, f))
    dead = None
    if p.dead:
        import pyarrow as pa

        dead = pa.array(sorted(p.dead), pa.string())
    jobs = []
    for key, d in parts.items():
        dest = pq_tmp / t / key if fact else pq_tmp / t
        jobs.append(lambda d=d, dest=dest: (t, _build_partition(t, d, dest, dead, tag)))
    return jobs


def _build_partition(t: str, d: dict, dest: pathlib.Path, dead, tag: str) -> int:
    """One partition's files: unchanged ones hard-linked, whole new segments linked, the
    rest (files holding dropped reports, partly used segments) rewritten into one file,
    streamed a file at a time. Too many files: everything merged into one."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = list(d["link"])
    full_segs = [(s, f) for s, f in d["segs"] if len(s.ids) == s.all_ids]
    rest_segs = [(s, f) for s, f in d["segs"] if len(s.ids) != s.all_ids]
    merge = len(files) + len(full_segs) + (1 if d["rewrite"] or rest_segs else 0) > MAX_FILES
    n = 0
    if not merge:
        for f in files:
            _link(f, dest / f.name)
            n += pq.read_metadata(str(f)).num_rows
        for s, f in full_segs:
            _link(f, dest / f"part-{pathlib.Path(s.dir).name}.parquet")
            n += pq.read_metadata(str(f)).num_rows
    sources = [(f, dead, False) for f in d["rewrite"] + (files if merge else [])]
    sources += [(f, pa.array(sorted(s.ids), pa.string()) if len(s.ids) != s.all_ids else None, True)
                for s, f in rest_segs + (full_segs if merge else [])]
    writer = None
    schema = file_schema(t)
    try:
        for f, ids, keep in sources:
            at = pq.read_table(str(f))
            if ids is not None:
                m = pc.is_in(at.column("report_id"), value_set=ids)
                at = at.filter(m if keep else pc.invert(m))
            if not at.num_rows:
                continue
            if writer is None:
                dest.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(str(dest / f"part-{tag}.parquet"), schema)
            writer.write_table(at.cast(schema))
            n += at.num_rows
    finally:
        if writer is not None:
            writer.close()
    return n


def _duckdb_connect(path: pathlib.Path, workers: int):
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET threads = {max(1, workers)}")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _select(t: str, files: list[pathlib.Path], where: str = "") -> str:
    cols = ", ".join(f'"{c}"' for c in schemas.tables()[t].column_names)
    lst = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    hive = "true" if t in schemas.FACT_TABLES else "false"
    return f"SELECT {cols} FROM read_parquet([{lst}], hive_partitioning = {hive}) {where}"


def _published_files(pq_dir: pathlib.Path, t: str) -> list[pathlib.Path]:
    return sorted((pq_dir / t).glob("**/*.parquet"))


def _duckdb_build(db: pathlib.Path, pq_dir: pathlib.Path, ref: dict, workers: int) -> None:
    con = _duckdb_connect(db, workers)
    try:
        for t in (*schemas.PUBLISHED, *ref):
            for stmt in schemas.duckdb_ddl(t):
                con.execute(stmt)
            files = _published_files(pq_dir, t)
            if files:
                con.execute(f"INSERT INTO {t} {_select(t, files)}")
        _create_views(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _duckdb_update(p: Prepared, db: pathlib.Path, pq_dir: pathlib.Path, workers: int) -> None:
    import pyarrow as pa

    con = _duckdb_connect(db, workers)
    try:
        con.register("dead_ids", pa.table({"report_id": pa.array(sorted(p.dead), pa.string())}))
        con.register("new_ids", pa.table({"report_id": pa.array(sorted(p.new), pa.string())}))
        con.execute("BEGIN")
        for t in WHOLE_TABLES:
            con.execute(f"DELETE FROM {t}")
            con.execute(f"INSERT INTO {t} {_select(t, _published_files(pq_dir, t))}")
        for t in SPLIT_TABLES:
            if p.dead:
                con.execute(f"DELETE FROM {t} WHERE report_id IN (SELECT report_id FROM dead_ids)")
            files = [f for s in p.segments if s.ids for f in segment_files(s, t)]
            if files:
                con.execute(f"INSERT INTO {t} {_select(t, files, 'WHERE report_id IN (SELECT report_id FROM new_ids)')}")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def write_warehouse(frames: dict[str, pd.DataFrame], warehouse: pathlib.Path) -> dict[str, int]:
    """Write Parquet and DuckDB from in-memory frames (the whole warehouse); return row
    counts per table. The warehouse has no marker, so the next pipeline run rebuilds it."""
    frames = {**frames, **{t: df for t, df in reference_frames().items() if t not in frames}}
    warehouse = pathlib.Path(warehouse)
    warehouse.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    pq_tmp = warehouse / f".parquet.tmp-{tag}"
    db_tmp = warehouse / f".ogi.duckdb.tmp-{tag}"
    counts = {}
    try:
        arrow = {t: _to_arrow(t, df) for t, df in frames.items()}
        for t, at in arrow.items():
            counts[t] = at.num_rows
            if schemas.tables()[t].fact:
                for y, part in split_by_year(at).items():
                    _write_parquet(part.cast(file_schema(t)), pq_tmp / t / year_dir(y) / "part-0.parquet")
            else:
                _write_parquet(at, pq_tmp / t / "part-0.parquet")
        ref = {t: arrow[t] for t in reference_frames()}
        _duckdb_build(db_tmp, pq_tmp, ref, 2)
        final_pq = warehouse / "parquet"
        old = warehouse / f".parquet.old-{tag}"
        if final_pq.exists():
            final_pq.rename(old)
        pq_tmp.rename(final_pq)
        os.replace(db_tmp, warehouse / "ogi.duckdb")
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(pq_tmp, ignore_errors=True)
        for f in (db_tmp, pathlib.Path(str(db_tmp) + ".wal")):
            if f.exists():
                f.unlink()
    return counts


def _create_views(con) -> None:
    """SQL views shipped in the DuckDB file (pipelines/sql/views.sql), if present."""
    sql = pathlib.Path(__file__).resolve().parent / "sql" / "views.sql"
    if sql.exists():
        con.execute(sql.read_text(encoding="utf-8"))


@dataclass
class TableRows:
    """One published table as this run will write it — the rows kept from the previous
    warehouse plus the new rows in staged segments — light to pass between assets."""
    prepared: Prepared
    table: str

    @property
    def new_rows(self) -> int:
        if self.prepared.unchanged:
            return 0
        if self.table in WHOLE_TABLES:
            return self.prepared.whole[self.table].num_rows
        return self.prepared.new_rows.get(self.table, 0)

    def frames(self) -> Iterator[pd.DataFrame]:
        """The rows this run adds (whole tables: all rows), as pandas frames in chunks."""
        if self.prepared.unchanged:
            return iter(())
        return new_frames(self.prepared, self.table)

    def frame(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The whole table (dim_reports, check_results only: they are small)."""
        if self.table not in WHOLE_TABLES:
            raise ValueError(f"{self.table} is published in parts; use frames()")
        return table_frame(self.prepared, self.table, columns)
