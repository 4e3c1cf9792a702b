-- Hand-written analysis views. `ogi docs` appends this file to the generated
-- pipelines/publish/sql/views.sql, which publish.py runs in every ogi.duckdb (after the
-- tables and the generated wide views). Every view has COMMENT statements: the data
-- dictionary (docs/tables.md) is built from them.

-- ------------------------------------------------------------------ per-report rates
CREATE OR REPLACE VIEW v_report_rates AS
WITH o AS (
  SELECT report_id,
    max(value) FILTER (WHERE outcome = 'total') AS outcomes_total,
    max(value) FILTER (WHERE outcome = 'granted') AS granted,
    max(value) FILTER (WHERE outcome = 'partially_granted') AS partially_granted,
    coalesce(max(value) FILTER (WHERE outcome = 'withheld'),
             CAST(sum(value) FILTER (WHERE outcome LIKE 'withheld.%') AS BIGINT)) AS withheld,
    coalesce(max(value) FILTER (WHERE outcome = 'unable.not_held'),
             CAST(sum(value) FILTER (WHERE outcome IN ('unable.nonexistent', 'unable.not_this_agency')) AS BIGINT)) AS not_held
  FROM fct_outcomes
  WHERE applicant_type = 'total'
  GROUP BY report_id
), r AS (
  SELECT report_id,
    max(value) FILTER (WHERE proceeding = 'administrative_review' AND result = 'total') AS review_total,
    max(value) FILTER (WHERE proceeding = 'administrative_review' AND result = 'corrected') AS review_corrected,
    coalesce(max(value) FILTER (WHERE proceeding = 'litigation' AND result = 'total'),
             CAST(sum(value) FILTER (WHERE proceeding IN ('litigation_direct', 'litigation_after_review')
                                  AND result = 'total') AS BIGINT)) AS litigation_total,
    coalesce(max(value) FILTER (WHERE proceeding = 'litigation' AND result = 'corrected'),
             CAST(sum(value) FILTER (WHERE proceeding IN ('litigation_direct', 'litigation_after_review')
                                  AND result = 'corrected') AS BIGINT)) AS litigation_corrected
  FROM fct_review_litigation
  GROUP BY report_id
)
SELECT d.report_id, d.agency, d.agency_key, d.year, d.format_version, d.parse_status,
  o.outcomes_total, o.granted, o.partially_granted, o.withheld, o.not_held,
  o.granted / nullif(o.outcomes_total, 0) AS share_granted,
  o.partially_granted / nullif(o.outcomes_total, 0) AS share_partially_granted,
  o.withheld / nullif(o.outcomes_total, 0) AS share_withheld,
  o.not_held / nullif(o.outcomes_total, 0) AS share_not_held,
  r.review_total, r.review_corrected,
  r.review_corrected / nullif(r.review_total, 0) AS review_correction_rate,
  r.litigation_total, r.litigation_corrected,
  r.litigation_corrected / nullif(r.litigation_total, 0) AS litigation_correction_rate
