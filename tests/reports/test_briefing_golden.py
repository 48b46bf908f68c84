"""Golden-file tests of rendered briefings and the index, from hand-built frames and a fixed clock."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from report_samples import load_warehouse

from flows.reporting import build_period, index_entries
from reports.render import render_briefing, render_index

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
CLOCK = datetime(2025, 5, 12, 7, 0)


def check_golden(name: str, html: str, update: bool) -> None:
    """Compare with the golden file, or rewrite it with --update-golden."""
    path = GOLDEN / name
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        if not update:
            pytest.fail(f"{path} did not exist and was written; check it in and run again")
        return
    expected = path.read_text(encoding="utf-8")
    assert html == expected, f"{name} differs from its golden file; rerun with --update-golden if intended"


@pytest.mark.parametrize(
    ("every", "period"), [("week", "2025-W18"), ("week", "2025-W19"), ("month", "2025-05")]
)
def test_briefing_matches_golden(every: str, period: str, update_golden: bool) -> None:
    view, _ = build_period(load_warehouse(every), period, every)
    check_golden(f"briefing-{period}.html", render_briefing(view, generated_at=CLOCK), update_golden)


def test_rendering_is_deterministic() -> None:
    first = render_briefing(build_period(load_warehouse("week"), "2025-W19", "week")[0], generated_at=CLOCK)
    # Shuffled input rows must not change the page.
    wh = load_warehouse("week")
    wh.figures = wh.figures.sample(frac=1, random_state=3)
    wh.findings = wh.findings.iloc[::-1]
    wh.sources = wh.sources.iloc[::-1]
    wh.documents = wh.documents.iloc[::-1]
    second = render_briefing(build_period(wh, "2025-W19", "week")[0], generated_at=CLOCK)
    assert first == second


def test_index_matches_golden(tmp_path: Path, update_golden: bool) -> None:
    rows = []
    for every, period, figures, documents, flagged in [
        ("week", "2025-W18", 5, 1, 0), ("week", "2025-W19", 8, 2, 1), ("month", "2025-04", 5, 1, 0),
        ("month", "2025-05", 8, 2, 1),
    ]:
        (tmp_path / f"briefing-{period}.html").write_text("x")
        rows.append({"every": every, "period": period, "path": str(tmp_path / f"briefing-{period}.html"),
                     "content_hash": "h", "figures": figures, "documents": documents, "flagged": flagged})
    rows.append({"every": "quarter", "period": "2025-Q2", "path": str(tmp_path / "gone.html"),
                 "content_hash": "h", "figures": 1, "documents": 1, "flagged": 0})
    html = render_index(index_entries(pd.DataFrame(rows), tmp_path), generated_at=CLOCK)
    order = re.findall(r'href="briefing-([^"]+)\.html"', html)
    assert order == ["2025-05", "2025-W19", "2025-W18", "2025-04"]
    assert "gone.html" not in html
    check_golden("index.html", html, update_golden)
