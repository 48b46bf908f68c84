"""What, who and when: fill a figure's metric, basis, entity, period and kind from its context.

Rules are clause-local cues first (the words around the figure), then the sentence, then the
previous sentence (an entity or period carried over), then the document (a repeated amount
takes the attributes of its first mention). Everything is computed once per document.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from itertools import pairwise

from transforms.dispatch import first_char_dispatch, has_case_fold_odd, lowered_search, lowered_twin
from transforms.entities import STOCK_CODE_AFTER, EntityCatalog, Mention, names_as_written, overlaps
from transforms.models import Figure
from transforms.numbers import SMALL_WORDS
from transforms.periods import PeriodMention, coarsen_to_month, find_periods, month_number
from transforms.sentences import SentenceIndex
from transforms.tables import TableCell, table_cells

_I = re.IGNORECASE

# --- metric cues -------------------------------------------------------------------------------
# Ordered: at one position the first alternative wins, so longer and more specific cues come first.
_METRIC_CUES: list[tuple[str, str]] = [
    (
        "ai_revenue",
        r"AI[- ]related\s+revenues?|AI\s+revenues?|revenues?\s+from\s+(?:its\s+|the\s+)?(?:[\w-]+\s+){0,3}?AI\b"
        r"|AI[- ](?:driven|product)\s+revenues?"
        # "AI semiconductor revenue", "AI cloud revenue": an AI line of business
        r"|AI\s+(?:semiconductor|chip|infrastructure|services?|solutions?|products?|computing)\s+revenues?"
        # "AI-first ARR", "AI products: run-rate", "Cortex AI and ... reached an annual run rate"
        r"|\bAI\b[^.;\n]{0,50}?(?:\bARR\b|run[- ]rate)",
    ),
    (
        "capex",
        r"capital\s+expenditures?|capex|capital\s+spending|capital\s+investments?|capital\s+budgets?"
        r"|infrastructure\s+(?:construction|investments?|spending|build-?outs?)"
        r"|(?:spend|spending|invest|investing|investments?)\s+(?:[^.;]{0,80}?)\binfrastructure"
        r"|(?:spend|spending|invest|investing|investments?)\s+(?:[^.;]{0,40}?)\b(?:in|on|into)\s+(?:[\w-]+\s+){0,2}"
        r"(?:cloud\s+computing|computing\s+power)"
        r"|data[- ]cent(?:er|re)s?\s+(?:spending|investments?|construction)"
        # "expects to spend about $125 billion this year": a company's spending plan
        r"|spend(?=\s+(?:(?:about|around|roughly|some|nearly|almost|more\s+than|over|well\s+over|at\s+least|up\s+to"
        r"|between|an\s+estimated)\s+)*(?:(?:US|HK)?[$€£¥]|RMB\s?|\d))",
    ),
    ("market_cap", r"market\s+(?:value|cap(?:itali[sz]ation)?|valuation)"),
    (
        "market_share",
        r"market\s+shares?|share\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}market|vendor\s+shares?"
        r"|(?:(?<=percent\s)|(?<=%\s))of\s+(?:the\s+)?(?:[\w'’&-]+\s+){0,4}market\b(?!\s+(?:value|cap|size))"
        r"|share\s+of\s+(?:global\s+|worldwide\s+|total\s+)?(?:unit\s+)?(?:shipments|sales\s+volumes?)",
    ),
    ("cash_flow", r"(?:free|operating)\s+cash\s+flows?|cash\s+flows?|cash\s+from\s+operations|\bFCF\b"),
    ("cash", r"cash\s+(?:and\s+(?:cash\s+)?(?:equivalents|investments)|pile|on\s+hand|reserves?|position)"),
    ("debt", r"\bdebt\b|borrowings?|bonds?\s+(?:sale|issue|offering)s?"),
    ("inventory", r"inventor(?:y|ies)"),
    (
        "orders",
        r"\borders\b|bookings|order\s+intake|total\s+contract\s+value|\bTCV\b|contracts?\b(?!\s+(?:chipmaker|manufactur\w*|prices?))"
        r"|agreements?\b|deals?\b(?=\s+(?:with|to|for|worth|valued)\b)|(?<=\s)deals?\s+worth",
    ),
    (
        "stock_price",
        r"(?:offer|IPO|listing|issue|opening|closing|reference)\s+price|\bPT\b|\bTP\b|price\s+objective"
        r"|priced\s+(?:[\d.,]+\s+(?:million\s+|billion\s+)?)?(?:shares|ADSs?|H\s+shares)\s+at"
        r"|(?:opened|closed|ended|finished|priced)\s+(?:trading\s+)?at"
        r"|(?:trading|market|stock\s+market|listing)\s+debut|debut\b|first\s+(?:trading\s+)?(?:day|session)\s+of\s+trading",
    ),
    ("gpu_hours", r"GPU[- ]hours?"),
    (
        "benchmark_score",
        r"benchmarks\b|benchmark\s+(?:scores?|tests?|results?)|scor(?:e|es|ed|ing)\b|accuracy|pass@\d|MMLU\w*|AIME|GPQA\w*|SWE-bench\w*|MATH-?500"
        r"|HumanEval|LiveCodeBench|Codeforces|Arena",
    ),
    ("turnover", r"turnover|trading\s+volume"),
    ("net_inflow", r"net\s+(?:in|out)flows?|net\s+(?:buying|purchases)"),
    ("credit_line", r"credit\s+(?:line|facility)|revolving\s+credit|loan\s+facility"),
    ("liquidity", r"liquidity"),
    ("commission_rate", r"commission\s+rates?|take\s+rates?"),
    ("fx_rate", r"exchange\s+rates?"),
    (
        "valuation",
        r"P/?E\b|P/S\b|P/B\b|\bBPS\b|EV/EBITDA|price[- ]to[- ](?:earnings|sales|book)|(?:earnings|sales|revenue)\s+multiples?",
    ),
    (
        "eps",
        r"earnings\s+per\s+(?:share|ADS)|\bEPS\b|per\s+ADS"
        r"|(?:net\s+)?(?:income|profit|loss)\s+per\s+(?:diluted\s+|basic\s+)?(?:share|ADS)",
    ),
    ("gross_margin", r"gross\s+(?:profit\s+)?margins?"),
    ("ebitda_margin", r"EBITDA\s+margins?"),
    ("operating_margin", r"operating\s+(?:profit\s+)?margins?|EBITA?\s+margins?"),
    ("net_margin", r"net\s+(?:profit\s+)?margins?"),
    ("operating_margin", r"(?:a|the|its|their|of|for|with)\s+margins?\b|(?<=\s)margins?\s+(?:of|was|were|at|rose|fell|widened|narrowed)\b"),
    ("gross_profit", r"gross\s+profits?"),
    (
        "operating_profit",
        r"operating\s+(?:profits?|income|earnings|loss(?:es)?)|adjusted\s+EBITA|EBITA|EBIT\b"
        r"|(?<![\w-])OP\b(?!-)",  # a Korean or Japanese broker's operating profit
    ),
    # a REIT's adjusted funds from operations (data-centre landlords report it per share)
    ("affo", r"\bA?FFO\b|(?:adjusted\s+)?funds\s+from\s+operations"),
    ("churn", r"\bchurn(?:\s+rates?)?\b"),
    (
        "ebitda",
        r"EBITDA|earnings\s+before\s+interest,?\s+tax(?:es|ation)?,?\s+depreciation\s+and\s+amorti[sz]ation",
    ),
    (
        "net_profit",
        r"net\s+(?:profits?|income|earnings|loss(?:es)?)|profits?|earnings|(?<!operating\s)\blosses\b|\bnet\s+loss"
        # "we lost about €300 million last year", "losing $5 billion a year"
        r"|(?:lost|losing|lose|loses)(?=\s+(?:(?:about|around|roughly|nearly|almost|more\s+than|over)\s+)?"
        r"(?:(?:US|HK)?[$€£¥]|RMB\s?))",
    ),
    ("buyback", r"buy-?backs?|share\s+repurchases?|repurchas\w*|(?:buy|bought|buying|buys)\s+back"),
    ("dividend", r"dividends?"),
    (
        "stock_price",
        r"(?:target\s+)?share\s+prices?|stock\s+prices?|price\s+targets?|target\s+price|shares\b|stocks?\b|ADRs?\b"
        r"|last\s+close|closing\s+price",
    ),
    (
        "market_share",
        # not "per share" or "a share": an amount for each share, not a part of a market
        r"(?<!per\s)(?<!\ba\s)\bshare\b"
        r"(?!\s+(?:price|buy|repurchase|count|sales?|offering|issue|of\s+(?:total|its|their|the\s+total|revenue|sales)))",
    ),
    (
        "energy",
        r"energy(?:\s+consumption)?|power\s+consumption|electricity|power\s+capacity|gigawatts?|megawatts?",
    ),
    (
        "price",
        r"\bASPs?\b|average\s+selling\s+prices?|(?:contract|spot|selling|blended|list|wafer|memory|DRAM|NAND|HBM"
        r"|chip|GPU|H100|H200|B200|server)\s+prices?",
    ),
    (
        "cost",
        r"deployment\s+costs?|training\s+costs?|inference\s+costs?|costs?|prices?|priced|pricing|cheaper"
        r"|charg(?:ed|ing)\b",
    ),
    (
        "usage",
        r"usage|invocations?|API\s+calls?|calls?(?:\s+volume)?|traffic|token\s+consumption|consumption"
        r"|queries|requests",
    ),
    ("stock_price", r"upside|downside"),
    ("backlog", r"backlogs?|remaining\s+performance\s+obligations?|order\s+book"),
    ("gmv", r"\bGMV\b|gross\s+merchandise\s+(?:value|volume)"),
    ("deliveries", r"deliveries|delivered"),
    ("shipments", r"shipments|shipped"),
    ("revenue", r"revenues?|sales|top\s+line|\bARR\b|annual(?:i[sz]ed)?\s+recurring\s+revenue|run[- ]rate"),
    (
        "expenses",
        r"expenses|charges?|write-?downs?|impairments?|opex|operating\s+costs|R&D|depreciation|amorti[sz]ation"
        r"|research\s+and\s+development|spending|expenditures?",
    ),
    (
        "market_size",
        r"(?<!['’]s\s)(?:cloud|IT|infrastructure|services|software|AI)\s+spending(?!\s+(?:by|of)\b)",
    ),
    (
        "investment",
        r"invest\w*|funding|financing|fund(?:raising)?\s+round|stake|put\s+in|Series\s+[A-L]\b(?:\s+round)?"
        r"|(?:contributed|rais(?:e|es|ed|ing)|seek(?:s|ing)?)(?=\s+(?:about\s+|around\s+|roughly\s+|some\s+|more\s+than\s+|over\s+|up\s+to\s+)?"
        r"(?:(?:US|HK)?[$€£¥]|RMB|\d[\d.,]*\s*(?:billion|million|trillion|bn|mn)\b))",
    ),
    (
        "valuation",
        r"valuations?|valu(?:ed|ing)\s+(?:it\s+|them\s+|the\s+(?:company|startup|firm|group)\s+)?at|values\s+(?:the|it|them)\b"
        r"|value\b",
    ),
    (
        "market_size",
        r"market\s+(?:size|scale|revenues?)|(?:size|scale)\s+of\s+[^.;]{0,40}?\bmarket"
        r"|\bmarket\b(?=\s+(?:size|scale|is|was|will|would|could|reached|reaches|reach|grew|grows|expanded|rose|"
        r"hit|worth|totall?ed|tops|topped|exceeded|exceeds|surpassed|in\s+[A-Z][\w.]*\s+(?:is|was|will|reached|grew|rose)))",
    ),
    ("downloads", r"downloads?|downloaded|installs"),
    ("users", r"users|\bMAUs?\b|\bDAUs?\b|monthly\s+active|daily\s+active|subscribers"),
    ("parameters", r"parameters?"),
    ("tokens", r"tokens?"),
    ("adoption", r"adopt\w*|penetration"),
    ("employees", r"employees|headcount|staff"),
]
# Cues start at a word start; checking that first lets the scan skip other positions fast.
_CUE_RE = re.compile(
    r"(?<!\w)(?=\w)(?:"
    + "|".join(f"(?P<c{i}>{pat})" for i, (_, pat) in enumerate(_METRIC_CUES))
    + ")",
    _I,
)
# The same cues, lower-cased, run case-sensitively over lower-cased text: about 2.5x faster.
_CUE_RE_LOWER = re.compile(_CUE_RE.pattern.lower().replace("(?p<", "(?P<"))
_CUE_METRIC = {f"c{i}": metric for i, (metric, _) in enumerate(_METRIC_CUES)}
# The scan runs without capture groups, the cues' alternatives in one flat alternation (the same
# order, so the same matches; the engine skips alternatives on their first character): about 2.5x
# faster. Each hit is then matched again with _CUE_RE_LOWER for its cue.
_CUE_SCAN = first_char_dispatch(
    re.compile((r"(?<!\w)(?=\w)(?:" + "|".join(pat for _, pat in _METRIC_CUES) + ")").lower())
)  # only the cues that can start with a position's character are tried there: ~1.7x faster

# Chinese cue words, read inside Chinese text where no spaces mark word starts ("一季度营收38.62亿元").
_CJK_CUES: list[tuple[str, str]] = [
    ("net_profit", "归母净利润|净利润|净亏损|净利"),
    ("operating_profit", "营业利润|经营利润"),
    ("revenue", "营业收入|营业总收入|营收|销售额|收入"),
    ("gross_margin", "毛利率"),
    ("gross_profit", "毛利"),
    ("capex", "资本开支|资本支出"),
    ("market_size", "市场规模"),
    ("market_cap", "总市值|市值"),
    ("valuation", "估值"),
    ("market_share", "市场份额|市占率|份额"),
    ("users", "月活跃用户|日活跃用户|月活|日活|用户"),
    ("shipments", "出货量|出货"),
    ("investment", "融资|募资|投资"),
]
_CJK_CUE_RE = re.compile("|".join(f"(?P<j{i}>{pat})" for i, (_, pat) in enumerate(_CJK_CUES)))
_CJK_CUE_METRIC = {f"j{i}": metric for i, (metric, _) in enumerate(_CJK_CUES)}
_CJK = re.compile(r"[\u4e00-\u9fff]")

# Count nouns read right after a number: "16.9k stars", "4 H20s", "200 business lines".
_COUNT_NOUNS: list[tuple[str, str]] = [
    ("github_stars", r"stars?"),
    ("gpu_hours", r"(?:[\w-]+\s+){0,2}?GPU[- ]hours?"),
    (
        "gpus",
        r"(?:(?:pieces|units)\s+of\s+)?(?:[A-Z0-9][\w-]*\s+){0,3}?(?:[GTNX]PUs?|[A-Z]{1,2}\d{2,4}s?\b(?!\s+GPU[- ]hours?)"
        r"|chips?|accelerators?|graphics\s+cards?|processors?)",
    ),
    ("cities", r"(?:more\s+|new\s+|other\s+)?cities"),
    ("sites", r"(?:[\w-]+\s+){0,1}?(?:sites|campuses|locations)"),
    ("countries", r"countries|markets\s+worldwide"),
    ("business_lines", r"business\s+lines?|lines\s+of\s+business"),
    ("models", r"(?:[\w-]+\s+){0,2}?(?:models?|versions|variants)\b"),
    ("users", r"(?:[\w-]+\s+){0,2}?(?:users|subscribers|MAUs?|DAUs?|creators)"),
    ("deliveries", r"(?:[\w-]+\s+){0,1}?(?:deliveries|vehicles|cars|EVs)\b"),
    ("downloads", r"downloads?"),
    ("rides", r"(?:[\w-]+\s+){0,2}?(?:rides|trips)"),
    ("employees", r"employees|staff|workers|people(?!\s+(?:familiar|close|with|who|said|briefed|told))"),
    ("analysts", r"analysts"),
    ("customers", r"(?:[\w-]+\s+){0,1}?(?:customers|clients)"),
    ("developers", r"developers"),
    ("agents", r"(?:AI\s+)?agents"),
    ("apps", r"apps|applications"),
    ("data_centers", r"data\s+cent(?:er|re)s"),
    ("products", r"(?:[\w-]+\s+){0,2}?products"),
]
_COUNT_NOUN_RE = re.compile(
    r"\s*(?:" + "|".join(f"(?P<n{i}>{pat})" for i, (_, pat) in enumerate(_COUNT_NOUNS)) + r")\b", _I
)
_COUNT_METRIC = {f"n{i}": metric for i, (metric, _) in enumerate(_COUNT_NOUNS)}
_UNIT_METRIC = {
    "parameters": "parameters",
    "tokens": "tokens",
    "W": "energy",
    "Wh": "energy",
    "FLOPS": "compute",
    "B": "memory",
}

# --- basis cues -------------------------------------------------------------------------------
_CHANGE_WORDS = re.compile(
    r"\b(?:increas\w*|decreas\w*|ris(?:e|es|ing|en)|rose|grow\w*|grew|growth|fallen|surg\w*|jump\w*|climb\w*|"
    r"lost|los(?:e|es|ing)|shed\w*|wip\w*|eras\w*|"
    r"soar\w*|gain\w*|up|down|fell|fall\w*|slip\w*|sank|sink\w*|drop\w*|declin\w*|slid\w*|slump\w*|plung\w*|tumbl\w*|"
    r"shrank|shrink\w*|contract\w*|expand\w*|cut|reduc\w*|lower|higher|boost\w*|doubl\w*|tripl\w*|"
    r"year[- ]on[- ]year|year[- ]over[- ]year|yoy|y/y|q/q|quarter[- ]on[- ]quarter|sequential\w*|"
    r"accelerat\w*|slow\w*|improv\w*|added|adding|more|less)\b"
    r"|增长|增加|上涨|上升|提升|下降|下滑|下跌|减少|同比|环比",  # no word breaks in Chinese text
    _I,
)
_RATIO_AFTER = re.compile(
    r"^\s*(?:more|higher|larger|bigger|faster|greater|cheaper|lower|smaller|as\s+(?:much|many|high|large)|"
    r"that\s+of|than|compared|the\s+(?:level|size|cost|price))\b",
    _I,
)
_OF_AFTER = re.compile(
    r"^\s*of\s+(?P<what>(?:the\s+|its\s+|their\s+|total\s+|overall\s+)*[^\s,.;]+)", _I
)
# "70% goes into infrastructure", "35% from the public sector", "70 to 80 percent to be spent on ...":
# a part of an amount named before
_SHARE_AFTER = re.compile(
    r"\s*(?:of\s+(?:it|them|that|this)\b|(?:will\s+|would\s+)?(?:go|goes|went|going)\s+(?:to|into|toward)"
    r"|(?:is|are|was|were|will\s+be|would\s+be|to\s+be)\s+(?:spent|used|allocated|earmarked|invested)"
    r"|(?:came|comes|come|coming)\s+from|from\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:sector|segment|customers|clients|business))",
    _I,
)
_LOST_BEFORE = re.compile(r"\b(?:lost|losing|lose|loses)\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|more\s+than\s+|over\s+)?$", _I)
_UPSIDE_LABEL = re.compile(r"\b(?:upside|downside)\s*[:=]?\s*$", _I)
_SHARE_BEFORE = re.compile(
    r"(?:account(?:s|ed|ing)?\s+for|represent\w*|makes?\s+up|made\s+up|comprise\w*|contribut\w*|"
    r"stake\s+of|share\s+of)\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|over\s+|more\s+than\s+|less\s+than\s+|some\s+)?$",
    _I,
)
_BUSINESS_GROWTH = re.compile(
    r"\b(?:business|unit|segment|division|arm|company|firm|group|cloud)\s+(?:\w+\s+){0,3}?"
    r"(?:grow|grew|grows|growing|expand\w*|jump\w*|surg\w*|shrank|shrink\w*|contract\w*|declin\w*)\b",
    _I,
)
_PER_UNIT = re.compile(
    r"\s*(?:per|a|an|/|for\s+(?:every|each))\s+(?:(?:common\s+|ordinary\s+|diluted\s+)?(?P<share>share|ADS|ADR)\b|(?:thousand\s+|million\s+|1,?000\s+|1\s+million\s+)?"
    r"(?:(?:input|output|cached|GPU|[\w-]+)\s+){0,2}?(?:tokens?|tok|hours?|GPU|month|year|user|seat|image|minute|second|query|call|unit|kilowatt[- ]hour|kilowatt|kWh|MWh|GB|TB|chip)\b(?!\s+(?:earlier|ago|before|later)\b))",
    _I,
)
_NON_MONEY = frozenset({"%", "pp", "bp", "x", "count", "parameters", "tokens", "W", "Wh", "B"})
_COMPARATIVE_THAN = re.compile(
    r"\s*(?:[\w-]+\s+)?(?:cheaper|lower|higher|more|less|faster|slower|smaller|larger|bigger|greater|better|"
    r"more\s+\w+)\s+than\b",
    _I,
)
_LEVEL_BEFORE = re.compile(
    r"\b(?:to|at|reached|reach|reaching|was|were|is|are|stood\s+at|hit|of)\s+"
    r"(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|some\s+|over\s+|more\s+than\s+|just\s+)?$",
    _I,
)
_CHANGE_OF_BEFORE = re.compile(
    r"\b(?:increase|rise|growth|gain|jump|decline|drop|fall|cut|cuts|reduction|decrease|surge|slump|hike|"
    r"rate|growth\s+rate|up|down)\s+(?:of|by)\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|some\s+|"
    r"over\s+|more\s+than\s+|up\s+to\s+)?$|\bup\s+to\s+$",
    _I,
)
_ADJUST_VERB = re.compile(
    r"\b(?:rais\w*|cut\w*|increas\w*|lower\w*|boost\w*|reduc\w*|trim\w*|lift\w*)\b", _I
)
_MULTIPLE_RATIO = re.compile(r"multiple|\bP/?E\b|price[- ]to[- ]|times\s+(?:its|their|the)\b", _I)
_LEVEL_METRICS = frozenset(
    {
        "market_share",
        "commission_rate",
        "gross_margin",
        "operating_margin",
        "net_margin",
        "ebitda_margin",
        "fx_rate",
        "adoption",
    }
)

# --- kind cues --------------------------------------------------------------------------------
_TARGET_RE = re.compile(
    r"\b(?:plans?|planned|planning|commit\w*|goal|aims?|aiming|targets?|targeting|pledg\w*|"
    r"intends?|intend\w*|vow\w*|ambition|roadmap|approv\w*|authori[sz]\w*|will\s+(?:spend|invest))\b",
    _I,
)
_ESTIMATE_RE = re.compile(
    r"\b(?:analysts?|estimat\w*|consensus|according\s+to\s+(?:data\s+from\s+)?(?:research|market\s+research|analysts?)|"
    r"calculat\w*|tracker|survey)\b",
    _I,
)
_FORECAST_RE = re.compile(
    r"\b(?:expect\w*|predict\w*|forecast\w*|project\w*|will|would|could|is\s+set\s+to|are\s+set\s+to|"
    r"outlook|guidance|anticipat\w*|likely|poised|may\s+reach|by\s+(?:19|20)\d{2})\b",
    _I,
)
_EVENT_RE = re.compile(
    r"\b(?:launch\w*|releas\w*|unveil\w*|announc\w*|introduc\w*|open-sourc\w*|debut\w*|raised|secured|"
    r"invested|contributed|signed|acquired|put\s+in|rais(?:e|es|ing)\s+(?:about\s+|around\s+|roughly\s+)?(?=\$|US\$)|"
    r"roll(?:ed|s)?\s+out|teas\w*|present\w*|showcas\w*)\b",
    _I,
)
_KIND_PATTERNS = (("target", _TARGET_RE), ("estimate", _ESTIMATE_RE), ("forecast", _FORECAST_RE))
# Lower-cased twins run case-sensitively over lower-cased sentences (as for the metric cues).
_KIND_PATTERNS_LOWER = tuple((kind, re.compile(p.pattern.lower())) for kind, p in _KIND_PATTERNS)
_PRICE_TARGET = re.compile(r"target\s+price|price\s+target", _I)
_DAILY_METRICS = frozenset({"stock_price", "market_cap", "fx_rate"})
# Money raised, lent, pledged or spent is not revenue, though no cue names it
_FUNDING_BEFORE = re.compile(
    r"\b(?:rais(?:e|es|ed|ing)|secur(?:e|es|ed|ing)|pledg\w*|commit\w*|spen[dt]\w*|invest\w*|loans?|"
    r"borrow\w*|fund\w*|financ\w*|margin|subscri\w*|pa(?:y|id|ying)|bought|buy\w*|acqui\w*)\b",
    _I,
)
# A state described as of the story's date ("now has 650 million users"): the publication month,
# not a quarter carried from an earlier sentence.
_AS_OF_NOW = re.compile(r"\b(?:now|currently|to\s+date|at\s+present|as\s+of\s+today)\b", _I)
# Attributes of a thing rather than amounts of a period: no period is guessed for them.
_INTRINSIC_METRICS = frozenset({"parameters", "memory", "benchmark_score", "context_window"})
_TIMELESS_METRICS = frozenset(
    {"parameters", "tokens", "models", "benchmark_score", "context_window", "gpus", "energy"}
)

# --- entity cues ------------------------------------------------------------------------------
_EXAMPLE_BEFORE = re.compile(
    r"(?:such\s+as|including|includes|e\.g\.,?|like)\s+(?:[\w.'’-]+\s+){0,3}$", _I
)
_COMPARE_BEFORE = re.compile(
    r"(?:compared\s+(?:to|with)|comparable\s+to|similar\s+to|than|versus|vs\.?|outperform\w*|"
    r"rival\w*|ahead\s+of|beat(?:ing)?|surpass\w*|behind)\s+(?:[\w.'’-]+\s+){0,3}$",
    _I,
)
_VENUE_BEFORE = re.compile(r"\b(?:on|via|through)\s+(?:the\s+)?$", _I)
_ACCORDING = re.compile(r"according\s+to\b[^,;]*$", _I)
_ADOPTION_VERB = re.compile(
    r"\b(?:have|has|had)?\s*(?:joined|adopted|chose|chosen|selected|use|used|using|uses|deployed|"
    r"deploy|rely\s+on|relied\s+on|run\s+on|integrat\w*|embrac\w*|migrat\w*)\b",
    _I,
)
_MARKET_PHRASE = re.compile(
    r"(?:(?P<reg1>Mainland\s+China|China|Chinese|[Gg]lobal|[Ww]orldwide|US|U\.S\.|American|Asia[- ]Pacific|domestic"
    r"|Japan(?:ese)?|(?:South\s+)?Korea(?:n)?|India(?:n)?|Europe(?:an)?|Taiwan(?:ese)?|Southeast\s+Asia(?:n)?)(?:['’]s)?\s+)?"
    r"(?P<body>(?<![\w'’])(?:[A-Za-z][\w-]*\s+){0,5}?)[Mm]arket\b"
    r"(?:\s+in\s+(?P<reg2>China|the\s+US|the\s+U\.S\.|Asia[- ]Pacific|the\s+world|Europe|Japan|India))?"
)
_MARKET_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "for",
        "on",
        "its",
        "their",
        "to",
        "and",
        "with",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "this",
        "that",
        "these",
        "those",
        "reach",
        "reached",
        "expected",
        "overall",
        "largest",
        "biggest",
        "second-largest",
        "fastest-growing",
        "key",
        "main",
        "total",
        "total",
        "entire",
        "whole",
        "scale",
        "size",
    ]
)
_REGION = {"china": "China", "chinese": "China", "domestic": "China", "global": "Global",
           "worldwide": "worldwide", "the world": "Global", "us": "US", "u.s.": "US", "the us": "US",
           "the u.s.": "US", "american": "US", "asia-pacific": "Asia-Pacific",
           "asia pacific": "Asia-Pacific", "europe": "Europe", "japan": "Japan", "india": "India",
           "mainland china": "Mainland China", "japanese": "Japan", "korea": "South Korea",
           "south korea": "South Korea", "korean": "South Korea", "indian": "India", "european": "Europe",
           "taiwan": "Taiwan", "taiwanese": "Taiwan", "southeast asia": "Southeast Asia",
           "southeast asian": "Southeast Asia"}  # fmt: skip

_WORLD = frozenset({"global", "worldwide"})
_ATTACHED_GAP = re.compile(
    r"(?:['’]s)?\s*(?:with|has|had|have|of|at|:|,)?\s*(?:only\s+|about\s+|around\s+|over\s+|nearly\s+|"
    r"some\s+|more\s+than\s+|up\s+to\s+)?",
    _I,
)
_LIST_GAP = re.compile(
    r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|to\s+|-|–)\s*$", _I
)
# [;:—] | \.\s | ,\s+(?:while|...): the first character is read once from one class and the
# alternative picked by a lookbehind, so the engine skips to those characters (~2.4x faster scan)
_CLAUSE_BREAK = re.compile(
    r"[;:—.,](?:(?<=[;:—])|(?<=\.)\s|(?<=,)\s+(?:while|whereas|but|saying|said|adding|according|and\s+(?=[A-Z])))",
    _I,
)


# Asides inside a sentence: names there are not the sentence's subject ("Marketing services
# revenue, which includes ads on WeChat, jumped 21%"; "Tianyi Cloud, China Telecom's cloud brand,").
_ASIDE = re.compile(
    r"\([^()\n]{0,120}\)"
    r"|[ \t][-–—][ \t][^-–—\n]{1,120}?[ \t][-–—][ \t]"
    r"|,\s+(?:(?:in|of|to|for|with|by|from)\s+)?(?:which|who|whom|whose|where)\b(?:[^,;.!?\n]|[.!?](?!\s)){0,150},"  # within its sentence
    # the comma sits outside the group so that every alternative opens with a literal (faster scan)
    r"|,(?P<appos>\s+(?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*['’]s\s+(?:[\w-]+\s+){0,2}[\w-]+,)"
)
_MAKER_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:maker|developer|creator|owner|parent|operator|publisher)\b", _I
)
# Metrics a company reports for a period: a product named in an earlier sentence is not their owner.
_FINANCIAL = frozenset(
    {"revenue", "ai_revenue", "gross_profit", "operating_profit", "ebitda", "affo", "net_profit", "eps", "expenses",
     "capex", "buyback", "dividend", "gross_margin", "operating_margin", "net_margin", "ebitda_margin",
     "stock_price", "market_cap", "valuation", "investment"}
)  # fmt: skip
_MOVE_BEFORE = re.compile(
    r"\b(?:closed|ended|finished|settled|opened|traded|fell|rose|slid|dropped|lost|gained|jumped|tumbled|"
    r"shed|plunged|slumped|surged|soared|sank|climbed|declined|advanced|retreated|rallied|"
    r"falling|rising|sliding|dropping|losing|gaining|jumping|tumbling|plunging|slumping|surging|soaring|"
    r"sinking|climbing|declining|advancing|retreating|rallying|"
    r"edg(?:ed|es|ing)\s+(?:up|down|higher|lower)|was\s+(?:up|down))\s+(?:more\s+than\s+|about\s+|nearly\s+|almost\s+|over\s+|"
    r"as\s+much\s+as\s+|roughly\s+|some\s+)?$",
    _I,
)
_PRICE_AFTER_MOVE = re.compile(
    r"\s*(?:higher|lower)?\s*(?:in\s+[\w\s-]{1,30}?\s+)?(?:to|at)\s+(?:about\s+|around\s+|roughly\s+)?",
    _I,
)
_FX_BEFORE = re.compile(r"(?:US)?\$\s?1\s*=\s*$|\bexchange\s+rate\s+of\s+$", _I)
_TIMES_OVER_TIME = re.compile(
    r"\s*(?:the\s+(?:level|size|volume|number|figure)\s+(?:of\s+(?:a|one|two|last)\b|when|in|at|seen|recorded)"
    r"|since\b|from\s+(?:a\s+year|last|the\s+(?:same|previous|prior))|(?:a|one)\s+year\s+(?:ago|earlier)"
    # "2.6 times what it was in September", "3.1x its IPO price", "1.9 times the valuation of the last round"
    r"|what\s+it\s+was|(?:its|the)\s+(?:[\w-]+\s+){0,2}?(?:IPO\s+price|offer\s+price|valuation\s+of\s+the\s+(?:last|previous|prior)))",
    _I,
)
_IN_THE_QUARTER = re.compile(r"\b(?:in|during|for)\s+the\s+quarter\b(?!['’])", _I)
_THE_QUARTER = re.compile(
    r"\b(?:in|during|for|at)\s+the\s+(?:quarter|period|half)\b|\bquarter[- ]end\b|\bthe\s+quarter['’]s\b", _I
)
_RESULTS = re.compile(
    r"\b(?:results|reported|reports|earnings|revenue|profit|quarterly|quarter|financial\s+report|net\s+sales"
    r"|bookings|net\s+orders)\b",
    _I,
)
_IN_PERIOD_BEFORE = re.compile(r"\b(?:in|for|during|over)\s+(?:the\s+)?$", _I)
_REPORT_OR_YEAR = re.compile(r"\d{4}(?:-[QH]\d)?")
_REPORT_VALUE = re.compile(r"(?:FY)?\d{4}-[QH]\d(?:\.\.(?:FY)?\d{4}-[QH]\d)?$")
_DAY_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_SESSION_WORD = re.compile(
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight", _I
)
_SECTION_HEAD = re.compile(
    r"^(?:>>?|#{1,4}|\*\*)?[ \t]*(?P<head>(?=[A-Z])[^\n.!?]{0,100}(?:\([^\n]{0,100}\))?)[ \t]*\**\n"
    r"(?=[ \t]*(?:\d{1,2}[.)]|[-•*–])\s)",
    re.M,
)
_CODED_HEAD = re.compile(r"(?P<name>[A-Z][\w&.-]*(?:[ ][A-Z][\w&.-]*){0,3})(?:[ ]*/[ ]*[A-Z][\w&. -]*?)?[ \t]*\((?:[A-Z]{2,6}:[ ]?)?\d{3,6}(?:\.[A-Z]{1,3})?\)")
_BULLET_START = re.compile(r"[ \t]*[-•*–][ \t]")
# The line break _SECTION_HEAD ends with and the bullet its lookahead needs after it.
_BULLET_LINE = re.compile(r"\n(?=[ \t]*(?:\d{1,2}[.)]|[-•*–])\s)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LABEL_BEFORE = re.compile(
    r"(?:(?<![^\n])[ \t]*(?:\d{1,2}[.)][ \t]*|[-•*–][ \t]*)?[A-Z]|(?<=[;.][ \t])[A-Za-z])[\w&/' -]{1,50}:[ \t]*$"
)
_GROUP_LEVEL = re.compile(
    r"\b(?:group|consolidated|company-wide|total)\s+(?:sales|revenues?|net\s+\w+|operating\s+\w+|"
    r"profits?|income|earnings)\b",
    _I,
)
_REPORT_WINDOW = 1200
_GROWTH_BEFORE = re.compile(
    r"\b(?:growth|grew|grow|grows|growing)\s+(?:of\s+|by\s+)?(?:about\s+|around\s+|roughly\s+|nearly\s+|over\s+|"
    r"more\s+than\s+)?$",
    _I,
)
_EVENT_TIME_BEFORE = re.compile(
    r"\b(?:said|says|announced|reported|gave|given|issued|earmarked|disclosed|unveiled|pledged|flagged|"
    r"set\s+aside|published|released)\s+(?:it\s+|them\s+)?(?:(?:in|on|at)\s+)?$",
    _I,
)
_CHANGE_IN = re.compile(
    r"\s+(?:advance|gain|rise|jump|increase|drop|decline|fall|slide|slump|loss|rally)\s+(?:in|for|of)\s+(?:the\s+)?"
    r"(?-i:(?:[a-z][a-z-]+\s+){0,2})",  # "in the benchmark KOSPI", "in the tech-heavy Nasdaq"
    _I,
)
_PRONOUN_START = re.compile(r"[\"“‘']?(?:It|Its|It['’]s)\s")
_SHARE_SUBJECT = re.compile(
    r"(?:^|(?<=[\s,;:(]))(?:the\s+|a\s+)?(?P<np>(?:[\w-]+\s+){0,2}[\w-]+?)(?:\s+(?:from|by|of)\s+[^.;]{0,80}?)?\s+"
    r"(?:accounted\s+for|account\s+for|made\s+up|make\s+up|represented|represent|comprised|took|take)\s+"
    r"(?:(?:about|roughly|nearly|around|almost|just|only|more\s+than|over|under|less\s+than|the\s+remaining|the|a)\s+)*$",
    _I,
)
_NOT_A_PART = frozenset(
    {"it", "they", "which", "that", "this", "these", "those", "its", "their", "he", "she", "we", "who", "and", "while"}
)
_RESPECTIVELY = re.compile(r"(?:\s*(?:,\s*)?(?:[\w-]+\s+){0,3}?)?,?\s*respectively\b", _I)
_NAME_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)\s*")
_LISTED_METRICS = frozenset({"stock_price", "market_cap", "eps", "dividend", "buyback"})
_MARKET_VOLUME_METRICS = frozenset({"shipments", "gpus", "users", "deliveries", "market_size", "energy"})
_SHIPMENTS_OF = re.compile(r"\bshipments\b[^;]*?\b(?:reached|rose|grew|totall?ed|were|was|hit|of)\b", _I)
_SHIPPED_BEFORE = re.compile(r"\b(?:shipped|ships|ship|shipping|delivered|delivers|deliver|shipments\s+of)\b[^.;,]*$", _I)
_TO_LEVEL_GAP = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?to\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|more\s+than\s+|over\s+|some\s+)?"
)
_OVERNIGHT = re.compile(r"\bovernight\b", _I)
_CAGR = re.compile(r"compound\s+annual|\bCAGR\b", _I)
_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}")
_YEAR_IN = re.compile(r"(?<![\d.,-])(?:19|20)\d{2}(?![\d%])")
_YEARS_THROUGH = re.compile(
    r"over\s+the\s+(?:next\s+|past\s+)?(?P<n>\w+)\s+years\s+(?:through|to|until|ending(?:\s+in)?)\s+"
    r"(?:the\s+end\s+of\s+)?(?P<y>(?:19|20)\d{2})",
    _I,
)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:about\s+|around\s+|roughly\s+|nearly\s+)?$", _I)
_TO_BEFORE = re.compile(r"\bto\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|a\s+record\s+)?$", _I)
_YOY = re.compile(
    r"\b(?:on-year|year[- ]on[- ]year|year[- ]over[- ]year|yoy|y/y|from\s+a\s+year\s+(?:earlier|ago))\b", _I
)
_PERIOD_LIST_GAP = re.compile(r"\s*,\s*(?:and\s+)?")
_THIS_QUARTER = re.compile(r"\bthis\s+quarter\b", _I)
_PRODUCT_METRICS = frozenset({"parameters", "tokens", "downloads", "benchmark_score", "models", "context_window"})
_ESTIMATE_WORDS = re.compile(r"\b(?:expected|estimated?|consensus|forecast|projected|anticipated)\b", _I)
_FOR_NAME_GAP = re.compile(r"\s+for\s+(?:the\s+)?")
_CHANGE_GAP = re.compile(
    r"\s*[,(]?\s*(?:up|down|rising|falling|increasing|decreasing|an?\s+(?:increase|rise|decline|drop)\s+of)\s*(?:by\s+)?",
    _I,
)
# "46x 2027E EPS", "15 times my fiscal 2027 EPS estimate", "20x forward earnings": a price multiple
_MULTIPLE_OF = re.compile(
    r"\s*(?:(?:my|our|its|the|forward|trailing|fiscal|FY|CY|20\d\d[EF]?|\d\d[EF]|next[- ]year|this[- ]year|"
    r"[12]\d{3})\s*){0,3}(?:EPS|P/E|PE|earnings|EV/EBITDA|EBITDA|EV/sales|sales|book|price[/-]to[- ]\w+)\b",
    _I,
)
# "its 3-year average of 51x", "a five-year average multiple of 30 times": a multiple's history
_AVERAGE_MULTIPLE = re.compile(
    r"\b(?:average|historical|historic|mean|median)\s+(?:forward\s+|trailing\s+)?(?:multiple\s+|P/E\s+|PE\s+)?(?:of\s+)?"
    r"(?:about\s+|around\s+|roughly\s+|~)?$",
    _I,
)
_TRADES_AT = re.compile(r"\btrad(?:es|ed|ing|e)\s+at\s+(?:only\s+|about\s+|just\s+|around\s+|roughly\s+)?$", _I)
_SELF_REFERENCE = re.compile(
    r"\b(?:[Tt]he|[Ii]ts)\s+(?:company|group|firm)\b(?!['’]s\s+(?:rival|peer|competitor|partner|customer))"
    r"|(?P<shares>(?:^|(?<=[.;:]\s)|(?<=\n))(?:Its\s+|The\s+)?(?:[Ss]hares|[Ss]tock)\s+(?!of\b))",
)
_COMPARED_GAP = re.compile(r"\b(?:compared\s+(?:with|to)|versus|vs\.?|than)\b", _I)
_MARGIN_OF = {
    "gross_margin": "gross_profit",
    "operating_margin": "operating_profit",
    "net_margin": "net_profit",
    "ebitda_margin": "ebitda",
}
_COUNT_METRICS = frozenset({"gpu_hours", "tokens", "users", "parameters", "gpus", "downloads"})
_TRADING_METRICS = frozenset({"stock_price", "market_cap", "fx_rate", "turnover", "net_inflow"})
# Lower-cased twins of per-figure searches, run case-sensitively over the lower-cased document.
_MOVE_BEFORE_LOWER = first_char_dispatch(re.compile(_MOVE_BEFORE.pattern.lower()))
_PRICE_TARGET_LOWER = re.compile(_PRICE_TARGET.pattern.lower())


# Precompiled here rather than inline: the per-figure code runs them thousands of times per batch.
_PARA_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?]\s")
_TRADING_WORDS = re.compile(
    r"\(\d{4,6}(?:\.\w+)?\)|\b(?:shares?|stocks?|trading|index|Hang\s+Seng|Nasdaq)\b", _I
)
_MODELS_WORD = re.compile(r"\bmodels?\b", _I)
_POST_CUE_GAP = re.compile(r"(?:\s*(?:[A-Za-z-]+|\d{4})){0,3}\s*")
_POST_CUE_STOP = re.compile(
    r"\b(?:of|and|or|to|with|than|for|while|as|that|which|from|at)\b|\bin\s+(?:a|an|the)\b", _I
)
_POST_CUE_CHANGE = re.compile(
    r"\s*(?:(?:increase|rise|growth|gain|jump|decline|drop|fall)\s+in|(?:hit|boost|blow|drag)\s+(?:to|on))"
    r"\s+(?:[\w-]+\s+){0,2}",
    _I,
)
_POPULATION_SHARE = re.compile(
    r"\s*of\s+(?:the\s+)?(?:[a-z][\w-]*,?\s+(?:and\s+)?){0,12}?(?:have|has|are|were|now)?\s*"
    r"(?:joined|adopted|chose|chosen|use|used|using|deployed|rely|run|integrat\w*|embrac\w*)\b"
)
_MULTIPLY_WORD = re.compile(r"\b(?:doubl|tripl|quadrupl)\w*", _I)
_YOY_AFTER = re.compile(r"\s*(?:year[- ]on[- ]year|yoy)\b", _I)
_FOLD = re.compile(r"fold", _I)
_REVENUE_WHAT = re.compile(r"(?:its\s+|the\s+|total\s+)*(?:revenue|sales)", _I)
_CHANGE_AFTER = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:growth|increase|rise|decline|drop|jump|gain|rally|advance|slide|slump|fall|higher|lower|up|down|upside|downside|"
    r"appreciation|depreciation|cut|reduction|discount|premium|"
    r"year[- ]on[- ]year|year[- ]over[- ]year|yoy|more|less)\b",
    _I,
)
_SHARE_WORD_BEFORE = re.compile(r"\b(?:stake|share|portion|proportion|percent\s+of)\b", _I)
_INCREMENT_BEFORE = re.compile(
    r"\b(?:increase|rise|growth|jump|decline|drop|gain)\s+of\s+$|\b(?:rose|increased|grew|fell|dropped|declined|"
    r"jumped|climbed|decreased|up|down|wip\w*|eras\w*|shed\w*|lost|los\w*|added|adding)\s+"
    r"(?:by\s+)?(?:about\s+|around\s+|nearly\s+|almost\s+|some\s+|more\s+than\s+|over\s+)?$",
    _I,
)
_HIT_AFTER = re.compile(r"\s*(?:hit|boost|blow|drag|increase|decrease|rise|drop|decline|jump)\b", _I)
# Lower-cased twins of cue patterns searched before a figure or a name: on the lower-cased text
# they find the same thing 2-6x faster (transforms.dispatch.lowered_twin). Read through _found.
_LOWERED = {
    p: lowered_twin(p)
    for p in (_EXAMPLE_BEFORE, _COMPARE_BEFORE, _CHANGE_WORDS, _SHARE_BEFORE, _INCREMENT_BEFORE, _EVENT_TIME_BEFORE)
}


def _found(
    pattern: re.Pattern[str], text: str, low: str | None, pos: int = 0, endpos: int | None = None
) -> bool:
    """Whether pattern.search(text, pos, endpos) finds something; low: text lower-cased, if safe."""
    end = len(text) if endpos is None else endpos
    if low is not None:
        return _LOWERED[pattern].search(low, pos, end) is not None
    return pattern.search(text, pos, end) is not None


_MONTH_OR_DAY = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
_PERIOD_KEY = re.compile(r"(?:FY)?(\d{4})(?:-(?:Q(\d)|H(\d)|(\d{2})))?")
_LEADING_NUMBER = re.compile(
    r"[^\d]*?[\d.,]+(?:(?:k|K|bn|m|M|B)\b|\s*(?:billion|million|trillion|thousand)\b)?|"
    r"\s*(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|dozens?|hundreds?|"
    r"thousands?|tens|millions?)\b(?:\s+(?:of|hundred|thousand|million|billion))?",
    _I,
)
_MONTH_NAME = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_FISCAL_END_STATED = re.compile(
    rf"\b(?:fiscal|financial|business)\s+years?\s+(?:that\s+)?(?:end(?:s|ed|ing)?|to|through|closing)\s+"
    rf"(?:in\s+|on\s+)?(?P<end>{_MONTH_NAME})"
    rf"|\b(?P<h1>{_MONTH_NAME})\s*[-–]\s*{_MONTH_NAME}\s+(?:first\s+half|half[- ]year|H1|1H)\b"
    rf"|\b(?:12|twelve)\s+months\s+(?:to|ended|ending)\s+(?P<end12>{_MONTH_NAME})",
    _I,
)
# Searched once per document: the lower-cased scan without groups, grouped by first character
# (transforms.dispatch), finds it ~10x faster; the hit is matched again for its groups.
_FISCAL_END_STATED_SCAN = first_char_dispatch(
    re.compile(re.sub(r"\(\?P<\w+>", "(?:", lowered_twin(_FISCAL_END_STATED).pattern))
)
_PERIOD_VALUE = re.compile(r"(\d{4})(?:-(?:Q(\d)|H(\d)|(\d{2}))(?:-\d{2})?)?")


_RANK_PREFIX = re.compile(r"^\s*(?:\d{1,2}[.)]|#\d{1,2})\s+")
_TRAILING_ASIDE = re.compile(r"\s*\([^)]*\)\s*$")
# Row labels that name a sum or a remainder, not an entity.
_NOT_ROW_ENTITY = re.compile(
    r"^(?:total|others?|rest\s+of\s+(?:the\s+)?market|all\s+others|sum|subtotal|average|n/?a|source.*"
    r"|group|consolidated|company|corporate)$", _I
)
# Row labels that name a region: a company's regional rows are the company's figures
# ("Revenue by region": "North America  3,870" is Schneider Electric's revenue there).
_REGION_LABEL = re.compile(
    r"^(?:(?:north|south|latin|central|western|eastern|northern|southern|greater|mainland|other)\s+)?"
    r"(?:america|americas|europe|asia(?:[\s-]pacific)?|apac|emea|apj|africa|middle\s+east|oceania|china|japan|"
    r"korea|india|taiwan|germany|france|uk|u\.?s\.?|united\s+states|united\s+kingdom|international|domestic|"
    r"overseas|rest\s+of\s+(?:the\s+)?world|row|other\s+regions?|middle\s+east\s+(?:&|and)\s+africa)$",
    _I,
)
_GROWTH_HEADER = re.compile(
    r"\b(?:growth|change|chg|yoy|y/y|qoq|q/q|vs\.?|versus|increase|decrease|gain|move|%\s*ch)\b|/", _I
)


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    periods: list[PeriodMention]
    cues: list[tuple[int, int, str]]


def attribute_figures(
    text: str,
    figures: list[Figure],
    *,
    published: date | None,
    catalog: EntityCatalog,
    sentences: SentenceIndex | None = None,
    cells: list[TableCell] | None = None,
) -> list[Figure]:
    """Return copies of the figures with metric, basis, entity, period and kind filled in.

    sentences and cells, where given, are the text's SentenceIndex and table_cells.
    """
    if not figures:
        return []
    if sentences is None or sentences.text is not text:
        sentences = SentenceIndex(text)
    return _Attributor(text, figures, published, catalog, sentences, cells).run()


def _row_name(label: str) -> str | None:
    """A table row's label as a name ("Electrical Americas", "eMobility"), or None for sums and blanks."""
    label = _TRAILING_ASIDE.sub("", _RANK_PREFIX.sub("", label)).strip()
    if not label or _NOT_ROW_ENTITY.match(label) or label[0].isdigit():
        return None
    if not (label[0].isupper() or (len(label) > 1 and label[1].isupper())):
        return None
    return label


