"""Plain data records passed between the extraction stages: a published cell (Fact),
a check result (Check) and everything read from one report (ReportResult)."""
from __future__ import annotations

from dataclasses import dataclass, field, asdict


@dataclass(slots=True)
class Fact:
    table: str            # fct_applications | fct_outcomes | fct_proactive_disclosures | fct_review_litigation
    key1: str
    key2: str
    value: float | None   # None = printed blank
    source: str = "table"  # table | narrative | derived
    span_start: int | None = None
    span_end: int | None = None
    flags: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.key1, self.key2)


@dataclass(slots=True)
class Check:
    check: str
    subject: str
    passed: bool
    detail: str
    severity: str = "error"
    fact_table: str | None = None
    key1: str | None = None
    key2: str | None = None
    expected: float | None = None
    found: float | None = None
    span_start: int | None = None
    span_end: int | None = None


@dataclass
class ReportResult:
    report: dict
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    text: str = ""

    def to_dict(self) -> dict:
        return {"report": self.report, "facts": [asdict(f) for f in self.facts],
                "checks": [asdict(c) for c in self.checks], "text": self.text}

    @classmethod
    def from_dict(cls, d: dict) -> "ReportResult":
        facts = [Fact(**{**f, "flags": tuple(f["flags"])}) for f in d["facts"]]
        return cls(report=d["report"], facts=facts, checks=[Check(**c) for c in d["checks"]], text=d["text"])
