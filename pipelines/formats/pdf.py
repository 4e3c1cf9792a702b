"""PDF -> contract text (see ``pipelines.formats`` for the output contract).

What belongs here: reading a PDF's text layer with pdfium (pypdfium2: each character's
text and box, each drawn path's segments and colours), finding its ruled tables
(the geometry is in ``pdfgeom``), emitting each table row as one TAB-joined line and the
prose around the tables as lines, in reading order per page, with page headers /
footers (``-3-``, ``— 4 —``, ``第3页``, ``3/5`` ...) removed, and a line holding one form
feed (``\f``) between pages, at the end of the last line of a page (a prose line, or
the blank line after a table), so the lines are those of a text without page breaks
and a span's page is the number of form feeds before it plus one.
Nothing here knows about the report templates; stitching a table that continues on
the next page is the parser's job (the rows are simply emitted in order).

How tables are found: only *visible* rulings count. WPS/Word PDFs paint a white
filled rectangle behind every prose line and behind every table cell; those are
not borders, so edges come from stroked lines / stroked rectangles / thin dark
filled rectangles only. A table cut by a page break has no bottom (or top) border on
that page; such tables are closed where two or more vertical rulings end (or
start) at the same height. A ruled box with one column (a boxed paragraph, a page
border) or one drawn around another table is a frame, not a table: its text is read
as prose. Prose lines are joined into paragraphs (a line running to the right margin
continues on the next line when that one starts at the left margin, unindented).
The text layer is trusted as is: fonts whose ToUnicode map remaps digits cannot be
detected here (no render check; the identities catch them).

Size caps (a hostile or broken file must not take minutes): a page of more than
MAX_PAGE_CHARS characters is read as pdfium's plain text (no tables); past MAX_PATHS
drawn paths, or where its rulings are too many to cross (``pdfgeom.TooComplex``), a
page is read as lines of text without tables. Each such page is named in ``notes``
(the caller turns them into a failing check).
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from typing import Any, Final

from . import FormatError, NeedsOCR, clean_cell, clean_line, table_lines
from .pdfgeom import Box, Char, TooComplex, bbox, closing_edges, dedupe, find_tables, table_rows, table_text, text_lines

MAX_PAGE_CHARS: Final = 40_000  # characters on a page beyond which it is read as plain text
MAX_PATHS: Final = 50_000  # drawn paths on a page beyond which its rulings are not read
# a scanned page in a PDF with a text layer: fewer characters than this (a page number, a
# site's stamp) over an image covering at least SCANNED_PAGE_AREA of the page
SCANNED_PAGE_CHARS: Final = 40
SCANNED_PAGE_AREA: Final = 0.4

__all__ = ["pdf_to_text", "is_page_marker"]

# ---------------------------------------------------------------------------
# page headers / footers

_DASH = r"[-—–－‒―−_~·•]"
_PAGE_MARKER_RES = [
    re.compile(rf"^{_DASH}+\s*\d{{1,4}}\s*{_DASH}+$"),  # -3-  — 4 —  - 4 -
    re.compile(rf"^{_DASH}+\s*\d{{1,4}}$"),  # -3
    re.compile(rf"^\d{{1,4}}\s*{_DASH}+$"),  # 3-
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?$"),  # 第3页 / 第3页共5页
    re.compile(r"^共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 3/5
    re.compile(r"^(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I),
]
_BARE_NUMBER_RE = re.compile(r"^\d{1,3}$")


def is_page_marker(line: str, *, in_margin: bool = False) -> bool:
    """True for a page-number line (``-3-``, ``— 4 —``, ``第3页``, ``3/5``).

    A bare number (``3``) counts only when ``in_margin`` (top/bottom band of the page).
    """
    s = line.strip()
    if not s:
        return False
    if any(r.match(s) for r in _PAGE_MARKER_RES):
        return True
    return in_margin and bool(_BARE_NUMBER_RE.match(s))


# ---------------------------------------------------------------------------
# reading a page with pdfium


class _Page:
    """What one page yields: its height, characters and visible rulings, or (for a page
    over the size caps) its plain text."""

    __slots__ = ("height", "chars", "v", "h", "plain", "nchars", "scanned")

    def __init__(self, height: float) -> None:
        self.height = height
        self.scanned = False  # an image of a page, its text layer next to nothing
        self.chars: list[Char] = []
        self.v: list[tuple[float, float, float]] = []
        self.h: list[tuple[float, float, float]] = []
        self.plain: str | None = None
        self.nchars = 0


def _white(r: int, g: int, b: int) -> bool:
    return r >= 242 and g >= 242 and b >= 242


def _read_chars(R: Any, tp: Any, top_y: float) -> list[Char]:
    """Characters (text, x0, top, x1, bottom) of a text page, pdfium's generated spaces and
    line breaks left out. A box is the glyph's advance across and one em high on its
    baseline (as pdfminer has it, less the font's descent): every font on a baseline
    then has the same top, whatever its ascent (pdfium's loose box follows the font's
    ascent, which splits a line where a bold run meets regular text)."""
    n = R.FPDFText_CountChars(tp)
    rect = R.FS_RECTF()
    prect = ctypes.byref(rect)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    mat = R.FS_MATRIX()
    pmat = ctypes.byref(mat)
    get_unicode, get_box, is_gen = R.FPDFText_GetUnicode, R.FPDFText_GetLooseCharBox, R.FPDFText_IsGenerated
    get_origin, get_size, get_matrix = R.FPDFText_GetCharOrigin, R.FPDFText_GetFontSize, R.FPDFText_GetMatrix
    out: list[Char] = []
    append = out.append
    pending_high = 0
    last_key = (0.0, 0.0, 0.0, 0.0)
    last_em = 0.0
    for i in range(n):
        u = get_unicode(tp, i)
        if u < 0x21:
            if u != 0x20 or is_gen(tp, i):
                continue
        elif 0xD800 <= u < 0xDC00:
            pending_high = u
            continue
        elif 0xDC00 <= u < 0xE000:
            if not pending_high:
                continue
            u = 0x10000 + ((pending_high - 0xD800) << 10) + (u - 0xDC00)
            pending_high = 0
        elif u == 0xFFFE or u == 0xFFFF:
            continue
        get_box(tp, i, prect)
        get_origin(tp, i, pox, poy)
        size = get_size(tp, i)
        h = rect.top - rect.bottom
        key = (size, h, rect.top - oy.value, 0.0)
        if key != last_key:
            get_matrix(tp, i, pmat)
            scale = abs(mat.a * mat.d - mat.b * mat.c) ** 0.5
            last_em = size * scale
            last_key = key
        em = last_em
        if h > 50.0 and em * 3 < h:
            # pdfium's loose box of a glyph in vertical writing misses the text matrix's
            # scale (20x too big in WPS cells of upright stacked text): an em square
            x0 = ox.value
            append((chr(u), x0, top_y - oy.value - em, x0 + em, top_y - oy.value))
            continue
        base = top_y - oy.value
        append((chr(u), rect.left, base - em, rect.right, base))
    return out


def _mat_mul(m: tuple, n: tuple) -> tuple:
    """The matrix applying m, then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _read_rulings(R: Any, page: Any, top_y: float, pg: _Page) -> int:
    """Visible rulings of a page into pg.v / pg.h (form XObjects included); returns the
    number of path objects seen (stops counting at MAX_PATHS: the rest are not read).

    As pdfplumber saw them: a subpath of one straight segment is a line, a closed
    axis-aligned four-corner subpath a rectangle (four edges), any other subpath
    gives its axis-aligned straight segments. Stroked ones count unless stroked in
    white; a filled, unstroked rectangle counts only when thin (<= 2 pt, a ruling
    drawn as a bar) and not white (WPS paints a white box behind every line and cell).
    """
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    px, py = ctypes.c_float(), ctypes.c_float()
    mat = R.FS_MATRIX()
    seen = 0
    vs, hs = pg.v, pg.h
    PATH, FORM = R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM
    MOVETO, LINETO = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO
    stack: list[tuple[Any, int, tuple]] = []
    n_top = R.FPDFPage_CountObjects(page)

    def objects():
        for i in range(n_top):
            yield R.FPDFPage_GetObject(page, i), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        while stack:
            form, n, m = stack.pop()
            for j in range(n):
                yield R.FPDFFormObj_GetObject(form, j), m

    for obj, parent in objects():
        t = R.FPDFPageObj_GetType(obj)
        if t == FORM:
            if R.FPDFPageObj_GetMatrix(obj, mat):
                m = _mat_mul((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
                stack.append((obj, R.FPDFFormObj_CountObjects(obj), m))
            continue
        if t != PATH:
            continue
        seen += 1
        if seen > MAX_PATHS:
            break
        if not R.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
            continue
        stroked = bool(stroke.value)
        filled = fill_mode.value != 0
        if stroked:
            R.FPDFPageObj_GetStrokeColor(obj, r, g, b, a)
            if _white(r.value, g.value, b.value):
                stroked = False
        if not stroked:
            if not filled:
                continue
            R.FPDFPageObj_GetFillColor(obj, r, g, b, a)
            if _white(r.value, g.value, b.value):
                continue
        if not R.FPDFPageObj_GetMatrix(obj, mat):
            continue
        ma, mb, mc, md, me, mf = _mat_mul((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
        # subpaths: lists of page points (x, top), each with "all straight" flag
        subs: list[tuple[list[tuple[float, float]], bool]] = []
        pts: list[tuple[float, float]] = []
        straight = True
        for k in range(R.FPDFPath_CountSegments(obj)):
            seg = R.FPDFPath_GetPathSegment(obj, k)
            R.FPDFPathSegment_GetPoint(seg, px, py)
            x0, y0 = px.value, py.value
            x, y = ma * x0 + mc * y0 + me, top_y - (mb * x0 + md * y0 + mf)
            kind = R.FPDFPathSegment_GetType(seg)
            if kind == MOVETO:
                if len(pts) > 1:
                    subs.append((pts, straight))
                pts, straight = [(x, y)], True
                continue
            if kind != LINETO:
                straight = False
            pts.append((x, y))
            if R.FPDFPathSegment_GetClose(seg) and pts[0] != pts[-1]:
                pts.append(pts[0])
        if len(pts) > 1:
            subs.append((pts, straight))
        for pts, straight in subs:
            if straight and len(pts) == 2:  # a line
                (ax, ay), (bx, by) = pts
                if not stroked:
                    continue
                if ay == by:
                    if abs(bx - ax) >= 1:
                        hs.append((ay, min(ax, bx), max(ax, bx)))
                elif abs(by - ay) >= 1:
                    vs.append((min(ax, bx), min(ay, by), max(ay, by)))
                continue
            rect = _as_rect(pts) if straight else None
            if rect is not None:
                x0, top, x1, bottom = rect
                if not stroked and min(x1 - x0, bottom - top) > 2.0:
                    continue  # a filled box, not a ruling
                if x1 - x0 >= 1:
                    hs.append((top, x0, x1))
                    hs.append((bottom, x0, x1))
                if bottom - top >= 1:
                    vs.append((x0, top, bottom))
                    vs.append((x1, top, bottom))
                continue
            if not stroked:
                continue
            for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                if ax == bx:
                    if abs(by - ay) >= 1:
                        vs.append((ax, min(ay, by), max(ay, by)))
                elif ay == by and abs(bx - ax) >= 1:
                    hs.append((ay, min(ax, bx), max(ax, bx)))
    return seen


def _as_rect(pts: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """(x0, top, x1, bottom) when the points trace an axis-aligned rectangle."""
    if len(pts) == 5 and pts[0] == pts[4]:
        pts = pts[:4]
    if len(pts) != 4:
        return None
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts
    if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0):
        return (min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2))
    return None


def _image_area(R: Any, page: Any) -> float:
    """The area of the page's largest image object, in square points."""
    best = 0.0
    l, b, r_, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for k in range(min(R.FPDFPage_CountObjects(page), MAX_PATHS)):
        obj = R.FPDFPage_GetObject(page, k)
        if R.FPDFPageObj_GetType(obj) == R.FPDF_PAGEOBJ_IMAGE and R.FPDFPageObj_GetBounds(obj, l, b, r_, t):
            best = max(best, (r_.value - l.value) * (t.value - b.value))
    return best


def _read_page(R: Any, doc: Any, i: int, notes: list[str]) -> _Page:
    page = R.FPDF_LoadPage(doc, i)
    if not page:
        raise FormatError(f"corrupt PDF: page {i + 1} cannot be loaded")
    try:
        l, b, r_, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        height = float(R.FPDF_GetPageHeightF(page))
        top_y = t.value if R.FPDFPage_GetMediaBox(page, l, b, r_, t) else height
        pg = _Page(height)
        tp = R.FPDFText_LoadPage(page)
        if not tp:
            raise FormatError(f"corrupt PDF: page {i + 1}: no text page")
        try:
            n = R.FPDFText_CountChars(tp)
            if n > MAX_PAGE_CHARS:
                pg.plain = _plain_text(R, tp, n)
                pg.nchars = sum(1 for c in pg.plain if not c.isspace())
                notes.append(f"page {i + 1}: {n} characters (more than {MAX_PAGE_CHARS}): read as plain text, "
                             "tables not looked for")
                return pg
            chars = _read_chars(R, tp, top_y)
        finally:
            R.FPDFText_ClosePage(tp)
        pg.chars = dedupe(chars)  # fake-bold text is drawn twice
        pg.nchars = sum(1 for c in pg.chars if c[0] != " ")
        if pg.nchars < SCANNED_PAGE_CHARS:
            pg.scanned = _image_area(R, page) >= SCANNED_PAGE_AREA * float(R.FPDF_GetPageWidthF(page)) * height
        if pg.nchars:
            if _read_rulings(R, page, top_y, pg) > MAX_PATHS:
                pg.v, pg.h = [], []
                notes.append(f"page {i + 1}: more than {MAX_PATHS} drawn paths: tables not looked for, "
                             "the page read as lines of text")
        return pg
    finally:
        R.FPDF_ClosePage(page)


def _plain_text(R: Any, tp: Any, n: int) -> str:
    buf = (ctypes.c_ushort * (n + 1))()
    got = R.FPDFText_GetText(tp, 0, n, buf)
    raw = bytes(memoryview(buf).cast("B"))[: max(0, got - 1) * 2]
    return raw.decode("utf-16-le", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------
# page -> blocks


def _inside(c: Char, b: tuple[float, float, float, float]) -> bool:
    cx = (c[1] + c[3]) / 2
    cy = (c[2] + c[4]) / 2
    return b[0] <= cx <= b[2] and b[1] <= cy <= b[3]


def _is_frame(rows: list, box: tuple, boxes: list) -> bool:
    """A ruled box that is not a data table: one column (a framed paragraph, a page
    border) or a box around another table."""
    ncols = max((sum(1 for c in r if c is not None) for r in rows), default=0)
    if ncols <= 1:
        return True
    x0, top, x1, bottom = box
    for o in boxes:
        if o is box:
            continue
        ox0, otop, ox1, obottom = o
        if x0 - 1 <= ox0 and ox1 <= x1 + 1 and top - 1 <= otop and obottom <= bottom + 1:
            return True
    return False


def _page_blocks(pg: _Page, page_no: int, notes: list[str]) -> list[tuple[float, str, Any]]:
    """(top, kind, payload) blocks of one page; kind 'p' (a line) or 'table'."""
    if pg.plain is not None:
        mid = pg.height / 2
        return [(mid, "p", _Line(ln, 0.0, 0.0, 0.0, framed=True)) for ln in pg.plain.split("\n") if ln.strip()]
    chars = pg.chars
    tables: list[list[Box]] = []
    if len(pg.v) >= 2 and len(pg.h) >= 2:
        v, h = pg.v, pg.h + closing_edges(pg.v, pg.h)
        try:
            tables = find_tables(v, h)
        except TooComplex as e:
            notes.append(f"page {page_no}: {e}: tables not looked for, the page read as lines of text")
            tables = []
    blocks: list[tuple[float, str, Any]] = []
    if tables:
        order = sorted(range(len(chars)), key=lambda i: (chars[i][2] + chars[i][4]) / 2)
        by_mid = [chars[i] for i in order]
        mids = [(c[2] + c[4]) / 2 for c in by_mid]
    boxes = [bbox(t) for t in tables]
    kept: list[tuple[tuple, list]] = []  # (bbox, cells) of the data tables
    in_cell: set[int] = set()  # positions in by_mid of the characters placed in a kept table's cell
    for t, box in zip(tables, boxes):
        rows = table_rows(t)
        if _is_frame(rows, box, boxes):
            continue  # its text is read as prose (not as one giant cell)
        texts, used = table_text(rows, by_mid, mids)
        # a ruled box with nothing in it is a blank cell, marked by one space; a slot
        # under a merged cell is padding, ''. A row of empty boxes only is kept where a row
        # above it prints text (a row printed all blank, as reports print 0: table 四's
        # only row), not at the table's top (a ruling artefact)
        cleaned = [[None if t is None else clean_cell(t) for t in r] for r in texts]
        seen_text = False
        keep = []
        for r in cleaned:
            if any(r):
                seen_text = True
                keep.append(r)
            elif seen_text and sum(1 for t in r if t is not None) > 1:
                keep.append(r)
        lines = table_lines([[" " if t == "" else t for t in r] for r in keep], clean=False)
        if not lines:
            continue
        kept.append((box, t))
        in_cell |= used
        blocks.append((box[1], "table", lines))
    if not kept:
        prose = chars
        framed: list[Char] = []
    else:
        kboxes = [b for b, _ in kept]
        prose = [c for c in chars if not any(_inside(c, b) for b in kboxes)]
        # text inside a table's frame but in no cell (rare): kept as prose
        framed = []
        for i, c in enumerate(by_mid):
            if i in in_cell or not any(_inside(c, b) for b in kboxes):
                continue
            if not any(_inside(c, cb) for _, t in kept for cb in t):
                framed.append(c)
    for text, x0, top, x1, bottom in text_lines(prose):
        blocks.append((top, "p", _Line(text, x0, x1, bottom - top)))
    if framed:
        for text, x0, top, x1, bottom in text_lines(framed):
            blocks.append((top, "p", _Line(text, x0, x1, 0.0, framed=True)))
    blocks.sort(key=lambda b: b[0])
    return blocks


# ---------------------------------------------------------------------------
# public


def _open(R: Any, data: bytes) -> Any:
    if not data or b"%PDF" not in data[:1024]:
        raise FormatError("not a PDF: no %PDF header")
    buf = ctypes.create_string_buffer(data, len(data))
    doc = R.FPDF_LoadMemDocument64(buf, len(data), None)
    if not doc:
        err = R.FPDF_GetLastError()
        if err == R.FPDF_ERR_PASSWORD:
            raise FormatError("encrypted PDF (needs a password)")
        if err == R.FPDF_ERR_SECURITY:
            raise FormatError("encrypted PDF (unsupported security handler)")
        raise FormatError(f"corrupt PDF: pdfium cannot load it (error {err})")
    return doc, buf


def pdf_to_text(data: bytes, notes: list[str] | None = None) -> str:
    """Text of a PDF in the contract format (tables as TAB-joined rows), one form feed
    line (``\\f``) between pages.

    Raises ``NeedsOCR`` if no page has an extractable character (scanned PDF),
    ``ScannedPages`` (a NeedsOCR holding the pages read) if some page is an image with
    next to no text layer (a scan stamped with page numbers, a table pasted as a picture),
    ``FormatError`` if the PDF is corrupt or encrypted. ``notes`` receives a line for
    every page read in a degraded way (over a size cap).
    """
    import pypdfium2.raw as R  # local: keep module import cheap

    notes = [] if notes is None else notes
    doc, _keep = _open(R, data)
    try:
        n_pages = R.FPDF_GetPageCount(doc)
        if n_pages <= 0:
            raise FormatError("corrupt PDF: no pages")
        pages: list[tuple[float, list[tuple[float, str, Any]]]] = []
        nchars = 0
        scanned: list[int] = []
        for i in range(n_pages):
            pg = _read_page(R, doc, i, notes)
            nchars += pg.nchars
            if pg.scanned:
                scanned.append(i + 1)
            pages.append((pg.height, _page_blocks(pg, i + 1, notes) if pg.nchars else []))
    finally:
        R.FPDF_CloseDocument(doc)
    if nchars == 0:
        raise NeedsOCR("PDF has no text layer (no extractable characters on any page)")
    if scanned:
        raise ScannedPages(f"page(s) {', '.join(map(str, scanned))} of {n_pages} are images with next to no "
                           "text layer", pages, [i - 1 for i in scanned])
    return assemble(pages)


class ScannedPages(NeedsOCR):
    """Some pages of a PDF with a text layer are images with next to no text of their own:
    those pages are read by OCR (`ocr.ocr_pdf_pages`), the others from the text layer
    (`pages`: each page's height and blocks; `scanned`: the 0-based numbers of the image
    pages), or, with OCR off, the whole PDF from its text layer (`text_layer`)."""

    def __init__(self, message: str, pages: list[tuple[float, list[tuple[float, str, Any]]]],
                 scanned: list[int]) -> None:
        super().__init__(message)
        self.pages = pages
        self.scanned = scanned

    def text_layer(self) -> str:
        return assemble(self.pages)


def assemble(pages: list[tuple[float, list[tuple[float, str, Any]]]]) -> str:
    """The text of pages given as (height, blocks of ``_page_blocks``): page headers and
    footers dropped, paragraphs joined, one form feed between pages (also the OCR
    reader's last step)."""
    running = _running_lines(pages)
    items: list[tuple[str, Any]] = []
    for n, (height, blocks) in enumerate(pages):
        if n:
            items.append(("break", None))
        for top, kind, payload in blocks:
            if kind == "p":
                line = clean_line(payload.text)
                margin = top < 0.08 * height or top > 0.90 * height
                if not line or is_page_marker(line, in_margin=margin):
                    continue
                if margin and _norm_running(line) in running:
                    continue
                payload.text = line
            items.append((kind, payload))
    return _join(_reflow(items))


def _join(items: list[tuple[str, Any]]) -> str:
    """join_blocks with the page breaks: the lines are exactly join_blocks' (a blank line
    around each table), and each page break puts one form feed at the end of the line
    before it: a prose line (``...。\f``) or the blank line after a table (then a line
    holding only ``\f``). A break before any line is a line of its own."""
    out: list[str] = []
    marks: dict[int, int] = {}
    lead = 0
    for kind, payload in items:
        if kind == "break":
            if out:
                marks[len(out) - 1] = marks.get(len(out) - 1, 0) + 1
            else:
                lead += 1
        elif kind == "table":
            rows: list[str] = list(payload)
            if not rows:
                continue
            if out and out[-1] != "":
                out.append("")
            out.extend(rows)
            out.append("")
        else:
            line = clean_line(payload)
            if line:
                out.append(line)
    while out and out[-1] == "" and len(out) - 1 not in marks:
        out.pop()
    lines = ["\f"] * lead + [ln + "\f" * marks[i] if i in marks else ln for i, ln in enumerate(out)]
    return "\n".join(lines) + ("\n" if lines else "")


class _Line:
    """A visual prose line with its horizontal extent and height (font size)."""

    __slots__ = ("text", "x0", "x1", "size", "framed")

    def __init__(self, text: str, x0: float, x1: float, size: float, framed: bool = False):
        self.text, self.x0, self.x1, self.size, self.framed = text, x0, x1, size, framed


_ENUM_START_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d))"
)
_ASCII_ALNUM_RE = re.compile(r"[A-Za-z0-9]")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _word_gap(a: str, b: str) -> bool:
    """Space when joining a wrapped line: between two ASCII words, or between an
    ASCII word and a Han character (as the PDF itself spaces ``2024 年``)."""
    ax, bx = bool(_ASCII_ALNUM_RE.fullmatch(a)), bool(_ASCII_ALNUM_RE.fullmatch(b))
    return (ax and (bx or bool(_HAN_RE.fullmatch(b)))) or (bx and bool(_HAN_RE.fullmatch(a)))


def _percentile(vals: list[float], q: float) -> float:
    vals = sorted(vals)
    return vals[min(len(vals) - 1, max(0, int(round(q * (len(vals) - 1)))))]


def _reflow(items: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Join the visual lines of a paragraph into one line.

    A line continues the previous one when the previous line runs to the right
    margin and this one starts at the left margin (no first-line indent) and does not
    start with an enumeration marker such as ``（二）`` / ``三、`` / ``2.``. Paragraphs
    continue across page breaks (footers are already gone) but never across a table.
    """
    geo = [p for k, p in items if k == "p" and not p.framed and len(p.text) >= 6]
    if len(geo) < 3:
        return [(k, p.text if k == "p" else p) for k, p in items]
    left = _percentile([p.x0 for p in geo], 0.10)
    right = _percentile([p.x1 for p in geo], 0.80)
    size = _percentile([p.size for p in geo], 0.5) or 12.0
    out: list[tuple[str, Any]] = []
    prev: _Line | None = None
    breaks = 0  # page breaks met since the last line: emitted after it unless the next line continues it
    for kind, p in items:
        if kind == "break":
            breaks += 1
            continue
        if kind != "p":
            out.extend([("break", None)] * breaks)
            breaks = 0
            out.append((kind, p))
            prev = None
            continue
        if (
            prev is not None
            and not p.framed
            and prev.x1 >= right - 1.5 * size
            and p.x0 <= left + 0.5 * size
            and not _ENUM_START_RE.match(p.text)
        ):
            a, b = out[-1][1], p.text
            sep = " " if _word_gap(a[-1], b[0]) else ""
            out[-1] = ("p", a + sep + b)
            prev = p
            continue
        out.extend([("break", None)] * breaks)
        breaks = 0
        out.append(("p", p.text))
        prev = None if p.framed else p
    out.extend([("break", None)] * breaks)
    return out


def _norm_running(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _running_lines(pages) -> set[str]:
    """Header/footer lines repeated in the page margins of most pages."""
    if len(pages) < 3:
        return set()
    count: Counter[str] = Counter()
    for height, blocks in pages:
        seen = set()
        for top, kind, payload in blocks:
            if kind == "p" and (top < 0.08 * height or top > 0.90 * height):
                seen.add(_norm_running(clean_line(payload.text)))
        count.update(seen)
    need = max(3, (len(pages) + 1) // 2)
    return {k for k, n in count.items() if n >= need and k}
