"""Report I/O: read the warehouse, render briefings per period, write HTML, CSV and JSON."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from briefing.settings import Settings
from flows import parallel, store
from reports.calendar import check_period, describe_period, period_bounds, period_key
from reports.charts import share_history
from reports.render import render_briefing, render_index, renderer_fingerprint
from reports.view import (
    SEVERITY_ORDER,
    PeriodData,
    build_briefing_view,
    parse_related,
    sort_figures,
)

# Columns of the CSV and JSON written beside each briefing.
EXPORT_COLUMNS = [*store.FIGURE_COLUMNS, "published_at", "doc_title", "doc_source", "doc_path"]
# Columns of the findings CSV: run_id names the validation run, not what it found.
FINDING_EXPORT_COLUMNS = [c for c in store.RESULT_COLUMNS if c != "run_id"]


@dataclass(slots=True)
class ReportSummary:
    """Which briefings a report run wrote and where the index is."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    index_path: str = ""


@dataclass(slots=True)
class Warehouse:
    """Everything a report run reads, once: figures, documents (with their period), findings, sources."""

    figures: pd.DataFrame
    documents: pd.DataFrame
    findings: pd.DataFrame
    sources: pd.DataFrame
    periods: list[str]
    # figure_id -> period, built once per run: building it for every period made reports quadratic.
    figure_periods: dict[str, str] = field(default_factory=dict)

    def periods_of_figures(self) -> dict[str, str]:
        """figure_id -> briefing period of every figure (computed on first use)."""
        if not self.figure_periods and not self.figures.empty:
            self.figure_periods.update(zip(self.figures["figure_id"], self.figures["briefing_period"], strict=True))
        return self.figure_periods


def read_warehouse(con: duckdb.DuckDBPyConnection, every: str) -> Warehouse:
    """Read the frames and place each dated document in its period (by publication date)."""
    figures = store.read_figures(con)
    documents = store.read_documents(con, with_text=False)
    documents = documents[documents["published_at"].notna()].copy()
    documents["briefing_period"] = [period_key(d, every) for d in documents["published_at"]]
    doc_period = dict(zip(documents["doc_id"], documents["briefing_period"], strict=True))
    figures = figures[figures["doc_id"].isin(doc_period)].copy()
    figures["briefing_period"] = [doc_period[d] for d in figures["doc_id"]]
    return Warehouse(
        figures=figures,
        documents=documents,
        findings=store.read_validation_results(con),
        sources=store.read_sources(con),
        periods=sorted(set(documents["briefing_period"])),
    )


def referenced_figure_ids(findings: pd.DataFrame) -> set[str]:
    """Every figure a set of findings names (its own figure and the related ones)."""
    ids = {str(i) for i in findings["figure_id"].dropna()} if not findings.empty else set()
    if not findings.empty:
        for related in findings["related_figure_ids"].dropna():
            ids.update(parse_related(related))
    return ids


def period_inputs(wh: Warehouse, key: str, every: str) -> tuple[PeriodData, pd.DataFrame, pd.DataFrame]:
    """What one period's briefing is built from: its data, the previous period's figures, the history."""
    index = wh.periods.index(key)
    previous = wh.periods[index - 1] if index > 0 else None
    in_period = wh.figures["briefing_period"] == key
    figures = wh.figures[in_period]
    doc_ids = set(wh.documents.loc[wh.documents["briefing_period"] == key, "doc_id"])
    findings = wh.findings[
        wh.findings["figure_id"].isin(set(figures["figure_id"])) | wh.findings["doc_id"].isin(doc_ids)
    ]
    latest = key == wh.periods[-1]
    data = PeriodData(
        period=key,
        every=every,
        figures=figures,
        documents=wh.documents[wh.documents["doc_id"].isin(doc_ids)],
        findings=findings,
        # Only the figures these findings name are looked up: passing every figure of every
        # period made each page cost as much as the whole warehouse (quadratic over a run).
        figures_all=wh.figures[wh.figures["figure_id"].isin(referenced_figure_ids(findings))],
        figure_periods=wh.periods_of_figures(),
        sources=wh.sources[wh.sources["doc_id"].isin(doc_ids)],
        previous_period=previous,
        # Rejected files have no publication date: the latest briefing reports them.
        rejected=wh.sources[wh.sources["status"] == "rejected"] if latest else None,
    )
    prev_figures = wh.figures[wh.figures["briefing_period"] == previous]
    history = wh.figures[wh.figures["briefing_period"] <= key]
    return data, prev_figures, history


