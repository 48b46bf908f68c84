"""Report I/O: read the warehouse, render briefings per period, write HTML, CSV and JSON."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from briefing.settings import Settings
from flows import memory, parallel, store
from flows.loading import load_entity_catalog
from reports.calendar import check_period, describe_period, period_bounds, period_key
from reports.charts import (
    ASSETS_DIR,
    CHARTS_SCRIPT,
    bundle_name,
    javascript_bundle,
    share_history,
    share_points,
)
from reports.render import render_briefing, render_index, renderer_fingerprint
from reports.view import (
    MAX_SIDES,
    SEVERITY_ORDER,
    PeriodData,
    build_briefing_view,
    column_values,
    sort_figures,
    top_findings,
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
    """What a report run reads: documents (with their period) and sources, held once; figures and
    findings read per period, from DuckDB (con) or, given as frames, from those (tests)."""

    documents: pd.DataFrame
    sources: pd.DataFrame
    periods: list[str]
    figures: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None
    con: duckdb.DuckDBPyConnection | None = None
    # The share chart's history, read once (a small slice of the figures) when reading from DuckDB.
    shares: pd.DataFrame | None = None
    # From DuckDB, periods are read a window at a time (figures, findings, the figures those
    # findings name): each query scans whole columns, so one per page made a run quadratic.
    loaded: dict[str, tuple[pd.DataFrame, pd.DataFrame, set[str]]] = field(default_factory=dict)
    named: pd.DataFrame | None = None
    # doc_id -> period of every dated document, built once (every read of figures looks it up).
    doc_periods: dict[str, str] = field(default_factory=dict)
    # Written name -> watchlist name: a company the texts name two ways ("Zhipu", "Zhipu AI") is
    # one section of a briefing; each figure's sentence still shows how its text named it.
    names: dict[str, str] = field(default_factory=dict)
    # period -> how many dated documents it holds (sizes the read windows)
    period_sizes: dict[str, int] = field(default_factory=dict)

    def doc_ids(self, key: str) -> list[str]:
        """The dated documents of one period."""
        return [str(d) for d in column_values(self.documents.loc[self.documents["briefing_period"] == key, "doc_id"])]

    def period_figures(self, key: str, doc_ids: list[str]) -> pd.DataFrame:
        """The figures of one period's documents."""
        if self.con is None:
            return self._frame("figures")[self._frame("figures")["briefing_period"] == key]
        return self._load(key)[0]

    def named_ids(self, key: str, findings: pd.DataFrame) -> set[str]:
        """The figures the findings a page shows name."""
        return shown_figure_ids(findings) if self.con is None else self._load(key)[2]

    def period_findings(self, key: str, doc_ids: list[str], figures: pd.DataFrame) -> pd.DataFrame:
        """The findings about one period's documents or figures."""
        if self.con is None:
            return _findings_about(self._frame("findings"), doc_ids, figures)
        return self._load(key)[1]

    def figures_by_id(self, figure_ids: set[str]) -> pd.DataFrame:
        """The given figures, if their document is dated, with their period."""
        if self.con is None:
            return self._frame("figures")[self._frame("figures")["figure_id"].isin(figure_ids)]
        named = self.named
        if named is None or not figure_ids <= set(named["figure_id"]):
            named = self._dated(store.read_figures_by_id(self.con, sorted(figure_ids)))
        return named[named["figure_id"].isin(figure_ids)]

    def _load(self, key: str) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
        """One period's figures and findings, reading it and the next few periods together if needed."""
        if key in self.loaded:
            return self.loaded[key]
        assert self.con is not None
        start = self.periods.index(key)
        window = self._window(start)
        # Keep the period before the window: its figures are the next page's "previous".
        keep = self.periods[start - 1] if start > 0 else None
        self.loaded = {k: v for k, v in self.loaded.items() if k == keep}
        docs = {k: self.doc_ids(k) for k in window}
        figures = self._dated(store.read_figures_of_documents(self.con, [d for k in window for d in docs[k]]))
        findings = store.read_findings_of_documents(self.con, [d for k in window for d in docs[k]])
        for k in window:
            mine = figures[figures["briefing_period"] == k]
            about = _findings_about(findings, docs[k], mine)
            self.loaded[k] = (mine, about, shown_figure_ids(about))
        named = {i for k in window for i in self.loaded[k][2]}
        self.named = self._dated(store.read_figures_by_id(self.con, sorted(named)))
        return self.loaded[key]

    def _window(self, start: int) -> list[str]:
        """The periods read together from start: at most PERIODS_PER_READ, and at most
        DOCUMENTS_PER_READ documents unless one period alone holds more.

        Bounded by documents, a window's rows stay about the same size however many documents
        each period holds, so the report's memory does not grow with the corpus.
        """
        if not self.period_sizes:
            counts = self.documents["briefing_period"].value_counts()
            self.period_sizes = {str(k): int(v) for k, v in counts.items()}
        window: list[str] = []
        documents = 0
        for key in self.periods[start : start + PERIODS_PER_READ]:
            size = self.period_sizes.get(key, 0)
            if window and documents + size > DOCUMENTS_PER_READ:
                break
            window.append(key)
            documents += size
        return window

    def shares_until(self, key: str) -> pd.DataFrame:
        """Market-share figures of this period and every earlier one, for the share chart."""
        if self.con is None:
            figures = self._frame("figures")
            return share_history(figures[figures["briefing_period"] <= key])
        if self.shares is None:
            self.shares = self._dated(store.read_figures_where(self.con, "market_share", "%"))
        return self.shares[self.shares["briefing_period"] <= key]

    def period_digests(self) -> dict[str, str]:
        """period -> hash of its figures (order-independent inside DuckDB; of the frame rows otherwise)."""
        if self.con is None:
            figures = self._frame("figures")
            return {
                str(key): frame_digest(group.drop(columns=["briefing_period"]))
                for key, group in figures.groupby("briefing_period", sort=True)
            } if not figures.empty else {}
        per_doc = store.read_figure_hashes(self.con)
        totals: dict[str, tuple[int, int]] = {}
        for doc_id, key in zip(self.documents["doc_id"], self.documents["briefing_period"], strict=True):
            count, value = per_doc.get(str(doc_id), (0, 0))
            seen = totals.get(key, (0, 0))
            totals[key] = (seen[0] + count, seen[1] + value)
        return {key: f"{count}:{value}" for key, (count, value) in totals.items()}

    def _frame(self, name: str) -> pd.DataFrame:
        frame = getattr(self, name)
        if frame is None:
            raise ValueError(f"a Warehouse needs either a connection or its {name} frame")
        return frame

    def _dated(self, figures: pd.DataFrame) -> pd.DataFrame:
        """Figures of dated documents, each with its document's period."""
        if not self.doc_periods:
            self.doc_periods = dict(zip(column_values(self.documents["doc_id"]),
                                        column_values(self.documents["briefing_period"]), strict=True))
        periods = self.doc_periods
        # Plain lists: iterating an arrow-backed column boxed every one of ~200,000 ids per run.
        ids = column_values(figures["doc_id"])
        figures = figures[np.fromiter((d in periods for d in ids), dtype=bool, count=len(ids))]
        figures = figures.assign(briefing_period=[periods[d] for d in ids if d in periods])
        if self.names and len(figures):
            names = self.names
            figures = figures.assign(entity=[names.get(e, e) if isinstance(e, str) else e
                                             for e in column_values(figures["entity"])])
        return figures


