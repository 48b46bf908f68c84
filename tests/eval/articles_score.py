"""Score extract_figures on the hand-labelled test articles (tests/transforms/articles).

Each NAME.txt has NAME.expected.json: a list of {surface, value, unit, qualifier} and an
optional "occurrence" (1-based) when the surface appears more than once. A prediction
matches when its span overlaps the expected surface and the magnitudes agree within 0.5%,
as in shared/eval/score_figures.py. Run as a script to print misses and false figures.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from transforms.figures import extract_figures
from transforms.models import Figure

ARTICLES = Path(__file__).resolve().parents[1] / "transforms" / "articles"


@dataclass
class Score:
    """Counts over all articles: matches, misses, false figures and attribute hits."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    hits: dict[str, int] = field(default_factory=lambda: {"sign": 0, "unit": 0, "qualifier": 0})
    lines: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float:
        """F1 of figures found."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, attr: str) -> float:
        """Share of matched figures whose attribute is right."""
        return self.hits[attr] / self.tp if self.tp else 0.0


def _span_of(text: str, surface: str, occurrence: int) -> tuple[int, int]:
    # whole-token occurrences only: "9%" is not the tail of "39%"
    rx = re.compile(r"(?<![\w.])" + re.escape(surface) + r"(?!\w)")
    spans = [(m.start(), m.end()) for m in rx.finditer(text)]
    if len(spans) < occurrence:
        raise ValueError(f"surface {surface!r} (occurrence {occurrence}) not in text")
    return spans[occurrence - 1]


def _agree(a: float, b: float) -> bool:
    a, b = abs(a), abs(b)
    return abs(a - b) <= 0.005 * max(a, b, 1e-12)


def score_article(path: Path, score: Score) -> None:
    """Add one article's matches, misses and false figures to score."""
    text = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    preds: list[Figure] = extract_figures(text)
    used: set[int] = set()
    for exp in expected:
        s, e = _span_of(text, exp["surface"], exp.get("occurrence", 1))
        hit = next((i for i, p in enumerate(preds) if i not in used and p.start < e
                    and s < p.end and _agree(p.value, exp["value"])), None)
        if hit is None:
            score.fn += 1
            score.lines.append(f"{path.name}: MISS  {exp['surface']!r} = {exp['value']} {exp['unit']}")
            continue
        used.add(hit)
        score.tp += 1
        p = preds[hit]
        checks = {
            "sign": (p.value < 0) == (exp["value"] < 0),
            "unit": p.unit == exp["unit"],
            "qualifier": p.qualifier == exp.get("qualifier", "exact"),
        }
        for attr, ok in checks.items():
            score.hits[attr] += ok
        wrong = [a for a, ok in checks.items() if not ok]
        if wrong:
            score.lines.append(f"{path.name}: ATTR  {exp['surface']!r} got {p.value} {p.unit} "
                               f"{p.qualifier} (expected {exp['value']} {exp['unit']} "
                               f"{exp.get('qualifier', 'exact')})")
    for i, p in enumerate(preds):
        if i not in used:
            score.fp += 1
            score.lines.append(f"{path.name}: FALSE {p.surface!r} = {p.value} {p.unit}")


def score_articles(folder: Path = ARTICLES) -> Score:
    """Score every NAME.txt that has a NAME.expected.json in folder."""
    score = Score()
    for path in sorted(folder.glob("*.txt")):
        if path.with_suffix(".expected.json").exists():
            score_article(path, score)
    return score


def main() -> int:
    """Print the details and the summary line of the articles score."""
    score = score_articles()
    print("\n".join(score.lines))
    accs = " ".join(f"{a} {score.accuracy(a):.3f}" for a in ("sign", "unit", "qualifier"))
    print(f"articles F1 {score.f1:.3f} (tp {score.tp} fn {score.fn} fp {score.fp}) {accs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
