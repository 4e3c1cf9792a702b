"""Classes of real reports that were read wrong, or not at all, on unseen input (issue 15):
each is rendered here (and by `ogi synth`), and every published cell must be right while
the cells the rendering prints are read."""
import re

import pytest

from pipelines.parse.extract import extract_report
from test_layouts import HEAD, ROWS, TAIL

T3_CODES = ["new_received", "carried_over", "granted", "partially_granted", "withheld", "withheld.state_secret",
            "withheld.prohibited_by_law", "withheld.security_stability", "withheld.third_party_rights",
            "withheld.internal_affairs", "withheld.process_information", "withheld.enforcement_file",
            "withheld.administrative_query", "unable", "unable.not_held", "unable.needs_creation",
            "unable.unclear_after_correction", "not_processed", "not_processed.petition_complaint",
            "not_processed.duplicate", "not_processed.publication", "not_processed.excessive_repeat",
            "not_processed.confirm_or_reissue", "other", "other.no_correction", "other.unpaid_fee", "other.other",
            "total", "carried_to_next"]
COLS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org",
        "other_org", "total"]
GROUP_LABELS = ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")


def _t3_truth(rows) -> dict:
    out = {}
    for label, v in rows:
        code = T3_CODES[[lab for lab, _ in ROWS].index(label)]
        table = "fct_applications" if code in ("new_received", "carried_over", "carried_to_next") else "fct_outcomes"
        for c, x in zip(COLS, v):
            out[(table, code, c)] = x
    return out


def _facts(text: str, name: str = "x.txt"):
    res = extract_report(text.encode(), name)
    return res, {(f.table, f.key1, f.key2): f.value for f in res.facts}


def _ordinal(label: str, style: str) -> str:
    m = re.match(r"^(\d)\.(.*)$", label)
    if not m:
        return label
    n, rest = m.groups()
    return {"dot": f"{n}.", "comma": f"{n}、", "paren": f"({n})", "fparen": f"（{n}）", "half": f"{n})",
            "full": chr(0xFF10 + int(n)) + "．"}[style] + rest


@pytest.mark.parametrize("style", ["dot", "comma", "paren", "fparen", "half", "full"])
@pytest.mark.parametrize("label_gap", ["", " ", "\n"])
@pytest.mark.parametrize("cell_gap", ["", " "])
@pytest.mark.parametrize("subtotals", [True, False])
def test_row_digits_glued_to_the_next_rows_ordinal(style, label_gap, cell_gap, subtotals):
    """Crawler text: `…政府信息公开申请 10000012.申请人逾期…` is the row 1|0|0|0|0|0|1, then
    the label `2.申请人…`. The ordinal belongs to the label that follows, never to the
    row's digits; every row is read, none shifted."""
    rows = [(lab, v) for lab, v in ROWS if subtotals or lab not in GROUP_LABELS]
    body = "".join(f"{_ordinal(lab, style)}{label_gap}" + cell_gap.join(map(str, v)) for lab, v in rows)
    res, f = _facts(HEAD + body + "\n" + TAIL)
    truth = _t3_truth(rows)
    got = {k: f[k] for k in truth if k in f}
    assert got == truth
    assert not [k for k in f if k[0] in ("fct_applications", "fct_outcomes") and k not in truth]
    assert f[("fct_outcomes", "other.no_correction", "natural_person")] == 1
    assert f[("fct_outcomes", "other.unpaid_fee", "total")] == 0
    assert f[("fct_outcomes", "other.other", "legal_service_org")] == 1


def test_the_issue_example_reads_the_three_other_rows():
    text = HEAD + "".join(f"{lab} " + "".join(map(str, v)) for lab, v in ROWS) + "\n" + TAIL
    assert "政府信息公开申请 10000012.申请人逾期未按收费通知" in text
    _, f = _facts(text)
    assert [f[("fct_outcomes", "other.no_correction", c)] for c in COLS] == [1, 0, 0, 0, 0, 0, 1]
    assert [f[("fct_outcomes", "other.unpaid_fee", c)] for c in COLS] == [0] * 7
    assert [f[("fct_outcomes", "other.other", c)] for c in COLS] == [0, 0, 0, 0, 1, 0, 1]