FROM dim_reports d
LEFT JOIN o USING (report_id)
LEFT JOIN r USING (report_id)
ORDER BY d.year, d.agency, d.report_id;
COMMENT ON VIEW v_report_rates IS 'One row per report: how its requests were handled (shares of the outcome total, applicant column total) and the correction rate (纠错率 = corrected / total) of administrative review and litigation. A share is NULL where its figures are missing or the total is 0.';
COMMENT ON COLUMN v_report_rates.outcomes_total IS '三(七)总计: requests handled (outcome total, applicant total)';
COMMENT ON COLUMN v_report_rates.granted IS '三(一)予以公开';
COMMENT ON COLUMN v_report_rates.partially_granted IS '三(二)部分公开';
COMMENT ON COLUMN v_report_rates.withheld IS '三(三)不予公开: the printed subtotal, else the sum of its eight reasons';
COMMENT ON COLUMN v_report_rates.not_held IS '三(四)1 本机关不掌握相关政府信息 (pre2019: 信息不存在 + 非本机关掌握)';
COMMENT ON COLUMN v_report_rates.share_granted IS 'granted / outcomes_total';
COMMENT ON COLUMN v_report_rates.share_partially_granted IS 'partially_granted / outcomes_total';
COMMENT ON COLUMN v_report_rates.share_withheld IS 'withheld / outcomes_total';
COMMENT ON COLUMN v_report_rates.share_not_held IS 'not_held / outcomes_total';
COMMENT ON COLUMN v_report_rates.review_total IS '行政复议 总计';
COMMENT ON COLUMN v_report_rates.review_corrected IS '行政复议 结果纠正';
COMMENT ON COLUMN v_report_rates.review_correction_rate IS '行政复议纠错率 = review_corrected / review_total';
COMMENT ON COLUMN v_report_rates.litigation_total IS '行政诉讼 总计: the litigation row, else direct + after-review';
COMMENT ON COLUMN v_report_rates.litigation_corrected IS '行政诉讼 结果纠正, summed the same way';
COMMENT ON COLUMN v_report_rates.litigation_correction_rate IS '行政诉讼纠错率 = litigation_corrected / litigation_total';

-- ------------------------------------------------------------------ cross-year panel
CREATE OR REPLACE VIEW v_agency_panel AS
WITH fig AS (
  SELECT d.report_id, d.agency, coalesce(d.agency_id, d.agency_key) AS agency_id, d.year,
    (SELECT max(value) FROM fct_applications a WHERE a.report_id = d.report_id
       AND a.stage = 'carried_over' AND a.applicant_type = 'total') AS carried_over,
    (SELECT max(value) FROM fct_applications a WHERE a.report_id = d.report_id
       AND a.stage = 'carried_to_next' AND a.applicant_type = 'total') AS carried_to_next,
    (SELECT max(value) FROM fct_proactive_disclosures p WHERE p.report_id = d.report_id
       AND p.item = 'normative_documents' AND p.measure = 'issued') AS normative_issued,
    (SELECT max(value) FROM fct_proactive_disclosures p WHERE p.report_id = d.report_id
       AND p.item = 'normative_documents' AND p.measure = 'repealed') AS normative_repealed,
    (SELECT max(value) FROM fct_proactive_disclosures p WHERE p.report_id = d.report_id
       AND p.item = 'normative_documents' AND p.measure = 'in_force') AS normative_in_force,
    (SELECT max(value) FROM fct_proactive_disclosures p WHERE p.report_id = d.report_id
       AND p.item = 'regulations' AND p.measure = 'issued') AS regulations_issued,
    (SELECT max(value) FROM fct_proactive_disclosures p WHERE p.report_id = d.report_id
       AND p.item = 'regulations' AND p.measure = 'repealed') AS regulations_repealed,
    (SELECT max(value) FROM fct_proactive_disclosures p WHERE p.report_id = d.report_id
       AND p.item = 'regulations' AND p.measure = 'in_force') AS regulations_in_force
  FROM dim_reports d
  WHERE coalesce(d.agency_id, d.agency_key) IS NOT NULL AND d.year IS NOT NULL
)
SELECT cur.agency_id, cur.agency, cur.year, nxt.year AS next_year,
  cur.report_id, nxt.report_id AS next_report_id, nxt.agency AS next_agency,
  cur.carried_to_next, nxt.carried_over AS next_carried_over,
  CASE WHEN cur.carried_to_next IS NOT NULL AND nxt.carried_over IS NOT NULL
       THEN cur.carried_to_next <> nxt.carried_over END AS carry_mismatch,
  cur.normative_in_force, nxt.normative_issued AS next_normative_issued,
  nxt.normative_repealed AS next_normative_repealed, nxt.normative_in_force AS next_normative_in_force,
  cur.normative_in_force + nxt.normative_issued - nxt.normative_repealed AS expected_next_normative_in_force,
  CASE WHEN cur.normative_in_force IS NOT NULL AND nxt.normative_in_force IS NOT NULL
            AND nxt.normative_issued IS NOT NULL AND nxt.normative_repealed IS NOT NULL
       THEN cur.normative_in_force + nxt.normative_issued - nxt.normative_repealed <> nxt.normative_in_force
  END AS normative_in_force_mismatch,
  cur.regulations_in_force, nxt.regulations_issued AS next_regulations_issued,
  nxt.regulations_repealed AS next_regulations_repealed, nxt.regulations_in_force AS next_regulations_in_force,
  cur.regulations_in_force + nxt.regulations_issued - nxt.regulations_repealed AS expected_next_regulations_in_force,
  CASE WHEN cur.regulations_in_force IS NOT NULL AND nxt.regulations_in_force IS NOT NULL
            AND nxt.regulations_issued IS NOT NULL AND nxt.regulations_repealed IS NOT NULL
       THEN cur.regulations_in_force + nxt.regulations_issued - nxt.regulations_repealed <> nxt.regulations_in_force
  END AS regulations_in_force_mismatch
