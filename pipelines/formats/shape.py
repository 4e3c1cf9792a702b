"""The text helpers that keep the converters' output identical in shape (see
``pipelines.formats`` for the output contract): a cell's or a prose line's whitespace
collapsed, table rows TAB-joined to the table's width, blocks assembled with the blank
lines around tables. Compiled with the parser (pipelines/compiled.py): the HTML walker
calls them for every cell."""

from __future__ import annotations

import re
from typing import Any, Final, Iterable, Sequence

# CJK ideographs, CJK punctuation, full-width forms, kana, hangul.
_CJK: Final = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\u201c\u201d\u2018\u2019\u2014\u2026"
)
_CJK_BREAK_RE: Final = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")
_WS_RE: Final = re.compile(r"\s+")
_NEEDS_CLEAN: Final = re.compile(r"[\s\u200b]")


def clean_cell(text: str | None) -> str:
    """One-line cell text: whitespace runs -> one space; a line break between two
    CJK characters is dropped (wrapped label ``商业\\n企业`` -> ``商业企业``)."""
    if not text:
        return ""
    if not _NEEDS_CLEAN.search(text):
        return text  # nothing to collapse (most cells)
    text = text.replace("\u00a0", " ").replace("\u3000", " ").replace("\u200b", "")
    text = _CJK_BREAK_RE.sub("", text)
    return _WS_RE.sub(" ", text).strip()


def clean_line(text: str | None) -> str:
    """A prose line: same collapsing as a cell (so it never holds a TAB)."""
    return clean_cell(text)


def table_lines(rows: Iterable[Sequence[str | None]], *, drop_empty_rows: bool = False,
                clean: bool = True) -> list[str]:
    """Rows of cells -> TAB-joined lines, padded to the table's full width.
    `clean=False`: the cells are clean_cell's output already (an empty box kept as `' '`).
    `drop_empty_rows`: leave out rows with nothing in any slot."""
    cleaned = [[clean_cell(c) for c in row] if clean else [c or "" for c in row] for row in rows]
    if drop_empty_rows:
        # (a row of empty boxes, `' '`, is kept: a row printed all blank)
        cleaned = [r for r in cleaned if any(r)]
    if not cleaned:
        return []
    width = max(len(r) for r in cleaned)
    return ["\t".join(r + [""] * (width - len(r))) for r in cleaned]


def join_blocks(blocks: Iterable[tuple[str, Any]]) -> str:
    """Assemble ('p', line) and ('table', [row lines]) blocks into contract text.

    Paragraph lines that are empty are dropped; each table is surrounded by one
    blank line (never two in a row, none at the start or end).
    """
    out: list[str] = []
    for kind, payload in blocks:
        if kind == "table":
            rows: list[str] = list(payload)
            if not rows:
                continue
            if out and out[-1] != "":
                out.append("")
            out.extend(rows)
            out.append("")
        elif kind == "page":
            out.append("\f")  # a page break: a line of its own
        else:
            line = clean_line(payload)
            if line:
                out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + ("\n" if out else "")
