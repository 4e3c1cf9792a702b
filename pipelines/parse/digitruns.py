"""Split runs of digits that a crawler flattened into one string back into cells
(`21710000218` is 217 | 1 | 0 | 0 | 0 | 0 | 218), given how many cells the row holds
and a test the cells must pass (the row's identities). Every split with no leading
zeros is tried; the caller publishes only when exactly one passing reading remains.
Spaces inside such runs are not trusted as separators (`230 000023` is 23|0|0|0|0|0|23).
"""
from __future__ import annotations

import itertools
from typing import Callable, Final

from .tokens import NUM, Tok

MAX_SPLITS: Final = 200000


def digits_of(toks: list[Tok]) -> list[tuple[str, int]] | None:
    """(digit, absolute offset) of integer number tokens; None if any has a decimal or sign."""
    out: list[tuple[str, int]] = []
    for t in toks:
        if t.kind != NUM or t.unit or not t.raw.isdigit():
            return None
        out.extend((ch, t.start + i) for i, ch in enumerate(t.raw))
    return out


def looks_flattened(toks: list[Tok], k: int) -> bool:
    """Only a run that a crawler really flattened is split: its numbers on one line, and
    either one token holding at least k digits, or a token no table prints (a leading
    zero: `00`, `023`). Separate, well-formed numbers with cells missing are not re-cut."""
    nums = [t for t in toks if t.kind == NUM]
    if not nums or len({t.line for t in nums}) != 1:
        return False
    if len(nums) == 1 and len(nums[0].raw) >= k:
        return True
    return any(len(t.raw) > 1 and t.raw.startswith("0") for t in nums)


def split_run(digits: list[tuple[str, int]], k: int, ok: Callable[[list[float]], bool]) -> list[list[tuple[float, int, int]]]:
    """All readings of the digits as k numbers (value, span start, span end) that pass ok."""
    n = len(digits)
    if n < k or k <= 0:
        return []
    s = "".join(d for d, _ in digits)
    out = []
    count = 0
    for cuts in itertools.combinations(range(1, n), k - 1):
        count += 1
        if count > MAX_SPLITS:
            break
        bounds = (0, *cuts, n)
        parts = [s[bounds[i]:bounds[i + 1]] for i in range(k)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        vals = [float(p) for p in parts]
        if not ok(vals):
            continue
        out.append([(vals[i], digits[bounds[i]][1], digits[bounds[i + 1] - 1][1] + 1) for i in range(k)])
    return out


def candidates_text(readings, limit: int = 6) -> str:
    """Readings of a run for check_results: `21|7|0 or 2|17|0 …`."""
    shown = ["|".join(f"{v:g}" for v in r) for r in readings[:limit]]
    more = f" … ({len(readings)} in all)" if len(readings) > limit else ""
    return " or ".join(shown) + more