FROM fig cur
LEFT JOIN fig nxt ON nxt.agency_id = cur.agency_id AND nxt.year = cur.year + 1
ORDER BY cur.agency_id, cur.year, cur.report_id, next_report_id;
COMMENT ON VIEW v_agency_panel IS 'One row per report and its agency''s report of the next year (matched by dim_reports.agency_id, the body whatever name each year''s report gives it, see dim_agencies; next_* NULL where there is none): year N''s 结转下年度 against year N+1''s 上年结转, and year N''s 现行有效件数 (规范性文件, 规章) against year N+1''s, which should equal N''s + N+1''s 本年制发 − 本年废止. A mismatch flag is NULL where a figure is missing.';
COMMENT ON COLUMN v_agency_panel.next_year IS 'year + 1 where the agency has a report for it, else NULL';
COMMENT ON COLUMN v_agency_panel.next_report_id IS 'dim_reports.report_id of the agency''s year N+1 report';
COMMENT ON COLUMN v_agency_panel.next_agency IS 'Agency name as the year N+1 report prints it';
COMMENT ON COLUMN v_agency_panel.carried_to_next IS 'Year N: 四、结转下年度继续办理 (applicant total)';
COMMENT ON COLUMN v_agency_panel.next_carried_over IS 'Year N+1: 二、上年结转政府信息公开申请数量 (applicant total)';
COMMENT ON COLUMN v_agency_panel.carry_mismatch IS 'carried_to_next <> next_carried_over';
COMMENT ON COLUMN v_agency_panel.normative_in_force IS 'Year N: 行政规范性文件 现行有效件数';
COMMENT ON COLUMN v_agency_panel.next_normative_issued IS 'Year N+1: 行政规范性文件 本年制发件数';
COMMENT ON COLUMN v_agency_panel.next_normative_repealed IS 'Year N+1: 行政规范性文件 本年废止件数';
COMMENT ON COLUMN v_agency_panel.next_normative_in_force IS 'Year N+1: 行政规范性文件 现行有效件数';
COMMENT ON COLUMN v_agency_panel.expected_next_normative_in_force IS 'normative_in_force + next_normative_issued − next_normative_repealed';
COMMENT ON COLUMN v_agency_panel.normative_in_force_mismatch IS 'expected_next_normative_in_force <> next_normative_in_force';
COMMENT ON COLUMN v_agency_panel.regulations_in_force IS 'Year N: 规章 现行有效件数';
COMMENT ON COLUMN v_agency_panel.next_regulations_issued IS 'Year N+1: 规章 本年制发件数';
COMMENT ON COLUMN v_agency_panel.next_regulations_repealed IS 'Year N+1: 规章 本年废止件数';
COMMENT ON COLUMN v_agency_panel.next_regulations_in_force IS 'Year N+1: 规章 现行有效件数';
COMMENT ON COLUMN v_agency_panel.expected_next_regulations_in_force IS 'regulations_in_force + next_regulations_issued − next_regulations_repealed';
COMMENT ON COLUMN v_agency_panel.regulations_in_force_mismatch IS 'expected_next_regulations_in_force <> next_regulations_in_force';

