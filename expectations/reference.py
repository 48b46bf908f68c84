"""Reference data the rules check against: known units (ISO 4217 and others) and dated FX rates."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"
ISO4217_FILE = DATA_DIR / "iso4217.csv"
# Units the figure spec allows besides currencies, and those the extractor adds where the
# spec's list falls short: minor currency units as market data writes them (USX cents,
# GBX pence), index points, FLOPS for compute, h for GPU hours.
OTHER_UNITS = (
    "%", "pp", "x", "count", "parameters", "tokens", "W", "Wh", "B",
    "USX", "GBX", "points", "FLOPS", "h",
)


@cache
def load_currency_codes(path: Path = ISO4217_FILE) -> frozenset[str]:
    """The active ISO 4217 currency codes shipped in expectations/data/iso4217.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["code"].strip() for row in csv.DictReader(handle) if row["code"].strip())


def known_units() -> list[str]:
    """Every unit a figure may carry: ISO 4217 codes plus the spec's other units."""
    return sorted(load_currency_codes()) + list(OTHER_UNITS)


def is_currency(unit: object) -> bool:
    """True for an ISO 4217 code."""
    return isinstance(unit, str) and unit in load_currency_codes()


def _month_index(when: date) -> int:
    return when.year * 12 + when.month - 1


@dataclass(slots=True)
class FxTable:
    """Monthly average rates as US dollars per unit of each currency."""

    rates: dict[str, dict[int, float]] = field(default_factory=dict)
    # (currency, month index) -> rate found: every figure of a month asks the same question.
    _nearest: dict[tuple[str, int], float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def usd_per_unit(self, currency: str, when: date | None) -> float | None:
        """The rate of the month nearest `when` (USD is 1); None if unknown or no date."""
        if currency == "USD":
            return 1.0
        months = self.rates.get(currency)
        if not months or when is None:
            return None
        target = _month_index(when)
        key = (currency, target)
        rate = self._nearest.get(key)
        if rate is None:
            nearest = min(months, key=lambda m: (abs(m - target), m))
            rate = self._nearest[key] = months[nearest]
        return rate

    def currencies(self) -> set[str]:
        """Currencies with at least one rate (plus USD)."""
        return set(self.rates) | {"USD"}


def read_fx_rates(frame: pd.DataFrame) -> FxTable:
    """Build an FxTable from a frame with month (YYYY-MM), currency, usd_per_unit columns."""
    missing = {"month", "currency", "usd_per_unit"} - set(frame.columns)
    if missing:
        raise ValueError(f"FX table lacks columns {sorted(missing)}")
    table = FxTable()
    for row in frame.itertuples(index=False):
        month = datetime.strptime(str(row.month), "%Y-%m").date()
        rate = float(row.usd_per_unit)
        if not rate > 0:
            raise ValueError(f"FX rate for {row.currency} {row.month} must be positive, got {rate}")
        table.rates.setdefault(str(row.currency), {})[_month_index(month)] = rate
    return table


def load_fx_rates(path: Path) -> FxTable:
    """Read the dated FX table (data/fx_rates.csv)."""
    return read_fx_rates(pd.read_csv(path, dtype={"month": "str", "currency": "str"}))
