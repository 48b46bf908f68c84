"""Pure data models shared by every stage: documents and figures."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

UNITS_NON_CURRENCY = frozenset({"%", "pp", "bp", "x", "count", "parameters", "tokens", "W", "Wh", "B"})
QUALIFIERS = ("exact", "approx", "over", "under", "up_to")
BASES = ("level", "change", "share", "ratio")
KINDS = ("actual", "estimate", "forecast", "target")


@dataclass(slots=True)
class Figure:
    """One number a document states, with what it measures (see shared/spec/figures.md)."""

    start: int
    end: int
    surface: str
    value: float
    unit: str
    qualifier: str = "exact"
    sentence: str = ""
    metric: str | None = None
    basis: str | None = None
    entity: str | None = None
    period: str | None = None
    kind: str | None = None
    currency_inferred: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the figure as a plain dict (JSON-ready)."""
        if not _FIGURE_SCALAR:
            return asdict(self)
        # every field is a scalar, so asdict's recursive deep copy (~30x slower) adds nothing
        return {
            "start": self.start, "end": self.end, "surface": self.surface, "value": self.value,
            "unit": self.unit, "qualifier": self.qualifier, "sentence": self.sentence,
            "metric": self.metric, "basis": self.basis, "entity": self.entity,
            "period": self.period, "kind": self.kind, "currency_inferred": self.currency_inferred,
        }  # fmt: skip


# The fields to_dict writes out by hand; should the model change, asdict takes over again.
_FIGURE_SCALAR = tuple(f.name for f in fields(Figure)) == (
    "start", "end", "surface", "value", "unit", "qualifier", "sentence",
    "metric", "basis", "entity", "period", "kind", "currency_inferred",
)  # fmt: skip


@dataclass(slots=True)
class DocumentMeta:
    """What a document says about itself: title, source, author, publication date."""

    title: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    # how published_at was found: "header", "meta", "pdf", "text", "file_mtime" (a marked guess) or None
    date_origin: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
