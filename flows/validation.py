"""Validation I/O: read figures, run the suites, store findings and statuses atomically."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from briefing.settings import Settings
from expectations.validate import validate_figures
from flows import store


@dataclass(slots=True)
class ValidationSummary:
    """Counts of one validation run."""

    run_id: str
    figures: int
    findings: int
    suspect: int
    success: bool


def run_validation(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> ValidationSummary:
    """Validate every stored figure and replace the findings with this run's."""
    figures = store.read_figures(con)
    outcome = validate_figures(figures)
    store.write_validation(con, run_id, outcome.results, outcome.suspect_figure_ids)
    return ValidationSummary(
        run_id=run_id,
        figures=len(figures),
        findings=len(outcome.results),
        suspect=len(outcome.suspect_figure_ids),
        success=outcome.success,
    )
