"""Scans read by OCR, end to end: a dev scan (an image-only PDF) published cell for cell as
its gold, every cell flagged `ocr` with its page and its evidence in the OCR text; a TIFF
image and synthetic scans with zero wrong cells; OGI_OCR=0 names the files it leaves, and
they are read once OCR is on again; the OCR cache spares a second reading.

Marked `ocr` (`pytest -m "not ocr"` leaves them out): they run OCR, seconds per page. The
pages read are cached for the whole test session (OGI_OCR_CACHE, tests/conftest.py), so each is read once.
"""
import csv
import os
import io
import pathlib

import duckdb
import pytest

from conftest import SHARED
from pipelines.tools import synth
from pipelines.orchestration.runner import run_pipeline

pytestmark = pytest.mark.ocr

SCANS = SHARED / "corpus" / "scans"
SCAN_GOLD = SHARED / "gold" / "scans"
SCAN = "hongze-2023-scan.pdf"


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    # the session's cache (tests/conftest.py), so pages other tests read are not read again
    d = pathlib.Path(os.environ.get("OGI_OCR_CACHE") or tmp_path_factory.mktemp("ocr-cache"))
    mp.setenv("OGI_OCR_CACHE", str(d))
    mp.setenv("OGI_OCR_PROGRESS", "0")
    yield d
    mp.undo()


def _gold(name: str) -> dict:
    out = {}
    for r in csv.DictReader(open(SCAN_GOLD / "cells.csv", encoding="utf-8")):
        if r["file"] == name:
            out[(r["fact_table"], r["key1"], r["key2"])] = float(r["value"]) if r["value"] else None
    return out


def _cells(wh: pathlib.Path, path: str) -> dict:
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    try:
        rid = con.execute("select report_id from dim_reports where source_path = ?", [path]).fetchone()[0]
        text = con.execute("select text from report_texts where report_id = ?", [rid]).fetchone()[0]
        out = {}
        for t in ("fct_applications", "fct_outcomes", "fct_proactive_disclosures", "fct_review_litigation"):
            for row in con.execute(f"select * from {t} where report_id = ?", [rid]).fetchdf().to_dict("records"):
                k1, k2 = [c for c in row if c not in ("report_id", "year", "value", "source", "span_start", "span_end",
                                                      "flags", "verified", "page", "evidence")][:2]
                out[(t, row[k1], row[k2])] = row
        return {"cells": out, "text": text}
    finally:
        con.close()


@pytest.fixture(scope="module")
def scan_run(ocr_cache, tmp_path_factory):
    if not (SCANS / SCAN).exists():
        pytest.skip("../shared/corpus/scans not present")
    raw = tmp_path_factory.mktemp("scan-raw")
    (raw / SCAN).write_bytes((SCANS / SCAN).read_bytes())
    wh = tmp_path_factory.mktemp("scan-wh")
    summary = run_pipeline(raw, wh, workers=2, progress=False)
    return raw, wh, summary


def test_a_dev_scan_reads_as_its_gold(scan_run):
    _, wh, _ = scan_run
    gold = _gold(SCAN)
    got = _cells(wh, SCAN)
    cells, text = got["cells"], got["text"]
    right = [k for k, v in gold.items() if k in cells and cells[k]["value"] == v]
    wrong = [(k, v, cells[k]["value"]) for k, v in gold.items() if k in cells and cells[k]["value"] != v]
    assert wrong == []
    assert len(right) >= 0.9 * len(gold), (len(right), len(gold))
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    fmt, status = con.execute("select file_format, parse_status from dim_reports").fetchone()
    con.close()
    assert fmt == "scan" and status in ("ok", "partial")
    for k, row in cells.items():
        assert "ocr" in row["flags"].split(","), (k, row["flags"])
        if row["source"] == "table":
            assert row["page"] is not None and 1 <= row["page"] <= 5
            ev = text[row["span_start"]:row["span_end"]]
            assert float(ev.replace(",", "")) == row["value"], (k, ev, row["value"])
    # table 三 starts on page 3 of this report, table 四 is on page 4
    assert cells[("fct_applications", "new_received", "natural_person")]["page"] == 3
    assert cells[("fct_review_litigation", "administrative_review", "upheld")]["page"] == 4


def test_ocr_results_are_cached_by_content(scan_run, ocr_cache, monkeypatch):
    """A second reading of the same bytes (another parser version, another warehouse) takes
    the pages from the cache: no OCR engine is made."""
    from pipelines.parse.extract import extract_report
    from pipelines.formats import ocr

    assert list(ocr_cache.glob("*/*.json"))

    def no_engine():
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(ocr, "engine", no_engine)
    data = (SCANS / SCAN).read_bytes()
    res = extract_report(data, SCAN)
    assert res.report["file_format"] == "scan" and len(res.facts) > 150
    times = ocr.page_times(data)
    assert times is not None and len(times) == 5 and all(t[0] > 0 for t in times)


