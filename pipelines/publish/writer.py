"""From extraction results to the published tables, and the single writer that puts
them in Parquet and DuckDB.

What belongs here: the rows of the published tables for a report (`RowBuffer`; the
parsing workers use it to write their results as Parquet segments), the published file
layout, and the one writer that builds the new Parquet folder and DuckDB file under
temporary names and renames them into place, so a reader never sees a half-written
warehouse. No Dagster here, and nothing that reads reports.

Layout of `warehouse/parquet/` (the year is in the folder name and, as a column, in the files:
one file read alone keeps it):

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
are rebuilt whole (they are small). A DuckDB file built anew is made alongside the
Parquet writing too: tables and views first, then each table's rows as soon as its new
Parquet files are complete. When the code that shapes the tables changes (the
signature) or the previous warehouse cannot be trusted, everything is rebuilt.
`write_warehouse` writes a whole warehouse from frames (tests and small tools).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import pathlib
import shutil
import time
import uuid
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import pandas as pd

import schemas
from ..parse import rows
from ..parse.model import ReportResult

EVIDENCE_MAX = 200
PUBLISH_FORMAT = "3"          # bump when the published layout changes
MARKER = "_ogi_publish.json"
NULL_YEAR = "__HIVE_DEFAULT_PARTITION__"
# how each table is written: schemas/tables.yaml `written`
SPLIT_TABLES = schemas.SPLIT_TABLES      # published as many files, carried over file by file
WHOLE_TABLES = schemas.WHOLE_TABLES      # rebuilt whole on every publish
LISTING_TABLES = schemas.LISTING_TABLES  # from the folder's listing (batch.inputs_table), replaced whole on every publish
SMALL_FILES = 8               # a partition with more files than this has its small files merged
SMALL_BYTES = 16 * 1024**2
JOB_BYTES = 32 * 1024**2      # input bytes per rewriting job (one output file each)
BATCH_ROWS = 500_000          # rows a rewriting job holds at a time (fact tables)
BATCH_TEXTS = 2_000           # texts a rewriting job holds at a time (~30 MB)
DUCKDB_MEMORY = os.environ.get("OGI_DUCKDB_MEMORY", "512MB")  # keeps a 100k-report run under 2 GB
# rows per DuckDB row group (its default is 122,880): a row group is built in memory
# before it is compressed, and 122,880 report texts (~10 KB each) overflow the memory
# limit into temporary files; at 65,536 the texts of 100,000 reports load in half the time,
# into a file of the same size
ROW_GROUP_SIZE = 65_536
DB_ALIAS = "ogi"


@functools.cache
def _fact_keys() -> dict[str, tuple[str, str]]:
    return {t: (schemas.tables()[t].keys[0], schemas.tables()[t].keys[1]) for t in schemas.FACT_TABLES}


# ---------------------------------------------------------------------------
# rows


class RowBuffer:
    """Rows of the published report tables, column by column (cheap to turn into Arrow)."""

    def __init__(self) -> None:
        self.cols = {t: {c: [] for c in schemas.tables()[t].column_names} for t in schemas.PUBLISHED}
        for t in schemas.FACT_TABLES:
            self.cols[t][rows.ROWS] = []
        self.reports = 0

    def add(self, res: ReportResult) -> None:
        rows.add_report(self.cols, res, _fact_keys(), EVIDENCE_MAX)
        self.reports += 1

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
    per_report = None
    if rows.ROWS in cols:  # report_id and year held once per report: repeated by index
        import numpy as np

        counts = cols[rows.ROWS]
        per_report = pa.array(np.repeat(np.arange(len(counts), dtype=np.int32), counts))
    for f in schema:
        vals = cols[f.name]
        if per_report is not None and f.name in ("report_id", "year"):
            arrays.append(pa.array(vals, f.type).take(per_report))
        elif pa.types.is_integer(f.type) and f.name == "value":
            arrays.append(pa.array(vals, pa.float64()).cast(f.type))  # safe cast: 2.5 is an error, 2.0 is 2
        else:
            arrays.append(pa.array(vals, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _to_pandas(table: str, at) -> pd.DataFrame:
    if at.num_rows == 0:
        return schemas.empty_frame(table)
    return at.to_pandas().astype(schemas.pandas_dtypes(table))


def reference_frames() -> dict[str, pd.DataFrame]:
    """The tables that come from the schema definition and shipped data, not from the
    reports: dim_codes (codes.csv, one row per fact table and code) and
    meta_region_snapshot (pipelines/parse/data/regions.meta.yaml)."""
    from ..parse.regions import snapshot_meta

    codes = [dict(fact_table=ft, dimension=c.dimension, code=c.code, parent=c.parent or None, label_zh=c.label_zh,
                  formats=",".join(c.formats), notes=c.notes or None, sort_order=i)
             for i, c in enumerate(schemas.codes()) for ft in c.fact_tables]
    m = snapshot_meta()
    snap = [dict(source=str(m.get("source", "")), source_release=str(m.get("source_release", "")) or None,
                 generated=str(m.get("generated", "")) or None, n_codes=m.get("rows"),
                 path="pipelines/parse/data/regions.csv")]
    return {t: pd.DataFrame(rs, columns=schemas.tables()[t].column_names).astype(schemas.pandas_dtypes(t))
            for t, rs in (("dim_codes", codes), ("meta_region_snapshot", snap))}


def _to_arrow(table: str, df: pd.DataFrame):
    import pyarrow as pa

    return pa.Table.from_pandas(df, schema=schemas.arrow_schema(table), preserve_index=False)


# ---------------------------------------------------------------------------
# files


def file_schema(table: str):
    """Schema of the table's Parquet files: the table's, `year` included (fact tables have it
    in the folder name too, so hive readers and a lone file agree)."""
    return schemas.arrow_schema(table)


def year_dir(y) -> str:
    return f"year={NULL_YEAR if y is None else int(y)}"


def split_by_year(at) -> dict:
    """{year or None: the rows of that year} for a fact table's rows."""
    import pyarrow.compute as pc

    out = {}
    if at.num_rows == 0:
        return out
    years = at.column("year")
    for y in pc.unique(years).to_pylist():
        mask = pc.is_null(years) if y is None else pc.equal(years, y)
        out[y] = at.filter(mask)
    return out


