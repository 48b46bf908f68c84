"""Reading and extracting files: the CPU-bound part of ingest, run in worker processes.

Kept apart from `flows.loading` (DuckDB, pandas) so a worker imports only what parsing needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from briefing.settings import Settings
from transforms.documents import ParsedDocument, RejectedDocument, parse_document
from transforms.entities import EntityCatalog
from transforms.extract import extract_document_figures, figure_rows
from transforms.metadata import place_yearless_date


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file seen on disk, with the stat that tells whether it changed."""

    path: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class ParsedFile:
    """One file after reading: a parsed document with figure rows, or the reason it was rejected."""

    source: SourceFile
    sha256: str | None
    doc: ParsedDocument | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None


def parse_files(
    files: Sequence[SourceFile], settings: Settings, catalog: EntityCatalog
) -> list[ParsedFile]:
    """Read, decode and extract a batch of files; a file that fails is kept with its reason."""
    parsed: list[ParsedFile] = []
    for f in files:
        if f.size > settings.max_file_bytes:
            # Decided from the listing's stat: a huge file is never read into memory.
            reason = f"oversized: {f.size:,} bytes is over the {settings.max_file_bytes:,}-byte limit"
            parsed.append(ParsedFile(f, None, reason=reason))
            continue
        try:
            data = Path(f.path).read_bytes()
        except OSError as exc:
            parsed.append(ParsedFile(f, None, reason=f"unreadable: {exc.strerror or exc}"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        try:
            doc = parse_document(data, Path(f.path).name, max_bytes=settings.max_file_bytes)
        except RejectedDocument as exc:
            parsed.append(ParsedFile(f, sha, reason=str(exc)))
            continue
        except Exception as exc:  # a parser bug must not stop the run: quarantine the file
            parsed.append(ParsedFile(f, sha, reason=f"parser error: {type(exc).__name__}: {exc}"))
            continue
        arrived = datetime.fromtimestamp(f.mtime_ns / 1e9).replace(microsecond=0)
        place_yearless_date(doc.meta, arrived.date())
        if doc.meta.published_at is None:
            # No date in the document: fall back to the file's mtime, marked as a guess.
            doc.meta.published_at = arrived
            doc.meta.date_origin = "file_mtime"
        published = doc.meta.published_at.date() if doc.meta.published_at else None
        try:
            figures = extract_document_figures(doc.text, published=published, catalog=catalog)
        except Exception as exc:
            parsed.append(ParsedFile(f, sha, reason=f"extractor error: {type(exc).__name__}: {exc}"))
            continue
        parsed.append(ParsedFile(f, sha, doc=doc, figures=figure_rows(doc.doc_id, figures)))
    return parsed


_warmed = False


def prepare_worker() -> None:
    """Warm a new worker: import the extractor and compile its patterns on a short text."""
    global _warmed
    _warmed = True
    extract_document_figures(
        "Alibaba Cloud revenue rose 26% to 33.5 billion yuan in the June quarter.",
        published=date(2025, 8, 29),
        catalog=EntityCatalog.empty(),
    )


def worker_warmed() -> bool:
    """Whether prepare_worker ran in this process."""
    return _warmed
