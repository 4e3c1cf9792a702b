"""Issue 17's fault table, one test per row: a bad file or path never stops the corpus,
every path met has its row in `inputs`, limits give failed reports with the reason, one
writer at a time, crashed runs cleaned up. Limits are set low here; peak memory and
time are the benchmark's (`ogi bench --hostile`), not asserted."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import ROOT, SAMPLES
from pipelines.stage import batch, runlock
from pipelines.tools import hostile
from pipelines.orchestration.runner import run_pipeline

LOW = {"OGI_LIMIT_SECONDS": "20", "OGI_LIMIT_DECOMPRESSED_MB": "4", "OGI_LIMIT_TABLE_CELLS": "20000",
       "OGI_LIMIT_MEMORY_MB": "1500", "OGI_LOCK_WAIT": "0"}
GOOD = sorted(SAMPLES.glob("*.txt"))


def q(wh, sql):
    con = duckdb.connect(str(pathlib.Path(wh) / "ogi.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def inputs(wh) -> dict[str, tuple]:
    return {p: (rid, st, why) for p, rid, st, why in q(wh, "select path, report_id, status, reason from inputs")}


def reports(wh) -> dict[str, tuple]:
    return {p: (st, d) for p, st, d in q(wh, "select source_path, parse_status, status_detail from dim_reports")}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """The hostile folder (good reports beside every bad path), its warehouse inside it,
    run once under low limits."""
    mp = pytest.MonkeyPatch()
    for k, v in LOW.items():
        mp.setenv(k, v)
    raw = tmp_path_factory.mktemp("hostile")
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("机密：不应出现在仓库中 " + GOOD[0].read_text(encoding="utf-8"), encoding="utf-8")
    made = hostile.make_hostile(raw, GOOD, outside)
    wh = raw / "warehouse"
    summary = run_pipeline(raw, wh, workers=2, progress=False)
    yield raw, wh, made, summary, outside
    mp.undo()


def test_every_path_met_has_its_row(hostile_run):
    """Nothing silent: every entry of the folder (walked without following links, hidden
    folders and the warehouse as one row each) is in `inputs`."""
    raw, wh, made, _, _ = hostile_run
    rows = inputs(wh)
    found = []
    for d, dirs, files in os.walk(os.fsencode(raw)):
        rel = os.path.relpath(d, os.fsencode(raw))
        for name in dirs + files:
            p = os.path.normpath(os.path.join(rel, name))
            found.append(p.decode("utf-8", "backslashreplace"))
        dirs[:] = [x for x in dirs if not x.startswith(b".") and x != b"warehouse"]
    dirs_entered = {"reports"}
    missing = [p for p in found if p not in rows and p not in dirs_entered]
    assert not missing
    assert set(made) <= set(rows)
    assert {v[1] for v in rows.values()} <= {"report", "duplicate", "skipped", "unreadable"}


def test_good_reports_all_published(hostile_run):
    raw, wh, _, s, _ = hostile_run
    rep = reports(wh)
    for g in GOOD[1:]:
        assert rep[f"reports/{g.name}"][0] in ("ok", "partial")
    assert s["reports"] == len(rep)


def test_gbk_file_name_is_read_and_shown_escaped(hostile_run):
    _, wh, made, _, _ = hostile_run
    name = next(p for p, k in made.items() if k == "gbk-name")
    assert "\\x" in name
    assert inputs(wh)[name][1] == "report"
    assert reports(wh)[name][0] in ("ok", "partial")


def test_unreadable_file_gets_a_row_on_every_run(tmp_path, monkeypatch):
    """Mode 000 as a non-root user: the PermissionError injected where the file is read
    (the workers, forked from here, inherit the patch) and where it is hashed."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    locked = raw / "locked.txt"
    locked.write_text(GOOD[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    real_read, real_hash = batch._read_stable, batch._sha256_file

    def read(path):
        if path.endswith("locked.txt"):
            return None, "unreadable", "cannot be read: PermissionError: Permission denied"
        return real_read(path)

    def sha(path):
        if path.endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_hash(path)

    monkeypatch.setattr(batch, "_read_stable", read)
    monkeypatch.setattr(batch, "_sha256_file", sha)
    wh = tmp_path / "wh"
    for _ in range(2):   # the first run (workers read) and a rerun (discovery hashes)
        run_pipeline(raw, wh, workers=1, progress=False)
        row = inputs(wh)["locked.txt"]
        assert row[1] == "unreadable" and "Permission denied" in row[2]
        assert "locked.txt" not in reports(wh)
        assert len(reports(wh)) == len(GOOD)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_unreadable_file_as_an_unprivileged_user(tmp_path):
    """The same with a real mode-000 file, the run done as user nobody."""
    base = pathlib.Path(tmp_path)
    base.chmod(0o755)
    raw = base / "raw"
    shutil.copytree(SAMPLES, raw)
    locked = raw / "locked.txt"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    wh = base / "wh"
    wh.mkdir()
    for p in (raw, wh, *raw.iterdir()):
        shutil.chown(p, "nobody") if p != locked else None
    code = ("import sys; from pipelines.orchestration.runner import run_pipeline; "
            "run_pipeline(sys.argv[1], sys.argv[2], workers=1, progress=False)")
    env = {**os.environ, "HOME": str(base), "DAGSTER_HOME": str(base)}
    r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c", code,
                        str(raw), str(wh)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if r.returncode and "Permission denied" in r.stderr and "locked" not in r.stderr:
        pytest.skip("the project folder is not readable by nobody")
    assert r.returncode == 0, r.stderr[-2000:]
    assert inputs(wh)["locked.txt"][1] == "unreadable"


def test_symlink_loop_is_a_row_not_an_abort(hostile_run):
    _, wh, _, _, _ = hostile_run
    rows = inputs(wh)
    assert rows["loop-a"][1:] == ("unreadable", "a symlink loop")
    assert rows["loop-b"][1] == "unreadable"


def test_link_outside_the_folder_is_not_followed(hostile_run, tmp_path, monkeypatch):
    raw, wh, _, _, outside = hostile_run
    row = inputs(wh)["outside-link.txt"]
    assert row[1] == "skipped" and "outside the raw folder" in row[2]
    assert "outside-link.txt" not in reports(wh)
    assert not q(wh, "select count(*) from report_texts where text like '%不应出现在仓库中%'")[0][0]
    # the setting follows it
    small = tmp_path / "raw"
    small.mkdir()
    os.symlink(outside, small / "outside-link.txt")
    monkeypatch.setenv("OGI_FOLLOW_OUTSIDE_LINKS", "1")
    run_pipeline(small, tmp_path / "wh", workers=1, progress=False)
    assert inputs(tmp_path / "wh")["outside-link.txt"][1] == "report"


def test_docx_zip_bomb_fails_on_the_decompressed_size(hostile_run):
    _, wh, _, _, _ = hostile_run
    st, detail = reports(wh)["zip-bomb.docx"]
    assert st == "failed" and detail.startswith("limit: decompressed size (OGI_LIMIT_DECOMPRESSED_MB=4)")


def _kill_on(marker: str, how):
    from pipelines.parse import extract

    real = extract.extract_report

    def fake(data, rel):
        if marker in rel:
            how()
        return real(data, rel)

    return fake


def test_a_worker_killed_on_a_file_is_replaced_and_the_file_failed(tmp_path, monkeypatch):
    """What the OOM killer does: the worker parsing one file gets SIGKILL (every time). The
    pool is replaced, the other files are all published, the file fails with the reason."""
    from pipelines.parse import extract

    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    for i in range(40):  # enough for chunks across both workers
        (raw / f"extra-{i:02d}.txt").write_text(GOOD[i % len(GOOD)].read_text(encoding="utf-8") + f"\n{i}\n",
                                                encoding="utf-8")
    (raw / "killer.txt").write_text(GOOD[0].read_text(encoding="utf-8") + "\nkiller\n", encoding="utf-8")
    monkeypatch.setattr(extract, "extract_report", _kill_on("killer", lambda: os.kill(os.getpid(), signal.SIGKILL)))
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=2, progress=False)
    rep = reports(wh)
    assert len(rep) == len(GOOD) + 41
    st, detail = rep["killer.txt"]
    assert st == "failed" and detail.startswith("limit: memory (OGI_LIMIT_MEMORY_MB=") and "SIGKILL" in detail
    assert sum(v[0] != "failed" for v in rep.values()) == len(GOOD) + 40
    # cached like a success: not parsed again
    run_pipeline(raw, wh, workers=2, progress=False)
    assert json.loads((wh / "state" / "last_run.json").read_text())["unchanged"] is True


def test_memory_limit_fails_the_file_not_the_run(tmp_path, monkeypatch):
    from pipelines.parse import extract

    monkeypatch.setenv("OGI_LIMIT_MEMORY_MB", "400")
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    (raw / "hungry.txt").write_text(GOOD[0].read_text(encoding="utf-8") + "\nhungry\n", encoding="utf-8")
    hog = []
    monkeypatch.setattr(extract, "extract_report", _kill_on("hungry", lambda: hog.append(bytearray(2 * 1024**3))))
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    st, detail = reports(wh)["hungry.txt"]
    assert st == "failed" and detail.startswith("limit: memory (OGI_LIMIT_MEMORY_MB=400)")
    assert len(reports(wh)) == len(GOOD) + 1


def test_span_bombs_fail_on_the_table_cells(hostile_run):
    _, wh, _, _, _ = hostile_run
    rep = reports(wh)
    for name in ("span-bomb.html", "span-bomb.docx"):
        st, detail = rep[name]
        assert st == "failed" and detail.startswith("limit: table cells (OGI_LIMIT_TABLE_CELLS=20000)"), detail


def test_span_bomb_in_the_converters_directly(monkeypatch):
    from pipelines.formats import LimitError
    from pipelines.formats.docx import docx_to_text
    from pipelines.formats.html import html_to_text

    monkeypatch.setenv("OGI_LIMIT_TABLE_CELLS", "5000")
    with pytest.raises(LimitError, match="limit: table cells"):
        html_to_text(hostile.span_bomb_html(rows=3, per_row=3))
    with pytest.raises(LimitError, match="limit: table cells"):
        docx_to_text(hostile.span_bomb_docx(rows=3, per_row=3))
    # a normal spanned table is still read
    ok = '<table><tr><td colspan="2">项目</td></tr><tr><td>a</td><td>1</td></tr></table>'
    assert html_to_text(ok.encode()).split("\n")[0] == "项目\t"


def test_time_limit_interrupts_a_slow_file(tmp_path, monkeypatch):
    """A file whose parsing runs past OGI_LIMIT_SECONDS (a 400,000-character PDF page in
    a quadratic engine) is interrupted; the run goes on."""
    from pipelines.parse import extract

    monkeypatch.setenv("OGI_LIMIT_SECONDS", "1")
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    (raw / "slow.txt").write_text(GOOD[0].read_text(encoding="utf-8") + "\nslow\n", encoding="utf-8")

    def spin():
        while True:
            sum(range(1000))

    monkeypatch.setattr(extract, "extract_report", _kill_on("slow", spin))
    wh = tmp_path / "wh"
    t0 = time.monotonic()
    run_pipeline(raw, wh, workers=1, progress=False)
    assert time.monotonic() - t0 < 60
    st, detail = reports(wh)["slow.txt"]
    assert st == "failed" and detail.startswith("limit: time (OGI_LIMIT_SECONDS=1)")
    assert len(reports(wh)) == len(GOOD) + 1


def test_time_limit_holds_per_page_of_a_long_scan(tmp_path, monkeypatch):
    """Work in parts (the pages of a scan read by OCR) restarts the file's clock before
    each part (limits.restart_clock): a file whose pages each take less than
    OGI_LIMIT_SECONDS is read however many pages it has; one page past it still stops it."""
    from pipelines.parse import extract
    from pipelines.stage import limits

    monkeypatch.setenv("OGI_LIMIT_SECONDS", "1")
    raw = tmp_path / "raw"
    raw.mkdir()
    text = GOOD[0].read_text(encoding="utf-8")
    (raw / "pages.txt").write_text(text + "\npages\n", encoding="utf-8")
    (raw / "slowpage.txt").write_text(text + "\nslowpage\n", encoding="utf-8")

    def spin(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            sum(range(1000))

    def pages():  # four pages of 0.6 s: 2.4 s in all
        for _ in range(4):
            limits.restart_clock()
            spin(0.6)

    def slow_page():
        limits.restart_clock()
        spin(0.3)
        limits.restart_clock()
        spin(5)

    real = extract.extract_report

    def fake(data, rel):
        if "slowpage" in rel:
            slow_page()
        elif "pages" in rel:
            pages()
        return real(data, rel)

    monkeypatch.setattr(extract, "extract_report", fake)
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    got = reports(wh)
    assert got["pages.txt"][0] in ("ok", "partial"), got["pages.txt"]
    st, detail = got["slowpage.txt"]
    assert st == "failed" and detail.startswith("limit: time (OGI_LIMIT_SECONDS=1)"), detail


def test_time_limit_holds_in_code_the_alarm_cannot_interrupt(tmp_path, monkeypatch):
    """The alarm blocked (as in C code that never returns to Python): the CPU-time limit
    stops the worker; the file is retried alone, stopped again, and failed."""
    from pipelines.parse import extract

    monkeypatch.setenv("OGI_LIMIT_SECONDS", "1")
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    (raw / "stuck.txt").write_text(GOOD[0].read_text(encoding="utf-8") + "\nstuck\n", encoding="utf-8")

    def stuck():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            sum(range(1000))

    monkeypatch.setattr(extract, "extract_report", _kill_on("stuck", stuck))
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    st, detail = reports(wh)["stuck.txt"]
    assert st == "failed" and detail.startswith("limit: time (OGI_LIMIT_SECONDS=1)"), detail
    assert len(reports(wh)) == len(GOOD) + 1


def test_workers_die_with_the_main_process(tmp_path):
    """kill -9 of the main process only: its parsing workers exit (PR_SET_PDEATHSIG)."""
    code = r"""
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from pipelines.stage import limits
def work(_):
    time.sleep(120)
ex = ProcessPoolExecutor(2, initializer=limits.worker_init)
futs = [ex.submit(work, i) for i in range(2)]
time.sleep(1.5)
print(" ".join(str(p) for p in ex._processes), flush=True)
time.sleep(120)
"""
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    pids = [int(x) for x in p.stdout.readline().split()]
    assert len(pids) == 2
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [x for x in pids if _alive(x)]
    assert not alive


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_leftovers_of_a_crashed_publish_are_removed(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    junk = [wh / ".parquet.tmp-dead0001", wh / ".parquet.old-dead0002"]
    for d in junk:
        (d / "dim_reports").mkdir(parents=True)
        (d / "dim_reports" / "part-0.parquet").write_bytes(b"x" * 1000)
    (wh / ".ogi.duckdb.tmp-dead0003").write_bytes(b"x")
    (wh / ".ogi.duckdb.tmp-dead0003.wal").write_bytes(b"x")
    (wh / "state" / "manifest.tmp999").write_bytes(b"x")
    (raw / "new.txt").write_text(GOOD[1].read_text(encoding="utf-8") + "\nnew\n", encoding="utf-8")
    run_pipeline(raw, wh, workers=1, progress=False)
    left = sorted(p.name for p in wh.iterdir())
    assert not [n for n in left if ".tmp-" in n or ".old-" in n], left
    assert not (wh / "state" / "manifest.tmp999").exists()
    assert "new.txt" in reports(wh)


def test_second_run_on_a_locked_warehouse_exits_with_one_line(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    wh = tmp_path / "wh"
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pipelines.stage import runlock; "
                               "runlock.hold(sys.argv[1], 'x'); print('held', flush=True); time.sleep(300)", str(wh)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        ogi = str(pathlib.Path(sys.executable).parent / "ogi")
        r = subprocess.run([ogi, "run", "--raw", str(raw), "--warehouse", str(wh), "--quiet"],
                           env={**os.environ, "OGI_LOCK_WAIT": "0"}, capture_output=True, text=True, timeout=300)
        assert r.returncode == 1
        err = r.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("Error: another ogi run is writing") and "OGI_LOCK_WAIT" in err[0]
        # waiting: the second run goes once the first is gone (kill -9 leaves no stale lock)
        second = subprocess.Popen([ogi, "run", "--raw", str(raw), "--warehouse", str(wh), "--quiet"],
                                  env={**os.environ, "OGI_LOCK_WAIT": "120"}, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(8)
        assert second.poll() is None  # waiting
        holder.kill()
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err[-2000:]
        assert len(reports(wh)) == len(GOOD)
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_reentrant_and_released(tmp_path):
    wh = tmp_path / "wh"
    with runlock.run_lock(wh):
        with runlock.run_lock(wh):
            assert runlock.held(wh)
        assert runlock.held(wh)
    assert not runlock.held(wh)
    runlock.hold(wh, "run-1")
    runlock.release(wh, "run-1")
    assert not runlock.held(wh)


def test_deep_html_is_read_or_fails_with_the_reason(hostile_run):
    from pipelines.formats import FormatError
    from pipelines.formats.html import html_to_text

    text = html_to_text(hostile.deep_html(300))
    assert "收到申请\t5" in text  # below 300 levels of <div>
    deep_tables = "<html><body>" + "<table><tr><td>" * 300 + "x" + "</td></tr></table>" * 300 + "</body></html>"
    with pytest.raises(FormatError, match="nested deeper than 255 levels"):
        html_to_text(deep_tables.encode())


def test_file_changing_while_read_is_read_again_or_refused(tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_bytes(b"0123456789")
    real = os.fstat
    calls = {"n": 0}

    def moving(fd):
        st = real(fd)
        calls["n"] += 1
        return os.stat_result((*st[:6], st.st_size, st.st_atime, st.st_mtime, st.st_ctime)) if calls["n"] % 2 else \
            os.stat_result((st[0], st[1], st[2], st[3], st[4], st[5], st.st_size + 1, st.st_atime, st.st_mtime + 1,
                            st.st_ctime))

    monkeypatch.setattr(os, "fstat", moving)
    data, status, why = batch._read_stable(str(f))
    assert data is None and status == "unreadable" and "changed while being read" in why
    # changed during the first read only: read again, whole
    calls["n"] = 0
    seq = iter([False, True, False, False])

    def once(fd):
        st = real(fd)
        if next(seq, False):
            return os.stat_result((st[0], st[1], st[2], st[3], st[4], st[5], 3, st.st_atime, st.st_mtime, st.st_ctime))
        return st

    monkeypatch.setattr(os, "fstat", once)
    assert batch._read_stable(str(f)) == (b"0123456789", "", "")


def test_file_changing_while_read_is_not_published(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    (raw / "moving.txt").write_text(GOOD[0].read_text(encoding="utf-8") + "\nmoving\n", encoding="utf-8")
    real = batch._read_stable
    monkeypatch.setattr(batch, "_read_stable", lambda p: (None, "unreadable", "changed while being read (twice): "
                                                         "not published from a partial read")
                        if p.endswith("moving.txt") else real(p))
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    assert inputs(wh)["moving.txt"][1:] == ("unreadable", "changed while being read (twice): not published from "
                                                          "a partial read")
    assert "moving.txt" not in reports(wh)


def test_hidden_dangling_fifo_and_empty_files_each_have_a_row(hostile_run):
    _, wh, _, _, _ = hostile_run
    rows = inputs(wh)
    assert rows[".hidden.txt"][1:] == ("skipped", "hidden file")
    assert rows[".git"][1:] == ("skipped", "hidden folder, not read")
    assert rows["dangling.txt"][1] == "unreadable" and "dangling" in rows["dangling.txt"][2]
    assert rows["pipe.txt"][1:] == ("skipped", "a FIFO (named pipe), not read")
    assert rows["empty1.txt"][1:] == rows["empty2.txt"][1:] == ("skipped", "an empty file (0 bytes)")
    assert rows["dir-link"][1:] == ("skipped", "a link to a folder, not followed")
    assert rows["copy-of-first.txt"][1] == "duplicate" or rows["reports/" + GOOD[0].name][1] == "duplicate"


def test_warehouse_inside_the_raw_folder_is_not_read(hostile_run):
    raw, wh, _, _, _ = hostile_run
    assert inputs(wh)["warehouse"][1:] == ("skipped", "the warehouse folder (the run's own output), not read")
    run_pipeline(raw, wh, workers=1, progress=False)   # a rerun: its outputs now exist
    assert not [p for p in reports(wh) if p.startswith("warehouse")]


def test_empty_raw_folder_publishes_an_empty_warehouse(tmp_path):
    from pipelines.orchestration.runner import format_summary

    raw = tmp_path / "raw"
    raw.mkdir()
    wh = tmp_path / "wh"
    s = run_pipeline(raw, wh, workers=1, progress=False)
    assert s["reports"] == 0
    assert format_summary(s).splitlines()[0] == f"no reports found under {raw}: published an empty warehouse"
    assert q(wh, "select count(*) from inputs")[0][0] == 0
    # a folder whose files were all removed
    shutil.copytree(SAMPLES, raw, dirs_exist_ok=True)
    run_pipeline(raw, wh, workers=1, progress=False)
    assert len(reports(wh)) == len(GOOD)
    for f in raw.iterdir():
        f.unlink()
    s = run_pipeline(raw, wh, workers=1, progress=False)
    assert s["reports"] == 0 and not reports(wh)
    assert q(wh, "select count(*) from fct_outcomes")[0][0] == 0


def test_non_report_files_are_rows_not_reports(hostile_run):
    _, wh, _, _, _ = hostile_run
    rows, rep = inputs(wh), reports(wh)
    for name, why in (("SOURCES.tsv", "not a report: a .tsv table"),
                      ("logo.png", "not a report: an image of 120 x 40 pixels (PNG), too small for a page"),
                      ("app.js", "not a report: a script (.js)"), ("style.css", "not a report: a style sheet"),
                      ("logo-named.txt", "not a report: an image (PNG) that cannot be opened (UnidentifiedImageError)")):
        assert rows[name][1] == "skipped" and rows[name][2].startswith(why), (name, rows[name])
        assert name not in rep


def test_limit_failure_is_parsed_again_when_the_limit_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_LIMIT_TABLE_CELLS", "5000")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(GOOD[0].read_bytes())
    (raw / "bomb.html").write_bytes(hostile.span_bomb_html(rows=3, per_row=3, span=1000))
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    assert reports(wh)["bomb.html"][1].startswith("limit: table cells (OGI_LIMIT_TABLE_CELLS=5000)")
    run_pipeline(raw, wh, workers=1, progress=False)
    assert json.loads((wh / "state" / "last_run.json").read_text())["unchanged"] is True
    monkeypatch.setenv("OGI_LIMIT_TABLE_CELLS", "50000")
    run_pipeline(raw, wh, workers=1, progress=False)
    assert not (reports(wh)["bomb.html"][1] or "").startswith("limit:")
    assert json.loads((wh / "state" / "last_run.json").read_text())["parsed"] == 1
