"""The shared worker pool: started early with an initializer, reused, stopped."""

from __future__ import annotations

import os

import pytest

from flows import parallel, parsing


def _pid_and_warm() -> tuple[int, bool]:
    return os.getpid(), parsing.worker_warmed()


@pytest.mark.skipif(parallel.worker_count() < 2, reason="needs two cores")
def test_a_started_pool_runs_its_initializer_in_every_worker_and_is_reused() -> None:
    parallel.shutdown_pool()
    try:
        parallel.start_pool(parsing.prepare_worker)
        parallel.start_pool(parsing.prepare_worker)  # a second start keeps the running pool
        results = {parallel.run_in_process(_pid_and_warm) for _ in range(8)}
        pids = {pid for pid, _ in results}
        assert os.getpid() not in pids
        assert 1 <= len(pids) <= parallel.worker_count()
        assert all(warm for _, warm in results)  # every worker ran the initializer before any task
    finally:
        parallel.shutdown_pool()


def test_parse_files_imports_no_database_or_dataframe_library() -> None:
    import subprocess
    import sys

    code = "import sys, flows.parsing; print('duckdb' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_ingest_parses_in_workers_only_for_threads_on_several_cores() -> None:
    assert parallel.parses_in_workers("dask") is False
    assert parallel.parses_in_workers("thread") is (parallel.worker_count() > 1)
