"""Scale-out: the pipeline on a local 2-worker Dask cluster stores exactly what it stores with threads."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from flows.pipeline import pipeline

REPO = Path(__file__).resolve().parents[2]
# Data tables only: briefings and run ids describe a run, not the data.
TABLES = {
    "documents": ["doc_id"],
    "sources": ["path"],
    "figures": ["figure_id"],
    "validation_results": ["rule", "figure_id", "doc_id", "message"],
}


def load_generator() -> ModuleType:
    """benchmarks/generate.py (not an installed package) as a module."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def snapshot(db_path: Path) -> dict[str, pd.DataFrame]:
    """Every data table, sorted by its key, without run_id."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        frames = {}
        for table, key in TABLES.items():
            # extractor_version hashes the source of transforms/, not anything the runner does:
            # leave it out so an edit to the extractor between the two runs cannot fail the test.
            frame = con.execute(f"SELECT * FROM {table}").df()
            frame = frame.drop(columns=["run_id", "extractor_version"], errors="ignore")
            frames[table] = frame.sort_values(key + list(frame.columns)).reset_index(drop=True)
        return frames
    finally:
        con.close()


def run_in_fresh_home(home: Path, inbox: Path, runner: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    home.mkdir()
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    monkeypatch.setenv("BRIEFING_TASK_RUNNER", runner)
    # Small batches so several run at once and the workers share the inbox.
    monkeypatch.setenv("BRIEFING_BATCH_SIZE", "8")
    return pipeline(inbox=str(inbox))


@pytest.mark.slow
def test_dask_runner_stores_the_same_tables_as_threads(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    load_generator().write_corpus(inbox, 30, seed=11)
    monkeypatch.delenv("BRIEFING_INBOX", raising=False)

    threads = run_in_fresh_home(tmp_path / "threads", inbox, "thread", monkeypatch)
    dask = run_in_fresh_home(tmp_path / "dask", inbox, "dask", monkeypatch)

    assert threads["ingest"]["loaded"] >= 30 and threads["ingest"]["figures"] > 0
    assert (tmp_path / "dask" / ".dask").is_dir(), "Dask's local_directory is not in the state folder"
    for stage in ("ingest", "validate"):
        # run ids and paths under each home differ by design; every count must agree
        def counts(summary: dict) -> dict:
            return {k: v for k, v in summary.items() if k not in ("run_id", "data_docs")}

        assert counts(dask[stage]) == counts(threads[stage]), stage
    left = snapshot(tmp_path / "threads" / "warehouse.duckdb")
    right = snapshot(tmp_path / "dask" / "warehouse.duckdb")
    for table in TABLES:
        assert len(left[table]) == len(right[table]), table
        pd.testing.assert_frame_equal(left[table], right[table], obj=table)
