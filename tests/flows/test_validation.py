"""The validate flow over the shipped samples: suspects, findings, Data Docs, artifacts and the CLI."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from briefing.settings import Settings
from expectations.data_docs import find_external_references
from expectations.reference import load_fx_rates
from expectations.validate import validate_figures, validate_parts
from flows import store
from flows.pipeline import ingest, validate
from flows.validation import DOCS_KEY, FINDINGS_KEY, SUMMARY_KEY, read_groups, read_parts
from transforms.entities import EntityCatalog


@pytest.fixture
def validated(prefect_harness: None, briefing_home: Path) -> dict:
    ingest()
    return validate()


def _status(db: Path, surface: str) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT status FROM figures WHERE surface = ?", [surface]).fetchall()
    finally:
        con.close()
    assert rows, f"the extractor found no {surface!r}"
    return {r[0] for r in rows}


def test_seed_scale_slip_is_suspect_and_the_majority_is_not(validated: dict, briefing_home: Path) -> None:
    db = briefing_home / "warehouse.duckdb"
    assert _status(db, "38 billion yuan") == {"suspect"}
    assert _status(db, "380 billion") == {"ok"}
    assert _status(db, "31.742 billion yuan") == {"ok"}
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT v.rule, v.severity, v.related_figure_ids, v.message FROM validation_results v "
            "JOIN figures f USING (figure_id) WHERE f.surface = '38 billion yuan'"
        ).fetchall()
        related = con.execute(
            "SELECT DISTINCT surface FROM figures WHERE list_contains(string_split(?, ','), figure_id)",
            [rows[0][2]],
        ).fetchall()
        suspects = con.execute("SELECT count(*) FROM figures WHERE status = 'suspect'").fetchone()
    finally:
        con.close()
    assert [(r[0], r[1]) for r in rows] == [("conflict", "error")]
    assert "380 billion CNY" in rows[0][3] and "scale slip" in rows[0][3]
    assert {r[0] for r in related} == {"380 billion"}
    assert suspects == (validated["suspect"],)
    assert validated["errors"] >= 1 and validated["success"] is False


def test_data_docs_render_offline(validated: dict, briefing_home: Path) -> None:
    docs = briefing_home / "data_docs"
    assert validated["data_docs"] == str(docs / "index.html")
    assert (docs / "static" / "vendor" / "js" / "jquery.min.js").is_file()
    assert find_external_references(docs) == []


def test_artifacts_are_published(validated: dict) -> None:
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def read(key: str) -> list:
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
            )

    findings = asyncio.run(read(FINDINGS_KEY))
    assert findings and "38 billion CNY" in str(findings[-1].data)
    summary = asyncio.run(read(SUMMARY_KEY))
    assert summary and "conflict" in str(summary[-1].data) and "https://" not in str(summary[-1].data)
    link = asyncio.run(read(DOCS_KEY))
    assert link and "file://" in str(link[-1].data)


def test_cli_validate_strict_exits_non_zero_on_errors(validated: dict) -> None:
    from briefing.cli import app

    result = CliRunner().invoke(app, ["validate", "--strict"])
    assert result.exit_code == 1, result.output
    assert "conflict" in result.output and "error" in result.output
    relaxed = CliRunner().invoke(app, ["validate"])
    assert relaxed.exit_code == 0, relaxed.output


def _findings(results: list[dict]) -> list[tuple]:
    return sorted(tuple(sorted(r.items())) for r in results)


def test_validation_in_parts_finds_what_the_whole_table_finds(validated: dict, tmp_path: Path) -> None:
    settings = Settings.from_env()
    fx = load_fx_rates(settings.fx_rates_file)
    with store.connect(settings.db_path, read_only=True) as con:
        whole = validate_figures(store.read_figures(con), store.read_documents(con), fx=fx)
        parts = list(read_parts(con, rows_per_part=10))
        docs = tmp_path / "docs"
        chunked = validate_parts(parts, read_groups(con), fx=fx, docs_dir=docs, run_name="parts")
    assert len(parts) == 2  # whole documents: one per part here
    assert _findings(chunked.results) == _findings(whole.results)
    assert chunked.suspect_figure_ids == whole.suspect_figure_ids
    # With a sink, the same findings arrive in batches and only their counts are kept.
    batches: list[list[dict]] = []
    with store.connect(settings.db_path, read_only=True) as con:
        sunk = validate_parts(read_parts(con, rows_per_part=10), read_groups(con), fx=fx, sink=batches.append)
    assert _findings([r for batch in batches for r in batch]) == _findings(whole.results)
    assert sunk.results == [] and sunk.findings == len(whole.results) and sunk.success == whole.success
    assert (sunk.errors, sunk.warnings) == (
        sum(r["severity"] == "error" for r in whole.results),
        sum(r["severity"] == "warning" for r in whole.results),
    )
    # Each part is its own validation in the Data Docs.
    pages = {p.name for p in (docs / "validations" / "figures").rglob("*.html")}
    assert f"briefing-figures part {len(parts)} of {len(parts)}.html" in pages


class _Watched(ProcessPoolExecutor):
    """A real one-process pool that remembers what was handed to it."""

    def __init__(self) -> None:
        super().__init__(1, mp_context=multiprocessing.get_context("spawn"))
        self.calls: list[str] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.calls.append(fn.__name__)
        return super().submit(fn, *args, **kwargs)


def test_suites_in_a_worker_find_what_one_process_finds(validated: dict, tmp_path: Path) -> None:
    settings = Settings.from_env()
    fx = load_fx_rates(settings.fx_rates_file)
    with store.connect(settings.db_path, read_only=True) as con:
        here = validate_parts(read_parts(con, rows_per_part=10), read_groups(con), fx=fx,
                              docs_dir=tmp_path / "here", run_name="r")
        with _Watched() as worker:
            there = validate_parts(read_parts(con, rows_per_part=10), read_groups(con), fx=fx,
                                   docs_dir=tmp_path / "there", run_name="r", worker=worker)
            # Each part went to the worker, then the Data Docs were built there.
            assert worker.calls == ["_check_in_worker", "_check_in_worker", "_finish_in_worker"]
            assert worker.submit(os.getpid).result() != os.getpid()
    assert here.results and there.results == here.results
    assert there.suspect_figure_ids == here.suspect_figure_ids
    assert (there.findings, there.errors, there.warnings) == (here.findings, here.errors, here.warnings)
    assert there.data_docs_index == tmp_path / "there" / "index.html"
    pages = sorted(p.name for p in (tmp_path / "there" / "validations").rglob("*.html"))
    assert pages and pages == sorted(p.name for p in (tmp_path / "here" / "validations").rglob("*.html"))
    assert find_external_references(tmp_path / "there") == []


def test_validation_in_several_parts_with_the_worker_stores_the_same_findings(
    validated: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import validation

    settings = Settings.from_env()
    query = "SELECT rule, severity, figure_id, doc_id, related_figure_ids, message FROM validation_results ORDER BY ALL"
    with store.connect(settings.db_path) as con:
        one_part = con.execute(query).fetchall()
        statuses = con.execute("SELECT figure_id, status FROM figures ORDER BY ALL").fetchall()
        store.write_meta(con, validation.INPUT_KEY, "stale")  # make it validate again
        monkeypatch.setattr(validation, "PART_ROWS", 10)
        assert len(store.read_document_ranges(con, 10)) >= validation.MIN_WORKER_PARTS
        summary = validation.run_validation(con, settings, "in-parts")
        assert con.execute(query).fetchall() == one_part and one_part
        assert con.execute("SELECT figure_id, status FROM figures ORDER BY ALL").fetchall() == statuses
    assert summary.findings == validated["findings"] and summary.suspect == validated["suspect"]


def _figure(number: int, entity: str, metric: str) -> dict:
    return {
        "figure_id": f"f{number:05d}", "doc_id": f"d{number % 7}", "start": number, "end": number + 1,
        "surface": "5", "sentence": "s", "value": 5.0, "unit": "USD", "qualifier": "exact",
        "metric": metric, "basis": "level", "entity": entity, "period": "2024", "kind": "actual",
        "currency_inferred": False, "status": "ok",
    }  # fmt: skip


def test_figure_groups_are_whole_across_fetches(tmp_path: Path) -> None:
    names = ["Acme", "Acme Inc", "Beta", "Gamma Ltd"]
    figures = [_figure(n, names[n % 4], ["revenue", "capex"][n % 3 == 0]) for n in range(5000)]
    docs = [{"doc_id": f"d{n}", "text": "t", "first_path": f"/d{n}"} for n in range(7)]
    sources = [{"path": f"/d{n}", "doc_id": f"d{n}", "status": "loaded"} for n in range(7)]
    keys = {"Acme": "acme", "Acme Inc": "acme", "Beta": "beta"}  # Gamma Ltd: no key, left out
    with store.connect(tmp_path / "w.duckdb") as con:
        store.write_batch(con, docs, sources, figures)
        groups = list(store.iter_figure_groups(con, keys, rows_per_fetch=2048))
    seen = [(g[0]["entity_group"], g[0]["metric"]) for g in groups]
    assert sorted(seen) == sorted(set(seen)) == [("acme", "capex"), ("acme", "revenue"), ("beta", "capex"), ("beta", "revenue")]
    for group in groups:
        expected = sorted(
            (f["doc_id"], f["start"], f["figure_id"]) for f in figures
            if keys.get(f["entity"]) == group[0]["entity_group"] and f["metric"] == group[0]["metric"]
        )
        assert [(r["doc_id"], r["start"], r["figure_id"]) for r in group] == expected


def test_watchlist_aliases_are_grouped_under_one_name(tmp_path: Path) -> None:
    catalog = EntityCatalog.from_csv_text("canonical,kind,aliases\nZhipu AI,company,Zhipu|Z.ai\n")
    names = ["Zhipu", "Zhipu AI", "Z.ai", "Other Co"]
    figures = [_figure(n, names[n % 4], "revenue") for n in range(8)]
    docs = [{"doc_id": f"d{n}", "text": "t", "first_path": f"/d{n}"} for n in range(7)]
    sources = [{"path": f"/d{n}", "doc_id": f"d{n}", "status": "loaded"} for n in range(7)]
    with store.connect(tmp_path / "w.duckdb") as con:
        store.write_batch(con, docs, sources, figures)
        with_catalog = {g[0]["entity_group"]: {r["entity"] for r in g} for g in read_groups(con, catalog)}
        without = {g[0]["entity_group"] for g in read_groups(con)}
    assert with_catalog == {"zhipu ai": {"Zhipu", "Zhipu AI", "Z.ai"}, "other": {"Other Co"}}
    assert without == {"zhipu", "zhipu ai", "z ai", "other"}