CREATE OR REPLACE VIEW v_panel_mismatches AS
SELECT agency_id, agency, year, next_year, report_id, next_report_id, 'carried_to_next_vs_carried_over' AS "check",
  CAST(carried_to_next AS DOUBLE) AS value_year, CAST(next_carried_over AS DOUBLE) AS value_next_year,
  CAST(carried_to_next AS DOUBLE) AS expected_next_year,
  format('{} reports {} requests carried to {}; {} reports {} carried over from {}',
         year, carried_to_next, next_year, next_year, next_carried_over, year) AS detail
FROM v_agency_panel WHERE carry_mismatch
UNION ALL
SELECT agency_id, agency, year, next_year, report_id, next_report_id, 'normative_documents.in_force',
  normative_in_force, next_normative_in_force, expected_next_normative_in_force,
  format('行政规范性文件 in force: {} {:g} + {} issued {:g} − repealed {:g} = {:g}, but {} prints {:g}',
         year, normative_in_force, next_year, next_normative_issued, next_normative_repealed,
         expected_next_normative_in_force, next_year, next_normative_in_force)
FROM v_agency_panel WHERE normative_in_force_mismatch
UNION ALL
SELECT agency_id, agency, year, next_year, report_id, next_report_id, 'regulations.in_force',
  regulations_in_force, next_regulations_in_force, expected_next_regulations_in_force,
  format('规章 in force: {} {:g} + {} issued {:g} − repealed {:g} = {:g}, but {} prints {:g}',
         year, regulations_in_force, next_year, next_regulations_issued, next_regulations_repealed,
         expected_next_regulations_in_force, next_year, next_regulations_in_force)
FROM v_agency_panel WHERE regulations_in_force_mismatch
ORDER BY agency_id, year, "check";
COMMENT ON VIEW v_panel_mismatches IS 'The cross-year mismatches of v_agency_panel, one row each: an agency''s year N and year N+1 reports disagree on the requests carried over or on the documents in force.';
COMMENT ON COLUMN v_panel_mismatches."check" IS 'carried_to_next_vs_carried_over, normative_documents.in_force or regulations.in_force';
COMMENT ON COLUMN v_panel_mismatches.next_year IS 'year + 1';
COMMENT ON COLUMN v_panel_mismatches.next_report_id IS 'dim_reports.report_id of the year N+1 report';
COMMENT ON COLUMN v_panel_mismatches.detail IS 'The mismatch in words, with both reports'' figures';
COMMENT ON COLUMN v_panel_mismatches.value_year IS 'Year N''s figure (结转下年度, or 现行有效件数)';
COMMENT ON COLUMN v_panel_mismatches.value_next_year IS 'Year N+1''s figure (上年结转, or 现行有效件数)';
COMMENT ON COLUMN v_panel_mismatches.expected_next_year IS 'What year N+1 should print given year N';

-- ------------------------------------------------------------------ coverage
CREATE OR REPLACE VIEW v_coverage AS
SELECT year, format_version, province, parse_status,
  count(*) AS reports,
  count(DISTINCT agency_id) AS agencies,
  count(*) FILTER (WHERE list_contains(string_split(coalesce(tables_found, ''), ','), 't2')) AS with_t2,
  count(*) FILTER (WHERE list_contains(string_split(coalesce(tables_found, ''), ','), 't3')) AS with_t3,
  count(*) FILTER (WHERE list_contains(string_split(coalesce(tables_found, ''), ','), 't4')) AS with_t4,
  count(*) FILTER (WHERE list_contains(string_split(coalesce(tables_found, ''), ','), 'stats_table')) AS with_stats_table,
  count(*) FILTER (WHERE list_contains(string_split(coalesce(tables_found, ''), ','), 'prose')) AS with_prose,
  CAST(coalesce(sum(n_cells), 0) AS BIGINT) AS cells
