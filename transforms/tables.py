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
    aligned: bool = False  # a whitespace-aligned table's cell, not a Markdown one


def table_cells(text: str) -> list[TableCell]:
    """Every data cell of the text's tables, in order: Markdown tables, then aligned statements."""
    cells = _markdown_cells(text) + statement_cells(text)
    return sorted(cells, key=lambda c: c.start) if cells else cells


def _markdown_cells(text: str) -> list[TableCell]:
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


# A statement's scale note: "(Unaudited; in millions, except per share data)", "in US$ thousands".
_STATEMENT_NOTE = re.compile(
    rf"(?:\bin\s+|\(\s*(?:in\s+)?)(?:(?P<cur>{_CURRENCY}|Rmb)\s*)?(?P<scale>thousands?|millions?|billions?|mn|bn)\b"
    rf"(?:\s+of\s+(?P<cur2>{_CURRENCY}))?",
    re.IGNORECASE,
)
# A row of an aligned statement: a label, two or more spaces, then amounts.
_STATEMENT_ROW = re.compile(r"^(?P<label>[ \t]*[A-Za-z(][^\n]*?[^\s$€£¥])[ \t]{2,}(?=[$€£¥(-]?[ \t]*\d)")
_STATEMENT_NUMBER = re.compile(
    r"(?<![\w.,])(?:(?P<sym>[$€£¥])[ \t]*)?(?P<open>\()?[~≈]?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<pct>%)?\)?(?![\w.,%])"
)
_ROW_SCALE = re.compile(r"\(\s*(?:in\s+)?(?:US\$|\$|USD|EUR|€)?\s*(?P<scale>thousands|millions|billions)\s*\)", re.IGNORECASE)
_PER_SHARE_ROW = re.compile(r"\bEPS\b|per\s+(?:share|ADS)|\bmargin\b|%", re.IGNORECASE)
_GAP = re.compile(r"\S+(?: \S+)*")
_SYMBOLS = "$€£¥"
_YEAR_TOKEN = re.compile(r"\b(?:[QH][1-4]|\dM|FY)?\s?(?:19|20)\d{2}[EF]?\b")
_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}")


def statement_cells(text: str) -> list[TableCell]:
    """Amounts of whitespace-aligned tables (statements, guidance), as table cells.

    A block is two or more rows of a label, two or more spaces and amounts, under column headings
    ("Three Months Ended" / "August 2," / "2026") or a scale note ("in millions"). Each amount's
    header is what the lines above its column say; its label is the row's first words.
    """
    if "  " not in text:
        return []
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    out: list[TableCell] = []
    i = 0
    while i < len(lines):
        if not _is_data_row(lines[i][1]):
            i += 1
            continue
        j = i
        while j < len(lines) and _is_data_row(lines[j][1]):
            j += 1
        if j - i >= 2:
            out.extend(_statement_block(lines, i, j))
        i = j
    return out


def _is_data_row(line: str) -> bool:
    """A label, two or more spaces and amounts; a heading row of years ("Q3 2026   9M 2026") is not."""
    row = _STATEMENT_ROW.match(line)
    if row is None:
        return False
    label = row.group("label")
    if _YEAR_TOKEN.search(label) and "  " in label.strip():
        return False  # the lazy label ran over headings ("(€ million)   Q3 2026")
    amounts = [m.group("num") for m in _STATEMENT_NUMBER.finditer(line, row.end("label"))]
    return bool(amounts) and not all(_YEAR_ONLY.fullmatch(a) for a in amounts)


def _statement_block(lines: list[tuple[int, str]], first: int, stop: int) -> list[TableCell]:
    """The cells of rows lines[first:stop], with the headings and caption above them."""
    k = first
    while k > 0 and first - k < 4 and lines[k - 1][1].strip() and "  " in lines[k - 1][1].strip():
        k -= 1  # heading lines: columns set apart by two or more spaces
    headers = [
        [(m.start(), m.end(), m.group(0)) for m in _GAP.finditer(line) if _is_header_chunk(line, m)]
        for _, line in lines[k:first]
    ]
    c = k - 1
    while c >= 0 and not lines[c][1].strip() and k - c <= 2:
        c -= 1  # the caption may stand a blank line above
    caption = c if c >= 0 and _STATEMENT_NOTE.search(lines[c][1]) and len(lines[c][1]) <= 200 else None
    if caption is None and k < first and lines[k][1].lstrip().startswith("(") and _STATEMENT_NOTE.match(
        lines[k][1].strip()
    ):
        caption = k  # "(€ million)   Q3 2026   9M 2026": the note opens the heading row
    if not headers and caption is None:
        return []
    table_start = lines[caption][0] if caption is not None else lines[k][0]
    cells: list[TableCell] = []
    for pos, line in lines[first:stop]:
        row = _STATEMENT_ROW.match(line)
        assert row is not None
        label = row.group("label").strip()
        label_start = pos + line.index(label)
        for n, num in enumerate(_STATEMENT_NUMBER.finditer(line, row.end("label"))):
            c0, c1 = num.start("num"), num.end("num")
            header = " ".join(_heading_over(chunks, c0, c1) for chunks in headers).strip()
            cells.append(
                TableCell(
                    pos + num.start(), pos + num.end(), n + 1, header, table_start, label, label_start,
                    table_start, line, aligned=True,
                )
            )
    return cells


