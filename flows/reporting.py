"""Report I/O: read the warehouse, render briefings per period, write HTML, CSV and JSON."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from briefing.settings import Settings
from flows import store
from reports.calendar import period_key
from reports.render import render_briefing, render_index


@dataclass(slots=True)
class ReportSummary:
    """Which briefings a report run wrote and where the index is."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    index_path: str = ""


def _content_hash(figures: pd.DataFrame, documents: pd.DataFrame, findings: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for frame in (figures, documents, findings):
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()[:16]


def write_reports(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    every: str,
    period: str | None,
    now: datetime,
) -> ReportSummary:
    """Render the requested period, or the latest one and any whose data changed; then the index."""
    figures = store.read_figures(con)
    documents = store.read_documents(con, with_text=False)
    findings = store.read_validation_results(con)
    documents = documents[documents["published_at"].notna()].copy()
    documents["period"] = [period_key(d, every) for d in documents["published_at"]]
    periods = sorted(set(documents["period"]))
    wanted = [period] if period else periods
    if period and period not in periods:
        raise ValueError(
            f"no documents published in {every} {period}; periods with documents: "
            + (", ".join(periods) or "none")
        )
    out_dir = settings.briefings_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = store.read_briefing_hashes(con, every)
    summary = ReportSummary()
    recorded = []
    for key in wanted:
        doc_ids = set(documents.loc[documents["period"] == key, "doc_id"])
        period_figures = figures[figures["doc_id"].isin(doc_ids)]
        period_docs = documents[documents["doc_id"].isin(doc_ids)]
        period_findings = findings[
            findings["figure_id"].isin(set(period_figures["figure_id"]))
            | findings["doc_id"].isin(doc_ids)
        ]
        content_hash = _content_hash(period_figures, period_docs, period_findings)
        stem = f"briefing-{key}"
        html_path = out_dir / f"{stem}.html"
        if previous.get(key) == content_hash and html_path.exists() and key != (period or ""):
            summary.skipped.append(key)
            continue
        html = render_briefing(key, every, period_figures, period_docs, period_findings, generated_at=now)
        _write_atomic(html_path, html)
        _write_atomic(out_dir / f"{stem}.csv", period_figures.to_csv(index=False))
        _write_atomic(
            out_dir / f"{stem}.json",
            json.dumps(period_figures.to_dict("records"), default=str, indent=1),
        )
        summary.written.append(str(html_path))
        recorded.append({
            "every": every, "period": key, "path": str(html_path),
            "content_hash": content_hash, "figures": len(period_figures),
        })
    store.write_briefings(con, recorded)
    entries = [
        {"every": every, "period": p, "file": f"briefing-{p}.html",
         "figures": int((figures["doc_id"].isin(set(documents.loc[documents["period"] == p, "doc_id"]))).sum())}
        for p in periods
    ]
    index_path = out_dir / "index.html"
    _write_atomic(index_path, render_index(entries, generated_at=now))
    summary.index_path = str(index_path)
    return summary


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a page."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
