"""HTML -> contract text (see ``pipelines.formats`` for the output contract).

What belongs here: decoding HTML bytes (``<meta charset>`` / ``http-equiv`` / XML
declaration / BOM, else detection; the GB2312/GBK family is read as GB18030, its
superset), parsing with lxml (scripts are never run), dropping what a reader does not
see as the report (``<script>``, ``<style>``, ``<nav>``, page-level
``<header>``/``<footer>``, navigation/breadcrumb/footer blocks, hidden elements), and
walking the tree in reading order: block elements become lines, ``<br>`` breaks a
line, data tables become TAB-joined rows with rowspan/colspan expanded into a grid.

Layout tables (a table whose cells contain other tables, a one-column table, or one
with a long prose cell) are not emitted as grids: their cells are read as ordinary
blocks, so the innermost data tables come out as grids.
"""

from __future__ import annotations

import codecs
import functools
import re
from typing import Any, Final

from . import FormatError, check_table_cells, table_cells_cap
from .shape import clean_cell, clean_line, join_blocks, table_lines

__all__ = ["html_to_text", "decode_html"]

# ---------------------------------------------------------------------------
# decoding

_GB_FAMILY: Final = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "euccn", "csgb2312", "gb18030", "windows-936", "hz-gb-2312", "iso-ir-58", "chinese"}
_META_CHARSET_RE: Final = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENC_RE: Final = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)


def _norm_encoding(name: str | None) -> str | None:
    if not name:
        return None
    n = name.strip().lower()
    if n in _GB_FAMILY:
        return "gb18030"
    if n in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    if n in ("big5", "big5-hkscs", "cn-big5", "x-x-big5"):
        return "big5hkscs"
    try:
        return codecs.lookup(n).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode HTML bytes; returns (text, encoding used)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    head = data[:4096]
    declared = None
    m = _META_CHARSET_RE.search(head) or _XML_ENC_RE.search(head)
    if m:
        declared = _norm_encoding(m.group(1).decode("ascii", "ignore"))
    non_ascii = any(b > 0x7F for b in data)
    if declared:
        if declared == "gb18030" and non_ascii:
            # mislabelled UTF-8 pages are common; valid multi-byte UTF-8 is a
            # very strong signal, much stronger than the label
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass  # wrong label: detect below
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    enc = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        enc = _norm_encoding(best.encoding) if best is not None else None
    except Exception:  # pragma: no cover - detector failure
        enc = None
    enc = enc or "gb18030"
    return data.decode(enc, errors="replace"), enc


# ---------------------------------------------------------------------------
# tree walking

_SKIP_TAGS: Final = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "base",
    "nav", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "canvas", "select", "option", "button", "input", "textarea", "map", "area",
    "audio", "video", "source", "track", "picture", "img", "dialog", "aside",
}
_BLOCK_TAGS: Final = {
    "p", "div", "section", "article", "main", "body", "html", "h1", "h2", "h3", "h4",
    "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "address",
    "center", "figure", "figcaption", "form", "fieldset", "legend", "hr", "header",
    "footer", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "details",
    "summary", "menu",
}
_NAV_TOKENS: Final = {
    "nav", "navbar", "navigation", "menu", "mainmenu", "topmenu", "submenu",
    "breadcrumb", "breadcrumbs", "crumb", "crumbs", "bread", "position", "location",
    "header", "footer", "foot", "copyright", "sidebar", "share", "bdsharebuttonbox",
    "skip", "search", "topbar", "toolbar", "friendlink", "links",
}
_NAV_ROLES: Final = {"navigation", "banner", "contentinfo", "search", "menu", "menubar"}
_HIDDEN_STYLE_RE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BR: Final = "\u2028"  # internal line-break marker (<br>, <pre> newlines)
_LONG_CELL: Final = 400  # a cell with more text than this is prose: its table is layout


