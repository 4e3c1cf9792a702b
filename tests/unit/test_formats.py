"""Tests for pipelines.formats: sniffing and the PDF / DOCX / HTML converters.

The dev-corpus PDFs and the gold cells are read from ../shared relative to the repo
root (never copied into the repo); those tests skip when the files are absent.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections import OrderedDict
from pathlib import Path

import pytest

from conftest import ROOT  # noqa: E402
if str(ROOT) not in sys.path:  # allow plain `pytest` without an installed package
    sys.path.insert(0, str(ROOT))

from pipelines.formats import FormatError, NeedsOCR, clean_cell, sniff, to_text  # noqa: E402
from pipelines.formats.docx import docx_to_text  # noqa: E402
from pipelines.formats.html import html_to_text  # noqa: E402
from pipelines.formats.pdf import is_page_marker, pdf_to_text  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
GOLD = ROOT.parent / "shared" / "gold" / "dev" / "cells.csv"
DEV_PDFS = ["hongze-2023.pdf", "hongze-2024.pdf", "huaian-2024.pdf"]
APPLICANT_COLS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
]


# ---------------------------------------------------------------------------
# helpers


def make_pdf(*pages: bytes, encrypt: bool = False, size: int = 400) -> bytes:
    """A minimal valid PDF (Helvetica as /F1), one content stream per page."""
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n)).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    font_no = 3 + 2 * n
    for i, content in enumerate(pages):
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (size, size, 4 + 2 * i, font_no)
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    if encrypt:
        objs.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objs) + 1)
    if encrypt:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objs), b"ab" * 16, b"ab" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def text_at(x: float, y: float, s: str, size: int = 10) -> bytes:
    return f"BT /F1 {size} Tf {x} {y} Td ({s}) Tj ET\n".encode()


def ruled_grid(xs: list[float], ys: list[float], *, close_bottom: bool = True) -> bytes:
    """Stroked table rulings; ys from top to bottom (PDF y grows upwards)."""
    out = b"0 0 0 RG 0.5 w\n"
    hs = ys if close_bottom else ys[:-1]
    for y in hs:
        out += f"{xs[0]} {y} m {xs[-1]} {y} l S\n".encode()
    for x in xs:
        out += f"{x} {ys[0]} m {x} {ys[-1]} l S\n".encode()
    return out


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def numeric_rows(text: str, width: int) -> list[list[str]]:
    """Table rows (TAB lines) of `width` cells whose last 7 cells are integers."""
    rows = []
    for ln in lines_of(text):
        cells = ln.split("\t")
        if len(cells) == width and all(re.fullmatch(r"\d+", c) for c in cells[-7:]):
            rows.append(cells[-7:])
    return rows


def docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# sniff / dispatch


def test_sniff_pdf_by_magic_even_with_wrong_name():
    assert sniff(make_pdf(text_at(10, 10, "x")), "report.html") == "pdf"
    assert sniff(b"\r\n%PDF-1.7\n...", "noext") == "pdf"


def test_sniff_docx_and_other_zip():
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("x")
    assert sniff(docx_bytes(d), "report.bin") == "docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(buf.getvalue(), "report.docx") == "binary"
    assert sniff(b"PK\x03\x04 truncated", "a.docx") == "binary"


def test_sniff_html_by_content_not_extension():
    html = "<!DOCTYPE html><html><body><p>报告</p></body></html>".encode("utf-8")
    assert sniff(html, "page.txt") == "html"
    assert sniff(b"  <table><tr><td>1</td></tr></table>", "frag") == "html"
    assert sniff("<HTML><body>报告</body></HTML>".encode("gbk"), "x") == "html"
    assert sniff("\ufeff<html>".encode("utf-16"), "x") == "html"


def test_sniff_text_and_binary():
    md = "正文\n| 规章 | 0 | 0 | 0 |\n<不是标签>\n".encode("utf-8")
    assert sniff(md, "report.md") == "text"
    assert sniff("政府信息公开工作年度报告".encode("gbk"), "a.pdf") == "text"
    assert sniff(b"\x00\x01\x02\x03binary\x00\x00", "a.txt") == "binary"
    assert sniff(bytes(range(1, 32)) * 20, "a.txt") == "binary"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.doc") == "binary"
    assert sniff(b"", "a.txt") == "text"
    # extension is only a fall-back: text with markup-ish content named .html
    assert sniff(b"a < b and c > d", "page.html") == "html"
    assert sniff(b"plain words", "page.html") == "text"


def test_to_text_dispatch():
    assert to_text(make_pdf(text_at(20, 300, "Hello 123")), "pdf") == "Hello 123\n"
    assert to_text(b"<p>a</p>", "html") == "a\n"
    with pytest.raises(ValueError):
        to_text(b"abc", "text")
    with pytest.raises(FormatError):
        to_text(b"\x00\x01", "binary")
    with pytest.raises(ValueError):
        to_text(b"", "xls")


def test_clean_cell():
    assert clean_cell(None) == ""
    assert clean_cell("\u00a0") == ""
    assert clean_cell("\u3000\u3000") == ""
    assert clean_cell(" 商业\n企业 ") == "商业企业"
    assert clean_cell("结 果\n维持") == "结 果维持"
    assert clean_cell("a\n  b\t c") == "a b c"
    assert clean_cell("合计 \n 12") == "合计 12"
    assert clean_cell("+3") == "+3"


# ---------------------------------------------------------------------------
# HTML

GBK_PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="gb2312">
<title>站点标题</title>
<script>document.write("脚本输出"); var x = "<table><tr><td>99</td></tr></table>";</script>
<style>td { color: red }</style>
</head><body>
<div class="header"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<nav><ul><li>网站导航</li><li>信息公开</li></ul></nav>
<table width="100%"><tr>
 <td width="20%"><table><tr><td>左侧栏目</td></tr><tr><td>通知公告</td></tr></table></td>
 <td>
  <h1>某某区人民政府2023年政府信息公开工作年度报告</h1>
  <p>　　一、总体情况</p>
  <p>2023年，主动公开政府信息<b>1136</b>条。<br>受理申请 21 件。</p>
  <table border="1">
   <tr><td colspan="3">第二十条第（一）项</td></tr>
   <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td></tr>
   <tr><td>规章</td><td>0</td><td>&nbsp;</td></tr>
   <tr><td>行政规范性文件</td><td>+5</td><td></td></tr>
  </table>
  <table border="1">
   <tr><td rowspan="3">三、本年度<br>办理结果</td><td>（一）予以公开</td><td>4</td><td>4</td></tr>
   <tr><td>（二）部分公开</td><td>1</td><td>1</td></tr>
   <tr><td colspan="2" rowspan="2">（三）合并</td><td>7</td></tr>
   <tr><td>四、结转</td><td>2</td></tr>
  </table>
  <p>结束。<script>alert("不应出现")</script></p>
  <div style="display: none">隐藏内容</div>
 </td>
</tr></table>
<div id="footer">版权所有：某某区人民政府 网站标识码 123</div>
<footer>关于我们 | 联系我们</footer>
</body></html>
"""


