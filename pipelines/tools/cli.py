"""The `ogi` command line: run the pipeline, show one report's facts, evaluate on gold.

    ogi run [--raw DIR] [--warehouse DIR]    build DIR/ogi.duckdb and DIR/parquet/
    ogi extract FILE                          one report's facts and checks as JSON
    ogi eval                                  seeds, dev corpus, scans (OCR) and pages scored against gold
    ogi verified [WAREHOUSE …]                share of table cells verified, per fact table
    ogi export --out DIR [--format xlsx] [--year 2024] …   tables and views as CSV or XLSX
    ogi parity --write FILE | --check FILE    per-table row hashes of fixed corpora (output unchanged?)
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import click

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXIT_PARTIAL = 3   # `ogi run` published, but some files failed; 1: the run failed, nothing published
SHARED = pathlib.Path(os.environ.get("OGI_SHARED", ROOT.parent / "shared"))


def _quiet_gc_imports() -> None:
    """Import the pipeline (Dagster, pandas: about 250,000 objects) with the
    garbage collector paused, then freeze what was imported out of its reach: a tenth of
    the start-up was collections walking objects that live as long as the process."""
    import gc

    gc.disable()
    try:
        from ..orchestration import runner  # noqa: F401
    finally:
        gc.enable()
        gc.freeze()


def version_text() -> str:
    """The package version and the parser version (what cached results and
    dim_reports.parser_version are keyed by)."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import PARSER_VERSION

    try:
        pkg = version("ogi")
    except PackageNotFoundError:  # run from a checkout that was not installed
        pkg = "unknown"
    return f"ogi {pkg} (parser {PARSER_VERSION})"


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit()


@click.group()
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the package and parser versions and exit.")
def main() -> None:
    """ogi: government information disclosure annual reports → analytic tables."""


@main.command()
@click.option("--raw", default=lambda: os.environ.get("OGI_RAW_DIR", "raw"), show_default="raw",
              help="Folder of reports, read recursively.")
@click.option("--warehouse", default=lambda: os.environ.get("OGI_WAREHOUSE_DIR", "warehouse"),
              show_default="warehouse", help="Output folder: ogi.duckdb and parquet/.")
@click.option("--workers", type=int, default=None, help="Parsing processes (default: OGI_WORKERS or 2).")
@click.option("--no-cache", is_flag=True, help="Parse every file again, ignoring cached results.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--executor", type=click.Choice(["in_process", "dask"]), default=None,
              help="Where the steps run: in this process (default; OGI_EXECUTOR) or on a Dask cluster.")
@click.option("--dask-address", default=None, help="A running Dask scheduler (tcp://host:8786; OGI_DASK_ADDRESS); "
                                                   "without it a local cluster is started for the run.")
@click.option("--dask-workers", type=int, default=None, help="Worker processes of the local Dask cluster "
                                                            "(default: OGI_DASK_WORKERS or 2).")
@click.option("--shards", type=int, default=None, help="Shard steps the files are split into (default: OGI_SHARDS; "
                                                      "else 1 in process, 2 per Dask worker).")
@click.option("--stage-url", default=None, help="Staging location every worker reaches: a folder or an fsspec URL "
                                               "(default: OGI_STAGE_URL, else WAREHOUSE/staged).")
@click.option("--from-failure", default=None, metavar="RUN_ID",
              help="With --executor dask: run again only the steps of this failed run that failed or did not "
                   "finish (e.g. one shard), with its settings.")
