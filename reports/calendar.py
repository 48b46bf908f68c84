"""Reporting periods (ISO week, month, quarter) of publication dates."""

from __future__ import annotations

from datetime import date, datetime


def period_key(when: date | datetime, every: str) -> str:
    """Return the period a date falls in: 2025-W19, 2025-05 or 2025-Q2."""
    if every == "week":
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    if every == "month":
        return f"{when.year}-{when.month:02d}"
    if every == "quarter":
        return f"{when.year}-Q{(when.month - 1) // 3 + 1}"
    raise ValueError(f"every must be week, month or quarter, got {every!r}")
