"""Completeness accounting and `verified`, on every corpus: for every report, each cell of
each template table it has is either published (a fact row) or named by a failing check
whose subject is its row (or the whole table, where none of the table was published);
dim_reports counts them; no identity is said to hold where its cells were not all read;
every `verified` cell of the seeds and the dev corpus agrees with the gold, and most of
their table cells are verified."""
import concurrent.futures
import pathlib

import pytest

from conftest import DEV, DEV_GOLD, GOLD, SAMPLES, SHARED, load_gold
from pipelines.tools import synth
from pipelines.parse.accounting import template_cells
from pipelines.parse.extract import extract_path, extract_report
from pipelines.parse.layouts import layouts
from schemas import codes

SCANS = SHARED / "corpus" / "scans"
SCAN_GOLD = GOLD / "scans"
TABLE_OF = {"fct_proactive_disclosures": "t2", "fct_applications": "t3", "fct_outcomes": "t3",
            "fct_review_litigation": "t4"}


def _corpus(folder: pathlib.Path, workers: int = 1) -> list:
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and p.name != "README.md"]
    if workers > 1:
        # scans: OCR takes one core a file, so the pages are read side by side first into the
        # session's OCR cache (tests/conftest.py); the readings below take them from there
        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            list(pool.map(_read_only, files, [folder] * len(files)))
    return [extract_path(p, folder) for p in files]


def _read_only(path: pathlib.Path, folder: pathlib.Path) -> None:
    extract_path(path, folder)


def _expected_template(res) -> list[tuple[str, str, str, str]]:
    """The template cells of a report, from the layout data and what the report prints
    (其他处理 split or not, a 小计 column or not), independently of the reader."""
    rep = res.report
    fmt = rep.format_version
    keys = {(f.table, f.key1, f.key2) for f in res.facts}
    if fmt not in ("f2019", "f2021") or not rep.n_template_cells:
        return []
    t3 = layouts().t3
    split = any(k[1].startswith("other.") for k in keys) or \
        any((c.key1 or c.subject).startswith("other.") for c in res.checks if c.check.startswith("t3."))
    if not split and fmt == "f2021" and not any(k[1] == "other" for k in keys) and \
            not any(c.subject == "other" for c in res.checks):
        split = True  # nothing of （六） read: the f2021 template's three rows
    sub = any(k[2] == "legal_person_total" for k in keys) or \
        any(c.key2 == "legal_person_total" or "legal_person_total" in c.detail for c in res.checks
            if c.check.startswith("t3."))
    cols = t3.columns_with_subtotal if sub else t3.columns
    return template_cells(fmt, ["t2", "t3", "t4"], list(cols), split)


def _covered(res, table_id: str, fact_table: str, key1: str, key2: str) -> bool:
    for c in res.checks:
        if c.passed or not c.check.endswith(".withheld"):
            continue
        if c.subject == table_id:
            return True
        if c.subject == key1 and c.fact_table == fact_table and c.key1 == key1 and c.key2 in (None, key2):
            return True
    return False


def assert_accounted(results) -> None:
    for res in results:
        rep = res.report
        name = rep.source_path
        keys = {(f.table, f.key1, f.key2) for f in res.facts}
        cells = _expected_template(res)
        pre = [c for c in res.checks if c.check == "pre2019.withheld"]
        if rep.format_version in ("f2019", "f2021") and rep.n_template_cells:
            assert rep.n_template_cells == len(cells), name
        lost = [(t, k1, k2) for t, ft, k1, k2 in cells
                if (ft, k1, k2) not in keys and not _covered(res, t, ft, k1, k2)]
        assert not lost, f"{name}: template cells neither published nor named by a failing check: {lost[:10]}"
        assert rep.n_cells_published + rep.n_cells_withheld == rep.n_template_cells, name
        if cells:
            assert rep.n_cells_published == sum(1 for _, ft, k1, k2 in cells if (ft, k1, k2) in keys), name
        for c in res.checks:  # a coded row of the pre-2019 table not published is named
            if c.check.startswith("pre2019.") and not c.passed and c.fact_table and c.key2 and \
                    (c.fact_table, c.key1, c.key2) not in keys:
                assert any(w.key1 == c.key1 and w.key2 in (None, c.key2) for w in pre), (name, c)
        # no identity said to hold where its cells were not all read
        for c in res.checks:
            if c.passed and c.check in ("t3.row_total", "t3.balance", "t3.outcome_sum", "t3.subtotal"):
                assert "not evaluated" not in c.detail, (name, c)
        # verified only where the table read the cell
        for f in res.facts:
            assert isinstance(f.verified, bool), (name, f)
            if f.verified:
                assert f.source == "table" and TABLE_OF[f.table] in ("t3", "t4"), (name, f)


def test_template_cells_use_the_codes_of_their_template():
    by = {(c.dimension, c.code): c for c in codes()}
    dims = {"fct_proactive_disclosures": ("item", "measure"), "fct_applications": ("stage", "applicant_type"),
            "fct_outcomes": ("outcome", "applicant_type"), "fct_review_litigation": ("proceeding", "result")}
    for fmt in ("f2019", "f2021"):
        cells = template_cells(fmt, ["t2", "t3", "t4"], None, None)
        assert len(cells) == (198 if fmt == "f2019" else 200)
        for _, ft, k1, k2 in cells:
            d1, d2 = dims[ft]
            assert fmt in by[(d1, k1)].formats and fmt in by[(d2, k2)].formats, (fmt, ft, k1, k2)
            assert ft in by[(d1, k1)].fact_tables


def test_seeds_accounted():
    assert_accounted([extract_path(p, SAMPLES) for p in sorted(SAMPLES.glob("*.txt"))])


