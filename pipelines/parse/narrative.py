"""Figures stated in prose: pre-2019 reports (which have no template tables) and the
summary paragraphs of newer ones. Patterns live in data/narrative.yaml.

Only exact figures are taken: a number followed by 余/多/近/约 (approximate) is not, and
a pattern that finds two different numbers for the same cell gives none (with a check).
Review and litigation clauses (行政复议4件,1件结果维持,2件结果纠正,1件尚未审结) are read
clause by clause.
"""
from __future__ import annotations

from typing import Final

import functools
import re

from .datafiles import read_yaml
from .regexes import Scanner
from .model import Check, Fact


@functools.cache
def _rules(pre2019: bool = False):
    raw = read_yaml("narrative.yaml", pattern_keys=("patterns", "zero_patterns", "proceedings", "results", "prefer"))
    out = []
    for r in raw["cells"] + (raw.get("pre2019_cells", []) if pre2019 else []):
        out.append((r["table"], r["key1"], r["key2"], [Scanner(p) for p in r["patterns"]],
                    [Scanner(z) for z in r.get("zero_patterns", [])]))
    return out, {k: re.compile(v) for k, v in raw["proceedings"].items()}, \
        {k: re.compile(v) for k, v in raw["results"].items()}


@functools.cache
def _prefer() -> dict[tuple[str, str, str], re.Pattern]:
    """Per cell, the phrasing of a clause that states the year's own figure (narrative.yaml
    `prefer`): among competing figures, the only one so stated is taken."""
    raw = read_yaml("narrative.yaml", pattern_keys=("prefer",))
    return {(r["table"], r["key1"], r["key2"]): re.compile(r["prefer"]) for r in raw["cells"] if r.get("prefer")}


_PART_OF: Final = re.compile(r"(?:其他|其中)[^,。;]{0,8}$")
_RUNNING_TOTAL: Final = re.compile(r"(?:累计|历年|截至目前|截止目前)[^,。;]{0,8}$")
_UP_TO: Final = re.compile(r"截至|截止|累计|历年")
_THIS_YEAR: Final = re.compile(r"当年|本年|全年|年内|今年")
_CLAUSE_END: Final = re.compile(r"[;；。]|行政诉讼|行政复议")
_APPROX_AFTER: Final = re.compile(r"^\s*(?:余|多|左右)")
_APPROX_BEFORE: Final = re.compile(r"(?:近|约|超过|逾|超)\s*$")


def _in_breakdown(text: str, pos: int, part: bool = False) -> bool:
    """A part or a running total, not the year's figure: inside an open parenthesis (a
    breakdown such as （其中…）), after 其中/其他 in the same clause, or in a sentence that
    counts up to a date (截至/累计/历年) without saying the year's own (当年/本年/全年)."""
    before = text[max(0, pos - 200):pos]
    if not part:  # a total: not inside a breakdown
        if before.rfind("(") > before.rfind(")"):
            return True
        if _PART_OF.search(before):
            return True
    if _RUNNING_TOTAL.search(before):
        return True
    sentence = before[before.rfind("。") + 1:]
    return bool(_UP_TO.search(sentence)) and not _THIS_YEAR.search(sentence)


_DISCLOSURE_CONTEXT: Final = re.compile(r"信息公开|依申请|公开申请")


# cells that are themselves parts of a breakdown (当面申请5件 after 其中)
_PART_KEYS: Final = {"new_received.in_person", "new_received.online", "new_received.letter", "new_received.fax",
              "new_received.other_channel", "granted", "partially_granted", "withheld", "unable.nonexistent",
              "unable.not_this_agency", "unable.unclear", "not_processed.duplicate"}


def _exact(text: str, m: re.Match, g: int = 1, part: bool = False) -> bool:
    if _in_breakdown(text, m.start(), part):
        return False
    return not _APPROX_AFTER.match(text[m.end(g):m.end(g) + 3]) and not _APPROX_BEFORE.search(text[max(0, m.start(g) - 3):m.start(g)])


def prose_candidates(text: str, regions: list[tuple[int, int]], pre2019: bool = False) -> dict[tuple[str, str, str], set[float]]:
    """Every exact figure the prose patterns find, per cell (ambiguous ones included):
    a soft constraint for readings that need one, never published by itself."""
    return {k: set(h) for k, h in _hits(text, regions, pre2019).items()}


