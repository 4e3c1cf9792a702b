"""From extraction results to the published tables, and the single writer that puts
them in Parquet and DuckDB.

`frames_from_results` builds one DataFrame per published table (columns from schemas/),
with the evidence text of every cell and check. `write_warehouse` writes Parquet
(fact tables hive-partitioned by year) and a DuckDB file with the same rows, each into
a temporary path renamed into place, so a reader never sees a half-written warehouse.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import uuid
from collections import Counter

import pandas as pd

import schemas
from .model import ReportResult

EVIDENCE_MAX = 200


def _evidence(text: str, s, e) -> str | None:
    if s is None or e is None or not text:
        return None
    return text[int(s):int(e)][:EVIDENCE_MAX]


def frames_from_results(results: list[ReportResult]) -> dict[str, pd.DataFrame]:
    rows: dict[str, list[dict]] = {t: [] for t in schemas.PUBLISHED}
    seen: dict[str, str] = {}
    for res in sorted(results, key=lambda r: r.report["source_path"]):
        rep = res.report
        rid = rep["report_id"]
        if rid in seen:
            # the same bytes under another name: one report, and a note where it was seen
            rows["check_results"].append(dict(
                report_id=rid, check="duplicate_file", subject=rep["source_path"], severity="info", passed=True,
                detail=f"{rep['source_path']} has the same bytes as {seen[rid]}; read once"))
            continue
        seen[rid] = rep["source_path"]
        rows["dim_reports"].append({c: rep.get(c) for c in schemas.tables()["dim_reports"].column_names})
        for f in res.facts:
            k1, k2 = schemas.tables()[f.table].keys
            rows[f.table].append({
                "report_id": rid, "year": rep.get("year"), k1: f.key1, k2: f.key2, "value": f.value,
                "source": f.source, "span_start": f.span_start, "span_end": f.span_end,
                "flags": ",".join(f.flags), "evidence": _evidence(res.text, f.span_start, f.span_end)})
        subj = Counter()
        for c in res.checks:
            subj[(c.check, c.subject)] += 1
            n = subj[(c.check, c.subject)]
            rows["check_results"].append({
                "report_id": rid, "check": c.check, "subject": c.subject if n == 1 else f"{c.subject}#{n}",
                "severity": c.severity, "passed": c.passed, "detail": c.detail, "fact_table": c.fact_table,
                "key1": c.key1, "key2": c.key2, "expected": c.expected, "found": c.found,
                "span_start": c.span_start, "span_end": c.span_end,
                "evidence": _evidence(res.text, c.span_start, c.span_end)})
        rows["report_texts"].append({"report_id": rid, "text": res.text})
    out = {}
    for t, rs in rows.items():
        cols = schemas.tables()[t].column_names
        df = pd.DataFrame(rs, columns=cols) if rs else schemas.empty_frame(t)
        out[t] = df.astype(schemas.pandas_dtypes(t))
    return out


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


def write_warehouse(frames: dict[str, pd.DataFrame], warehouse: pathlib.Path) -> dict[str, int]:
    """Write Parquet and DuckDB from the same frames; return row counts per table."""
    import duckdb
    import pyarrow.parquet as pq

    frames = {**frames, **{t: df for t, df in reference_frames().items() if t not in frames}}
    warehouse = pathlib.Path(warehouse)
    warehouse.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    pq_tmp = warehouse / f".parquet.tmp-{tag}"
    db_tmp = warehouse / f".ogi.duckdb.tmp-{tag}"
    counts = {}
    try:
        for t, df in frames.items():
            at = _to_arrow(t, df)
            counts[t] = at.num_rows
            d = pq_tmp / t
            d.mkdir(parents=True, exist_ok=True)
            if schemas.tables()[t].fact:
                if at.num_rows:
                    pq.write_to_dataset(at, root_path=str(d), partition_cols=["year"],
                                        basename_template="part-{i}.parquet", existing_data_behavior="overwrite_or_ignore")
            else:
                pq.write_table(at, str(d / "part-0.parquet"))
        con = duckdb.connect(str(db_tmp))
        try:
            for t, df in frames.items():
                for stmt in schemas.duckdb_ddl(t):
                    con.execute(stmt)
                con.register("src_frame", _to_arrow(t, df))
                con.execute(f"INSERT INTO {t} SELECT * FROM src_frame")
                con.unregister("src_frame")
            _create_views(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        # swap into place
        final_pq = warehouse / "parquet"
        old = warehouse / f".parquet.old-{tag}"
        if final_pq.exists():
            final_pq.rename(old)
        pq_tmp.rename(final_pq)
        os.replace(db_tmp, warehouse / "ogi.duckdb")
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(pq_tmp, ignore_errors=True)
        if db_tmp.exists():
            db_tmp.unlink()
        wal = pathlib.Path(str(db_tmp) + ".wal")
        if wal.exists():
            wal.unlink()
    return counts


def _create_views(con) -> None:
    """SQL views shipped in the DuckDB file (pipelines/sql/views.sql), if present."""
    sql = pathlib.Path(__file__).resolve().parent / "sql" / "views.sql"
    if sql.exists():
        con.execute(sql.read_text(encoding="utf-8"))