def test_html_gbk_meta_charset_layout_tables_and_grids():
    data = GBK_PAGE.encode("gbk")
    assert sniff(data, "x") == "html"
    out = html_to_text(data)
    assert lines_of(out) == [
        "左侧栏目",
        "通知公告",
        "某某区人民政府2023年政府信息公开工作年度报告",
        "一、总体情况",
        "2023年，主动公开政府信息1136条。",
        "受理申请 21 件。",
        "",
        "第二十条第（一）项\t\t",
        "信息内容\t本年制发件数\t本年废止件数",
        # an empty cell is an empty box, ' ' (a blank cell); a slot under a span is ''
        "规章\t0\t ",
        "行政规范性文件\t+5\t ",
        "",
        # rowspan: text in the first row only; colspan: text in the first slot
        "三、本年度办理结果\t（一）予以公开\t4\t4",
        "\t（二）部分公开\t1\t1",
        "\t（三）合并\t\t7",
        "四、结转\t\t\t2",
        "",
        "结束。",
        "",
    ]
    for gone in ("脚本输出", "不应出现", "99", "隐藏内容", "网站导航", "首页", "版权所有", "关于我们", "站点标题", "red"):
        assert gone not in out


def test_html_http_equiv_and_detection_without_meta():
    body = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=GBK'></head><body><p>行政许可　550</p></body></html>"
    assert html_to_text(body.encode("gbk")) == "行政许可 550\n"
    # no meta, GB18030-only characters (not in GBK) still decode
    no_meta = "<html><body><p>𠀀政府信息公开申请数量 21</p><p>行政复议 3 件</p></body></html>"
    assert html_to_text(no_meta.encode("gb18030")) == "𠀀政府信息公开申请数量 21\n行政复议 3 件\n"
    # mislabelled: says gb2312 but is UTF-8
    mis = "<html><head><meta charset=gb2312></head><body><p>主动公开 1136 条</p></body></html>"
    assert html_to_text(mis.encode("utf-8")) == "主动公开 1136 条\n"
    # XML declaration with an encoding is accepted
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><body><p>公开</p></body></html>'
    assert html_to_text(xhtml.encode("utf-8")) == "公开\n"


