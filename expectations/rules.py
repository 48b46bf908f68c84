"""Rules across figures (within one document and across sources), as pure functions over frames.

Each rule takes the figures frame (the `figures` table's columns plus `published_at`) and returns
findings: dicts with rule, severity, figure_id, doc_id, related_figure_ids, message.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from expectations.formatting import describe, format_amount, format_number, is_blank
from expectations.periods import Period, parse_period, period_date
from expectations.reference import FxTable, is_currency

Finding = dict[str, Any]

# Legal-form words that do not change who a figure is about ("Alibaba Group" is "Alibaba").
_ENTITY_SUFFIXES = {
    "group", "holding", "holdings", "inc", "incorporated", "ltd", "limited", "corp",
    "corporation", "co", "company", "plc", "sa", "ag", "nv",
    # the extractor keeps "Dell Technologies" where a text names it so: one company with "Dell"
    "technologies", "technology", "electronics", "semiconductor", "semiconductors",
}  # fmt: skip
# Between an amount and its conversion in one sentence: "RMB 192.87 billion (USD 27 billion)".
_CONVERSION_GAP = re.compile(
    r"^[\s,(（\[:]*(?:or|about|around|approximately|approx\.?|roughly|some|nearly|"
    r"equivalent\s+to|equal\s+to|i\.e\.?|~|≈)?[\s(（\[:]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Thresholds of the cross-figure rules (one place to review and tune them)."""

    # Metrics with one true value per entity and period: others (models, parameters) list many.
    single_valued_metrics: frozenset[str] = frozenset({
        "revenue", "ai_revenue", "gross_profit", "operating_profit", "ebitda", "net_profit", "eps",
        "expenses", "capex", "investment", "buyback", "market_size", "market_share",
        "market_cap", "valuation", "users", "commission_rate",
    })  # fmt: skip
    exact_tolerance: float = 0.02  # rounding: "31.7 billion" vs "31.742 billion"
    approx_tolerance: float = 0.15  # "about", "nearly", "some"
    fx_band: float = 0.10  # monthly averages vs the rate a writer used
    scale_tolerance: float = 0.05  # how close a ratio must be to 10, 100, ... to read as a slip
    undated_window_days: int = 120  # figures without a period compare only if published this close
    jump_factor: float = 9.0  # a level this many times its neighbour period's is a jump
    growth_tolerance_pp: float = 1.5
    growth_tolerance_rel: float = 0.10


DEFAULT_SETTINGS = RuleSettings()


def entity_key(entity: object) -> str | None:
    """Entity for grouping: case, punctuation and legal-form suffixes ignored."""
    if is_blank(entity):
        return None
    if isinstance(entity, str):
        return _name_key(entity)
    return _name_key(str(entity))


# A corpus names a few thousand entities, each in many figures: each name is keyed once.
@functools.lru_cache(maxsize=65_536)
def _name_key(name: str) -> str | None:
    words = re.sub(r"[^0-9a-z]+", " ", name.lower()).split()
    while len(words) > 1 and words[-1] in _ENTITY_SUFFIXES:
        words.pop()
    return " ".join(words) or None


def _text(value: object) -> str | None:
    """str(value), None when blank (is_blank), with the common cases first: build_facts' hot path."""
    if value is None:
        return None
    if type(value) is str:
        return value if value.strip() else None
    return None if is_blank(value) else str(value)


def _as_date(value: object) -> date | None:
    if is_blank(value) or value is pd.NaT:  # NaT is a datetime whose date() is NaT again
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()


@dataclass(slots=True)
class Fact:
    """One figure as the rules see it."""

    figure_id: str
    doc_id: str
    row: dict[str, Any]
    value: float
    unit: str
    qualifier: str
    entity: str | None
    metric: str | None
    basis: str | None
    period: str | None
    kind: str | None
    sentence: str | None
    start: int
    end: int
    published: date | None
    usd_rate: float | None = None  # USD per unit where the unit is a currency with a known rate
    rate_month: str | None = None

    @property
    def magnitude(self) -> float:
        return abs(self.value)

    @property
    def sign(self) -> int:
        return 0 if self.value == 0 else (1 if self.value > 0 else -1)

    def amount(self) -> str:
        return format_amount(self.value, self.unit)


