"""The Dagster layer, and the only one that imports dagster: the assets (raw files,
parsed reports, one asset per published table), resources, job, schedule and sensor
(`assets.py`), the code location (`definitions.py`), and the in-process run used by
`ogi run` and the tests (`runner.py`)."""
