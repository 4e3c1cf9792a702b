"""Split a normalised report into its parts: the three standard tables (二 主动公开,
三 收到和处理申请, 四 行政复议行政诉讼) and the prose around them.

Headings are found by their words, not their numbers (reports renumber them, and table
三 itself prints a row `四、结转下年度继续办理`), and only on short lines that start like
a heading, so the introduction's list of section names is not taken for headings.
Where a heading is missing, the table's own first labels anchor it.
"""
from __future__ import annotations

from typing import Final

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from .textnorm import label_key

_HEAD_START: Final = re.compile(r"^[ \t#|]*(?:[一二三四五六七八九十]{1,3}[ \t]*[、.,:]|\([一二三四五六七八九十]{1,3}\)|表[一二三四五六]|第[一二三四五六]部分)")


@dataclass
class Sections:
    t2: tuple[int, int] | None = None
    t3: tuple[int, int] | None = None
    t4: tuple[int, int] | None = None
    prose: list[tuple[int, int]] = field(default_factory=list)

    def found(self) -> list[str]:
        return [n for n in ("t2", "t3", "t4") if getattr(self, n)]


def _lines(text: str, start: int = 0):
    """(position, line) of the lines of text[start:]; `start` is a line start."""
    pos = start
    for line in (text[start:] if start else text).split("\n"):
        yield pos, line
        pos += len(line) + 1


def _line_start_at_or_after(text: str, after: int) -> int | None:
    if after <= 0:
        return 0
    if after > len(text):
        return None
    if text[after - 1] == "\n":
        return after
    i = text.find("\n", after)
    return None if i < 0 else i + 1


def _is_heading(line: str, words: tuple[str, ...], max_len: int = 45) -> bool:
    if len(line) > max_len * 3 or words[-1][-1] not in line:
        return False
    k = label_key(line).strip("|#")
    if not k or len(k) > max_len:
        return False
    if not _HEAD_START.match(line) and not k.startswith(words[0]):
        return False
    return all(w in k for w in words)


@functools.lru_cache(maxsize=64)
def _last_chars(words_options: tuple[tuple[str, ...], ...]) -> re.Pattern:
    """The characters a heading line must hold (each option's last character)."""
    return re.compile("[" + re.escape("".join(sorted({w[-1][-1] for w in words_options}))) + "]")


def _find_heading(text: str, words_options: list[tuple[str, ...]], after: int = 0, before: int | None = None) -> int | None:
    """Start of the first heading line starting at/after `after` and before `before`.
    Only lines holding an option's last character can be headings: the search jumps
    from one such line to the next."""
    start = _line_start_at_or_after(text, after)
    if start is None:
        return None
    need = _last_chars(tuple(tuple(w) for w in words_options))
    pos, n = start, len(text)
    while pos <= n:
        m = need.search(text, pos)
        if m is None:
            return None
        ls = text.rfind("\n", 0, m.start()) + 1
        if before is not None and ls >= before:
            return None
        le = text.find("\n", m.start())
        le = n if le < 0 else le
        line = text[ls:le]
        if any(_is_heading(line, w) for w in words_options):
            return ls
        pos = le + 1
    return None


@functools.lru_cache(maxsize=64)
def _spaced(word: str) -> re.Pattern:
    """`word` with any spaces (not line breaks) between its characters."""
    return re.compile(r"[^\S\n]*".join(map(re.escape, word)))


def _find_key(text: str, word: str, after: int = 0) -> int | None:
    """Position of the first line at/after `after` whose label key contains word."""
    if after > len(text):
        return None
    start = text.rfind("\n", 0, max(after, 0)) + 1
    if unicodedata.is_normalized("NFKC", text):
        # the label key of a normalised line is the line without whitespace
        m = _spaced(word).search(text, start)
        return None if m is None else text.rfind("\n", 0, m.start()) + 1
    for pos, line in _lines(text, start):
        if word[-1] in line and word in label_key(line):
            return pos
    return None