def _tag(el) -> str | None:
    t = el.tag
    if not isinstance(t, str):
        return None  # comment / processing instruction / entity
    if "}" in t:
        t = t.rsplit("}", 1)[1]
    return t.lower()


def _text_len(el) -> int:
    """Characters other than whitespace in the element's text (its tail not included)."""
    import lxml.etree

    try:
        # (serialised as text in C: the same characters as "".join(el.itertext()), 7× faster)
        s = lxml.etree.tostring(el, method="text", encoding=str, with_tail=False)
    except Exception:  # noqa: BLE001
        try:
            s = "".join(el.itertext())
        except Exception:  # pragma: no cover
            return 0
    return sum(map(len, s.split()))


class _Walker:
    def __init__(self, root, body: list[int] | None = None, cap: int = 0):
        self.cap: int = cap or table_cells_cap()  # table slots allowed (OGI_LIMIT_TABLE_CELLS)
        self.blocks: list[tuple[str, Any]] = []
        self.buf: list[str] = []
        self.root = root
        self.body = body if body is not None else []  # [the page's text length], once measured

    def body_len(self) -> int:
        """Characters of text in the whole page; measured only when a navigation-like
        block asks (a walk over every text node: most pages never need it)."""
        if not self.body:
            self.body.append(max(_text_len(self.root), 1))
        return self.body[0]

    # -- dropping ---------------------------------------------------------
    def dropped(self, el, tag: str) -> bool:
        if tag in _SKIP_TAGS:
            return True
        if not el.attrib and tag not in ("header", "footer"):
            return False  # nothing on it could hide it
        if el.get("hidden") is not None:
            return True
        style = el.get("style")
        if style and _HIDDEN_STYLE_RE.search(style):
            return True
        if tag in ("header", "footer"):
            # page-level header/footer = site navigation; an <article>'s own
            # header (holding the report title) stays
            if not any(_tag(a) in ("article", "main") for a in el.iterancestors()):
                return self._small(el)
        role = (el.get("role") or "").lower()
        tokens = set((el.get("class") or "").lower().split())
        ident = (el.get("id") or "").lower()
        if role in _NAV_ROLES or tokens & _NAV_TOKENS or ident in _NAV_TOKENS:
            return self._small(el)
        return False

    def _small(self, el) -> bool:
        # never drop a "navigation" block that holds most of the page's text
        return _text_len(el) <= 0.4 * self.body_len()

    # -- output -------------------------------------------------------------
    def flush(self) -> None:
        if not self.buf:
            return
        text = "".join(self.buf)
        self.buf = []
        for piece in text.split(_BR):
            line = clean_line(piece)
            if line:
                self.blocks.append(("p", line))

    def text(self, s: str | None, pre: bool) -> None:
        if not s:
            return
        s = s.replace(_BR, " ")
        if pre:
            s = s.replace("\r\n", "\n").replace("\n", _BR)
        self.buf.append(s)

    # -- walking --------------------------------------------------------------
    def walk(self, el, pre: bool = False) -> None:
        tag = _tag(el)
        if tag is None:
            return
        if self.dropped(el, tag):
            return
        if tag == "br":
            self.buf.append(_BR)
            return
        if tag == "table":
            self.flush()
            self.table(el, pre)
            self.flush()
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        pre = pre or tag in ("pre", "textarea", "listing", "plaintext", "xmp")
        self.text(el.text, pre)
        for child in el:
            self.walk(child, pre)
            self.text(child.tail, pre)
        if block:
            self.flush()
        elif tag in ("td", "th"):
            self.buf.append(" ")

    # -- tables -----------------------------------------------------------------
    def table(self, table, pre: bool) -> None:
        rows = _table_rows(table)
        caption = next((c for c in table if _tag(c) == "caption"), None)
        if caption is not None:
            self.walk(caption, pre)
            self.flush()
        nested = next(table.iterdescendants("table"), None) is not None
        grid = None if nested else _grid(rows, self)
        width = max((len(r) for r in grid), default=0) if grid is not None else 0
        long_cell = grid is not None and any(len(c) > _LONG_CELL for r in grid for c in r)
        if grid is None or width <= 1 or long_cell:
            # layout table: read its cells as ordinary blocks
            for tr in rows:
                for cell in tr:
                    if _tag(cell) in ("td", "th"):
                        self.flush()
                        self.walk(cell, pre)
                        self.flush()
            return
        lines = table_lines(grid, drop_empty_rows=True, clean=False)  # (cells cleaned by _cell_text)
        if lines:
            self.blocks.append(("table", lines))


