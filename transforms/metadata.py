"""What a plain-text document says about itself: title, source, author and publication date.

Header lines are read with cheap regexes; dateparser runs only on the short date strings they
find (it costs about a millisecond a call), never on the whole text. No clock is read: a date
without a year takes its year from the text, or is left out.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from transforms.models import DocumentMeta
from transforms.periods import month_number

_HEADER_LINES = 14  # non-empty lines that may still be header
_BODY_LINE = 240  # a line this long is body text: the header has ended
_TEXT_SCAN = 4000  # characters searched for a date in the text when the header has none

_Y = r"(?:19|20)\d{2}"
_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# French month names ("Publié le 21 janv. 2026 à 07:00"), read as their English ones
_FR_MONTHS = {
    "janvier": "Jan", "janv": "Jan", "février": "Feb", "févr": "Feb", "fevrier": "Feb", "mars": "Mar",
    "avril": "Apr", "avr": "Apr", "mai": "May", "juin": "Jun", "juillet": "Jul", "juil": "Jul", "août": "Aug",
    "aout": "Aug", "septembre": "Sep", "sept": "Sep", "octobre": "Oct", "oct": "Oct", "novembre": "Nov",
    "nov": "Nov", "décembre": "Dec", "déc": "Dec", "decembre": "Dec",
}  # fmt: skip
_MON_FR = r"(?:" + "|".join(sorted(_FR_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME_FR = r"(?:\s+(?:à\s+)?\d{1,2}[:h]\d{2})?"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*(?:GMT|UTC|BST|EST|EDT|CST|PST|HKT|SGT|Beijing\s+time|[+-]\d{2}:?\d{2}))?)?"
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_DATE_STRING = re.compile(
    rf"(?P<d>"
    rf"{_Y}[-./](?:0?[1-9]|1[0-2])[-./](?:3[01]|[12]\d|0?[1-9])(?!\d)(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
    rf"|{_Y}年\d{{1,2}}月\d{{1,2}}日(?:\s*\d{{1,2}}:\d{{2}})?"
    rf"|(?:3[01]|[12]\d|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])/{_Y}{_TIME}"
    rf"|{_WEEKDAY}(?:3[01]|[12]\d|0?[1-9])\.(?:0?[1-9]|1[0-2])\.(?:{_Y}|\d{{2}})(?![\d.]){_TIME}"  # "Sunday 15.11.2026", "15.10.26"
    rf"|(?:3[01]|[12]\d|0?[1-9])(?:er)?\s+{_MON_FR}\s+{_Y}{_TIME_FR}"  # "21 janv. 2026 à 07:00"
    rf"|{_WEEKDAY}(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s+{_MON},?\s+{_Y}{_TIME}"
    rf"|{_WEEKDAY}{_MON}\s+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?,?\s+{_Y}{_TIME}"
    rf")"
)
_MONTH_DAY = re.compile(
    rf"\b(?P<d>{_MON}\s+(?:[12]\d|3[01]|0?[1-9]))(?:st|nd|rd|th)?\b(?!,?\s+{_Y})"
)
_YEAR = re.compile(rf"(?<![\d.-]){_Y}(?![\d])")
_DATE_LABEL = re.compile(
    r"^\s*(?:date|published(?:\s+on)?|publication\s+date|posted(?:\s+on)?|updated(?:\s+on)?|"
    r"first\s+published|released|time|filed(?:\s+with\s+the\s+SEC)?(?:\s+on)?|publi[ée]\s+le)\s*[:|]?\s*",
    re.IGNORECASE,
)
_AUTHOR_LINE = re.compile(
    r"^\s*(?:(?:author|authors|writer|written\s+by|by|byline|reporter|reporters|reporting\s+by|text\s+by|"
    r"analysts?)\s*[:|：]?\s+)"
    r"(?P<name>[^\n]{2,80}?)\s*$",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(
    r"^\s*(?:source|from|via|publisher|publication|outlet|originally\s+published\s+(?:by|in|on)|republished\s+from)"
    r"\s*[:|：]?\s+(?P<name>[^\n]{2,80}?)\s*$",
    re.IGNORECASE,
)
_TITLE_LINE = re.compile(r"^\s*(?:title|headline)\s*[:|：]\s*(?P<t>.+?)\s*$", re.IGNORECASE)
# "Yonhap News Agency | Economy", "TrendForce Press Center | Semiconductors": an outlet, then its section.
_OUTLET_LINE = re.compile(r"^(?P<name>[^|·\d]{2,50}?)\s*[|·]\s*\S")
_OUTLET_SUFFIX = re.compile(r"\s+(?:press\s+(?:center|centre|room)|newsroom|news\s+center)$", re.IGNORECASE)
# Section banners that head a page but name no outlet.
_GENERIC_SECTION = re.compile(
    r"^(?:equity\s+research|research|markets?|news|breaking(?:\s+news)?|exclusive|analysis|opinion|"
    r"company\s+update|industry\s+update|technology|business|economy|press\s+release|\(?lead\)?)$",
    re.IGNORECASE,
)
# "KOSUKE TAKAHASHI, Nikkei staff writer": a name, then the writer's role.
_ROLE_BYLINE = re.compile(
    r"^(?P<name>[A-Z][A-Za-z'.-]+(?:\s+[A-Z][A-Za-z'.-]+){1,3}),\s+[^|]{0,40}?\b"
    r"(?:staff\s+writer|writer|correspondent|reporter|editor|columnist)s?\s*$"
)
# Press-release wires written into the dateline: "ROUND ROCK, Texas, Nov. 24, 2026 /PRNewswire/ --".
_WIRE = re.compile(r"/\s*(?P<wire>PRNewswire|PR\s+Newswire|GLOBE\s+NEWSWIRE|Business\s+Wire|Newsfile)\s*/", re.IGNORECASE)
_WIRE_NAMES = {"prnewswire": "PR Newswire", "pr newswire": "PR Newswire", "globe newswire": "GlobeNewswire",
               "business wire": "Business Wire", "newsfile": "Newsfile"}
_WIRE_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Za-z .'/-]{{1,40}},(?:\s+[A-Z][A-Za-z.]+,)?\s+(?P<date>{_MON}\s+\d{{1,2}},?\s+{_Y})\s*/"
)
_DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Za-z .'/-]{{1,40}}),\s+(?P<date>{_MON}\s+\d{{1,2}}(?:,\s+{_Y})?)\s*"
    r"\((?P<agency>[A-Za-z .]{2,30})\)\s*[-–—]"
)
_NOT_SOURCE = re.compile(
    r"[.!?:;]|\d|^(?:introduction|summary|abstract|editor|advertisement|share|comments?)\b",
    re.IGNORECASE,
)
_AUTHOR_STOP = re.compile(
    r"\s*(?:[|,;]\s*(?:editor|editing|photo|source|published|updated|additional\s+reporting)\b.*|\s+in\s+[A-Z][a-z]+$)",
    re.IGNORECASE,
)


def parse_text_metadata(text: str) -> DocumentMeta:
    """Read title, source, author and publication date from a text's own header lines."""
    meta = DocumentMeta()
    front, text_after = _front_matter(text)
    lines = _header_lines(text_after)
    date_line: int | None = None
    labelled_date: tuple[int, datetime] | None = None
    first_date: tuple[int, datetime] | None = None
    banners: set[int] = set()
    for key, value in front.items():
        _take_field(meta, key, value)
        if key in _FRONT_DATE and labelled_date is None:
            parsed = _parse_date(value, text)
            if parsed:
                labelled_date = (-1, parsed[0])
    for idx, line in enumerate(lines):
        t = _TITLE_LINE.match(line)
        if t and meta.title is None:
            meta.title = t.group("t")
            continue
        a = _AUTHOR_LINE.match(line)
        if a and meta.author is None and not _DATE_STRING.search(line):
            meta.author = _clean_author(a.group("name"))
            continue
        dated_byline = _DATED_BYLINE.match(line) if meta.author is None else None
        if dated_byline:
            # "BY Todd Bishop on April 30, 2026 at 1:25 pm": the author, then the date read below
            meta.author = _clean_author(dated_byline.group("name"))
        r = _ROLE_BYLINE.match(line)
        if r and meta.author is None:
            meta.author = _clean_author(r.group("name"))
            banners.add(idx)
            continue
        s = _SOURCE_LINE.match(line)
        if s and meta.source is None:
            meta.source = _clean_name(s.group("name"))
            continue
        dl = _DATELINE.match(line)
        if dl:
            meta.source = meta.source or dl.group("agency").strip()
            _note_month_day(dl.group("date"), meta)
            parsed = _parse_date(dl.group("date"), text)
            if parsed and labelled_date is None:
                labelled_date = (idx, parsed[0])
                if parsed[1]:
                    meta.extra["date_year_inferred"] = "true"
            continue
        if len(line) <= 80:
            d = _DATE_STRING.search(line) or _DATE_STRING.search(_capitalise_date_words(line))
            if d:
                parsed = _parse_date(d.group("d"), text)
                if parsed:
                    if _DATE_LABEL.match(line) and labelled_date is None:
                        labelled_date = (idx, parsed[0])
                    elif first_date is None and len(line) - len(d.group("d")) <= 30:
                        first_date = (idx, parsed[0])
                continue
        outlet = _outlet_of(line)
        if outlet is not None:
            banners.add(idx)
            if outlet and meta.source is None:
                meta.source = outlet
            elif not outlet and meta.source is None and _looks_like_name(lines, idx + 1):
                # "EQUITY RESEARCH | US Software" over "Redwood Ridge Capital Markets"
                meta.source = lines[idx + 1]
                banners.add(idx + 1)
    chosen = labelled_date or first_date
    if (
        chosen is not None
        and first_date is not None
        and chosen is not first_date
        and chosen[1].date() == first_date[1].date()
        and chosen[1].time() == datetime.min.time()
    ):
        chosen = (chosen[0], first_date[1])  # the dateline's day, at the header's time
    if chosen is not None:
        date_line, meta.published_at = chosen
        meta.date_origin = "header"
    if meta.title is None:
        meta.title = _guess_title([line for i, line in enumerate(lines) if i not in banners])
    if meta.source is None and date_line is not None and date_line >= 0:
        meta.source = _source_near(lines, date_line, meta.title)
    if meta.published_at is None or meta.source is None:
        _read_body_dateline(text_after, meta)
    if meta.published_at is None:
        found = _date_in_text(text)
        if found is not None:
            meta.published_at = found
            meta.date_origin = "text"
    return meta


