"""Charts: Vega-Lite specs the page draws (default) or inline SVG from vl-convert; self-contained,
stable, safe to put in a page, with unique ids per chart."""

from __future__ import annotations

import json
import re

import pandas as pd

from reports.charts import (
    MAX_SHARE_PERIODS,
    charts_for,
    javascript_bundle,
    page_scripts,
    share_points,
    spec_json,
)

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
    charts = charts_for(MONEY, SHARES, "chart-x", "svg")
    assert [c["title"] for c in charts] == [
        "Market share over time", "Money amounts by entity (CNY)", "Money amounts by entity (USD)"]
    for chart in charts:
        svg = chart["svg"]
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert not re.search(r"""href\s*=\s*["'](?!#)|url\((?!#)|@import|<image|<script|<foreignObject""", svg)
        assert "<img" not in svg and "onerror=" not in svg.replace("&lt;img src=x onerror=", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in charts[0]["svg"]


def test_chart_ids_are_unique_and_stable() -> None:
    first = charts_for(MONEY, SHARES, "chart-x", "svg")
    second = charts_for(MONEY.iloc[::-1], SHARES.iloc[::-1], "chart-x", "svg")
    assert [c["svg"] for c in first] == [c["svg"] for c in second]
    ids = [i for c in first for i in re.findall(r'\bid="([^"]+)"', c["svg"])]
    assert len(ids) == len(set(ids))
    for c in first:
        for ref in re.findall(r"url\(#([^)]+)\)", c["svg"]):
            assert ref in ids


def test_no_chart_without_data() -> None:
    for renderer in ("browser", "svg"):
        charts = charts_for(MONEY.iloc[0:0], SHARES.iloc[0:0], "chart-y", renderer)
        assert charts == [] and page_scripts(charts) == []


def test_share_chart_keeps_the_entities_with_most_readings() -> None:
    shares = pd.DataFrame({
        "entity": [f"E{i:02d}" for i in range(10) for _ in range(i + 1)],
        "period": [f"2025-Q{j % 4 + 1}" for i in range(10) for j in range(i + 1)],
        "value": 10.0, "unit": "%", "basis": "share", "metric": "market_share",
        "qualifier": "exact", "sentence": "", "surface": "",
    })
    svg = charts_for(MONEY.iloc[0:0], shares, "chart-z", "svg")[0]["svg"]
    assert "Market share over time: 8 of 10 entities" in svg
    assert "E09" in svg and "E02" in svg and "E01" not in svg and "E00" not in svg


def test_browser_charts_are_specs_safe_inside_a_script_element() -> None:
    charts = charts_for(MONEY, SHARES, "chart-x")
    assert [(c["id"], c["title"]) for c in charts] == [
        ("chart-x-share", "Market share over time"), ("chart-x-money-cny", "Money amounts by entity (CNY)"),
        ("chart-x-money-usd", "Money amounts by entity (USD)")]
    for chart in charts:
        assert chart["svg"] == ""
        # Nothing in the text can end its script element or open markup; JSON.parse reads it back.
        assert not re.search(r"[<>&]", chart["spec"])
        spec = json.loads(chart["spec"])
        assert spec["data"]["values"] and "url" not in spec["data"]
    names = {v["entity"] for v in json.loads(charts[0]["spec"])["data"]["values"]}
    assert names == {"Alibaba Cloud", "<img src=x onerror=alert(1)>"}
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in charts[0]["spec"]
    assert page_scripts(charts) == [page_scripts(charts)[0], "assets/briefing-charts.js"]
    assert re.fullmatch(r"assets/vega-[\d.]+-lite-[\d.]+-embed-[\d.]+\.js", page_scripts(charts)[0])
    assert page_scripts(charts_for(MONEY, SHARES, "chart-x", "svg")) == []


def test_browser_charts_are_stable_and_hold_what_the_svg_shows() -> None:
    first = charts_for(MONEY, SHARES, "chart-x")
    assert [c["spec"] for c in first] == [c["spec"] for c in charts_for(MONEY.iloc[::-1], SHARES.iloc[::-1], "chart-x")]
    svgs = charts_for(MONEY, SHARES, "chart-x", "svg")
    for chart, svg in zip(first, svgs, strict=True):
        labels = [v.get("label") for v in json.loads(chart["spec"])["data"]["values"]]
        assert labels and all(label in svg["svg"] for label in labels)


def test_spec_json_escapes_what_would_end_a_script() -> None:
    spec = {"title": "</script><!-- & \u2028 \u2029 '\"", "data": {"values": [{"a": 1.5, "b": None}]}}
    text = spec_json(spec)
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == spec


def test_the_bundle_is_one_classic_script_that_defines_vega_embed() -> None:
    bundle = javascript_bundle()
    # A classic script (a module would not load from file://), its declarations kept in a function.
    assert not re.search(r"^\s*(import|export)\b", bundle, re.M)
    assert bundle.splitlines()[1] == "(function () {" and bundle.rstrip().endswith("})();")
    assert "window.vegaEmbed" in bundle


def test_the_share_points_draw_the_same_chart_as_the_whole_history() -> None:
    # 30 entities x 20 periods x 1-3 readings each: more entities and periods than the chart shows
    rows = [
        (f"E{e:02d}", f"{2020 + p // 4}-Q{p % 4 + 1}", float((e * 7 + p * 3 + r) % 40), r)
        for e in range(30) for p in range(20) for r in range(1 + (e + p) % 3)
    ]
    history = pd.DataFrame({
        "entity": [r[0] for r in rows], "period": [r[1] for r in rows], "value": [r[2] for r in rows],
        "unit": "%", "basis": "share", "metric": "market_share", "qualifier": "exact",
        "sentence": "", "surface": [str(r[3]) for r in rows],
    })
    points = share_points(history)
    assert len(points) <= 30 * MAX_SHARE_PERIODS < len(history)
    assert charts_for(MONEY.iloc[0:0], points, "c") == charts_for(MONEY.iloc[0:0], history, "c")
