"""The synthetic corpus generator (pipelines/tools/synth.py): its truth satisfies the table
identities, it is deterministic, it writes gold in the shared format, and — property
based — extraction returns exactly the cells and metadata of any generated report."""
import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.tools import synth
from pipelines.parse.extract import extract_report


def _cells(s: synth.Synth) -> dict:
    return {(t, k1, k2): v for t, k1, k2, v in s.cells}


def _rounded(pairs) -> set:
    return {(t, k1, k2, None if v is None else round(v, 6)) for t, k1, k2, v in pairs}


def test_truth_satisfies_the_identities():
    for i in range(60):
        s = synth.make_report(11, i, blanks=False)
        c = _cells(s)
        rows = {k1 for (t, k1, _k2) in c if t in ("fct_applications", "fct_outcomes")}
        for row in rows:
            t = "fct_applications" if row in ("new_received", "carried_over", "carried_to_next") else "fct_outcomes"
            assert sum(c[(t, row, a)] for a in synth.APPLICANTS) == c[(t, row, "total")], (s.file, row)
        leaves = [r for r in rows if r not in ("new_received", "carried_over", "carried_to_next", "total")]
        for col in synth.COLUMNS:
            new, old = c[("fct_applications", "new_received", col)], c[("fct_applications", "carried_over", col)]
            nxt, tot = c[("fct_applications", "carried_to_next", col)], c[("fct_outcomes", "total", col)]
            assert new + old == tot + nxt
            assert tot == sum(c[("fct_outcomes", r, col)] for r in leaves)
        for p in synth.T4_PROCEEDINGS:
            assert sum(c[("fct_review_litigation", p, r)] for r in synth.T4_RESULTS) == \
                c[("fct_review_litigation", p, "total")]
        # f2021 prints （六） as one row or as its three sub-rows, f2019 always as one row
        assert ("other.other" in rows) == s.other_split
        assert ("other" in rows) == (not s.other_split)
        if s.template == "f2019":
            assert not s.other_split


def test_deterministic_and_variants_differ():
    a, b = synth.make_report(3, 42), synth.make_report(3, 42)
    assert a.data == b.data and a.cells == b.cells
    v = synth.make_report(3, 42, variant=1)
    assert (v.file, v.agency, v.layout, v.template) == (a.file, a.agency, a.layout, a.template)
    assert v.data != a.data
    assert synth.make_report(4, 42).data != a.data


def test_layouts_follow_the_seed_conventions():
    pipes = synth.make_report(1, 5, layouts=("pipes",), templates=("f2019",)).data.decode(synth.make_report(
        1, 5, layouts=("pipes",), templates=("f2019",)).encoding)
    lines = pipes.replace("\r\n", "\n").split("\n")
    i = lines.index("第二十条第(一)项 |") if "第二十条第(一)项 |" in lines else lines.index("第二十条第（一）项 |")
    assert lines[i + 1] == "|||"  # the band's three empty slots, as in seed 004
    assert lines[i + 2:i + 6] == ["信息内容 |", "本年新制作数量 |", "本年新公开数量 |", "对外公开总数量 |"]
    s = synth.make_report(1, 6, layouts=("cells",), templates=("f2021",))
    text = s.data.decode(s.encoding).replace("\r\n", "\n")
    assert "\n\t一、本年新收政府信息公开申请数量\n\t" in text
    md = synth.make_report(1, 7, layouts=("markdown",))
    assert "\n| 一、本年新收政府信息公开申请数量 |  |  | " in md.data.decode(md.encoding).replace("\r\n", "\n")
    h = synth.make_report(1, 8, layouts=("html",))
    assert b'rowspan="' in h.data and b"<table" in h.data and h.file.endswith(".html")


def test_agency_names_carry_their_region():
    seen = set()
    for i in range(40):
        s = synth.make_report(9, i)
        assert s.agency and s.province
        assert s.agency.startswith(s.province) or s.agency.startswith(s.city or "\0") or \
            s.agency.startswith(s.county or "\0")
        seen.add(bool(s.county))
    assert seen == {True, False}


