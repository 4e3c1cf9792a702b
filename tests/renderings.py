"""Other renderings of the same report, as real sites and converters produce them: its
tables as HTML <table>s (zeros printed as empty `&nbsp;` boxes; group labels as rowspan,
padding as colspan), HTML tables flattened by crawlers (cells joined by tabs, by single
newlines or by nothing), full-width digits, thousands separators (1,234), numbers with a
unit in the cell (5件), a table row split by a page footer, Windows line endings, GBK
bytes, and a Word file. Each renderer takes a report's text (one line per table row, cells
separated by tabs or markdown pipes; other lines are prose or one-cell-per-line tables)
and gives (bytes, file extension). Shared by tests/integration/test_renderings.py and the
scoring harness (scripts or ad-hoc runs over ../shared/corpus/dev and the seeds).

`blanked(kind)` says whether the rendering prints a 0 cell as an empty box: such a cell
may then be published as NULL (or as 0, where the report's arithmetic shows blank = 0),
never as another number.
"""
from __future__ import annotations

import html
import io
import re

KINDS = ["html_table", "html_nbsp", "html_span", "html_span_nbsp", "markdown", "cells_tab", "cells_newline", "cells_none", "cells_space", "cells_spaces", "cells_space_blank", "cells_spaces_blank", "layout", "layout_blank", "fullwidth",
         "thousands", "units", "footer_row", "crlf", "gbk", "docx", "docx_blank"]

_MD_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_INT_CELL = re.compile(r"^\s*(\d+)\s*$")


def blanked(kind: str) -> bool:
    return kind in ("html_nbsp", "html_span_nbsp", "layout_blank", "docx_blank", "cells_space_blank",
                    "cells_spaces_blank")


def _cells(line: str) -> list[str] | None:
    """The cells of a table row (tab-separated or a markdown pipe row), else None."""
    if "\t" in line:  # (trailing tabs are a converter's padding)
        return _trim([c.strip() for c in line.split("\t")])
    s = line.strip()
    if s.count("|") >= 2 or (s.endswith("|") and len(s) > 1) or s.startswith("|"):
        if s.startswith("|"):
            s = s[1:]
        if s.endswith("|"):
            s = s[:-1]
        return [c.strip() for c in s.split("|")]
    return None


def _blocks(text: str) -> list[tuple[str, object]]:
    """[('p', line) | ('table', [cells, …])]: consecutive row lines form one table (a
    markdown separator line is dropped; a blank line between rows does not end it)."""
    out: list[tuple[str, object]] = []
    lines = text.split("\n")
    for i, ln in enumerate(lines):
        if _MD_SEP.match(ln) and "-" in ln:
            continue
        c = _cells(ln)
        if c is not None:
            if out and out[-1][0] == "table":
                out[-1][1].append(c)  # type: ignore[union-attr]
            else:
                out.append(("table", [c]))
            continue
        if not ln.strip() and out and out[-1][0] == "table" and i + 1 < len(lines) and _cells(lines[i + 1]):
            continue
        out.append(("p", ln))
    return out


def _trim(row: list[str]) -> list[str]:
    while row and not row[-1]:
        row = row[:-1]
    return row