def _with_row_names(text: str, mentions: list[Mention], cells: list[TableCell]) -> list[Mention]:
    """The text's mentions plus the names its tables' rows carry, wherever the prose writes them.

    A segment table ("Electrical Americas  4,210") tells the reader that "Electrical Americas
    operating margin was 30.4%" is about that segment, though no watchlist lists it.
    """
    labels = set()
    for cell in cells:
        name = _row_name(cell.label)
        if (
            name
            and len(name) >= 3
            and not _REGION_LABEL.match(name)
            and not _GROWTH_HEADER.search(name)
            and not _written_cues(name)
        ):
            labels.add(name)
    if not labels:
        return mentions
    # the rows themselves are left to the table's own reading (_row_entity)
    row_lines = {text.rfind("\n", 0, cell.label_start) + 1 for cell in cells}
    taken = [(m.start, m.end) for m in mentions]
    added = []
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(labels, key=len, reverse=True))) + r")(?![\w-])")
    for hit in pattern.finditer(text):
        if overlaps(taken, hit.start(), hit.end()) or text.rfind("\n", 0, hit.start()) + 1 in row_lines:
            continue
        added.append(Mention(hit.start(), hit.end(), hit.group(0), "other", False))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


class _Attributor:
    """Per-document state: sentences, mentions and cues computed once, then read per figure."""

    def __init__(
        self,
        text: str,
        figures: list[Figure],
        published: date | None,
        catalog: EntityCatalog,
        sentences: SentenceIndex,
        cells: list[TableCell] | None = None,
    ) -> None:
        self.text = text
        low = text.lower()
        # documents holding İ, ı or ſ (lower() and IGNORECASE disagree on them) use the plain text
        self.low = low if len(low) == len(text) and not has_case_fold_odd(text) else None
        self.catalog = catalog
        self.figures = sorted(figures, key=lambda f: (f.start, f.end))
        self.published = published
        self.spans = sentences.spans
        self.span_ends = [e for _, e in self.spans]
        self.fig_spans = [(f.start, f.end) for f in self.figures]
        self.table_cells = table_cells(text) if cells is None else cells
        self.table_starts = [c.start for c in self.table_cells]
        mentions = [m for m in catalog.find_mentions(text) if not self._inside_figure(m.start, m.end)]
        self.as_written = names_as_written(text, mentions)
        # a table's row names are mentions in its prose too (unlisted, so as_written skips them)
        self.mentions = _with_row_names(text, mentions, self.table_cells) if self.table_cells else mentions
        self.mention_starts = [m.start for m in self.mentions]
        self._salient: dict[int, bool] = {}  # computed only for mentions a figure looks at
        self._trading_cache: dict[int, bool] = {}
        self._regional: dict[str, str] | None = None
        self.translated_chinese = _CJK.search(text) is not None
        self._sentences: dict[int, _Sentence] = {}
        self._periods: dict[int, list[PeriodMention]] = {}
        self._kind_cache: dict[
            int, tuple[list[tuple[int, int, str]], list[tuple[int, int, bool]]]
        ] = {}
        self.groups = self._list_groups()
        mention_ends = {m.end for m in self.mentions}
        # an appositive ("Tianyi Cloud, China Telecom's cloud brand,") follows a name
        self.asides = [
            (m.start(), m.end())
            for m in _ASIDE.finditer(text)
            if not m.group("appos") or m.start() in mention_ends
        ]
        lead_end = self._lead_end()
        self.subject = self._find_subject(lead_end)
        self.stated_fiscal_end = _stated_fiscal_end(text, self.low)
        self.fiscal_end = self._fiscal_end_for(self.subject)
        self.sections = self._find_sections()
        self.section_starts = [s for s, _, _ in self.sections]
        self.report_period, self.trading_day = self._document_periods(lead_end)

    # --- document context ----------------------------------------------------------------------
    def _lead_end(self) -> int:
        """End of the headline and the first two paragraphs of body text (the lead)."""
        paras = 0
        pos = 0
        for m in _PARA_BREAK.finditer(self.text):
            chunk = self.text[pos : m.start()]
            pos = m.end()
            if len(chunk) > 120 or _SENTENCE_END.search(chunk):
                paras += 1
                if paras >= 2:
                    return m.start()
            if pos > 4000:
                break
        return min(len(self.text), max(pos, 1500))

    def _find_subject(self, lead_end: int) -> str | None:
        """The company the document is about: named in the headline or lead, and named most."""
        title_end = self.spans[0][1] if self.spans else 0
        lead = self._headline_name(title_end, lead_end)
        if lead is not None:
            return lead
        scores: dict[str, float] = {}
        in_title: set[str] = set()
        for m in self.mentions:
            if m.kind != "company" or not m.known:
                continue
            if m.start < title_end:
                in_title.add(m.canonical)
            bonus = 3.0 if m.start < title_end else 1.0 if m.start < lead_end else 0.0
            scores[m.canonical] = scores.get(m.canonical, 0.0) + 1.0 + bonus
        if scores:
            ranked = sorted(scores, key=lambda name: -scores[name])
            best = ranked[0]
            runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
            if best in in_title or (scores[best] >= 4.0 and scores[best] >= 2 * runner_up):
                return best
            scores, in_title = {}, set()
        if not scores:
            # no listed company leads: a name found from its shape that the headline carries and
            # the text repeats ("NEXTDC has posted ...", "Sakura Internet <3778> announced ...")
            counts: dict[str, int] = {}
            for m in self.mentions:
                if m.known or m.kind != "other" or not m.is_subject_kind:
                    continue
                if m.start < lead_end:
                    in_title.add(m.canonical)  # the headline, or a lead under a foreign-language one
                counts[m.canonical] = counts.get(m.canonical, 0) + 1
                scores[m.canonical] = scores.get(m.canonical, 0.0) + 1.0 + (3.0 if m.start < title_end else 0.0)
            scores = {
                name: v for name, v in scores.items() if name in in_title and (v >= 6.0 or counts[name] >= 2)
            }
            if not scores:
                return None
        ranked = sorted(scores, key=lambda name: -scores[name])
        best = ranked[0]
        runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
        if best in in_title or (scores[best] >= 4.0 and scores[best] >= 2 * runner_up):
            return best
        return None

    def _headline_name(self, title_end: int, lead_end: int) -> str | None:
        """A company the headline opens with ("Cerebras, two quarters in: ...") or names with its
        stock code ("| Hanmi Semiconductor (042700 KS) |"), when the text names it again."""
        start = len(self.text) - len(self.text.lstrip("# \n"))
        for m in self.mentions:
            if m.start >= min(lead_end, 600):
                break
            opens = m.start == start and m.start < title_end
            coded = STOCK_CODE_AFTER.match(self.text, m.end) is not None
            if not (opens or coded) or not m.is_subject_kind or m.kind not in {"company", "other"}:
                continue
            if sum(1 for x in self.mentions if x.canonical == m.canonical) >= 2:
                return m.canonical
        return None

    def _find_sections(self) -> list[tuple[int, int, str]]:
        """Headed bullet sections ("Intel (quarter ended ...)" over "1. Revenue: ..."): their company."""
        out: list[tuple[int, int, str]] = []
        if not _BULLET_LINE.search(self.text):
            return out  # a heading needs a bullet line under it: skip the slow scan of every line
        for m in _SECTION_HEAD.finditer(self.text):
            name_at = m.start("head")
            i = bisect_left(self.mention_starts, name_at)
            name: str | None = None
            if i < len(self.mentions) and self.mentions[i].start == name_at:
                head = self.mentions[i]
                if head.kind == "company" and head.known:
                    name = head.canonical
            else:
                # ">> ALCHIP (3661)": a heading that names a listed company by its stock code
                coded = _CODED_HEAD.match(self.text, name_at)
                if coded:
                    written = coded.group("name")
                    ent = self.catalog.lookup_folded(written)
                    name = ent.canonical if ent else (written.title() if written.isupper() else written)
            if name is None:
                continue
            blank = _BLANK_LINE.search(self.text, m.end())
            out.append((m.start(), blank.start() if blank else len(self.text), name))
        return out

    def _subject_at(self, pos: int) -> str | None:
        """The company a stretch of text is about: its section's heading, else the document's."""
        i = bisect_right(self.section_starts, pos) - 1
        if i >= 0 and pos < self.sections[i][1]:
            return self.sections[i][2]
        return self.subject

    def _fiscal_end_for(self, name: str | None) -> int:
        """A company's fiscal year-end month: the watchlist's, else the one the text states for its subject."""
        ent = self.catalog.get(name) if name else None
        if ent is not None and ent.fiscal_year_end:
            return ent.fiscal_year_end
        if self.stated_fiscal_end and (name is None or name == self.subject):
            return self.stated_fiscal_end
        return 12

    def _find_sentence_periods(self, start: int, end: int) -> list[PeriodMention]:
        """Periods of a sentence, each read on the fiscal calendar of the company named before it."""
        subject = self._subject_at(start)
        default = self._fiscal_end_for(subject)
        marks = [
            (m.start, self._fiscal_end_for(m.canonical))
            for m in self._mentions_between(start, end)
            if m.kind == "company" and m.known
        ]
        calendars = {fy for _, fy in marks}
        if len(calendars) <= 1:
            # one calendar in the sentence: a named company's, else the subject's
            fy = calendars.pop() if calendars else default
            return find_periods(self.text, self.published, start=start, end=end, fiscal_end=fy)
        # "Microsoft ... its fiscal third quarter, while Baidu ... the quarter ended March 31"
        out: list[PeriodMention] = []
        cuts = [start] + [pos for pos, _ in marks[1:]] + [end]
        fys = [fy for _, fy in marks]
        for i in range(len(cuts) - 1):
            out.extend(
                find_periods(
                    self.text, self.published, start=cuts[i], end=cuts[i + 1], fiscal_end=fys[i]
                )
            )
        return out

    def _document_periods(self, lead_end: int) -> tuple[str | None, str | None]:
        """The reporting period of a results story and the trading day of a market story."""
        report: str | None = None
        day: str | None = None
        # a results story may name its quarter only in the first body paragraph after a short lead
        report_end = max(lead_end, min(len(self.text), _REPORT_WINDOW))
        # read sentence by sentence: the figures there reuse the cached periods
        wide = [
            p
            for idx in range(self.sentence_index(report_end) + 1)
            if self.spans and self.spans[idx][0] < report_end
            for p in self.sentence_periods(idx)
            if p.end <= report_end
        ]
        lead = [p for p in wide if p.end <= lead_end]
        if _RESULTS.search(self.text, 0, report_end):
            for p in wide:
                if p.start >= lead_end and not self._names_subject(p.start):
                    continue  # past the lead: only the subject's (or its unit's) own quarter
                if self.subject is None and p.values and p.values[0].startswith("FY"):
                    continue  # a market report runs on calendar time, not a vendor's fiscal year
                if (
                    not p.baseline
                    and len(p.values) == 1
                    and _REPORT_VALUE.match(p.values[0])
                    and ".." not in p.values[0]  # a nine-month span is not the quarter a story reports
                    and not _is_future(p.values[0], self.published)  # results cover a past quarter
                ):
                    report = p.values[0]
                    break
        if self.published is not None:
            # a weekday or "yesterday" names the session; a dateline only dates the story
            dated = [
                p
                for p in lead
                if p.precision == "day"
                and len(p.values) == 1
                and 0 <= (self.published - date.fromisoformat(p.values[0])).days <= 6
            ]
            relative = [p for p in dated if _SESSION_WORD.search(self.text, p.start, p.end)]
            if relative or dated:
                day = (relative or dated)[0].values[0]
            if day is None:
                day = self.published.isoformat()
        self.lead_period = self._lead_period(lead) if report is None and self.subject is None else None
        return report, day

    def _lead_period(self, lead: list[PeriodMention]) -> str | None:
        """The one past year or quarter a story without a subject company reports on in its lead."""
        found = {
            p.values[0]
            for p in lead
            if not p.baseline
            and len(p.values) == 1
            and p.precision != "day"
            and _REPORT_OR_YEAR.fullmatch(p.values[0])
            and not _is_future(p.values[0], self.published)
            # "shipped 4.12 million units in 2025", not "the Yunqi Conference 2025"
            and _IN_PERIOD_BEFORE.search(self.text, max(0, p.start - 12), p.start)
        }
        return found.pop() if len(found) == 1 else None

    def _names_subject(self, pos: int) -> bool:
        """Whether the sentence holding pos names the document's subject or one of its units."""
        if self.subject is None:
            return False
        s, e = self.spans[self.sentence_index(pos)]
        companies = [m for m in self._mentions_between(s, e) if m.kind == "company" and m.known]
        # "Revenue for the first quarter rose 28%": a sentence that names no company is the subject's
        return not companies or any(
            m.canonical == self.subject or m.canonical.startswith(self.subject + " ") for m in companies
        )

    def _in_aside(self, start: int, end: int) -> bool:
        i = bisect_right(self.asides, (start, 1 << 60)) - 1
        return i >= 0 and self.asides[i][0] <= start and end <= self.asides[i][1]

    # --- setup ---------------------------------------------------------------------------------
    def _inside_figure(self, start: int, end: int) -> bool:
        i = bisect_right(self.fig_spans, (start, 1 << 60)) - 1
        return any(s < end and start < e for s, e in self.fig_spans[max(0, i - 1) : i + 2])

    def salient(self, i: int) -> bool:
        """Whether mention i can be a figure's subject (cached)."""
        cached = self._salient.get(i)
        if cached is None:
            cached = self._salient[i] = self._is_salient(self.mentions[i])
        return cached

    def _is_salient(self, m: Mention) -> bool:
        """A mention that can be what a figure is about: not a source, example, rival or venue."""
        if not m.is_subject_kind:
            return False
        if self._in_aside(m.start, m.end) or _MAKER_AFTER.match(self.text, m.end):
            return False
        # cues before a name count within its own sentence ("... than we modelled. Kling AI ...")
        sent_start = self.spans[self.sentence_index(m.start)][0] if self.spans else 0
        before = self.text[max(sent_start, m.start - 60) : m.start]
        low = self.low[max(sent_start, m.start - 60) : m.start] if self.low is not None else None
        if _found(_EXAMPLE_BEFORE, before, low) or _found(_COMPARE_BEFORE, before, low):
            return False
        if _VENUE_BEFORE.search(before[-12:]) and not before.rstrip().endswith("'s"):
            return False
        return not _ACCORDING.search(before)

    def _list_groups(self) -> list[tuple[int, int]]:
        """For each figure, the index range of the list it stands in ("29 billion and 53 billion")."""
        groups: list[tuple[int, int]] = []
        i = 0
        n = len(self.figures)
        while i < n:
            j = i
            while (
                j + 1 < n
                and self.figures[j + 1].unit == self.figures[j].unit
                and _LIST_GAP.match(self.text[self.figures[j].end : self.figures[j + 1].start])
            ):
                j += 1
            groups.extend([(i, j)] * (j - i + 1))
            i = j + 1
        return groups

    def sentence_index(self, offset: int) -> int:
        i = bisect_left(self.span_ends, offset)
        return min(i, len(self.spans) - 1)

    def sentence_periods(self, idx: int) -> list[PeriodMention]:
        """The period mentions of sentence idx (cached; no metric cues scanned)."""
        periods = self._periods.get(idx)
        if periods is None:
            s, e = self.spans[idx]
            periods = self._periods[idx] = self._find_sentence_periods(s, e)
        return periods

    def sentence(self, idx: int) -> _Sentence:
        sent = self._sentences.get(idx)
        if sent is None:
            s, e = self.spans[idx]
            periods = self.sentence_periods(idx)
            if self.report_period and periods and _IN_THE_QUARTER.search(self.text, s, e):
                # "Capex was $1.9 billion in the quarter and $4.6 billion year to date": "the
                # quarter" is a period mention too, the one the results story reports
                periods = sorted(
                    periods
                    + [
                        PeriodMention(m.start(), m.end(), (self.report_period,), False, "period")
                        for m in _IN_THE_QUARTER.finditer(self.text, s, e)
                    ],
                    key=lambda p: p.start,
                )
            low = self.text[s:e].lower()
            if len(low) == e - s:  # lower() kept every offset
                cues = [(s + cs, s + ce, metric) for cs, ce, metric in _scan_cues(low)]
            else:
                cues = [
                    (m.start(), m.end(), _CUE_METRIC[m.lastgroup or ""])
                    for m in _CUE_RE.finditer(self.text, s, e)
                ]
            if _CJK.search(self.text, s, e):
                cues = sorted(
                    cues
                    + [
                        (m.start(), m.end(), _CJK_CUE_METRIC[m.lastgroup or ""])
                        for m in _CJK_CUE_RE.finditer(self.text, s, e)
                    ]
                )
            cues = [c for c in cues if not self._inside_figure_strict(c[0], c[1])]
            if self.translated_chinese:
                # machine-translated 营业收入 reads "operating income": it is revenue
                cues = [
                    (cs, ce, "revenue")
                    if metric == "operating_profit" and self.text[cs:ce].lower().startswith("operating income")
                    else (cs, ce, metric)
                    for cs, ce, metric in cues
                ]
            sent = _Sentence(s, e, periods, cues)
            self._sentences[idx] = sent
        return sent

    def _inside_figure_strict(self, start: int, end: int) -> bool:
        """A cue lying wholly inside a figure's words ("4 H20s") is the figure's own noun."""
        i = bisect_right(self.fig_spans, (start, 1 << 60)) - 1
        return i >= 0 and self.fig_spans[i][0] <= start and end <= self.fig_spans[i][1]

    # --- per figure ----------------------------------------------------------------------------
    def run(self) -> list[Figure]:
        out: list[Figure] = []
        seen: dict[tuple[str, float], Figure] = {}
        uncued: list[int] = []  # changes no cue named: "will triple to about 4.5 GW"
        for k, fig in enumerate(self.figures):
            si = self.sentence_index(fig.start)
            sent = self.sentence(si)
            metric, cue_found = self._metric(fig, k, sent)
            earlier = seen.get((fig.unit, round(fig.value, 6)))
            if not cue_found and earlier is not None and earlier.metric:
                metric = earlier.metric
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.metric == "stock_price"
                and fig.unit not in _NON_MONEY
                and prev.start >= sent.start
                and _PRICE_AFTER_MOVE.fullmatch(self.text, prev.end, fig.start)
            ):
                metric, cue_found = "stock_price", True  # "fell 4.1% to HK$118.20"
            if (
                prev is not None
                and prev.metric not in {None, "other"}
                and prev.start >= sent.start
                and fig.start - prev.end <= 40
                and (
                    (metric == "other" and not cue_found)
                    or (
                        fig.unit in {"%", "pp", "x"}
                        and prev.unit not in _NON_MONEY
                        and _CHANGE_GAP.fullmatch(self.text, prev.end, fig.start)
                    )
                )
                and not _CLAUSE_BREAK.search(self.text, prev.end, fig.start)
            ):
                metric = prev.metric or metric  # "$4.3 billion, up 22%": the same line item
            if (
                fig.unit == "x"
                and metric == "eps"
                and prev is not None
                and prev.unit == "x"
                and prev.metric == "valuation"
                and prev.start >= sent.start
                and fig.start - prev.end <= 40
            ):
                metric = "valuation"  # "46x 2027E EPS (43x previously)": the old multiple
            if metric == "other" and not cue_found and _BULLET_START.match(self.text, sent.start):
                # "- September revenue NT$8.46 billion" / "- Q3 NT$26.03 billion": a bullet list
                # goes on naming the same line item
                listed = self._bullet_above(out, fig, sent)
                if listed is not None:
                    metric = listed
            if (
                metric == "other"
                and not cue_found
                and prev is not None
                and prev.metric == "market_share"
                and fig.unit in {"%", "pp"}
                and prev.unit in {"%", "pp"}
                and prev.start < sent.start
                and not _PARA_BREAK.search(self.text, prev.end, fig.start)
            ):
                # "NVIDIA's share slipped to 81%. AMD and Intel held 7% and 2%": shares go on
                # being listed in the next sentence of the paragraph without the word "share"
                metric = "market_share"
            if (
                metric == "other"
                and not cue_found
                and prev is not None
                and prev.start < sent.start
                and prev.metric not in {None, "other"}
                and (prev.unit in _NON_MONEY) == (fig.unit in _NON_MONEY)
                and _ESTIMATE_WORDS.search(self.text, sent.start, sent.end)
                and not _PARA_BREAK.search(self.text, prev.end, fig.start)
                and not self._changes_to_next(k)
            ):
                metric = prev.metric  # "... revenue of $58 billion. Analysts on average expected $59.4 billion."
            basis = self._basis(fig, k, sent, metric)
            if (
                metric == "other"
                and not cue_found
                and (fig.unit not in _NON_MONEY or (fig.unit == "%" and basis == "change"))
                and not _FUNDING_BEFORE.search(self.text, sent.start, fig.start)
            ):
                # No cue names it: an amount of money a business brings in, or how fast it grows
                # ("Digital Media brought in $4.82 billion, up 8%"), is most often its revenue.
                metric = "revenue"
            if metric in _MARGIN_OF:
                # a margin is profit as a part of revenue (the spec has no margin metrics)
                metric = _MARGIN_OF[metric]
                if basis == "level":
                    basis = "share"
            subject = self._subject_at(fig.start)
            entity = self._entity(fig, k, si, sent, metric, subject)
            if entity is None and earlier is not None and not cue_found:
                entity = earlier.entity
            if entity is None:
                entity = subject
            if metric in _LISTED_METRICS and subject and self._is_product(entity):
                entity = subject  # a share price or dividend is a listed company's, not its product's
            kind = self._kind(fig, sent)
            period = self._period(fig, k, si, sent, metric, earlier, basis, kind)
            if (
                period is not None
                and basis != "change"
                and prev is not None
                and prev.period == period
                and prev.start >= sent.start
                and _FROM_BEFORE.search(self.text, max(sent.start, fig.start - 16), fig.start)
                and _TO_BEFORE.search(self.text, max(sent.start, prev.start - 16), prev.start)
                and _YOY.search(self.text, sent.start, sent.end)
            ):
                # "rose 66% on-year ..., while net profit rose to 15.28 trillion won from 8.01
                # trillion won": the base of a year-on-year comparison is the year before
                period = _year_before(period)
            if fig.unit == "%" and _CAGR.search(self.text, sent.start, sent.end):
                basis, period = "change", _growth_span(self.text[sent.start : sent.end], period)
            if metric in {"revenue", "other"} and fig.unit not in {"count", "x", "pp"}:
                # "Vendor revenue in the worldwide server market grew 61.3%": a market's size
                market = self._market_in_clause(sent, fig.start)
                if market:
                    metric, entity = "market_size", market
            elif metric in _MARKET_VOLUME_METRICS:
                # "China's AI accelerator market shipped 4.12 million units": the market's own volume
                market = self._market_in_clause(sent, fig.start)
                if market:
                    entity = market
            cell = self._table_cell(fig)
            if cell is not None:
                metric, basis, entity, period = self._from_table(fig, cell, metric, basis, entity, period)
            restated = self._restated(k, out)
            if restated is not None:
                # "110 billion yuan ($15.3 billion)": a conversion restates the amount before it
                metric, basis, entity, period, kind = (
                    restated.metric or metric, restated.basis or basis, restated.entity or entity,
                    restated.period, restated.kind or kind,
                )  # fmt: skip
            if entity is not None:
                entity = self.as_written.get(entity, entity)
            new = _with_attributes(fig, metric, basis, entity, period, kind)
            if metric == "other" and not cue_found and basis == "change" and self._changes_to_next(k):
                uncued.append(len(out))
            out.append(new)
            if fig.unit not in {"%", "pp", "x", "count"}:
                seen.setdefault((fig.unit, round(fig.value, 6)), new)
        for i in uncued:
            # a change "to" the level after it measures what that level measures
            f, nxt = out[i], out[i + 1]
            if nxt.metric not in {None, "other"}:
                out[i] = _with_attributes(f, nxt.metric, f.basis, f.entity, f.period, f.kind)
        return out

    def _bullet_above(self, out: list[Figure], fig: Figure, sent: _Sentence) -> str | None:
        """The metric of the last amount of the same unit in the bullets just above (no blank line)."""
        for prev in reversed(out[-12:]):
            if prev.start >= sent.start:
                continue
            if _BLANK_LINE.search(self.text, prev.end, fig.start):
                return None
            if prev.unit == fig.unit and prev.metric not in {None, "other"}:
                line = self.spans[self.sentence_index(prev.start)][0]
                return prev.metric if _BULLET_START.match(self.text, line) else None
        return None

    def _changes_to_next(self, k: int) -> bool:
        """Whether figure k is a change "to" the figure after it ("will triple to about 4.5 GW")."""
        return k + 1 < len(self.figures) and bool(
            _TO_LEVEL_GAP.fullmatch(self.text, self.figures[k].end, self.figures[k + 1].start)
        )

    def _table_cell(self, fig: Figure) -> TableCell | None:
        """The Markdown table cell a figure stands in, if any."""
        i = bisect_right(self.table_starts, fig.start) - 1
        if i >= 0 and fig.end <= self.table_cells[i].end:
            return self.table_cells[i]
        return None

    def _from_table(
        self, fig: Figure, cell: TableCell, metric: str, basis: str, entity: str | None,
        period: str | None,
    ) -> tuple[str, str, str | None, str | None]:
        """A table cell's attributes: the column header says what and when, the row label who."""
        header_cues = _written_cues(cell.header)
        label_cues = _written_cues(cell.label)
        grows_row_above = cell.aligned and not label_cues and bool(_GROWTH_HEADER.search(cell.label))
        if fig.unit in _UNIT_METRIC:
            if fig.unit in {"W", "Wh"} and self._caption_metric(cell) == "shipments":
                metric = "shipments"  # "ESS battery shipments by maker (GWh)"
        elif header_cues:
            metric = header_cues[-1][2]  # the head noun comes last: "Revenue share" is a share
        elif label_cues:
            metric = label_cues[0][2]  # a statement's rows: "Revenue | 5.1 | 4.2"
        elif _GROWTH_HEADER.search(cell.header):
            # "| 2025 shipments | YoY growth |"; else what the caption names
            metric = self._level_column_metric(cell) or self._caption_metric(cell) or metric
        elif grows_row_above:
            metric = self._row_above_metric(cell) or metric  # "Revenue ... / Y/Y Growth  11% to 12%"
        elif cell.aligned and (total := self._total_row_metric(cell)):
            metric = total  # "Networking ... / Total revenue ..."
        elif caption := self._caption_metric(cell):
            metric = caption  # "Revenue by region" over "North America   3,870"
        if fig.unit in {"%", "pp"}:
            if _GROWTH_HEADER.search(cell.header) or fig.unit == "pp" or grows_row_above:
                basis = "change"
            elif metric in _LEVEL_METRICS:
                basis = "level"
        elif fig.unit not in {"x"}:
            basis = "level"
        named = self._row_entity(cell) if not label_cues and not grows_row_above else None
        if named is None:
            named = self._mention_in(cell.header_start, cell.header_start + len(cell.header) + 4)
        if named is not None:
            entity = named
        found = find_periods(
            cell.header, self.published, start=0, end=len(cell.header), fiscal_end=self.fiscal_end
        )
        if found and found[0].values:
            period = found[0].values[0]
        return metric, basis, entity, period

    def _level_column_metric(self, cell: TableCell) -> str | None:
        """The metric of the first column of the row whose header names one (what a growth column grows)."""
        i = bisect_left(self.table_starts, cell.label_start)
        while i < len(self.table_cells) and self.table_cells[i].label_start == cell.label_start:
            other = self.table_cells[i]
            if other.column < cell.column and (cues := _written_cues(other.header)):
                return cues[-1][2]
            i += 1
        return None

    def _row_above_metric(self, cell: TableCell) -> str | None:
        """The metric the nearest row above names in its label (what a growth row grows)."""
        i = bisect_left(self.table_starts, cell.label_start) - 1
        while i >= 0 and self.table_cells[i].table_start == cell.table_start:
            other = self.table_cells[i]
            if other.label_start < cell.label_start and (cues := _written_cues(other.label)):
                return cues[0][2]
            i -= 1
        return None

    def _caption_metric(self, cell: TableCell) -> str | None:
        """The metric the table's caption names ("Segment sales, Q2 2026 (US$ millions)")."""
        before = self.text[max(0, cell.table_start - 300) : cell.table_start + 1]
        lines = [line for line in before.splitlines() if line.strip()][-2:]
        own = self.text[cell.table_start : self.text.find("\n", cell.table_start)]
        for line in [own, *reversed(lines)] if cell.aligned else list(reversed(lines)):
            if cues := _written_cues(line):
                return cues[0][2]
        return None

    def _total_row_metric(self, cell: TableCell) -> str | None:
        """The metric of the "Total ..." row below a statement's line item (a segment's revenue)."""
        i = bisect_right(self.table_starts, cell.start)
        while i < len(self.table_cells) and self.table_cells[i].table_start == cell.table_start:
            other = self.table_cells[i]
            if other.label_start > cell.label_start and (cues := _written_cues(other.label)):
                return cues[0][2] if other.label.lower().startswith("total") else None
            i += 1
        return None

    def _is_product(self, name: str | None) -> bool:
        ent = self.catalog.get(name) if name else None
        return ent is not None and ent.kind == "product"

    def _row_entity(self, cell: TableCell) -> str | None:
        """The entity a table row is about: its label, a listed name or a name-like label."""
        label = _row_name(cell.label)
        if label is None or (self.subject is not None and _REGION_LABEL.match(label)):
            return None
        # a name inside the label itself, not in its bracketed aside ("IEIT Systems (Inspur)")
        start = self.text.find(label, cell.label_start)
        known = self._mention_in(start, start + len(label)) if start >= 0 else None
        return known or label

    def _mention_in(self, start: int, end: int) -> str | None:
        for m in self._mentions_between(start, end):
            if m.is_subject_kind:
                return m.canonical
        return None

    def _restated(self, k: int, out: list[Figure]) -> Figure | None:
        """The figure a bracketed conversion restates: the one right before its opening bracket."""
        fig = self.figures[k]
        if k == 0 or fig.unit in _NON_MONEY:
            return None
        opening = self.text.rfind("(", max(0, fig.start - 40), fig.start)
        if opening < 0 or ")" in self.text[opening : fig.start]:
            return None
        for before in reversed(out):
            if before.end <= opening:
                if (
                    before.unit not in _NON_MONEY
                    and before.unit != fig.unit
                    and not self.text[before.end : opening].strip()
                ):
                    return before
                return None
        return None

    # metric ----------------------------------------------------------------------------------
    def _metric(self, fig: Figure, k: int, sent: _Sentence) -> tuple[str, bool]:
        """Return the metric and whether a cue in the sentence gave it."""
        if fig.unit in _UNIT_METRIC:
            if fig.unit in {"W", "Wh"} and _SHIPMENTS_OF.search(self.text, sent.start, fig.start):
                return "shipments", True  # "shipments of batteries ... reached 486.0 GWh"
            return _UNIT_METRIC[fig.unit], True
        if fig.unit == "h" and "GPU" in fig.surface:
            return "gpu_hours", True  # "2.788 million H800 GPU hours"
        g0, g1 = self.groups[k]
        first, last = self.figures[g0], self.figures[g1]
        if fig.unit == "count":
            noun = self._count_noun(fig)
            if noun == "gpus" and _SHIPPED_BEFORE.search(self.text, max(sent.start, first.start - 50), first.start):
                return "shipments", True  # "Huawei shipped 1.236 million Ascend accelerators"
            if noun:
                return noun, True
        after = self.text[last.end : min(sent.end, last.end + 240)]
        if _FX_BEFORE.search(self.text, max(sent.start, first.start - 24), first.start):
            return "fx_rate", True  # "($1 = 7.1180 Chinese yuan renminbi)"
        if fig.unit == "x" and (
            _TRADES_AT.search(self.text, max(sent.start, first.start - 30), first.start)
            or _MULTIPLE_OF.match(self.text, last.end)
            or _AVERAGE_MULTIPLE.search(self.text, max(sent.start, first.start - 40), first.start)
        ):
            # "trades at only 10x 2026E earnings", "based on 46x 2027E EPS", "a 5-year average of 33x"
            return "valuation", True
        if fig.unit not in _NON_MONEY:
            per = _PER_UNIT.match(after)
            if per and per.group("share") and _DIVIDEND_BEFORE.search(self.text, max(sent.start, first.start - 40), first.start):
                return "dividend", True  # "a dividend of 1,875 won per share"
            restates = per is not None and fig is not last and _OR_GAP.match(self.text, fig.end)
            if per and per.group("share") and _EARNINGS_BEFORE.search(self.text, sent.start, fig.start):
                return "eps", True  # "net income climbed 41% to $23.4 billion, or $9.12 per share"
            if per and not restates:
                return ("stock_price" if per.group("share") else "cost"), True
        if fig.unit == "%" and self._is_population_share(after):
            return "adoption", True
        share_of = _OF_AFTER.match(after)
        # A cue right after the figure ("35.8% market share", "$100 billion investment").
        # "$23.4 billion, or $9.12 per share": the words after the restatement are not the amount's
        post = None if fig is not last and _OR_GAP.match(self.text, fig.end) else self._post_cue(last.end, sent)
        if post and not (share_of and post[0] >= last.end and fig.unit == "%"):
            return post[2], True
        clause_start = self._clause_start(sent, first.start)
        if self._is_stock_move(first.start, clause_start, sent):
            return "stock_price", True
        j = self._change_in_mention(fig, sent) if fig.unit == "%" else None
        if j is not None and self.mentions[j].kind == "index":
            return "stock_price", True  # "a 35% gain in the Hang Seng Tech"
        label_from = max(self.text.rfind("\n", 0, first.start) + 1, first.start - 80)
        if fig.unit not in _NON_MONEY and self.text.find(":", label_from, first.start) != -1:
            label = _LABEL_BEFORE.search(self.text, label_from, first.start)
            if label and not any(label.start() <= cs < first.start for cs, _, _ in sent.cues):
                return "revenue", True  # "Data Center segment: $4.3 billion" in a results summary
        if not any(
            clause_start <= cs < first.start for cs, _, _ in sent.cues
        ) and _BUSINESS_GROWTH.search(self.text, clause_start, first.start):
            return "revenue", True  # "the cloud business could grow more than 30%"
        best: tuple[int, str] | None = None
        money = fig.unit not in _NON_MONEY
        for cs, ce, metric in sent.cues:
            if money and metric in _COUNT_METRICS:
                continue  # "$2 per GPU hour ... about $5.6 million" is not a count of hours
            if cs <= fig.start and ce >= fig.end:
                dist = (
                    0  # the cue phrase spans the figure ("spending 38 billion ... infrastructure")
                )
            elif ce <= first.start:
                dist = first.start - ce + 2 * self._breaks(ce, first.start)
            else:
                continue
            if best is None or dist < best[0]:
                best = (dist, metric)
        if best is not None:
            if (
                best[1] == "market_share"
                and fig.unit == "%"
                and _GROWTH_BEFORE.search(self.text, max(sent.start, first.start - 40), first.start)
            ):
                return "revenue", True  # "a 34% share ... and growth of 26%": the vendor's revenue
            return best[1], True
        if share_of and post:
            return post[2], True
        # A cue after the figure in the same clause ("... 9% ... in shares").
        for cs, _ce, metric in sent.cues:
            if cs >= last.end and not _CLAUSE_BREAK.search(self.text, last.end, cs):
                return metric, True
        return "other", False

    def _is_stock_move(self, pos: int, clause_start: int, sent: _Sentence) -> bool:
        """ "SMIC (0981) tumbled 6.9%", "the Hang Seng Tech Index slid 5.2%": a price move."""
        if self.low is not None:
            moved = _MOVE_BEFORE_LOWER.search(self.low, max(clause_start, pos - 60), pos)
        else:
            moved = _MOVE_BEFORE.search(self.text, max(clause_start, pos - 60), pos)
        if not moved:
            return False
        if any(clause_start <= cs < pos for cs, _, _ in sent.cues):
            return False  # "revenue rose 24%" names its own metric
        i = bisect_left(self.mention_starts, pos) - 1
        while i >= 0 and self.mentions[i].start >= sent.start:
            m = self.mentions[i]
            if m.kind == "index":
                return True
            if m.kind == "company" and m.start >= clause_start:
                # a listed company moving: a stock code or trading words nearby say so
                return self._trading_words_near(sent)
            i -= 1
        return False

    def _trading_words_near(self, sent: _Sentence) -> bool:
        """A stock code or trading words in the sentence or the 400 characters before it (cached)."""
        found = self._trading_cache.get(sent.start)
        if found is None:
            found = self._trading_cache[sent.start] = bool(
                _TRADING_WORDS.search(self.text[max(0, sent.start - 400) : sent.end])
            )
        return found

    def _change_in_mention(self, fig: Figure, sent: _Sentence) -> int | None:
        """Index of the mention a change is "in" ("a 29% advance in the Hang Seng Tech Index")."""
        in_m = _CHANGE_IN.match(self.text, fig.end, min(sent.end, fig.end + 40))
        if not in_m:
            return None
        j = bisect_left(self.mention_starts, in_m.end())
        if j < len(self.mentions) and self.mentions[j].start == in_m.end():
            return j
        return None

    def _count_noun(self, fig: Figure) -> str | None:
        # The noun is usually inside the figure's words ("2 MoE models") or right after them.
        num_end = _number_end(fig.surface)
        seg_start = fig.start + num_end
        m = _COUNT_NOUN_RE.match(self.text, seg_start, min(len(self.text), fig.end + 40))
        if not m or not m.lastgroup:
            m = _COUNT_NOUN_RE.match(self.text, fig.end, min(len(self.text), fig.end + 40))
        if not m or not m.lastgroup:
            return None
        metric = _COUNT_METRIC[m.lastgroup]
        if metric == "products":
            s, e = self.spans[self.sentence_index(fig.start)]
            if _MODELS_WORD.search(self.text[s:e]):
                return "models"
        return metric

    def _post_cue(self, pos: int, sent: _Sentence) -> tuple[int, int, str] | None:
        for cs, ce, metric in sent.cues:
            if cs < pos:
                continue
            if _CJK.match(self.text, cs):
                return None  # a Chinese cue names what follows it ("营收38.62亿元 净利润...")
            gap = self.text[pos:cs]
            if _POST_CUE_GAP.fullmatch(gap) and not _POST_CUE_STOP.search(gap):
                return (cs, ce, metric)
            if _POST_CUE_CHANGE.fullmatch(gap):
                return (cs, ce, metric)
            return None
        return None

    def _is_population_share(self, after: str) -> bool:
        """ "over 90% of listed commercial banks ... have joined" reads as adoption."""
        m = _POPULATION_SHARE.match(after)
        return m is not None

    def _breaks(self, a: int, b: int) -> int:
        return 60 * len(_CLAUSE_BREAK.findall(self.text, a, b))

    # basis -----------------------------------------------------------------------------------
    def _basis(self, fig: Figure, k: int, sent: _Sentence, metric: str) -> str:
        g0, g1 = self.groups[k]
        first, last = self.figures[g0], self.figures[g1]
        before = self.text[max(sent.start, first.start - 60) : first.start]
        low = self.low[max(sent.start, first.start - 60) : first.start] if self.low is not None else None
        after = self.text[last.end : min(sent.end, last.end + 60)]
        if fig.unit == "pp":
            return "change"
        if fig.unit == "x":
            if _MULTIPLY_WORD.search(fig.surface):
                return "change"
            if _TIMES_OVER_TIME.match(after) or _YOY_AFTER.match(after):
                return "change"  # "eight times the level of a year ago": the same metric grew
            if metric == "valuation":
                return "ratio"  # "13x 2026E P/E": a multiple of earnings
            if _RATIO_AFTER.match(after) or _MULTIPLE_RATIO.search(before[-40:]):
                return "ratio"
            if _found(_CHANGE_WORDS, before[-50:], low and low[-50:]) or _FOLD.search(fig.surface):
                return "change"
            return "ratio"
        if fig.unit == "%":
            if fig.surface[:1] in "+-−" or self.text[fig.start - 1 : fig.start] in {"+", "-", "−"}:
                return "change"  # "+62% y/y" in a results summary
            if metric in _LEVEL_METRICS and metric != "adoption":
                return "level"  # "a market share of 26.1%" is the share itself
            if metric == "adoption" or _found(_SHARE_BEFORE, before, low):
                return "share"
            if _UPSIDE_LABEL.search(before):
                return "change"  # "Upside: 40.8%"
            if _SHARE_AFTER.match(after):
                return "share"
            of = _OF_AFTER.match(after)
            if (
                of
                and metric in {"capex", "expenses", "investment", "buyback", "dividend"}
                and _REVENUE_WHAT.match(of.group("what"))
            ):
                return "ratio"  # "capex of about 12% of revenue": not a part of revenue
            if of:
                what_start = last.end + of.start("what")
                if any(
                    m.start == what_start or (what_start <= m.start < what_start + 12)
                    for m in self._mentions_between(last.end, last.end + 40)
                ):
                    return "ratio"  # "40% of DeepSeek R1's cost"
                return "share"  # "20% of total revenue", "90% of banks"
            if metric in _LEVEL_METRICS:
                return "level"
            if _COMPARATIVE_THAN.match(after):
                return "change"  # "99.8% cheaper than GPT-4": a difference, like "decreased by 90%"
            if _CHANGE_AFTER.match(after):
                return "change"
            if before.endswith("by ") and _ADJUST_VERB.search(self.text, sent.start, first.start):
                return "change"  # "lifted revenue at the unit by 16%"
            if _LEVEL_BEFORE.search(before) and not _CHANGE_OF_BEFORE.search(before):
                return "level"  # "rose to 85%": the level reached
            if _found(_CHANGE_WORDS, before[-45:], low and low[-45:]):
                return "change"
            if _SHARE_WORD_BEFORE.search(before[-30:]):
                return "share"
            return "level"
        # Amounts and counts: a change only when the words say the amount is an increment.
        if metric == "net_profit" and _LOST_BEFORE.search(before):
            return "level"  # "we lost about €300 million last year": the loss itself
        if _found(_INCREMENT_BEFORE, before, low):
            return "change"
        if before.endswith("by ") and _ADJUST_VERB.search(self.text, sent.start, first.start):
            return "change"  # "raised its forecast by $2 billion"
        if _HIT_AFTER.match(after):
            return "change"  # "an $8 billion hit to sales"
        return "level"

    def _mentions_between(self, a: int, b: int) -> list[Mention]:
        i = bisect_left(self.mention_starts, a)
        j = bisect_left(self.mention_starts, b)
        return self.mentions[i:j]

    # entity ----------------------------------------------------------------------------------
    def _entity(
        self, fig: Figure, k: int, si: int, sent: _Sentence, metric: str, subject: str | None
    ) -> str | None:
        g0, g1 = self.groups[k]
        first = self.figures[g0]
        if g1 > g0:
            paired = self._respective_name(k, sent)
            if paired is not None:
                return paired  # "AMD and Intel held 7% and 2%, respectively"
        if metric == "market_size":
            market = self._market_phrase(sent, first.start)
            if market:
                return market
        if metric == "adoption":
            # "90% of banks have joined Alibaba's ecosystem": what is adopted follows the figure.
            adopted = self._mention_in(fig.end, sent.end)
            if adopted is not None:
                return adopted
        # "a 29% advance in the Hang Seng Tech Index": the name the change is in.
        if fig.unit in {"%", "pp"}:
            j = self._change_in_mention(fig, sent)
            if j is not None and self.mentions[j].is_subject_kind:
                return self.mentions[j].canonical
        # "compared with 22% for Samsung Electronics": the name the figure is given for.
        j = bisect_left(self.mention_starts, fig.end)
        if j < len(self.mentions) and self.mentions[j].is_subject_kind:
            gap = self.text[fig.end : self.mentions[j].start]
            if _FOR_NAME_GAP.fullmatch(gap):
                return self.mentions[j].canonical
        # "the Hang Seng Index, which rose 0.6%": the name the relative clause hangs on.
        a = bisect_right(self.asides, (first.start, 1 << 60)) - 1
        if a >= 0 and self.asides[a][0] < first.start < self.asides[a][1] and self.text.startswith(
            ",", self.asides[a][0]
        ):
            h = bisect_left(self.mention_starts, self.asides[a][0]) - 1
            if h >= 0 and self.mentions[h].end == self.asides[a][0] and self.mentions[h].is_subject_kind:
                return self.mentions[h].canonical
        if fig.unit == "%" and self.subject is None:
            # a market story's breakdown (a results story's "HPC made up 57% of sales" is the company's)
            part = self._share_subject(sent, first.start)
            if part is not None:
                return part  # "Arm-based servers accounted for 21.6% of shipments": the part named
        # A name directly attached to the figure ("Qwen3 with 235 billion parameters").
        i = bisect_left(self.mention_starts, first.start) - 1
        if i >= 0 and self.mentions[i].start >= sent.start and self.mentions[i].is_subject_kind:
            gap = self.text[self.mentions[i].end : first.start]
            if _ATTACHED_GAP.fullmatch(gap):
                return self.mentions[i].canonical
        # Nearest salient mention before the figure in its sentence.
        while i >= 0 and self.mentions[i].start >= sent.start:
            if self.salient(i):
                return self.mentions[i].canonical
            i -= 1
        if si > 0 and _PRONOUN_START.match(self.text, sent.start):
            # "Rival Samsung ... on Friday. It earlier estimated ...": the pronoun stands for the
            # subject of the sentence before, the first company named there
            s, e = self.spans[si - 1]
            if not _PARA_BREAK.search(self.text, e, sent.start):
                for j in range(bisect_left(self.mention_starts, s), bisect_left(self.mention_starts, e)):
                    m = self.mentions[j]
                    # a rival named as the subject ("Rival Samsung ...") is what "It" means; a
                    # model's size or downloads are a product's ("Mistral Large 3 ... It has 675B")
                    wanted = "product" if metric in _PRODUCT_METRICS else "company"
                    if m.kind == wanted and m.is_subject_kind and not self._in_aside(m.start, m.end):
                        return m.canonical
        financial = metric in _FINANCIAL and subject is not None
        ref = _SELF_REFERENCE.search(self.text, sent.start, first.start)
        if ref and ref.group("shares") and subject:
            return subject  # "Shares slipped 1.8%": the story's (or section's) company
        if ref:
            # "the company may spend more than ...": the subject where the sentences just before
            # name it, else the company named last there, else the subject
            last_company: str | None = None
            for prev in self._context_sentences(si):
                s, e = self.spans[prev]
                j = bisect_left(self.mention_starts, e) - 1
                while j >= 0 and self.mentions[j].start >= s:
                    m = self.mentions[j]
                    if m.kind == "company" and self.salient(j):
                        if m.canonical == subject:
                            return subject
                        last_company = last_company or m.canonical
                    j -= 1
            if last_company or subject:
                return last_company or subject
        if financial and _GROUP_LEVEL.search(self.text, sent.start, first.start):
            return subject  # "Group revenue rose 22%": the whole company, not a unit named before
        # Carried from the sentences just before: the last salient mention there. A company's
        # reported numbers are not carried over to a product, a name the watchlist does not
        # know, or one of its own units (a unit's figures name the unit in their sentence).
        for prev in self._context_sentences(si):
            s, e = self.spans[prev]
            j = bisect_left(self.mention_starts, e) - 1
            while j >= 0 and self.mentions[j].start >= s:
                m = self.mentions[j]
                if self.salient(j):
                    if not financial:
                        return m.canonical
                    if m.kind == "product" or not m.known:
                        j -= 1
                        continue
                    if subject and m.canonical.startswith(subject + " "):
                        return subject
                    return m.canonical
                j -= 1
        return None

    def _overnight(self, sent: _Sentence, fig: Figure) -> bool:
        """Whether the figure's clause says "overnight" (not a clause beside it)."""
        brk = _CLAUSE_BREAK.search(self.text, fig.end, sent.end)
        return bool(_OVERNIGHT.search(self.text, self._clause_start(sent, fig.start), brk.start() if brk else sent.end))

    def _share_subject(self, sent: _Sentence, pos: int) -> str | None:
        """The unnamed part a share belongs to: the clause's subject before "accounted for" and the like."""
        clause = self._clause_start(sent, pos)
        m = _SHARE_SUBJECT.search(self.text, clause, pos)
        if m is None or m.end() != pos:
            return None
        if any(x.is_subject_kind for x in self._mentions_between(m.start("np"), m.end("np"))):
            return None  # a named company's share is the name's (the rules below)
        words = m.group("np").split()
        if words[0].lower() in _NOT_A_PART or not any(w[:1].islower() for w in words):
            return None
        return " ".join(words)

    def _respective_name(self, k: int, sent: _Sentence) -> str | None:
        """The name a "respectively" list pairs with figure k: the i-th of as many names before."""
        g0, g1 = self.groups[k]
        last = self.figures[g1]
        tail = _RESPECTIVELY.match(self.text, last.end, sent.end)
        if tail is None:
            return None
        clause = self._clause_start(sent, self.figures[g0].start)
        names = [m for m in self._mentions_between(clause, self.figures[g0].start) if m.is_subject_kind]
        size = g1 - g0 + 1
        if len(names) < size:
            return None
        names = names[-size:]
        for a, b in pairwise(names):
            if not _NAME_LIST_GAP.fullmatch(self.text, a.end, b.start):
                return None  # not one list of names ("Tencent's Yuanbao and ...")
        return names[k - g0].canonical

    def _clause_start(self, sent: _Sentence, pos: int) -> int:
        start = sent.start
        for brk in _CLAUSE_BREAK.finditer(self.text, sent.start, pos):
            start = brk.end()
        return start

    def _market_in_clause(self, sent: _Sentence, pos: int) -> str | None:
        """The market the clause before pos names, unless a company there is its subject."""
        clause = self._clause_start(sent, pos)
        if any(m.is_subject_kind and m.kind == "company" for m in self._mentions_between(clause, pos)):
            return None
        return self._market_phrase(sent, pos, clause, pos)

    def _regional_markets(self) -> dict[str, str]:
        """Worldwide market names the document writes, keyed by the name without the region (cached)."""
        if self._regional is None:
            self._regional = {}
            for m in _MARKET_PHRASE.finditer(self.text):
                words = _market_words(m)
                region = m.group("reg1") or m.group("reg2")
                if region is None and len(words) > 1 and words[0].lower() in _WORLD:
                    region = words.pop(0)  # "the worldwide server market": matched from "the"
                # a country's market is a part of the plain one ("China's AI accelerator market"),
                # the world's is the same market named in full
                if not words or region is None or region.lower() not in _WORLD:
                    continue
                body = " ".join(_market_word(w) for w in words)
                full = f"{_REGION[region.lower()]} {body} market"
                self._regional.setdefault(f"{body} market", full)
        return self._regional

    def _market_phrase(
        self, sent: _Sentence, before: int, start: int | None = None, end: int | None = None
    ) -> str | None:
        """The market named nearest before `before` (else first after it) in [start, end)."""
        best: str | None = None
        start = sent.start if start is None else start
        end = sent.end if end is None else end
        for m in _MARKET_PHRASE.finditer(self.text, start, end):
            words = _market_words(m)
            region = m.group("reg1") or m.group("reg2")
            if not words and not region:
                continue
            parts = []
            if region:
                parts.append(_REGION.get(region.lower().replace("  ", " "), region))
            parts.extend(_market_word(w) for w in words)
            parts.append("market")
            name = " ".join(parts)
            if not region:
                # "the server market" after "the worldwide server market": the market named in full
                name = self._regional_markets().get(name, name)
            if m.start() < before:
                best = name
            elif best is None:
                return name
            else:
                break
        return best

    # period ----------------------------------------------------------------------------------
    def _period(
        self,
        fig: Figure,
        k: int,
        si: int,
        sent: _Sentence,
        metric: str,
        earlier: Figure | None,
        basis: str | None,
        kind: str,
    ) -> str | None:
        if metric in _INTRINSIC_METRICS:
            return None  # a model's size or score, a chip's memory: what it is, not when
        value = self._period_in_sentence(fig, k, sent)
        if (
            value is not None
            and self.report_period
            and self.published
            and kind == "actual"
            and value == f"{self.published.year}-Q{(self.published.month - 1) // 3 + 1}"
            and value != self.report_period
            and _THIS_QUARTER.search(self.text, sent.start, sent.end)
        ):
            # "Customers ordered $15.2 billion this quarter," says the results release: the
            # quarter it reports, not the calendar quarter it was published in
            value = self.report_period
        if metric in _TRADING_METRICS:
            # Prices, market values and rates are quoted on a day: the story's trading day
            # unless the sentence names another; a move over a span ("so far this year") keeps it.
            if value is not None and (
                _DAY_VALUE.match(value)
                or (len(value) == 7 and "Q" not in value and "H" not in value)  # "currently", "in May"
                or (basis == "change" and (len(value) == 4 or ".." in value))  # "this year"
            ):
                if _DAY_VALUE.match(value) and self._overnight(sent, fig):
                    return _weekday_before(value)  # "rose 3% on Monday, while ADRs gained 2.1% overnight"
                return value
            day = self.trading_day
            for prev_idx in self._context_sentences(si)[:1]:
                days = [
                    p
                    for p in self.sentence_periods(prev_idx)
                    if p.precision == "day" and self._recent_day(p.values[0])
                ]
                if days:
                    day = days[-1].values[0]  # "None of this moved the stock on Friday."
            if day and self._overnight(sent, fig):
                return _weekday_before(day)  # "the ADRs lost 5.5% overnight": the session before
            return day
        if value is None and earlier is not None and earlier.period:
            return earlier.period
        if (
            value is None
            and self.published
            and kind not in {"forecast", "target"}
            and metric not in _FINANCIAL  # "which now accounts for 77%" of a results story
            and _AS_OF_NOW.search(self.text, sent.start, sent.end)
        ):
            value = f"{self.published.year}-{self.published.month:02d}"
        if value is None and self.report_period and _THE_QUARTER.search(self.text, sent.start, sent.end):
            return self.report_period  # "in the quarter" of a results story
        if value is None:
            ahead = kind in {"forecast", "target"}
            for prev_idx in self._context_sentences(si):
                usable = [
                    p
                    for p in self.sentence_periods(prev_idx)
                    if not p.baseline
                    and len(p.values) == 1
                    and (ahead or not _is_future(p.values[0], self.published))
                ]
                if usable:
                    value = usable[-1].values[0]
                    if (
                        self.report_period
                        and metric in _FINANCIAL
                        and (
                            _MONTH_OR_DAY.fullmatch(value)
                            or _period_key(value.split("..")[-1], last=ahead)
                            < _period_key(self.report_period.split("..")[0])
                        )
                    ):
                        # a month or day named in passing, or the comparison base of a
                        # sentence before ("a net loss ... in the third quarter of 2024")
                        value = self.report_period
                    break
        if value is None and self.report_period and kind != "forecast":
            value = self.report_period
        if value is None and kind == "actual" and self.lead_period and not _AS_OF_NOW.search(self.text, sent.start, sent.end):
            value = self.lead_period  # a tracker's release: the year its headline and lead report on
        if value is None and self.published and _EVENT_RE.search(self.text, sent.start, sent.end):
            value = f"{self.published.year}-{self.published.month:02d}"
        if value is None and self.published and metric not in _TIMELESS_METRICS:
            # Nothing in the text dates it: the story's month, when the figure was reported.
            value = f"{self.published.year}-{self.published.month:02d}"
        if value is not None and basis != "change" and _YEAR_EARLIER_AFTER.match(self.text, fig.end):
            # "from 8.08 trillion won a year earlier": the comparison base, a year before
            # ("up 14.9% from the same period last year" is this period's growth: not shifted)
            value = _year_before(value)
        if value is not None and metric not in _DAILY_METRICS:
            value = coarsen_to_month(value)
        return value

    def _recent_day(self, value: str) -> bool:
        """A day that can be the story's trading session: at most a week before publication."""
        if self.published is None or not _DAY_VALUE.match(value):
            return False
        return 0 <= (self.published - date.fromisoformat(value)).days <= 7

    def _context_sentences(self, si: int) -> list[int]:
        """Up to three sentences back; past a blank line only the one right before counts."""
        out: list[int] = []
        for prev in range(si - 1, max(-1, si - 4), -1):
            blank = self.text.count("\n", self.spans[prev][1], self.spans[prev + 1][0]) >= 2
            if blank and prev != si - 1:
                break
            out.append(prev)
            if blank:
                break
        return out

    def _period_in_sentence(self, fig: Figure, k: int, sent: _Sentence) -> str | None:
        if not sent.periods:
            return None
        g0, g1 = self.groups[k]
        first, last = self.figures[g0], self.figures[g1]
        size = g1 - g0 + 1
        if size > 1:
            for p in sent.periods:
                if len(p.values) == size and not p.baseline:
                    return p.values[k - g0]
            # "in 2022, 2023 and 2024 was A, B and C respectively": a list read as two mentions
            run: list[str] = []
            prev_end = -1
            for p in sent.periods:
                if p.baseline:
                    run, prev_end = [], -1
                    continue
                if prev_end >= 0 and _PERIOD_LIST_GAP.fullmatch(self.text, prev_end, p.start):
                    run.extend(p.values)
                else:
                    run = list(p.values)
                prev_end = p.end
                if len(run) == size:
                    return run[k - g0]
        best: tuple[float, PeriodMention] | None = None
        for p in sent.periods:
            if p.end <= first.start:
                dist = first.start - p.end + 5 + self._breaks(p.end, first.start)
            elif p.start >= last.end:
                if _COMPARED_GAP.search(self.text, last.end, p.start):
                    continue  # "$4.1 billion, compared with ... in the third quarter of 2024"
                dist = p.start - last.end + self._breaks(last.end, p.start)
                if self.text.startswith(("'s", "’s"), p.end):
                    dist += 100  # "the previous quarter's growth rate" owns what follows it
            else:
                dist = 0
            if p.baseline and p.start >= last.end and _OWN_BASE_GAP.fullmatch(self.text, last.end, p.start):
                return p.values[0]  # "from 55% in the previous quarter": the base figure's own period
            if p.baseline:
                continue  # "up 19% from a year earlier": the comparison base
            if _found(_EVENT_TIME_BEFORE, self.text, self.low, max(sent.start, p.start - 30), p.start):
                dist += 150  # "the company said on Tuesday", "the range it gave in July": when it was said
            if best is None or dist < best[0]:
                best = (dist, p)
        if best is None:
            return None
        p = best[1]
        if len(p.values) == 1 and _MONTH_OR_DAY.fullmatch(p.values[0]):
            # "380 billion yuan it earmarked in February ... over three years": the span
            for q in sent.periods:
                if (
                    ".." in q.values[0]
                    and not q.baseline
                    and len(q.values) == 1
                    and 0 <= q.start - last.end <= 120
                    and not _CLAUSE_BREAK.search(self.text, last.end, q.start)
                    and not self._inside_figure(last.end + 1, q.start)  # no later figure owns it
                ):
                    return q.values[0]
        return p.values[min(k - g0, len(p.values) - 1)] if len(p.values) > 1 else p.values[0]

    # kind ------------------------------------------------------------------------------------
    def _kind_cues(self, sent: _Sentence) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, bool]]]:
        """Kind cues and clause breaks of a sentence, scanned once and shared by its figures."""
        cached = self._kind_cache.get(sent.start)
        if cached is None:
            low = self.text[sent.start : sent.end].lower()
            if len(low) == sent.end - sent.start:
                cues = [
                    (sent.start + m.start(), sent.start + m.end(), kind)
                    for kind, pattern in _KIND_PATTERNS_LOWER
                    for m in pattern.finditer(low)
                ]
            else:
                cues = [
                    (m.start(), m.end(), kind)
                    for kind, pattern in _KIND_PATTERNS
                    for m in pattern.finditer(self.text, sent.start, sent.end)
                ]
            cues.sort()
            breaks = [
                (
                    m.start(),
                    m.end(),
                    m.group(0).lstrip(",").strip().lower().startswith(("saying", "said", "adding")),
                )
                for m in _CLAUSE_BREAK.finditer(self.text, sent.start, sent.end)
            ]
            cached = self._kind_cache[sent.start] = (cues, breaks)
        return cached

    def _kind(self, fig: Figure, sent: _Sentence) -> str:
        """The latest kind cue before the figure in its sentence wins; else a cue just after it."""
        cues, breaks = self._kind_cues(sent)
        prefix_start = sent.start
        suffix_end = sent.end
        for bs, be, said in breaks:
            if be <= fig.start:
                if not said:
                    prefix_start = be
            elif bs >= fig.end:
                suffix_end = bs
                break
        if self.low is not None:
            target = _PRICE_TARGET_LOWER.search(self.low, prefix_start, fig.start)
        else:
            target = _PRICE_TARGET.search(self.text, prefix_start, fig.start)
        if target:
            return "estimate"
        best: str | None = None
        for cs, ce, kind in cues:
            if cs >= prefix_start and ce <= fig.start:
                best = kind  # cues are in order: the last one before the figure wins
        analyst = any(m.kind == "analyst" for m in self._mentions_between(sent.start, fig.start))
        if best is not None:
            if analyst and best == "forecast":
                return "estimate"
            return best
        if analyst:
            return "estimate"
        comma = self.text.find(",", fig.end, suffix_end)
        stop = comma if comma != -1 else suffix_end
        text, patterns = (
            (self.text, _KIND_PATTERNS) if self.low is None else (self.low, _KIND_PATTERNS_LOWER)
        )
        for kind, pattern in patterns:
            if pattern.search(text, fig.end, stop):
                return kind
        return "actual"