def test_an_order_reading_may_not_cut_a_row_across_a_label():
    """A template-order cut whose row takes digits from both sides of another row's label
    moved digits across a label boundary: it is not a reading."""
    from pipelines.parse.labels import Label
    from pipelines.parse.table3 import Cell, _straddles_label

    label = Label("other.unpaid_fee", "leaf", 100, 110, "2.申请人逾期未按收费通知")
    inside = [[Cell(1.0, 90, 91), Cell(0.0, 92, 93), Cell(1.0, 111, 112)]]
    before = [[Cell(1.0, 90, 91), Cell(0.0, 92, 93), Cell(1.0, 94, 95)], [Cell(0.0, 111, 112), Cell(0.0, 113, 114)]]
    assert _straddles_label(inside, [label])
    assert not _straddles_label(before, [label])
    heading = Label("results", "heading", 100, 110, "三、本年度办理结果")
    assert not _straddles_label(inside, [heading])  # a vertical group label is printed anywhere


F2019_T2 = ("二、主动公开政府信息情况\n第二十条第(一)项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
            "规章\t0\t0\t0\n规范性文件\t89\t89\t89\n第二十条第(五)项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
            "行政许可\t{lic}\n其他对外管理服务事项\t10\t0\t153\n第二十条第(六)项\n"
            "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政处罚\t2648\t0\t430\n行政强制\t126\t0\t25\n"
            "第二十条第(八)项\n信息内容\t上一年项目数量\t本年增/减\n行政事业性收费{fee}\n")


@pytest.mark.parametrize("fee,lic,want_fee,want_lic", [
    ("35-15", "396\t+3\t181", -15, 3),
    ("\t35-15", "396-2\t181", -15, -2),
    ("\t35\t－15", "396\t−2\t181", -15, -2),
    ("\t35\t-15", "396\t减少2\t181", -15, -2),
    ("35+15", "396\t2\t181", 15, 2),
])
def test_signed_changes_keep_their_sign(fee, lic, want_fee, want_lic):
    """本年增/减 is the only measure that can be negative: `35-15` is 35 | −15."""
    text = "某某区人民政府2019年政府信息公开工作年度报告\n" + F2019_T2.format(fee=fee, lic=lic) + \
        "三、收到和处理政府信息公开申请情况\n无。\n"
    _, f = _facts(text)
    assert f[("fct_proactive_disclosures", "administrative_fees", "prior_year_items")] == 35
    assert f[("fct_proactive_disclosures", "administrative_fees", "items_change")] == want_fee
    assert f[("fct_proactive_disclosures", "administrative_licensing", "items_change")] == want_lic
    assert f[("fct_proactive_disclosures", "administrative_licensing", "decisions")] == 181
    assert f[("fct_proactive_disclosures", "administrative_penalty", "prior_year_items")] == 2648


# Blank for zero: a province portal prints every 0 as an empty cell (<td>&nbsp;</td>) and
# leaves the 总计 column blank on every outcome row but （七）总计.
_NOT_OUTCOME = ("一、", "二、", "四、")


