"""`ogi audit`: the static HTML audit page, its data, and the page itself in a real
headless Chromium (Debian's /usr/bin/chromium driven by Playwright): it loads without
console errors, shows sample 003's failing t4.read check and filters client-side."""
import json
import os
import pathlib
import re
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

import schemas
from conftest import ROOT, SAMPLES, sample
from pipelines.audit import audit_data, write_audit
from pipelines.cli import main
from pipelines.publish import write_warehouse
from pipelines.runner import run_pipeline

CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "docs" / "audit-screenshot.png"
T4_DETAIL = "table 四 prints 8 numbers for 15 cells"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(SAMPLES, raw / "samples")
    wh = tmp_path_factory.mktemp("wh")
    run_pipeline(raw, wh, workers=1, progress=False)
    return wh


@pytest.fixture(scope="module")
def page_path(warehouse):
    return write_audit(warehouse)


def test_audit_data_lists_reports_and_the_failing_check(warehouse):
    d = audit_data(warehouse / "ogi.duckdb")
    assert len(d["reports"]) == 5
    first = d["reports"][0]  # problems first: the partial report
    assert first["path"] == f"samples/{sample('003').name}" and first["status"] == "partial"
    # t4.read, and the two rows of table 四 it leaves unpublished (t4.withheld)
    assert first["tables"] == ["t2", "t3", "prose"] and first["n_failed"] == 3
    assert first["detail"].startswith("not read: t4")
    fails = [f for f in d["failures"] if f["id"] == first["id"]]
    assert sorted((f["check"], f["subject"], f["severity"]) for f in fails) == [
        ("t4.read", "t4", "error"), ("t4.withheld", "litigation_after_review", "warning"),
        ("t4.withheld", "litigation_direct", "warning")]
    assert all(T4_DETAIL in f["detail"] for f in fails)
    assert {r["year"] for r in d["reports"]} == {2017, 2020, 2021}
    assert {"check": "t4.read", "failed": 1, "total": 1} in d["checks"]
    assert d["checks"][0] == {"check": "t4.withheld", "failed": 2, "total": 2}


