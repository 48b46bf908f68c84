"""The sample briefing data (tests/reports/data/briefing_sample.json) as the frames reports read."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from flows import store
from flows.reporting import Warehouse
from reports.calendar import period_key

SAMPLE = Path(__file__).parent / "data" / "briefing_sample.json"


def load_warehouse(every: str) -> Warehouse:
    """The frames flows.reporting reads from DuckDB, built by hand from the sample data."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    documents = pd.DataFrame(data["documents"]).drop(columns=["text"])
    documents["published_at"] = pd.to_datetime(documents["published_at"])
    documents["briefing_period"] = [period_key(d, every) for d in documents["published_at"]]
    figures = pd.DataFrame(data["figures"], columns=store.FIGURE_COLUMNS)
    figures.loc[figures["figure_id"].isin(data["suspect"]), "status"] = "suspect"
    meta = documents.set_index("doc_id")
    figures["published_at"] = figures["doc_id"].map(meta["published_at"])
    figures["doc_title"] = figures["doc_id"].map(meta["title"])
    figures["doc_source"] = figures["doc_id"].map(meta["source"])
    figures["doc_path"] = figures["doc_id"].map(meta["first_path"])
    figures["briefing_period"] = figures["doc_id"].map(meta["briefing_period"])
    findings = pd.DataFrame([{"run_id": "r1", **f} for f in data["findings"]], columns=store.RESULT_COLUMNS)
    return Warehouse(
        figures=figures,
        documents=documents,
        findings=findings,
        sources=pd.DataFrame(data["sources"], columns=store.SOURCE_COLUMNS),
        periods=sorted(set(documents["briefing_period"])),
    )
