"""Shared test fixtures (where the seeds, the shared gold and the dev corpus are) and the
markers unit / integration / browser given by a test's folder."""
import csv
import os
import pathlib
import shutil
import tempfile

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


def pytest_configure(config):
    """One OCR cache for the whole session (unless OGI_OCR_CACHE is set): the pages of a
    scan are read by OCR once (about 5 CPU-seconds a page) however many tests read them,
    which is most of what the scan tests cost. Tests of the OCR cache itself use their own.
    Under `make test` (pytest-xdist) the main process sets it before its workers start:
    they inherit it, so the workers share the one cache."""
    if not os.environ.get("OGI_OCR_CACHE"):
        d = tempfile.mkdtemp(prefix="ogi-test-ocr-cache-")
        os.environ["OGI_OCR_CACHE"] = d
        config._ogi_ocr_cache = d


def pytest_unconfigure(config):
    d = getattr(config, "_ogi_ocr_cache", None)
    if d:
        shutil.rmtree(d, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    for item in items:
        layer = pathlib.Path(str(item.fspath)).parent.name
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