def _heading_over(chunks: list[tuple[int, int, str]], c0: int, c1: int) -> str:
    """The heading of one header line over columns [c0, c1): the one overlapping most, else the nearest."""
    best, words = -(1 << 30), ""
    for a, b, text in chunks:
        overlap = min(b, c1) - max(a, c0)  # negative: the gap between them
        if overlap > best:
            best, words = overlap, text
    return words if best > -12 else ""


def statement_figures(text: str, cells: list[TableCell] | None = None) -> list[Figure]:
    """The amounts of aligned statements, scaled by their note ("in millions": 13,802 is 13.802e9).

    cells, where given, are the text's table_cells (read once for every stage that needs them).
    """
    out: list[Figure] = []
    notes: dict[int, tuple[str | None, Decimal] | None] = {}
    cells = statement_cells(text) if cells is None else [c for c in cells if c.aligned]
    # the block's currency: its note's, else the symbol its first amounts carry ("$ 13,802")
    symbols: dict[int, str] = {}
    for cell in cells:
        if cell.table_start not in symbols and text[cell.start] in _SYMBOLS:
            symbols[cell.table_start] = text[cell.start]
    for cell in cells:
        if cell.table_start not in notes:
            notes[cell.table_start] = _statement_note(text, cell.table_start)
        note = notes[cell.table_start]
        num = _STATEMENT_NUMBER.match(text, cell.start)
        row_scale = _ROW_SCALE.search(cell.label)
        if num is None or num.group("pct") or (note is None and row_scale is None):
            continue  # percentages are the grammar's; an amount without a scale note stays as written
        currency, scale = note if note is not None else (None, Decimal(1))
        if row_scale is not None:
            scale = _scale_of(row_scale.group("scale")) or scale  # "Revenue (in billions)"
        sym = num.group("sym") or symbols.get(cell.table_start)
        if _PER_SHARE_ROW.search(cell.label):
            scale = Decimal(1)  # "in millions, except per share data"
        raw = num.group("num")
        value = Decimal(raw.replace(",", "")) * scale
        if num.group("open"):
            value = -value  # "(1,234)": a loss or outflow
        unit = (currency_from_symbol(sym) if sym else None) or currency or "count"
        out.append(Figure(num.start(), num.end(), num.group(0), float(value), unit, sentence=cell.row.strip()))
    return out


def _statement_note(text: str, caption_start: int) -> tuple[str | None, Decimal] | None:
    end = text.find("\n", caption_start)
    line = text[caption_start : len(text) if end < 0 else end]
    if "  " in line.strip():
        line = line.strip()
        if not line.startswith("("):
            return None  # a heading row, not a caption
        line = line[: line.find(")") + 1]  # "(€ million)   Q3 2026 ...": the note that opens it
    m = _STATEMENT_NOTE.search(line)
    if m is None:
        return None
    scale = _scale_of(m.group("scale"))
    cur = m.group("cur") or m.group("cur2")
    return ((_currency(cur) if cur else None), scale) if scale is not None else None


def _is_header_chunk(line: str, m: re.Match[str]) -> bool:
    """A run of words set apart by two or more spaces (a column heading), not prose."""
    before = line[max(0, m.start() - 2) : m.start()]
    return m.start() == 0 or before == "  " or before.endswith("\t")


def extract_table_figures(
    text: str, taken: list[tuple[int, int]], cells: list[TableCell] | None = None
) -> list[Figure]:
    """Bare numbers in Markdown table cells whose header or caption gives their unit and scale.

    taken holds the spans of figures already found; cells overlapping them are left alone. cells,
    where given, are the text's table_cells.
    """
    out: list[Figure] = []
    captions: dict[int, tuple[str | None, Decimal, str | None] | None] = {}
    for cell in table_cells(text) if cells is None else cells:
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
    multiplier = _scale_of(m.group("scale"))
    if multiplier is None:
        return None
    return (_currency(cur) if cur else None), multiplier, what


def _scale_of(word: str) -> Decimal | None:
    """The multiplier of a note's scale word, plural or not ("millions", "mn", "k")."""
    return scale_value(word[:-1] if len(word) > 3 and word.lower().endswith("s") else word)


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