def build_period(wh: Warehouse, key: str, every: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """The view of one period's briefing and the figures it covers."""
    data, prev_figures, history = period_inputs(wh, key, every)
    return build_briefing_view(data, prev_figures, history), data.figures


@dataclass(slots=True)
class RenderedPage:
    """One briefing's files as text, and the counts the briefings table records."""

    html: str
    csv_text: str
    json_text: str
    findings_text: str
    counts: dict[str, int]


def render_period_page(
    data: PeriodData, prev_figures: pd.DataFrame, history: pd.DataFrame, generated_at: datetime
) -> RenderedPage:
    """Build and render one period's page and exports (runs in a worker process for big runs)."""
    view = build_briefing_view(data, prev_figures, history)
    csv_text, json_text = export_figures(data.figures)
    html = render_briefing(view, generated_at=generated_at)
    return RenderedPage(html, csv_text, json_text, export_findings(data.findings), view["counts"])


def page_job(wh: Warehouse, key: str, every: str) -> tuple[PeriodData, pd.DataFrame, pd.DataFrame]:
    """A period's inputs, cut to what the page uses, so they are cheap to send to a worker."""
    data, prev_figures, history = period_inputs(wh, key, every)
    # History only feeds the market-share chart: send those rows, not every earlier figure.
    return data, prev_figures, share_history(history)


# Pages rendered at once in worker processes: enough to keep the cores busy, few enough that the
# inputs in flight stay small. Below MIN_POOL_PAGES the pool's start-up costs more than it saves.
PAGES_IN_FLIGHT_PER_WORKER = 2
MIN_POOL_PAGES = 4


def render_pages(
    wh: Warehouse, keys: list[str], every: str, now: datetime
) -> Iterator[tuple[str, RenderedPage]]:
    """Render the pages of keys in order: in worker processes when there are many and cores to use."""
    workers = parallel.worker_count()
    if workers < 2 or len(keys) < MIN_POOL_PAGES:
        for key in keys:
            yield key, render_period_page(*page_job(wh, key, every), now)
        return
    pending: deque[tuple[str, Future[RenderedPage]]] = deque()
    todo = iter(keys)
    try:
        while True:
            for key in todo:
                pending.append((key, parallel.submit_in_process(render_period_page, *page_job(wh, key, every), now)))
                if len(pending) >= workers * PAGES_IN_FLIGHT_PER_WORKER:
                    break
            if not pending:
                return
            key, future = pending.popleft()
            yield key, future.result()
    finally:
        parallel.shutdown_pool()


def frame_digest(frame: pd.DataFrame | None) -> str:
    """A stable hash of a frame's columns and rows (order included)."""
    digest = hashlib.sha256()
    if frame is None:
        return "none"
    digest.update(json.dumps([str(c) for c in frame.columns]).encode())
    if not frame.empty:
        try:
            digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists, dicts): fall back to their JSON text
            digest.update(frame.to_json(orient="values", date_format="iso", default_handler=str).encode())
    return digest.hexdigest()


def history_digests(wh: Warehouse) -> dict[str, str]:
    """period -> hash of the figures of that period and every earlier one, in one pass over the figures."""
    per_period = {
        str(key): frame_digest(group.drop(columns=["briefing_period"]))
        for key, group in wh.figures.groupby("briefing_period", sort=True)
    } if not wh.figures.empty else {}
    chained: dict[str, str] = {}
    running = hashlib.sha256()
    for key in wh.periods:
        running.update(f"{key}:{per_period.get(key, '')}".encode())
        chained[key] = running.copy().hexdigest()
    return chained


def input_hash(wh: Warehouse, key: str, every: str, history: dict[str, str]) -> str:
    """Hash of everything a period's page is built from and of the rendering code.

    Equal inputs give an equal page, so an unchanged briefing is skipped without building its
    view (charts are the expensive part); the clock is not part of it.
    """
    data, _, _ = period_inputs(wh, key, every)
    digest = hashlib.sha256(renderer_fingerprint().encode())
    parts = [
        every, key, data.previous_period or "", history[key],
        frame_digest(data.figures), frame_digest(data.documents),
        # run_id names the validation run, not what it found: leave it out so reruns match.
        frame_digest(data.findings.drop(columns=["run_id"], errors="ignore")),
        frame_digest(data.figures_all), frame_digest(data.sources), frame_digest(data.rejected),
        json.dumps(sorted((i, data.figure_periods.get(i, "")) for i in data.figures_all["figure_id"])),
    ]
    digest.update("\n".join(parts).encode())
    return digest.hexdigest()[:16]


