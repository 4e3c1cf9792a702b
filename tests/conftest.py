"""Shared test fixtures (where the seeds, the shared gold and the dev corpus are) and the
markers unit / integration / browser given by a test's folder."""
import csv
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "raw" / "samples"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold"
DEV = SHARED / "corpus" / "dev"
DEV_GOLD = GOLD / "dev"


def load_gold(gold_dir: pathlib.Path) -> dict:
    out: dict = {}
    for r in csv.DictReader(open(gold_dir / "cells.csv", encoding="utf-8")):
        v = r["value"].strip()
        out.setdefault(r["file"], {})[(r["fact_table"], r["key1"], r["key2"])] = float(v) if v else None
    return out


@pytest.fixture(scope="session")
def seed_gold():
    if not (GOLD / "cells.csv").exists():
        pytest.skip("../shared/gold not present")
    return load_gold(GOLD)


def sample(name_prefix: str) -> pathlib.Path:
    return next(SAMPLES.glob(f"{name_prefix}_*.txt"))


# Each test is marked by its folder: unit (plain functions, seconds: `pytest -m unit`),
# integration (whole runs, the warehouse, gold corpora), browser (the audit page in Chromium).
LAYERS = ("unit", "integration", "browser")


def pytest_collection_modifyitems(config, items):
    for item in items:
        layer = pathlib.Path(str(item.fspath)).parent.name
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