def build_facts(figures: pd.DataFrame | Iterable[dict[str, Any]], fx: FxTable | None = None) -> list[Fact]:
    """Figures with a numeric value and a unit, with the FX rate of their publication month.

    figures: a frame, or its rows as dicts (what the warehouse hands out without pandas: faster).
    """
    facts: list[Fact] = []
    rows: Iterable[dict[str, Any]] = (
        figures.to_dict(orient="records") if isinstance(figures, pd.DataFrame) else figures
    )
    for row in rows:
        value, unit, figure_id = row.get("value"), _text(row.get("unit")), _text(row.get("figure_id"))
        if is_blank(value) or unit is None or figure_id is None:
            continue
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            continue
        published = row.get("published_at")
        # Rows from the warehouse carry datetimes: the common case without _as_date's checks.
        published = published.date() if type(published) is datetime else _as_date(published)
        period = _text(row.get("period"))
        published = published or period_date(row.get("period"))
        fact = Fact(
            figure_id=figure_id,
            doc_id=str(row.get("doc_id")),
            row=row,
            value=number,
            unit=unit,
            qualifier=_text(row.get("qualifier")) or "exact",
            entity=entity_key(row.get("entity")),
            metric=_text(row.get("metric")),
            basis=_text(row.get("basis")),
            period=period,
            kind=_text(row.get("kind")),
            sentence=_text(row.get("sentence")),
            start=int(row.get("start") or 0),
            end=int(row.get("end") or 0),
            published=published,
        )
        if fx is not None and is_currency(fact.unit):
            fact.usd_rate = fx.usd_per_unit(fact.unit, published)
            if fact.usd_rate is not None and published is not None:
                fact.rate_month = published.strftime("%Y-%m")
        facts.append(fact)
    return facts


# A finding names at most this many related figures (the first by id); its message gives the counts.
MAX_RELATED_IDS = 20


def _finding(
    rule: str, severity: str, fact: Fact, related: Iterable[Fact], message: str
) -> Finding:
    ids = sorted({f.figure_id for f in related if f.figure_id != fact.figure_id})[:MAX_RELATED_IDS]
    return {
        "rule": rule,
        "severity": severity,
        "figure_id": fact.figure_id,
        "doc_id": fact.doc_id,
        "related_figure_ids": ",".join(ids) or None,
        "message": message,
    }


def scale_slip(ratio: float, tolerance: float) -> int | None:
    """The power of ten (1-4) a ratio sits on, or None: 380/38 -> 1, 94.8/0.948 -> 2."""
    if ratio <= 0 or not math.isfinite(ratio):
        return None
    ratio = max(ratio, 1 / ratio)
    power = round(math.log10(ratio))
    if 1 <= power <= 4 and abs(ratio / 10**power - 1) <= tolerance:
        return power
    return None


_SLIP_NOTE = {
    1: "likely a scale slip (亿 = 100 million mistranslated, or a misplaced decimal point)",
    2: "likely a scale slip (亿 = 100 million read as a million, or 万 = 10 thousand as 1 million)",
    3: "likely a scale slip (thousand/million or million/billion confused)",
    4: "likely a scale slip (万 = 10 thousand dropped or added)",
}


# --- conflict and currency consistency across reports -------------------------------------


@dataclass(slots=True)
class _Pair:
    other: Fact
    agrees: bool
    cross_currency: bool
    ratio: float  # this figure's magnitude over the other's, in comparable units


def _compare(a: Fact, b: Fact, settings: RuleSettings) -> _Pair | None:
    """Compare two figures of the same group; None when their units cannot be compared.

    Fact.magnitude, Fact.sign and _interval written out (same arithmetic, same order): the
    conflict rule compares hundreds of thousands of pairs in a large corpus.
    """
    x, y = a.value, b.value
    if a.unit == b.unit:
        va, vb, band, cross = abs(x), abs(y), 0.0, False
    elif a.usd_rate is not None and b.usd_rate is not None:
        va, vb = abs(x) * a.usd_rate, abs(y) * b.usd_rate
        band, cross = settings.fx_band, True
    else:
        return None
    # Half the FX band on each side: two conversions may differ by about ±fx_band in all.
    tolerance = settings.exact_tolerance + band / 2
    qa, qb = a.qualifier, b.qualifier
    ta = tolerance + settings.approx_tolerance if qa == "approx" else tolerance
    tb = tolerance + settings.approx_tolerance if qb == "approx" else tolerance
    lo_a, hi_a = va * (1 - ta), va * (1 + ta)
    if qa == "over":
        hi_a = math.inf
    elif qa in ("under", "up_to"):
        lo_a = 0.0
    lo_b, hi_b = vb * (1 - tb), vb * (1 + tb)
    if qb == "over":
        hi_b = math.inf
    elif qb in ("under", "up_to"):
        lo_b = 0.0
    same_sign = not ((x > 0 and y < 0) or (x < 0 and y > 0))
    agrees = same_sign and lo_a <= hi_b and lo_b <= hi_a
    ratio = va / vb if vb else math.inf
    return _Pair(b, agrees, cross, ratio)


