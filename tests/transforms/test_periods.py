"""Period grammar: phrase cases as data, plus sentence-level resolution against context."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from transforms.periods import coarsen_to_month, find_periods, normalise_period

CASES = json.loads((Path(__file__).parent / "cases" / "periods.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['phrase']}@{c['published']}" for c in CASES])
def test_normalise_period(case: dict) -> None:
    published = date.fromisoformat(case["published"]) if case["published"] else None
    fiscal_end = case.get("fiscal_end", 12)  # month the company's fiscal year ends in
    assert normalise_period(case["phrase"], published, fiscal_end) == case["expected"]


def test_bare_quarter_takes_the_year_stated_earlier_in_the_sentence() -> None:
    text = "Market share rose from 25.8% in Q1 of last year to 26.2% in Q4."
    values = [m.values[0] for m in find_periods(text, date(2025, 5, 7))]
    assert values == ["2024-Q1", "2024-Q4"]


def test_previous_quarter_is_relative_to_the_sentence_quarter() -> None:
    text = "Revenue rose 13% in the fourth quarter of 2024, up from the previous quarter's 7%."
    values = [m.values[0] for m in find_periods(text, date(2025, 5, 7))]
    assert values == ["2024-Q4", "2024-Q3"]


def test_comparison_bases_are_marked() -> None:
    text = (
        "By 2032, compared to 2022, energy use will rise tenfold, the highest since October 2021."
    )
    found = {m.values[0]: m.baseline for m in find_periods(text, date(2025, 9, 24))}
    assert found == {"2032": False, "2022": True, "2021-10": True}


def test_the_same_period_of_another_year_is_a_comparison_base() -> None:
    text = "Shipments in 2026 totaled $29.3 billion, roughly triple the same period of 2025."
    found = {m.values[0]: m.baseline for m in find_periods(text, date(2026, 11, 24))}
    assert found == {"2026": False, "2025": True}


def test_offsets_point_into_the_searched_text() -> None:
    text = "Intro. Sales grew in the second half of 2024."
    (m,) = find_periods(text, None, start=7)
    assert text[m.start : m.end] == "the second half of 2024"


def test_coarsen_to_month() -> None:
    assert coarsen_to_month("2025-04-29") == "2025-04"
    assert coarsen_to_month("2025-Q4") == "2025-Q4"


def test_the_previous_quarter_after_a_fiscal_quarter_is_fiscal_too() -> None:
    text = "In its fiscal second quarter OCI grew 68%, an acceleration from 55% in the previous quarter."
    values = [m.values[0] for m in find_periods(text, date(2025, 12, 11), fiscal_end=5)]
    assert values == ["FY2026-Q2", "FY2026-Q1"]


def test_a_quarter_after_a_calendar_year_stays_calendar_for_a_fiscal_company() -> None:
    text = "Its share rose from 25.8% in Q1 of last year to 26.2% in Q4."
    values = [m.values[0] for m in find_periods(text, date(2025, 5, 7), fiscal_end=3)]
    assert values == ["2024-Q1", "2024-Q4"]


def test_case_oddities_are_read_in_every_sentence_of_a_document() -> None:
    # ſ, İ and ı match the grammar case-insensitively; whether a text holds them is cached per
    # text, so a document's later sentences, and the next document, must still see them
    plain = "Revenue rose in the first quarter of 2024. Sales fell in fiscal 2025."
    odd = "Revenue rose in the firſt quarter of 2024. Sales fell in fıscal 2025."
    published = date(2025, 5, 1)
    expected = [(m.start, m.end, m.values) for m in find_periods(plain, published)]
    for text in (plain, odd, plain, odd):
        for s, e in ((0, 42), (43, len(text))):
            got = [(m.start, m.end, m.values) for m in find_periods(text, published, start=s, end=e)]
            assert got == [x for x in expected if s <= x[0] < e]


def test_nine_months_is_not_nine_million() -> None:
    for text in ("$9M, up 4%", "9M users"):
        assert find_periods(text, date(2026, 10, 29)) == []


def test_slash_named_fiscal_years_are_named_by_their_end() -> None:
    text = "fiscal years 2026/27 and 2027/28"
    assert [m.values for m in find_periods(text, date(2026, 5, 20), fiscal_end=3)] == [("FY2027", "FY2028")]


def test_a_month_range_before_a_half_is_left_to_the_half() -> None:
    text = "the April-September first half"
    assert [m.values for m in find_periods(text, date(2026, 11, 12), fiscal_end=3)] == [("FY2027-H1",)]



def test_a_bare_fiscal_number_is_not_a_year() -> None:
    assert find_periods("FY3 revenue", date(2026, 10, 30), fiscal_end=3) == []


def test_the_average_for_the_year_and_the_year_ago_quarter_are_not_the_year() -> None:
    for text in ("about 30% above the daily average for the year", "for the year ago quarter"):
        assert [m.values for m in find_periods(text, date(2025, 8, 21))] == []
