"""The temporary Prefect API that `briefing run` starts before importing prefect."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from flows.runners import (
    _is_template,
    early_prefect_api,
    free_port,
    prefect_db_path,
    prefect_template_key,
    seed_prefect_db,
)

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


def _clean_prefect_env(monkeypatch: pytest.MonkeyPatch, prefect_home: Path) -> None:
    for key in [k for k in os.environ if k.startswith("PREFECT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PREFECT_HOME", str(prefect_home))
    # As `briefing run` sets it: with telemetry on, the server records a session no template may carry.
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def test_a_new_home_starts_from_the_saved_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client

    templates = tmp_path / "templates"
    _clean_prefect_env(monkeypatch, tmp_path / "first")
    with early_prefect_api(templates) as api, api.ready(120):
        pass
    saved = list(templates.glob("*.db"))
    assert [p.name for p in saved] == [f"{prefect_template_key()}.db"], "the first new home saves a template"
    assert _is_template(saved[0])

    @flow
    def tiny() -> int:
        return 1

    second = tmp_path / "second"
    _clean_prefect_env(monkeypatch, second)
    with early_prefect_api(templates) as api:
        # Copied before the server starts: it finds its database migrated.
        assert (second / "prefect.db").is_file()
        with api.ready(120):
            assert tiny() == 1
            with get_client(sync_client=True) as client:
                assert [r.name for r in client.read_flow_runs()] and client.read_block_types()
    assert not list(second.glob(".prefect.db.*")), "no temporary copy is left behind"
    # The template holds no runs: the second home's run did not flow back into it.
    assert _is_template(saved[0])


def test_a_damaged_or_used_template_is_not_copied(tmp_path: Path) -> None:
    key = prefect_template_key()
    assert key is not None
    templates = tmp_path / "templates"
    templates.mkdir()
    template = templates / f"{key}.db"
    template.write_bytes(b"not a database" * 100)
    db = tmp_path / "home" / "prefect.db"
    assert not seed_prefect_db(db, templates) and not db.exists()
    template.unlink()
    with closing(sqlite3.connect(template)) as con:
        con.executescript(
            "CREATE TABLE alembic_version (version_num TEXT); INSERT INTO alembic_version VALUES ('x');"
            "CREATE TABLE block_type (id TEXT); INSERT INTO block_type VALUES ('b');"
            "CREATE TABLE flow_run (id TEXT);"
        )
    assert _is_template(template)
    assert seed_prefect_db(db, templates) and db.is_file()
    # A database already there is never replaced.
    db.write_bytes(b"mine")
    assert not seed_prefect_db(db, templates) and db.read_bytes() == b"mine"
    with closing(sqlite3.connect(template)) as con:
        con.execute("INSERT INTO flow_run VALUES ('a run of another home')")
        con.commit()
    assert not _is_template(template)
    db.unlink()
    assert not seed_prefect_db(db, templates) and not db.exists()


def test_a_database_configured_elsewhere_gets_no_template(tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    assert prefect_db_path({"PREFECT_HOME": str(home)}) == home / "prefect.db"
    url = "postgresql+asyncpg://u@db/prefect"
    assert prefect_db_path({"PREFECT_HOME": str(home), "PREFECT_SERVER_DATABASE_CONNECTION_URL": url}) is None
    assert prefect_db_path({"PREFECT_HOME": str(home), "PREFECT_API_DATABASE_CONNECTION_URL": url}) is None
    home.mkdir()
    (home / "profiles.toml").write_text("active = 'x'\n")
    assert prefect_db_path({"PREFECT_HOME": str(home)}) is None
    assert prefect_db_path({}) is None
