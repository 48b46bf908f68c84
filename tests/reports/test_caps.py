"""A big period's page stays bounded: capped sections say what they leave out, links never dangle."""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd

from flows import store
from flows.reporting import Warehouse, build_period, export_figures, export_findings
from reports import view
from reports.render import render_briefing

CLOCK = datetime(2025, 5, 12, 7, 0)
ENTITIES = 30
DOCS = 90
METRICS = ("revenue", "capex", "market_share", "users")


def big_warehouse() -> Warehouse:
    """One week (2025-W19) with many documents, entities, figures and findings, after a quiet week."""
    docs = [{"doc_id": f"d{i:03d}", "title": f"Story {i}", "source": "Wire", "author": None,
             "published_at": pd.Timestamp("2025-05-05") + pd.Timedelta(hours=i), "first_path": f"in/{i}.txt",
             "briefing_period": "2025-W19"} for i in range(DOCS)]
    docs.append({"doc_id": "d-old", "title": "Old", "source": "Wire", "author": None,
                 "published_at": pd.Timestamp("2025-04-28"), "first_path": "in/old.txt",
                 "briefing_period": "2025-W18"})
    figures = []
    for n in range(600):
        doc = docs[n % DOCS]
        metric = METRICS[n % len(METRICS)]
        figures.append({
            "figure_id": f"g{n:04d}", "doc_id": doc["doc_id"], "start": n, "end": n + 3, "surface": f"{n}%",
            "sentence": f"Figure {n}% here.", "value": float(n % 97), "unit": "%" if metric != "revenue" else "USD",
            "qualifier": "exact", "metric": metric, "basis": "share" if metric == "market_share" else "level",
            "entity": f"Entity {n % ENTITIES:02d}" if n % 11 else None, "period": "2025-Q1", "kind": "actual",
            "currency_inferred": False, "status": "suspect" if n % 5 == 0 else "ok",
            "published_at": doc["published_at"], "doc_title": doc["title"], "doc_source": "Wire",
            "doc_path": doc["first_path"], "briefing_period": doc["briefing_period"],
        })
    figures.append({**figures[0], "figure_id": "g-old", "doc_id": "d-old", "entity": "Entity 00",
                    "published_at": docs[-1]["published_at"], "briefing_period": "2025-W18"})
    findings = [{"run_id": "r", "rule": "conflict", "severity": "error" if n % 3 == 0 else "warning",
                 "figure_id": f"g{n:04d}", "doc_id": docs[n % DOCS]["doc_id"],
                 "related_figure_ids": f"g{(n + 1) % 600:04d},g-old", "message": f"disagrees {n}"}
                for n in range(0, 600, 5)]
    # A conflict over a large group names up to 20 related figures.
    findings[0]["related_figure_ids"] = ",".join(f"g{n:04d}" for n in range(1, 21))
    documents = pd.DataFrame(docs)
    return Warehouse(
        figures=pd.DataFrame(figures), documents=documents,
        findings=pd.DataFrame(findings, columns=store.RESULT_COLUMNS),
        sources=pd.DataFrame([{"path": d["first_path"], "sha256": "s", "size": 1, "mtime_ns": 1,
                               "doc_id": d["doc_id"], "status": "loaded", "reason": None} for d in docs],
                             columns=store.SOURCE_COLUMNS),
        periods=["2025-W18", "2025-W19"],
    )


def test_sections_are_capped_and_say_what_they_leave_out() -> None:
    page, figures = build_period(big_warehouse(), "2025-W19", "week")
    assert len(figures) == 600
    assert len(page["entities"]) == view.MAX_ENTITY_SECTIONS
    assert all(len(e["figures"]) <= view.MAX_FIGURES_PER_ENTITY for e in page["entities"])
    assert sum(e["total"] for e in [*page["entities"], *page["other_entities"]]) == 600
    assert len(page["findings"]) == view.MAX_FINDINGS < page["counts"]["findings"] == 120
    # Most severe first: every error is shown before any warning.
    assert [f["severity"] for f in page["findings"]] == sorted(
        (f["severity"] for f in page["findings"]), key=view.SEVERITY_ORDER.__getitem__)
    assert all(len(f["sides"]) <= view.MAX_SIDES for f in page["findings"])
    assert page["findings"][0]["more_sides"] == 21 - view.MAX_SIDES
    assert len(page["news"]["figures"]) == view.MAX_NEW_FIGURES and page["news"]["more_figures"] > 0
    assert len(page["documents"]) == view.MAX_DOCUMENTS < page["counts"]["documents"] == DOCS
    html = render_briefing(page, generated_at=CLOCK)
    assert "of 120 findings" in html and "Also reported" in html


def test_flagged_figures_and_every_metric_come_first() -> None:
    rows = [{"figure_id": f"x{i}", "metric": m, "status": "suspect" if i == 0 else "ok"}
            for i, m in enumerate(["a"] * 6 + ["b"] * 6 + ["c"] * 6)]
    shown = view.pick_inline(rows, limit=4)
    assert [r["figure_id"] for r in shown] == ["x0", "x5", "x11", "x17"]
    assert view.pick_inline(rows[:3], limit=4) == rows[:3]


def test_every_link_on_a_capped_page_lands() -> None:
    html = render_briefing(build_period(big_warehouse(), "2025-W19", "week")[0], generated_at=CLOCK)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    local = re.findall(r'href="#([^"]+)"', html)
    assert local and not [target for target in local if target not in ids]
    # A figure shown on another page is linked to its entity's section there, which always exists.
    assert 'href="briefing-2025-W18.html#entity-entity-00"' in html


def test_exports_hold_every_figure_and_finding() -> None:
    wh = big_warehouse()
    _, figures = build_period(wh, "2025-W19", "week")
    csv_text, json_text = export_figures(figures)
    assert len(csv_text.strip().splitlines()) == 601
    assert json_text.count('"figure_id"') == 600
    findings = export_findings(wh.findings)
    assert len(findings.strip().splitlines()) == 121 and "run_id" not in findings.splitlines()[0]
    assert findings.splitlines()[1].startswith("conflict,error,")
