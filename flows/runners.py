"""Where flows run: the task runner (a setting: threads, or a local Dask cluster) and the API server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
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


class TemporaryApi:
    """Prefect's temporary API server, started by us before prefect is imported."""

    def __init__(self, api_url: str | None, process: subprocess.Popen[bytes] | None) -> None:
        self.api_url = api_url
        self.process = process

    @contextmanager
    def ready(self, timeout_s: float | None = None) -> Iterator[None]:
        """Wait until the server answers, then point Prefect at it for the duration.

        timeout_s defaults to Prefect's own start-up timeout setting (configure_prefect_env sets it).
        """
        if self.api_url is None:
            yield
            return
        if timeout_s is None:
            timeout_s = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90"))
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            temporary_settings,
        )

        from flows.serving import wait_until_healthy

        wait_until_healthy(self.api_url, timeout_s, self.process)
        # Settings are read when prefect is imported; in a process that imported it earlier
        # (tests, embedding) the environment variable alone would not reach it.
        # No flow-run heartbeats: they let a long-lived server notice crashed runs, but this
        # server lives and dies with the run; and each flow's end waits up to a second for its
        # heartbeat thread (time.sleep(1) steps), four flows in `briefing run`.
        with temporary_settings(updates={PREFECT_API_URL: self.api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def early_prefect_api() -> Iterator[TemporaryApi]:
    """Start Prefect's temporary API server now, when PREFECT_API_URL is unset; stop it on exit.

    Prefect starts the same server (uvicorn on its app factory, no UI, ephemeral services) on a
    flow's first API call, after `import prefect`. Starting it first lets its start-up (about
    8 s here, most of it imports and, in a new home, database migrations) overlap this
    process's imports of prefect, pandas and duckdb; Dask workers inherit the URL, so they
    share it instead of each starting their own. Call before importing prefect.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield TemporaryApi(None, None)
        return
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
        # The variables Prefect's own temporary server sets (prefect 3.8 server/api/server.py).
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"},
        # Same process group as this run (Ctrl-C or a group kill stops both), and on Linux
        # the server is told to stop if this process dies without cleaning up.
        preexec_fn=_parent_death_signal(),
    )
    api_url = f"http://127.0.0.1:{port}/api"
    # Read by prefect at import, and inherited by Dask workers. The server has no UI, so no
    # "View at" links to pages that do not exist (an empty UI URL turns them off).
    added = {"PREFECT_API_URL": api_url, "PREFECT_UI_URL": ""}
    added = {k: v for k, v in added.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield TemporaryApi(api_url, process)
    finally:
        for key in added:
            os.environ.pop(key, None)
        _flush_prefect_logs()
        stop_process(process)


def _flush_prefect_logs() -> None:
    """Send buffered run logs and events to the server before it stops (if prefect was imported).

    Prefect records task runs from events, so events still queued when the server stops
    would be runs missing from its history.
    """
    if "prefect.logging.handlers" in sys.modules:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        EventsWorker.drain_all(timeout=5)
        APILogWorker.drain_all(timeout=5)


def _parent_death_signal() -> Callable[[], object] | None:
    """A pre-exec hook asking Linux to SIGTERM the child when this process dies (else None).

    Resolved here, in the parent, so the child runs one foreign call between fork and exec
    and takes no import lock another thread might hold.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = 20, *, group: bool = False) -> None:
    """SIGTERM the process (the server finishes its writes), SIGKILL if it hangs.

    group: signal its whole process group (a process started with start_new_session, whose
    children must stop with it).
    """
    if process.poll() is not None:
        return

    def send(sig: signal.Signals) -> None:
        if group:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)

    send(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()
