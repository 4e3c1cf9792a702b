"""Cut a table's stretch of normalised text into tokens: numbers, label text and blank
cells, each with its span. This is where the layouts meet: one cell per line, tab rows,
pipe cells, markdown rows, space-separated PDF text all become the same token stream.

A number is a cell value: digits with an optional sign, decimals and 万元/元 unit. List
markers (`1.属于`, `2、`), figures with a counting unit (`16 件`, `2011年`) and page
numbers are not values. A blank cell is a cell printed empty: only emitted where the
layout says so (one cell per line, where a line holding only the cell separator is an
empty cell; in a tab row, a cell holding one space: the PDF converter's mark of a ruled
box with nothing in it), never for the padding of tab rows or markdown tables.
"""
from __future__ import annotations

import re
from typing import Final, final

NUM: Final = "num"
TEXT: Final = "text"
BLANK: Final = "blank"
_isdigit: Final = str.isdigit  # (compiled: a direct call, not a method lookup)
_isascii: Final = str.isascii


@final
class Tok:
    """A token. A plain class with fixed attributes: compiled, it is a C struct (built by
    a direct call, its fields read without a lookup); there are hundreds per table. Not a
    dataclass like model.Fact: compiled, a dataclass costs ~15% more instructions per report."""
    __slots__ = ("kind", "start", "end", "raw", "value", "unit", "line")

    def __init__(self, kind: str, start: int, end: int, raw: str, value: float | None = None,
                 unit: str | None = None, line: int = 0) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.raw = raw
        self.value = value
        self.unit = unit  # '万元', '元' or None
        self.line = line

    def __repr__(self) -> str:
        return (f"Tok({self.kind!r}, {self.start}, {self.end}, {self.raw!r}, {self.value!r}, {self.unit!r}, "
                f"{self.line})")


_NUMBER: Final = re.compile(
    r"(?<![\d.])([+-]?)(\d+(?:\.\d+)?)(?:[ ]?(万元|元))?(?!\d)(?!\.\d)"
)
# A counting unit right after a figure marks prose, not a cell value.
_UNIT_AFTER: Final = re.compile(r"[ ]?(?:件|条|个|人|次|项|年|月|日|号|%|岁|名|家|户|篇|期|场|页|份|天|小时|余|多)")
_LIST_MARKER_AFTER: Final = re.compile(r"[.、)](?!\d)")  # 2. 2、 2)
# 第3 (ordinal), 数据1/列1/栏1 (generic column headers of OCR tables): not values
_NOT_VALUE_BEFORE: Final = re.compile(r"(?:第|数据|列|栏)[ ]?$")
# 本年增/减 printed as 减少3 / 减3: a decrease
_DECREASE_BEFORE: Final = re.compile(r"(?:减少|下降|(?<![/增])减)[ ]*$")


_CELL: Final = re.compile(r"[^\t|]+")
_MD_SEP: Final = re.compile(r"[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*")


