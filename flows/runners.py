"""The task runner is a setting: threads by default, a local Dask cluster for scale-out."""

from __future__ import annotations

from typing import Any

from briefing.settings import Settings


def build_task_runner(settings: Settings) -> Any:
    """Return the Prefect task runner named by settings.task_runner."""
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        dask_dir = settings.home / ".dask"
        dask_dir.mkdir(parents=True, exist_ok=True)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": 2,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
                "local_directory": str(dask_dir),
            }
        )
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=2)


def with_task_runner(flow_obj: Any, settings: Settings) -> Any:
    """The flow with the configured task runner."""
    return flow_obj.with_options(task_runner=build_task_runner(settings))
