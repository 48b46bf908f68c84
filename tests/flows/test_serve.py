"""`briefing serve` end to end: a local server, two cron deployments, a triggered run, clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate, timeout_s: float, what: str, proc: subprocess.Popen | None = None):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"briefing serve exited early ({proc.returncode}) while waiting for {what}")
        try:
            value = predicate()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")


def test_serve_schedules_both_deployments_and_runs_one(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "BRIEFING_HOME": str(home),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "BRIEFING_PIPELINE_CRON": "0 * * * *",
        "BRIEFING_BRIEFING_CRON": "0 7 * * 1",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    })
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 (outlives this block: the process writes to it)
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "serve", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        def deployments() -> list[dict] | None:
            resp = httpx.post(f"{api}/deployments/filter", json={}, timeout=5)
            found = resp.json() if resp.status_code == 200 else []
            return found if len(found) >= 2 else None

        found = wait_for(deployments, 240, "two deployments", proc)
        flows = {f["id"]: f["name"] for f in httpx.post(f"{api}/flows/filter", json={}, timeout=5).json()}
        crons = {
            f"{flows[d['flow_id']]}/{d['name']}": [s["schedule"].get("cron") for s in d["schedules"]]
            for d in found
        }
        assert crons == {"pipeline/scheduled": ["0 * * * *"], "report/scheduled": ["0 7 * * 1"]}

        # Trigger the pipeline as a user would, with Prefect's own CLI against the served API.
        cli_env = {**env, "PREFECT_API_URL": api}
        out = subprocess.run(
            [sys.executable, "-m", "prefect", "deployment", "run", "pipeline/scheduled"],
            cwd=REPO_ROOT, env=cli_env, capture_output=True, text=True, timeout=120,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        pipeline_id = next(d["id"] for d in found if flows[d["flow_id"]] == "pipeline")

        def completed_run() -> str | None:
            runs = httpx.post(
                f"{api}/flow_runs/filter",
                json={"deployments": {"id": {"any_": [pipeline_id]}}, "flow_runs": {"state": {"type": {"any_": ["COMPLETED", "FAILED", "CRASHED"]}}}},
                timeout=5,
            ).json()
            return runs[0]["state"]["type"] if runs else None

        state = wait_for(completed_run, 300, "the triggered pipeline run to finish", proc)
        assert state == "COMPLETED", (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
        assert (home / "briefings" / "index.html").exists()
        assert (home / "warehouse.duckdb").exists()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
    # Everything it started is gone: the server's port is free again.
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
