"""DOCX -> contract text (see ``pipelines.formats`` for the output contract).

What belongs here: opening a .docx with python-docx and walking the document body's
XML children in order, so paragraphs and tables come out in reading order (tables
stay in place; content controls ``w:sdt`` and ``w:customXml`` wrappers are entered).
Paragraph text is read from the runs (``w:t``; ``w:tab`` -> space; ``w:br``/``w:cr``
-> new line; deleted text, field codes and ``mc:Fallback`` copies skipped). Tables:
``gridBefore``/``gridAfter``, ``gridSpan`` and ``vMerge`` are expanded so every row
has the full grid width, the merged value in the first slot and ``''`` elsewhere.
A table whose cells hold other tables, or that has a single column, is layout: its
cells are read as ordinary blocks. Word's automatic list numbering is not rendered.
"""

from __future__ import annotations

import io
from typing import Any

from . import FormatError, LimitError, check_table_cells, clean_cell, join_blocks, table_cells_cap, table_lines

__all__ = ["docx_to_text"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _q("p"), _q("tbl"), _q("tr"), _q("tc"), _q("sdt"), _q("sdtContent"), _q("customXml")
)
_WRAPPERS = {_SDT, _SDT_CONTENT, _CUSTOM_XML, _q("smartTag"), _q("ins"), _q("moveTo")}
_SKIP = {
    _q("pPr"), _q("rPr"), _q("sdtPr"), _q("sdtEndPr"), _q("del"), _q("moveFrom"),
    _q("delText"), _q("instrText"), _q("delInstrText"), _q("footnoteReference"),
    _q("endnoteReference"), _q("commentReference"), _q("tblPr"), _q("tblGrid"),
    _q("trPr"), _q("tcPr"), f"{{{_MC}}}Fallback",
}


def _val(el, path: str) -> str | None:
    found = el.find(path)
    if found is None:
        return None
    return found.get(_q("val"), "")


def _int_val(el, path: str, default: int) -> int:
    v = _val(el, path)
    try:
        return max(0, min(int(v), 1000)) if v not in (None, "") else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------
# paragraphs


def _run_text(el, out: list[str]) -> None:
    """Depth-first text of a paragraph's content."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _q("t"):
            out.append(child.text or "")
        elif tag in (_q("tab"), _q("ptab")):
            out.append(" ")
        elif tag in (_q("br"), _q("cr")):
            out.append("\n")
        elif tag == _q("noBreakHyphen"):
            out.append("-")
        elif tag == _P:  # paragraph inside a text box
            out.append("\n")
            _run_text(child, out)
            out.append("\n")
        else:
            _run_text(child, out)


def _para_text(p) -> str:
    out: list[str] = []
    _run_text(p, out)
    return "".join(out)


# ---------------------------------------------------------------------------
# body / tables


def _children(el):
    """Child elements, entering sdt / customXml / smartTag wrappers."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _blocks(container, out: list[tuple[str, Any]], cap: int = 0) -> None:
    cap = cap or table_cells_cap()
    for child in _children(container):
        if child.tag == _P:
            for piece in _para_text(child).split("\n"):
                out.append(("p", piece))
        elif child.tag == _TBL:
            _table(child, out, cap)


def _rows(tbl) -> list:
    return [c for c in _children(tbl) if c.tag == _TR]


def _cells(tr) -> list:
    return [c for c in _children(tr) if c.tag == _TC]


def _cell_text(tc) -> str:
    parts: list[str] = []
    for child in _children(tc):
        if child.tag == _P:
            parts.append(_para_text(child))
    return clean_cell("\n".join(parts))


def _table(tbl, out: list[tuple[str, Any]], cap: int) -> None:
    rows = _rows(tbl)
    nested = any(el.tag == _TBL for el in tbl.iterdescendants())
    grid_cols = len(tbl.findall(f"{_q('tblGrid')}/{_q('gridCol')}"))
    grid: list[list[str]] = []
    cells = 0
    for tr in rows:
        row: list[str] = [""] * _int_val(tr, f"{_q('trPr')}/{_q('gridBefore')}", 0)
        for tc in _cells(tr):
            span = max(1, _int_val(tc, f"{_q('tcPr')}/{_q('gridSpan')}", 1))
            vmerge = _val(tc, f"{_q('tcPr')}/{_q('vMerge')}")
            hmerge = _val(tc, f"{_q('tcPr')}/{_q('hMerge')}")
            continued = vmerge is not None and vmerge != "restart"
            if hmerge is not None and hmerge != "restart":
                continued = True
            # an empty cell is an empty box (`' '`), a merged continuation `''`
            row.append("" if continued else (_cell_text(tc) or " "))
            row.extend([""] * (span - 1))
        row.extend([""] * _int_val(tr, f"{_q('trPr')}/{_q('gridAfter')}", 0))
        grid.append(row)
        cells += len(row)
        check_table_cells(cells, cap)  # (gridSpan 1000 on every cell: a span bomb)
    width = max([grid_cols] + [len(r) for r in grid]) if grid else 0
    check_table_cells(width * len(grid), cap)
    if nested or width <= 1:
        # layout table: read each cell's content as ordinary blocks
        for tr in rows:
            for tc in _cells(tr):
                _blocks(tc, out, cap)
        return
    lines = table_lines([r + [""] * (width - len(r)) for r in grid], drop_empty_rows=True, clean=False)
    if lines:
        out.append(("table", lines))


# ---------------------------------------------------------------------------
# public


def check_decompressed(data: bytes) -> None:
    """Refuse a package whose parts inflate past OGI_LIMIT_DECOMPRESSED_MB (a zip bomb:
    python-docx would hold every part, and lxml the XML tree, in memory). The sizes the
    zip directory declares bound what is read: zipfile stops at a part's declared size."""
    import zipfile

    from ..stage.limits import setting

    mb = setting("OGI_LIMIT_DECOMPRESSED_MB")
    if not mb:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(max(0, i.file_size) for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # (python-docx says what is wrong with it)
    if total > mb * 1024**2:
        raise LimitError("decompressed size", f"its parts inflate to {total / 1024**2:,.0f} MB")


def docx_to_text(data: bytes) -> str:
    """Text of a .docx in the contract format (tables as TAB-joined rows)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_decompressed(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as e:
        raise FormatError(f"not a readable .docx: {type(e).__name__}: {e}") from e
    except Exception as e:  # zipfile.BadZipFile, lxml errors, ...
        raise FormatError(f"not a readable .docx: {type(e).__name__}: {e}") from e
    out: list[tuple[str, Any]] = []
    _blocks(document.element.body, out)
    return join_blocks(out)
