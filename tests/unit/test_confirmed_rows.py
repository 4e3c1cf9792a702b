"""A table 三 row derived from the column identities (printed with too few numbers) counts
as read for the identities over it only where its own print confirms it: every derived value
0 and its stretch of text printing at least one number and no number but 0 (counts are never
negative). Seed 001's 予以公开 row is one: the outcome sums over it are evaluated and its
table's cells verified, the row's own cells stay derived (not verified)."""
import pathlib

from conftest import sample
from pipelines.parse.accounting import confirmed_rows, t3_verified
from pipelines.parse.extract import extract_path, extract_report
from pipelines.parse.table3 import Cell

COLS = ["natural_person", "other_org", "total"]


def _table(granted_print: str, derived=(0.0, 0.0, 0.0)):
    """A three-column table 三 stretch: 予以公开 derived, 部分公开 and 总计 read."""
    text = f"（一）予以公开{granted_print}\n（二）部分公开\t1\t2\t3\n（七）总计\t1\t2\t3\n"
    lab_end = text.index("公开") + 2
    rows = {"granted": [Cell(v, 0, lab_end, "derived", ("derived",)) for v in derived]}
    for code, label in (("partially_granted", "（二）部分公开"), ("total", "（七）总计")):
        p = text.index(label) + len(label)
        cells = []
        for ch in ("1", "2", "3"):
            p = text.index(ch, p)
            cells.append(Cell(float(ch), p, p + 1))
            p += 1
        rows[code] = cells
    return text, rows


def test_a_derived_zero_row_printing_only_zeros_is_confirmed():
    text, rows = _table("\t\t\t0")
    assert set(confirmed_rows(text, rows)) == {"granted"}
    v = t3_verified(rows, COLS, [], set(confirmed_rows(text, rows)))
    assert v[("partially_granted", "natural_person")] and v[("total", "total")]
    assert not any(v[("granted", c)] for c in COLS)  # derived: never verified itself
    # without the confirmation the outcome sums are not evaluated: nothing verified in the columns
    assert not t3_verified(rows, COLS, [])[("partially_granted", "natural_person")]


def test_not_confirmed_when_the_print_shows_a_non_zero_figure_or_nothing():
    for printed in ("\t\t\t5", "\t0\t3", "\t\t\t"):
        text, rows = _table(printed)
        assert confirmed_rows(text, rows) == {}, printed


def test_not_confirmed_when_a_derived_value_is_not_zero():
    text, rows = _table("\t\t\t0", derived=(0.0, 4.0, 4.0))
    assert confirmed_rows(text, rows) == {}


def test_seed_001_granted_row():
    res = extract_path(sample("001"), sample("001").parent)
    t3 = [f for f in res.facts if f.table in ("fct_outcomes", "fct_applications")]
    granted = [f for f in t3 if f.key1 == "granted"]
    assert len(granted) == 7 and all(f.source == "derived" and not f.verified and f.value == 0 for f in granted)
    assert all(f.verified for f in t3 if f.key1 != "granted")
    checks = {(c.check, c.subject): c for c in res.checks}
    assert checks[("t3.outcome_sum", "t3")].passed and "printed as 0 only" in checks[("t3.outcome_sum", "t3")].detail
    assert "confirmed" in checks[("t3.row_read", "granted")].detail
    # the same report with the row's printed 0 gone (and the stray 0 before 部分公开's seven,
    # which may be its): nothing printed confirms the derivation
    text = sample("001").read_text(encoding="utf-8").replace("(一) 予以公开\t\t\t\t\t\t0", "(一) 予以公开\t\t\t\t\t\t")
    text = text.replace("不计其他情形)\t\t\t\t" + "0\t" * 7 + "0\n", "不计其他情形)\t\t\t\t" + "0\t" * 6 + "0\n")
    res2 = extract_report(text.encode("utf-8"), "001-no-print.txt")
    out2 = [f for f in res2.facts if f.table == "fct_outcomes" and f.key1 != "granted"]
    assert out2 and not any(f.verified for f in out2)
    assert not res2.checks or not [c for c in res2.checks if c.check == "t3.outcome_sum" and c.passed]
