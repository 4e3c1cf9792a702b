"""Input-format converters: raw report bytes of a non-text format -> plain text.

What belongs here: deciding what kind of file some bytes are (``sniff``), decoding text in any common encoding (``decode``), turning
PDF / DOCX / HTML bytes into the plain text the text parser reads (``to_text`` and
the ``pdf``, ``docx`` and ``html`` modules), the exceptions they raise, and the small
helpers that keep the three converters' output identical in shape (in ``shape``). Parsing the text
into tables (labels, numbers, template rows) does NOT belong here: that is the text
parser's job (``pipelines/parse/``).

Output text contract (all converters):

* plain text, one paragraph per line, in reading order;
* every table row is ONE line, cells joined by a single TAB (``'\\t'``); empty cells
  are empty strings, so a row whose first cell is merged/empty starts with a TAB;
  where the source tells an empty box from a slot under a merged cell (PDF rulings),
  the empty box is one space ``' '`` (a blank cell to the parser) and the slot ``''``;
* a blank line before and after each table;
* rowspan / vMerge: the text is in the first row only, ``''`` in the spanned rows;
  colspan / gridSpan: the text is in the first cell, ``''`` in the others, so every
  row of a table has the table's full width;
* cell text: internal newlines and runs of whitespace collapsed to a single space
  (a line break *between two CJK characters* is dropped instead, so ``商业\\n企业``
  reads ``商业企业``), stripped;
* prose never contains a TAB (tabs become spaces), so a TAB always means a table row;
* PDF pages are separated by one form feed (``\f``) at the end of a page's last line
  (its last prose line, or the blank line after its last table, which then holds only
  ``\f``); no other ``\f`` is emitted;
* numbers are kept exactly as printed (no unit conversion, ``+`` kept).

No Dagster imports here: these are pure functions of bytes.
"""

from __future__ import annotations

import io
import os
import zipfile

from .shape import clean_cell, clean_line, join_blocks, table_lines  # the shared text helpers (compiled)

__all__ = [
    "FormatError",
    "LimitError",
    "NeedsOCR",
    "sniff",
    "to_text",
    "clean_cell",
    "clean_line",
    "table_lines",
    "join_blocks",
]

KINDS = ("pdf", "docx", "html", "text", "image", "binary")


class FormatError(Exception):
    """The bytes cannot be converted (corrupt, encrypted, unsupported content)."""


class NeedsOCR(FormatError):
    """The document has no text layer (e.g. a scanned PDF): it needs OCR first."""


class LimitError(FormatError):
    """The document passes one of the limits of ``pipelines.stage.limits`` (decompressed size,
    table cells after spans): not converted. The message starts with ``limit:``."""

    def __init__(self, kind: str, what: str = ""):
        from ..stage.limits import reason

        super().__init__(reason(kind, what))


def table_cells_cap() -> int:
    """Cells a table may have once its spans are expanded (OGI_LIMIT_TABLE_CELLS; 0 = none)."""
    from ..stage.limits import setting

    return int(setting("OGI_LIMIT_TABLE_CELLS")) or 1 << 62


def check_table_cells(n: int, cap: int) -> None:
    if n > cap:
        raise LimitError("table cells", f"a table has more than {cap:,} cells once its spans are expanded")


# ---------------------------------------------------------------------------
# sniffing

_HTML_STRONG = (b"<!doctype html", b"<html")
_HTML_WEAK = (b"<table", b"<body", b"<head", b"<meta", b"<div", b"<p>", b"<p ", b"<tr", b"<td")
_EXT_KIND = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".md": "text",
    ".text": "text",
    ".csv": "text",
}


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # BOM: text in some Unicode encoding
    if b"\x00" in head:
        # UTF-16 without BOM has NULs in every other byte: treat as text only
        # when it decodes cleanly and is mostly printable.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                s = head[: len(head) // 2 * 2].decode(enc)
            except UnicodeDecodeError:
                continue
            printable = sum(1 for c in s if c.isprintable() or c in "\r\n\t")
            if s and printable / len(s) > 0.95 and "\x00" not in s:
                return False
        return True
    ctrl = len(head) - len(head.translate(None, _CTRL_BYTES))
    return ctrl / len(head) > 0.05


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")  # as formats.ocr.IMAGE_MAGIC
_CTRL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))