def test_html_thead_tfoot_order_and_th_cells():
    page = """<table>
      <tfoot><tr><td>合计</td><td>3</td></tr></tfoot>
      <thead><tr><th>项目</th><th>数量</th></tr></thead>
      <tbody><tr><td>甲</td><td>1</td></tr><tr><td>乙</td><td>2</td></tr></tbody>
    </table>"""
    assert html_to_text(page.encode()) == "项目\t数量\n甲\t1\n乙\t2\n合计\t3\n"


def test_html_table_between_paragraphs_has_blank_lines():
    page = "<p>前</p><table><tr><td>a</td><td>1</td></tr></table><p>后</p>"
    assert html_to_text(page.encode()) == "前\n\na\t1\n\n后\n"


def test_html_single_column_table_is_layout():
    page = "<table><tr><td><p>第一段。</p><p>第二段。</p></td></tr></table>"
    assert html_to_text(page.encode()) == "第一段。\n第二段。\n"


def test_html_empty_and_whitespace():
    assert html_to_text(b"") == ""
    assert html_to_text(b"<html><body>   </body></html>") == ""


# ---------------------------------------------------------------------------
# DOCX

TEMPLATE = CORPUS / "template-2021.docx"


@pytest.fixture()
def filled_template(tmp_path):
    docx = pytest.importorskip("docx")
    if not TEMPLATE.exists():
        pytest.skip(f"{TEMPLATE} not present")
    d = docx.Document(str(TEMPLATE))
    t3 = d.tables[1]

    def fill(row_idx: int, values: list[str]) -> None:
        cells = t3.rows[row_idx].cells  # 10 grid slots (merged cells repeat)
        for cell, v in zip(cells[3:], values):
            cell.text = v

    fill(3, ["21", "1", "2", "3", "4", "5", "36"])  # 一、本年新收
    fill(4, ["0", "0", "0", "0", "0", "0", "0"])  # 二、上年结转
    fill(5, ["10", "0", "1", "0", "0", "0", "11"])  # （一）予以公开
    fill(7, ["7", "0", "0", "0", "0", "0", "7"])  # （三）1.属于国家秘密
    fill(27, ["1", "0", "0", "0", "0", "0", "1"])  # 四、结转下年度继续办理
    t4 = d.tables[2]
    for cell, v in zip(t4.rows[3].cells, [str(i) for i in range(10, 25)]):
        cell.text = v
    path = tmp_path / "filled.docx"
    d.save(str(path))
    return path.read_bytes()


