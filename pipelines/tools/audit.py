"""The audit page: one static HTML file (no server, no CDN, data inlined as JSON, vanilla
JS) for the 政务公开 staff who check what was read from their reports. Per report: its
parse status (a badge that never shows OK beside a failing error), the tables read, a
link to the source file (and the page), and every failing check in Chinese — with the
row and column labels as the templates print them (codes.csv `label_zh`) — the expected
and printed values and the evidence text in its context. Filterable by agency, year,
check, status and verified cells; an English switch.

    write_audit(warehouse, out=None, raw=None)  → out (default warehouse/audit.html)

`audit_data` reads the published tables of a warehouse's ogi.duckdb; `render_html`
turns that data into the page. Check texts are data (`pipelines/parse/data/audit_checks.csv`:
a title and a sentence per check, Chinese and English, with {row}, {col}, {cell},
{subject}, {expected}, {found} and {detail} filled from the check's row). Every failing
check gets evidence: its own span, else the cell's, else the span of the table it is
about, else the start of the report (the title), each labelled as such. Used by
`ogi audit`; nothing here parses reports.
"""
from __future__ import annotations

import csv
import html
import json
import os
import pathlib
import urllib.parse

import schemas
from .. import DATA

CONTEXT = 60          # characters of report text shown on each side of a check's evidence
SPAN_MAX = 240        # a longer evidence span (a whole table) is shown cut to this
# what dim_reports.tables_found lists (t2, t3, t4, stats_table, prose): the page's filter
TABLES = next(c.items for c in schemas.tables()["dim_reports"].columns if c.name == "tables_found")
# which fact tables hold the cells of a check's table (by the check name's prefix)
TABLE_FACTS = schemas.READ_FROM
FACT_TO_TABLE = {t: name for name, ts in TABLE_FACTS.items() for t in ts}
FACT_TABLES = schemas.FACT_TABLES
# the dimensions of the fact tables' first and second keys: a check's row and column codes
KEY1_DIMS = tuple(dict.fromkeys(schemas.tables()[t].keys[0] for t in FACT_TABLES))
KEY2_DIMS = tuple(dict.fromkeys(schemas.tables()[t].keys[1] for t in FACT_TABLES))


def _rows(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def check_texts() -> dict[str, dict[str, str]]:
    """check name → {title_zh, title_en, text_zh, text_en} (pipelines/parse/data/audit_checks.csv)."""
    with open(DATA / "audit_checks.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    need = {"check", "title_zh", "title_en", "text_zh", "text_en"}
    for i, r in enumerate(rows, start=2):
        missing = [k for k in need if not (r.get(k) or "").strip()]
        if missing:
            raise ValueError(f"{DATA / 'audit_checks.csv'} line {i}: empty {', '.join(sorted(missing))}")
    return {r["check"]: {k: r[k] for k in need - {"check"}} for r in rows}


def _columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = ?",
                                      [table]).fetchall()}


def _labels(con) -> dict[tuple[str, str], str]:
    """(dimension, code) → label_zh."""
    return {(d, c): lab for d, c, lab in con.execute("select distinct dimension, code, label_zh from dim_codes").fetchall()}


def _code_label(labels, code: str | None, dims) -> str | None:
    if not code:
        return None
    for d in dims:
        if (d, code) in labels:
            return labels[(d, code)]
    return None


def subject_label(labels, subject: str) -> str | None:
    """A check's subject as printed: a row or column code (or row/column) by its label,
    a table by its name."""
    named = {"t2": "表二", "t3": "表三", "t4": "表四", "file": "文件", "table": "统计表"}
    if subject in named:
        return named[subject]
    subject = subject.split("#")[0]
    if "/" in subject:
        a, b = subject.split("/", 1)
        la, lb = _code_label(labels, a, KEY1_DIMS), _code_label(labels, b, KEY2_DIMS)
        return " × ".join(x for x in (la or a, lb or b)) if (la or lb) else None
    return _code_label(labels, subject, KEY1_DIMS) or _code_label(labels, subject, KEY2_DIMS)


