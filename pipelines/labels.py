"""Label variants as data: load the pattern tables in `pipelines/data/` and find the
labels they name in a run of text tokens.

Patterns are regular expressions over the label key (NFKC, whitespace removed). `^` and
`$` in a pattern mean the start and end of one printed cell; other patterns may match
across cells, so that a label wrapped over two lines (`确认或重` / `新出具`) is found.
"""
from __future__ import annotations

import csv
import functools
import pathlib
import re
from dataclasses import dataclass
from typing import NamedTuple

import yaml

from .regexes import required_literal
from .tokens import TEXT, Tok

DATA = pathlib.Path(__file__).resolve().parent / "data"
SEP = "\x1f"


@dataclass(frozen=True)
class Pattern:
    code: str
    kind: str
    regex: re.Pattern
    anchored: bool
    lit: str = ""  # text every match contains (a pattern is skipped where it is absent)


class Label(NamedTuple):
    code: str
    kind: str
    start: int  # absolute span in the normalised text
    end: int
    text: str


RUN = "\x1e"  # between runs of text tokens: no label matches across it


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
    for alt in pattern.split("|"):
        anchored = alt.startswith("^") or alt.endswith("$")
        if anchored:
            body = alt[1:] if alt.startswith("^") else alt
            body = body[:-1] if body.endswith("$") else body
            pre = f"(?:(?<=[{SEP}{RUN}])|^)" if alt.startswith("^") else ""
            post = f"(?=[{SEP}{RUN}]|$)" if alt.endswith("$") else ""
            out.append(Pattern(code, kind, re.compile(pre + body + post), True, required_literal(body)))
        else:
            out.append(Pattern(code, kind, re.compile(alt), False, required_literal(alt)))
    return out


@functools.cache
def patterns(name: str) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    with open(DATA / f"{name}.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.extend(_compile(r["code"], r.get("kind") or "leaf", r["pattern"]))
    return tuple(out)


@functools.cache
def templates() -> dict:
    return yaml.safe_load((DATA / "templates.yaml").read_text(encoding="utf-8"))


def text_runs(toks: list[Tok]) -> list[list[Tok]]:
    """Maximal runs of consecutive text tokens (no number or blank between)."""
    runs: list[list[Tok]] = []
    cur: list[Tok] = []
    for t in toks:
        if t.kind == TEXT:
            cur.append(t)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


_WS = re.compile(r"\s+")
_HAS_WS = re.compile(r"\s")


def find_labels(run: list[Tok], name: str) -> list[Label]:
    """Labels of pattern table `name` in one run of text tokens, in reading order."""
    return find_all_labels(run, name)


def find_all_labels(toks: list[Tok], name: str) -> list[Label]:
    """Labels in all text runs of a token stream at once (one scan per pattern).

    Token text is already NFKC (textnorm): the key only drops whitespace. Text tokens of
    one run are joined directly (plain) or with SEP (for cell-anchored patterns); runs
    are separated by RUN, which no pattern crosses."""
    import bisect

    plain_parts: list[str] = []
    sep_parts: list[str] = []
    p_starts: list[int] = []
    s_starts: list[int] = []
    toks_at: list[tuple[Tok, str]] = []
    pl = sl = 0
    prev_text = False
    for t in toks:
        if t.kind != TEXT:
            if prev_text:
                plain_parts.append(RUN)
                sep_parts.append(RUN)
                pl += 1
                sl += 1
            prev_text = False
            continue
        k = _WS.sub("", t.raw) if _HAS_WS.search(t.raw) else t.raw
        if prev_text:
            sep_parts.append(SEP)
            sl += 1
        p_starts.append(pl)
        s_starts.append(sl)
        toks_at.append((t, k))
        plain_parts.append(k)
        sep_parts.append(k)
        pl += len(k)
        sl += len(k)
        prev_text = True
    if not toks_at:
        return []
    s_plain, s_sep = "".join(plain_parts), "".join(sep_parts)

    bisect_right = bisect.bisect_right

    def to_abs(idx: int, starts: list[int]) -> int:
        i = bisect_right(starts, idx) - 1
        if i < 0:
            i = 0
        t, k = toks_at[i]
        off = idx - starts[i]
        if off < 0:
            off = 0
        elif off >= len(k):
            off = max(len(k) - 1, 0)
        if k is t.raw or k == t.raw:
            return t.start + off
        n = -1
        for j, ch in enumerate(t.raw):
            if not ch.isspace():
                n += 1
                if n == off:
                    return t.start + j
        return t.start

    found: list[tuple[int, int, Label]] = []
    for p in patterns(name):
        s, starts = (s_sep, s_starts) if p.anchored else (s_plain, p_starts)
        if p.lit and p.lit not in s:
            continue
        for m in p.regex.finditer(s):
            if m.end() <= m.start():
                continue
            a, b = to_abs(m.start(), starts), to_abs(m.end() - 1, starts) + 1
            found.append((a, -(b - a), Label(p.code, p.kind, a, b, s[m.start():m.end()].replace(SEP, ""))))
    found.sort(key=lambda x: (x[0], x[1]))
    # drop overlaps: keep the earliest, longest match
    out: list[Label] = []
    for _, _, lab in found:
        if out and lab.start < out[-1].end:
            continue
        out.append(lab)
    return out
