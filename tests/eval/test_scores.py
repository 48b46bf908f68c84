"""Score floors: the seed gold, the blind holdout, the peer (Recognizers-Text) suites and our own articles.

Floors sit just under the targets so that a regression fails CI. Only figure F1, sign,
unit and qualifier are asserted: metric, entity and period belong to attribution.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from articles_score import score_articles

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
RUNNER = f"{shlex.quote(sys.executable)} {shlex.quote(str(REPO / 'tests/eval/run_extractor.py'))}"

needs_shared = pytest.mark.skipif(
    not (SHARED / "eval").is_dir(), reason=f"shared material not found at {SHARED}"
)


def _run(args: list[str]) -> str:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO,
                         timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _metric(output: str, pattern: str) -> float:
    m = re.search(pattern, output)
    assert m, f"no {pattern!r} in scorer output:\n{output[-1500:]}"
    return float(m.group(1))


@needs_shared
def test_seed_gold_floors() -> None:
    out = _run([str(SHARED / "eval/score_figures.py"), "--gold", str(SHARED / "gold"),
                "--docs", str(SHARED / "seeds"), "--cmd", f"{RUNNER} {{doc}}"])
    assert _metric(out, r"figures F1 ([\d.]+)") >= 0.96
    assert _metric(out, r"sign accuracy ([\d.]+)") >= 0.97
    assert _metric(out, r"unit accuracy ([\d.]+)") >= 0.97
    assert _metric(out, r"qualifier accuracy ([\d.]+)") >= 0.94


@needs_shared
def test_third_blind_set_floors() -> None:
    """tests/eval/holdout_blind (first contact F1 0.989): figure F1, sign, unit, qualifier."""
    folder = REPO / "tests/eval/holdout_blind"
    out = _run([str(SHARED / "eval/score_figures.py"), "--gold", str(folder),
                "--docs", str(folder), "--cmd", f"{RUNNER} {{doc}}"])
    assert _metric(out, r"figures F1 ([\d.]+)") >= 0.98
    assert _metric(out, r"sign accuracy ([\d.]+)") >= 0.97
    assert _metric(out, r"unit accuracy ([\d.]+)") >= 0.98
    assert _metric(out, r"qualifier accuracy ([\d.]+)") >= 0.98


@needs_shared
def test_holdout_floors() -> None:
    """The blind hand-labelled holdout (tests/eval/holdout): figure F1, sign, unit, qualifier."""
    holdout = REPO / "tests/eval/holdout"
    out = _run([str(SHARED / "eval/score_figures.py"), "--gold", str(holdout),
                "--docs", str(holdout), "--cmd", f"{RUNNER} {{doc}}"])
    assert _metric(out, r"figures F1 ([\d.]+)") >= 0.98
    assert _metric(out, r"sign accuracy ([\d.]+)") >= 0.99
    assert _metric(out, r"unit accuracy ([\d.]+)") >= 0.99
    assert _metric(out, r"qualifier accuracy ([\d.]+)") >= 0.98


@needs_shared
@pytest.mark.parametrize(("suite", "floor"), [("CurrencyModel", 0.89), ("PercentModel", 0.94)])
def test_peer_suite_floors(suite: str, floor: float) -> None:
    out = _run([str(SHARED / "eval/score_peer.py"), "--suite",
                str(SHARED / f"peer/recognizers-text/{suite}.json"), "--cmd", f"{RUNNER} {{docs}}"])
    assert _metric(out, rf"{suite} F1 ([\d.]+)") >= floor


def test_own_articles_floor() -> None:
    score = score_articles()
    detail = "\n".join(score.lines)
    assert score.tp >= 150, "the articles hold at least 150 labelled figures"
    assert score.f1 >= 0.95, detail
    for attr in ("sign", "unit", "qualifier"):
        assert score.accuracy(attr) >= 0.95, f"{attr}\n{detail}"