def _source_href(raw: pathlib.Path | None, path: str, out_dir: pathlib.Path) -> str | None:
    """The raw file relative to the page's folder, as a URL path (opened from the page,
    it is a file:// link)."""
    if raw is None:
        return None
    target = (raw / path).resolve()
    try:
        rel = os.path.relpath(target, out_dir.resolve())
    except ValueError:  # another drive
        return target.as_uri()
    return urllib.parse.quote(pathlib.PurePath(rel).as_posix())


def raw_dir_of(con) -> pathlib.Path | None:
    """The raw folder the warehouse was last built from (meta_runs.raw_dir), if recorded."""
    if "raw_dir" not in _columns(con, "meta_runs"):
        return None
    r = con.execute("select raw_dir from meta_runs where raw_dir is not null "
                    "order by finished_at desc limit 1").fetchone()
    return pathlib.Path(r[0]) if r else None


def _signals(con) -> list[dict]:
    """The audit signals of v_audit_signals (copied tables, all-zero tables beside non-zero
    prose, carried-over mismatches, title vs statistics year), shaped like failing checks."""
    if not con.execute("select count(*) from duckdb_views() where view_name = 'v_audit_signals'").fetchone()[0]:
        return []
    return _rows(con, """
        select report_id as id, "check", subject, severity, detail, fact_table, key1, key2, expected, found,
               cast(null as integer) as span_start, cast(null as integer) as span_end
        from v_audit_signals""")


def _verified_counts(con) -> dict[str, tuple[int, int]] | None:
    """report_id → (verified cells, cells), where the fact tables have `verified`."""
    if not all("verified" in _columns(con, t) for t in FACT_TABLES):
        return None
    parts = " union all ".join(f"select report_id, verified from {t}" for t in FACT_TABLES)
    return {r: (int(v), int(n)) for r, v, n in con.execute(
        f"select report_id, count(*) filter (where verified), count(*) from ({parts}) group by 1").fetchall()}


def _cell_spans(con, ids: list[str]) -> dict[tuple, list[tuple]]:
    """(report_id, fact_table) → [(key1, key2, span_start, span_end, page)] of the reports given."""
    if not ids:
        return {}
    import pyarrow as pa

    con.register("_audit_ids", pa.table({"report_id": pa.array(ids, pa.string())}))
    out: dict[tuple, list[tuple]] = {}
    try:
        for t in FACT_TABLES:
            cols = _columns(con, t)
            k1, k2 = schemas.tables()[t].keys
            page = "page" if "page" in cols else "NULL"
            for r, a, b, s, e, p in con.execute(
                    f"select report_id, {k1}, {k2}, span_start, span_end, {page} from {t} "
                    f"where span_start is not null and report_id in (select report_id from _audit_ids)").fetchall():
                out.setdefault((r, t), []).append((a, b, s, e, p))
    finally:
        con.unregister("_audit_ids")
    return out


# words a table's heading line holds (when the section reader did not place the table)
HEADING_WORDS = {"t2": ("主动公开",), "t3": ("收到和处理",), "t4": ("行政复议", "行政诉讼")}


def _table_span(text: str, name: str) -> tuple[int, int] | None:
    """Where the report prints table `name` (t2/t3/t4): as the section reader finds it, else
    from the first short line holding the heading's words to the next blank line."""
    from ..parse.sections import split_sections

    try:
        span = getattr(split_sections(text), name, None)
    except Exception:  # noqa: BLE001 - a text the reader cannot split gives no table span
        span = None
    if span:
        return tuple(span)
    words = HEADING_WORDS.get(name, ())
    pos = 0
    for line in text.splitlines(keepends=True):
        if words and len(line.strip()) <= 60 and all(w in line for w in words):
            return pos, min(len(text), pos + SPAN_MAX + 1)
        pos += len(line)
    return None


def _page_near(cells: list[tuple], start: int) -> int | None:
    """The page of the cell printed nearest before `start` (PDF and scan cells carry one)."""
    best = None
    for _a, _b, s, _e, p in cells:
        if p is not None and s <= start and (best is None or s > best[0]):
            best = (s, p)
    return best[1] if best else None