def tokenize(text: str, start: int, end: int, aligned: bool = False) -> list[Tok]:
    """Tokens of text[start:end], spans absolute in text. `aligned`: a table whose columns
    may be aligned by spaces, its blank cells only spaces (_aligned_blanks; tables 三, 四).

    Lines holding only a cell separator are blank cells in one-cell-per-line layouts,
    not in tab/pipe rows (there they are padding) nor where such a line follows every
    content line (then it is a separator): decided over the whole region, after one pass."""
    lines = text[start:end].split("\n")
    toks: list[Tok] = []
    blank_at: list[int] = []   # positions in toks of separator-only lines
    sep = content = multi = 0
    pos = start
    grid = _grids(lines)
    for ln_no, line in enumerate(lines):
        line_start = pos
        pos += len(line) + 1
        if ln_no in grid:
            first, md, marked = grid[ln_no]
            _grid_row(line, line_start, ln_no, first, md, marked, toks)
            content += 1
            multi += 1
            continue
        core = line.strip(" \t|")
        if not core and "\t \t" in line and "|" not in line:
            # a row of empty boxes (a table row printed all blank): its blank cells
            off = line_start
            for cell in line.split("\t"):
                if cell == " ":
                    toks.append(Tok(BLANK, off, off + 1, cell, line=ln_no))
                off += len(cell) + 1
            content += 1
            multi += 1
            continue
        if not core:
            if line and line.strip(" ") in ("\t", "|", ""):
                sep += 1
                if line.strip(" "):
                    blank_at.append(len(toks))
                    toks.append(Tok(BLANK, line_start, line_start + len(line), line, line=ln_no))
            continue
        content += 1
        if "---" in line and _MD_SEP.fullmatch(line):
            continue  # markdown separator row
        if "\t" not in line and "|" not in line:  # one cell on the line
            if _isascii(core) and _isdigit(core):  # (the plain count of _cell_tokens, inlined)
                a = line_start if core is line else line_start + len(line) - len(line.lstrip(" \t|"))
                toks.append(Tok(NUM, a, a + len(core), core, float(core), None, ln_no))
            else:
                _cell_tokens(line, line_start, ln_no, toks)
            continue
        if "\t" not in core and "|" not in core and "\t \t" not in line and not line.startswith(" \t") \
                and not line.endswith("\t "):
            # one cell, with separators only at the line's edges (and no empty box among
            # them, ` ` between TABs: a blank cell, read below): the run of the line
            # between the separators around it
            p0 = len(line) - len(line.lstrip(" \t|"))  # (where core starts)
            if _isascii(core) and _isdigit(core):
                a = line_start + p0
                toks.append(Tok(NUM, a, a + len(core), core, float(core), None, ln_no))
                continue
            cs = max(line.rfind("\t", 0, p0), line.rfind("|", 0, p0)) + 1
            p1 = p0 + len(core)
            ends = [i for i in (line.find("\t", p1), line.find("|", p1)) if i >= 0]
            ce = min(ends) if ends else len(line)
            if not _unit_cell(line[cs:ce], line_start + cs, ln_no, toks):  # (a cell marked by its separators)
                _cell_tokens(line[cs:ce], line_start + cs, ln_no, toks)
            continue
        if _row_cells(line, line_start, ln_no, toks) > 1:
            multi += 1  # a row of cells
    if blank_at:
        blanks = content > 0 and multi <= content * 0.3 and sep < content * 0.6
        if not blanks:
            drop = set(blank_at)
            toks = [t for i, t in enumerate(toks) if i not in drop]
    if aligned and "   " in text[start:end]:
        toks = _aligned_blanks(lines, start, toks)
    return toks


def _row_cells(line: str, line_start: int, ln_no: int, toks: list[Tok]) -> int:
    """A line of cells split on tabs and pipes, offsets kept: its tokens appended to
    `toks`; the number of non-empty cells."""
    n_cells = 0
    if "|" not in line:
        off = line_start
        row = sum(1 for cell in line.split("\t") if cell.strip()) > 1
        for cell in line.split("\t"):
            if cell.strip():
                n_cells += 1
                c = cell.strip(" ")
                if _isascii(c) and _isdigit(c):
                    a = off if c is cell else off + len(cell) - len(cell.lstrip(" "))
                    toks.append(Tok(NUM, a, a + len(c), c, float(c), None, ln_no))
                elif not (row and _unit_cell(cell, off, ln_no, toks)):
                    _cell_tokens(cell, off, ln_no, toks)
            elif cell == " ":  # an empty box (the converters' mark, not padding): a blank cell
                toks.append(Tok(BLANK, off, off + 1, cell, line=ln_no))
            off += len(cell) + 1
    else:
        row = sum(1 for m in _CELL.finditer(line) if m.group(0).strip()) > 1
        for m in _CELL.finditer(line):
            cell = m.group(0)
            if cell.strip():
                n_cells += 1
                if not (row and _unit_cell(cell, line_start + m.start(), ln_no, toks)):
                    _cell_tokens(cell, line_start + m.start(), ln_no, toks)
    return n_cells


# a column gap of a table printed with spaces (`pdftotext -layout`): two spaces or more
_GAP: Final = "  "
_LABEL_RUN: Final = re.compile(r"\S+(?: \S+)*")   # a header label between such gaps


