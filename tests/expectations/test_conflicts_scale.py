"""The conflict rule merges and windows its comparisons: same findings as comparing every pair, far fewer comparisons."""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from expectations import rules
from expectations.reference import load_fx_rates
from expectations.rules import DEFAULT_SETTINGS, MAX_RELATED_IDS, Fact, build_facts, check_conflicts

FX = load_fx_rates(Path(__file__).resolve().parents[2] / "data" / "fx_rates.csv")


def pairwise_findings(facts: list[Fact]) -> list[dict[str, Any]]:
    """The rule as it was first written: compare every pair of a group, judge each figure by its pairs."""
    s = DEFAULT_SETTINGS
    groups: dict[tuple[str, ...], list[Fact]] = defaultdict(list)
    for f in facts:
        key = rules._group_key(f)
        if key is not None and key[1] in s.single_valued_metrics and key[2] == "level":
            groups[key].append(f)
    findings = []
    for members in groups.values():
        pairs: dict[str, list[rules._Pair]] = {f.figure_id: [] for f in members}
        for a, b in itertools.combinations(members, 2):
            if members[0].period is None and a.doc_id != b.doc_id and (a.published is None or b.published is None):
                continue  # undated: figures without a date only meet figures of their own document
            if (pa := rules._related(a, b, s)) is not None and (pb := rules._related(b, a, s)) is not None:
                pairs[a.figure_id].append(pa)
                pairs[b.figure_id].append(pb)

        def support(f: Fact, pairs: dict[str, list[rules._Pair]] = pairs) -> tuple[int, int]:
            agreeing = [f] + [p.other for p in pairs[f.figure_id] if p.agrees]
            return len({x.doc_id for x in agreeing}), len(agreeing)

        for fact in members:
            against = [p for p in pairs[fact.figure_id] if not p.agrees]
            if not against:
                continue
            best = max(against, key=lambda p: (support(p.other), not p.cross_currency, -abs(math.log(p.ratio or 1e-300))))
            if support(best.other) < support(fact):
                continue
            ids = {p.other.figure_id for p in against}
            allies = [best.other] + [
                p.other for p in pairs[best.other.figure_id]
                if p.agrees and p.other.figure_id in ids
            ]
            findings.append({
                "figure_id": fact.figure_id,
                "other": best.other.figure_id,
                "reports": len(allies),
                "documents": len({a.doc_id for a in allies}),
                "related": ",".join(sorted(a.figure_id for a in allies)[:MAX_RELATED_IDS]),
            })
    return sorted(findings, key=lambda f: f["figure_id"])


def random_group(rng: random.Random, n: int) -> pd.DataFrame:
    """Figures of a few keys with mixed units, qualifiers, kinds, slips, signs, zeros and shared sentences."""
    published = {
        d: None if rng.random() < 0.15 else pd.Timestamp("2024-01-01") + pd.Timedelta(days=rng.choice([0, 3, 100, 200, 400]))
        for d in "abcdefgh"
    }
    base = rng.choice([1e9, 5e10, 3.8e11])
    rows = []
    for i in range(n):
        unit = rng.choice(["CNY", "CNY", "USD", "EUR", "count", "XTS"])
        value = base * rng.choice([1, 1, 1, 1.01, 0.1, 10, 1.3, 0.14, 100, 0.5]) * (7 if unit == "CNY" else 1)
        value = 0.0 if rng.random() < 0.05 else value * rng.choice([1] * 9 + [-1])
        doc = rng.choice("abcdefgh")
        rows.append({
            "figure_id": f"f{i:03d}", "doc_id": doc, "value": value, "unit": unit,
            "qualifier": rng.choice(["exact"] * 5 + ["approx", "approx", "over", "under", "up_to"]),
            "entity": rng.choice(["Acme", "Acme Group", "Bcme"]), "metric": rng.choice(["capex", "revenue"]),
            "basis": "level", "period": rng.choice([None, "2024", "2024"]),
            "kind": rng.choice([None, "actual", "estimate", "target", "forecast"]),
            "sentence": rng.choice([None, "s1", "s2"]), "start": i, "end": i + 1, "surface": "x",
            "published_at": published[doc],
        })
    return pd.DataFrame(rows)


def summary(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What pairwise_findings records, read back from the rule's findings."""
    out = []
    for f in findings:
        reports = int(f["message"].split(" in ")[1].split(" other")[0])
        out.append({"figure_id": f["figure_id"], "reports": reports, "related": f["related_figure_ids"]})
    return sorted(out, key=lambda f: f["figure_id"])


@pytest.mark.parametrize("scan_level", [32, 0])
def test_same_findings_as_comparing_every_pair(scan_level: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # scan_level 0 walks every support level by value instead of scanning it whole.
    monkeypatch.setattr(rules, "_SCAN_LEVEL", scan_level)
    rng = random.Random(scan_level)
    for _ in range(150):
        facts = build_facts(random_group(rng, rng.randint(2, 80)), FX)
        expected = pairwise_findings(facts)
        found = summary(check_conflicts(facts))
        assert found == [{k: e[k] for k in ("figure_id", "reports", "related")} for e in expected]


def test_a_large_group_costs_comparisons_in_proportion_to_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    # Thousands of reports of one figure, with slips and rounded variants: the realistic worst case.
    # (Thousands of distinct values that all agree with each other still cost their agreeing pairs.)
    calls = 0
    related = rules._related

    def counted(a: Fact, b: Fact, settings: rules.RuleSettings) -> rules._Pair | None:
        nonlocal calls
        calls += 1
        return related(a, b, settings)

    monkeypatch.setattr(rules, "_related", counted)
    rng = random.Random(1)
    rows = [
        {
            "figure_id": f"f{i:05d}", "doc_id": f"d{i}", "value": 380e9 * rng.choice([1] * 30 + [0.1, 1.004, 0.99, 10]),
            "unit": "CNY", "qualifier": rng.choice(["exact", "exact", "approx"]), "entity": "Acme", "metric": "capex",
            "basis": "level", "period": "2025", "kind": "target", "sentence": None, "start": 0, "end": 1,
            "surface": "x", "published_at": pd.Timestamp("2025-01-01") + pd.Timedelta(days=i % 300),
        }
        for i in range(3000)
    ]
    findings = check_conflicts(build_facts(pd.DataFrame(rows), FX))
    assert 100 < len(findings) < 400  # the tenfold slips
    assert calls < 50 * len(rows)  # every pair would be 4.5 million
    assert all(len(f["related_figure_ids"].split(",")) <= MAX_RELATED_IDS for f in findings)
