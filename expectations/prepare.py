"""Derived columns the GX suites check, computed in pandas before validation (pure functions)."""

from __future__ import annotations

import pandas as pd

# Columns the figures suite reads; a frame missing one of them gets it as all-null.
FIGURE_INPUT_COLUMNS = [
    "figure_id", "doc_id", "start", "end", "surface", "sentence", "value", "unit", "qualifier",
    "metric", "basis", "entity", "period", "kind", "currency_inferred",
]  # fmt: skip


def _slice_matches(text: object, start: object, end: object, surface: object) -> bool:
    if not isinstance(text, str) or not isinstance(surface, str):
        return False
    if pd.isna(start) or pd.isna(end):
        return False
    lo, hi = int(start), int(end)  # type: ignore[call-overload]
    return 0 <= lo < hi <= len(text) and text[lo:hi] == surface


def prepare_figures(figures: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Add the columns the figures suite checks: surface_matches_text and per-basis value columns."""
    frame = figures.copy()
    for column in FIGURE_INPUT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    texts = dict(zip(documents["doc_id"], documents["text"], strict=False)) if len(documents) else {}
    frame["surface_matches_text"] = [
        _slice_matches(texts.get(doc), start, end, surface)
        for doc, start, end, surface in zip(
            frame["doc_id"], frame["start"], frame["end"], frame["surface"], strict=True
        )
    ]
    value = pd.to_numeric(frame["value"], errors="coerce")
    unit, basis, metric = frame["unit"], frame["basis"], frame["metric"]
    is_share = (unit == "%") & ((basis == "share") | ((metric == "market_share") & (basis == "level")))
    change = basis == "change"
    # One column per kind of value, null elsewhere: GX range checks skip nulls.
    frame["share_pct"] = value.where(is_share.fillna(False))
    frame["change_pct"] = value.where((change & (unit == "%")).fillna(False))
    frame["change_x"] = value.where((change & (unit == "x")).fillna(False))
    frame["change_pp"] = value.where((change & (unit == "pp")).fillna(False))
    return frame


def prepare_documents(documents: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """One row per document with its length in characters and its number of figures."""
    counts = figures.groupby("doc_id").size() if len(figures) else pd.Series(dtype="int64")
    frame = pd.DataFrame({"doc_id": documents["doc_id"].astype("str")})
    if "text" in documents.columns:
        chars = documents["text"].map(lambda t: len(t) if isinstance(t, str) else 0)
    else:
        chars = documents["chars"]
    frame["chars"] = pd.to_numeric(chars, errors="coerce").fillna(0).astype("int64").to_numpy()
    frame["figure_count"] = frame["doc_id"].map(counts).fillna(0).astype("int64")
    frame["title"] = documents["title"].to_numpy() if "title" in documents.columns else None
    return frame