# Periods read from DuckDB in one go: few enough that their rows stay small in memory; fewer
# where the periods are dense (about 20 figures per document: ~30,000 rows a window).
PERIODS_PER_READ = 8
DOCUMENTS_PER_READ = 1500


def _findings_about(findings: pd.DataFrame, doc_ids: list[str], figures: pd.DataFrame) -> pd.DataFrame:
    """The findings about the given documents or any of the given figures."""
    figure_ids = set(column_values(figures["figure_id"]))
    return findings[_isin(findings["figure_id"], figure_ids) | _isin(findings["doc_id"], set(doc_ids))]


def _isin(column: pd.Series, values: set[Any]) -> np.ndarray:
    """column.isin(values) as a mask; pandas' isin on arrow strings boxed every value of a large set."""
    return np.fromiter((v in values for v in column_values(column)), dtype=bool, count=len(column))


def read_warehouse(
    con: duckdb.DuckDBPyConnection, every: str, names: dict[str, str] | None = None
) -> Warehouse:
    """Read documents and sources and place each dated document in its period (by publication date).

    Figures and findings stay in DuckDB and are read one period at a time, so a report's memory
    follows the size of a period, not of the corpus.
    """
    documents = store.read_documents(con, with_text=False)
    documents = documents[documents["published_at"].notna()].copy()
    documents["briefing_period"] = [period_key(d, every) for d in documents["published_at"]]
    return Warehouse(
        documents=documents,
        sources=store.read_sources(con),
        periods=sorted(set(documents["briefing_period"])),
        con=con,
        names=names or {},
    )


