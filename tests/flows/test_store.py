"""The DuckDB store: migrations, atomic batches, the run lock."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import duckdb
import pytest

from flows import store


def doc_row(doc_id: str, text: str = "Revenue rose 5% to $10 billion.") -> dict:
    return {
        "doc_id": doc_id, "title": "t", "source": None, "author": None, "published_at": None,
        "date_origin": None, "format": "text", "first_path": f"/{doc_id}.txt", "chars": len(text),
        "text": text, "extractor_version": "v1",
    }


def source_row(path: str, doc_id: str | None, status: str = "loaded") -> dict:
    return {"path": path, "sha256": "x", "size": 1, "mtime_ns": 1, "doc_id": doc_id, "status": status, "reason": None}


def figure_row(figure_id: str, doc_id: str) -> dict:
    return {
        "figure_id": figure_id, "doc_id": doc_id, "start": 13, "end": 15, "surface": "5%",
        "sentence": "s", "value": 5.0, "unit": "%", "qualifier": "exact", "metric": "revenue",
        "basis": "change", "entity": None, "period": None, "kind": "actual",
        "currency_inferred": False, "status": "ok",
    }


def test_migrations_are_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with store.connect(db) as con:
        assert store.migrate(con) == len(store.MIGRATIONS)
    with store.connect(db) as con:
        assert store.migrate(con) == len(store.MIGRATIONS)
        assert store.read_counts(con)["documents"] == 0


def test_duckdb_memory_is_capped_whatever_the_machine(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    for read_only in (False, True):
        with store.connect(db, read_only=read_only) as con:
            row = con.execute("SELECT current_setting('memory_limit')").fetchone()
            assert row is not None
            number, unit = str(row[0]).split()
            # DuckDB's default is 80% of RAM; the cap keeps its cache from growing with the file.
            assert unit == "MiB" and 400 < float(number) < 600


def test_batch_lands_whole_or_not_at_all(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with store.connect(db) as con:
        store.write_batch(con, [doc_row("a")], [source_row("/a.txt", "a")], [figure_row("f1", "a")])
        bad_figure = {**figure_row("f2", "b"), "surface": None}  # violates NOT NULL
        with pytest.raises(Exception, match="NOT NULL"):
            store.write_batch(con, [doc_row("b")], [source_row("/b.txt", "b")], [bad_figure])
        counts = store.read_counts(con)
    assert counts["documents"] == 1 and counts["sources"] == 1 and counts["figures"] == 1


def test_changed_file_replaces_its_old_document(tmp_path: Path) -> None:
    with store.connect(tmp_path / "w.duckdb") as con:
        store.write_batch(con, [doc_row("a")], [source_row("/a.txt", "a")], [figure_row("f1", "a")])
        store.write_batch(con, [doc_row("b")], [source_row("/a.txt", "b")], [figure_row("f2", "b")])
        assert store.read_documents(con)["doc_id"].tolist() == ["b"]
        assert store.read_figures(con)["figure_id"].tolist() == ["f2"]


def _hold(lock_path: str, seconds: float) -> None:
    with store.hold_lock(Path(lock_path), timeout_s=5):
        time.sleep(seconds)


def test_second_holder_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    lock = tmp_path / ".briefing.lock"
    ctx = multiprocessing.get_context("spawn")
    holder = ctx.Process(target=_hold, args=(str(lock), 5.0))
    holder.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "pid" not in (lock.read_text() if lock.exists() else ""):
            time.sleep(0.05)
        with (
            pytest.raises(store.WarehouseLocked, match="another briefing run"),
            store.hold_lock(lock, timeout_s=0.5),
        ):
            pass
    finally:
        holder.join()
    with store.hold_lock(lock, timeout_s=1):  # free again once the holder is done
        pass


def test_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    lock = tmp_path / ".briefing.lock"
    with store.hold_lock(lock, timeout_s=1), store.hold_lock(lock, timeout_s=1):
        pass


def _finding(figure_id: str | None, severity: str, doc_id: str = "d1") -> dict:
    return {
        "rule": "conflict", "severity": severity, "figure_id": figure_id, "doc_id": doc_id,
        "related_figure_ids": None, "message": f"{figure_id} {severity}",
    }  # fmt: skip


def _statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT figure_id, status FROM figures").fetchall())


def test_validation_written_in_batches_replaces_findings_and_statuses_at_once(tmp_path: Path) -> None:
    figures = [figure_row(f"f{n}", "d1") for n in range(4)]
    with store.connect(tmp_path / "w.duckdb") as con:
        store.write_batch(con, [doc_row("d1")], [source_row("/d1.txt", "d1")], figures)
        store.write_validation(con, "old", [_finding("f0", "error")], ["f0"])
        with store.replacing_validation(con, "new") as add:
            add([_finding("f1", "warning"), _finding("f2", "info")])
            add([_finding(None, "error"), _finding("f3", "error")])
        rows = con.execute("SELECT run_id, figure_id, severity FROM validation_results ORDER BY 2").fetchall()
        assert rows == [("new", "f1", "warning"), ("new", "f2", "info"), ("new", "f3", "error"), ("new", None, "error")]
        # Flagging severities only: info findings do not make a figure suspect.
        assert _statuses(con) == {"f0": "ok", "f1": "suspect", "f2": "ok", "f3": "suspect"}


def test_validation_that_fails_midway_leaves_the_previous_findings(tmp_path: Path) -> None:
    figures = [figure_row(f"f{n}", "d1") for n in range(3)]
    with store.connect(tmp_path / "w.duckdb") as con:
        store.write_batch(con, [doc_row("d1")], [source_row("/d1.txt", "d1")], figures)
        store.write_validation(con, "old", [_finding("f0", "error")], ["f0"])
        with pytest.raises(RuntimeError), store.replacing_validation(con, "new") as add:
            add([_finding("f1", "error")])
            raise RuntimeError("killed between parts")
        assert con.execute("SELECT run_id, figure_id FROM validation_results").fetchall() == [("old", "f0")]
        assert _statuses(con) == {"f0": "suspect", "f1": "ok", "f2": "ok"}
