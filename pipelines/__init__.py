"""ogi pipelines, one folder per layer: `orchestration/` (the Dagster code location, the
only code importing dagster), `parse/` (a report's text -> facts and checks; compiled by
mypyc), `formats/` (PDF, HTML, Word, encodings -> text), `stage/` (discovery, cache, the
process pool under limits), `publish/` (Parquet + DuckDB) and `tools/` (the command line,
synthetic corpus, benchmarks, audit page, docs).

The parsing modules type-check under mypy, so that mypyc can compile them; a compiled
module cannot use `__file__`, so the data folder's path is defined here."""
import pathlib

DATA = pathlib.Path(__file__).resolve().parent / "parse" / "data"   # label variants and layout facts (CSV/YAML)

# Bump when extraction output may change: cached parse results are keyed by it.
PARSER_VERSION = "2026.12.04.p1"

from . import compiled as _compiled  # noqa: E402 - decides compiled or interpreted before any parsing module loads

if __name__ == "pipelines":
    _compiled.guard()
