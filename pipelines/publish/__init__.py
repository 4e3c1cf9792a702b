"""Publishing: staged segments and cached rows -> the warehouse (Parquet files and the
DuckDB file with its views, `writer.py`, `sql/`), the manifests of where reports came from
(`sources.py`)."""