def _blank_html(rows, blank_totals: bool = True, t4=(1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0)) -> str:
    def td(v, blank=False):
        return "<td>&nbsp;</td>" if v == 0 or blank else f"<td>{v}</td>"

    h = ["<html><body><h1>某某县人民政府2022年政府信息公开工作年度报告</h1><p>一、总体情况</p>",
         "<p>二、主动公开政府信息情况</p><table border=1><tr><td colspan=4>第二十条第（一）项</td></tr>",
         "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>",
         "<tr><td>规章</td><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr>",
         "<tr><td>行政规范性文件</td><td>3</td><td>1</td><td>40</td></tr></table>",
         "<p>三、收到和处理政府信息公开申请情况</p><table border=1>",
         "<tr><td colspan=3 rowspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
         "<td colspan=7>申请人情况</td></tr>",
         "<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>",
         "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"]
    n_results = sum(1 for lab, _ in rows if not lab.startswith(_NOT_OUTCOME))
    for lab, v in rows:
        lab = lab.replace("三、本年度办理结果\t", "")
        outcome = not lab.startswith(_NOT_OUTCOME) and "总计" not in lab
        tds = "".join(td(x) for x in v[:6]) + td(v[6], blank_totals and outcome)
        if lab.startswith(_NOT_OUTCOME):
            h.append(f"<tr><td colspan=3>{lab}</td>{tds}</tr>")
        elif lab.startswith("（一）"):
            h.append(f"<tr><td rowspan={n_results}>三、本年度办理结果</td><td colspan=2>{lab}</td>{tds}</tr>")
        else:
            h.append(f"<tr><td colspan=2>{lab}</td>{tds}</tr>")
    h.append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>"
             "<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr><tr>"
             + "".join(f"<td rowspan=2>{x}</td>" for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
             + "<td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr><tr>"
             + "".join(f"<td>{x}</td>" for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2)
             + "</tr><tr>" + "".join(td(x) for x in t4) + "</tr></table>"
             "<p>五、存在的主要问题及改进情况</p><p>无。</p></body></html>")
    return "\n".join(h)


def _blank_truth(rows, blank_totals: bool = True) -> dict:
    out = {}
    for (table, code, col), x in _t3_truth(rows).items():
        outcome = code not in ("new_received", "carried_over", "carried_to_next", "total")
        out[(table, code, col)] = None if x == 0 or (blank_totals and outcome and col == "total") else x
    return out


def _to_markdown(text: str) -> str:
    """A converter's markdown of the page: every table a full grid of pipes."""
    out, in_table = [], False
    for ln in text.split("\n"):
        if "\t" in ln:
            cells = [c.strip() for c in ln.split("\t")]
            out.append("| " + " | ".join(cells) + " |")
            if not in_table:
                out.append("|" + "---|" * len(cells))
            in_table = True
        else:
            in_table = False
            out.append(ln)
    return "\n".join(out)


def _to_tab_text(text: str) -> str:
    """A crawler's text of the page: TAB rows, empty cells and span slots alike ''."""
    return "\n".join("\t".join("" if c == " " else c for c in ln.split("\t")) for ln in text.split("\n"))


@pytest.mark.parametrize("blank_totals", [True, False])
@pytest.mark.parametrize("fmt", ["html", "markdown", "tabtext"])
def test_blank_for_zero_tables_publish_the_printed_cells(fmt, blank_totals):
    """Zeros printed as empty cells (HTML boxes, the empty cells of a markdown or TAB grid)
    are cells with value NULL; a blank 总计 fails no row: its sums are not evaluated."""
    from pipelines.formats.html import html_to_text

    page = _blank_html(ROWS, blank_totals)
    data, name = {"html": (page, "b.html"), "markdown": (_to_markdown(html_to_text(page.encode())), "b.md"),
                  "tabtext": (_to_tab_text(html_to_text(page.encode())), "b.txt")}[fmt]
    res, f = _facts(data, name)
    truth = _blank_truth(ROWS, blank_totals)
    got = {k: f.get(k, "missing") for k in truth}
    assert got == truth
    assert f[("fct_outcomes", "granted", "natural_person")] == 10
    assert f[("fct_outcomes", "total", "total")] == 25
    t4 = {k[1:]: v for k, v in f.items() if k[0] == "fct_review_litigation"}
    assert t4[("administrative_review", "total")] == 2 and t4[("litigation_direct", "upheld")] is None
    assert len(t4) == 15
    assert [f[("fct_proactive_disclosures", "regulations", m)] for m in ("issued", "repealed", "in_force")] == [None] * 3
    failed = {c.check for c in res.checks if not c.passed and c.severity == "error"}
    assert not failed  # no identity fails because a total is blank
    ne = [c for c in res.checks if c.check == "t3.row_total" and not c.passed]
    assert bool(ne) == blank_totals and all("a total printed blank" in c.detail for c in ne)
    assert not [c for c in res.checks if c.check in ("t3.withheld", "t4.withheld")]
    verified = {(x.key1, x.key2): x.verified for x in res.facts if x.table == "fct_outcomes"}
    # verified where every sum over the cell holds with blanks as 0; a blank total's row sum is not evaluated
    assert verified[("granted", "natural_person")] == (not blank_totals)
    assert verified[("granted", "total")] == (not blank_totals)
    assert verified[("total", "commercial_enterprise")]