# Figure's fields as _with_attributes builds them; should the model change, replace() takes over.
_FIGURE_FIELDS = (
    "start", "end", "surface", "value", "unit", "qualifier", "sentence",
    "metric", "basis", "entity", "period", "kind", "currency_inferred",
)  # fmt: skip
_FAST_FIGURE = (
    tuple(f.name for f in fields(Figure)) == _FIGURE_FIELDS
    and all(f.init for f in fields(Figure))
    and not hasattr(Figure, "__post_init__")
)


def _with_attributes(
    fig: Figure,
    metric: str | None,
    basis: str | None,
    entity: str | None,
    period: str | None,
    kind: str | None,
) -> Figure:
    """A copy of the figure with its attributes set (dataclasses.replace, without its overhead)."""
    if not _FAST_FIGURE:
        return replace(fig, metric=metric, basis=basis, entity=entity, period=period, kind=kind)
    return Figure(
        fig.start, fig.end, fig.surface, fig.value, fig.unit, fig.qualifier, fig.sentence,
        metric, basis, entity, period, kind, fig.currency_inferred,
    )  # fmt: skip


def _written_cues(text: str) -> list[tuple[int, int, str]]:
    """The metric cues of a table's header, label or caption (none read in non-ASCII text)."""
    return _scan_cues(text.lower()) if text.isascii() else []


