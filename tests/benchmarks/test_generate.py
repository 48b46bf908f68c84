"""The benchmark's article generator: deterministic, prefix-stable, and its expected spans are right."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_same_seed_gives_identical_files(generate: ModuleType, tmp_path: Path) -> None:
    generate.write_corpus(tmp_path / "a", 40, seed=3, expected_path=tmp_path / "a.jsonl")
    generate.write_corpus(tmp_path / "b", 40, seed=3, expected_path=tmp_path / "b.jsonl")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 40
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_other_seed_gives_other_articles(generate: ModuleType) -> None:
    assert generate.generate_article(1, 0)[0] != generate.generate_article(2, 0)[0]


def test_smaller_corpus_is_a_prefix_of_a_larger_one(generate: ModuleType) -> None:
    small = list(generate.iter_corpus(5, seed=9))
    large = list(generate.iter_corpus(12, seed=9))
    assert [(n, t) for n, t, _ in small] == [(n, t) for n, t, _ in large[:5]]


def test_articles_are_realistic_sizes_with_dated_headers(generate: ModuleType) -> None:
    sizes = []
    for name, text, figures in generate.iter_corpus(60, seed=5):
        sizes.append(len(text.encode("utf-8")))
        header = "\n".join(text.splitlines()[:5])
        assert re.search(r"20\d\d", header), f"{name} has no dated header"
        assert figures, f"{name} has no figures"
    assert min(sizes) >= 900 and max(sizes) <= 12_000
    assert len(set(sizes)) > 50


def test_expected_spans_point_at_their_surface(generate: ModuleType) -> None:
    units = set()
    for _, text, figures in generate.iter_corpus(50, seed=8):
        for fig in figures:
            assert text[fig.start : fig.end] == fig.surface
            assert fig.value != 0
            units.add(fig.unit)
    assert {"USD", "CNY", "HKD", "EUR", "GBP", "%"} <= units


def test_a_fact_has_one_true_value_per_seed(generate: ModuleType) -> None:
    period = ("Q", 2025, 2)
    value = generate._true_value(7, "Tencent", "revenue", period)
    assert value == generate._true_value(7, "Tencent", "revenue", period)
    assert value != generate._true_value(8, "Tencent", "revenue", period)
    half = generate._true_value(7, "Tencent", "revenue", ("H", 2025, 1))
    assert half == pytest.approx(sum(generate._true_value(7, "Tencent", "revenue", ("Q", 2025, q)) for q in (1, 2)))


def test_reports_agree_with_the_truth_but_for_a_few_errors(generate: ModuleType) -> None:
    import random

    rng = random.Random(1)
    wrong = 0
    for _ in range(4000):
        b = generate.Builder()
        generate._report(rng, 7, b, 123.456e9, "CNY")
        [fig] = b.figures
        assert b.text().endswith(fig.surface)
        in_cny = fig.value / generate.USD_RATES["CNY"] if fig.unit == "USD" else fig.value
        # Honest reports agree within rounding ("about" allows more), conversions within the FX band.
        wrong += not 0.9 <= in_cny / 123.456e9 <= 1.1
    assert 0.01 * 4000 <= wrong <= 0.03 * 4000
