"""The pipeline flow end to end under Prefect's test harness, over the shipped samples."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from briefing.settings import SAMPLES_DIR
from flows.pipeline import pipeline

# Columns that describe a run rather than the data: they may differ between runs.
RUN_COLUMNS = {"run_id"}
TABLES = ["documents", "sources", "figures", "validation_results", "briefings"]


def snapshot(db_path: Path) -> dict[str, pd.DataFrame]:
    """Every data table, sorted, without run-specific columns."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        frames = {}
        for table in TABLES:
            frame = con.execute(f"SELECT * FROM {table}").df()
            frame = frame.drop(columns=[c for c in frame.columns if c in RUN_COLUMNS])
            frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return frames
    finally:
        con.close()


@pytest.fixture
def first_run(prefect_harness: None, briefing_home: Path) -> dict:
    return pipeline()


def test_pipeline_loads_samples_and_renders_a_briefing(first_run: dict, briefing_home: Path) -> None:
    samples = sorted(SAMPLES_DIR.glob("*.txt"))
    db = duckdb.connect(str(briefing_home / "warehouse.duckdb"), read_only=True)
    try:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (len(samples),)
        statuses = db.execute("SELECT status, count(*) FROM sources GROUP BY status").fetchall()
        assert dict(statuses) == {"loaded": len(samples)}
        per_doc = dict(db.execute("SELECT doc_id, count(*) FROM figures GROUP BY doc_id").fetchall())
        assert len(per_doc) == len(samples) and min(per_doc.values()) >= 10
        # Offsets point into the stored text: the surface is exactly text[start:end].
        mismatched = db.execute(
            'SELECT count(*) FROM figures f JOIN documents d USING (doc_id) '
            'WHERE substr(d.text, f.start + 1, f."end" - f.start) <> f.surface'
        ).fetchone()
        assert mismatched == (0,)
        runs = db.execute("SELECT count(DISTINCT run_id) FROM validation_results").fetchone()
        assert runs is not None and runs[0] <= 1
        briefings = db.execute("SELECT path, figures FROM briefings").fetchall()
    finally:
        db.close()
    assert first_run["ingest"]["loaded"] == len(samples)
    assert first_run["validate"]["figures"] == sum(per_doc.values())
    index = briefing_home / "briefings" / "index.html"
    assert index.exists()
    assert briefings, "no briefing recorded"
    for path, count in briefings:
        html = Path(path).read_text(encoding="utf-8")
        assert "<html" in html and count > 0
        assert Path(path).name in index.read_text(encoding="utf-8")


def test_second_run_changes_nothing(first_run: dict, briefing_home: Path) -> None:
    before = snapshot(briefing_home / "warehouse.duckdb")
    second = pipeline()
    after = snapshot(briefing_home / "warehouse.duckdb")
    assert second["ingest"]["loaded"] == 0
    assert second["ingest"]["unchanged"] == first_run["ingest"]["loaded"]
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def test_inbox_duplicate_and_rejected_files_are_recorded(
    prefect_harness: None, briefing_home: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sample = sorted(SAMPLES_DIR.glob("*.txt"))[0]
    (inbox / "same content, other name.txt").write_bytes(sample.read_bytes())
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = pipeline(inbox=str(inbox))
    db = duckdb.connect(str(briefing_home / "warehouse.duckdb"), read_only=True)
    try:
        rows = db.execute("SELECT path, status, reason FROM sources").fetchall()
    finally:
        db.close()
    by_name = {Path(p).name: (s, r) for p, s, r in rows}
    assert by_name["same content, other name.txt"][0] == "duplicate"
    assert by_name["empty.txt"][0] == "rejected" and "empty" in by_name["empty.txt"][1]
    assert by_name["picture.png"][0] == "rejected" and "unsupported" in by_name["picture.png"][1]
    assert result["ingest"]["rejected"] == 2
