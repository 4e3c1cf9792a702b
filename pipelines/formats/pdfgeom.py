"""Page geometry of a text-layer PDF: characters -> words and lines, rulings -> table cells.

What belongs here: the pure geometry behind ``pipelines.formats.pdf``, on plain tuples
(no PDF library): characters ``(text, x0, top, x1, bottom)`` (y grows downwards, in
points) grouped into words and lines; duplicate characters (fake bold, drawn twice)
dropped; visible rulings (vertical ``(x, top, bottom)``, horizontal ``(y, x0, x1)``)
snapped, joined, crossed into intersections, cells and tables; each table's characters
assigned to its cells. The rules are those of pdfplumber's table finder with explicit
lines (snap / join / intersection tolerance 3 pt, edges shorter than 3 pt dropped, a
cell is the smallest box whose four corners are joined by rulings, tables are cells
sharing corners, a lone cell is no table) and of its text extraction (lines by top
within 3 pt, words broken at spaces and at gaps over 3 pt), so the text the readers see
did not change with the engine.

Every step is near-linear (sorting, bisection, dictionaries): a page of 400,000
characters or 20,000 rulings costs seconds, not hours. Where a step would still blow up
(a grid of many thousand rulings), ``TooComplex`` is raised and the caller reads the
page as plain text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Final, Iterable

TOL: Final = 3.0  # x / y tolerance of words and lines, snap / join / intersection tolerance of rulings
MIN_EDGE: Final = 3.0  # rulings shorter than this after joining are dropped
MAX_EDGES: Final = 4000  # merged rulings on a page beyond which tables are not looked for
MAX_WORK: Final = 2_000_000  # edge pairs / corner tests on a page beyond which tables are not looked for

# (text, x0, top, x1, bottom)
Char = tuple[str, float, float, float, float]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


class TooComplex(Exception):
    """The page's rulings are too many to look for tables in reasonable time."""


# ---------------------------------------------------------------------------
# clustering (pdfplumber's cluster_list: sorted distinct values, a new cluster where the
# gap to the previous value exceeds the tolerance)


def _cluster_ids(values: Iterable[float], tol: float) -> dict[float, int]:
    ids: dict[float, int] = {}
    cid = 0
    last = 0.0
    first = True
    for v in sorted(set(values)):
        if not first and v > last + tol:
            cid += 1
        ids[v] = cid
        last = v
        first = False
    return ids


def _cluster_by_top(items: list[Char], tol: float) -> list[list[Char]]:
    """Items grouped by their top (index 2) clusters, clusters top to bottom, the
    items' order kept within a cluster."""
    if not items:
        return []
    ids = _cluster_ids([c[2] for c in items], tol)
    groups: dict[int, list[Char]] = {}
    for c in items:
        k = ids[c[2]]
        g = groups.get(k)
        if g is None:
            groups[k] = [c]
        else:
            g.append(c)
    return [groups[k] for k in sorted(groups)]


def _x0(c: Char) -> float:
    return c[1]


# ---------------------------------------------------------------------------
# characters -> words -> lines


def dedupe(chars: list[Char], tol: float = 1.0) -> list[Char]:
    """Drop characters drawn twice at (nearly) the same place (fake bold): same text and
    height, top and x0 within ``tol`` (clustered as pdfplumber's dedupe_chars); the
    first of each cluster by position is kept, in the original order."""
    groups: dict[tuple[str, float], list[int]] = {}
    for i, c in enumerate(chars):
        key = (c[0], round(c[4] - c[2], 1))
        g = groups.get(key)
        if g is None:
            groups[key] = [i]
        else:
            g.append(i)
    drop: set[int] = set()
    for idxs in groups.values():
        if len(idxs) < 2:
            continue
        ys = _cluster_ids([chars[i][2] for i in idxs], tol)
        by_y: dict[int, list[int]] = {}
        for i in idxs:
            by_y.setdefault(ys[chars[i][2]], []).append(i)
        for yg in by_y.values():
            if len(yg) < 2:
                continue
            xs = _cluster_ids([chars[i][1] for i in yg], tol)
            by_x: dict[int, list[int]] = {}
            for i in yg:
                by_x.setdefault(xs[chars[i][1]], []).append(i)
            for xg in by_x.values():
                if len(xg) < 2:
                    continue
                keep = min(xg, key=lambda i: (chars[i][2], chars[i][1], i))
                drop.update(i for i in xg if i != keep)
    if not drop:
        return chars
    return [c for i, c in enumerate(chars) if i not in drop]


