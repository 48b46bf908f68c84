"""Deterministic synthetic news articles about the AI and cloud industry, with their expected figures.

Article i depends only on (seed, i), so a corpus of 2,000 is the first 2,000 of a corpus of
10,000 and the same seed always gives byte-identical files. Each article has a header (title,
outlet, a publication date written one of several ways), then paragraphs in one of three
styles: a wire story, translated Chinese media, or a bullet-point summary. Lengths run from
about 1 KB to 10 KB. Every figure the generator writes is recorded with its character span,
value in base units and unit, so extraction F1 can be computed on synthetic text.

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


def _money(rng: random.Random) -> tuple[str, float, str]:
    """A money amount written one of many ways: (surface, value in base units, ISO code)."""
    code = rng.choices(list(CURRENCY_WEIGHTS), weights=list(CURRENCY_WEIGHTS.values()))[0]
    prefix, suffix = rng.choice(CURRENCIES[code])
    scale_word, scale = rng.choices(SCALES, weights=[3, 6, 1])[0]
    decimals = rng.choice([0, 1, 1, 2, 3])
    amount = round(rng.uniform(1, 999), decimals)
    number = _number_text(rng, amount, decimals)
    if suffix == "" and rng.random() < 0.35:
        scale_text = rng.choice(SHORT_SCALES[scale_word])
    else:
        scale_text = " " + scale_word
    if rng.random() < 0.1 and scale_word == "million" and amount >= 10 and decimals == 0:
        # "RMB247,795 million" style: a big figure in millions with thousands separators
        amount = float(rng.randint(10_000, 999_999))
        number = f"{int(amount):,}"
        scale_text = " million"
    surface = f"{prefix}{number}{scale_text}{suffix}"
    return surface, amount * scale, code


def _percent(rng: random.Random) -> tuple[str, float, str]:
    value = round(rng.uniform(0.5, 95), rng.choice([0, 1, 1, 2]))
    text = f"{value:g}"
    form = rng.choice(["{n}%", "{n}%", "{n} percent", "{n} per cent", "{n} pc"])
    return form.format(n=text), value, "%"


def _points(rng: random.Random) -> tuple[str, float, str]:
    value = round(rng.uniform(0.1, 9.9), 1)
    form = rng.choice(["{n} percentage points", "{n} percentage point", "{n}pp"])
    return form.format(n=f"{value:g}"), value, "pp"


def _count(rng: random.Random) -> tuple[str, float, str, str]:
    noun = rng.choice(["users", "customers", "GPUs", "servers", "employees", "developers", "downloads"])
    if rng.random() < 0.5:
        value = float(rng.randint(2, 9) * 10 ** rng.randint(3, 5))
        return f"{int(value):,} {noun}", value, "count", noun
    scale_word, scale = rng.choice(SCALES[:2])
    amount = round(rng.uniform(1.1, 99), 1)
    return f"{amount:g} {scale_word} {noun}", amount * scale, "count", noun


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


def _money_sentence(b: Builder, rng: random.Random, who: str, period: str) -> None:
    metric = rng.choice(["revenue", "net profit", "capital expenditure", "operating income", "cloud revenue"])
    surface, value, unit = _money(rng)
    pct, pval, punit = _percent(rng)
    verb, sign = rng.choice([("rose", 1), ("grew", 1), ("jumped", 1), ("fell", -1), ("declined", -1)])
    form = rng.randrange(3)
    if form == 0:
        b.add(f"{who} said its {metric} for {period} {verb} ")
        b.figure(pct, sign * pval, punit)
        b.add(" to ")
        b.figure(surface, value, unit)
        b.add(". ")
    elif form == 1:
        b.add(f"In {period}, {who} reported {metric} of ")
        b.figure(surface, value, unit)
        b.add(f", which {verb} ")
        b.figure(pct, sign * pval, punit)
        b.add(" year on year. ")
    else:
        b.add(f"{metric.capitalize()} at {who} reached ")
        b.figure(surface, value, unit)
        b.add(f" in {period}, up from ")
        s2, v2, u2 = _money(rng)
        b.figure(s2, v2, u2)
        b.add(" a year earlier. ")


def _other_sentence(b: Builder, rng: random.Random, who: str, period: str) -> None:
    kind = rng.randrange(5)
    if kind == 0:
        s, v, u, _noun = _count(rng)
        b.add(f"{who} now serves ")
        b.figure(s, v, u)
        b.add(f", according to figures released in {period}. ")
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
        b.add(f" in {period}. ")
    elif kind == 3:
        s, v, u = _multiple(rng)
        b.add(f"Demand for AI computing at {who} grew ")
        b.figure(s, v, u)
        b.add(" compared with the previous year. ")
    else:
        s, v, u = _percent(rng)
        b.add(f"{who} holds a market share of ")
        b.figure(s, v, u)
        b.add(" in China's public cloud market. ")


def _period_phrase(rng: random.Random, day: datetime) -> str:
    quarter = (day.month - 1) // 3 + 1
    choices = [
        f"the {['first', 'second', 'third', 'fourth'][quarter - 1]} quarter",
        f"Q{quarter} {day.year}",
        f"the quarter ended {MONTHS[(quarter * 3) - 1]} 30",
        "the fiscal year",
        f"the first half of {day.year}",
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
                    _money_sentence(b, rng, subject, period)
                else:
                    _other_sentence(b, rng, subject, period)
                b.add("\n")
            b.add("\n")
            b.add(" ".join(rng.sample(FILLER, rng.randint(4, 8))) + "\n\n")
            continue
        filler = TRANSLATED_FILLER + FILLER if style == "translated" else FILLER
        for _ in range(rng.randint(3, 6)):
            roll = rng.random()
            # about one figure sentence in four, as in the seed articles (~2-3 figures per KB)
            if roll < 0.13:
                _money_sentence(b, rng, subject, period)
            elif roll < 0.25:
                _other_sentence(b, rng, subject, period)
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