# Front-matter keys (YAML-style "key: value" between "---" lines) and the field each fills.
_FRONT_FIELDS = {
    "title": "title", "headline": "title",
    "source": "source", "publication": "source", "publisher": "source", "outlet": "source", "site": "source",
    "author": "author", "authors": "author", "byline": "author", "by": "author", "writer": "author",
}
_FRONT_DATE = frozenset({"date", "published", "published_at", "publication_date", "pubdate", "datetime", "time"})
_FRONT_LINE = re.compile(r"^\s*(?P<key>[A-Za-z_][\w -]{0,30}?)\s*:\s*(?P<value>.*?)\s*$")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML-style front matter at the very top ("---" ... "---"), and the text after it."""
    if not text.lstrip("\ufeff").startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end == -1 or end > 3000:
        return {}, text
    fields: dict[str, str] = {}
    for line in text[3:end].splitlines():
        m = _FRONT_LINE.match(line)
        if m and m.group("value"):
            fields[m.group("key").strip().lower().replace(" ", "_")] = m.group("value").strip().strip("\"'")
    after = text.find("\n", end + 4)
    return fields, (text[after + 1 :] if after != -1 else "")


def _take_field(meta: DocumentMeta, key: str, value: str) -> None:
    """Fill title, source or author from one front-matter field (the first value wins)."""
    target = _FRONT_FIELDS.get(key)
    if target == "title" and meta.title is None:
        meta.title = value
    elif target == "source" and meta.source is None:
        meta.source = _clean_name(value)
    elif target == "author" and meta.author is None:
        meta.author = _clean_author(value)


def _outlet_of(line: str) -> str | None:
    """For an "Outlet | Section" banner: the outlet ("" when the banner is generic); else None."""
    m = _OUTLET_LINE.match(line)
    if not m or len(line) > 100:
        return None
    name = m.group("name").strip()
    if _NOT_SOURCE.search(name) or len(name.split()) > 5:
        return None
    name = _OUTLET_SUFFIX.sub("", name)
    return "" if _GENERIC_SECTION.match(name) else name


def _looks_like_name(lines: list[str], idx: int) -> bool:
    """A short line of capitalised words with no digits or sentence punctuation."""
    if idx >= len(lines):
        return False
    words = lines[idx].split()
    return 1 <= len(words) <= 5 and not _NOT_SOURCE.search(lines[idx]) and all(w[0].isupper() for w in words)


_BODY_DATELINE_SCAN = 3000


def _read_body_dateline(text: str, meta: DocumentMeta) -> None:
    """The dateline that opens the story ("BEIJING, Nov 12 (Reuters) -", "... 2026 /PRNewswire/ --")."""
    head = text[:_BODY_DATELINE_SCAN]
    for line in head.splitlines():
        dl = _DATELINE.match(line)
        wire = _WIRE.search(line[:160])
        if dl:
            meta.source = meta.source or dl.group("agency").strip()
            raw = dl.group("date")
        elif wire:
            meta.source = meta.source or _WIRE_NAMES.get(re.sub(r"\s+", " ", wire.group("wire").lower()), wire.group("wire"))
            wd = _WIRE_DATELINE.match(line)
            raw = wd.group("date") if wd else ""
        else:
            continue
        if meta.published_at is None and raw:
            _note_month_day(raw, meta)
            parsed = _parse_date(raw, text)
            if parsed:
                meta.published_at, meta.date_origin = parsed[0], "header"
                if parsed[1]:
                    meta.extra["date_year_inferred"] = "true"
        return


def _note_month_day(raw: str, meta: DocumentMeta) -> None:
    """A dateline without a year ("Nov 12"): keep its month and day so the caller can place it."""
    if _YEAR.search(raw):
        return
    md = _parse_common_date(f"{raw.strip().rstrip(',')}, 2000")
    if md is not None:
        meta.extra["date_month_day"] = md.strftime("%m-%d")


def place_yearless_date(meta: DocumentMeta, reference: date) -> None:
    """Date a yearless dateline by a reference day (the file's arrival): its latest occurrence then.

    Used when the text names no year, or only years after the reference (forecasts): news is
    filed when it is written, so "Nov 12" arriving on 2026-03-01 is 2025-11-12. A year the text
    gives is kept otherwise (archives arrive long after they were written). The result is
    marked: date_origin "dateline_year_guess".
    """
    month_day = meta.extra.get("date_month_day")
    if not month_day:
        return
    if meta.published_at is not None and (
        "date_year_inferred" not in meta.extra or meta.published_at.date() <= reference
    ):
        return
    month, day = (int(x) for x in month_day.split("-"))
    for year in range(reference.year, reference.year - 5, -1):
        try:
            candidate = datetime(year, month, day)
        except ValueError:  # 29 February in a common year
            continue
        if candidate.date() <= reference:
            meta.published_at, meta.date_origin = candidate, "dateline_year_guess"
            return


def _header_lines(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) > _BODY_LINE or len(out) >= _HEADER_LINES:
            break
        out.append(line)
    return out


def _clean_name(raw: str) -> str | None:
    name = _AUTHOR_STOP.sub("", raw).strip(" |-–—:：")
    return name or None


_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\s/\s|\|)\s*")
_AUTHOR_NOTE = re.compile(r"\s*\([^)]*\)")


def _clean_author(raw: str) -> str | None:
    """Names only: "Amy Chan (lead) / Tom Lee, CFA" -> "Amy Chan, Tom Lee"; places and roles dropped."""
    names = []
    for part in _AUTHOR_SPLIT.split(_AUTHOR_STOP.sub("", _AUTHOR_NOTE.sub("", raw))):
        # After a comma comes a role, a credential or a place ("Senior Correspondent", "CFA",
        # "in London"), not another name: names are joined with "and", ";" or "/".
        name = _clean_name(part.split(",")[0])
        if name and re.search(r"[A-Za-z\u4e00-\u9fff]", name):
            names.append(name.title() if name.isupper() and len(name) > 4 else name)
    return ", ".join(names) or None


def _guess_title(lines: list[str]) -> str | None:
    for line in lines[:3]:
        if _DATE_STRING.search(line) or _AUTHOR_LINE.match(line) or _SOURCE_LINE.match(line):
            continue
        if len(line) <= 200 and (not line.endswith((".", "!", "?")) or len(line.split()) <= 20):
            return line.lstrip("#").strip() or None  # a Markdown heading's text, without its marks
    return None


def _source_near(lines: list[str], date_line: int, title: str | None) -> str | None:
    """A short name line right beside the date line ("Wallstreetcn" above "2025.05.07 14:37")."""
    for idx in (date_line - 1, date_line + 1):
        if not 0 <= idx < len(lines):
            continue
        line = lines[idx]
        if (
            line == title
            or _NOT_SOURCE.search(line)
            or len(line.split()) > 4
            or _AUTHOR_LINE.match(line)
            or _BODY_HEADING.match(line)
        ):
            continue
        if line[0].isupper() or line[0].isdigit():
            return line
    return None


# Headings that open a story's body ("Key points", "Highlights"), never an outlet's name.
_BODY_HEADING = re.compile(
    r"^(?:key\s+(?:points|takeaways|facts|data)|highlights|summary|what\s+happened|overview|"
    r"background|guidance|outlook|details)\b",
    re.IGNORECASE,
)


def _parse_date(raw: str, text: str) -> tuple[datetime, bool] | None:
    """Parse one short date string; a missing year comes from the text's latest year (flagged)."""
    raw = raw.strip()
    # dateparser reads "2025.05.07" as a time-like token; dashes are unambiguous.
    raw = re.sub(rf"^({_Y})[./](\d{{1,2}})[./](\d{{1,2}})", r"\1-\2-\3", raw)
    # a dotted day-first date ("Sunday 15.11.2026", "15.10.26") is European: day, month, year
    raw = re.sub(rf"^{_WEEKDAY}(\d{{1,2}})\.(\d{{1,2}})\.({_Y})", r"\3-\2-\1", raw)
    raw = re.sub(r"^(\d{1,2})\.(\d{1,2})\.(\d{2})(?!\d)", r"20\3-\2-\1", raw)
    french = re.match(rf"(\d{{1,2}})(?:er)?\s+({_MON_FR})\s+({_Y})(?:\s+(?:à\s+)?(\d{{1,2}})[:h](\d{{2}}))?", raw)
    if french:
        day, month, year, hh, mm = french.groups()
        raw = f"{day} {_FR_MONTHS[month.rstrip('.').lower()]} {year}" + (f" {hh}:{mm}" if hh else "")
    slashed = _SLASH_DATE.match(raw)
    if slashed:
        return _parse_slash_date(slashed, text), False
    year_inferred = False
    if not _YEAR.search(raw):
        years = [int(y) for y in _YEAR.findall(text[:20000])]
        if not years:
            return None
        raw = f"{raw}, {max(years)}"
        year_inferred = True
    parsed = _parse_common_date(raw) or _parse_with_dateparser(raw, "YMD" if re.match(_Y, raw) else "DMY")
    if parsed is None:
        return None
    return parsed, year_inferred


_DATED_BYLINE = re.compile(
    r"^\s*by\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s+(?:on|\||·|-|—)\s+(?=\S*\d|[A-Z][a-z]{2})",
    re.IGNORECASE,
)
_UPPER_DATE_WORD = re.compile(
    r"\b(?:JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?|SEPT?(?:EMBER)?|"
    r"OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?|MON|TUE|TUES|WED|THU|THUR|THURS|FRI|SAT|SUN)\b"
)


def _capitalise_date_words(line: str) -> str:
    """ "PUBLISHED WED, FEB 25 2026 5:12 AM EST" with its month and weekday written as words are."""
    return _UPPER_DATE_WORD.sub(lambda m: m.group(0).capitalize(), line)


_SLASH_DATE = re.compile(
    rf"^(\d{{1,2}})/(\d{{1,2}})/({_Y})(?:,?\s*(?:at\s+)?(\d{{1,2}}):(\d{{2}})(?::\d{{2}})?\s*([AaPp])?\.?[Mm]?\.?)?"
)
_WRITTEN_MONTH_DAY = re.compile(rf"\b({_MON})\s+(\d{{1,2}})\b|\b(\d{{1,2}})\s+({_MON})")


def _parse_slash_date(m: re.Match[str], text: str) -> datetime:
    """"03/10/2026 03:28 PM": day and month told apart by a number over 12, else by the text's own
    "March 10", else read month first (the US order the shape mostly comes from)."""
    a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    month, day = (b, a) if a > 12 else (a, b)
    if a <= 12 and b <= 12 and a != b:
        written = {
            (month_number(w.group(1) or w.group(4)), int(w.group(2) or w.group(3)))
            for w in _WRITTEN_MONTH_DAY.finditer(text[:3000])
        }
        if (b, a) in written and (a, b) not in written:
            month, day = b, a
    hour = int(m.group(4)) if m.group(4) else 0
    minute = int(m.group(5)) if m.group(5) else 0
    if m.group(6) and m.group(6).lower() == "p" and hour < 12:
        hour += 12
    elif m.group(6) and m.group(6).lower() == "a" and hour == 12:
        hour = 0
    return datetime(year, month, day, hour, minute)


# The shapes most headers use, parsed exactly without dateparser (which costs ~1-3 ms a call).
_COMMON_FORMATS = (
    "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%d %B, %Y", "%A, %B %d, %Y", "%A %d %B %Y",
    "%B %d, %Y %H:%M", "%b %d, %Y %H:%M", "%d %B %Y %H:%M", "%d %b %Y %H:%M",
)
# The same formats (in the same order) split by their first field: a number (%Y, %d) never
# starts with a letter, a month or weekday name (%B, %b, %A) never with a digit.
_NUMBER_FIRST_FORMATS = tuple(f for f in _COMMON_FORMATS if f.startswith(("%Y", "%d")))
_NAME_FIRST_FORMATS = tuple(f for f in _COMMON_FORMATS if f.startswith(("%B", "%b", "%A")))
assert len(_NUMBER_FIRST_FORMATS) + len(_NAME_FIRST_FORMATS) == len(_COMMON_FORMATS)
# A trailing zone name is dropped: publication times are kept as written (naive).
_ZONE_SUFFIX = re.compile(r"\s+(?:GMT|UTC|HKT|CST|BST|CET|CEST|ET|EST|EDT|PT|PST|PDT|JST|SGT|Z)$")


def _parse_common_date(raw: str) -> datetime | None:
    """Exact parse of the common header shapes; None when the string is any other shape."""
    cleaned = re.sub(r"\s+", " ", re.sub(r"\bSept\b\.?", "Sep", raw).replace(".", "")).strip()
    cleaned = _ZONE_SUFFIX.sub("", cleaned)
    # only the formats whose first field can read the first character (a failed strptime is slow)
    first = cleaned[:1]
    formats = (
        _NAME_FIRST_FORMATS
        if first.isascii() and first.isalpha()
        else _NUMBER_FIRST_FORMATS
        if first.isdecimal()
        else _COMMON_FORMATS
    )
    for fmt in formats:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


@lru_cache(maxsize=4096)
def _parse_with_dateparser(raw: str, date_order: str) -> datetime | None:
    """dateparser for the long tail of date shapes (cached: feeds repeat the same strings)."""
    import dateparser

    settings: Any = {
        "REQUIRE_PARTS": ["year", "month", "day"],
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": date_order,
        "PREFER_DAY_OF_MONTH": "first",
    }
    parsed = dateparser.parse(raw, languages=["en", "zh"], settings=settings)
    return None if parsed is None else parsed.replace(tzinfo=None)


def _date_in_text(text: str) -> datetime | None:
    """The first full date in the opening of the text, else "Month D" with a year in its sentence."""
    head = text[:_TEXT_SCAN]
    m = _DATE_STRING.search(head)
    if m:
        parsed = _parse_date(m.group("d"), text)
        if parsed:
            return parsed[0]
    for md in _MONTH_DAY.finditer(head):
        if not md.group("d")[0].isupper():
            continue
        s = max(head.rfind(".", 0, md.start()), head.rfind("\n", 0, md.start())) + 1
        e_candidates = [
            i for i in (head.find(". ", md.end()), head.find("\n", md.end())) if i != -1
        ]
        e = min(e_candidates) if e_candidates else len(head)
        y = _YEAR.search(head, s, e)
        if y:
            parsed = _parse_date(f"{md.group('d')}, {y.group(0)}", text)
            if parsed:
                return parsed[0]
    return None