def _table_rows(table) -> list:
    """The table's own <tr> elements in rendering order (thead, body, tfoot)."""
    head: list = []
    body: list = []
    foot: list = []
    for child in table:
        t = _tag(child)
        if t == "tr":
            body.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            trs = [tr for tr in child if _tag(tr) == "tr"]
            {"thead": head, "tbody": body, "tfoot": foot}[t].extend(trs)
    return head + body + foot


def _span(el, name: str, default: int = 1) -> int:
    raw = el.get(name)
    if raw is None:
        return default
    if raw.isascii() and raw.isdigit():
        return min(int(raw), 1000)
    try:
        v = int(re.match(r"\s*(\d+)", raw).group(1))  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        return default
    return min(v, 1000)


# what the walker treats specially; a cell free of these (and of attributes that could
# hide an element) is read by the plain recursion below, with the same result
_NOT_PLAIN: Final = _SKIP_TAGS | {"br", "table", "pre", "textarea", "listing", "plaintext", "xmp", "td", "th",
                           "header", "footer"}
_HIDING_ATTRS: Final = ("hidden", "style", "role", "class", "id")


def _may_hide(attrib) -> bool:
    """Whether an element's attributes (lxml's mapping of them) could hide it."""
    if not attrib:
        return False
    return any(k in attrib for k in _HIDING_ATTRS)


def _plain(el) -> bool:
    """An element the walker treats as plain text, inline or block markup."""
    t = el.tag
    if not isinstance(t, str) or t in _NOT_PLAIN or "}" in t or t != t.lower():
        return False
    return not _may_hide(el.attrib)


def _plain_walk(el, buf: list[str], lines: list[str]) -> bool:
    """The walker's text of a plain subtree (text, inline and block elements only):
    False where the subtree holds anything else."""
    block = el.tag in _BLOCK_TAGS
    if block and buf:
        _plain_flush(buf, lines)
    if el.text:
        buf.append(el.text)
    for ch in el:
        if not _plain(ch):
            return False
        if not _plain_walk(ch, buf, lines):
            return False
        if ch.tail:
            buf.append(ch.tail)
    if block and buf:
        _plain_flush(buf, lines)
    return True


def _plain_flush(buf: list[str], lines: list[str]) -> None:
    line = clean_line("".join(buf).replace(_BR, " "))
    buf.clear()
    if line:
        lines.append(line)


def _cell_text(cell, walker: _Walker, has_attrs: bool = True) -> str:
    """`has_attrs`: False where the caller knows the cell has no attribute."""
    if not (has_attrs and _may_hide(cell.attrib)):
        if len(cell) == 1:
            own = cell.text
            if not (own and own.strip()):
                # the commonest cell, <td><p>text</p></td>: the child's text
                ch = cell[0]
                if len(ch) == 0 and _plain(ch):
                    tail = ch.tail
                    if not (tail and tail.strip()):
                        return clean_cell((ch.text or "").replace(_BR, " "))
        buf: list[str] = []
        lines: list[str] = []
        if _plain_walk(cell, buf, lines):
            return clean_cell("\n".join(lines))
    sub = _Walker(walker.root, walker.body, walker.cap)
    sub.walk(cell)
    sub.flush()
    parts = [p for k, p in sub.blocks if k == "p"]
    return clean_cell("\n".join(parts))


