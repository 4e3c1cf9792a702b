"""Figures stated in prose: pre-2019 reports (which have no template tables) and the
summary paragraphs of newer ones. Patterns live in data/narrative.yaml.

Only exact figures are taken: a number followed by 余/多/近/约 (approximate) is not, and
a pattern that finds two different numbers for the same cell gives none (with a check).
Review and litigation clauses (行政复议4件,1件结果维持,2件结果纠正,1件尚未审结) are read
clause by clause.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import yaml

from .labels import DATA
from .model import Check, Fact


@dataclass
class NarrativeFigure:
    fact: Fact
    text: str


@functools.cache
def _rules(pre2019: bool = False):
    raw = yaml.safe_load((DATA / "narrative.yaml").read_text(encoding="utf-8"))
    out = []
    for r in raw["cells"] + (raw.get("pre2019_cells", []) if pre2019 else []):
        out.append((r["table"], r["key1"], r["key2"], [re.compile(p) for p in r["patterns"]],
                    r.get("zero_patterns", [])))
    return out, raw["proceedings"], raw["results"]


_APPROX_AFTER = re.compile(r"^\s*(?:余|多|左右)")
_APPROX_BEFORE = re.compile(r"(?:近|约|超过|逾|超)\s*$")


def _in_breakdown(text: str, pos: int) -> bool:
    """Inside an open parenthesis (a breakdown such as （其中…）) or right after 其他/其中: a part."""
    before = text[max(0, pos - 200):pos]
    if before.rfind("(") > before.rfind(")"):
        return True
    return bool(re.search(r"(?:其他|累计|历年|截至目前|截止目前)[^,。;]{0,8}$", before))


def _exact(text: str, m: re.Match, g: int = 1) -> bool:
    if _in_breakdown(text, m.start()):
        return False
    return not _APPROX_AFTER.match(text[m.end(g):m.end(g) + 3]) and not _APPROX_BEFORE.search(text[max(0, m.start(g) - 3):m.start(g)])


def prose_candidates(text: str, regions: list[tuple[int, int]], pre2019: bool = False) -> dict[tuple[str, str, str], set[float]]:
    """Every exact figure the prose patterns find, per cell (ambiguous ones included):
    a soft constraint for readings that need one, never published by itself."""
    return {k: set(h) for k, h in _hits(text, regions, pre2019).items()}


def _hits(text: str, regions: list[tuple[int, int]], pre2019: bool = False) -> dict[tuple[str, str, str], dict[float, tuple[int, int]]]:
    rules, _, _ = _rules(pre2019)
    out = {}
    for table, k1, k2, pats, zeros in rules:
        hits: dict[float, tuple[int, int]] = out.setdefault((table, k1, k2), {})
        for a, b in regions:
            seg = text[a:b]
            for p in pats:
                for m in p.finditer(seg):
                    if not _exact(seg, m):
                        continue
                    v = float(m.group(1))
                    hits.setdefault(v, (a + m.start(1), a + m.end(1)))
            for z in zeros:
                for m in re.finditer(z, seg):
                    hits.setdefault(0.0, (a + m.start(), a + m.end()))
    return out


def read_narrative(text: str, regions: list[tuple[int, int]], pre2019: bool = False) -> tuple[list[Fact], list[Check]]:
    _, procs, results = _rules(pre2019)
    facts: list[Fact] = []
    checks: list[Check] = []
    for (table, k1, k2), hits in _hits(text, regions, pre2019).items():
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
            for m in re.finditer(pat, seg):
                if not _exact(seg, m):
                    continue
                total = float(m.group(1))
                clause_end = re.search(r"[;；。]|行政诉讼|行政复议", seg[m.end():])
                clause = seg[m.end(): m.end() + (clause_end.start() if clause_end else 80)]
                got = {"total": (total, a + m.start(1), a + m.end(1))}
                for res, rpat in results.items():
                    rm = re.search(rpat, clause)
                    if rm:
                        got[res] = (float(rm.group(1)), a + m.end() + rm.start(1), a + m.end() + rm.end(1))
                for res, (v, s, e) in got.items():
                    facts.append(Fact("fct_review_litigation", proc, res, v, "narrative", s, e, ()))
                _derive_rest(facts, proc, got, results)
                break
    # one figure per key: keep the first
    seen = set()
    uniq = []
    for f in facts:
        if f.key not in seen:
            seen.add(f.key)
            uniq.append(f)
    return uniq, checks


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
