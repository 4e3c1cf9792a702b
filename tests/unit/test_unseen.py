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