def write_options(table: str) -> dict:
    """Parquet writer settings: the texts are long unique strings, where a dictionary is a
    wasted first attempt and LZ4 reads and writes fastest (they are rewritten whenever a
    report leaves the warehouse)."""
    if table == "report_texts":
        return {"use_dictionary": ["report_id"], "write_statistics": ["report_id"], "compression": "lz4"}
    if table in schemas.FACT_TABLES:
        # min/max statistics where a reader filters (report, value, spans); the rest cost
        # a third of the writing time and are of no use
        return {"write_statistics": ["report_id", "year", "value", "span_start", "span_end"]}
    return {}


def _write_parquet(at, path: pathlib.Path, table: str = "") -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(at, str(path), **write_options(table))


def _string_columns(table: str) -> list[str]:
    import pyarrow as pa

    return [f.name for f in file_schema(table) if pa.types.is_string(f.type) and f.name != "text"]


def write_segment(buf: RowBuffer, seg: pathlib.Path) -> dict[str, int]:
    """A batch of parsed reports as Parquet files in the published layout (`seg/<table>…`),
    completed by a `_done` file that also records the pandera validation of the fact and
    text rows (done here, in the worker that made them, so it runs on every core).
    Returns row counts."""
    import pyarrow.compute as pc

    seg.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    ids: dict[str, dict[str, list[str]]] = {}   # table -> file key (year dir, or '') -> report ids
    tables = buf.tables()
    for t, at in tables.items():
        counts[t] = at.num_rows
        if t in schemas.FACT_TABLES:
            for y, part in split_by_year(at).items():
                _write_parquet(part.cast(file_schema(t)), seg / t / year_dir(y) / "data.parquet", t)
                ids.setdefault(t, {})[year_dir(y)] = sorted(pc.unique(part.column("report_id")).to_pylist())
        else:
            _write_parquet(at, seg / f"{t}.parquet", t)
            if t == "report_texts" and at.num_rows:
                ids[t] = {"": sorted(at.column("report_id").to_pylist())}
    valid = {t: validate(t, tables[t]) for t in SPLIT_TABLES}
    (seg / "_done").write_text(json.dumps({"reports": buf.reports, "rows": counts, "valid": valid, "ids": ids}),
                               encoding="utf-8")
    return counts


@functools.cache
def _pandera(table: str, typed: bool = False):
    return schemas.pandera_schema(table, typed)


def validate(table: str, rows) -> dict:
    """The table's pandera schema over these rows (an Arrow table, whose conversion already
    enforced the column types, or a DataFrame, whose dtypes are checked too):
    {"rows": n, "failures": k, "first": the first failure cases}."""
    import pandera.errors

    typed = not isinstance(rows, pd.DataFrame)
    df = _to_pandas(table, rows) if typed else rows
    try:
        _pandera(table, typed).validate(df, lazy=True, inplace=typed)
    except pandera.errors.SchemaErrors as e:
        fc = e.failure_cases
        return {"rows": len(df), "failures": int(len(fc)), "first": str(fc.head(10).to_dict("records"))}
    return {"rows": len(df), "failures": 0}


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
             schemas.HERE / "__init__.py", *sorted((here / "sql").glob("*.sql")), here.parent / "parse" / "data" / "regions.meta.yaml"]
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
    """The published warehouse a run builds on: its marker, the reports it holds, and
    which reports each of its fact and text files holds (read lazily)."""
    warehouse: pathlib.Path
    marker: dict
    ids: set[str]
    _index: object = None

    def index(self):
        """Arrow table (table, file, report_id): file paths relative to parquet/."""
        if self._index is None:
            self._index = _read_index(self)
        return self._index


def _index_table(rows: list[tuple[str, str, list[str]]]):
    import pyarrow as pa

    t, f, r = [], [], []
    for table, file, ids in rows:
        t += [table] * len(ids)
        f += [file] * len(ids)
        r += list(ids)
    return pa.table({"table": pa.array(t, pa.string()), "file": pa.array(f, pa.string()),
                     "report_id": pa.array(r, pa.string())})


def _read_index(base: Base):
    """The previous publish's file index, or (an older warehouse) one read from the files."""
    import pyarrow.parquet as pq

    name = base.marker.get("index")
    p = base.warehouse / "state" / name if name else None
    if p is not None and p.exists():
        return pq.read_table(str(p))
    root = base.warehouse / "parquet"
    rows = []
    for t in SPLIT_TABLES:
        for f in sorted((root / t).glob("**/*.parquet")):
            rows.append((t, str(f.relative_to(root)), sorted(_ids_in(f))))
    return _index_table(rows)


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
    touched: set[str] = field(default_factory=set)  # reports whose rows in the whole tables are new or changed