def _fill_evidence(f: dict, text: str, cells: dict, check_table: str | None) -> None:
    """Evidence for a failing check: its own span; else its cell's (or its row's); else the
    table it is about; else the report's opening lines. `evidence_from` says which."""
    s, e, src = f["span_start"], f["span_end"], "check"
    rid = f["id"]
    if s is None and f["fact_table"]:
        row = [c for c in cells.get((rid, f["fact_table"]), []) if c[0] == f["key1"]]
        cell = [c for c in row if c[1] == f["key2"]]
        if cell:
            s, e, src = cell[0][2], cell[0][3], "cell"
        elif row:
            s, e, src = min(c[2] for c in row), max(c[3] for c in row), "row"
    if s is None and check_table:
        span = _table_span(text, check_table) if text else None
        if span:
            s, e, src = span[0], span[1], "table"
        else:
            own = [c for t in TABLE_FACTS.get(check_table, ()) for c in cells.get((rid, t), [])]
            if own:
                s, e, src = min(c[2] for c in own), max(c[3] for c in own), "table"
    if s is None:
        if not text:
            f.update(evidence=None, evidence_from="none")
            return
        s, e, src = 0, min(len(text), 120), "start"
    ev = text[s:e]
    f["evidence_cut"] = len(ev) > SPAN_MAX
    f.update(before=text[max(0, s - CONTEXT):s], evidence=ev[:SPAN_MAX], after=text[e:e + CONTEXT] if len(ev) <= SPAN_MAX else "",
             evidence_from=src)
    all_cells = [c for t in FACT_TABLES for c in cells.get((rid, t), [])]
    f["page"] = f.get("page") or _page_near(all_cells, s)


