"""Classes found by rendering the same real reports another way (tests/renderings.py):
each test builds the rendering from a seed and asserts gold values."""
import pytest

from conftest import sample
from pipelines.parse.extract import extract_report

_PROSE = ("2021年共收到政府信息公开申请2条，已按程序办理完成，均在规定时限内答复申请人，使申请人全面了解公开进程。"
          "政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件；"
          "政府信息公开行政诉讼 46 件，其中结果维持 25 件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。")


def _seed001_with_t4(values: str) -> bytes:
    text = sample("001").read_text(encoding="utf-8")
    text = text.replace("2021年共收到政府信息公开申请2条，已按程序办理完成，均在规定时限内答复申请人，使申请人全面了解公开进程。",
                        _PROSE)
    assert _PROSE in text
    zeros = "\t".join(["0"] * 15)
    assert text.count(zeros) == 1
    return text.replace(zeros, values).encode()


def _cells(res):
    return {(f.table, f.key1, f.key2): f.value for f in res.facts}


def _dev_rendered(name: str, kind: str):
    """(gold cells, result) of the dev report `name` rendered as `kind` (tests/renderings.py);
    skipped where ../shared is absent."""
    from conftest import DEV, DEV_GOLD, load_gold
    from renderings import render
    from pipelines.parse.extract import to_text

    if not DEV.is_dir():
        pytest.skip("../shared/corpus/dev not present")
    text = to_text((DEV / name).read_bytes(), name)[0]
    data, ext = render(text, kind)
    return load_gold(DEV_GOLD)[name], extract_report(data, name.rsplit(".", 1)[0] + ext)


def test_prose_litigation_aggregate_not_published_where_table_4_prints_the_split_unread():
    """huaian-2024 as `pdftotext` (no -layout) reads it: table 四's 15 numbers come column by
    column and cannot be read; the prose gives 行政诉讼 46 as one figure. The f2021 table
    splits litigation (直接起诉 / 复议后起诉), so the aggregate `litigation` is not a cell of
    this report (codes.csv): not published, a check says why; the review figures are."""
    scrambled = "\t".join("72 64 178 37 12 1 1 6 351 13 4 8 1 26 20".split())
    res = extract_report(_seed001_with_t4(scrambled), "001_scrambled_t4.txt")
    got = _cells(res)
    assert not [k for k in got if k[0] == "fct_review_litigation" and k[1] == "litigation"]
    assert got[("fct_review_litigation", "administrative_review", "total")] == 351
    agg = [c for c in res.checks if c.check == "narrative.aggregate"]
    assert {(c.key1, c.key2, c.found) for c in agg} >= {("litigation", "total", 46.0)}
    assert all(not c.passed for c in agg)
    # the split cells themselves stay named by table 四's failing checks
    assert any(c.check == "t4.read" and not c.passed for c in res.checks)


def test_prose_litigation_aggregate_published_where_table_4_does_not_print_the_split():
    """Seed 003's shape: table 四 keeps 8 numbers of 15 (the litigation rows lost): the
    report as read gives litigation only as the prose aggregate, which is published."""
    short = "\t".join("1 0 4 0 2 0 0 1".split())
    res = extract_report(_seed001_with_t4(short), "001_short_t4.txt")
    got = _cells(res)
    assert got[("fct_review_litigation", "litigation", "total")] == 46
    assert not [c for c in res.checks if c.check == "narrative.aggregate"]


def test_prose_request_figure_not_published_in_place_of_an_unread_table_3():
    """hongze-2024's prose says its office 受理…申请17件 where table 三 says 95 new requests.
    With table 三 printed but not readable in a rendering (its cells carry a unit: `2件`),
    the prose figure is not published as new_received/total: never 17; a check names it."""
    text = sample("001").read_text(encoding="utf-8")
    text = text.replace("2021年共收到政府信息公开申请2条", "2021年区政府办受理政府信息公开申请17件")
    a, b = text.index("三、收到和处理"), text.index("四、政府信息公开行政复议")
    t3 = "\n".join("\t".join(c + "件" if c.strip().isdigit() else c for c in ln.split("\t"))
                   for ln in text[a:b].split("\n"))
    res = extract_report((text[:a] + t3 + text[b:]).encode(), "001_units_t3.txt")
    got = _cells(res)
    assert got.get(("fct_applications", "new_received", "total")) in (None, 2)
    if ("fct_applications", "new_received", "total") not in got:
        assert [(c.key1, c.found) for c in res.checks if c.check == "narrative.unread_table"] == [("new_received", 17.0)]


