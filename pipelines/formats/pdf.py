"""PDF -> contract text (see ``pipelines.formats`` for the output contract).

What belongs here: reading a PDF's text layer with pdfplumber, finding its ruled
tables, emitting each table row as one TAB-joined line and the prose around the
tables as lines, in reading order per page, with page headers / footers (``-3-``,
``— 4 —``, ``第3页``, ``3/5`` ...) removed. Nothing here knows about the report
templates; stitching a table that continues on the next page is the parser's job
(the rows are simply emitted in order).

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
detected here (no render check).
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from typing import Any

from . import FormatError, NeedsOCR, clean_line, join_blocks, table_lines

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
# rulings


def _is_white(color: Any) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        return float(color) >= 0.95
    if isinstance(color, (tuple, list)):
        vals = [v for v in color if isinstance(v, (int, float))]
        if len(vals) != len(color) or not vals:
            return False
        if len(vals) == 4:  # CMYK
            return all(v <= 0.05 for v in vals)
        return all(v >= 0.95 for v in vals)
    return False


def _visible_edge(e: dict) -> bool:
    """Keep edges of visible rulings; drop the white backgrounds WPS paints."""
    kind = e.get("object_type", "")
    if e.get("stroke"):
        return not _is_white(e.get("stroking_color"))
    if kind.startswith("rect") and e.get("fill"):
        # a filled rect is a ruling only when it is thin and not white
        # (_rw/_rh: the source rect's size, stashed by _page_edges)
        thin = min(e.get("_rw", 99.0), e.get("_rh", 99.0)) <= 2.0
        return thin and not _is_white(e.get("non_stroking_color"))
    return False


def _page_edges(page) -> tuple[list[dict], list[dict]]:
    """Visible vertical and horizontal edges of a page, with open tables closed."""
    from pdfplumber.utils import obj_to_edges  # local: keep module import cheap

    v: list[dict] = []
    h: list[dict] = []
    objs = list(page.lines) + list(page.rects) + list(page.curves)
    for o in objs:
        try:
            edges = obj_to_edges(o)
        except Exception:  # pragma: no cover - odd objects
            continue
        rw = o.get("x1", 0) - o.get("x0", 0)
        rh = o.get("bottom", 0) - o.get("top", 0)
        for e in edges:
            e = dict(e)
            e["_rw"], e["_rh"] = rw, rh
            if not _visible_edge(e):
                continue
            if e["orientation"] == "v" and e["bottom"] - e["top"] >= 1:
                v.append(e)
            elif e["orientation"] == "h" and e["x1"] - e["x0"] >= 1:
                h.append(e)
    h.extend(_closing_edges(v, h))
    return v, h


def _closing_edges(v: list[dict], h: list[dict], tol: float = 2.0) -> list[dict]:
    """Horizontal edges that close tables cut by a page break.

    Where >= 2 vertical rulings end (or start) at the same height and no horizontal
    ruling runs there across them, add one from the leftmost to the rightmost.
    """
    out: list[dict] = []
    for key in ("top", "bottom"):
        groups: dict[int, list[dict]] = defaultdict(list)
        for e in sorted(v, key=lambda e: e[key]):
            placed = False
            for k, g in groups.items():
                if abs(g[0][key] - e[key]) <= tol:
                    g.append(e)
                    placed = True
                    break
            if not placed:
                groups[len(groups)] = [e]
        for g in groups.values():
            xs = sorted({round(e["x0"], 1) for e in g})
            if len(xs) < 2:
                continue
            y = sum(e[key] for e in g) / len(g)
            x0, x1 = xs[0], xs[-1]
            covered = any(
                abs(e["top"] - y) <= tol and e["x0"] <= x0 + tol and e["x1"] >= x1 - tol for e in h
            )
            if covered:
                continue
            out.append(
                {
                    "object_type": "closing_edge",
                    "orientation": "h",
                    "x0": x0,
                    "x1": x1,
                    "top": y,
                    "bottom": y,
                    "width": x1 - x0,
                    "height": 0,
                }
            )
    return out


# ---------------------------------------------------------------------------
# page -> blocks


def _inside(obj: dict, bbox: tuple[float, float, float, float]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _text_lines(page, chars_filter) -> list[dict]:
    fp = page.filter(lambda o: o.get("object_type") != "char" or chars_filter(o))
    try:
        return fp.extract_text_lines(strip=True, return_chars=False, x_tolerance=3, y_tolerance=3)
    except Exception:  # pragma: no cover - defensive
        return []


def _is_frame(t, tables) -> bool:
    """A ruled box that is not a data table: one column (a framed paragraph, a page
    border) or a box around another table."""
    ncols = max((len(r.cells) for r in t.rows), default=0)
    if ncols <= 1:
        return True
    x0, top, x1, bottom = t.bbox
    for o in tables:
        if o is t:
            continue
        ox0, otop, ox1, obottom = o.bbox
        if x0 - 1 <= ox0 and ox1 <= x1 + 1 and top - 1 <= otop and obottom <= bottom + 1:
            return True
    return False


def _page_blocks(page) -> list[tuple[float, str, Any]]:
    """(top, kind, payload) blocks of one page; kind 'p' (a line) or 'table'."""
    try:
        page = page.dedupe_chars()  # fake-bold text is drawn twice
    except Exception:  # pragma: no cover - defensive
        pass
    v, h = _page_edges(page)
    tables = []
    if len(v) >= 2 and len(h) >= 2:
        settings = {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": v,
            "explicit_horizontal_lines": h,
            "snap_tolerance": 3,
            "join_tolerance": 3,
            "intersection_tolerance": 3,
            "text_settings": {"x_tolerance": 3, "y_tolerance": 3},
        }
        try:
            tables = page.find_tables(settings)
        except Exception:  # pragma: no cover - defensive
            tables = []
    blocks: list[tuple[float, str, Any]] = []
    bboxes = []
    cell_boxes: list[tuple] = []
    for t in tables:
        if _is_frame(t, tables):
            continue  # its text is read as prose (not as one giant cell)
        lines = table_lines(t.extract(x_tolerance=3, y_tolerance=3), drop_empty_rows=True)
        if not lines:
            continue
        bboxes.append(t.bbox)
        cell_boxes.extend(c for c in t.cells if c)
        blocks.append((t.bbox[1], "table", lines))

    def outside_tables(c: dict) -> bool:
        return not any(_inside(c, b) for b in bboxes)

    def in_table_but_no_cell(c: dict) -> bool:
        return any(_inside(c, b) for b in bboxes) and not any(_inside(c, cb) for cb in cell_boxes)

    for ln in _text_lines(page, outside_tables):
        blocks.append((ln["top"], "p", _Line(ln["text"], ln["x0"], ln["x1"], ln["bottom"] - ln["top"])))
    if bboxes:
        # text inside a table's frame but in no cell (rare): keep it as prose
        for ln in _text_lines(page, in_table_but_no_cell):
            blocks.append((ln["top"], "p", _Line(ln["text"], ln["x0"], ln["x1"], 0.0, framed=True)))
    blocks.sort(key=lambda b: b[0])
    return blocks


# ---------------------------------------------------------------------------
# public


def _open(data: bytes):
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    if not data or b"%PDF" not in data[:1024]:
        raise FormatError("not a PDF: no %PDF header")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = len(pdf.pages)  # forces the page tree to be read
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        name = type(cause).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(cause).lower():
            raise FormatError(f"encrypted PDF (needs a password): {name}") from e
        raise FormatError(f"corrupt PDF: {name}: {cause}") from e
    except Exception as e:
        raise FormatError(f"corrupt PDF: {type(e).__name__}: {e}") from e
    return pdf


def pdf_to_text(data: bytes) -> str:
    """Text of a PDF in the contract format (tables as TAB-joined rows).

    Raises ``NeedsOCR`` if no page has an extractable character (scanned PDF),
    ``FormatError`` if the PDF is corrupt or encrypted.
    """
    pdf = _open(data)
    try:
        pages: list[tuple[float, list[tuple[float, str, Any]]]] = []
        nchars = 0
        for i, page in enumerate(pdf.pages):
            try:
                chars = [c for c in page.chars if c.get("text", "").strip()]
                nchars += len(chars)
                blocks = _page_blocks(page) if chars else []
            except Exception as e:
                raise FormatError(f"corrupt PDF: page {i + 1}: {type(e).__name__}: {e}") from e
            pages.append((float(page.height), blocks))
            page.close()  # free the page's cached objects
    finally:
        pdf.close()
    if nchars == 0:
        raise NeedsOCR("PDF has no text layer (no extractable characters on any page); run OCR first")

    running = _running_lines(pages)
    items: list[tuple[str, Any]] = []
    for n, (height, blocks) in enumerate(pages):
        if n:
            items.append(("page", None))  # one form feed between pages: facts count their page from it
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
    return join_blocks(_reflow(items))


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
    for kind, p in items:
        if kind == "page":
            out.append((kind, p))  # a paragraph may continue after it (joined to the line before)
            continue
        if kind != "p":
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
            j = max(i for i, (k, _) in enumerate(out) if k == "p")
            a, b = out[j][1], p.text
            sep = " " if _word_gap(a[-1], b[0]) else ""
            out[j] = ("p", a + sep + b)
            prev = p
            continue
        out.append(("p", p.text))
        prev = None if p.framed else p
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