def audit_data(db: pathlib.Path, raw: pathlib.Path | None = None, out_dir: pathlib.Path | None = None) -> dict:
    """Reports, their failing checks (with evidence in context, labels and check texts)
    and check counts. `raw`: the raw folder (default: the one meta_runs records), for the
    links to the source files, relative to `out_dir` (the page's folder)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        labels = _labels(con)
        raw = raw if raw is not None else raw_dir_of(con)
        reports = _rows(con, """
            select d.report_id as id, d.source_path as path, d.agency, d.year, d.format_version as format,
                   d.parse_status as status, d.status_detail as detail, d.tables_found as tables, d.n_cells as cells,
                   d.province, d.city, d.county, d.region_code as region, d.file_format,
                   count(c.report_id) as n_checks, count(c.report_id) filter (where not c.passed) as n_failed,
                   count(c.report_id) filter (where not c.passed and c.severity = 'error') as n_errors
            from dim_reports d left join check_results c using (report_id)
            group by all""")
        failures = _rows(con, """
            select c.report_id as id, c."check", c.subject, c.severity, c.detail, c.fact_table, c.key1, c.key2,
                   c.expected, c.found, c.span_start, c.span_end
            from check_results c
            where not c.passed
            order by c.report_id, case c.severity when 'error' then 0 when 'warning' then 1 else 2 end,
                     c."check", c.subject""")
        signals = _signals(con)
        failures += signals
        ids = sorted({f["id"] for f in failures})
        texts = {}
        if ids:
            import pyarrow as pa

            con.register("_audit_ids", pa.table({"report_id": pa.array(ids, pa.string())}))
            texts = dict(con.execute("select report_id, text from report_texts "
                                     "where report_id in (select report_id from _audit_ids)").fetchall())
            con.unregister("_audit_ids")
        cells = _cell_spans(con, ids)
        verified = _verified_counts(con)
        checks = _rows(con, """
            select "check", count(*) filter (where not passed) as failed, count(*) as total
            from check_results group by 1 order by failed desc, 1""")
        for name in sorted({f["check"] for f in signals}):
            n = sum(1 for f in signals if f["check"] == name)
            checks.append({"check": name, "failed": n, "total": n})
    finally:
        con.close()
    out_dir = out_dir if out_dir is not None else pathlib.Path(db).parent
    n_signals: dict[str, int] = {}
    for f in signals:
        n_signals[f["id"]] = n_signals.get(f["id"], 0) + 1
    for r in reports:
        r["tables"] = [t for t in (r["tables"] or "").split(",") if t]
        r["n_failed"] += n_signals.get(r["id"], 0)
        r["n_checks"] += n_signals.get(r["id"], 0)
        r["href"] = _source_href(raw, r["path"], out_dir)
        if verified is not None:
            r["verified"], r["cells_total"] = verified.get(r["id"], (0, 0))
    for f in failures:
        f["key1_label"] = _code_label(labels, f["key1"], KEY1_DIMS)
        f["key2_label"] = _code_label(labels, f["key2"], KEY2_DIMS)
        f["subject_label"] = subject_label(labels, f["subject"])
        prefix = f["check"].split(".")[0]
        table = prefix if prefix in TABLE_FACTS else FACT_TO_TABLE.get(f["fact_table"] or "")
        _fill_evidence(f, texts.get(f["id"]) or "", cells, table)
        for k in ("expected", "found"):
            if f[k] is not None and float(f[k]).is_integer():
                f[k] = int(f[k])
    order = {"failed": 0, "partial": 1, "ok": 2}
    reports.sort(key=lambda r: (order.get(r["status"], 3), -(r["n_errors"] or 0), -(r["n_failed"] or 0),
                                r["year"] or 0, r["agency"] or "", r["path"]))
    return {"reports": reports, "failures": failures, "checks": checks, "tables": list(TABLES),
            "texts": check_texts(), "has_verified": verified is not None}


def _json_for_script(data) -> str:
    # inside <script>: no "</script>", no HTML comment openers, no JS line separators
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(data: dict, title: str) -> str:
    return (_PAGE.replace("%TITLE%", html.escape(title))
            .replace("%DATA%", _json_for_script(data)))


def write_audit(warehouse: str | pathlib.Path, out: str | pathlib.Path | None = None,
                raw: str | pathlib.Path | None = None) -> pathlib.Path:
    warehouse = pathlib.Path(warehouse)
    db = warehouse / "ogi.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse} (run `ogi run` first)")
    out = pathlib.Path(out) if out else warehouse / "audit.html"
    data = audit_data(db, pathlib.Path(raw) if raw else None, out.parent)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render_html(data, "ogi audit — 政府信息公开工作年度报告解析审计"), encoding="utf-8")
    tmp.replace(out)
    return out


_PAGE = r"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>%TITLE%</title>
<style>
  :root { --ok: #2e7d32; --partial: #b26a00; --failed: #c62828; --muted: #666; --line: #ddd; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { font-family: system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
         margin: 0; color: #222; background: #f6f7f9; font-size: 14px; line-height: 1.5; }
  header { background: #263238; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: flex-start; }
  header .titles { flex: 1; min-width: 0; }
  header h1 { font-size: 18px; margin: 0 0 4px; }
  header .summary { font-size: 13px; color: #cfd8dc; }
  #lang { font: inherit; font-size: 13px; padding: 4px 10px; cursor: pointer; background: #fff; border: 0;
          border-radius: 3px; }
  .filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; padding: 10px 20px;
             background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
  .filters label { font-size: 12px; color: var(--muted); display: flex; flex-direction: column; gap: 2px; }
  .filters input[type=search], .filters select { font: inherit; padding: 4px 6px; min-width: 130px; }
  .filters .check-only { flex-direction: row; align-items: center; gap: 4px; color: #222; font-size: 13px; }
  #count { margin-left: auto; color: var(--muted); }
  main { padding: 12px 20px 40px; max-width: 1400px; }
  .checks-summary { margin: 0 0 14px; display: flex; flex-wrap: wrap; gap: 6px; }
  .chip { border: 1px solid var(--line); border-radius: 12px; padding: 2px 9px; background: #fff; cursor: pointer;
          font-size: 12px; }
  .chip.bad { border-color: var(--failed); color: var(--failed); }
  .chip.active { background: #263238; color: #fff; }
  .report { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 4px;
            margin: 0 0 10px; padding: 10px 14px; }
  .report.partial { border-left-color: var(--partial); }
  .report.failed { border-left-color: var(--failed); }
  .report h2 { font-size: 15px; margin: 0; display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
  .meta { color: var(--muted); font-size: 12px; margin-top: 3px; overflow-wrap: anywhere; }
  .meta a { color: #1565c0; }
  .status { font-size: 12px; padding: 1px 7px; border-radius: 3px; color: #fff; background: var(--ok); }
  .status.partial { background: var(--partial); }
  .status.failed { background: var(--failed); }
  .tbl { font-size: 11px; padding: 0 5px; border-radius: 3px; border: 1px solid var(--ok); color: var(--ok); }
  .tbl.missing { border-color: #ccc; color: #bbb; text-decoration: line-through; }
  .fail { border-top: 1px solid #eee; padding: 8px 0 6px; }
  .fail .head { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: baseline; }
  .sev { font-size: 12px; padding: 0 6px; border-radius: 3px; border: 1px solid; }
  .sev-error { color: var(--failed); font-weight: 600; }
  .sev-warning { color: var(--partial); font-weight: 600; }
  .sev-info { color: var(--muted); }
  .fail .title { font-weight: 600; }
  .fail code { font-size: 11px; color: var(--muted); }
  .cell-labels { color: #37474f; }
  .values { font-variant-numeric: tabular-nums; color: #37474f; }
  .values b { color: #000; }
  .fail .text { margin-top: 3px; }
  .fail .detail { margin-top: 2px; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
  .evidence { margin-top: 5px; background: #fafafa; border: 1px solid #eee; border-radius: 3px; padding: 5px 8px;
              font-family: ui-monospace, "Noto Sans Mono CJK SC", monospace; font-size: 12px; white-space: pre-wrap;
              overflow-wrap: anywhere; color: #555; }
  .evidence .from { display: block; font-family: system-ui, sans-serif; color: var(--muted); font-size: 11px;
                    margin-bottom: 2px; }
  .evidence mark { background: #ffe082; color: #000; }
  .none { color: var(--muted); font-size: 13px; margin-top: 6px; }
  #more { display: block; margin: 10px auto; font: inherit; padding: 6px 14px; }
  #more[hidden] { display: none; }
</style>
</head>
<body>
<header>
  <div class="titles">
    <h1>%TITLE%</h1>
    <div class="summary" id="summary"></div>
  </div>
  <button id="lang" type="button">English</button>
</header>
<div class="filters">
  <label><span data-i18n="agency">机关</span> <input type="search" id="f-agency"></label>
  <label><span data-i18n="year">年度</span> <select id="f-year"></select></label>
  <label><span data-i18n="check">检查项</span> <select id="f-check"></select></label>
  <label><span data-i18n="status">状态</span> <select id="f-status"></select></label>
  <label id="l-verified"><span data-i18n="verified">核验</span> <select id="f-verified"></select></label>
  <label class="check-only"><input type="checkbox" id="f-failing"> <span data-i18n="failingOnly">只看有未通过检查的报告</span></label>
  <span id="count"></span>
</div>
<main>
  <div class="checks-summary" id="checks"></div>
  <div id="reports"></div>
  <button id="more" hidden></button>
</main>
<script id="audit-data" type="application/json">%DATA%</script>
<script>
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("audit-data").textContent);
  const PAGE = 200;
  const I18N = {
    zh: {
      agency: "机关", year: "年度", check: "检查项", status: "状态", verified: "核验",
      failingOnly: "只看有未通过检查的报告", agencyHint: "名称或文件名包含…", allYears: "全部年度",
      yearUnknown: "年度未知", allChecks: "全部检查项", all: "全部", more: "显示更多",
      st: { ok: "正常", partial: "部分读出", failed: "未读出" },
      sev: { error: "错误", warning: "警告", info: "提示" },
      vAll: "全部", vAllVerified: "全部单元格已核验", vSome: "有未核验的单元格",
      tables: { t2: "表二", t3: "表三", t4: "表四", stats_table: "统计表", prose: "正文" },
      tableRead: "已读出", tableNotRead: "未读出",
      summary: (n, st, f) => `${n} 份报告（${st}）· ${f} 项检查未通过`,
      showing: (a, b) => `显示 ${a} / ${b} 份报告`,
      noAgency: "（未识别机关）", yearQ: "年度？", errors: (n) => `${n} 个错误`,
      cells: (n) => `${n} 个单元格`, verifiedCells: (v, n) => `已核验 ${v}/${n}`,
      checksPassed: (a, b) => `检查通过 ${a}/${b}`, source: "原文件", page: (p) => `第 ${p} 页`,
      noFails: "没有未通过的检查", expected: "应为", printed: "印为",
      chip: (t, f, n) => `${t}：${f}/${n} 未通过`, detailLabel: "说明：",
      from: { check: "证据（检查所指原文）", cell: "证据（该单元格原文）", row: "证据（该行原文）",
              table: "证据（该表原文）", start: "证据（未记录位置：报告开头）", none: "文件没有可读文本" },
      switchTo: "English",
    },
    en: {
      agency: "Agency", year: "Year", check: "Check", status: "Status", verified: "Verified",
      failingOnly: "only reports with failing checks", agencyHint: "name or file contains…", allYears: "all years",
      yearUnknown: "year unknown", allChecks: "all checks", all: "all", more: "show more",
      st: { ok: "ok", partial: "partial", failed: "failed" },
      sev: { error: "error", warning: "warning", info: "info" },
      vAll: "all", vAllVerified: "all cells verified", vSome: "some cells unverified",
      tables: { t2: "t2", t3: "t3", t4: "t4", stats_table: "stats table", prose: "prose" },
      tableRead: "read", tableNotRead: "not read",
      summary: (n, st, f) => `${n} reports (${st}) · ${f} failing checks`,
      showing: (a, b) => `showing ${a} of ${b} reports`,
      noAgency: "(agency not found)", yearQ: "year ?", errors: (n) => `${n} error${n === 1 ? "" : "s"}`,
      cells: (n) => `${n} cells`, verifiedCells: (v, n) => `${v}/${n} verified`,
      checksPassed: (a, b) => `${a}/${b} checks passed`, source: "source file", page: (p) => `page ${p}`,
      noFails: "no failing checks", expected: "expected", printed: "printed",
      chip: (t, f, n) => `${t}: ${f} failing of ${n}`, detailLabel: "",
      from: { check: "evidence (the check's text)", cell: "evidence (the cell's text)", row: "evidence (the row's text)",
              table: "evidence (the table's text)", start: "evidence (no position recorded: start of the report)",
              none: "the file has no readable text" },
      switchTo: "中文",
    },
  };
  let lang = "zh";
  const T = () => I18N[lang];
  const byReport = new Map();
  for (const f of DATA.failures) {
    if (!byReport.has(f.id)) byReport.set(f.id, []);
    byReport.get(f.id).push(f);
  }
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined && k !== "") e.append(k);
    return e;
  };
  const fmt = (v) => (v === null || v === undefined ? "" : String(v));

  function checkText(f, which) {
    // a check that gives no values (an identity not evaluated) has a wording of its own
    const novalue = f.expected === null && f.found === null && DATA.texts[f.check + "|novalue"];
    const t = novalue || DATA.texts[f.check];
    const cell = [f.key1_label, f.key2_label].filter(Boolean).join(" × ");
    const vals = { row: f.key1_label || f.subject_label || f.key1 || f.subject,
                   col: f.key2_label || f.subject_label || f.key2 || f.subject,
                   cell: cell || f.subject_label || f.subject, subject: f.subject_label || f.subject,
                   expected: fmt(f.expected), found: fmt(f.found), detail: f.detail };
    if (!t) return which === "title" ? f.check : f.detail;
    const tpl = t[`${which}_${lang}`];
    return tpl.replace(/\{(\w+)\}/g, (m, k) => (vals[k] === undefined || vals[k] === "" ? "?" : vals[k]));
  }

  // a report whose checks fail with an error is never shown as OK
  const badgeClass = (r) => (r.status === "ok" && r.n_errors > 0 ? "partial" : r.status);
  const verifiedState = (r) => (r.cells_total ? (r.verified === r.cells_total ? "all" : "some") : "none");

  function setup() {
    const t = T();
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t[e.dataset.i18n];
    $("lang").textContent = t.switchTo;
    $("f-agency").placeholder = t.agencyHint;
    $("more").textContent = t.more;
    const status = {};
    for (const r of DATA.reports) status[r.status] = (status[r.status] || 0) + 1;
    $("summary").textContent = t.summary(DATA.reports.length,
      Object.entries(status).map(([k, v]) => `${t.st[k] || k} ${v}`).join(lang === "zh" ? "，" : ", "),
      DATA.failures.length);
    const keep = (id) => $(id).value;
    const sel = (id, opts) => {
      const v = keep(id);
      $(id).replaceChildren(...opts.map(([value, text]) => el("option", { value, text })));
      $(id).value = opts.some(([value]) => value === v) ? v : "";
    };
    const years = [...new Set(DATA.reports.map((r) => r.year).filter((y) => y !== null))].sort();
    sel("f-year", [["", t.allYears], ...years.map((y) => [String(y), String(y)]), ["none", t.yearUnknown]]);
    const failing = DATA.checks.filter((c) => c.failed > 0);
    const title = (c) => checkText({ check: c.check, detail: c.check }, "title");
    sel("f-check", [["", t.allChecks], ...failing.map((c) => [c.check, `${title(c)} (${c.failed})`])]);
    sel("f-status", [["", t.all], ...["failed", "partial", "ok"].map((s) => [s, t.st[s]])]);
    $("l-verified").hidden = !DATA.has_verified;
    sel("f-verified", [["", t.vAll], ["all", t.vAllVerified], ["some", t.vSome]]);
    $("checks").replaceChildren(...failing.map((c) => {
      const chip = el("span", { class: "chip bad", "data-check": c.check, title: c.check,
                                text: t.chip(title(c), c.failed, c.total) });
      chip.addEventListener("click", () => {
        $("f-check").value = $("f-check").value === c.check ? "" : c.check;
        render();
      });
      return chip;
    }));
  }

  function evidenceBox(f, r) {
    const t = T();
    const box = el("div", { class: "evidence", "data-from": f.evidence_from });
    const from = el("span", { class: "from", text: t.from[f.evidence_from] || t.from.check });
    if (f.page) from.append(" · ", pageLink(r, f.page));
    box.append(from);
    if (f.evidence === null || f.evidence === undefined) return box;
    // line breaks and tabs (one table cell a line, or a tab between cells, in many renderings)
    // shown as single spaces: the text stays short and wraps
    const sq = (x) => x.replace(/\s+/g, " ");
    box.append(f.before ? "…" + sq(f.before) : "", el("mark", { text: sq(f.evidence) + (f.evidence_cut ? "…" : "") }),
               f.after ? sq(f.after) + "…" : "");
    return box;
  }

  function pageLink(r, p) {
    const t = T();
    if (!r.href) return t.page(p);
    return el("a", { href: `${r.href}#page=${p}`, class: "page-link", text: t.page(p) });
  }

  function failBlock(f, r) {
    const t = T();
    const cell = [f.key1_label, f.key2_label].filter(Boolean).join(" × ");
    const head = el("div", { class: "head" },
      el("span", { class: `sev sev-${f.severity}`, text: t.sev[f.severity] || f.severity }),
      el("span", { class: "title", text: checkText(f, "title") }),
      el("code", { text: f.check }),
      cell ? el("span", { class: "cell-labels", text: cell }) : null,
      f.expected !== null || f.found !== null ? el("span", { class: "values" },
        f.expected !== null ? `${t.expected} ` : "", f.expected !== null ? el("b", { text: fmt(f.expected) }) : null,
        f.expected !== null && f.found !== null ? " · " : "",
        f.found !== null ? `${t.printed} ` : "", f.found !== null ? el("b", { text: fmt(f.found) }) : null) : null);
    const block = el("div", { class: "fail", "data-check": f.check, "data-severity": f.severity }, head,
      el("div", { class: "text", text: checkText(f, "text") }));
    if (lang === "zh") block.append(el("div", { class: "detail", text: t.detailLabel + f.detail }));
    block.append(evidenceBox(f, r));
    return block;
  }

  function reportCard(r, fails) {
    const t = T();
    const cls = badgeClass(r);
    const sec = el("section", { class: `report ${cls}`, "data-year": fmt(r.year), "data-agency": fmt(r.agency),
                                "data-report": r.id, "data-status": r.status });
    const badge = el("span", { class: `status ${cls}`, "data-status": r.status,
                               text: (t.st[r.status] || r.status) + (r.n_errors ? ` · ${t.errors(r.n_errors)}` : "") });
    const shown = DATA.tables.filter((x) => (x !== "stats_table" && x !== "prose") || r.tables.includes(x)
                                            || (x === "stats_table" && r.format === "pre2019"));
    sec.append(el("h2", {},
      el("span", { class: "agency", text: r.agency || t.noAgency }),
      el("span", { class: "year", text: r.year === null ? t.yearQ : String(r.year) }),
      badge,
      ...shown.map((x) => el("span", { class: "tbl" + (r.tables.includes(x) ? "" : " missing"), "data-table": x,
                                       title: `${t.tables[x]} ${r.tables.includes(x) ? t.tableRead : t.tableNotRead}`,
                                       text: t.tables[x] }))));
    const region = [r.province, r.city, r.county].filter(Boolean).join(" ") + (r.region ? ` (${r.region})` : "");
    const meta = el("div", { class: "meta" });
    meta.append(r.href ? el("a", { class: "source", href: r.href, title: t.source, text: r.path })
                       : el("span", { class: "source-path", text: r.path }));
    for (const x of [r.format, r.file_format, t.cells(fmt(r.cells)),
                     r.cells_total ? t.verifiedCells(r.verified, r.cells_total) : null,
                     t.checksPassed(r.n_checks - r.n_failed, r.n_checks), region]) {
      if (x) meta.append(" · ", x);
    }
    sec.append(meta);
    if (r.detail) sec.append(el("div", { class: "meta", text: r.detail }));
    if (!fails.length) {
      sec.append(el("div", { class: "none", text: t.noFails }));
      return sec;
    }
    for (const f of fails) sec.append(failBlock(f, r));
    return sec;
  }

  let shown = PAGE;
  function matches() {
    const agency = $("f-agency").value.trim().toLowerCase();
    const year = $("f-year").value, check = $("f-check").value, st = $("f-status").value;
    const ver = $("f-verified").value;
    const failingOnly = $("f-failing").checked;
    const out = [];
    for (const r of DATA.reports) {
      if (agency && !((r.agency || "") + " " + r.path).toLowerCase().includes(agency)) continue;
      if (year === "none" ? r.year !== null : year && String(r.year) !== year) continue;
      if (st && r.status !== st) continue;
      if (ver && verifiedState(r) !== ver) continue;
      let fails = byReport.get(r.id) || [];
      if (check) fails = fails.filter((f) => f.check === check);
      if ((check || failingOnly) && !fails.length) continue;
      out.push([r, fails]);
    }
    return out;
  }

  function render(keepPage) {
    if (!keepPage) shown = PAGE;
    const list = matches();
    $("reports").replaceChildren(...list.slice(0, shown).map(([r, f]) => reportCard(r, f)));
    $("count").textContent = T().showing(Math.min(shown, list.length), list.length);
    $("more").hidden = list.length <= shown;
    for (const chip of document.querySelectorAll(".chip"))
      chip.classList.toggle("active", chip.dataset.check === $("f-check").value);
  }

  for (const id of ["f-year", "f-check", "f-status", "f-verified", "f-failing"])
    $(id).addEventListener("change", () => render());
  $("f-agency").addEventListener("input", () => render());
  $("more").addEventListener("click", () => { shown += PAGE; render(true); });
  $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; setup(); render(true); });
  setup();
  render();
})();
</script>
</body>
</html>
"""
