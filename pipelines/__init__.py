"""ogi pipelines: the Dagster code location (assets.py, definitions.py) and the plain
parsing code it calls (decode, textnorm, sections, tokens, table readers, narrative,
metadata, extract, publish). Parsing modules never import Dagster.

The parsing modules type-check under mypy, so that mypyc can compile them; a compiled
module cannot use `__file__`, so the data folder's path is defined here."""
import pathlib

DATA = pathlib.Path(__file__).resolve().parent / "data"   # label variants and layout facts (CSV/YAML)

# Bump when extraction output may change: cached parse results are keyed by it.
PARSER_VERSION = "2026.12.04.p1"

from . import compiled as _compiled  # noqa: E402 - decides compiled or interpreted before any parsing module loads

if __name__ == "pipelines":
    _compiled.guard()