def _aligned_blanks(lines: list[str], start: int, toks: list[Tok]) -> list[Tok]:
    """A table printed with its columns aligned by spaces and no separators (`pdftotext
    -layout`, a monospaced page copied as text), whose blank cells are only spaces: each
    row's numbers are placed in the table's columns by where they stand on the line, and
    a blank cell is added for each column a row leaves empty.

    The columns are the spans the numbers of all its rows cover (a column's numbers
    overlap, aligned left, right or centred), plus a column for each header label that
    stands over no number (a column blank in every row: 科研机构 and 社会公益组织 often are)
    nor under another such label (法人或其他组织, centred over the legal-person columns,
    stands over 社会公益组织: the header is read from its last line up).
    Nothing is added where that is not clean: a row with two numbers in one column, or
    fewer than two rows of two numbers or more. A line holding only a label inside the
    table is a row printed all blank, unless the next line holds numbers: then it may be
    the first line of a wrapped label, and gets no cells (its row is not read). Used for
    tables 三 and 四, not table 二: its sub-tables each have their own header, under which a single
    figure may stand in any column of the grid."""
    starts: list[int] = []
    pos = start
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    by_line: dict[int, list[Tok]] = {}
    for t in toks:
        by_line.setdefault(t.line, []).append(t)
    rows = _aligned_rows(lines, starts, by_line)
    if sum(1 for r in rows.values() if len(r) >= 2) < 2:
        return toks
    # the rows' labels stand left of every number: else the rows are not aligned to one grid
    label_end = max((t.start - starts[t.line] + len(t.raw.rstrip()) for ln_no in rows for t in by_line[ln_no]
                     if t.kind == TEXT), default=0)
    cols = _aligned_columns(lines, rows, starts, label_end)
    if not cols:
        return toks
    first, last = min(rows), max(rows)
    for ln_no in range(first + 1, last):
        # a line with only a label inside the table: a row printed all blank, unless the
        # next line holds numbers (then it may be the first line of a wrapped label)
        only = by_line.get(ln_no, [])
        nxt = next((k for k in range(ln_no + 1, last + 1) if lines[k].strip()), last)
        if only and ln_no not in rows and nxt not in rows and all(t.kind == TEXT for t in only) \
                and "\t" not in lines[ln_no] and "|" not in lines[ln_no] \
                and len(lines[ln_no].rstrip()) <= label_end:
            rows[ln_no] = []
    added: list[Tok] = []
    for ln_no, nums in rows.items():
        where = [next((i for i, c in enumerate(cols) if c[0] <= t.start - starts[ln_no] < c[1]), -1) for t in nums]
        if -1 in where or len(set(where)) != len(where):
            return toks  # a number in no column, or two in one: not a clean table
        line = lines[ln_no]
        for i, c in enumerate(cols):
            if i not in where:
                a = starts[ln_no] + min(c[0], len(line))
                added.append(Tok(BLANK, a, a + (1 if c[0] < len(line) else 0), " ", line=ln_no))
    if not added:
        return toks
    return sorted(toks + added, key=lambda t: (t.start, t.kind != BLANK))


def _aligned_rows(lines: list[str], starts: list[int], by_line: dict[int, list[Tok]]) -> dict[int, list[Tok]]:
    """Line -> its numbers, for the lines that are rows of a table aligned by spaces: a
    label (or nothing), then plain numbers only, each standing alone after a gap."""
    rows: dict[int, list[Tok]] = {}
    for ln_no, ts in by_line.items():
        line = lines[ln_no]
        if "\t" in line or "|" in line:
            continue
        k = next((i for i, t in enumerate(ts) if t.kind == NUM), -1)
        if k < 0 or any(t.kind != NUM or t.unit or not _PLAIN_NUMBER.fullmatch(t.raw) for t in ts[k:]):
            continue
        a = ts[k].start - starts[ln_no]
        if (a > 0 and not line[:a].endswith(_GAP)) or (k == 0 and a < len(_GAP) and len(ts) == 1):
            continue
        if any(line[t.end - starts[ln_no]:t.end - starts[ln_no] + 1] not in ("", " ") for t in ts[k:]):
            continue
        rows[ln_no] = ts[k:]
    return rows


