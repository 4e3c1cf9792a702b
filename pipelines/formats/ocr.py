"""Scanned pages -> contract text, by OCR (see ``pipelines.formats`` for the output contract).

What belongs here: reading images (PNG, JPEG, TIFF; a TIFF's frames are pages) and the
pages of an image-only PDF (rendered by pdfium at DPI dots per inch) with RapidOCR
(``rapidocr-onnxruntime``: the PP-OCRv4 detection and recognition models ship inside the
wheel, so it runs offline), and turning what it reads into the same page description the
text-layer PDF reader builds (``pdf._Page``: characters with boxes in points, visible
rulings), so that the same table logic (``pdfgeom``: cells by rulings; ``pdf``: blocks,
page headers/footers, paragraphs, form feeds between pages) makes the text. Also what
makes an image a page (its size) and the OCR cache.

A page, step by step:
1. deskew: the angle (within MAX_SKEW degrees) that makes the rows of ink sharpest (a
   projection profile on a reduced copy), undone by rotating the page;
2. text boxes and their text and confidence (RapidOCR: detection, then recognition);
3. rulings: long thin runs of ink found by morphological opening (horizontal runs
   longer than a few characters, vertical runs longer than a line of text), as the
   vertical ``(x, top, bottom)`` and horizontal ``(y, x0, x1)`` edges pdfgeom reads;
4. a table cell (by those rulings) that no text box falls in but that holds ink is read
   again alone by the recogniser (lone ``0``/``1`` cells are what detection misses most);
   ink it cannot read is put there as ``?`` (the cell is then not a number, and the
   parser names it), a cell without ink is blank.
Steps 1-4 depend on the image only: their result is cached by the file's content hash
(``CACHE_DIR``: a run sets it, ``stage/shards.ocr_cache_dir``: ``OGI_OCR_CACHE`` if
set, by default ``<warehouse>/state/ocr``), so a parser change
does not run OCR again.

Then, with no image: each box becomes characters (its width shared out, a full-width
character counting twice a half-width one), all boxes of one visual line on one top.
Inside a numeric box (only digits, digit look-alikes and separators) the look-alikes of
``parse/data/ocr_digits.csv`` (``I l | O o`` ...) are read as digits; nowhere else. The digits
of a numeric box that was so repaired, or read with a confidence below LOW_CONFIDENCE,
are *marked* in the text: written as private-use characters (MARK_REPAIRED / MARK_LOW
plus the digit), which ``unmark`` turns back into digits after normalisation, returning
their spans, so the parser can withhold them where an identity over them fails.

``OGI_OCR=0`` turns OCR off: scans and images are then failed reports that say so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pathlib
import sys
import time
import unicodedata
from typing import Any, Callable, Final

from . import FormatError, NeedsOCR

ENGINE: Final = "rapidocr-onnxruntime 1.4.4 (PP-OCRv4 det + rec)"
CACHE_VERSION: Final = 1  # bump when steps 1-4 change: cached pages are read again
DPI: Final = 200  # image-only PDF pages are rendered at this resolution
ASSUMED_PAGE_WIDTH_PT: Final = 595.0  # an image without a resolution is taken as an A4 page's width
MAX_SIDE_PX: Final = 4000  # a page image with a longer side is scaled down to it
MIN_SIDE_PX: Final = 480  # an image whose shorter side is below this is not a page (a logo, an icon)
MIN_PIXELS: Final = 600_000  # nor one of fewer pixels
MAX_PAGES: Final = 500  # pages of one scan read at most (the rest named in a note)
MAX_SKEW: Final = 3.0  # degrees of page rotation looked for
LOW_CONFIDENCE: Final = 0.85  # a number read with a lower recogniser confidence is marked uncertain
MIN_SCORE: Final = 0.30  # boxes the recogniser reads with less are dropped (RapidOCR's own default: 0.5)
THREADS: Final = 1  # onnxruntime threads per parsing worker (the workers run in parallel)

IMAGE_MAGIC: Final = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"II*\x00", "TIFF"),
                      (b"MM\x00*", "TIFF"))
IMAGE_EXT: Final = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF"}

MARK_REPAIRED: Final = 0xE000  # + digit: a digit read from a look-alike
MARK_LOW: Final = 0xE010  # + digit: a digit of a number read below LOW_CONFIDENCE
_DIGITS: Final = "0123456789"

__all__ = ["enabled", "image_format", "not_a_page", "ocr_pdf", "ocr_image", "unmark", "ENGINE"]


def enabled() -> bool:
    """OCR is on unless OGI_OCR is 0 / false / no / off."""
    return os.environ.get("OGI_OCR", "1").strip().lower() not in ("0", "false", "no", "off")


OFF_SETTING: Final = "(OGI_OCR=0)"  # in the reason of every report not read for want of OCR
OFF_NOTE: Final = "OCR is off " + OFF_SETTING


def image_format(head: bytes) -> str | None:
    """'PNG', 'JPEG' or 'TIFF' when the first bytes are those of such an image."""
    for magic, fmt in IMAGE_MAGIC:
        if head.startswith(magic):
            return fmt
    return None


def _open_image(data: bytes, fmt: str) -> Any:
    from PIL import Image

    try:
        im = Image.open(io.BytesIO(data))
        im.size  # noqa: B018 - the header is read
        return im
    except Exception as e:  # noqa: BLE001 - any decoder error: the image cannot be opened
        raise FormatError(f"an image ({fmt}) that cannot be opened ({type(e).__name__})") from e


def not_a_page(data: bytes) -> str | None:
    """Why image bytes are not a report page (too small: a logo, an icon; or unreadable),
    or None for a page-sized image (and for bytes that are no image)."""
    fmt = image_format(data[:16])
    if fmt is None:
        return None
    try:
        im = _open_image(data, fmt)
    except FormatError as e:
        return str(e)
    w, h = im.size
    if min(w, h) < MIN_SIDE_PX or w * h < MIN_PIXELS:
        return f"an image of {w} x {h} pixels ({fmt}), too small for a page"
    return None


# ---------------------------------------------------------------------------
# data: digit look-alikes


def _lookalikes() -> dict[str, str]:
    path = pathlib.Path(__file__).resolve().parent.parent / "parse" / "data" / "ocr_digits.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return {r["seen"]: r["meant"] for r in csv.DictReader(f) if r["seen"]}


_LOOK: dict[str, str] | None = None
_NUMERIC_EXTRA: Final = ".,%"


def repair_number(text: str) -> tuple[str, bool] | None:
    """(text with look-alikes read as digits, whether any was) for a numeric box — only
    digits, look-alikes and separators, with a digit or at most three characters — else
    None (the box is text and keeps its letters)."""
    global _LOOK
    if _LOOK is None:
        _LOOK = _lookalikes()
    s = "".join(unicodedata.normalize("NFKC", text).split())
    if not s or len(s) > 14:
        return None
    if not all(c in _DIGITS or c in _NUMERIC_EXTRA or c in _LOOK for c in s):
        return None
    if not any(c in _DIGITS for c in s) and len(s) > 3:
        return None
    if not any(c in _DIGITS or c in _LOOK for c in s):
        return None
    out = "".join(_LOOK.get(c, c) for c in s)
    return out, out != s


def unmark(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text with its marked digits written as digits (same length), and the marked
    runs: (start, end, 'ocr_repaired' | 'ocr_low_confidence')."""
    if not any(MARK_REPAIRED <= ord(c) < MARK_LOW + 10 for c in text if c >= "\ue000"):
        return text, []
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    start = -1
    kind = ""
    for i, c in enumerate(text):
        o = ord(c)
        k = "ocr_repaired" if MARK_REPAIRED <= o < MARK_REPAIRED + 10 else \
            "ocr_low_confidence" if MARK_LOW <= o < MARK_LOW + 10 else ""
        if k:
            out.append(_DIGITS[o - (MARK_REPAIRED if k == "ocr_repaired" else MARK_LOW)])
            if start < 0 or k != kind:
                if start >= 0:
                    spans.append((start, i, kind))
                start, kind = i, k
            continue
        if start >= 0 and c not in ".,%":
            spans.append((start, i, kind))
            start = -1
        out.append(c)
    if start >= 0:
        spans.append((start, len(text), kind))
    return "".join(out), spans


