"""Charts of a briefing: Vega-Lite specs, drawn by the reader's browser or rendered here to SVG.

The specs are plain dicts, the JSON altair would write for the same charts: building them through
altair's object model deep-copied every spec several times and cost more than laying them out.

Two ways to put them on a page (CHART_RENDERERS):
- "browser" (the default): the spec goes into the page as JSON and the vega, vega-lite and
  vega-embed bundle written once per briefings folder (assets/) draws it, offline. Laying out a
  chart's text costs the browser milliseconds and vl-convert ~0.1 s, most of a report run.
- "svg": vl-convert renders each chart to inline SVG; the page needs no script (e-mail, archives).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from reports.formatting import format_figure, format_money, metric_label

CHART_RENDERERS = ("browser", "svg")
# The folder, next to the pages, that holds the scripts browser-drawn charts need.
ASSETS_DIR = "assets"
CHARTS_SCRIPT = Path(__file__).with_name("static") / "briefing-charts.js"

MONEY_METRICS = ("revenue", "ai_revenue", "capex", "investment")
# vl-convert lays out text with the fonts it finds; the generic family measures the same in a browser.
FONT = "sans-serif"
WIDTH = 560
# Bounds that keep a chart readable and its rendering cost independent of corpus size: vl-convert
# lays out every text mark (~2 ms each), so a chart of every figure grew with the warehouse.
MAX_BARS = 25
MAX_SHARE_PERIODS = 12
# The share chart's lines: beyond a handful the colours repeat and the labels pile up.
MAX_SHARE_ENTITIES = 8

_ID = re.compile(r'\bid="([^"]+)"')
_EXTERNAL = re.compile(
    r"""(?:href\s*=\s*["'](?!#))|(?:url\(\s*["']?(?!#))|@import|<image\b|<foreignObject\b|<script\b""",
    re.I,
)


CONFIG: dict[str, Any] = {
    "view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
    "axis": {"grid": True, "gridColor": "#eee", "labelFontSize": 11, "titleFontSize": 11},
    "background": "white",
    "font": FONT,
    "legend": {"labelFontSize": 11, "labelLimit": 260, "orient": "bottom", "titleFontSize": 11},
}


def layered(
    data: pd.DataFrame, encoding: dict[str, Any], layers: list[tuple[dict[str, Any], dict[str, Any]]],
    **props: Any,
) -> dict[str, Any]:
    """A layered Vega-Lite spec: shared encoding, one (mark, extra encoding) per layer, inline data."""
    return {
        "config": CONFIG,
        "layer": [{"mark": mark, "encoding": {**encoding, **extra}} for mark, extra in layers],
        # Inline JSON-safe records: numpy scalars become Python numbers, as altair writes them.
        "data": {"values": data.astype(object).where(data.notna(), None).to_dict("records")},
        **props,
    }


def svg_of(spec: dict[str, Any], chart_id: str) -> str:
    """Render a chart to SVG with ids prefixed by chart_id, so several charts share a page safely."""
    import vl_convert  # only the svg renderer needs it in the page workers

    svg = vl_convert.vegalite_to_svg(spec, vl_version=vega_lite_version())
    # vega numbers clip paths and gradients with process-wide counters: renumber them per chart
    # in order of appearance, so output is stable and ids never collide between charts.
    mapping: dict[str, str] = {}
    for old in _ID.findall(svg):
        mapping.setdefault(old, f"{chart_id}-{len(mapping) + 1}")
    for old, new in mapping.items():
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
    # Fluid width: keep the aspect ratio from viewBox, let CSS size it.
    svg = re.sub(r'^<svg([^>]*?) width="[\d.]+" height="[\d.]+"', r'<svg\1', svg, count=1)
    svg = svg.replace("<svg ", f'<svg id="{chart_id}" role="img" ', 1)
    if _EXTERNAL.search(svg):
        raise ValueError(f"chart {chart_id} refers to something outside the page")
    return svg


# What a script element's text must not hold, escaped in JSON: "</script" or "<!--" would end it.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def spec_json(spec: dict[str, Any]) -> str:
    """A spec as JSON safe to put in a <script type="application/json"> element (no <, >, &)."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # JSON.parse reads \u003c as "<": the data is unchanged, and no markup can end the element.
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group()], text)


@functools.cache
def vega_lite_version() -> str:
    """The Vega-Lite version both renderers use: the newest vl-convert ships."""
    import vl_convert

    return str(vl_convert.get_vegalite_versions()[-1])


@functools.cache
def bundle_name() -> str:
    """File name of the script bundle, by version: a page refers to the versions it was made with."""
    import vl_convert

    return (f"vega-{vl_convert.get_vega_version()}-lite-{vega_lite_version()}"
            f"-embed-{vl_convert.get_vega_embed_version()}.js")


def javascript_bundle() -> str:
    """vega, vega-lite and vega-embed as one classic script that defines window.vegaEmbed (~0.9 MB).

    vl-convert bundles them with no reference to any other file or host (~2 s of CPU).
    """
    import vl_convert

    code = vl_convert.javascript_bundle("window.vegaEmbed = vegaEmbed;", vl_version=vega_lite_version())
    # The bundle declares top-level consts; a function scope keeps them off the page's global scope.
    return (f"/* {bundle_name()}: vega, vega-lite and vega-embed (BSD-3-Clause), bundled by vl-convert */\n"
            f"(function () {{\n{code}\n}})();\n")


def page_scripts(charts: list[dict[str, Any]]) -> list[str]:
    """The scripts, relative to the page, that a page's browser-drawn charts need (none for SVG)."""
    if not any(c["spec"] for c in charts):
        return []
    return [f"{ASSETS_DIR}/{bundle_name()}", f"{ASSETS_DIR}/{CHARTS_SCRIPT.name}"]


def market_share_spec(history: pd.DataFrame) -> dict[str, Any] | None:
    """Market share over time per entity (x: the period each figure is about), or None without data."""
    # A share without a period cannot be placed on a time axis; the tables still show it.
    history = history[history["period"].notna() & (history["period"].astype(str) != "")]
    if history.empty:
        return None
    history = median_shares(history)
    history, total = top_entities(history)
    data = history.assign(
        when=history["period"].astype(str),
        share=history["value"].astype(float),
        label=[format_figure(r) for r in history.to_dict("records")],
    )[["entity", "when", "share", "label"]].sort_values(["when", "entity", "share"])
    title = "Market share over time"
    if total > MAX_SHARE_ENTITIES:
        title += f": {MAX_SHARE_ENTITIES} of {total} entities, most readings first"
    encoding = {
        "color": {"field": "entity", "sort": sorted(set(data["entity"])), "title": None, "type": "nominal"},
        "x": {"axis": {"labelAngle": 0}, "field": "when", "sort": sorted(set(data["when"])),
              "title": "period the figure is about", "type": "ordinal"},
        "y": {"field": "share", "scale": {"domainMin": 0}, "title": "market share (%)", "type": "quantitative"},
    }
    return layered(data, encoding, [
        ({"type": "line", "strokeWidth": 2}, {}),
        ({"type": "point", "filled": True, "size": 60}, {}),
        ({"type": "text", "dy": -9, "fontSize": 10}, {"text": {"field": "label", "type": "nominal"}}),
    ], height=220, title=title, width=WIDTH)


def money_spec(figures: pd.DataFrame, currency: str) -> dict[str, Any] | None:
    """Money amounts (revenue, capex, investment) by entity in one currency, as horizontal bars."""
    if figures.empty:
        return None
    total = len(figures)
    if total > MAX_BARS:
        # Label only the rows that can be among the largest MAX_BARS (ties included): a week has thousands.
        bn = figures["value"].astype(float) / 1e9
        figures = figures[(bn >= bn.nlargest(MAX_BARS).iloc[-1]).to_numpy()]
    data = figures.assign(
        bn=figures["value"].astype(float) / 1e9,
        what=[metric_label(m) for m in figures["metric"]],
        label=[format_money(float(v), currency) for v in figures["value"]],
        row=[
            f"{e} · {metric_label(m)}" + (f" {p}" if isinstance(p, str) and p else "")
            for e, m, p in zip(figures["entity"], figures["metric"], figures["period"], strict=True)
        ],
    )[["row", "entity", "what", "bn", "label"]]
    # Largest first, ties by name, so the order never depends on input order.
    data = data.sort_values(["bn", "row", "label"], ascending=[False, True, True]).reset_index(drop=True)
    data = data.head(MAX_BARS)
    title = f"Money amounts by entity ({currency})"
    if total > MAX_BARS:
        title += f": largest {MAX_BARS} of {total}"
    data["key"] = [f"{i:03d} {r}" for i, r in enumerate(data["row"])]
    labels = dict(zip(data["key"], data["row"], strict=True))
    encoding = {
        # Room on the right for the value labels.
        "x": {"field": "bn", "scale": {"domainMax": float(data["bn"].max()) * 1.25, "nice": False},
              "title": f"{currency} bn", "type": "quantitative"},
        "y": {"axis": {"labelExpr": _label_expr(labels), "labelLimit": 260}, "field": "key",
              "sort": list(data["key"]), "title": None, "type": "nominal"},
    }
    return layered(data, encoding, [
        ({"type": "bar", "color": "#3b6ea8", "height": 14}, {}),
        ({"type": "text", "align": "left", "dx": 4, "fontSize": 10}, {"text": {"field": "label", "type": "nominal"}}),
    ], height=max(40, 22 * len(data)), title=title, width=WIDTH - 220)


def _js(text: str) -> str:
    """A vega expression string literal: quotes, backslashes and line ends escaped."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return "'" + escaped.replace("\n", "\\n").replace("\r", "\\r") + "'"


def _label_expr(labels: dict[str, str]) -> str:
    """A vega expression mapping each unique bar key back to its readable label."""
    expr = "datum.value"
    for key, label in reversed(list(labels.items())):
        expr = f"datum.value == {_js(key)} ? {_js(label)} : ({expr})"
    return expr


def median_shares(history: pd.DataFrame) -> pd.DataFrame:
    """One reading per entity and period (the median one, lower on ties), over the latest periods.

    Several articles often report a share for the same entity and period; a line through all of
    them zigzags on one x position and its labels pile up. Single readings pass through unchanged.
    """
    when = history["period"].astype(str)
    latest = set(sorted(set(when))[-MAX_SHARE_PERIODS:])
    history = history[when.isin(latest)]
    ordered = history.assign(_when=history["period"].astype(str), _v=history["value"].astype(float))
    ordered = ordered.sort_values(["entity", "_when", "_v"], kind="stable")
    groups = ordered.groupby(["entity", "_when"], sort=False)
    middle = (groups.cumcount() == (groups["_v"].transform("size") - 1) // 2).to_numpy()
    return ordered[middle].drop(columns=["_when", "_v"])


def top_entities(shares: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The shares of the entities with most readings (ties by name), and how many entities there were."""
    counts = shares.groupby("entity").size()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    keep = {name for name, _ in ranked[:MAX_SHARE_ENTITIES]}
    return shares[shares["entity"].isin(keep)], len(ranked)


def money_figures(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Money-level figures worth charting, grouped by currency (no conversion: rates are not ours)."""
    if figures.empty:
        return {}
    mask = (
        figures["metric"].isin(MONEY_METRICS)
        & figures["unit"].fillna("").str.fullmatch(r"[A-Z]{3}")
        & (figures["basis"].fillna("level") == "level")
        & figures["entity"].notna()
        & figures["value"].notna()
    )
    chosen = figures[mask]
    return {str(c): g for c, g in sorted(chosen.groupby("unit"), key=lambda kv: str(kv[0]))}


def share_history(figures: pd.DataFrame) -> pd.DataFrame:
    """Market-share figures with an entity and a value, for the share chart."""
    if figures.empty:
        return figures
    mask = (
        (figures["metric"] == "market_share")
        & (figures["unit"] == "%")
        & figures["entity"].notna()
        & figures["value"].notna()
    )
    return figures[mask]


def chart_specs(
    period_figures: pd.DataFrame, history: pd.DataFrame, prefix: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, title, spec) of every chart of one briefing: share over time (history up to this
    period), then money by currency."""
    specs: list[tuple[str, str, dict[str, Any]]] = []
    share = market_share_spec(share_history(history))
    if share:
        specs.append((f"{prefix}-share", "Market share over time", share))
    for currency, group in money_figures(period_figures).items():
        money = money_spec(group, currency)
        if money:
            specs.append((f"{prefix}-money-{currency.lower()}", f"Money amounts by entity ({currency})", money))
    return specs


def charts_for(
    period_figures: pd.DataFrame, history: pd.DataFrame, prefix: str, renderer: str = "browser"
) -> list[dict[str, Any]]:
    """Every chart of one briefing as the page shows it: its spec as JSON ("browser") or its SVG ("svg")."""
    if renderer not in CHART_RENDERERS:
        raise ValueError(f"chart renderer must be one of {', '.join(CHART_RENDERERS)}, got {renderer!r}")
    return [
        {"id": chart_id, "title": title,
         "spec": spec_json(spec) if renderer == "browser" else "",
         "svg": svg_of(spec, chart_id) if renderer == "svg" else ""}
        for chart_id, title, spec in chart_specs(period_figures, history, prefix)
    ]
