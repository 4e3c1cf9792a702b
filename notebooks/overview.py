# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # ogi warehouse overview
#
# What a run of `ogi run` published: which reports were read (coverage), the agencies
# with the most requests, how requests were handled (outcome shares) and how
# administrative review and litigation ended.
#
# The Parquet files are read with **pandas** and with **DuckDB** (`read_parquet`); the
# per-report rates come from the view `v_report_rates` in `ogi.duckdb`
# (see `docs/tables.md`). Plots are written as PNG files.
#
# Settings (environment variables):
# - `OGI_WAREHOUSE_DIR` — the warehouse folder (default `warehouse/`, the project's);
# - `OGI_PLOTS_DIR` — where the plots go (default `<warehouse>/plots/`).
#
# Run it as a script, or `make notebook` (an executed copy: `<warehouse>/overview.ipynb`).
# Jupyter itself is not installed by ogi: to open the notebook interactively,
# `.venv/bin/pip install jupyterlab` and `.venv/bin/jupyter lab warehouse/overview.ipynb`.

# %%
import os
import pathlib

import matplotlib

matplotlib.use("Agg")  # headless: plots go to files
import duckdb  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.dataset as pads  # noqa: E402
from matplotlib import font_manager  # noqa: E402


def find_warehouse() -> pathlib.Path:
    wh = pathlib.Path(os.environ.get("OGI_WAREHOUSE_DIR", "warehouse"))
    if not wh.is_absolute() and not wh.exists() and (pathlib.Path.cwd().parent / wh).exists():
        wh = pathlib.Path.cwd().parent / wh  # opened from notebooks/
    return wh.resolve()


WAREHOUSE = find_warehouse()
PARQUET = WAREHOUSE / "parquet"
PLOTS = pathlib.Path(os.environ.get("OGI_PLOTS_DIR", WAREHOUSE / "plots")).resolve()
PLOTS.mkdir(parents=True, exist_ok=True)
assert (PARQUET / "dim_reports").exists(), f"no warehouse at {WAREHOUSE}: run `ogi run` first"

# Chinese agency names need a CJK font; use one if the system has it, else plot report ids.
CJK = next((f.name for f in font_manager.fontManager.ttflist
            if f.name in ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
                          "Source Han Sans SC", "SimHei", "Microsoft YaHei")), None)
if CJK:
    plt.rcParams["font.sans-serif"] = [CJK, "DejaVu Sans"]
print("warehouse:", WAREHOUSE, "| plots:", PLOTS, "| CJK font:", CJK)


def save(fig, name: str) -> pathlib.Path:
    path = PLOTS / name
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print("wrote", path)
    return path


# %% [markdown]
# ## Load the Parquet files
#
# pandas reads a table's folder (fact tables are hive-partitioned by `year`, and hold `year`
# as a column too): the partitioning is given an integer schema, else pyarrow makes the
# folder names a category. Nullable integer columns arrive as `Int64`/`Int32` (the files
# carry pandas metadata). DuckDB reads the same files with `read_parquet(...)`.

# %%
YEAR_PARTITIONS = pads.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")


def read_table(name: str) -> pd.DataFrame:
    folder = PARQUET / name
    if any(folder.glob("year=*")):  # a fact table: the year comes from the folder names
        return pd.read_parquet(folder, partitioning=YEAR_PARTITIONS)
    return pd.read_parquet(folder)


reports = read_table("dim_reports")
applications = read_table("fct_applications")
outcomes = read_table("fct_outcomes")
review = read_table("fct_review_litigation")
codes = read_table("dim_codes")
print({name: len(df) for name, df in
       [("dim_reports", reports), ("fct_applications", applications), ("fct_outcomes", outcomes),
        ("fct_review_litigation", review)]})

db = duckdb.connect()


def pq(table: str) -> str:
    return f"read_parquet('{PARQUET / table}/**/*.parquet', hive_partitioning = true)"


# %% [markdown]
# ## Coverage
#
# Reports per statistics year and template, and how many of them were read completely.

# %%
coverage = db.sql(f"""
    select year, format_version, parse_status, count(*) as reports, CAST(sum(n_cells) AS BIGINT) as cells
    from {pq('dim_reports')}
    group by all order by year, format_version, parse_status
""").df()
coverage

