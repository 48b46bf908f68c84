"""Figures in Markdown tables whose unit is written once, in a column header or the table's caption.

A results or market table writes bare numbers ("| Dell Technologies | 10,412 | 8.2% |") and says
what they are elsewhere: "MAU (million)" over the column, or "(Revenues are in US$ millions)" in
the line above the table. The figure grammar rightly skips a bare number; this module reads such
cells with the unit and scale their table gives them.
"""

from __future__ import annotations

import re
from decimal import Decimal

from transforms.models import Figure
from transforms.units import currency_from_code, currency_from_symbol, currency_from_word

_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.M)
_RULE = re.compile(r"^[\s|:-]*$")
_BARE = re.compile(r"\s*(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*")
_SCALES = {
    "thousand": Decimal(10) ** 3, "thousands": Decimal(10) ** 3, "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6, "millions": Decimal(10) ** 6, "mn": Decimal(10) ** 6, "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9, "billions": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12, "trillions": Decimal(10) ** 12, "tn": Decimal(10) ** 12,
}  # fmt: skip
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


def extract_table_figures(text: str, taken: list[tuple[int, int]]) -> list[Figure]:
    """Bare numbers in Markdown table cells whose header or caption gives their unit and scale.

    taken holds the spans of figures already found; cells overlapping them are left alone.
    """
    if "|" not in text:
        return []
    out: list[Figure] = []
    header: list[str] | None = None
    caption_note: tuple[str | None, Decimal, str | None] | None = None
    prev_end = -2
    for row in _ROW.finditer(text):
        cells = _cells(row)
        if header is None or row.start() > prev_end + 1:
            header = [t for _, _, t in cells]
            caption_note = _note(_line_before(text, row.start()))
        elif not _RULE.match(row.group(1)):
            for j, (start, end, cell) in enumerate(cells):
                if j == 0 or j >= len(header):
                    continue  # the row label, or a cell without a header
                fig = _cell_figure(text, start, end, cell, header[j], caption_note, row.group(0))
                if fig is not None and not any(s < fig.end and fig.start < e for s, e in taken):
                    out.append(fig)
        prev_end = row.end()
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
    return (_currency(cur) if cur else None), _SCALES[m.group("scale").lower()], what


def _currency(written: str) -> str | None:
    return (
        currency_from_symbol(written)
        or currency_from_code(written.upper())
        or currency_from_word(written)
    )


def _cell_figure(
    text: str,
    start: int,
    end: int,
    cell: str,
    header: str,
    caption: tuple[str | None, Decimal, str | None] | None,
    row_text: str,
) -> Figure | None:
    bare = _BARE.fullmatch(text, start, end)
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
        sentence=row_text.strip(),
    )
