"""Validate figures with the GX suites and the cross-figure rules; flag, never delete."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from expectations import data_docs
from expectations.prepare import prepare_documents, prepare_figures
from expectations.reference import FxTable, known_units
from expectations.rules import (
    DEFAULT_SETTINGS,
    RuleInputs,
    RuleSettings,
    run_document_rules,
    run_group_rules,
)
from expectations.suites import SuiteInput, SuiteSession

# Findings at these severities make a figure suspect; info findings only inform.
FLAGGING = ("error", "warning")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class ValidationOutcome:
    """Findings of one validation run and the figures they make suspect.

    With a sink (validate_parts), the findings went to it as they were found: results and
    suspect_figure_ids stay empty and only the counts are kept.
    """

    results: list[dict[str, Any]] = field(default_factory=list)
    suspect_figure_ids: set[str] = field(default_factory=set)
    success: bool = True
    data_docs_index: Path | None = None
    findings: int = 0
    errors: int = 0
    warnings: int = 0

    def count(self, findings: list[dict[str, Any]]) -> None:
        """Add a batch of findings to the counts."""
        self.findings += len(findings)
        for finding in findings:
            if finding["severity"] == "error":
                self.errors += 1
            elif finding["severity"] == "warning":
                self.warnings += 1
        self.success = self.errors == 0


# Findings of the rules across documents handed to a sink at a time (a group's are seldom many).
SINK_BATCH = 5_000


def _sort_key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return (
        _SEVERITY_ORDER.get(finding["severity"], 3),
        finding["rule"],
        finding.get("doc_id") or "",
        finding.get("figure_id") or "",
        finding["message"],
    )


@dataclass(slots=True)
class Part:
    """Whole documents and their figures: what the GX suites and the in-document rules check together."""

    figures: pd.DataFrame  # the figures suite's columns and published_at; no sentence needed
    documents: pd.DataFrame  # doc_id and text (title optional) of the documents these figures are in
    label: str | None = None  # "part 2 of 5" when the table is validated in parts
    # The figures again as rows (dicts), at least those in a currency: what the in-document rules
    # read, when the reader has them cheaper than converting the frame. None: use the frame.
    amounts: list[dict[str, Any]] | None = None


def validate_figures(
    figures: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    fx: FxTable | None = None,
    docs_dir: Path | None = None,
    settings: RuleSettings = DEFAULT_SETTINGS,
    run_name: str | None = None,
) -> ValidationOutcome:
    """Run the figure and document suites and the cross-figure rules; return findings and suspects.

    documents needs doc_id and text (title optional); fx enables the currency rules; docs_dir, when
    given, receives offline Data Docs of this run.
    """
    if documents is None:
        documents = pd.DataFrame({"doc_id": pd.Series(dtype="str"), "text": pd.Series(dtype="str")})
    if figures.empty and documents.empty:
        return ValidationOutcome()
    # The whole frame is one part and one group: the group rules only need whole groups.
    return validate_parts([Part(figures, documents)], [figures], fx, docs_dir, settings, run_name)


def validate_parts(
    parts: Iterable[Part],
    groups: Iterable[pd.DataFrame | list[dict[str, Any]]],
    fx: FxTable | None = None,
    docs_dir: Path | None = None,
    settings: RuleSettings = DEFAULT_SETTINGS,
    run_name: str | None = None,
    sink: Callable[[list[dict[str, Any]]], None] | None = None,
) -> ValidationOutcome:
    """Validate part by part (suites, in-document rules), then group by group (rules across documents).

    Each of parts and groups is read lazily, one at a time, so memory holds one part or one group
    (run_group_rules says what a group must hold), never the whole table. Without a sink the
    findings are returned in the outcome (sorted); with one, each part's findings, then those of
    the groups in batches, are handed to it as they are found and not kept: memory stays flat
    however many there are.
    """
    outcome = ValidationOutcome()
    pending = iter(parts)
    first = next(pending, None)
    if first is None:
        return outcome
    kept: list[dict[str, Any]] = []

    def emit(findings: list[dict[str, Any]]) -> None:
        outcome.count(findings)
        if sink is None:
            kept.extend(findings)
        elif findings:
            sink(findings)

    if docs_dir is not None:
        data_docs.clear_docs(docs_dir)
    session = SuiteSession({"known_units": known_units()}, docs_dir=docs_dir, run_name=run_name)
    for part in itertools.chain([first], pending):
        emit(_check_part(session, part, fx, settings))
    session.finish()
    batch: list[dict[str, Any]] = []
    for group in groups:
        batch.extend(run_group_rules(group, fx, settings))
        if len(batch) >= SINK_BATCH:
            emit(batch)
            batch = []
    emit(batch)
    if sink is None:
        outcome.results = sorted(kept, key=_sort_key)
        outcome.suspect_figure_ids = {
            r["figure_id"] for r in kept if r["figure_id"] and r["severity"] in FLAGGING
        }
    if docs_dir is not None and (docs_dir / "index.html").exists():
        data_docs.make_offline(docs_dir)
        outcome.data_docs_index = docs_dir / "index.html"
    return outcome


def _check_part(
    session: SuiteSession, part: Part, fx: FxTable | None, settings: RuleSettings
) -> list[dict[str, Any]]:
    """The suites' and the in-document rules' findings about one part."""
    figures, documents = part.figures, part.documents
    findings = session.validate(SuiteInput("figures", prepare_figures(figures, documents), part.label))
    findings += session.validate(SuiteInput("documents", prepare_documents(documents, figures), part.label))
    texts = dict(zip(documents["doc_id"], documents["text"], strict=False))
    rows = figures if part.amounts is None else part.amounts
    findings += run_document_rules(RuleInputs(figures=rows, texts=texts, fx=fx), settings)
    return findings