def test_docx_template_numbers_on_the_right_rows(filled_template):
    assert sniff(filled_template, "whatever") == "docx"
    out = docx_to_text(filled_template)
    lines = lines_of(out)
    new = next(ln for ln in lines if "本年新收" in ln)
    assert new.split("\t") == ["一、本年新收政府信息公开申请数量", "", "", "21", "1", "2", "3", "4", "5", "36"]
    assert new.endswith("\t".join(["21", "1", "2", "3", "4", "5", "36"]))
    granted = next(ln for ln in lines if "（一）予以公开" in ln)
    # vMerge restart: the vertical label is in this row only; gridSpan=2 -> ''
    assert granted == "三、本年度办理结果\t（一）予以公开\t\t10\t0\t1\t0\t0\t0\t11"
    secret = next(ln for ln in lines if "属于国家秘密" in ln)
    assert secret == "\t（三）不予公开\t1.属于国家秘密\t7\t0\t0\t0\t0\t0\t7"
    prohibited = next(ln for ln in lines if "其他法律行政法规禁止公开" in ln)
    assert prohibited == "\t\t2.其他法律行政法规禁止公开" + "\t " * 7  # empty boxes: blank cells
    carried = next(ln for ln in lines if ln.startswith("四、结转下年度继续办理"))
    assert carried.split("\t")[3:] == ["1", "0", "0", "0", "0", "0", "1"]
    t4 = "\t".join(str(i) for i in range(10, 25))
    assert t4 in lines
    # every row of table 3 has the full width of 10 slots
    t3_rows = [ln for ln in lines if ln.count("\t") == 9]
    assert len(t3_rows) == 28
    # body order: heading, blank, table, blank, next heading
    i3 = lines.index("三、收到和处理政府信息公开申请情况")
    assert lines[i3 + 1] == ""
    assert lines[i3 + 2].startswith("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况")
    i4 = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    assert lines[i4 - 1] == "" and lines[i4 - 2].startswith("四、结转下年度继续办理\t")
    assert lines.index("一、总体情况") < lines.index("二、主动公开政府信息情况") < i3 < i4


def test_docx_built_with_merges_and_paragraph_order():
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("标题\t2023")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（一）项"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "规章"
    for c, v in zip(t.rows[1].cells[1:], ["1", "0", "+11"]):
        c.text = v
    t.cell(2, 1).text = "\u00a0"
    t.cell(2, 2).text = "2\n3"
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行")
    out = docx_to_text(docx_bytes(d))
    assert lines_of(out) == [
        "标题 2023",
        "",
        "第二十条第（一）项\t\t\t",
        "规章\t1\t0\t+11",
        "\t \t2 3\t ",  # vMerge continuation '', empty boxes ' ' 
        "",
        "第一行",
        "第二行",
        "",
    ]


def test_docx_corrupt():
    with pytest.raises(FormatError):
        docx_to_text(b"PK\x03\x04 not a zip")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "x")
    with pytest.raises(FormatError):
        docx_to_text(buf.getvalue())


# ---------------------------------------------------------------------------
# PDF: synthetic


def test_pdf_text_layer_and_errors():
    assert pdf_to_text(make_pdf(text_at(20, 300, "Hello 123"))) == "Hello 123\n"
    with pytest.raises(NeedsOCR):
        pdf_to_text(make_pdf(b"0 0 m 100 100 l S"))
    with pytest.raises(FormatError, match="encrypted"):
        pdf_to_text(make_pdf(text_at(20, 300, "secret"), encrypt=True))
    with pytest.raises(FormatError, match="corrupt"):
        pdf_to_text(b"%PDF-1.4\n garbage")
    with pytest.raises(FormatError, match="corrupt"):
        pdf_to_text(make_pdf(text_at(20, 300, "x"))[:150])
    with pytest.raises(FormatError):
        pdf_to_text(b"not a pdf")
    assert issubclass(NeedsOCR, FormatError)