def kind_class(kind: str | None) -> str:
    """Analysts' estimates are compared only with estimates; actuals, forecasts and targets mix.

    An estimate may legitimately differ from the reported figure, but whether a plan is told as
    a forecast, a target or a fact is too fine a line for attribution to draw reliably.
    """
    return "estimate" if kind == "estimate" else "stated"


def _kinds_compatible(a: Fact, b: Fact) -> bool:
    return a.kind is None or b.kind is None or kind_class(a.kind) == kind_class(b.kind)


def _close_in_time(a: Fact, b: Fact, settings: RuleSettings) -> bool:
    if a.period is not None:
        return True  # same group key: same stated period
    if a.doc_id == b.doc_id:
        return True
    if a.published is None or b.published is None:
        return False
    return abs((a.published - b.published).days) <= settings.undated_window_days


def _same_sentence(a: Fact, b: Fact) -> bool:
    return a.doc_id == b.doc_id and a.sentence is not None and a.sentence == b.sentence


def _group_key(fact: Fact) -> tuple[str, str, str, str] | None:
    if fact.entity is None or fact.metric is None or fact.basis is None:
        return None
    return (fact.entity, fact.metric, fact.basis, fact.period or "")


def _count(theirs: tuple[int, int], own: tuple[int, int]) -> str:
    """'2 documents against 1', or by reports where the documents tie."""
    index, noun = (0, "document") if theirs[0] != own[0] else (1, "report")
    return f"{theirs[index]} {noun}{'s' if theirs[index] != 1 else ''} against {own[index]}"


def _conversion_note(fact: Fact) -> str:
    if fact.usd_rate is None or fact.unit == "USD":
        return ""
    usd = format_amount(fact.magnitude * fact.usd_rate * (fact.sign or 1), "USD", digits=1)
    return f" (≈{usd} at {fact.usd_rate:.4g} USD/{fact.unit}, {fact.rate_month})"