def words(chars: list[Char], tol: float = TOL) -> list[Char]:
    """Words (text, x0, top, x1, bottom): characters clustered into lines by top, sorted
    by x0, broken at whitespace, at a gap over ``tol``, where a character starts left
    of the previous one, or where the top jumps by more than ``tol``."""
    out: list[Char] = []
    for line in _cluster_by_top(chars, tol):
        line.sort(key=_x0)
        text: list[str] = []
        x0 = top = x1 = bottom = 0.0
        px0 = px1 = ptop = 0.0
        for c in line:
            t = c[0]
            if t.isspace():
                if text:
                    out.append(("".join(text), x0, top, x1, bottom))
                    text = []
                continue
            cx0, ctop, cx1, cbottom = c[1], c[2], c[3], c[4]
            if text and (cx0 < px0 or cx0 > px1 + tol or abs(ctop - ptop) > tol):
                out.append(("".join(text), x0, top, x1, bottom))
                text = []
            if not text:
                text = [t]
                x0, top, x1, bottom = cx0, ctop, cx1, cbottom
            else:
                text.append(t)
                if cx0 < x0:
                    x0 = cx0
                if ctop < top:
                    top = ctop
                if cx1 > x1:
                    x1 = cx1
                if cbottom > bottom:
                    bottom = cbottom
            px0, px1, ptop = cx0, cx1, ctop
        if text:
            out.append(("".join(text), x0, top, x1, bottom))
    return out


def text_lines(chars: list[Char], tol: float = TOL) -> list[Char]:
    """Visual lines (text, x0, top, x1, bottom) of some characters, top to bottom: the
    words, with consecutive words whose tops fall in one cluster on one line, joined
    by one space (pdfplumber's extract_text_lines)."""
    ws = words(chars, tol)
    if not ws:
        return []
    ids = _cluster_ids([w[2] for w in ws], tol)
    out: list[Char] = []
    cur = -1
    parts: list[str] = []
    x0 = top = x1 = bottom = 0.0
    for w in ws:
        k = ids[w[2]]
        if k != cur:
            if parts:
                out.append((" ".join(parts), x0, top, x1, bottom))
            parts = [w[0]]
            x0, top, x1, bottom = w[1], w[2], w[3], w[4]
            cur = k
            continue
        parts.append(w[0])
        x0, top, x1, bottom = min(x0, w[1]), min(top, w[2]), max(x1, w[3]), max(bottom, w[4])
    if parts:
        out.append((" ".join(parts), x0, top, x1, bottom))
    return out


def cell_text(chars: list[Char], tol: float = TOL) -> str:
    """A cell's text: its words' lines (clustered by top) joined by newlines."""
    if not chars:
        return ""
    return "\n".join(" ".join(w[0] for w in line) for line in _cluster_by_top(words(chars, tol), tol))


# ---------------------------------------------------------------------------
# rulings


VEdge = tuple[float, float, float]  # x, top, bottom
HEdge = tuple[float, float, float]  # y, x0, x1


