"""Rules across figures (within one document and across sources), as pure functions over frames.

Each rule takes the figures frame (the `figures` table's columns plus `published_at`) and returns
findings: dicts with rule, severity, figure_id, doc_id, related_figure_ids, message.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections import defaultdict
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
        "revenue", "ai_revenue", "gross_profit", "operating_profit", "net_profit", "eps",
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
    words = re.sub(r"[^0-9a-z]+", " ", str(entity).lower()).split()
    while len(words) > 1 and words[-1] in _ENTITY_SUFFIXES:
        words.pop()
    return " ".join(words) or None


def _as_date(value: object) -> date | None:
    if is_blank(value):
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


def build_facts(figures: pd.DataFrame, fx: FxTable | None = None) -> list[Fact]:
    """Figures with a numeric value and a unit, with the FX rate of their publication month."""
    facts: list[Fact] = []
    for row in figures.to_dict(orient="records"):
        value, unit = row.get("value"), row.get("unit")
        if is_blank(value) or is_blank(unit) or is_blank(row.get("figure_id")):
            continue
        number = float(value)
        if not math.isfinite(number):
            continue
        published = _as_date(row.get("published_at")) or period_date(row.get("period"))
        fact = Fact(
            figure_id=str(row["figure_id"]),
            doc_id=str(row.get("doc_id")),
            row=row,
            value=number,
            unit=str(unit),
            qualifier="exact" if is_blank(row.get("qualifier")) else str(row["qualifier"]),
            entity=entity_key(row.get("entity")),
            metric=None if is_blank(row.get("metric")) else str(row["metric"]),
            basis=None if is_blank(row.get("basis")) else str(row["basis"]),
            period=None if is_blank(row.get("period")) else str(row["period"]),
            kind=None if is_blank(row.get("kind")) else str(row["kind"]),
            sentence=None if is_blank(row.get("sentence")) else str(row["sentence"]),
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


def _finding(
    rule: str, severity: str, fact: Fact, related: Iterable[Fact], message: str
) -> Finding:
    ids = sorted({f.figure_id for f in related if f.figure_id != fact.figure_id})
    return {
        "rule": rule,
        "severity": severity,
        "figure_id": fact.figure_id,
        "doc_id": fact.doc_id,
        "related_figure_ids": ",".join(ids) or None,
        "message": message,
    }


def _interval(magnitude: float, qualifier: str, tolerance: float, settings: RuleSettings) -> tuple[float, float]:
    """The magnitudes a stated figure allows, given its qualifier."""
    if qualifier == "approx":
        tolerance += settings.approx_tolerance
    low, high = magnitude * (1 - tolerance), magnitude * (1 + tolerance)
    if qualifier == "over":
        return low, math.inf
    if qualifier in ("under", "up_to"):
        return 0.0, high
    return low, high


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
    """Compare two figures of the same group; None when their units cannot be compared."""
    tolerance = settings.exact_tolerance
    if a.unit == b.unit:
        va, vb, band, cross = a.magnitude, b.magnitude, 0.0, False
    elif a.usd_rate is not None and b.usd_rate is not None:
        va, vb = a.magnitude * a.usd_rate, b.magnitude * b.usd_rate
        band, cross = settings.fx_band, True
    else:
        return None
    # Half the FX band on each side: two conversions may differ by about ±fx_band in all.
    lo_a, hi_a = _interval(va, a.qualifier, tolerance + band / 2, settings)
    lo_b, hi_b = _interval(vb, b.qualifier, tolerance + band / 2, settings)
    same_sign = a.sign == 0 or b.sign == 0 or a.sign == b.sign
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


def _support(fact: Fact, pairs: Mapping[str, list[_Pair]]) -> tuple[int, int]:
    """(distinct documents, reports) that state this figure's reading, itself included."""
    agreeing = [fact] + [p.other for p in pairs[fact.figure_id] if p.agrees]
    return len({f.doc_id for f in agreeing}), len(agreeing)


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
        pairs: dict[str, list[_Pair]] = {f.figure_id: [] for f in members}
        for a, b in _candidate_pairs(members, settings):
            if not (_kinds_compatible(a, b) and _close_in_time(a, b, settings)):
                continue
            if a.unit != b.unit and _same_sentence(a, b):
                continue  # an amount and its conversion: check_currency_pairs judges those
            ab, ba = _compare(a, b, settings), _compare(b, a, settings)
            if ab is None or ba is None:
                continue
            pairs[a.figure_id].append(ab)
            pairs[b.figure_id].append(ba)
        # Keep each list in member order, as a full pairwise scan would build it.
        order = {f.figure_id: i for i, f in enumerate(members)}
        for found in pairs.values():
            found.sort(key=lambda p: order[p.other.figure_id])
        for fact in members:
            findings.extend(_judge(fact, pairs, settings))
    return findings


