"""Deterministic synthetic news articles about the AI and cloud industry, with their expected figures.

Article i depends only on (seed, i), so a corpus of 2,000 is the first 2,000 of a corpus of
10,000 and the same seed always gives byte-identical files. Each article has a header (title,
outlet, a publication date written one of several ways), then paragraphs in one of three
styles: a wire story, translated Chinese media, or a bullet-point summary. Lengths run from
about 1 KB to 10 KB. Every figure the generator writes is recorded with its character span,
value in base units and unit, so extraction F1 can be computed on synthetic text.

Like real news, articles agree on the facts: each company's revenue, profit, capex, users and
market share in a period have one true value, drawn once per (seed, company, metric, period),
which every article reporting it writes (rounded, in millions or billions, sometimes as "about
12 billion", sometimes converted to US dollars). About 2% of money figures carry a realistic
error: a tenfold 亿 slip or a thousandfold scale slip, or a conversion at the wrong rate.

usage: python benchmarks/generate.py OUT_DIR [--docs N] [--seed S]
writes OUT_DIR/art-00000.txt ... and OUT_DIR/../<name>.expected.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

COMPANIES = [
    "Alibaba Cloud", "Tencent", "Baidu", "NVIDIA", "DeepSeek", "Microsoft", "ByteDance", "Huawei",
    "Alibaba", "Tencent Cloud", "Baidu AI Cloud", "Huawei Cloud", "Kuaishou", "JD.com", "Xiaomi",
    "SMIC", "Cambricon", "Zhipu AI", "Moonshot AI", "MiniMax", "Amazon Web Services", "Google Cloud",
    "Meta", "OpenAI", "Oracle", "AMD", "TSMC",
]
MODELS = ["Qwen3", "DeepSeek-V3", "Hunyuan", "ERNIE 4.5", "Doubao", "Kimi K2", "GLM-4.5", "Pangu"]
OUTLETS = [
    "Reuters", "Bloomberg", "Caixin Global", "South China Morning Post", "Wallstreetcn", "36Kr",
    "Jiemian", "TechNode", "Yicai Global", "The Paper", "Sina Finance", "Pandaily",
]
AUTHORS = ["Chen Jing", "Li Wei", "Sarah Thompson", "Wang Fang", "James Miller", "Zhang Min", "Liu Yang"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Number-free filler sentences: realistic padding that must yield no figure.
FILLER = [
    "Analysts said the company is betting heavily on artificial intelligence to revive growth.",
    "The move comes as competition among Chinese cloud providers intensifies.",
    "Executives told investors on a call that demand for inference capacity remained strong.",
    "Shares of the company were little changed in early trading in Hong Kong.",
    "The firm did not respond to a request for comment.",
    "Industry insiders expect a price war in large language model services to continue.",
    "Export controls on advanced chips remain the biggest uncertainty for the sector.",
    "The group has been restructuring its business units over the past several quarters.",
    "Developers have embraced open-source models, which lower the cost of building applications.",
    "Regulators in Beijing have signalled support for the platform economy.",
    "Management reiterated that cloud profitability is a priority alongside growth.",
    "Several brokerages raised their price targets after the results.",
    "The company said it would keep investing in data centres and custom chips.",
    "Rivals have responded with their own model releases and steep discounts.",
    "Customers in finance, manufacturing and the automotive industry are early adopters.",
]
TRANSLATED_FILLER = [
    "It is worth noting that the AI track has entered a new stage of fierce competition.",
    "According to people familiar with the matter, the team has been expanding rapidly.",
    "In the view of the industry, computing power is becoming the new infrastructure.",
    "This means that the large model war has moved from parameters to applications.",
    "At the same time, the company is also accelerating its overseas layout.",
    "The reporter learned from the company that the relevant work is progressing smoothly.",
]

CURRENCIES: dict[str, list[tuple[str, str]]] = {
    # (prefix, suffix) templates; {n} is the number text, {s} the scale word
    "USD": [("$", ""), ("US$", ""), ("USD ", ""), ("", " dollars"), ("", " US dollars")],
    "CNY": [("RMB ", ""), ("RMB", ""), ("", " yuan"), ("CNY ", ""), ("¥", ""), ("", " RMB")],
    "HKD": [("HK$", ""), ("HKD ", ""), ("", " Hong Kong dollars")],
    "EUR": [("€", ""), ("EUR ", ""), ("", " euros")],
    "GBP": [("£", ""), ("GBP ", ""), ("", " pounds")],
}
CURRENCY_WEIGHTS = {"USD": 5, "CNY": 5, "HKD": 2, "EUR": 1, "GBP": 1}
SCALES = [("million", 1e6), ("billion", 1e9), ("trillion", 1e12)]
SHORT_SCALES = {"million": ["m", "mn"], "billion": ["bn", "b"], "trillion": ["tn"]}


@dataclass(slots=True)
class Expected:
    """One figure the generator wrote: span, value in base units, unit."""

    start: int
    end: int
    surface: str
    value: float
    unit: str


@dataclass(slots=True)
class Builder:
    """Concatenates text pieces and records the span of each figure placed."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    figures: list[Expected] = field(default_factory=list)

    def add(self, text: str) -> None:
        """Append plain text."""
        self.parts.append(text)
        self.length += len(text)

    def figure(self, surface: str, value: float, unit: str) -> None:
        """Append a figure and record where it stands."""
        self.figures.append(Expected(self.length, self.length + len(surface), surface, value, unit))
        self.add(surface)

    def text(self) -> str:
        """The article so far."""
        return "".join(self.parts)


