"""`briefing extract`: figures of files on disk, without touching the warehouse."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from briefing.settings import Settings
from flows.loading import load_entity_catalog
from transforms.documents import decode_bytes
from transforms.extract import extract_document_figures
from transforms.metadata import parse_text_metadata, place_yearless_date


def read_text_unchanged(path: Path) -> str:
    """The file as UTF-8, unchanged (the offsets contract); other encodings are decoded and repaired."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data)


def extract_files(paths: Sequence[Path], settings: Settings) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Yield (path, figure dict) for every figure of every file, in document order."""
    catalog = load_entity_catalog(settings)
    for path in paths:
        text = read_text_unchanged(path)
        meta = parse_text_metadata(text)
        place_yearless_date(meta, date.fromtimestamp(path.stat().st_mtime))
        published = meta.published_at.date() if meta.published_at else None
        for figure in extract_document_figures(text, published=published, catalog=catalog):
            yield path, figure.to_dict()
