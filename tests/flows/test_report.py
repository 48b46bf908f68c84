"""The report stage over a real DuckDB file holding hand-built rows (tests/reports/data)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.settings import Settings
from flows import reporting, store
from flows.reporting import build_period, read_warehouse, write_reports
from reports.charts import bundle_name

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "data" / "briefing_sample.json"
sys.path.insert(0, str(SAMPLE.parents[1]))
from report_samples import load_warehouse  # noqa: E402  (tests/reports is not a package)

CLOCK = datetime(2025, 5, 12, 7, 0)


def load_sample(settings: Settings) -> dict[str, Any]:
    """Store the sample documents, sources, figures and findings as ingest and validate would."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    docs = [{**d, "published_at": datetime.fromisoformat(d["published_at"]), "format": "txt",
             "chars": len(d["text"]), "date_origin": "header", "extractor_version": "v"}
            for d in data["documents"]]
    with store.connect(settings.db_path) as con:
        store.write_batch(con, docs, data["sources"], data["figures"])
        store.write_validation(con, "run-1", data["findings"], data["suspect"])
    return data


def report(settings: Settings, every: str = "week", period: str | None = None) -> Any:
    with store.connect(settings.db_path) as con:
        return write_reports(con, settings, every=every, period=period, now=CLOCK)


@pytest.fixture
def settings(briefing_home: Path) -> Settings:
    s = Settings.from_env()
    load_sample(s)
    return s


def test_every_period_is_written_with_csv_json_and_index(settings: Settings) -> None:
    summary = report(settings)
    out = settings.briefings_dir
    assert [Path(p).name for p in summary.written] == ["briefing-2025-W18.html", "briefing-2025-W19.html"]
    for stem in ("briefing-2025-W18", "briefing-2025-W19"):
        html = (out / f"{stem}.html").read_text(encoding="utf-8")
        assert f'href="{stem}.csv"' in html and f'href="{stem}.json"' in html
    frame = pd.read_csv(out / "briefing-2025-W19.csv")
    records = json.loads((out / "briefing-2025-W19.json").read_text(encoding="utf-8"))
    assert sorted(frame["figure_id"]) == sorted(r["figure_id"] for r in records) == [
        "f06", "f07", "f08", "f09", "f10", "f11", "f12", "f13"]
    assert {r["figure_id"]: r["status"] for r in records}["f11"] == "suspect"
    findings = pd.read_csv(out / "briefing-2025-W19-findings.csv")
    assert list(findings["figure_id"]) == ["f11", "f09"] and "run_id" not in findings.columns
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("briefing-2025-W19.html") < index.index("briefing-2025-W18.html")
    with store.connect(settings.db_path, read_only=True) as con:
        rows = store.read_briefings(con).set_index("period")
    assert rows.loc["2025-W19", ["figures", "documents", "flagged"]].tolist() == [8, 2, 1]
    assert rows.loc["2025-W18", ["figures", "documents", "flagged"]].tolist() == [5, 1, 0]


def test_unchanged_periods_are_skipped_and_changed_ones_rerendered(settings: Settings) -> None:
    report(settings)
    again = report(settings)
    assert again.written == [] and again.skipped == ["2025-W18", "2025-W19"]
    # A new finding on a W19 figure changes W19's page only.
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    findings = [*data["findings"], {"rule": "impossible_value", "severity": "error", "figure_id": "f07",
                                    "doc_id": "d2b0", "related_figure_ids": None, "message": "too big"}]
    with store.connect(settings.db_path) as con:
        store.write_validation(con, "run-2", findings, ["f11", "f07"])
    third = report(settings)
    assert [Path(p).name for p in third.written] == ["briefing-2025-W19.html"]
    assert third.skipped == ["2025-W18"]
    assert "impossible_value" in (settings.briefings_dir / "briefing-2025-W19.html").read_text("utf-8")


def test_a_requested_period_is_always_rendered(settings: Settings) -> None:
    report(settings)
    summary = report(settings, "month", "2025-05")
    assert [Path(p).name for p in summary.written] == ["briefing-2025-05.html"]
    index = (settings.briefings_dir / "index.html").read_text(encoding="utf-8")
    assert "briefing-2025-05.html" in index and "briefing-2025-W19.html" in index


@pytest.mark.parametrize(
    ("every", "period", "message"),
    [
        ("week", "2025-W30", "no documents published in week 2025-W30"),
        ("month", "2025-W19", "is a week"),
        ("month", "2025-13", "month must be 01 to 12"),
        ("week", "May 2025", "not a week, month or quarter"),
    ],
)
def test_bad_periods_get_a_clear_error(settings: Settings, every: str, period: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        report(settings, every, period)


def test_cli_report_takes_the_kind_from_the_period(prefect_harness: None, settings: Settings) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["report", "--period", "2025-Q2"])
    assert result.exit_code == 0, result.output
    assert "briefing-2025-Q2.html" in result.output
    assert (settings.briefings_dir / "briefing-2025-Q2.html").exists()
    bad = runner.invoke(app, ["report", "--every", "month", "--period", "2025-W19"])
    assert bad.exit_code == 2
    assert "is a week" in bad.output


