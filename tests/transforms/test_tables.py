"""Bare numbers in Markdown tables read with the unit their header or caption gives them."""

from __future__ import annotations

import pytest

from transforms.tables import extract_table_figures, statement_cells, statement_figures

CAPTIONED = """Top vendors, first quarter of 2026 (Revenues are in US$ millions)

| Company | 1Q26 Revenue | Share | Employees |
|---|---|---|---|
| 1. Dell Technologies | 10,412 | 8.2% | 108000 |
| HPE | 4,472.5 | 3.5% | 61000 |
"""

HEADED = """| App | MAU (million) | Rank | Revenue (RMB bn) |
|---|---|---|---|
| Doubao | 268.4 | 1 | 12.5 |
| Yuanbao | n/a | 2 | 3 |
"""

CASES = [
    pytest.param(
        CAPTIONED,
        [("10,412", 10_412e6, "USD"), ("4,472.5", 4_472.5e6, "USD")],
        id="caption-covers-revenue-columns-only",
    ),
    pytest.param(
        HEADED,
        [("268.4", 268.4e6, "count"), ("12.5", 12.5e9, "CNY"), ("3", 3e9, "CNY")],
        id="header-notes-and-label-columns",
    ),
    pytest.param(
        "| Model | Score |\n|---|---|\n| Qwen3 | 88.5 |\n",
        [],
        id="no-unit-no-figure",
    ),
    pytest.param("Revenue was 10,412 (US$ millions) | not a table", [], id="not-a-table"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_table_cells(text: str, expected: list[tuple[str, float, str]]) -> None:
    figures = extract_table_figures(text, [])
    assert [(f.surface, pytest.approx(f.value), f.unit) for f in figures] == expected
    for f in figures:
        assert text[f.start : f.end] == f.surface


def test_cells_already_found_are_left_alone() -> None:
    start = HEADED.index("268.4")
    figures = extract_table_figures(HEADED, [(start, start + 5)])
    assert "268.4" not in [f.surface for f in figures]


STATEMENT = """Consolidated Statements of Operations (Unaudited; in millions, except per share data)

                          Three Months Ended      Six Months Ended
                          June 28,   June 29,    June 28,   June 29,
                            2026       2025        2026       2025
Net revenue               $ 5,210    $ 4,180     $ 9,930    $ 8,020
Operating income            1,044        (120)     1,870        215
Diluted EPS               $  0.91    $ (0.08)    $  1.62    $  0.19

The figures above are unaudited.
"""

GUIDANCE = """Outlook

                               Q3 FY27            Full Year FY27
Revenue (in billions)          $2.10 to $2.15     $8.40 to $8.50
Y/Y Growth                     18% to 20%         15% to 16%
"""


def test_statement_amounts_take_the_scale_note_and_column_headings() -> None:
    cells = statement_cells(STATEMENT)
    first = cells[0]
    assert STATEMENT[first.start : first.end] == "$ 5,210"
    assert first.header == "Three Months Ended June 28, 2026"
    assert first.label == "Net revenue"
    assert cells[3].header == "Six Months Ended June 29, 2025"
    figures = {f.surface: (f.value, f.unit) for f in statement_figures(STATEMENT)}
    assert figures["$ 5,210"] == (pytest.approx(5.21e9), "USD")
    assert figures["1,044"] == (pytest.approx(1.044e9), "USD")  # the block's currency
    assert figures["(120)"] == (pytest.approx(-1.2e8), "USD")  # brackets: a loss
    assert figures["$  0.91"] == (pytest.approx(0.91), "USD")  # per share: not scaled


def test_a_row_label_scales_its_row_and_percentages_are_left_to_the_grammar() -> None:
    figures = {f.surface: f.value for f in statement_figures(GUIDANCE)}
    assert figures == {
        "$2.10": pytest.approx(2.1e9), "$2.15": pytest.approx(2.15e9),
        "$8.40": pytest.approx(8.4e9), "$8.50": pytest.approx(8.5e9),
    }
    headers = [c.header for c in statement_cells(GUIDANCE)]
    assert headers == ["Q3 FY27"] * 2 + ["Full Year FY27"] * 2 + ["Q3 FY27"] * 2 + ["Full Year FY27"] * 2


def test_prose_with_wide_spaces_is_not_a_table() -> None:
    text = "Revenue rose  12% in the quarter.\nProfit fell  3% on costs.\n"
    assert statement_cells(text) == []


NOTED_HEADING = """Revenue by region
(€ million)              Q3 2026   Organic    9M 2026
North America              3,870    +15.6%     10,930
Western Europe             2,410     +6.2%      7,120
"""

NOTED_CAPTION = """Earnings revisions (Rmb mn, except EPS)
                 2026E old   2026E new
Revenue              6,980       7,640
EPS (Rmb)             2.52        2.82
"""


def test_a_note_in_brackets_scales_the_amounts_and_a_row_of_years_is_a_heading() -> None:
    figures = {f.surface: (f.value, f.unit) for f in statement_figures(NOTED_HEADING)}
    assert figures == {
        "3,870": (pytest.approx(3.87e9), "EUR"), "10,930": (pytest.approx(1.093e10), "EUR"),
        "2,410": (pytest.approx(2.41e9), "EUR"), "7,120": (pytest.approx(7.12e9), "EUR"),
    }
    assert statement_cells(NOTED_HEADING)[0].header == "Q3 2026"
    revisions = {f.surface: (f.value, f.unit) for f in statement_figures(NOTED_CAPTION)}
    assert revisions["6,980"] == (pytest.approx(6.98e9), "CNY")
    assert revisions["2.52"] == (pytest.approx(2.52), "CNY")  # per share: not scaled
