"""Audit signals beyond a report's own arithmetic (v_audit_signals, shown on the audit
page): a copied report, an all-zero table beside non-zero prose, 上年结转 (N+1) ≠ 结转下年度
(N) for the same body, a title year that is not the statistics period, a year missing between two — on synthetic
reports, and on a real sample copied as next year's report."""
import re
import shutil

import duckdb
import pandas as pd

import schemas
from conftest import sample
from pipelines.tools.audit import audit_data
from pipelines.publish.writer import write_warehouse
from pipelines.orchestration.runner import run_pipeline


def _signals(wh):
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        return con.execute('select report_id, "check", subject, key1, key2, expected, found, detail '
                           "from v_audit_signals order by all").fetchall()
    finally:
        con.close()


def _outcomes(rid, year, values):
    return [dict(report_id=rid, year=year, outcome=o, applicant_type="total", value=v, source="table",
                 flags="", span_start=None, span_end=None, verified=False)
            for o, v in zip(("granted", "partially_granted", "withheld", "other", "total"), values)]


def _synthetic(path):
    frames = {t: schemas.empty_frame(t) for t in schemas.PUBLISHED}
    reports = [("a22", "某县人民政府", "某县", 2022), ("a23", "某县人民政府", "某县", 2023),
               ("b22", "某市某局", "某局", 2022), ("b23", "某市某局", "某局", 2023),
               ("z23", "某区人民政府", "某区", 2023), ("t23", "某镇人民政府", "某镇", 2023),
               ("g20", "某乡人民政府", "某乡", 2020), ("g23", "某乡人民政府", "某乡", 2023)]
    frames["dim_reports"] = pd.DataFrame([dict(report_id=r, source_path=f"{r}.txt", agency=a, agency_key=k, year=y,
                                               format_version="f2021", parse_status="ok", tables_found="t3,t4")
                                          for r, a, k, y in reports]).reindex(
        columns=schemas.tables()["dim_reports"].column_names)
    # a23 repeats a22's outcomes exactly; b23 differs from b22 by one cell
    outcomes = (_outcomes("a22", 2022, [10, 2, 1, 0, 13]) + _outcomes("a23", 2023, [10, 2, 1, 0, 13])
                + _outcomes("b22", 2022, [4, 1, 1, 0, 6]) + _outcomes("b23", 2023, [4, 1, 2, 0, 7])
                + _outcomes("z23", 2023, [0, 0, 0, 0, 0]))
    frames["fct_outcomes"] = pd.DataFrame(outcomes).reindex(columns=schemas.tables()["fct_outcomes"].column_names)
    # a22 carried 5 to 2023; a23 says 7 were carried over. b: 2 and 2.
    apps = [dict(report_id=r, year=y, stage=s, applicant_type="total", value=v, source="table", flags="",
                 verified=False)
            for r, y, s, v in (("a22", 2022, "carried_to_next", 5), ("a23", 2023, "carried_over", 7),
                               ("b22", 2022, "carried_to_next", 2), ("b23", 2023, "carried_over", 2))]
    frames["fct_applications"] = pd.DataFrame(apps).reindex(columns=schemas.tables()["fct_applications"].column_names)
    # z23 prints table 三 all 0, its prose says 12 requests were granted
    frames["check_results"] = pd.DataFrame([dict(
        report_id="z23", check="narrative_vs_table", subject="granted/total", severity="warning", passed=False,
        detail="prose says 12, table says 0", fact_table="fct_outcomes", key1="granted", key2="total",
        expected=12.0, found=0.0)]).reindex(columns=schemas.tables()["check_results"].column_names)
    texts = {r: f"{a}{y}年政府信息公开工作年度报告\n本报告统计期限为{y}年1月1日至{y}年12月31日。" for r, a, _, y in reports}
    texts["t23"] = "某镇人民政府2023年政府信息公开工作年度报告\n本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"
    frames["report_texts"] = pd.DataFrame([{"report_id": r, "text": t} for r, t in texts.items()])
    frames = {t: df.astype(schemas.pandas_dtypes(t)) for t, df in frames.items()}
    write_warehouse(frames, path)
    return path


def test_signals_on_synthetic_reports(tmp_path):
    wh = _synthetic(tmp_path / "wh")
    got = {(r[0], r[1]): r for r in _signals(wh)}
    assert set(got) == {("a23", "signal.copied_table"), ("a23", "signal.carry_over"),
                        ("z23", "signal.zero_table"), ("t23", "signal.title_year"), ("g23", "signal.missing_year")}
    assert "none for 2021–2022" in got[("g23", "signal.missing_year")][7]
    assert got[("a23", "signal.copied_table")][2] == "fct_outcomes"
    assert "a22.txt" in got[("a23", "signal.copied_table")][7]
    assert got[("a23", "signal.carry_over")][3:7] == ("carried_over", "total", 5.0, 7.0)
    assert got[("z23", "signal.zero_table")][3:7] == ("granted", "total", 12.0, 0.0)
    assert got[("t23", "signal.title_year")][5:7] == (2022.0, 2023.0)
    # on the audit page, in Chinese, each with its evidence
    d = audit_data(wh / "ogi.duckdb")
    sig = {(f["id"], f["check"]): f for f in d["failures"] if f["check"].startswith("signal.")}
    assert len(sig) == 5 and all(f["evidence"] for f in sig.values())
    assert sig[("t23", "signal.title_year")]["evidence"].startswith("某镇人民政府2023年")
    assert d["texts"]["signal.carry_over"]["title_zh"] == "上年结转不一致"
    assert {c["check"] for c in d["checks"]} >= {"signal.copied_table", "signal.zero_table"}


