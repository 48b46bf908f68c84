"""Figures in Markdown tables whose unit is written once, in a column header or the table's caption.

A results or market table writes bare numbers ("| Dell Technologies | 10,412 | 8.2% |") and says
what they are elsewhere: "MAU (million)" over the column, or "(Revenues are in US$ millions)" in
the line above the table. The figure grammar rightly skips a bare number; this module reads such
cells with the unit and scale their table gives them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from transforms.models import Figure
from transforms.numbers import scale_value
from transforms.units import currency_from_code, currency_from_symbol, currency_from_word

_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.M)
_RULE = re.compile(r"^[\s|:-]*$")
_BARE = re.compile(r"\s*(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*")
_CURRENCY = (
    r"US\$|USD|RMB|CNY|HK\$|HKD|NT\$|TWD|EUR|€|GBP|£|JPY|¥|KRW|₩|INR|₹|\$|yuan|dollars?|euros?"
)
# "(US$ millions)", "(in billions of yuan)", "(million)", "(Revenues are in US$ millions)"
_UNIT_NOTE = re.compile(
    rf"\((?P<what>[^()]*?\b(?:are|is)\s+)?(?:in\s+)?(?P<cur1>{_CURRENCY})?\s*"
    rf"(?P<scale>thousands?|millions?|billions?|trillions?|mn|bn|tn|m|k|b)\b"
    rf"(?:\s+of\s+(?P<cur2>{_CURRENCY}))?\s*\)",
    re.IGNORECASE,
)
# Columns of labels, not amounts.
_LABEL_COLUMN = re.compile(r"\b(?:rank|year|code|ticker|no\.?|#)\b", re.IGNORECASE)


@dataclass(frozen=True)
class TableCell:
    """One cell of a Markdown table's data rows, with its column's header and its row's label."""

    start: int
    end: int
    column: int
    header: str  # "" where the header row has no cell above it
    header_start: int  # -1 then
    label: str  # the row's first cell
    label_start: int
    table_start: int  # where the header row starts
    row: str  # the whole row, as written


def table_cells(text: str) -> list[TableCell]:
    """Every data cell of every Markdown table in the text, in order (header and rule rows left out)."""
    if "|" not in text:
        return []
    out: list[TableCell] = []
    header: list[tuple[int, int, str]] = []
    table_start = -1
    prev_end = -2
    for row in _ROW.finditer(text):
        cells = _cells(row)
        if table_start < 0 or row.start() > prev_end + 1:
            header, table_start = cells, row.start()  # a new table starts with its header row
        elif not _RULE.match(row.group(1)):
            label_start, _, label = cells[0]
            for j, (start, end, _cell) in enumerate(cells):
                h_start, _, h_text = header[j] if j < len(header) else (-1, -1, "")
                out.append(
                    TableCell(start, end, j, h_text, h_start, label, label_start, table_start, row.group(0))
                )
        prev_end = row.end()
    return out


def extract_table_figures(text: str, taken: list[tuple[int, int]]) -> list[Figure]:
    """Bare numbers in Markdown table cells whose header or caption gives their unit and scale.

    taken holds the spans of figures already found; cells overlapping them are left alone.
    """
    out: list[Figure] = []
    captions: dict[int, tuple[str | None, Decimal, str | None] | None] = {}
    for cell in table_cells(text):
        if cell.column == 0 or cell.header_start < 0:
            continue  # the row label, or a cell without a header
        if cell.table_start not in captions:
            captions[cell.table_start] = _note(_line_before(text, cell.table_start))
        fig = _cell_figure(text, cell, captions[cell.table_start])
        if fig is not None and not any(s < fig.end and fig.start < e for s, e in taken):
            out.append(fig)
    return out


def _cells(row: re.Match[str]) -> list[tuple[int, int, str]]:
    cells = []
    pos = row.start(1)
    for part in row.group(1).split("|"):
        cells.append((pos, pos + len(part), part.strip()))
        pos += len(part) + 1
    return cells


def _line_before(text: str, pos: int) -> str:
    """The last non-blank line before pos (a table's caption), within three lines."""
    lines = text[max(0, pos - 600) : pos].rstrip().splitlines()[-3:]
    return next((line for line in reversed(lines) if line.strip()), "")


def _note(text: str) -> tuple[str | None, Decimal, str | None] | None:
    """(currency, scale, what it covers) of a unit note such as "(Revenues are in US$ millions)"."""
    m = _UNIT_NOTE.search(text)
    if m is None:
        return None
    cur = m.group("cur1") or m.group("cur2")
    what = m.group("what").strip().split()[0].lower().rstrip("s") if m.group("what") else None
    scale = m.group("scale")
    multiplier = scale_value(scale[:-1] if len(scale) > 3 and scale.lower().endswith("s") else scale)
    if multiplier is None:
        return None
    return (_currency(cur) if cur else None), multiplier, what


def _currency(written: str) -> str | None:
    return (
        currency_from_symbol(written)
        or currency_from_code(written.upper())
        or currency_from_word(written)
    )


def _cell_figure(
    text: str, cell: TableCell, caption: tuple[str | None, Decimal, str | None] | None
) -> Figure | None:
    header = cell.header
    bare = _BARE.fullmatch(text, cell.start, cell.end)
    if bare is None or _LABEL_COLUMN.search(header):
        return None
    note = _note(header)
    if note is None and caption is not None:
        currency, scale, what = caption
        # "(Revenues are in US$ millions)" covers the revenue columns only
        note = caption if what is None or what in header.lower() else None
    if note is None:
        return None
    currency, scale, _ = note
    raw = bare.group("num")
    value = float(Decimal(raw.replace(",", "")) * scale)
    return Figure(
        bare.start("num"),
        bare.end("num"),
        raw,
        value,
        currency or "count",
        sentence=cell.row.strip(),
    )
