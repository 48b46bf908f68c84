"""Number grammar: digits, spelled-out numbers and scale words, parsed to exact Decimals.

Everything here is exact: "16.4 million" is Decimal("16400000"), never a float product.
The regex fragments are exported so that the figure extractor can build one compiled
pattern over the same grammar that parse_number() understands.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SMALL_WORDS = {**ONES, **TEENS, **TENS}

# Scale words and suffixes; values are exact powers of ten.
SCALE_WORDS = {
    "hundred": Decimal(100),
    "thousand": Decimal(10) ** 3,
    "lakh": Decimal(10) ** 5,
    "lakhs": Decimal(10) ** 5,
    "million": Decimal(10) ** 6,
    "crore": Decimal(10) ** 7,
    "crores": Decimal(10) ** 7,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "quadrillion": Decimal(10) ** 15,
    "dozen": Decimal(12),
}
SCALE_SUFFIXES = {
    "k": Decimal(10) ** 3,
    "thou": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "mio": Decimal(10) ** 6,
    "b": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "bln": Decimal(10) ** 9,
    "t": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "trn": Decimal(10) ** 12,
    # Chinese scale characters (translated media keeps them: "3800亿", "1.2万亿")
    "万": Decimal(10) ** 4,
    "十万": Decimal(10) ** 5,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "万亿": Decimal(10) ** 12,
    # Japanese and traditional characters ("5,900億円", "2兆7,500億円")
    "萬": Decimal(10) ** 4,
    "億": Decimal(10) ** 8,
    "兆": Decimal(10) ** 12,
    "tln": Decimal(10) ** 12,
    # Korean ("5,112억원", "4조4,299억원", "1,720만명")
    "만": Decimal(10) ** 4,
    "억": Decimal(10) ** 8,
    "조": Decimal(10) ** 12,
}

_SMALL_ALT = "|".join(sorted(SMALL_WORDS, key=len, reverse=True))
_TENS_ALT = "|".join(TENS)
_ONES_ALT = "|".join(ONES)
_BIG_ALT = "thousand|million|billion|trillion|quadrillion|lakhs?|crores?"

# Regex fragments (verbose-free so they can be embedded anywhere).
DIGITS_PATTERN = (
    r"(?:\d{1,3}(?:,\d{2})*(?:,\d{3})+(?:\.\d+)?"  # 1,234,567.8 and Indian 12,34,567.89
    r"|\d+(?:\.\d+)?"
    r"|\.\d+)"
)
_SMALL_PATTERN = rf"(?:(?:{_TENS_ALT})(?:-|\s)(?:{_ONES_ALT})\b|(?:{_SMALL_ALT})\b)"
_HUNDREDS_PATTERN = (
    rf"(?:{_SMALL_PATTERN}(?:[\s-]+hundred\b(?:[\s-]+(?:and\s+)?{_SMALL_PATTERN})?)?"
    rf"|(?:a|one)[\s-]+hundred\b(?:[\s-]+(?:and\s+)?{_SMALL_PATTERN})?)"
)
WORDS_PATTERN = (
    rf"(?:(?:{_HUNDREDS_PATTERN}|\ba(?=[\s-]+(?:{_BIG_ALT}|dozen)\b))"
    rf"(?:[\s-]+(?:{_BIG_ALT})\b(?:,?[\s-]+(?:and\s+)?{_HUNDREDS_PATTERN}(?![\s-]+(?:{_BIG_ALT})))?)*"
    rf"|\ba[\s-]+dozen\b)"
)
SCALE_PATTERN = (
    rf"(?:[\s-]*(?:{_BIG_ALT})\b"
    r"|\s?(?:mn|mln|bn|bln|tn|trn|tln)\b"
    r"|(?:k|K|m|M|b|B|t|T)(?![\w$£€¥])"
    r"|\s?(?:万亿|千万|百万|十万|亿|万|億|萬|兆|억|조|만))"
)

_WORD_TOKEN_RE = re.compile(r"[a-z]+")
_SCALE_TAIL_RE = re.compile(
    r"^(?P<num>.*?)[\s-]*(?P<scale>thousand|million|billion|trillion|quadrillion|lakhs?|crores?|mn|mln|bn|bln"
    r"|tn|trn|tln|万亿|千万|百万|十万|亿|万|億|萬|兆|억|조|만|k|m|b|t)$",
    re.IGNORECASE,
)
_MINUS_CHARS = "-−–"


_PLAIN_DIGITS = re.compile(r"\d*\.?\d+|\d+\.")  # compiled once: parse_digits runs per number


def parse_digits(s: str) -> Decimal | None:
    """Parse a digit string with optional thousands separators ("1,234.5") exactly."""
    cleaned = s.replace(",", "").replace("\u202f", "").replace("\xa0", "").strip()
    if not cleaned or not _PLAIN_DIGITS.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_words(s: str) -> Decimal | None:
    """Parse a spelled-out number ("twenty-five", "a trillion", "one hundred and five")."""
    tokens = _WORD_TOKEN_RE.findall(s.lower())
    if not tokens:
        return None
    total = Decimal(0)
    current = Decimal(0)
    seen = False
    for tok in tokens:
        if tok == "and":
            continue
        if tok == "a":
            current = Decimal(1)
            seen = True
        elif tok in SMALL_WORDS:
            current += SMALL_WORDS[tok]
            seen = True
        elif tok == "hundred":
            current = (current or Decimal(1)) * 100
            seen = True
        elif tok == "dozen":
            current = (current or Decimal(1)) * 12
            seen = True
        elif tok in SCALE_WORDS:
            scale = SCALE_WORDS[tok]
            total += (current or Decimal(1)) * scale
            current = Decimal(0)
            seen = True
        else:
            return None
    return total + current if seen else None


def scale_value(word: str) -> Decimal | None:
    """Return the multiplier of a scale word or suffix ("billion", "bn", "k", "亿")."""
    w = word.strip().strip("-").strip()
    if w in SCALE_SUFFIXES:
        return SCALE_SUFFIXES[w]
    low = w.lower()
    if low in SCALE_WORDS and low not in ("hundred", "dozen"):
        return SCALE_WORDS[low]
    return SCALE_SUFFIXES.get(low)


def parse_number(s: str) -> Decimal | None:
    """Parse a number written with digits, words and/or a scale ("16.4 million" -> 16400000)."""
    text = s.strip()
    if not text:
        return None
    sign = Decimal(1)
    if text[0] in _MINUS_CHARS:
        sign = Decimal(-1)
        text = text[1:].lstrip()
    elif text.lower().startswith("minus "):
        sign = Decimal(-1)
        text = text[6:].lstrip()
    elif text[0] == "+":
        text = text[1:].lstrip()
    value = parse_digits(text)
    if value is not None:
        return sign * value
    m = _SCALE_TAIL_RE.match(text)
    if m and m.group("num").strip():
        head = m.group("num").strip()
        base = parse_digits(head)
        if base is None and not re.search(r"\d", head):
            words = parse_words(head)
            # spelled numbers keep their own scale words ("five million" -> words handles it)
            if words is not None:
                full = parse_words(text)
                return sign * full if full is not None else None
        mult = scale_value(m.group("scale"))
        if base is not None and mult is not None:
            return sign * base * mult
    if re.search(r"\d", text):
        return None
    words = parse_words(text)
    return sign * words if words is not None else None


def normalize_decimal(d: Decimal) -> Decimal:
    """Strip trailing zeros without switching to exponent notation."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