FROM dim_reports
GROUP BY ALL
ORDER BY year NULLS LAST, format_version, province NULLS LAST, parse_status;
COMMENT ON VIEW v_coverage IS 'Reports per statistics year, template, province and parse status, with how many had each table read and the cells published. Sum over the other columns for one dimension, e.g. select year, CAST(sum(reports) AS BIGINT) AS reports from v_coverage group by year (DuckDB''s sum() of integers is a HUGEINT, which pandas shows as floats: cast it).';
COMMENT ON COLUMN v_coverage.reports IS 'Reports (dim_reports rows)';
COMMENT ON COLUMN v_coverage.agencies IS 'Distinct agency_id: reporting bodies, whatever names they go by';
COMMENT ON COLUMN v_coverage.with_t2 IS 'Reports whose table 二 was read';
COMMENT ON COLUMN v_coverage.with_t3 IS 'Reports whose table 三 was read';
COMMENT ON COLUMN v_coverage.with_t4 IS 'Reports whose table 四 was read';
COMMENT ON COLUMN v_coverage.with_stats_table IS 'Reports whose pre-2019 statistics table (a table of their own design, tables_found = stats_table) was read';
COMMENT ON COLUMN v_coverage.with_prose IS 'Reports with figures read from prose';
COMMENT ON COLUMN v_coverage.cells IS 'Fact cells published';

-- ------------------------------------------------------------------ failing checks
CREATE OR REPLACE VIEW v_check_failures AS
SELECT d.report_id, d.source_path, d.agency, d.year, d.format_version, d.parse_status,
  c."check", c.subject, c.severity, c.detail, c.fact_table, c.key1, c.key2,
  k1.label_zh AS key1_label, k2.label_zh AS key2_label, c.expected, c.found, c.span_start, c.span_end, c.evidence
FROM check_results c
JOIN dim_reports d USING (report_id)
LEFT JOIN dim_codes k1 ON k1.fact_table = c.fact_table AND k1.code = c.key1
  AND k1.dimension = (CASE c.fact_table WHEN 'fct_applications' THEN 'stage' WHEN 'fct_outcomes' THEN 'outcome'
                      WHEN 'fct_proactive_disclosures' THEN 'item' WHEN 'fct_review_litigation' THEN 'proceeding' END)
LEFT JOIN dim_codes k2 ON k2.fact_table = c.fact_table AND k2.code = c.key2
  AND k2.dimension = (CASE c.fact_table WHEN 'fct_applications' THEN 'applicant_type' WHEN 'fct_outcomes' THEN 'applicant_type'
                      WHEN 'fct_proactive_disclosures' THEN 'measure' WHEN 'fct_review_litigation' THEN 'result' END)
WHERE NOT c.passed
ORDER BY d.year, d.agency, d.source_path, c."check", c.subject;
COMMENT ON VIEW v_check_failures IS 'Every failing check with its report (agency, year, file, status) and the cell concerned with its Chinese labels: what a reviewer opens first. `ogi audit` renders the same rows as an HTML page.';
COMMENT ON COLUMN v_check_failures.key1_label IS 'Chinese label of key1 (dim_codes)';
COMMENT ON COLUMN v_check_failures.key2_label IS 'Chinese label of key2 (dim_codes)';

