"""Unit lexicon: currencies (symbols, codes, words), percent forms, physical units, count nouns."""

from __future__ import annotations

import re
from decimal import Decimal


def word_set(words: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words of a lexicon block."""
    return frozenset(words.split())


# Symbols and prefixed symbols written before the number. Order matters: longest first.
# Mojibake forms (UTF-8 read as Latin-1) are listed so offsets into the raw text stay valid.
CURRENCY_SYMBOLS: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "u.s $": "USD", "u.s. $": "USD",
    "US $": "USD", "us $": "USD", "USD$": "USD",
    "HK$": "HKD", "HK $": "HKD", "hk $": "HKD", "HKD$": "HKD",
    "NT$": "TWD", "NT $": "TWD", "S$": "SGD", "SG$": "SGD", "A$": "AUD", "AU$": "AUD",
    "NZ$": "NZD", "C$": "CAD", "CA$": "CAD", "CDN$": "CAD", "c $": "CAD", "C $": "CAD",
    "R$": "BRL", "MX$": "MXN", "Mex$": "MXN", "mex$": "MXN", "MEX$": "MXN",
    "RMB¥": "CNY", "Â¥": "CNY", "ï¿¥": "CNY", "¥": "CNY", "￥": "CNY", "元": "CNY",
    "â‚¬": "EUR", "€": "EUR", "Â£": "GBP", "£": "GBP", "₩": "KRW", "₹": "INR", "Rs.": "INR",
    "Rs": "INR", "₽": "RUB", "₺": "TRY", "₫": "VND", "₱": "PHP", "₪": "ILS", "₦": "NGN",
    "₡": "CRC", "₾": "GEL", "₭": "LAK", "ரூ": "LKR", "฿": "THB", "₴": "UAH", "Rp": "IDR",
    "RM": "MYR", "SR": "SAR", "Dh": "AED", "Dhs": "AED", "$": "USD", "＄": "USD",
    "W": "KRW",  # Korean brokers' won, glued to the amount: "W230,000", "W31.4tn"
}

# ISO codes (and RMB) written as words; matched case-sensitively except rmb.
CURRENCY_CODES = frozenset({
    "USD", "CNY", "CNH", "HKD", "EUR", "GBP", "JPY", "KRW", "INR", "CAD", "AUD", "SGD",
    "CHF", "TWD", "MXN", "BRL", "RUB", "SEK", "NOK", "DKK", "NZD", "ZAR", "TRY", "SAR",
    "AED", "IDR", "MYR", "THB", "VND", "ILS", "PLN", "CZK", "HUF", "NGN", "EGP", "KZT",
})
CODE_ALIASES = {"RMB": "CNY", "rmb": "CNY", "Rmb": "CNY", "NTD": "TWD", "CNH": "CNY"}

# Currency words written after the number ("12.98 billion RMB", "5 dollars", "380-billion-yuan").
# Keys are regex fragments (case-insensitive), values ISO codes.
CURRENCY_WORDS: list[tuple[str, str]] = [
    (r"(?:us|u\.s\.?|american)\s+dollars?", "USD"),
    (r"(?:hong\s+kong|hk)\s+dollars?", "HKD"),
    (r"(?:new\s+)?taiwan(?:ese)?\s+dollars?", "TWD"),
    (r"singapore\s+dollars?", "SGD"),
    (r"australian\s+dollars?", "AUD"),
    (r"canadian\s+dollars?", "CAD"),
    (r"new\s+zealand\s+dollars?", "NZD"),
    (r"(?:chinese\s+)?(?:yuan|renminbi)(?:\s+renminbi)?", "CNY"),
    (r"rmb", "CNY"),
    (r"kuai", "CNY"),
    (r"(?:japanese\s+)?yen", "JPY"),
    (r"(?:south\s+)?korean\s+won", "KRW"),
    (r"won(?!\s+(?:the|a|an|by|over|in|at|its|their|his|her)\b)", "KRW"),
    (r"(?:indian\s+)?rupees?", "INR"),
    (r"euros?", "EUR"),
    (r"(?:pounds?|quid)(?:\s+sterling)?|sterling", "GBP"),
    (r"swiss\s+francs?", "CHF"),
    (r"francs?", "CHF"),
    (r"finnish\s+markk?aa?", "FIM"),
    (r"(?:dutch\s+)?guilders?", "NLG"),
    (r"pesetas?", "ESP"),
    (r"deutsche\s+marks?|deutschmarks?", "DEM"),
    (r"(?:russian\s+)?(?:roubles?|rubles?)", "RUB"),
    (r"(?:mexican\s+)?pesos?", "MXN"),
    (r"(?:brazilian\s+)?reais", "BRL"),
    (r"rupiah", "IDR"),
    (r"ringgit", "MYR"),
    (r"baht", "THB"),
    (r"(?:south\s+african\s+)?rand", "ZAR"),
    (r"(?:turkish\s+)?lira", "TRY"),
    (r"dirhams?", "AED"),
    (r"riyals?", "SAR"),
    (r"shekels?", "ILS"),
    (r"zloty", "PLN"),
    (r"kron(?:a|or)", "SEK"),
    (r"kron(?:e|er)", "NOK"),
    (r"dong", "VND"),
    (r"naira", "NGN"),
    (r"dollars?", "USD"),
    # minor units keep the amount as written (see README in tests/transforms/articles)
    (r"cents?", "USX"),
    (r"pence|penny|pennies", "GBX"),
]

CHINESE_CURRENCY = {
    "人民币": "CNY", "元": "CNY", "美元": "USD", "港元": "HKD", "港币": "HKD",
    "欧元": "EUR", "日元": "JPY", "英镑": "GBP", "韩元": "KRW",
    "円": "JPY", "新台币": "TWD", "新台幣": "TWD", "台币": "TWD", "원": "KRW", "달러": "USD",
}

# Physical units written after the number: regex fragment -> (unit, multiplier).
PHYSICAL_UNITS: list[tuple[str, str, Decimal]] = [
    # computing power: FLOPS with SI prefixes ("34 EFLOPS", "2 exaflops") in base FLOPS
    (r"EFLOPS|E[Ff]lops|exa[Ff][Ll][Oo][Pp][Ss]", "FLOPS", Decimal(10) ** 18),
    (r"PFLOPS|P[Ff]lops|peta[Ff][Ll][Oo][Pp][Ss]", "FLOPS", Decimal(10) ** 15),
    (r"TFLOPS|T[Ff]lops|tera[Ff][Ll][Oo][Pp][Ss]", "FLOPS", Decimal(10) ** 12),
    (r"GFLOPS|G[Ff]lops|giga[Ff][Ll][Oo][Pp][Ss]", "FLOPS", Decimal(10) ** 9),
    (r"FLOPS|FLOPs", "FLOPS", Decimal(1)),
    (r"TWh|terawatt[\s-]hours?", "Wh", Decimal(10) ** 12),
    (r"GWh|gigawatt[\s-]hours?", "Wh", Decimal(10) ** 9),
    (r"MWh|megawatt[\s-]hours?", "Wh", Decimal(10) ** 6),
    (r"kWh|kilowatt[\s-]hours?", "Wh", Decimal(10) ** 3),
    (r"TW|terawatts?", "W", Decimal(10) ** 12),
    (r"GW|gigawatts?", "W", Decimal(10) ** 9),
    (r"MW|megawatts?", "W", Decimal(10) ** 6),
    (r"kW|kilowatts?", "W", Decimal(10) ** 3),
    (r"watts?", "W", Decimal(1)),
    (r"EB|exabytes?", "B", Decimal(10) ** 18),
    (r"PB|petabytes?", "B", Decimal(10) ** 15),
    (r"TB|terabytes?", "B", Decimal(10) ** 12),
    (r"GB|gigabytes?", "B", Decimal(10) ** 9),
    (r"MB|megabytes?", "B", Decimal(10) ** 6),
    (r"KB|kB|kilobytes?", "B", Decimal(10) ** 3),
]

# Nouns a spelled-out small number must count to be a figure ("six new models");
# digit counts accept any plural noun that is not a duration or filler word.
COUNT_NOUNS = word_set("""
model models product products user users customer customers client clients employee employees
staff worker workers people person engineer engineers developer developers researcher
researchers job jobs gpu gpus chip chips accelerator accelerators server servers card cards
datacenter datacenters center centers centre centres company companies firm firms enterprise
enterprises startup startups app apps application applications business businesses store
stores shop shops outlet outlets branch branches city cities country countries market markets
partner partners vehicle vehicles car cars unit units device devices phone phones smartphone
smartphones robot robots plant plants factory factories patent patents deal deals contract
contracts acquisition acquisitions order orders project projects agent agents subscriber
subscribers member members account accounts download downloads star stars language languages
brand brands bank banks site sites office offices platform platforms service services feature
features tool tools variant variants version versions institution institutions university
universities hospital hospitals school schools share shares transaction transactions ride
rides trip trips delivery deliveries parcel parcels hotel hotels aircraft plane planes ship
ships satellite satellites station stations node nodes cluster clusters rack racks merchant
merchants seller sellers buyer buyers driver drivers teacher teachers student students
household households family families restaurant restaurants game games title titles film
films movie movies episode episodes song songs video videos image images team teams lab labs
laboratory laboratories line lines chatbot chatbots assistant assistants region regions
zone zones campus campuses building buildings facility facilities mine mines well wells
stake stakes investor investors fund funds visitor visitors viewer viewers listener listeners
reader readers player players fan fans follower followers supplier suppliers vendor vendors
provider providers manufacturer manufacturers carrier carriers operator operators airline
airlines airport airports route routes flight flights
""")

# Words that end in "s" after a number but do not name counted things.
NOT_COUNT_NOUNS = word_set("""
years year months month weeks week days day hours hour minutes minute seconds second
quarters quarter decades decade centuries century nights night mornings times time
consecutive straight successive percent points point steps step stages stage phases phase
ways way reasons reason things thing aspects aspect examples example questions question
issues issue factors factor areas area pillars pillar principles principle trends trend
lessons lesson takeaways takeaway rounds round generations generation
levels level parts part is was has does says shows means remains seems looks represents
includes requires makes takes gives goes comes becomes stands runs gets sees keeps sets
of us them these those its his hers ours yours theirs as less plus minus degrees degree
others ones pm am p.m. a.m. bis per cents pence dollars euros yuan
hundredth thousandth millionth billionth
""")

TIME_NOUNS = word_set("""
year years month months week weeks day days hour hours minute minutes second seconds
quarter quarters decade decades century centuries night nights morning mornings
yr yrs hrs hr mins min sec secs
""")


def currency_from_code(code: str) -> str | None:
    """Map a written currency code or alias ("RMB", "USD") to its ISO 4217 code."""
    if code in CODE_ALIASES:
        return CODE_ALIASES[code]
    if code in CURRENCY_CODES:
        return code
    return None


def _alternation(keys: list[str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


SYMBOL_ALT = _alternation(list(CURRENCY_SYMBOLS))
CODE_ALT = "|".join(sorted([*CURRENCY_CODES, *CODE_ALIASES], key=len, reverse=True))
CURRENCY_WORD_RES = [(re.compile(p, re.IGNORECASE), iso) for p, iso in CURRENCY_WORDS]
WORD_ALT = "|".join(f"(?:{p})" for p, _ in CURRENCY_WORDS)
CHINESE_ALT = _alternation(list(CHINESE_CURRENCY))
# symbols that may also follow the number ("100 €", "100₾"); "$" is not among them
SUFFIX_SYMBOL_ALT = _alternation(["€", "£", "¥", "￥", "Â¥", "â‚¬", "Â£", "₩", "₹", "₽", "₺", "₫",
                                  "₱", "₪", "₦", "₡", "₾", "₭", "ரூ", "฿", "₴"])
PHYSICAL_ALT = "|".join(f"(?:{p})" for p, _, _ in PHYSICAL_UNITS)
PHYSICAL_RES = [(re.compile(rf"(?:{p})\Z"), unit, mult) for p, unit, mult in PHYSICAL_UNITS]


_SPACES = re.compile(r"\s+")  # compiled once: the lookups below run per figure


def currency_from_symbol(symbol: str) -> str | None:
    """Map a currency symbol as written ("HK$", "Â¥", "c $") to its ISO code."""
    s = _SPACES.sub(" ", symbol.strip())
    return CURRENCY_SYMBOLS.get(s) or CURRENCY_SYMBOLS.get(s.replace(" ", ""))


def currency_from_word(word: str) -> str | None:
    """Map a currency word written after a number ("billion yuan" -> "yuan") to its ISO code."""
    w = _SPACES.sub(" ", word.strip())
    if w in CHINESE_CURRENCY:
        return CHINESE_CURRENCY[w]
    for rx, iso in CURRENCY_WORD_RES:
        if rx.fullmatch(w):
            return iso
    return currency_from_code(w) or currency_from_code(w.upper())


def physical_unit(word: str) -> tuple[str, Decimal] | None:
    """Map a physical unit as written ("GW", "terabytes") to (SI unit, multiplier)."""
    w = word.strip()
    for rx, unit, mult in PHYSICAL_RES:
        if rx.match(w) or rx.match(w.lower()):
            return unit, mult
    return None
