"""A process pool for CPU-bound parsing when Prefect runs tasks in threads.

Threads share one GIL, so two parse tasks in threads use one core; handing each batch to a
worker process uses them all. Workers are spawned (never forked: Prefect runs threads and an
event loop, which a fork would copy mid-flight) once per ingest and stopped after it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def worker_count() -> int:
    """Processes to use: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def parses_in_workers(task_runner: str) -> bool:
    """Whether ingest parses in this pool: tasks in threads (which share one GIL) on several cores."""
    return task_runner == "thread" and worker_count() > 1


def submit_in_process(fn: Callable[..., T], *args: Any) -> Future[T]:
    """Start fn(*args) in the shared worker pool; the future holds its result."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(worker_count(), mp_context=multiprocessing.get_context("spawn"))
        pool = _pool
    return pool.submit(fn, *args)


def start_pool(initializer: Callable[[], None] | None = None) -> None:
    """Start the shared pool's workers now, each running initializer first (no-op if running).

    `briefing run` calls it while Prefect's temporary server starts, so the workers' spawn and
    imports overlap that wait instead of delaying the first batch.
    """
    global _pool
    with _lock:
        if _pool is not None:
            return
        _pool = ProcessPoolExecutor(
            worker_count(), mp_context=multiprocessing.get_context("spawn"), initializer=initializer
        )
        pool = _pool
    for _ in range(worker_count()):
        pool.submit(_noop)  # workers are spawned on demand: ask for all of them


def _noop() -> None:
    return None


def run_in_process(fn: Callable[..., T], *args: Any) -> T:
    """Run fn(*args) in the shared worker pool and wait for it (the calling thread releases the GIL)."""
    return submit_in_process(fn, *args).result()


def shutdown_pool() -> None:
    """Stop the worker processes (the next run_in_process starts new ones)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def own_worker(wanted: bool = True) -> Iterator[ProcessPoolExecutor | None]:
    """A worker process of the block's own, whose calls run one at a time in order (None on one
    core, or when not wanted).

    For work that keeps state between calls (a GX session), beside the shared pool.
    """
    if not wanted or worker_count() < 2:
        yield None
        return
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