def _hits(text: str, regions: list[tuple[int, int]], pre2019: bool = False) -> dict[tuple[str, str, str], dict[float, tuple[int, int]]]:
    rules, _, _ = _rules(pre2019)
    out: dict[tuple[str, str, str], dict[float, tuple[int, int]]] = {}
    for table, k1, k2, pats, zeros in rules:
        hits: dict[float, tuple[int, int]] = out.setdefault((table, k1, k2), {})
        for a, b in regions:
            seg = text[a:b]
            for p in pats:
                for m in p.finditer(seg):
                    if not _exact(seg, m, part=k1 in _PART_KEYS):
                        continue
                    v = float(m.group(1))
                    hits.setdefault(v, (a + m.start(1), a + m.end(1)))
            for z in zeros:
                for m in z.finditer(seg):
                    hits.setdefault(0.0, (a + m.start(), a + m.end()))
    return out


def read_narrative(text: str, regions: list[tuple[int, int]], pre2019: bool = False) -> tuple[list[Fact], list[Check]]:
    _, procs, results = _rules(pre2019)
    facts: list[Fact] = []
    checks: list[Check] = []
    prefer = _prefer()
    for (table, k1, k2), hits in _hits(text, regions, pre2019).items():
        pat = prefer.get((table, k1, k2))
        if len(hits) > 1 and pat is not None:
            stated = {v: se for v, se in hits.items() if pat.search(_clause_before(text, se[0]))}
            if len(stated) == 1:
                hits = stated
        if len(hits) == 1:
            (v, (s, e)), = hits.items()
            facts.append(Fact(table, k1, k2, v, "narrative", s, e, ()))
        elif len(hits) > 1:
            checks.append(Check("narrative.ambiguous", f"{k1}/{k2}", False,
                                f"prose gives several figures for {table} {k1}/{k2}: "
                                f"{sorted(hits)}; none published", "warning", table, k1, k2))
    # review / litigation clauses
    for a, b in regions:
        seg = text[a:b]
        for proc, pat in procs.items():
            for m in pat.finditer(seg):
                if not _exact(seg, m):
                    continue
                sentence = seg[seg.rfind("。", 0, m.start()) + 1:m.start()]
                if not _DISCLOSURE_CONTEXT.search(sentence):
                    continue  # a review or lawsuit about something else (依法行政 caseload)
                total = float(m.group(1))
                clause_end = _CLAUSE_END.search(seg[m.end():])
                clause = seg[m.end(): m.end() + (clause_end.start() if clause_end else 80)]
                got = {"total": (total, a + m.start(1), a + m.end(1))}
                for res, rpat in results.items():
                    rm = rpat.search(clause)
                    if rm:
                        got[res] = (float(rm.group(1)), a + m.end() + rm.start(1), a + m.end() + rm.end(1))
                for res, (v, s, e) in got.items():
                    facts.append(Fact("fct_review_litigation", proc, res, v, "narrative", s, e, ()))
                _derive_rest(facts, proc, got, results)
                break
    # one figure per key; two different figures for one key: none, and a check
    by_key: dict = {}
    for f in facts:
        by_key.setdefault(f.key, []).append(f)
    uniq = []
    for key, fs in by_key.items():
        vals = {f.value for f in fs}
        if len(vals) == 1:
            uniq.append(fs[0])
        else:
            checks.append(Check("narrative.ambiguous", f"{key[1]}/{key[2]}", False,
                                f"prose gives several figures for {key[0]} {key[1]}/{key[2]}: {sorted(vals)}; "
                                "none published", "warning", key[0], key[1], key[2]))
    return uniq, checks


def _clause_before(text: str, pos: int) -> str:
    """The clause a figure closes: back to the last comma, full stop, semicolon or colon."""
    before = text[max(0, pos - 80):pos]
    cut = max(before.rfind(c) for c in ",。;:\n")
    return before[cut + 1:]


def _derive_rest(facts: list[Fact], proc: str, got: dict, results: dict) -> None:
    """A stated total with stated parts determines the unstated parts when they must be 0,
    or when exactly one is unstated."""
    parts = [r for r in results if r != "total"]
    missing = [r for r in parts if r not in got]
    if "total" not in got or not missing or len(missing) == len(parts):
        return
    rest = got["total"][0] - sum(got[r][0] for r in parts if r in got)
    s, e = got["total"][1], got["total"][2]
    if len(missing) == 1 and rest >= 0:
        facts.append(Fact("fct_review_litigation", proc, missing[0], rest, "derived", s, e, ("derived",)))
    elif rest == 0:
        for r in missing:
            facts.append(Fact("fct_review_litigation", proc, r, 0.0, "derived", s, e, ("derived",)))
