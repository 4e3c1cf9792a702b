"""Table layouts beyond the seeds, built here from the template's labels: subtotal rows,
a 小计 column, HTML tables, flattened digit runs."""
from pipelines.parse.extract import extract_report

ROWS = [
    ("一、本年新收政府信息公开申请数量", [20, 3, 0, 0, 1, 0, 24]),
    ("二、上年结转政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2]),
    ("三、本年度办理结果\t（一）予以公开", [10, 1, 0, 0, 0, 0, 11]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [2, 0, 0, 0, 0, 0, 2]),
    ("（三）不予公开", [3, 0, 0, 0, 0, 0, 3]),
    ("1.属于国家秘密", [0] * 7), ("2.其他法律行政法规禁止公开", [0] * 7),
    ("3.危及“三安全一稳定”", [1, 0, 0, 0, 0, 0, 1]), ("4.保护第三方合法权益", [0] * 7),
    ("5.属于三类内部事务信息", [2, 0, 0, 0, 0, 0, 2]), ("6.属于四类过程性信息", [0] * 7),
    ("7.属于行政执法案卷", [0] * 7), ("8.属于行政查询事项", [0] * 7),
    ("（四）无法提供", [4, 2, 0, 0, 0, 0, 6]),
    ("1.本机关不掌握相关政府信息", [4, 2, 0, 0, 0, 0, 6]), ("2.没有现成信息需要另行制作", [0] * 7),
    ("3.补正后申请内容仍不明确", [0] * 7),
    ("（五）不予处理", [1, 0, 0, 0, 0, 0, 1]),
    ("1.信访举报投诉类申请", [1, 0, 0, 0, 0, 0, 1]), ("2.重复申请", [0] * 7), ("3.要求提供公开出版物", [0] * 7),
    ("4.无正当理由大量反复申请", [0] * 7), ("5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("（六）其他处理", [1, 0, 0, 0, 1, 0, 2]),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [1, 0, 0, 0, 0, 0, 1]),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("3.其他", [0, 0, 0, 0, 1, 0, 1]),
    ("（七）总计", [21, 3, 0, 0, 1, 0, 25]),
    ("四、结转下年度继续办理", [1, 0, 0, 0, 0, 0, 1]),
]
HEAD = ("某某县人民政府\n2022年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息120条。\n"
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\t0\t0\t0\n行政规范性文件\t3\t1\t40\n第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t120\n"
        "第二十条第（六）项\n信息内容\t本年处理决定数量\n行政处罚\t33\n行政强制\t0\n第二十条第（八）项\n"
        "信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t12.5\n"
        "三、收到和处理政府信息公开申请情况\n\t申请人情况\n\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n")
TAIL = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\t\t\t\t\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
        + "\t".join(map(str, [1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])) + "\n五、存在的主要问题及改进情况\n无。\n")


def _report(rows):
    body = "".join(f"{label}\t" + "\t".join(map(str, v)) + "\n" for label, v in rows)
    return (HEAD + body + TAIL).encode("utf-8")


def test_subtotal_rows_published_and_checked():
    res = extract_report(_report(ROWS), "sub.txt")
    f = {(x.table, x.key1, x.key2): x.value for x in res.facts}
    assert f[("fct_outcomes", "withheld", "total")] == 3
    assert f[("fct_outcomes", "unable", "commercial_enterprise")] == 2
    assert f[("fct_outcomes", "other", "legal_service_org")] == 1
    assert f[("fct_outcomes", "other.other", "total")] == 1
    assert f[("fct_outcomes", "withheld.internal_affairs", "total")] == 2
    assert f[("fct_outcomes", "total", "total")] == 25
    failed = [c for c in res.checks if not c.passed]
    assert failed == []
    assert res.report.format_version == "f2021" and res.report.parse_status == "ok"
    assert f[("fct_proactive_disclosures", "administrative_fees", "amount_10k_yuan")] == 12.5
    assert f[("fct_review_litigation", "litigation_direct", "pending")] == 1


def test_subtotal_that_its_sub_rows_do_not_verify_is_not_published():
    rows = [(l, list(v)) for l, v in ROWS]
    rows[4] = ("（三）不予公开", [4, 0, 0, 0, 0, 0, 4])  # sub-rows sum to 3
    res = extract_report(_report(rows), "sub.txt")
    f = {(x.table, x.key1, x.key2): x.value for x in res.facts}
    assert ("fct_outcomes", "withheld", "total") not in f
    assert f[("fct_outcomes", "withheld.internal_affairs", "total")] == 2  # the sub-rows stay
    bad = [c for c in res.checks if c.check == "t3.subtotal" and not c.passed]
    assert [c.subject for c in bad] == ["withheld"]


def test_flattened_rows_split_by_row_totals():
    rows = [(l, v) for l, v in ROWS if l not in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")]
    text = _report(rows).decode()
    # a crawler ran the new-requests row together: 20 3 0 0 1 0 24 -> 203001024
    text = text.replace("一、本年新收政府信息公开申请数量\t20\t3\t0\t0\t1\t0\t24", "一、本年新收政府信息公开申请数量203001024")
    res = extract_report(text.encode(), "flat.txt")
    f = {(x.table, x.key1, x.key2): x for x in res.facts}
    c = f[("fct_applications", "new_received", "natural_person")]
    assert c.value == 20 and "split_digit_run" in c.flags
    assert f[("fct_applications", "new_received", "total")].value == 24


def test_pre2019_prose_breakdowns():
    text = ("某某市国土资源局2012年政府信息公开工作年度报告\n一、概述\n2012年，我局主动公开政府信息356条。"
            "共受理政府信息公开申请12件，其中当面申请5件，网上申请4件，信函申请3件。已答复12件，其中同意公开8件，"
            "同意部分公开2件，不予公开1件，信息不存在1件。全年未发生政府信息公开行政复议和行政诉讼案件。\n"
            "某某市国土资源局\n2013年3月20日\n")
    res = extract_report(text.encode("gb18030"), "old.txt")
    f = {(x.table, x.key1, x.key2): x.value for x in res.facts}
    assert res.report.format_version == "pre2019" and res.report.year == 2012
    assert res.report.agency == "某某市国土资源局"
    assert f == {
        ("fct_proactive_disclosures", "all_information", "count"): 356,
        ("fct_applications", "new_received", "total"): 12,
        ("fct_applications", "new_received.in_person", "total"): 5,
        ("fct_applications", "new_received.online", "total"): 4,
        ("fct_applications", "new_received.letter", "total"): 3,
        ("fct_outcomes", "total", "total"): 12,
        ("fct_outcomes", "granted", "total"): 8,
        ("fct_outcomes", "partially_granted", "total"): 2,
        ("fct_outcomes", "withheld", "total"): 1,
        ("fct_outcomes", "unable.nonexistent", "total"): 1,
        ("fct_review_litigation", "administrative_review", "total"): 0,
        ("fct_review_litigation", "litigation", "total"): 0,
    }
    assert all(x.source == "narrative" for x in res.facts)


def test_prose_that_denies_corrections_is_not_a_zero_count():
    text = ("某某区人民政府2012年政府信息公开工作年度报告\n共受理政府信息公开申请3件。"
            "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。\n")
    f = {(x.table, x.key1, x.key2) for x in extract_report(text.encode(), "x.txt").facts}
    assert ("fct_review_litigation", "administrative_review", "total") not in f
    assert ("fct_review_litigation", "litigation", "total") not in f


def _html_report():
    rows = [(l, v) for l, v in ROWS if l not in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")]
    def tr(cells): return "<tr>" + "".join(cells) + "</tr>\n"
    h = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>x</title><script>var a=1;</script></head><body>',
         '<div class="nav">首页 > 政务公开</div><h1>某某县人民政府2022年政府信息公开工作年度报告</h1>',
         '<p>一、总体情况</p><p>全年主动公开政府信息120条。</p><p>二、主动公开政府信息情况</p>',
         '<table border=1><tr><td colspan=4>第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>',
         '<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政规范性文件</td><td>3</td><td>1</td><td>40</td></tr>',
         '<tr><td colspan=4>第二十条第（五）项</td></tr><tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr><tr><td>行政许可</td><td colspan=3>120</td></tr>',
         '<tr><td colspan=4>第二十条第（六）项</td></tr><tr><td>信息内容</td><td colspan=3>本年处理决定数量</td></tr><tr><td>行政处罚</td><td colspan=3>33</td></tr><tr><td>行政强制</td><td colspan=3>0</td></tr>',
         '<tr><td colspan=4>第二十条第（八）项</td></tr><tr><td>信息内容</td><td colspan=3>本年收费金额（单位：万元）</td></tr><tr><td>行政事业性收费</td><td colspan=3>12.5</td></tr></table>',
         '<p>三、收到和处理政府信息公开申请情况</p><table border=1>',
         '<tr><td colspan=3 rowspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=7>申请人情况</td></tr>',
         '<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>',
         '<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>']
    groups = {"（一）予以公开": None}
    first_result = True
    for label, v in rows:
        cells = "".join(f"<td>{x}</td>" for x in v)
        if label.startswith("三、本年度办理结果"):
            h.append(f'<tr><td rowspan=22>三、本年度办理结果</td><td colspan=2>（一）予以公开</td>{cells}</tr>')
        elif label.startswith(("一、", "二、", "四、")):
            h.append(f'<tr><td colspan=3>{label}</td>{cells}</tr>')
        elif label.startswith("（"):
            h.append(f'<tr><td colspan=2>{label}</td>{cells}</tr>')
        else:
            grp = {"1.属于国家秘密": "（三）不予公开", "1.本机关不掌握相关政府信息": "（四）无法提供", "1.信访举报投诉类申请": "（五）不予处理",
                   "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "（六）其他处理"}.get(label)
            n = {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}.get(grp)
            lead = f'<td rowspan={n}>{grp}</td>' if grp else ''
            h.append(f'<tr>{lead}<td>{label}</td>{cells}</tr>')
    h.append('</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>')
    h.append('<tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td><td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>')
    h.append('<tr>' + '<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>' * 2 + '</tr>')
    h.append('<tr>' + ''.join(f'<td>{x}</td>' for x in [1,1,0,0,2,0,0,0,1,1,0,0,0,0,0]) + '</tr></table>')
    h.append('<p>五、存在的主要问题及改进情况</p><p>无。</p><div class="footer">版权所有</div></body></html>')
    return "\n".join(h).encode('gb18030')


def test_html_report_with_rowspans_end_to_end():
    res = extract_report(_html_report(), "report.html")
    assert res.report.file_format == "html" and res.report.parse_status == "ok"
    assert (res.report.agency, res.report.year, res.report.format_version) == ("某某县人民政府", 2022, "f2021")
    f = {(x.table, x.key1, x.key2): x.value for x in res.facts}
    assert len(f) == 201
    assert f[("fct_outcomes", "total", "total")] == 25
    assert f[("fct_outcomes", "withheld.internal_affairs", "natural_person")] == 2
    assert f[("fct_review_litigation", "litigation_direct", "pending")] == 1
    assert f[("fct_proactive_disclosures", "administrative_licensing", "decisions")] == 120
    assert [c for c in res.checks if not c.passed] == []


def test_table_with_many_broken_identities_is_withheld():
    # digits remapped 3<->8 in every row (as a bad PDF font does): row totals break everywhere
    rows = [(l, [8 if x == 3 else x for x in v]) for l, v in ROWS]
    rows = [(l, v[:-1] + [v[-1] + 1] if i % 3 == 0 else v) for i, (l, v) in enumerate(rows)]
    res = extract_report(_report(rows), "remapped.txt")
    keys = {(x.table, x.key1) for x in res.facts}
    assert not any(t in ("fct_applications", "fct_outcomes") for t, _ in keys)
    c = [c for c in res.checks if c.check == "t3.digits_suspect"]
    assert c and not c[0].passed and "not published" in c[0].detail
    assert res.report.parse_status == "partial"


def test_title_inside_book_marks_and_cumulative_prose():
    text = ("关于印发《某某县人民政府2020年政府信息公开工作年度报告》的通知\n"
            "截至目前累计公开政府信息12000条，本年主动公开政府信息450条。\n")
    res = extract_report(text.encode(), "t.txt")
    assert res.report.agency == "某某县人民政府" and res.report.year == 2020
    f = {(x.table, x.key1, x.key2): x.value for x in res.facts}
    assert f[("fct_proactive_disclosures", "all_information", "count")] == 450


def test_ocr_letters_in_number_cells():
    text = _report(ROWS).decode().replace("一、本年新收政府信息公开申请数量\t20\t3", "一、本年新收政府信息公开申请数量\t2O\t3")
    f = {(x.table, x.key1, x.key2): x.value for x in extract_report(text.encode(), "ocr.txt").facts}
    assert f[("fct_applications", "new_received", "natural_person")] == 20


def test_pre2019_statistics_table_2015_style():
    rows = [("统计指标", "单位", "统计数"),
            ("一、主动公开情况", "", ""), ("（一）主动公开政府信息数", "条", "1520"),
            ("二、依申请公开情况", "", ""), ("（一）收到申请数", "件", "12"),
            ("1.当面申请数", "件", "2"), ("2.传真申请数", "件", "0"), ("3.网络申请数", "件", "9"),
            ("4.信函申请数", "件", "1"), ("（二）申请办结数", "件", "12"), ("（三）申请答复数", "件", "12"),
            ("1.属于已主动公开范围数", "件", "3"), ("2.同意公开答复数", "件", "5"), ("3.同意部分公开答复数", "件", "1"),
            ("4.不同意公开答复数", "件", "1"), ("5.不属于本行政机关公开数", "件", "1"), ("6.申请信息不存在数", "件", "1"),
            ("三、行政复议数量", "件", "2"), ("（一）维持具体行政行为数", "件", "1"), ("（二）被依法纠错数", "件", "1"),
            ("（三）其他情形数", "件", "0"), ("四、行政诉讼数量", "件", "1"), ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "1"),
            ("（二）被依法纠错数", "件", "0"), ("（三）其他情形数", "件", "0"), ("五、举报投诉数量", "件", "0")]
    text = ("某某市人民政府2016年政府信息公开工作年度报告\n一、概述\n略。\n附件：政府信息公开情况统计表\n"
            + "\n".join("\t".join(r) for r in rows) + "\n")
    res = extract_report(text.encode(), "old.html.txt")
    f = {(x.table, x.key1, x.key2): x.value for x in res.facts}
    assert res.report.format_version == "pre2019"
    assert f == {
        ("fct_proactive_disclosures", "all_information", "count"): 1520,
        ("fct_applications", "new_received", "total"): 12,
        ("fct_applications", "new_received.in_person", "total"): 2,
        ("fct_applications", "new_received.fax", "total"): 0,
        ("fct_applications", "new_received.online", "total"): 9,
        ("fct_applications", "new_received.letter", "total"): 1,
        ("fct_outcomes", "total", "total"): 12,
        ("fct_outcomes", "granted", "total"): 5,
        ("fct_outcomes", "partially_granted", "total"): 1,
        ("fct_outcomes", "withheld", "total"): 1,
        ("fct_outcomes", "unable.not_this_agency", "total"): 1,
        ("fct_outcomes", "unable.nonexistent", "total"): 1,
        ("fct_review_litigation", "administrative_review", "total"): 2,
        ("fct_review_litigation", "administrative_review", "upheld"): 1,
        ("fct_review_litigation", "administrative_review", "corrected"): 1,
        ("fct_review_litigation", "administrative_review", "other"): 0,
        ("fct_review_litigation", "litigation", "total"): 1,
        ("fct_review_litigation", "litigation", "upheld"): 1,
        ("fct_review_litigation", "litigation", "corrected"): 0,
        ("fct_review_litigation", "litigation", "other"): 0,
    }


def test_label_data_files_parse_cleanly():
    """Every pattern table has exactly its columns (a comma inside a pattern must be quoted)."""
    import csv

    from pipelines.parse.labels import DATA

    for path in DATA.glob("*.csv"):
        with open(path, encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        widths = {len(r) for r in rows if r}
        assert len(widths) == 1, (path.name, widths)