def _aligned_columns(lines: list[str], rows: dict[int, list[Tok]], starts: list[int],
                     label_end: int) -> list[list[int]]:
    """[start, end) of each column on the line: the spans the rows' numbers cover, merged
    where they overlap, and the header labels over no number; [] where the columns are
    not clean (a number left of a row's label, header labels overlapping each other)."""
    spans = sorted((t.start - starts[t.line], t.end - starts[t.line]) for r in rows.values() for t in r)
    if spans[0][0] < label_end:
        return []
    cols: list[list[int]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    # header labels over no number: a column blank in every row (only right of the rows' labels)
    for ln_no in range(min(rows) - 1, -1, -1):  # (from the header's last line up: its finest labels first)
        line = lines[ln_no]
        if "\t" in line or "|" in line or _DIGIT.search(line):
            continue
        for m in _LABEL_RUN.finditer(line):
            a, b = m.start(), m.end()
            if a >= label_end and not any(a < c[1] and c[0] < b for c in cols):
                cols.append([a, b])
    cols.sort()
    if any(cols[i][1] > cols[i + 1][0] for i in range(len(cols) - 1)):
        return []
    return cols


_MD_ROW: Final = re.compile(r"[ \t]*\|.*\|[ \t]*")
_EMPTY_BOX: Final = re.compile(r"(?:^|\t) (?=\t|$)")  # a TAB row's cell of one space: a converter's empty box
_PLAIN_NUMBER: Final = re.compile(r"[ ]*[+-]?\d+(?:\.\d+)?[ ]*")


def _md_cells(line: str) -> list[tuple[int, str]]:
    """(offset in the line, text) of the cells between the pipes of a markdown row."""
    a = line.index("|")
    b = line.rindex("|")
    out = []
    i = a + 1
    for part in line[a + 1:b].split("|"):
        out.append((i, part))
        i += len(part) + 1
    return out


def _tab_cells(line: str) -> list[tuple[int, str]]:
    """(offset in the line, text) of the cells of a TAB row."""
    out = []
    i = 0
    for part in line.split("\t"):
        out.append((i, part))
        i += len(part) + 1
    return out


def _grids(lines: list[str]) -> dict[int, tuple[int, bool, bool]]:
    """Tables printed as a full grid, every row the same number of cells: markdown tables
    and TAB rows: line number -> (the first value column, markdown or not, whether the
    converter marks an empty box apart from a spanned slot). In such a grid an empty
    cell from that column on is a cell printed blank (reports print 0 so); before it,
    the slot of a label: spanned, or an empty box beside it (an HTML row of
    `<td>label</td><td></td><td></td><td>5</td>…` under a header whose first value
    column is the fourth), which is no cell of the row. Where the converter marks empty
    boxes (`' '`), a spanned slot (`''`) is never a cell."""
    out: dict[int, tuple[int, bool, bool]] = {}
    for md in (True, False):
        block: list[int] = []
        for i in range(len(lines) + 1):
            ln = lines[i] if i < len(lines) else ""
            if (_MD_ROW.fullmatch(ln) and "\t" not in ln) if md else ("\t" in ln and "|" not in ln):
                block.append(i)
                continue
            rows = [j for j in block if not (md and _MD_SEP.fullmatch(lines[j]))]
            block = []
            if len(rows) >= 2:
                marked = not md and any(_EMPTY_BOX.search(lines[j]) for j in rows)
                for j, first in _grid_first(lines, rows, md).items():
                    out[j] = (first, md, marked)
    return out


def _grid_first(lines: list[str], rows: list[int], md: bool) -> dict[int, int]:
    out: dict[int, int] = {}
    cells = [_md_cells(lines[j]) if md else _tab_cells(lines[j]) for j in rows]
    width = len(cells[0])
    if width < (2 if md else 3) or any(len(c) != width for c in cells):
        return out  # not a full grid: empty cells could be lost ones
    numeric = [k for c in cells for k, (_o, t) in enumerate(c) if _PLAIN_NUMBER.fullmatch(t)]
    if not numeric:
        # a grid without a number: a row of empty cells is a row printed all blank
        for j, c in zip(rows, cells):
            if not any(t.strip() for _o, t in c):
                out[j] = 0
        return out
    # the first value column: the first column the header labels (自然人 …) after the
    # last label column of the rows from the first one with a number; else the column
    # after those labels; never past the first number (columns of blanks before a
    # column found too late are then not read as cells: a row falls short, not shifts)
    first = min(numeric)
    body = next(i for i, c in enumerate(cells) if any(_PLAIN_NUMBER.fullmatch(t) for _o, t in c))
    labels = [k for c in cells[body:] for k, (_o, t) in enumerate(c) if t.strip() and not _PLAIN_NUMBER.fullmatch(t)]
    last = max(labels, default=-1)
    heads = [k for c in cells[:body] for k, (_o, t) in enumerate(c) if t.strip() and k > last]
    start = min(heads) if heads else last + 1
    if start <= first:
        first = start
    for j, c in zip(rows, cells):
        # a row of numbers and empty cells only (no label: table 四's row) is all cells
        texts = [t for _o, t in c if t.strip()]
        out[j] = 0 if texts and all(_PLAIN_NUMBER.fullmatch(t) for t in texts) else first
    return out


def _grid_row(line: str, line_start: int, ln_no: int, first: int, md: bool, marked: bool,
              out: list[Tok]) -> None:
    """A row of a grid: its cells, a blank one for each empty cell from column `first` on
    (where the converter marks empty boxes, for each marked one)."""
    for k, (off, cell) in enumerate(_md_cells(line) if md else _tab_cells(line)):
        if cell.strip():
            if not _unit_cell(cell, line_start + off, ln_no, out):
                _cell_tokens(cell, line_start + off, ln_no, out)
        elif k >= first and (not marked or cell == " "):
            a = line_start + off
            out.append(Tok(BLANK, a, a + len(cell), cell, line=ln_no))


_DIGIT: Final = re.compile(r"\d")
_NIL_CELL: Final = re.compile(r"^[ ]*(?:[-—–－/／]{1,2}|——)[ ]*$")


# OCR reads digits as look-alike letters; a cell made only of digits and such letters is a number
_OCR_DIGITS: Final = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "S": "5", "B": "8"})
_OCR_CELL: Final = re.compile(r"^(?=.*\d)(?=.*[OoDIlSB])[\dOoDIlSB]+$")


