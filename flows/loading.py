"""Ingest I/O: find source files, read and parse them, store them with their figures."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from briefing.settings import REPO_ROOT, Settings
from flows import store
from flows.parsing import ParsedFile, SourceFile
from transforms.entities import EntityCatalog
from transforms.extract import extract_document_figures, figure_rows


@dataclass(slots=True)
class IngestSummary:
    """What one ingest run did, per status; rejected files with their reasons."""

    seen: int = 0
    loaded: int = 0
    duplicate: int = 0
    unchanged: int = 0
    rejected: int = 0
    figures: int = 0
    reextracted: int = 0
    rejections: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: IngestSummary) -> None:
        """Fold a batch's summary into this one."""
        for name in ("seen", "loaded", "duplicate", "unchanged", "rejected", "figures", "reextracted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejections.extend(other.rejections)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for logs, artifacts and JSON output."""
        return {
            "seen": self.seen, "loaded": self.loaded, "duplicate": self.duplicate,
            "unchanged": self.unchanged, "rejected": self.rejected, "figures": self.figures,
            "reextracted": self.reextracted,
            "rejections": [{"path": p, "reason": r} for p, r in self.rejections],
        }


def compute_extractor_version(settings: Settings) -> str:
    """Hash of the extraction code and the entity list: figures are re-extracted when it changes."""
    digest = hashlib.sha256()
    for path in sorted((REPO_ROOT / "transforms").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    entities = settings.entities_path
    if entities.exists():
        digest.update(entities.read_bytes())
    return digest.hexdigest()[:16]


def load_entity_catalog(settings: Settings) -> EntityCatalog:
    """Read the entity watchlist the user edits (or the shipped default)."""
    return EntityCatalog.from_csv_text(settings.entities_path.read_text(encoding="utf-8"))


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def list_source_files(settings: Settings) -> list[SourceFile]:
    """Every candidate file in the samples folder, the inbox and fetched feeds, in a stable order."""
    folders = [settings.samples_dir, settings.inbox, settings.home / "feeds"]
    seen: set[str] = set()
    found: list[SourceFile] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in _walk(folder):
            resolved = str(path.resolve())
            if resolved in seen or not path.is_file():
                continue
            seen.add(resolved)
            stat = path.stat()
            found.append(SourceFile(resolved, stat.st_size, stat.st_mtime_ns))
    return found


def select_changed_files(
    con: duckdb.DuckDBPyConnection, files: Sequence[SourceFile]
) -> tuple[list[SourceFile], int]:
    """Split files into those to read and the count unchanged since the last run (same size, mtime)."""
    known = store.read_source_stats(con)
    to_read: list[SourceFile] = []
    unchanged = 0
    for f in files:
        previous = known.get(f.path)
        if previous is not None and previous[1] == f.size and previous[2] == f.mtime_ns:
            unchanged += 1
        else:
            to_read.append(f)
    return to_read, unchanged


def store_parsed_files(
    con: duckdb.DuckDBPyConnection, parsed: Sequence[ParsedFile], extractor_version: str
) -> IngestSummary:
    """Decide each file's status (loaded, duplicate, unchanged, rejected) and store the batch atomically."""
    summary = IngestSummary(seen=len(parsed))
    known = store.read_source_stats(con)
    existing = store.read_existing_doc_ids(con, [p.doc.doc_id for p in parsed if p.doc])
    new_docs: dict[str, dict[str, Any]] = {}
    sources: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    for p in parsed:
        row: dict[str, Any] = {
            "path": p.source.path, "sha256": p.sha256, "size": p.source.size,
            "mtime_ns": p.source.mtime_ns, "doc_id": None, "status": "rejected", "reason": p.reason,
        }
        if p.doc is None:
            summary.rejected += 1
            summary.rejections.append((p.source.path, p.reason or "unknown"))
        else:
            doc_id = p.doc.doc_id
            row["doc_id"] = doc_id
            previous = known.get(p.source.path)
            if previous is not None and previous[0] == p.sha256 and doc_id in existing:
                row["status"] = "unchanged"
                summary.unchanged += 1
            elif doc_id in existing or doc_id in new_docs:
                row["status"] = "duplicate"
                row["reason"] = "same content as a document already stored"
                summary.duplicate += 1
            else:
                row["status"] = "loaded"
                summary.loaded += 1
                summary.figures += len(p.figures)
                meta = p.doc.meta
                new_docs[doc_id] = {
                    "doc_id": doc_id, "title": meta.title, "source": meta.source,
                    "author": meta.author, "published_at": meta.published_at,
                    "date_origin": meta.date_origin, "format": p.doc.format,
                    "first_path": p.source.path, "chars": len(p.doc.text), "text": p.doc.text,
                    "extractor_version": extractor_version,
                }
                figures.extend(p.figures)
        sources.append(row)
    store.write_batch(con, list(new_docs.values()), sources, figures)
    return summary


def reextract_documents(
    con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str], catalog: EntityCatalog, extractor_version: str
) -> int:
    """Re-extract figures of stored documents (after the extractor changed); return figures written."""
    docs = store.read_documents(con, doc_ids)
    rows: list[dict[str, Any]] = []
    for doc in docs.itertuples(index=False):
        published = doc.published_at.date() if doc.published_at is not None and not _is_nat(doc.published_at) else None
        figures = extract_document_figures(str(doc.text), published=published, catalog=catalog)
        rows.extend(figure_rows(str(doc.doc_id), figures))
    store.replace_figures(con, {str(d): extractor_version for d in docs["doc_id"]}, rows)
    return len(rows)


def _is_nat(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def batched(items: Sequence[Any], size: int) -> list[list[Any]]:
    """Split items into lists of at most size."""
    size = max(1, size)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
