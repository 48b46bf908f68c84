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
    values: list[dict[str, Any]], encoding: dict[str, Any], layers: list[tuple[dict[str, Any], dict[str, Any]]],
    **props: Any,
) -> dict[str, Any]:
    """A layered Vega-Lite spec: shared encoding, one (mark, extra encoding) per layer, inline data."""
    return {
        "config": CONFIG,
        "layer": [{"mark": mark, "encoding": {**encoding, **extra}} for mark, extra in layers],
        "data": {"values": values},
        **props,
    }


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column as Python values, missing ones as None (arrow strings via to_pylist: no boxing)."""
    column = frame[name]
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        return list(column.array.__arrow_array__().to_pylist())
    return [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in column.tolist()]


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
    readings = _share_readings(history)
    if not readings:
        return None
    chosen, total = top_entities(median_shares(readings))
    rows = history.iloc[[i for _, _, _, i in chosen]]
    labelled = sorted(
        ((w, e, v, format_figure(r)) for (e, w, v, _), r in zip(chosen, rows.to_dict("records"), strict=True)),
        key=lambda t: (t[0], t[1], t[2]),
    )
    values = [{"entity": e, "when": w, "share": v, "label": label} for w, e, v, label in labelled]
    title = "Market share over time"
    if total > MAX_SHARE_ENTITIES:
        title += f": {MAX_SHARE_ENTITIES} of {total} entities, most readings first"
    encoding = {
        "color": {"field": "entity", "sort": sorted({t[1] for t in labelled}), "title": None, "type": "nominal"},
        "x": {"axis": {"labelAngle": 0}, "field": "when", "sort": sorted({t[0] for t in labelled}),
              "title": "period the figure is about", "type": "ordinal"},
        "y": {"field": "share", "scale": {"domainMin": 0}, "title": "market share (%)", "type": "quantitative"},
    }
    return layered(values, encoding, [
        ({"type": "line", "strokeWidth": 2}, {}),
        ({"type": "point", "filled": True, "size": 60}, {}),
        ({"type": "text", "dy": -9, "fontSize": 10}, {"text": {"field": "label", "type": "nominal"}}),
    ], height=220, title=title, width=WIDTH)


def money_spec(figures: pd.DataFrame, currency: str) -> dict[str, Any] | None:
    """Money amounts (revenue, capex, investment) by entity in one currency, as horizontal bars."""
    if figures.empty:
        return None
    total = len(figures)
    amounts = [float(v) for v in _column(figures, "value")]
    candidates = list(range(total))
    if total > MAX_BARS:
        # Label only the rows that can be among the largest MAX_BARS (ties included): a week has thousands.
        floor = sorted(amounts, reverse=True)[MAX_BARS - 1]
        candidates = [i for i in candidates if amounts[i] >= floor]
    entities, metrics, periods = (_column(figures, c) for c in ("entity", "metric", "period"))
    bars = []
    for i in candidates:
        what = metric_label(metrics[i])
        period = periods[i]
        bars.append({
            "row": f"{entities[i]} · {what}" + (f" {period}" if isinstance(period, str) and period else ""),
            "entity": entities[i], "what": what, "bn": amounts[i] / 1e9,
            "label": format_money(amounts[i], currency),
        })
    # Largest first, ties by name, so the order never depends on input order.
    bars.sort(key=lambda b: (-b["bn"], b["row"], b["label"]))
    bars = bars[:MAX_BARS]
    title = f"Money amounts by entity ({currency})"
    if total > MAX_BARS:
        title += f": largest {MAX_BARS} of {total}"
    for i, bar in enumerate(bars):
        bar["key"] = f"{i:03d} {bar['row']}"
    labels = {bar["key"]: bar["row"] for bar in bars}
    encoding = {
        # Room on the right for the value labels.
        "x": {"field": "bn", "scale": {"domainMax": max(b["bn"] for b in bars) * 1.25, "nice": False},
              "title": f"{currency} bn", "type": "quantitative"},
        "y": {"axis": {"labelExpr": _label_expr(labels), "labelLimit": 260}, "field": "key",
              "sort": list(labels), "title": None, "type": "nominal"},
    }
    return layered(bars, encoding, [
        ({"type": "bar", "color": "#3b6ea8", "height": 14}, {}),
        ({"type": "text", "align": "left", "dx": 4, "fontSize": 10}, {"text": {"field": "label", "type": "nominal"}}),
    ], height=max(40, 22 * len(bars)), title=title, width=WIDTH - 220)


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


Reading = tuple[str, str, float, int]  # entity, period, share, row number


def _share_readings(history: pd.DataFrame) -> list[Reading]:
    """(entity, period, share, row number) of each share that has a period.

    Plain lists, not frames: a page has few points, and pandas' per-call cost was most of a chart.
    A share without a period cannot be placed on a time axis; the tables still show it.
    """
    return [
        (str(e), str(p), float(v), i)
        for i, (e, p, v) in enumerate(zip(_column(history, "entity"), _column(history, "period"),
                                          _column(history, "value"), strict=True))
        if p is not None and str(p) != ""
    ]


def median_shares(readings: list[Reading]) -> list[Reading]:
    """One reading per entity and period (the median one, lower on ties), over the latest periods.

    Several articles often report a share for the same entity and period; a line through all of
    them zigzags on one x position and its labels pile up. Single readings pass through unchanged.
    Equal readings keep their input order (a stable sort), so the one chosen is always the same.
    """
    latest = set(sorted({w for _, w, _, _ in readings})[-MAX_SHARE_PERIODS:])
    groups: dict[tuple[str, str], list[Reading]] = {}
    for r in sorted((r for r in readings if r[1] in latest), key=lambda r: (r[0], r[1], r[2])):
        groups.setdefault((r[0], r[1]), []).append(r)
    return [group[(len(group) - 1) // 2] for group in groups.values()]


def top_entities(shares: list[Reading]) -> tuple[list[Reading], int]:
    """The shares of the entities with most readings (ties by name), and how many entities there were."""
    counts: dict[str, int] = {}
    for entity, _, _, _ in shares:
        counts[entity] = counts.get(entity, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    keep = {name for name, _ in ranked[:MAX_SHARE_ENTITIES]}
    return [r for r in shares if r[0] in keep], len(ranked)


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


def share_points(history: pd.DataFrame) -> pd.DataFrame:
    """The rows of a share history the chart can show: the median reading per entity and period.

    The chart of a late period draws from every share reported before it; shipping just these
    rows (at most entities x MAX_SHARE_PERIODS) instead of every reading keeps a page's inputs the
    same size however long the corpus is. market_share_spec draws the same chart from either.
    """
    history = share_history(history)
    if history.empty:
        return history
    return history.iloc[sorted(i for _, _, _, i in median_shares(_share_readings(history)))]


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
