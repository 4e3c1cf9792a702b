"""The executors of the ogi job, chosen by run config (the Dagster layer).

The job's executor `ogi` takes one of these under `execution: config:`

    in_process: {}                                    steps one after another, in this process
    multiprocess: {max_concurrent: 2}                 each step in a process of this machine
    dask: {cluster: {local: {n_workers: 2}}}          a Dask LocalCluster started for the run
    dask: {cluster: {existing: {address: tcp://scheduler:8786}}}   a running Dask cluster

`dask` is dagster-dask's executor (every cluster type it knows: local, existing, ssh,
yarn, pbs, slurm, kube, …), with two differences: it re-executes a failed run's failed
steps alone (dagster-dask's own waits for futures of steps the re-execution does not
run, and fails), and a worker that dies under a step whose retries Dask has used up
stops the run with a message that says what happened and what a rerun does. `ogi run` uses the in-process path unless `--executor dask` (or
OGI_EXECUTOR=dask) asks otherwise; `dagster dev` launches with `multiprocess` unless the
launchpad's run config says otherwise.

Celery and Kubernetes: `OGI_EXECUTOR=celery` or `OGI_EXECUTOR=k8s` in the environment of
every process that loads the code location makes the job use `dagster_celery`'s
`celery_executor` or `dagster_k8s`'s `k8s_job_executor` instead (packages not installed
by default; their run config is theirs: see docs/distributed.md).
"""
from __future__ import annotations

import os

from dagster import Field, Selector, executor, in_process_executor, multiprocess_executor
from dagster._core.definitions.executor_definition import multiple_process_executor_requirements
from dagster._core.executor.init import InitExecutorContext

EXECUTORS = ("in_process", "multiprocess", "dask")


def _dask_executor_def():
    from dagster_dask import dask_executor

    return dask_executor


def _dask_sizeof() -> None:
    """Tell Dask the size of Dagster's records (it would iterate them, which they refuse,
    and warn for every step result)."""
    try:
        from dask.sizeof import sizeof
    except ImportError:
        return
    from dagster import AssetKey, DagsterEvent, DagsterRun
    from dagster._core.execution.plan.state import KnownExecutionState

    for cls in (AssetKey, DagsterEvent, DagsterRun, KnownExecutionState):
        sizeof.register(cls, lambda _x: 1024)


_dask_sizeof()


CLUSTERS = {  # dagster-dask's cluster types: (module, class)
    "local": ("dask.distributed", "LocalCluster"), "ssh": ("dask.distributed", "SSHCluster"),
    "yarn": ("dask_yarn", "YarnCluster"), "pbs": ("dask_jobqueue", "PBSCluster"),
    "moab": ("dask_jobqueue", "MoabCluster"), "sge": ("dask_jobqueue", "SGECluster"),
    "lsf": ("dask_jobqueue", "LSFCluster"), "slurm": ("dask_jobqueue", "SLURMCluster"),
    "oar": ("dask_jobqueue", "OARCluster"), "kube": ("dask_kubernetes", "KubeCluster"),
}


