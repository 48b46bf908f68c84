"""What one briefing shows, built from frames: headlines, entities, flags, news, documents (pure)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reports.calendar import describe_period
from reports.charts import charts_for
from reports.formatting import (
    describe_figure,
    format_figure,
    is_missing,
    metric_label,
    split_evidence,
)

# Rough rates to order amounts in different currencies for the headlines; never shown to readers.
APPROX_USD = {
    "USD": 1.0, "CNY": 0.14, "HKD": 0.128, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067,
    "TWD": 0.031, "SGD": 0.74, "AUD": 0.66, "CAD": 0.73, "INR": 0.012, "KRW": 0.00073,
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
HEADLINE_COUNTS = {"money": 3, "growth": 2, "share": 2}
UNATTRIBUTED = "Unattributed"


@dataclass(slots=True)
class PeriodData:
    """The frames one briefing is built from; figures_all spans every period, for links and history."""

    period: str
    every: str
    figures: pd.DataFrame
    documents: pd.DataFrame
    findings: pd.DataFrame
    figures_all: pd.DataFrame
    figure_periods: dict[str, str]
    sources: pd.DataFrame
    previous_period: str | None = None
    rejected: pd.DataFrame | None = None
    stem: str = ""


def anchor(prefix: str, key: Any) -> str:
    """An HTML id made only of safe characters: fig-<id>, doc-<id>, entity-<name>."""
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", str(key)).strip("-").lower() or "x"
    return f"{prefix}-{text}"


def _str(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def _date(value: Any) -> str:
    if is_missing(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if is_missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def sort_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Stable reading order: entity, metric, publication date, position in the document, id."""
    if figures.empty:
        return figures
    keys = figures.assign(
        _entity=figures["entity"].fillna("\uffff"),
        _metric=figures["metric"].fillna("\uffff"),
        _published=figures["published_at"].astype(str) if "published_at" in figures else "",
        _start=figures["start"].fillna(-1),
    )
    return keys.sort_values(["_entity", "_metric", "_published", "doc_id", "_start", "figure_id"]).drop(
        columns=["_entity", "_metric", "_published", "_start"]
    )


def parse_related(value: Any) -> list[str]:
    """related_figure_ids as stored: a JSON list, or ids separated by commas, semicolons or spaces."""
    text = _str(value).strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            return [str(v) for v in json.loads(text) if not is_missing(v)]
        except (ValueError, TypeError):
            pass
    return [part for part in re.split(r"[\s,;]+", text.strip("[]")) if part.strip("'\"")]


def _usd(row: dict[str, Any]) -> float:
    return abs(float(row["value"])) * APPROX_USD.get(_str(row.get("unit")), 0.0)


def pick_headlines(figures: pd.DataFrame) -> list[dict[str, Any]]:
    """The period's headline figures: largest money amounts, biggest growth, largest shares."""
    rows = [r for r in _records(figures) if r.get("value") is not None]
    money = [
        r for r in rows
        if re.fullmatch(r"[A-Z]{3}", _str(r.get("unit"))) and _str(r.get("basis")) in ("", "level")
    ]
    growth = [r for r in rows if r.get("basis") == "change" and r.get("unit") in ("%", "pp", "x")]
    share = [
        r for r in rows
        if r.get("unit") == "%" and (r.get("basis") == "share" or r.get("metric") == "market_share")
    ]

    def order(size: Any) -> Any:
        # Attributed, unflagged figures first; then by size; ids break ties so order is stable.
        return lambda r: (r.get("entity") is None, r.get("status") == "suspect", -size(r), r["figure_id"])

    chosen: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for kind, pool, size in (
        ("money", money, _usd),
        ("growth", growth, lambda r: abs(float(r["value"]))),
        ("share", share, lambda r: float(r["value"])),
    ):
        taken = 0
        for row in sorted(pool, key=order(size)):
            key = (row.get("entity"), row.get("metric"), row.get("value"), row.get("unit"), row.get("period"))
            if key in seen or taken >= HEADLINE_COUNTS[kind]:
                continue
            seen.add(key)
            taken += 1
            chosen.append({
                "kind": kind,
                "text": describe_figure(row),
                "amount": format_figure(row),
                "entity": row.get("entity") or UNATTRIBUTED,
                "href": "#" + anchor("fig", row["figure_id"]),
                "suspect": row.get("status") == "suspect",
                "source": _str(row.get("doc_title")) or _str(row.get("doc_source")),
            })
    return chosen