# a table cell holding a count and its unit and nothing else (5件, 12 条), in a row of
# cells or marked as a cell by its separators (`\t5件`, `5件 |`): its value (a figure with a
# unit on a bare line, or inside longer text, stays prose)
_UNIT_CELL: Final = re.compile(r"[ ]*(\d+)[ ]?(?:件|条|个|项|次|人次)[ ]*")


def _unit_cell(cell: str, offset: int, ln_no: int, out: list[Tok]) -> bool:
    m = _UNIT_CELL.fullmatch(cell)
    if m is None:
        return False
    out.append(Tok(NUM, offset + m.start(1), offset + m.end(1), m.group(1), float(m.group(1)), None, ln_no))
    return True


def _cell_tokens(cell: str, offset: int, ln_no: int, out: list[Tok]) -> None:
    core = cell.strip(" ")
    if _isascii(core):
        if _isdigit(core):  # the common case: a plain count
            a = offset if core is cell else offset + len(cell) - len(cell.lstrip(" "))
            out.append(Tok(NUM, a, a + len(core), core, float(core), None, ln_no))
            return
        if _OCR_CELL.match(core):
            a = offset + len(cell) - len(cell.lstrip(" "))
            core = core.translate(_OCR_DIGITS)
            out.append(Tok(NUM, a, a + len(core), core, float(core), line=ln_no))
            return
    if len(core) <= 2 and _NIL_CELL.match(cell):
        # a printed dash or slash: a cell with no number, distinct from 0
        out.append(Tok(BLANK, offset, offset + len(cell), cell.strip(), line=ln_no))
        return
    if not _DIGIT.search(cell):  # label text
        if cell.strip():
            out.append(Tok(TEXT, offset, offset + len(cell), cell, None, None, ln_no))
        return
    last = 0
    for m in _NUMBER.finditer(cell):
        after = cell[m.end():]
        if _LIST_MARKER_AFTER.match(after) and not m.group(3) and not (
                after[0] == ")" and cell[m.start() - 1:m.start()] == "("):
            if not m.group(1) and len(m.group(2)) >= 2 and "." not in m.group(2):
                # a flattened row: its digits run into the next item's list number
                # (…00002.重复申请, …申请 10000012.申请人…): the tables number their items
                # 1–8, so the last digit is the next label's and the rest are the row's
                txt = cell[last:m.start()]
                if txt.strip():
                    out.append(Tok(TEXT, offset + last, offset + m.start(), txt, line=ln_no))
                val = m.group(2)[:-1]
                out.append(Tok(NUM, offset + m.start(), offset + m.end() - 1, val, float(val), line=ln_no))
                last = m.end() - 1
            continue
        if not m.group(3) and _UNIT_AFTER.match(after):
            continue
        before = cell[:m.start()]
        if _NOT_VALUE_BEFORE.search(before):
            continue
        if before and before[-1] in "((" and after[:1] in "))" and not m.group(3):
            continue  # (2021) style references
        txt = cell[last:m.start()]
        if txt.strip():
            out.append(Tok(TEXT, offset + last, offset + m.start(), txt, line=ln_no))
        sign = -1.0 if m.group(1) == "-" or (not m.group(1) and _DECREASE_BEFORE.search(before)) else 1.0
        out.append(Tok(NUM, offset + m.start(), offset + m.end(), m.group(0), sign * float(m.group(2)),
                       unit=m.group(3), line=ln_no))
        last = m.end()
    txt = cell[last:]
    if txt.strip():
        out.append(Tok(TEXT, offset + last, offset + len(cell), txt, line=ln_no))
