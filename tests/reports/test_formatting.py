"""Human formatting of figures, driven by cases in data/*.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.formatting import (
    change_label,
    describe_figure,
    format_figure,
    format_number,
    split_evidence,
)

DATA = Path(__file__).parent / "data"


def cases(name: str) -> list[Any]:
    return [pytest.param(c, id=c["expected"]) for c in json.loads((DATA / name).read_text("utf-8"))]


@pytest.mark.parametrize("case", cases("formatting_cases.json"))
def test_format_figure(case: dict[str, Any]) -> None:
    assert format_figure(case["figure"]) == case["expected"]


@pytest.mark.parametrize("case", cases("describe_cases.json"))
def test_describe_figure(case: dict[str, Any]) -> None:
    assert describe_figure(case["figure"]) == case["expected"]


def test_change_label_is_empty_when_the_words_disagree() -> None:
    sentence = "It grew 13% year-on-year and quarter-on-quarter alike."
    assert change_label(sentence, "13%") == ""


@pytest.mark.parametrize(
    ("sentence", "surface", "expected"),
    [
        ("Revenue rose 18% to ¥30.1 bn.", "18%", ("Revenue rose ", "18%", " to ¥30.1 bn.")),
        ("No match here.", "18%", ("No match here.", "", "")),
        ("", "18%", ("", "", "")),
        (None, None, ("", "", "")),
    ],
)
def test_split_evidence(sentence: str | None, surface: str | None, expected: tuple[str, str, str]) -> None:
    assert split_evidence(sentence, surface) == expected


@given(st.floats(min_value=1e-3, max_value=1e15, allow_nan=False, allow_infinity=False))
def test_format_number_keeps_three_significant_digits(value: float) -> None:
    shown = float(format_number(value).replace(",", ""))
    assert abs(shown - value) <= abs(value) * 0.005 + 1e-9
