"""Synthetic reports as text-layer PDFs (the `pdf` layout of `synth.py`).

What belongs here: rendering a synthetic report's blocks (prose paragraphs and tables of
`synth.Cell`s with their row and column spans) as an A4 PDF the way government sites
publish them: a centred title, indented paragraphs wrapped at the margins, ruled tables
(every cell boxed, merged cells spanning rows and columns, blank cells left empty,
tables broken across pages where they do not fit), a page number footer (`- 3 -`,
`— 3 —` or `第3页`) on every page. The text is set in the CID font STSong-Light, which
every PDF reader has built in: no font file is shipped or embedded.

Deterministic: the same blocks and style seed give the same bytes (reportlab's
`invariant` mode: no creation date, a fixed document ID). Nothing here parses.
"""
from __future__ import annotations

import io
import random
from typing import Any

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _grid(rows: list) -> tuple[list[list[Any]], list[tuple], int]:
    """The rows of Cells as a full grid and the table's style commands: each cell boxed
    by its own rulings, a column span merged (SPAN), a row span drawn as one box with
    its text in its first row (reportlab cannot break a table inside a row span; real
    reports break table 三 inside its 三、本年度办理结果 span all the time)."""
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, Any]] = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    height = max((r for r, _ in taken), default=-1) + 1
    grid: list[list[Any]] = [[None] * width for _ in range(height)]
    cmds: list[tuple] = []
    w = 0.5
    for r, c, cell in placed:
        grid[r][c] = cell
        c1, r1 = c + cell.colspan - 1, r + cell.rowspan - 1
        if c1 > c:
            cmds.append(("SPAN", (c, r), (c1, r)))
        cmds += [("LINEABOVE", (c, r), (c1, r), w, "black"), ("LINEBELOW", (c, r1), (c1, r1), w, "black"),
                 ("LINEBEFORE", (c, r), (c, r1), w, "black"), ("LINEAFTER", (c1, r), (c1, r1), w, "black")]
    return grid, cmds, width


def _col_widths(grid: list[list[Any]], width: int, total: float) -> list[float]:
    """Label columns wide, number columns narrow: a column is a label column when any
    of its unspanned cells holds more than a few characters of text."""
    label = [False] * width
    for row in grid:
        for c, cell in enumerate(row):
            if cell is not None and cell.colspan == 1 and cell.kind == "label" and len(cell.text) > 4:
                label[c] = True
    n_label = sum(label)
    if n_label == 0 or n_label == width:
        return [total / width] * width
    num_w = min(36.0, total * 0.45 / (width - n_label))
    lab_w = (total - num_w * (width - n_label)) / n_label
    return [lab_w if is_label else num_w for is_label in label]


def render_pdf(blocks: list, title: str, rng: random.Random) -> bytes:
    """The report's blocks (('p', text) / ('table', rows of Cells)) as PDF bytes."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    font = _font()
    size = rng.choice((12.0, 14.0, 16.0))
    cell_size = rng.choice((8.0, 9.0))
    footer = rng.choice(("- {} -", "— {} —", "第{}页"))
    margin = 72.0
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.75, firstLineIndent=2 * size,
                          wordWrap="CJK")
    head = ParagraphStyle("title", fontName=font, fontSize=size + 6, leading=(size + 6) * 1.6, alignment=TA_CENTER,
                          spaceAfter=size)
    cell = ParagraphStyle("cell", fontName=font, fontSize=cell_size, leading=cell_size * 1.3, alignment=TA_CENTER,
                          wordWrap="CJK")
    frame_w = A4[0] - 2 * margin
    story: list[Any] = []
    for i, (kind, payload) in enumerate(blocks):
        if kind == "p":
            is_title = payload == title or (i < 2 and "年度报告" in payload)
            story.append(Paragraph(escape(payload), head if is_title else body))
            continue
        grid, cmds, width = _grid(payload)
        data = [[Paragraph(escape(c.text), cell) if c is not None and c.text else "" for c in row] for row in grid]
        t = Table(data, colWidths=_col_widths(grid, width, frame_w), repeatRows=0, splitByRow=1)
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                               *cmds]))
        story += [Spacer(1, size * 0.5), t, Spacer(1, size * 0.5)]

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 10.5)
        canvas.drawCentredString(A4[0] / 2, margin / 2, footer.format(doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title="", author="", invariant=1)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


SCAN_DPI = 200  # the resolution a scanned page is rendered at
SCAN_MAX_TURN = 0.6  # degrees a scanned page is turned at most


def render_scan(pdf: bytes, rng: random.Random) -> bytes:
    """A text-layer PDF as a scanner leaves it: each page rendered at SCAN_DPI in grey,
    turned by up to SCAN_MAX_TURN degrees, slightly blurred and saved as JPEG, in a PDF of
    those images with no text layer. Deterministic for the same bytes and generator."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    doc = pdfium.PdfDocument(pdf)
    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)
    try:
        for i in range(len(doc)):
            page = doc[i]
            w, h = page.get_size()
            img = page.render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
            img = img.rotate(rng.uniform(-SCAN_MAX_TURN, SCAN_MAX_TURN), resample=Image.BILINEAR, fillcolor=255)
            img = img.filter(ImageFilter.GaussianBlur(0.6))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=80)
            buf.seek(0)
            c.setPageSize((w, h))
            c.drawImage(ImageReader(buf), 0, 0, width=w, height=h)
            c.showPage()
    finally:
        doc.close()
    c.save()
    return out.getvalue()
