"""What one briefing shows, built from frames: headlines, entities, flags, news, documents (pure)."""

from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reports.calendar import describe_period
from reports.charts import charts_for, page_scripts
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
# A briefing is for reading: what a page shows inline is bounded, so its size and render time stay
# flat as the corpus grows. The CSV and JSON beside each page hold every figure, and the findings
# export every finding; the page says how many it leaves out and links there.
MAX_FIGURES_PER_ENTITY = 8
MAX_ENTITY_SECTIONS = 20
MAX_FINDINGS = 40
# A finding about a large group names up to 20 related figures: show a few with their evidence.
MAX_SIDES = 6
MAX_NEW_FIGURES = 30
MAX_DOCUMENTS = 60


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
    # How charts reach the reader: "browser" (spec drawn by the page's script) or "svg" (inline).
    charts: str = "browser"


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


def column_values(column: pd.Series) -> list[Any]:
    """A column's values as Python objects; arrow-backed strings as str or None.

    tolist() on arrow strings boxes every value through the array's iterator; arrow's own
    to_pylist is several times faster and gives the same strings (None where missing).
    """
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        return list(column.array.__arrow_array__().to_pylist())
    return list(column.tolist())


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, missing values as None (column-wise: to_dict boxes every arrow string singly)."""
    columns = [str(c) for c in frame.columns]
    values = []
    for c in frame.columns:
        column = frame[c]
        if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
            values.append(column_values(column))  # already str or None
        else:
            values.append([None if is_missing(v) else v for v in column.tolist()])
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


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


@dataclass(slots=True)
class Links:
    """Where this page shows each figure and document, so no link points at something left out."""

    figures: dict[str, str]
    documents: set[str]

    def figure(self, figure_id: str) -> str:
        """The figure's row when shown inline, else its entity's section (or the section list)."""
        return self.figures.get(figure_id, "#entities")

    def document(self, doc_id: str) -> str:
        """The document's entry when listed, else the documents section."""
        return "#" + anchor("doc", doc_id) if doc_id in self.documents else "#documents"


def pick_headlines(rows: list[dict[str, Any]], links: Links) -> list[dict[str, Any]]:
    """The period's headline figures: largest money amounts, biggest growth, largest shares."""
    rows = [r for r in rows if r.get("value") is not None]
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
                "href": links.figure(row["figure_id"]),
                "suspect": row.get("status") == "suspect",
                "source": _str(row.get("doc_title")) or _str(row.get("doc_source")),
            })
    return chosen


def _figure_view(row: dict[str, Any], links: Links) -> dict[str, Any]:
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
        "doc_href": links.document(row["doc_id"]),
        "doc_title": _str(row.get("doc_title")) or "(untitled)",
        "doc_source": _str(row.get("doc_source")),
        "doc_date": _date(row.get("published_at")),
    }


def pick_inline(rows: list[dict[str, Any]], limit: int = MAX_FIGURES_PER_ENTITY) -> list[dict[str, Any]]:
    """The figures of one entity shown inline, in reading order: flagged ones first, then breadth.

    Rows come in reading order (metric, then date). Ranking each figure by how many newer ones
    of its metric precede it takes the latest figure of every metric before a second of any.
    """
    if len(rows) <= limit:
        return rows
    seen: dict[Any, int] = {}
    ranked = []
    for position in range(len(rows) - 1, -1, -1):
        row = rows[position]
        depth = seen.get(row.get("metric"), 0)
        seen[row.get("metric")] = depth + 1
        ranked.append((row.get("status") != "suspect", depth, -position))
    keep = sorted(range(len(ranked)), key=ranked.__getitem__)[:limit]
    return [rows[len(rows) - 1 - i] for i in sorted(keep, reverse=True)]


