"""Reference data: the ISO 4217 list, the dated FX table, and the spec's period forms."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from expectations.periods import PERIOD_REGEX, parse_period, period_date
from expectations.reference import is_currency, known_units, load_fx_rates, read_fx_rates

FX_FILE = Path(__file__).resolve().parents[2] / "data" / "fx_rates.csv"
CURRENCIES = ["CNY", "HKD", "EUR", "GBP", "JPY", "KRW", "INR", "TWD"]


def test_known_units_hold_iso_codes_and_the_spec_units() -> None:
    units = set(known_units())
    assert {"CNY", "USD", "HKD", "EUR", "JPY", "%", "pp", "x", "count", "parameters", "tokens", "W", "Wh", "B"} <= units
    assert not {"RMB", "usd", "yuan", "$"} & units
    assert is_currency("CNY") and not is_currency("%") and not is_currency(None)


def test_fx_table_covers_every_month_2023_to_2026() -> None:
    frame = pd.read_csv(FX_FILE)
    months = {f"{y}-{m:02d}" for y in range(2023, 2027) for m in range(1, 13)}
    for currency in CURRENCIES:
        assert set(frame.loc[frame["currency"] == currency, "month"]) == months, currency


@pytest.mark.parametrize(
    ("currency", "when", "low", "high"),
    [("CNY", date(2025, 5, 7), 0.13, 0.15), ("HKD", date(2024, 1, 1), 0.126, 0.130),
     ("EUR", date(2023, 7, 1), 1.0, 1.2), ("JPY", date(2024, 7, 1), 0.005, 0.008),
     ("KRW", date(2025, 1, 1), 0.0006, 0.0008), ("USD", date(2020, 1, 1), 1.0, 1.0)],
)
def test_fx_rates_are_plausible(currency: str, when: date, low: float, high: float) -> None:
    rate = load_fx_rates(FX_FILE).usd_per_unit(currency, when)
    assert rate is not None and low <= rate <= high


def test_fx_lookup_takes_the_nearest_month() -> None:
    table = read_fx_rates(pd.DataFrame({
        "month": ["2024-01", "2024-06"], "currency": ["CNY", "CNY"], "usd_per_unit": [0.1, 0.2],
    }))
    assert table.usd_per_unit("CNY", date(2024, 2, 10)) == 0.1
    assert table.usd_per_unit("CNY", date(2024, 5, 1)) == 0.2
    assert table.usd_per_unit("CNY", date(2030, 1, 1)) == 0.2  # beyond the table: its edge
    assert table.usd_per_unit("CNY", None) is None
    assert table.usd_per_unit("XYZ", date(2024, 1, 1)) is None


def test_fx_table_rejects_bad_rows() -> None:
    with pytest.raises(ValueError, match="positive"):
        read_fx_rates(pd.DataFrame({"month": ["2024-01"], "currency": ["CNY"], "usd_per_unit": [0]}))
    with pytest.raises(ValueError, match="lacks columns"):
        read_fx_rates(pd.DataFrame({"month": ["2024-01"]}))


@pytest.mark.parametrize(
    ("period", "ok"),
    [("2024", True), ("2024-Q4", True), ("2024-H2", True), ("2025-05", True), ("2025-09-24", True),
     ("FY2026", True), ("2025..2027", True), ("FY2026..FY2027", True), ("2024-Q1..2024-Q3", True),
     ("2024-Q5", False), ("2024-13", False), ("FY26", False), ("last year", False), ("2024-H3", False),
     ("2025-09-32", False), ("2025...2027", False),
     # a company's fiscal quarters and halves, as the extractor writes them
     ("FY2026-Q3", True), ("FY2027-Q1..FY2027-Q3", True), ("FY2026-H1", True), ("FY2026-Q5", False)],
)
def test_period_regex(period: str, ok: bool) -> None:
    assert bool(re.match(PERIOD_REGEX, period)) is ok


def test_periods_step_and_date() -> None:
    q4 = parse_period("2024-Q4")
    assert q4 is not None and q4.year_earlier().label() == "2023-Q4" and q4.shifted(1).label() == "2025-Q1"
    assert parse_period("FY2026").year_earlier().label() == "FY2025"  # type: ignore[union-attr]
    assert parse_period("2025..2027") is None and parse_period(None) is None
    assert period_date("2024-H2") == date(2024, 7, 1) and period_date("2025..2027") == date(2025, 1, 1)


def test_fiscal_quarters_step_within_their_own_calendar() -> None:
    fq = parse_period("FY2026-Q1")
    assert fq is not None and fq.grain == "FYQ"
    assert fq.shifted(-1).label() == "FY2025-Q4" and fq.year_earlier().label() == "FY2025-Q1"
    assert fq != parse_period("2026-Q1")  # NVIDIA's FY2026-Q1 is not calendar 2026-Q1


def test_the_figures_suite_checks_periods_with_the_same_regex() -> None:
    """The suite JSON repeats PERIOD_REGEX (GX reads plain JSON); the two must not drift apart."""
    import json

    suite = json.loads((Path(__file__).resolve().parents[2] / "expectations/suites/figures.json").read_text())
    regexes = [
        e["kwargs"]["regex"]
        for e in suite["expectations"]
        if e["kwargs"].get("column") == "period" and "regex" in e["kwargs"]
    ]
    assert regexes == [PERIOD_REGEX]