def run(raw: str, warehouse: str, workers: int | None, no_cache: bool, quiet: bool, executor: str | None,
        dask_address: str | None, dask_workers: int | None, shards: int | None, stage_url: str | None,
        from_failure: str | None) -> None:
    """Read every report under RAW and publish the warehouse."""
    _quiet_gc_imports()
    from ..orchestration.runner import format_summary, run_pipeline

    if not pathlib.Path(raw).is_dir():
        raise click.ClickException(f"raw folder not found: {raw}")
    from ..stage.runlock import RunLocked
    from ..orchestration.runner import RunFailed

    try:
        s = run_pipeline(raw, warehouse, workers=workers, use_cache=not no_cache, progress=not quiet,
                         executor=executor, dask_address=dask_address, dask_workers=dask_workers, shards=shards,
                         stage_url=stage_url, from_failure=from_failure)
    except RunLocked as e:
        raise click.ClickException(str(e)) from None
    except RunFailed as e:  # (a run on Dask: which step failed and why, in a few lines)
        from ..publish.writer import record_failed_run

        record_failed_run(pathlib.Path(warehouse), str(e), str(pathlib.Path(raw).resolve()))
        raise click.ClickException(str(e)) from None
    except Exception as e:  # noqa: BLE001 - recorded, then reported as a failed run (exit 1)
        from ..publish.writer import record_failed_run

        record_failed_run(pathlib.Path(warehouse), f"{type(e).__name__}: {e}", str(pathlib.Path(raw).resolve()))
        raise
    click.echo(format_summary(s))
    click.echo(f"warehouse: {pathlib.Path(warehouse) / 'ogi.duckdb'} and {pathlib.Path(warehouse) / 'parquet'}/")
    from ..publish.writer import run_outcome

    outcome, code, detail = run_outcome(s["status"].get("failed", 0), (s.get("inputs") or {}).get("unreadable", 0))
    if code:
        click.echo(f"{outcome} run: {detail}; exit code {code}")
        sys.exit(code)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--all-checks", is_flag=True, help="Also list the checks that passed.")
def extract(file: str, all_checks: bool) -> None:
    """Print one report's metadata, facts and checks as JSON, with the evidence text."""
    from ..parse.extract import extract_path

    res = extract_path(pathlib.Path(file))
    text = res.text

    def ev(s, e):
        return None if s is None else text[s:e]

    out = {
        "report": dict(res.report.items()),
        "facts": [{"table": f.table, "key1": f.key1, "key2": f.key2, "value": f.value, "source": f.source,
                   "span": [f.span_start, f.span_end], "flags": list(f.flags), "evidence": ev(f.span_start, f.span_end)}
                  for f in res.facts],
        "checks": [{"check": c.check, "subject": c.subject, "passed": c.passed, "severity": c.severity,
                    "detail": c.detail, "evidence": ev(c.span_start, c.span_end)}
                   for c in res.checks if all_checks or not c.passed],
    }
    click.echo(json.dumps(out, ensure_ascii=False, indent=1))


def _score(gold: pathlib.Path, db: pathlib.Path) -> str:
    r = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(gold), "--db", str(db)],
                       capture_output=True, text=True)
    return r.stdout + r.stderr


@main.command("eval")
@click.option("--warehouse", default="warehouse/eval", show_default=True)
def eval_(warehouse: str) -> None:
    """Build warehouses for the seeds, the dev corpus, the scans (read by OCR) and the pages and score them
    against gold."""
    from ..orchestration.runner import run_pipeline

    if not (SHARED / "tools" / "score.py").exists():
        raise click.ClickException(f"shared folder not found at {SHARED} (set OGI_SHARED)")
    for name, raw, gold in (("seeds", ROOT / "raw" / "samples", SHARED / "gold"),
                            ("dev", SHARED / "corpus" / "dev", SHARED / "gold" / "dev")):
        wh = pathlib.Path(warehouse) / name
        run_pipeline(raw, wh, progress=False)
        click.echo(f"== {name}: {raw}")
        click.echo(_score(gold, wh / "ogi.duckdb"))
        click.echo(verified_share(wh / "ogi.duckdb"))
    _eval_scans(pathlib.Path(warehouse) / "scans")
    _eval_pages(pathlib.Path(warehouse) / "pages")