-- ------------------------------------------------------------------ audit signals
-- Signals beyond a report's own arithmetic, across reports and between a report's parts:
-- one row per signal, shaped like check_results (passed is always false). The audit page
-- lists them with the report's own failing checks.
CREATE OR REPLACE VIEW v_audit_signals AS
WITH cells AS (
  SELECT report_id, 'fct_applications' AS fact_table, stage || '|' || applicant_type AS k, CAST(value AS DOUBLE) AS value, source FROM fct_applications
  UNION ALL SELECT report_id, 'fct_outcomes', outcome || '|' || applicant_type, CAST(value AS DOUBLE), source FROM fct_outcomes
  UNION ALL SELECT report_id, 'fct_proactive_disclosures', item || '|' || measure, value, source FROM fct_proactive_disclosures
  UNION ALL SELECT report_id, 'fct_review_litigation', proceeding || '|' || result, CAST(value AS DOUBLE), source FROM fct_review_litigation
), fp AS (
  -- each report's printed table, as one fingerprint per fact table
  SELECT report_id, fact_table, count(*) AS n_cells, count(*) FILTER (WHERE value <> 0) AS n_nonzero,
    string_agg(k || '=' || coalesce(CAST(value AS VARCHAR), ''), ';' ORDER BY k) AS fingerprint
  FROM cells WHERE source = 'table'
  GROUP BY ALL
), copied AS (
  SELECT cur.report_id, 'signal.copied_table' AS "check", cur.fact_table AS subject,
    format('the {} cells of {} are exactly those of the same body''s {} report ({}, {} non-zero): a copied report?',
           cur.n_cells, cur.fact_table, pd.year, pd.source_path, cur.n_nonzero) AS detail,
    cur.fact_table, CAST(NULL AS VARCHAR) AS key1, CAST(NULL AS VARCHAR) AS key2,
    CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS DOUBLE) AS found
  FROM fp cur
  JOIN dim_reports d ON d.report_id = cur.report_id
  JOIN dim_reports pd ON coalesce(pd.agency_id, pd.agency_key) = coalesce(d.agency_id, d.agency_key)
    AND pd.year = d.year - 1 AND pd.report_id <> d.report_id
  JOIN fp prev ON prev.report_id = pd.report_id AND prev.fact_table = cur.fact_table
  WHERE cur.fingerprint = prev.fingerprint AND cur.n_nonzero >= 3
), prose AS (
  -- non-zero figures the prose states for cells the table prints (0, as the table is all 0)
  SELECT report_id, fact_table, key1, key2, expected AS value FROM check_results
  WHERE "check" = 'narrative_vs_table' AND NOT passed AND expected > 0
), zero AS (
  SELECT f.report_id, 'signal.zero_table', f.fact_table,
    format('all {} table cells of {} are 0, but the prose states {} non-zero figure(s), e.g. {}/{} = {:g}',
           f.n_cells, f.fact_table, count(*), arg_min(p.key1, p.key1 || p.key2), arg_min(p.key2, p.key1 || p.key2),
           arg_min(p.value, p.key1 || p.key2)),
    f.fact_table, arg_min(p.key1, p.key1 || p.key2), arg_min(p.key2, p.key1 || p.key2),
    arg_min(p.value, p.key1 || p.key2), CAST(0 AS DOUBLE)
  FROM fp f JOIN prose p ON p.report_id = f.report_id AND p.fact_table = f.fact_table
  WHERE f.n_nonzero = 0 AND f.n_cells >= 5
  GROUP BY f.report_id, f.fact_table, f.n_cells
), carry AS (
  SELECT next_report_id, 'signal.carry_over', 'carried_over/total',
    format('上年结转 prints {:g}, but the same body''s {} report carried {:g} to next year (结转下年度)',
           value_next_year, year, value_year),
    'fct_applications', 'carried_over', 'total', value_year, value_next_year
  FROM v_panel_mismatches WHERE "check" = 'carried_to_next_vs_carried_over'
), years AS (
  SELECT t.report_id, d.year,
    -- the title: <year>年(度)(政府)信息公开(工作)(年度)报告/年报 in the opening lines
    TRY_CAST(regexp_extract(left(t.text, 300),
      '((?:19|20)\d\d)\s*年\s*度?\s*(?:的)?\s*(?:政府)?\s*信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报)', 1) AS INTEGER) AS title_year,
    -- the statistics period: the year it ends (统计期限…至<year>年), else a calendar year it states
    TRY_CAST(coalesce(
      nullif(regexp_extract(t.text, '统计(?:期限|时限|时段|区间|范围)[^。\n]{0,40}?至\s*((?:19|20)\d\d)\s*年', 1), ''),
      nullif(regexp_extract(t.text, '统计(?:期限|时限|时段|区间|范围)[^。\n]{0,24}?((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日', 1), ''),
      nullif(regexp_extract(t.text, '((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日(?:起)?\s*(?:至|到|—|-)\s*(?:(?:19|20)\d\d\s*年\s*)?12\s*月\s*31\s*日', 1), '')
    ) AS INTEGER) AS period_year
  FROM report_texts t JOIN dim_reports d USING (report_id)
), title_year AS (
  SELECT report_id, 'signal.title_year', 'year',
    format('the title names {} but the text gives the statistics period as {} (year published: {})',
           title_year, period_year, coalesce(CAST(year AS VARCHAR), 'none')),
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(period_year AS DOUBLE), CAST(title_year AS DOUBLE)
  FROM years WHERE title_year IS NOT NULL AND period_year IS NOT NULL AND title_year <> period_year
), gaps AS (
  -- a body that reported before and after a year with no report read (coverage by body and year)
  SELECT report_id, 'signal.missing_year', 'year',
    format('the same body has reports for {} and {} but none for {}', prev_year, year,
           CASE WHEN year - prev_year = 2 THEN CAST(prev_year + 1 AS VARCHAR)
                ELSE format('{}–{}', prev_year + 1, year - 1) END),
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(prev_year AS DOUBLE), CAST(year AS DOUBLE)
  FROM (SELECT report_id, year,
          lag(year) OVER (PARTITION BY coalesce(agency_id, agency_key) ORDER BY year) AS prev_year
        FROM dim_reports WHERE coalesce(agency_id, agency_key) IS NOT NULL AND year IS NOT NULL)
  WHERE year - prev_year > 1
)
SELECT s.report_id, s."check", s.subject, 'warning' AS severity, false AS passed, s.detail,
  s.fact_table, s.key1, s.key2, s.expected, s.found
