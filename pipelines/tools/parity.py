"""Output parity: per-table row hashes of the warehouses built from four fixed corpora, so a
change meant to keep the output (a file move, a refactoring, a faster reader) can show it did.

`ogi parity --write FILE` builds a warehouse for each corpus and writes, per corpus and
published table, the row count, an order-independent hash of the rows and one hash per
column; `ogi parity --check FILE` builds them again and prints, per corpus and table, what
differs (rows, columns). The corpora: the seeds (`shared/seeds`), the dev corpus, the pages,
and a synthetic corpus of 2,000 reports (`ogi synth`, seed SYNTH_SEED, default layouts).

Normalised values: NULL is its own token (never the empty string), floats are written with
12 significant digits (-0.0 as 0, NaN as nan), booleans as T/F, so that a value stored as
12.0 or computed as 11.999999999999998 hashes alike. A table's hash is the hash of its
sorted row hashes: the rows' order does not count, their number does.

Left out (EXCLUDED), because they differ between two runs of the same code on the same input:
`meta_runs.run_id` (random per run), `meta_runs.finished_at` (a timestamp), `meta_runs.raw_dir`
(the absolute path of the raw folder, here a temporary folder); and `meta_region_snapshot.path`,
the region list's path inside the package, which a move of the code changes (its source,
release and number of codes are kept). No table holds durations or other absolute paths
(`source_path` and `inputs.path` are relative to the raw folder); `parser_version` is
PARSER_VERSION (a constant), not the code fingerprint of the cache.
"""
from __future__ import annotations

import hashlib
import json
import math
import pathlib
import tempfile
from typing import Any, Callable, Iterable

SYNTH_N = 2000
SYNTH_SEED = 14
CORPORA = ("seeds", "dev", "pages", "synth")
# table -> columns left out of the hashes, and why (see the module docstring)
EXCLUDED = {
    "meta_runs": {"run_id": "random per run", "finished_at": "timestamp of the run",
                  "raw_dir": "absolute path of the raw folder"},
    "meta_region_snapshot": {"path": "the region list's path inside the package (moves with the code)"},
}
NULL = "\x00NULL"


def norm(v: Any) -> str:
    """A value as the text its hash is taken of (see the module docstring)."""
    if v is None:
        return NULL
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if v == 0:
            return "0"
        return format(v, ".12g")
    return str(v)


def _digest(items: Iterable[str]) -> str:
    h = hashlib.sha256()
    for s in sorted(items):
        h.update(s.encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()[:16]


def table_hashes(columns: dict[str, list[Any]]) -> dict:
    """Row count, order-independent row hash and per-column hashes of one table given as
    column name -> values (the columns in any order; names are part of the row hash)."""
    names = sorted(columns)
    vals = [[norm(v) for v in columns[c]] for c in names]
    n = len(vals[0]) if vals else 0
    rows = (hashlib.sha256(json.dumps([names[j] + "=" + vals[j][i] for j in range(len(names))],
                                      ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()
            for i in range(n))
    return {"rows": n, "hash": _digest(rows), "columns": {c: _digest(v) for c, v in zip(names, vals)}}


def warehouse_hashes(db: pathlib.Path) -> dict[str, dict]:
    """Hashes of every base table in a warehouse's ogi.duckdb (views are derived from them)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        out = {}
        for t in tables:
            at = con.sql(f'select * from "{t}"').to_arrow_table()
            drop = EXCLUDED.get(t, {})
            cols = {c: at.column(c).to_pylist() for c in at.column_names if c not in drop}
            out[t] = table_hashes(cols)
        return out
    finally:
        con.close()


def corpus_raw(name: str, shared: pathlib.Path, work: pathlib.Path) -> pathlib.Path:
    """The raw folder of a corpus (the synthetic one is generated into `work`)."""
    if name == "seeds":
        return shared / "seeds"
    if name == "dev":
        return shared / "corpus" / "dev"
    if name == "pages":
        return shared / "corpus" / "pages"
    if name == "synth":
        from . import synth

        out = work / "synth"
        synth.generate(SYNTH_N, out, seed=SYNTH_SEED, workers=synth.default_workers())
        return out / "reports"
    raise ValueError(f"unknown corpus {name!r}; choose from {', '.join(CORPORA)}")


def build(corpora: Iterable[str], shared: pathlib.Path, work: pathlib.Path | None = None,
          echo: Callable[[str], None] = print, run_options: dict | None = None) -> dict:
    """Build each corpus's warehouse (no cache) and hash it; `run_options`: more arguments of
    run_pipeline (e.g. executor="dask", dask_workers=2: the same corpora built on Dask)."""
    from ..orchestration.runner import run_pipeline

    with tempfile.TemporaryDirectory(prefix="ogi-parity-") as tmp:
        base = pathlib.Path(work) if work else pathlib.Path(tmp)
        out: dict[str, Any] = {"synth": {"n": SYNTH_N, "seed": SYNTH_SEED},
                               "excluded": {t: sorted(c) for t, c in EXCLUDED.items()}, "corpora": {}}
        for name in corpora:
            raw = corpus_raw(name, shared, base)
            if not raw.is_dir():
                raise FileNotFoundError(f"corpus {name}: folder not found: {raw}")
            wh = base / "warehouses" / name
            run_pipeline(raw, wh, use_cache=False, progress=False, **(run_options or {}))
            out["corpora"][name] = warehouse_hashes(wh / "ogi.duckdb")
            echo(f"{name}: {len(out['corpora'][name])} tables hashed ({raw})")
        return out


def compare(want: dict, have: dict) -> list[str]:
    """One line per corpus and table that differs (empty: identical)."""
    lines = []
    for corpus, tables in have["corpora"].items():
        old = want.get("corpora", {}).get(corpus)
        if old is None:
            lines.append(f"{corpus}: not in the hash file")
            continue
        for t in sorted(set(old) | set(tables)):
            a, b = old.get(t), tables.get(t)
            if a is None or b is None:
                lines.append(f"{corpus}.{t}: table {'added' if a is None else 'missing'}")
            elif a["hash"] != b["hash"]:
                cols = sorted(c for c in set(a["columns"]) | set(b["columns"])
                              if a["columns"].get(c) != b["columns"].get(c))
                lines.append(f"{corpus}.{t}: rows {a['rows']} -> {b['rows']}; "
                             f"columns differing: {', '.join(cols) or '(none: rows recombined)'}")
    return lines


def write(path: pathlib.Path, hashes: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(hashes, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def read(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
