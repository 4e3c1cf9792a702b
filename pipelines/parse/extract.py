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

from typing import Final

import hashlib
import pathlib

from .. import PARSER_VERSION, compiled
from .accounting import (T3_IDENTITY_CHECKS, account, blanks_shown_zero, confirmed_rows, ocr_withheld,
                         ocr_withheld_check, page_of, pre2019_cells, t3_identities, t3_not_evaluated, t3_verified,
                         t4_verified, template_cells, uncertain_kind)
from ..formats import unmark as ocr_unmark
from ..formats.decode import DecodeError, decode_bytes
from .datafiles import DataFileError
from .identities import T3_FACT_TABLES, t3_fact_table
from .labels import templates
from .agencies import agency_id, body_key
from .metadata import agency_key, detect_format, read_metadata
from .model import Check, Fact, ReportResult
from .narrative import prose_candidates, read_narrative
from .pre2019 import read_pre2019_table
from .sections import split_sections
from .table2 import read_t2
from .table3 import read_t3
from .table4 import read_t4
from .textnorm import label_key, normalize_text

# inputs read by pages: a fact's page is counted from the form feeds of their text
UNPAGED_FORMATS: Final = ("text", "html", "docx")
# inputs read by OCR (an image-only PDF, an image): every cell flagged `ocr`
OCR_FORMATS: Final = ("scan", "image")


def load_data_files() -> None:
    """Load, and so validate, every data file the parser reads (each is cached once
    loaded): a bad edit raises its DataFileError here, before any report is read."""
    from . import agencies, metadata, narrative, pre2019, regions, table2
    from .labels import patterns

    for name in ("t3_rows", "t3_columns", "t2_items", "t4_columns"):
        patterns(name)
    templates()
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


def _base_report(data: bytes, source_path: str) -> dict:
    rid, sha = report_id_of(data)
    return {
        "report_id": rid, "source_path": source_path, "agency": None, "agency_key": None, "year": None,
        "format_version": None, "province": None, "city": None, "county": None, "region_code": None, "level": None, "agency_id": None,
        "parse_status": "failed", "status_detail": None, "file_format": None, "encoding": None,
        "size_bytes": len(data), "sha256": sha, "tables_found": "", "n_cells": 0,
        "n_template_cells": 0, "n_cells_published": 0, "n_cells_withheld": 0,
        "parser_version": PARSER_VERSION,
    }


def _failed(report: dict, reason: str, text: str = "") -> ReportResult:
    report["parse_status"] = "failed"
    report["status_detail"] = reason
    return ReportResult(report, [], [Check("parse", "file", False, reason, "error")], text)


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
        report["file_format"] = _sniff_quietly(data, source_path)
        return _failed(report, reason)
    report["file_format"], report["encoding"] = kind, enc
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
    return ReportResult(pure.report, facts, checks, pure.text)


_BLANK_TABLES: Final = (("t2", ("fct_proactive_disclosures",)), ("t3", ("fct_applications", "fct_outcomes")),
                        ("t4", ("fct_review_litigation",)))
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
    legal = templates()["t3"]["legal_columns"]
    if blanks_shown_zero(r3.rows if r3 is not None else {}, r3.columns if r3 is not None else [], legal,
                         r4.groups if r4 is not None else {}, templates()["t4"]["results"]):
        return facts, []
    drop = {t for tid, tables in _BLANK_TABLES if tid in blank for t in tables}
    checks = [Check(f"{tid}.read", tid, False, f"{_TABLE_NAME[tid]} prints no number, only "
                    "blank cells, and no sum in the report shows that blank means 0 (an unfilled form?); "
                    "not published", "warning") for tid in blank]
    return [f for f in facts if f.table not in drop or f.source != "table"], checks