FROM (SELECT * FROM copied UNION ALL SELECT * FROM zero UNION ALL SELECT * FROM carry UNION ALL SELECT * FROM title_year
      UNION ALL SELECT * FROM gaps) s
ORDER BY s.report_id, s."check", s.subject;
COMMENT ON VIEW v_audit_signals IS 'Audit signals beyond a report''s own arithmetic, one row each, shaped like check_results: signal.copied_table (a fact table whose printed cells equal the same body''s previous-year report exactly, at least 3 non-zero), signal.zero_table (a table printed all 0 while the prose states non-zero figures for its cells), signal.carry_over (上年结转 of year N+1 ≠ 结转下年度 of year N, same body: dim_reports.agency_id, whatever name each report gives it), signal.title_year (the title''s year ≠ the statistics period the text states), signal.missing_year (a body with reports before and after a year that has none). The audit page shows them beside the failing checks.';
COMMENT ON COLUMN v_audit_signals.subject IS 'The fact table, the cell (carried_over/total) or year';
COMMENT ON COLUMN v_audit_signals.severity IS 'Always warning: a signal asks for a look, it proves nothing';
COMMENT ON COLUMN v_audit_signals.passed IS 'Always false';
COMMENT ON COLUMN v_audit_signals.expected IS 'carry_over: the previous year''s 结转下年度; zero_table: the prose figure; title_year: the statistics period''s year; missing_year: the year of the body''s report before the gap';
COMMENT ON COLUMN v_audit_signals.found IS 'carry_over: this year''s 上年结转; zero_table: 0; title_year: the title''s year; missing_year: this report''s year';