def shown_figure_ids(findings: pd.DataFrame) -> set[str]:
    """Every figure the findings a page shows name (their own figures and the related ones)."""
    return {i for row in top_findings(findings) for i in row["ids"][:MAX_SIDES]}


def period_data(wh: Warehouse, key: str, every: str, charts: str = "browser") -> PeriodData:
    """One period's figures, documents, findings and the figures those findings name."""
    index = wh.periods.index(key)
    doc_ids = wh.doc_ids(key)
    figures = wh.period_figures(key, doc_ids)
    findings = wh.period_findings(key, doc_ids, figures)
    # Only the figures the shown findings name are looked up: passing every figure of every
    # period made each page cost as much as the whole warehouse (quadratic over a run).
    figures_all = wh.figures_by_id(wh.named_ids(key, findings))
    return PeriodData(
        period=key,
        every=every,
        figures=figures,
        documents=wh.documents[wh.documents["doc_id"].isin(doc_ids)],
        findings=findings,
        figures_all=figures_all,
        figure_periods=dict(zip(figures_all["figure_id"], figures_all["briefing_period"], strict=True)),
        sources=wh.sources[wh.sources["doc_id"].isin(doc_ids)],
        previous_period=wh.periods[index - 1] if index > 0 else None,
        # Rejected files have no publication date: the latest briefing reports them.
        rejected=wh.sources[wh.sources["status"] == "rejected"] if key == wh.periods[-1] else None,
        charts=charts,
    )


def page_inputs(wh: Warehouse, data: PeriodData) -> PageJob:
    """A period's data with the previous period's figures (for what is new) and the share history."""
    previous = data.previous_period
    # What is new compares entity, metric, period and unit only: send just those.
    news_columns = ["figure_id", "entity", "metric", "period", "unit"]
    prev_figures = wh.period_figures(previous, wh.doc_ids(previous)) if previous else data.figures.iloc[0:0]
    return data, prev_figures[news_columns], share_points(wh.shares_until(data.period))


def period_inputs(wh: Warehouse, key: str, every: str, charts: str = "browser") -> PageJob:
    """What one period's briefing is built from: its data, the previous period's figures, the history."""
    return page_inputs(wh, period_data(wh, key, every, charts))


