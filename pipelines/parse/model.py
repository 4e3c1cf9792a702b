"""Plain data records passed between the extraction stages: a published cell (Fact),
a check result (Check), a report's dim_reports row (ReportRecord) and everything read
from one report (ReportResult)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, final

FACT_FIELDS: Final = ("table", "key1", "key2", "value", "source", "span_start", "span_end", "flags", "verified",
                       "page")
CHECK_FIELDS: Final = ("check", "subject", "passed", "detail", "severity", "fact_table", "key1", "key2", "expected",
                       "found", "span_start", "span_end")


@final
class Fact:
    """A published cell. A plain class with fixed attributes, not a dataclass: compiled
    (mypyc), it is a C struct built by a direct call; a dataclass stays a Python class
    whose generated ``__init__`` runs interpreted (~140 facts a report)."""
    __slots__ = ("table", "key1", "key2", "value", "source", "span_start", "span_end", "flags", "verified", "page")

    def __init__(self, table: str, key1: str, key2: str, value: float | None, source: str = "table",
                 span_start: int | None = None, span_end: int | None = None, flags: tuple[str, ...] = (),
                 verified: bool = False, page: int | None = None) -> None:
        self.table = table    # fct_applications | fct_outcomes | fct_proactive_disclosures | fct_review_litigation
        self.key1 = key1
        self.key2 = key2
        self.value = value    # None = printed blank
        self.source = source  # table | narrative | derived
        self.span_start = span_start
        self.span_end = span_end
        self.flags = flags
        self.verified = verified  # every identity involving the cell evaluated and holding (accounting.py)
        self.page = page          # page of a PDF or scan the cell was read from; None for other inputs

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.key1, self.key2)

    def astuple(self) -> tuple:
        return (self.table, self.key1, self.key2, self.value, self.source, self.span_start, self.span_end, self.flags,
                self.verified, self.page)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fact) and self.astuple() == other.astuple()

    def __repr__(self) -> str:
        return "Fact(" + ", ".join(f"{n}={v!r}" for n, v in zip(FACT_FIELDS, self.astuple())) + ")"


@final
class Check:
    """A check result (a plain class with fixed attributes, like Fact)."""
    __slots__ = ("check", "subject", "passed", "detail", "severity", "fact_table", "key1", "key2", "expected",
                 "found", "span_start", "span_end")

    def __init__(self, check: str, subject: str, passed: bool, detail: str, severity: str = "error",
                 fact_table: str | None = None, key1: str | None = None, key2: str | None = None,
                 expected: float | None = None, found: float | None = None, span_start: int | None = None,
                 span_end: int | None = None) -> None:
        self.check = check
        self.subject = subject
        self.passed = passed
        self.detail = detail
        self.severity = severity
        self.fact_table = fact_table
        self.key1 = key1
        self.key2 = key2
        self.expected = expected
        self.found = found
        self.span_start = span_start
        self.span_end = span_end

    def astuple(self) -> tuple:
        return (self.check, self.subject, self.passed, self.detail, self.severity, self.fact_table, self.key1,
                self.key2, self.expected, self.found, self.span_start, self.span_end)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Check) and self.astuple() == other.astuple()

    def __repr__(self) -> str:
        return "Check(" + ", ".join(f"{n}={v!r}" for n, v in zip(CHECK_FIELDS, self.astuple())) + ")"


REPORT_FIELDS: Final = ("report_id", "source_path", "size_bytes", "sha256", "parser_version", "agency", "agency_key",
                        "agency_id", "year", "format_version", "province", "city", "county", "region_code", "level",
                        "parse_status", "status_detail", "file_format", "encoding", "tables_found", "n_cells",
                        "n_template_cells", "n_cells_published", "n_cells_withheld")


@dataclass
class ReportRecord:
    """One report's row of dim_reports as the parser fills it (schemas/tables.yaml names and
    describes each column; `source_url` and `published_date` come later, from the manifests
    beside the reports). Staging reads it by column name too: `record["year"]`,
    `record.get("source_url")` (None for a column the parser does not fill)."""
    report_id: str
    source_path: str
    size_bytes: int
    sha256: str
    parser_version: str
    agency: str | None = None
    agency_key: str | None = None
    agency_id: str | None = None
    year: int | None = None
    format_version: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    region_code: str | None = None
    level: str | None = None
    parse_status: str = "failed"     # ok, partial, failed
    status_detail: str | None = None
    file_format: str | None = None
    encoding: str | None = None
    tables_found: str = ""
    n_cells: int = 0
    n_template_cells: int = 0
    n_cells_published: int = 0
    n_cells_withheld: int = 0

    def get(self, column: str, default: object = None) -> object:
        return getattr(self, column, default)

    def __getitem__(self, column: str) -> object:
        if column not in REPORT_FIELDS:
            raise KeyError(column)
        return getattr(self, column)

    def items(self) -> list[tuple[str, object]]:
        return [(k, getattr(self, k)) for k in REPORT_FIELDS]


@dataclass
class ReportResult:
    report: ReportRecord
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    text: str = ""