-- ------------------------------------------------------------------ roll-ups by region and level
-- A report's administrative level (dim_reports.level, from pipelines/parse/metadata.py and
-- agencies.py): a government's own report (province, city, county, town) or a
-- department's (department-of-<level>), so that roll-ups never add a government's
-- figures to its departments' or its counties' (淮安市人民政府 apart from 洪泽区人民政府).
CREATE OR REPLACE VIEW v_report_level AS
SELECT report_id, level
FROM dim_reports;
COMMENT ON VIEW v_report_level IS 'Administrative level of each report''s body: dim_reports.level (kept as a view for the queries written against it). province, city, county, town (a government''s own report) or department-of-central/province/city/county (any other body, by the place it belongs to). NULL where neither the name nor the text tells.';
COMMENT ON COLUMN v_report_level.level IS 'dim_reports.level: province, city, county, town, department-of-central, department-of-province, department-of-city, department-of-county';

CREATE OR REPLACE VIEW v_rollup_region_level AS
WITH fig AS (
  SELECT d.report_id, d.year, d.province, d.city, d.county, d.level,
    a.new_requests, a.carried_over, r.outcomes_total, r.granted, r.review_total, r.litigation_total
  FROM dim_reports d
  JOIN v_report_rates r USING (report_id)
  LEFT JOIN (SELECT report_id,
      max(value) FILTER (WHERE stage = 'new_received') AS new_requests,
      max(value) FILTER (WHERE stage = 'carried_over') AS carried_over
    FROM fct_applications WHERE applicant_type = 'total' GROUP BY report_id) a USING (report_id)
  WHERE d.province IS NOT NULL
)
SELECT year,
  CASE WHEN grouping(county) = 0 THEN 'county' WHEN grouping(city) = 0 THEN 'city' ELSE 'province' END AS scope,
  province, city, county, level,
  count(*) AS reports,
  CAST(sum(new_requests) AS BIGINT) AS new_requests,
  count(new_requests) AS reports_with_new_requests,
  CAST(sum(carried_over) AS BIGINT) AS carried_over,
  CAST(sum(outcomes_total) AS BIGINT) AS outcomes_total,
  CAST(sum(granted) AS BIGINT) AS granted,
  CAST(sum(review_total) AS BIGINT) AS review_total,
  CAST(sum(litigation_total) AS BIGINT) AS litigation_total
FROM fig
GROUP BY GROUPING SETS ((year, level, province), (year, level, province, city), (year, level, province, city, county))
ORDER BY year NULLS LAST, province, CASE scope WHEN 'province' THEN 0 WHEN 'city' THEN 1 ELSE 2 END,
  city NULLS FIRST, county NULLS FIRST, level NULLS LAST;
COMMENT ON VIEW v_rollup_region_level IS 'Requests and cases summed by statistics year, region and the reporting body''s level (dim_reports.level), so a government''s own report is never added to its departments'' or to its lower governments'': at scope city, 淮安市 2024 has one row for level city (淮安市人民政府''s own report) and one for level county (its districts and counties). scope = province (city and county NULL: the whole province), city (county NULL) or county. A sum is over the reports that print the figure (reports_with_new_requests says how many).';
COMMENT ON COLUMN v_rollup_region_level.scope IS 'province, city or county: which region columns the row is summed over';
COMMENT ON COLUMN v_rollup_region_level.level IS 'Level of the reporting bodies summed (dim_reports.level)';
COMMENT ON COLUMN v_rollup_region_level.reports IS 'Reports summed';
COMMENT ON COLUMN v_rollup_region_level.new_requests IS '三、一 本年新收政府信息公开申请数量 (applicant total), summed';
COMMENT ON COLUMN v_rollup_region_level.reports_with_new_requests IS 'Reports that print 本年新收';
COMMENT ON COLUMN v_rollup_region_level.carried_over IS '三、二 上年结转, summed';
COMMENT ON COLUMN v_rollup_region_level.outcomes_total IS '三(七)总计: requests handled, summed';
COMMENT ON COLUMN v_rollup_region_level.granted IS '三(一)予以公开, summed';
COMMENT ON COLUMN v_rollup_region_level.review_total IS '行政复议 总计, summed';
COMMENT ON COLUMN v_rollup_region_level.litigation_total IS '行政诉讼 总计, summed';
