"""Incremental runs (batch.py + publish.py through the Dagster job): a rerun parses only new
or changed files, drops the rows of removed ones, skips publishing when nothing changed,
and leaves exactly the tables a cold build of the same folder gives."""
import os
import pathlib
import shutil

import duckdb
import pytest

import schemas
from pipelines.stage import batch
from pipelines.tools import synth
from pipelines.orchestration.runner import run_pipeline

SEED = 21
TABLES = schemas.PUBLISHED
KEYS = {t: schemas.tables()[t].keys for t in schemas.FACT_TABLES}


OLD = 1_600_000_000 * 10**9  # files written long before a run looks at them


def _put(raw: pathlib.Path, i: int, variant: int = 0) -> synth.Synth:
    s = synth.make_report(SEED, i, variant=variant)
    p = raw / s.relpath
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(s.data)
    t = OLD + (i * 10 + variant) * 10**9
    os.utime(p, ns=(t, t))
    return s


def _run(raw, wh, **kw) -> dict:
    return run_pipeline(raw, wh, workers=kw.pop("workers", 1), progress=False, **kw)


def _db_rows(wh: pathlib.Path, t: str) -> list:
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        return con.execute(f"select * from {t} order by all").fetchall()
    finally:
        con.close()


def _pq_rows(wh: pathlib.Path, t: str) -> list:
    cols = ", ".join(f'"{c}"' for c in schemas.tables()[t].column_names)
    hive = "true" if t in schemas.FACT_TABLES else "false"
    return duckdb.sql(f"select {cols} from read_parquet('{wh}/parquet/{t}/**/*.parquet', "
                      f"hive_partitioning = {hive}) order by all").fetchall()


def _cells_by_file(wh: pathlib.Path) -> dict:
    """{file name: {(table, key1, key2): value}} as published."""
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    out: dict = {}
    try:
        for t, (k1, k2) in KEYS.items():
            for path, a, b, v in con.execute(f"select d.source_path, {k1}, {k2}, value from {t} "
                                             f"join dim_reports d using (report_id)").fetchall():
                out.setdefault(pathlib.PurePath(path).name, {})[(t, a, b)] = None if v is None else round(float(v), 6)
    finally:
        con.close()
    return out


def _truth(s: synth.Synth) -> dict:
    return {(t, a, b): None if v is None else round(v, 6) for t, a, b, v in s.cells}


