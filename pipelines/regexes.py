"""Regex helpers shared by the pattern-driven readers (labels, prose): the literal text
every match of a pattern must contain, so a pattern is not run over text that lacks it.
A pure speed device: skipping a pattern this way never changes what it finds."""
from __future__ import annotations

import re
from re import _constants as _sc, _parser as _sp  # the stdlib's own regex parser


def required_literal(pattern: str) -> str:
    """The longest run of plain characters at the top level of `pattern` (outside any
    group, alternation, repeat or lookaround): every match contains it. '' where there
    is none, or where flags (case folding, verbose) make plain text matching inexact."""
    try:
        parsed = _sp.parse(pattern)
    except re.error:
        return ""
    if parsed.state.flags & (re.I | re.X):
        return ""
    best, cur = "", []
    for op, arg in parsed:
        if op is _sc.LITERAL:
            cur.append(chr(arg))
            continue
        if len(cur) > len(best):
            best = "".join(cur)
        cur = []
    if len(cur) > len(best):
        best = "".join(cur)
    return best


def leading_literal(pattern: str) -> str:
    """The plain characters every match of `pattern` starts with ('' where none, or
    where flags make plain text matching inexact)."""
    try:
        parsed = _sp.parse(pattern)
    except re.error:
        return ""
    if parsed.state.flags & (re.I | re.X):
        return ""
    out = []
    for op, arg in parsed:
        if op is not _sc.LITERAL:
            break
        out.append(chr(arg))
    return "".join(out)


def finditer_at(regex: re.Pattern, s: str, lead: str):
    """`regex.finditer(s)` for a regex whose matches all start with the text `lead`:
    tried only where `lead` occurs (for regexes that begin with a lookbehind, which
    keeps the regex engine from skipping ahead by itself). Same matches, same order."""
    pos = 0
    q = s.find(lead)
    while q >= 0:
        if q >= pos:
            m = regex.match(s, q)
            if m is not None:
                yield m
                pos = m.end() if m.end() > q else q + 1
        q = s.find(lead, q + 1)