def test_cli_writes_the_page_with_data_inlined(warehouse, tmp_path, page_path):
    out = tmp_path / "a" / "audit.html"
    r = CliRunner().invoke(main, ["audit", "--warehouse", str(warehouse), "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert page_path == warehouse / "audit.html" and page_path.read_text(encoding="utf-8") == html
    assert "http://" not in html and "https://" not in html  # no CDN, nothing fetched
    data = json.loads(re.search(r'<script id="audit-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert any(T4_DETAIL in f["detail"] for f in data["failures"])
    r = CliRunner().invoke(main, ["audit", "--warehouse", str(tmp_path / "nowhere")])
    assert r.exit_code != 0 and "no warehouse" in r.output


def _tiny_warehouse(path: pathlib.Path) -> pathlib.Path:
    """One report whose failing check points at a span of its text, and an agency name that
    would break the page if it were not escaped."""
    text = "前文" * 40 + "三、本年度办理结果 总计 38 件" + "后文" * 40
    s = text.index("38")
    frames = {t: schemas.empty_frame(t) for t in schemas.PUBLISHED}
    frames["dim_reports"] = pd.DataFrame([dict(
        report_id="r1", source_path="x/r1.txt", agency="</script><b>某局</b>", agency_key="某局", year=2022,
        format_version="f2021", parse_status="partial", status_detail="some cells withheld",
        tables_found="t2,t3", n_cells=0)]).reindex(columns=schemas.tables()["dim_reports"].column_names)
    frames["check_results"] = pd.DataFrame([dict(
        report_id="r1", check="t3.outcome_sum", subject="total", severity="error", passed=False,
        detail="总计 38 but the outcome rows sum to 36", fact_table="fct_outcomes", key1="total", key2="total",
        expected=36.0, found=38.0, span_start=s, span_end=s + 2, evidence="38")]
    ).reindex(columns=schemas.tables()["check_results"].column_names)
    frames["report_texts"] = pd.DataFrame([{"report_id": "r1", "text": text}])
    frames = {t: df.astype(schemas.pandas_dtypes(t)) for t, df in frames.items()}
    write_warehouse(frames, path)
    return path


def test_evidence_comes_with_its_context_and_the_cell_labels(tmp_path):
    wh = _tiny_warehouse(tmp_path / "wh")
    f = audit_data(wh / "ogi.duckdb")["failures"][0]
    assert (f["evidence"], f["expected"], f["found"]) == ("38", 36, 38)
    assert f["before"].endswith("三、本年度办理结果 总计 ") and len(f["before"]) == 60
    assert f["after"].startswith(" 件后文") and len(f["after"]) == 60
    assert (f["key1_label"], f["key2_label"]) == ("三(七)总计", "总计")
    html = write_audit(wh).read_text(encoding="utf-8")
    assert "</script><b>" not in html and "\\u003c/script\\u003e\\u003cb\\u003e某局" in html


# ------------------------------------------------------------------ in a real browser

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = ("/usr/bin/chromium is missing: `make test` installs it (make chromium) when run as root "
                  "with apt-get; install it with `apt-get install -y chromium`")
        if os.environ.get("OGI_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, path, width=1280, height=820):
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith(("file:", "data:"))
            else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("section.report")
    return page, problems


def _visible(page):
    return page.eval_on_selector_all(
        "section.report", "els => els.map(e => [e.dataset.year, e.querySelector('.agency').textContent])")


def test_page_in_headless_chromium(page_path, browser, tmp_path):
    page, problems = _open(browser, page_path)
    assert page.title().startswith("ogi audit")
    assert len(_visible(page)) == 5
    assert page.locator("#count").text_content() == "showing 5 of 5 reports"
    # sample 003's failing check, with its report's status and the tables it found
    card = page.locator("section.report", has_text="衡水市桃城区人民政府")
    rows = card.locator("tr.fail")
    names = [rows.nth(i).locator("td").nth(0).text_content() for i in range(rows.count())]
    assert sorted(names) == ["t4.read", "t4.withheld", "t4.withheld"]  # table 四 not read: its cells named
    row = rows.nth(names.index("t4.read"))
    assert row.locator("td").nth(0).text_content() == "t4.read"
    assert row.locator("td").nth(1).text_content() == "error"
    assert T4_DETAIL in row.text_content()
    assert card.locator(".status").text_content() == "partial"
    assert card.locator(".tbl.missing").all_text_contents() == ["t4"]
    assert page.locator("section.report", has_text="福州高新技术产业开发区").locator(".none").text_content() \
        == "no failing checks"

    shot = tmp_path / "audit.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10000
    if os.environ.get("OGI_UPDATE_SCREENSHOT") == "1":  # refresh docs/audit-screenshot.png on request
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

    # filter by year: the other years' reports are hidden
    page.select_option("#f-year", "2020")
    assert _visible(page) == [["2020", "福州高新技术产业开发区"]]
    assert page.locator("#count").text_content() == "showing 1 of 1 reports"
    page.select_option("#f-year", "2021")
    assert sorted(v[0] for v in _visible(page)) == ["2021", "2021", "2021"]
    # by agency (text input), combined with the year
    page.fill("#f-agency", "桃城")
    assert _visible(page) == [["2021", "衡水市桃城区人民政府"]]
    page.fill("#f-agency", "")
    page.select_option("#f-year", "")
    # by check: only the reports failing it
    page.select_option("#f-check", "t4.read")
    assert _visible(page) == [["2021", "衡水市桃城区人民政府"]]
    page.select_option("#f-check", "")
    page.select_option("#f-status", "ok")
    assert len(_visible(page)) == 4
    page.select_option("#f-status", "")
    page.check("#f-failing")
    # 003 (table 四 not read) and 001 (a derived row: the identities over it not evaluated)
    assert sorted(v[1] for v in _visible(page)) == ["衡水市桃城区人民政府", "高新区管委会办公室"]
    assert problems == []
    page.close()


def test_evidence_and_escaping_in_the_browser(browser, tmp_path):
    wh = _tiny_warehouse(tmp_path / "wh")
    page, problems = _open(browser, write_audit(wh))
    assert page.locator(".agency").text_content() == "</script><b>某局</b>"
    assert page.locator("td.evidence mark").text_content() == "38"
    row = page.locator("tr.fail")
    assert row.locator("td.num").all_text_contents() == ["36", "38"]
    assert "fct_outcomes/total/total" in row.text_content() and "三(七)总计 × 总计" in row.text_content()
    assert problems == []
    page.close()
