"""`briefing run` over an awkward inbox as a user runs it: a subprocess, killed, raced, rerun.

Each CLI run costs 15-40 s (Prefect starts a temporary server), so one clean run is shared
by every test here and compared against the crashed and concurrent ones.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from corpus import MAX_FILE_BYTES, Expect, build_corpus

from briefing.settings import REPO_ROOT, SAMPLES_DIR

pytestmark = pytest.mark.slow

TABLES = ["documents", "sources", "figures", "validation_results", "briefings"]
RUN_COLUMNS = {"run_id"}  # describe a run, not the data
BATCH_SIZE = 3  # many small batches, so a kill lands between commits
RUN_TIMEOUT_S = 420


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "PREFECT_"))}
    env.update(
        BRIEFING_HOME=str(home),
        BRIEFING_BATCH_SIZE=str(BATCH_SIZE),
        BRIEFING_MAX_FILE_BYTES=str(MAX_FILE_BYTES),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Run:
    """A `briefing run` subprocess whose output goes to files (pipes could fill and stall it)."""

    def __init__(self, home: Path, inbox: Path, **extra: str) -> None:
        home.mkdir(parents=True, exist_ok=True)
        logs = home.parent / f"{home.name}-logs"
        logs.mkdir(exist_ok=True)
        stamp = time.monotonic_ns()
        self.out_path, self.err_path = logs / f"{stamp}.out", logs / f"{stamp}.err"
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "briefing.cli", "run", "--inbox", str(inbox)],
                cwd=REPO_ROOT,
                env=_env(home, **extra),
                stdout=out,
                stderr=err,
                # Own process group: a kill takes Prefect's server subprocess down with the run.
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        """The CLI process id."""
        return self.proc.pid

    def stderr(self) -> str:
        """Everything the run logged so far."""
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the run and every process it started."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)

    def finish(self) -> tuple[int, str, str]:
        """Wait for the run; return (exit code, stdout, stderr)."""
        try:
            self.proc.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"briefing run did not finish in {RUN_TIMEOUT_S}s:\n{self.stderr()[-3000:]}")
        return self.proc.returncode, self.out_path.read_text(encoding="utf-8"), self.stderr()


def _run(home: Path, inbox: Path, **extra: str) -> tuple[int, str, str]:
    return Run(home, inbox, **extra).finish()


def snapshot(home: Path) -> dict[str, pd.DataFrame]:
    """Every data table, sorted, without run ids; briefing paths relative to the home."""
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        frames = {}
        for table in TABLES:
            frame = con.execute(f"SELECT * FROM {table}").df()
            frame = frame.drop(columns=[c for c in frame.columns if c in RUN_COLUMNS])
            if table == "briefings":
                frame["path"] = frame["path"].str.replace(str(home), "<home>", regex=False)
            frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return frames
    finally:
        con.close()


def assert_same_tables(home: Path, reference: dict[str, pd.DataFrame]) -> None:
    """The warehouse in home holds exactly the reference data."""
    got = snapshot(home)
    for table in TABLES:
        pd.testing.assert_frame_equal(got[table], reference[table], obj=table)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expect]]:
    inbox = tmp_path_factory.mktemp("awkward") / "inbox with spaces ü"
    inbox.mkdir()
    return inbox, build_corpus(inbox)


@pytest.fixture(scope="module")
def clean_run(
    corpus: tuple[Path, dict[str, Expect]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    inbox, _ = corpus
    home = tmp_path_factory.mktemp("clean-home")
    started = time.monotonic()
    rc, out, err = _run(home, inbox)
    seconds = time.monotonic() - started
    assert rc == 0, err[-5000:]
    print(f"\nclean corpus run: {seconds:.1f}s")
    return {"home": home, "stdout": out, "stderr": err, "tables": snapshot(home)}


def test_every_file_is_accounted_for(corpus: tuple[Path, dict[str, Expect]], clean_run: dict[str, Any]) -> None:
    inbox, expected = corpus
    sources = clean_run["tables"]["sources"]
    in_inbox = sources[sources["path"].str.startswith(str(inbox) + os.sep)]
    by_rel = {str(Path(p).relative_to(inbox)): row for p, row in zip(in_inbox["path"], in_inbox.to_dict("records"), strict=True)}
    assert sorted(by_rel) == sorted(expected), "every non-hidden file has exactly one sources row"
    assert ".DS_Store" not in by_rel
    for rel, expect in expected.items():
        row = by_rel[rel]
        assert row["status"] == expect.status, (rel, row["reason"])
        if expect.status == "rejected":
            assert expect.reason and expect.reason in row["reason"], (rel, row["reason"])
            assert pd.isna(row["doc_id"])
        else:
            assert isinstance(row["doc_id"], str) and row["doc_id"]
    samples = sources[sources["path"].str.startswith(str(SAMPLES_DIR))]
    assert len(samples) == len(list(SAMPLES_DIR.glob("*.txt")))
    # The CLI summary reports each rejection with its reason.
    rejected = [rel for rel, e in expected.items() if e.status == "rejected"]
    assert f"{len(rejected)} rejected" in clean_run["stdout"]
    for rel in rejected:
        assert f"rejected {inbox / rel}: " in clean_run["stdout"]


def test_readable_articles_are_loaded_with_their_figures(
    corpus: tuple[Path, dict[str, Expect]], clean_run: dict[str, Any]
) -> None:
    inbox, expected = corpus
    tables = clean_run["tables"]
    docs = tables["documents"].set_index("doc_id")
    figures = tables["figures"]
    sources = tables["sources"].set_index("path")
    counts = figures.groupby("doc_id").size()
    for rel, expect in expected.items():
        if expect.status != "loaded":
            continue
        doc_id = sources.loc[str(inbox / rel), "doc_id"]
        doc = docs.loc[doc_id]
        assert doc["first_path"] == str(inbox / rel)
        for fragment in expect.contains:
            assert fragment in doc["text"], (rel, fragment)
        for fragment in expect.absent:
            assert fragment not in doc["text"], (rel, fragment)
        assert int(counts.get(doc_id, 0)) >= expect.min_figures, rel
        if expect.title:
            assert doc["title"] == expect.title, rel
        if expect.author:
            assert doc["author"] == expect.author, rel
        if expect.date:
            assert doc["published_at"].strftime("%Y-%m-%d") == expect.date, rel
    # Duplicates point at the document of the first copy, which is stored once.
    for rel, expect in expected.items():
        if expect.status == "duplicate":
            assert sources.loc[str(inbox / rel), "doc_id"] == sources.loc[str(inbox / "article.txt"), "doc_id"]
    assert docs.index.is_unique and docs["text"].is_unique


def test_figure_offsets_match_the_stored_text(clean_run: dict[str, Any]) -> None:
    home = clean_run["home"]
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        checked, mismatched, outside = con.execute(
            "SELECT count(*), "
            "count(*) FILTER (WHERE substr(d.text, f.start + 1, f.\"end\" - f.start) <> f.surface), "
            "count(*) FILTER (WHERE f.sentence IS NOT NULL AND strpos(f.sentence, f.surface) = 0) "
            "FROM figures f JOIN documents d USING (doc_id)"
        ).fetchone() or (0, 0, 0)
    finally:
        con.close()
    assert checked > 5000
    assert mismatched == 0 and outside == 0


def test_killed_run_resumes_to_the_state_of_one_clean_run(
    corpus: tuple[Path, dict[str, Expect]], clean_run: dict[str, Any], tmp_path: Path
) -> None:
    inbox, _ = corpus
    home = tmp_path / "crash-home"
    run = Run(home, inbox)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    # Kill right after the second batch committed: some batches stored, most still to come.
    while not re.search(r"batch 2/\d+ stored", run.stderr()):
        assert run.proc.poll() is None, "the run ended before its second batch:\n" + run.stderr()[-3000:]
        assert time.monotonic() < deadline, "no second batch in time"
        time.sleep(0.05)
    run.kill()
    assert run.proc.returncode == -signal.SIGKILL
    # What the killed run left is consistent and a part of the clean result.
    partial = snapshot(home)
    reference = clean_run["tables"]
    assert 0 < len(partial["sources"]) < len(reference["sources"])
    merged = partial["sources"].merge(reference["sources"], how="left", indicator=True)
    assert (merged["_merge"] == "both").all(), "every committed source row is the clean run's row"
    assert set(partial["figures"]["doc_id"]) <= set(partial["documents"]["doc_id"])
    loaded = partial["sources"][partial["sources"]["status"].isin(["loaded", "duplicate"])]
    assert set(loaded["doc_id"]) <= set(partial["documents"]["doc_id"])

    rc, out, err = _run(home, inbox)
    assert rc == 0, err[-5000:]
    skipped = re.search(r"(\d+) unchanged", out)
    assert skipped and int(skipped.group(1)) > 0, "files stored before the kill are not read again"
    assert_same_tables(home, reference)
    # And once more: a run over an unchanged inbox changes nothing and reads nothing.
    rc, out, err = _run(home, inbox)
    assert rc == 0, err[-5000:]
    assert "0 loaded, 0 duplicate" in out and f"{len(reference['sources'])} unchanged, 0 rejected" in out
    assert_same_tables(home, reference)


def test_two_runs_at_once_end_as_one_clean_run(
    corpus: tuple[Path, dict[str, Expect]], clean_run: dict[str, Any], tmp_path: Path
) -> None:
    inbox, _ = corpus
    home = tmp_path / "race-home"
    first, second = Run(home, inbox), Run(home, inbox)
    results = [first.finish(), second.finish()]
    assert [rc for rc, _, _ in results] == [0, 0], [err[-3000:] for _, _, err in results]
    # One run loaded the inbox; the other waited for the lock and found nothing new.
    summaries = sorted(out.splitlines()[0] for _, out, _ in results)
    total = len(clean_run["tables"]["sources"])
    assert any(s.startswith(f"ingest: {total} files seen, 0 loaded") and f"{total} unchanged" in s for s in summaries)
    assert any(" 0 loaded" not in s for s in summaries)
    assert_same_tables(home, clean_run["tables"])


def test_a_second_run_is_refused_when_the_lock_wait_runs_out(
    corpus: tuple[Path, dict[str, Expect]], clean_run: dict[str, Any], tmp_path: Path
) -> None:
    inbox, _ = corpus
    home = tmp_path / "refuse-home"
    first = Run(home, inbox)
    lock = home / ".briefing.lock"
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text().strip() == f"pid {first.pid}"):
        assert first.proc.poll() is None and time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.1)
    rc, out, err = _run(home, inbox, BRIEFING_LOCK_TIMEOUT_S="1")
    assert rc == 3, (out, err[-3000:])
    assert f"another briefing run (pid {first.pid}) is writing" in err
    assert "BRIEFING_LOCK_TIMEOUT_S" in err
    rc, _, err = first.finish()
    assert rc == 0, err[-5000:]
    assert_same_tables(home, clean_run["tables"])