def _decode_head(head: bytes) -> bytes:
    """Lower-cased ASCII-ish view of the first bytes (for tag sniffing)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore").encode("ascii", "ignore").lower()
        except Exception:  # pragma: no cover - defensive
            return b""
    return head.lower()


def sniff(data: bytes, name: str = "") -> str:
    """Return 'pdf', 'docx', 'html', 'text', 'image' (PNG, JPEG, TIFF: read by OCR,
    ``formats.ocr``) or 'binary' for these bytes.

    Decided by content (magic bytes, markup in the first KB, NUL / control-char
    density); the file name's extension is only a fall-back for content that says
    nothing either way (e.g. an HTML fragment without tags named ``x.html``).
    """
    data = data or b""
    ext = os.path.splitext(name or "")[1].lower()
    head = data[:8192]
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "binary"
        return "docx" if "word/document.xml" in names else "binary"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "binary"  # OLE2: legacy .doc / .xls
    if not data:
        return "html" if _EXT_KIND.get(ext) == "html" else "text"
    if _looks_binary(head):
        return "binary"
    low = _decode_head(head)
    if any(m in low for m in _HTML_STRONG):
        return "html"
    stripped = low.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") and any(m in low for m in _HTML_WEAK):
        return "html"
    # content is plain text; the extension may still say it is markup
    if _EXT_KIND.get(ext) == "html" and b"<" in low:
        return "html"
    return "text"


def read_pdf(data: bytes, source: str = "", notes: list[str] | None = None) -> tuple[str, str]:
    """(text, 'pdf') of a PDF with a text layer; (text, 'scan') of one without, read by
    OCR (``ocr``), or of one with pages that are images with next to no text (a scan
    stamped with page numbers, a table pasted as a picture): those pages read by OCR. With
    OCR off (OGI_OCR=0) a PDF without a text layer raises DecodeError saying so; one with
    scanned pages is read from its text layer, with a note."""
    from .pdf import pdf_to_text

    from .pdf import ScannedPages

    try:
        return pdf_to_text(data, notes), "pdf"
    except NeedsOCR as e:
        from . import ocr

        if not ocr.enabled():
            if isinstance(e, ScannedPages):
                if notes is not None:
                    notes.append(f"{e}: read from the text layer alone (OCR is off {ocr.OFF_SETTING})")
                return e.text_layer(), "pdf"
            from .decode import DecodeError

            raise DecodeError(f"{e}: needs OCR, which is off {ocr.OFF_SETTING}") from None
        if isinstance(e, ScannedPages):
            if notes is not None:
                notes.append(f"{e}: those pages read by OCR, the others from the text layer")
            return ocr.ocr_pdf_pages(data, e.pages, e.scanned, source, notes), "scan"
        return ocr.ocr_pdf(data, source, notes), "scan"


def read_image(data: bytes, source: str = "", notes: list[str] | None = None) -> str:
    """Text of a page image (PNG, JPEG, TIFF) read by OCR. DecodeError when it is no page
    (too small, cannot be opened) or OCR is off."""
    from . import ocr
    from .decode import DecodeError

    why = ocr.not_a_page(data)
    if why:
        raise DecodeError(why)
    if not ocr.enabled():
        raise DecodeError(f"an image ({ocr.image_format(data[:16])}): needs OCR, which is off {ocr.OFF_SETTING}")
    return ocr.ocr_image(data, source, notes)


def unmark(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """OCR text with its marked (uncertain) digits written as digits, and their spans (``ocr.unmark``)."""
    from .ocr import unmark as _unmark

    return _unmark(text)


def to_text(data: bytes, kind: str, notes: list[str] | None = None) -> str:
    """Convert bytes of the given kind ('pdf', 'docx', 'html') to contract text.

    Kind 'text' is decoded by the text parser, not here; 'binary' is unsupported.
    ``notes`` receives a line for every part read in a degraded way (a PDF page over
    a size cap).
    """
    if kind == "pdf":
        from .pdf import pdf_to_text

        return pdf_to_text(data, notes)
    if kind == "docx":
        from .docx import docx_to_text

        return docx_to_text(data)
    if kind == "html":
        from .html import html_to_text

        return html_to_text(data)
    if kind == "text":
        raise ValueError("kind 'text' is decoded by the text parser, not by pipelines.formats")
    if kind == "image":
        from .ocr import ocr_image

        return ocr_image(data, "", notes)
    if kind == "binary":
        raise FormatError("unsupported binary content (not PDF, DOCX, HTML or text)")
    raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")

