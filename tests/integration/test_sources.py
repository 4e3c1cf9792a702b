"""Where each report came from and how each run went: a manifest beside the reports read
into dim_reports.source_url / published_date (header variants as data), the meta_runs
table, and `ogi run`'s exit codes (0 ok, 3 some files failed, 1 the run failed)."""
import shutil

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import DEV, SAMPLES, sample
from pipelines.publish import sources
from pipelines.tools.cli import EXIT_PARTIAL, main


def _files(raw):
    paths = sorted(p for p in raw.rglob("*") if p.is_file())
    return pd.DataFrame({"path": [p.relative_to(raw).as_posix() for p in paths], "abs_path": [str(p) for p in paths]})


def test_dev_corpus_sources_tsv():
    """SOURCES.tsv: the file is `short_name` (its `path` is where it was in its repository),
    and with no url column the URL is made from repo, commit and path."""
    if not (DEV / "SOURCES.tsv").exists():
        pytest.skip("../shared/corpus/dev not present")
    got = sources.sources_for(_files(DEV))
    assert len(got) == 10
    assert got["huaian-2024.pdf"].url == \
        "https://github.com/zxj6827111-blip/govnianbao/blob/b2fbe3f5b912be2379852eac907e85657da8f238/szfgs2024.pdf"
    assert got["huaian-2024.pdf"].published_date is None


def test_header_variants_subfolders_and_encodings(tmp_path):
    raw = tmp_path / "raw"
    (raw / "js" / "huaian").mkdir(parents=True)
    (raw / "a.txt").write_text("x", encoding="utf-8")
    (raw / "js" / "huaian" / "b.pdf").write_bytes(b"%PDF")
    (raw / "js" / "huaian" / "c.html").write_text("x", encoding="utf-8")
    # top level: a CSV with Chinese headers, GBK-encoded, naming a file in a subfolder too
    (raw / "manifest.csv").write_bytes("文件名,原文链接,发布日期\n"
                                       "a.txt,http://gov.example/a.html,2023年1月31日\n"
                                       "js/huaian/b.pdf,http://gov.example/b.pdf,2024/02/01\n".encode("gb18030"))
    # deeper: a TSV with English variants; it wins for its own files
    (raw / "js" / "huaian" / "SOURCES.tsv").write_text(
        "\ufeffFile\tURL\tPublished Date\nb.pdf\thttp://huaian.example/b.pdf\t20240205\n"
        "c.html\thttp://huaian.example/c.html\tsoon\n", encoding="utf-8")
    got = sources.sources_for(_files(raw))
    assert got["a.txt"] == sources.Source("http://gov.example/a.html", "2023-01-31")
    assert got["js/huaian/b.pdf"] == sources.Source("http://huaian.example/b.pdf", "2024-02-05")
    assert got["js/huaian/c.html"] == sources.Source("http://huaian.example/c.html", None)  # 'soon' is no date


def test_dates():
    assert sources.parse_date("2024-1-5") == "2024-01-05"
    assert sources.parse_date("2024.01.05 10:30") == "2024-01-05"
    assert sources.parse_date("2024年1月5日") == "2024-01-05"
    assert sources.parse_date("20240105") == "2024-01-05"
    assert sources.parse_date("2024-02-30") is None
    assert sources.parse_date("") is None


def _db(wh, sql):
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_runs_sources_and_exit_codes(tmp_path, monkeypatch):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    raw.mkdir()
    for p in ("000", "004"):
        shutil.copy(sample(p), raw / sample(p).name)
    a, b = sample("000").name, sample("004").name
    (raw / "sources.csv").write_text(f"path,url,published\n{a},http://x.example/a,2022-01-20\n", encoding="utf-8")
    runner = CliRunner()

    res = runner.invoke(main, ["run", "--raw", str(raw), "--warehouse", str(wh), "--quiet", "--workers", "1"])
    # sources.csv is not a report: it counts as a failed file for now, so this run is partial
    rows = dict(_db(wh, "select source_path, parse_status from dim_reports"))
    failed = sum(1 for s in rows.values() if s == "failed")
    assert res.exit_code == (EXIT_PARTIAL if failed else 0), res.output
    assert _db(wh, f"select source_url, published_date from dim_reports where source_path = '{a}'") == \
        [("http://x.example/a", "2022-01-20")]
    assert _db(wh, f"select source_url, published_date from dim_reports where source_path = '{b}'") == [(None, None)]
    runs = _db(wh, "select outcome, exit_code, reports, parsed, kept, ogi_version, parser_version, raw_dir from meta_runs")
    assert len(runs) == 1 and runs[0][2] == len(rows) and runs[0][3] == len(rows) and runs[0][4] == 0
    assert runs[0][5] == "0.1.0" and runs[0][6] and runs[0][7] == str(raw.resolve())

    # a file that cannot be read as a report: published, the run is partial (exit 3)
    (raw / "notes.txt").write_text("会议纪要：无表格，无数字。", encoding="utf-8")
    # and the manifest now dates the second report: the kept report's row changes too
    (raw / "sources.csv").write_text(f"path,url,published\n{a},http://x.example/a,2022-01-20\n"
                                     f"{b},http://x.example/b,2021-02-01\n", encoding="utf-8")
    res = runner.invoke(main, ["run", "--raw", str(raw), "--warehouse", str(wh), "--quiet", "--workers", "1"])
    assert res.exit_code == EXIT_PARTIAL, res.output
    assert "partial run" in res.output
    assert _db(wh, "select parse_status from dim_reports where source_path = 'notes.txt'") == [("failed",)]
    assert _db(wh, f"select source_url, published_date from dim_reports where source_path = '{b}'") == \
        [("http://x.example/b", "2021-02-01")]
    last = _db(wh, "select outcome, exit_code, reports_failed, detail from meta_runs order by finished_at desc, "
                   "run_id limit 1")[0]
    assert last[0:2] == ("partial", 3) and last[2] >= 1 and "failed" in last[3]

    # a run that fails before publishing: exit 1, nothing published, recorded for the next publish
    import pipelines.orchestration.runner

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipelines.orchestration.runner, "run_pipeline", boom)
    res = runner.invoke(main, ["run", "--raw", str(raw), "--warehouse", str(wh), "--quiet"])
    assert res.exit_code == 1
    monkeypatch.undo()
    assert len(_db(wh, "select * from meta_runs")) == 2  # the warehouse is as it was
    (raw / "notes.txt").unlink()
    res = runner.invoke(main, ["run", "--raw", str(raw), "--warehouse", str(wh), "--quiet", "--workers", "1"])
    runs = _db(wh, "select outcome, exit_code, detail from meta_runs order by finished_at, run_id")
    assert len(runs) == 4
    assert ("failed", 1, "RuntimeError: disk full") in runs