def test_a_sample_copied_as_next_years_report(tmp_path):
    """Sample 003 (衡水市桃城区, 2021) and the same text as its 2022 report: every table
    repeats the year before, and 2022's 上年结转 is not 2021's 结转下年度."""
    raw = tmp_path / "raw"
    raw.mkdir()
    src = sample("003")
    shutil.copy(src, raw / src.name)
    text = src.read_text(encoding="utf-8")
    (raw / "copy-2022.txt").write_text(re.sub(r"2021(?=年)", "2022", text), encoding="utf-8")
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, use_cache=False, progress=False)
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    rid22 = con.execute("select report_id from dim_reports where source_path = 'copy-2022.txt'").fetchone()[0]
    carry = con.execute("select (select value from fct_applications where report_id = ? and stage = 'carried_over' "
                        "and applicant_type = 'total'), (select value from fct_applications a join dim_reports d "
                        "using (report_id) where d.year = 2021 and stage = 'carried_to_next' and "
                        "applicant_type = 'total')", [rid22]).fetchone()
    con.close()
    got = {(r[0], r[1], r[2]) for r in _signals(wh)}
    assert (rid22, "signal.copied_table", "fct_outcomes") in got
    assert (rid22, "signal.copied_table", "fct_applications") in got
    assert ((rid22, "signal.carry_over", "carried_over/total") in got) == (carry[0] != carry[1])
    assert not any(r[1] == "signal.title_year" for r in got)
    assert all(r[0] == rid22 for r in got)  # nothing on the 2021 report


def test_cross_year_signals_follow_the_body_not_its_name(tmp_path):
    """The same body under two names (the dev corpus's 洪泽区人民政府 2023 and
    淮安市洪泽区人民政府 2024: different agency_key, one agency_id) is compared across years:
    a copied table, 上年结转 ≠ the previous 结转下年度, and a year missing in between; a body
    that only shares a name pattern (another agency_id) is not."""
    frames = {t: schemas.empty_frame(t) for t in schemas.PUBLISHED}
    hz, other = "aga9be3e91371c95", "agothercounty000"
    reports = [("h21", "洪泽区人民政府", "洪泽区政府", hz, 2021), ("h23", "洪泽区人民政府", "洪泽区政府", hz, 2023),
               ("h24", "淮安市洪泽区人民政府", "淮安市洪泽区政府", hz, 2024),
               ("o23", "淮安市洪泽区人民政府", "淮安市洪泽区政府", other, 2023)]
    frames["dim_reports"] = pd.DataFrame([dict(report_id=r, source_path=f"{r}.txt", agency=a, agency_key=k,
                                               agency_id=i, year=y, format_version="f2021", parse_status="ok",
                                               level="county", tables_found="t3")
                                          for r, a, k, i, y in reports]).reindex(
        columns=schemas.tables()["dim_reports"].column_names)
    frames["fct_outcomes"] = pd.DataFrame(
        _outcomes("h23", 2023, [80, 5, 3, 7, 95]) + _outcomes("h24", 2024, [80, 5, 3, 7, 95])
        + _outcomes("o23", 2023, [1, 0, 0, 0, 1])).reindex(columns=schemas.tables()["fct_outcomes"].column_names)
    apps = [dict(report_id=r, year=y, stage=s, applicant_type="total", value=v, source="table", flags="",
                 verified=False)
            for r, y, s, v in (("h23", 2023, "carried_to_next", 4), ("h24", 2024, "carried_over", 0),
                               ("o23", 2023, "carried_to_next", 0))]
    frames["fct_applications"] = pd.DataFrame(apps).reindex(columns=schemas.tables()["fct_applications"].column_names)
    frames["report_texts"] = pd.DataFrame([{"report_id": r, "text": f"{a}{y}年政府信息公开工作年度报告"}
                                           for r, a, _, _, y in reports])
    frames = {t: df.astype(schemas.pandas_dtypes(t)) for t, df in frames.items()}
    write_warehouse(frames, tmp_path / "wh")
    got = {(r[0], r[1]): r for r in _signals(tmp_path / "wh")}
    assert set(got) == {("h24", "signal.copied_table"), ("h24", "signal.carry_over"), ("h23", "signal.missing_year")}
    assert "h23.txt" in got[("h24", "signal.copied_table")][7]
    assert got[("h24", "signal.carry_over")][5:7] == (4.0, 0.0)
    assert "none for 2022" in got[("h23", "signal.missing_year")][7]