_NUM: Final = r"[一二三四五六七八九十]{1,3}\s*[、.,]\s*"
_H2: Final = re.compile(_NUM + r"主动公开政府信息")
_H3: Final = re.compile(_NUM + r"收到和处理政府信息公开申请")
_H4: Final = re.compile(_NUM + r"(?:(?!结转)[^。\n]){0,20}?行政复议")
_HEND: Final = re.compile(_NUM + r"(?:(?!结转)[^。\n]){0,14}?(?:存在的主要问题|其他需要报告)")


def _heading_at(pat: re.Pattern, text: str, after: int = 0, before: int | None = None, last: bool = False) -> int | None:
    """Heading phrase anywhere (also inside a flattened one-line report)."""
    best = None
    for m in pat.finditer(text, after, before if before is not None else len(text)):
        if last:
            best = m.start()
        else:
            return m.start()
    return best


_NEW_RECEIVED: Final = re.compile(r"本\s*年\s*新\s*收")
_ARTICLE_20: Final = re.compile(r"第\s*二\s*十\s*条")
_DIGIT: Final = re.compile(r"\d")


def split_sections(text: str) -> Sections:
    s = Sections()
    n = len(text)
    # table 三 anchor: first 本年新收 that is followed by digits soon after
    anchor3 = None
    for m in _NEW_RECEIVED.finditer(text):
        if _DIGIT.search(text, m.end(), m.end() + 200):
            anchor3 = m.start()
            break
    t3_head = None
    if anchor3 is not None:
        t3_head = _heading_at(_H3, text, max(0, anchor3 - 3000), anchor3, last=True)
    if anchor3 is not None and t3_head is None:
        # last heading mentioning 收到和处理 / 申请情况 before the anchor
        for pos, line in _lines(text[:anchor3]):
            if _is_heading(line, ("收到和处理",)) or _is_heading(line, ("申请情况", "政府信息公开")):
                t3_head = pos
        if t3_head is None:
            t3_head = _find_key(text, "申请人情况", max(0, anchor3 - 600))
            if t3_head is None or t3_head > anchor3:
                t3_head = text.rfind("\n", 0, anchor3) + 1
    # table 二: first 第二十条 before table 三 (or anywhere when there is no table 三)
    t2_start = None
    for m in _ARTICLE_20.finditer(text):
        if t3_head is None or m.start() < t3_head:
            line_start = text.rfind("\n", 0, m.start()) + 1
            t2_start = line_start if m.start() - line_start < 200 else m.start()
            break
    if t2_start is not None:
        head = _find_heading(text, [("主动公开政府信息情况",), ("主动公开政府信息",)], max(0, t2_start - 400), t2_start)
        if head is None:
            head = _heading_at(_H2, text, max(0, t2_start - 400), t2_start + 1, last=True)
        if head is not None:
            t2_start = min(head, t2_start)
    # table 四: heading after table 三
    t4_start = None
    if t3_head is not None:
        after = anchor3 or t3_head
        cand = _find_key(text, "结转下年度", after)
        after = cand if cand is not None else after
        t4_start = _find_heading(text, [("行政复议",), ("行政诉讼",)], after)
        h4 = _heading_at(_H4, text, after)
        if h4 is not None and (t4_start is None or h4 < t4_start):
            t4_start = h4
        if t4_start is None:
            t4_start = _find_key(text, "行政复议", after)
    # end of the tables: 存在的主要问题 / 其他需要报告 heading after the last table start
    last = max([p for p in (t2_start, t3_head, t4_start) if p is not None], default=None)
    end = n
    if last is not None:
        e = _find_heading(text, [("存在的主要问题",), ("主要问题",), ("其他需要报告",), ("改进情况",)], last + 1)
        e2 = _heading_at(_HEND, text, last + 1)
        if e2 is not None and (e is None or e2 < e):
            e = e2
        if e is not None:
            end = e
    if t2_start is not None:
        s.t2 = (t2_start, t3_head if t3_head is not None and t3_head > t2_start else (t4_start or end))
    if t3_head is not None:
        s.t3 = (t3_head, t4_start if t4_start is not None else end)
    if t4_start is not None:
        s.t4 = (t4_start, end)
    starts = [r[0] for r in (s.t2, s.t3, s.t4) if r]
    if starts:
        s.prose = [(0, min(starts)), (end, n)]
    else:
        s.prose = [(0, n)]
    return s
