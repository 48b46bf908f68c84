"""Charts: inline SVG from altair/vl-convert, self-contained, stable, with unique ids per chart."""

from __future__ import annotations

import re

import pandas as pd

from reports.charts import charts_for

SHARES = pd.DataFrame({
    "entity": ["Alibaba Cloud", "<img src=x onerror=alert(1)>", "Alibaba Cloud"],
    "period": ["2024-Q4", "2024-Q4", "2025-Q1"],
    "value": [26.1, 14.8, 26.8], "unit": "%", "basis": "share", "metric": "market_share",
    "qualifier": "exact", "sentence": "", "surface": "",
})
MONEY = pd.DataFrame({
    "entity": ["Alibaba", "Tencent", "NVIDIA", "Alibaba"],
    "metric": ["investment", "capex", "capex", "revenue"],
    "period": ["2025..2027", "2024", "2025", None],
    "value": [380e9, 76.8e9, 185e9, 30.1e9], "unit": ["CNY", "CNY", "USD", "CNY"], "basis": "level",
})


def test_charts_are_self_contained_and_escape_names() -> None:
    charts = charts_for(MONEY, SHARES, "chart-x")
    assert [c["title"] for c in charts] == [
        "Market share over time", "Money amounts by entity (CNY)", "Money amounts by entity (USD)"]
    for chart in charts:
        svg = chart["svg"]
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert not re.search(r"""href\s*=\s*["'](?!#)|url\((?!#)|@import|<image|<script|<foreignObject""", svg)
        assert "<img" not in svg and "onerror=" not in svg.replace("&lt;img src=x onerror=", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in charts[0]["svg"]


def test_chart_ids_are_unique_and_stable() -> None:
    first = charts_for(MONEY, SHARES, "chart-x")
    second = charts_for(MONEY.iloc[::-1], SHARES.iloc[::-1], "chart-x")
    assert [c["svg"] for c in first] == [c["svg"] for c in second]
    ids = [i for c in first for i in re.findall(r'\bid="([^"]+)"', c["svg"])]
    assert len(ids) == len(set(ids))
    for c in first:
        for ref in re.findall(r"url\(#([^)]+)\)", c["svg"]):
            assert ref in ids


def test_no_chart_without_data() -> None:
    assert charts_for(MONEY.iloc[0:0], SHARES.iloc[0:0], "chart-y") == []


def test_share_chart_keeps_the_entities_with_most_readings() -> None:
    shares = pd.DataFrame({
        "entity": [f"E{i:02d}" for i in range(10) for _ in range(i + 1)],
        "period": [f"2025-Q{j % 4 + 1}" for i in range(10) for j in range(i + 1)],
        "value": 10.0, "unit": "%", "basis": "share", "metric": "market_share",
        "qualifier": "exact", "sentence": "", "surface": "",
    })
    svg = charts_for(MONEY.iloc[0:0], shares, "chart-z")[0]["svg"]
    assert "Market share over time: 8 of 10 entities" in svg
    assert "E09" in svg and "E02" in svg and "E01" not in svg and "E00" not in svg
