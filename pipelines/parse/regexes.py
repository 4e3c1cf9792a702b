"""Regex helpers shared by the pattern-driven readers (labels, prose), read off the
stdlib's own parse of each pattern: the literal text every match must contain or start
with, and the characters a match can start with, so that a pattern is not run over text
or positions where it cannot match. Pure speed devices: they never change what a pattern
finds (tests/unit/test_regexes.py)."""
from __future__ import annotations

import importlib
import re
from typing import Any, Final

_sc: Any = importlib.import_module("re._constants")  # the stdlib's own regex parser
_sp: Any = importlib.import_module("re._parser")


def _parse(pattern: str):
    """The pattern's parse tree; None where it does not parse or where flags (case
    folding, verbose) make plain text matching inexact."""
    try:
        parsed = _sp.parse(pattern)
    except re.error:
        return None
    return None if parsed.state.flags & (re.I | re.X) else parsed


def required_literal(pattern: str) -> str:
    """The longest run of plain characters at the top level of `pattern` (outside any
    group, alternation, repeat or lookaround): every match contains it. '' where there
    is none, or where flags (case folding, verbose) make plain text matching inexact."""
    parsed = _parse(pattern)
    if parsed is None:
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


def literal_window(pattern: str) -> tuple[str, int, int] | None:
    """(lit, lo, hi): the pattern's required literal (`required_literal`) and the least and
    most characters a match can hold before it, so that every match starts between hi and
    lo characters before an occurrence of lit. None where there is no such literal or the
    part before it has no bounded width."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    lit = required_literal(pattern)
    if not lit:
        return None
    items = list(parsed)
    for i in range(len(items) - len(lit) + 1):
        run = items[i:i + len(lit)]
        if all(op is _sc.LITERAL for op, _ in run) and "".join(chr(a) for _, a in run) == lit:
            lo, hi = _sp.SubPattern(parsed.state, items[:i]).getwidth()
            if hi >= _sc.MAXREPEAT:
                return None
            return lit, lo, hi
    return None  # pragma: no cover - required_literal's run is always there


def leading_literal(pattern: str) -> str:
    """The plain characters every match of `pattern` starts with ('' where none, or
    where flags make plain text matching inexact)."""
    parsed = _parse(pattern)
    if parsed is None:
        return ""
    out = []
    for op, arg in parsed:
        if op is not _sc.LITERAL:
            break
        out.append(chr(arg))
    return "".join(out)


def _match_at(regex: re.Pattern, s: str, starts):
    """`regex.finditer(s)` when every match starts at one of `starts` (increasing
    positions): the regex is tried only there. Same matches, same order."""
    pos = 0
    for q in starts:
        if q < pos:
            continue
        m = regex.match(s, q)
        if m is not None:
            yield m
            pos = m.end() if m.end() > q else q + 1


def _occurrences(s: str, lead: str):
    q = s.find(lead)
    while q >= 0:
        yield q
        q = s.find(lead, q + 1)


def finditer_at(regex: re.Pattern, s: str, lead: str):
    """`regex.finditer(s)` for a regex whose matches all start with the text `lead`:
    tried only where `lead` occurs (for regexes that begin with a lookbehind, which
    keeps the regex engine from skipping ahead by itself)."""
    return _match_at(regex, s, _occurrences(s, lead))


_ZERO_WIDTH_OPS: Final = {_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT}


def _first(seq) -> tuple[set[str], bool] | None:
    """(characters a match of the parsed sequence can start with, can it be empty);
    None where that cannot be told simply."""
    out: set[str] = set()
    for op, arg in seq:
        if op in _ZERO_WIDTH_OPS:
            continue
        if op is _sc.LITERAL:
            return out | {chr(arg)}, False
        if op is _sc.IN:
            chars = set()
            for iop, iarg in arg:
                if iop is _sc.LITERAL:
                    chars.add(chr(iarg))
                elif iop is _sc.RANGE and iarg[1] - iarg[0] < 64:
                    chars.update(chr(c) for c in range(iarg[0], iarg[1] + 1))
                else:
                    return None
            return out | chars, False
        if op is _sc.SUBPATTERN:
            sub = _first(arg[-1])
        elif op is _sc.BRANCH:
            subs = [_first(b) for b in arg[1]]
            known = [x for x in subs if x is not None]
            if len(known) < len(subs):
                return None
            sub = (set().union(*(x[0] for x in known)), any(x[1] for x in known))
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
            lo, _hi, item = arg
            sub = _first(item)
            if sub is not None and lo == 0:
                sub = (sub[0], True)
        else:
            return None
        if sub is None:
            return None
        out |= sub[0]
        if not sub[1]:
            return out, False
    return out, True


def first_chars(pattern: str) -> str:
    """The characters every match of `pattern` starts with one of ('' where that cannot
    be told, a match can be empty, or flags make plain text matching inexact)."""
    parsed = _parse(pattern)
    if parsed is None:
        return ""
    f = _first(list(parsed))
    if f is None or f[1] or not f[0]:
        return ""
    return "".join(sorted(f[0]))


def _engine_cannot_skip(pattern: str) -> bool:
    """Whether the pattern begins with a lookaround, an anchor or an optional part: the
    regex engine then tries every position (it skips ahead only to a literal first
    character or a set of them)."""
    parsed = _parse(pattern)
    if parsed is None or not len(parsed):
        return False
    op, arg = parsed[0]
    return op in _ZERO_WIDTH_OPS or (op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT) and arg[0] == 0)


class Scanner:
    """`finditer` for a compiled pattern, trying only the positions where a match can
    start: after its leading text, or at one of its possible first characters, when the
    pattern begins with a lookaround or an alternation (which keeps the regex engine
    from skipping ahead by itself). Same matches, same order, as `regex.finditer`."""

    def __init__(self, pattern: str):
        self.regex = re.compile(pattern)
        self.lit = required_literal(pattern)
        literal_first = bool(leading_literal(pattern))
        # where a match starts a bounded distance before its required literal: tried only
        # there (unless the pattern starts with plain text, which the engine skips to itself)
        w = None if literal_first else literal_window(pattern)
        self._window = w if w is not None and w[2] - w[1] <= WINDOW_MAX else None
        starts = first_chars(pattern) if _engine_cannot_skip(pattern) else ""
        self._starts = re.compile("[" + re.escape(starts) + "]") if 0 < len(starts) <= 16 else None

    def finditer(self, s: str):
        if self.lit and self.lit not in s:
            return iter(())
        if self._window is not None:
            lit, lo, hi = self._window
            return _match_at(self.regex, s, _window_starts(s, lit, lo, hi))
        if self._starts is None:
            return self.regex.finditer(s)
        return _match_at(self.regex, s, (c.start() for c in self._starts.finditer(s)))


WINDOW_MAX = 24  # widest span of possible starts before a literal worth trying one by one


def _window_starts(s: str, lit: str, lo: int, hi: int):
    """Positions hi to lo characters before each occurrence of lit, increasing, once each."""
    last = -1
    p = s.find(lit)
    while p >= 0:
        for q in range(max(p - hi, last + 1, 0), p - lo + 1):
            yield q
        last = max(last, p - lo)
        p = s.find(lit, p + 1)
