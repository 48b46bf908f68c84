"""The validate flow over the shipped samples: suspects, findings, Data Docs, artifacts and the CLI."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from expectations.data_docs import find_external_references
from flows.pipeline import ingest, validate
from flows.validation import DOCS_KEY, FINDINGS_KEY, SUMMARY_KEY


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