def _candidate_pairs(members: list[Fact], settings: RuleSettings) -> Iterable[tuple[Fact, Fact]]:
    """Pairs worth comparing, in member order (a before b).

    A group with a stated period compares every pair. An undated group (say, every "NVIDIA
    revenue" without a period across a year of news) only compares figures published within
    settings.undated_window_days of each other, or from the same document: walking the members
    sorted by date stops at the window instead of scanning all pairs (quadratic at 10k articles).
    """
    if members[0].period is not None:
        yield from itertools.combinations(members, 2)
        return
    order = {f.figure_id: i for i, f in enumerate(members)}
    dated = sorted((f for f in members if f.published is not None), key=lambda f: (f.published, order[f.figure_id]))
    for i, a in enumerate(dated):
        for b in dated[i + 1 :]:
            assert a.published is not None and b.published is not None
            if (b.published - a.published).days > settings.undated_window_days:
                break
            yield (a, b) if order[a.figure_id] < order[b.figure_id] else (b, a)
    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for f in members:
        if f.published is None:
            by_doc[f.doc_id].append(f)
    for same_doc in by_doc.values():
        yield from itertools.combinations(same_doc, 2)


def _judge(fact: Fact, pairs: Mapping[str, list[_Pair]], settings: RuleSettings) -> list[Finding]:
    against = [p for p in pairs[fact.figure_id] if not p.agrees]
    if not against:
        return []
    own = _support(fact, pairs)
    # The strongest contrary reading; among equals, one in the same unit reads most plainly.
    best = max(
        against,
        key=lambda p: (_support(p.other, pairs), not p.cross_currency, -abs(math.log(p.ratio or 1e-300))),
    )
    theirs = _support(best.other, pairs)
    if theirs < own:
        return []  # this reading has the weight of evidence; the other side gets the finding
    # The reports that side with the strongest contrary reading.
    allies = [best.other] + [
        p.other for p in pairs[best.other.figure_id]
        if p.agrees and p.other.figure_id != fact.figure_id
    ]
    allies = [a for a in allies if any(p.other.figure_id == a.figure_id for p in against)]
    rule = "currency_consistency" if best.cross_currency else "conflict"
    level = fact.basis == "level" and (is_currency(fact.unit) or fact.unit == "count")
    slip_tolerance = settings.scale_tolerance + (settings.fx_band if best.cross_currency else 0)
    power = scale_slip(best.ratio, slip_tolerance) if level else None
    n = len(allies)
    docs = len({a.doc_id for a in allies})
    other = best.other
    message = (
        f"{describe(fact.row)} is given as {fact.amount()}{_conversion_note(fact) if best.cross_currency else ''} here "
        f"but {other.amount()}{_conversion_note(other) if best.cross_currency else ''} in {n} other "
        f"report{'s' if n != 1 else ''}"
    )
    if docs != n:
        message += f" from {docs} document{'s' if docs != 1 else ''}"
    if power is not None:
        message += f" (x{10**power}): {_SLIP_NOTE[power]}"
    if best.cross_currency and power is None:
        message += f": the two amounts differ by more than ±{settings.fx_band:.0%} at the period's exchange rate"
    if theirs > own:
        message += (
            f"; the {other.amount()} reading has the weight of evidence ({_count(theirs, own)})."
        )
        severity = "error" if power is not None else "warning"
    else:
        message += "; neither reading has more support, so both are flagged."
        severity = "warning"
    return [_finding(rule, severity, fact, allies, message)]


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
        grain = ("Y", "FY", "H", "Q", "M").index(period.grain)
        series[(fact.entity, fact.metric, fact.unit, kind_class(fact.kind), grain)][period.index].append(fact)
    return series


def _median(facts: list[Fact]) -> float:
    return statistics.median(f.value for f in facts)


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


def check_growth_arithmetic(facts: list[Fact], settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """A % change contradicting the levels of its period and the one before (year-on-year or sequential)."""
    levels: dict[tuple[str, str, str, str], list[Fact]] = defaultdict(list)
    units: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for fact in facts:
        period = parse_period(fact.period)
        usable = fact.basis == "level" and fact.qualifier in ("exact", "approx")
        if usable and fact.entity and fact.metric and period is not None:
            levels[(fact.entity, fact.metric, fact.unit, period.label())].append(fact)
            units[(fact.entity, fact.metric, period.label())].add(fact.unit)
    findings: list[Finding] = []
    for fact in facts:
        # Only % changes: a multiple ("doubling") often describes a rate, not the levels.
        if fact.basis != "change" or fact.unit != "%" or not fact.entity or not fact.metric:
            continue
        period = parse_period(fact.period)
        if period is None:
            continue
        candidates = [period.year_earlier()]
        if period.grain in ("Q", "H", "M"):
            candidates.append(period.shifted(-1))
        checked: list[tuple[Period, list[Fact], list[Fact], float]] = []
        for earlier in candidates:
            for unit in sorted(units.get((fact.entity, fact.metric, period.label()), set())):
                now = levels[(fact.entity, fact.metric, unit, period.label())]
                before = levels.get((fact.entity, fact.metric, unit, earlier.label()), [])
                if before and _median(before) > 0:
                    implied = (_median(now) / _median(before) - 1) * 100
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

    figures: pd.DataFrame
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
