"""Where flows run: the task runner (a setting: threads, or a local Dask cluster) and the API server."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
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
    """Prefect's temporary API server, started by us before prefect is imported.

    template: (the server's new database, the template folder) when that folder has no template
    for this prefect yet: ready() saves the database, as start-up left it, as one.
    """

    def __init__(
        self,
        api_url: str | None,
        process: subprocess.Popen[bytes] | None,
        template: tuple[Path, Path] | None = None,
    ) -> None:
        self.api_url = api_url
        self.process = process
        self.template = template

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
        if self.template is not None:
            # Healthy means migrated and blocks registered, and no flow has run yet.
            save_prefect_template(*self.template)
            self.template = None
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


# Settings that put Prefect's database somewhere other than $PREFECT_HOME/prefect.db.
_DATABASE_SETTINGS = ("PREFECT_API_DATABASE_", "PREFECT_SERVER_DATABASE_", "PREFECT_PROFILES_PATH")


def prefect_db_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The SQLite file Prefect's server will use, when it is surely $PREFECT_HOME/prefect.db (else None)."""
    env = os.environ if env is None else env
    home = env.get("PREFECT_HOME")
    if not home or any(key.startswith(_DATABASE_SETTINGS) for key in env):
        return None
    home_path = Path(home).expanduser()
    # A profile or a prefect.toml may name another database: leave start-up to Prefect.
    if (home_path / "profiles.toml").exists() or Path("prefect.toml").exists():
        return None
    return home_path / "prefect.db"


def prefect_template_key() -> str | None:
    """A name for templates of this prefect and its installed collections (which register blocks).

    The installed prefect*.dist-info folders beside prefect carry their versions, read without
    importing prefect; None when they cannot be found (no template then).
    """
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        return None
    site = Path(spec.origin).resolve().parents[1]
    dists = sorted(p.name for p in site.glob("prefect*.dist-info"))
    if not any(name.startswith("prefect-") for name in dists):
        return None
    return hashlib.sha256("\n".join(dists).encode()).hexdigest()[:16]


def _is_template(path: Path) -> bool:
    """Whether path is an intact Prefect database holding only what start-up writes (schema, blocks)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        if con.execute("PRAGMA quick_check").fetchone() != ("ok",):
            return False
        tables = [str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        if "alembic_version" not in tables or "block_type" not in tables:
            return False
        for table in tables:
            has_rows = con.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]
            if table in ("alembic_version", "block_type") and not has_rows:
                return False
            # A template must not carry one home's runs, logs or events into another.
            if has_rows and not table.startswith(("alembic_version", "block_", "sqlite_")):
                return False
    return True


def seed_prefect_db(db: Path, template_dir: Path) -> bool:
    """Copy this prefect's template to db when db does not exist yet; True if it did.

    Saves the server's start-up in a new home ~4.5 s of CPU (database migrations, block
    registration). Anything off (no template, a damaged one, a database appearing meanwhile)
    returns False and the server starts as usual.
    """
    key = prefect_template_key()
    template = template_dir / f"{key}.db"
    if key is None or not template.is_file() or db.exists() or db.with_name(db.name + "-wal").exists():
        return False
    tmp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, tmp)
        # The copy is checked, not the template, which another run may be replacing.
        if not _is_template(tmp):
            return False
        # A link, not a rename: it fails if a database appeared meanwhile, which is then kept.
        os.link(tmp, db)
        return True
    except (OSError, sqlite3.Error):
        return False
    finally:
        tmp.unlink(missing_ok=True)


def save_prefect_template(db: Path, template_dir: Path) -> bool:
    """Save a consistent copy of a just-started server's database as this prefect's template."""
    key = prefect_template_key()
    if key is None or not db.is_file() or (template_dir / f"{key}.db").exists():
        return False
    tmp = template_dir / f".{key}.{os.getpid()}.tmp"
    try:
        template_dir.mkdir(parents=True, exist_ok=True)
        # SQLite's backup reads a consistent snapshot while the server keeps running.
        with closing(sqlite3.connect(db, timeout=5)) as source, closing(sqlite3.connect(tmp)) as target:
            source.backup(target)
            # One self-contained file (the server's is in WAL mode); Prefect turns WAL back on.
            target.execute("PRAGMA journal_mode = DELETE")
        if not _is_template(tmp):
            return False
        os.replace(tmp, template_dir / f"{key}.db")
        return True
    except (OSError, sqlite3.Error):
        return False
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def early_prefect_api(template_dir: Path | None = None) -> Iterator[TemporaryApi]:
    """Start Prefect's temporary API server now, when PREFECT_API_URL is unset; stop it on exit.

    Prefect starts the same server (uvicorn on its app factory, no UI, ephemeral services) on a
    flow's first API call, after `import prefect`. Starting it first lets its start-up (about
    4 s of CPU here, most of it imports; 8 s in a new home without a template) overlap this
    process's imports of prefect, pandas and duckdb; Dask workers inherit the URL, so they
    share it instead of each starting their own. Call before importing prefect.

    template_dir: where pre-migrated Prefect databases are kept. A new home gets a copy of the
    one for this prefect, so its server skips migrations and block registration; without one,
    the database the server creates is saved as one once it is healthy.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield TemporaryApi(None, None)
        return
    db = prefect_db_path() if template_dir is not None else None
    # (the new database, the template folder) while a home has no database of its own.
    fresh = (db, template_dir) if db is not None and template_dir is not None and not db.exists() else None
    seeded = fresh is not None and seed_prefect_db(*fresh)
    # The variables Prefect's own temporary server sets (prefect 3.8 server/api/server.py).
    server_env = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    if seeded and "PREFECT_SERVER_REGISTER_BLOCKS_ON_START" not in os.environ:
        # The template holds the block types already.
        server_env["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] = "false"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
        env={**os.environ, **server_env},
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
        yield TemporaryApi(api_url, process, None if seeded else fresh)
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
