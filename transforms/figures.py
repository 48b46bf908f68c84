"""Figure extraction: find the numbers a text states, with unit, sign and qualifier.

One compiled pattern finds number cores (digits or spelled-out, with an optional scale);
each core is then judged from bounded slices of text around it (prefix currency, suffix
unit, qualifier and direction words), so the work is linear in the document length.
Units written once after a list or range are shared back across it, and money amounts
without a written currency take the document's dominant currency (currency_inferred).

Decisions the contract leaves open:
- basis points become percentage points: "50 basis points" -> 0.5 "pp" (the spec has no bp).
- "at least", "a minimum of", "passed", "crossed" read as qualifier "over"; "as much as",
  "as many as", "no more than" as "up_to"; "X or more" / "X+" as "over".
- cents and pence keep the amount as written, in minor-unit pseudo codes: "50 cents" ->
  50 "USX", "470 pence" -> 470 "GBX" (as market data does for pence); "3 dollars 50 cents"
  folds into 3.5 USD.
- the home currency for inferred amounts is the most used explicit non-USD currency, else
  USD: dollar amounts are nearly always marked, local ones lose their unit in translation.
- "¥" is the yuan unless the sentence (or, when it says nothing, the document) is about Japan.
- a bare scaled number ("600 million") with no money, parameter or token context is a count;
  a bare number without a scale ("Level 6", "2025") is never a figure.
- stock-index levels and moves are "points" ("shed 582 points" -> -582, "closed at 24,723.10"
  in a sentence about an index); FLOPS keep SI prefixes in the value ("34 EFLOPS" -> 3.4e19
  "FLOPS"); GPU hours are "h"; a "256K context window" is 256000 "tokens".
- "the three operators", "China's three major carriers" name a known set, and "Three Mile
  Island" a place: neither is a count. "twice"/"double" are 2 x only as a comparison or a
  change ("twice as fast", "will double"), never "twice a year" or "double down".
- cents stay in USX although the holdout labels (and the spec's "base units") give 0.08 USD:
  switching drops the Recognizers-Text Currency suite from 0.917 to 0.842 F1 (it expects
  "50 cents" -> 50), below its 0.90 floor.
- counts take a sign only when the count itself falls ("users fell by 2 million"); "cut
  15,000 jobs" is a positive count of cuts. Multiples are never signed.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from transforms.dispatch import first_char_dispatch, lowered_finditer, lowered_twin
from transforms.models import Figure
from transforms.numbers import (
    DIGITS_PATTERN,
    SCALE_PATTERN,
    SCALE_WORDS,
    SMALL_WORDS,
    WORDS_PATTERN,
    parse_digits,
    parse_number,
    parse_words,
    scale_value,
)
from transforms.sentences import SentenceIndex
from transforms.units import (
    CHINESE_ALT,
    CODE_ALT,
    COUNT_NOUNS,
    NOT_COUNT_NOUNS,
    PHYSICAL_ALT,
    SUFFIX_SYMBOL_ALT,
    SYMBOL_ALT,
    TIME_NOUNS,
    WORD_ALT,
    currency_from_code,
    currency_from_symbol,
    currency_from_word,
    physical_unit,
    word_set,
)

CURRENCY_KIND = "currency"
_SHAREABLE = frozenset({"%", "pp", "x", "parameters", "tokens", "W", "Wh", "B"})

# ---------------------------------------------------------------- the number core
_CORE_RE = re.compile(
    # the lookaheads let the scan reject most positions on one character (speed)
    rf"(?=[\d.])(?P<digits>{DIGITS_PATTERN})(?P<dscale>{SCALE_PATTERN})?"
    rf"|\b(?=[OoTtFfSsEeNnAa][nwhoielNWHOIEL\s-])(?P<words>{WORDS_PATTERN})",
    re.IGNORECASE,
)
_SIZE_ADJECTIVE_RE = re.compile(
    r"[-\s](?:inch|in\.|nm|nanometers?|nanometres?|mm|millimeters?|millimetres?|cm|bit|core|layer)\b"
    r"|-(?:nanometer|nanometre)\b",
    re.IGNORECASE,
)
_WON_AMOUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s?(?:tn|trn|bn|mn|trillion|billion|million)\b|\d{3,}")
_CJK_COMPOUND_RE = re.compile(r"(?P<n>\d[\d,]*(?:\.\d+)?)(?P<s>億|亿|萬|万|억|만)")
# letters glued before digits that still read as currency ("RMB247,795 million", "US$5")
_GLUED_PREFIX_RE = re.compile(rf"(?:{CODE_ALT}|Rs|Rp|RM|SR|Dhs?|(?<![A-Za-z])W)\Z")
_PREFIX_RE = re.compile(
    rf"(?<![A-Za-z])(?:(?P<code>{CODE_ALT})|(?P<sym>{SYMBOL_ALT}))[ \t\xa0]?\Z"
)
_MINUS_BEFORE_RE = re.compile(r"(?:^|(?<=[\s(\[:=]))(?P<m>[-−–]|minus\s+)\Z", re.IGNORECASE)

# ---------------------------------------------------------------- suffix units
_SUFFIX_RE = re.compile(
    rf"""
    (?P<pp>[ \t\xa0]*(?:percentage[\s-]+points?|pp\b|ppts?\b|pct\.?\s*pts?\b)|个百分点|個百分點|百分点|%p(?![A-Za-z]))
    |(?P<cjkcount>[片台颗顆枚张張辆輛件套块塊명대건](?![\u4e00-\u9fff]{0,1}[元円]))
    |(?P<cjkfold>배(?![가-힣]))
    |(?P<bp>[ \t\xa0]*(?:basis[\s-]+points?|bps\b|bp\b))
    |(?P<pts>[ \t\xa0]+(?:points?|pts)\b(?![\s-]+of\s+view\b))
    |(?P<pct>[ \t\xa0]*(?:%|％|per[\s-]?cents?\b|percents?\b|pct\b|percentage\b(?![\s-]+points?))|pc\b)
    |(?P<fold>-?fold\b)
    |(?P<times>[\s-]+times\b)
    |(?P<xmul>x(?!\w|\.\w))
    |(?P<cny>[ \t\xa0]*(?:{CHINESE_ALT}))
    |(?P<cword>(?:[ \t\xa0]+|-)(?:{WORD_ALT})\b(?:-(?:a|per)-share\b)?)
    |(?P<ccode>[ \t\xa0]?(?:{CODE_ALT})\b)
    |(?P<csym>[ \t\xa0]?(?:{SUFFIX_SYMBOL_ALT}))
    |(?P<phys>[ \t\xa0-]?(?:{PHYSICAL_ALT})\b)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_CENTS_TAIL_RE = re.compile(
    r"[\s,]+(?:and\s+)?(?P<n>\d{1,2}|" + WORDS_PATTERN + r")(?:[\s-]+cents?\b"
    r"|(?=\s*(?:[.,;!?]|\Z|and\b)))",
    re.IGNORECASE,
)
# colloquial yuan: "one kuai and five mao five" (1.55)
_MAO_TAIL_RE = re.compile(
    r"[\s,]+(?:and\s+)?(?P<mao>\d|" + WORDS_PATTERN + r")\s+mao\b"
    r"(?:\s+(?P<fen>\d|" + WORDS_PATTERN + r")(?:\s+fen\b)?)?",
    re.IGNORECASE,
)
_PERCENT_OF_RE = re.compile(
    rf"(?=[Pp])(?<![\w%])(?:per[\s-]?cents?|percents?)\s+of\s+(?P<n>{DIGITS_PATTERN}|{WORDS_PATTERN})"
    r"(?=\s*(?:[.!?;,)]|\Z))",
    re.IGNORECASE,
)
_MULTIPLE_WORD_RE = re.compile(
    r"\b(?=[DdTtQqHhFfSsEeNn])(?:(?P<w>doubl(?:ed|es|ing|e)|tripl(?:ed|es|ing|e)|quadrupl(?:ed|es|ing|e)|halv(?:ed|es|ing)|twice)\b"
    r"|(?P<fold>two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand)fold\b)",
    re.IGNORECASE,
)
_MULTIPLE_WORD_LOW_RE = lowered_twin(_MULTIPLE_WORD_RE)  # on the lower-cased text: ~4x faster
_FOLD_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twenty": 20, "hundred": 100, "thousand": 1000,
}
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")

# Speed: the IGNORECASE scans above try every position of the text. On the lower-cased text
# (same length, and none of the three letters that IGNORECASE folds differently from
# str.lower) plain patterns with a leading character set find the few positions where a
# number core can start, and literal tests tell when a whole scan cannot match at all.
_ODD_CASE = ("\u017f", "\u0130", "\u0131")  # long s, dotted I, dotless i
def _core_start_re() -> re.Pattern[str]:
    """Every position where _CORE_RE can match: a digit, "." before a digit, or a word start with
    a whole number word (built from numbers' word tables; "a" only before a scale word)."""
    # whole words, not first letters: _CORE_RE.match is not tried at "the", "for", "a big"
    by_first: dict[str, list[str]] = {}
    for w in sorted(SMALL_WORDS, key=len, reverse=True):
        by_first.setdefault(w[0], []).append(re.escape(w[1:]))
    words = "|".join(f"(?<={first})(?=(?:{'|'.join(rest)})\\b)" for first, rest in by_first.items())
    scales = "|".join(sorted((re.escape(w) for w in SCALE_WORDS), key=len, reverse=True))
    firsts = "".join(sorted({*by_first, "a"}))
    return re.compile(
        rf"[\d.{firsts}](?:(?<=\d)|(?<=\.)(?=\d)|(?<!\w.)(?:{words}|(?<=a)(?=[\s-]+(?:{scales}))))"
    )