_SCALE_NAMES = (
    (Decimal(10) ** 12, "trillion", "tn"),
    (Decimal(10) ** 9, "billion", "bn"),
    (Decimal(10) ** 6, "million", "m"),
    (Decimal(10) ** 3, "thousand", "k"),
)


def format_number(d: Decimal, style: str = "plain") -> str:
    """Format a Decimal as text that parse_number() reads back to the same value.

    styles: plain ("16400000"), grouped ("16,400,000"), scaled ("16.4 million"),
    suffix ("16.4m"), words (integers only: "sixteen million four hundred thousand").
    """
    d = normalize_decimal(d)
    sign = "-" if d < 0 else ""
    a = -d if d < 0 else d
    if style == "plain":
        return sign + format(a, "f")
    if style == "grouped":
        return sign + format(a, ",f")
    if style in ("scaled", "suffix"):
        for mult, word, suffix in _SCALE_NAMES:
            if a >= mult:
                q = normalize_decimal(a / mult)
                return f"{sign}{format(q, 'f')}{' ' + word if style == 'scaled' else suffix}"
        return sign + format(a, "f")
    if style == "words":
        if a != a.to_integral_value():
            raise ValueError("words style needs an integer")
        return ("minus " if sign else "") + _int_to_words(int(a))
    raise ValueError(f"unknown style {style!r}")


_SMALL_BY_VALUE = {v: k for k, v in SMALL_WORDS.items()}


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_SMALL_BY_VALUE[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        tens, ones = divmod(n, 10)
        words.append(_SMALL_BY_VALUE[tens * 10] + (f"-{_SMALL_BY_VALUE[ones]}" if ones else ""))
    elif n:
        words.append(_SMALL_BY_VALUE[n])
    return words


def _int_to_words(n: int) -> str:
    if n == 0:
        return "zero"
    words: list[str] = []
    for mult, word, _ in _SCALE_NAMES:
        m = int(mult)
        if n >= m:
            words += [*_below_thousand(n // m), word]
            n %= m
    words += _below_thousand(n)
    return " ".join(words)