def _scan_cues(low: str) -> list[tuple[int, int, str]]:
    """Metric cues in a lower-cased sentence: found without groups, each hit then matched for its cue."""
    out: list[tuple[int, int, str]] = []
    for hit in _CUE_SCAN.finditer(low):
        m = _CUE_RE_LOWER.match(low, hit.start())
        if m is None or m.end() != hit.end():  # the scans disagree: scan again with the groups
            return [
                (m.start(), m.end(), _CUE_METRIC[m.lastgroup or ""])
                for m in _CUE_RE_LOWER.finditer(low)
            ]
        out.append((m.start(), m.end(), _CUE_METRIC[m.lastgroup or ""]))
    return out


_YEAR_EARLIER_AFTER = re.compile(
    r"(?:[ \t]+[A-Za-z]+)?[ \t]*(?:a\s+year\s+(?:earlier|ago|before)|(?:in|for|during|from)\s+the\s+same\s+(?:period|quarter|month|time)"
    r"\s+(?:of\s+|in\s+)?(?:last|the\s+previous|the\s+prior|a|one)\s+year(?:\s+(?:earlier|ago|before))?"
    r"|(?:in|for)\s+the\s+(?:previous|prior)\s+year|the\s+(?:previous|prior)\s+year)\b",
    _I,
)
_OR_GAP = re.compile(r",?\s+or\s+")
_EARNINGS_BEFORE = re.compile(
    r"\b(?:net\s+(?:income|profit|earnings|loss)|earnings|profit)\b(?:[^.;]|\.\d)*(?:,\s+or|\(|equal\s+to)\s*$", _I
)
_DIVIDEND_BEFORE = re.compile(r"\bdividends?\b[^.;,]*$", _I)
_OWN_BASE_GAP = re.compile(r"(?:[ \t]+[A-Za-z]+)?[ \t]+(?:in|during|for)[ \t]+")
_YEAR_IN_PERIOD = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _market_words(m: re.Match[str]) -> list[str]:
    """The words that name a market phrase's market, after any article, verb or possessive."""
    words = m.group("body").split()
    cut = 0
    for i, w in enumerate(words):
        if w.lower() in _MARKET_STOP or w.lower().endswith("'s"):
            cut = i + 1
    return words[cut:]