def closing_edges(v: list[VEdge], h: list[HEdge], tol: float = 2.0) -> list[HEdge]:
    """Horizontal edges that close tables cut by a page break: where two or more vertical
    rulings end (or start) at the same height (within ``tol`` of the first of them) and
    no horizontal ruling runs there across them, one from the leftmost to the rightmost."""
    hs = sorted(h)
    hys = [e[0] for e in hs]
    out: list[HEdge] = []
    for idx in (1, 2):
        groups: list[list[VEdge]] = []
        for e in sorted(v, key=lambda e: e[idx]):
            if groups and abs(groups[-1][0][idx] - e[idx]) <= tol:
                groups[-1].append(e)
            else:
                groups.append([e])
        for g in groups:
            xs = sorted({round(e[0], 1) for e in g})
            if len(xs) < 2:
                continue
            y = sum(e[idx] for e in g) / len(g)
            x0, x1 = xs[0], xs[-1]
            lo, hi = bisect_left(hys, y - tol), bisect_right(hys, y + tol)
            if any(hs[i][1] <= x0 + tol and hs[i][2] >= x1 - tol for i in range(lo, hi)):
                continue
            out.append((y, x0, x1))
    return out


def _snap(edges: list[VEdge], tol: float) -> list[VEdge]:
    """Edges whose positions (index 0) cluster within ``tol`` moved to the cluster's mean."""
    ids = _cluster_ids([e[0] for e in edges], tol)
    sums: dict[int, list[float]] = {}
    for e in edges:
        s = sums.setdefault(ids[e[0]], [0.0, 0.0])
        s[0] += e[0]
        s[1] += 1.0
    mean = {k: s[0] / s[1] for k, s in sums.items()}
    return [(mean[ids[e[0]]], e[1], e[2]) for e in edges]


def _join(edges: list[VEdge], tol: float) -> list[VEdge]:
    """Edges on one line (same position) that overlap or lie within ``tol`` joined."""
    by_pos: dict[float, list[VEdge]] = {}
    for e in edges:
        by_pos.setdefault(e[0], []).append(e)
    out: list[VEdge] = []
    for pos in sorted(by_pos):
        group = sorted(by_pos[pos], key=lambda e: e[1])
        a, b = group[0][1], group[0][2]
        for e in group[1:]:
            if e[1] <= b + tol:
                if e[2] > b:
                    b = e[2]
            else:
                out.append((pos, a, b))
                a, b = e[1], e[2]
        out.append((pos, a, b))
    return out


def merge_rulings(v: list[VEdge], h: list[HEdge]) -> tuple[list[VEdge], list[HEdge]]:
    """Snapped, joined rulings of at least MIN_EDGE."""
    vm = [e for e in _join(_snap(v, TOL), TOL) if e[2] - e[1] >= MIN_EDGE] if v else []
    hm = [e for e in _join(_snap(h, TOL), TOL) if e[2] - e[1] >= MIN_EDGE] if h else []
    return vm, hm


