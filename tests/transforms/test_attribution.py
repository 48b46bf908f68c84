"""Attribution of figures: sentence-level cases as data, plus accuracy floors on the seeds' gold spans."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from transforms.attribution import attribute_figures
from transforms.entities import EntityCatalog
from transforms.metadata import parse_text_metadata
from transforms.models import Figure

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = REPO.parent / "shared"
CASES = json.loads((HERE / "cases" / "attribution.json").read_text(encoding="utf-8"))
ATTRS = ("metric", "basis", "entity", "period", "kind")


@pytest.fixture(scope="module")
def catalog() -> EntityCatalog:
    return EntityCatalog.from_csv_text((REPO / "data" / "entities.csv").read_text(encoding="utf-8"))


def _norm(attr: str, v: object) -> str | None:
    """Compare like shared/eval/score_figures.py: entity ignores case, spaces and punctuation."""
    if v is None:
        return None
    s = str(v).strip().lower()
    return re.sub(r"[\s_\-.,']+", "", s) if attr == "entity" else s


def _case_figures(case: dict) -> list[Figure]:
    text = case["text"]
    figs = []
    for i, spec in enumerate(case["figures"]):
        start = -1
        for _ in range(spec.get("occurrence", 1)):
            start = text.index(spec["surface"], start + 1)
        value = float(spec.get("value", 1000 + i))  # distinct values: no accidental repeats
        figs.append(
            Figure(start, start + len(spec["surface"]), spec["surface"], value, spec["unit"])
        )
    return figs


def _case_id(case: dict) -> str:
    return f"{case['style']}-{case['text'][:40]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_attribution_case(case: dict, catalog: EntityCatalog) -> None:
    figs = _case_figures(case)
    published = date.fromisoformat(case["published"]) if case.get("published") else None
    out = attribute_figures(case["text"], figs, published=published, catalog=catalog)
    wrong = []
    for spec, fig in zip(case["figures"], sorted(out, key=lambda f: f.start), strict=True):
        for attr in ATTRS:
            if attr in spec and _norm(attr, getattr(fig, attr)) != _norm(attr, spec[attr]):
                wrong.append(
                    f"{spec['surface']!r} {attr}={getattr(fig, attr)!r} want {spec[attr]!r}"
                )
    assert not wrong, "\n".join(wrong)


def test_attribution_returns_new_figures_and_keeps_spans(catalog: EntityCatalog) -> None:
    text = "Tencent's revenue rose 15% to 180 billion yuan in Q3 2025."
    fig = Figure(23, 26, "15%", 15.0, "%")
    (out,) = attribute_figures(text, [fig], published=date(2025, 11, 13), catalog=catalog)
    assert fig.metric is None  # the input is not mutated
    assert (out.start, out.end, out.value, out.unit) == (23, 26, 15.0, "%")
    assert (out.metric, out.basis, out.entity, out.period) == (
        "revenue",
        "change",
        "Tencent",
        "2025-Q3",
    )


def test_no_figures_gives_empty_list(catalog: EntityCatalog) -> None:
    assert attribute_figures("No numbers here.", [], published=None, catalog=catalog) == []


def test_without_publication_date_relative_periods_stay_unknown(catalog: EntityCatalog) -> None:
    text = "Baidu's revenue rose 3% last year."
    (out,) = attribute_figures(
        text, [Figure(21, 23, "3%", 3.0, "%")], published=None, catalog=catalog
    )
    assert out.period is None
    assert out.entity == "Baidu"


def test_unlisted_names_are_found_from_the_text() -> None:
    text = "Zeta9-Pro has 70 billion parameters."
    (out,) = attribute_figures(
        text,
        [Figure(14, 35, "70 billion parameters", 7e10, "parameters")],
        published=None,
        catalog=EntityCatalog.empty(),
    )
    assert out.entity == "Zeta9-Pro"
    assert out.metric == "parameters"


# --- gold-based floors on the seeds -----------------------------------------------------------
FLOORS = {"metric": 0.88, "basis": 0.88, "entity": 0.83, "period": 0.88}


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="shared/ gold files not beside the repo")
def test_seed_gold_spans_attribute_accuracy(catalog: EntityCatalog) -> None:
    hits = dict.fromkeys(FLOORS, 0)
    totals = dict.fromkeys(FLOORS, 0)
    for gold_file in sorted((SHARED / "gold").glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (SHARED / "seeds" / gold["doc"]).read_text(encoding="utf-8")
        meta = parse_text_metadata(text)
        published = meta.published_at.date() if meta.published_at else None
        figs = [
            Figure(g["start"], g["end"], g["surface"], float(g["value"]), g["unit"])
            for g in gold["figures"]
        ]
        out = {
            (f.start, f.end): f
            for f in attribute_figures(text, figs, published=published, catalog=catalog)
        }
        for g in gold["figures"]:
            if g["optional"]:
                continue
            pred = out[(g["start"], g["end"])]
            for attr in FLOORS:
                if g.get(attr) is None:
                    continue
                totals[attr] += 1
                hits[attr] += _norm(attr, getattr(pred, attr)) == _norm(attr, g[attr])
    for attr, floor in FLOORS.items():
        assert totals[attr] > 0
        acc = hits[attr] / totals[attr]
        assert acc >= floor, f"{attr} accuracy {acc:.3f} below {floor}"
