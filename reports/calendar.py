"""Reporting periods (ISO week, month, quarter) of publication dates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

EVERY = ("week", "month", "quarter")

_PATTERNS = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
}
_EXAMPLES = {"week": "2025-W19", "month": "2025-05", "quarter": "2025-Q2"}
# Month names spelled out here so output never depends on the process locale.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _mon(day: date) -> str:
    return _MONTHS[day.month - 1][:3]


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


def infer_every(key: str) -> str:
    """Return which kind of period a key names (week, month or quarter), or raise ValueError."""
    for every, pattern in _PATTERNS.items():
        if pattern.match(key):
            return every
    raise ValueError(
        f"period {key!r} is not a week, month or quarter; write it like "
        + ", ".join(_EXAMPLES.values())
    )


def period_bounds(key: str) -> tuple[date, date]:
    """First and last day of a period key."""
    every = infer_every(key)
    match = _PATTERNS[every].match(key)
    assert match is not None
    year, number = int(match.group(1)), int(match.group(2))
    if every == "week":
        try:
            first = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"{key}: {year} has no ISO week {number}") from None
        return first, first + timedelta(days=6)
    if every == "month":
        if not 1 <= number <= 12:
            raise ValueError(f"{key}: month must be 01 to 12")
        first = date(year, number, 1)
    else:
        first = date(year, 3 * number - 2, 1)
    months = 1 if every == "month" else 3
    next_month = first.month - 1 + months
    after = date(first.year + next_month // 12, next_month % 12 + 1, 1)
    return first, after - timedelta(days=1)


def check_period(key: str, every: str) -> None:
    """Raise ValueError unless key is a valid period of the given kind."""
    kind = infer_every(key)
    if kind != every:
        raise ValueError(
            f"period {key!r} is a {kind}, but briefings are every {every}; "
            f"pass --every {kind} or a {every} such as {_EXAMPLES[every]}"
        )
    period_bounds(key)


def describe_period(key: str) -> str:
    """Plain words for a period: 'Week 19, 2025 (5–11 May)', 'May 2025', 'Q2 2025'."""
    every = infer_every(key)
    first, last = period_bounds(key)
    if every == "month":
        return f"{_MONTHS[first.month - 1]} {first.year}"
    if every == "quarter":
        return f"Q{(first.month - 1) // 3 + 1} {first.year} ({_mon(first)}–{_mon(last)})"
    week = int(key.split("W")[1])
    if first.month == last.month:
        span = f"{first.day}–{last.day} {_mon(last)}"
    else:
        span = f"{first.day} {_mon(first)} – {last.day} {_mon(last)}"
    return f"Week {week}, {first.isocalendar()[0]} ({span})"
