"""The pdfium PDF engine end to end: synthetic ruled PDFs (synth's `pdf` layout) read
back to the generated cells, blank boxes as blank cells, one form feed per page break,
page footers gone, a table cut by a page break joined; pathological pages read within
their caps and named by a failing check."""

from __future__ import annotations

import pathlib
import re
import sys
import time

import pytest

from pipelines.tools import synth
from pipelines.parse.extract import extract_report
from pipelines.formats.pdf import MAX_PAGE_CHARS, is_page_marker, pdf_to_text

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "unit"))
from test_formats import make_pdf, text_at  # noqa: E402 - the minimal PDF writer of the format tests


def _pdf_report(blank: bool, split_t3: bool) -> synth.Synth:
    """The first synthetic pdf report (seed 5) with a blank cell / with table 三 cut by a
    page break, as asked."""
    for i in range(200):
        s = synth.make_report(5, i, layouts=("pdf",), blanks=True)
        if blank != any(v is None for *_, v in s.cells):
            continue
        if split_t3:
            text = pdf_to_text(s.data)
            a, b = text.index("一、本年新收"), text.index("四、结转下年度")
            if "\f" not in text[a:b]:
                continue
        return s
    raise AssertionError("no such synthetic report in 200")


def _facts(s: synth.Synth):
    r = extract_report(s.data, s.file)
    return r, {(f.table, f.key1, f.key2): f for f in r.facts}


def test_pdf_blank_boxes_read_as_blank_cells():
    s = _pdf_report(blank=True, split_t3=False)
    r, facts = _facts(s)
    blanks = [(t, k1, k2) for t, k1, k2, v in s.cells if v is None]
    assert blanks
    for k in blanks:
        assert k in facts and facts[k].value is None, k  # a row with value NULL, not 0
    assert {k: f.value for k, f in facts.items()} == {(t, k1, k2): v for t, k1, k2, v in s.cells}
    assert r.report.parse_status == "ok" and r.report.file_format == "pdf"
    # in the text, an empty ruled box is one space between TABs
    assert re.search(r"\t \t", r.text)


def test_pdf_table_cut_by_page_break_joined_and_pages_counted():
    s = _pdf_report(blank=False, split_t3=True)
    r, facts = _facts(s)
    assert {k: f.value for k, f in facts.items()} == {(t, k1, k2): v for t, k1, k2, v in s.cells}
    import pypdfium2 as pdfium

    n_pages = len(pdfium.PdfDocument(s.data))
    text = r.text
    assert text.count("\f") == n_pages - 1  # exactly one form feed between pages
    # at the end of a page's last line: its last prose line or the blank line after a table
    assert all(ln.endswith("\f") and "\f" not in ln[:-1] for ln in text.split("\n") if "\f" in ln)
    assert "\n\f\n" in text  # table 三 ends page: the blank line after it holds the form feed
    pages = {k: text.count("\f", 0, f.span_start) + 1 for k, f in facts.items() if f.span_start is not None}
    t3 = [p for (t, *_), p in pages.items() if t in ("fct_applications", "fct_outcomes")]
    assert len(set(t3)) == 2  # table 三 read from both sides of the break
    t2 = [p for (t, *_), p in pages.items() if t == "fct_proactive_disclosures"]
    t4 = [p for (t, *_), p in pages.items() if t == "fct_review_litigation"]
    assert max(t2) <= min(t3) and max(t3) <= min(t4) <= n_pages


def test_pdf_page_footers_removed():
    import pypdfium2 as pdfium

    footer = re.compile(r"(?m)^\s*(- \d+ -|— \d+ —|第\d+页)\s*$")
    styles = set()
    for i in range(10):
        s = synth.make_report(5, i, layouts=("pdf",))
        doc = pdfium.PdfDocument(s.data)
        raw = "\n".join(page.get_textpage().get_text_range() for page in doc)
        printed = footer.findall(raw.replace("\r", ""))
        assert len(printed) == len(doc)  # every page printed its number
        styles |= {re.sub(r"\d+", "N", m) for m in printed}
        text = pdf_to_text(s.data)
        assert not footer.search(text), s.file
        assert not [ln for ln in text.split("\n") if is_page_marker(ln)], s.file
    assert len(styles) >= 2


