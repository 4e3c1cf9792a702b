"""Staging: find the report files under a folder, know their hashes, decide what needs
parsing, and parse it in a process pool under limits into staged Parquet segments
(`batch.py`, `limits.py`); the same as a fan-out of shards that can run on other
machines (`shards.py`), at a staging location every worker reaches (`staging.py`); one
writer per warehouse at a time (`runlock.py`)."""