def group_entities(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Figures (in reading order) per entity: alphabetical, unattributed last."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get("entity") or UNATTRIBUTED, []).append(row)
    names = sorted(groups, key=lambda n: (n == UNATTRIBUTED, n.casefold(), n))
    return [(name, groups[name]) for name in names]


def figure_links(groups: list[tuple[str, list[dict[str, Any]]]], shown: set[str]) -> dict[str, str]:
    """figure_id -> its row's anchor when shown inline, else its entity section's."""
    links: dict[str, str] = {}
    for name, rows in groups:
        section = "#" + anchor("entity", name)
        for row in rows:
            fid = row["figure_id"]
            links[fid] = "#" + anchor("fig", fid) if fid in shown else section
    return links


def inline_figures(groups: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, list[dict[str, Any]]]:
    """entity -> the figures shown inline: a few per entity, for the entities with most figures."""
    by_size = sorted(groups, key=lambda g: (g[0] == UNATTRIBUTED, -len(g[1]), g[0].casefold(), g[0]))
    sections = {name for name, _ in by_size[:MAX_ENTITY_SECTIONS]}
    return {name: pick_inline(rows) if name in sections else [] for name, rows in groups}


def build_entities(
    groups: list[tuple[str, list[dict[str, Any]]]], inline: dict[str, list[dict[str, Any]]], links: Links
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sections of the entities shown inline (figures with evidence, how many left out); the others' counts."""
    sections = []
    others = []
    for name, rows in groups:
        shown = inline[name]
        flagged = sum(r.get("status") == "suspect" for r in rows)
        if not shown:
            others.append({"name": name, "id": anchor("entity", name), "total": len(rows), "flagged": flagged})
            continue
        sections.append({
            "name": name,
            "id": anchor("entity", name),
            "figures": [_figure_view(row, links) for row in shown],
            "total": len(rows),
            "hidden": len(rows) - len(shown),
            "flagged": flagged,
        })
    return sections, others


def _side(figure_id: str, data: PeriodData, by_id: dict[str, dict[str, Any]], links: Links) -> dict[str, Any]:
    row = by_id.get(figure_id)
    if row is None:
        return {"known": False, "figure_id": figure_id}
    where = data.figure_periods.get(figure_id)
    here = where == data.period
    before, mark, after = split_evidence(row.get("sentence"), row.get("surface"))
    # Another page may not show this figure inline; its entity's section always exists there.
    elsewhere = f"briefing-{where}.html#{anchor('entity', row.get('entity') or UNATTRIBUTED)}"
    return {
        "known": True,
        "figure_id": figure_id,
        "text": describe_figure(row),
        "before": before,
        "mark": mark,
        "after": after,
        "href": links.figure(figure_id) if here else elsewhere,
        "elsewhere": "" if here else (where or ""),
        "doc_title": _str(row.get("doc_title")) or "(untitled)",
        "doc_source": _str(row.get("doc_source")),
        "doc_date": _date(row.get("published_at")),
    }


def finding_ids(row: dict[str, Any]) -> list[str]:
    """The figures one finding names, its own first, each once."""
    ids = [i for i in [_str(row.get("figure_id"))] if i] + parse_related(row.get("related_figure_ids"))
    return list(dict.fromkeys(ids))


def top_findings(findings: pd.DataFrame, limit: int = MAX_FINDINGS) -> list[dict[str, Any]]:
    """The findings a page shows, most severe first (stable order), with the ids each names."""
    rows = []
    for row in _records(_finding_candidates(findings, limit)):
        rows.append({**row, "ids": finding_ids(row), "severity": _str(row.get("severity")) or "info",
                     "rule": _str(row.get("rule")), "message": _str(row.get("message"))})
    rows.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["rule"], f["message"], f["ids"]))
    return rows[:limit]