def prepare(warehouse: pathlib.Path, files: pd.DataFrame, segments: list[Segment], base: Base | None,
            sig: str, inputs: str, unchanged: bool = False, stats: dict | None = None,
            listing=None) -> Prepared:
    """Decide the new warehouse: `files` (path, sha256) are the current inputs, `segments`
    hold the reports parsed in this run, `base` the previous warehouse (or None);
    `listing` the `inputs` table (every path met), published as given."""
    import pyarrow as pa
    import pyarrow.compute as pc

    p = Prepared(pathlib.Path(warehouse), sig, inputs, unchanged, base, segments, stats=dict(stats or {}))
    if unchanged:
        return p
    _prepare_listing(p, listing)
    live = files[["path", "sha256"]].sort_values("path", kind="stable")
    rids = [s[:16] for s in live["sha256"].tolist()]
    first: dict[str, str] = {}
    dups: list[tuple[str, str, str]] = []
    for rid, path in zip(rids, live["path"].tolist()):
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

    order = pa.array(sorted(first, key=first.get), pa.string())   # report ids in source_path order
    paths = pa.array([first[r] for r in order.to_pylist()], pa.string())  # (typed: an empty folder too)
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
            p.touched |= {rid for rid, _, _ in dups}
            buf = RowBuffer()
            for rid, path, fst in dups:
                buf.add_duplicate(rid, path, fst)
            parts.append(buf.tables()["check_results"])
        schema = schemas.arrow_schema(t)
        at = pa.concat_tables([x.cast(schema) for x in parts]) if parts else schema.empty_table()
        rank = pc.index_in(at.column("report_id"), value_set=order)
        if t == "dim_reports":
            new_paths = pc.take(paths, rank)
            moved = at.filter(pc.invert(pc.equal(at.column("source_path"), new_paths)))
            p.touched |= set(moved.column("report_id").to_pylist())
            at = at.set_column(at.schema.get_field_index("source_path"), "source_path", new_paths)
            at, changed = with_sources(at, files)
            p.touched |= changed
            p.stats["raw_dir"] = raw_dir_of(files)
        at = at.take(pc.sort_indices(pa.table({"r": rank}), sort_keys=[("r", "ascending")]))
        p.whole[t] = at
    _add_agency_tables(p)
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


def _add_agency_tables(p: Prepared) -> None:
    """dim_agencies and dim_agency_names, built from all reports (pipelines/parse/agencies.py),
    published whole beside dim_reports."""
    from ..parse.agencies import agency_tables

    p.whole.update(agency_tables(p.whole["dim_reports"]))


def _prepare_listing(p: Prepared, listing) -> None:
    """The `inputs` table (every path the run met) goes out whole, as discovery made it."""
    for t in LISTING_TABLES:
        p.whole[t] = listing.cast(schemas.arrow_schema(t)) if listing is not None else schemas.arrow_schema(t).empty_table()


def segment_files(s: Segment, table: str) -> list[pathlib.Path]:
    d = pathlib.Path(s.dir)
    if table in schemas.FACT_TABLES:
        return sorted((d / table).glob("year=*/data.parquet")) if (d / table).is_dir() else []
    f = d / f"{table}.parquet"
    return [f] if f.exists() else []


def segment_frames(s: Segment, table: str):
    """The rows this run takes from a segment, file by file (Arrow tables)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for f in segment_files(s, table):
        at = _read(f)
        if len(s.ids) != s.all_ids:
            at = at.filter(pc.is_in(at.column("report_id"), value_set=pa.array(sorted(s.ids))))
        yield at


# ---------------------------------------------------------------------------
# where reports came from, and the runs

RUN_TABLES = schemas.RUN_TABLES                          # rebuilt on every publish: earlier rows + this run's
FAILED_RUNS = pathlib.Path("state") / "failed_runs.jsonl"  # runs that stopped before publishing (cli.py)


def with_sources(at, files: pd.DataFrame):
    """dim_reports rows with `source_url` and `published_date` from the manifests beside the
    reports (sources.py); returns the rows and the ids of the reports whose values changed."""
    import pyarrow as pa

    from .sources import sources_for

    src = sources_for(files)
    paths = at.column("source_path").to_pylist()
    new = {"source_url": [src[x].url if x in src else None for x in paths],
           "published_date": [src[x].published_date if x in src else None for x in paths]}
    ids = at.column("report_id").to_pylist()
    changed: set[str] = set()
    for col, vals in new.items():
        old = at.column(col).to_pylist()
        changed |= {r for r, a, b in zip(ids, old, vals) if a != b}
        i = at.schema.get_field_index(col)
        at = at.set_column(i, at.schema.field(i), pa.array(vals, pa.string()))
    return at, changed


def raw_dir_of(files: pd.DataFrame) -> str | None:
    from .sources import raw_root

    r = raw_root(files)
    return None if r is None else str(r)


def ogi_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ogi")
    except PackageNotFoundError:
        return None


def run_row(run_id: str, outcome: str, exit_code: int, detail: str | None = None, **counts) -> dict:
    """A meta_runs row: this run's id, time, versions, counts and outcome."""
    from .. import PARSER_VERSION

    row = {c: None for c in schemas.tables()["meta_runs"].column_names}
    row.update(counts, run_id=run_id, finished_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               ogi_version=ogi_version(), parser_version=PARSER_VERSION, outcome=outcome, exit_code=exit_code,
               detail=detail)
    return row