def _figure_view(row: dict[str, Any], doc_anchor: str) -> dict[str, Any]:
    before, mark, after = split_evidence(row.get("sentence"), row.get("surface"))
    return {
        "id": anchor("fig", row["figure_id"]),
        "amount": format_figure(row),
        "metric": metric_label(row.get("metric")),
        "period": _str(row.get("period")),
        "kind": _str(row.get("kind")),
        "basis": _str(row.get("basis")),
        "surface": _str(row.get("surface")),
        "currency_inferred": bool(row.get("currency_inferred")),
        "suspect": row.get("status") == "suspect",
        "before": before,
        "mark": mark,
        "after": after,
        "doc_href": "#" + doc_anchor,
        "doc_title": _str(row.get("doc_title")) or "(untitled)",
        "doc_source": _str(row.get("doc_source")),
        "doc_date": _date(row.get("published_at")),
    }


def build_entities(figures: pd.DataFrame) -> list[dict[str, Any]]:
    """One section per entity (alphabetical, unattributed last), each figure with its evidence."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in _records(sort_figures(figures)):
        name = row.get("entity") or UNATTRIBUTED
        sections.setdefault(name, []).append(_figure_view(row, anchor("doc", row["doc_id"])))
    names = sorted(sections, key=lambda n: (n == UNATTRIBUTED, n.casefold(), n))
    return [
        {
            "name": name,
            "id": anchor("entity", name),
            "figures": sections[name],
            "flagged": sum(f["suspect"] for f in sections[name]),
        }
        for name in names
    ]


def _side(figure_id: str, data: PeriodData, by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    row = by_id.get(figure_id)
    if row is None:
        return {"known": False, "figure_id": figure_id}
    where = data.figure_periods.get(figure_id)
    target = anchor("fig", figure_id)
    here = where == data.period
    before, mark, after = split_evidence(row.get("sentence"), row.get("surface"))
    return {
        "known": True,
        "figure_id": figure_id,
        "text": describe_figure(row),
        "before": before,
        "mark": mark,
        "after": after,
        "href": f"#{target}" if here else f"briefing-{where}.html#{target}",
        "elsewhere": "" if here else (where or ""),
        "doc_title": _str(row.get("doc_title")) or "(untitled)",
        "doc_source": _str(row.get("doc_source")),
        "doc_date": _date(row.get("published_at")),
    }


def build_findings(data: PeriodData) -> list[dict[str, Any]]:
    """Each finding with every figure it involves (both sides of a conflict) and its message."""
    by_id = {r["figure_id"]: r for r in _records(data.figures_all)}
    items: list[dict[str, Any]] = []
    for row in _records(data.findings):
        ids = [i for i in [_str(row.get("figure_id"))] if i] + parse_related(row.get("related_figure_ids"))
        unique = list(dict.fromkeys(ids))
        items.append({
            "severity": _str(row.get("severity")) or "info",
            "rule": _str(row.get("rule")),
            "message": _str(row.get("message")),
            "sides": [_side(i, data, by_id) for i in unique],
        })
    items.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["rule"], f["message"],
                              [s["figure_id"] for s in f["sides"]]))
    return items


def build_news(data: PeriodData, previous: pd.DataFrame) -> dict[str, Any]:
    """What is new since the previous briefing: entities, entity metrics and figures not seen there."""
    current = _records(sort_figures(data.figures))
    if data.previous_period is None:
        return {"previous": None, "entities": [], "metrics": [], "figures": []}
    old = _records(previous)
    old_entities = {r.get("entity") for r in old if r.get("entity")}
    old_metrics = {(r.get("entity"), r.get("metric")) for r in old}
    old_keys = {(r.get("entity"), r.get("metric"), r.get("period"), r.get("unit")) for r in old}
    entities = sorted({r["entity"] for r in current if r.get("entity") and r["entity"] not in old_entities})
    metrics = sorted({
        (r["entity"], metric_label(r.get("metric")))
        for r in current
        if r.get("entity") in old_entities and (r.get("entity"), r.get("metric")) not in old_metrics
    })
    figures = [
        {"text": describe_figure(r), "href": "#" + anchor("fig", r["figure_id"])}
        for r in current
        if r.get("entity") and (r.get("entity"), r.get("metric"), r.get("period"), r.get("unit")) not in old_keys
    ]
    return {
        "previous": data.previous_period,
        "previous_label": describe_period(data.previous_period),
        "entities": entities,
        "metrics": [{"entity": e, "metric": m} for e, m in metrics],
        "figures": figures,
    }


def build_documents(data: PeriodData) -> list[dict[str, Any]]:
    """The documents read this period, oldest first, with every path they arrived under."""
    paths: dict[str, list[str]] = {}
    for row in _records(data.sources):
        if row.get("doc_id") and row.get("status") != "rejected":
            paths.setdefault(row["doc_id"], []).append(_str(row.get("path")))
    counts = data.figures.groupby("doc_id").size().to_dict() if not data.figures.empty else {}
    docs = []
    for row in _records(data.documents):
        doc_id = row["doc_id"]
        docs.append({
            "id": anchor("doc", doc_id),
            "doc_id": doc_id,
            "title": _str(row.get("title")) or "(untitled)",
            "source": _str(row.get("source")),
            "author": _str(row.get("author")),
            "date": _date(row.get("published_at")),
            "path": _str(row.get("first_path")),
            "other_paths": sorted(p for p in paths.get(doc_id, []) if p != _str(row.get("first_path"))),
            "figures": int(counts.get(doc_id, 0)),
        })
    docs.sort(key=lambda d: (d["date"], d["title"], d["doc_id"]))
    return docs


def build_rejected(rejected: pd.DataFrame | None) -> list[dict[str, str]]:
    """Files that were not read, with why."""
    if rejected is None or rejected.empty:
        return []
    rows = [{"path": _str(r.get("path")), "reason": _str(r.get("reason")) or "no reason recorded"}
            for r in _records(rejected)]
    return sorted(rows, key=lambda r: r["path"])


def build_briefing_view(data: PeriodData, previous: pd.DataFrame, history: pd.DataFrame) -> dict[str, Any]:
    """Everything a briefing page shows, as plain data (no markup): the template only lays it out."""
    stem = data.stem or f"briefing-{data.period}"
    entities = build_entities(data.figures)
    flagged = int((data.figures["status"] == "suspect").sum()) if not data.figures.empty else 0
    return {
        "period": data.period,
        "period_label": describe_period(data.period),
        "every": data.every,
        "counts": {
            "documents": len(data.documents),
            "figures": len(data.figures),
            "entities": sum(1 for e in entities if e["name"] != UNATTRIBUTED),
            "flagged": flagged,
            "findings": len(data.findings),
        },
        "headlines": pick_headlines(data.figures),
        "charts": charts_for(data.figures, history, anchor("chart", data.period)),
        "entities": entities,
        "findings": build_findings(data),
        "news": build_news(data, previous),
        "documents": build_documents(data),
        "rejected": build_rejected(data.rejected),
        "downloads": {"csv": f"{stem}.csv", "json": f"{stem}.json"},
    }