def _finding_candidates(findings: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The findings that can be among the first `limit` (in their order): a week has thousands.

    The order is (severity, rule, message, ids); the ids are the costly part, so rows are first
    cut on the rest: every row of the first `limit` sorts at or before the limit-th smallest
    (severity, rule, message), so only those rows are kept, in their original order.
    """
    if len(findings) <= limit or findings.empty:
        return findings

    def text(name: str) -> list[str]:
        return [_str(v) for v in column_values(findings[name])]

    severities = [SEVERITY_ORDER.get(s or "info", 9) for s in text("severity")]
    keys = list(zip(severities, text("rule"), text("message"), strict=True))
    cutoff = heapq.nsmallest(limit, keys)[-1]
    return findings.iloc[[i for i, key in enumerate(keys) if key <= cutoff]]


def build_findings(data: PeriodData, links: Links) -> list[dict[str, Any]]:
    """The top findings with every figure each involves (both sides of a conflict) and its message."""
    shown = top_findings(data.findings)
    named = {i for row in shown for i in row["ids"][:MAX_SIDES]}
    by_id = {r["figure_id"]: r for r in _records(data.figures_all[data.figures_all["figure_id"].isin(named)])}
    return [
        {
            "severity": row["severity"],
            "rule": row["rule"],
            "message": row["message"],
            "sides": [_side(i, data, by_id, links) for i in row["ids"][:MAX_SIDES]],
            "more_sides": max(0, len(row["ids"]) - MAX_SIDES),
        }
        for row in shown
    ]


def build_news(
    data: PeriodData, current: list[dict[str, Any]], previous: pd.DataFrame, links: Links
) -> dict[str, Any]:
    """What is new since the previous briefing: entities, entity metrics and figures not seen there."""
    if data.previous_period is None:
        return {"previous": None, "entities": [], "metrics": [], "figures": [], "more_figures": 0}
    old = _records(previous[["entity", "metric", "period", "unit"]]) if not previous.empty else []
    old_entities = {r.get("entity") for r in old if r.get("entity")}
    old_metrics = {(r.get("entity"), r.get("metric")) for r in old}
    old_keys = {(r.get("entity"), r.get("metric"), r.get("period"), r.get("unit")) for r in old}
    entities = sorted({r["entity"] for r in current if r.get("entity") and r["entity"] not in old_entities})
    metrics = sorted({
        (r["entity"], metric_label(r.get("metric")))
        for r in current
        if r.get("entity") in old_entities and (r.get("entity"), r.get("metric")) not in old_metrics
    })
    new = [
        r for r in current
        if r.get("entity") and (r.get("entity"), r.get("metric"), r.get("period"), r.get("unit")) not in old_keys
    ]
    return {
        "previous": data.previous_period,
        "previous_label": describe_period(data.previous_period),
        "entities": entities,
        "metrics": [{"entity": e, "metric": m} for e, m in metrics],
        "figures": [
            {"text": describe_figure(r), "href": links.figure(r["figure_id"])} for r in new[:MAX_NEW_FIGURES]
        ],
        "more_figures": max(0, len(new) - MAX_NEW_FIGURES),
    }


def listed_documents(data: PeriodData, preferred: set[str], limit: int = MAX_DOCUMENTS) -> set[str]:
    """The documents the page lists: those its inline figures cite first, then those with most figures."""
    ids = [str(d) for d in data.documents["doc_id"]]
    if len(ids) <= limit:
        return set(ids)
    counts = data.figures.groupby("doc_id").size().to_dict() if not data.figures.empty else {}
    ids.sort(key=lambda d: (d not in preferred, -int(counts.get(d, 0)), d))
    return set(ids[:limit])


def build_documents(data: PeriodData, listed: set[str]) -> list[dict[str, Any]]:
    """The listed documents of the period, oldest first, with every path they arrived under."""
    paths: dict[str, list[str]] = {}
    for row in _records(data.sources):
        if row.get("doc_id") in listed and row.get("status") != "rejected":
            paths.setdefault(row["doc_id"], []).append(_str(row.get("path")))
    counts = data.figures.groupby("doc_id").size().to_dict() if not data.figures.empty else {}
    docs = []
    for row in _records(data.documents[data.documents["doc_id"].isin(listed)]):
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


def build_briefing_view(
    data: PeriodData, previous: pd.DataFrame, history: pd.DataFrame, *, presorted: bool = False
) -> dict[str, Any]:
    """Everything a briefing page shows, as plain data (no markup): the template only lays it out.

    presorted: data.figures is already in reading order (sort_figures).
    """
    stem = data.stem or f"briefing-{data.period}"
    rows = _records(data.figures if presorted else sort_figures(data.figures))
    groups = group_entities(rows)
    inline = inline_figures(groups)
    shown = {r["figure_id"] for group in inline.values() for r in group}
    listed = listed_documents(data, {r["doc_id"] for group in inline.values() for r in group})
    links = Links(figure_links(groups, shown), listed)
    entities, other_entities = build_entities(groups, inline, links)
    flagged = sum(r.get("status") == "suspect" for r in rows)
    charts = charts_for(data.figures, history, anchor("chart", data.period), data.charts)
    return {
        "period": data.period,
        "period_label": describe_period(data.period),
        "every": data.every,
        "counts": {
            "documents": len(data.documents),
            "figures": len(data.figures),
            "entities": sum(1 for e in [*entities, *other_entities] if e["name"] != UNATTRIBUTED),
            "flagged": flagged,
            "findings": len(data.findings),
            "figures_shown": len(shown),
            "documents_shown": len(listed),
        },
        "headlines": pick_headlines(rows, links),
        "charts": charts,
        "scripts": page_scripts(charts),
        "entities": entities,
        "other_entities": other_entities,
        "findings": build_findings(data, links),
        "news": build_news(data, rows, previous, links),
        "documents": build_documents(data, listed),
        "rejected": build_rejected(data.rejected),
        "downloads": {"csv": f"{stem}.csv", "json": f"{stem}.json", "findings": f"{stem}-findings.csv"},
    }
