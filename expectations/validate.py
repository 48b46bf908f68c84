"""Validate figures with the GX suites and the cross-figure rules; flag, never delete."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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

T = TypeVar("T")

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
    worker: Executor | None = None,
) -> ValidationOutcome:
    """Validate part by part (suites, in-document rules) and group by group (rules across documents).

    Each of parts and groups is read lazily, one at a time, so memory holds one part or one group
    (run_group_rules says what a group must hold), never the whole table. Without a sink the
    findings are returned in the outcome (sorted); with one, each part's findings, and those of
    the groups in batches, are handed to it as they are found and not kept: memory stays flat
    however many there are.

    worker: an executor with one process of its own. The parts are checked there (GX, imported
    there, and the in-document rules), a few in flight, while this process runs the group rules
    between handing them over; the same findings, found on two cores. Without one, all runs here.
    """
    outcome = ValidationOutcome()
    pending = iter(parts)
    first = next(pending, None)
    if first is None:
        return outcome
    # Without a sink: parts' findings, then the groups', as when everything ran here in turn.
    kept: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])

    def emit(findings: list[dict[str, Any]], of_groups: bool) -> None:
        outcome.count(findings)
        if sink is None:
            kept[of_groups].extend(findings)
        elif findings:
            sink(findings)

    if docs_dir is not None:
        data_docs.clear_docs(docs_dir)
    checks = _PartChecks(worker, (docs_dir, run_name, fx, settings))
    groups_left = iter(groups)
    batch: list[dict[str, Any]] = []

    def run_groups(until: Future[Any] | None) -> None:
        """Run the group rules until `until` is done (all of them if None)."""
        nonlocal batch
        while until is None or not until.done():
            group = next(groups_left, None)
            if group is None:
                return
            batch.extend(run_group_rules(group, fx, settings))
            if len(batch) >= SINK_BATCH:
                emit(batch, True)
                batch = []

    in_flight: deque[Future[list[dict[str, Any]]]] = deque()
    for part in itertools.chain([first], pending):
        in_flight.append(checks.check(part))
        while len(in_flight) >= PARTS_IN_FLIGHT:
            run_groups(in_flight[0])
            emit(in_flight.popleft().result(), False)
    while in_flight:
        run_groups(in_flight[0])
        emit(in_flight.popleft().result(), False)
    finished = checks.finish()  # the Data Docs, built while the rest of the groups run
    run_groups(None)
    emit(batch, True)
    finished.result()
    if sink is None:
        everything = kept[0] + kept[1]
        outcome.results = sorted(everything, key=_sort_key)
        outcome.suspect_figure_ids = {
            r["figure_id"] for r in everything if r["figure_id"] and r["severity"] in FLAGGING
        }
    if docs_dir is not None and (docs_dir / "index.html").exists():
        data_docs.make_offline(docs_dir)
        outcome.data_docs_index = docs_dir / "index.html"
    return outcome


# Parts handed to the worker at once: one checked, one waiting; more would only hold memory.
PARTS_IN_FLIGHT = 2


class _Checker:
    """One GX session and the rule inputs: checks parts, then builds the Data Docs."""

    def __init__(self, docs_dir: Path | None, run_name: str | None, fx: FxTable | None, settings: RuleSettings) -> None:
        self.session = SuiteSession({"known_units": known_units()}, docs_dir=docs_dir, run_name=run_name)
        self.fx = fx
        self.settings = settings

    def check(self, part: Part) -> list[dict[str, Any]]:
        """The suites' and the in-document rules' findings about one part."""
        return _check_part(self.session, part, self.fx, self.settings)


# The checker of the worker process: its calls arrive in order (it is the executor's one process).
_worker_checker: _Checker | None = None
_Setup = tuple[Path | None, str | None, FxTable | None, RuleSettings]


def _check_in_worker(part: Part, setup: _Setup) -> list[dict[str, Any]]:
    global _worker_checker
    if _worker_checker is None:  # the run's first part: open its GX session
        _worker_checker = _Checker(*setup)
    return _worker_checker.check(part)


def _finish_in_worker() -> None:
    global _worker_checker
    checker, _worker_checker = _worker_checker, None
    if checker is not None:
        checker.session.finish()


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future


class _PartChecks:
    """Part checks run here (each future is done when returned) or in a worker's one process."""

    def __init__(self, worker: Executor | None, setup: _Setup) -> None:
        self.worker = worker
        self.setup = setup
        self.local = _Checker(*setup) if worker is None else None

    def check(self, part: Part) -> Future[list[dict[str, Any]]]:
        """The findings about one part, as a future."""
        if self.local is not None:
            return _done(self.local.check(part))
        assert self.worker is not None
        return self.worker.submit(_check_in_worker, part, self.setup)

    def finish(self) -> Future[None]:
        """Build the Data Docs (a future, done when they are written)."""
        if self.local is not None:
            self.local.session.finish()
            return _done(None)
        assert self.worker is not None
        return self.worker.submit(_finish_in_worker)


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