def _number_text(rng: random.Random, value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}" if rng.random() < 0.5 or value < 1000 else f"{value:.{decimals}f}"
    return text


def _points(rng: random.Random) -> tuple[str, float, str]:
    value = round(rng.uniform(0.1, 9.9), 1)
    form = rng.choice(["{n} percentage points", "{n} percentage point", "{n}pp"])
    return form.format(n=f"{value:g}"), value, "pp"


def _params(rng: random.Random) -> tuple[str, float, str]:
    amount = rng.choice([7, 14, 32, 70, 72, 110, 235, 405, 671, 1000])
    if rng.random() < 0.5:
        return f"{amount} billion parameters", amount * 1e9, "parameters"
    return f"{amount}B parameters", amount * 1e9, "parameters"


def _multiple(rng: random.Random) -> tuple[str, float, str]:
    value = rng.choice([2, 3, 4, 5, 10, 1.5, 2.5])
    form = rng.choice(["{n} times", "{n}x", "{n}-fold"]) if value == int(value) else "{n} times"
    return form.format(n=f"{value:g}"), float(value), "x"


def _date_line(rng: random.Random, day: datetime) -> str:
    style = rng.randrange(5)
    if style == 0:
        return f"Published {day.day} {MONTHS[day.month - 1]} {day.year}"
    if style == 1:
        return f"{day:%Y.%m.%d %H:%M}"
    if style == 2:
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    if style == 3:
        return f"Updated {MONTHS_SHORT[day.month - 1]} {day.day}, {day.year} {day:%H:%M} GMT"
    return f"{day:%Y-%m-%d}"


# Rough USD per unit for conversions written in articles ("RMB 100 billion (USD 13.9 billion)").
USD_RATES = {"USD": 1.0, "CNY": 0.139, "HKD": 0.128, "EUR": 1.08, "GBP": 1.27}
# Metric phrases and the metric the extractor files them under: one true value per metric.
METRICS = {
    "revenue": "revenue", "net profit": "net_profit", "capital expenditure": "capex",
    "operating income": "operating_profit", "cloud revenue": "revenue",
}  # fmt: skip
COUNT_NOUNS = ["users", "customers", "GPUs", "servers", "employees", "developers", "downloads"]
ERROR_RATE = 0.02  # share of money figures written wrong (slips, bad conversions)
Period = tuple[str, int, int]  # ("Q", year, quarter), ("H", year, 1) or ("FY", year, 0)


