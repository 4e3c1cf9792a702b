"""Roll-ups by region and level (v_report_level, v_rollup_region_level) on the dev corpus:
a government's own report is never added to its counties' or its departments'
(淮安市人民政府 2024: 3,119 new requests, apart from 洪泽区's 95, not 3,214), and
`ogi export --level` filters by the same level."""
import shutil

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import DEV
from pipelines.tools.cli import main
from pipelines.orchestration.runner import run_pipeline


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    if not (DEV / "huaian-2024.pdf").exists():
        pytest.skip("../shared/corpus/dev not present")
    raw = tmp_path_factory.mktemp("raw")
    for f in ("huaian-2024.pdf", "hongze-2024.pdf", "hongze-2023.pdf", "shoffice-2025.md", "shuyang-2025.txt"):
        shutil.copy(DEV / f, raw / f)
    out = tmp_path_factory.mktemp("wh")
    run_pipeline(raw, out, workers=1, progress=False)
    return out


def _q(wh, sql, params=()):
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_levels(wh):
    got = dict(_q(wh, "select d.source_path, l.level from v_report_level l join dim_reports d using (report_id)"))
    assert got == {"huaian-2024.pdf": "city", "hongze-2024.pdf": "county", "hongze-2023.pdf": "county",
                   "shoffice-2025.md": "department-of-province", "shuyang-2025.txt": "county"}
    # the view is dim_reports.level (metadata.py / agencies.py), not a guess of its own
    assert _q(wh, "select count(*) from v_report_level l join dim_reports d using (report_id) "
                  "where l.level is distinct from d.level") == [(0,)]


def test_city_government_apart_from_its_counties(wh):
    rows = _q(wh, "select level, reports, new_requests from v_rollup_region_level "
                  "where year = 2024 and scope = 'city' and city = '淮安市' order by level")
    assert rows == [("city", 1, 3119), ("county", 1, 95)]
    # the province scope keeps the levels apart too; no row adds them up
    assert _q(wh, "select count(*) from v_rollup_region_level where new_requests = 3214") == [(0,)]
    prov = dict(_q(wh, "select level, new_requests from v_rollup_region_level "
                       "where year = 2024 and scope = 'province' and province = '江苏省'"))
    assert prov == {"city": 3119, "county": 95}
    # every report is counted once per scope
    n = _q(wh, "select count(*) from dim_reports where province is not null")[0][0]
    for scope in ("province", "city", "county"):
        assert _q(wh, "select sum(reports)::int from v_rollup_region_level where scope = ?", [scope]) == [(n,)]


def test_export_by_level(wh, tmp_path):
    res = CliRunner().invoke(main, ["export", "--warehouse", str(wh), "--out", str(tmp_path), "--level", "county",
                                    "-t", "dim_reports", "-t", "fct_applications"])
    assert res.exit_code == 0, res.output
    d = pd.read_csv(tmp_path / "dim_reports.csv", encoding="utf-8-sig")
    assert sorted(d.source_path) == ["hongze-2023.pdf", "hongze-2024.pdf", "shuyang-2025.txt"]
    a = pd.read_csv(tmp_path / "fct_applications.csv", encoding="utf-8-sig")
    assert set(a.report_id) == set(d.report_id)