@pytest.mark.parametrize("raw, want", [
    ("主动公开政府信息2,069条", "主动公开政府信息2069条"),
    ("行政处罚\t3,985,758\t0\t1,234.5", "行政处罚\t3985758\t0\t1234.5"),
    ("１,２３４件", "1234件"),
    ("分别为1,2,3件", "分别为1,2,3件"),            # a list, not a figure
    ("2019,2020年", "2019,2020年"),                # years
    ("12，345", "12,345"),                          # full-width comma: a list (kept apart)
    ("1,234,5", "1,234,5"),
])
def test_thousands_separators_are_dropped_from_figures_only(raw, want):
    from pipelines.parse.textnorm import normalize_text

    assert normalize_text(raw) == want


def test_thousands_separators_read_as_one_figure():
    """pingtan-2018 with its figures written 2,069 read 477 (another prose figure) as the
    year's proactive total; with separators dropped it reads the gold 2069."""
    text = sample("001").read_text(encoding="utf-8").replace("全年共主动公开政府信息422条", "全年共主动公开政府信息1,422条")
    got = _cells(extract_report(text.encode(), "001_thousands.txt"))
    assert got[("fct_proactive_disclosures", "all_information", "count")] == 1422


def test_a_row_under_two_stacked_labels_is_not_read_by_the_nearer_one():
    """shkw-2024 rendered as HTML with its zeros as empty boxes: the template-order reading
    no longer applies (blanks are no numbers) and the label reading gave the row below
    `2.没有现成信息需要另行制作` / `3.补正后申请内容仍不明确` (stacked, the first without
    cells) to the nearer label: unclear_after_correction 6 where gold says needs_creation 6.
    Such a row is either label's: not read by label; the rest stays right."""
    gold, res = _dev_rendered("shkw-2024.md", "html_nbsp")
    got = _cells(res)
    wrong = [(k, v, gold[k]) for k, v in got.items() if k in gold and v not in (None, gold[k])]
    assert wrong == []
    assert ("fct_outcomes", "unable.unclear_after_correction", "natural_person") not in got
    assert any(c.check == "t3.row_read" and c.subject == "unable.unclear_after_correction" and not c.passed
               and "stacked" not in c.detail and "right under the label of row unable.needs_creation" in c.detail
               for c in res.checks)
    assert len([k for k in got if k in gold]) >= 110


def test_a_blank_cell_agrees_with_the_cell_a_template_order_reading_finds_not_printed():
    """shkw-2024's markdown prints carried_to_next/total empty; as an HTML table that empty
    box is a blank cell, which the label reading gives as blank and the template-order
    reading as not printed: they agree (else the order reading was dropped and table 三
    lost 84 cells). The cell itself is not published (t3.missing_cell); all the rest are."""
    gold, res = _dev_rendered("shkw-2024.md", "html_table")
    got = _cells(res)
    assert {k: got.get(k) for k in gold} == gold
    assert ("fct_applications", "carried_to_next", "total") not in got
    assert any(c.check == "t3.missing_cell" and c.subject == "carried_to_next/total" for c in res.checks)


@pytest.mark.parametrize("line, want", [
    ("本年新收\t5件\t0件\t12 条\t17件", [5, 0, 12, 17]),        # a tab row
    ("| 本年新收 | 5件 | 0件 | 5件 |", [5, 0, 5]),                 # a markdown row
    ("\t5件", [5]),                                              # one cell marked by its tab
    ("5件 |", [5]),                                              # one cell marked by its pipe
    ("5件", []),                                                 # a bare line: prose
    ("行政诉讼\t共5件，维持3件", []),                            # a figure inside text
])
def test_a_cell_holding_a_count_and_its_unit_is_a_value(line, want):
    from pipelines.parse.tokens import NUM, tokenize

    text = "\n" + line + "\n"
    assert [t.value for t in tokenize(text, 0, len(text)) if t.kind == NUM] == want


def test_tables_with_units_in_their_cells_read_as_gold():
    """Seeds 000 (one tab-marked cell per line) and 001 (tab rows) with every count cell
    printed with its unit (`5件`): read as without."""
    from conftest import GOLD, load_gold
    from renderings import render

    gold = load_gold(GOLD)
    for prefix in ("000", "001"):
        path = sample(prefix)
        data, ext = render(path.read_text(encoding="utf-8"), "units")
        got = _cells(extract_report(data, path.stem + ext))
        assert {k: got.get(k) for k in gold[path.name]} == gold[path.name]


@pytest.mark.parametrize("raw, want", [
    ("行政许可 9487\n\f- 3 -\n第二十条", "行政许可 9487\n\f第二十条"),   # pdftotext -raw: \f before the footer
    ("a\n- 3 -\f\nb", "a\n\fb"),
    ("a\n- 3 -\nb", "a\n\nb"),
    ("a\f\f\nb", "a\f\f\nb"),                                         # an empty page: both breaks kept
])
def test_a_page_footer_after_a_form_feed_goes_and_the_page_break_stays(raw, want):
    """hongze-2024 by `pdftotext -raw` prints `\\f- 3 -` inside table 二: the footer stayed
    (read as -3, so 行政许可 had two numbers and was not published)."""
    from pipelines.parse.textnorm import normalize_text

    out = normalize_text(raw)
    assert out == want and out.count("\f") == raw.count("\f")


