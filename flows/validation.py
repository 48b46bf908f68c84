"""Validation I/O: read figures, run the suites, store findings and statuses atomically."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from briefing.settings import Settings
from expectations.reference import load_currency_codes, load_fx_rates
from expectations.rules import entity_key
from expectations.validate import FLAGGING, Part, validate_parts
from flows import parallel, store
from flows.loading import load_entity_catalog
from transforms.entities import EntityCatalog


@dataclass(slots=True)
class ValidationSummary:
    """Counts of one validation run."""

    run_id: str
    figures: int
    findings: int
    suspect: int
    success: bool
    errors: int = 0
    warnings: int = 0
    data_docs: str | None = None


# meta key of the fingerprint of what the stored findings were computed from.
INPUT_KEY = "validation_input"
EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"


def validation_fingerprint(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    """Hash of everything validation reads: figures (less the status it writes), documents, FX rates, rules.

    Computed inside DuckDB (order-independent sums of row hashes), so an unchanged warehouse is
    recognised in milliseconds without reading it into frames.
    """
    digest = hashlib.sha256()
    for query in (
        "SELECT count(*), sum(hash(f)::HUGEINT) FROM (SELECT * EXCLUDE (status) FROM figures) f",
        "SELECT count(*), sum(hash(d)::HUGEINT) FROM documents d",
    ):
        digest.update(repr(con.execute(query).fetchone()).encode())
    fx = settings.fx_rates_file
    digest.update(fx.read_bytes() if fx.is_file() else b"no fx")
    # The rules and suites themselves: changed code must revalidate.
    for path in sorted(EXPECTATIONS_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".yml", ".yaml", ".csv"):
            digest.update(str(path.relative_to(EXPECTATIONS_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def summarize_stored(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> ValidationSummary:
    """The summary of the findings already stored (a rerun over unchanged inputs)."""
    figures = con.execute("SELECT count(*), count(*) FILTER (WHERE status = 'suspect') FROM figures").fetchone()
    rows = dict(con.execute("SELECT severity, count(*) FROM validation_results GROUP BY severity").fetchall())
    index = settings.data_docs_dir / "index.html"
    return ValidationSummary(
        run_id=run_id,
        figures=int(figures[0]) if figures else 0,
        findings=int(sum(rows.values())),
        suspect=int(figures[1]) if figures else 0,
        success=not rows.get("error"),
        errors=int(rows.get("error", 0)),
        warnings=int(rows.get("warning", 0)),
        data_docs=str(index) if index.exists() else None,
    )


# Figures per part the GX suite validates at once: bounds memory, not the findings. The suite's
# figure_id uniqueness check then sees one part at a time, which loses nothing: figure_id is the
# figures table's primary key, so DuckDB already refuses duplicates across parts.
PART_ROWS = 50_000
# Parts from which the suites are checked in a worker process beside the group rules.
MIN_WORKER_PARTS = 2


def read_parts(
    con: duckdb.DuckDBPyConnection, rows_per_part: int = PART_ROWS, ranges: list[tuple[str, str]] | None = None
) -> Iterator[Part]:
    """The warehouse as parts of whole documents, about rows_per_part figures each, read one at a time.

    ranges: the parts' doc_id ranges, when the caller read them already (read_document_ranges).
    """
    ranges = store.read_document_ranges(con, rows_per_part) if ranges is None else ranges
    currencies = load_currency_codes()
    for number, (first, last) in enumerate(ranges, start=1):
        figures, documents = store.read_part(con, first, last)
        label = f"part {number} of {len(ranges)}" if len(ranges) > 1 else None
        # The in-document rules read only amounts, as rows: cheaper from DuckDB than from the frame.
        yield Part(figures, documents, label, store.read_part_rows(con, first, last, currencies))


def read_groups(
    con: duckdb.DuckDBPyConnection, catalog: EntityCatalog | None = None
) -> Iterator[list[dict[str, Any]]]:
    """The figures the rules across documents compare, one (entity key, metric) group at a time.

    Names the watchlist knows are grouped under its canonical name, so "Zhipu" in one document
    and "Zhipu AI" in another are compared with each other.
    """
    names = store.read_entities(con)
    keys = {
        name: key
        for name in names
        if (key := entity_key(catalog.canonical(name) if catalog else name)) is not None
    }
    return store.iter_figure_groups(con, keys)


class _Counted:
    """Parts passed through, their figures counted."""

    def __init__(self, parts: Iterable[Part]) -> None:
        self.parts = parts
        self.figures = 0

    def __iter__(self) -> Iterator[Part]:
        for part in self.parts:
            self.figures += len(part.figures)
            yield part


def run_validation(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> ValidationSummary:
    """Validate every stored figure and replace the findings with this run's.

    When nothing validation reads has changed since the stored findings, they stand as they are.
    """
    fingerprint = validation_fingerprint(con, settings)
    docs_ok = (settings.data_docs_dir / "index.html").exists()
    if store.read_meta(con, INPUT_KEY) == fingerprint and docs_ok:
        return summarize_stored(con, settings, run_id)
    fx = load_fx_rates(settings.fx_rates_file)
    ranges = store.read_document_ranges(con, PART_ROWS)
    counted = _Counted(read_parts(con, ranges=ranges))
    # Findings go to the warehouse part by part (one transaction for the whole run), not held.
    # From two parts on, the GX suites run in a worker of their own while this process runs the
    # group rules; below that the group rules (~1.5 s at 40,000 figures) cost less than the
    # worker's start and GX import there (~3 s), and it all runs here.
    worker_wanted = len(ranges) >= MIN_WORKER_PARTS
    with store.replacing_validation(con, run_id, FLAGGING) as add, parallel.own_worker(worker_wanted) as worker:
        outcome = validate_parts(
            counted,
            read_groups(con, load_entity_catalog(settings)),
            fx=fx,
            docs_dir=settings.data_docs_dir,
            run_name=run_id,
            sink=add,
            worker=worker,
        )
    store.write_meta(con, INPUT_KEY, fingerprint)
    return ValidationSummary(
        run_id=run_id,
        figures=counted.figures,
        findings=outcome.findings,
        suspect=store.count_suspect_figures(con),
        success=outcome.success,
        errors=outcome.errors,
        warnings=outcome.warnings,
        data_docs=str(outcome.data_docs_index) if outcome.data_docs_index else None,
    )


# Prefect artifact keys (lowercase letters, digits and dashes).
FINDINGS_KEY = "validation-findings"
SUMMARY_KEY = "validation-summary"
DOCS_KEY = "validation-data-docs"
MAX_TABLE_ROWS = 1000


def summarize_findings(counts: Sequence[tuple[str, str, int]]) -> str:
    """A Markdown table of findings per rule and severity (store.read_validation_counts)."""
    if not counts:
        return "No findings: every figure passed."
    lines = ["| rule | severity | count |", "| --- | --- | --- |"]
    lines += [f"| {rule} | {severity} | {count} |" for rule, severity, count in counts]
    return "\n".join(lines)


def publish_artifacts(settings: Settings, summary: ValidationSummary) -> None:
    """Publish the run's findings (table), a summary (Markdown) and a link to the Data Docs."""
    from prefect.artifacts import (
        create_link_artifact,
        create_markdown_artifact,
        create_table_artifact,
    )

    # The table shows the first findings and the summary counts them: neither reads them all.
    with store.connect(settings.db_path, read_only=True) as con:
        findings = store.read_validation_results(con, limit=MAX_TABLE_ROWS)
        counts = store.read_validation_counts(con)
    columns = ["severity", "rule", "figure_id", "related_figure_ids", "doc_id", "message"]
    rows = [
        {c: (None if pd.isna(v) else v) for c, v in row.items()}
        for row in findings[columns].head(MAX_TABLE_ROWS).to_dict(orient="records")
    ]
    create_table_artifact(
        rows,
        key=FINDINGS_KEY,
        description=f"{summary.findings} findings over {summary.figures} figures (first {MAX_TABLE_ROWS} shown)",
    )
    docs = Path(summary.data_docs) if summary.data_docs else None
    markdown = (
        f"# Validation {summary.run_id}\n\n{summary.figures} figures checked, {summary.findings} "
        f"findings ({summary.errors} errors, {summary.warnings} warnings), {summary.suspect} suspect.\n\n"
        + summarize_findings(counts)
        + (f"\n\nData Docs: [{docs}]({docs.as_uri()})\n" if docs else "\n")
    )
    create_markdown_artifact(markdown, key=SUMMARY_KEY, description="validation summary")
    if docs is not None:
        create_link_artifact(docs.as_uri(), link_text="Great Expectations Data Docs", key=DOCS_KEY)
