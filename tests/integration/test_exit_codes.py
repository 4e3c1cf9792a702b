"""`ogi run`'s exit code as the README's table gives it: 0 when every file was read, 3
(partial) when the warehouse was published but some file failed — a report that could not
be parsed or a path that could not be read at all (inputs.status = 'unreadable') — and the
meta_runs row says the same."""
import os
import shutil

import duckdb
from click.testing import CliRunner

from conftest import sample
from pipelines.tools.cli import EXIT_PARTIAL, main
from pipelines.publish.writer import run_outcome


def test_run_outcome_counts_failed_reports_and_unreadable_paths():
    assert run_outcome(0, 0) == ("ok", 0, None)
    assert run_outcome(2)[0:2] == ("partial", EXIT_PARTIAL)
    outcome, code, detail = run_outcome(0, 1)
    assert (outcome, code) == ("partial", EXIT_PARTIAL) and "1 path(s) could not be read" in detail
    assert "2 file(s) failed" in run_outcome(2, 1)[2] and "unreadable" in run_outcome(2, 1)[2]


def test_an_unreadable_path_makes_the_run_partial(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    raw.mkdir()
    shutil.copy(sample("000"), raw / sample("000").name)
    runner = CliRunner()
    res = runner.invoke(main, ["run", "--raw", str(raw), "--warehouse", str(wh), "--quiet", "--workers", "1"])
    assert res.exit_code == 0, res.output
    os.symlink(raw / "gone.txt", raw / "dangling.txt")  # a link to nothing: a path that cannot be read
    res = runner.invoke(main, ["run", "--raw", str(raw), "--warehouse", str(wh), "--quiet", "--workers", "1"])
    assert res.exit_code == EXIT_PARTIAL, res.output
    assert "partial run" in res.output and "could not be read" in res.output
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        assert con.execute("select status from inputs where path = 'dangling.txt'").fetchall() == [("unreadable",)]
        assert con.execute("select count(*) from dim_reports where parse_status = 'failed'").fetchone()[0] == 0
        last = con.execute("select outcome, exit_code, detail from meta_runs order by finished_at desc, run_id "
                           "limit 1").fetchone()
    finally:
        con.close()
    assert last[0:2] == ("partial", EXIT_PARTIAL) and "inputs.status = 'unreadable'" in last[2]