def _mark(s: str, base: int) -> str:
    return "".join(chr(base + _DIGITS.index(c)) if c in _DIGITS else c for c in s)


# ---------------------------------------------------------------------------
# the engine (one per process, made when first needed: never before a fork)

_ENGINE: Any = None


def engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        import logging

        from rapidocr_onnxruntime import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        _ENGINE = RapidOCR(use_cls=False, intra_op_num_threads=THREADS, inter_op_num_threads=1,
                           text_score=MIN_SCORE, print_verbose=False)
    return _ENGINE


# ---------------------------------------------------------------------------
# image-dependent steps (cached)


def _deskew_angle(gray: Any) -> float:
    """The rotation (degrees, cv2's sense) that makes the ink's rows sharpest."""
    import cv2
    import numpy as np

    f = 1200.0 / max(gray.shape)  # (much smaller blurs the rows: a 0.5° turn is then not seen)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    ink = (small < 200).astype(np.float32)
    if ink.sum() < 200:
        return 0.0
    h, w = ink.shape
    centre = (w / 2.0, h / 2.0)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        r = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
        prof = r.sum(axis=1)
        return float((np.diff(prof) ** 2).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.1), key=score)
    best = max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), key=score)
    return float(best)


def _rotate(gray: Any, angle: float) -> Any:
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=255)


