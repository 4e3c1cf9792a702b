"""Shards by path hash, and the staging location (a folder, a file:// URL, an fsspec store)."""
import json
import os
import pathlib

from pipelines.stage import shards
from pipelines.stage.staging import Stage, stage_url


def test_shard_of_is_stable_in_range_and_spreads():
    paths = [f"province/{i:05d}/report.txt" for i in range(4000)]
    got = [shards.shard_of(p, 8) for p in paths]
    assert got == [shards.shard_of(p, 8) for p in paths]  # same path, same shard
    counts = [got.count(k) for k in range(8)]
    assert min(counts) > 400 and max(counts) < 600, counts  # (500 each on average)
    assert {shards.shard_of(p, 1) for p in paths} == {0}
    assert shards.shard_of("\udcb9\udcfa.txt", 4) in range(4)  # a name that is not UTF-8


def test_shard_count_from_the_environment(monkeypatch):
    monkeypatch.delenv("OGI_SHARDS", raising=False)
    assert shards.shard_count() == 1 and shards.shard_count(default=4) == 4
    monkeypatch.setenv("OGI_SHARDS", "6")
    assert shards.shard_count(default=4) == 6
    monkeypatch.setenv("OGI_SHARDS", "0")
    assert shards.shard_count() == 1


def test_stage_url_default_and_local_protocols(tmp_path, monkeypatch):
    monkeypatch.delenv("OGI_STAGE_URL", raising=False)
    assert stage_url(tmp_path / "wh") == str((tmp_path / "wh").resolve() / "staged")
    assert Stage(stage_url(tmp_path / "wh")).local == (tmp_path / "wh").resolve() / "staged"
    st = Stage((tmp_path / "elsewhere").as_uri())
    assert st.local == tmp_path / "elsewhere"
    assert st.io_url() == (tmp_path / "elsewhere").as_uri() + "/io"
    monkeypatch.setenv("OGI_STAGE_URL", "memory://x/")
    assert stage_url(tmp_path / "wh") == "memory://x"
    assert Stage("memory://x").local is None


def _segment(d: pathlib.Path, shas: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (d / "fct_outcomes" / "year=2024").mkdir(parents=True)
    pq.write_table(pa.table({"sha256": shas}), d / "dim_reports.parquet")
    pq.write_table(pa.table({"report_id": [s[:16] for s in shas]}), d / "fct_outcomes" / "year=2024" / "data.parquet")
    (d / "_done").write_text(json.dumps({"reports": len(shas)}), encoding="utf-8")


def test_segments_uploaded_listed_fetched_and_cleared(tmp_path):
    """An object store (memory://): a segment goes up `_done` last, is found by content
    hash, comes back as a local folder; a segment without `_done` is dropped."""
    url = f"memory://ogi-unit-{os.getpid()}"
    st = Stage(url)
    local = tmp_path / "seg-local"
    _segment(local, ["a" * 64, "b" * 64])
    seg = st.new_segment("pfp1", shard=3)
    assert seg.rsplit("/", 1)[1].startswith("seg-s003-")
    st.upload(str(local), seg)
    assert not local.exists()
    st.fs.makedirs(st.root("pfp1") + "/seg-broken", exist_ok=True)
    st.fs.pipe(st.root("pfp1") + "/seg-broken/dim_reports.parquet", b"half")
    found = st.segments("pfp1")
    assert found == {"a" * 64: (seg, 2), "b" * 64: (seg, 2)}
    assert not st.fs.exists(st.root("pfp1") + "/seg-broken")
    back = pathlib.Path(st.fetch(seg, tmp_path / "mirror"))
    assert (back / "_done").exists() and (back / "fct_outcomes" / "year=2024" / "data.parquet").exists()
    st.fs.pipe(st.cache("ocr") + "/ab/x.json", b"{}")
    st.keep_only("pfp2")   # other parser versions' segments go, the caches stay
    assert not st.fs.exists(st.root("pfp1")) and st.fs.exists(st.cache("ocr") + "/ab/x.json")
    st.clear()
    assert st.fs.exists(st.cache("ocr") + "/ab/x.json")


def test_ocr_cache_beside_the_stage_or_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("OGI_OCR_CACHE", raising=False)
    wh = tmp_path / "wh"
    w = shards.ShardWork(0, 1, [], [], stage_url(wh), "p", str(wh), True)
    assert shards.ocr_cache_dir(w) == str(wh / "state" / "ocr")
    w.stage = (tmp_path / "mnt").as_uri()
    assert shards.ocr_cache_dir(w) == str(tmp_path / "mnt" / "cache" / "ocr")
    monkeypatch.setenv("OGI_OCR_CACHE", "/somewhere")
    assert shards.ocr_cache_dir(w) == "/somewhere"
    w.use_cache = False
    assert shards.ocr_cache_dir(w) is None
