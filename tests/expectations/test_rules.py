"""Cross-figure rules (conflict, currency consistency, sequence, arithmetic) over data-driven frames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from expectations.reference import load_fx_rates
from expectations.rules import RuleInputs, entity_key, run_rules, says_sequential, scale_slip

CASES = json.loads((Path(__file__).parent / "cases" / "cross_figure.json").read_text(encoding="utf-8"))
FX = load_fx_rates(Path(__file__).resolve().parents[2] / "data" / "fx_rates.csv")


def build_frame(case: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The case's figures on top of the defaults; offsets found in the case's text if it has one."""
    text = case.get("text")
    rows = []
    for spec in case["figures"]:
        row = {**CASES["defaults"], **spec}
        row["figure_id"] = row.pop("id")
        row["doc_id"] = row.pop("doc")
        surface = row.get("surface") or f"{row['value']:g} {row['unit']}"
        row["surface"] = surface
        if text is not None:
            row["start"] = text.index(surface)
            row["end"] = row["start"] + len(surface)
            row["sentence"] = text
        else:
            row["start"], row["end"], row["sentence"] = 0, len(surface), None
        row["published_at"] = pd.Timestamp(row["published_at"])
        rows.append(row)
    texts = {row["doc_id"]: text for row in rows} if text is not None else {}
    return pd.DataFrame(rows), texts


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_cross_figure_case(case: dict[str, Any]) -> None:
    frame, texts = build_frame(case)
    findings = run_rules(RuleInputs(figures=frame, texts=texts, fx=FX))
    by_figure: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_figure.setdefault(finding["figure_id"], []).append(finding)
    for figure_id, rule in case["flagged"].items():
        rules = [f["rule"] for f in by_figure.get(figure_id, [])]
        assert rule in rules, f"{figure_id}: expected {rule}, got {rules}"
    for figure_id in case["clean"]:
        assert figure_id not in by_figure, f"{figure_id} should be clean: {by_figure[figure_id]}"
    assert set(by_figure) <= set(case["flagged"]), f"unexpected findings: {findings}"
    for figure_id, words in case.get("message_contains", {}).items():
        message = by_figure[figure_id][0]["message"]
        for word in words:
            assert word in message, f"{word!r} not in {message!r}"
    for figure_id, severity in case.get("severity", {}).items():
        assert {f["severity"] for f in by_figure[figure_id]} == {severity}
    for finding in findings:
        assert finding["related_figure_ids"], "a cross-figure finding names the figures involved"
        related = finding["related_figure_ids"].split(",")
        assert finding["figure_id"] not in related
        assert set(related) <= set(frame["figure_id"])


def test_conflict_message_reads_like_the_spec() -> None:
    case = CASES["cases"][0]
    frame, _ = build_frame(case)
    [finding] = run_rules(RuleInputs(figures=frame, fx=FX))
    assert finding["message"].startswith(
        "Acme capex 2025..2027 is given as 38 billion CNY here but 380 billion CNY in 2 other reports"
    )
    assert finding["related_figure_ids"] == "slip-380a,slip-380b"


@pytest.mark.parametrize(
    ("ratio", "power"),
    [(10.0, 1), (0.1, 1), (100.0, 2), (10_000.0, 4), (1.0, None), (7.0, None), (12.0, None), (10.4, 1)],
)
def test_scale_slip_recognises_powers_of_ten(ratio: float, power: int | None) -> None:
    assert scale_slip(ratio, 0.05) == power


@pytest.mark.parametrize(
    ("entity", "key"),
    [("Alibaba Group", "alibaba"), ("Alibaba Group Holding Ltd.", "alibaba"), ("Alibaba Cloud", "alibaba cloud"),
     ("Tencent", "tencent"), ("  ", None), (None, None),
     ("Dell Technologies", "dell"), ("Samsung Electronics Co., Ltd.", "samsung")],
)
def test_entity_key_ignores_legal_forms_only(entity: str | None, key: str | None) -> None:
    assert entity_key(entity) == key


@pytest.mark.parametrize(
    ("sentence", "sequential"),
    [("Revenue rose 5% sequentially.", True), ("up 3% quarter-on-quarter", True), ("4% q/q", True),
     ("grew 2% from the previous quarter", True), ("rose 2% from the prior quarter", True),
     ("rose 13% year on year", False), ("grew 20% from a year earlier", False), (None, False)],
)
def test_sequential_growth_needs_words_that_say_so(sentence: str | None, sequential: bool) -> None:
    assert says_sequential(sentence) is sequential
