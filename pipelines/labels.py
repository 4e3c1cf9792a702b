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

import yaml

from .textnorm import label_key
from .tokens import TEXT, Tok

DATA = pathlib.Path(__file__).resolve().parent / "data"
SEP = "\x1f"


@dataclass(frozen=True)
class Pattern:
    code: str
    kind: str
    regex: re.Pattern
    anchored: bool


@dataclass(frozen=True)
class Label:
    code: str
    kind: str
    start: int  # absolute span in the normalised text
    end: int
    text: str


def _compile(code: str, kind: str, pattern: str) -> list[Pattern]:
    out = []
    for alt in pattern.split("|"):
        anchored = alt.startswith("^") or alt.endswith("$")
        if anchored:
            body = alt[1:] if alt.startswith("^") else alt
            body = body[:-1] if body.endswith("$") else body
            pre = f"(?:(?<={SEP})|^)" if alt.startswith("^") else ""
            post = f"(?={SEP}|$)" if alt.endswith("$") else ""
            out.append(Pattern(code, kind, re.compile(pre + body + post), True))
        else:
            out.append(Pattern(code, kind, re.compile(alt), False))
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


def find_labels(run: list[Tok], name: str) -> list[Label]:
    """Labels of pattern table `name` in one run of text tokens, in reading order."""
    plain, plain_map = [], []
    sep, sep_map = [], []
    for i, t in enumerate(run):
        if i:
            sep.append(SEP)
            sep_map.append(t.start)
        for j, ch in enumerate(t.raw):
            k = label_key(ch)
            for kc in k:
                plain.append(kc)
                plain_map.append(t.start + j)
                sep.append(kc)
                sep_map.append(t.start + j)
    s_plain, s_sep = "".join(plain), "".join(sep)
    found: list[tuple[int, int, Label]] = []
    for p in patterns(name):
        s, m_ = (s_sep, sep_map) if p.anchored else (s_plain, plain_map)
        for m in p.regex.finditer(s):
            if m.end() <= m.start():
                continue
            a, b = m_[m.start()], m_[m.end() - 1] + 1
            found.append((a, -(b - a), Label(p.code, p.kind, a, b, s[m.start():m.end()].replace(SEP, ""))))
    found.sort(key=lambda x: (x[0], x[1]))
    # drop overlaps: keep the earliest, longest match
    out: list[Label] = []
    for _, _, lab in found:
        if out and lab.start < out[-1].end:
            continue
        out.append(lab)
    return out
