"""The audit page: one static HTML file (no server, no CDN, data inlined as JSON, vanilla
JS) listing per report its parse status, the tables found and every failing check with
the cell concerned, the expected and printed values and the evidence text in its
context, filterable by agency, year, check and status.

    write_audit(warehouse, out=None)  → out (default warehouse/audit.html)

`audit_data` reads the published tables of a warehouse's ogi.duckdb; `render_html`
turns that data into the page. Used by `ogi audit`; nothing here parses reports.
"""
from __future__ import annotations

import html
import json
import pathlib

CONTEXT = 60  # characters of report text shown on each side of a check's evidence
TABLES = ("t2", "t3", "t4", "prose")


def _rows(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def audit_data(db: pathlib.Path) -> dict:
    """Reports, their failing checks (with evidence in context) and check counts."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        reports = _rows(con, """
            select d.report_id as id, d.source_path as path, d.agency, d.year, d.format_version as format,
                   d.parse_status as status, d.status_detail as detail, d.tables_found as tables, d.n_cells as cells,
                   d.province, d.city, d.county, d.region_code as region,
                   count(c.report_id) as n_checks, count(c.report_id) filter (where not c.passed) as n_failed
            from dim_reports d left join check_results c using (report_id)
            group by all""")
        failures = _rows(con, f"""
            select c.report_id as id, c."check", c.subject, c.severity, c.detail, c.fact_table, c.key1, c.key2,
                   k1.label_zh as key1_label, k2.label_zh as key2_label, c.expected, c.found,
                   case when c.span_start is not null and c.span_end is not null then
                     substring(t.text, greatest(c.span_start - {CONTEXT}, 0) + 1, least(c.span_start, {CONTEXT}))
                   end as before,
                   case when c.span_start is not null and c.span_end is not null then
                     substring(t.text, c.span_start + 1, c.span_end - c.span_start)
                   end as evidence,
                   case when c.span_start is not null and c.span_end is not null then
                     substring(t.text, c.span_end + 1, {CONTEXT})
                   end as after,
                   c.span_start, c.span_end
            from check_results c
            left join report_texts t using (report_id)
            left join dim_codes k1 on k1.fact_table = c.fact_table and k1.code = c.key1
                 and k1.dimension in ('stage', 'outcome', 'item', 'proceeding')
            left join dim_codes k2 on k2.fact_table = c.fact_table and k2.code = c.key2
                 and k2.dimension in ('applicant_type', 'measure', 'result')
            where not c.passed
            order by c.report_id, c."check", c.subject""")
        checks = _rows(con, """
            select "check", count(*) filter (where not passed) as failed, count(*) as total
            from check_results group by 1 order by failed desc, 1""")
    finally:
        con.close()
    for r in reports:
        r["tables"] = [t for t in (r["tables"] or "").split(",") if t]
    for f in failures:
        if f["evidence"] is None and f["before"] is None:
            f.pop("before"), f.pop("after")
        for k in ("expected", "found"):
            if f[k] is not None and float(f[k]).is_integer():
                f[k] = int(f[k])
    order = {"failed": 0, "partial": 1, "ok": 2}
    reports.sort(key=lambda r: (order.get(r["status"], 3), -(r["n_failed"] or 0), r["year"] or 0,
                                r["agency"] or "", r["path"]))
    return {"reports": reports, "failures": failures, "checks": checks, "tables": list(TABLES)}


def _json_for_script(data) -> str:
    # inside <script>: no "</script>", no HTML comment openers, no JS line separators
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(data: dict, title: str) -> str:
    return (_PAGE.replace("%TITLE%", html.escape(title))
            .replace("%DATA%", _json_for_script(data)))


def write_audit(warehouse: str | pathlib.Path, out: str | pathlib.Path | None = None) -> pathlib.Path:
    warehouse = pathlib.Path(warehouse)
    db = warehouse / "ogi.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse} (run `ogi run` first)")
    out = pathlib.Path(out) if out else warehouse / "audit.html"
    data = audit_data(db)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render_html(data, "ogi audit — parse status and failing checks per report"), encoding="utf-8")
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
  :root { --ok: #2e7d32; --partial: #b26a00; --failed: #c62828; --muted: #777; --line: #ddd; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
         margin: 0; color: #222; background: #f6f7f9; font-size: 14px; }
  header { background: #263238; color: #fff; padding: 12px 20px; }
  header h1 { font-size: 18px; margin: 0 0 4px; }
  header .summary { font-size: 13px; color: #cfd8dc; }
  .filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; padding: 10px 20px;
             background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
  .filters label { font-size: 12px; color: var(--muted); display: flex; flex-direction: column; gap: 2px; }
  .filters input[type=search], .filters select { font: inherit; padding: 4px 6px; min-width: 140px; }
  .filters .check-only { flex-direction: row; align-items: center; gap: 4px; color: #222; font-size: 13px; }
  #count { margin-left: auto; color: var(--muted); }
  main { padding: 12px 20px 40px; }
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
  .meta { color: var(--muted); font-size: 12px; margin-top: 3px; }
  .status { font-size: 11px; text-transform: uppercase; padding: 1px 6px; border-radius: 3px; color: #fff;
            background: var(--ok); }
  .status.partial { background: var(--partial); }
  .status.failed { background: var(--failed); }
  .tbl { font-size: 11px; padding: 0 5px; border-radius: 3px; border: 1px solid var(--ok); color: var(--ok); }
  .tbl.missing { border-color: #ccc; color: #bbb; text-decoration: line-through; }
  table.fails { border-collapse: collapse; width: 100%; margin-top: 8px; font-size: 13px; }
  table.fails th { text-align: left; font-weight: 600; color: #555; border-bottom: 1px solid var(--line);
                   padding: 4px 6px; font-size: 12px; }
  table.fails td { border-bottom: 1px solid #eee; padding: 4px 6px; vertical-align: top; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .sev-error { color: var(--failed); font-weight: 600; }
  .sev-warning { color: var(--partial); font-weight: 600; }
  .sev-info { color: var(--muted); }
  .cell code { font-size: 12px; }
  .label { color: var(--muted); font-size: 12px; }
  .evidence { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; color: #555;
              max-width: 420px; }
  .evidence mark { background: #ffe082; color: #000; }
  .none { color: var(--muted); font-size: 13px; margin-top: 6px; }
  #more { display: block; margin: 10px auto; font: inherit; padding: 6px 14px; }
  #more[hidden] { display: none; }
  .nospan { color: #bbb; font-family: system-ui, sans-serif; }
</style>
</head>
<body>
<header>
  <h1>%TITLE%</h1>
  <div class="summary" id="summary"></div>
</header>
<div class="filters">
  <label>Agency <input type="search" id="f-agency" placeholder="name contains…"></label>
  <label>Year <select id="f-year"><option value="">all years</option></select></label>
  <label>Check <select id="f-check"><option value="">all checks</option></select></label>
  <label>Status <select id="f-status"><option value="">all</option><option>failed</option><option>partial</option><option>ok</option></select></label>
  <label class="check-only"><input type="checkbox" id="f-failing"> only reports with failing checks</label>
  <span id="count"></span>
</div>
<main>
  <div class="checks-summary" id="checks"></div>
  <div id="reports"></div>
  <button id="more" hidden>show more</button>
</main>
<script id="audit-data" type="application/json">%DATA%</script>
<script>
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("audit-data").textContent);
  const PAGE = 200;
  const byReport = new Map();
  for (const f of DATA.failures) {
    if (!byReport.has(f.id)) byReport.set(f.id, []);
    byReport.get(f.id).push(f);
  }
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  };
  const fmt = (v) => (v === null || v === undefined ? "" : String(v));

  // summary and filter options
  const status = {};
  for (const r of DATA.reports) status[r.status] = (status[r.status] || 0) + 1;
  $("summary").textContent = `${DATA.reports.length} reports (` +
    Object.entries(status).map(([k, v]) => `${k} ${v}`).join(", ") + `) · ${DATA.failures.length} failing checks`;
  const years = [...new Set(DATA.reports.map((r) => r.year).filter((y) => y !== null))].sort();
  for (const y of years) $("f-year").append(el("option", { value: String(y), text: String(y) }));
  $("f-year").append(el("option", { value: "none", text: "year unknown" }));
  const failingChecks = DATA.checks.filter((c) => c.failed > 0);
  for (const c of failingChecks) $("f-check").append(el("option", { value: c.check, text: `${c.check} (${c.failed})` }));
  for (const c of failingChecks) {
    const chip = el("span", { class: "chip bad", "data-check": c.check, text: `${c.check}: ${c.failed} failing of ${c.total}` });
    chip.addEventListener("click", () => {
      $("f-check").value = $("f-check").value === c.check ? "" : c.check;
      render();
    });
    $("checks").append(chip);
  }

  function evidenceCell(f) {
    const td = el("td", { class: "evidence" });
    if (f.evidence === null || f.evidence === undefined) {
      td.append(el("span", { class: "nospan", text: "— (no text span recorded)" }));
      return td;
    }
    td.append(f.before ? "…" + f.before : "", el("mark", { text: f.evidence }), f.after ? f.after + "…" : "");
    return td;
  }

  function cellCell(f) {
    const td = el("td", { class: "cell" });
    if (!f.fact_table) { td.append(el("span", { class: "label", text: f.subject })); return td; }
    td.append(el("code", { text: `${f.fact_table}/${fmt(f.key1)}/${fmt(f.key2)}` }));
    const labels = [f.key1_label, f.key2_label].filter(Boolean).join(" × ");
    if (labels) td.append(el("div", { class: "label", text: labels }));
    return td;
  }

  function reportCard(r, fails) {
    const sec = el("section", { class: `report ${r.status}`, "data-year": fmt(r.year), "data-agency": fmt(r.agency),
                                "data-report": r.id });
    const h = el("h2", {},
      el("span", { class: "agency", text: r.agency || "(agency not found)" }),
      el("span", { class: "year", text: r.year === null ? "year ?" : String(r.year) }),
      el("span", { class: `status ${r.status}`, text: r.status }),
      ...DATA.tables.map((t) => el("span", { class: "tbl" + (r.tables.includes(t) ? "" : " missing"),
                                             title: r.tables.includes(t) ? `${t} read` : `${t} not read`, text: t })));
    sec.append(h);
    const region = [r.province, r.city, r.county].filter(Boolean).join(" ") + (r.region ? ` (${r.region})` : "");
    sec.append(el("div", { class: "meta", text: [r.path, r.format, `${fmt(r.cells)} cells`,
      `${r.n_checks - r.n_failed}/${r.n_checks} checks passed`, region].filter(Boolean).join(" · ") }));
    if (r.detail) sec.append(el("div", { class: "meta", text: r.detail }));
    if (!fails.length) {
      sec.append(el("div", { class: "none", text: "no failing checks" }));
      return sec;
    }
    const head = el("tr", {}, ...["check", "severity", "cell", "expected", "printed", "detail", "evidence"]
      .map((t) => el("th", { text: t })));
    const body = el("tbody");
    for (const f of fails) {
      body.append(el("tr", { class: "fail", "data-check": f.check },
        el("td", {}, el("code", { text: f.check })),
        el("td", { class: `sev-${f.severity}`, text: f.severity }),
        cellCell(f),
        el("td", { class: "num", text: fmt(f.expected) }),
        el("td", { class: "num", text: fmt(f.found) }),
        el("td", { text: f.detail }),
        evidenceCell(f)));
    }
    sec.append(el("table", { class: "fails" }, el("thead", {}, head), body));
    return sec;
  }

  let shown = PAGE;
  function matches() {
    const agency = $("f-agency").value.trim().toLowerCase();
    const year = $("f-year").value, check = $("f-check").value, st = $("f-status").value;
    const failingOnly = $("f-failing").checked;
    const out = [];
    for (const r of DATA.reports) {
      if (agency && !((r.agency || "") + " " + r.path).toLowerCase().includes(agency)) continue;
      if (year === "none" ? r.year !== null : year && String(r.year) !== year) continue;
      if (st && r.status !== st) continue;
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
    const box = $("reports");
    box.replaceChildren(...list.slice(0, shown).map(([r, f]) => reportCard(r, f)));
    $("count").textContent = `showing ${Math.min(shown, list.length)} of ${list.length} reports`;
    $("more").hidden = list.length <= shown;
    for (const chip of document.querySelectorAll(".chip"))
      chip.classList.toggle("active", chip.dataset.check === $("f-check").value);
  }

  for (const id of ["f-year", "f-check", "f-status", "f-failing"]) $(id).addEventListener("change", () => render());
  $("f-agency").addEventListener("input", () => render());
  $("more").addEventListener("click", () => { shown += PAGE; render(true); });
  render();
})();
</script>
</body>
</html>
"""