def _grid(rows: list, walker: _Walker) -> list[list[str]]:
    """rowspan/colspan expanded: text in the top-left slot (`' '` for an empty cell),
    '' in the others (a later
    span over a taken slot overwrites it; a row is as wide as the widest). A table that
    would pass OGI_LIMIT_TABLE_CELLS slots (spans of 1000 on every cell) raises LimitError
    before the slots are made."""
    cap = walker.cap
    spanned = 0
    nrows = len(rows)
    grid: list[list[str | None]] = [[] for _ in range(nrows)]   # None: a slot not taken
    for r, tr in enumerate(rows):
        row = grid[r]
        c = 0
        for cell in tr:
            t = cell.tag
            if t != "td" and t != "th" and _tag(cell) not in ("td", "th"):
                continue
            while c < len(row) and row[c] is not None:
                c += 1
            has_attrs = len(cell.attrib) > 0
            if has_attrs:
                rs = _span(cell, "rowspan")
                cs = max(1, _span(cell, "colspan"))
                rs = nrows - r if rs == 0 else max(1, min(rs, nrows - r))
            else:
                rs = cs = 1
            spanned += rs * cs
            if spanned > cap:
                check_table_cells(spanned, cap)
            # a printed cell with nothing in it is an empty box (`' '`, a blank cell to the
            # parser: reports print 0 so), the slots its spans cover are `''`
            text = _cell_text(cell, walker, has_attrs) or " "
            if rs == 1 and cs == 1 and c == len(row):
                row.append(text)  # the common cell
                c += 1
                continue
            for i in range(rs):
                target = grid[r + i]
                if len(target) < c + cs:
                    target.extend([None] * (c + cs - len(target)))
                for j in range(cs):
                    target[c + j] = text if (i == 0 and j == 0) else ""
            c += cs
    width = max((len(row) for row in grid), default=0)  # (a row never ends in an untaken slot)
    check_table_cells(width * nrows, cap)
    return [[("" if v is None else v) for v in row] + [""] * (width - len(row)) for row in grid]


# ---------------------------------------------------------------------------
# public

_XML_DECL_RE: Final = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


_WRAPPER_RE: Final = re.compile(r"<(/?)(div|span|font|center|section|article|blockquote|b|i|u|em|strong|small|big|a)\b[^>]*>",
                                re.I)


def _unwrap(m) -> str:
    return "" if m.group(2).lower() in ("span", "font", "b", "i", "u", "em", "strong", "small", "big", "a") else "<br>"


def _too_deep(parser) -> bool:
    return any("Excessive depth" in e.message for e in parser.error_log)


@functools.cache
def _parser():
    import lxml.etree

    return lxml.etree.HTMLParser()


def html_to_text(data: bytes) -> str:
    """Text of an HTML page in the contract format (tables as TAB-joined rows)."""
    import lxml.etree

    text, _enc = decode_html(data or b"")
    text = _XML_DECL_RE.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        return ""
    try:
        # plain lxml elements (lxml.html's element classes cost a lookup per node)
        parser = _parser()
        doc = lxml.etree.fromstring(text, parser)
        if _too_deep(parser):
            # libxml2 stops at 256 levels and drops the rest of the page: read it again
            # without the wrappers that nest (div, span, font, ...)
            doc = lxml.etree.fromstring(_WRAPPER_RE.sub(_unwrap, text), parser)
            if _too_deep(parser):
                raise FormatError("HTML nested deeper than 255 levels: the parser stops there, the page is not read")
        if doc is None:
            raise lxml.etree.ParserError("Document is empty")
    except (lxml.etree.ParserError, ValueError) as e:
        raise FormatError(f"unparseable HTML: {e}") from e
    body = doc.find("body")
    root = body if body is not None else doc
    walker = _Walker(root)
    walker.walk(root)
    walker.flush()
    return join_blocks(walker.blocks)