def test_pdf_page_over_the_character_cap_is_plain_text_with_a_check():
    n = MAX_PAGE_CHARS * 10  # 400,000 characters on one page
    rows = n // 120
    body = b"BT /F1 1 Tf 10 395 Td " + b" ".join(f"0 -0.1 Td ({k:06d} " .encode() + b"12345 " * 19 + b") Tj"
                                                for k in range(rows)) + b" ET"
    data = make_pdf(text_at(20, 300, "First page"), body)
    t0 = time.perf_counter()
    r = extract_report(data, "huge.pdf")
    assert time.perf_counter() - t0 < 30
    notes = [c for c in r.checks if c.check == "parse.degraded"]
    assert len(notes) == 1 and not notes[0].passed and notes[0].detail.startswith("page 2: ")
    assert "read as plain text" in notes[0].detail
    assert r.text.startswith("First page\f\n") and r.text.count("12345") == rows * 19


def test_pdf_page_with_20000_rulings_is_read_in_time():
    grid = bytearray(b"0 0 0 RG 0.1 w\n")
    for k in range(10_000):  # 10,000 horizontal and 10,000 vertical rulings
        y = 20 + k * 0.036
        grid += b"20 %.3f m 380 %.3f l S\n" % (y, y)
        x = 20 + k * 0.036
        grid += b"%.3f 20 m %.3f 380 l S\n" % (x, x)
    data = make_pdf(bytes(grid) + text_at(30, 390, "Ruled page"))
    notes: list[str] = []
    t0 = time.perf_counter()
    text = pdf_to_text(data, notes)
    assert time.perf_counter() - t0 < 30
    assert text == "Ruled page\n"
    assert notes == []  # snapped within 3 pt, the rulings merge into a few: no cap needed


def test_pdf_page_with_too_many_distinct_rulings_is_capped_with_a_note():
    grid = bytearray(b"0 0 0 RG 0.1 w\n")
    grid += b"5 5 m 5 395 l S 395 5 m 395 395 l S\n"
    for row in range(78):  # 78 x 60 short rulings, 5 pt apart in y, 3.5 pt gaps in x: no snap, no join
        for col in range(60):
            x, y = 8 + col * 6.5, 6 + row * 5
            grid += b"%.1f %d m %.1f %d l S\n" % (x, y, x + 3, y)
    data = make_pdf(bytes(grid) + text_at(30, 392, "Ruled page"))
    notes: list[str] = []
    t0 = time.perf_counter()
    text = pdf_to_text(data, notes)
    assert time.perf_counter() - t0 < 30
    assert "Ruled page" in text
    assert len(notes) == 1 and notes[0].startswith("page 1: ") and "tables not looked for" in notes[0]


@pytest.mark.parametrize("pages", [1, 3])
def test_pdf_form_feeds_between_pages_only(pages):
    texts = ["A short first page.", "The second page, a longer line of prose than the others.", "Third."]
    data = make_pdf(*(text_at(20 if i < 2 else 40, 300, texts[i]) for i in range(pages)))
    assert pdf_to_text(data) == "\f\n".join(texts[:pages]) + "\n"


def test_pdf_paragraph_running_onto_the_next_page_is_one_line_ending_in_the_form_feed():
    texts = ["A paragraph line that runs to the right margin", "and goes on here.", "Next paragraph"]
    data = make_pdf(text_at(20, 300, texts[0]) + text_at(20, 200, "A second line of the same width, as long"),
                    text_at(20, 300, texts[1]) + text_at(40, 200, texts[2]))
    text = pdf_to_text(data)
    assert text.split("\n")[-3:] == [f"{texts[0].split()[0]} paragraph line that runs to the right margin A second "
                                      f"line of the same width, as long {texts[1]}\f", texts[2], ""][-3:]
    assert text.count("\f") == 1
