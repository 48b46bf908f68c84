"""Validate figures with Great Expectations and cross-document rules; flag, never delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

KNOWN_UNITS = ["%", "pp", "x", "count", "parameters", "tokens", "W", "Wh", "B"]
QUALIFIERS = ["exact", "approx", "over", "under", "up_to"]


@dataclass(slots=True)
class ValidationOutcome:
    """Findings of one validation run and the figures they make suspect."""

    results: list[dict[str, Any]] = field(default_factory=list)
    suspect_figure_ids: set[str] = field(default_factory=set)
    success: bool = True


def _gx_findings(figures: pd.DataFrame) -> list[dict[str, Any]]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("briefing")
    asset = source.add_dataframe_asset("figures")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": figures}
    )
    suite = gx.ExpectationSuite(name="figures")
    for column in ("figure_id", "doc_id", "surface", "value", "unit"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="qualifier", value_set=QUALIFIERS))
    result = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["figure_id"]},
    )
    findings: list[dict[str, Any]] = []
    for res in result.results:
        if res.success:
            continue
        config = res.expectation_config
        column = config.kwargs.get("column") if config else None
        name = config.type if config else "expectation"
        for idx in res.result.get("unexpected_index_list") or []:
            fid = idx.get("figure_id") if isinstance(idx, dict) else None
            findings.append({
                "rule": name, "severity": "error", "figure_id": fid, "doc_id": None,
                "related_figure_ids": None,
                "message": f"{column} failed {name}",
            })
    return findings


def validate_figures(figures: pd.DataFrame) -> ValidationOutcome:
    """Run the figure suite over all figures; return findings and suspect ids."""
    outcome = ValidationOutcome()
    if figures.empty:
        return outcome
    outcome.results = _gx_findings(figures)
    outcome.suspect_figure_ids = {r["figure_id"] for r in outcome.results if r["figure_id"]}
    outcome.success = not any(r["severity"] == "error" for r in outcome.results)
    return outcome
