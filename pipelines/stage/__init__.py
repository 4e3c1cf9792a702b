"""Staging: find the report files under a folder, know their hashes, decide what needs
parsing, and parse it in a process pool under limits into staged Parquet segments
(`batch.py`, `limits.py`); one writer per warehouse at a time (`runlock.py`)."""