def record_failed_run(warehouse: pathlib.Path, error: str, raw_dir: str | None = None) -> None:
    """A run that stopped before publishing: kept in warehouse/state/ until the next publish
    makes it a meta_runs row."""
    f = pathlib.Path(warehouse) / FAILED_RUNS
    f.parent.mkdir(parents=True, exist_ok=True)
    row = run_row(uuid.uuid4().hex[:8], "failed", 1, error[:500], raw_dir=raw_dir)
    with open(f, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def run_outcome(reports_failed: int, unreadable: int = 0) -> tuple[str, int, str | None]:
    """(outcome, exit code, detail) of a run that published: partial (exit 3) when some
    files failed — a report that failed to parse, or a path under the raw folder that could
    not be read at all (an `inputs` row with status unreadable)."""
    why = []
    if reports_failed:
        why.append(f"{reports_failed} file(s) failed: dim_reports.parse_status = 'failed'")
    if unreadable:
        why.append(f"{unreadable} path(s) could not be read: inputs.status = 'unreadable'")
    if why:
        return "partial", 3, "; ".join(why)
    return "ok", 0, None


def run_tables(p: Prepared, tag: str) -> dict:
    """meta_runs as this publish writes it: the published warehouse's rows, the runs that
    failed since, and this run."""
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = schemas.arrow_schema("meta_runs")
    rows: list[dict] = []
    prev = p.warehouse / "parquet" / "meta_runs" / "part-0.parquet"
    if prev.exists():
        try:
            rows += _read(prev).to_pylist()
        except Exception:  # noqa: BLE001 - a history we cannot read is started again
            rows = []
    failed_log = p.warehouse / FAILED_RUNS
    if failed_log.exists():
        for line in failed_log.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
    status = p.whole["dim_reports"].column("parse_status")
    n = {s: int(pc.sum(pc.equal(status, s)).as_py() or 0) for s in ("ok", "partial", "failed")}
    inputs = p.whole.get("inputs")
    unreadable = int(pc.sum(pc.equal(inputs.column("status"), "unreadable")).as_py() or 0) if inputs is not None else 0
    outcome, code, detail = run_outcome(n["failed"], unreadable)
    rows.append(run_row(tag, outcome, code, detail, raw_dir=p.stats.get("raw_dir"), files=p.stats.get("files"),
                        reports=len(status),
                        parsed=len(p.new), kept=len(p.keep), dropped=len(p.dead), reports_ok=n["ok"],
                        reports_partial=n["partial"], reports_failed=n["failed"]))
    cols = schema.names
    return {"meta_runs": pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in rows], schema=schema)}


# ---------------------------------------------------------------------------
# writing


def write(p: Prepared, workers: int = 2, log=None) -> dict[str, int]:
    """Publish what `prepare` decided; returns row counts per table. Holds the
    warehouse's run lock (runlock: one writer at a time, leftovers of crashed runs removed)."""
    from ..stage.runlock import run_lock

    with run_lock(p.warehouse):
        return _write(p, workers, log)


def _carry_over(p: Prepared, pq_tmp: pathlib.Path, tag: str, counts: dict[str, int],
                files_rows: dict[str, int]) -> tuple[list, list]:
    """The fact and text files: those holding no dropped report hard-linked unchanged (their
    rows counted, from the marker where it knows them), the others as rewriting jobs
    (size, job, table), biggest first; returns the jobs and the index rows of the linked files."""
    import pyarrow.parquet as pq

    jobs = []
    produced = []
    known_rows = p.base.marker.get("files", {}) if p.base is not None else {}
    for t in SPLIT_TABLES:
        links, tjobs = _partition_jobs(p, t, pq_tmp, tag)
        jobs += [(size, fn, t) for size, fn in tjobs]
        counts[t] = 0
        made = []
        for _t, src, dst, entry in links:
            _link(src, dst)
            rel = str(dst.relative_to(pq_tmp))
            n = known_rows.get(rel) if entry is None else None
            files_rows[rel] = n if n is not None else pq.read_metadata(str(src)).num_rows
            counts[t] += files_rows[rel]
            if entry is not None:
                made.append((t, entry[0], entry[1] if entry[1] is not None else sorted(_ids_in(src))))
        produced.append(_index_table(made))
    jobs.sort(key=lambda j: -j[0])
    return jobs, produced


