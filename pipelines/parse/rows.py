"""The rows one report adds to the published report tables, column by column: plain
lists that publish.RowBuffer turns into Arrow. Here, and not in publish.py, so that it is
compiled with the parser (a few loops over every fact of every report).

`cols` is {table: {column: list}} for dim_reports, the fact tables, check_results and
report_texts; a fact table's report_id and year lists hold one entry per report, and its
ROWS list how many rows that report has; `keys` is {fact table: (key1 column, key2 column)}.
"""
from __future__ import annotations

from typing import Any, Final

from .model import Fact, ReportResult

ROWS: Final = "_rows"   # a fact table's rows per report (its report_id and year are held once per report)


def evidence(text: str, s: int | None, e: int | None, limit: int) -> str | None:
    """The text a span points at (at most `limit` characters)."""
    if s is None or e is None or not text:
        return None
    return text[s:e][:limit]


def add_report(cols: dict[str, dict[str, list[Any]]], res: ReportResult, keys: dict[str, tuple[str, str]],
               limit: int) -> None:
    rep = res.report
    rid = rep.report_id
    year = rep.year
    text = res.text
    for col, v in cols["dim_reports"].items():
        v.append(rep.get(col))  # (source_url and published_date: None here, filled from the manifests)
    by_table: dict[str, list[Fact]] = {}
    for f in res.facts:
        fs = by_table.get(f.table)
        if fs is None:
            fs = []
            by_table[f.table] = fs
        fs.append(f)
    for table, fs in by_table.items():  # column at a time
        k1, k2 = keys[table]
        t = cols[table]
        n = len(fs)
        t["report_id"].append(rid)  # once per report: repeated `n` times when made Arrow
        t["year"].append(year)
        t[ROWS].append(n)
        t[k1].extend([f.key1 for f in fs])
        t[k2].extend([f.key2 for f in fs])
        t["value"].extend([f.value for f in fs])
        t["source"].extend([f.source for f in fs])
        t["span_start"].extend([f.span_start for f in fs])
        t["span_end"].extend([f.span_end for f in fs])
        t["flags"].extend([",".join(f.flags) if f.flags else "" for f in fs])
        t["verified"].extend([f.verified for f in fs])
        t["page"].extend([f.page for f in fs])
        t["evidence"].extend([evidence(text, f.span_start, f.span_end, limit) for f in fs])
    seen: dict[tuple[str, str], int] = {}
    cr = cols["check_results"]
    for c in res.checks:
        k = (c.check, c.subject)
        n = seen.get(k, 0) + 1
        seen[k] = n
        cr["report_id"].append(rid)
        cr["check"].append(c.check)
        cr["subject"].append(c.subject if n == 1 else f"{c.subject}#{n}")
        cr["severity"].append(c.severity)
        cr["passed"].append(c.passed)
        cr["detail"].append(c.detail)
        cr["fact_table"].append(c.fact_table)
        cr["key1"].append(c.key1)
        cr["key2"].append(c.key2)
        cr["expected"].append(c.expected)
        cr["found"].append(c.found)
        cr["span_start"].append(c.span_start)
        cr["span_end"].append(c.span_end)
        cr["evidence"].append(evidence(text, c.span_start, c.span_end, limit))
    cols["report_texts"]["report_id"].append(rid)
    cols["report_texts"]["text"].append(text)
