"""The one module that talks to DuckDB: schema, migrations, reads and writes.

Every write that belongs together happens in one transaction, so a run killed at any
moment leaves the warehouse as it was before the batch or after it, never in between.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

SCHEMA_VERSION = 2
# DuckDB's share of the run's 1 GB: its block cache and query memory stay under it however large
# the file grows (its ART indexes must fit too: ~30 MB per 200,000 figures).
MEMORY_LIMIT = "512MB"

# Migrations run in order; each is applied once and recorded in meta.schema_version.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS documents (
            doc_id VARCHAR PRIMARY KEY,
            title VARCHAR,
            source VARCHAR,
            author VARCHAR,
            published_at TIMESTAMP,
            date_origin VARCHAR,
            format VARCHAR,
            first_path VARCHAR,
            chars INTEGER,
            text VARCHAR NOT NULL,
            extractor_version VARCHAR
        )""",
        """CREATE TABLE IF NOT EXISTS sources (
            path VARCHAR PRIMARY KEY,
            sha256 VARCHAR,
            size BIGINT,
            mtime_ns BIGINT,
            doc_id VARCHAR,
            status VARCHAR NOT NULL CHECK (status IN ('loaded', 'duplicate', 'unchanged', 'rejected')),
            reason VARCHAR
        )""",
        """CREATE TABLE IF NOT EXISTS figures (
            figure_id VARCHAR PRIMARY KEY,
            doc_id VARCHAR NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            surface VARCHAR NOT NULL,
            sentence VARCHAR,
            value DOUBLE,
            unit VARCHAR,
            qualifier VARCHAR,
            metric VARCHAR,
            basis VARCHAR,
            entity VARCHAR,
            period VARCHAR,
            kind VARCHAR,
            currency_inferred BOOLEAN,
            status VARCHAR NOT NULL DEFAULT 'ok'
        )""",
        """CREATE TABLE IF NOT EXISTS validation_results (
            run_id VARCHAR NOT NULL,
            rule VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            figure_id VARCHAR,
            doc_id VARCHAR,
            related_figure_ids VARCHAR,
            message VARCHAR NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS runs (
            run_id VARCHAR PRIMARY KEY,
            stage VARCHAR NOT NULL,
            started_at TIMESTAMP,
            finished_at TIMESTAMP,
            summary JSON
        )""",
        """CREATE TABLE IF NOT EXISTS briefings (
            every VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            path VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            figures INTEGER,
            PRIMARY KEY (every, period)
        )""",
        """CREATE INDEX IF NOT EXISTS figures_doc ON figures(doc_id)""",
    ],
    # 2: the index page shows each briefing's document and flagged-figure counts.
    [
        "ALTER TABLE briefings ADD COLUMN IF NOT EXISTS documents INTEGER",
        "ALTER TABLE briefings ADD COLUMN IF NOT EXISTS flagged INTEGER",
    ],
]

DOCUMENT_COLUMNS = [
    "doc_id", "title", "source", "author", "published_at", "date_origin", "format",
    "first_path", "chars", "text", "extractor_version",
]
SOURCE_COLUMNS = ["path", "sha256", "size", "mtime_ns", "doc_id", "status", "reason"]
FIGURE_COLUMNS = [
    "figure_id", "doc_id", "start", "end", "surface", "sentence", "value", "unit", "qualifier",
    "metric", "basis", "entity", "period", "kind", "currency_inferred", "status",
]
RESULT_COLUMNS = ["run_id", "rule", "severity", "figure_id", "doc_id", "related_figure_ids", "message"]


class WarehouseLocked(RuntimeError):
    """Another briefing run holds the warehouse lock."""


_held_locks: dict[str, int] = {}