def _write_index(p: Prepared, dropped: list[str], produced: list, path: pathlib.Path) -> None:
    """The index of published files (table, file, report_id): the previous one less the
    dropped files, plus the files this run made."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    index = p.base.index() if p.base is not None else _index_table([])
    if dropped:
        index = index.filter(pc.invert(pc.is_in(index.column("file"), value_set=pa.array(dropped, pa.string()))))
    index = pa.concat_tables([index, *produced])
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(index, str(path))


def _publish(warehouse: pathlib.Path, pq_tmp: pathlib.Path, db_tmp: pathlib.Path, tag: str, marker: dict) -> None:
    """The marker written, the new Parquet folder and DuckDB file renamed into place, and what
    the previous publish left (failed runs now in meta_runs, older file indexes) removed."""
    (pq_tmp / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
    _swap_into_place(warehouse, pq_tmp, db_tmp, tag)
    (warehouse / FAILED_RUNS).unlink(missing_ok=True)  # those runs are rows of meta_runs now
    for f in (warehouse / "state").glob("files-*.parquet"):
        if f.name != marker["index"]:
            f.unlink()


def _write(p: Prepared, workers: int = 2, log=None) -> dict[str, int]:
    if p.unchanged:
        return dict(p.base.marker["counts"]) if p.base else {}
    t0 = time.perf_counter()
    warehouse = p.warehouse
    warehouse.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    pq_tmp = warehouse / f".parquet.tmp-{tag}"
    db_tmp = warehouse / f".ogi.duckdb.tmp-{tag}"
    index_name = f"files-{tag}.parquet"
    counts: dict[str, int] = {}
    ref = {t: _to_arrow(t, df) for t, df in reference_frames().items()}
    ref.update(run_tables(p, tag))
    old_db = warehouse / "ogi.duckdb"
    incremental = p.base is not None and duckdb_matches(old_db, p.base.marker.get("counts", {}))
    db_ex = ThreadPoolExecutor(max_workers=1)
    text_ex = ThreadPoolExecutor(max_workers=1)  # the texts' insert: on a lane of its own
    # a new DuckDB file: its tables, views and the small tables (in memory) are made while
    # the Parquet files are written; the fact and text rows go in from the staged segments
    # (a first build) or from those files
    new_db = None if incremental else db_ex.submit(_duckdb_start, p, db_tmp, ref, workers)
    inserts = []

    def insert(t, source):
        ex_ = text_ex if t == "report_texts" else db_ex
        inserts.append(ex_.submit(_duckdb_insert, new_db, pq_tmp, [t], source))

    # a first build (nothing carried over): the new file takes the fact and text rows
    # straight from the staged segments, while the Parquet files are compacted beside it
    direct = new_db is not None and p.base is None
    try:
        if direct:
            for t in SPLIT_TABLES:
                insert(t, _segment_source(p, t))
        timings = {}
        # the small tables whole, the reference tables from code and data
        for t, at in {**p.whole, **ref}.items():
            _write_parquet(at, pq_tmp / t / "part-0.parquet", t)
            counts[t] = at.num_rows
        # fact tables and texts: carried over file by file, biggest jobs first on both cores
        dropped: list[str] = []
        files_rows: dict[str, int] = {}   # rows per published fact/text file, kept in the marker
        jobs, produced = _carry_over(p, pq_tmp, tag, counts, files_rows)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as ex:
            # the DuckDB update needs only the segments and the whole tables: it runs alongside
            db_job = db_ex.submit(_duckdb_incremental, p, old_db, db_tmp, pq_tmp, workers) if incremental else None
            futs = [ex.submit(j[1]) for j in jobs]
            # a new DuckDB file over a previous warehouse takes each table's rows as soon as
            # its Parquet files are complete, beside the remaining Parquet jobs (the texts'
            # insert, which DuckDB runs on one core, beside the fact tables')
            left = Counter(j[2] for j in jobs)
            if new_db is not None and not direct:
                for t in SPLIT_TABLES:
                    if not left[t]:
                        insert(t, None)
                for fut in as_completed(futs):
                    t = fut.result()[0]
                    left[t] -= 1
                    if not left[t]:
                        insert(t, None)
            for fut in futs:  # in job order, whichever finished first
                t, n, drop, made, out = fut.result()
                counts[t] += n
                dropped += drop
                produced.append(made)
                if out is not None:
                    files_rows[str(out.relative_to(pq_tmp))] = n
            timings["parquet"] = round(time.perf_counter() - t0, 2)
            if db_job is not None:
                timings["duckdb"] = db_job.result()
        _write_index(p, dropped, produced, warehouse / "state" / index_name)
        # DuckDB: the previous file updated in place of a copy, or built anew (both above)
        if new_db is not None:
            t1 = time.perf_counter()
            for f in inserts:
                f.result()
            _duckdb_close(new_db.result())
            timings["duckdb"] = round(time.perf_counter() - t1, 2)  # beyond the Parquet writing
        if not duckdb_matches(db_tmp, counts):
            raise RuntimeError("DuckDB and Parquet row counts differ after publishing")
        marker = {"format": PUBLISH_FORMAT, "signature": p.signature, "inputs": p.inputs, "counts": counts,
                  "run": tag, "index": index_name, "written": time.strftime("%Y-%m-%dT%H:%M:%S"),
                  "duckdb": "incremental" if incremental else "built",
                  "reports": {"kept": len(p.keep), "dropped": len(p.dead), "added": len(p.new)}, "seconds": timings,
                  "files": files_rows}
        _publish(warehouse, pq_tmp, db_tmp, tag, marker)
        if log:
            log(f"published: {marker['reports']} {timings}")
    finally:
        for x in (text_ex, db_ex):
            x.shutdown(cancel_futures=True)  # a DuckDB job still running owns the file below
        if new_db is not None and not new_db.cancelled() and new_db.exception() is None:
            new_db.result().close()  # (no-op when closed already)
        shutil.rmtree(pq_tmp, ignore_errors=True)
        for f in (db_tmp, pathlib.Path(str(db_tmp) + ".wal")):
            if f.exists():
                f.unlink()
        if (read_marker(warehouse) or {}).get("index") != index_name:
            (warehouse / "state" / index_name).unlink(missing_ok=True)
    return counts


def _swap_into_place(warehouse: pathlib.Path, pq_tmp: pathlib.Path, db_tmp: pathlib.Path, tag: str) -> None:
    """The new Parquet folder and DuckDB file renamed over the published ones."""
    final_pq = warehouse / "parquet"
    old = warehouse / f".parquet.old-{tag}"
    if final_pq.exists():
        final_pq.rename(old)
    pq_tmp.rename(final_pq)
    os.replace(db_tmp, warehouse / "ogi.duckdb")
    shutil.rmtree(old, ignore_errors=True)


def _keep_rows(at, keep):
    """The rows where `keep` is true, as zero-copy slices (a report's rows are together, so
    dropping a few reports leaves long runs; Table.filter would copy every string)."""
    import numpy as np
    import pyarrow as pa

    k = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=np.int8)
    if k.all():
        return at
    edges = np.flatnonzero(np.diff(np.concatenate(([0], k, [0]))))
    runs = [at.slice(a, b - a) for a, b in zip(edges[::2], edges[1::2])]
    return pa.concat_tables(runs) if runs else at.slice(0, 0)


def _partition_jobs(p: Prepared, t: str, pq_tmp: pathlib.Path, tag: str) -> tuple[list, list]:
    """What to do with one table's files, partition by partition (a year of a fact table,
    or all texts). Files holding no dropped report and whole new segments are hard-linked
    (returned as `links`); files holding dropped reports and partly used segments are
    rewritten. A partition that would hold more than SMALL_FILES files gets its small
    files merged too (a cold run's many segment files become a few). Rewriting is cut
    into jobs of at most JOB_BYTES of input, each writing one file, so both cores share
    it. Jobs are (bytes, callable → (table, rows, base files replaced, index rows, file))."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fact = t in schemas.FACT_TABLES
    parts: dict[str, dict] = {}

    def part(key):
        return parts.setdefault(key, {"base": [], "segs": []})

    touched: set[str] = set()
    if p.base is not None:
        idx = p.base.index()
        idx = idx.filter(pc.equal(idx.column("table"), t))
        if p.dead:
            hit = idx.filter(pc.is_in(idx.column("report_id"), value_set=pa.array(sorted(p.dead), pa.string())))
            touched = set(pc.unique(hit.column("file")).to_pylist())
        root = p.base.warehouse / "parquet"
        for f in sorted((root / t).glob("year=*/*.parquet") if fact else (root / t).glob("*.parquet")):
            rel = str(f.relative_to(root))
            part(f.parent.name if fact else "")["base"].append((f, rel, rel in touched))
    for s in p.segments:
        if not s.ids:
            continue
        done = json.loads((pathlib.Path(s.dir) / "_done").read_text(encoding="utf-8"))
        for f in segment_files(s, t):
            key = f.parent.name if fact else ""
            part(key)["segs"].append((s, f, done.get("ids", {}).get(t, {}).get(key)))
    dead = pa.array(sorted(p.dead), pa.string()) if p.dead else None
    links, jobs = [], []
    for key, d in parts.items():
        dest = pq_tmp / t / key if fact else pq_tmp / t
        prefix = f"{t}/{key}/" if fact else f"{t}/"
        # (file, base path or None, ids, keep?, size, index entry when linked)
        items = [(f, rel, dead if hit else None, False, f.stat().st_size, None) for f, rel, hit in d["base"]]
        items += [(f, None, None if len(s.ids) == s.all_ids else pa.array(sorted(s.ids), pa.string()), True,
                   f.stat().st_size, (f"part-{pathlib.Path(s.dir).name}.parquet", ids)) for s, f, ids in d["segs"]]
        compact = len(items) > SMALL_FILES
        group, size, k = [], 0, 0
        for f, rel, ids, keep, nbytes, entry in sorted(items, key=lambda x: -x[4]):
            if ids is None and not (compact and nbytes < SMALL_BYTES):
                name = f.name if entry is None else entry[0]
                links.append((t, f, dest / name, None if entry is None else (prefix + name, entry[1])))
                continue
            group.append((f, rel, ids, keep))
            size += nbytes
            if size >= JOB_BYTES:
                jobs.append((size, _job(t, group, dest / f"part-{tag}-{k}.parquet", prefix)))
                group, size, k = [], 0, k + 1
        if group:
            jobs.append((size, _job(t, group, dest / f"part-{tag}-{k}.parquet", prefix)))
    return links, jobs


def _job(t, sources, out, prefix):
    return lambda: _rewrite(t, sources, out, prefix)


def _rewrite(t: str, sources: list, out: pathlib.Path, prefix: str):
    """Source files into one new file, each without the rows of the reports it must drop
    (keep=False) or with only the reports it must keep (keep=True). Streamed in batches
    (texts: BATCH_TEXTS rows, else BATCH_ROWS), so memory stays bounded whatever the file
    sizes. Strings stay dictionary-encoded from reader to writer (dictionaries unified per
    batch: no decoding); the file gets the table's Arrow schema all the same, so readers
    see plain strings with their descriptions."""
    import base64

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    strings = _string_columns(t)
    texts = t == "report_texts"
    batch = BATCH_TEXTS if texts else BATCH_ROWS
    buf, kept, n = [], [], 0
    state = {"writer": None, "schema": None, "buffered": 0}

    def flush():
        if not buf:
            return
        at = pa.concat_tables(buf)
        if not texts:
            at = at.unify_dictionaries().combine_chunks()
        if state["writer"] is None:
            out.parent.mkdir(parents=True, exist_ok=True)
            state["writer"] = pq.ParquetWriter(str(out), at.schema, store_schema=False, **write_options(t))
        state["writer"].write_table(at, row_group_size=batch)
        buf.clear()
        state["buffered"] = 0

    try:
        for f, _rel, ids, keep in sources:
            pf = pq.ParquetFile(str(f), read_dictionary=strings)
            for rb in pf.iter_batches(batch_size=batch):
                at = pa.Table.from_batches([rb])
                if ids is not None:
                    m = pc.is_in(at.column("report_id"), value_set=ids)
                    at = _keep_rows(at, m if keep else pc.invert(m))
                if not at.num_rows:
                    continue
                if state["schema"] is None:
                    state["schema"] = at.schema
                elif at.schema != state["schema"]:
                    at = at.cast(state["schema"])
                kept.append(pc.unique(at.column("report_id").cast(pa.string())))
                n += at.num_rows
                buf.append(at)
                state["buffered"] += at.num_rows
                if state["buffered"] >= batch:
                    flush()
        flush()
    finally:
        if state["writer"] is not None:
            state["writer"].add_key_value_metadata(
                {"ARROW:schema": base64.b64encode(file_schema(t).serialize().to_pybytes())})
            state["writer"].close()
    replaced = [rel for _f, rel, _i, _k in sources if rel is not None]
    if not kept:
        return t, n, replaced, _index_table([]), None
    ids = pa.concat_arrays([k.combine_chunks() if isinstance(k, pa.ChunkedArray) else k for k in kept])
    index = pa.table({"table": pa.array([t] * len(ids), pa.string()),
                      "file": pa.array([prefix + out.name] * len(ids), pa.string()), "report_id": ids})
    return t, n, replaced, index, out


def _duckdb_connect(path: pathlib.Path, workers: int, memory: str = DUCKDB_MEMORY):
    import duckdb

    # (attached, not opened: the file gets ROW_GROUP_SIZE, which only ATTACH sets)
    con = duckdb.connect()
    con.execute(f"ATTACH '{_sql_path(path)}' AS {DB_ALIAS} (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
    con.execute(f"USE {DB_ALIAS}")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET threads = {max(1, workers)}")
    con.execute(f"SET memory_limit = '{memory}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _sql_path(p) -> str:
    return str(p).replace("'", "''")


def _select(t: str, files: list[pathlib.Path], where: str = "") -> str:
    cols = ", ".join(f'"{c}"' for c in schemas.tables()[t].column_names)
    lst = ", ".join(f"'{_sql_path(f)}'" for f in files)
    return f"SELECT {cols} FROM read_parquet([{lst}], hive_partitioning = false) {where}"  # year is in the files


def _published_files(pq_dir: pathlib.Path, t: str) -> list[pathlib.Path]:
    return sorted((pq_dir / t).glob("**/*.parquet"))


def _duckdb_schema(con, tables) -> None:
    """Tables (with their comments) and the views, in one transaction: hundreds of small
    catalog changes, each a commit of its own otherwise."""
    ddl = ";\n".join(stmt for t in tables for stmt in schemas.duckdb_ddl(t))
    con.execute(f"BEGIN;\n{ddl};\n{_views_sql()}\n;COMMIT")  # one call: one GIL hand-over, not hundreds


def _duckdb_build(db: pathlib.Path, pq_dir: pathlib.Path, ref: dict, workers: int) -> None:
    con = _duckdb_connect(db, workers)
    try:
        _duckdb_schema(con, (*schemas.PUBLISHED, *LISTING_TABLES, *schemas.AGENCY_TABLES, *ref))
        _duckdb_insert(con, pq_dir, (*schemas.PUBLISHED, *schemas.AGENCY_TABLES, *ref))
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _duckdb_start(p: Prepared, db: pathlib.Path, ref: dict, workers: int):
    """A new DuckDB file with every table and view, the whole and reference tables filled
    from memory (the same rows their Parquet files get); returns the open connection."""
    con = _duckdb_connect(db, workers)
    try:
        _duckdb_schema(con, (*schemas.PUBLISHED, *LISTING_TABLES, *schemas.AGENCY_TABLES, *ref))
        for t, at in {**p.whole, **ref}.items():
            if at.num_rows:
                cols = ", ".join(f'"{c}"' for c in schemas.tables()[t].column_names)
                con.register("_ogi_rows", at)
                con.execute(f"INSERT INTO {t} SELECT {cols} FROM _ogi_rows")
                con.unregister("_ogi_rows")
    except BaseException:
        con.close()
        raise
    return con


def _segment_source(p: Prepared, t: str) -> list[tuple[list[pathlib.Path], list[str] | None]]:
    """Where a table's new rows are staged: (files, the report ids to take from them or
    None for all): the segments taken whole together, then each segment taken in part."""
    whole = [f for s in p.segments if s.ids and len(s.ids) == s.all_ids for f in segment_files(s, t)]
    parts = [(segment_files(s, t), sorted(s.ids)) for s in p.segments if s.ids and len(s.ids) != s.all_ids]
    return [(whole, None), *parts]


def _duckdb_insert(con, pq_dir: pathlib.Path, tables,
                   source: list[tuple[list[pathlib.Path], list[str] | None]] | None = None) -> None:
    """The tables' rows from their Parquet files under pq_dir, or from `source` (files, and
    the report ids to take from them or None for all); `con` may be the future of a
    connection."""
    own = isinstance(con, Future)
    if own:
        con = con.result().cursor()  # a connection of this thread's own to the same file
        con.execute(f"USE {DB_ALIAS}")
    try:
        for t in tables:
            for files, ids in source if source is not None else [(_published_files(pq_dir, t), None)]:
                where = ""
                if ids is not None:
                    import pyarrow as pa

                    con.register("_ogi_take", pa.table({"report_id": pa.array(ids, pa.string())}))
                    where = "WHERE report_id IN (SELECT report_id FROM _ogi_take)"
                if files:
                    con.execute(f"INSERT INTO {t} {_select(t, files, where)}")
    finally:
        if own:
            con.close()


def _duckdb_close(con) -> None:
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _duckdb_incremental(p: Prepared, old_db: pathlib.Path, db: pathlib.Path, pq_dir: pathlib.Path, workers: int) -> float:
    t0 = time.perf_counter()
    shutil.copyfile(old_db, db)
    _duckdb_update(p, db, pq_dir, workers)
    return round(time.perf_counter() - t0, 2)


def _duckdb_update(p: Prepared, db: pathlib.Path, pq_dir: pathlib.Path, workers: int) -> None:
    import pyarrow as pa

    con = _duckdb_connect(db, workers, "256MB")  # small changes; it runs beside the Parquet jobs
    try:
        con.register("dead_ids", pa.table({"report_id": pa.array(sorted(p.dead), pa.string())}))
        con.register("new_ids", pa.table({"report_id": pa.array(sorted(p.new), pa.string())}))
        # rows of the whole tables that change: reports gone, new, moved (source_path) or
        # duplicated, and every duplicate_file note
        con.register("redo_ids", pa.table({"report_id": pa.array(sorted(p.dead | p.touched | p.new), pa.string())}))
        con.execute("BEGIN")
        for t in WHOLE_TABLES:
            dup = " OR \"check\" = 'duplicate_file'" if t == "check_results" else ""
            con.execute(f"DELETE FROM {t} WHERE report_id IN (SELECT report_id FROM redo_ids){dup}")
            con.execute(f"INSERT INTO {t} {_select(t, _published_files(pq_dir, t), 'WHERE report_id IN (SELECT report_id FROM redo_ids)' + dup)}")
        for t in (*LISTING_TABLES, *RUN_TABLES):  # replaced whole
            con.execute(f"DELETE FROM {t}")
            con.execute(f"INSERT INTO {t} {_select(t, _published_files(pq_dir, t))}")
        for t in schemas.AGENCY_TABLES:  # keyed by body, not report: replaced whole
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
    if "dim_reports" in frames and "dim_agencies" not in frames:
        from ..parse.agencies import agency_tables

        frames.update({t: at.to_pandas().astype(schemas.pandas_dtypes(t))
                       for t, at in agency_tables(_to_arrow("dim_reports", frames["dim_reports"])).items()})
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
                    _write_parquet(part.cast(file_schema(t)), pq_tmp / t / year_dir(y) / "part-0.parquet", t)
            else:
                _write_parquet(at, pq_tmp / t / "part-0.parquet", t)
        ref = {t: arrow[t] for t in reference_frames()}
        _duckdb_build(db_tmp, pq_tmp, ref, 2)
        _swap_into_place(warehouse, pq_tmp, db_tmp, tag)
    finally:
        shutil.rmtree(pq_tmp, ignore_errors=True)
        for f in (db_tmp, pathlib.Path(str(db_tmp) + ".wal")):
            if f.exists():
                f.unlink()
    return counts


def _views_sql() -> str:
    """SQL views shipped in the DuckDB file (pipelines/publish/sql/views.sql), if present; they
    bind against the tables' columns, not their rows."""
    sql = pathlib.Path(__file__).resolve().parent / "sql" / "views.sql"
    return sql.read_text(encoding="utf-8") if sql.exists() else ""


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
        if self.table in (*WHOLE_TABLES, *LISTING_TABLES, *schemas.AGENCY_TABLES):
            return self.prepared.whole[self.table].num_rows
        if self.table in schemas.REFERENCE_TABLES:
            return len(reference_frames()[self.table])
        if self.table in RUN_TABLES:
            return 1  # this run's row
        return self.prepared.new_rows.get(self.table, 0)

    def validate(self) -> dict:
        """pandera over the rows this run adds: the whole small tables here, the fact and
        text rows as their workers recorded it (segment `_done` files). Rows carried over
        from the previous warehouse were validated when they were first published."""
        p = self.prepared
        if p.unchanged:
            return {"rows": 0, "failures": 0}
        if self.table in LISTING_TABLES or self.table in schemas.AGENCY_TABLES:
            return validate(self.table, p.whole[self.table])   # replaced whole on every publish
        if self.table in schemas.REFERENCE_TABLES:
            return validate(self.table, _to_arrow(self.table, reference_frames()[self.table]))
        if self.table in RUN_TABLES:
            return validate(self.table, run_tables(p, "")[self.table])
        if self.table in WHOLE_TABLES:
            # rows of new reports, moved reports and duplicates; the others were validated before
            import pyarrow as pa
            import pyarrow.compute as pc

            at = p.whole[self.table]
            ids = pa.array(sorted(p.new | p.touched), pa.string())
            return validate(self.table, at.filter(pc.is_in(at.column("report_id"), value_set=ids)))
        out = {"rows": 0, "failures": 0}
        for s in p.segments:
            if not s.ids:
                continue
            v = json.loads((pathlib.Path(s.dir) / "_done").read_text(encoding="utf-8"))["valid"][self.table]
            out["rows"] += v["rows"]
            if v["failures"]:
                out["failures"] += v["failures"]
                out.setdefault("first", v.get("first"))
        return out