def build_period(
    wh: Warehouse, key: str, every: str, charts: str = "browser"
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The view of one period's briefing and the figures it covers."""
    data, prev_figures, history = period_inputs(wh, key, every, charts)
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
    # Sort once: the view and the exports both read the figures in reading order.
    data = replace(data, figures=sort_figures(data.figures))
    view = build_briefing_view(data, prev_figures, history, presorted=True)
    csv_text, json_text = export_figures(data.figures, presorted=True)
    html = render_briefing(view, generated_at=generated_at)
    return RenderedPage(html, csv_text, json_text, export_findings(data.findings), view["counts"])


PageJob = tuple[PeriodData, pd.DataFrame, pd.DataFrame]


def page_jobs(
    wh: Warehouse, keys: list[str], every: str, done: dict[str, str], forced: str | None, skipped: list[str],
    charts: str = "browser",
) -> Iterator[tuple[str, str, PageJob]]:
    """Each period to render, with its input hash and inputs, read once and one period at a time.

    A period whose inputs hash as recorded in done (period -> hash, page still on disk) is added
    to skipped instead, unless it is the forced one.
    """
    history = history_digests(wh)
    for key in keys:
        data = period_data(wh, key, every, charts)
        digest = input_hash(data, every, history)
        if done.get(key) == digest and key != forced:
            skipped.append(key)
            continue
        yield key, digest, page_inputs(wh, data)


# Pages rendered at once in worker processes: enough to keep the cores busy, few enough that the
# inputs in flight stay small. Below MIN_POOL_PAGES the pool's start-up costs more than it saves.
PAGES_IN_FLIGHT_PER_WORKER = 2
MIN_POOL_PAGES = 4


def render_pages(
    jobs: Iterator[tuple[str, str, PageJob]], now: datetime
) -> Iterator[tuple[str, str, RenderedPage]]:
    """Render pages in order: in worker processes when there are many and cores to use."""
    workers = parallel.worker_count()
    first = list(itertools.islice(jobs, MIN_POOL_PAGES))
    if workers < 2 or len(first) < MIN_POOL_PAGES:
        for key, digest, job in itertools.chain(first, jobs):
            yield key, digest, render_period_page(*job, now)
        return
    pending: deque[tuple[str, str, Future[RenderedPage]]] = deque()
    todo = itertools.chain(first, jobs)
    try:
        while True:
            for key, digest, job in todo:
                pending.append((key, digest, parallel.submit_in_process(render_period_page, *job, now)))
                if len(pending) >= workers * PAGES_IN_FLIGHT_PER_WORKER:
                    break
            if not pending:
                return
            key, digest, future = pending.popleft()
            yield key, digest, future.result()
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
    """period -> hash of the figures of that period and every earlier one."""
    per_period = wh.period_digests()
    chained: dict[str, str] = {}
    running = hashlib.sha256()
    for key in wh.periods:
        running.update(f"{key}:{per_period.get(key, '')}".encode())
        chained[key] = running.copy().hexdigest()
    return chained


def input_hash(data: PeriodData, every: str, history: dict[str, str]) -> str:
    """Hash of everything a period's page is built from and of the rendering code.

    Equal inputs give an equal page, so an unchanged briefing is skipped without building its
    view (charts are the expensive part); the clock is not part of it.
    """
    digest = hashlib.sha256(renderer_fingerprint().encode())
    parts = [
        # history[period] already covers this period's figures (their rows, hashed inside DuckDB),
        # and the documents' digest their document columns: hashing the figures frame again was
        # the largest part of this hash.
        every, data.charts, data.period, data.previous_period or "", history[data.period],
        frame_digest(data.documents),
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


def export_figures(figures: pd.DataFrame, *, presorted: bool = False) -> tuple[str, str]:
    """The period's figures as CSV and JSON text, in reading order (presorted: already in it)."""
    frame = (figures if presorted else sort_figures(figures))[EXPORT_COLUMNS].reset_index(drop=True)
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


def warehouse_fingerprint(con: duckdb.DuckDBPyConnection, every: str, charts: str = "browser") -> str:
    """Hash of every table a report reads, of the rendering code and the chart renderer, computed
    inside DuckDB.

    Order-independent sums of row hashes; findings without their run_id, which names the run,
    not what it found.
    """
    digest = hashlib.sha256(f"{renderer_fingerprint()}\n{every}\n{charts}".encode())
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
    charts = settings.charts
    fingerprint = warehouse_fingerprint(con, every, charts)
    if not period and store.read_meta(con, f"{REPORT_INPUT_KEY}:{every}") == fingerprint:
        done = store.read_briefings(con)
        done = done[done["every"] == every]
        out_dir = settings.briefings_dir
        if len(done) and all((out_dir / Path(str(p)).name).exists() for p in done["path"]) and (
            charts != "browser" or chart_assets_present(out_dir)
        ):
            summary = ReportSummary(skipped=sorted(str(p) for p in done["period"]))
            index_path = out_dir / "index.html"
            _write_atomic(index_path, render_index(index_entries(store.read_briefings(con), out_dir), generated_at=now))
            summary.index_path = str(index_path)
            return summary
    wh = read_warehouse(con, every, load_entity_catalog(settings).canonical_names())
    if period and period not in wh.periods:
        raise ValueError(
            f"no documents published in {every} {period}; periods with documents: "
            + (", ".join(wh.periods) or "none")
        )
    wanted = [period] if period else wh.periods
    out_dir = settings.briefings_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    recorded_hashes = store.read_briefing_hashes(con, every)
    # Only pages still on disk count as done.
    done = {k: h for k, h in recorded_hashes.items() if (out_dir / f"briefing-{k}.html").exists()}
    summary = ReportSummary()
    finish_assets = start_chart_assets(out_dir, cache_dir=settings.chart_cache_dir) if charts == "browser" else None
    jobs = page_jobs(wh, wanted, every, done, period, summary.skipped, charts)
    try:
        written = list(_write_pages(out_dir, render_pages(jobs, now), every, summary))
        if finish_assets is not None:
            finish_assets()
    finally:
        # The bundle may have started the pool even when the pages were rendered here.
        parallel.shutdown_pool()
    store.write_briefings(con, written)
    if not period:
        store.write_meta(con, f"{REPORT_INPUT_KEY}:{every}", fingerprint)
    index_path = out_dir / "index.html"
    _write_atomic(index_path, render_index(index_entries(store.read_briefings(con), out_dir), generated_at=now))
    summary.index_path = str(index_path)
    return summary


TRIM_EVERY_PAGES = 8


def _write_pages(
    out_dir: Path, pages: Iterator[tuple[str, str, RenderedPage]], every: str, summary: ReportSummary
) -> Iterator[dict[str, Any]]:
    """Write each rendered page and its exports; yield its briefings row."""
    for number, (key, digest, page) in enumerate(pages, start=1):
        if number % TRIM_EVERY_PAGES == 0:
            # Pages arrive as big strings from the workers (read on the pool's thread, in an
            # allocator arena of its own); freed, they stayed with the process until trimmed.
            memory.release_memory()
        stem = f"briefing-{key}"
        html_path = out_dir / f"{stem}.html"
        _write_atomic(out_dir / f"{stem}.csv", page.csv_text)
        _write_atomic(out_dir / f"{stem}.json", page.json_text)
        _write_atomic(out_dir / f"{stem}-findings.csv", page.findings_text)
        _write_atomic(html_path, page.html)
        summary.written.append(str(html_path))
        yield {
            "every": every, "period": key, "path": str(html_path), "content_hash": digest,
            "figures": page.counts["figures"], "documents": page.counts["documents"],
            "flagged": page.counts["flagged"],
        }


def chart_assets_present(out_dir: Path) -> bool:
    """Whether the scripts browser-drawn charts need are in the briefings folder, as this code writes them."""
    assets = out_dir / ASSETS_DIR
    script = assets / CHARTS_SCRIPT.name
    return (assets / bundle_name()).exists() and script.exists() and script.read_bytes() == CHARTS_SCRIPT.read_bytes()


def start_chart_assets(
    out_dir: Path, *, in_worker: bool = True, cache_dir: Path | None = None
) -> Callable[[], None]:
    """Write the chart scripts once per briefings folder (assets/), for pages that draw their charts;
    call the function returned to finish.

    The bundle's name carries its versions, so an existing one is kept. Making one costs ~2 s of
    CPU: a copy in cache_dir (made by an earlier run, any home) is used when there is one; else,
    with cores to spare, it is made in a worker process (in_worker) while this one reads the
    warehouse, and the function returned writes it, and a copy to cache_dir.
    """
    assets = out_dir / ASSETS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    script = assets / CHARTS_SCRIPT.name
    if not script.exists() or script.read_bytes() != CHARTS_SCRIPT.read_bytes():
        _write_atomic(script, CHARTS_SCRIPT.read_text(encoding="utf-8"))
    bundle = assets / bundle_name()
    if bundle.exists():
        return lambda: None
    cached = cache_dir / bundle.name if cache_dir is not None else None
    found = _cached_bundle(cached) if cached is not None else None
    if found is not None:
        return lambda: _write_atomic(bundle, found)

    def finish(text: str) -> None:
        _write_atomic(bundle, text)
        if cached is not None:
            _save_to_cache(cached, text)

    if in_worker and parallel.worker_count() > 1:
        made = parallel.submit_in_process(javascript_bundle)
        return lambda: finish(made.result())
    text = javascript_bundle()
    return lambda: finish(text)


def _cached_bundle(path: Path) -> str | None:
    """The cached bundle's text, if it is whole (as javascript_bundle makes it), else None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.startswith(f"/* {path.name}: ") and text.endswith("})();\n") else None


def _save_to_cache(path: Path, text: str) -> None:
    """Write a cache file whole, via a temporary name of this process (runs in other homes may race)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError:  # a cache that cannot be written costs the next run ~2 s, nothing else
        tmp.unlink(missing_ok=True)


def write_chart_assets(out_dir: Path) -> None:
    """Write the chart scripts beside the pages now, in this process (see start_chart_assets)."""
    start_chart_assets(out_dir, in_worker=False)()


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