def check_conflicts(facts: list[Fact], settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Same entity, metric, basis and period with different values: flag the reading with less support.

    Same unit -> rule `conflict`; two currencies -> rule `currency_consistency` (compared in USD at
    the rate of each document's publication month, within settings.fx_band).

    The findings are those of comparing every pair of the group (see _judge), computed without
    visiting every pair: figures that every comparison treats alike are merged into one reading,
    and readings are only compared with those inside their tolerance window of sorted values, so
    a group of thousands of figures costs about as much as their number.
    """
    groups: dict[tuple[str, str, str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        key = _group_key(fact)
        # Levels only: a change can be year-on-year or sequential, a share can be of different wholes.
        if key is not None and key[1] in settings.single_valued_metrics and key[2] == "level":
            groups[key].append(fact)
    findings: list[Finding] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        readings = _readings(members)
        _link_agreeing(readings, settings)
        ordered = _BySupport(readings)
        cache: dict[tuple[Any, ...], _Allies] = {}
        for reading in readings:
            findings.extend(_judge(reading, ordered, cache, settings))
    return findings


@dataclass(eq=False, slots=True)
class _Reading:
    """Figures of one group that every comparison treats alike: same value, unit, qualifier, kind, dates."""

    facts: list[Fact]
    first: int  # member index of its first figure: ties go to member order, as in a pairwise scan
    wide: bool  # 'over', 'under', 'up to': open on one side, so outside any value window
    alone: bool  # undated group or a conversion sentence: comparability depends on more than its class
    agrees: list[_Reading] = field(default_factory=list)  # itself included
    support: tuple[int, int] = (0, 0)  # (distinct documents, reports) of all agreeing readings

    @property
    def head(self) -> Fact:
        return self.facts[0]


def _readings(members: list[Fact]) -> list[_Reading]:
    """Merge the group's figures into readings, in member order.

    Two figures in one reading compare identically with every other figure and agree with each
    other: the key holds everything _related reads. Undated groups add the publication date (the
    time window) and, without one, the document; a figure that stands in one sentence with an
    amount in another unit (a conversion, not compared) keeps its document and sentence.
    """
    units_by_sentence: dict[tuple[str, str], set[str]] = defaultdict(set)
    for fact in members:
        if fact.sentence is not None:
            units_by_sentence[(fact.doc_id, fact.sentence)].add(fact.unit)
    dated = members[0].period is not None
    by_key: dict[tuple[Any, ...], _Reading] = {}
    for index, fact in enumerate(members):
        key: tuple[Any, ...] = (
            fact.value, fact.unit, fact.qualifier, fact.kind, fact.usd_rate, fact.rate_month
        )
        if not dated:
            key += (fact.published, fact.doc_id if fact.published is None else None)
        conversion = fact.sentence is not None and len(units_by_sentence[(fact.doc_id, fact.sentence)]) > 1
        if conversion:
            key += (fact.doc_id, fact.sentence)
        reading = by_key.get(key)
        if reading is None:
            wide = fact.qualifier in ("over", "under", "up_to")
            by_key[key] = _Reading([fact], index, wide, alone=conversion or not dated)
        else:
            reading.facts.append(fact)
    return list(by_key.values())


def _related(a: Fact, b: Fact, settings: RuleSettings) -> _Pair | None:
    """How b reads from a, or None where the two are not compared at all.

    _kinds_compatible, _close_in_time and _same_sentence written out: the conflict rule asks this
    about hundreds of thousands of pairs in a large corpus.
    """
    if a.kind is not None and b.kind is not None and (a.kind == "estimate") != (b.kind == "estimate"):
        return None  # kind_class differs
    same_doc = a.doc_id == b.doc_id
    if a.period is None and not same_doc:
        if a.published is None or b.published is None:
            return None
        if abs((a.published - b.published).days) > settings.undated_window_days:
            return None
    if a.unit != b.unit and same_doc and a.sentence is not None and a.sentence == b.sentence:
        return None  # an amount and its conversion: check_currency_pairs judges those
    return _compare(a, b, settings)


def _window(
    index: list[tuple[float, int, _Reading]], magnitude: float, own: float, widest: float
) -> list[_Reading]:
    """Readings of a sorted (magnitude, first, reading) list whose interval may overlap [m(1-own), m(1+own)]."""
    if widest >= 1:
        return [r for _, _, r in index]
    low = magnitude * (1 - own) / (1 + widest)
    high = magnitude * (1 + own) / (1 - widest)
    lo = bisect.bisect_left(index, (low, -1))
    hi = bisect.bisect_right(index, (high, math.inf))
    return [r for _, _, r in index[lo:hi]]


def _link_agreeing(readings: list[_Reading], settings: RuleSettings) -> None:
    """Fill each reading's agreeing readings and support, looking only where agreement is possible."""
    exact, approx = settings.exact_tolerance, settings.approx_tolerance
    band = settings.fx_band / 2
    # Sorted indexes of the narrow readings by (space, tolerance): a unit's own values, or USD.
    indexes: dict[tuple[str | None, bool], list[tuple[float, int, _Reading]]] = defaultdict(list)
    for r in readings:
        if not r.wide:
            f = r.head
            loose = f.qualifier == "approx"
            indexes[(f.unit, loose)].append((f.magnitude, r.first, r))
            if f.usd_rate is not None:
                indexes[(None, loose)].append((f.magnitude * f.usd_rate, r.first, r))
    for index in indexes.values():
        index.sort(key=lambda item: (item[0], item[1]))
    for r in readings:
        r.agrees.append(r)
    for r in readings:
        if r.wide:
            continue
        a = r.head
        own = exact + (approx if a.qualifier == "approx" else 0.0)
        for loose in (False, True):
            widest = exact + (approx if loose else 0.0)
            candidates = _window(indexes.get((a.unit, loose), []), a.magnitude, own, widest)
            if a.usd_rate is not None:
                usd = _window(indexes.get((None, loose), []), a.magnitude * a.usd_rate, own + band, widest + band)
                candidates += [c for c in usd if c.head.unit != a.unit]
            for other in candidates:
                if other.first > r.first:
                    _link(r, other, settings)
    for r in readings:
        if r.wide:
            for other in readings:
                if other is not r and (not other.wide or other.first > r.first):
                    _link(r, other, settings)
    for r in readings:
        docs = {f.doc_id for agreeing in r.agrees for f in agreeing.facts}
        r.support = (len(docs), sum(len(agreeing.facts) for agreeing in r.agrees))


def _link(a: _Reading, b: _Reading, settings: RuleSettings) -> None:
    pair = _related(a.head, b.head, settings)
    if pair is not None and pair.agrees:
        a.agrees.append(b)
        b.agrees.append(a)


def _closeness(pair: _Pair) -> float:
    return -abs(math.log(pair.ratio or 1e-300))


# Levels this small are scanned whole; larger ones are walked outward from the reading's value.
_SCAN_LEVEL = 32


class _BySupport:
    """A group's readings by support, each level also sorted by log value (per unit, and in USD)."""

    def __init__(self, readings: list[_Reading]) -> None:
        self.readings = sorted(readings, key=lambda r: r.support, reverse=True)
        self.levels: dict[tuple[int, int], list[_Reading]] = defaultdict(list)
        for r in self.readings:
            self.levels[r.support].append(r)
        self._sorted: dict[tuple[tuple[int, int], str | None], list[tuple[float, int, _Reading]]] = {}

    def sorted_level(self, support: tuple[int, int], unit: str | None) -> list[tuple[float, int, _Reading]]:
        """The level's readings in unit (or, for None, those with a USD rate, in USD) by log value."""
        key = (support, unit)
        index = self._sorted.get(key)
        if index is None:
            index = []
            for r in self.levels[support]:
                f = r.head
                value = f.magnitude if unit is not None else f.magnitude * (f.usd_rate or 0.0)
                if (f.unit == unit) if unit is not None else f.usd_rate is not None:
                    index.append((math.log(value) if value > 0 else -math.inf, r.first, r))
            index.sort(key=lambda item: (item[0], item[1]))
            self._sorted[key] = index
        return index


def _contrary(
    reading: _Reading, ordered: _BySupport, settings: RuleSettings
) -> tuple[_Reading, _Pair] | None:
    """The strongest reading that disagrees with this one, if it has at least as much support.

    Strongest: most support; among equals one in the same unit (it reads most plainly), then the
    closest value, then member order: the order a scan of every pair would choose by.
    """
    agreeing = {id(r) for r in reading.agrees}
    a = reading.head
    support: tuple[int, int] | None = None
    for other in ordered.readings:
        if other.support < reading.support:
            return None  # this reading has the weight of evidence
        if id(other) in agreeing:
            continue
        pair = _related(a, other.head, settings)
        if pair is not None and not pair.agrees:
            support = other.support
            break
    if support is None:
        return None
    found = _nearest(reading, agreeing, ordered, support, a.unit, settings)
    if not found and a.usd_rate is not None:
        found = _nearest(reading, agreeing, ordered, support, None, settings)
    return max(found, key=lambda item: (_closeness(item[1]), -item[0].first))


def _nearest(
    reading: _Reading,
    agreeing: set[int],
    ordered: _BySupport,
    support: tuple[int, int],
    unit: str | None,
    settings: RuleSettings,
) -> list[tuple[_Reading, _Pair]]:
    """Disagreeing readings of one support level at the least distance in value (ties all kept).

    unit: the reading's own unit, or None for the other currencies (compared in USD).
    """
    a = reading.head
    level = ordered.levels[support]

    def contrary(other: _Reading) -> _Pair | None:
        if id(other) in agreeing or (unit is None and other.head.unit == a.unit):
            return None
        if unit is not None and other.head.unit != unit:
            return None
        pair = _related(a, other.head, settings)
        return pair if pair is not None and not pair.agrees else None

    if len(level) <= _SCAN_LEVEL or a.magnitude <= 0:
        return [(o, p) for o in level if (p := contrary(o)) is not None]
    index = ordered.sorted_level(support, unit)
    value = a.magnitude if unit is not None else a.magnitude * (a.usd_rate or 0.0)
    here = math.log(value)
    right = bisect.bisect_left(index, (here, -1))
    left = right - 1
    found: list[tuple[_Reading, _Pair]] = []
    bound = math.inf
    while left >= 0 or right < len(index):
        # Step to the closer side; the distances grow on each side, so the first hit is the nearest.
        d_left = here - index[left][0] if left >= 0 else math.inf
        d_right = index[right][0] - here if right < len(index) else math.inf
        if d_left <= d_right:
            distance, other = d_left, index[left][2]
            left -= 1
        else:
            distance, other = d_right, index[right][2]
            right += 1
        if found and distance > bound:
            break
        pair = contrary(other)
        if pair is not None:
            if not found:
                bound = distance + 1e-9 * (1 + distance)  # keep exact ties (rounding aside)
            found.append((other, pair))
    return found


@dataclass(slots=True)
class _Allies:
    """Readings on the side of a contrary reading: their figures, documents and sorted figure ids."""

    readings: set[int]
    facts: int
    docs: Counter[str]
    ids: list[str]

    @classmethod
    def of(cls, readings: Iterable[_Reading]) -> _Allies:
        """Count the figures of the readings."""
        chosen = list(readings)
        docs = Counter(f.doc_id for r in chosen for f in r.facts)
        ids = sorted(f.figure_id for r in chosen for f in r.facts)
        return cls({id(r) for r in chosen}, sum(docs.values()), docs, ids)


def _comparable(a: Fact, b: Fact, settings: RuleSettings) -> bool:
    return _related(a, b, settings) is not None


def _allies(
    reading: _Reading, best: _Reading, cache: dict[tuple[Any, ...], _Allies], settings: RuleSettings
) -> tuple[int, int, list[str]]:
    """(reports, documents, first ids) that side with best and contradict the reading.

    They are best's agreeing readings that the reading is compared with, less its own agreeing
    ones. In a dated group, which readings a plain one is compared with depends only on its unit,
    kind and FX rate, so that part is shared by all readings contradicted by best (one pass, not
    one per reading: the majority of a large group is counted once).
    """
    a = reading.head
    if reading.alone:
        chosen = _Allies.of(
            r for r in best.agrees
            if id(r) not in {id(x) for x in reading.agrees} and _comparable(a, r.head, settings)
        )
        return chosen.facts, len(chosen.docs), chosen.ids[:MAX_RELATED_IDS]
    key = (id(best), a.unit, a.kind, a.usd_rate is not None)
    base = cache.get(key)
    if base is None:
        base = cache[key] = _Allies.of(r for r in best.agrees if _comparable(a, r.head, settings))
    removed = [r for r in reading.agrees if id(r) in base.readings]
    lost = Counter(f.doc_id for r in removed for f in r.facts)
    docs = len(base.docs) - sum(1 for doc, n in lost.items() if base.docs[doc] == n)
    skip = {f.figure_id for r in removed for f in r.facts}
    ids = list(itertools.islice((i for i in base.ids if i not in skip), MAX_RELATED_IDS))
    return base.facts - sum(lost.values()), docs, ids


def _judge(
    reading: _Reading, ordered: _BySupport, cache: dict[tuple[Any, ...], _Allies], settings: RuleSettings
) -> list[Finding]:
    """A finding for each figure of the reading when a contrary reading has at least its support.

    As if every pair were compared: a figure's support is the documents and reports that agree with
    it (itself included); against the strongest contrary reading it is flagged unless it has more.
    """
    strongest = _contrary(reading, ordered, settings)
    if strongest is None:
        return []
    best, pair = strongest
    own, theirs = reading.support, best.support
    a = reading.head
    n, docs, related = _allies(reading, best, cache, settings)
    other = best.head
    cross = other.unit != a.unit
    rule = "currency_consistency" if cross else "conflict"
    level = a.basis == "level" and (is_currency(a.unit) or a.unit == "count")
    slip_tolerance = settings.scale_tolerance + (settings.fx_band if cross else 0)
    power = scale_slip(pair.ratio, slip_tolerance) if level else None
    findings = []
    for fact in reading.facts:
        message = (
            f"{describe(fact.row)} is given as {fact.amount()}{_conversion_note(fact) if cross else ''} here "
            f"but {other.amount()}{_conversion_note(other) if cross else ''} in {n} other "
            f"report{'s' if n != 1 else ''}"
        )
        if docs != n:
            message += f" from {docs} document{'s' if docs != 1 else ''}"
        if power is not None:
            message += f" (x{10**power}): {_SLIP_NOTE[power]}"
        if cross and power is None:
            message += f": the two amounts differ by more than ±{settings.fx_band:.0%} at the period's exchange rate"
        if theirs > own:
            message += (
                f"; the {other.amount()} reading has the weight of evidence ({_count(theirs, own)})."
            )
            severity = "error" if power is not None else "warning"
        else:
            message += "; neither reading has more support, so both are flagged."
            severity = "warning"
        findings.append({
            "rule": rule,
            "severity": severity,
            "figure_id": fact.figure_id,
            "doc_id": fact.doc_id,
            "related_figure_ids": ",".join(related) or None,
            "message": message,
        })
    return findings


# --- an amount and its conversion in one sentence -----------------------------------------


def check_currency_pairs(
    facts: list[Fact], texts: Mapping[str, str], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """`RMB 192.87 billion (USD 27 billion)`: the two amounts must agree at the month's rate."""
    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.usd_rate is not None:
            by_doc[fact.doc_id].append(fact)
    findings: list[Finding] = []
    for doc_id, members in by_doc.items():
        text = texts.get(doc_id)
        if text is None:
            continue
        members.sort(key=lambda f: f.start)
        for a, b in itertools.pairwise(members):
            if a.unit == b.unit or not 0 <= b.start - a.end <= 30:
                continue
            if not _CONVERSION_GAP.match(text[a.end : b.start]):
                continue
            pair = _compare(a, b, settings)
            if pair is None or pair.agrees:
                continue
            power = scale_slip(pair.ratio, settings.scale_tolerance + settings.fx_band)
            usd, local = (b, a) if b.unit == "USD" else (a, b)
            message = (
                f"{local.amount()} and {usd.amount()} stand for one amount in the same sentence, but "
                f"{local.amount()}{_conversion_note(local)}{_conversion_note(usd)} is not within "
                f"±{settings.fx_band:.0%} of {usd.amount()}"
                f"{f' (x{10**power}): {_SLIP_NOTE[power]}' if power else ''}; one of the two is wrong."
            )
            severity = "error" if power else "warning"
            findings.append(_finding("currency_consistency", severity, a, [b], message))
            findings.append(_finding("currency_consistency", severity, b, [a], message))
    return findings


# --- a level that jumps tenfold between consecutive periods -------------------------------


def _levels_by_period(
    facts: Iterable[Fact], settings: RuleSettings
) -> dict[tuple[str, str, str, str, int], dict[int, list[Fact]]]:
    """Stated levels grouped by (entity, metric, unit, kind, grain) and then period index."""
    series: dict[tuple[str, str, str, str, int], dict[int, list[Fact]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for fact in facts:
        if fact.basis != "level" or fact.entity is None or fact.metric is None:
            continue
        if fact.metric not in settings.single_valued_metrics or fact.qualifier not in ("exact", "approx"):
            continue
        period = parse_period(fact.period)
        if period is None or fact.value <= 0:
            continue
        grain = ("Y", "FY", "H", "Q", "M", "FYQ", "FYH").index(period.grain)
        series[(fact.entity, fact.metric, fact.unit, kind_class(fact.kind), grain)][period.index].append(fact)
    return series


def _median(facts: list[Fact]) -> float:
    return statistics.median(f.value for f in facts)


class _Medians(dict[int, float]):
    """Medians of lists of facts that do not change while a rule runs, each computed once."""

    def of(self, facts: list[Fact]) -> float:
        key = id(facts)
        value = self.get(key)
        if value is None:
            value = self[key] = _median(facts)
        return value


def check_sequences(facts: list[Fact], settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """A level that jumps tenfold (or falls to a tenth) from one period to the next."""
    findings: list[Finding] = []
    for periods in _levels_by_period(facts, settings).values():
        jumps: dict[int, list[tuple[int, float]]] = defaultdict(list)
        calm: dict[int, int] = defaultdict(int)
        for index in sorted(periods):
            following = index + 1
            if following not in periods:
                continue
            ratio = _median(periods[following]) / _median(periods[index])
            if ratio >= settings.jump_factor or ratio <= 1 / settings.jump_factor:
                jumps[index].append((following, ratio))
                jumps[following].append((index, 1 / ratio))
            else:
                calm[index] += 1
                calm[following] += 1

        score = {index: len(found) - calm[index] for index, found in jumps.items()}
        for index, neighbours in list(jumps.items()):
            # The side with fewer agreeing neighbours is the suspect: an outlier between two
            # neighbours, or a period out of line with a steady series. Equal: both are flagged.
            if any(score[n] > score[index] for n, _ in neighbours):
                continue
            for fact in periods[index]:
                findings.append(_sequence_finding(fact, index, neighbours, periods, settings))
    return findings


def _sequence_finding(
    fact: Fact,
    index: int,
    neighbours: list[tuple[int, float]],
    periods: Mapping[int, list[Fact]],
    settings: RuleSettings,
) -> Finding:
    grain = parse_period(fact.period)
    assert grain is not None
    parts = []
    related: list[Fact] = []
    for other_index, ratio in sorted(neighbours):
        others = periods[other_index]
        related.extend(others)
        label = Period(grain.grain, other_index).label()
        parts.append(f"{format_amount(_median(others), fact.unit)} in {label} (x{format_number(round(ratio, 2))})")
    worst = max((r for _, r in neighbours), key=lambda r: abs(math.log(r)))
    power = scale_slip(worst, settings.scale_tolerance * 3)
    note = f": {_SLIP_NOTE[power]}" if power else ""
    message = (
        f"{describe(fact.row)} is {fact.amount()} but {' and '.join(parts)}: a tenfold move between "
        f"consecutive periods{note}."
    )
    return _finding("sequence", "warning", fact, related, message)


# --- a stated growth rate against the two levels it links ---------------------------------


# Words that make a stated growth sequential (against the previous quarter, half or month).
_SEQUENTIAL = re.compile(
    r"\bsequential(?:ly)?\b|\b(?:quarter|month|half)[- ](?:on|over)[- ](?:quarter|month|half)\b"
    r"|\bq/q\b|\bqoq\b|\b(?:from|over|than|on|versus|vs\.?)\s+(?:the\s+)?(?:previous|prior|preceding)\s+"
    r"(?:quarter|three\s+months|half|month)\b",
    re.IGNORECASE,
)


def says_sequential(sentence: str | None) -> bool:
    """Whether a sentence states its growth against the previous period ("sequentially", "q/q")."""
    return sentence is not None and _SEQUENTIAL.search(sentence) is not None


def check_growth_arithmetic(facts: list[Fact], settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """A % change contradicting the levels of its period and the one before.

    Year-on-year; also sequential where the figure's sentence says so ("sequentially", "q/q"...).
    """
    levels: dict[tuple[str, str, str, str], list[Fact]] = defaultdict(list)
    units: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for fact in facts:
        period = parse_period(fact.period)
        usable = fact.basis == "level" and fact.qualifier in ("exact", "approx")
        if usable and fact.entity and fact.metric and period is not None:
            levels[(fact.entity, fact.metric, fact.unit, period.label())].append(fact)
            units[(fact.entity, fact.metric, period.label())].add(fact.unit)
    findings: list[Finding] = []
    medians = _Medians()  # the level lists stay as they are while the rule runs
    for fact in facts:
        # Only % changes: a multiple ("doubling") often describes a rate, not the levels.
        if fact.basis != "change" or fact.unit != "%" or not fact.entity or not fact.metric:
            continue
        period = parse_period(fact.period)
        if period is None:
            continue
        candidates = [period.year_earlier()]
        if period.grain in ("Q", "H", "M", "FYQ", "FYH") and says_sequential(fact.sentence):
            # Growth is year-on-year unless the sentence says otherwise: testing every stated
            # rate against the previous quarter as well flagged plain year-on-year rates.
            candidates.append(period.shifted(-1))
        checked: list[tuple[Period, list[Fact], list[Fact], float]] = []
        for earlier in candidates:
            for unit in sorted(units.get((fact.entity, fact.metric, period.label()), set())):
                now = levels[(fact.entity, fact.metric, unit, period.label())]
                before = levels.get((fact.entity, fact.metric, unit, earlier.label()), [])
                if before and medians.of(before) > 0:
                    implied = (medians.of(now) / medians.of(before) - 1) * 100
                    checked.append((earlier, now, before, implied))
        if not checked:
            continue
        if any(_growth_agrees(fact, implied, settings) for *_, implied in checked):
            continue
        earlier, now, before, implied = checked[0]
        unit = now[0].unit
        message = (
            f"{describe(fact.row)} growth is stated as {fact.amount()} but the levels give "
            f"{format_number(round(implied, 1))}% ({format_amount(_median(now), unit)} in {period.label()} "
            f"vs {format_amount(_median(before), unit)} in {earlier.label()})."
        )
        findings.append(_finding("arithmetic", "warning", fact, now + before, message))
    return findings


def _growth_agrees(fact: Fact, implied: float, settings: RuleSettings) -> bool:
    tolerance = max(settings.growth_tolerance_pp, settings.growth_tolerance_rel * abs(implied))
    if fact.qualifier == "approx":
        tolerance *= 2
    stated = fact.value
    if fact.qualifier == "over":
        return implied >= stated - tolerance if stated >= 0 else implied <= stated + tolerance
    if fact.qualifier in ("under", "up_to"):
        return implied <= stated + tolerance if stated >= 0 else implied >= stated - tolerance
    return abs(stated - implied) <= tolerance


@dataclass(slots=True)
class RuleInputs:
    """What the cross-figure rules read: figures, document texts and the FX table."""

    figures: pd.DataFrame | list[dict[str, Any]]  # a frame, or its rows as dicts
    texts: Mapping[str, str] = field(default_factory=dict)
    fx: FxTable | None = None


def run_rules(inputs: RuleInputs, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Every cross-figure rule over the figures."""
    facts = build_facts(inputs.figures, inputs.fx)
    return [
        *check_conflicts(facts, settings),
        *check_currency_pairs(facts, inputs.texts, settings),
        *check_sequences(facts, settings),
        *check_growth_arithmetic(facts, settings),
    ]


def run_document_rules(inputs: RuleInputs, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """The rules within one document (an amount and its conversion), over whole documents' figures.

    The figures need no sentence; texts need only the documents of those figures. Only figures in
    a currency with a rate can pair up, so only those are turned into facts.
    """
    figures = inputs.figures
    if inputs.fx is None:
        return []
    amounts: pd.DataFrame | list[dict[str, Any]]
    if isinstance(figures, pd.DataFrame):
        if figures.empty or "unit" not in figures.columns:
            return []
        currencies = [u for u in figures["unit"].dropna().unique() if is_currency(str(u))]
        amounts = figures[figures["unit"].isin(currencies)]
    else:
        amounts = [row for row in figures if is_currency(row.get("unit"))]
    return check_currency_pairs(build_facts(amounts, inputs.fx), inputs.texts, settings)


def run_group_rules(
    figures: pd.DataFrame | Iterable[dict[str, Any]],
    fx: FxTable | None = None,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """The rules across documents (conflicts, sequences, growth arithmetic) over whole groups' figures.

    Each of them compares only figures with the same entity_key and metric, so the figures may be
    given one such group at a time (members in the order of the whole table: ties follow it), as a
    frame or as rows (dicts).
    """
    facts = build_facts(figures, fx)
    return [
        *check_conflicts(facts, settings),
        *check_sequences(facts, settings),
        *check_growth_arithmetic(facts, settings),
    ]
