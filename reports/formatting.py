"""Human formatting of figures: ¥31.7 bn, +13% YoY, 26.1% share, 235B parameters (pure)."""

from __future__ import annotations

import math
import re
from typing import Any

MINUS = "\u2212"  # a real minus sign: reads better than a hyphen next to digits

CURRENCY_SYMBOLS = {
    "CNY": "¥", "USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£", "JPY": "JP¥",
    "TWD": "NT$", "SGD": "S$", "AUD": "A$", "CAD": "C$", "INR": "₹", "KRW": "₩",
}
# Money scales as newsrooms write them; model sizes use the field's B/T shorthand instead.
MONEY_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))
COUNT_SCALES = ((1e12, " tn"), (1e9, " bn"), (1e6, " m"), (1e3, "k"))
MODEL_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
SI_PREFIXES = ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
SI_UNITS = {"W", "Wh", "B", "J", "m", "g", "Hz", "FLOPS"}

QUALIFIER_WORDS = {"approx": "about", "over": "over", "under": "under", "up_to": "up to"}
COUNT_NOUNS = {
    "users": "users", "github_stars": "stars", "gpus": "GPUs", "models": "models",
    "downloads": "downloads", "rides": "rides", "business_lines": "business lines",
}
METRIC_LABELS = {
    "affo": "AFFO", "ai_revenue": "AI revenue", "capex": "capex", "eps": "EPS", "gpus": "GPUs",
    "ebitda": "EBITDA", "github_stars": "GitHub stars", "fx_rate": "exchange rate", "market_cap": "market cap",
}
KIND_WORDS = {"estimate": "estimate", "forecast": "forecast", "target": "target"}

_CHANGE_WORDS = (
    ("YoY", re.compile(r"year[- ]on[- ]year|year[- ]over[- ]year|\byoy\b|\by/y\b|from a year (?:earlier|ago)|same (?:period|quarter) (?:of )?last year", re.I)),
    ("QoQ", re.compile(r"quarter[- ]on[- ]quarter|quarter[- ]over[- ]quarter|\bqoq\b|\bq/q\b|sequential", re.I)),
    ("MoM", re.compile(r"month[- ]on[- ]month|month[- ]over[- ]month|\bmom\b|\bm/m\b", re.I)),
)


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' NA/NaT."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT and NA are the values not equal to themselves
    except TypeError:
        return True


def format_number(value: float, *, digits: int = 3) -> str:
    """A plain number with about `digits` significant digits, thousands separated, no trailing zeros."""
    magnitude = abs(value)
    if magnitude == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
    text = f"{magnitude:,.{min(decimals, 6)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _signed(value: float, text: str, *, plus: bool) -> str:
    if value < 0:
        return MINUS + text
    return ("+" + text) if plus and value > 0 else text


def _scaled(value: float, scales: tuple[tuple[float, str], ...]) -> str:
    magnitude = abs(value)
    for factor, suffix in scales:
        # Round first so 999.96 million shows as 1 bn, not 1,000 m.
        if float(format_number(magnitude / factor).replace(",", "")) >= 1:
            return format_number(magnitude / factor) + suffix
    return format_number(magnitude)


