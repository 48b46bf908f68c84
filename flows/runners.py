"""The task runner is a setting: threads by default, a local Dask cluster for scale-out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def api_for_workers(settings: Settings, timeout_s: float = 120) -> Iterator[None]:
    """With Dask and no PREFECT_API_URL, start the temporary API up front and point workers at it.

    Without it the flow's temporary server is private to this process and every Dask worker
    starts a server of its own. The server is the default one Prefect would start anyway, so
    the flow itself uses it too: no extra start-up cost.
    """
    if settings.task_runner != "dask" or os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = SubprocessASGIServer()
    server.start(timeout=int(timeout_s))
    os.environ["PREFECT_API_URL"] = server.api_url  # workers inherit the environment
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()