def _rulings(binary: Any, text_h: float) -> tuple[list[list[float]], list[list[float]], Any]:
    """Vertical (x, top, bottom) and horizontal (y, x0, x1) rulings, in pixels: runs of ink
    longer than any character stroke (3 text heights across, 1.6 down) and thin; and the
    mask of their pixels."""
    import cv2

    kx = max(40, int(3 * text_h))
    ky = max(30, int(1.6 * text_h))
    thin = max(10, int(text_h / 3))
    v: list[list[float]] = []
    h: list[list[float]] = []
    hor = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, 1)))
    n, _lab, stats, _c = cv2.connectedComponentsWithStats(hor, connectivity=8)
    for i in range(1, n):
        x, y, w, hh = (int(t) for t in stats[i][:4])
        if w >= kx and hh <= thin:
            h.append([y + hh / 2.0, float(x), float(x + w)])
    ver = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, ky)))
    n, _lab, stats, _c = cv2.connectedComponentsWithStats(ver, connectivity=8)
    for i in range(1, n):
        x, y, w, hh = (int(t) for t in stats[i][:4])
        if hh >= ky and w <= thin:
            v.append([x + w / 2.0, float(y), float(y + hh)])
    return v, h, cv2.bitwise_or(hor, ver)


def _read_page_image(gray: Any, scale: float) -> dict:
    """Steps 1-4 on one page image (grey, uint8): what the cache keeps. `scale`: points
    per pixel."""
    import cv2
    import numpy as np

    from .pdfgeom import closing_edges, find_tables

    angle = _deskew_angle(gray)
    if abs(angle) >= 0.02:
        gray = _rotate(gray, angle)
    eng = engine()
    res, _ = eng(gray, use_cls=False)
    boxes: list[list[Any]] = []
    for quad, text, conf in res or []:
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        t = str(text).strip()
        if t:
            boxes.append([float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)), t, round(float(conf), 4)])
    heights = sorted(b[3] - b[1] for b in boxes) or [40.0]
    text_h = heights[len(heights) // 2]
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    v, h, lines = _rulings(binary, text_h)
    # step 4: table cells with ink but no box, read alone
    extra: list[list[Any]] = []
    if len(v) >= 2 and len(h) >= 2:
        vp = [(e[0] * scale, e[1] * scale, e[2] * scale) for e in v]
        hp = [(e[0] * scale, e[1] * scale, e[2] * scale) for e in h]
        try:
            tables = find_tables(vp, hp + closing_edges(vp, hp))
        except Exception:  # noqa: BLE001 - TooComplex: the page is read without this step
            tables = []
        centres = [((b[0] + b[2]) / 2 * scale, (b[1] + b[3]) / 2 * scale) for b in boxes]
        # the rulings' pixels (and their blur) are no ink of a cell
        lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
        binary = cv2.bitwise_and(binary, cv2.bitwise_not(lines))
        clean = gray.copy()
        clean[lines > 0] = 255
        pad = max(3, int(round(text_h * 0.12)))
        for t in tables:
            for (x0, top, x1, bottom) in t:
                if any(x0 <= cx < x1 and top <= cy < bottom for cx, cy in centres):
                    continue
                a0, b0 = int(x0 / scale) + pad, int(top / scale) + pad
                a1, b1 = int(x1 / scale) - pad, int(bottom / scale) - pad
                if a1 - a0 < 4 or b1 - b0 < 4:
                    continue
                ink = binary[b0:b1, a0:a1]
                ys, xs = np.nonzero(ink)
                if len(ys) < max(12, text_h * 0.6) or ys.max() - ys.min() < text_h * 0.3:
                    continue  # blank (or a speck)
                c0, c1 = a0 + int(xs.min()), a0 + int(xs.max()) + 1
                r0, r1 = b0 + int(ys.min()), b0 + int(ys.max()) + 1
                # the ink on white, with a margin of half a line around it (a lone narrow
                # "1" cut tight is not read)
                m = int(text_h / 2)
                crop = cv2.copyMakeBorder(clean[r0:r1, c0:c1], m // 2, m // 2, m, m, cv2.BORDER_CONSTANT, value=255)
                got, _ = eng(crop, use_det=False, use_cls=False, use_rec=True)
                text, conf = "", 0.0
                if got:
                    text, conf = str(got[0][0]).strip(), float(got[0][1])
                if not text or conf < MIN_SCORE:
                    text, conf = "?", 0.0
                extra.append([float(c0), float(r0), float(c1), float(r1), text, round(conf, 4)])
    return {"w": int(gray.shape[1]), "h": int(gray.shape[0]), "scale": scale, "angle": round(angle, 3),
            "boxes": boxes + extra, "v": v, "h_rulings": h, "alone": len(extra)}


# ---------------------------------------------------------------------------
# the cache


CACHE_DIR: str | None = None  # set for a run by stage/shards.py (see the module's docstring); else OGI_OCR_CACHE


def _cache_path(sha: str) -> pathlib.Path | None:
    d = CACHE_DIR or os.environ.get("OGI_OCR_CACHE")
    if not d:
        return None
    key = hashlib.sha256(f"{sha}\0{ENGINE}\0{CACHE_VERSION}\0{DPI}".encode()).hexdigest()[:32]
    return pathlib.Path(d) / key[:2] / f"{key}.json"


def _cache_get(sha: str) -> list[dict] | None:
    p = _cache_path(sha)
    if p is None or not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))["pages"]
    except (OSError, ValueError, KeyError):
        return None