def _market_word(word: str) -> str:
    """A market name's word as written in the name: "Server" -> "server", "AI" and "IaaS" kept."""
    return word.lower() if word[:1].isupper() and word[1:].islower() else word


def _growth_span(sentence: str, period: str | None) -> str | None:
    """The years a compound annual growth rate runs over ("of 21.5% from 2024" to 2029 -> 2024..2029)."""
    if period is None or not _YEAR_ONLY.fullmatch(period):
        return period
    end = int(period)
    through = _YEARS_THROUGH.search(sentence)
    if through and int(through.group("y")) == end:
        n = through.group("n").lower()
        years = int(n) if n.isdigit() else SMALL_WORDS.get(n)
        if years:
            return f"{end - int(years) + 1}..{end}"  # "over the five years through 2029"
    first = min((int(y) for y in _YEAR_IN.findall(sentence)), default=end)
    return f"{first}..{end}" if first < end else period


def _weekday_before(day: str) -> str:
    """The weekday before an ISO date (a Monday's is the Friday before)."""
    d = date.fromisoformat(day)
    d -= timedelta(days=3 if d.weekday() == 0 else 2 if d.weekday() == 6 else 1)
    return d.isoformat()


def _year_before(value: str) -> str:
    """The same period one year earlier: 2025-Q4 -> 2024-Q4, FY2026-Q3 -> FY2025-Q3, spans too."""
    shifted = _YEAR_IN_PERIOD.sub(lambda m: str(int(m.group(1)) - 1), value)
    if "-02-29" in shifted:  # no 29 February a year before a leap day
        shifted = shifted.replace("-02-29", "-02-28")
    return shifted


