"""Bare numbers in Markdown tables read with the unit their header or caption gives them."""

from __future__ import annotations

import pytest

from transforms.tables import extract_table_figures

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