def _cache_put(sha: str, pages: list[dict]) -> None:
    p = _cache_path(sha)
    if p is None:
        return
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f"{p.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps({"engine": ENGINE, "version": CACHE_VERSION, "pages": pages},
                                  ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, p)
    except OSError:
        pass  # a cache that cannot be written costs time, not results


def page_times(data: bytes) -> list[tuple[float, float]] | None:
    """(seconds, CPU seconds) each page of these bytes took to read, from the cache (None
    when not cached)."""
    pages = _cache_get(hashlib.sha256(data).hexdigest())
    if pages is None:
        return None
    return [(float(p.get("secs", 0.0)), float(p.get("cpu", 0.0))) for p in pages]


# ---------------------------------------------------------------------------
# page images


def _pdf_pages(data: bytes, notes: list[str]) -> tuple[int, Callable[[int], tuple[Any, float]]]:
    """(page count, page number -> (grey image, points per pixel)) of a PDF rendered at DPI."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except Exception as e:  # noqa: BLE001
        raise FormatError(f"corrupt PDF: pdfium cannot load it for OCR ({e})") from e
    n = len(doc)
    if n > MAX_PAGES:
        notes.append(f"{n} pages: only the first {MAX_PAGES} read by OCR")

    def render(i: int) -> tuple[Any, float]:
        page = doc[i]
        w, h = page.get_size()
        scale = DPI / 72.0
        if max(w, h) * scale > MAX_SIDE_PX:
            scale = MAX_SIDE_PX / max(w, h)
        img = page.render(scale=scale, grayscale=True).to_numpy()
        if img.ndim == 3:
            img = img[:, :, 0]
        return img.copy(), 1.0 / scale

    return min(n, MAX_PAGES), render


def _image_pages(data: bytes, notes: list[str]) -> tuple[int, Callable[[int], tuple[Any, float]]]:
    import numpy as np
    from PIL import ImageOps

    fmt = image_format(data[:16]) or "image"
    im = _open_image(data, fmt)
    n = int(getattr(im, "n_frames", 1) or 1)
    if n > MAX_PAGES:
        notes.append(f"{n} frames: only the first {MAX_PAGES} read by OCR")

    def render(i: int) -> tuple[Any, float]:
        try:
            im.seek(i)
            frame = ImageOps.exif_transpose(im.copy()) or im.copy()
            gray = frame.convert("L")
        except Exception as e:  # noqa: BLE001
            raise FormatError(f"an image ({fmt}) that cannot be opened ({type(e).__name__})") from e
        w, h = gray.size
        if max(w, h) > MAX_SIDE_PX:
            f = MAX_SIDE_PX / max(w, h)
            gray = gray.resize((max(1, int(w * f)), max(1, int(h * f))))
        arr = np.asarray(gray, dtype=np.uint8).copy()
        # points per pixel: the shorter side taken as an A4 page's width (images rarely
        # state a true resolution)
        return arr, ASSUMED_PAGE_WIDTH_PT / min(arr.shape)

    return min(n, MAX_PAGES), render


def _progress_on() -> bool:
    return os.environ.get("OGI_OCR_PROGRESS", "1").strip() not in ("0", "false", "no", "off")


def _read_pages(data: bytes, source: str, count_render, notes: list[str], sha: str | None = None) -> list[dict]:
    """The OCR'd pages of `data` (count_render: its page count and renderer), from the
    cache under `sha` (default: the bytes' hash) where they were read before."""
    if not enabled():
        raise NeedsOCR(OFF_NOTE)
    sha = sha or hashlib.sha256(data).hexdigest()
    cached = _cache_get(sha)
    if cached is not None:
        return cached
    from ..stage import limits

    n, render = count_render(data, notes)
    pages: list[dict] = []
    t0 = time.perf_counter()
    for i in range(n):
        limits.restart_clock()  # the time limit holds per page of a scan, not per file
        t, c = time.perf_counter(), time.process_time()
        gray, scale = render(i)
        page = _read_page_image(gray, scale)
        page["secs"] = round(time.perf_counter() - t, 3)  # (what reading it took: `ogi eval` reports it)
        page["cpu"] = round(time.process_time() - c, 3)
        pages.append(page)
        if n > 1 and _progress_on():
            print(f"ocr: {source}: page {i + 1}/{n} ({time.perf_counter() - t:.1f} s)", file=sys.stderr, flush=True)
    if n > 1 and _progress_on():
        print(f"ocr: {source}: {n} pages in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    _cache_put(sha, pages)
    return pages


# ---------------------------------------------------------------------------
# OCR'd pages -> the PDF reader's page description -> text


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


def _page_struct(p: dict) -> Any:
    """A pdf._Page from one OCR'd page: characters (boxes shared out, marks on the
    digits of repaired / uncertain numbers) and rulings, in points."""
    from .pdf import _Page

    s = float(p["scale"])
    pg = _Page(p["h"] * s)
    pg.v = [(e[0] * s, e[1] * s, e[2] * s) for e in p["v"]]
    pg.h = [(e[0] * s, e[1] * s, e[2] * s) for e in p["h_rulings"]]
    boxes = sorted(p["boxes"], key=lambda b: (b[1] + b[3]) / 2)
    heights = sorted(b[3] - b[1] for b in boxes)
    text_h = heights[len(heights) // 2] if heights else 0.0
    # visual lines: boxes whose vertical centres lie within a third of a text height share
    # a top and a bottom (the line's median ones); a box much taller than a line of text
    # (upright text, a wrapped cell) is a line of its own
    lines: list[list[list[Any]]] = []
    last: list[list[Any]] | None = None
    for b in boxes:
        if b[3] - b[1] > 1.5 * text_h:
            lines.append([b])
            continue
        cy = (b[1] + b[3]) / 2
        if last is not None:
            ly = sum((x[1] + x[3]) / 2 for x in last) / len(last)
            if abs(cy - ly) <= 0.35 * text_h:
                last.append(b)
                continue
        last = [b]
        lines.append(last)
    chars = []
    for line in lines:
        tops = sorted(b[1] for b in line)
        bottoms = sorted(b[3] for b in line)
        top = tops[len(tops) // 2] * s
        bottom = bottoms[len(bottoms) // 2] * s
        for x0, _t, x1, _b, text, conf in line:
            rep = repair_number(text)
            if rep is not None:
                text, repaired = rep
                if repaired:
                    text = _mark(text, MARK_REPAIRED)
                elif conf < LOW_CONFIDENCE:
                    text = _mark(text, MARK_LOW)
            text = unicodedata.normalize("NFKC", text) if rep is None else text
            cs = [c for c in text if not c.isspace()]
            if not cs:
                continue
            weights = [2.0 if _wide(c) else 1.0 for c in cs]
            unit = (x1 - x0) * s / sum(weights)
            x = x0 * s
            for c, wgt in zip(cs, weights):
                chars.append((c, x, top, x + unit * wgt, bottom))
                x += unit * wgt
    pg.chars = chars
    pg.nchars = len(chars)
    return pg


def _to_text(pages: list[dict], notes: list[str]) -> str:
    from .pdf import _page_blocks, assemble

    out = []
    for i, p in enumerate(pages):
        pg = _page_struct(p)
        out.append((pg.height, _page_blocks(pg, i + 1, notes) if pg.nchars else []))
    if not any(b for _h, b in out):
        raise FormatError("OCR found no text on any page")
    return assemble(out)


def ocr_pdf(data: bytes, source: str = "", notes: list[str] | None = None) -> str:
    """Contract text of an image-only PDF, read by OCR (marked digits: see ``unmark``).
    Raises NeedsOCR when OCR is off and nothing is cached."""
    notes = [] if notes is None else notes
    return _to_text(_read_pages(data, source, _pdf_pages, notes), notes)


def ocr_pdf_pages(data: bytes, pages: list[tuple[float, list[Any]]], scanned: list[int], source: str = "",
                  notes: list[str] | None = None) -> str:
    """Contract text of a PDF with a text layer whose pages `scanned` (0-based) are images
    with next to no text: those pages read by OCR (cached like a scan's), the others as the
    text layer gave them (`pages`: pdf.pdf_to_text's height and blocks of every page)."""
    from .pdf import _page_blocks, assemble

    notes = [] if notes is None else notes
    want = [i for i in scanned if i < MAX_PAGES]
    key = f"{hashlib.sha256(data).hexdigest()}:pages:{','.join(map(str, want))}"

    def count_render(data: bytes, notes: list[str]) -> tuple[int, Callable[[int], tuple[Any, float]]]:
        _n, render = _pdf_pages(data, notes)
        return len(want), lambda k: render(want[k])

    read = _read_pages(data, source, count_render, notes, key)
    out = list(pages)
    for i, p in zip(want, read):
        pg = _page_struct(p)
        out[i] = (pg.height, _page_blocks(pg, i + 1, notes) if pg.nchars else [])
    return assemble(out)


def ocr_image(data: bytes, source: str = "", notes: list[str] | None = None) -> str:
    """Contract text of a PNG / JPEG / TIFF image (a TIFF's frames are pages)."""
    notes = [] if notes is None else notes
    return _to_text(_read_pages(data, source, _image_pages, notes), notes)