def format_money(value: float, currency: str) -> str:
    """¥31.7 bn, $185 bn, −¥11.2 bn, HK$3.2 m, KRW 5 bn."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    amount = _scaled(value, tuple((f, " " + s) for f, s in MONEY_SCALES))
    text = f"{symbol}{amount}" if symbol else f"{currency} {amount}"
    return _signed(value, text, plus=False)


def format_percent(value: float, *, plus: bool = False) -> str:
    """26.1%, 0.35%, +13% (with plus=True)."""
    return _signed(value, format_number(value) + "%", plus=plus)


def change_label(sentence: str | None, surface: str | None) -> str:
    """YoY, QoQ or MoM when the words next to the figure say which comparison it is, else ''."""
    if not sentence:
        return ""
    at = sentence.find(surface) if surface else -1
    if at >= 0:
        after = sentence[at + len(surface or "") : at + len(surface or "") + 40]
        before = sentence[max(0, at - 40) : at]
        windows = [after, before]
    else:
        windows = [sentence]
    for window in windows:
        found = [label for label, pattern in _CHANGE_WORDS if pattern.search(window)]
        if len(found) == 1:
            return found[0]
        if found:
            return ""
    return ""


def format_amount(
    value: float | None,
    unit: str | None,
    *,
    basis: str | None = None,
    metric: str | None = None,
    label: str = "",
) -> str:
    """The figure's amount in human form, without qualifier: ¥31.7 bn, +13% YoY, 26.1% share."""
    if is_missing(value):
        return "n/a"
    assert value is not None
    unit = unit or ""
    change = basis == "change"
    suffix = f" {label}" if label else ""
    if unit == "%":
        text = format_percent(value, plus=change)
        if basis == "share":
            return text + " share"
        return text + (suffix if change else "")
    if unit == "pp":
        return _signed(value, format_number(value) + " pp", plus=change) + (suffix if change else "")
    if unit == "x":
        return _signed(value, format_number(value) + "×", plus=False) + (suffix if change else "")
    if unit in ("parameters", "tokens"):
        if 1e8 <= abs(value) < 1e9:
            # The field writes small models as 0.6B, not 600M.
            text = format_number(value / 1e9) + "B"
        else:
            text = _scaled(value, MODEL_SCALES)
        return _signed(value, text, plus=change) + " " + unit
    if unit == "count":
        noun = COUNT_NOUNS.get(metric or "")
        text = _signed(value, _scaled(value, COUNT_SCALES), plus=change)
        return f"{text} {noun}" if noun else text
    if re.fullmatch(r"[A-Z]{3}", unit):
        return format_money(value, unit)
    if unit in SI_UNITS:
        for factor, prefix in SI_PREFIXES:
            if abs(value) >= factor:
                return _signed(value, f"{format_number(value / factor)} {prefix}{unit}", plus=change)
        return _signed(value, f"{format_number(value)} {unit}", plus=change)
    return _signed(value, format_number(value), plus=change) + (f" {unit}" if unit else "")


def format_figure(figure: dict[str, Any]) -> str:
    """A figure's amount with its qualifier in words: 'over $185 bn', '+13% YoY', 'about 26.1% share'."""
    label = ""
    if figure.get("basis") == "change":
        label = change_label(_text(figure.get("sentence")), _text(figure.get("surface")))
    amount = format_amount(
        None if is_missing(figure.get("value")) else float(figure["value"]),
        _text(figure.get("unit")),
        basis=_text(figure.get("basis")),
        metric=_text(figure.get("metric")),
        label=label,
    )
    qualifier = QUALIFIER_WORDS.get(_text(figure.get("qualifier")) or "")
    return f"{qualifier} {amount}" if qualifier else amount


def metric_label(metric: str | None) -> str:
    """Plain words for a metric name: market_share -> 'market share'."""
    if not metric:
        return "figure"
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


def describe_figure(figure: dict[str, Any]) -> str:
    """One line in plain words: 'Alibaba Cloud revenue: ¥31.7 bn in 2025-Q1 (forecast)'."""
    entity = _text(figure.get("entity")) or "Unattributed"
    amount = format_figure(figure)
    metric = _text(figure.get("metric"))
    if metric == "market_share" and amount.endswith(" share"):
        text = f"{entity}: {amount[: -len(' share')]} market share"
    else:
        text = f"{entity} {metric_label(metric)}: {amount}"
    period = _text(figure.get("period"))
    if period:
        text += f" in {period}"
    kind = KIND_WORDS.get(_text(figure.get("kind")) or "")
    return f"{text} ({kind})" if kind else text


def split_evidence(sentence: str | None, surface: str | None) -> tuple[str, str, str]:
    """Split a sentence around the figure's surface (first occurrence) so it can be highlighted."""
    sentence = sentence or ""
    if surface:
        at = sentence.find(surface)
        if at >= 0:
            return sentence[:at], surface, sentence[at + len(surface) :]
    return sentence, "", ""


def _text(value: Any) -> str | None:
    return None if is_missing(value) else str(value)