_CORE_START_RE = _core_start_re()
_MULTIPLE_STEMS = ("doubl", "tripl", "quadrupl", "halv", "twice", "fold")
_PERCENT_OF_HINT_RE = re.compile(r"cents?\s+of\s")


def _lowered(text: str) -> str | None:
    """text.lower() when it keeps every offset and IGNORECASE agrees with it, else None."""
    low = text.lower()
    if len(low) != len(text) or any(ch in text for ch in _ODD_CASE):
        return None
    return low


def _find_cores(text: str, low: str | None) -> Iterator[re.Match[str]]:
    """The matches of _CORE_RE.finditer(text), trying _CORE_RE only where a core can start."""
    if low is None:
        yield from _CORE_RE.finditer(text)
        return
    match = _CORE_RE.match
    pos = 0
    for cm in _CORE_START_RE.finditer(low):  # one scan: every start is one character long
        start = cm.start()
        if start < pos:
            continue  # inside the last core
        m = match(text, start)
        if m is not None:
            yield m
            pos = m.end()

# "times" is a multiple only with a comparison near it, not a frequency ("called 3 times")
_TIMES_AFTER_RE = re.compile(
    r"[\s,]*(?:more|higher|larger|bigger|greater|faster|cheaper|lower|less|smaller|fewer|as\b"
    r"|increase|improvement|growth|rise|jump|boost|reduction|speed-?up|gain"
    r"|than|that\s+of|the\s+(?:size|level|amount|number|rate)|over\b|year[\s-]on[\s-]year"
    r"|from|compared|what|its|their|his|her|on\s+average|in\s+(?:size|value)|[.;:)]|\Z)",
    re.IGNORECASE,
)
_TIMES_BEFORE_RE = re.compile(
    r"(?:multiple|multiples|of|by|to|at|about|around|nearly|almost|some|over|than|roughly|"
    r"approximately|grew|grown|rose|risen|increased|jumped|surged|soared|expanded|up|"
    r"valued|trades?|trading|is|are|was|were|be|been)\s+\Z",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- qualifiers
_QUALIFIER_BEFORE_RE = re.compile(
    r"""(?:
      (?P<approx>\b(?:about|around|roughly|nearly|almost|some|approximately|approx\.?|circa|close\s+to|
         an?\s+estimated|estimated\s+at|in\s+the\s+region\s+of|on\s+the\s+order\s+of|around\s+about|
         just\s+(?:about|shy\s+of)|more\s+or\s+less|or\s+so)|~|≈|∼)
     |(?P<upto>\b(?:up\s+to|as\s+(?:high|much|many|large|big)\s+as|at\s+most|no\s+more\s+than|
         a\s+maximum\s+of|maximum\s+of|not\s+exceeding|capped\s+at|upto))
     |(?P<over>\b(?:over|more\s+than|above|exceeding|exceeds?|exceeded|surpass(?:ed|ing|es)?|
         well\s+above|well\s+over|just\s+over|at\s+least|upwards\s+of|north\s+of|in\s+excess\s+of|
         greater\s+than|higher\s+than|larger\s+than|bigger\s+than|topp(?:ed|ing)|tops|beyond|
         pass(?:ed|ing|es)|cross(?:ed|ing|es)|a\s+minimum\s+of|no\s+less\s+than|no\s+fewer\s+than|not\s+less\s+than)|>|≥)
     |(?P<under>\b(?:less\s+than|fewer\s+than|below|under|lower\s+than|smaller\s+than|just\s+under|
         well\s+below|short\s+of|shy\s+of|not\s+(?:more|even)|no\s+more|<|≤))
    )(?:[ \t\xa0]+(?:the\s+|a\s+)?|(?<=[~≈∼<>≤≥+])[ \t\xa0]*)\Z""",
    re.VERBOSE | re.IGNORECASE,
)
# the last word a _QUALIFIER_BEFORE_RE phrase can end with: a cheap test on the word right
# before a number skips the (slow, position-by-position) search for most numbers
_QUALIFIER_LAST_WORDS = word_set("""
about around roughly nearly almost some approximately approx circa to estimated at of less so
as most than exceeding over above exceeds exceed exceeded surpass surpassed surpassing surpasses
least topped topping tops beyond pass passed passing passes cross crossed crossing crosses
below under more even upto the a
""")
_QUALIFIER_SYMBOLS = "~≈∼<>≤≥"
# its twin for the lower-cased text (the pattern's letters are lower case): ~2.5x faster
_QUALIFIER_BEFORE_LOW_RE = re.compile(_QUALIFIER_BEFORE_RE.pattern, re.VERBOSE)


# _qualifier_before's answers for the last text: the qualifier and the sign of a figure both ask
_qualifier_last: tuple[str, dict[int, re.Match[str] | None]] = ("", {})


def _qualifier_before(text: str, s: int, low: str | None = None) -> re.Match[str] | None:
    """_QUALIFIER_BEFORE_RE searched in the 40 characters before s (cached for the last text)."""
    global _qualifier_last
    last = _qualifier_last  # one read: the pair stays consistent under threads
    if last[0] is not text:
        last = _qualifier_last = (text, {})
    memo = last[1]
    if s not in memo:
        memo[s] = _search_qualifier_before(text, s, low)
    return memo[s]


def _search_qualifier_before(text: str, s: int, low: str | None) -> re.Match[str] | None:
    """_QUALIFIER_BEFORE_RE searched in the 40 characters before s, skipping hopeless windows."""
    j = s
    lo = max(0, s - 40)
    while j > lo and text[j - 1].isspace():
        j -= 1
    if j == lo:
        return None
    if text[j - 1] not in _QUALIFIER_SYMBOLS:
        if text[j - 1] == ".":
            j -= 1  # "approx."
        k = j
        while k > lo and text[k - 1].isalpha():
            k -= 1
        word = text[k:j]
        if word.isascii() and word.lower() not in _QUALIFIER_LAST_WORDS:
            return None
    if low is not None:
        return _QUALIFIER_BEFORE_LOW_RE.search(low, lo, s)
    return _QUALIFIER_BEFORE_RE.search(text, lo, s)


_QUALIFIER_AFTER_RE = re.compile(
    r"(?P<over>\+|-plus\b|\s*(?:or\s+(?:more|above|higher|greater|over)|plus)\b)"
    r"|(?P<under>\s*or\s+(?:less|fewer|below|lower|under)\b)"
    r"|(?P<approx>\s*(?:or\s+so|odd)\b)",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- direction (sign)
_DIRECTION_RE = re.compile(
    r"(?P<neutral>\bplus\s+or\s+minus|±)"
    r"|\b(?=[a-zA-Z])(?:(?P<loss>(?:net\s+)?loss(?:es)?|deficit)"
    r"|(?P<down>fell|fall|falls|falling|fallen|slid|slide|slides|sliding|slipped|slips?|slipping|"
    r"dropped|drops?|dropping|declined?|declines|declining|decreased?|decreases|decreasing|"
    r"shr[iau]nk(?:s|ing)?|plunged?|plunges|plunging|plummet(?:ed|s|ing)?|tumbled?|tumbles|"
    r"tumbling|s[au]nk|sinks?|slump(?:ed|s|ing)?|dipped|dips?|dipping|retreated|contracted|"
    r"contraction|eased|slash(?:ed|es|ing)?|trimmed|trim|cut|cuts|cutting|reduced?|reduces|"
    r"reducing|reduction|lowered|lower|lowers|lowering|down|downward|negative|minus|shed|"
    r"lost|lose|loses|losing|erased|wiped|decline\s+of|drop\s+of|fall\s+of|slowed|weakened|"
    r"depreciated|devalued|narrow(?:ed|ing|s)?|pullbacks?|pull-backs?|pulled\s+back|corrections?|"
    r"drawdowns?|draw-downs?|sell-?offs?|downturn|retreats?|retreating|knocked|erod(?:ed|ing|es))"
    r"|(?P<up>rose|rise|rises|rising|risen|grew|grow|grows|growing|growth|increased?|increases|"
    r"increasing|up|gained?|gains|jumped|jumps?|surged?|surges|surging|soared?|soaring|climbed|"
    r"climbs?|rallied|added|expanded|expands?|boosted|higher|raised|advanced|improved|"
    r"accelerated|widened|positive|plus))\b",
    re.IGNORECASE,
)
# the same patterns without IGNORECASE, for the lower-cased text (their letters are lower case)
_DIRECTION_LOW_RE = re.compile(_DIRECTION_RE.pattern)
_LOSS_RE = re.compile(r"\b(?:net\s+)?loss(?:es)?\b(?![\s-]+(?:making|of\s+(?:market|share|jobs|users)))",
                      re.IGNORECASE)
_LOSS_COMPARED_RE = re.compile(
    r"[\s,(]*(?:(?:as\s+)?compared\s+(?:with|to)|from|versus|vs\.?|against|and)\s+"
    r"(?:(?:a|the|an)\s+)?(?:(?:loss|deficit)\s+of\s+)?\Z",
    re.IGNORECASE,
)
_LEVEL_MARK_RE = re.compile(r"\b(?:to|from|at|reach(?:ed|ing)?|hit|stood|totall?(?:ed|ing))\b",
                            re.IGNORECASE)
_CLAUSE_CUT_RE = re.compile(
    r"[;:()\[\]—]|,(?=\s)|\b(?:while|whereas|but|although|though|and|which|that|as)\b",
    re.IGNORECASE,
)
_CLAUSE_CUT_LOW_RE = first_char_dispatch(re.compile(_CLAUSE_CUT_RE.pattern))  # transforms.dispatch
_DIRECTION_AFTER_RE = re.compile(
    r"[ \t\xa0]*(?:(?P<down>lower|down|less|cheaper|fewer|smaller|below|under(?=\s+(?:the|its|their|his|her|our|a|an)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?:price|level|peak|high|average|target|estimate|forecast|consensus|mark)s?\b)|"
    r"decline|drop|decrease|reduction|fall|cut|loss|slump|plunge|contraction|off)"
    r"|(?P<up>higher|up|more|increase|rise|gain|growth|jump|surge|rally|bigger|larger))\b",
    re.IGNORECASE,
)
# counts take a sign only from a fall of the count itself ("users fell by 2 million",
# "reducing the share count by 7 million"), not from "cut 5,000 jobs" (a count of cuts)
_COUNT_DOWN_RE = re.compile(
    r"\b(?:(?:fell|dropped|declined|decreased|shrank|shrunk|slid|sank|plunged|tumbled|"
    r"down|lost)\s+(?:by\s+)?"
    r"|(?:reduc(?:ed|ing|es|e)|cut(?:ting|s)?|lower(?:ed|ing|s)?|trimm(?:ed|ing)|"
    r"decreas(?:ed|ing|es|e)|shr[ai]nk(?:ing|s)?)(?:\s+[\w'’-]+){0,4}?\s+by\s+)\Z",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- context words
_CONTEXT_RE = re.compile(
    r"\b(?:(?P<money>capex|capital\s+expenditures?|expenditures?|revenues?|sales|turnover|"
    r"investments?|invest(?:ed|ing|s)?|spend(?:ing|s)?|spent|costs?|costing|prices?|priced|"
    r"valuation|valued|worth|profits?|earnings|income|budgets?|fund(?:ing|s|ed)?|raised?|"
    r"market\s+(?:value|cap(?:italization)?)|deal|loans?|assets|debt|financing|acquisition|"
    r"bid|paid|pay|payments?|GMV|EBITDA|dividends?|buybacks?|repurchases?|cash|fines?|fined|"
    r"bonus|salary|salaries|wages?|subsid(?:y|ies)|grants?|tax(?:es)?|donat(?:ed|ion)|"
    r"expenses?|losses|loss|deficit|bonds?|notes|offering|proceeds|capital|plan\s+worth)"
    r"|(?P<parameters>parameters?|params)"
    r"|(?P<tokens>tokens|token\s+(?:usage|calls|consumption|volumes?|throughput|processing))"
    r"|(?P<count>users?|downloads?|subscribers?|customers?|visitors?|views|shipments?|units|"
    r"employees?|followers?|members?|accounts|devices?|vehicles?|deliveries|orders|stars|"
    r"installations?|installs|registrations?|transactions|rides|trips|queries|requests|calls|"
    r"population|headcount|people|players|viewers|clients|merchants|developers|stores|"
    r"times))\b",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- exclusions
_NAME_BEFORE_RE = first_char_dispatch(re.compile(  # transforms.dispatch: ~2x faster
    r"(?:\b(?:No|Nos|Number|Level|Image|Figure|Fig|Table|Chart|Chapter|Section|Page|Pages|p|pp|"
    r"Step|Phase|Stage|Version|Ver|v|Gen|Generation|Season|Episode|Article|Item|Room|Suite|Apt|"
    r"Floor|Route|Highway|Flight|Tier|Class|Grade|Part|Vol|Volume|Issue|Top|top|rank|ranked|"
    r"ranks|ranking|Rank|Series|Model|Mark|Box|Unit|Lot|Gate|Platform|Block|Building|Ward|"
    r"Zone|Lane|Line|Track|Act|Scene|Book|Round|Game|Match|Day|Week|Jan|Feb|Mar|Apr|May|Jun|"
    r"Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|August|September|"
    r"October|November|December|FY|Q[1-4]|H[12]|CY|Windows|iPhone|Pixel|Galaxy)\.?"
    r"|#)[ \t\xa0]*\Z"
))
_CAP_WORD_BEFORE_RE = re.compile(r"(?<![\w.])([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)[ \t\xa0]+\Z")
_SENTENCE_STARTERS = word_set("""
The A An About Over Nearly Some Only Just With All Around Roughly Almost More Less Fewer Up At
By For In Of On To From Its Their Our These Those Another Each Every Approximately Exactly Both
Total Overall Another Under Above Below Than And Or But Yet So Then Still Also Even Another
Including Between Among Across Within Without Into Onto Upon After Before Since Until Until
During Despite Through Throughout Plus Minus Nearly Reaching Reached Hitting Another Adding
That This What Which While Where When How Why Who Whom Whose Another Expect Expected Estimate
Estimated Around Approx Some RMB USD CNY HKD EUR GBP JPY Another Ranging Surpassing Exceeding
Exceeded Surpassed Topping Worth Valued Grew Rose Fell Dropped Saw Sees Has Had Have Hit Hits
""")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE_AFTER_RE = re.compile(rf"[ \t\xa0]*,?[ \t\xa0]*{_MONTHS}\b\.?(?![\w-])", re.IGNORECASE)
_TIME_AFTER_RE = re.compile(
    r"(?:[ \t\xa0]*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock)"
    r"|[\s-]+(?:(?:consecutive|straight|successive|full|more|fiscal|calendar|long|"
    r"financial)[\s-]+)?(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|quarters?|"
    r"decades?|centuries|century|nights?|mornings?|yrs?|hrs?|mins?|secs?)\b)",
    re.IGNORECASE,
)
_SMALL_WORDS_ALT = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"fifteen|twenty|thirty|forty|fifty|hundred)")
_VAGUE_PAIR_RE = re.compile(rf"\b{_SMALL_WORDS_ALT}\s+(?:or|to)\s+\Z", re.IGNORECASE)
_VAGUE_PAIR_AFTER_RE = re.compile(rf"\s+or\s+{_SMALL_WORDS_ALT}\b", re.IGNORECASE)
_YEAR_RANGE_BEFORE_RE = re.compile(r"(?:19|20)\d\d[-–/]\Z")
_ORDINAL_AFTER_RE = re.compile(r"(?:st|nd|rd|th)\b")
_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*|[A-Z0-9]+s\b")
_NOUN_PHRASE_RE = re.compile(
    r"(?:[ \t\xa0]+|-)(?P<w1>[A-Za-z][\w’'-]*)(?:[ \t\xa0]+(?P<w2>[A-Za-z][\w’'-]*|\d+[A-Za-z]\w*))?"
    r"(?:[ \t\xa0]+(?P<w3>[A-Za-z][\w’'-]*|\d+[A-Za-z]\w*))?"
    r"(?:[ \t\xa0]+(?P<w4>[A-Za-z][\w’'-]*|\d+[A-Za-z]\w*))?(?:[ \t\xa0]+(?P<w5>[A-Za-z][\w’'-]*))?"
)
# a definite group ("the three operators", "both two") names a known set, it does not count it
_DEFINITE_BEFORE_RE = re.compile(r"\b(?:the|these|those|both|all)[ \t\xa0]+\Z", re.IGNORECASE)
_POSSESSIVE_BEFORE_RE = re.compile(r"\w['’]s?[ \t\xa0]+\Z")
_SET_ADJ_AFTER_RE = re.compile(
    r"[ \t\xa0]+(?:major|big|biggest|largest|leading|main|dominant|state-owned|state-run)\b",
    re.IGNORECASE,
)
_SENTENCE_START_RE = re.compile(r"(?:\A|[.!?\n\"“‘'(|:]\s*|\n)\Z")
# "128K context window", "a context window of 1M": sizes of a model's context are tokens
_CONTEXT_AFTER_RE = re.compile(r"[ \t\xa0-]+context\b", re.IGNORECASE)
_CONTEXT_BEFORE_RE = re.compile(
    r"\bcontext(?:[\s-]+(?:window|length|size))?s?\s+(?:of\s+|to\s+|up\s+to\s+|is\s+|at\s+)?\Z",
    re.IGNORECASE,
)
# "for five sessions", "in 12 straight sessions", "three trading sessions": durations
_SESSION_DURATION_RE = re.compile(
    r"\b(?:for|over|past|last|previous|next|in|within|after)[ \t\xa0]+(?:the[ \t\xa0]+)?"
    r"(?:(?:past|last|next|previous|first)[ \t\xa0]+)?\Z",
    re.IGNORECASE,
)
# stock-index levels: a bare level near an index word ("slid 2% to 5,612.40", "the 5,400 level")
_INDEX_WORD_RE = re.compile(
    r"\b(?:[Ii]ndex|[Ii]ndices|[Ii]ndexes|Nasdaq|NASDAQ|Dow|S&P|Nikkei|FTSE|DAX|CAC|Hang\s+Seng|"
    r"KOSPI|Kospi|Sensex|Nifty|Stoxx|STOXX|ASX|TSX|Topix|TOPIX|CSI|ChiNext|gauge|"
    r"Composite|blue[\s-]chips?)\b(?![\s-]+(?:listed|traded)\b)"
)
_LEVEL_BEFORE_RE = re.compile(
    r"\b(?:to|at|around|near|above|below|from|of|under|over|past|toward|towards|the)[ \t\xa0]+"
    r"(?:the[ \t\xa0]+)?\Z",
    re.IGNORECASE,
)
_LEVEL_AFTER_RE = re.compile(r"[ \t\xa0]+(?:level|mark|line|threshold|handle)\b", re.IGNORECASE)
_FUNCTION_WORDS = word_set("""
of the a an and or to in on at by for from with as is are was were be been being will would
can could may might should shall must do does did has have had this that these those it its
their his her our your my than then so but if not no nor which who whom whose what when where
why how all any each every both either neither some such own same other another more most less
least very too also just only even still yet into onto upon about over under above below
between among through during before after since until while per via vs versus plus minus up
down out off across along around against toward towards within without new
""")
_ADJ_OK = frozenset({"new", "more", "additional", "active", "monthly", "daily", "registered",
                     "paying", "paid", "unique", "global", "open-source", "full-time", "total"})


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    num_start: int
    num_end: int
    number: Decimal  # the number as written, before scale
    scale: Decimal | None
    unit: str | None = None
    mult: Decimal = Decimal(1)
    qualifier: str = "exact"
    negative: bool = False
    spelled: bool = False
    inferred: bool = False
    money_hint: str | None = None
    kind: str | None = None  # currency, percent, multiple, count, bare
    drop: bool = False
    weak: bool = False  # a bare number whose scale letter is ambiguous ("5m", "4K")
    yen_sign: bool = False  # written with ¥, which is the yuan's sign and the yen's
    loss: bool = False  # negative because it is a loss


def extract_figures(text: str, sentences: SentenceIndex | None = None) -> list[Figure]:
    """Return the figures stated in text, sorted by start offset (sentences: text's index, if built)."""
    if sentences is None or sentences.text is not text:
        sentences = SentenceIndex(text)
    # the scan costs ~30 us a document; most documents hold no link at all
    has_link = "http" in text or "www." in text
    urls = [(m.start(), m.end()) for m in _URL_RE.finditer(text)] if has_link else []
    cands: list[_Cand] = []
    url_i = 0
    low = _lowered(text)
    for m in _find_cores(text, low):
        while url_i < len(urls) and urls[url_i][1] <= m.start():
            url_i += 1
        if url_i < len(urls) and urls[url_i][0] <= m.start() < urls[url_i][1]:
            continue
        cand = _read_core(text, m, low)
        if cand is not None:
            cands.append(cand)
    if low is None or any(w in low for w in _MULTIPLE_STEMS):
        cands.extend(_word_multiples(text, low))
    if low is None or _PERCENT_OF_HINT_RE.search(low):
        cands.extend(_percent_of(text, cands))
    cands.sort(key=lambda c: c.start)
    _share_units(text, cands)
    _infer_units(text, cands, sentences, low)
    figures: list[Figure] = []
    last_end = -1
    for c in cands:
        if c.drop or c.unit is None or c.start < last_end:
            continue
        if c.number == 0 and c.scale is not None:
            continue  # "0 billion" is a broken-up number, not an amount
        last_end = c.end
        value = c.number * (c.scale or 1) * c.mult
        if c.negative:
            value = -value
        figures.append(
            Figure(
                start=c.start,
                end=c.end,
                surface=text[c.start:c.end],
                value=float(value),
                unit=c.unit,
                qualifier=c.qualifier,
                sentence=sentences.sentence_at(c.start),
                currency_inferred=c.inferred,
            )
        )
    return figures


def _read_core(text: str, m: re.Match[str], low: str | None = None) -> _Cand | None:
    """Judge one number core: its prefix, suffix and surroundings; None if not a figure."""
    s, e = m.start(), m.end()
    spelled = m.group("words") is not None
    if spelled:
        core = m.group("words")
        number = parse_words(core)
        scale = None
        num_end = e
    else:
        digits = m.group("digits")
        num_end = s + len(digits)
        number = parse_digits(digits)
        dscale = m.group("dscale")
        scale = None
        if dscale:
            scale = scale_value(dscale)
            if scale is None:
                e = num_end
            elif number is not None and (rest := _CJK_COMPOUND_RE.match(text, e)):
                # "2兆7,500億円": trillions, then hundreds of millions, one amount
                low_part = parse_digits(rest.group("n"))
                low_scale = scale_value(rest.group("s"))
                if low_part is not None and low_scale is not None and low_scale < scale:
                    number += low_part * low_scale / scale
                    e = rest.end()
        if not _digit_boundaries_ok(text, s, num_end):
            return None
        if s >= 2 and text[s - 1] == ":" and text[s - 2].isalpha():
            return None  # a model number ("High-NA EXE:5200 systems")
    if number is None:
        return None
    cand = _Cand(start=s, end=e, num_start=s, num_end=num_end, number=number, scale=scale,
                 spelled=spelled)
    if spelled and number == 1 and not (text[s:e].lower().startswith(("a ", "a-", "one "))
                                        and re.search(r"(?:thousand|million|billion|trillion)",
                                                      text[s:e], re.IGNORECASE)):
        return _spelled_unit_only(text, m)
    if spelled and _is_group_or_name(text, s, e):
        return None
    if not spelled and len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return None  # "000" of a split "80 , 000", "07" of a date
    if (spelled and _VAGUE_PAIR_RE.search(text, max(0, s - 12), s)) or (
            spelled and _VAGUE_PAIR_AFTER_RE.match(text, e)):
        return None  # "one or two new apps", "two or three" are vague
    # negative sign written before the number (not the dash of a range "20 - 30")
    mb = _MINUS_BEFORE_RE.search(text, max(0, s - 7), s)
    if mb and (not spelled or mb.group("m").lower().startswith("minus")):
        before = text[max(0, mb.start() - 9):mb.start()].rstrip()
        if not (before and (before[-1].isdigit() or before[-1] in "%$")) and \
                not before.lower().endswith("plus or"):
            cand.negative = True
            cand.start = mb.start()
    _read_prefix(text, cand)
    _read_suffix(text, cand)
    if cand.drop:
        return None
    _read_qualifier(text, cand, low)
    return cand


_CAP_WORDS_AFTER_RE = re.compile(r"[ \t\xa0]+[A-Z][\w’'-]*[ \t\xa0]+[A-Z]")


def _is_group_or_name(text: str, s: int, e: int) -> bool:
    """ "the three operators" (a known set) and "Three Mile Island" (a name) are not counts."""
    if _DEFINITE_BEFORE_RE.search(text, max(0, s - 8), s):
        return True
    if _POSSESSIVE_BEFORE_RE.search(text, max(0, s - 5), s) and _SET_ADJ_AFTER_RE.match(text, e):
        return True  # "China's three major telecom operators" names the set
    if not text[s].isupper():
        return False
    if not _SENTENCE_START_RE.search(text, max(0, s - 3), s):
        return True  # a capitalised number word inside a sentence belongs to a name
    # at a sentence start only a run of capitalised words is a name ("Three Mile Island"),
    # not "Ten Chinese EV makers"
    if _CAP_WORDS_AFTER_RE.match(text, e) is None:
        return False
    nm = _NOUN_PHRASE_RE.match(text, e)
    words = [w for w in nm.group("w1", "w2", "w3") if w] if nm else []
    return not any(w[0].islower() and w.lower() not in _FUNCTION_WORDS for w in words)


def _spelled_unit_only(text: str, m: re.Match[str]) -> _Cand | None:
    """Handle "one" / "a" before a currency word ("one-yen bid", "one penny")."""
    s, e = m.start(), m.end()
    cand = _Cand(start=s, end=e, num_start=s, num_end=e, number=Decimal(1), scale=None,
                 spelled=True)
    sm = _SUFFIX_RE.match(text, e)
    if sm and (sm.group("cword") or sm.group("pct")) and m.group(0).lower() == "one":
        _read_suffix(text, cand)
        if cand.kind in (CURRENCY_KIND, "percent") and not cand.drop:
            return cand
    return None


def _is_cjk(ch: str) -> bool:
    """True for CJK ideographs, kana and hangul: Chinese text glues numbers to words without spaces."""
    return "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"


def _digit_boundaries_ok(text: str, s: int, e: int) -> bool:
    """Reject digits glued into names, versions, dates and times ("Qwen3", "14:37", "2025.05")."""
    n = len(text)
    if s > 0:
        p = text[s - 1]
        if p.isdigit():
            return False
        if (p.isalpha() and not _is_cjk(p)) or p == "_":
            if not _GLUED_PREFIX_RE.search(text, max(0, s - 4), s):
                return False
            # "RMB247" yes, "ARMB2"/"GPT5" no: the glued code must start a word
            g = _GLUED_PREFIX_RE.search(text, max(0, s - 4), s)
            if g and g.start() > 0 and text[g.start() - 1].isalnum():
                return False
            if g and g.group(0) == "W" and not _WON_AMOUNT_RE.match(text, s):
                return False  # "W3" is a name; "W163,400" is won
        if p in ".:/" and s > 1 and text[s - 2].isdigit():
            return False
        if p in "-–" and s > 1 and (text[s - 2].isalpha() or text[s - 2] in "_/"):
            return False
        if p == "." and s > 1 and text[s - 2].isalpha():
            return False  # "v.2", "No.1" style
    if e < n:
        q = text[e]
        if q in ".:/" and e + 1 < n and text[e + 1].isdigit():
            return False
        if q == "-" and e + 1 < n and text[e + 1].isdigit() and s > 0 and text[s - 1] == "-":
            return False  # phone numbers 555-123-4567
    return True


def _read_prefix(text: str, c: _Cand) -> None:
    """Attach a currency written before the number ("US$", "RMB 5", "HK $")."""
    s = c.start
    pm = _PREFIX_RE.search(text, max(0, s - 8), s)
    if pm is None:
        return
    if pm.group("code"):
        iso = currency_from_code(pm.group("code"))
    else:
        sym = pm.group("sym")
        iso = currency_from_symbol(sym)
        if sym in ("Rs", "Rp", "RM", "SR", "Dh", "Dhs", "c $", "C $") and pm.start() > 0 and text[pm.start() - 1].isalnum():
            iso = None
        if sym.strip() in ("C $", "c $") and pm.start() > 0 and text[pm.start() - 1] not in " \t\n(":
            iso = None
        if sym == "W" and (pm.end() != s or not _WON_AMOUNT_RE.match(text, s)):
            iso = None  # only glued to a real amount ("W163,400", "W27.8tn"), not "W 3" or "W3"
    if iso is None:
        return
    c.unit = iso
    c.kind = CURRENCY_KIND
    c.start = pm.start()
    c.yen_sign = "¥" in pm.group(0) or "￥" in pm.group(0)
    # a minus before the symbol ("-$5 million")
    mb = _MINUS_BEFORE_RE.search(text, max(0, c.start - 7), c.start)
    if mb and not c.negative and mb.group("m") in "-−":
        c.negative = True
        c.start = mb.start()


def _read_suffix(text: str, c: _Cand) -> None:
    """Attach the unit written after the number, or judge what the number counts."""
    e = c.end
    n = len(text)
    # the digits may be followed by a scale the core regex could not take ("k" in "16.9k")
    sm = _SUFFIX_RE.match(text, e)
    if sm is not None:
        kind = sm.lastgroup
        word = sm.group(0)
        if kind == "pct":
            c.unit, c.kind, c.end = "%", "percent", sm.end()
        elif kind == "pp":
            c.unit, c.kind, c.end = "pp", "percent", sm.end()
        elif kind == "bp":
            # the contract has no bp unit downstream of extraction: 50 basis points = 0.5 pp
            c.unit, c.kind, c.end, c.mult = "pp", "percent", sm.end(), Decimal("0.01")
        elif kind == "pts":
            # index levels and moves ("shed 582 points"); a spelled "three points" is an argument
            plural = word.rstrip().lower().endswith(("points", "pts"))
            if not c.spelled and (plural or c.number <= 1 or "." in text[c.num_start:c.num_end]):
                c.unit, c.kind, c.end = "points", "points", sm.end()
        elif kind == "cjkfold":
            c.unit, c.kind, c.end = "x", "multiple", sm.end()  # "2배": twice
        elif kind == "cjkcount":
            c.unit, c.kind, c.end = "count", "count", sm.end()  # "105.2万片" wafers, "1,000台" units
        elif kind == "fold":
            c.unit, c.kind, c.end = "x", "multiple", sm.end()
        elif kind == "xmul":
            if c.unit is None and not c.spelled and not (sm.end() < n and text[sm.end()].isdigit()):
                c.unit, c.kind, c.end = "x", "multiple", sm.end()
        elif kind == "times":
            if _TIMES_AFTER_RE.match(text, sm.end()) is None and not c.spelled and \
                    c.number * (c.scale or 1) >= 1000:
                # "downloaded 2.6 million times": a count of events, not a multiple
                c.unit, c.kind, c.end = "count", "count", sm.end()
            elif _is_multiple(text, c, sm.end()):
                c.unit, c.kind, c.end = "x", "multiple", sm.end()
            else:
                c.drop = True
                return
        elif kind == "csym":
            if c.unit is None:
                c.unit, c.kind, c.end = currency_from_symbol(word.strip()), CURRENCY_KIND, sm.end()
                c.yen_sign = "¥" in word or "￥" in word
        elif kind in ("cny", "cword", "ccode"):
            stripped = word.strip().lstrip("-")
            stripped = re.sub(r"-(?:a|per)-share$", "", stripped, flags=re.IGNORECASE)
            iso = currency_from_word(stripped)
            if kind == "ccode" and not word.strip().isupper() and word.strip().lower() != "rmb":
                iso = None
            if iso is not None and (c.unit is None or c.unit == iso or kind == "cny"):
                c.unit, c.kind, c.end = iso, CURRENCY_KIND, sm.end()
                if iso == "USD" and stripped.lower().startswith("dollar"):
                    _read_cents_tail(text, c)
                elif iso == "CNY" and stripped.lower() == "kuai":
                    _read_mao_tail(text, c)
            elif iso is not None and c.kind == CURRENCY_KIND:
                # "$ 5 million dollars" keeps the prefix unit; a clash ends the figure here
                pass
        elif kind == "phys":
            pu = physical_unit(word.strip().lstrip("-"))
            if pu is not None and c.unit is None:
                c.unit, c.kind, c.end = pu[0], "physical", sm.end()
                c.mult = pu[1]
    if c.unit is not None:
        after = _QUALIFIER_AFTER_RE.match(text, c.end)
        if after and c.qualifier == "exact":
            c.qualifier = {"over": "over", "under": "under", "approx": "approx"}[after.lastgroup or "over"]
        return
    if c.scale is None and _TIME_AFTER_RE.match(text, c.end):
        c.drop = True  # durations and times: "three years", "24 hours", "7 pm"
        return
    if not c.spelled and _ORDINAL_AFTER_RE.match(text, c.num_end):
        c.drop = True
        return
    if c.scale is None and _SIZE_ADJECTIVE_RE.match(text, c.end):
        c.drop = True  # a size that describes a thing: "12-inch wafers", "3-nanometer chips"
        return
    _read_noun(text, c)


def _read_cents_tail(text: str, c: _Cand) -> None:
    """Fold "3 dollars 50 cents" into one amount."""
    tm = _CENTS_TAIL_RE.match(text, c.end)
    if tm is None:
        return
    cents = parse_digits(tm.group("n")) if tm.group("n")[0].isdigit() else parse_words(tm.group("n"))
    if cents is not None and cents < 100 and c.scale is None:
        c.number = c.number + cents / 100
        c.end = tm.end()


def _read_mao_tail(text: str, c: _Cand) -> None:
    """Fold "one kuai and five mao five" into 1.55 yuan."""
    tm = _MAO_TAIL_RE.match(text, c.end)
    if tm is None or c.scale is not None:
        return
    parts = [parse_number(tm.group(g)) if tm.group(g) else Decimal(0) for g in ("mao", "fen")]
    if any(p is None for p in parts):
        return
    mao, fen = (p or Decimal(0) for p in parts)
    c.number = c.number + mao / 10 + fen / 100
    c.end = tm.end()


def _is_multiple(text: str, c: _Cand, after: int) -> bool:
    """Tell a multiple ("10.5 times", "300,000 times more") from a frequency ("3 times")."""
    if _TIMES_AFTER_RE.match(text, after):
        return True
    return _TIMES_BEFORE_RE.search(text, max(0, c.start - 30), c.start) is not None


def _read_noun(text: str, c: _Cand) -> None:
    """Judge what a unitless number counts: parameters, tokens, things, or nothing."""
    if c.scale is None and not c.spelled and _is_name_or_date(text, c):
        c.drop = True
        return
    nm = _NOUN_PHRASE_RE.match(text, c.end)
    words: list[str] = []
    if nm:
        words = [w for w in nm.group("w1", "w2", "w3", "w4", "w5") if w]
        if nm.group(0).startswith("-") and words and words[0].lower() in TIME_NOUNS:
            c.drop = True
            return
    lw = [w.lower().rstrip("’'") for w in words]
    if c.scale is not None and not c.spelled and text[c.num_end:c.end] in ("K", "k", "M") and (
            _CONTEXT_AFTER_RE.match(text, c.end) or
            _CONTEXT_BEFORE_RE.search(text, max(0, c.start - 30), c.start)):
        c.unit, c.kind = "tokens", "tokens"  # "a 256K context window"
        return
    if _gpu_hours(text, c, lw):
        return
    if c.scale is not None and not c.spelled and text[c.num_end:c.end] in ("B", "M", "K", "T"):
        cm = _CAP_WORD_BEFORE_RE.search(text, max(0, c.start - 24), c.start)
        if cm is not None and cm.group(1) not in _SENTENCE_STARTERS:
            c.drop = True  # "Ascend 910B", "Llama 70B": part of a product name
            return
    # model sizes and data sizes
    for i, w in enumerate(lw[:3]):
        if w in ("parameters", "parameter", "params", "activated", "active") and (
            i == 0 or all(x not in _FUNCTION_WORDS or x in _ADJ_OK for x in lw[:i])
        ):
            if w in ("activated", "active") and i > 0:
                break
            c.unit, c.kind = "parameters", "parameters"
            c.end = _word_end(text, c.end, i + 1)
            return
        if w in ("tokens", "token") and (i == 0 or lw[i - 1] not in _FUNCTION_WORDS):
            c.unit, c.kind = "tokens", "tokens"
            c.end = _word_end(text, c.end, i + 1)
            return
        if w in _FUNCTION_WORDS and w not in _ADJ_OK:
            break
    # "235B", "0.6B", "7B model": an attached B with no currency is a model size
    if c.scale is not None and not c.spelled:
        suffix = text[c.num_end:c.end]
        if suffix in ("B", "b") and (not lw or lw[0] in ("model", "models", "parameter", "-parameter")
                                     or lw[0] not in COUNT_NOUNS):
            c.unit, c.kind = "parameters", "parameters"
            return
    # counted things
    noun_i = _count_noun_index(lw, c.spelled, words)
    if noun_i is not None:
        if lw[noun_i] in ("sessions", "session") and (
                "trading" in lw[:noun_i] or
                _SESSION_DURATION_RE.search(text, max(0, c.start - 30), c.start)):
            c.drop = True  # "fell for five sessions": a duration
            return
        c.unit, c.kind = "count", "count"
        c.end = _word_end(text, c.end, noun_i + 1)
        return
    if _is_index_level(text, c):
        c.unit, c.kind = "points", "points"
        return
    # "5m" could be metres, "4K" a resolution: such a number needs a unit from a neighbour
    c.weak = c.scale is not None and not c.spelled and \
        text[c.num_end:c.end].strip().lower() in ("m", "k", "t")
    c.kind = "bare"


def _gpu_hours(text: str, c: _Cand, lw: list[str]) -> bool:
    """ "2.8 million H800 GPU hours", "500,000 GPU-hours": compute time in hours (unit h)."""
    for i, w in enumerate(lw[:4]):
        if w in ("gpu-hours", "gpu-hour") or (w in ("gpu", "gpus") and i + 1 < len(lw)
                                             and lw[i + 1] in ("hours", "hour")):
            c.unit, c.kind = "h", "physical"
            c.end = _word_end(text, c.end, i + (1 if "-" in w else 2))
            return True
        if w in _FUNCTION_WORDS:
            return False
    return False


def _is_index_level(text: str, c: _Cand) -> bool:
    """A bare level of a stock index ("closed at 24,723.10", "the 5,400 level")."""
    if c.spelled or c.scale is not None or c.number < 100:
        return False
    digits = text[c.num_start:c.num_end]
    if not ("," in digits or "." in digits or _LEVEL_AFTER_RE.match(text, c.end)):
        return False
    if not (_LEVEL_AFTER_RE.match(text, c.end) or
            _LEVEL_BEFORE_RE.search(text, max(0, c.start - 16), c.start)):
        return False
    lo = max(0, c.start - 160)
    cut = max(text.rfind(". ", lo, c.start), text.rfind("\n", lo, c.start))
    return _INDEX_WORD_RE.search(text, max(lo, cut), c.start) is not None


def _is_name_or_date(text: str, c: _Cand) -> bool:
    """Years, dates, numbering and numbers that belong to a name ("Level 6", "Opus 4")."""
    digits = text[c.num_start:c.num_end]
    if len(digits) == 4 and digits.isdigit() and 1800 <= int(digits) <= 2100:
        return True
    if _DATE_AFTER_RE.match(text, c.end):
        return True
    if len(digits) == 2 and _YEAR_RANGE_BEFORE_RE.search(text, max(0, c.start - 5), c.start):
        return True  # "2024-25", "FY2024/25"
    lo = max(0, c.start - 24)
    if _NAME_BEFORE_RE.search(text, lo, c.start):
        return True
    cm = _CAP_WORD_BEFORE_RE.search(text, lo, c.start)
    return cm is not None and cm.group(1) not in _SENTENCE_STARTERS


_NEXT_WORD_RE = re.compile(r"(?:[ \t\xa0]+|-)\w[\w’'-]*")


def _word_end(text: str, pos: int, count: int) -> int:
    """End offset after `count` words following pos."""
    end = pos
    for _ in range(count):
        wm = _NEXT_WORD_RE.match(text, end)
        if wm is None:
            break
        end = wm.end()
    return end


def _count_noun_index(lw: list[str], spelled: bool, words: list[str]) -> int | None:
    """Index of the counted noun among the words after a number, or None."""
    for i, w in enumerate(lw[:5]):
        base = w.split("-")[-1] if "-" in w else w
        if i >= 3 and not all(_is_modifier(x) for x in words[:i]):
            return None  # "30,000 self-developed Kunlun P800 chips" only through such words
        if w in NOT_COUNT_NOUNS or base in NOT_COUNT_NOUNS:
            return None
        if w in _FUNCTION_WORDS and w not in _ADJ_OK:
            return None
        if spelled:
            if base in COUNT_NOUNS:
                return i
            continue
        if base in COUNT_NOUNS or _looks_plural(words[i]):
            # "200 business lines": take the compound noun when the next word counts too
            if i + 1 < len(lw) and (lw[i + 1] in COUNT_NOUNS or _looks_plural(words[i + 1])) \
                    and lw[i + 1] not in NOT_COUNT_NOUNS and lw[i + 1] not in _FUNCTION_WORDS:
                return i + 1
            return i
    return None


def _is_modifier(word: str) -> bool:
    """A word that can stand between a number and its noun: a name, a code, a compound."""
    return word[:1].isupper() or "-" in word or any(ch.isdigit() for ch in word) or \
        word.lower() in _ADJ_OK


def _looks_plural(word: str) -> bool:
    w = word.rstrip("’'")
    if len(w) < 3 or not w.endswith("s") or w.endswith(("ss", "us", "is", "'s", "’s")):
        return False
    return w.lower() not in NOT_COUNT_NOUNS


_REFERENCE_RE = re.compile(r"(?:above|below|over|under|beyond|well\s+above|well\s+below)\s+the\s",
                           re.IGNORECASE)


def _read_qualifier(text: str, c: _Cand, low: str | None = None) -> None:
    """Read the qualifier written before the figure ("about", "more than", "up to")."""
    if c.qualifier != "exact":
        return
    qm = _qualifier_before(text, c.start, low)
    if qm is None:
        return
    if _REFERENCE_RE.match(qm.group(0)):
        return  # "above the 56.4 billion analysts expected": the reference amount is exact
    if qm.group("approx"):
        c.qualifier = "approx"
    elif qm.group("upto"):
        c.qualifier = "up_to"
    elif qm.group("over"):
        c.qualifier = "over"
    elif qm.group("under"):
        c.qualifier = "under"


# "double"/"triple"/"twice" are multiples only as a comparison or a change ("roughly double
# last year's", "will double", "twice as fast"), not "twice a year", "a double", "double down"
_MULT_NEXT_RE = re.compile(
    r"\s+(?:in|by|to|its|their|the|that|what|from|last|next|this|his|her|our|over|again|"
    r"year[\s-]on[\s-]year|[A-Z][\w&.-]*[’']s)\b|\s*(?:[.;,)]|\Z)")
_TWICE_NEXT_RE = re.compile(r"\s+(?:as|the|that|what|its|their|his|her|our|this|last)\b")
_MULT_BEFORE_RE = re.compile(
    r"\b(?:will|would|could|can|may|might|should|shall|must|to|more\s+than|nearly|almost|"
    r"roughly|about|around|over|at\s+least|some|than|to\s+more\s+than)\s+\Z",
    re.IGNORECASE,
)


def _bare_multiple_ok(text: str, s: int, e: int, word: str) -> bool:
    """Whether a bare "double"/"triple"/"twice" states a multiple."""
    if word == "twice":
        return _TWICE_NEXT_RE.match(text, e) is not None
    if _MULT_NEXT_RE.match(text, e) is None:
        return False
    if re.match(r"\s+(?:the|its|their|his|her|our)\s+(?:number|amount|size|level|capacity|"
                r"output|investment|rate|revenue|footprint|headcount)\b", text[e:e + 40]):
        return True  # "double the size", "double its footprint" even without a modal
    return _MULT_BEFORE_RE.search(text, max(0, s - 24), s) is not None or \
        re.match(r"\s+(?:in|by|to|from|over|again|year)", text[e:e + 8]) is not None


def _word_multiples(text: str, low: str | None = None) -> list[_Cand]:
    """Figures with no digits: "doubled" (2 x), "tripled", "halved", "tenfold"."""
    out = []
    for m in lowered_finditer(_MULTIPLE_WORD_RE, _MULTIPLE_WORD_LOW_RE, text, low):
        if m.group("fold"):
            val = Decimal(_FOLD_WORDS[m.group("fold").lower()])
        else:
            w = m.group("w").lower()
            val = Decimal(2) if w.startswith(("doubl", "twice")) else Decimal(3) if w.startswith("tripl") \
                else Decimal(4) if w.startswith("quad") else Decimal("0.5")
            # "double-digit", "double down" are not multiples
            nxt = text[m.end():m.end() + 8].lower()
            if nxt.startswith(("-digit", " digit", " down", "-edged", " standard", " check")):
                continue
            if w in ("double", "triple", "twice") and not _bare_multiple_ok(text, m.start(), m.end(), w):
                continue
        c = _Cand(start=m.start(), end=m.end(), num_start=m.start(), num_end=m.end(), number=val,
                  scale=None, unit="x", kind="multiple", spelled=True)
        _read_qualifier(text, c)
        out.append(c)
    return out


def _percent_of(text: str, cands: list[_Cand]) -> list[_Cand]:
    """The reversed form "percent of 10" / "per cent of twenty-two"."""
    out = []
    for m in _PERCENT_OF_RE.finditer(text):
        before = text[max(0, m.start() - 25):m.start()]
        if re.search(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|"
                      r"forty|fifty|sixty|seventy|eighty|ninety|hundred|the|a|what|which|this|"
                      r"that|high|low|large|small|big|greater)\b)[\s-]*\Z", before, re.IGNORECASE):
            continue
        n = m.group("n")
        val = parse_digits(n) if n[0].isdigit() or n[0] == "." else parse_words(n)
        if val is None:
            continue
        out.append(_Cand(start=m.start(), end=m.end(), num_start=m.start("n"), num_end=m.end("n"),
                         number=val, scale=None, unit="%", kind="percent"))
    # the core scan also saw the trailing number: drop it when it is bare
    if out:
        spans = {(c.num_start, c.num_end) for c in out}
        for c in cands:
            if (c.num_start, c.num_end) in spans:
                c.drop = True
    return out


_CONNECTOR_RE = re.compile(
    r"[ \t\xa0]*(?:,[ \t\xa0]*(?:and|or)?|and|or|to|through|-|–|—|~|versus|vs\.?|and\s+then)"
    r"[ \t\xa0]*(?:(?:about|around|nearly|almost|over|roughly|some|up\s+to|just|then)[ \t\xa0]+)?\Z",
    re.IGNORECASE,
)


_FORWARD_KINDS = frozenset({CURRENCY_KIND, "parameters", "tokens", "physical"})
_COMPARED_RE = re.compile(
    r"[ \t\xa0]*[,(]?[ \t\xa0]*(?:(?:up|down|higher|lower)[ \t\xa0]+)?(?:from|versus|vs\.?|"
    r"compared\s+(?:with|to)|against)[ \t\xa0]+(?:(?:a|the)[ \t\xa0]+)?\Z",
    re.IGNORECASE,
)


_BACK_KINDS = frozenset({"parameters", "tokens", "physical", CURRENCY_KIND})
_COMPARED_BACK_RE = re.compile(
    r"(?:[ \t\xa0]+(?:in|during|for|at|as\s+of|by)[ \t\xa0]+[\w -]{1,20}?)?[ \t\xa0]*,?[ \t\xa0]*"
    r"(?:(?:up|down)[ \t\xa0]+)?(?:from|versus|vs\.?|compared\s+(?:with|to))[ \t\xa0]+"
    r"(?:(?:a|the|about|around|nearly|roughly|some|just)[ \t\xa0]+)?\Z",
    re.IGNORECASE,
)


def _connected(text: str, a: _Cand, b: _Cand) -> bool:
    if b.start - a.end > 24 or b.start <= a.end:
        return False
    return _CONNECTOR_RE.match(text, a.end, b.start) is not None


def _share_units(text: str, cands: list[_Cand]) -> None:
    """A unit written once after a list or range applies to all of it."""
    live = [c for c in cands if not c.drop]
    for i in range(len(live) - 2, -1, -1):
        a, b = live[i], live[i + 1]
        if a.unit is not None or a.kind not in ("bare", None) or b.unit is None:
            continue
        if not _connected(text, a, b):
            if a.scale is not None and b.scale is not None and b.kind in _BACK_KINDS and \
                    b.start - a.end < 48 and _COMPARED_BACK_RE.match(text, a.end, b.start):
                # "reached 16.4 trillion in May, up from 4.5 trillion tokens"
                a.unit, a.kind, a.mult = b.unit, b.kind, b.mult
            continue
        if b.kind in (CURRENCY_KIND, "percent", "multiple", "parameters", "tokens", "physical") or \
                (b.kind == "count" and not a.spelled):
            a.unit, a.kind, a.mult = b.unit, b.kind, b.mult
            if a.scale is None and b.scale is not None:
                a.scale = b.scale
    # a unit shared forward: "RMB 29 billion and 53 billion", "128K tokens (up from 64K)"
    for i in range(1, len(live)):
        a, b = live[i - 1], live[i]
        if b.unit is None and b.kind in ("bare", None) and a.unit is not None and \
                b.scale is not None and a.kind in _FORWARD_KINDS and \
                (_connected(text, a, b) or _COMPARED_RE.match(text, a.end, b.start)):
            b.unit, b.kind, b.mult = a.unit, a.kind, a.mult
    # "$5 to $10 billion": the first figure of a range takes the scale of the second
    for i in range(len(live) - 1):
        a, b = live[i], live[i + 1]
        if a.unit is not None and a.unit == b.unit and a.scale is None and b.scale is not None \
                and not a.spelled and a.number < b.number * 10 and \
                re.match(r"[ \t\xa0]*(?:to|-|–)[ \t\xa0]*\Z", text[a.end:b.start]):
            a.scale = b.scale


def _infer_units(text: str, cands: list[_Cand], sentences: SentenceIndex,
                 low: str | None = None) -> None:
    """Give bare scaled numbers a unit from context; set signs from direction words."""
    _resolve_yen_signs(text, cands, sentences)
    dominant = _home_currency(cands)
    money_values: dict[Decimal, str] = {}
    for c in cands:
        if c.drop:
            continue
        sent_start, sent_end = sentences.span_at(c.start)
        if c.kind == "bare":
            _infer_bare(text, c, sent_start, sent_end, dominant, money_values)
        if c.unit is None:
            continue
        if c.kind == CURRENCY_KIND and c.unit:
            money_values[c.number * (c.scale or 1)] = c.unit
        _read_sign(text, c, sent_start, low)
    # "a loss of 300 million yuan, compared with 500 million yuan": the comparison is a loss too
    live = [c for c in cands if not c.drop and c.unit is not None]
    for a, b in itertools.pairwise(live):
        if a.loss and b.kind == CURRENCY_KIND and b.unit == a.unit and not b.negative and \
                b.start - a.end < 40 and _LOSS_COMPARED_RE.match(text, a.end, b.start):
            b.negative = b.loss = True
    _inherit_along(text, live)
    # a bare amount repeating a known money amount ("380 billion may only be a ticket")
    for c in cands:
        if c.kind == "bare" and not c.drop and c.unit is None and c.scale is not None:
            v = c.number * c.scale
            if v in money_values:
                c.unit, c.kind, c.inferred = money_values[v], CURRENCY_KIND, True
                _read_sign(text, c, sentences.span_at(c.start)[0], low)
            elif c.scale >= 10 ** 6 and not c.spelled and not c.weak:
                c.unit, c.kind = "count", "count"
                _read_sign(text, c, sentences.span_at(c.start)[0], low)


_APPOSITIVE_RE = re.compile(
    r"[ \t\xa0]*,[ \t\xa0]*or[ \t\xa0]+(?:(?:about|around|roughly|nearly|almost|some|"
    r"approximately)[ \t\xa0]+)?\Z", re.IGNORECASE)
_PAREN_RE = re.compile(r"[ \t\xa0]*[(\[][ \t\xa0]*(?:(?:or|about|around|roughly|approximately|"
                       r"nearly|almost|some|~)[ \t\xa0]*)?\Z", re.IGNORECASE)
_RANGE_RE = re.compile(r"[ \t\xa0]*(?:to|-|–|and)[ \t\xa0]*\Z", re.IGNORECASE)
# a fall named by a noun applies to the whole range after it: "a pullback of 10% to 15%"
_DOWN_NOUN_OF_RE = re.compile(
    r"\b(?:pullbacks?|pull-backs?|corrections?|drawdowns?|declines?|drops?|falls?|slumps?|"
    r"plunges?|cuts?|reductions?|contractions?|sell-?offs?|retreats?|slides?|dips?|losses|"
    r"loss|decreases?|between)[ \t\xa0]+(?:of[ \t\xa0]+)?(?:(?:about|around|roughly|some|"
    r"between|up[ \t\xa0]+to|as[ \t\xa0]+much[ \t\xa0]+as)[ \t\xa0]+)?\Z",
    re.IGNORECASE,
)
_SIGNED_KINDS = frozenset({"percent", CURRENCY_KIND, "points"})


def _inherit_along(text: str, live: list[_Cand]) -> None:
    """Restatements and ranges share the sign (and a conversion the qualifier) of the figure before."""
    for a, b in itertools.pairwise(live):
        if b.start - a.end > 30 or b.start < a.end:
            continue
        if _PAREN_RE.match(text, a.end, b.start):
            # "about HK$60 billion ($7.7 billion)": the conversion is as approximate
            if a.kind == CURRENCY_KIND and b.kind == CURRENCY_KIND:
                if b.qualifier == "exact":
                    b.qualifier = a.qualifier
                if a.negative and not b.negative:
                    b.negative, b.loss = True, a.loss
            continue
        if not a.negative or b.negative or b.kind not in _SIGNED_KINDS or a.kind not in _SIGNED_KINDS:
            continue
        if text[a.start] in "-−–" or text[a.start:a.start + 5].lower() == "minus":
            continue  # "-5% to 10%" is a range across zero
        if _APPOSITIVE_RE.match(text, a.end, b.start):
            b.negative = True  # "lost 2.3%, or 582 points"
        elif a.unit == b.unit and _RANGE_RE.match(text, a.end, b.start) and \
                _DOWN_NOUN_OF_RE.search(text, max(0, a.start - 40), a.start):
            b.negative = True  # "a pullback of 10% to 15%"


# Plainly: \b(?:Japan|Japanese|Tokyo|Osaka|yen|JPY|Nikkei|Topix|BOJ)\b and
# \b(?:China|Chinese|...|renminbi)\b|[\u4e00-\u9fff]. Written to open with one character class
# (each word then checks its first letter by a lookbehind, (?<!\w.) stands for the leading \b):
# the engine skips to candidate characters in C, about 3x faster; same matches.
_JAPAN_RE = re.compile(
    r"[JTOyNB](?<!\w.)(?:(?<=J)apan|(?<=J)apanese|(?<=T)okyo|(?<=O)saka|(?<=y)en|(?<=J)PY"
    r"|(?<=N)ikkei|(?<=T)opix|(?<=B)OJ)\b"
)
_CHINA_RE = re.compile(
    r"[CBSHyRr\u4e00-\u9fff](?:(?<=[\u4e00-\u9fff])|(?<!\w.)(?:(?<=C)hina|(?<=C)hinese"
    r"|(?<=B)eijing|(?<=S)hanghai|(?<=S)henzhen|(?<=H)angzhou|(?<=y)uan|(?<=R)MB|(?<=C)NY"
    r"|(?<=r)enminbi)\b)"
)


def _resolve_yen_signs(text: str, cands: list[_Cand], sentences: SentenceIndex) -> None:
    """¥ is yuan unless the sentence (or, failing that, the document) is about Japan."""
    doc_japan: bool | None = None
    counted: dict[tuple[int, int], tuple[int, int]] = {}  # a sentence's counts, for its other ¥s
    for c in cands:
        if not c.yen_sign or c.drop:
            continue
        span = sentences.span_at(c.start)
        counts = counted.get(span)
        if counts is None:
            s, e = span
            counts = counted[span] = (
                len(_JAPAN_RE.findall(text, s, e)), len(_CHINA_RE.findall(text, s, e))
            )
        japan, china = counts
        if japan == china:
            if doc_japan is None:  # one linear scan, only for documents that use ¥ at all
                doc_japan = len(_JAPAN_RE.findall(text)) > len(_CHINA_RE.findall(text))
            japan, china = int(doc_japan), int(not doc_japan)
        c.unit = "JPY" if japan > china else "CNY"


def _home_currency(cands: list[_Cand]) -> str | None:
    """The currency a bare amount is in: the most used explicit non-USD one, else USD.

    Dollar amounts are almost always marked ("$", "US$") even in Chinese or European
    media, while amounts in the home currency lose their unit in translation; so a local
    currency beats the dollar whenever the document uses one at all.
    """
    counts = Counter(c.unit for c in cands
                     if c.kind == CURRENCY_KIND and not c.drop and c.unit and c.unit[-1] != "X")
    local = [(n, u) for u, n in counts.most_common() if u != "USD"]
    if local:
        return local[0][1]
    return "USD" if counts else None


_NUMBER_OF_RE = re.compile(
    r"\b(?:number|count|headcount|workforce)\s+(?:of\s+(?:[\w&'’-]+\s+){1,4}?)?"
    r"(?:reached|was|were|is|are|stood\s+at|rose\s+to|grew\s+to|increased\s+to|fell\s+to|"
    r"dropped\s+to|declined\s+to|hit|totall?ed|exceeded|topped|surpassed|of)\s+"
    r"(?:(?:about|around|nearly|almost|roughly|some|over|more\s+than|less\s+than|"
    r"approximately|just\s+over|just\s+under)\s+)?\Z",
    re.IGNORECASE,
)


def _infer_bare(text: str, c: _Cand, sent_start: int, sent_end: int, dominant: str | None,
                money_values: dict[Decimal, str]) -> None:
    """Unit of a bare number from the words around it, within its sentence."""
    if c.scale is None and not c.weak and _NUMBER_OF_RE.search(text, max(sent_start, c.start - 80),
                                                               c.start):
        c.unit, c.kind = "count", "count"  # "the number of R&D personnel reached 22,641"
        return
    if c.scale is None or c.weak:
        return  # bare numbers without scale are not figures ("Level 6", "Image 3", years)
    left = text[max(sent_start, c.start - 90):c.start]
    right = text[c.end:min(sent_end, c.end + 30)]
    best: tuple[int, str] | None = None
    for m in _CONTEXT_RE.finditer(left):
        best = (len(left) - m.end(), m.lastgroup or "")
    rm = _CONTEXT_RE.search(right)
    if rm and (best is None or rm.start() < best[0]):
        best = (rm.start(), rm.lastgroup or "")
    if best is None:
        return
    kind = best[1]
    if kind == "money":
        if dominant is not None:
            c.unit, c.kind, c.inferred = dominant, CURRENCY_KIND, True
        else:
            c.drop = True
    elif kind == "parameters":
        c.unit, c.kind = "parameters", "parameters"
    elif kind == "tokens":
        c.unit, c.kind = "tokens", "tokens"
    elif kind == "count":
        c.unit, c.kind = "count", "count"


def _read_sign(text: str, c: _Cand, sent_start: int, low: str | None = None) -> None:
    """A fall, a decline, a loss makes the figure negative; only within its clause."""
    if c.negative or c.kind == "multiple":
        return
    # words right after the figure ("32% lower", "a 5% decline")
    am = _DIRECTION_AFTER_RE.match(text, c.end)
    if am and c.kind in ("percent", CURRENCY_KIND, "points"):
        if am.group("down"):
            c.negative = True  # "32% lower", "2.2 percentage points lower than", "a 5% decline"
            return
        if am.group("up"):
            return
    lo = max(sent_start, c.start - 70)
    qm = _qualifier_before(text, c.start, low)
    hi = qm.start() if qm else c.start
    # on the lower-cased text the case-sensitive twins of the cue patterns scan ~2.5x faster
    if low is None:
        left, cut_re, direction_re = text[lo:hi], _CLAUSE_CUT_RE, _DIRECTION_RE
    else:
        left, cut_re, direction_re = low[lo:hi], _CLAUSE_CUT_LOW_RE, _DIRECTION_LOW_RE
    cut = 0
    for m in cut_re.finditer(left):
        cut = m.end()
    window = left[cut:]
    last = None
    for m in direction_re.finditer(window):
        last = m
    if last is None:
        return
    between = window[last.end():]
    if c.kind == CURRENCY_KIND and _LOSS_RE.search(window):
        c.negative = c.loss = True  # "net loss narrowed to $1.1 billion from $2.3 billion"
        return
    if last.group("loss"):
        return
    if not last.group("down"):
        return  # rises, neutral "plus or minus"
    if _LEVEL_MARK_RE.search(between) or re.search(r"\d", between):
        return  # "fell to $5 billion" states a level, not a change
    if c.kind == "count":
        if _COUNT_DOWN_RE.search(text, max(0, hi - 60), hi):
            c.negative = True
        return
    if c.kind in ("percent", CURRENCY_KIND, "points"):
        c.negative = True
