"""Label variants as data: load the pattern tables in `pipelines/parse/data/` and find the
labels they name in a run of text tokens.

Patterns are regular expressions over the label key (NFKC, whitespace removed). `^` and
`$` in a pattern mean the start and end of one printed cell; other patterns may match
across cells, so that a label wrapped over two lines (`确认或重` / `新出具`) is found.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import final, Final


from .. import DATA
from .datafiles import read_csv, top_level_alternatives
from .regexes import finditer_at, leading_literal, required_literal
from .tokens import TEXT, Tok

SEP: Final = "\x1f"


@dataclass(frozen=True)
class Pattern:
    code: str
    kind: str
    regex: re.Pattern
    anchored: bool
    lit: str = ""  # text every match contains (a pattern is skipped where it is absent)
    lead: str = ""  # text every match starts with, for cell-anchored patterns (tried only there)


@final
class Label:
    """A label found (a plain class with fixed attributes: compiled, a C struct)."""
    __slots__ = ("code", "kind", "start", "end", "text")

    def __init__(self, code: str, kind: str, start: int, end: int, text: str) -> None:
        self.code = code
        self.kind = kind
        self.start = start  # absolute span in the normalised text
        self.end = end
        self.text = text

    def __repr__(self) -> str:
        return f"Label({self.code!r}, {self.kind!r}, {self.start}, {self.end}, {self.text!r})"


RUN: Final = "\x1e"  # between runs of text tokens: no label matches across it


def _dot_within_run(pattern: str) -> str:
    """`.` (outside classes, unescaped) matches anything but the run separator."""
    out, in_class, esc = [], False, False
    for ch in pattern:
        if esc:
            out.append(ch)
            esc = False
        elif ch == "\\":
            out.append(ch)
            esc = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        elif ch == ".":
            out.append(f"[^{RUN}]")
        else:
            out.append(ch)
    return "".join(out)


def _compile(code: str, kind: str, pattern: str) -> list[Pattern]:
    out = []
    pattern = _dot_within_run(pattern)
    for alt in top_level_alternatives(pattern):
        anchored = alt.startswith("^") or alt.endswith("$")
        if anchored:
            body = alt[1:] if alt.startswith("^") else alt
            body = body[:-1] if body.endswith("$") else body
            pre = f"(?:(?<=[{SEP}{RUN}])|^)" if alt.startswith("^") else ""
            post = f"(?=[{SEP}{RUN}]|$)" if alt.endswith("$") else ""
            out.append(Pattern(code, kind, re.compile(pre + body + post), True, required_literal(body),
                               leading_literal(body) if pre else ""))
        else:
            out.append(Pattern(code, kind, re.compile(alt), False, required_literal(alt)))
    return out


@functools.cache
def patterns(name: str) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    for r in read_csv(f"{name}.csv", ("code", "pattern"), required=("code", "pattern"), patterns=("pattern",)):
        out.extend(_compile(r["code"], r.get("kind") or "leaf", r["pattern"]))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _matches(name: str, s_plain: str, s_sep: str) -> tuple:
    """Every pattern's matches in the joined label text, in string positions. Cached:
    reports of one template (and one site) print the same labels, so the same joined
    text comes back again and again."""
    out = []
    for p in patterns(name):
        s = s_sep if p.anchored else s_plain
        if p.lit and p.lit not in s:
            continue
        for m in (finditer_at(p.regex, s, p.lead) if p.lead else p.regex.finditer(s)):
            ms, me = m.span()
            if me > ms:
                out.append((p.code, p.kind, p.anchored, ms, me, s[ms:me].replace(SEP, "")))
    return tuple(out)


@final
class _PosMap:
    """Where each character of a joined label string lies in the text, held per piece
    (a token's key, or a one-character separator) rather than per character: the piece
    that holds a character is found by bisection (only the matches' ends are looked up)."""
    __slots__ = ("starts", "bases", "wheres")

    def __init__(self) -> None:
        self.starts: list[int] = []   # offset of each piece in the joined string
        self.bases: list[int] = []    # text position of its first character
        self.wheres: list[list[int] | None] = []  # each character's position, where not contiguous

    def add(self, at: int, base: int, where: list[int] | None) -> None:
        self.starts.append(at)
        self.bases.append(base)
        self.wheres.append(where)

    def pos(self, p: int) -> int:
        starts = self.starts
        lo, hi = 0, len(starts)
        while lo < hi:  # (bisect_right, compiled: no call out)
            mid = (lo + hi) // 2
            if p < starts[mid]:
                hi = mid
            else:
                lo = mid + 1
        i = lo - 1
        w = self.wheres[i]
        return self.bases[i] + (p - self.starts[i]) if w is None else w[p - self.starts[i]]


def find_all_labels(toks: list[Tok], name: str) -> list[Label]:
    """Labels in all text runs of a token stream at once (one scan per pattern).

    Token text is already NFKC (textnorm): the key only drops whitespace. Text tokens of
    one run are joined directly (plain) or with SEP (for cell-anchored patterns); runs
    are separated by RUN, which no pattern crosses. Each character of the joined strings
    maps to its position in the text (a separator to the last character before it)."""
    plain_parts: list[str] = []
    sep_parts: list[str] = []
    plain_map = _PosMap()
    sep_map = _PosMap()
    plain_len = sep_len = 0
    last = -1          # text position of the last character of the previous text token
    prev_text = False
    for t in toks:
        if t.kind != TEXT:
            if prev_text:
                plain_parts.append(RUN)
                sep_parts.append(RUN)
                plain_map.add(plain_len, last, None)
                sep_map.add(sep_len, last, None)
                plain_len += 1
                sep_len += 1
            prev_text = False
            continue
        raw = t.raw
        where: list[int] | None
        words = raw.split()  # (whitespace as `\s` has it; [raw] itself where there is none)
        if len(words) != 1 or len(words[0]) != len(raw):
            k = "".join(words)
            where = [t.start + j for j, ch in enumerate(raw) if not ch.isspace()]
            if not k:
                continue
            end = where[-1]
        else:
            k = raw
            where = None
            if not k:
                continue
            end = t.start + len(raw) - 1
        if prev_text:
            sep_parts.append(SEP)
            sep_map.add(sep_len, last, None)
            sep_len += 1
        plain_parts.append(k)
        sep_parts.append(k)
        plain_map.add(plain_len, t.start, where)
        sep_map.add(sep_len, t.start, where)
        plain_len += len(k)
        sep_len += len(k)
        last = end
        prev_text = True
    if not plain_parts:
        return []
    s_plain, s_sep = "".join(plain_parts), "".join(sep_parts)

    found: list[tuple[int, int, int, Label]] = []
    for code, kind, anchored, ms, me, text in _matches(name, s_plain, s_sep):
        pm = sep_map if anchored else plain_map
        a, b = pm.pos(ms), pm.pos(me - 1) + 1
        found.append((a, a - b, len(found), Label(code, kind, a, b, text)))
    found.sort()
    # drop overlaps: keep the earliest, longest match
    out: list[Label] = []
    for _, _, _, lab in found:
        if out and lab.start < out[-1].end:
            continue
        out.append(lab)
    return out