def _truth(seed: int, *key: object) -> random.Random:
    """A generator for one fact of the seeded world: the same key always draws the same values."""
    return random.Random(f"{seed}:truth:" + ":".join(str(k) for k in key))


def _home_currency(seed: int, who: str) -> str:
    """The currency a company reports in."""
    rng = _truth(seed, who, "currency")
    return rng.choices(list(CURRENCY_WEIGHTS), weights=list(CURRENCY_WEIGHTS.values()))[0]


def _quarter_value(seed: int, who: str, metric: str, year: int, quarter: int) -> float:
    """A metric's true quarterly level: a steady growth path with a little noise per quarter."""
    rng = _truth(seed, who, metric)
    base = 10 ** rng.uniform(8.3, 11.7)
    growth = rng.uniform(-0.02, 0.08)
    step = (year - 2024) * 4 + quarter - 1
    noise = _truth(seed, who, metric, year, quarter).uniform(0.97, 1.03)
    return base * (1 + growth) ** step * noise


def _true_value(seed: int, who: str, metric: str, period: Period) -> float:
    """The true level for a period: a quarter, a first half or a fiscal year (sums of quarters)."""
    grain, year, number = period
    quarters = {"Q": [number], "H": [1, 2], "FY": [1, 2, 3, 4]}[grain]
    return sum(_quarter_value(seed, who, metric, year, q) for q in quarters)


def _year_before(period: Period) -> Period:
    return (period[0], period[1] - 1, period[2])


def _written(rng: random.Random, value: float, code: str) -> tuple[str, float, bool]:
    """A money amount as an article writes it: (surface, value written, approximate?).

    Three significant digits or more, so honest reports agree within rounding; now and then
    rounded to two with "about" in front, or in millions with separators ("RMB247,795 million").
    """
    prefix, suffix = rng.choice(CURRENCIES[code])
    scale_word, scale = next(((w, f) for w, f in reversed(SCALES) if value >= f), SCALES[0])
    amount = value / scale
    rough = rng.random() < 0.08
    digits = len(str(int(amount)))
    decimals = max(0, (2 if rough else rng.choice([3, 3, 4])) - digits)
    if rough and digits >= 2:
        amount = round(amount, -(digits - 2)) if digits > 2 else round(amount)
        decimals = 0
    amount = round(amount, decimals)
    number = _number_text(rng, amount, decimals)
    scale_text = " " + scale_word
    if suffix == "" and rng.random() < 0.35:
        scale_text = rng.choice(SHORT_SCALES[scale_word])
    if not rough and scale_word == "billion" and rng.random() < 0.1:
        amount, scale = float(round(value / 1e6)), 1e6
        number, scale_text = f"{int(amount):,}", " million"
    return f"{prefix}{number}{scale_text}{suffix}", amount * scale, rough


def _report(rng: random.Random, seed: int, b: Builder, value: float, code: str) -> None:
    """Write a true amount into the article, with the rare error or conversion real news has."""
    roll = rng.random()
    if roll < ERROR_RATE * 0.75:
        # 亿 (100 million) mistranslated shifts CNY tenfold; elsewhere million and billion get confused.
        factor = 10.0 if code == "CNY" else 1000.0
        value = value * factor if rng.random() < 0.5 else value / factor
    elif roll < ERROR_RATE:
        code = "USD" if code != "USD" else "CNY"  # converted at the wrong rate: the number kept as is
    elif roll < ERROR_RATE + 0.04 and code != "USD":
        value, code = value * USD_RATES[code] * rng.uniform(0.98, 1.02), "USD"
    surface, written, rough = _written(rng, value, code)
    if rough:
        b.add(rng.choice(["about ", "around ", "nearly ", "roughly "]))
    b.figure(surface, written, code)


def _growth(rng: random.Random, now: float, before: float) -> tuple[str, float, str, int]:
    """A year-on-year change consistent with the two levels: (surface, value, unit, sign)."""
    pct = round((now / before - 1) * 100, rng.choice([0, 1, 1]))
    if pct == 0:
        pct = 0.1
    text = f"{abs(pct):g}"
    form = rng.choice(["{n}%", "{n}%", "{n} percent", "{n} per cent", "{n} pc"])
    return form.format(n=text), abs(pct), "%", 1 if pct > 0 else -1


