"""Run the reviewable GX suites (expectations/suites/*.json) over pandas frames; turn failures into findings.

GX runs on pandas batches: the SQL path on DuckDB via duckdb-engine returns empty results
(GX issues 10738, 11579), so frames are read from the warehouse first and validated in memory.
`great_expectations` is imported inside functions: importing it costs seconds.
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.formatting import template_fields

SUITES_DIR = Path(__file__).resolve().parent / "suites"
ROW_COLUMN = "row_number"
SEVERITIES = {"critical": "error", "warning": "warning", "info": "info"}


@dataclass(slots=True)
class SuiteInput:
    """One suite and the frame it validates."""

    suite: str
    frame: pd.DataFrame
    part: str | None = None  # "part 2 of 5" when a table is validated in parts: names its asset


def load_suite_json(name: str, suites_dir: Path = SUITES_DIR) -> dict[str, Any]:
    """The suite's JSON as stored in expectations/suites/<name>.json."""
    path = suites_dir / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def render_message(template: str, row: Mapping[str, Any]) -> str:
    """Fill a message template with a row's fields; unknown fields read '?'."""
    fields = _Blank(template_fields(row))
    return string.Formatter().vformat(template, (), fields)


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def _context(docs_dir: Path | None) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        # show_how_to_buttons is a SiteBuilder option the TypedDict does not list.
        site: Any = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
        context.add_data_docs_site("briefing", site)
    return context


def _index_rows(result: Any) -> list[int]:
    rows: list[int] = []
    for item in result.result.get("unexpected_index_list") or []:
        if isinstance(item, dict) and item.get(ROW_COLUMN) is not None:
            rows.append(int(item[ROW_COLUMN]))
    return rows


def _findings(name: str, frame: pd.DataFrame, validation: Any) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = []
    failing = sorted({row for res in validation.results if not res.success for row in _index_rows(res)})
    # Only the failing rows become dicts (as to_dict would make them): most rows pass.
    records = dict(zip(failing, frame.iloc[failing].to_dict(orient="records"), strict=True))
    for res in validation.results:
        if res.success:
            continue
        config = res.expectation_config
        meta = dict(config.meta or {})
        rule = str(meta.get("rule") or config.type)
        severity = SEVERITIES.get(str(getattr(config.severity, "value", config.severity)), "error")
        template = str(meta.get("message") or f"{config.type} failed on {config.kwargs}")
        rows = _index_rows(res)
        if not rows:
            # A failure GX could not tie to rows (an error in the expectation itself): report it.
            error = (res.exception_info or {}).get("exception_message") if res.exception_info else None
            findings.append({
                "rule": rule, "severity": "error", "figure_id": None, "doc_id": None,
                "related_figure_ids": None,
                "message": f"suite {name}: {config.type} could not run ({error or 'no failing rows reported'})",
            })
            continue
        for row_number in rows:
            row = records[row_number]
            figure_id = row.get("figure_id") if name == "figures" else None
            findings.append({
                "rule": rule,
                "severity": severity,
                "figure_id": None if pd.isna(figure_id) else figure_id,
                "doc_id": row.get("doc_id"),
                "related_figure_ids": None,
                "message": render_message(template, row),
            })
    return findings


class SuiteSession:
    """One GX context in which frames are validated one at a time; Data Docs are built once at the end.

    A large table is validated in parts (each its own asset and validation, so each shows in the
    Data Docs), which keeps memory to one part's frame rather than the whole table's.
    """

    def __init__(
        self,
        parameters: Mapping[str, Any],
        docs_dir: Path | None = None,
        suites_dir: Path = SUITES_DIR,
        run_name: str | None = None,
    ) -> None:
        _quiet_gx()
        from great_expectations.core.run_identifier import RunIdentifier

        self.parameters = dict(parameters)
        self.docs_dir = docs_dir
        self.suites_dir = suites_dir
        self.context = _context(docs_dir)
        self.run_id = RunIdentifier(run_name=run_name) if run_name else None
        self.source = self.context.data_sources.add_pandas("briefing")
        self.suites: dict[str, Any] = {}

    def _suite(self, name: str) -> Any:
        """The named suite, added to the context on first use."""
        import great_expectations as gx

        if name not in self.suites:
            data = load_suite_json(name, self.suites_dir)
            self.suites[name] = self.context.suites.add(gx.ExpectationSuite(**data))
        return self.suites[name]

    def validate(self, item: SuiteInput) -> list[dict[str, Any]]:
        """Validate one frame with its suite; return one finding per failing row."""
        import great_expectations as gx

        if item.frame.empty:
            return []
        frame = item.frame.reset_index(drop=True)
        frame[ROW_COLUMN] = range(len(frame))
        name = item.suite if item.part is None else f"{item.suite} {item.part}"
        batch_definition = self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=self._suite(item.suite))
        )
        validation = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=self.parameters,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [ROW_COLUMN],
            },
            run_id=self.run_id,
        )
        return _findings(item.suite, frame, validation)

    def finish(self) -> None:
        """Build the Data Docs of every validation run in this session, if asked for."""
        if self.docs_dir is not None:
            self.context.build_data_docs()


def run_suites(
    inputs: Iterable[SuiteInput],
    parameters: Mapping[str, Any],
    docs_dir: Path | None = None,
    suites_dir: Path = SUITES_DIR,
    run_name: str | None = None,
) -> list[dict[str, Any]]:
    """Validate each frame with its suite; return one finding per failing row; build Data Docs if asked."""
    session = SuiteSession(parameters, docs_dir, suites_dir, run_name)
    findings: list[dict[str, Any]] = []
    for item in inputs:
        findings.extend(session.validate(item))
    session.finish()
    return findings