@pytest.mark.parametrize(
    ("every", "window", "documents"), [("week", 1, 1500), ("week", 8, 1500), ("month", 8, 1500), ("week", 8, 1)]
)
def test_reading_per_period_from_duckdb_builds_the_same_pages_as_frames(
    settings: Settings, every: str, window: int, documents: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reporting, "PERIODS_PER_READ", window)
    monkeypatch.setattr(reporting, "DOCUMENTS_PER_READ", documents)  # 1: one period a read
    frames = load_warehouse(every)
    with store.connect(settings.db_path, read_only=True) as con:
        wh = read_warehouse(con, every)
        assert wh.periods == frames.periods
        for key in wh.periods:
            view, figures = build_period(wh, key, every)
            expected, expected_figures = build_period(frames, key, every)
            assert view == expected
            assert sorted(figures["figure_id"]) == sorted(expected_figures["figure_id"])


def test_charts_are_drawn_by_the_scripts_written_once_beside_the_pages(settings: Settings) -> None:
    report(settings)
    out = settings.briefings_dir
    bundle = out / "assets" / bundle_name()
    script = out / "assets" / "briefing-charts.js"
    assert bundle.stat().st_size > 500_000 and script.exists()
    html = (out / "briefing-2025-W19.html").read_text(encoding="utf-8")
    for src in (f"assets/{bundle_name()}", "assets/briefing-charts.js"):
        assert f'<script src="{src}" defer></script>' in html
    assert html.count('<script type="application/json" class="vega-spec"') == 3
    # The bundle is kept while its versions match; a changed charts script is rewritten.
    stamp = bundle.stat().st_mtime_ns
    script.write_text("stale", encoding="utf-8")
    again = report(settings)
    assert again.written == [] and bundle.stat().st_mtime_ns == stamp
    assert script.read_text(encoding="utf-8") != "stale"


def test_a_new_briefings_folder_takes_the_chart_bundle_from_the_cache(
    settings: Settings, tmp_path: Path
) -> None:
    import shutil
    from dataclasses import replace

    cached = replace(settings, cache_dir=tmp_path / "cache")
    report(cached)
    name = bundle_name()
    made = (settings.briefings_dir / "assets" / name).read_text(encoding="utf-8")
    kept = tmp_path / "cache" / "chart-assets" / name
    assert kept.read_text(encoding="utf-8") == made, "the bundle made is kept in the cache"
    # A new folder copies the cached bundle instead of making one (marked to tell them apart).
    marked = made.replace("bundled by vl-convert", "bundled by vl-convert (cached)", 1)
    kept.write_text(marked, encoding="utf-8")
    shutil.rmtree(settings.briefings_dir)
    report(cached)
    assert (settings.briefings_dir / "assets" / name).read_text(encoding="utf-8") == marked
    # A damaged copy is not used: the bundle is made again, and the cache repaired.
    kept.write_text(made[: len(made) // 2], encoding="utf-8")
    shutil.rmtree(settings.briefings_dir)
    report(cached)
    assert (settings.briefings_dir / "assets" / name).read_text(encoding="utf-8") == made
    assert kept.read_text(encoding="utf-8") == made


def test_svg_charts_are_a_setting_and_switching_rerenders(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    report(settings)
    monkeypatch.setenv("BRIEFING_CHARTS", "svg")
    svg_settings = Settings.from_env()
    assert svg_settings.charts == "svg"
    summary = report(svg_settings)
    assert [Path(p).name for p in summary.written] == ["briefing-2025-W18.html", "briefing-2025-W19.html"]
    html = (settings.briefings_dir / "briefing-2025-W19.html").read_text(encoding="utf-8")
    assert "<script" not in html and html.count('<figure class="chart"') == html.count("<svg ") == 3
    assert report(svg_settings).written == []


def test_a_company_named_two_ways_is_one_section(settings: Settings) -> None:
    """Figures whose texts name one company differently group under its watchlist name."""
    every = "week"
    with store.connect(settings.db_path, read_only=True) as con:
        plain = read_warehouse(con, every)
        named = read_warehouse(con, every, names={"Qwen3": "Qwen", "Qwen": "Qwen"})
        before, after = set(), set()
        for key in plain.periods:
            before |= set(build_period(plain, key, every)[1]["entity"].dropna())
            after |= set(build_period(named, key, every)[1]["entity"].dropna())
    assert {"Qwen3", "Qwen"} <= before
    assert "Qwen" in after and "Qwen3" not in after
    assert before - {"Qwen3"} == after
