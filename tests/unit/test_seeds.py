"""Each seed layout and each repair, with cell values asserted from the hand-read gold."""
import pytest

from conftest import sample
from pipelines.parse.extract import extract_path


def facts_of(prefix):
    res = extract_path(sample(prefix))
    return res, {(f.table, f.key1, f.key2): f for f in res.facts}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_gold_cell_is_read(prefix, seed_gold):
    res, facts = facts_of(prefix)
    gold = seed_gold[sample(prefix).name]
    wrong = {k: (facts[k].value if k in facts else "missing", v) for k, v in gold.items()
             if k not in facts or facts[k].value != v}
    assert wrong == {}
    extra = [k for k, f in facts.items() if k not in gold and f.value not in (None, 0)]
    assert extra == []


def test_000_one_cell_per_line_single_other_row():
    res, f = facts_of("000")
    assert res.report.format_version == "f2021"
    assert f[("fct_outcomes", "other", "natural_person")].value == 10
    assert ("fct_outcomes", "other.other", "total") not in f
    assert f[("fct_outcomes", "partially_granted", "total")].value == 18
    assert f[("fct_proactive_disclosures", "administrative_fees", "amount_10k_yuan")].value == 379.2
    assert f[("fct_review_litigation", "litigation_direct", "total")].value == 6
    assert res.report.agency == "石家庄高新技术产业开发区"
    assert (res.report.province, res.report.city, res.report.county) == ("河北省", "石家庄市", None)


def test_001_stray_cells_dropped_and_collapsed_row_derived():
    res, f = facts_of("001")
    # 1 0 0 0 0 0 0 1: eight cells for seven; the row total decides which zero is stray
    c = f[("fct_outcomes", "unable.not_held", "natural_person")]
    assert c.value == 1 and "dropped_stray_cell" in c.flags
    assert f[("fct_outcomes", "unable.not_held", "total")].value == 1
    # (一) 予以公开 printed one number: all seven cells derived from the column identities
    g = f[("fct_outcomes", "granted", "natural_person")]
    assert g.value == 0 and g.source == "derived" and "derived" in g.flags
    assert f[("fct_outcomes", "other.no_correction", "total")].value == 0  # split (六) rows
    assert f[("fct_proactive_disclosures", "all_information", "count")].value == 422
    assert f[("fct_proactive_disclosures", "all_information", "count")].source == "narrative"
    assert any(c.check == "t3.row_read" and c.subject == "granted" and c.passed for c in res.checks)
    assert res.report.parse_status == "ok"


def test_002_prose_only_pre2019():
    res, f = facts_of("002")
    assert res.report.format_version == "pre2019"
    assert res.report.year == 2017
    assert res.report.agency == "石家庄市新华区人民政府"
    assert (res.report.county, res.report.region_code) == ("新华区", "130105")
    t = f[("fct_outcomes", "total", "total")]
    assert t.value == 23 and t.source == "narrative"
    assert res.text[t.span_start:t.span_end] == "23"
    # 安监局公开政务信息1001条 is not the report's proactive total
    assert ("fct_proactive_disclosures", "all_information", "count") not in f


def test_003_table4_unreadable_falls_back_to_prose():
    res, f = facts_of("003")
    assert res.report.agency == "衡水市桃城区人民政府"
    assert res.report.parse_status == "partial"
    chk = [c for c in res.checks if c.check == "t4.read"]
    assert chk and not chk[0].passed and "8 numbers for 15 cells" in chk[0].detail
    assert f[("fct_review_litigation", "administrative_review", "total")].value == 4
    assert f[("fct_review_litigation", "administrative_review", "corrected")].source == "narrative"
    assert f[("fct_review_litigation", "administrative_review", "other")].value == 0  # 4 − 1 − 2 − 1
    assert f[("fct_review_litigation", "litigation", "pending")].value == 2
    assert ("fct_review_litigation", "litigation_direct", "total") not in f
    # labels split over lines (商业\n企业, 结果\n纠正) still map; 8000余条 is approximate
    assert f[("fct_applications", "new_received", "commercial_enterprise")].value == 2
    assert ("fct_proactive_disclosures", "all_information", "count") not in f


def test_004_pipe_cells_f2019_blank_cell():
    res, f = facts_of("004")
    assert res.report.format_version == "f2019"
    assert res.report.year == 2020
    blank = f[("fct_outcomes", "not_processed.confirm_or_reissue", "natural_person")]
    assert blank.value is None  # printed blank, not 0
    assert f[("fct_outcomes", "not_processed.confirm_or_reissue", "total")].value == 0
    assert f[("fct_proactive_disclosures", "administrative_licensing", "items_change")].value == 107
    assert f[("fct_proactive_disclosures", "centralized_procurement", "procurement_amount_10k_yuan")].value == 19696.99
    assert f[("fct_proactive_disclosures", "normative_documents", "newly_published")].value == 7
    assert ("fct_proactive_disclosures", "administrative_fees", "decisions") not in f
    assert res.report.agency == "福州高新技术产业开发区"


def test_spans_point_at_the_printed_number():
    res, f = facts_of("004")
    c = f[("fct_applications", "carried_over", "natural_person")]
    assert res.text[c.span_start:c.span_end] == "11"