def test_ocr_off_names_the_scan_and_reads_it_when_on_again(scan_run, tmp_path, monkeypatch):
    raw, _, _ = scan_run
    wh = tmp_path / "wh"
    monkeypatch.setenv("OGI_OCR", "0")
    run_pipeline(raw, wh, workers=1, progress=False)
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    status, detail = con.execute("select parse_status, status_detail from dim_reports").fetchone()
    con.close()
    assert status == "failed"
    assert detail == "PDF has no text layer (no extractable characters on any page): needs OCR, which is off (OGI_OCR=0)"
    monkeypatch.setenv("OGI_OCR", "1")
    run_pipeline(raw, wh, workers=1, progress=False)  # (its pages come from the module's OCR cache)
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    status, fmt = con.execute("select parse_status, file_format from dim_reports").fetchone()
    n = con.execute("select count(*) from fct_outcomes").fetchone()[0]
    con.close()
    assert status in ("ok", "partial") and fmt == "scan" and n > 100


# synthetic reports of seed 11 whose PDF has 3 pages (most have more; the OCR tests read
# few pages): the first two such indices, found once by rendering them in turn
SHORT = (214, 254)


def _short_synthetic() -> tuple[int, ...]:
    import pypdfium2 as pdfium

    for i in SHORT:
        assert len(pdfium.PdfDocument(synth.make_report(11, i, layouts=("pdf",), blanks=True).data)) <= 3
    return SHORT


def test_synthetic_scans_have_no_wrong_cell(ocr_cache):
    """A synthetic report rendered as a scan (ogi synth's `scan` layout: 200 dpi, turned, JPEG):
    every cell published is the truth's, and most are published."""
    from pipelines.parse.extract import extract_report

    n_right = n_gold = 0
    for i in _short_synthetic()[:1]:  # (the second is read as a TIFF below)
        s = synth.make_report(11, i, layouts=("scan",), blanks=True)
        res = extract_report(s.data, s.file)
        assert res.report["file_format"] == "scan"
        got = {f.key: f.value for f in res.facts}
        gold = {(t, k1, k2): v for t, k1, k2, v in s.cells}
        wrong = [(k, v, got[k]) for k, v in gold.items() if k in got and got[k] != v]
        assert wrong == [], (s.file, wrong)
        n_right += sum(1 for k in gold if k in got)
        n_gold += len(gold)
    assert n_right >= 0.9 * n_gold, (n_right, n_gold)


def test_a_tiff_image_is_a_report(ocr_cache, tmp_path):
    """A multi-page TIFF (one frame a page) read by OCR in a run: an `image` report."""
    import pypdfium2 as pdfium
    from PIL import Image

    i = _short_synthetic()[1]
    s = synth.make_report(11, i, layouts=("pdf",), blanks=True)
    doc = pdfium.PdfDocument(s.data)
    frames = [doc[k].render(scale=200 / 72, grayscale=True).to_pil().convert("L") for k in range(len(doc))]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.tif").write_bytes(buf.getvalue())
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    con = duckdb.connect(str(wh / "ogi.duckdb"), read_only=True)
    fmt, status = con.execute("select file_format, parse_status from dim_reports").fetchone()
    con.close()
    assert fmt == "image" and status in ("ok", "partial")
    got = _cells(wh, "report.tif")["cells"]
    gold = {(t, k1, k2): v for t, k1, k2, v in s.cells}
    wrong = [(k, v, got[k]["value"]) for k, v in gold.items() if k in got and got[k]["value"] != v]
    assert wrong == []
    assert sum(1 for k in gold if k in got) >= 0.9 * len(gold)
    assert all("ocr" in r["flags"] and r["page"] in range(1, len(frames) + 1) for r in got.values()
               if r["source"] == "table")


def test_typed_pages_beside_stamped_scans_are_read_each_their_way(ocr_cache):
    """A PDF whose first page is typed and whose others are scans a site stamped with a
    typed page number (a text layer of a few characters a page): the scanned pages are read
    by OCR, the typed one from its text layer (formats.pdf.ScannedPages); its cells are the
    truth's, and a note says which pages were read how."""
    from pipelines.parse.extract import extract_report
    from renderings import stamped_pdf

    i = _short_synthetic()[0]
    s = synth.make_report(11, i, layouts=("pdf",), blanks=True)
    res = extract_report(stamped_pdf(i, text_first_page=True), "stamped.pdf")
    assert res.report["file_format"] == "scan"
    assert any(c.detail.startswith("page(s) 2") and "those pages read by OCR, the others from the text layer"
               in c.detail for c in res.checks)
    got = {f.key: f.value for f in res.facts}
    gold = {(t, k1, k2): v for t, k1, k2, v in s.cells}
    assert [(k, v, got[k]) for k, v in gold.items() if k in got and got[k] != v] == []
    assert sum(1 for k in gold if k in got) >= 0.9 * len(gold)