def _eval_scans(wh: pathlib.Path) -> None:
    """The dev PDFs as scans (image-only PDFs read by OCR): the score, and the time OCR took
    per page (as recorded when the pages were read: a rerun takes them from the OCR cache)."""
    import time

    from ..formats import ocr
    from ..orchestration.runner import run_pipeline

    raw, gold = SHARED / "corpus" / "scans", SHARED / "gold" / "scans"
    if not raw.is_dir():
        click.echo(f"== scans: {raw} not found, skipped")
        return
    t0 = time.perf_counter()
    run_pipeline(raw, wh, progress=False)
    secs = time.perf_counter() - t0
    click.echo(f"== scans: {raw}")
    click.echo(_score(gold, wh / "ogi.duckdb"))
    click.echo(verified_share(wh / "ogi.duckdb"))
    from ..stage import shards

    ocr.CACHE_DIR = shards.ocr_cache_dir(shards.ShardWork(0, 1, [], [], shards.stage_url(wh), "", str(wh)))
    try:
        times = [t for f in sorted(raw.glob("*.pdf")) for t in (ocr.page_times(f.read_bytes()) or [])]
    finally:
        ocr.CACHE_DIR = None
    if times:
        wall = sum(t[0] for t in times) / len(times)
        cpu = sum(t[1] for t in times) / len(times)
        click.echo(f"OCR: {len(times)} pages, {wall:.1f} s per page ({cpu:.1f} CPU-s) when read "
                   f"(one worker's page; this run: {secs:.1f} s in all)")


def _eval_pages(wh: pathlib.Path) -> None:
    """Report openings with checked metadata (no cells): year, era, agency, province."""
    from ..orchestration.runner import run_pipeline

    raw = SHARED / "corpus" / "pages"
    run_pipeline(raw, wh, progress=False)
    r = subprocess.run([sys.executable, str(SHARED / "tools" / "score_pages.py"), "--index", str(raw / "INDEX.tsv"),
                        "--db", str(wh / "ogi.duckdb")], capture_output=True, text=True)
    click.echo(f"== pages: {raw}")
    click.echo(r.stdout + r.stderr)
    click.echo(level_agreement(raw / "INDEX.tsv", wh / "ogi.duckdb"))


def _fact_short() -> dict[str, str]:
    """fact table → the name summaries print (schemas/tables.yaml `short_name`)."""
    import schemas

    return {t: schemas.tables()[t].short_name for t in schemas.FACT_TABLES}


def verified_share(db: pathlib.Path) -> str:
    """The share of a warehouse's table cells (source table or derived; prose figures are
    not table cells) that are verified, in all and per fact table (issue 15: ≥ 90% on the
    seeds and the dev corpus, every verified cell right)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(" UNION ALL ".join(
            f"SELECT '{t}', count(*), count(*) FILTER (WHERE verified) FROM {t} WHERE source <> 'narrative'"
            for t in _fact_short())).fetchall()
    finally:
        con.close()
    n = sum(r[1] for r in rows)
    v = sum(r[2] for r in rows)
    per = ", ".join(f"{_fact_short()[t]} {b}/{a}" for t, a, b in rows)
    return f"verified: {v}/{n} table cells ({100 * v / max(n, 1):.1f}%); {per}"


@main.command("verified")
@click.argument("warehouses", nargs=-1, type=click.Path(file_okay=False))
def verified_cmd(warehouses: tuple[str, ...]) -> None:
    """Share of table cells verified per warehouse and fact table (default: the seeds and dev
    warehouses `ogi eval` built), and over all of them."""
    import duckdb

    whs = [pathlib.Path(w) for w in warehouses] or [pathlib.Path("warehouse/eval") / n for n in ("seeds", "dev")]
    n = v = 0
    for wh in whs:
        db = wh / "ogi.duckdb"
        if not db.exists():
            raise click.ClickException(f"no warehouse at {wh} (run `ogi eval` or `ogi run` first)")
        click.echo(f"{wh}: {verified_share(db)}")
        con = duckdb.connect(str(db), read_only=True)
        try:
            for t in _fact_short():
                a, b = con.execute(f"SELECT count(*), count(*) FILTER (WHERE verified) FROM {t} "
                                   "WHERE source <> 'narrative'").fetchone()
                n, v = n + a, v + b
        finally:
            con.close()
    if len(whs) > 1:
        click.echo(f"together: {v}/{n} table cells verified ({100 * v / max(n, 1):.1f}%)")


def level_agreement(index: pathlib.Path, db: pathlib.Path) -> str:
    """dim_reports.level against the index's `level` column, page by page (issue 18: ≥ 90%)."""
    import csv

    import duckdb

    with open(index, encoding="utf-8") as f:
        want = {r["file"]: r.get("level", "") for r in csv.DictReader(f, delimiter="\t")}
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = dict(con.execute("select source_path, level from dim_reports").fetchall())
    finally:
        con.close()
    rows = [(f, w, got.get(f)) for f, w in sorted(want.items()) if w]
    ok = sum(1 for _, w, g in rows if g == w)
    wrong = ", ".join(f"{f} {g or '-'}≠{w}" for f, w, g in rows if g != w)
    return (f"level {ok}/{len(rows)} ({100 * ok / max(len(rows), 1):.1f}%) as dim_reports.level"
            + (f"; differ: {wrong}" if wrong else ""))


