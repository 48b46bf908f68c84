"""Thin Prefect tasks: each takes a batch and makes one call into the I/O modules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from briefing.settings import Settings
from flows import loading, parallel, parsing, reporting, store, validation
from transforms.entities import EntityCatalog


@task(name="list-sources", cache_policy=NO_CACHE)
def list_sources(settings: Settings) -> tuple[list[loading.SourceFile], int]:
    """Files to read (new or changed) and how many are unchanged since the last run."""
    with store.connect(settings.db_path) as con:
        return loading.select_changed_files(con, loading.list_source_files(settings))


@task(name="parse-batch", cache_policy=NO_CACHE)
def parse_batch(
    files: Sequence[loading.SourceFile], settings: Settings, catalog: EntityCatalog
) -> list[loading.ParsedFile]:
    """Read, decode and extract figures from one batch of files (no database access)."""
    if parallel.parses_in_workers(settings.task_runner):
        # Threads share the GIL: parse in a worker process so batches use every core.
        return parallel.run_in_process(parsing.parse_files, list(files), settings, catalog)
    return parsing.parse_files(files, settings, catalog)


@task(name="store-batch", cache_policy=NO_CACHE)
def store_batch(
    parsed: Sequence[loading.ParsedFile], settings: Settings, extractor_version: str
) -> loading.IngestSummary:
    """Store one parsed batch atomically."""
    with store.connect(settings.db_path) as con:
        return loading.store_parsed_files(con, parsed, extractor_version)


@task(name="find-stale-documents", cache_policy=NO_CACHE)
def find_stale_documents(settings: Settings, extractor_version: str) -> list[str]:
    """Documents whose figures came from an older extractor."""
    with store.connect(settings.db_path) as con:
        return store.read_stale_doc_ids(con, extractor_version)


@task(name="reextract-batch", cache_policy=NO_CACHE)
def reextract_batch(
    doc_ids: Sequence[str], settings: Settings, catalog: EntityCatalog, extractor_version: str
) -> int:
    """Re-extract figures of one batch of stored documents."""
    with store.connect(settings.db_path) as con:
        return loading.reextract_documents(con, doc_ids, catalog, extractor_version)


@task(name="validate-figures", cache_policy=NO_CACHE)
def validate_figures(settings: Settings, run_id: str) -> validation.ValidationSummary:
    """Run the validation suites over every figure."""
    with store.connect(settings.db_path) as con:
        return validation.run_validation(con, settings, run_id)


@task(name="render-briefings", cache_policy=NO_CACHE)
def render_briefings(
    settings: Settings, every: str, period: str | None, now: datetime
) -> reporting.ReportSummary:
    """Render briefings for the requested or changed periods."""
    with store.connect(settings.db_path) as con:
        return reporting.write_reports(con, settings, every=every, period=period, now=now)