def _money_sentence(b: Builder, rng: random.Random, seed: int, who: str, period: tuple[str, Period]) -> None:
    phrase, key = period
    words = rng.choice(list(METRICS))
    metric = METRICS[words]
    code = _home_currency(seed, who)
    now = _true_value(seed, who, metric, key)
    before = _true_value(seed, who, metric, _year_before(key))
    pct, pval, punit, sign = _growth(rng, now, before)
    verb = rng.choice(["rose", "grew", "jumped"] if sign > 0 else ["fell", "declined"])
    form = rng.randrange(3)
    if form == 0:
        b.add(f"{who} said its {words} for {phrase} {verb} ")
        b.figure(pct, sign * pval, punit)
        b.add(" to ")
        _report(rng, seed, b, now, code)
        b.add(". ")
    elif form == 1:
        b.add(f"In {phrase}, {who} reported {words} of ")
        _report(rng, seed, b, now, code)
        b.add(f", which {verb} ")
        b.figure(pct, sign * pval, punit)
        b.add(" year on year. ")
    else:
        b.add(f"{words.capitalize()} at {who} reached ")
        _report(rng, seed, b, now, code)
        b.add(f" in {phrase}, {'up' if sign > 0 else 'down'} from ")
        _report(rng, seed, b, before, code)
        b.add(" a year earlier. ")


def _true_count(seed: int, who: str, noun: str, period: Period) -> tuple[str, float]:
    """A company's true count of something in a period, written with three significant digits."""
    rng = _truth(seed, who, noun)
    value = 10 ** rng.uniform(3.5, 9) * (1 + rng.uniform(0, 0.05)) ** ((period[1] - 2024) * 4 + period[2])
    if value < 1e6:
        value = float(round(value, -(len(str(int(value))) - 3)))
        return f"{int(value):,} {noun}", value
    scale_word, scale = ("billion", 1e9) if value >= 1e9 else ("million", 1e6)
    amount = round(value / scale, max(0, 3 - len(str(int(value / scale)))))
    return f"{amount:g} {scale_word} {noun}", amount * scale


def _other_sentence(b: Builder, rng: random.Random, seed: int, who: str, period: tuple[str, Period]) -> None:
    phrase = period[0]
    kind = rng.randrange(5)
    if kind == 0:
        s, v = _true_count(seed, who, rng.choice(COUNT_NOUNS), period[1])
        b.add(f"{who} now serves ")
        b.figure(s, v, "count")
        b.add(f", according to figures released in {phrase}. ")
    elif kind == 1:
        model = rng.choice(MODELS)
        s, v, u = _params(rng)
        b.add(f"The latest {model} model has ")
        b.figure(s, v, u)
        b.add(" and was trained on a large corpus. ")
    elif kind == 2:
        s, v, u = _points(rng)
        b.add("Its gross margin widened by ")
        b.figure(s, v, u)
        b.add(f" in {phrase}. ")
    elif kind == 3:
        s, v, u = _multiple(rng)
        b.add(f"Demand for AI computing at {who} grew ")
        b.figure(s, v, u)
        b.add(" compared with the previous year. ")
    else:
        share = round(_truth(seed, who, "market_share").uniform(2, 40), 1)
        b.add(f"{who} holds a market share of ")
        b.figure(rng.choice(["{n}%", "{n} percent"]).format(n=f"{share:g}"), share, "%")
        b.add(" in China's public cloud market. ")


def _period_phrase(rng: random.Random, day: datetime) -> tuple[str, Period]:
    """A period as the article names it, and the period it means."""
    quarter = (day.month - 1) // 3 + 1
    in_quarter: Period = ("Q", day.year, quarter)
    choices: list[tuple[str, Period]] = [
        (f"the {['first', 'second', 'third', 'fourth'][quarter - 1]} quarter", in_quarter),
        (f"Q{quarter} {day.year}", in_quarter),
        (f"the quarter ended {MONTHS[(quarter * 3) - 1]} 30", in_quarter),
        ("the fiscal year", ("FY", day.year, 0)),
        (f"the first half of {day.year}", ("H", day.year, 1)),
    ]
    return rng.choice(choices)