# %%
by_year = coverage.pivot_table(index="year", columns="format_version", values="reports", aggfunc="sum", fill_value=0)
fig, ax = plt.subplots(figsize=(7, 3.5))
by_year.plot.bar(stacked=True, ax=ax)
ax.set_xlabel("statistics year")
ax.set_ylabel("reports")
ax.set_title("Reports per year and template")
save(fig, "coverage.png")
status = reports["parse_status"].value_counts()
status

# %% [markdown]
# ## Largest agencies by applications
#
# New requests received in the year (`stage = new_received`, applicant column `total`).

# %%
received = (applications.query("stage == 'new_received' and applicant_type == 'total'")
            .merge(reports[["report_id", "agency"]], on="report_id")
            [["report_id", "agency", "year", "value"]]
            .rename(columns={"value": "new_requests"})
            .sort_values("new_requests", ascending=False))
top = received.head(15).reset_index(drop=True)
top

# %%
labels = [(f"{a} {y}" if CJK else f"{r[:8]} {y}") for a, r, y in zip(top["agency"], top["report_id"], top["year"])]
fig, ax = plt.subplots(figsize=(7, 0.4 * len(top) + 1.2))
ax.barh(labels[::-1], top["new_requests"][::-1].astype(float), color="#4c72b0")
ax.set_xlabel("new requests received")
ax.set_title("Largest agencies by applications")
save(fig, "top_agencies.png")

# %% [markdown]
# ## How requests were handled
#
# Share of the outcome total (applicant column `total`) by outcome group. A group's figure
# is its printed subtotal, else the sum of its sub-rows (e.g. `withheld.*`).

# %%
GROUPS = ["granted", "partially_granted", "withheld", "unable", "not_processed", "other"]
tot = outcomes[outcomes["applicant_type"] == "total"].copy()
tot["group"] = tot["outcome"].str.split(".").str[0]
printed = tot[tot["outcome"].isin(GROUPS)].set_index(["report_id", "group"])["value"]
parts = tot[tot["outcome"].str.contains(".", regex=False)].groupby(["report_id", "group"])["value"].sum()
group_values = printed.combine_first(parts).unstack("group").reindex(columns=GROUPS)
totals = tot[tot["outcome"] == "total"].set_index("report_id")["value"]
shares = group_values.div(totals, axis=0).dropna(how="all").astype(float)
shares = shares.join(reports.set_index("report_id")[["agency", "year"]])
shares

# %%
fig, ax = plt.subplots(figsize=(8, 0.45 * len(shares) + 1.5))
plot = shares[GROUPS].fillna(0)
plot.index = [(f"{a} {y}" if CJK else f"{r[:8]} {y}") for r, a, y in zip(shares.index, shares["agency"], shares["year"])]
plot.plot.barh(stacked=True, ax=ax, width=0.7)
ax.set_xlabel("share of requests handled (outcome groups)")
ax.set_xlim(0, 1)
ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=6, fontsize=8)
save(fig, "outcome_shares.png")

# %% [markdown]
# The same shares, and the review/litigation correction rates (纠错率), as the view
# `v_report_rates` computes them in `ogi.duckdb`:

# %%
with duckdb.connect(str(WAREHOUSE / "ogi.duckdb"), read_only=True) as con:
    rates = con.sql("""select agency, year, outcomes_total, share_granted, share_partially_granted,
                              share_withheld, share_not_held, review_total, review_correction_rate,
                              litigation_total, litigation_correction_rate
                       from v_report_rates order by year, agency""").df()
rates

# %% [markdown]
# ## Administrative review and litigation
#
# Cases by result, summed over all reports (table 四, or prose where the table could not
# be read). Litigation without the direct/after-review split is its own row.

# %%
results = ["upheld", "corrected", "other", "pending"]
rv = (review[review["result"].isin(results)]
      .groupby(["proceeding", "result"])["value"].sum().unstack("result").reindex(columns=results).fillna(0))
rv

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
rv.astype(float).plot.bar(ax=ax)
ax.set_ylabel("cases")
ax.set_xlabel("")
ax.set_title("Review and litigation results")
ax.tick_params(axis="x", rotation=0, labelsize=8)
save(fig, "review_outcomes.png")

# %%
print(sorted(p.name for p in PLOTS.glob("*.png")))