@main.command()
@click.option("--check", is_flag=True, help="Only check that the committed files are current (exit 1 if not).")
def docs(check: bool) -> None:
    """Generate docs/tables.md (data dictionary) and pipelines/publish/sql/views.sql from schemas/."""
    from . import docs as gen

    if check:
        stale = gen.stale_files()
        if stale:
            raise click.ClickException("not current (run `ogi docs`): " + ", ".join(str(p.relative_to(ROOT)) for p in stale))
        click.echo("docs current")
        return
    for p in gen.write_all():
        click.echo(f"wrote {p.relative_to(ROOT)}")


@main.command()
@click.option("--n", "n", type=int, default=1000, show_default=True, help="Number of reports.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Writes OUT/reports/ and OUT/gold/.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same corpus.")
@click.option("--layouts", default=None, help="Comma-separated subset of: cells, tabrows, blanklines, pipes, "
                                              "markdown, html, pdf (default: all but pdf).")
@click.option("--templates", default="f2019,f2021", show_default=True, help="Comma-separated: f2019, f2021.")
@click.option("--blanks", is_flag=True, help="Print some zero cells blank (cells, pipes and pdf layouts).")
@click.option("--workers", type=int, default=None, help="Processes (default: OGI_WORKERS or 2).")
@click.option("--classes", default=None, help="Instead of plain reports, the classes of issue 15, comma-separated: "
              "ordinal_glue, signed_glue, blank_zero, spaced_header, prose_pre2019, untitled (or 'all').")
def synth(n: int, out: str, seed: int, layouts: str | None, templates: str, blanks: bool, workers: int | None,
          classes: str | None) -> None:
    """Generate a synthetic corpus of N reports with its ground truth (gold format)."""
    from . import synth as sy

    cls: tuple[str, ...] = ()
    if classes:
        cls = sy.CLASSES if classes.strip() == "all" else tuple(x.strip() for x in classes.split(","))
        bad_cls = [x for x in cls if x not in sy.CLASSES]
        if bad_cls:
            raise click.ClickException(f"unknown classes {bad_cls}; choose from {', '.join(sy.CLASSES)}")

    lays = tuple(x.strip() for x in layouts.split(",")) if layouts else sy.DEFAULT_LAYOUTS
    bad = [x for x in lays if x not in sy.LAYOUTS]
    if bad:
        raise click.ClickException(f"unknown layouts {bad}; choose from {', '.join(sy.LAYOUTS)}")
    tpls = tuple(x.strip() for x in templates.split(","))
    res = sy.generate(n, out, seed=seed, layouts=lays, templates=tpls, blanks=blanks,
                      workers=workers or sy.default_workers(), classes=cls)
    click.echo(f"wrote {res['reports']} reports to {pathlib.Path(out) / 'reports'} and "
               f"{res['cells']} gold cells to {pathlib.Path(out) / 'gold'}")


