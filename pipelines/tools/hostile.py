"""A hostile raw folder: good reports beside every kind of file and path that once
stopped a run (issue 17's fault table). The fault tests and `ogi bench --hostile` build
it; nothing here is read by the pipeline itself.

`make_hostile(root, good)` copies the good report files in and adds the bad ones, and
returns {relative path (as `inputs` shows it): what it is}; paths that are links or
special files are made only where the system allows them.
"""
from __future__ import annotations

import io
import os
import pathlib
import shutil
import zipfile

GBK_NAME = "政府信息公开年度报告".encode("gbk") + b".txt"   # a name unzipped from a Windows archive


def zip_bomb_docx(inflated_mb: int = 300) -> bytes:
    """A .docx whose word/document.xml inflates to `inflated_mb` MB of XML (a few MB on disk)."""
    body = b'<w:p><w:r><w:t>' + b"0" * 4000 + b'</w:t></w:r></w:p>'
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    tail = b"</w:body></w:document>"
    n = inflated_mb * 1024**2 // len(body)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                    'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                    'wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            for _ in range(n):
                f.write(body)
            f.write(tail)
    return buf.getvalue()


def span_bomb_html(rows: int = 40, per_row: int = 20, span: int = 1000) -> bytes:
    """A small page whose table cells each span `span` rows and columns."""
    cell = f'<td colspan="{span}" rowspan="{span}">1</td>'
    trs = "".join("<tr>" + cell * per_row + "</tr>" for _ in range(rows))
    return (f"<html><body><p>2023年政府信息公开工作年度报告</p><table>{trs}</table></body></html>").encode()


def span_bomb_docx(rows: int = 40, per_row: int = 20, span: int = 1000) -> bytes:
    """A .docx table whose cells each carry gridSpan `span`."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    tc = (f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/><w:vMerge w:val="restart"/></w:tcPr>'
          f'<w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>')
    tbl = "<w:tbl>" + "".join("<w:tr>" + tc * per_row + "</w:tr>" for _ in range(rows)) + "</w:tbl>"
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{w}"><w:body>'
           f"<w:p><w:r><w:t>2023年政府信息公开工作年度报告</w:t></w:r></w:p>{tbl}</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                    'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                    'wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", doc)
    return buf.getvalue()


def deep_html(depth: int = 300) -> bytes:
    """A page nested `depth` levels deep around its table (libxml2 stops at 256)."""
    return ("<html><body><p>2023年政府信息公开工作年度报告</p>" + "<div>" * depth +
            "<table><tr><td>项目</td><td>数量</td></tr><tr><td>收到申请</td><td>5</td></tr></table>" +
            "</div>" * depth + "</body></html>").encode()


def pdf_page(chars: int = 400_000) -> bytes:
    """A one-page PDF whose page holds `chars` characters (one text object per 80-character line)."""
    line = b"(" + b"0123456789" * 8 + b") Tj T*\n"
    n = max(1, chars // 80)
    content = b"BT /F1 2 Tf 2 TL 10 10 Td\n" + line * n + b"ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def png(width: int, height: int, grey: int = 200) -> bytes:
    """A valid greyscale PNG of one colour (no image library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([grey]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = png(120, 40)  # a logo: an image too small for a page
BAD_PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)  # PNG magic, nothing an image library can open


def make_hostile(root: pathlib.Path, good: list[pathlib.Path], outside: pathlib.Path, big: bool = False) -> dict[str, str]:
    """Fill `root` with copies of the `good` report files and the hostile ones. `outside`:
    a file outside the folder for a link to point at. `big`: the benchmark's sizes (a
    300 MB-inflating DOCX, a 400,000-character PDF page), else small ones that pass
    the tests' low limits. Returns {path as `inputs` shows it: what it is}."""
    root = pathlib.Path(root)
    root.mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}
    sub = root / "reports"
    sub.mkdir(exist_ok=True)
    for g in good:
        shutil.copyfile(g, sub / g.name)
        made[f"reports/{g.name}"] = "good"
    first = good[0]
    # a name in GBK bytes (not UTF-8): read, shown escaped
    with open(os.path.join(os.fsencode(root), GBK_NAME), "wb") as f:
        f.write(first.read_bytes() + b"\n")
    made[GBK_NAME.decode("utf-8", "backslashreplace")] = "gbk-name"
    shutil.copyfile(first, root / "copy-of-first.txt")
    made["copy-of-first.txt"] = "duplicate"
    (root / "SOURCES.tsv").write_text("file\turl\n", encoding="utf-8")
    made["SOURCES.tsv"] = "not-report"
    (root / "logo.png").write_bytes(PNG)
    made["logo.png"] = "not-report"
    (root / "app.js").write_text("var x = 1;", encoding="utf-8")
    made["app.js"] = "not-report"
    (root / "style.css").write_text("p {}", encoding="utf-8")
    made["style.css"] = "not-report"
    (root / "logo-named.txt").write_bytes(BAD_PNG)
    made["logo-named.txt"] = "not-report-content"
    (root / ".hidden.txt").write_text("x", encoding="utf-8")
    made[".hidden.txt"] = "hidden"
    (root / ".git").mkdir(exist_ok=True)
    (root / ".git" / "config").write_text("x", encoding="utf-8")
    made[".git"] = "hidden"
    (root / "empty1.txt").write_bytes(b"")
    (root / "empty2.txt").write_bytes(b"")
    made["empty1.txt"] = made["empty2.txt"] = "empty"
    (root / "span-bomb.html").write_bytes(span_bomb_html())
    made["span-bomb.html"] = "span-bomb"
    (root / "span-bomb.docx").write_bytes(span_bomb_docx())
    made["span-bomb.docx"] = "span-bomb"
    (root / "deep.html").write_bytes(deep_html())
    made["deep.html"] = "deep"
    (root / "zip-bomb.docx").write_bytes(zip_bomb_docx(300 if big else 8))
    made["zip-bomb.docx"] = "zip-bomb"
    (root / "long-page.pdf").write_bytes(pdf_page(400_000 if big else 40_000))
    made["long-page.pdf"] = "long-page"
    if hasattr(os, "symlink"):
        os.symlink("loop-b", root / "loop-a")
        os.symlink("loop-a", root / "loop-b")
        made["loop-a"] = made["loop-b"] = "loop"
        os.symlink(str(outside), root / "outside-link.txt")
        made["outside-link.txt"] = "outside-link"
        os.symlink("no-such-file.txt", root / "dangling.txt")
        made["dangling.txt"] = "dangling"
        os.symlink("reports", root / "dir-link")
        made["dir-link"] = "dir-link"
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.txt")
        made["pipe.txt"] = "fifo"
    return made
