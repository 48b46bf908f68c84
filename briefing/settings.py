"""One typed settings object, read from the environment once and passed down as an argument."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO_ROOT / "data" / "samples"
DEFAULT_ENTITIES = REPO_ROOT / "data" / "entities.csv"
DEFAULT_FX_RATES = REPO_ROOT / "data" / "fx_rates.csv"


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True, slots=True)
class Settings:
    """Where briefing keeps its state and how it runs; see README 'Configuration'."""

    home: Path
    samples_dir: Path = SAMPLES_DIR
    inbox_dir: Path | None = None
    entities_file: Path | None = None
    fx_rates_file: Path = DEFAULT_FX_RATES
    feeds_file: Path | None = None
    max_file_bytes: int = 50 * 1024 * 1024
    batch_size: int = 500
    pipeline_cron: str = "0 * * * *"
    briefing_cron: str = "0 7 * * 1"
    report_every: str = "week"
    task_runner: str = "thread"
    lock_timeout_s: int = 600
    # "browser": charts as Vega-Lite specs the page draws offline (fast); "svg": inline SVG, no script.
    charts: str = "browser"
    # Where state shared by homes is cached (a pre-migrated Prefect database); None: no cache.
    cache_dir: Path | None = None

    @property
    def db_path(self) -> Path:
        """The DuckDB warehouse file."""
        return self.home / "warehouse.duckdb"

    @property
    def inbox(self) -> Path:
        """The folder users drop documents into."""
        return self.inbox_dir or self.home / "inbox"

    @property
    def briefings_dir(self) -> Path:
        """Where rendered briefings (HTML, CSV, JSON) go."""
        return self.home / "briefings"

    @property
    def quarantine_dir(self) -> Path:
        """Where reasons for rejected files are written (the files themselves are never moved)."""
        return self.home / "quarantine"

    @property
    def data_docs_dir(self) -> Path:
        """Great Expectations Data Docs, rendered for offline reading."""
        return self.home / "data_docs"

    @property
    def prefect_home(self) -> Path:
        """Prefect's own state (SQLite database of runs) for the embedded local API."""
        return self.home / ".prefect"

    @property
    def lock_path(self) -> Path:
        """A lock file so two runs never write the warehouse at once."""
        return self.home / ".briefing.lock"

    @property
    def entities_path(self) -> Path:
        """The entity watchlist: the user's copy under home if present, else the shipped one."""
        if self.entities_file is not None:
            return self.entities_file
        user_copy = self.home / "entities.csv"
        return user_copy if user_copy.exists() else DEFAULT_ENTITIES

    @property
    def feeds_path(self) -> Path:
        """The RSS/Atom feed list (TOML)."""
        return self.feeds_file or self.home / "feeds.toml"

    @property
    def prefect_template_dir(self) -> Path | None:
        """Where pre-migrated Prefect databases are kept for new homes (None: start-up migrates)."""
        return None if self.cache_dir is None else self.cache_dir / "prefect-db"

    @property
    def chart_cache_dir(self) -> Path | None:
        """Where the chart script bundle is kept for new briefings folders (None: made each time)."""
        return None if self.cache_dir is None else self.cache_dir / "chart-assets"

    def with_inbox(self, inbox: Path | None) -> Settings:
        """Return a copy reading documents from another inbox folder."""
        return self if inbox is None else replace(self, inbox_dir=Path(inbox))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every BRIEFING_* variable (see README) into one object."""
        env = os.environ if env is None else env
        home = Path(env.get("BRIEFING_HOME") or "data").expanduser().resolve()
        inbox = env.get("BRIEFING_INBOX")
        entities = env.get("BRIEFING_ENTITIES")
        feeds = env.get("BRIEFING_FEEDS")
        every = env.get("BRIEFING_REPORT_EVERY", "week")
        if every not in ("week", "month", "quarter"):
            raise ValueError(f"BRIEFING_REPORT_EVERY must be week, month or quarter, got {every!r}")
        runner = env.get("BRIEFING_TASK_RUNNER", "thread")
        if runner not in ("thread", "dask"):
            raise ValueError(f"BRIEFING_TASK_RUNNER must be thread or dask, got {runner!r}")
        charts = env.get("BRIEFING_CHARTS", "browser")
        if charts not in ("browser", "svg"):
            raise ValueError(f"BRIEFING_CHARTS must be browser or svg, got {charts!r}")
        return cls(
            home=home,
            cache_dir=_cache_dir(env),
            samples_dir=Path(env.get("BRIEFING_SAMPLES") or SAMPLES_DIR),
            inbox_dir=Path(inbox).expanduser().resolve() if inbox else None,
            entities_file=Path(entities) if entities else None,
            feeds_file=Path(feeds) if feeds else None,
            max_file_bytes=_env_int(env, "BRIEFING_MAX_FILE_BYTES", 50 * 1024 * 1024),
            batch_size=_env_int(env, "BRIEFING_BATCH_SIZE", 500),
            pipeline_cron=env.get("BRIEFING_PIPELINE_CRON", "0 * * * *"),
            briefing_cron=env.get("BRIEFING_BRIEFING_CRON", "0 7 * * 1"),
            report_every=every,
            task_runner=runner,
            lock_timeout_s=_env_int(env, "BRIEFING_LOCK_TIMEOUT_S", 600),
            charts=charts,
        )


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    """BRIEFING_CACHE_DIR, "off" for none; by default $XDG_CACHE_HOME/briefing (~/.cache/briefing)."""
    raw = (env.get("BRIEFING_CACHE_DIR") or "").strip()
    if raw.lower() == "off":
        return None
    if raw:
        return Path(raw).expanduser().resolve()
    base = env.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to resolve: run without a cache
            return None
    return Path(base).expanduser().resolve() / "briefing"


def configure_prefect_env(settings: Settings, env: dict[str, str] | None = None) -> None:
    """Set Prefect's offline, quiet defaults before prefect is imported (user values win)."""
    target = os.environ if env is None else env
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_UI_ENABLED": "true",
        "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "0.5",
        "GX_ANALYTICS_ENABLED": "false",
    }
    for key, value in defaults.items():
        target.setdefault(key, value)
