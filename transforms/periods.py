"""When a figure applies: a grammar of period phrases, normalised to the spec's forms.

Forms: 2024, 2024-Q4, 2024-H2, 2025-05, 2025-09-24, FY2026, spans 2025..2027 and
FY2026..FY2027. Relative phrases ("last year", "Q1 of last year", "the previous quarter",
"over the next three years") are resolved against the publication date, or against an
absolute period stated earlier in the same sentence ("Q4 2024 ... the previous quarter").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from transforms.dispatch import first_char_dispatch, has_case_fold_odd, lowered_twin

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "a": 1, "the": 1,
}  # fmt: skip
_ORDINAL = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}
_QUARTER_MONTH = {"march": 1, "june": 2, "september": 3, "december": 4}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_Y = r"(?:19|20)\d{2}"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_NUM = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
_RELYEAR = (
    r"(?:this|last|next|the\s+(?:previous|prior|current|same)|the\s+coming)\s+(?:fiscal\s+)?year"
)
_YEARREF = rf"(?:{_Y}|{_RELYEAR})"
# A fiscal year's number: "2026", "26", or the two calendar years it spans ("2026/27", "FY25/26")
# or, as Japanese brokers write it, the month and year it ends ("FY3/27": the year to March 2027)
_FYY = rf"(?:{_Y}|\d{{2}}|\d(?=/))(?:/(?:{_Y}|\d{{2}})(?!\d))?"
_FISCAL = r"(?:fiscal(?:\s+years?)?|financial\s+years?|FYs?)"

# One pass over a sentence; alternatives are tried in order at each position, most specific first.
_PERIOD = re.compile(
    rf"""
    (?<!\w)(?=\w)  # periods start at a word start: the scan skips other positions fast
    (?:
    (?P<iso>\b{_Y}[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])\b)
  | (?P<fyrange>\b{_FISCAL}\s*(?P<fy1>{_FYY})\s*(?P<fysep>-|–|to|through|and|&)\s*(?:{_FISCAL}\s*)?(?P<fy2>{_FYY})\b)
  | (?P<fqtr>\b(?:the\s+)?(?P<fqord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+(?:fiscal\s+)?quarter,?\s+(?:of\s+)?(?:(?:the\s+)?fiscal\s+(?:year\s+)?|FY\s*)['’]?(?P<fqy>{_FYY})\b)
  | (?P<fyord>\b(?:its\s+|the\s+)?(?:fiscal\s+(?:year\s+)?|FY\s*)['’]?(?P<foy>{_FYY})\s+(?P<foord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+quarter\b)
  | (?P<qfy>\bQ(?P<qfyq>[1-4])\s*(?:of\s+)?(?:FY|fiscal(?:\s+year)?)\s*['’]?(?P<qfyy>{_FYY})\b)
  | (?P<fyq>\bFY\s*['’]?(?P<fyqy>{_FYY})\s*[-\s]?Q(?P<fyqq>[1-4])\b)
  | (?P<cy>\bCY\s*['’]?(?P<cyy>{_Y}|\d{{2}})\b)
  | (?P<fy>\b{_FISCAL}\s*['’]?(?P<fyy>{_FYY})[EF]?\b)
  | (?P<qended>\b(?:the\s+|its\s+)?(?:(?:fiscal\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+(?:fiscal\s+)?)?(?:quarter|three\s+months|three-month\s+period)\s+(?:that\s+)?(?:ended|ending|to|through)\s+(?:on\s+)?(?P<qem>{_MONTH})\b\.?(?:\s+(?P<qed>[12]\d|3[01]|0?[1-9])\b)?(?:,?\s+(?P<qey>{_Y})\b)?)
  | (?P<mspan>\b(?P<msa>{_MONTH})\s*[-–]\s*(?P<msb>{_MONTH})\s+(?:period|half|months)\b(?:\s+(?:of\s+)?(?P<msy>{_Y})\b)?(?:\s+of\s+(?:the\s+)?(?:fiscal|financial|business)\s+year\s+(?:ending|ended|to)\s+(?:in\s+)?(?P<msfm>{_MONTH})\s+(?P<msfy>{_Y})\b)?)
  | (?P<fyrev>\b(?:the\s+)?(?P<fyry>{_Y}(?:/(?:{_Y}|\d{{2}})(?!\d))?)\s+(?:fiscal|financial)\s+years?\b)
  | (?P<ytdended>\b(?:the\s+)?(?P<yten>six|nine|twelve)\s+months\s+(?:that\s+)?(?:ended|ending|to|through)\s+(?:on\s+)?(?P<ytem>{_MONTH})\b\.?(?:\s+(?P<yted>[12]\d|3[01]|0?[1-9])\b)?(?:,?\s+(?P<ytey>{_Y})\b)?)
  | (?P<fqbare>\b(?:the\s+|its\s+|their\s+)?fiscal\s+(?P<fbord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+quarter\b)
  | (?P<ytd>\b(?:the\s+|its\s+)?first\s+(?P<ytdn>two|three|four|five|six|seven|eight|nine|ten|eleven|[2-9]|1[01])\s+(?P<ytdu>quarters|months)(?:\s+of\s+(?:(?P<ytdfy>fiscal\s+(?:year\s+)?|FY\s*)(?P<ytdfyy>{_FYY})|(?P<ytdy>{_Y})|{_RELYEAR}|the\s+year))?)
  | (?P<ninem>(?<![$€£¥])\b(?P<nmn>[369])M(?:(?P<nmy>\d{{2}})\b|\s+(?P<nmy2>{_Y})\b|(?=\s+(?:revenue|sales|results|orders|net|operating|profit|earnings|EBITA|EBITDA|EPS|cash)\b|[,.;:)]|\s*$)))
  | (?P<qtr>\b(?:
        (?<!fiscal\s)(?:the\s+)?(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+quarter(?!ly)
      | (?:the\s+)?(?P<qmon>March|June|September|December)(?:-ended)?\s+quarter
      | (?:the\s+)?(?P<qspan>Jan(?:uary)?|Apr(?:il)?|July?|Oct(?:ober)?)\s*[-–]\s*(?:Mar(?:ch)?|June?|Sep(?:t(?:ember)?)?|Dec(?:ember)?)\s+quarter
      | Q(?P<qn>[1-4]) | (?P<qn2>[1-4])Q(?=\d{{2}}\b|\b)
      )(?:(?<=Q)(?P<qy3>\d{{2}})\b|\s*(?:of\s+|,\s*)?(?:(?P<qy>{_Y})\b|['’](?P<qy2>\d{{2}})\b|(?P<qrel>{_RELYEAR})))?)
  | (?P<half>\b(?:
        (?:the\s+)?(?P<hord>first|second)[-\s]+half(?:\s+of)?(?:\s+the\s+year)?
      | H(?P<hn>[12])(?!\d) | (?P<hn2>[12])H(?=\d{{2}}\b|\b)
      )(?:(?<=H)(?P<hy3>\d{{2}})\b|\s*(?:of\s+)?(?:(?P<hy>{_Y})\b|['’](?P<hy2>\d{{2}})\b|(?P<hrel>{_RELYEAR})))?)
  | (?P<nextyears>\b(?:(?:the\s+)?(?:next|coming|following)|(?<=over\s)|(?<=within\s))\s*(?P<nn>{_NUM})\s+years\b(?!\s+(?:ago|earlier)))
  | (?P<pastq>\b(?:the\s+)?(?:past|last|previous|prior|trailing)\s+(?P<pqn>{_NUM})\s+quarters\b)
  | (?P<pastyears>\b(?:the\s+)?(?:past|last|previous|prior)\s+(?P<pn>{_NUM})\s+years\b)
  | (?P<pastmonths>\b(?:the\s+)?(?:past|last|previous|prior|trailing)\s+(?P<pmn>{_NUM}|twelve|eighteen|twenty-four)\s+months\b|\bthe\s+(?:past|trailing)\s+year\b)
  | (?P<yearend>\b(?:the\s+)?year[- ]end\b(?!\s+(?:dividends?|bonus(?:es)?|results?|close|closing|sales?|rally|holidays?))(?:\s+(?P<yey>{_Y})\b)?)
  | (?P<nyear>\b(?P<nyn>{_NUM}|\d)[-\s]year\s+(?:plan|period|programme|program|horizon|investment|budget|target|commitment|roadmap)\b)
  | (?P<mdy>\b(?P<mdm>{_MONTH})\.?\s+(?P<mdd>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?:,?\s+(?P<mdyy>{_Y}))?)
  | (?P<dmy>\b(?P<dmd>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s+(?P<dmm>{_MONTH})\b\.?(?:,?\s+(?P<dmyy>{_Y}))?)
  | (?P<soy>\b(?<!since\s)(?:at\s+)?the\s+(?:start|beginning)\s+of\s+(?:(?P<soyy>{_Y})\b|{_RELYEAR}|the\s+year\b))
  | (?P<my>\b(?P<mym>{_MONTH})\.?,?\s+(?:of\s+)?(?:(?P<myy>{_Y})|(?P<myrel>{_RELYEAR})))
  | (?P<mnoun>\b(?P<mnm>{_MONTH})\s+(?=(?:sales|revenues?|figures?|deliveries|shipments|output|exports|imports|peak|high|low|record)\b))
  | (?P<nthday>\b(?:on\s+)the\s+(?P<nthd>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:of|century|straight|consecutive|anniversary)))
  | (?P<mrange>\b(?P<mra>{_MONTH})\s*[-–]\s*(?P<mrb>{_MONTH})\b(?!\s+(?:quarter|period|half|months|first|second|fiscal|financial))(?:,?\s+(?P<mry>{_Y})\b)?)
  | (?P<lmonth>(?:(?<![^\n])|(?<=[-*•]\s))(?P<lm>{_MONTH})\b(?=[ \t]+[^\s\d]{{0,4}}\d))
  | (?P<bmonth>\b(?:(?:[Ii]n|[Ss]ince|[Bb]y|[Ff]or|[Dd]uring|[Uu]ntil|[Tt]hrough|[Ff]rom|[Ee]arly|[Ll]ate|[Mm]id-?|[Ee]nd\s+of|[Ss]tart\s+of|[Bb]eginning\s+of)\s+)(?P<bm>{_MONTH})\b(?!\s*\d|,?\s+(?:of\s+)?{_RELYEAR}))
  | (?P<yrange>\b(?:between\s+)?(?P<yr1>{_Y})[EF]?\s*(?P<yrsep>-|–|to|through|and|until|/)\s*(?P<yr2>{_Y})[EF]?\b)
  | (?P<year>\b(?<![-.$])(?P<yy>{_Y})(?:[EF]\b|\b)(?![-.]\d|\s*%|\s*(?:billion|million|yuan|dollars)))
  | (?P<today>\b(?:today|this\s+morning|this\s+afternoon|tonight)\b)
  | (?P<yesterday>\byesterday\b)
  | (?P<weekday>\b(?:on\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)
  | (?P<latestq>\b(?:the\s+|its\s+|their\s+)?(?:latest|most\s+recent|recent|just-ended|just\s+ended)\s+(?:(?:fiscal|financial)\s+)?quarter(?:ly)?\b)
  | (?P<prevq>\b(?:the\s+)?(?:previous|prior|preceding|last)\s+quarter\b|\ba\s+quarter\s+(?:earlier|ago)\b)
  | (?P<thisq>\b(?:this|the\s+current)\s+quarter\b)
  | (?P<nextq>\b(?:next|the\s+next|the\s+coming)\s+quarter\b)
  | (?P<thismonth>\bthis\s+month\b)
  | (?P<lastmonth>\b(?:last|the\s+previous|the\s+prior)\s+month\b)
  | (?P<nextmonth>\bnext\s+month\b)
  | (?P<relyear>\b(?:(?:earlier|later)\s+)?{_RELYEAR}\b|\b(?:the\s+)?rest\s+of\s+the\s+(?:fiscal\s+|financial\s+)?year\b|\bfull[- ]year\b|(?<!average\s)\bfor\s+the\s+(?:full\s+|whole\s+|entire\s+)?year\b(?!\s+(?:ago|earlier|before|to\s+date))|\b(?:so\s+far\s+this\s+year|year[-\s]to[-\s]date)\b|\ba\s+year\s+(?:earlier|ago)\b)
  | (?P<season>\b(?:this|last|next|the\s+coming)\s+(?:summer|spring|autumn|winter)\b|\b(?:summer|spring|autumn|winter)\s+(?:of\s+)?(?P<seasony>{_Y})\b)
  | (?P<now>\b(?:currently|at\s+present|presently|as\s+of\s+now|so\s+far|to\s+date|as\s+things\s+stand)\b)
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Every period phrase holds one of these tokens; the full grammar runs only in windows around them.
# Case-sensitive with explicit variants: an IGNORECASE alternation scans about 2.5x slower.
# Triggers start a word (a letter may not precede them): checking that, and the first character,
# before the alternation makes the scan about 3x faster.
_TRIGGER = first_char_dispatch(  # transforms.dispatch: ~1.3x faster again
    re.compile(
        r"(?<![A-Za-z])(?=[\dQHqhYyFfTtMmCcPpSsJAONDWaw])(?:"
        r"(?:19|20)\d\d|\d[QH]|[369]M|[QH][1-4]|QUARTER|[Qq]uarter|[Hh]alf|[Yy]ears?|YEAR|[Ff]iscal|[Ff]inancial|FY|CY|"
        r"[Tt]oday|[Tt]onight|this (?:morning|afternoon)|[Yy]esterday|[Mm]onth|[Cc]urrently|[Pp]resent|"
        r"[Ss]o far|[Tt]o date|as of now|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|"
        r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|[Ss]ummer|[Ss]pring|[Aa]utumn|[Ww]inter|"
        r"[0-3]?\d(?:st|nd|rd|th)\b)"
    )
)
# The grammar, lower-cased, run case-sensitively over the lower-cased text finds the same spans
# faster; each hit is then matched again with _PERIOD at its position for the original groups.
_PERIOD_LOWER = re.compile(
    _PERIOD.pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="), re.VERBOSE
)
# The scan itself runs without capture groups, and without the word boundary that opens each
# alternative (every match starts at a word start already): about 2.5x faster again.
assert "(?P=" not in _PERIOD.pattern and "(?(" not in _PERIOD.pattern  # no group references
# Its alternatives are grouped by first character (transforms.dispatch): ~1.3x faster again.
_PERIOD_SCAN = first_char_dispatch(
    re.compile(
        re.sub(r"\(\?P<\w+>", "(?:", re.sub(r"\(\?P<\w+>\\b", "(?:", _PERIOD_LOWER.pattern)),
        re.VERBOSE,
    )
)
# Texts holding İ, ı or ſ (lower-casing and IGNORECASE disagree on them) take the plain scan.
_lowered_last: tuple[str, str | None] = ("", "")
_oddities_last: tuple[str, bool] = ("", False)
_WINDOW_BEFORE = 50
_WINDOW_AFTER = 30
_MONTH_CASED = re.compile(rf"^{_MONTH}")
_BASELINE = re.compile(
    r"(?:(?:compared\s+(?:to|with)|versus|vs\.?|than|since|from|relative\s+to)\s+(?:the\s+)?(?:same\s+(?:period|quarter|time|month)\s+(?:of\s+|in\s+)?)?"
    # "roughly triple the same period of fiscal 2026": the same period of another year is a base
    r"|\bthe\s+same\s+(?:period|quarter|time|months?)\s+(?:of|in|a\s+year\s+earlier\s+in)\s+"
    # "an acceleration from 55% in the previous quarter": the period of a comparison figure
    r"|\b(?:from|compared\s+(?:to|with)|versus|vs\.?)\s+(?:about\s+|around\s+|roughly\s+)?[$€£¥]?\d[\d.,]*\s*(?:%|percent|[A-Za-z$€£¥]+(?:\s+[A-Za-z]+)?)?\s+(?:in|during|for)\s+)$",
    re.IGNORECASE,
)

_BASELINE_LOWER = first_char_dispatch(lowered_twin(_BASELINE))  # lower-cased text: ~3x faster
_DATE_SEP = re.compile(r"[-./]")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

@dataclass(frozen=True, slots=True)
class PeriodMention:
    """A period phrase found in a text: its span and what it normalises to.

    values holds one period, or several for a list ("fiscal years 2026 and 2027").
    baseline marks a comparison base ("compared to 2022", "since October 2021").
    precision is "day" for a single date, else "period".
    """

    start: int
    end: int
    values: tuple[str, ...]
    baseline: bool = False
    precision: str = "period"


_CASE_ODDITIES = str.maketrans({"ſ": "s", "İ": "I", "ı": "i"})


def normalise_period(phrase: str, published: date | None, fiscal_end: int = 12) -> str | None:
    """Normalise one period phrase ("Q4 2024", "last year"); a list comes back comma-separated."""
    found = find_periods(phrase, published, fiscal_end=fiscal_end)
    if not found:
        return None
    best = max(found, key=lambda m: m.end - m.start)
    return ",".join(best.values)


def find_periods(
    text: str,
    published: date | None,
    *,
    start: int = 0,
    end: int | None = None,
    fiscal_end: int = 12,
) -> list[PeriodMention]:
    """Find and normalise the period phrases in text[start:end] (offsets are into text).

    fiscal_end is the month the company's fiscal year ends in: where it is not December,
    quarters named by their end month ("the September quarter", "the quarter ended Sept. 30")
    and fiscal quarters without a year ("fiscal second quarter") come back as FYyyyy-Qn.
    """
    stop = len(text) if end is None else end
    if _has_case_oddities(text) and any(text.find(ch, start, stop) != -1 for ch in "ſİı"):
        # ſ, İ and ı match the grammar case-insensitively but not its lower-cased lookups:
        # swap in their ASCII look-alikes (one code point each, so offsets stay valid).
        text = text.translate(_CASE_ODDITIES)
    out: list[PeriodMention] = []
    ctx_year: int | None = None  # last explicit year in this stretch: "Q1 of last year to ... Q4"
    ctx_quarter: tuple[int, int] | None = None
    ctx_fiscal_quarter: tuple[int, int] | None = None  # (fiscal year, quarter) last named
    ctx_date: date | None = None
    for m in _scan(text, start, stop):
        kind = m.lastgroup
        if kind is None:
            continue
        g = _Groups(m)  # read by name, a few per match: groupdict() builds all 93
        precision = "period"
        values: tuple[str, ...] | None = None
        if kind == "iso":
            d = _safe_date(*(int(x) for x in _DATE_SEP.split(m.group(kind))))
            if d:
                values, precision, ctx_year, ctx_date = (d.isoformat(),), "day", d.year, d
        elif kind == "fyrange":
            y1, y2 = _full_year(g["fy1"]), _full_year(g["fy2"])
            if y1 and y2 and y1 < y2:
                if g["fysep"].lower() in {"and", "&"}:
                    values = (f"FY{y1}", f"FY{y2}")
                else:
                    values = (f"FY{y1}..FY{y2}",)
        elif kind == "fqtr":
            y = _full_year(g["fqy"])
            if y:
                values = (f"FY{y}-Q{_ORDINAL[g['fqord'].lower()]}",)
        elif kind == "fyord":
            y = _full_year(g["foy"])
            if y:
                values = (f"FY{y}-Q{_ORDINAL[g['foord'].lower()]}",)
        elif kind in {"qfy", "fyq"}:
            y = _full_year(g["qfyy"] or g["fyqy"])
            if y:
                values = (f"FY{y}-Q{g['qfyq'] or g['fyqq']}",)
        elif kind == "qended":
            if not _MONTH_CASED.match(g["qem"]):
                continue
            ended = _quarter_ended(g["qem"], g["qey"], g["qed"], published, fiscal_end)
            if ended:
                y, month, quarter = ended
                values = (quarter,)
                if fiscal_end == 12:
                    ctx_year, ctx_quarter = y, (y, (month - 1) // 3 + 1)
        elif kind == "mspan":
            # "for the April-December period": the quarters from one month through the other
            if not (_MONTH_CASED.match(g["msa"]) and _MONTH_CASED.match(g["msb"])):
                continue
            first_m, last_m = month_number(g["msa"]), month_number(g["msb"])
            months = (last_m - first_m) % 12 + 1
            span_fiscal_end = fiscal_end
            if g["msfm"] and _MONTH_CASED.match(g["msfm"]):
                span_fiscal_end = month_number(g["msfm"])  # "... of the fiscal year ending March 2026"
            if months % 3 == 0 and (first_m - 1) % 3 == (span_fiscal_end % 3):
                y = int(g["msy"]) if g["msy"] else _year_of_recent_month(last_m, published, ctx_year)
                if g["msfy"] and span_fiscal_end != 12:
                    fy_end = int(g["msfy"])
                    y = fy_end if last_m <= span_fiscal_end else fy_end - 1
                if y:
                    last = _quarter_ending(y, last_m, span_fiscal_end)
                    first = _quarters_back(last, months // 3 - 1)
                    year_part, last_q = last.rsplit("-Q", 1)
                    if months == 12 and last_q == "4":
                        values = (year_part,)
                    else:
                        values = (_quarter_span(first, last),)  # "the January-June half" is H1
        elif kind == "fyrev":
            y = _full_year(g["fyry"])
            values = (f"FY{y}",) if y else None  # "for the 2027 financial year"
        elif kind == "ytdended":
            # "Nine Months Ended August 2, 2026": the fiscal year's quarters up to that one
            if not _MONTH_CASED.match(g["ytem"]):
                continue
            ended = _quarter_ended(g["ytem"], g["ytey"], g["yted"], published, fiscal_end)
            if ended:
                last = ended[2]
                count = {"six": 2, "nine": 3, "twelve": 4}[g["yten"].lower()]
                first = _quarters_back(last, count - 1)
                values = (_quarter_span(first, last),)
        elif kind == "fqbare":
            fq = _ORDINAL[g["fbord"].lower()]
            if published:
                values = (_recent_fiscal_quarter(fq, published, fiscal_end),)
        elif kind == "mrange":  # "January-September NT$61.88 billion": the months of one year
            if not (_MONTH_CASED.match(g["mra"]) and _MONTH_CASED.match(g["mrb"])):
                continue
            first_m, last_m = month_number(g["mra"]), month_number(g["mrb"])
            y = int(g["mry"]) if g["mry"] else _year_of_recent_month(last_m, published, ctx_year)
            if y and first_m < last_m:
                values = (f"{y}-{first_m:02d}..{y}-{last_m:02d}",)
        elif kind in {"mnoun", "bmonth", "lmonth"}:  # "May sales", "in May", "- May NT$4.0 billion"
            name = g["mnm"] or g["bm"] or g["lm"]
            if not _MONTH_CASED.match(name):
                continue
            month = month_number(name)
            y = _year_of_recent_month(month, published, ctx_year)
            if y:
                values, ctx_date = (f"{y}-{month:02d}",), date(y, month, 1)
        elif kind == "nthday" and published:
            day = int(g["nthd"])
            ref = published if day <= published.day else published.replace(day=1) - timedelta(days=1)
            d = _safe_date(ref.year, ref.month, day)
            if d:
                values, precision, ctx_date = (d.isoformat(),), "day", d
        elif kind == "ytd":
            cnt = _count(g["ytdn"]) or 0
            months = g["ytdu"].lower() == "months"
            quarters = cnt if not months else cnt // 3
            if months and cnt % 3:
                y = int(g["ytdy"]) if g["ytdy"] else ctx_year
                if y is None:
                    y = _relative_year(m.group(0), published) if published else None
                if y and 1 < cnt < 12:
                    values = (f"{y}-01..{y}-{cnt:02d}",)
            elif g["ytdfyy"] and 1 <= quarters <= 4:
                y = _full_year(g["ytdfyy"])
                values = (_first_quarters(f"FY{y}", quarters),) if y else None
            elif 1 <= quarters <= 4 and fiscal_end != 12 and published and "fiscal" in m.group(0).lower():
                # "the first nine months of this fiscal year"
                fy = _fiscal_year(published, fiscal_end) + _relative_offset(m.group(0), published)
                values = (_first_quarters(f"FY{fy}", quarters),)
            elif 1 <= quarters <= 4:
                yq = int(g["ytdy"]) if g["ytdy"] else ctx_year
                if yq is None:
                    yq = _relative_year(m.group(0), published) if published else None
                if yq:
                    values = (_first_quarters(str(yq), quarters),)
        elif kind == "ninem":  # "9M 2026", "9M26", "9M revenue": the year's first nine months
            quarters = int(g["nmn"]) // 3
            y = _full_year(g["nmy"] or g["nmy2"]) or ctx_year
            if y is None and published:
                y = published.year if published.month > quarters * 3 else published.year - 1
            if y:
                values = (_first_quarters(str(y), quarters),)
        elif kind == "cy":
            y = _full_year(g["cyy"])  # "CY27 EPS": a calendar year, named beside fiscal ones
            if y:
                values = (str(y),)
        elif kind == "fy":
            y = _full_year(g["fyy"])
            if y:
                values = (f"FY{y}",)
        elif kind == "qtr":
            q = _quarter_number(g)
            y = _resolve_year(g["qy"], g["qy2"] or g["qy3"], g["qrel"], published)
            if y is None:
                y = ctx_year if ctx_year is not None else _year_of_recent_quarter(q, published)
            if y is not None and (g["qmon"] or g["qspan"]) and fiscal_end != 12:
                values = (_quarter_ending(y, q * 3, fiscal_end),)  # "the September quarter"
            elif (
                fiscal_end != 12
                and (g["qord"] or g["qn"] or g["qn2"])
                and not (g["qy"] or g["qy2"] or g["qy3"] or g["qrel"])
                and ctx_year is None  # "from 25.8% in Q1 of last year to 26.2% in Q4": calendar
                and published
            ):
                # A company on a fiscal calendar names its own quarters: Dell's "third quarter"
                # (published in November) is its fiscal third quarter, FY2027-Q3.
                values = (_recent_fiscal_quarter(q, published, fiscal_end),)
            elif y is not None:
                values, ctx_year, ctx_quarter = (f"{y}-Q{q}",), y, (y, q)
        elif kind == "half":
            h = (
                1
                if (g["hord"] or "").lower() == "first" or g["hn"] == "1" or g["hn2"] == "1"
                else 2
            )
            y = _resolve_year(g["hy"], g["hy2"] or g["hy3"], g["hrel"], published)
            if y is None and fiscal_end != 12 and ctx_year is None and published:
                # a company on a fiscal calendar names its own halves: Tokyo Electron's "first
                # half" (published in November) is April-September, FY2027-H1
                values = (_recent_fiscal_half(h, published, fiscal_end),)
            else:
                if y is None:
                    y = ctx_year if ctx_year is not None else (published.year if published else None)
                if y is not None:
                    values, ctx_year = (f"{y}-H{h}",), y
        elif kind == "nextyears" and published:
            n = _count(g["nn"])
            if n:
                values = (_forward_span(ctx_date or published, n),)
        elif kind == "pastq" and published:
            n = _count(g["pqn"])
            if n and n > 1:
                y2, q2 = _last_reported_quarter(published)
                y1, q1 = _shift_quarter((y2, q2), 1 - n)
                first_q = _quarter_ending(y1, q1 * 3, fiscal_end)
                last_q = _quarter_ending(y2, q2 * 3, fiscal_end)
                values = (f"{first_q}..{last_q}",)
        elif kind == "soy":
            # "up from 35% at the start of the year": January of that year
            y = int(g["soyy"]) if g["soyy"] else ctx_year
            if y is None and published:
                y = _relative_year(m.group(0), published) if "year" in m.group(0).lower() else None
            if y:
                values = (f"{y}-01",)
        elif kind == "yearend" and (published or g["yey"]):
            # "for year-end we guide ARR of $3.0 billion": December of the year (of the one just
            # ended, early in a year)
            if g["yey"]:
                y = int(g["yey"])
            else:
                assert published is not None
                y = published.year - (1 if published.month <= 2 else 0)
            values = (f"{y}-12",)
        elif kind == "pastmonths" and published:
            n = (
                _count(g["pmn"]) or {"twelve": 12, "eighteen": 18, "twenty-four": 24}.get(g["pmn"].lower())
                if g["pmn"]
                else 12  # "over the past year"
            )
            if n:
                # "over the past 12 months" (published in February 2026): 2025-02..2026-02
                back = published.year * 12 + published.month - 1 - n
                values = (f"{back // 12}-{back % 12 + 1:02d}..{published.year}-{published.month:02d}",)
        elif kind == "pastyears" and published:
            n = _count(g["pn"])
            if n:
                values = (f"{published.year - n}..{published.year - 1}",)
        elif kind == "nyear":
            n = _count(g["nyn"])
            anchor = ctx_date or (date(ctx_year, 1, 1) if ctx_year else published)
            if n and n > 1 and anchor:
                values = (_forward_span(anchor, n),)
        elif kind in {"mdy", "dmy"}:
            if not _MONTH_CASED.match(g["mdm"] or g["dmm"]):
                continue
            month = month_number(g["mdm"] or g["dmm"])
            day = int(g["mdd"] or g["dmd"])
            yy = g["mdyy"] or g["dmyy"]
            y = int(yy) if yy else _year_of_recent_month(month, published, ctx_year)
            d = _safe_date(y, month, day) if y else None
            if d:
                values, precision, ctx_date = (d.isoformat(),), "day", d
                if published is None or abs((published - d).days) > 7:
                    # A dateline ("SEOUL, Jan. 29") dates the story, not the year of the
                    # quarters it reports: "fourth-quarter" on Jan. 29, 2026 is 2025-Q4.
                    ctx_year = d.year
        elif kind == "my":
            if not _MONTH_CASED.match(g["mym"]):
                continue
            month = month_number(g["mym"])
            y = int(g["myy"]) if g["myy"] else _relative_year(g["myrel"], published)
            if y:
                values, ctx_year, ctx_date = (f"{y}-{month:02d}",), y, date(y, month, 1)
        elif kind == "yrange":
            y1, y2 = int(g["yr1"]), int(g["yr2"])
            if y1 < y2 <= y1 + 30:
                values = (
                    (f"{y1}", f"{y2}")
                    if g["yrsep"].lower() in {"and", "/"} and not m.group(0).lower().startswith("between")
                    else (f"{y1}..{y2}",)
                )
                ctx_year = y1
        elif kind == "year":
            y = int(g["yy"])
            values, ctx_year = (str(y),), y
        elif kind == "today" and published:
            values, precision = (published.isoformat(),), "day"
        elif kind == "yesterday" and published:
            values, precision = ((published - timedelta(days=1)).isoformat(),), "day"
        elif kind == "weekday" and published:
            back = (published.weekday() - _WEEKDAYS.index(g["wd"].lower())) % 7
            values, precision = ((published - timedelta(days=back)).isoformat(),), "day"
        elif kind == "latestq" and published:
            y, q = _last_reported_quarter(published)
            values, ctx_quarter = (f"{y}-Q{q}",), (y, q)
        elif kind == "prevq" and ctx_fiscal_quarter is not None:
            fy, fq = _shift_quarter(ctx_fiscal_quarter, -1)  # after "fiscal second quarter"
            values = (f"FY{fy}-Q{fq}",)
        elif kind == "prevq" and ctx_quarter is None and fiscal_end != 12 and published:
            current = (_fiscal_year(published, fiscal_end), ((published.month - fiscal_end - 1) % 12) // 3 + 1)
            fy, fq = _shift_quarter(current, -1)  # before the fiscal quarter publication falls in
            values = (f"FY{fy}-Q{fq}",)
        elif kind == "prevq":
            base = ctx_quarter or (_quarter_of(published) if published else None)
            if base:
                y, q = _shift_quarter(base, -1)
                values = (f"{y}-Q{q}",)
        elif kind == "thisq" and published:
            y, q = _quarter_of(published)
            values = (f"{y}-Q{q}",)
        elif kind == "nextq" and published:
            y, q = _shift_quarter(_quarter_of(published), 1)
            values = (f"{y}-Q{q}",)
        elif kind in {"thismonth", "now"} and published:
            values = (f"{published.year}-{published.month:02d}",)
        elif kind == "lastmonth" and published:
            prev = published.replace(day=1) - timedelta(days=1)
            values = (f"{prev.year}-{prev.month:02d}",)
        elif kind == "nextmonth" and published:
            nxt = (published.replace(day=28) + timedelta(days=4)).replace(day=1)
            values = (f"{nxt.year}-{nxt.month:02d}",)
        elif kind == "season":
            # "opens this summer": the year of that season (no finer period is standard)
            if g["seasony"]:
                values = (g["seasony"],)
            elif published:
                word = m.group(kind).lower().split()[0]
                y = published.year
                if word == "last":
                    y -= 1 if published.month <= 8 else 0
                elif word in {"next", "the"}:
                    y += 1 if published.month >= 6 else 0
                values = (str(y),)
        elif kind == "relyear" and published:
            phrase = m.group(kind).lower()
            y = _relative_year(phrase, published)
            if phrase.startswith("for the") and ctx_year is not None:
                y = ctx_year  # "In 2024, ... 7 times its revenue for the year": that year
            whole_year = "full" in phrase or phrase.startswith("for the")  # "full-year", "for the year"
            if "fiscal" in phrase or "financial" in phrase or (fiscal_end != 12 and whole_year):
                fy = _fiscal_year(published, fiscal_end) + (y - published.year if y else 0)
                values = (f"FY{fy}",) if fiscal_end != 12 else (str(fy),)
            elif y:
                values = (str(y),)
                if "ago" not in phrase and "earlier" not in phrase:
                    ctx_year = y  # "up 182% from a year ago, ... at the end of October": not that year's October
        if not values:
            continue
        if len(values) == 1 and kind != "prevq":
            fiscal = _FISCAL_QUARTER_VALUE.match(values[0])
            if fiscal:
                ctx_fiscal_quarter = (int(fiscal.group(1)), int(fiscal.group(2)))
            elif kind in {"qtr", "qended", "latestq"}:
                ctx_fiscal_quarter = None  # a calendar quarter named since
        phrase = m.group(0).lower()
        possessive = text.startswith(("'s", "’s"), m.end())
        baseline = phrase.startswith(("since", "from ")) or (
            _is_baseline(text, max(start, m.start() - 40), m.start()) and not possessive
        )
        if kind == "relyear" and (
            "ago" in phrase
            or "year earlier" in phrase
            or "same" in text[max(start, m.start() - 25) : m.start()]
        ):
            baseline = True  # "a year earlier" names the comparison base, not the figure's period
        out.append(PeriodMention(m.start(), m.end(), values, baseline, precision))
    return out


def _is_baseline(text: str, start: int, end: int) -> bool:
    """_BASELINE in text[start:end], searched in the lower-cased text where that is safe."""
    low = _lowered(text)
    if low is not None:
        return _BASELINE_LOWER.search(low[start:end]) is not None
    return _BASELINE.search(text[start:end]) is not None


class _Groups:
    """A match's groups read by name (g["qy"]), without building the dict of all of them."""

    __slots__ = ("_group",)

    def __init__(self, m: re.Match[str]) -> None:
        self._group = m.group

    def __getitem__(self, name: str) -> str | Any:  # as groupdict()'s values are typed
        return self._group(name)


def _scan(text: str, start: int, stop: int) -> list[re.Match[str]]:
    """Matches of the period grammar, searched only in windows around trigger tokens."""
    windows: list[list[int]] = []
    for t in _TRIGGER.finditer(text, start, stop):
        ws, we = max(start, t.start() - _WINDOW_BEFORE), min(stop, t.end() + _WINDOW_AFTER)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = we
        else:
            windows.append([ws, we])
    low = _lowered(text) if windows else None
    if low is not None:
        found = _scan_lowered(text, low, start, windows)
        if found is not None:
            return found
    out: list[re.Match[str]] = []
    last_end = start
    for ws, we in windows:
        for m in _PERIOD.finditer(text, max(ws, last_end), we):
            out.append(m)
            last_end = m.end()
    return out


def _scan_lowered(
    text: str, low: str, start: int, windows: list[list[int]]
) -> list[re.Match[str]] | None:
    """The scan run over the lower-cased text; None (use the plain scan) should the two disagree."""
    out: list[re.Match[str]] = []
    last_end = start
    for ws, we in windows:
        for lm in _PERIOD_SCAN.finditer(low, max(ws, last_end), we):
            m = _PERIOD.match(text, lm.start(), we)
            if m is None or m.end() != lm.end():
                return None
            out.append(m)
            last_end = m.end()
    return out


def _has_case_oddities(text: str) -> bool:
    """Whether the text holds ſ, İ or ı anywhere (cached for the last text: a document's
    sentences are looked up one after another)."""
    global _oddities_last
    last = _oddities_last  # one read: the pair stays consistent under threads
    if last[0] is text:
        return last[1]
    found = has_case_fold_odd(text)
    _oddities_last = (text, found)
    return found


def _lowered(text: str) -> str | None:
    """The text lower-cased with every offset kept, or None where that is not safe (cached)."""
    global _lowered_last
    last = _lowered_last  # one read: the pair stays consistent under threads
    if last[0] is text:
        return last[1]
    low: str | None = text.lower()
    if low is not None and (len(low) != len(text) or has_case_fold_odd(text)):
        low = None
    _lowered_last = (text, low)
    return low


def coarsen_to_month(value: str) -> str:
    """Turn a day (2025-04-29) into its month (2025-04); other periods pass unchanged."""
    return value[:7] if _DAY.fullmatch(value) else value


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _first_quarters(year: str, quarters: int) -> str:
    """A year's first n quarters: "2026-Q1", "2026-H1" (two), "2026-Q1..2026-Q3"."""
    return _quarter_span(f"{year}-Q1", f"{year}-Q{quarters}")


def _quarter_span(first: str, last: str) -> str:
    """Quarters first..last as written: one quarter alone, a half as the half ("2026-Q1".."2026-Q2"
    is 2026-H1, also for fiscal years), else the span."""
    if first == last:
        return first
    year, _, q = first.rpartition("-Q")
    if q in {"1", "3"} and last == f"{year}-Q{int(q) + 1}":
        return f"{year}-H{(int(q) + 1) // 2}"
    return f"{first}..{last}"


def _full_year(raw: str | None) -> int | None:
    """The year a written year names: "26" is 2026; a fiscal "2026/27" is named by its end, 2027."""
    if not raw:
        return None
    first, _, end = raw.partition("/")
    y = int(first)
    y = 2000 + y if y < 100 else y
    if end:
        e = int(end)
        e = e + y // 100 * 100 if e < 100 else e
        if e in (y + 1, y + 1 - 100):
            return e + 100 if e < y else e
        if len(first) <= 2 and 1 <= int(first) <= 12:
            return 2000 + int(end) if len(end) == 2 else int(end)  # "FY3/27": the year to March 2027
        return None  # "2026/29" is not one fiscal year
    return y


def _count(raw: str | None) -> int | None:
    if not raw:
        return None
    raw = raw.lower()
    return int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)


def month_number(name: str) -> int:
    """The number of a month written as a name or its abbreviation ("March", "Sept." -> 3, 9)."""
    return _MONTHS[name[:3].lower()]


def _quarter_number(g: _Groups) -> int:
    if g["qord"]:
        return _ORDINAL[g["qord"].lower()]
    if g["qmon"]:
        return _QUARTER_MONTH[g["qmon"].lower()]
    if g["qspan"]:
        return {"jan": 1, "apr": 2, "jul": 3, "oct": 4}[g["qspan"][:3].lower()]
    return int(g["qn"] or g["qn2"] or 1)


def _relative_year(phrase: str | None, published: date | None) -> int | None:
    if not phrase or not published:
        return None
    p = phrase.lower()
    if "this" in p or "current" in p or "date" in p:
        return published.year
    if "full" in p:  # "full-year": early in a year, results for the year just ended
        return published.year - 1 if published.month <= 3 else published.year
    if any(w in p for w in ("last", "previous", "prior", "ago", "year earlier")):
        return published.year - 1
    if "next" in p or "coming" in p:
        return published.year + 1
    return published.year


def _resolve_year(
    full: str | None, short: str | None, rel: str | None, published: date | None
) -> int | None:
    if full:
        return int(full)
    if short:
        return 2000 + int(short)
    if rel:
        return _relative_year(rel, published)
    return None


def _fiscal_year(d: date, fiscal_end: int) -> int:
    """The fiscal year a date falls in, named by the calendar year it ends in."""
    return d.year if d.month <= fiscal_end else d.year + 1


def _quarter_ending(year: int, month: int, fiscal_end: int) -> str:
    """The quarter that ends in the given month: calendar 2025-Q3, or fiscal FY2026-Q2."""
    if fiscal_end == 12:
        return f"{year}-Q{(month - 1) // 3 + 1}"
    q = ((month - fiscal_end - 1) % 12) // 3 + 1
    fy = year if month <= fiscal_end else year + 1
    return f"FY{fy}-Q{q}"


def _quarter_of(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def _quarter_ended(
    month_word: str, year_word: str | None, day_word: str | None, published: date | None, fiscal_end: int
) -> tuple[int, int, str] | None:
    """(year, month, quarter) of a period "ended <Month> <day>, <year>" (the latest such month if no year)."""
    month = month_number(month_word)
    y = int(year_word) if year_word else _year_of_recent_month(month, published, None)
    if not y:
        return None
    closed_y, closed_m = _month_closed(y, month, day_word)
    return y, month, _quarter_ending(closed_y, closed_m, fiscal_end)


def _month_closed(year: int, month: int, day: str | None) -> tuple[int, int]:
    """The month a period that ends on a day really closes: a 52/53-week year ends "August 2"."""
    if day is not None and int(day) <= 7:
        return (year - 1, 12) if month == 1 else (year, month - 1)
    return year, month


def _quarters_back(value: str, n: int) -> str:
    """The quarter n before a calendar ("2026-Q3") or fiscal ("FY2026-Q3") quarter."""
    fiscal = value.startswith("FY")
    y, q = (int(x) for x in value.removeprefix("FY").split("-Q"))
    y, q = _shift_quarter((y, q), -n)
    return f"{'FY' if fiscal else ''}{y}-Q{q}"


def _shift_quarter(yq: tuple[int, int], n: int) -> tuple[int, int]:
    idx = yq[0] * 4 + yq[1] - 1 + n
    return idx // 4, idx % 4 + 1


def _last_reported_quarter(published: date) -> tuple[int, int]:
    """The latest quarter whose results are likely out: it ended at least 30 days before."""
    yq = _shift_quarter(_quarter_of(published), -1)
    end_month = yq[1] * 3
    end = (date(yq[0], end_month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if (published - end).days < 30:
        yq = _shift_quarter(yq, -1)
    return yq


_FISCAL_QUARTER_VALUE = re.compile(r"FY(\d{4})-Q([1-4])$")


def _recent_fiscal_quarter(q: int, published: date, fiscal_end: int) -> str:
    """The fiscal quarter q that began most recently on or before the publication month."""
    start_month = (fiscal_end + 3 * (q - 1)) % 12 + 1
    start_year = published.year if start_month <= published.month else published.year - 1
    end_month = (start_month + 1) % 12 + 1
    end_year = start_year + (1 if end_month < start_month else 0)
    return _quarter_ending(end_year, end_month, fiscal_end)


def _recent_fiscal_half(h: int, published: date, fiscal_end: int) -> str:
    """The fiscal half h that began most recently on or before the publication month."""
    start_month = (fiscal_end + 6 * (h - 1)) % 12 + 1
    start_year = published.year if start_month <= published.month else published.year - 1
    end_month = (start_month + 4) % 12 + 1
    end_year = start_year + (1 if end_month < start_month else 0)
    return f"FY{_fiscal_year(date(end_year, end_month, 1), fiscal_end)}-H{h}"


def _relative_offset(phrase: str, published: date) -> int:
    """Years from the publication year that a phrase's "last/next/this (fiscal) year" names."""
    y = _relative_year(phrase.lower(), published)
    return 0 if y is None else y - published.year


def _year_of_recent_quarter(q: int, published: date | None) -> int | None:
    if not published:
        return None
    start_month = (q - 1) * 3 + 1
    return published.year if start_month <= published.month else published.year - 1


def _year_of_recent_month(month: int, published: date | None, ctx_year: int | None) -> int | None:
    if ctx_year is not None:
        return ctx_year
    if not published:
        return None
    return published.year if month <= published.month else published.year - 1


def _forward_span(anchor: date, years: int) -> str:
    """Span from the anchor's year over N years; the end is the year holding most of the last 12 months."""
    end_year = anchor.year + years
    if anchor.month <= 6:
        end_year -= 1
    return f"{anchor.year}..{end_year}"