def test_a_table_printed_all_blank_is_read_as_blank():
    from pipelines.formats.html import html_to_text

    page = _blank_html(ROWS, t4=(0,) * 15)
    _, f = _facts(page, "b.html")
    t4 = [v for k, v in f.items() if k[0] == "fct_review_litigation"]
    assert t4 == [None] * 15
    _, f = _facts(_to_markdown(html_to_text(page.encode())), "b.md")
    assert [v for k, v in f.items() if k[0] == "fct_review_litigation"] == [None] * 15


def test_an_empty_markdown_cell_of_a_ragged_table_is_not_a_blank():
    """Where the markdown rows have different widths (a PDF converted to markdown), an
    empty cell may be a cell the converter lost: never read as blank."""
    rows = "".join(f"| {lab.replace(chr(9), ' | ')} | " + " | ".join(map(str, v)) + " |\n" for lab, v in ROWS)
    rows = rows.replace("| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
                        "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 |  |")
    head = HEAD.split("三、收到和处理")[0] + "三、收到和处理政府信息公开申请情况\n| 申请人情况 | 自然人 | 商业企业 | 科研机构 | " \
        "社会公益组织 | 法律服务机构 | 其他 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
    _, f = _facts(head + rows + "\n" + TAIL, "r.md")
    assert f.get(("fct_applications", "carried_to_next", "total"), "missing") in ("missing", 1)
    assert f[("fct_applications", "carried_to_next", "natural_person")] == 1


# Pre-2019 reports: the statistics table of 2014-2018 and prose-only reports.
STAT_ROWS = [("一、主动公开情况", "——", "——"), ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "1853"),
             ("其中：主动公开规范性文件数", "条", "12"), ("制发规范性文件总数", "件", "12"),
             ("（二）通过不同渠道和方式公开政府信息的情况", "——", "——"), ("1.政府公报公开政府信息数", "条", "0"),
             ("2.政府网站公开政府信息数", "条", "1853"), ("3.政务微博公开政府信息数", "条", "320"),
             ("二、回应解读情况", "——", "——"),
             ("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", "3"),
             ("三、依申请公开情况", "——", "——"), ("（一）收到申请数", "件", "5"), ("1.当面申请数", "件", "1"),
             ("2.传真申请数", "件", "0"), ("3.网络申请数", "件", "4"), ("4.信函申请数", "件", "0"),
             ("（三）申请答复数", "件", "5"), ("1.属于已主动公开范围数", "件", "1"), ("2.同意公开答复数", "件", "2"),
             ("3.同意部分公开答复数", "件", "1"), ("4.不同意公开答复数", "件", "0"), ("5.不属于本行政机关公开数", "件", "1"),
             ("四、行政复议数量", "件", "1"), ("（一）维持具体行政行为数", "件", "1"), ("（二）被依法纠错数", "件", "0"),
             ("（三）其他情形数", "件", "0"), ("五、行政诉讼数量", "件", "0")]
