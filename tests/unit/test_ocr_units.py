"""The parts of OCR reading that need no OCR run: what makes an image a page, the digit
look-alikes read only inside numeric boxes, the marks of uncertain digits, the time
limit restarted per page, the withholding of uncertain cells under a failing identity."""
import signal
import time

import pytest

from pipelines.stage import limits
from pipelines.tools import hostile
from pipelines.parse.extract import extract_report
from pipelines.formats import ocr, sniff


def test_image_kinds_and_sizes():
    assert ocr.image_format(hostile.png(10, 10)) == "PNG"
    assert ocr.image_format(b"\xff\xd8\xff\xe0abc") == "JPEG"
    assert ocr.image_format(b"II*\x00abc") == ocr.image_format(b"MM\x00*abc") == "TIFF"
    assert ocr.image_format(b"%PDF-1.4") is None
    assert sniff(hostile.png(10, 10), "x.txt") == "image"
    assert ocr.not_a_page(hostile.png(120, 40)) == "an image of 120 x 40 pixels (PNG), too small for a page"
    assert ocr.not_a_page(hostile.png(479, 2000)) == "an image of 479 x 2000 pixels (PNG), too small for a page"
    assert ocr.not_a_page(hostile.png(700, 800)) == "an image of 700 x 800 pixels (PNG), too small for a page"
    assert ocr.not_a_page(hostile.png(800, 800)) is None  # 640,000 pixels, both sides >= 480
    assert ocr.not_a_page(hostile.BAD_PNG) == "an image (PNG) that cannot be opened (UnidentifiedImageError)"
    assert ocr.not_a_page(b"plain text") is None


def test_image_reports_fail_with_the_reason(monkeypatch):
    res = extract_report(hostile.png(120, 40), "logo.png")
    assert res.report["parse_status"] == "failed"
    assert res.report["status_detail"] == "an image of 120 x 40 pixels (PNG), too small for a page"
    monkeypatch.setenv("OGI_OCR", "0")
    res = extract_report(hostile.png(1654, 2339, grey=255), "page.png")
    assert res.report["parse_status"] == "failed"
    assert res.report["status_detail"] == "an image (PNG): needs OCR, which is off (OGI_OCR=0)"


def test_look_alikes_are_digits_only_inside_numeric_boxes():
    assert ocr.repair_number("1O3") == ("103", True)
    assert ocr.repair_number("l") == ("1", True)
    assert ocr.repair_number("O") == ("0", True)
    assert ocr.repair_number("D") == ("0", True)
    assert ocr.repair_number("12,5") == ("12,5", False)
    assert ocr.repair_number("１２") == ("12", False)  # full-width digits: no repair
    assert ocr.repair_number("Ollo") is None  # four letters and no digit: a word
    assert ocr.repair_number("lO件") is None  # text around: not a number
    assert ocr.repair_number("本年新收") is None
    assert ocr.repair_number("hzzwgk@126.com") is None


def test_marks_round_trip():
    marked = "合计\t" + ocr._mark("10", ocr.MARK_REPAIRED) + "\t5\t" + ocr._mark("7", ocr.MARK_LOW) + "\n"
    text, spans = ocr.unmark(marked)
    assert text == "合计\t10\t5\t7\n"
    assert spans == [(3, 5, "ocr_repaired"), (8, 9, "ocr_low_confidence")]
    assert ocr.unmark("合计\t10\n") == ("合计\t10\n", [])


def test_restart_clock_holds_the_limit_per_page(monkeypatch):
    monkeypatch.setenv("OGI_LIMIT_SECONDS", "1")
    old = signal.signal(signal.SIGALRM, limits._on_alarm)
    try:
        with limits.FileGuard():  # three parts of 0.6 s, the clock restarted before each
            for _ in range(3):
                limits.restart_clock()
                end = time.monotonic() + 0.6
                while time.monotonic() < end:
                    pass
        with pytest.raises(limits.LimitExceeded, match="limit: time"):
            with limits.FileGuard():  # the same without restarting: past the limit
                end = time.monotonic() + 1.8
                while time.monotonic() < end:
                    pass
        limits.restart_clock()  # outside a guard: nothing happens
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_uncertain_cell_under_a_failing_identity_is_withheld():
    """An OCR'd cell repaired from a look-alike (or read with low confidence) that breaks an
    identity is withheld and named; the other cells of that identity are published as read,
    not verified."""
    from conftest import sample
    from pipelines.parse import extract
    from pipelines.parse.textnorm import normalize_text

    data = sample("003").read_bytes()
    text = normalize_text(data.decode("utf-8"))
    ref = extract._extract_text(extract._base_report(data, "x"), text)
    f = next(f for f in ref.facts if f.key == ("fct_applications", "new_received", "natural_person"))
    assert f.verified and f.span_end - f.span_start == len(format(f.value, "g"))
    wrong = str((int(f.value) + 1) % 10) * (f.span_end - f.span_start)  # a misread of the same length
    bad = text[:f.span_start] + wrong + text[f.span_end:]
    spans = [(f.span_start, f.span_end, "ocr_repaired")]
    res = extract._extract_text(extract._base_report(data, "x"), bad, spans)
    got = {x.key: x for x in res.facts}
    assert f.key not in got
    held = [c for c in res.checks if c.check == "t3.ocr_withheld"]
    assert len(held) == 1 and (held[0].key1, held[0].key2) == ("new_received", "natural_person")
    assert "a digit read from a look-alike letter" in held[0].detail and not held[0].passed
    assert any(c.check == "t3.withheld" and c.key1 == "new_received" and "t3.ocr_withheld" in c.detail
               for c in res.checks)
    total = got[("fct_applications", "new_received", "total")]
    assert not total.verified and total.value == ref.facts[ref.facts.index(
        next(x for x in ref.facts if x.key == total.key))].value
    # the same misread, not marked uncertain: published as read (the failing check names it)
    res = extract._extract_text(extract._base_report(data, "x"), bad, [])
    assert f.key in {x.key for x in res.facts}