def _period_key(value: str, last: bool = False) -> tuple[int, int]:
    """Sort key (year, quarter) of a period's first quarter, or with last of its last one (a year
    ends in its fourth, a first half in its second); fiscal and calendar years compare as years."""
    m = _PERIOD_KEY.match(value)
    if not m:
        return (0, 0)
    if m.group(2):
        return int(m.group(1)), int(m.group(2))
    if m.group(3):
        return int(m.group(1)), 2 * int(m.group(3)) - (0 if last else 1)
    if m.group(4):
        return int(m.group(1)), (int(m.group(4)) - 1) // 3 + 1
    return int(m.group(1)), 4 if last else 1


def _number_end(surface: str) -> int:
    """Offset just past the leading number of a figure's surface ("2 MoE models" -> 1)."""
    m = _LEADING_NUMBER.match(surface)
    return m.end() if m else 0


def _stated_fiscal_end(text: str, low: str | None = None) -> int | None:
    """The fiscal year-end month a text states ("fiscal year ending March", "the April-September first half")."""
    m = lowered_search(_FISCAL_END_STATED, _FISCAL_END_STATED_SCAN, text, low)
    if m is None:
        return None
    if m.group("end") or m.group("end12"):
        return month_number(m.group("end") or m.group("end12"))
    start = month_number(m.group("h1"))
    return (start - 2) % 12 + 1 if start else None  # a first half from April: the year ends in March


def _is_future(value: str, published: date | None) -> bool:
    """Whether a calendar period ends after the publication date (FY periods: unknown, False)."""
    if published is None or value.startswith("FY"):
        return False
    last = value.split("..")[-1]
    m = _PERIOD_VALUE.fullmatch(last)
    if not m:
        return False
    year = int(m.group(1))
    if m.group(2):
        end_month = int(m.group(2)) * 3
    elif m.group(3):
        end_month = int(m.group(3)) * 6
    elif m.group(4):
        end_month = int(m.group(4))
    else:
        return year > published.year
    return (year, end_month) > (published.year, published.month)