@main.command()
@click.option("--n", "n", type=int, default=20000, show_default=True, help="Reports to generate.")
@click.option("--out", default=None, type=click.Path(file_okay=False),
              help="Work folder (default: a temporary folder, removed afterwards).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", type=int, default=None, help="Parsing processes (default: OGI_WORKERS or 2).")
@click.option("--profile", "profile", is_flag=True, help="Also profile the cold run (cProfile, top functions).")
@click.option("--keep", is_flag=True, help="Keep the work folder.")
@click.option("--pdf-n", type=int, default=None, help="Synthetic PDF reports read by one worker after the text "
              "runs (default n/100, 20 to 200; 0: none).")
@click.option("--pdf-ratio", is_flag=True, help="Only measure a dev PDF report's cost against a dev text report's "
              "(one worker, no cache, start-up taken off).")
@click.option("--hostile", is_flag=True, help="Instead: 40 good reports beside hostile files and paths (zip and "
                                               "span bombs, a huge PDF page, links, loops, a GBK name): time, "
                                               "peak memory per process, what became of each bad path.")
@click.option("--dask", "dask", is_flag=True, help="Instead: the same corpus read cold by the default path and by "
                                                 "the Dask executor on a local cluster of --workers (default 2) "
                                                 "workers, side by side; both warehouses compared row for row.")
def bench(n: int, out: str | None, seed: int, workers: int | None, profile: bool, keep: bool, pdf_n: int | None,
          pdf_ratio: bool, hostile: bool, dask: bool) -> None:
    """Benchmark: cold run, rerun with no change, rerun with 1% changed; throughput and memory;
    synthetic PDFs per core beside text."""
    from .bench import pdf_ratio as measure_pdf_ratio, run_bench, run_dask_bench, run_hostile_bench

    if dask:
        r = run_dask_bench(n=n, out=out, seed=seed, workers=workers or 2, keep=keep, echo=click.echo)
        if not r["equal"]:
            sys.exit(1)
        return

    if hostile:
        run_hostile_bench(workers=workers, out=out, keep=keep, echo=click.echo)
        return

    if pdf_ratio:
        measure_pdf_ratio(echo=click.echo, out=out)
        return
    run_bench(n=n, out=out, seed=seed, workers=workers, profile=profile, keep=keep, echo=click.echo, pdf_n=pdf_n)