def test_pdf_ruled_table_across_pages_with_footers():
    xs = [40, 160, 240, 320]
    page1 = (
        text_at(40, 370, "Intro line")
        # white background rect behind a prose line: not a table ruling
        + b"1 1 1 rg 38 338 300 16 re f 0 0 0 rg\n"
        + text_at(40, 342, "Prose on white")
        + ruled_grid(xs, [320, 300, 280, 260])
        + text_at(45, 305, "Item") + text_at(165, 305, "A") + text_at(245, 305, "B")
        + text_at(45, 285, "Row one") + text_at(165, 285, "12") + text_at(245, 285, "+3")
        + text_at(45, 265, "Row two") + text_at(165, 265, "0")
        + text_at(190, 15, "- 1 -")
    )
    # continuation: verticals run to the page bottom without a closing ruling
    page2 = (
        ruled_grid(xs, [380, 360, 340], close_bottom=False)
        + text_at(45, 365, "Row three") + text_at(165, 365, "7") + text_at(245, 365, "8")
        + text_at(45, 345, "Row four") + text_at(165, 345, "9") + text_at(245, 345, "10")
        + text_at(40, 300, "After table")
        + text_at(180, 15, "- 2 -")
    )
    out = pdf_to_text(make_pdf(page1, page2))
    assert lines_of(out) == [
        "Intro line",
        "Prose on white",
        "",
        "Item\tA\tB",
        "Row one\t12\t+3",
        "Row two\t0\t ",  # an empty ruled box: one space (a blank cell)
        "\f",  # the page break: one form feed, at the end of the page's last line (here the blank after the table)
        "Row three\t7\t8",
        "Row four\t9\t10",
        "",
        "After table",
        "",
    ]


def test_pdf_page_border_and_framed_paragraph_are_not_tables():
    xs = [60, 160, 240, 320]
    page = (
        b"0 0 0 RG 1 w 20 20 360 360 re S\n"  # a border around the whole page
        + text_at(40, 350, "Title inside frame")
        + b"50 300 300 30 re S\n"  # a boxed paragraph (one-column "table")
        + text_at(55, 318, "Framed paragraph line one")
        + text_at(55, 305, "and line two")
        + ruled_grid(xs, [260, 240, 220])
        + text_at(65, 245, "Item") + text_at(165, 245, "A") + text_at(245, 245, "B")
        + text_at(65, 225, "Row") + text_at(165, 225, "1") + text_at(245, 225, "2")
        + text_at(40, 100, "After")
    )
    assert lines_of(pdf_to_text(make_pdf(page))) == [
        "Title inside frame",
        "Framed paragraph line one",
        "and line two",
        "",
        "Item\tA\tB",
        "Row\t1\t2",
        "",
        "After",
        "",
    ]


def test_page_markers():
    for s in ("-3-", "- 4 -", "— 4 —", "－12－", "第3页", "第 3 页 共 5 页", "3/5", "Page 2 of 9"):
        assert is_page_marker(s), s
    for s in ("3", "2023 年", "-3-5", "一、总体情况", "1136"):
        assert not is_page_marker(s), s
    assert is_page_marker("3", in_margin=True)


# ---------------------------------------------------------------------------
# PDF: dev corpus (skipped when ../shared is absent)


def _corpus_pdf(name: str) -> bytes:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path.read_bytes()


_cache: dict[str, str] = {}


def _converted(name: str) -> str:
    if name not in _cache:
        _cache[name] = pdf_to_text(_corpus_pdf(name))
    return _cache[name]


def _gold(name: str) -> list[dict]:
    if not GOLD.exists():
        pytest.skip(f"{GOLD} not present")
    with GOLD.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["file"] == name]


@pytest.mark.parametrize("name", DEV_PDFS)
def test_dev_pdf_table3_rows_match_gold(name):
    out = _converted(name)
    gold = _gold(name)
    rows: OrderedDict[str, dict] = OrderedDict()
    for r in gold:
        if r["fact_table"] in ("fct_applications", "fct_outcomes"):
            rows.setdefault(r["key1"], {})[r["key2"]] = r["value"]
    order = [k for k in rows if k != "carried_to_next"] + ["carried_to_next"]
    want = [[rows[k][c] for c in APPLICANT_COLS] for k in order]
    # every table-3 row: label slots + exactly 7 numbers on one line, in order
    assert numeric_rows(out, 10) == want


@pytest.mark.parametrize("name", DEV_PDFS)
def test_dev_pdf_table4_values_on_one_line(name):
    out = _converted(name)
    want = [r["value"] for r in _gold(name) if r["fact_table"] == "fct_review_litigation"]
    assert len(want) == 15
    assert "\t".join(want) in lines_of(out)


