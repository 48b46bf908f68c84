"""Dev tool: attribute the gold figure spans of the seeds and print per-attribute accuracy.

usage: .venv/bin/python tests/eval/score_attribution.py [-v] [--extract]
Uses the gold spans (start/end/value/unit) as input figures, so only attribution is measured;
with --extract the figures come from extract_figures and are matched like the scorer does.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from transforms.attribution import attribute_figures
from transforms.entities import EntityCatalog
from transforms.metadata import parse_text_metadata
from transforms.models import Figure

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
ATTRS = ("metric", "basis", "entity", "period")


def norm(attr: str, v: object) -> str | None:
    """Normalise like shared/eval/score_figures.py does."""
    if v is None:
        return None
    s = str(v).strip().lower()
    return re.sub(r"[\s_\-.,']+", "", s) if attr == "entity" else s


def gold_figures(gold: dict) -> list[Figure]:
    """Figures built from gold spans only (no attributes)."""
    return [
        Figure(
            g["start"],
            g["end"],
            g["surface"],
            float(g["value"]),
            g["unit"],
            g.get("qualifier") or "exact",
        )
        for g in gold["figures"]
    ]


def score(verbose: bool = False, use_extractor: bool = False) -> dict[str, tuple[int, int]]:
    """Return {attr: (hits, total)} over required gold figures whose attribute is set."""
    catalog = EntityCatalog.from_csv_text(
        (REPO / "data" / "entities.csv").read_text(encoding="utf-8")
    )
    totals = {a: [0, 0] for a in ATTRS}
    for gold_file in sorted((SHARED / "gold").glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (SHARED / "seeds" / gold["doc"]).read_text(encoding="utf-8")
        meta = parse_text_metadata(text)
        published = meta.published_at.date() if meta.published_at else None
        if use_extractor:
            from transforms.figures import extract_figures

            figs = extract_figures(text)
        else:
            figs = gold_figures(gold)
        preds = attribute_figures(text, figs, published=published, catalog=catalog)
        if verbose:
            print(f"== {gold['doc']} published={published}")
        for g in gold["figures"]:
            if g["optional"]:
                continue
            p = next(
                (
                    p
                    for p in preds
                    if p.start < g["end"]
                    and g["start"] < p.end
                    and abs(abs(p.value) - abs(g["value"]))
                    <= 0.005 * max(abs(p.value), abs(g["value"]), 1e-12)
                ),
                None,
            )
            if p is None:
                continue
            wrong = []
            for a in ATTRS:
                if g.get(a) is None:
                    continue
                totals[a][1] += 1
                ok = norm(a, getattr(p, a)) == norm(a, g[a])
                totals[a][0] += ok
                if not ok:
                    wrong.append(f"{a}={getattr(p, a)!r} (gold {g[a]!r})")
            if verbose and wrong:
                print(f"  {g['surface']!r}@{g['start']}: " + "; ".join(wrong))
    for a in ATTRS:
        h, t = totals[a]
        print(f"{a} accuracy {h / t if t else 0:.3f} ({h}/{t})")
    return {a: (h, t) for a, (h, t) in totals.items()}


if __name__ == "__main__":
    score("-v" in sys.argv, "--extract" in sys.argv)