def find_tables(v: list[VEdge], h: list[HEdge]) -> list[list[Box]]:
    """Tables (lists of cell boxes), top to bottom, from visible rulings."""
    v, h = merge_rulings(v, h)
    if len(v) + len(h) > MAX_EDGES:
        raise TooComplex(f"{len(v) + len(h)} rulings (more than {MAX_EDGES})")
    if len(v) < 1 or len(h) < 1:
        return []
    # intersections: point -> (vertical edge ids, horizontal edge ids)
    hs = sorted(range(len(h)), key=lambda i: (h[i][0], h[i][1]))
    hys = [h[i][0] for i in hs]
    pv: dict[tuple[float, float], set[int]] = {}
    ph: dict[tuple[float, float], set[int]] = {}
    work = 0
    for vi, (x, top, bottom) in enumerate(v):
        lo, hi = bisect_left(hys, top - TOL), bisect_right(hys, bottom + TOL)
        work += hi - lo
        if work > MAX_WORK:
            raise TooComplex(f"more than {MAX_WORK} ruling crossings to test")
        for j in range(lo, hi):
            hi_ = hs[j]
            y, x0, x1 = h[hi_]
            if x0 - TOL <= x <= x1 + TOL:
                p = (x, y)
                s = pv.get(p)
                if s is None:
                    pv[p] = {vi}
                    ph[p] = {hi_}
                else:
                    s.add(vi)
                    ph[p].add(hi_)
    if not pv:
        return []
    points = sorted(pv)
    col: dict[float, list[float]] = {}
    row: dict[float, list[float]] = {}
    for x, y in points:  # sorted by x then y: each column's ys ascending
        col.setdefault(x, []).append(y)
    for x, y in sorted(points, key=lambda p: (p[1], p[0])):
        row.setdefault(y, []).append(x)
    cells: list[Box] = []
    for x, y in points:
        ys = col[x]
        xs = row[y]
        below = ys[bisect_right(ys, y):]
        right = xs[bisect_right(xs, x):]
        pvs, phs = pv[(x, y)], ph[(x, y)]
        found = False
        for by in below:
            if found:
                break
            if pvs.isdisjoint(pv[(x, by)]):
                continue
            for rx in right:
                work += 1
                if phs.isdisjoint(ph[(rx, y)]):
                    continue
                br = (rx, by)
                if br in pv and not pv[br].isdisjoint(pv[(rx, y)]) and not ph[br].isdisjoint(ph[(x, by)]):
                    cells.append((x, y, rx, by))
                    found = True
                    break
            if work > MAX_WORK:
                raise TooComplex(f"more than {MAX_WORK} cell corner tests")
    return _tables(cells)


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells sharing a corner form one table; tables of one cell are dropped; sorted by
    their topmost-then-leftmost cell."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.get(corner)
            if j is None:
                owner[corner] = i
            else:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Box]] = {}
    for i, c in enumerate(cells):
        groups.setdefault(find(i), []).append(c)
    tables = [g for g in groups.values() if len(g) > 1]
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return tables


# ---------------------------------------------------------------------------
# a table's rows and text


def bbox(cells: list[Box]) -> Box:
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


def table_rows(cells: list[Box]) -> list[list[Box | None]]:
    """Rows top to bottom; each row one slot per distinct cell x0 of the table, None
    where no cell of the row starts there (a cell spanning from the left or above)."""
    xs = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, Box]] = {}
    for c in sorted(cells, key=lambda c: (c[1], c[0])):
        by_top.setdefault(c[1], {})[c[0]] = c
    return [[r.get(x) for x in xs] for _, r in sorted(by_top.items())]


def table_text(rows: list[list[Box | None]], chars_by_mid: list[Char], mids: list[float],
               tol: float = TOL) -> tuple[list[list[str | None]], set[int]]:
    """Each cell's text from the characters whose centre lies in it (left/top edges in,
    right/bottom edges out); ``chars_by_mid`` sorted by vertical centre, ``mids`` those
    centres. Also the positions (in ``chars_by_mid``) of the characters placed in a cell."""
    out: list[list[str | None]] = []
    used: set[int] = set()
    for r in rows:
        cs = [c for c in r if c is not None]
        if not cs:
            out.append([None] * len(r))
            continue
        top = min(c[1] for c in cs)
        bottom = max(c[3] for c in cs)
        x0s = [c[0] for c in cs]  # row cells in x order (the slots are)
        got: dict[int, list[Char]] = {}
        for i in range(bisect_left(mids, top), bisect_left(mids, bottom)):
            ch = chars_by_mid[i]
            hm = (ch[1] + ch[3]) / 2
            vm = mids[i]
            k = bisect_right(x0s, hm) - 1
            if k < 0:
                continue
            c = cs[k]
            if hm < c[2] and c[1] <= vm < c[3]:
                got.setdefault(k, []).append(ch)
                used.add(i)
        texts: list[str | None] = []
        k = 0
        for c in r:
            if c is None:
                texts.append(None)
                continue
            chs = got.get(k)
            texts.append(cell_text(chs, tol) if chs else "")
            k += 1
        out.append(texts)
    return out, used
