"""Readable amounts and figure descriptions for validation messages."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

_SCALES = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")]


def is_blank(value: object) -> bool:
    """True for None, NaN and empty strings."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def format_number(value: float) -> str:
    """A number without noise: 38 -> '38', 31.742 -> '31.742', 0.1234567 -> '0.123457'."""
    return f"{value:,.6g}" if abs(value) >= 1e6 else f"{value:.6g}"


def format_amount(value: object, unit: object, digits: int = 4) -> str:
    """'38 billion CNY', '13%', '2 pp', '10.5x', '235 billion parameters' (digits: decimals kept)."""
    if is_blank(value):
        return "?"
    number = float(value)  # type: ignore[arg-type]
    unit_text = "" if is_blank(unit) else str(unit)
    if unit_text == "%":
        return f"{format_number(number)}%"
    if unit_text == "x":
        return f"{format_number(number)}x"
    if unit_text == "pp":
        return f"{format_number(number)} pp"
    words = format_number(number)
    for scale, word in _SCALES:
        if abs(number) >= scale:
            words = f"{round(number / scale, digits):g} {word}"
            break
    return f"{words} {unit_text}".strip()


def describe(row: Mapping[str, Any]) -> str:
    """'Alibaba capex 2025..2027': who, what and when, leaving out what is unknown."""
    parts = [str(row.get(k)) for k in ("entity", "metric", "period") if not is_blank(row.get(k))]
    return " ".join(parts) if parts else "an unattributed figure"


def template_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A figure's fields for message templates: blanks read '?', value is formatted."""
    fields: dict[str, Any] = {k: ("?" if is_blank(v) else v) for k, v in row.items()}
    if not is_blank(row.get("value")):
        fields["value"] = format_number(float(row["value"]))
    fields["amount"] = format_amount(row.get("value"), row.get("unit"))
    fields["what"] = describe(row)
    return fields