def content_hash(view: dict[str, Any]) -> str:
    """Hash of what a page shows and of the code that renders it (the clock is not part of it)."""
    digest = hashlib.sha256(renderer_fingerprint().encode())
    digest.update(json.dumps(view, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def export_figures(figures: pd.DataFrame) -> tuple[str, str]:
    """The period's figures as CSV and JSON text, in reading order."""
    frame = sort_figures(figures)[EXPORT_COLUMNS].reset_index(drop=True)
    csv_text = frame.to_csv(index=False)
    json_text = frame.to_json(orient="records", date_format="iso", indent=1, force_ascii=False)
    return csv_text, (json_text or "[]") + "\n"


def export_findings(findings: pd.DataFrame) -> str:
    """The period's findings as CSV text: every one, most severe first, in a stable order."""
    frame = findings[FINDING_EXPORT_COLUMNS]
    order = frame.assign(_severity=frame["severity"].map(SEVERITY_ORDER).fillna(9))
    keys = ["_severity", "rule", "figure_id", "doc_id", "related_figure_ids", "message"]
    ordered = order.sort_values(keys, kind="stable", na_position="first").drop(columns=["_severity"])
    return str(ordered.to_csv(index=False))


REPORT_INPUT_KEY = "report_input"


def warehouse_fingerprint(con: duckdb.DuckDBPyConnection, every: str) -> str:
    """Hash of every table a report reads and of the rendering code, computed inside DuckDB.

    Order-independent sums of row hashes; findings without their run_id, which names the run,
    not what it found.
    """
    digest = hashlib.sha256(f"{renderer_fingerprint()}\n{every}".encode())
    for query in (
        "SELECT count(*), sum(hash(t)::HUGEINT) FROM figures t",
        "SELECT count(*), sum(hash(t)::HUGEINT) FROM (SELECT * EXCLUDE (text) FROM documents) t",
        "SELECT count(*), sum(hash(t)::HUGEINT) FROM (SELECT * EXCLUDE (run_id) FROM validation_results) t",
        "SELECT count(*), sum(hash(t)::HUGEINT) FROM sources t",
    ):
        digest.update(repr(con.execute(query).fetchone()).encode())
    return digest.hexdigest()


def write_reports(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    every: str,
    period: str | None,
    now: datetime,
) -> ReportSummary:
    """Render the requested period, or the latest one and any whose data changed; then the index."""
    if period:
        check_period(period, every)
    # A rerun over an unchanged warehouse: every page's inputs are unchanged, so skip reading it.
    fingerprint = warehouse_fingerprint(con, every)
    if not period and store.read_meta(con, f"{REPORT_INPUT_KEY}:{every}") == fingerprint:
        done = store.read_briefings(con)
        done = done[done["every"] == every]
        out_dir = settings.briefings_dir
        if len(done) and all((out_dir / Path(str(p)).name).exists() for p in done["path"]):
            summary = ReportSummary(skipped=sorted(str(p) for p in done["period"]))
            index_path = out_dir / "index.html"
            _write_atomic(index_path, render_index(index_entries(store.read_briefings(con), out_dir), generated_at=now))
            summary.index_path = str(index_path)
            return summary
    wh = read_warehouse(con, every)
    if period and period not in wh.periods:
        raise ValueError(
            f"no documents published in {every} {period}; periods with documents: "
            + (", ".join(wh.periods) or "none")
        )
    wanted = [period] if period else wh.periods
    out_dir = settings.briefings_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = store.read_briefing_hashes(con, every)
    summary = ReportSummary()
    recorded = []
    history = history_digests(wh)
    to_render: list[str] = []
    digests: dict[str, str] = {}
    for key in wanted:
        digest = input_hash(wh, key, every, history)
        stem = f"briefing-{key}"
        html_path = out_dir / f"{stem}.html"
        if previous.get(key) == digest and html_path.exists() and key != period:
            summary.skipped.append(key)
            continue
        to_render.append(key)
        digests[key] = digest
    for key, page in render_pages(wh, to_render, every, now):
        stem = f"briefing-{key}"
        html_path = out_dir / f"{stem}.html"
        _write_atomic(out_dir / f"{stem}.csv", page.csv_text)
        _write_atomic(out_dir / f"{stem}.json", page.json_text)
        _write_atomic(out_dir / f"{stem}-findings.csv", page.findings_text)
        _write_atomic(html_path, page.html)
        summary.written.append(str(html_path))
        recorded.append({
            "every": every, "period": key, "path": str(html_path), "content_hash": digests[key],
            "figures": page.counts["figures"], "documents": page.counts["documents"],
            "flagged": page.counts["flagged"],
        })
    store.write_briefings(con, recorded)
    if not period:
        store.write_meta(con, f"{REPORT_INPUT_KEY}:{every}", fingerprint)
    index_path = out_dir / "index.html"
    _write_atomic(index_path, render_index(index_entries(store.read_briefings(con), out_dir), generated_at=now))
    summary.index_path = str(index_path)
    return summary


def index_entries(briefings: pd.DataFrame, out_dir: Path) -> list[dict[str, Any]]:
    """One entry per briefing whose page is still on disk, with its counts."""
    entries = []
    for row in briefings.to_dict("records"):
        name = Path(str(row["path"])).name
        if not (out_dir / name).exists():
            continue
        entries.append({
            "every": row["every"], "period": row["period"], "file": name,
            "label": describe_period(row["period"]), "end": period_bounds(row["period"])[1],
            "figures": _count(row.get("figures")), "documents": _count(row.get("documents")),
            "flagged": _count(row.get("flagged")),
        })
    return entries


def _count(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a page."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