def test_dev_corpus_accounted():
    assert_accounted(_corpus(DEV))


@pytest.mark.ocr
def test_scans_accounted():
    assert_accounted(_corpus(SCANS, workers=2))


@pytest.mark.parametrize("blanks", [False, True])
def test_synthetic_corpus_accounted(blanks):
    # every layout but scans here (OCR costs seconds a page): the scans are accounted below
    # on a short synthetic one and above on the dev scans
    results = []
    for i in range(40):
        s = synth.make_report(5, i, layouts=tuple(x for x in synth.LAYOUTS if x != "scan"), blanks=blanks,
                              variant=i % 3)
        results.append(extract_report(s.data, s.file))
    assert_accounted(results)


@pytest.mark.ocr
def test_synthetic_scan_accounted():
    # a 2-3 page synthetic scan with blank cells (the one tests/integration/test_ocr.py reads)
    s = synth.make_report(11, 214, layouts=("scan",), blanks=True)
    res = extract_report(s.data, s.file)
    assert res.report["file_format"] == "scan"
    assert_accounted([res])


def test_outcome_sum_not_said_to_hold_when_rows_are_missing():
    # table 三 with rows cut out: the identities over them are not evaluated, and say so
    s = synth.make_report(3, 1, layouts=("tabrows",), templates=("f2021",))
    text = s.data.decode("utf-8")
    lines = text.split("\n")
    cut = [ln for ln in lines if not ln.lstrip("\t").startswith(("5.属于", "6.属于", "7.属于"))]
    assert len(cut) < len(lines)
    res = extract_report("\n".join(cut).encode("utf-8"), "cut.txt")
    osum = [c for c in res.checks if c.check == "t3.outcome_sum" and c.subject == "t3"]
    assert osum and not osum[0].passed and osum[0].detail.startswith("not evaluated")
    withheld = {c.subject for c in res.checks if c.check == "t3.withheld"}
    assert {"withheld.internal_affairs", "withheld.process_information", "withheld.enforcement_file"} <= withheld
    assert not any(f.verified for f in res.facts if f.table == "fct_outcomes" and f.key1 == "total")
    assert_accounted([res])


def _verified_against_gold(results, gold) -> tuple[int, int]:
    n_table = n_verified = 0
    for res in results:
        g = gold.get(pathlib.Path(res.report.source_path).name, {})
        for f in res.facts:
            if f.source == "narrative":
                continue
            n_table += 1
            if f.verified:
                n_verified += 1
                assert f.key in g, (res.report.source_path, f)
                assert g[f.key] == (None if f.value is None else pytest.approx(f.value)), \
                    (res.report.source_path, f, g[f.key])
    return n_table, n_verified


def test_verified_cells_are_right_on_seeds_and_dev(capsys):
    seeds = [extract_path(p, SAMPLES) for p in sorted(SAMPLES.glob("*.txt"))]
    n1, v1 = _verified_against_gold(seeds, load_gold(GOLD))
    n2, v2 = _verified_against_gold(_corpus(DEV), load_gold(DEV_GOLD))
    with capsys.disabled():
        print(f"\nverified: seeds {v1}/{n1}, dev {v2}/{n2}, together {(v1 + v2) / (n1 + n2):.1%} of table cells")
    # issue 15: at least 90%. The rest: table 二 (no identity in the templates), derived cells
    # (seed 001's 予以公开 row: its all-0 print confirms it, so the sums over it are evaluated,
    # but it is not verified itself), hongze-2023's printed 总计 errors (table 四), shkw-2024's
    # unprinted 结转下年度 total, pre-2019 rows outside any sum
    assert (v1 + v2) / (n1 + n2) >= 0.90


def test_page_of_pdf_cells():
    if not DEV.is_dir():
        pytest.skip("no dev corpus")
    res = extract_path(DEV / "hongze-2023.pdf")
    f = {f.key: f.page for f in res.facts}
    # NOTES.md: table 二 breaks between pages 2 and 3 before item (六); table 三 between
    # pages 3 and 4 after unable.needs_creation
    assert f[("fct_proactive_disclosures", "administrative_licensing", "decisions")] == 2
    assert f[("fct_proactive_disclosures", "administrative_penalty", "decisions")] == 3
    assert f[("fct_outcomes", "unable.needs_creation", "total")] == 3
    assert f[("fct_outcomes", "unable.unclear_after_correction", "total")] == 4
    assert f[("fct_proactive_disclosures", "all_information", "count")] == 1
    assert all(f.page is None for f in extract_path(next(SAMPLES.glob("*.txt"))).facts)


@pytest.mark.parametrize("kind", ["spacejoin", "footer", "splitlabel", "flatten", "tabs2pipes", "dropline", "dupline"])
def test_accounting_and_verified_under_damage(kind):
    """The seeds and the dev text reports damaged as sites and converters damage them
    (tests/test_fuzz_precision.py): still every template cell accounted, and no verified
    cell wrong."""
    import random

    from test_fuzz_precision import _perturb

    gold = load_gold(GOLD)
    files = [(p, gold[p.name]) for p in sorted(SAMPLES.glob("*.txt"))]
    if DEV.is_dir():
        dev_gold = load_gold(DEV_GOLD)
        files += [(p, dev_gold[p.name]) for p in sorted(DEV.iterdir()) if p.suffix in (".txt", ".md")]
    wrong = []
    for path, g in files:
        text = path.read_text(encoding="utf-8")
        for seed in range(3):
            res = extract_report(_perturb(text, kind, random.Random(seed)).encode(), path.name)
            assert_accounted([res])
            wrong += [(path.name, seed, f.key, f.value, g.get(f.key)) for f in res.facts
                      if f.verified and (f.key not in g or g[f.key] != f.value)]
    assert wrong == []