def generate_article(seed: int, index: int, start: date = date(2025, 1, 1)) -> tuple[str, list[Expected]]:
    """Article number index of the corpus seeded by seed: its text and expected figures."""
    rng = random.Random(f"{seed}:{index}")
    day = datetime.combine(start, datetime.min.time()) + timedelta(
        days=rng.randrange(365), hours=rng.randrange(7, 22), minutes=rng.randrange(60)
    )
    who = rng.choice(COMPANIES)
    style = rng.choices(["wire", "translated", "bullets"], weights=[5, 3, 2])[0]
    target = int(1000 * (1 + 9 * rng.random() ** 2))  # 1 KB to 10 KB, most are short
    b = Builder()
    title_verbs = ["posts", "reports", "unveils", "bets on", "expands", "cuts prices of"]
    b.add(f"{who} {rng.choice(title_verbs)} {rng.choice(['AI', 'cloud', 'model', 'chip'])} push\n\n")
    b.add(f"{rng.choice(OUTLETS)}\n{_date_line(rng, day)}\n")
    if rng.random() < 0.6:
        b.add(f"Author | {rng.choice(AUTHORS)}\n" if style == "translated" else f"By {rng.choice(AUTHORS)}\n")
    b.add("\n")
    while b.length < target:
        period = _period_phrase(rng, day)
        subject = rng.choice([who, who, rng.choice(COMPANIES)])
        if style == "bullets":
            b.add("Key points:\n")
            for _ in range(rng.randint(2, 4)):
                b.add("- ")
                if rng.random() < 0.5:
                    _money_sentence(b, rng, seed, subject, period)
                else:
                    _other_sentence(b, rng, seed, subject, period)
                b.add("\n")
            b.add("\n")
            b.add(" ".join(rng.sample(FILLER, rng.randint(4, 8))) + "\n\n")
            continue
        filler = TRANSLATED_FILLER + FILLER if style == "translated" else FILLER
        for _ in range(rng.randint(3, 6)):
            roll = rng.random()
            # about one figure sentence in four, as in the seed articles (~2-3 figures per KB)
            if roll < 0.13:
                _money_sentence(b, rng, seed, subject, period)
            elif roll < 0.25:
                _other_sentence(b, rng, seed, subject, period)
            else:
                b.add(rng.choice(filler) + " ")
        b.add("\n\n")
    return b.text().rstrip() + "\n", b.figures


def iter_corpus(n: int, seed: int = 7) -> Iterator[tuple[str, str, list[Expected]]]:
    """Yield (file name, text, expected figures) for articles 0..n-1."""
    for i in range(n):
        text, figures = generate_article(seed, i)
        yield f"art-{i:05d}.txt", text, figures


def write_corpus(out_dir: Path, n: int, seed: int = 7, expected_path: Path | None = None) -> int:
    """Write n articles into out_dir (and their expected figures as JSON lines); return bytes written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    handle = open(expected_path, "w", encoding="utf-8") if expected_path else None  # noqa: SIM115
    try:
        for name, text, figures in iter_corpus(n, seed):
            data = text.encode("utf-8")
            (out_dir / name).write_bytes(data)
            total += len(data)
            if handle:
                for fig in figures:
                    rec: dict[str, Any] = {"doc": name, "start": fig.start, "end": fig.end,
                                           "surface": fig.surface, "value": fig.value, "unit": fig.unit}
                    handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if handle:
            handle.close()
    return total


def main() -> None:
    """Write a corpus from the command line."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    expected = args.out_dir.parent / f"{args.out_dir.name}.expected.jsonl"
    size = write_corpus(args.out_dir, args.docs, args.seed, expected)
    print(f"wrote {args.docs} articles ({size / 1e6:.1f} MB) to {args.out_dir}; expected figures in {expected}")


if __name__ == "__main__":
    main()
