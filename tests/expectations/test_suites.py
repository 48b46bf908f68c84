"""The GX suites (per figure, per document) on pandas batches, and the offline Data Docs they build."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from expectations.data_docs import find_external_references, localize_html
from expectations.suites import SUITES_DIR, load_suite_json
from expectations.validate import ValidationOutcome, validate_figures

CASES = json.loads((Path(__file__).parent / "cases" / "per_figure.json").read_text(encoding="utf-8"))
FILLER = "Filler sentence without a single number in it. "


def build_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One frame of every case's figures (ids are unique across cases) and one of documents."""
    documents, figures = [], []
    for number, case in enumerate(CASES["cases"]):
        doc_id = f"doc-{number}"
        documents.append({"doc_id": doc_id, "text": case["text"], "title": case["name"]})
        for spec in case["figures"]:
            # One entity per figure: these cases test per-figure checks, not comparisons.
            row = {**CASES["defaults"], "entity": f"Entity {spec['id']}", **spec, "doc_id": doc_id}
            row["figure_id"] = row.pop("id")
            if "start" not in row:
                row["start"] = case["text"].index(row["surface"])
                row["end"] = row["start"] + len(row["surface"])
            figures.append(row)
    for doc in CASES["documents"]:
        text = (FILLER * (doc["chars"] // len(FILLER) + 1))[: doc["chars"]]
        documents.append({"doc_id": doc["doc_id"], "text": text, "title": doc["name"]})
    return pd.DataFrame(figures), pd.DataFrame(documents)


@pytest.fixture(scope="module")
def docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data_docs")


@pytest.fixture(scope="module")
def outcome(docs_dir: Path) -> ValidationOutcome:
    figures, documents = build_inputs()
    return validate_figures(figures, documents, docs_dir=docs_dir, run_name="test-run")


def _by_figure(outcome: ValidationOutcome) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in outcome.results:
        if finding["figure_id"]:
            found.setdefault(finding["figure_id"], set()).add(finding["rule"])
    return found


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_per_figure_case(case: dict[str, Any], outcome: ValidationOutcome) -> None:
    found = _by_figure(outcome)
    for figure_id, rule in case["flagged"].items():
        assert rule in found.get(figure_id, set()), f"{figure_id}: expected {rule}, got {found.get(figure_id)}"
        assert figure_id in outcome.suspect_figure_ids
    for figure_id in case["clean"]:
        assert figure_id not in found, f"{figure_id} should be clean, got {found[figure_id]}"
        assert figure_id not in outcome.suspect_figure_ids


@pytest.mark.parametrize("doc", CASES["documents"], ids=[d["name"] for d in CASES["documents"]])
def test_per_document_case(doc: dict[str, Any], outcome: ValidationOutcome) -> None:
    rules = {f["rule"] for f in outcome.results if f["doc_id"] == doc["doc_id"]}
    assert rules == ({doc["flagged_rule"]} if doc["flagged_rule"] else set())
    if doc["flagged_rule"]:
        [finding] = [f for f in outcome.results if f["doc_id"] == doc["doc_id"]]
        assert finding["severity"] == "warning" and finding["figure_id"] is None
        assert str(doc["chars"]) in finding["message"]


def test_pandas_path_returns_the_bad_rows_figure_id() -> None:
    """GX on a pandas batch reports real rows (the DuckDB SQL path returns none: GX 10738/11579)."""
    text = "Acme earned 5 billion zorkmids and 1 billion yuan."
    figures = pd.DataFrame([
        {**CASES["defaults"], "figure_id": "bad-row", "doc_id": "d", "surface": "5 billion zorkmids",
         "start": 12, "end": 30, "unit": "ZRK", "value": 5e9},
        {**CASES["defaults"], "figure_id": "good-row", "doc_id": "d", "surface": "1 billion yuan",
         "start": 35, "end": 49},
    ])
    documents = pd.DataFrame([{"doc_id": "d", "text": text, "title": "t"}])
    result = validate_figures(figures, documents)
    assert [(f["rule"], f["figure_id"]) for f in result.results] == [("unit_known", "bad-row")]
    assert "'ZRK'" in result.results[0]["message"]
    assert result.suspect_figure_ids == {"bad-row"} and not result.success


def test_messages_are_filled_in(outcome: ValidationOutcome) -> None:
    for finding in outcome.results:
        assert "{" not in finding["message"], finding
        assert finding["severity"] in ("error", "warning", "info")


def test_suite_json_loads_every_expectation() -> None:
    """Every expectation in the JSON survives loading (unknown types would be dropped silently)."""
    import great_expectations as gx

    for path in sorted(SUITES_DIR.glob("*.json")):
        data = load_suite_json(path.stem)
        suite = gx.ExpectationSuite(**data)
        assert len(suite.expectations) == len(data["expectations"]) > 0, path.name
        for expectation in data["expectations"]:
            assert expectation["meta"]["rule"] and expectation["meta"]["message"], expectation


def test_data_docs_are_built_and_reference_no_other_host(outcome: ValidationOutcome, docs_dir: Path) -> None:
    assert outcome.data_docs_index == docs_dir / "index.html"
    pages = sorted(docs_dir.rglob("*.html"))
    assert len(pages) >= 5  # index, two suites, two validation results
    assert find_external_references(docs_dir) == []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "great-expectations-web-assets" not in html  # the tracking image
        # Every local script and stylesheet the page loads exists.
        for ref in re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"#?]+)"', html):
            assert (page.parent / ref).resolve().is_file(), f"{page.name}: missing {ref}"
        assert "jquery.min.js" in html and "bootstrap-table.min.js" in html
    assert "test-run" in (docs_dir / "index.html").read_text(encoding="utf-8")


def test_external_reference_check_catches_what_it_must(tmp_path: Path) -> None:
    bad = [
        '<script src="https://cdn.example.com/x.js"></script>',
        "<link href='//cdn.example.com/x.css'>",
        '<img src="https://tracker.example.com/p.png?d=1">',
        "<style>a { background: url('https://x.example.com/i.png') }</style>",
        '<a href="http://example.com/">x</a>',
    ]
    for number, html in enumerate(bad):
        (tmp_path / f"p{number}.html").write_text(html, encoding="utf-8")
    assert len(find_external_references(tmp_path)) == len(bad)
    # Rewritten, none is left; a data: URI and plain text mentioning a URL are fine.
    for page in tmp_path.glob("*.html"):
        page.write_text(localize_html(page.read_text(encoding="utf-8"), page, tmp_path), encoding="utf-8")
    (tmp_path / "ok.css").write_text('a{background:url("data:image/svg+xml,http://www.w3.org/2000/svg")} /* https://x.org */')
    assert find_external_references(tmp_path) == []
