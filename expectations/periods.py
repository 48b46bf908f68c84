"""Periods in the spec's forms (2024, 2024-Q4, 2024-H2, 2025-05, 2025-09-24, FY2026, A..B) as numbers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

# The spec's forms; a span joins two single forms with "..".
SINGLE_PERIOD = (
    r"(?:FY\d{4}(?:-Q[1-4]|-H[12])?|\d{4}(?:-Q[1-4]|-H[12]|-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?)"
)
PERIOD_REGEX = rf"^{SINGLE_PERIOD}(?:\.\.{SINGLE_PERIOD})?$"

_FORMS = [
    # A company's fiscal quarters and halves (FY2026-Q3): their own grains, never compared
    # with calendar ones (NVIDIA's FY2026-Q3 is not 2026-Q3).
    ("FYQ", re.compile(r"^FY(\d{4})-Q([1-4])$")),
    ("FYH", re.compile(r"^FY(\d{4})-H([12])$")),
    ("Q", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("H", re.compile(r"^(\d{4})-H([12])$")),
    ("M", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    ("FY", re.compile(r"^FY(\d{4})$")),
    ("Y", re.compile(r"^(\d{4})$")),
]
_STEPS_PER_YEAR = {"FYQ": 4, "FYH": 2, "Q": 4, "H": 2, "M": 12, "FY": 1, "Y": 1}


@dataclass(frozen=True, slots=True)
class Period:
    """A single period as a grain (Y, FY, H, Q, M) and a running index within that grain."""

    grain: str
    index: int

    @property
    def year(self) -> int:
        """The calendar (or fiscal) year the period falls in."""
        return self.index // _STEPS_PER_YEAR[self.grain]

    def shifted(self, steps: int) -> Period:
        """The period `steps` grains later (negative: earlier)."""
        return Period(self.grain, self.index + steps)

    def year_earlier(self) -> Period:
        """The same period one year before (2024-Q4 -> 2023-Q4)."""
        return self.shifted(-_STEPS_PER_YEAR[self.grain])

    def label(self) -> str:
        """The spec's text form of the period."""
        year, part = divmod(self.index, _STEPS_PER_YEAR[self.grain])
        if self.grain in {"FYQ", "FYH"}:
            return f"FY{year}-{self.grain[-1]}{part + 1}"
        if self.grain == "Q":
            return f"{year}-Q{part + 1}"
        if self.grain == "H":
            return f"{year}-H{part + 1}"
        if self.grain == "M":
            return f"{year}-{part + 1:02d}"
        return f"FY{year}" if self.grain == "FY" else str(year)


def parse_period(text: object) -> Period | None:
    """Parse a single (non-span, non-day) period; None for spans, days, blanks and bad forms."""
    if not isinstance(text, str):
        return None
    return _parse_period(text)


@functools.lru_cache(maxsize=8192)
def _parse_period(text: str) -> Period | None:
    # Periods repeat across a corpus' figures (a few hundred distinct forms): parse each once.
    for grain, pattern in _FORMS:
        match = pattern.match(text.strip())
        if match:
            year = int(match.group(1))
            part = int(match.group(2)) - 1 if match.lastindex and match.lastindex > 1 else 0
            return Period(grain, year * _STEPS_PER_YEAR[grain] + part)
    return None


def period_date(text: object) -> date | None:
    """A representative date of a period (its first day; a span's start), for FX look-ups."""
    if not isinstance(text, str) or not text.strip():
        return None
    first = text.split("..")[0].strip()
    day = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", first)
    if day:
        try:
            return date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
        except ValueError:
            return None
    period = parse_period(first)
    if period is None:
        return None
    year, part = divmod(period.index, _STEPS_PER_YEAR[period.grain])
    if period.grain.startswith("FY"):
        # Without the company's fiscal calendar, its year's first day is unknown: use the
        # start of the calendar year the fiscal year is named after (close enough for FX).
        return date(year, 1, 1)
    month = {"Q": part * 3 + 1, "H": part * 6 + 1, "M": part + 1}.get(period.grain, 1)
    return date(year, month, 1)