def _ogi_dask(init_context: InitExecutorContext):
    import importlib

    import dask.distributed
    from dagster import DagsterEvent
    from dagster._core.errors import raise_execution_interrupts
    from dagster._utils import iterate_with_context
    from dagster_dask.executor import DaskExecutor, get_dask_resource_requirements, query_on_dask_worker

    class OgiDaskExecutor(DaskExecutor):
        """dagster-dask's executor with two differences: a re-execution runs (a step whose
        input comes from the parent run has no Dask future to wait for), and a worker lost
        past Dask's retries is said plainly."""

        def execute(self, plan_context, execution_plan):
            try:
                yield from self._execute(plan_context, execution_plan)
            except Exception as e:  # noqa: BLE001 - re-raised with the meaning for this job
                name = type(e).__name__
                if name in ("KilledWorker", "CommClosedError", "FutureCancelledError", "CancelledError"):
                    raise RuntimeError(
                        f"a Dask worker died while running a step of this run ({name}: {e}); nothing was "
                        "published. The shards that finished are staged: run again and only the rest is "
                        "parsed.") from e
                raise

        def _cluster(self, job_name: str):
            if self.cluster_type == "existing":
                return self.cluster_configuration["address"]
            if self.cluster_type not in CLUSTERS:
                raise ValueError(f"unknown Dask cluster type {self.cluster_type!r}")
            module, cls = CLUSTERS[self.cluster_type]
            return getattr(importlib.import_module(module), cls)(**self.build_dict(job_name))

        def _execute(self, plan_context, execution_plan):
            if not plan_context.instance.is_persistent:
                raise RuntimeError("Dask execution needs a persistent Dagster instance (DAGSTER_HOME)")
            job_name = plan_context.job_name
            instance_ref = plan_context.instance.get_ref()
            with dask.distributed.Client(self._cluster(job_name)) as client:
                futures = {}
                for level in execution_plan.get_steps_to_execute_by_level():
                    for step in level:
                        deps = [futures[k] for inp in step.step_inputs for k in inp.dependency_keys
                                if k in futures]   # (the others ran in the parent run)
                        futures[step.key] = client.submit(
                            query_on_dask_worker, deps, plan_context.reconstructable_job,
                            plan_context.dagster_run, plan_context.run_config, [step.key], instance_ref,
                            execution_plan.known_state, key=f"{job_name}.{step.key}",
                            resources=get_dask_resource_requirements(step.tags))
                done = dask.distributed.as_completed(list(futures.values()), with_results=True)
                for _future, events in iterate_with_context(raise_execution_interrupts, done):
                    for ev in events:
                        yield check_event(ev, DagsterEvent)

    ((kind, conf),) = init_context.executor_config["cluster"].items()
    return OgiDaskExecutor(kind, conf)


def check_event(ev, cls):
    if not isinstance(ev, cls):
        raise TypeError(f"a Dask step returned {type(ev).__name__}, not a Dagster event")
    return ev


def _selector_fields() -> dict:
    fields = {
        "in_process": Field(in_process_executor.config_schema.as_field().config_type, is_required=False),
        "multiprocess": Field(multiprocess_executor.config_schema.as_field().config_type, is_required=False),
    }
    try:
        fields["dask"] = Field(_dask_executor_def().config_schema.as_field().config_type, is_required=False)
    except ImportError:  # (dagster-dask is a dependency; a trimmed install still runs in process)
        pass
    return fields


@executor(name="ogi", config_schema=Field(Selector(_selector_fields()), default_value={"multiprocess": {}}),
          requirements=multiple_process_executor_requirements())
def ogi_executor(init_context: InitExecutorContext):
    """in_process, multiprocess or dask, by run config (see the module docstring)."""
    ((kind, conf),) = init_context.executor_config.items()
    if kind == "dask":
        target_def, make = _dask_executor_def(), _ogi_dask
    else:
        target_def = in_process_executor if kind == "in_process" else multiprocess_executor
        make = target_def.executor_creation_fn
    sub = InitExecutorContext(job=init_context.job, executor_def=target_def, executor_config=conf,
                              instance=init_context.instance)
    return make(sub)


def job_executor():
    """The executor definition of the job: `ogi_executor`, or celery's / k8s's when
    OGI_EXECUTOR says so (read wherever the code location loads)."""
    kind = os.environ.get("OGI_EXECUTOR", "").strip().lower()
    if kind == "celery":
        from dagster_celery import celery_executor

        return celery_executor
    if kind in ("k8s", "kubernetes"):
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor
    return ogi_executor


def dask_run_config(address: str | None = None, workers: int = 2, threads: int = 1) -> dict:
    """`execution:` run config of the dask executor: an existing scheduler by address, or a
    LocalCluster of `workers` worker processes started for the run."""
    if address:
        cluster = {"existing": {"address": address}}
    else:
        cluster = {"local": {"n_workers": workers, "threads_per_worker": threads, "processes": True,
                             "dashboard_address": None}}
    return {"execution": {"config": {"dask": {"cluster": cluster}}}}