@pytest.mark.parametrize("name", DEV_PDFS)
def test_dev_pdf_table2_label_and_numbers_on_one_line(name):
    lines = lines_of(_converted(name))
    labels = {
        "regulations": "规章",
        "normative_documents": "行政规范性文件",
        "administrative_licensing": "行政许可",
        "administrative_penalty": "行政处罚",
        "administrative_coercion": "行政强制",
        "administrative_fees": "行政事业性收费",
    }
    got: dict[str, list[str]] = {}
    for ln in lines:
        cells = ln.split("\t")
        if len(cells) > 1 and cells[0] in labels.values():
            got[cells[0]] = [c for c in cells[1:] if c]
    want: dict[str, list[str]] = {}
    for r in _gold(name):
        if r["fact_table"] == "fct_proactive_disclosures" and r["key1"] in labels:
            want.setdefault(labels[r["key1"]], []).append(r["value"])
    assert got == want


@pytest.mark.parametrize("name", DEV_PDFS)
def test_dev_pdf_no_page_footers_and_shape(name):
    out = _converted(name)
    lines = lines_of(out)
    assert not [ln for ln in lines if is_page_marker(ln)]
    assert not [ln for ln in lines if re.fullmatch(r"[-—–\s]*\d{1,3}[-—–\s]*", ln)]
    assert "\n\n\n" not in out and out.endswith("\n") and not out.startswith("\n")
    # prose never holds a TAB; tables are framed by blank lines
    for i, ln in enumerate(lines):
        if "\t" in ln and i > 0:
            assert lines[i - 1] in ("", "\f") or "\t" in lines[i - 1]
    # table-3 header: the shredded applicant header comes out as cells
    assert any(ln.split("\t")[3:5] == ["自然人", "法人或其他组织"] for ln in lines)


def test_dev_pdf_hongze2023_specific_lines():
    lines = lines_of(_converted("hongze-2023.pdf"))
    # table 3 breaks between pages 3 and 4 after 2.没有现成信息 (footer -3- removed)
    i = lines.index("\t\t2.没有现成信息需要另行制作\t3\t0\t0\t0\t0\t0\t3")
    assert lines[i + 1] == "\f"  # the page break, in place of the blank line after the table
    # the merged cells cut by the break are empty boxes on page 4: one space each
    assert lines[i + 2] == " \t \t3.补正后申请内容仍不明确\t0\t0\t0\t0\t0\t0\t0"
    # wrapped row labels keep their numbers on the same line
    assert "\t（二）部分公开（区分处理的，只计这一情 形，不计其他情形）\t\t4\t0\t0\t0\t0\t0\t4" in lines
    assert "\t\t5.要求行政机关确认或重 新出具已获取信息\t0\t0\t0\t0\t0\t0\t0" in lines
    assert "三、本年度办理结果\t（一）予以公开\t\t0\t0\t0\t0\t0\t0\t0" in lines
    assert "\t（四）无法提供\t1.本机关不掌握相关政府信息\t10\t0\t0\t0\t0\t0\t10" in lines
    # table 2 continues on page 3 after the 第二十条第（六）项 band
    assert "行政事业性收费\t7730.28" in lines
    assert "10\t1\t0\t0\t0\t0\t0\t0\t0\t0\t5\t0\t0\t0\t0" in lines
    # prose: wrapped visual lines joined into paragraphs
    assert any("我区在政府网站平台主动公开政府信息 1136 条。" in ln for ln in lines)


def test_dev_pdf_huaian_specific_lines():
    lines = lines_of(_converted("huaian-2024.pdf"))
    assert "\t（四）无\t1.本机关不掌握相关政府信息\t746\t12\t0\t0\t10\t1\t769" in lines
    assert " \t法提供\t2.没有现成信息需要另行制作\t11\t0\t0\t0\t0\t0\t11" in lines
    assert (
        "\t（六）其他处理\t1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        "\t67\t3\t0\t0\t1\t0\t71"
    ) in lines
    assert "行政处罚\t3985758" in lines and "行政事业性收费\t96171.6" in lines
    assert "72\t64\t178\t37\t351\t13\t4\t8\t1\t26\t12\t1\t1\t6\t20" in lines
    assert any("全年收取政府信息公开信息处理费 3940 元。" in ln for ln in lines)