def _html(text: str, kind: str) -> str:
    parts = ["<html><head><meta charset=\"utf-8\"><title>report</title></head><body>"]
    for what, x in _blocks(text):
        if what == "p":
            parts.append(f"<p>{html.escape(str(x))}</p>" if str(x).strip() else "")
            continue
        rows = [list(r) for r in x]  # type: ignore[union-attr]
        parts.append("<table border=\"1\">")
        if kind in ("html_span", "html_span_nbsp"):
            _spanned(rows, parts, kind == "html_span_nbsp")
        else:
            for r in rows:
                tds = []
                for c in r or [""]:
                    if kind == "html_nbsp" and _INT_CELL.match(c) and int(c) == 0:
                        tds.append("<td>&nbsp;</td>")
                    else:
                        tds.append(f"<td>{html.escape(c)}</td>")
                parts.append("<tr>" + "".join(tds) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _spanned(rows: list[list[str]], parts: list[str], nbsp: bool = False) -> None:
    """Rows with spans as an office suite writes them: a label in the first column over
    rows whose first cell is empty is one cell with a rowspan; a label followed only by
    empty cells to the end of its row is one cell with a colspan. `nbsp`: a 0 cell
    printed as an empty box (`&nbsp;`)."""
    rows = [r or [""] for r in rows]
    covered: set[int] = set()
    rowspan: dict[int, int] = {}
    for i, r in enumerate(rows):
        if r[0] and i not in covered:
            k = i + 1
            while k < len(rows) and not rows[k][0] and any(rows[k][1:]):
                covered.add(k)
                k += 1
            if k - i > 1:
                rowspan[i] = k - i
    for i, r in enumerate(rows):
        cells = r[1:] if i in covered else r
        last = max((j for j, c in enumerate(cells) if c), default=0)
        if _INT_CELL.match(cells[last]):
            last = len(cells) - 1
        tds = []
        for j, c in enumerate(cells[:last + 1]):
            attrs = f" rowspan=\"{rowspan[i]}\"" if j == 0 and i in rowspan else ""
            if j == last and len(cells) - last > 1:
                attrs += f" colspan=\"{len(cells) - last}\""
            zero = nbsp and _INT_CELL.match(c) and int(c) == 0
            tds.append(f"<td{attrs}>{'&nbsp;' if zero else html.escape(c)}</td>")
        parts.append("<tr>" + "".join(tds) + "</tr>")


def _markdown(text: str) -> str:
    """Tables as markdown pipe tables (a converter's: a separator row under the first)."""
    out = []
    for what, x in _blocks(text):
        if what == "p":
            out.append(str(x))
            continue
        rows = [list(r) or [""] for r in x]  # type: ignore[union-attr]
        for i, r in enumerate(rows):
            out.append("| " + " | ".join(r) + " |")
            if i == 0:
                out.append("|" + "---|" * len(r))
    return "\n".join(out)


def _flatten_cells(text: str, sep: str, keep_empty: bool = False, blank_zeros: bool = False) -> str:
    out = []
    for what, x in _blocks(text):
        if what == "p":
            out.append(str(x))
        else:
            for r in x:  # type: ignore[union-attr]
                if blank_zeros:
                    r = ["" if _INT_CELL.match(c) and int(c) == 0 else c for c in r]
                out.append(sep.join(c for c in r if c or keep_empty))
    return "\n".join(out)


def _layout(text: str, blank_zeros: bool = False) -> str:
    """Tables as `pdftotext -layout` prints them: each column padded with spaces to its
    width (an empty cell is only spaces), no separators; `blank_zeros`: a 0 cell printed
    empty."""
    out = []
    for what, x in _blocks(text):
        if what == "p":
            out.append(str(x))
            continue
        rows = [list(r) for r in x]  # type: ignore[union-attr]
        if blank_zeros:
            rows = [["" if _INT_CELL.match(c) and int(c) == 0 else c for c in r] for r in rows]
        width = max((len(r) for r in rows), default=0)
        wide = [max((len(r[k]) if k < len(r) else 0) for r in rows) for k in range(width)]
        for r in rows:
            out.append("".join((r[k] if k < len(r) else "").ljust(wide[k] + 3) for k in range(width)).rstrip())
    return "\n".join(out)


_FW = str.maketrans("0123456789", "０１２３４５６７８９")
# an integer of 4+ digits that is a count or an amount: a table cell, or a prose figure before its unit
_BIG_CELL = re.compile(r"(?<![\d.,])(\d{4,})(?![\d.])")
_BIG_PROSE = re.compile(r"(?<![\d.,])(\d{4,})(?=\s*(?:件|条|万元|元|人次|个))")


def _commas(n: str) -> str:
    return f"{int(n):,}"


def _map_cells(text: str, f) -> str:
    """f applied to every cell of every table row (prose left alone)."""
    out = []
    for ln in text.split("\n"):
        if "\t" in ln:
            out.append("\t".join(f(c) for c in ln.split("\t")))
        elif _cells(ln) is not None and not _MD_SEP.match(ln):
            out.append("|".join(f(c) for c in ln.split("|")))
        else:
            out.append(ln)
    return "\n".join(out)


def _thousands(text: str) -> str:
    def cell(c: str) -> str:
        m = _INT_CELL.match(c)
        return c.replace(m.group(1), _commas(m.group(1))) if m and len(m.group(1)) >= 4 else c
    text = _map_cells(text, cell)
    return _BIG_PROSE.sub(lambda m: _commas(m.group(1)), text)


def _units(text: str) -> str:
    def cell(c: str) -> str:
        m = _INT_CELL.match(c)
        return c.replace(m.group(1), m.group(1) + "件") if m else c
    return _map_cells(text, cell)


def _footer_row(text: str) -> str:
    """Every 7th table row cut in two by a page break: its first cells, the footer, the rest."""
    out, n = [], 0
    for ln in text.split("\n"):
        c = _cells(ln)
        if c is not None and "\t" in ln and len([x for x in c if x]) >= 4:
            n += 1
            if n % 7 == 0:
                cut = len(c) // 2
                out += ["\t".join(c[:cut]), "", f"- {n // 7 + 1} -", "", "\t".join(c[cut:])]
                continue
        out.append(ln)
    return "\n".join(out)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _docx(text: str, blank_zeros: bool = False) -> bytes:
    import docx  # python-docx

    d = docx.Document()
    text = _CONTROL.sub("", text)  # (a form feed between PDF pages: no XML character)
    for what, x in _blocks(text):
        if what == "p":
            d.add_paragraph(str(x))
            continue
        rows = [list(r) or [""] for r in x]  # type: ignore[union-attr]
        width = max(len(r) for r in rows)
        t = d.add_table(rows=0, cols=width)
        for r in rows:
            cells = t.add_row().cells  # (t.cell(i, j) walks the whole table each time)
            for j, c in enumerate(r):
                cells[j].text = "" if blank_zeros and _INT_CELL.match(c) and int(c) == 0 else c
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render(text: str, kind: str) -> tuple[bytes, str]:
    """The report's text rendered as `kind`: (bytes, file extension)."""
    if kind in ("html_table", "html_nbsp", "html_span", "html_span_nbsp"):
        return _html(text, kind).encode("utf-8"), ".html"
    if kind == "markdown":
        return _markdown(text).encode("utf-8"), ".md"
    if kind == "cells_tab":
        return _flatten_cells(text, "\t").encode("utf-8"), ".txt"
    if kind == "cells_newline":
        return _flatten_cells(text, "\n").encode("utf-8"), ".txt"
    if kind == "cells_none":
        return _flatten_cells(text, "").encode("utf-8"), ".txt"
    if kind == "cells_space":
        return _flatten_cells(text, " ").encode("utf-8"), ".txt"
    if kind == "cells_spaces":
        return _flatten_cells(text, "   ").encode("utf-8"), ".txt"
    if kind in ("cells_space_blank", "cells_spaces_blank"):
        # an HTML table's text as a crawler joins it: every cell, an empty one too, joined
        # by spaces (so a blank cell is only more spaces, never aligned to a column)
        sep = " " if kind == "cells_space_blank" else "  "
        return _flatten_cells(text, sep, keep_empty=True, blank_zeros=True).encode("utf-8"), ".txt"
    if kind == "layout":
        return _layout(text).encode("utf-8"), ".txt"
    if kind == "layout_blank":
        return _layout(text, blank_zeros=True).encode("utf-8"), ".txt"
    if kind == "fullwidth":
        return text.translate(_FW).encode("utf-8"), ".txt"
    if kind == "thousands":
        return _thousands(text).encode("utf-8"), ".txt"
    if kind == "units":
        return _units(text).encode("utf-8"), ".txt"
    if kind == "footer_row":
        return _footer_row(text).encode("utf-8"), ".txt"
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8"), ".txt"
    if kind == "gbk":
        return text.encode("gbk", errors="replace"), ".txt"
    if kind == "docx":
        return _docx(text), ".docx"
    if kind == "docx_blank":
        return _docx(text, blank_zeros=True), ".docx"
    raise ValueError(kind)


def stamped_pdf(report_index: int = 0, text_first_page: bool = False) -> bytes:
    """A synthetic report's pages as images (200 dpi, grey), each stamped with a typed page
    number; with `text_first_page`, its first page typed text instead (title and prose)."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from pipelines.tools import synth

    s = synth.make_report(11, report_index, layouts=("pdf",), blanks=True)
    doc = pdfium.PdfDocument(s.data)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for k in range(len(doc)):
        if k == 0 and text_first_page:
            c.setFont("STSong-Light", 12)
            for j, line in enumerate(doc[0].get_textpage().get_text_range().splitlines()[:40]):
                c.drawString(72, A4[1] - 72 - 16 * j, line.strip()[:40])
        else:
            img = doc[k].render(scale=200 / 72, grayscale=True).to_pil()
            c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
        c.setFont("STSong-Light", 10)
        c.drawCentredString(A4[0] / 2, 30, f"第{k + 1}页 共{len(doc)}页")
        c.showPage()
    c.save()
    return buf.getvalue()
