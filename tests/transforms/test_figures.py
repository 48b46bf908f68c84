"""Data-driven extraction cases (tests/transforms/cases/figures/*.json) and figure invariants."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import pytest

from transforms.figures import extract_figures
from transforms.models import QUALIFIERS, Figure

CASES_DIR = Path(__file__).parent / "cases" / "figures"
ARTICLES_DIR = Path(__file__).parent / "articles"


def _load_cases() -> list[pytest.param]:
    params = []
    for path in sorted(CASES_DIR.glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            params.append(pytest.param(case, id=f"{path.stem}-{i}"))
    return params


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    # ASCII word boundaries: in Chinese text a figure touches ideographs on both sides.
    rx = re.compile(r"(?<![A-Za-z0-9_.])" + re.escape(surface) + r"(?![A-Za-z0-9_])")
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def _overlaps(fig: Figure, span: tuple[int, int]) -> bool:
    return fig.start < span[1] and span[0] < fig.end


@pytest.mark.parametrize("case", _load_cases())
def test_extraction_case(case: dict) -> None:
    text = case["text"]
    figures = extract_figures(text)
    seen: dict[str, int] = {}
    matched: set[int] = set()
    for exp in case["expected"]:
        k = seen.get(exp["surface"], 0)
        seen[exp["surface"]] = k + 1
        spans = _occurrences(text, exp["surface"])
        assert len(spans) > k, f"bad case: {exp['surface']!r} not in text"
        span = spans[k]
        hits = [i for i, f in enumerate(figures) if i not in matched and _overlaps(f, span)]
        assert hits, f"missed {exp['surface']!r} in {text!r}; got {[f.surface for f in figures]}"
        fig = figures[hits[0]]
        matched.add(hits[0])
        assert math.isclose(fig.value, exp["value"], rel_tol=1e-9), (exp["surface"], fig.value)
        assert fig.unit == exp["unit"], (exp["surface"], fig.unit)
        assert fig.qualifier == exp["qualifier"], (exp["surface"], fig.qualifier)
    extra = [f.surface for i, f in enumerate(figures) if i not in matched]
    assert not extra, f"unexpected figures {extra} in {text!r}"
    for surface in case.get("not", []):
        for span in _occurrences(text, surface):
            assert not any(_overlaps(f, span) for f in figures), f"{surface!r} extracted"


def _article_texts() -> list[pytest.param]:
    paths = sorted(ARTICLES_DIR.glob("*.txt"))
    paths += sorted((Path(__file__).resolve().parents[2] / "data" / "samples").glob("*.txt"))
    return [pytest.param(p.read_text(encoding="utf-8"), id=p.stem) for p in paths]


@pytest.mark.parametrize("text", _article_texts())
def test_figure_invariants(text: str) -> None:
    figures = extract_figures(text)
    assert figures, "an article with numbers yields figures"
    starts = [f.start for f in figures]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(figures):
        assert a.end <= b.start, f"overlapping figures {a.surface!r} {b.surface!r}"
    for f in figures:
        assert f.surface == text[f.start:f.end]
        assert f.sentence and f.sentence in text
        assert f.surface in f.sentence or f.sentence in f.surface
        assert f.qualifier in QUALIFIERS
        assert f.unit
        assert (f.metric, f.basis, f.entity, f.period, f.kind) == (None,) * 5


def test_offsets_survive_mojibake_and_crlf() -> None:
    text = "Ã©tÃ© report\r\nPrice: Â¥199,\xa0up 5%\r\nSales Â¥2.5 billion in Beijing."
    figures = extract_figures(text)
    assert [f.surface for f in figures] == ["Â¥199", "5%", "Â¥2.5 billion"]
    assert all(f.surface == text[f.start:f.end] for f in figures)
    assert figures[2].value == 2.5e9 and figures[2].unit == "CNY"


def test_yen_sign_follows_the_country_in_the_sentence() -> None:
    text = "In Tokyo, SoftBank sold ¥1.2 trillion of bonds. In Beijing, the fee is ¥30."
    units = [f.unit for f in extract_figures(text)]
    assert units == ["JPY", "CNY"]


def test_inferred_currency_is_flagged_only_when_inferred() -> None:
    text = "Revenue was 20 billion yuan. Capital expenditure of 5 billion is planned."
    figs = extract_figures(text)
    assert [(f.unit, f.currency_inferred) for f in figs] == [("CNY", False), ("CNY", True)]


def test_bare_amount_without_any_currency_in_document_is_not_given_one() -> None:
    figs = extract_figures("Capital expenditure of 5 billion is planned.")
    assert all(f.unit not in ("USD", "CNY") for f in figs)


def test_empty_and_numberless_text() -> None:
    assert extract_figures("") == []
    assert extract_figures("No numbers here at all.") == []


def test_sentence_is_the_enclosing_one() -> None:
    text = "Mr. Wu spoke first. Revenue rose 5% to $2 billion! Then it ended."
    figs = extract_figures(text)
    assert {f.sentence for f in figs} == {"Revenue rose 5% to $2 billion!"}


def test_to_dict_matches_asdict() -> None:
    """The hand-written to_dict gives what dataclasses.asdict gives, key order included."""
    from dataclasses import asdict

    text = sorted(ARTICLES_DIR.glob("*.txt"))[0].read_text(encoding="utf-8")
    figures = [*extract_figures(text), Figure(0, 1, "x", 1.0, "USD", metric="revenue", kind="actual")]
    for fig in figures:
        assert list(fig.to_dict().items()) == list(asdict(fig).items())


@pytest.mark.parametrize(
    "text",
    ["Japan's yen", "Japanese Tokyo-Osaka JPY", "xJapan Japanx BOJ_", "中国China人民币RMB", "yuanyuan yuan",
     "renminbi, CNY; Chinese", "Shanghai2 Beijing Shenzhen Hangzhou", "_China éChina", "", "J C y"],
)
def test_country_word_scans_match_their_plain_forms(text: str) -> None:
    """The character-class-first country patterns find what the plain word patterns find."""
    from transforms.figures import _CHINA_RE, _JAPAN_RE

    plain_japan = re.compile(r"\b(?:Japan|Japanese|Tokyo|Osaka|yen|JPY|Nikkei|Topix|BOJ)\b")
    plain_china = re.compile(
        r"\b(?:China|Chinese|Beijing|Shanghai|Shenzhen|Hangzhou|yuan|RMB|CNY|renminbi)\b|[\u4e00-\u9fff]"
    )
    for fast, plain in ((_JAPAN_RE, plain_japan), (_CHINA_RE, plain_china)):
        for pos in range(len(text) + 1):
            assert [m.span() for m in fast.finditer(text, pos)] == [m.span() for m in plain.finditer(text, pos)]
