"""A PDF with a text layer whose pages are partly images (formats.pdf.ScannedPages): a
scan stamped with page numbers by the site that published it, or a table pasted as a
picture beside typed pages. Such a PDF is read by OCR; with OCR off, from its text layer
with a note."""
import pytest

from pipelines.formats import read_pdf
from pipelines.formats.pdf import ScannedPages, pdf_to_text
from pipelines.tools import synth
from renderings import stamped_pdf


def test_a_scan_stamped_with_page_numbers_needs_ocr():
    with pytest.raises(ScannedPages) as e:
        pdf_to_text(stamped_pdf())
    assert "are images with next to no text layer" in str(e.value)
    assert e.value.scanned == list(range(len(e.value.pages)))
    assert not e.value.text_layer().strip("\f\n")  # the text layer alone: page numbers, dropped as such


def test_typed_pages_beside_pictured_ones_name_the_pictured_pages():
    with pytest.raises(ScannedPages) as e:
        pdf_to_text(stamped_pdf(text_first_page=True))
    assert str(e.value).startswith("page(s) 2")
    assert 0 not in e.value.scanned and 1 in e.value.scanned


def test_with_ocr_off_the_text_layer_is_read_with_a_note(monkeypatch):
    monkeypatch.setenv("OGI_OCR", "0")
    notes: list[str] = []
    text, kind = read_pdf(stamped_pdf(text_first_page=True), "stamped.pdf", notes)
    assert kind == "pdf" and "本报告依据" in text
    assert any("read from the text layer alone (OCR is off" in n for n in notes)


def test_a_typed_pdf_is_not_taken_for_a_scan():
    s = synth.make_report(11, 0, layouts=("pdf",), blanks=True)
    assert "本年新收" in pdf_to_text(s.data)