def test_a_footer_after_a_form_feed_between_tables_costs_no_cell():
    text = sample("001").read_text(encoding="utf-8")
    a = text.index("三、收到和处理")
    got = _cells(extract_report((text[:a] + "\f- 3 -\n" + text[a:]).encode(), "001_ff.txt"))
    from conftest import GOLD, load_gold

    gold = load_gold(GOLD)[sample("001").name]
    assert {k: got.get(k) for k in gold} == gold


def _t3_html(row_tds: str, n_rows: int = 1) -> bytes:
    """Seed 001's report with its table 三 replaced by an HTML table whose label cells are
    followed by empty `<td></td>` boxes (not spans) and whose zeros are `&nbsp;`."""
    text = sample("001").read_text(encoding="utf-8")
    a, b = text.index("三、收到和处理"), text.index("四、政府信息公开行政复议")
    head = ("<tr><td>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td></td><td></td>"
            "<td>申请人情况</td><td></td><td></td><td></td><td></td><td></td><td></td></tr>"
            "<tr><td></td><td></td><td></td><td>自然人</td><td>法人或其他组织</td><td></td><td></td><td></td><td></td>"
            "<td>总计</td></tr>"
            "<tr><td></td><td></td><td></td><td></td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td>"
            "<td>法律服务机构</td><td>其他</td><td></td></tr>")
    page = "".join(f"<p>{ln}</p>" for ln in text[:a].split("\n")) + "<p>三、收到和处理政府信息公开申请情况</p>"
    page += f"<table>{head}{row_tds}</table>"
    page += "".join(f"<p>{ln}</p>" for ln in text[b:].split("\n"))
    return f"<html><body>{page}</body></html>".encode()


def test_empty_boxes_beside_a_label_are_no_cells_of_an_html_row():
    """huaian-2024 rendered as HTML whose label cells are followed by empty boxes (`<td></td>`,
    not a colspan) and whose zeros print as `&nbsp;`: the row has 9 boxes after its label for
    7 columns. The header puts 自然人 in the fourth column: the boxes before it belong to the
    label, the ones from it on are the row's cells (blank = printed blank)."""
    nb = "<td>&nbsp;</td>"
    row = ("<tr><td>一、本年新收政府信息公开申请数量</td><td></td><td></td>"
           f"<td>2</td>{nb}{nb}{nb}{nb}{nb}<td>2</td></tr>")
    res = extract_report(_t3_html(row), "001_padded.html")
    got = _cells(res)
    assert got[("fct_applications", "new_received", "natural_person")] == 2
    assert got[("fct_applications", "new_received", "total")] == 2
    assert got[("fct_applications", "new_received", "commercial_enterprise")] is None


def test_labels_side_by_side_on_one_line_are_not_stacked_rows():
    """shuyang-2025's crawler text prints, inside table 三, a line of column names that are
    row labels too (`项目 本年新收件数 上年结转件数 予以公开 …`): labels side by side are a
    header, not labels printed one under another; the rows above and below stay read."""
    gold, res = _dev_rendered("shuyang-2025.txt", "html_nbsp")
    got = _cells(res)
    assert [(k, v, gold[k]) for k, v in got.items() if k in gold and v not in (None, gold[k]) and
            not (v is None and gold[k] == 0)] == []
    for row in ("carried_over", "granted", "partially_granted"):
        assert got[("fct_applications" if row == "carried_over" else "fct_outcomes", row, "natural_person")] \
            == gold[("fct_applications" if row == "carried_over" else "fct_outcomes", row, "natural_person")]
    assert not any(c.check == "t3.row_read" and "right under the label" in c.detail for c in res.checks)


