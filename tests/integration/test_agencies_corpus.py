"""Agencies on the dev corpus and the pages (issue 18 item 1): the two 洪泽区 reports are
one body in dim_agencies, the name crosswalk and the panel, apart from 淮安市's own report;
the administrative level agrees with the pages index (rules: tests/unit/test_agencies.py)."""
import csv

import duckdb
import pytest

from conftest import DEV, SHARED
from pipelines.parse.extract import extract_path
from pipelines.orchestration.runner import run_pipeline

PAGES = SHARED / "corpus" / "pages"


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/corpus/dev not present")
def test_dev_pair_is_one_body_in_the_panel_and_apart_from_its_city(tmp_path):
    a, b, c = (extract_path(DEV / f).report for f in ("hongze-2023.pdf", "hongze-2024.pdf", "huaian-2024.pdf"))
    assert a["agency_id"] == b["agency_id"] != c["agency_id"]
    assert (a["level"], b["level"], c["level"]) == ("county", "county", "city")
    run_pipeline(DEV, tmp_path, workers=1, progress=False)
    con = duckdb.connect(str(tmp_path / "ogi.duckdb"), read_only=True)
    hz = con.execute("select agency_id, name, level, region_code, parent_agency_id, parent_name, n_reports, "
                     "first_year, last_year from dim_agencies where agency_id = ?", [a["agency_id"]]).fetchall()
    assert hz == [(a["agency_id"], "淮安市洪泽区人民政府", "county", "320813", c["agency_id"], "淮安市人民政府", 2, 2023, 2024)]
    names = con.execute("select name, first_year from dim_agency_names where agency_id = ? order by 2",
                        [a["agency_id"]]).fetchall()
    assert names == [("洪泽区人民政府", 2023), ("淮安市洪泽区人民政府", 2024)]
    pair = con.execute("select year, next_year, agency, next_agency from v_agency_panel where agency_id = ? "
                       "and next_year is not null", [a["agency_id"]]).fetchall()
    assert pair == [(2023, 2024, "洪泽区人民政府", "淮安市洪泽区人民政府")]
    # the city's own 2024 report rolls up apart from the district's: 3,119 new requests, not 3,214
    new = dict(con.execute("select d.agency_id, sum(a.value) from fct_applications a join dim_reports d using (report_id) "
                           "where a.stage = 'new_received' and a.applicant_type = 'total' and d.year = 2024 "
                           "group by 1").fetchall())
    assert new[c["agency_id"]] == 3119 and new[a["agency_id"]] == 95
    # every report with an agency has a body, every body its names
    assert con.execute("select count(*) from dim_reports d left join dim_agencies g using (agency_id) "
                       "where d.agency_id is not null and g.agency_id is null").fetchone()[0] == 0
    assert con.execute("select count(*) from dim_reports where agency is not null and agency_id is null").fetchone()[0] == 0
    con.close()


@pytest.mark.skipif(not (PAGES / "INDEX.tsv").exists(), reason="../shared/corpus/pages not present")
def test_level_agrees_with_the_pages_index():
    idx = list(csv.DictReader(open(PAGES / "INDEX.tsv", encoding="utf-8"), delimiter="\t"))
    ok = sum(extract_path(PAGES / r["file"]).report.level == r["level"] for r in idx)
    assert ok / len(idx) >= 0.90, f"{ok}/{len(idx)}"