@pytest.fixture()
def corpus(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    truth = {}
    for i in range(10):
        s = _put(raw, i)
        truth[s.file] = s
    return raw, wh, truth


def test_reruns_follow_added_changed_and_removed_files(corpus, tmp_path):
    raw, wh, truth = corpus
    s1 = _run(raw, wh)
    assert (s1["files"], s1["parsed"], s1["cached"], s1["unchanged"]) == (10, 10, 0, False)
    assert _cells_by_file(wh) == {f: _truth(s) for f, s in truth.items()}

    # nothing changed: nothing parsed, nothing written
    before = os.stat(wh / "ogi.duckdb")
    s2 = _run(raw, wh)
    assert (s2["parsed"], s2["cached"], s2["hashed"], s2["unchanged"]) == (0, 10, 0, True)
    after = os.stat(wh / "ogi.duckdb")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert s2["cells"] == s1["cells"]

    # two added, two changed in place, two removed
    for i in (10, 11):
        s = _put(raw, i)
        truth[s.file] = s
    for i in (2, 3):
        s = _put(raw, i, variant=1)
        assert truth[s.file].cells != s.cells
        truth[s.file] = s
    for i in (4, 5):
        gone = truth.pop(synth.make_report(SEED, i).file)
        (raw / gone.relpath).unlink()
    old_ids = {r[0] for r in _db_rows(wh, "dim_reports")}
    s3 = _run(raw, wh)
    assert (s3["files"], s3["parsed"], s3["cached"], s3["unchanged"]) == (10, 4, 6, False)
    assert _cells_by_file(wh) == {f: _truth(s) for f, s in truth.items()}
    ids = {r[0] for r in _db_rows(wh, "dim_reports")}
    assert len(old_ids - ids) == 4  # two removed, two changed: their old rows are gone everywhere
    for t in TABLES:
        assert not {r[0] for r in _db_rows(wh, t)} & (old_ids - ids), t
        assert _db_rows(wh, t) == _pq_rows(wh, t), t

    # the same folder built cold gives the same tables
    cold = tmp_path / "cold"
    _run(raw, cold, use_cache=False)
    for t in TABLES:
        assert _db_rows(wh, t) == _db_rows(cold, t), t
    assert not list(wh.glob(".*tmp*")) and not (wh / "staged").exists()


def test_duplicates_renames_and_touched_files(corpus):
    raw, wh, truth = corpus
    _run(raw, wh)
    first = synth.make_report(SEED, 0)
    # the same bytes under a second name: one report, a duplicate_file note
    (raw / "copy").mkdir()
    shutil.copy2(raw / first.relpath, raw / "copy" / "again.txt")
    s = _run(raw, wh)
    assert (s["parsed"], s["reports"]) == (0, 10)
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    dup = con.execute("select subject, detail from check_results where \"check\" = 'duplicate_file'").fetchall()
    con.close()
    assert dup == [("copy/again.txt", f"copy/again.txt has the same bytes as {first.relpath}; read once")]
    # the original removed: the copy is now the report's source, its cells unchanged
    (raw / first.relpath).unlink()
    s = _run(raw, wh)
    assert (s["parsed"], s["reports"]) == (0, 10)
    cells = _cells_by_file(wh)
    assert cells["again.txt"] == _truth(first) and first.file not in cells
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    assert con.execute("select count(*) from check_results where \"check\" = 'duplicate_file'").fetchone()[0] == 0
    con.close()
    # a file touched (new mtime, same bytes) is hashed again and found unchanged
    p = raw / synth.make_report(SEED, 1).relpath
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    s = _run(raw, wh)
    assert (s["hashed"], s["parsed"], s["unchanged"]) == (1, 0, True)
    # a rename and a new duplicate in one run; the result is what a cold build gives
    (raw / "copy" / "again.txt").rename(raw / "copy" / "moved.txt")
    shutil.copy2(raw / synth.make_report(SEED, 2).relpath, raw / "copy" / "twin.txt")
    s = _run(raw, wh)
    assert (s["parsed"], s["reports"]) == (0, 10)
    cold = wh.parent / "cold"
    _run(raw, cold, use_cache=False)
    for t in TABLES:
        assert _db_rows(wh, t) == _db_rows(cold, t), t
        assert _db_rows(wh, t) == _pq_rows(wh, t), t


def test_parser_change_reparses_everything(corpus, monkeypatch):
    raw, wh, truth = corpus
    _run(raw, wh)
    monkeypatch.setattr(batch, "parser_fingerprint", lambda: "another-parser")
    s = _run(raw, wh)
    assert (s["parsed"], s["cached"]) == (10, 0)
    assert _cells_by_file(wh) == {f: _truth(x) for f, x in truth.items()}


def test_segments_of_an_unpublished_run_are_reused(corpus):
    raw, wh, truth = corpus
    files = batch.discover(raw)
    ext = batch.extract_all(files, wh, workers=1, progress=False)  # parsed, never published
    assert ext.stats["parsed"] == 10 and (wh / "staged").is_dir()
    s = _run(raw, wh)
    assert (s["parsed"], s["cached"]) == (0, 10)
    assert _cells_by_file(wh) == {f: _truth(x) for f, x in truth.items()}
    assert not (wh / "staged").exists()


def test_process_pool_gives_the_same_warehouse(tmp_path):
    raw = tmp_path / "raw"
    for i in range(40):
        _put(raw, i)
    s2 = _run(raw, tmp_path / "two", workers=2)
    s1 = _run(raw, tmp_path / "one", workers=1)
    assert s2["parsed"] == s1["parsed"] == 40
    for t in TABLES:
        assert _db_rows(tmp_path / "two", t) == _db_rows(tmp_path / "one", t), t


def test_first_run_leaves_the_hashing_to_the_workers(tmp_path):
    raw = tmp_path / "raw"
    for i in range(40):
        _put(raw, i)
    # the same bytes under other names, side by side in the size order: both workers read a copy
    for i in (0, 1):
        src = raw / synth.make_report(SEED, i).relpath
        for k in range(3):
            shutil.copy2(src, raw / f"copy{k}-{i}.txt")
    lazy, eager = tmp_path / "lazy", tmp_path / "eager"
    s = _run(raw, lazy, workers=2)
    assert (s["files"], s["reports"], s["parsed"], s["hashed"]) == (46, 40, 40, 46)
    # the workers' hashes went to the manifest: a rerun reads nothing
    s = _run(raw, lazy, workers=2)
    assert (s["hashed"], s["parsed"], s["unchanged"]) == (0, 0, True)
    # a warehouse whose manifest is lost: hashed before parsing, nothing parsed, the manifest back
    (lazy / batch.MANIFEST).unlink()
    s = _run(raw, lazy, workers=2)
    assert (s["hashed"], s["parsed"], s["unchanged"]) == (46, 0, True)
    s = _run(raw, lazy, workers=2)
    assert (s["hashed"], s["parsed"], s["unchanged"]) == (0, 0, True)
    # the same warehouse as a first run whose files were hashed before parsing
    batch.discover(raw, eager / batch.MANIFEST)
    s = _run(raw, eager, workers=2)
    assert (s["hashed"], s["parsed"], s["reports"]) == (0, 40, 40)
    for t in TABLES:
        assert _db_rows(lazy, t) == _db_rows(eager, t), t
        assert _db_rows(lazy, t) == _pq_rows(lazy, t), t
    con = duckdb.connect(str(lazy / "ogi.duckdb"), read_only=True)
    assert con.execute("select count(*) from check_results where \"check\" = 'duplicate_file'").fetchone()[0] == 6
    assert con.execute("select count(*), count(distinct report_id) from dim_reports").fetchone() == (40, 40)
    con.close()


def test_discover_uses_the_manifest(tmp_path):
    raw = tmp_path / "raw"
    for i in range(3):
        _put(raw, i)
    (raw / ".hidden").write_text("x")
    m = tmp_path / "state" / "manifest.parquet"
    a = batch.discover(raw, m)
    assert a.attrs["hashed"] == 3 and len(a) == 3
    # entries hashed right after the file was written are hashed again (mtime granularity)
    old = 10**18  # files written long before they were hashed
    for p in a["abs_path"]:
        os.utime(p, ns=(old, old))
    a = batch.discover(raw, m)
    b = batch.discover(raw, m)
    assert b.attrs["hashed"] == 0
    assert list(b["sha256"]) == list(a["sha256"])
    p = pathlib.Path(b["abs_path"][1])
    p.write_bytes(p.read_bytes() + b"\n")
    c = batch.discover(raw, m)
    assert c.attrs["hashed"] == 1 and c["sha256"][1] != b["sha256"][1]


def test_chunks_small_and_large_runs():
    items = list(range(1000))
    # a small batch: one chunk per worker, dealt in turn (each gets big and small files)
    small = batch._chunks(items, 2)
    assert small == [items[0::2], items[1::2]]
    assert batch._chunks(items[:3], 2) == [[0, 2], [1]]
    # a large one: chunks of at most 2000 that shrink towards the end, every item once
    big = list(range(20000))
    chunks = batch._chunks(big, 2)
    assert [x for c in chunks for x in c] == big
    sizes = [len(c) for c in chunks]
    assert sizes[:9] == [2000] * 7 + [1500, 1125] and sizes[:-1] == sorted(sizes[:-1], reverse=True)
    assert min(sizes) == 100 and sizes[-1] < 200  # the remainder joins the last chunk
    # big files: chunks hold at most CHUNK_BYTES of input (at least one file)
    sized = batch._chunks(big, 2, sizes=[100_000] * len(big))
    assert [x for c in sized for x in c] == big
    assert max(len(c) for c in sized) == batch.CHUNK_BYTES // 100_000
    assert batch._chunks(items[:4], 2, sizes=[10**9] * 4) == [[0], [1], [2], [3]]


def test_discover_hashes_are_the_files_sha256(tmp_path):
    import hashlib

    raw = tmp_path / "raw"
    for i in range(70):
        _put(raw, i)
    df = batch.discover(raw)
    assert df.attrs["hashed"] == 70
    for p, h in zip(df["abs_path"], df["sha256"]):
        assert h == hashlib.sha256(pathlib.Path(p).read_bytes()).hexdigest()