def test_a_table_aligned_by_spaces_gets_its_blank_cells_by_position():
    """Table 三 as `pdftotext -layout` prints a PDF whose zeros are empty boxes: no
    separators, columns aligned by spaces, a blank cell only spaces. Each number goes to
    the column it stands under; 科研机构 and 社会公益组织, blank in every row, are columns
    because their header labels stand over no number; a label-only line between rows is
    a row printed all blank."""
    def line(label: str, cells: list[str]) -> str:
        # each cell centred on its column (centres 40, 50, … 100), as PDFs centre them
        out = label.ljust(36)
        for k, c in enumerate(cells):
            centre = 40 + 10 * k
            a = centre - len(c) // 2
            out = out.ljust(a) + c if c else out
        return out.rstrip()

    legal = ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    lines = [
        "三、收到和处理政府信息公开申请情况",
        line("（本列数据的勾稽关系为：第一项加第二项）", ["", "", "", "申请人情况"]),
        line("", ["自然人", "", "", "法人或其他组织", "", "", "总计"]),
        line("", legal),
        line("一、本年新收政府信息公开申请数量", ["30", "5", "", "", "2", "1", "38"]),
        line("二、上年结转政府信息公开申请数量", ["4", "", "", "", "", "", "4"]),
        line("三、本年度办理结果 （一）予以公开", ["20", "3", "", "", "2", "", "25"]),
    ]
    from pipelines.parse.tokens import BLANK, NUM, tokenize

    text = "\n".join(lines) + "\n"
    toks = tokenize(text, 0, len(text), aligned=True)
    row = [(t.kind, t.value) for t in toks if t.line == 4 and t.kind in (NUM, BLANK)]
    assert row == [(NUM, 30), (NUM, 5), (BLANK, None), (BLANK, None), (NUM, 2), (NUM, 1), (NUM, 38)]
    row = [(t.kind, t.value) for t in toks if t.line == 6 and t.kind in (NUM, BLANK)]
    assert row == [(NUM, 20), (NUM, 3), (BLANK, None), (BLANK, None), (NUM, 2), (BLANK, None), (NUM, 25)]
    # without the flag (table 二), nothing is added
    assert not [t for t in tokenize(text, 0, len(text)) if t.kind == BLANK]


def test_an_aligned_table_whose_rows_do_not_share_a_grid_gets_no_blank_cells():
    """Rows whose numbers start left of another row's label (a broken table copied as
    text) are not one grid: no cell is placed by position."""
    from pipelines.parse.tokens import BLANK, tokenize

    text = ("信息内容   本年制发件数   本年废止件数   现行有效件数\n规章   22   235\n"
            "行政规范性文件   34   189\n")
    assert not [t for t in tokenize(text, 0, len(text), aligned=True) if t.kind == BLANK]


def test_huaian_as_pdftotext_layout_with_blank_zeros_reads_table_3():
    gold, res = _dev_rendered("huaian-2024.pdf", "layout_blank")
    got = _cells(res)
    t3 = [k for k in gold if k[0] in ("fct_applications", "fct_outcomes")]
    right = [k for k in t3 if k in got and (got[k] == gold[k] or (got[k] is None and gold[k] == 0))]
    assert [(k, got[k], gold[k]) for k in t3 if k in got and k not in right] == []
    assert len(right) >= 160
    assert got[("fct_applications", "new_received", "legal_service_org")] == 61
    assert got[("fct_applications", "new_received", "research_institution")] is None


def _borderless(monkeypatch):
    """Synthetic PDFs whose tables have no rulings (only the text): blank cells leave no mark."""
    from pipelines.tools import synth_pdf

    ruled = synth_pdf._grid
    monkeypatch.setattr(synth_pdf, "_grid", lambda rows: (lambda g: (g[0], [c for c in g[1] if c[0] == "SPAN"],
                                                                      g[2]))(ruled(rows)))


def test_tables_without_rulings_publish_no_wrong_cell(monkeypatch):
    """A PDF table drawn without rulings: its blank cells leave no trace in the text layer. A
    row of six 0s for seven cells (重复申请, its 法律服务机构 blank) next to rows of 0s must not
    be read by cutting the numbers in template order (the blank would land in another row: the
    cut takes a number of the next printed row), and a 0 the identities give for a cell that
    prints no 0 is not published in a text layer: it is a blank box."""
    from pipelines.tools import synth

    _borderless(monkeypatch)
    wrong, right, total = [], 0, 0
    for i in range(4):
        for blanks in (False, True):
            s = synth.make_report(5, i, layouts=("pdf",), blanks=blanks)
            got = _cells(extract_report(s.data, s.file))
            gold = {(t, a, b): v for t, a, b, v in s.cells}
            wrong += [(s.file, k, got[k], v) for k, v in gold.items() if k in got and got[k] != v]
            right += sum(1 for k, v in gold.items() if k in got and got[k] == v)
            total += len(gold)
    assert wrong == []
    assert right >= 0.6 * total


def test_a_zero_the_identities_give_is_not_published_where_the_table_prints_blanks():
    """shuyang-2025 as HTML with its zeros as empty boxes: rows derived from the identities
    give 0 for cells the page prints blank; such a cell is NULL in the data, not 0: it is
    not published (t3.missing_cell names it)."""
    _gold, res = _dev_rendered("shuyang-2025.txt", "html_nbsp")
    assert not [f for f in res.facts if f.source == "derived" and f.value == 0]
    named = {(c.key1, c.key2) for c in res.checks if c.check == "t3.missing_cell" and not c.passed}
    assert ("total", "research_institution") in named
