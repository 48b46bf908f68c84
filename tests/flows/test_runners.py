"""The temporary Prefect API that `briefing run` starts before importing prefect."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.runners import early_prefect_api, free_port

REPO = Path(__file__).resolve().parents[2]

# A child that starts the API, prints the server's pid, then waits to be killed.
CHILD = """
import os, sys, time
from flows.runners import early_prefect_api
with early_prefect_api() as api:
    print(api.process.pid, flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); its state in /proc says it has exited.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def test_free_port_can_be_bound() -> None:
    import socket

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_a_set_api_url_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:1/api")
    with early_prefect_api() as api:
        assert api.api_url is None and api.process is None
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:1/api"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_the_server_stops_when_its_run_is_killed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect"), "DO_NOT_TRACK": "1", "PYTHONPATH": str(REPO)})
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, env=env, cwd=REPO)
    assert child.stdout is not None
    server_pid = int(child.stdout.readline())
    assert _alive(server_pid)
    child.send_signal(signal.SIGKILL)  # no cleanup runs in the child
    child.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(server_pid), "the API server outlived the killed run"


def test_the_api_answers_and_is_stopped_on_exit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    for key in [k for k in os.environ if k.startswith("PREFECT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    from prefect.settings import get_current_settings

    with early_prefect_api() as api:
        assert api.api_url and os.environ["PREFECT_API_URL"] == api.api_url
        with api.ready(120), urllib.request.urlopen(f"{api.api_url}/health", timeout=5) as response:
            assert response.status == 200
            # No heartbeats against a server that lives only as long as the run (each flow's end
            # would wait for the heartbeat thread).
            assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().flows.heartbeat_frequency is not None
        process = api.process
    assert process is not None and process.poll() is not None, "the server is stopped on exit"
    assert "PREFECT_API_URL" not in os.environ
