"""Figures of one document: numbers found, then attributed, then shaped into table rows."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from transforms.attribution import attribute_figures
from transforms.entities import EntityCatalog
from transforms.figures import extract_figures
from transforms.models import Figure
from transforms.sentences import SentenceIndex
from transforms.tables import TableCell, extract_table_figures, statement_figures, table_cells


def extract_document_figures(
    text: str, *, published: date | None, catalog: EntityCatalog
) -> list[Figure]:
    """Find every figure in a document's text and attribute it (metric, entity, period...)."""
    sentences = SentenceIndex(text)  # built once: both stages look sentences up
    cells = table_cells(text)  # likewise the table cells
    figures = find_figures(text, sentences, cells)
    return attribute_figures(
        text, figures, published=published, catalog=catalog, sentences=sentences, cells=cells
    )


def find_figures(
    text: str, sentences: SentenceIndex | None = None, cells: list[TableCell] | None = None
) -> list[Figure]:
    """Every figure of a text, unattributed: the figure grammar's, then bare table cells with a unit note."""
    figures = extract_figures(text, sentences)
    if cells is None:
        cells = table_cells(text)
    stated = statement_figures(text, cells)
    if stated:
        # an aligned statement's amounts take its scale note: they replace the grammar's reading
        spans = [(f.start, f.end) for f in stated]
        figures = [f for f in figures if not any(s < f.end and f.start < e for s, e in spans)] + stated
    in_tables = extract_table_figures(text, [(f.start, f.end) for f in figures], cells)
    if in_tables or stated:
        figures = sorted(figures + in_tables, key=lambda f: (f.start, f.end))
    return figures


def figure_id(doc_id: str, start: int, end: int) -> str:
    """Stable id of a figure: the same document span always gets the same id."""
    return hashlib.sha256(f"{doc_id}:{start}:{end}".encode()).hexdigest()[:16]


def figure_rows(doc_id: str, figures: list[Figure]) -> list[dict[str, Any]]:
    """Shape figures as rows of the figures table."""
    rows = []
    for fig in figures:
        row = fig.to_dict()
        row["figure_id"] = figure_id(doc_id, fig.start, fig.end)
        row["doc_id"] = doc_id
        row["status"] = "ok"
        rows.append(row)
    return rows
