"""The dev corpus (read from ../shared/corpus/dev, never copied): each hard case of
NOTES.md with asserted values, and a floor on the whole corpus against its gold."""
import pytest

from conftest import DEV, DEV_GOLD, load_gold
from pipelines.parse.extract import extract_path

pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason="../shared/corpus/dev not present")


def facts(name):
    res = extract_path(DEV / name)
    return res, {(f.table, f.key1, f.key2): f for f in res.facts}


def test_pdf_table4_printed_totals_kept_and_flagged():
    res, f = facts("hongze-2023.pdf")
    assert f[("fct_review_litigation", "administrative_review", "upheld")].value == 10
    assert f[("fct_review_litigation", "administrative_review", "total")].value == 0  # as printed
    bad = {c.subject: c for c in res.checks if c.check == "t4.total" and not c.passed}
    assert set(bad) == {"administrative_review", "litigation_after_review"}
    assert bad["administrative_review"].expected == 11 and bad["administrative_review"].found == 0
    assert res.report.agency == "洪泽区人民政府" and res.report.county == "洪泽区"


def test_pdf_page_footer_inside_table_and_large_values():
    res, f = facts("huaian-2024.pdf")
    assert f[("fct_outcomes", "unable.needs_creation", "total")].value == 11
    assert f[("fct_proactive_disclosures", "administrative_penalty", "decisions")].value == 3985758
    assert f[("fct_review_litigation", "administrative_review", "total")].value == 351
    assert res.report.parse_status == "ok" and res.report.file_format == "pdf"


def test_markdown_shredded_table_read_in_template_order():
    res, f = facts("shkw-2024.md")
    # two labels stacked over one row: the row is internal_affairs, by template order
    assert f[("fct_outcomes", "withheld.internal_affairs", "total")].value == 1
    assert f[("fct_outcomes", "unable.not_held", "total")].value == 4
    assert "template_order" in f[("fct_outcomes", "unable.not_held", "total")].flags
    # the blank 总计 of 结转下年度 is not invented; the check says what the identities give
    assert ("fct_applications", "carried_to_next", "total") not in f
    miss = [c for c in res.checks if c.check == "t3.missing_cell"]
    assert miss and miss[0].expected == 1
    assert f[("fct_proactive_disclosures", "all_information", "count")].value == 393


def test_ocr_generic_headers_and_agency_correction():
    res, f = facts("shuyang-2025.txt")
    assert res.report.agency == "沭阳县人民政府"  # the OCR text says 沐阳县
    assert (res.report.city, res.report.region_code) == ("宿迁市", "321322")
    assert f[("fct_applications", "new_received", "legal_service_org")].value == 5  # 数据5 is not a value
    assert f[("fct_outcomes", "other.other", "total")].value == 143


def test_flattened_pre2019_statistics_table():
    res, f = facts("pingtan-2011.txt")
    assert res.report.format_version == "pre2019"
    p = f[("fct_proactive_disclosures", "all_information", "count")]
    assert p.value == 425 and "split_digit_run" in p.flags  # 4251516 = 425 | 1516
    assert f[("fct_review_litigation", "complaint", "total")].value == 0
    assert f[("fct_applications", "new_received.online", "total")].value == 0  # 电子邮件 + 网上


def test_flattened_table_disambiguated_by_prose_and_garbled_label_ignored():
    res, f = facts("pingtan-2018.txt")
    assert f[("fct_proactive_disclosures", "all_information", "count")].value == 2069  # not 20 or 206
    assert ("fct_review_litigation", "complaint", "total") not in f  # 接受行政诉讼、举报数
    assert res.report.format_version == "pre2019"


def test_prose_only_report_zero_figures():
    res, f = facts("pingtan-2013-dishui.txt")
    assert res.report.agency == "平潭综合实验区地方税务局" and res.report.province == "福建省"
    assert f[("fct_outcomes", "withheld", "total")].value == 0
    assert f[("fct_proactive_disclosures", "all_information", "count")].value == 45


def test_dev_corpus_floor():
    gold = load_gold(DEV_GOLD)
    right = wrong = extra = total = 0
    for name, cells in gold.items():
        _, f = facts(name)
        total += len(cells)
        for k, v in cells.items():
            if k in f:
                right += f[k].value == v
                wrong += f[k].value != v
        extra += sum(1 for k, x in f.items() if k not in cells and k[0] in {c[0] for c in cells} and x.value not in (None, 0))
    assert wrong == 0 and extra == 0
    assert right / total >= 0.80


def test_dev_warehouse_scores_above_the_floor(tmp_path):
    import subprocess
    import sys

    from conftest import SHARED
    from pipelines.orchestration.runner import run_pipeline

    s = run_pipeline(DEV, tmp_path, workers=1, progress=False)
    # the blank Word template is in the folder too: read, and failed with a reason; SOURCES.tsv
    # (the folder's manifest) is no report: a row in `inputs`
    assert s["reports"] == 11 and s["status"]["failed"] == 1
    assert s["not_reports"] == [("SOURCES.tsv", "skipped", "not a report: a .tsv table (a manifest or data file)")]
    r = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(DEV_GOLD),
                        "--db", str(tmp_path / "ogi.duckdb"), "--min-recall", "0.95", "--min-precision", "0.995"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert "0 wrong, 0 extra" in r.stdout.splitlines()[-1]
    assert "metadata 49/49" in r.stdout


def test_annotated_cell_split_off_its_row_is_rejoined():
    res, f = facts("shoffice-2025.md")
    # | 行政规范性文件 | 34 | 189 | with 55 floating above under （含自然失效 29 件）
    assert f[("fct_proactive_disclosures", "normative_documents", "repealed")].value == 55
    assert "annotated_cell_rejoined" in f[("fct_proactive_disclosures", "normative_documents", "repealed")].flags
    assert f[("fct_proactive_disclosures", "normative_documents", "issued")].value == 34
    assert f[("fct_proactive_disclosures", "normative_documents", "in_force")].value == 189
    assert f[("fct_proactive_disclosures", "regulations", "in_force")].value == 235
    # 16 and 29 inside the annotations are not cells
    t2 = {x.value for k, x in f.items() if k[0] == "fct_proactive_disclosures"}
    assert 16 not in t2 and 29 not in t2


def test_flattened_2019_template_split_where_unique_and_candidates_recorded():
    res, f = facts("pingtan-2019.txt")
    # 230 000023 = 23|0|0|0|0|0|23 (the only split whose row total holds)
    c = f[("fct_applications", "new_received", "natural_person")]
    assert c.value == 23 and "split_digit_run" in c.flags
    assert f[("fct_review_litigation", "administrative_review", "total")].value == 0
    assert f[("fct_proactive_disclosures", "regulations", "newly_made")].value == 0  # 000
    # 898989 has no identity to choose among its splits: not published, candidates listed
    assert ("fct_proactive_disclosures", "normative_documents", "newly_made") not in f
    chk = next(c for c in res.checks if c.check == "t2.digit_run" and c.subject == "normative_documents")
    assert "89|89|89" in chk.detail and not chk.passed