@main.command()
@click.option("--warehouse", default=lambda: os.environ.get("OGI_WAREHOUSE_DIR", "warehouse"),
              show_default="warehouse", help="Warehouse folder holding ogi.duckdb.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write the files into.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="csv: UTF-8 with a byte order mark (Excel opens it); xlsx: an Excel workbook per table.")
@click.option("--table", "-t", "tables", multiple=True,
              help="Table or view to export (repeatable; default: dim_reports, the fact tables, check_results).")
@click.option("--year", default=None, help="Statistics years: 2024, 2023,2024 or 2019-2021.")
@click.option("--region", default=None, help="Division code prefix (3208) or region name (江苏省, 淮安市).")
@click.option("--level", "levels", multiple=True, help="Administrative level of the reporting body (repeatable).")
@click.option("--verified/--unverified", default=None, help="Only cells whose identities all hold (or only the others).")
@click.option("--ocr/--no-ocr", default=None, help="Only cells read by OCR (flags contain ocr), or only the others.")
def export(warehouse: str, out: str, fmt: str, tables: tuple[str, ...], year: str | None, region: str | None,
           levels: tuple[str, ...], verified: bool | None, ocr: bool | None) -> None:
    """Write tables or views as CSV or XLSX, filtered by year, region, level, verified and OCR."""
    from . import export as ex

    try:
        f = ex.Filters(years=ex.parse_years(year), region=region, levels=levels, verified=verified, ocr=ocr)
        written = ex.export(warehouse, out, fmt, tables, f, echo=click.echo)
    except (ValueError, KeyError, FileNotFoundError) as e:
        raise click.ClickException(str(e.args[0]) if e.args else str(e))
    for name, path, n in written:
        click.echo(f"{name}: {n:,} rows → {path}")


@main.command()
@click.option("--write", "write_to", default=None, type=click.Path(dir_okay=False),
              help="Build the corpora and write their row hashes to this file.")
@click.option("--check", "check_against", default=None, type=click.Path(dir_okay=False, exists=True),
              help="Build the corpora and compare their row hashes with this file (exit 1 if any differ).")
@click.option("--corpus", "corpora", default=",".join(("seeds", "dev", "pages", "synth")), show_default=True,
              help="Comma-separated subset of: seeds, dev, pages, synth (2,000 synthetic reports).")
@click.option("--work", default=None, type=click.Path(file_okay=False),
              help="Keep the synthetic corpus and the warehouses here (default: a temporary folder).")
@click.option("--executor", type=click.Choice(["in_process", "dask"]), default=None,
              help="Build the warehouses with this executor (as `ogi run --executor`): e.g. check that the Dask "
                   "path writes what the default path wrote.")
@click.option("--dask-workers", type=int, default=None, help="Worker processes of the local Dask cluster.")
@click.option("--dask-address", default=None, help="A running Dask scheduler instead of a local cluster.")
@click.option("--shards", type=int, default=None, help="Shard steps (as `ogi run --shards`).")
def parity(write_to: str | None, check_against: str | None, corpora: str, work: str | None, executor: str | None,
           dask_workers: int | None, dask_address: str | None, shards: int | None) -> None:
    """Per-table row hashes of the warehouses built from fixed corpora: write them, or check
    that the output is unchanged (what differs is printed per corpus and table)."""
    from . import parity as par

    if bool(write_to) == bool(check_against):
        raise click.ClickException("give one of --write FILE or --check FILE")
    names = [c.strip() for c in corpora.split(",") if c.strip()]
    bad = [c for c in names if c not in par.CORPORA]
    if bad:
        raise click.ClickException(f"unknown corpora {bad}; choose from {', '.join(par.CORPORA)}")
    if not SHARED.is_dir():
        raise click.ClickException(f"shared folder not found at {SHARED} (set OGI_SHARED)")
    _quiet_gc_imports()
    opts = {k: v for k, v in dict(executor=executor, dask_workers=dask_workers, dask_address=dask_address,
                                  shards=shards).items() if v is not None}
    have = par.build(names, SHARED, pathlib.Path(work) if work else None, echo=click.echo, run_options=opts)
    if write_to:
        par.write(pathlib.Path(write_to), have)
        click.echo(f"wrote {write_to}")
        return
    diff = par.compare(par.read(pathlib.Path(check_against)), have)
    for line in diff:
        click.echo(line)
    if diff:
        raise click.ClickException(f"output differs from {check_against} ({len(diff)} tables)")
    n = sum(len(t) for t in have["corpora"].values())
    click.echo(f"identical: {n} tables of {', '.join(names)} as in {check_against}")


@main.command()
@click.option("--warehouse", default=lambda: os.environ.get("OGI_WAREHOUSE_DIR", "warehouse"),
              show_default="warehouse", help="Warehouse folder holding ogi.duckdb.")
@click.option("--out", default=None, help="HTML file to write (default: WAREHOUSE/audit.html).")
@click.option("--raw", default=None, help="The raw folder, for links to the source files "
                                          "(default: the one the last run read, meta_runs.raw_dir).")
def audit(warehouse: str, out: str | None, raw: str | None) -> None:
    """Write the static audit page: per report its status, tables found and failing checks with evidence."""
    from .audit import write_audit

    try:
        path = write_audit(warehouse, out, raw)
    except FileNotFoundError as e:
        raise click.ClickException(str(e))
    click.echo(f"wrote {path} (open it in a browser; no server needed)")


if __name__ == "__main__":
    main()
