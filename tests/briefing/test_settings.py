"""Settings come from the environment, typed, with clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.settings import DEFAULT_ENTITIES, Settings, configure_prefect_env


def test_defaults_put_state_under_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.home == tmp_path / "data"
    assert settings.db_path == tmp_path / "data" / "warehouse.duckdb"
    assert settings.inbox == tmp_path / "data" / "inbox"
    assert settings.report_every == "week"
    assert settings.charts == "browser"
    assert settings.entities_path == DEFAULT_ENTITIES


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "BRIEFING_HOME": str(tmp_path / "h"),
        "BRIEFING_INBOX": str(tmp_path / "in"),
        "BRIEFING_BATCH_SIZE": "7",
        "BRIEFING_REPORT_EVERY": "quarter",
        "BRIEFING_PIPELINE_CRON": "*/5 * * * *",
    }
    settings = Settings.from_env(env)
    assert settings.home == tmp_path / "h"
    assert settings.inbox == tmp_path / "in"
    assert settings.batch_size == 7
    assert settings.report_every == "quarter"
    assert settings.pipeline_cron == "*/5 * * * *"


def test_user_entity_list_wins_when_present(tmp_path: Path) -> None:
    (tmp_path / "entities.csv").write_text("canonical,kind,aliases\n", encoding="utf-8")
    assert Settings.from_env({"BRIEFING_HOME": str(tmp_path)}).entities_path == tmp_path / "entities.csv"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BRIEFING_BATCH_SIZE", "many", "must be an integer"),
        ("BRIEFING_REPORT_EVERY", "daily", "week, month or quarter"),
        ("BRIEFING_TASK_RUNNER", "ray", "thread or dask"),
        ("BRIEFING_CHARTS", "png", "browser or svg"),
    ],
)
def test_bad_values_are_named_in_the_error(name: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        Settings.from_env({name: value})
    assert name in str(info.value)


def test_prefect_env_defaults_do_not_override_the_user(tmp_path: Path) -> None:
    settings = Settings.from_env({"BRIEFING_HOME": str(tmp_path)})
    env = {"PREFECT_HOME": "/custom"}
    configure_prefect_env(settings, env)
    assert env["PREFECT_HOME"] == "/custom"
    assert env["DO_NOT_TRACK"] == "1"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


def test_the_cache_folder_is_a_setting(tmp_path: Path) -> None:
    home = str(tmp_path / "h")
    default = Settings.from_env({"BRIEFING_HOME": home, "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert default.prefect_template_dir == tmp_path / "xdg" / "briefing" / "prefect-db"
    chosen = Settings.from_env({"BRIEFING_HOME": home, "BRIEFING_CACHE_DIR": str(tmp_path / "c")})
    assert chosen.prefect_template_dir == tmp_path / "c" / "prefect-db"
    off = Settings.from_env({"BRIEFING_HOME": home, "BRIEFING_CACHE_DIR": "off"})
    assert off.cache_dir is None and off.prefect_template_dir is None