@contextmanager
def hold_lock(lock_path: Path, timeout_s: float) -> Iterator[None]:
    """Hold an exclusive lock so two runs never write at once; wait up to timeout_s, then refuse.

    Re-entrant within one process, so the pipeline flow and its subflows share it.
    """
    key = str(lock_path.resolve())
    if _held_locks.get(key):
        _held_locks[key] += 1
        try:
            yield
        finally:
            _held_locks[key] -= 1
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise WarehouseLocked(
                        f"another briefing run ({holder}) is writing {lock_path.parent}; "
                        f"waited {timeout_s:.0f}s. Try again when it finishes "
                        "(or raise BRIEFING_LOCK_TIMEOUT_S)."
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        _held_locks[key] = 1
        try:
            yield
        finally:
            _held_locks.pop(key, None)
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations; return the schema version."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    for number, statements in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        for statement in statements:
            con.execute(statement)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)]
        )
        con.execute("COMMIT")
        version = number
    return version


@contextmanager
def connect(db_path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating and migrating it unless read_only) and close it after use."""
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `briefing run` first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=read_only)
    try:
        # DuckDB keeps the blocks it read up to its limit (80% of RAM by default), so its cache grew
        # with the file; capped, it evicts them and spills big sorts to disk instead.
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: all of it lands or none of it does."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """Expose a frame to SQL under name for the block (bulk reads and writes, no row loops)."""
    con.register(name, frame)
    try:
        yield
    finally:
        # After a failed statement the transaction is aborted and unregister would raise,
        # hiding the real error; the rollback drops the view anyway.
        with suppress(duckdb.Error):
            con.unregister(name)


def _frame(rows: Sequence[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    return frame


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, verb: str = "INSERT") -> None:
    if frame.empty:
        return
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    with _registered(con, "_incoming", frame):
        con.execute(f'{verb} INTO {table} ({cols}) SELECT {cols} FROM _incoming')


def read_source_stats(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, int | None, int | None]]:
    """Map each known path to (sha256, size, mtime_ns) so unchanged files are skipped unread."""
    rows = con.execute("SELECT path, sha256, size, mtime_ns FROM sources").fetchall()
    return {path: (sha, size, mtime) for path, sha, size, mtime in rows}


def read_existing_doc_ids(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]) -> set[str]:
    """Return the subset of doc_ids already stored."""
    ids = sorted(set(doc_ids))
    if not ids:
        return set()
    frame = pd.DataFrame({"doc_id": ids})
    with _registered(con, "_ids", frame):
        rows = con.execute("SELECT d.doc_id FROM documents d JOIN _ids USING (doc_id)").fetchall()
    return {r[0] for r in rows}


def write_batch(
    con: duckdb.DuckDBPyConnection,
    documents: Sequence[dict[str, Any]],
    sources: Sequence[dict[str, Any]],
    figures: Sequence[dict[str, Any]],
) -> None:
    """Store one ingest batch atomically: new documents, their figures, and every source row."""
    docs = _frame(documents, DOCUMENT_COLUMNS)
    srcs = _frame(sources, SOURCE_COLUMNS)
    figs = _frame(figures, FIGURE_COLUMNS)
    with transaction(con):
        if not docs.empty:
            with _registered(con, "_docs", docs):
                con.execute("DELETE FROM figures WHERE doc_id IN (SELECT doc_id FROM _docs)")
                con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM _docs)")
        _insert(con, "documents", docs)
        if not srcs.empty:
            with _registered(con, "_srcs", srcs):
                con.execute("DELETE FROM sources WHERE path IN (SELECT path FROM _srcs)")
        _insert(con, "sources", srcs)
        _insert(con, "figures", figs)
        # A path whose content changed leaves its old document unreferenced: drop it.
        con.execute(
            "DELETE FROM figures WHERE doc_id NOT IN "
            "(SELECT doc_id FROM sources WHERE doc_id IS NOT NULL)"
        )
        con.execute(
            "DELETE FROM documents WHERE doc_id NOT IN "
            "(SELECT doc_id FROM sources WHERE doc_id IS NOT NULL)"
        )


def replace_figures(
    con: duckdb.DuckDBPyConnection, doc_versions: dict[str, str], figures: Sequence[dict[str, Any]]
) -> None:
    """Replace the figures of re-extracted documents and record the extractor version used."""
    figs = _frame(figures, FIGURE_COLUMNS)
    ids = pd.DataFrame({"doc_id": list(doc_versions), "version": list(doc_versions.values())})
    with transaction(con):
        with _registered(con, "_ids", ids):
            con.execute("DELETE FROM figures WHERE doc_id IN (SELECT doc_id FROM _ids)")
            con.execute(
                "UPDATE documents SET extractor_version = _ids.version FROM _ids "
                "WHERE documents.doc_id = _ids.doc_id"
            )
        _insert(con, "figures", figs)


def read_stale_doc_ids(con: duckdb.DuckDBPyConnection, extractor_version: str) -> list[str]:
    """Documents whose figures came from another extractor version."""
    rows = con.execute(
        "SELECT doc_id FROM documents WHERE extractor_version IS DISTINCT FROM ? ORDER BY doc_id",
        [extractor_version],
    ).fetchall()
    return [r[0] for r in rows]


def read_documents(
    con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str] | None = None, *, with_text: bool = True
) -> pd.DataFrame:
    """Documents as a frame (all, or the given ids)."""
    cols = DOCUMENT_COLUMNS if with_text else [c for c in DOCUMENT_COLUMNS if c != "text"]
    select = ", ".join(f'd."{c}"' for c in cols)
    if doc_ids is None:
        return con.execute(f"SELECT {select} FROM documents d ORDER BY doc_id").df()
    with _registered(con, "_ids", pd.DataFrame({"doc_id": list(doc_ids)})):
        return con.execute(
            f"SELECT {select} FROM documents d JOIN _ids USING (doc_id) ORDER BY doc_id"
        ).df()


def read_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every source path seen, with its status and reason."""
    return con.execute(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources ORDER BY path").df()


def read_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All figures with their document's publication date, title and source."""
    cols = ", ".join(f'f."{c}"' for c in FIGURE_COLUMNS)
    return con.execute(
        f"SELECT {cols}, d.published_at, d.title AS doc_title, d.source AS doc_source, "
        "d.first_path AS doc_path FROM figures f JOIN documents d USING (doc_id) "
        "ORDER BY f.doc_id, f.start, f.figure_id"
    ).df()


def read_validation_results(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    """The findings of the latest validation run (the first limit of them, if given)."""
    return con.execute(
        f"SELECT {', '.join(RESULT_COLUMNS)} FROM validation_results "
        "ORDER BY severity, rule, figure_id, doc_id, message" + (" LIMIT ?" if limit is not None else ""),
        [limit] if limit is not None else [],
    ).df()


def count_suspect_figures(con: duckdb.DuckDBPyConnection) -> int:
    """How many stored figures validation has marked suspect."""
    row = con.execute("SELECT count(*) FROM figures WHERE status = 'suspect'").fetchone()
    return int(row[0]) if row else 0


def read_validation_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(rule, severity, number of findings) of the latest validation run, by rule and severity."""
    rows = con.execute(
        "SELECT rule, severity, count(*) FROM validation_results GROUP BY rule, severity ORDER BY rule, severity"
    ).fetchall()
    return [(str(rule), str(severity), int(count)) for rule, severity, count in rows]


def write_validation(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    results: Sequence[dict[str, Any]],
    suspect_figure_ids: Iterable[str],
) -> None:
    """Replace the current findings and figure statuses with one validation run's, atomically."""
    frame = _frame([{**r, "run_id": run_id} for r in results], RESULT_COLUMNS)
    suspects = pd.DataFrame({"figure_id": sorted(set(suspect_figure_ids))}, dtype="str")
    with transaction(con):
        con.execute("DELETE FROM validation_results")
        _insert(con, "validation_results", frame)
        con.execute("UPDATE figures SET status = 'ok' WHERE status <> 'ok'")
        if not suspects.empty:
            with _registered(con, "_suspects", suspects):
                con.execute(
                    "UPDATE figures SET status = 'suspect' "
                    "WHERE figure_id IN (SELECT figure_id FROM _suspects)"
                )


@contextmanager
def replacing_validation(
    con: duckdb.DuckDBPyConnection, run_id: str, flagging: Sequence[str] = ("error", "warning")
) -> Iterator[Callable[[Sequence[dict[str, Any]]], None]]:
    """Replace the findings and figure statuses with one run's, written batch by batch, atomically.

    Yields add(findings): each batch is inserted as it comes, so the caller need not hold them all.
    When the block ends, figures with a finding at a flagging severity become suspect, the others
    ok, and everything commits at once; if it raises, nothing changes. Reads on con inside the
    block see this run's findings; other connections see the previous ones until the commit.
    """

    def add(results: Sequence[dict[str, Any]]) -> None:
        _insert(con, "validation_results", _frame([{**r, "run_id": run_id} for r in results], RESULT_COLUMNS))

    with transaction(con):
        con.execute("DELETE FROM validation_results")
        yield add
        con.execute("UPDATE figures SET status = 'ok' WHERE status <> 'ok'")
        con.execute(
            "UPDATE figures SET status = 'suspect' WHERE figure_id IN (SELECT figure_id FROM "
            "validation_results WHERE figure_id <> '' AND list_contains(?, severity))",
            [list(flagging)],
        )


def record_run(
    con: duckdb.DuckDBPyConnection, run_id: str, stage: str, started_at: Any, finished_at: Any, summary: str
) -> None:
    """Log one stage's run (summary as JSON text) for `briefing status`."""
    con.execute(
        "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?)",
        [run_id, stage, started_at, finished_at, summary],
    )


def read_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """The latest stage runs, newest first."""
    return con.execute(
        "SELECT run_id, stage, started_at, finished_at, summary FROM runs "
        "ORDER BY started_at DESC LIMIT ?",
        [limit],
    ).df()


def read_briefing_hashes(con: duckdb.DuckDBPyConnection, every: str) -> dict[str, str]:
    """Map period -> content hash of the data each stored briefing was rendered from."""
    rows = con.execute("SELECT period, content_hash FROM briefings WHERE every = ?", [every]).fetchall()
    return {p: h for p, h in rows}


BRIEFING_COLUMNS = ["every", "period", "path", "content_hash", "figures", "documents", "flagged"]


def read_briefings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every briefing rendered so far (all period kinds), for the index page."""
    return con.execute(
        f"SELECT {', '.join(BRIEFING_COLUMNS)} FROM briefings ORDER BY every, period"
    ).df()


def write_briefings(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Record rendered briefings (every, period, path, content_hash, figures, documents, flagged)."""
    frame = _frame(rows, BRIEFING_COLUMNS)
    with transaction(con):
        _insert(con, "briefings", frame, verb="INSERT OR REPLACE")


def read_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts per table, for status output and tests."""
    tables = ["documents", "sources", "figures", "validation_results", "briefings"]
    counts: dict[str, int] = {}
    for table in tables:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def read_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """Read one value from the meta table."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def write_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Write one value to the meta table."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


# Reads for the report stage, one period at a time, so its memory does not grow with the corpus.

_FIGURES_WITH_DOCUMENT = (
    ", ".join(f'f."{c}"' for c in FIGURE_COLUMNS)
    + ", d.published_at, d.title AS doc_title, d.source AS doc_source, d.first_path AS doc_path "
    "FROM figures f JOIN documents d USING (doc_id)"
)


_FIGURE_ORDER = "ORDER BY f.doc_id, f.start, f.figure_id"


def _read_figures_in(con: duckdb.DuckDBPyConnection, column: str, ids: Sequence[str]) -> pd.DataFrame:
    """Figures whose `column` (doc_id or figure_id) is one of ids, as read_figures returns them."""
    with _registered(con, "_ids", pd.DataFrame({column: list(ids)}, dtype="str")):
        return con.execute(
            f"SELECT {_FIGURES_WITH_DOCUMENT} WHERE f.{column} IN (SELECT {column} FROM _ids) {_FIGURE_ORDER}"
        ).df()


def read_figures_of_documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> pd.DataFrame:
    """The figures of the given documents, as read_figures returns them (same columns and order)."""
    return _read_figures_in(con, "doc_id", doc_ids)


def read_figures_by_id(con: duckdb.DuckDBPyConnection, figure_ids: Sequence[str]) -> pd.DataFrame:
    """The given figures, as read_figures returns them (same columns and order)."""
    return _read_figures_in(con, "figure_id", figure_ids)


def read_findings_of_documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> pd.DataFrame:
    """The findings about the given documents or any of their figures, in a total order."""
    with _registered(con, "_ids", pd.DataFrame({"doc_id": list(doc_ids)}, dtype="str")):
        return con.execute(
            f"SELECT {', '.join(RESULT_COLUMNS)} FROM validation_results "
            "WHERE doc_id IN (SELECT doc_id FROM _ids) OR figure_id IN "
            "(SELECT figure_id FROM figures WHERE doc_id IN (SELECT doc_id FROM _ids)) "
            "ORDER BY severity, rule, figure_id, doc_id, message, related_figure_ids, run_id"
        ).df()


def read_figures_where(con: duckdb.DuckDBPyConnection, metric: str, unit: str) -> pd.DataFrame:
    """The figures of one metric and unit that have an entity and a value (the share chart's history)."""
    return con.execute(
        f"SELECT {_FIGURES_WITH_DOCUMENT} WHERE f.metric = ? AND f.unit = ? "
        f"AND f.entity IS NOT NULL AND f.value IS NOT NULL {_FIGURE_ORDER}",
        [metric, unit],
    ).df()


def read_figure_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """doc_id -> (figure count, order-independent hash of its figures), computed inside DuckDB."""
    rows = con.execute(
        "SELECT doc_id, count(*), sum(hash(f)::HUGEINT) FROM figures f GROUP BY doc_id"
    ).fetchall()
    return {str(doc): (int(n), int(h)) for doc, n, h in rows}


# Reads for validation, a bounded number of rows at a time, so its memory does not grow with the corpus.

# What the per-figure suite and the in-document rules read: no sentence, no document text.
_PART_FIGURE_COLUMNS = [c for c in FIGURE_COLUMNS if c not in ("sentence", "status")]
# What the rules across documents read (the sentence: conflicts compare within one sentence).
_GROUP_FIGURE_COLUMNS = [
    "figure_id", "doc_id", "start", "end", "sentence", "value", "unit", "qualifier", "metric",
    "basis", "entity", "period", "kind",
]  # fmt: skip


def read_document_ranges(con: duckdb.DuckDBPyConnection, rows_per_part: int) -> list[tuple[str, str]]:
    """Consecutive (first, last) doc_id ranges of whole documents, about rows_per_part figures each.

    A document weighs its figures plus one, so documents without figures are spread out too.
    """
    rows = con.execute(
        "WITH weights AS (SELECT d.doc_id, count(f.figure_id) + 1 AS weight FROM documents d "
        "LEFT JOIN figures f USING (doc_id) GROUP BY d.doc_id), "
        "running AS (SELECT doc_id, sum(weight) OVER (ORDER BY doc_id ROWS UNBOUNDED PRECEDING) "
        "- weight AS before FROM weights) "
        "SELECT min(doc_id), max(doc_id) FROM running GROUP BY before // ? ORDER BY 1",
        [rows_per_part],
    ).fetchall()
    return [(str(first), str(last)) for first, last in rows]


def read_part(con: duckdb.DuckDBPyConnection, first: str, last: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The figures (suite columns, published_at; in read_figures order) and documents (doc_id, title, text) of a range."""
    cols = ", ".join(f'f."{c}"' for c in _PART_FIGURE_COLUMNS)
    figures = con.execute(
        f"SELECT {cols}, d.published_at FROM figures f JOIN documents d USING (doc_id) "
        "WHERE f.doc_id BETWEEN ? AND ? ORDER BY f.doc_id, f.start, f.figure_id",
        [first, last],
    ).df()
    documents = con.execute(
        "SELECT doc_id, title, text FROM documents WHERE doc_id BETWEEN ? AND ? ORDER BY doc_id",
        [first, last],
    ).df()
    return figures, documents


def read_part_rows(
    con: duckdb.DuckDBPyConnection, first: str, last: str, units: Iterable[str]
) -> list[dict[str, Any]]:
    """The figures of a range whose unit is one of units, as rows (dicts of plain values, None for NULL).

    Same columns and order as read_part's figures; for rules that read rows, not frames.
    """
    cols = ", ".join(f'f."{c}"' for c in _PART_FIGURE_COLUMNS)
    cursor = con.execute(
        f"SELECT {cols}, d.published_at FROM figures f JOIN documents d USING (doc_id) "
        "WHERE f.doc_id BETWEEN ? AND ? AND list_contains(?, f.unit) ORDER BY f.doc_id, f.start, f.figure_id",
        [first, last, sorted(units)],
    )
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def read_entities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The distinct entity names of the figures."""
    rows = con.execute("SELECT DISTINCT entity FROM figures WHERE entity IS NOT NULL ORDER BY 1").fetchall()
    return [str(r[0]) for r in rows]


def iter_figure_groups(
    con: duckdb.DuckDBPyConnection, entity_keys: dict[str, str], rows_per_fetch: int = 50_000
) -> Iterator[list[dict[str, Any]]]:
    """Figures with a metric and a keyed entity, one list of rows (dicts) per (entity key, metric), streamed.

    entity_keys maps stored entity names to the key they are grouped by ("Alibaba Group" and
    "Alibaba" may share one); names not in it are left out. Within a group, figures come in
    read_figures order (the rules break ties by it), with published_at and entity_group. Rows are
    plain Python values straight from DuckDB (None for NULL): no frame per group, whose
    conversion cost more than the rules.

    Groups are read in batches of whole groups of about rows_per_fetch figures (one query each,
    a group larger than that alone), so neither DuckDB's sort nor this process ever holds more
    than a batch, however large the table. Reads on a cursor of its own, so the caller may use
    con between groups (and write in a transaction of its own).
    """
    keys = pd.DataFrame({"entity": list(entity_keys), "entity_group": list(entity_keys.values())}, dtype="str")
    cols = ", ".join(f'f."{c}"' for c in _GROUP_FIGURE_COLUMNS)
    cursor = con.cursor()
    try:
        cursor.register("_entity_keys", keys)
        sizes = cursor.execute(
            "SELECT k.entity_group, f.metric, count(*) FROM figures f "
            "JOIN _entity_keys k ON f.entity = k.entity WHERE f.metric IS NOT NULL "
            "GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
        for batch in _batches(sizes, rows_per_fetch):
            cursor.register("_batch", pd.DataFrame(batch, columns=["entity_group", "metric"], dtype="str"))
            cursor.execute(
                f"SELECT k.entity_group, {cols}, d.published_at FROM figures f "
                "JOIN documents d USING (doc_id) JOIN _entity_keys k ON f.entity = k.entity "
                "JOIN _batch b ON b.entity_group = k.entity_group AND b.metric = f.metric "
                "ORDER BY k.entity_group, f.metric, f.doc_id, f.start, f.figure_id"
            )
            names = [d[0] for d in cursor.description or []]

            def rows(names: list[str] = names) -> Iterator[dict[str, Any]]:
                while chunk := cursor.fetchmany(2048):
                    for values in chunk:
                        yield dict(zip(names, values, strict=True))

            # Sorted by the group key, so each group is one run of rows: one group at a time
            # becomes dicts, the rest of the batch stays in DuckDB's result.
            for _, group in itertools.groupby(rows(), key=lambda r: (r["entity_group"], r["metric"])):
                yield list(group)
            cursor.unregister("_batch")
    finally:
        cursor.close()


def _batches(sizes: Sequence[tuple[str, str, int]], rows: int) -> Iterator[list[tuple[str, str]]]:
    """Consecutive (entity_group, metric) keys packed into batches of about rows figures."""
    batch: list[tuple[str, str]] = []
    total = 0
    for group, metric, count in sizes:
        if batch and total + count > rows:
            yield batch
            batch, total = [], 0
        batch.append((group, metric))
        total += count
    if batch:
        yield batch
