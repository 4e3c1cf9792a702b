"""Regressions from a red-team pass over realistic report variants: each input once made
ogi publish a wrong cell or wrong metadata."""
import pytest

from pipelines.parse.extract import extract_report
from pipelines.parse.regions import resolve_region


def run(text: str, name: str = "x.txt"):
    res = extract_report(text.encode("utf-8"), name)
    return res, {(f.table, f.key1, f.key2): f.value for f in res.facts}


@pytest.mark.parametrize("text,agency,year", [
    ("2022年政府信息公开工作年度报告\n一、总体情况\n2022年，我局主动公开政府信息120条。\n某某县交通运输局\n2023年1月18日\n",
     "某某县交通运输局", 2022),
    ("政府信息公开年报\n某某县人民政府2022年政府信息公开工作年度报告\n", "某某县人民政府", 2022),
    ("首页 > 信息公开 > 年报\n某某县人民政府2022年政府信息公开工作年度报告\n", "某某县人民政府", 2022),
    ("某某市生态环境局关于2022年度政府信息公开工作年度报告的公告\n", "某某市生态环境局", 2022),
    ("某某县人民政府办公室关于印发某某县人民政府2022年政府信息公开工作年度报告的通知\n", "某某县人民政府", 2022),
    ("2022年政府信息公开工作年度报告\n如对本报告有任何疑问，请与县政府办公室联系。\n", None, 2022),
])
def test_agency_from_titles_signatures_and_wrappers(text, agency, year):
    res, _ = run(text)
    assert (res.report.agency, res.report.year) == (agency, year)


@pytest.mark.parametrize("agency,want", [
    ("长春镇人民政府", (None, None, None)),
    ("北京路街道办事处", (None, None, None)),
    ("南京东路街道办事处", (None, None, None)),
    ("中山市南区街道办事处", ("广东省", "中山市", None)),
    ("海南州人民政府", (None, None, None)),
    ("吉林省教育厅", ("吉林省", None, None)),
    ("朝阳区人民政府", (None, None, None)),
    ("北京市朝阳区人民政府", ("北京市", None, "朝阳区")),
    ("长春市朝阳区人民政府", ("吉林省", "长春市", "朝阳区")),
])
def test_region_names_inside_other_names(agency, want):
    r = resolve_region(agency)
    assert (r.province, r.city, r.county) == want


def test_template_report_with_image_tables_is_partial_not_pre2019():
    res, f = run("某某县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n2022年，全县主动公开政府信息1536条。\n"
                 "二、主动公开政府信息情况\n（见附图）\n三、收到和处理政府信息公开申请情况\n（见附图）\n"
                 "四、政府信息公开行政复议、行政诉讼情况\n（见附图）\n五、存在的主要问题及改进情况\n无。\n")
    # the template told by the section headings and the year (CONTRACT.md), the status by the tables
    assert res.report.format_version == "f2021" and res.report.parse_status == "partial"
    assert f == {("fct_proactive_disclosures", "all_information", "count"): 1536}


def test_pre2019_blank_cumulative_and_thousands():
    res, f = run("某某县人民政府2014年政府信息公开工作年度报告\n指标名称\t计量单位\t本年度\t历年累计\n"
                 "主动公开政府信息数\t条\t1,425\t3516\n收到申请数\t件\t12\t\n对申请的答复数\t件\t12\t—\n")
    assert f == {("fct_proactive_disclosures", "all_information", "count"): 1425,
                 ("fct_applications", "new_received", "total"): 12, ("fct_outcomes", "total", "total"): 12}
    # flattened, with the 累计 column empty: 12 could be 1|2 or 12; nothing is published for it
    res, f = run("某某县人民政府2011年政府信息公开工作年度报告\n指标名称计量单位2011年度历年累计受理依申请公开信息总数条12"
                 "其中:1.当面申请数条12.网上申请数条11\n")
    assert ("fct_applications", "new_received", "total") not in f or f[("fct_applications", "new_received", "total")] == 12


@pytest.mark.parametrize("prose,absent", [
    ("2012年，我局主动公开政府信息1200余条，其中通过门户网站发布政府信息800条。", ("fct_proactive_disclosures", "all_information", "count")),
    ("截至2012年12月31日，我局共主动公开政府信息15000条。", ("fct_proactive_disclosures", "all_information", "count")),
    ("共受理政府信息公开申请12件，已答复12件，其中同意公开或部分公开的10件。", ("fct_outcomes", "partially_granted", "total")),
    ("全年主动公开政府信息356条。推进依法行政，全年受理行政复议15件，行政诉讼应诉8件。", ("fct_review_litigation", "administrative_review", "total")),
    ("行政诉讼1件，系未经行政复议直接起诉案件。", ("fct_review_litigation", "administrative_review", "total")),
    ("共收到政府信息公开申请25件（含上年结转3件）。", ("fct_applications", "new_received", "total")),
])
def test_prose_figures_that_are_not_the_cell(prose, absent):
    _, f = run("某某市国土资源局2012年政府信息公开工作年度报告\n" + prose + "\n")
    assert absent not in f


def test_litigation_stated_with_an_unrelated_negation():
    _, f = run("某某市国土资源局2016年政府信息公开工作年度报告\n全年主动公开政府信息356条。"
               "因政府信息公开引起行政诉讼2件，均为未经行政复议直接提起行政诉讼的案件。\n")
    assert f[("fct_review_litigation", "litigation", "total")] == 2
    assert ("fct_review_litigation", "administrative_review", "total") not in f


def test_units_and_signs_in_table_two():
    from test_layouts import HEAD, ROWS, TAIL

    body = "".join(f"{label}\t" + "\t".join(map(str, v)) + "\n" for label, v in ROWS)
    text = (HEAD + body + TAIL).replace("信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t12.5",
                                        "信息内容\t本年收费金额（元）\n行政事业性收费\t3940")
    _, f = run(text)
    assert f[("fct_proactive_disclosures", "administrative_fees", "amount_10k_yuan")] == pytest.approx(0.394)


def test_transposed_table_four_read_by_row_labels():
    from test_layouts import HEAD, ROWS

    body = "".join(f"{label}\t" + "\t".join(map(str, v)) + "\n" for label, v in ROWS)
    t4 = ("四、政府信息公开行政复议、行政诉讼情况\n\t行政复议\t未经复议直接起诉\t复议后起诉\n"
          "结果维持\t1\t2\t0\n结果纠正\t1\t0\t0\n其他结果\t0\t0\t1\n尚未审结\t0\t1\t0\n总计\t2\t3\t1\n"
          "五、存在的主要问题及改进情况\n无。\n")
    res, f = run(HEAD + body + t4)
    assert f[("fct_review_litigation", "litigation_direct", "total")] == 3
    assert f[("fct_review_litigation", "litigation_after_review", "other")] == 1
    assert f[("fct_review_litigation", "administrative_review", "corrected")] == 1


def test_rows_printed_as_dashes_are_blank_not_zero():
    from test_layouts import HEAD, ROWS, TAIL

    rows = [(l, ["—"] * 7 if l.startswith("四、结转") else v) for l, v in ROWS]
    body = "".join(f"{label}\t" + "\t".join(map(str, v)) + "\n" for label, v in rows)
    res = extract_report((HEAD + body + TAIL).encode(), "d.txt")
    cells = {(x.key1, x.key2): x for x in res.facts if x.table == "fct_applications"}
    assert cells[("carried_to_next", "total")].value is None
    assert cells[("carried_to_next", "total")].source == "table"
