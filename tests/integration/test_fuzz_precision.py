"""Precision under damage: the seeds perturbed the way sites and converters damage
reports (cells joined by spaces, page footers inside tables, labels split over lines,
whole report on one line, tabs turned to pipes, lines lost or repeated). Cells may go
missing; no published cell may be wrong."""
import random

import pytest

from conftest import SAMPLES
from perturb import KINDS, perturb as _perturb
from pipelines.parse.extract import extract_report


@pytest.mark.parametrize("kind", KINDS)
def test_no_wrong_cell_under_damage(kind, seed_gold):
    wrong = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        gold = seed_gold[path.name]
        for seed in range(3 if kind in ("footer", "splitlabel", "dropline", "dupline") else 1):
            res = extract_report(_perturb(text, kind, random.Random(seed)).encode(), path.name)
            got = {(x.table, x.key1, x.key2): x.value for x in res.facts}
            wrong += [(path.name, seed, k, got[k], v) for k, v in gold.items() if k in got and got[k] != v]
            wrong += [(path.name, seed, k, v, "extra") for k, v in got.items() if k not in gold and v not in (None, 0)]
    assert wrong == []


@pytest.fixture(scope="module")
def dev_texts():
    from conftest import DEV, DEV_GOLD, load_gold
    from pipelines.parse.extract import to_text

    if not DEV.is_dir():
        pytest.skip("../shared/corpus/dev not present")
    gold = load_gold(DEV_GOLD)
    return [(name, to_text((DEV / name).read_bytes(), name)[0], cells) for name, cells in sorted(gold.items())]


@pytest.mark.parametrize("kind", KINDS)
def test_no_wrong_cell_under_damage_dev(kind, dev_texts):
    wrong = []
    for name, text, gold in dev_texts:
        for seed in range(2):
            res = extract_report(_perturb(text, kind, random.Random(seed)).encode(), name)
            got = {(x.table, x.key1, x.key2): x.value for x in res.facts}
            wrong += [(name, seed, k, got[k], v) for k, v in gold.items() if k in got and got[k] != v]
            wrong += [(name, seed, k, v, "extra") for k, v in got.items() if k not in gold and v not in (None, 0)]
    assert wrong == []
