"""Decoding and bad input: every encoding reads the same; bad files fail with a reason."""
import pytest

from conftest import sample
from pipelines.formats.decode import DecodeError, _bad_share, decode_bytes
from pipelines.parse.extract import extract_report
from pipelines.parse.textnorm import normalize_text


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_give_the_same_cells(enc):
    text = sample("003").read_text(encoding="utf-8")
    ref = extract_report(text.encode("utf-8"), "x.txt")
    res = extract_report(text.encode(enc, errors="replace" if enc == "gbk" else "strict"), "x.txt")
    assert {f.key: f.value for f in res.facts} == {f.key: f.value for f in ref.facts}
    assert res.report.agency == "衡水市桃城区人民政府"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (bytes(range(256)) * 20, "binary"),
    ("no tables here, just words".encode("utf-8"), "no recognisable tables or figures"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "legacy Word/Excel binary (OLE) file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(600), "an image (PNG) that cannot be opened (UnidentifiedImageError)"),
])
def test_bad_input_is_a_failed_report_with_a_reason(data, reason):
    res = extract_report(data, "bad.bin")
    assert res.report.parse_status == "failed"
    assert reason in res.report.status_detail
    assert [c.check for c in res.checks] == ["parse"] and not res.checks[0].passed
    assert res.facts == []


def test_unknown_encoding_is_refused():
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode_bytes("政府信息公开".encode("utf-8")[:-1] + b"\xff\xfe\xfa" * 50)


def test_bad_character_share():
    # controls other than tab, LF, FF, CR; U+FFFD; the private use area U+E000-U+F8FF
    assert _bad_share("a\x01b\ue000\ufffd\t\n") == 3 / 7
    assert _bad_share("\x0b\x1f\x7f\uf8ff\uf900\x0c\r") == 3 / 7
    assert _bad_share("政府\U0001F600\U000F0000") == 0.0  # outside the BMP: none counted
    assert _bad_share("") == 1.0
    # a text with a few stray controls still reads as UTF-8; a run of them is refused
    text = "政府信息公开" * 20 + "\x01"
    assert decode_bytes(text.encode()) == (text, "utf-8")
    with pytest.raises(DecodeError):
        decode_bytes(("政府" + "\x01\x02\x03").encode() * 50)


def test_normalisation_fullwidth_traditional_footers():
    t = normalize_text("（一）予以公開，國務院辦公廳關於這個報告的說明\n－３－\n１２３\t政府資訊\r\n— 4 —\n第3页\n")
    assert "(一)予以公开" in t
    assert "123" in t
    assert "-3-" not in t and "— 4 —" not in t and "第3页" not in t


def test_traditional_report_reads_like_simplified():
    import zhconv

    text = sample("004").read_text(encoding="utf-8")
    trad = zhconv.convert(text, "zh-hant")
    ref = {f.key: f.value for f in extract_report(text.encode(), "a.txt").facts}
    got = {f.key: f.value for f in extract_report(trad.encode(), "b.txt").facts}
    assert got == ref


def test_pdf_without_text_layer_is_failed_needs_ocr():
    from test_formats import make_pdf

    res = extract_report(make_pdf(b"0 0 1 rg 10 10 100 100 re f"), "scan.pdf")
    assert res.report.parse_status == "failed" and res.report.file_format == "pdf"
    assert "OCR" in res.report.status_detail
    assert res.checks[0].check == "parse"


def test_docx_report_read_like_text(tmp_path):
    """The blank official template filled with known numbers, read back through the pipeline."""
    from test_formats import filled_template as _  # noqa: F401 - fixture defined there
    import docx

    from conftest import DEV

    tpl = DEV / "template-2021.docx"
    if not tpl.exists():
        pytest.skip("template not present")
    doc = docx.Document(str(tpl))
    t3 = next(t for t in doc.tables if "本年新收" in "".join(c.text for c in t._cells))
    for row in t3.rows:
        label = "".join(c.text for c in row.cells[:3])
        if "本年新收" in label:
            vals = [5, 1, 0, 0, 0, 0, 6]
            cells = row.cells[-7:]
            for c, v in zip(cells, vals):
                c.text = str(v)
    path = tmp_path / "r.docx"
    doc.save(str(path))
    res = extract_report(path.read_bytes(), "r.docx")
    f = {(x.table, x.key1, x.key2): x.value for x in res.facts}
    assert res.report.file_format == "docx"
    assert f[("fct_applications", "new_received", "natural_person")] == 5
    assert f[("fct_applications", "new_received", "total")] == 6
