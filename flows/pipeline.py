"""Prefect flows: ingest, validate, report, and pipeline (all three)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from briefing.settings import Settings
from flows import feeds, loading, memory, parallel, parsing, runners, store, tasks, validation
from reports.calendar import infer_every

# Batches in flight at once: enough to keep workers busy, few enough that memory stays flat.
MAX_IN_FLIGHT = 4


def _settings(inbox: str | None = None) -> Settings:
    return Settings.from_env().with_inbox(Path(inbox) if inbox else None)


def _record(settings: Settings, run_id: str, stage: str, started: datetime, summary: dict[str, Any]) -> None:
    with store.connect(settings.db_path) as con:
        store.record_run(con, run_id, stage, started, datetime.now(), json.dumps(summary, default=str))


def _opaque(value: Any, settings: Settings) -> Any:
    """quote() a big task argument so Prefect does not walk every item looking for futures.

    Not with Dask: it rebuilds namedtuples (quote is one) as plain tuples on the way.
    """
    return quote(value) if settings.task_runner == "thread" else value


@flow(name="ingest")
def ingest(inbox: str | None = None) -> dict[str, Any]:
    """Load new and changed files from the samples, the inbox and feeds; extract their figures."""
    settings = _settings(inbox)
    logger = get_run_logger()
    started = datetime.now()
    with store.hold_lock(settings.lock_path, settings.lock_timeout_s):
        fetched = feeds.fetch_feeds_task(settings)
        if fetched.error:
            logger.warning("feeds not fetched: %s", fetched.error)
        for failed in fetched.failed:
            logger.warning("feed %s failed: %s", failed.name, failed.error)
        catalog = loading.load_entity_catalog(settings)
        version = loading.compute_extractor_version(settings)
        to_read, unchanged = tasks.list_sources(settings)
        if to_read and parallel.parses_in_workers(settings.task_runner):
            parallel.start_pool(parsing.prepare_worker)  # already running when `briefing run` started it
        summary = loading.IngestSummary(seen=unchanged, unchanged=unchanged)
        batches = loading.batched(to_read, settings.batch_size)
        logger.info("%d files to read in %d batches, %d unchanged", len(to_read), len(batches), unchanged)
        pending: list[PrefectFuture[list[loading.ParsedFile]]] = []
        next_batch = 0
        try:
            for done in range(len(batches)):
                while next_batch < len(batches) and len(pending) < MAX_IN_FLIGHT:
                    pending.append(
                        tasks.parse_batch.submit(
                            _opaque(batches[next_batch], settings), settings, _opaque(catalog, settings)
                        )
                    )
                    next_batch += 1
                parsed = pending.pop(0).result()
                summary.add(tasks.store_batch(quote(parsed), settings, version))
                logger.info(
                    "batch %d/%d stored: %d loaded, %d duplicate, %d rejected so far",
                    done + 1, len(batches), summary.loaded, summary.duplicate, summary.rejected,
                )
        finally:
            parallel.shutdown_pool()
        stale = tasks.find_stale_documents(settings, version)
        for batch in loading.batched(stale, settings.batch_size):
            tasks.reextract_batch(batch, settings, catalog, version)
            summary.reextracted += len(batch)
        if stale:
            logger.info("re-extracted %d documents with extractor %s", len(stale), version)
        result = summary.as_dict()
        result["feeds"] = fetched.as_dict()
        _record(settings, f"ingest-{uuid.uuid4().hex[:12]}", "ingest", started, result)
        return result


@flow(name="validate")
def validate() -> dict[str, Any]:
    """Validate every stored figure; flag suspects and store the findings."""
    settings = _settings()
    started = datetime.now()
    run_id = f"validate-{uuid.uuid4().hex[:12]}"
    with store.hold_lock(settings.lock_path, settings.lock_timeout_s):
        summary = tasks.validate_figures(settings, run_id)
        validation.publish_artifacts(settings, summary)
        result = asdict(summary)
        _record(settings, run_id, "validate", started, result)
        return result


@flow(name="report")
def report(every: str | None = None, period: str | None = None) -> dict[str, Any]:
    """Render briefings: the requested period, or the latest and any whose data changed."""
    settings = _settings()
    started = datetime.now()
    with store.hold_lock(settings.lock_path, settings.lock_timeout_s):
        # A period names its own kind (2025-W19 is a week), so --period alone is enough.
        every = every or (infer_every(period) if period else settings.report_every)
        summary = tasks.render_briefings(settings, every, period, datetime.now())
        result = asdict(summary)
        _record(settings, f"report-{uuid.uuid4().hex[:12]}", "report", started, result)
        return result


@flow(name="pipeline")
def pipeline(inbox: str | None = None, every: str | None = None) -> dict[str, Any]:
    """Ingest, validate and report in one run."""
    settings = _settings(inbox)
    with store.hold_lock(settings.lock_path, settings.lock_timeout_s):
        # The task runner is a setting (BRIEFING_TASK_RUNNER); the subflow that submits the
        # batches gets it here, so `briefing run` and served deployments both honour it.
        ingested = runners.with_task_runner(ingest, settings)(inbox)
        memory.release_memory()  # each stage starts from what it needs, not the last one's peak
        validated = validate()
        memory.release_memory()
        return {"ingest": ingested, "validate": validated, "report": report(every)}
