"""One report, start to finish: bytes → text → sections → table cells and prose figures →
facts, checks and metadata (a ReportResult). Plain functions; the Dagster assets and the
CLI call `extract_report` and nothing below it.

A file that cannot be read (empty, binary, unknown encoding, a PDF without a text
layer) or that holds no recognisable table or figure still gives a result: a report row
with parse_status 'failed' and a check that says why. A data file of `data/` that cannot
be used is not a report's problem: its DataFileError (file, line, problem) stops the run,
and `load_data_files` raises it before any report is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import hashlib
import pathlib
import re

from schemas import READ_FROM

from .. import PARSER_VERSION, compiled
from .accounting import (T3_IDENTITY_CHECKS, Identity, account, blanks_shown_zero, confirmed_rows, ocr_withheld,
                         ocr_withheld_check, page_of, pre2019_cells, t3_identities, t3_not_evaluated, t3_verified,
                         t4_verified, template_cells, uncertain_kind)
from ..formats import unmark as ocr_unmark
from ..formats.decode import DecodeError, decode_bytes
from .datafiles import DataFileError
from .identities import T3_FACT_TABLES, t3_fact_table
from .layouts import layouts
from .agencies import agency_id, body_key
from .metadata import Metadata, agency_key, detect_format, read_metadata
from .model import Check, Fact, ReportRecord, ReportResult
from .narrative import prose_candidates, read_narrative
from .pre2019 import read_pre2019_table
from .sections import Sections, split_sections
from .table2 import read_t2
from .table3 import T3Reading, read_t3
from .table4 import T4Reading, read_t4
from .textnorm import label_key, normalize_text

# inputs read by pages: a fact's page is counted from the form feeds of their text
UNPAGED_FORMATS: Final = ("text", "html", "docx")
# inputs read by OCR (an image-only PDF, an image): every cell flagged `ocr`
OCR_FORMATS: Final = ("scan", "image")
# formats whose text holds every number the page prints, or misses lone ones for the page's
# own reasons (a text layer; OCR): a cell printed with no number there is a blank box, or unknown
EXACT_PRINT_FORMATS: Final = ("pdf",) + OCR_FORMATS


def load_data_files() -> None:
    """Load, and so validate, every data file the parser reads (each is cached once
    loaded): a bad edit raises its DataFileError here, before any report is read."""
    from . import agencies, metadata, narrative, pre2019, regions, table2
    from .labels import patterns

    for name in ("t3_rows", "t3_columns", "t2_items", "t4_columns"):
        patterns(name)
    layouts()
    narrative._rules(False)
    narrative._rules(True)
    narrative._prefer()
    pre2019._rules()
    pre2019._notes()
    table2._bands()
    metadata._rules()
    agencies._aliases()
    regions._index()
    regions._aliases()
    regions._confusions()
    regions._phone_areas()
    regions._pinyin_index()
    regions._url_platforms()
    regions._stems()


def report_id_of(data: bytes) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    return sha[:16], sha


def _base_report(data: bytes, source_path: str) -> ReportRecord:
    rid, sha = report_id_of(data)
    return ReportRecord(report_id=rid, source_path=source_path, size_bytes=len(data), sha256=sha,
                        parser_version=PARSER_VERSION)


def _failed(report: ReportRecord, reason: str, text: str = "", checks: list[Check] | None = None) -> ReportResult:
    report.parse_status = "failed"
    report.status_detail = reason
    return ReportResult(report, [], (checks or []) + [Check("parse", "file", False, reason, "error")], text)


def to_text(data: bytes, source_path: str, notes: list[str] | None = None) -> tuple[str, str, str | None]:
    """(raw text, file format, encoding). Raises DecodeError / formats.FormatError.
    `notes` receives the converter's lines about parts read in a degraded way (a PDF
    page over a size cap read as plain text)."""
    from .. import formats

    kind = formats.sniff(data, source_path)
    if kind == "empty" or not data.strip():
        raise DecodeError("empty file")
    if kind == "image":
        return formats.read_image(data, source_path, notes), "image", None
    if kind == "binary":
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise DecodeError("legacy Word/Excel binary (OLE) file: not supported, save it as .docx or PDF")
        if data[:4] == b"GIF8":
            raise DecodeError("an image (GIF): not read (OCR reads PNG, JPEG and TIFF)")
        raise DecodeError("binary content, not a report in a known format")
    if kind == "pdf":
        text, kind = formats.read_pdf(data, source_path, notes)
        return text, kind, None
    if kind in ("docx", "html"):
        return formats.to_text(data, kind, notes), kind, None
    text, enc = decode_bytes(data)
    return text, "text", enc


def _sniff_quietly(data: bytes, source_path: str) -> str | None:
    if not data.strip():
        return "empty"
    try:
        from .. import formats

        return formats.sniff(data, source_path)
    except Exception:  # noqa: BLE001
        return None


def extract_report(data: bytes, source_path: str) -> ReportResult:
    report = _base_report(data, source_path)
    notes: list[str] = []
    try:
        raw, kind, enc = to_text(data, source_path, notes)
    except DataFileError:
        raise
    except Exception as e:  # noqa: BLE001 - every reading failure is recorded, never raised
        name = type(e).__name__
        if name not in ("DecodeError", "FormatError", "LimitError") and compiled.active():
            return _read_interpreted(data, source_path, e)
        reason = str(e) if name in ("DecodeError", "LimitError") else f"{name}: {e}"  # (LimitError: "limit: ...")
        report.file_format = _sniff_quietly(data, source_path)
        return _failed(report, reason)
    report.file_format, report.encoding = kind, enc
    text = ""
    try:
        text = normalize_text(raw)
        uncertain: list[tuple[int, int, str]] = []
        if kind in OCR_FORMATS:
            text, uncertain = ocr_unmark(text)
        res = _extract_text(report, text, uncertain if kind in OCR_FORMATS else None)
        if kind not in UNPAGED_FORMATS:
            page_of(text, res.facts)
        if kind in OCR_FORMATS:
            for f in res.facts:  # every cell read from an image; an uncertain one says why
                k = uncertain_kind(f.span_start, f.span_end, uncertain) if f.source != "derived" else None
                f.flags = tuple(f.flags) + (("ocr", k) if k else ("ocr",))
        for note in notes:  # e.g. a PDF page over a size cap, read without its tables
            res.checks.append(Check("parse.degraded", "file", False, note, "warning"))
        return res
    except DataFileError:
        raise  # (every report would fail alike: the run stops with the file, line and problem)
    except Exception as e:  # noqa: BLE001 - a parser bug must not stop the run
        if compiled.active():
            return _read_interpreted(data, source_path, e)
        return _failed(report, f"internal error while parsing: {type(e).__name__}: {e}", text)


def _read_interpreted(data: bytes, source_path: str, e: Exception) -> ReportResult:
    """The compiled parser raised: read the report again with the interpreted modules
    (where the same error is recorded as usual if it is not the compiler's), and say so."""
    pure = compiled.interpreted("parse.extract").extract_report(data, source_path)
    # the interpreted package's own classes, turned into this package's
    facts = [Fact(*f.astuple()) for f in pure.facts]
    checks = [Check(*c.astuple()) for c in pure.checks]
    checks.append(Check("parse.compiled", "file", False,
                        f"the compiled parser raised {type(e).__name__}: {e}; read by the interpreted parser",
                        "warning"))
    return ReportResult(ReportRecord(**dict(pure.report.items())), facts, checks, pure.text)


# the template tables (t2, t3, t4) and the fact tables of their cells (schemas/tables.yaml read_from)
_BLANK_TABLES: Final = tuple(sorted(READ_FROM.items()))
_TABLE_NAME: Final = {"t2": "table 二", "t3": "table 三", "t4": "table 四"}


def _blank_only_tables(facts: list[Fact], r3, r4) -> tuple[list[Fact], list[Check]]:
    """A table 二, 三 or 四 that prints no number, only blank cells, is published (as NULL
    cells) only where the report's own arithmetic shows that blank is 0 (a sum of table 三
    or 四 with a blank and a number in it holds: blanks_shown_zero); else it may be an
    unfilled form, and its cells are not published."""
    blank = [tid for tid, tables in _BLANK_TABLES
             if all(f.value is None for f in facts if f.table in tables and f.source == "table")
             and any(f.table in tables and f.source == "table" for f in facts)]
    if not blank:
        return facts, []
    legal = layouts().t3.legal_columns
    if blanks_shown_zero(r3.rows if r3 is not None else {}, r3.columns if r3 is not None else [], legal,
                         r4.groups if r4 is not None else {}, layouts().t4.results):
        return facts, []
    drop = {t for tid, tables in _BLANK_TABLES if tid in blank for t in tables}
    checks = [Check(f"{tid}.read", tid, False, f"{_TABLE_NAME[tid]} prints no number, only "
                    "blank cells, and no sum in the report shows that blank means 0 (an unfilled form?); "
                    "not published", "warning") for tid in blank]
    return [f for f in facts if f.table not in drop or f.source != "table"], checks


@dataclass
class _Reading:
    """What one report's tables and prose gave, gathered as they are read."""
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    found: list[str] = field(default_factory=list)   # dim_reports.tables_found, in reading order
    complete: bool = True                   # every template table read, no cell withheld
    t3: T3Reading | None = None             # table 三, where it gave a row
    t4: T4Reading | None = None             # table 四, where it gave a proceeding
    # table 三's / 四's stretch of text, read or not (_tables_printed counts its digits)
    t3_region: tuple[int, int] | None = None
    t4_region: tuple[int, int] | None = None
    t3_columns: list[str] | None = None     # table 三's header layout, where it was read
    t3_split: bool | None = None            # whether it prints 其他处理 as three rows
    pre2019_facts: list[Fact] = field(default_factory=list)
    pre2019_checks: list[Check] = field(default_factory=list)
    # a text read by OCR: the spans of its uncertain numbers (formats.ocr.unmark)
    uncertain: list[tuple[int, int, str]] = field(default_factory=list)


def _extract_text(report: ReportRecord, text: str, uncertain: list[tuple[int, int, str]] | None = None) -> ReportResult:
    """`uncertain`: for a text read by OCR, the spans of its uncertain numbers (repaired
    from look-alikes or read with low confidence; formats.ocr.unmark): those under a
    failing identity are withheld (`t3.ocr_withheld`, `t4.ocr_withheld`)."""
    secs = split_sections(text)
    key = label_key(text)
    fmt = detect_format(text, secs.found(), key)
    got = _Reading()
    got.uncertain = uncertain or []
    templated = fmt in ("f2019", "f2021")
    if secs.t2 and fmt in ("f2019", "f2021"):
        _read_table2(got, text, secs.t2, fmt)
    if secs.t3:
        got.t3_region = secs.t3
        _read_table3(got, text, secs.t3, report.file_format in EXACT_PRINT_FORMATS)
    elif templated:
        got.complete = False
    if secs.t4:
        got.t4_region = secs.t4
        _read_table4(got, text, secs.t4)
    elif templated:
        got.complete = False
    _drop_blank_only_tables(got)
    _read_prose(got, text, secs.prose if templated else [(0, len(text))], fmt)
    md = read_metadata(text, got.found, key)
    _fill_record(report, md, got)
    _account_template_cells(report, got, secs, md.format_version if md.format_version in ("f2019", "f2021") else fmt)
    if not got.facts:
        reason = "no recognisable tables or figures" if not secs.found() else \
            f"tables found ({', '.join(secs.found())}) but no cell could be read"
        return _failed(report, reason, text, got.checks)
    _set_status(report, md.tables_format, got)
    if md.year is None:
        got.checks.append(Check("metadata.year", "file", False, "statistics year not found in the text", "warning"))
    if md.agency is None:
        got.checks.append(Check("metadata.agency", "file", False,
                                "agency not found in the title, signature or contact line", "warning"))
    return ReportResult(report, got.facts, got.checks, text)


def _read_table2(got: _Reading, text: str, region: tuple[int, int], fmt: str) -> None:
    r2 = read_t2(text, region, fmt)
    got.checks.extend(r2.checks)
    for (item, measure), c in r2.cells.items():
        got.facts.append(Fact("fct_proactive_disclosures", item, measure, c.value, c.source, c.start, c.end, c.flags))
    if r2.cells:
        got.found.append("t2")
    got.complete &= bool(r2.cells) and not any(not c.passed for c in r2.checks)


def _read_table3(got: _Reading, text: str, region: tuple[int, int], exact_print: bool = False) -> None:
    """Table 三's cells as facts. A row derived from the identities publishes a 0 its print
    does not show as 0 (flag `unprinted_zero`) only where such a cell can be a lost 0 and not
    a box printed blank: not in a table that prints blank cells (a cell read as blank), nor
    in a PDF's text layer or an OCR'd page (`exact_print`): there it is `t3.missing_cell`."""
    r3 = read_t3(text, region)
    if r3 is None:
        return
    prints_blank = exact_print or any(c.value is None and c.source == "table"
                                      for cells in r3.rows.values() if cells for c in cells)
    legal = layouts().t3.legal_columns
    conf = _confirm_derived_rows(r3, text, legal)
    got.checks.extend(r3.checks)
    got.t3_columns, got.t3_split = r3.columns, r3.split_other
    v3 = t3_verified(r3.rows, r3.columns, legal, conf)
    held: dict[tuple[str, int], tuple[str, Identity]] = {}
    if got.uncertain:
        rows = r3.rows

        def cell_of(r: str, i: int) -> Any:
            v = rows.get(r)
            return None if v is None else v[i]

        held = ocr_withheld(t3_identities(list(rows), r3.columns, legal), cell_of, got.uncertain, conf)
    n_rows = 0
    for code, cells in r3.rows.items():
        if cells is None:
            got.complete = False
            continue
        n_rows += 1
        table = t3_fact_table(code)
        for i, (col, c) in enumerate(zip(r3.columns, cells)):
            if "missing_cell" in c.flags:
                continue  # explained in check_results (t3.missing_cell)
            if "unprinted_zero" in c.flags and prints_blank:
                got.checks.append(Check("t3.missing_cell", f"{code}/{col}", False,
                                        f"cell {code}/{col} shows no number; the identities give 0, but the table "
                                        "prints blank cells (or its print is exact): a box printed blank, not "
                                        "published", "warning", table, code, col, 0.0, None, c.start, c.end))
                got.complete = False
                continue
            if (code, i) in held:
                kind, ident = held[(code, i)]
                got.checks.append(ocr_withheld_check("t3", table, code, col, c, kind, ident))
                got.complete = False
                continue
            got.facts.append(Fact(table, code, col, c.value, c.source, c.start, c.end, c.flags,
                                  v3.get((code, col), False)))
    if n_rows:
        got.found.append("t3")
        got.t3 = r3


def _confirm_derived_rows(r3: T3Reading, text: str, legal: list[str]) -> set[str]:
    """The rows derived as 0 whose own print holds only 0s (accounting.confirmed_rows): the
    identities over them are evaluated again with them, and their row_read checks say so."""
    confirmed = confirmed_rows(text, r3.rows)
    if not confirmed:
        return set()
    conf = set(confirmed)
    r3.checks = [k for k in r3.checks if not (k.subject == "t3" and k.check in T3_IDENTITY_CHECKS)] + \
        t3_not_evaluated(r3.rows, r3.columns, legal, conf)
    for k in r3.checks:
        if k.check == "t3.row_read" and k.passed and k.subject in conf:
            k.detail += f"; its print holds only 0 ({' '.join(confirmed[k.subject].split())[:80]}): confirmed"
    return conf


def _read_table4(got: _Reading, text: str, region: tuple[int, int]) -> None:
    r4 = read_t4(text, region)
    got.checks.extend(r4.checks)
    results = layouts().t4.results
    v4 = t4_verified(r4.groups, results)
    held: dict[tuple[str, int], tuple[str, Identity]] = {}
    if got.uncertain:
        groups = r4.groups
        ti = results.index("total")
        idents: list[Identity] = [("t4.total", p, [(p, i) for i in range(len(results)) if i != ti], [(p, ti)])
                                  for p in groups]

        def cell_of(p: str, i: int) -> Any:
            v = groups.get(p)
            return None if v is None else v[i]

        held = ocr_withheld(idents, cell_of, got.uncertain)
    for proc, cells in r4.groups.items():
        for i, (res, c) in enumerate(zip(results, cells)):
            if (proc, i) in held:
                kind, ident = held[(proc, i)]
                got.checks.append(ocr_withheld_check("t4", "fct_review_litigation", proc, res, c, kind, ident))
                got.complete = False
                continue
            got.facts.append(Fact("fct_review_litigation", proc, res, c.value, c.source, c.start, c.end, c.flags,
                                  v4.get((proc, res), False)))
    if r4.groups:
        got.found.append("t4")
        got.t4 = r4
    else:
        got.complete = False


def _drop_blank_only_tables(got: _Reading) -> None:
    got.facts, blank_checks = _blank_only_tables(got.facts, got.t3, got.t4)
    if not blank_checks:
        return
    blank = {c.subject for c in blank_checks}
    got.checks.extend(blank_checks)
    got.complete = False
    if "t3" in blank:
        got.t3 = None
    if "t4" in blank:
        got.t4 = None
    got.found = [t for t in got.found if t not in blank]


def _read_prose(got: _Reading, text: str, prose: list[tuple[int, int]], fmt: str | None) -> None:
    """Prose figures (and a pre-2019 report's own statistics table): they fill what no table gave."""
    nfacts, nchecks = read_narrative(text, prose, pre2019=fmt == "pre2019")
    got.checks.extend(nchecks)
    if fmt == "pre2019":
        got.pre2019_facts, got.pre2019_checks = read_pre2019_table(text, prose_candidates(text, prose, pre2019=True))
        got.checks.extend(got.pre2019_checks)
        if got.pre2019_facts:
            got.facts.extend(got.pre2019_facts)
            got.found.append("stats_table")
    t3_printed = t4_split_printed = False
    if nfacts and (got.t3 is None or got.t4 is None):  # (only an unread table decides)
        t3_printed, t4_split_printed = _tables_printed(fmt, text, got.t3_region, got.t4_region)
    got.facts, more = _merge_narrative(got.facts, nfacts, got.t3 is not None, got.t4 is not None,
                                       t3_printed, t4_split_printed)
    got.checks.extend(more)
    if any(f.source == "narrative" for f in got.facts):
        got.found.append("prose")


def _fill_record(report: ReportRecord, md: Metadata, got: _Reading) -> None:
    report.agency, report.agency_key, report.year = md.agency, agency_key(md.agency), md.year
    report.format_version, report.level = md.format_version, md.level
    report.province, report.city, report.county, report.region_code = md.province, md.city, md.county, md.region_code
    report.agency_id = agency_id(body_key(md.agency, md.level, md.region_code, report.report_id))
    report.tables_found = ",".join(got.found)
    report.n_cells = len(got.facts)


def _account_template_cells(report: ReportRecord, got: _Reading, secs: Sections, tfmt: str | None) -> None:
    """Every cell of every template table the report has: published, or named by a failing
    `*.withheld` check (accounting.account)."""
    present = [t for t, r in (("t2", secs.t2), ("t3", secs.t3), ("t4", secs.t4)) if r]
    tables = ["t2", "t3", "t4"] if present and tfmt in ("f2019", "f2021") else []
    tcells = template_cells(tfmt, tables, got.t3_columns, got.t3_split) + \
        pre2019_cells(got.pre2019_facts, got.pre2019_checks)
    withheld_checks, n_pub, n_withheld = account(got.facts, got.checks, tcells, [t for t in tables if t not in present])
    got.checks.extend(withheld_checks)
    report.n_template_cells, report.n_cells_published, report.n_cells_withheld = len(tcells), n_pub, n_withheld


def _set_status(report: ReportRecord, tables_format: str | None, got: _Reading) -> None:
    """ok, or partial and why: no table read, a template table not read, cells withheld."""
    if tables_format is None:
        report.parse_status = "partial"
        report.status_detail = "template headings but no table could be read (tables as images?); prose figures only"
        got.checks.append(Check("parse.tables", "file", False, report.status_detail, "warning"))
        return
    if tables_format in ("f2019", "f2021"):
        missing = [t for t in ("t2", "t3", "t4") if t not in got.found]
        if missing or not got.complete:
            why = []
            if missing:
                why.append("not read: " + ", ".join(missing))
            if not got.complete:
                why.append("some cells withheld (see check_results)")
            report.parse_status = "partial"
            report.status_detail = "; ".join(why)
            return
    report.parse_status = "ok"


# a figure in a table's stretch, read as a cell or not (5, 5件, 1,234 glued runs): not a list
# marker (1. 2、 3）), an ordinal (第3) or a date (2024年)
_FIGURE: Final = re.compile(r"(?<![\d.第])\d+(?:\.\d+)?(?![\d.、)）年月日号])")


def _printed_digits(text: str, region: tuple[int, int] | None) -> int:
    """The digits of the figures a table's stretch prints, whether or not they could be
    read as cells (a run of glued cells counts each of its digits)."""
    if region is None:
        return 0
    figures = "".join(_FIGURE.findall(text, region[0], region[1]))
    return len(figures) - figures.count(".")


def _tables_printed(fmt: str | None, text: str, t3_region: tuple[int, int] | None,
                    t4_region: tuple[int, int] | None) -> tuple[bool, bool]:
    """Whether a template-era report's table 三 prints its figures (at least one row's
    worth of digits) and its table 四 prints the litigation split (at least a digit per
    cell of its 未经复议直接起诉 and 复议后起诉 rows), read or not."""
    if fmt not in ("f2019", "f2021"):
        return False, False
    t3, t4 = layouts().t3, layouts().t4
    split = [p for p in t4.proceedings if p.startswith("litigation_")]
    return (_printed_digits(text, t3_region) >= len(t3.legal_columns),
            _printed_digits(text, t4_region) >= len(split) * len(t4.results))


def _merge_narrative(facts: list[Fact], nfacts: list[Fact], t3_read: bool, t4_read: bool,
                     t3_printed: bool = False, t4_split_printed: bool = False):
    """Table cells win; prose figures fill what no table gave and are checked against it.

    Where a template-era table 三 prints its figures but could not be read
    (`t3_printed`), the prose's request figures are not published in its place: they are
    often another count (受理 including the carried-over requests, one office's share of
    the body's requests: hongze-2024 says 17 where its table says 95); a check says so.

    The prose's 行政诉讼 figures are the aggregate proceeding `litigation`, which codes.csv
    keeps for reports that give litigation without the direct / after-review split: where
    the report's table 四 prints that split (`t4_split_printed`) but was not read, they are
    not published (a check says so); its cells are named by t4's own checks."""
    if not nfacts:
        return facts, []
    have = {(f.table, f.key1, f.key2): f for f in facts}
    out = list(facts)
    checks: list[Check] = []
    for nf in nfacts:
        t = have.get(nf.key)
        if t is not None:
            same = t.value is not None and nf.value is not None and abs(t.value - nf.value) < 1e-9
            checks.append(Check("narrative_vs_table", f"{nf.key1}/{nf.key2}", same,
                                f"prose says {nf.value:g}, table says {t.value if t.value is None else format(t.value, 'g')}",
                                "info" if same else "warning", nf.table, nf.key1, nf.key2, nf.value, t.value,
                                nf.span_start, nf.span_end))
            continue
        if nf.table == "fct_review_litigation" and t4_read:
            continue
        if nf.table == "fct_review_litigation" and nf.key1 == "litigation" and t4_split_printed:
            checks.append(Check("narrative.aggregate", f"{nf.key1}/{nf.key2}", False,
                                f"prose gives 行政诉讼 {nf.key2} {nf.value:g} as one figure, but the report's "
                                "table 四 splits litigation into 未经复议直接起诉 and 复议后起诉 (not read): "
                                "the aggregate is not published", "warning", nf.table, nf.key1, nf.key2,
                                None, nf.value, nf.span_start, nf.span_end))
            continue
        if nf.table in T3_FACT_TABLES and t3_read:
            continue
        if nf.table in T3_FACT_TABLES and t3_printed:
            checks.append(Check("narrative.unread_table", f"{nf.key1}/{nf.key2}", False,
                                f"prose gives {nf.key1}/{nf.key2} {nf.value:g}, but the report's table 三 prints "
                                "its figures (not read): the prose figure is not published in its place",
                                "warning", nf.table, nf.key1, nf.key2, None, nf.value, nf.span_start, nf.span_end))
            continue
        out.append(nf)
        have[nf.key] = nf
    return out, checks


def extract_path(path: pathlib.Path, root: pathlib.Path | None = None) -> ReportResult:
    data = path.read_bytes()
    rel = str(path.relative_to(root)) if root else str(path)
    return extract_report(data, rel)