STAT_TRUTH = {("fct_proactive_disclosures", "all_information", "count"): 1853,
              ("fct_applications", "new_received", "total"): 5, ("fct_applications", "new_received.in_person", "total"): 1,
              ("fct_applications", "new_received.fax", "total"): 0, ("fct_applications", "new_received.online", "total"): 4,
              ("fct_applications", "new_received.letter", "total"): 0, ("fct_outcomes", "total", "total"): 5,
              ("fct_outcomes", "granted", "total"): 2, ("fct_outcomes", "partially_granted", "total"): 1,
              ("fct_outcomes", "withheld", "total"): 0, ("fct_outcomes", "unable.not_this_agency", "total"): 1,
              ("fct_review_litigation", "administrative_review", "total"): 1,
              ("fct_review_litigation", "administrative_review", "upheld"): 1,
              ("fct_review_litigation", "administrative_review", "corrected"): 0,
              ("fct_review_litigation", "administrative_review", "other"): 0,
              ("fct_review_litigation", "litigation", "total"): 0}


@pytest.mark.parametrize("sep", ["\t", "", "\n", " "])
def test_the_count_rule_in_a_statistics_label_is_no_figure(sep):
    """（不同渠道和方式公开相同信息计1条） inside the label of 主动公开政府信息数: its 1 is never
    the row's figure (1853), in tab rows, crawler text run together, one cell per line."""
    text = ("某某市人民政府2016年政府信息公开工作年度报告\n本报告所列数据的统计期限自2016年1月1日起至2016年12月31日止。\n"
            "附表：政府信息公开情况统计表\n" + sep.join(("统计指标", "单位", "统计数")) + "\n"
            + "".join(sep.join(r) + ("\n" if sep else "") for r in STAT_ROWS))
    res, f = _facts(text)
    assert {k: f.get(k, "missing") for k in STAT_TRUTH} == STAT_TRUTH
    assert not [k for k, v in f.items() if k not in STAT_TRUTH]
    assert res.report.format_version == "pre2019"


PROSE_2014 = ("某某市统计局2014年政府信息公开工作年度报告\n本报告所列数据的统计期限自2014年1月1日起至2014年12月31日止。\n"
              "一、概述\n2014年，我局通过门户网站公开各类信息46条。\n二、依申请公开情况\n本年度没有接到政府信息公开申请。\n"
              "三、行政复议情况\n本年度未发生针对本局政府信息公开事务的行政复议案、行政诉讼案和有关的申诉案。\n"
              "四、收费情况\n本年度无政府信息公开收费。\n")


def test_prose_only_report_statements_of_zero_and_its_total():
    res, f = _facts(PROSE_2014)
    assert f == {("fct_proactive_disclosures", "all_information", "count"): 46,
                 ("fct_applications", "new_received", "total"): 0,
                 ("fct_review_litigation", "administrative_review", "total"): 0,
                 ("fct_review_litigation", "litigation", "total"): 0,
                 ("fct_review_litigation", "complaint", "total"): 0}
    assert res.report.year == 2014 and res.report.format_version == "pre2019"
    assert all(x.source == "narrative" and not x.verified for x in res.facts)


@pytest.mark.parametrize("passage,want", [
    # the year's own figure beside a running total and a part: the year's
    ("2012年，全县主动公开政府信息1200条，其中通过门户网站公开信息1100条。截至目前累计主动公开政府信息8000条。", 1200),
    ("全年主动公开政府信息120条。在政府网站主动公开信息80条。", 120),
    # one figure per channel, none said to be the total: none
    ("2012年，通过门户网站公开信息300条，通过政府公报公开信息20条。", None),
    ("本机关通过门户网站公开信息300条，通过政府公报公开信息20条。", None),
])
def test_competing_proactive_figures_resolved_by_phrasing_or_withheld(passage, want):
    text = "某某县人民政府2012年政府信息公开工作年度报告\n一、概述\n" + passage + "\n二、依申请公开\n全年未接到公民、法人或其他组织提出的政府信息公开申请。\n"
    res, f = _facts(text)
    assert f.get(("fct_proactive_disclosures", "all_information", "count")) == want
    assert f[("fct_applications", "new_received", "total")] == 0
    if want is None:
        assert [c for c in res.checks if c.check == "narrative.ambiguous" and "all_information" in c.subject]
