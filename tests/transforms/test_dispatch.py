"""First-character dispatch: the regrouped scans find exactly the matches of the originals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transforms import attribution, periods
from transforms.dispatch import first_char_dispatch

ARTICLES = sorted((Path(__file__).parent / "articles").glob("*.txt"))
SAMPLES = sorted((Path(__file__).resolve().parents[2] / "data" / "samples").glob("*.txt"))


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8").lower() for p in [*ARTICLES, *SAMPLES]]


def _spans(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> list[tuple[int, int]]:
    end = len(text) if endpos is None else endpos
    return [m.span() for m in pattern.finditer(text, pos, end)]


@pytest.mark.parametrize(
    ("name", "source"),
    [
        (
            "cues",
            re.compile(
                (
                    r"(?<!\w)(?=\w)(?:" + "|".join(p for _, p in attribution._METRIC_CUES) + ")"
                ).lower()
            ),
        ),
        (
            "periods",
            re.compile(
                re.sub(
                    r"\(\?P<\w+>",
                    "(?:",
                    re.sub(r"\(\?P<\w+>\\b", "(?:", periods._PERIOD_LOWER.pattern),
                ),
                re.VERBOSE,
            ),
        ),
    ],
)
def test_scan_matches_are_unchanged(name: str, source: re.Pattern[str]) -> None:
    fast = first_char_dispatch(source)
    assert fast is not source and fast.pattern != source.pattern  # it was regrouped
    texts = _texts()
    assert texts
    for text in texts:
        assert _spans(fast, text) == _spans(source, text), name
        # windows, as the period scan runs them: the ends cut matches the same way
        for pos in range(0, len(text), 97):
            assert _spans(fast, text, pos, pos + 80) == _spans(source, text, pos, pos + 80), name


def test_order_within_a_character_is_kept() -> None:
    # at one position the first alternative that matches wins, even when a later one is longer
    source = re.compile(r"(?<!\w)(?:ab|abc|(?:x)?a\w+|\d+|b)")
    fast = first_char_dispatch(source)
    assert fast is not source
    for text in ["abc", "abcd xabc ab", "a1 b 12 ba", "xa"]:
        assert _spans(fast, text) == _spans(source, text)


def test_alternatives_that_may_start_anywhere_go_in_every_group() -> None:
    source = re.compile(r"(?:a|\s*b|(?:c)?|(?<=x)d|[^q]z)")
    fast = first_char_dispatch(source)
    for text in ["a b  b c xd yz qz ", "\u2003b", "éz"]:
        assert _spans(fast, text) == _spans(source, text)


def test_unsupported_patterns_come_back_as_they_are() -> None:
    with_groups = re.compile(r"(?P<a>x)|y")
    assert first_char_dispatch(with_groups) is with_groups
    folded = re.compile(r"x|y", re.IGNORECASE)
    assert first_char_dispatch(folded) is folded
    no_alternation = re.compile(r"xy")
    assert first_char_dispatch(no_alternation) is no_alternation
    atomic = re.compile(r"x|(?>y)")  # not written back by the serialiser
    assert first_char_dispatch(atomic) is atomic


def test_lowered_twins_find_what_the_case_insensitive_patterns_find() -> None:
    texts = [p.read_text(encoding="utf-8") for p in [*ARTICLES, *SAMPLES]]
    texts.append("Revenue ROSE BY About 5%, Compared With the SAME PERIOD of 2024; it Said on Monday")
    for pattern in [*attribution._LOWERED, periods._BASELINE]:
        twin = periods._BASELINE_LOWER if pattern is periods._BASELINE else attribution._LOWERED[pattern]
        for text in texts:
            low = text.lower()
            assert len(low) == len(text)
            for end in range(0, len(text), 7):
                start = max(0, end - 60)
                found = pattern.search(text, start, end)
                if pattern in attribution._LOWERED:
                    assert attribution._found(pattern, text, low, start, end) is (found is not None)
                twin_found = twin.search(low, start, end)
                assert (twin_found and twin_found.span()) == (found and found.span())


def test_lowered_twin_refuses_escapes_that_lower_would_change() -> None:
    from transforms.dispatch import lowered_twin

    with pytest.raises(ValueError):
        lowered_twin(re.compile(r"\S+ revenue", re.IGNORECASE))
    with pytest.raises(ValueError):
        lowered_twin(re.compile(r"revenue"))  # not case-insensitive: nothing to gain
    assert lowered_twin(re.compile(r"(?P<w>Net)\s+Profit", re.IGNORECASE)).pattern == r"(?P<w>net)\s+profit"


# Alternations that exercise each rewrite of an alternative by its first character: boundaries,
# lookbehinds and lookaheads before it, greedy and lazy repeats, nested groups and classes.
_TRICKY = [
    r"(?<!\w)(?=\w)(?:ab|a\w*?c|(?:the\s+)?(?:first|fir)st|\bx+y|\Bq|(?<=z)a\w|(?=ab)a|(?!ab)a[bc]?)",
    r"(?:(?:a|b){2,3}c|a{0,2}b|[ab]+?d|\d+(?:st|nd)\b|(?<![\w-])b[\w-]*|a(?!x)|c(?=[^a])\w)",
    r"(?:(?:ab)?ac|(?:x|y)?a+|(?:the\s+){0,1}a\b|\bthe\s+(?:a|b)c?\b|[^a-z\s]\w|\s*\d)",
    # what follows the alternation joins every alternative
    r"(?:ab|a|b+?|the)\s*(?:c|d)?\b",
    r"(?<![-\w])(?:to|the|t|first)\s*(?:a|b)?$",
]


@pytest.mark.parametrize("source_text", _TRICKY)
def test_rewritten_alternatives_match_as_the_originals(source_text: str) -> None:
    import random

    source = re.compile(source_text)
    fast = first_char_dispatch(source)
    assert fast is not source
    rnd = random.Random(7)
    alphabet = ["a", "b", "c", "d", "x", "y", "z", "q", " ", "-", "1", "2", "st", "the ", "first ", "é"]
    for _ in range(4000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        assert _spans(fast, text) == _spans(source, text), (source_text, text)
        assert _spans(fast, text, 1, max(1, len(text) - 1)) == _spans(source, text, 1, max(1, len(text) - 1))


def test_scans_are_rewritten_per_character_not_tested_by_lookahead() -> None:
    # the derivative form: each group opens with its character, no (?=c) lookahead per group
    assert "(?=t)" not in attribution._CUE_SCAN.pattern
    assert "(?=t)" not in periods._PERIOD_SCAN.pattern