def _extract_text(report: dict, text: str, uncertain: list[tuple[int, int, str]] | None = None) -> ReportResult:
    """`uncertain`: for a text read by OCR, the spans of its uncertain numbers (repaired
    from look-alikes or read with low confidence; formats.ocr.unmark): those under a
    failing identity are withheld, and every fact is flagged `ocr`."""
    secs = split_sections(text)
    key = label_key(text)
    fmt = detect_format(text, secs.found(), key)
    facts: list[Fact] = []
    checks: list[Check] = []
    found: list[str] = []
    complete = True
    t3_columns: list[str] | None = None
    t3_split: bool | None = None
    pfacts: list[Fact] = []
    pchecks: list[Check] = []

    if secs.t2 and fmt in ("f2019", "f2021"):
        r2 = read_t2(text, secs.t2, fmt)
        checks.extend(r2.checks)
        for (item, measure), c in r2.cells.items():
            facts.append(Fact("fct_proactive_disclosures", item, measure, c.value, c.source, c.start, c.end, c.flags))
        if r2.cells:
            found.append("t2")
        complete &= bool(r2.cells) and not any(not c.passed for c in r2.checks)
    t3_read = False
    r3 = r4 = None
    if secs.t3:
        r3 = read_t3(text, secs.t3)
        if r3 is not None:
            legal = templates()["t3"]["legal_columns"]
            confirmed = confirmed_rows(text, r3.rows)
            if confirmed:
                # a derived row its print confirms (all 0): the identities over it evaluated again with it
                conf = set(confirmed)
                r3.checks = [k for k in r3.checks if not (k.subject == "t3" and k.check in T3_IDENTITY_CHECKS)] + \
                    t3_not_evaluated(r3.rows, r3.columns, legal, conf)
                for k in r3.checks:
                    if k.check == "t3.row_read" and k.passed and k.subject in conf:
                        k.detail += f"; its print holds only 0 ({' '.join(confirmed[k.subject].split())[:80]}): confirmed"
            else:
                conf = set()
            checks.extend(r3.checks)
            t3_columns, t3_split = r3.columns, r3.split_other
            v3 = t3_verified(r3.rows, r3.columns, legal, conf)
            held3: dict = {}
            if uncertain:
                rows3 = r3.rows

                def cell3(r: str, i: int):
                    v = rows3.get(r)
                    return None if v is None else v[i]

                held3 = ocr_withheld(t3_identities(list(rows3), r3.columns, legal), cell3, uncertain, conf)
            n_rows = 0
            for code, cells in r3.rows.items():
                if cells is None:
                    complete = False
                    continue
                n_rows += 1
                table = t3_fact_table(code)
                for i, (col, c) in enumerate(zip(r3.columns, cells)):
                    if "missing_cell" in c.flags:
                        continue  # explained in check_results (t3.missing_cell)
                    if (code, i) in held3:
                        kind, ident = held3[(code, i)]
                        checks.append(ocr_withheld_check("t3", table, code, col, c, kind, ident))
                        complete = False
                        continue
                    facts.append(Fact(table, code, col, c.value, c.source, c.start, c.end, c.flags,
                                      v3.get((code, col), False)))
            if n_rows:
                found.append("t3")
                t3_read = True
    elif fmt in ("f2019", "f2021"):
        complete = False
    t4_read = False
    if secs.t4:
        r4 = read_t4(text, secs.t4)
        checks.extend(r4.checks)
        results4 = templates()["t4"]["results"]
        v4 = t4_verified(r4.groups, results4)
        held4: dict = {}
        if uncertain:
            groups4 = r4.groups
            ti = results4.index("total")
            idents4 = [("t4.total", p, [(p, i) for i in range(len(results4)) if i != ti], [(p, ti)]) for p in groups4]

            def cell4(p: str, i: int):
                v = groups4.get(p)
                return None if v is None else v[i]

            held4 = ocr_withheld(idents4, cell4, uncertain)
        for proc, cells in r4.groups.items():
            for i, (res, c) in enumerate(zip(results4, cells)):
                if (proc, i) in held4:
                    kind, ident = held4[(proc, i)]
                    checks.append(ocr_withheld_check("t4", "fct_review_litigation", proc, res, c, kind, ident))
                    complete = False
                    continue
                facts.append(Fact("fct_review_litigation", proc, res, c.value, c.source, c.start, c.end, c.flags,
                                  v4.get((proc, res), False)))
        if r4.groups:
            found.append("t4")
            t4_read = True
        else:
            complete = False
    elif fmt in ("f2019", "f2021"):
        complete = False
    facts, blank_checks = _blank_only_tables(facts, r3 if t3_read else None, r4 if t4_read else None)
    if blank_checks:
        checks.extend(blank_checks)
        complete = False
        t3_read = t3_read and not any(c.subject == "t3" for c in blank_checks)
        t4_read = t4_read and not any(c.subject == "t4" for c in blank_checks)
        found = [t for t in found if t not in {c.subject for c in blank_checks}]

    prose = secs.prose if fmt in ("f2019", "f2021") else [(0, len(text))]
    nfacts, nchecks = read_narrative(text, prose, pre2019=fmt == "pre2019")
    checks.extend(nchecks)
    if fmt == "pre2019":
        pfacts, pchecks = read_pre2019_table(text, prose_candidates(text, prose, pre2019=True))
        checks.extend(pchecks)
        if pfacts:
            facts.extend(pfacts)
            found.append("stats_table")
    facts, more = _merge_narrative(facts, nfacts, t3_read, t4_read)
    checks.extend(more)
    if any(f.source == "narrative" for f in facts):
        found.append("prose")

    md = read_metadata(text, found, key)
    report.update(agency=md.agency, agency_key=agency_key(md.agency), year=md.year, format_version=md.format_version,
                  province=md.province, city=md.city, county=md.county, region_code=md.region_code, level=md.level,
                  agency_id=agency_id(body_key(md.agency, md.level, md.region_code, report["report_id"])),
                  tables_found=",".join(found), n_cells=len(facts))
    # every cell of every template table the report has: published or named by a failing check
    tfmt = md.format_version if md.format_version in ("f2019", "f2021") else fmt
    present = [t for t, r in (("t2", secs.t2), ("t3", secs.t3), ("t4", secs.t4)) if r]
    tables = ["t2", "t3", "t4"] if present and tfmt in ("f2019", "f2021") else []
    tcells = template_cells(tfmt, tables, t3_columns, t3_split) + pre2019_cells(pfacts, pchecks)
    withheld_checks, n_pub, n_withheld = account(facts, checks, tcells, [t for t in tables if t not in present])
    checks.extend(withheld_checks)
    report.update(n_template_cells=len(tcells), n_cells_published=n_pub, n_cells_withheld=n_withheld)
    if not facts:
        reason = "no recognisable tables or figures" if not secs.found() else \
            f"tables found ({', '.join(secs.found())}) but no cell could be read"
        return _failed(report, reason, text) if not checks else \
            ReportResult({**report, "parse_status": "failed", "status_detail": reason}, [],
                         checks + [Check("parse", "file", False, reason, "error")], text)
    if md.tables_format is None:
        report["parse_status"] = "partial"
        report["status_detail"] = "template headings but no table could be read (tables as images?); prose figures only"
        checks.append(Check("parse.tables", "file", False, report["status_detail"], "warning"))
    elif md.tables_format in ("f2019", "f2021"):
        missing = [t for t in ("t2", "t3", "t4") if t not in found]
        if missing or not complete:
            report["parse_status"] = "partial"
            why = []
            if missing:
                why.append("not read: " + ", ".join(missing))
            if not complete:
                why.append("some cells withheld (see check_results)")
            report["status_detail"] = "; ".join(why)
        else:
            report["parse_status"] = "ok"
    else:
        report["parse_status"] = "ok"
    if md.year is None:
        checks.append(Check("metadata.year", "file", False, "statistics year not found in the text", "warning"))
    if md.agency is None:
        checks.append(Check("metadata.agency", "file", False, "agency not found in the title, signature or contact line", "warning"))
    return ReportResult(report, facts, checks, text)


def _merge_narrative(facts: list[Fact], nfacts: list[Fact], t3_read: bool, t4_read: bool):
    """Table cells win; prose figures fill what no table gave and are checked against it."""
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
        if nf.table in T3_FACT_TABLES and t3_read:
            continue
        out.append(nf)
        have[nf.key] = nf
    return out, checks


def extract_path(path: pathlib.Path, root: pathlib.Path | None = None) -> ReportResult:
    data = path.read_bytes()
    rel = str(path.relative_to(root)) if root else str(path)
    return extract_report(data, rel)