def test_generate_writes_gold_in_the_shared_format(tmp_path):
    res = synth.generate(12, tmp_path, seed=2, workers=1, chunk=5)
    assert res["reports"] == 12
    reps = list(csv.DictReader(open(tmp_path / "gold" / "reports.csv", encoding="utf-8")))
    assert list(reps[0]) == ["file", "agency", "year", "format_version", "province", "city", "county"]
    cells = list(csv.DictReader(open(tmp_path / "gold" / "cells.csv", encoding="utf-8")))
    assert list(cells[0]) == ["file", "fact_table", "key1", "key2", "value"]
    assert len(cells) == res["cells"]
    idx = synth.read_synth_index(tmp_path)
    for r, meta in zip(idx, reps):
        p = tmp_path / "reports" / r["relpath"]
        assert p.is_file() and p.stat().st_size == int(r["size"]) and p.name == meta["file"]
        s = synth.make_report(2, int(p.name[:6]))
        assert p.read_bytes() == s.data
        mine = [c for c in cells if c["file"] == p.name]
        assert len(mine) == int(r["cells"]) == len(s.cells)
        assert {(c["fact_table"], c["key1"], c["key2"]): c["value"] for c in mine} == \
            {(t, k1, k2): synth.fmt_value(v) for t, k1, k2, v in s.cells}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), index=st.integers(0, 999_999), layout=st.sampled_from([x for x in synth.LAYOUTS if x != "scan"]),
       template=st.sampled_from(synth.TEMPLATES), blanks=st.booleans(), variant=st.integers(0, 2))
def test_extraction_returns_exactly_the_generated_cells(seed, index, layout, template, blanks, variant):
    s = synth.make_report(seed, index, layouts=(layout,), templates=(template,), blanks=blanks, variant=variant)
    r = extract_report(s.data, s.file)
    got = _rounded((f.table, f.key1, f.key2, f.value) for f in r.facts)
    assert got == _rounded(s.cells)
    rep = r.report
    assert rep.parse_status == "ok"
    assert (rep.agency, rep.year, rep.format_version) == (s.agency, s.year, s.template)
    assert (rep.province or "", rep.city or "", rep.county or "") == (s.province, s.city, s.county)


def test_the_issue_15_classes_render_what_they_name():
    """Each class of `ogi synth --classes` prints the trap it is named after."""
    import re

    def text(cls, i):
        s = synth.make_class_report(21, i, cls)
        assert s.cls == cls and cls in s.file
        return s, s.data.decode(s.encoding) if not s.file.endswith(".pdf") else ""

    s, t = text("ordinal_glue", 1)
    assert s.layout == "crawler" and re.search(r"\d2\.其他法律行政法规禁止公开", t)  # digits glued to the next ordinal
    s, t = text("signed_glue", 2)
    assert s.template == "f2019" and re.search(r"\t?\d+[-+]\d+", t)
    blanks = 0
    for i in range(6):
        s = synth.make_class_report(21, i, "blank_zero")
        blanks += sum(1 for c in s.cells if c[3] is None)
        assert not [c for c in s.cells if c[3] == 0]  # every 0 printed blank
    assert blanks
    s, t = text("spaced_header", 4)
    assert "商业 企业" in t and "科研 机构" in t
    s, t = text("prose_pre2019", 5)
    assert s.template == "pre2019" and "\t" not in t and "行政复议案、行政诉讼案和有关的申诉案" in t
    assert ("fct_review_litigation", "complaint", "total", 0.0) in s.cells
    s, t = text("untitled", 6)
    assert t.startswith("根据《中华人民共和国政府信息公开条例》")  # no title line: a sentence of the body
    assert s.agency in t and str(s.year) in t


def test_generate_writes_the_class_of_each_report(tmp_path):
    synth.generate(8, tmp_path, seed=3, workers=1, classes=synth.CLASSES)
    idx = synth.read_synth_index(tmp_path)
    assert {r["class"] for r in idx} <= set(synth.CLASSES) and all(r["class"] in r["file"] for r in idx)
