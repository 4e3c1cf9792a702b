"""The Dagster layer, and the only one that imports dagster: the assets (raw files,
parsed reports as plan / shard steps / gather, one asset per published table),
resources, job, schedule and sensor (`assets.py`), the code location
(`definitions.py`), the job's executor chosen by run config (`executors.py`: in
process, multiprocess, Dask), and the run used by `ogi run` and the tests (`runner.py`)."""
