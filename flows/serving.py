"""`briefing serve`: deployments on cron schedules, with a local Prefect server when none is set."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefing.settings import Settings
from flows.runners import stop_process

DEPLOYMENT_NAME = "scheduled"


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((host, port)) != 0


def wait_until_healthy(api_url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll the server's /health endpoint until it answers, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the Prefect server at {api_url} was not healthy after {timeout_s:.0f}s")


@contextmanager
def local_prefect_server(settings: Settings, port: int) -> Iterator[str]:
    """Start `prefect server start` on 127.0.0.1:port, yield its API URL, stop it on exit."""
    if not port_is_free(port):
        raise RuntimeError(
            f"port {port} is in use: pass --port, or set PREFECT_API_URL to use that server"
        )
    log_path = settings.home / "prefect-server.log"
    log = open(log_path, "ab")  # noqa: SIM115 (closed when the server stops)
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PREFECT_API_URL": ""},
        start_new_session=True,
    )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_until_healthy(api_url, timeout_s=120, process=process)
        yield api_url
    finally:
        stop_process(process, 20, group=True)
        log.close()


def build_deployments(settings: Settings) -> list[object]:
    """The pipeline (hourly by default) and briefing (weekly by default) deployments."""
    from flows.pipeline import pipeline, report

    return [
        pipeline.to_deployment(
            name=DEPLOYMENT_NAME,
            cron=settings.pipeline_cron,
            description="Ingest the inbox, validate every figure, render changed briefings.",
            tags=["briefing"],
        ),
        report.to_deployment(
            name=DEPLOYMENT_NAME,
            cron=settings.briefing_cron,
            parameters={"every": settings.report_every},
            description="Render the latest periodic briefing.",
            tags=["briefing"],
        ),
    ]


def _serve(settings: Settings) -> None:
    from prefect import serve

    serve(*build_deployments(settings), print_starting_message=True)  # type: ignore[arg-type]


def serve_deployments(settings: Settings, *, port: int) -> None:
    """Serve both deployments; start and stop a local server unless PREFECT_API_URL is set."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    api_url = os.environ.get("PREFECT_API_URL")
    try:
        if api_url:
            print(f"Using the Prefect server at {api_url}", flush=True)
            _serve(settings)
            return
        print(f"Starting a local Prefect server on 127.0.0.1:{port} ...", flush=True)
        with local_prefect_server(settings, port) as url:
            os.environ["PREFECT_API_URL"] = url
            print(f"Prefect UI: http://127.0.0.1:{port}", flush=True)
            print(
                f"Deployments: pipeline/{DEPLOYMENT_NAME} ({settings.pipeline_cron}), "
                f"report/{DEPLOYMENT_NAME} ({settings.briefing_cron}); "
                f"trigger one with: prefect deployment run 'pipeline/{DEPLOYMENT_NAME}'",
                flush=True,
            )
            _serve(settings)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)


def server_log_path(settings: Settings) -> Path:
    """Where the local server's output goes."""
    return settings.home / "prefect-server.log"
