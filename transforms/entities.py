"""Who a figure is about: a watchlist of canonical names plus names found in the text itself."""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass

from transforms.dispatch import first_char_dispatch

# Kinds whose mentions name a source or a person, never the subject of a figure.
SOURCE_KINDS = frozenset({"analyst", "media", "person"})
ENTITY_KINDS = frozenset(
    {"company", "product", "segment", "market", "index", "person", "analyst", "media", "other"}
)


@dataclass(frozen=True, slots=True)
class Entity:
    """One watchlist row: a canonical name, its kind and the other ways texts write it."""

    canonical: str
    kind: str
    aliases: tuple[str, ...] = ()
    fiscal_year_end: int | None = None  # month (1-12) a company's fiscal year ends in


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in a text: where, which canonical entity, and whether the watchlist knew it."""

    start: int
    end: int
    canonical: str
    kind: str
    known: bool = True

    @property
    def is_subject_kind(self) -> bool:
        """True where the mention can be what a figure is about (not a person, analyst or outlet)."""
        return self.kind not in SOURCE_KINDS


class CatalogError(ValueError):
    """The entity watchlist cannot be read; the message says which row and why."""


# Names found without the watchlist: model and product names carrying digits ("Qwen3-Next",
# "GPT-5"), CamelCase brands ("DingTalk"), and capitalised names with a corporate suffix.
# Possessive runs (*+, ++) where giving characters back cannot help (a name's letters are
# followed by a space or an apostrophe, never by more letters): same matches, ~20% faster scan.
_UNLISTED = re.compile(
    r"(?=[A-Z]|[a-z][A-Z])(?:"
    r"(?P<suffix>(?<![\w-])(?P<sfx_head>(?:[A-Z][\w&.-]*+[ \t](?:(?:and|&)[ \t])?){0,3}[A-Z][\w&.-]*+)[ \t]"
    r"(?P<sfx>Inc|Corp|Corporation|Group|Holdings|Ltd|Limited|Technologies|Technology|Labs|Cloud|Bank|"
    r"Securities|Motors|Semiconductor|Division|Unit)\b\.?)"
    r"|(?P<digit>(?<![\w$¥€£.-])(?:[A-Z][A-Za-z]+\d[\w.]*|[A-Z][A-Za-z]*-\d[\w.]*|[A-Z][A-Za-z]+ \d(?:\.\d)?-[A-Za-z]+)"
    r"(?:-[A-Za-z0-9][\w.]*)*(?<!\.))"
    r"|(?P<poss>(?<![\w-])(?P<poss_name>[A-Z][a-z]{2,}+[A-Za-z]*+)['’]s\s+(?:\w+\s+){0,2}?"
    r"(?:revenue|sales|profit|shares|stock|market|cloud|business|earnings|income|valuation|capex|"
    r"spending|investment|users|models?|platform|app|chips?)\b)"
    r"|(?P<actor>(?:(?<![^\n])|(?<=[.;:!?\n]\s)|(?<=[a-z,'’] ))(?P<actor_name>[A-Z][a-z]{2,}+[A-Za-z]*+|[A-Z]{3,}[0-9]?(?=\s+ha[sd]\s))\s++"
    r"(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+)?(?:has\s+|had\s+|have\s+|also\s+)?"
    r"(?:reported|reports|posted|posts|said|says|announced|announces|launched|launches|released|releases|"
    r"raised|raises|invested|invests|plans|planned|expects|expected|unveiled|unveils|generated|recorded|"
    r"booked|shipped|sold|signed|signs|secured|secures|agreed|agrees|targets|is\s+targeting|filed|files)\b)"
    r"|(?P<camel>(?<![\w-])(?:[A-Z][a-z]+[A-Z][A-Za-z]+|[a-z][A-Z][a-z]{2,}[A-Za-z]*)(?:-[A-Z][A-Z0-9.]*)?(?![\w-]))"
    r")"
)
# Rarer name shapes, found from a cheap anchor and matched around it (tried at every capital
# letter, as alternatives of _UNLISTED, they cost as much as the rest of it together).
# "Alchip (3661)", "Sakura Internet <3778>", "Kuaishou (1024.HK)": a name with its stock code
_STOCK_CODE = re.compile(
    r"[(<（](?:(?:[A-Z]{2,6}:[ ]?)?\d{3,6}(?:[. ][A-Z]{1,3})?"
    r"|(?:NYSE|NASDAQ|Nasdaq|LSE|HKEX|SSE|SZSE|TSE|KRX|ASX|Euronext|SIX|TSX):[ ]?[A-Z][A-Z.]{0,5})[)>）]"
)
# The same code right after a name: "Hanmi Semiconductor (042700 KS)"
STOCK_CODE_AFTER = re.compile(r"[ \t]*" + _STOCK_CODE.pattern)
_CODED_BEFORE = re.compile(r"(?<![\w'’-])(?P<name>[A-Z][\w&.-]*(?:[ ][A-Z][\w&.-]*){0,3})[ \t]*\Z")
# "Schneider Electric Q3 2026 Revenue: ...", "Fluidstack : « ... »": a headline opening with a name
_TITLE_NAME = re.compile(
    r"(?P<name>(?!(?:Q[1-4]|H[12]|FY)\b)[A-Z][\w&.-]*(?: (?!(?:Q[1-4]|H[12]|[1-4]Q\d\d|FY)\b)[A-Z][\w&.-]*){0,2})"
    r"(?= (?:Q[1-4]|H[12]|[1-4]Q\d\d|FY\d|20\d\d|first|second|third|"
    r"fourth|full-year|Revenue|Results|Earnings|Sales|Profit|Orders)\b| ?:\s*[«\"“‘'])"
)
# "equipment maker Ericsson beat", "startup Fluidstack said": a name a descriptor introduces
_DESCRIBED = re.compile(
    r"\b(?:maker|company|firm|giant|operator|provider|start-?up|rival|supplier|designer|developer|vendor|"
    r"specialist|subsidiary|group) (?P<name>[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,2})(?=,| (?:said|says|has|had|is|was|"
    r"will|reported|posted|beat|missed|raised|cut|expects|plans|announced|signed|shipped|won)\b)"
)
# "London-based Synthesia", "Paris-based Mistral AI": what a place-based phrase introduces
_BASED_AFTER = re.compile(r"(?:[A-Z][\w&-]*\s){0,2}[A-Z][\w&-]+")
# "Dominion Energy, which serves ...", "PIF, which manages ...": a name a relative clause hangs on
_WHICH_BEFORE = re.compile(r"(?<![\w'’-])(?P<name>(?:[A-Z][\w&-]*\s){0,2}[A-Z][\w&-]+)\Z")
# "G42's Khazna Data Centers reported revenue": a longer name doing what companies do
_FIRM_VERBS = (
    "reported", "reports", "posted", "posts", "announced", "announces", "raised", "raises", "invested",
    "invests", "generated", "recorded", "booked", "shipped", "signed", "signs", "secured", "secures",
)
_FIRM_VERB = re.compile(r"\s(?:" + "|".join(_FIRM_VERBS) + r")\b")
_FIRM_BEFORE = re.compile(
    r"(?:(?<=[.;:!?\n]\s)|(?<=[a-z,'’] ))(?P<name>(?:[A-Z][\w&-]*\s){1,2}[A-Z][a-z]{2,}[A-Za-z]*)\Z"
)


def _anchored_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, shape) of the rarer name shapes: coded, title, described, based, which, firm."""
    out: list[tuple[int, int, str]] = []
    for g in _STOCK_CODE.finditer(text):
        m = _CODED_BEFORE.search(text, max(0, g.start() - 80), g.start())
        if m:
            out.append((*m.span("name"), "coded"))
    pos = 0
    for line in text[:600].split("\n")[:5]:  # a headline may sit under a few header lines
        stripped = line.lstrip("# ")
        m = _TITLE_NAME.match(stripped)
        if m and m.group("name") not in _NOT_NAMES:
            start = pos + len(line) - len(stripped)
            out.append((start + m.start("name"), start + m.end("name"), "title"))
            break
        pos += len(line) + 1
    for m in _DESCRIBED.finditer(text):
        out.append((*m.span("name"), "described"))
    pos = text.find("-based ")
    while pos >= 0:
        m = _BASED_AFTER.match(text, pos + 7)
        if m:
            out.append((*m.span(), "based"))
        pos = text.find("-based ", pos + 7)
    pos = text.find(", which ")
    while pos >= 0:
        m = _WHICH_BEFORE.search(text, max(0, pos - 80), pos)
        if m:
            out.append((*m.span("name"), "which"))
        pos = text.find(", which ", pos + 8)
    if any(v in text for v in _FIRM_VERBS):  # substring tests skip the scan in most short texts
        for v in _FIRM_VERB.finditer(text):
            m = _FIRM_BEFORE.search(text, max(0, v.start() - 80), v.start())
            if m:
                out.append((*m.span("name"), "firm"))
    return out


_NOT_NAMES = frozenset(
    [
        "IaaS",
        "PaaS",
        "SaaS",
        "MaaS",
        "MoE",
        "PhD",
        "AIGC",
        "LLMs",
        "GPUs",
        "CPUs",
        "TPUs",
        "NPUs",
        "APIs",
        "ASICs",
        "FY",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "H1",
        "H2",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Then",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Last",
        "Next",
        "Currently",
        "According",
        "However",
        "Meanwhile",
        "Moreover",
        "Thanks",
        "Since",
        "While",
        "Although",
        "After",
        "Before",
        "During",
        "Its",
        "In",
        "On",
        "At",
        "For",
        "By",
        "From",
        "As",
        "Of",
        "To",
        "With",
        "ROUNDUP",
        "UPDATE",
        "EXCLUSIVE",
        "BREAKING",
        "ANALYSIS",
        "Rival",
        "Rivals",
        "You",
        "We",
        "They",
        "He",
        "She",
        "It",
        "Their",
        "Our",
        "His",
        "Her",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "China",
        "Chinese",
        "America",
        "American",
        "Europe",
        "European",
        "Asia",
        "Asian",
        "Japan",
        "Korea",
        "India",
        "Beijing",
        "Shanghai",
        "Hangzhou",
        "Shenzhen",
        "Hong",
        "Kong",
        "Taiwan",
        "Singapore",
        "Global",
        "World",
        "Group",
        "Company",
        "Analysts",
        "Investors",
        "Management",
        "Board",
        "Shareholders",
        "Executives",
        "Customers",
        "Revenue",
        "Sales",
        "Profit",
        "Shares",
        "Image",
        "Figure",
        "Table",
        "Source",
        "Author",
        "Editor",
        "Reporting",
        "Writing",
        "Covid",
        "COVID",
    ]
)
_CURRENCY_PREFIX = re.compile(
    r"^(?:RMB|USD|US|HKD|HK|CNY|EUR|GBP|JPY|YUAN|FY|CY|GB(?!\d{3}\b)|TB|MB|KB"
    r"|SR|SAR|Dh|AED|RM|MYR|Rs|INR|NT|TWD|KRW|SGD)\d", re.I
)
_NOT_A_NAME = re.compile(r"[QH][1-4]|FY\d+|\d+[A-Z]?")
_POSSESSIVE_BEFORE = re.compile(r"\b(?:its|their|his|her|our)\s+$", re.I)


class EntityCatalog:
    """The watchlist of entities: canonical names, kinds and aliases, matched in one regex pass."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: dict[str, Entity] = {}
        self._by_alias: dict[str, Entity] = {}
        for ent in entities:
            self._entities[ent.canonical] = ent
            for name in (ent.canonical, *ent.aliases):
                if name:
                    self._by_alias.setdefault(name, ent)
        # Names the text writes in another case ("HunYuan" for Hunyuan), looked up only for
        # capitalised names found by their shape; short aliases ("Arm", "Meta") are left out.
        self._by_folded: dict[str, Entity] = {}
        for name, ent in self._by_alias.items():
            if len(name) >= 5:
                self._by_folded.setdefault(name.casefold(), ent)
        # Longest alias first so "Alibaba Cloud" wins over "Alibaba" at the same position.
        names = sorted(self._by_alias, key=len, reverse=True)
        if names:
            # Grouped by first character, each group keeping the longest-first order: at a position
            # only one group can match, and the engine skips the others on their first character.
            groups: dict[str, list[str]] = {}
            for n in names:
                groups.setdefault(n[0], []).append(n)
            alternation = "|".join(
                re.escape(first) + "(?:" + "|".join(re.escape(n[1:]) for n in group) + ")"
                for first, group in groups.items()
            )
            # A first-character lookahead lets the scan skip most positions cheaply.
            firsts = "".join(sorted({re.escape(n[0]) for n in names}))
            # A name ends where no word character or hyphenated continuation follows
            # ("Qwen3" must not match inside "Qwen3-Coder").
            self._pattern: re.Pattern[str] | None = re.compile(
                rf"(?=[{firsts}])(?<![\w-])(?:{alternation})(?![\w]|-\w)"
            )
        else:
            self._pattern = None

    @classmethod
    def from_csv_text(cls, text: str) -> EntityCatalog:
        """Build a catalog from CSV text: canonical,kind,aliases ('|'-separated)[,fiscal_year_end]."""
        reader = csv.DictReader(io.StringIO(text))
        missing = {"canonical", "kind"} - set(reader.fieldnames or ())
        if missing:
            raise CatalogError(f"entity catalog lacks column(s): {', '.join(sorted(missing))}")
        entities = []
        for lineno, row in enumerate(reader, start=2):
            canonical = (row.get("canonical") or "").strip()
            kind = (row.get("kind") or "").strip().lower()
            if not canonical:
                raise CatalogError(f"entity catalog line {lineno}: empty canonical name")
            if kind not in ENTITY_KINDS:
                raise CatalogError(
                    f"entity catalog line {lineno}: unknown kind {kind!r} for {canonical!r} "
                    f"(expected one of {', '.join(sorted(ENTITY_KINDS))})"
                )
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            fy_raw = (row.get("fiscal_year_end") or "").strip()
            fy_end: int | None = None
            if fy_raw:
                if not fy_raw.isdigit() or not 1 <= int(fy_raw) <= 12:
                    raise CatalogError(
                        f"entity catalog line {lineno}: fiscal_year_end {fy_raw!r} for {canonical!r} "
                        "is not a month number 1-12"
                    )
                fy_end = int(fy_raw)
            entities.append(Entity(canonical, kind, aliases, fy_end))
        return cls(entities)

    @classmethod
    def empty(cls) -> EntityCatalog:
        """A catalog with no entries: only names found in the text itself."""
        return cls(())

    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._by_alias

    def get(self, name: str) -> Entity | None:
        """Return the entity a name or alias stands for, or None."""
        return self._by_alias.get(name)

    def fiscal_year_end(self, name: str) -> int:
        """Month a company's fiscal year ends in (12, the calendar year, when not listed)."""
        ent = self._by_alias.get(name)
        return ent.fiscal_year_end if ent and ent.fiscal_year_end else 12

    def canonical_names(self) -> dict[str, str]:
        """Every listed name and alias mapped to its canonical name ("Zhipu" -> "Zhipu AI")."""
        return {name: ent.canonical for name, ent in self._by_alias.items()}

    def lookup_folded(self, name: str) -> Entity | None:
        """The watchlist entry a name denotes, ignoring case ("WISTRON" -> Wistron), if any."""
        return self._by_alias.get(name) or self._by_folded.get(name.casefold())

    def canonical(self, name: str) -> str:
        """Return the canonical form of a name (the name itself when not on the watchlist)."""
        ent = self._by_alias.get(name)
        return ent.canonical if ent else name

    def find_mentions(self, text: str) -> list[Mention]:
        """Return every entity mention in the text, sorted by position, without overlaps."""
        mentions: list[Mention] = []
        taken: list[tuple[int, int]] = []
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                ent = self._by_alias[m.group(0)]
                mentions.append(Mention(m.start(), m.end(), ent.canonical, ent.kind, True))
                taken.append((m.start(), m.end()))
        found = _find_unlisted_names(text)
        # "Hoshizora Systems expects": the last word of a longer name found elsewhere is that name
        heads = {n.rsplit(" ", 1)[1]: n.rsplit(" ", 1)[0] for _, _, n in found if " " in n}
        for start, end, name in found:
            head = heads.get(name)
            if head is not None and text.endswith(head + " ", 0, start):
                start, name = start - len(head) - 1, f"{head} {name}"
            if overlaps(taken, start, end):
                continue
            known = self._by_alias.get(name) or self._by_folded.get(name.casefold())
            head, dash, tail = name.partition("-")
            family = None if known or not dash else self._by_folded.get(head.casefold())
            if known is not None:
                mentions.append(Mention(start, end, known.canonical, known.kind, True))
            elif family is not None:  # "HunYuan-T2": the listed family, then its version as written
                mentions.append(Mention(start, end, f"{family.canonical}-{tail}", family.kind, True))
            else:
                mentions.append(Mention(start, end, name, "other", False))
            insort(taken, (start, end))
        # A name found once from its shape ("Humain signed ...") is that name wherever it stands.
        unlisted = {
            m.canonical
            for m in mentions
            if not m.known and len(m.canonical) >= 4 and m.canonical.count(" ") <= 3
        }
        if unlisted:
            # one scan for all of them, longest first; what overlaps a name already found is skipped
            names = "|".join(re.escape(n) for n in sorted(unlisted, key=len, reverse=True))
            for m in re.finditer(rf"(?<![\w-])(?:{names})(?![\w-])", text):
                if not overlaps(taken, m.start(), m.end()):
                    mentions.append(Mention(m.start(), m.end(), m.group(0), "other", False))
                    insort(taken, (m.start(), m.end()))
        mentions.sort(key=lambda m: m.start)
        mentions = _extend_apps(text, _extend_backwards(text, _extend_versions(text, mentions)))
        return _as_named(text, _acronym_mentions(text, _resolve_first_words(_resolve_short_forms(mentions))))


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted, non-overlapping spans."""
    i = bisect_left(spans, (start, start))
    return (i > 0 and spans[i - 1][1] > start) or (i < len(spans) and spans[i][0] < end)


def _find_unlisted_names(text: str) -> list[tuple[int, int, str]]:
    """Names the watchlist may lack, found from their shape (_UNLISTED's scan, then the anchored shapes)."""
    found: list[tuple[int, int, str]] = []
    cache: dict[str, frozenset[str]] = {}
    for m in _UNLISTED.finditer(text):
        kind = m.lastgroup
        if kind == "digit":
            name = m.group(0)
            if _CURRENCY_PREFIX.match(name) or _NOT_A_NAME.fullmatch(name):
                continue
            found.append((m.start(), m.end(), name))
        elif kind == "camel":
            name = m.group(0)
            if name in _NOT_NAMES or len(name) <= 3:
                continue
            found.append((m.start(), m.end(), name))
        elif kind == "suffix":
            named = _suffix_name(text, m)
            if named:
                found.append(named)
        elif kind in {"poss", "actor"}:
            named = _shaped_name(text, kind, m.start(kind + "_name"), m.end(kind + "_name"), cache)
            if named:
                found.append(named)
    for start, end, kind in _anchored_names(text):
        named = _shaped_name(text, kind, start, end, cache)
        if named:
            found.append(named)
    found.sort(key=lambda f: (f[0], -f[1]))
    return found


def _shaped_name(
    text: str, kind: str, start: int, end: int, cache: dict[str, frozenset[str]]
) -> tuple[int, int, str] | None:
    """A name found from its shape, unless it is a person, a place or a capitalised common word."""
    name = text[start:end]
    if kind in {"actor", "firm"} and _PERSON_BEFORE.search(text, max(0, start - 40), start):
        return None  # "President Lu Weibing said": a person, not an organisation
    if kind == "actor":
        if "people" not in cache:
            cache["people"] = _person_words(text)
        if name in cache["people"]:
            return None  # "Wei said" after "Chairman C.C. Wei": the person again
        if (
            _NOUN_LIKE_VERB.match(text, end)
            and _at_sentence_start(text, start)
            and not _named_mid_sentence(text, name)
        ):
            return None  # "Internal plans put ...": an adjective and a noun, not a name and a verb
    if kind == "which" and _PLACE_BEFORE.search(text, max(0, start - 12), start):
        return None  # "its AI Cloud in Munich, which went live": a place
    words = name.split()
    while len(words) > 1 and words[0] in _NOT_NAMES:  # "The", "Meanwhile" at a sentence start
        start += len(words.pop(0)) + 1
    name = " ".join(words)
    return None if name in _NOT_NAMES else (start, end, name)


_PERSON_BEFORE = first_char_dispatch(  # transforms.dispatch: ~2x faster
    re.compile(
        r"(?:\b(?:President|CEO|Chairman|Chairwoman|Founder|Director|Officer|Minister|Mr\.?|Ms\.?|Dr\.?|"
        r"analyst|executive|spokesperson|spokesman|spokeswoman)|(?<![.!?]\s)\b[A-Z][a-z]+)\s+$"
    )
)
_PERSON_NAME = first_char_dispatch(  # transforms.dispatch: ~2.5x faster over the whole text
    re.compile(
        r"\b(?:President|CEO|Chairman|Chairwoman|Founder|founder|Director|director|Officer|Minister|Mr\.?|Ms\.?|"
        r"Dr\.?|[Aa]nalyst|[Ee]xecutive|[Pp]resident|[Cc]hairman|[Ss]pokesperson|[Ss]pokesman|[Ss]pokeswoman|"
        r"CFO|CTO|COO|[Ee]conomist|[Ss]trategist|[Pp]artner|[Hh]ead)\s+(?:[A-Z][\w.'’-]*\s+){0,2}[A-Z][\w'’-]+"
    )
)


_NOUN_LIKE_VERB = re.compile(r"\s+(?:plans|targets|files|signs|reports|posts|releases|launches|raises)\b")


def _at_sentence_start(text: str, pos: int) -> bool:
    """Whether pos opens a line or follows a sentence end."""
    before = text[max(0, pos - 2) : pos]
    return pos == 0 or before.endswith("\n") or (len(before) == 2 and before[0] in ".;:!?" and before[1].isspace())


def _named_mid_sentence(text: str, name: str) -> bool:
    """Whether the text also writes the name inside a sentence, where only names are capitalised."""
    return any(
        not _at_sentence_start(text, m.start()) for m in re.finditer(rf"(?<![\w-]){re.escape(name)}\b", text)
    )


def _person_words(text: str) -> frozenset[str]:
    """Words of the people the text names with a role ("Chairman C.C. Wei" -> C.C., Wei)."""
    words: set[str] = set()
    for m in _PERSON_NAME.finditer(text):
        words.update(w for w in m.group(0).split()[1:] if w[:1].isupper())
    return frozenset(words)


_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|outside)\s+$")
_CORP_SUFFIXES = frozenset({"Inc", "Corp", "Corporation", "Holdings", "Ltd", "Limited"})


def _suffix_name(text: str, m: re.Match[str]) -> tuple[int, int, str] | None:
    if _POSSESSIVE_BEFORE.search(text[max(0, m.start() - 8) : m.start()]):
        return None  # "its Intelligent Cloud segment" is a part of an entity already named
    head = m.group("sfx_head").split()
    # Drop leading function words that happen to be capitalised at a sentence start.
    while head and head[0] in _NOT_NAMES:
        head.pop(0)
    if not head:
        return None
    suffix = m.group("sfx")
    start = m.start("sfx_head") + m.group("sfx_head").index(head[0])
    if suffix in _CORP_SUFFIXES:
        return (start, m.end("sfx_head"), " ".join(head))
    return (start, m.end("sfx"), " ".join([*head, suffix]))


# A version or tier written after a product name makes the mention more specific:
# "ERNIE 4.5 Turbo", "Doubao 1.6", "Doubao Pro", "GB200 NVL72", "ERNIE X1.1".
_VERSION_SUFFIX = re.compile(
    r"(?:\.\d{1,2}(?![\d%]))?"  # "GLM-4" matched in "GLM-4.5-Air": the minor version
    r"(?:[ -](?:[VRXvrx]?\d{1,2}(?:\.\d{1,2})+|(?!Q[1-4]\b|H[12]\b)[A-Z]\d{1,2}(?![\w%]|\.\d|,\d)|\d{1,2}(?![\d.,%]|\s*(?:[A-Za-z]|\$))"
    r"|[A-Z]{2,4}\d{1,3}(?![\w.,%])))?"
    r"(?:[ -](?:Turbo|Pro|Lite|Max|Plus|Mini|Flash|Ultra|Thinking|Instruct|Preview|Omni|Vision|Air)\b)*"
)
_EXTENDABLE = frozenset({"product", "other"})
_VERSIONED_ALIAS = re.compile(r"[ -]?[A-Za-z]?\d")


def _extend_versions(text: str, mentions: list[Mention]) -> list[Mention]:
    """Grow product mentions over a version or tier that follows them, absorbing what it covers."""
    out: list[Mention] = []
    skip_until = -1
    for m in mentions:
        if m.start < skip_until:
            continue
        if m.kind in _EXTENDABLE:
            v = _VERSION_SUFFIX.match(text, m.end)
            if v and v.end() > m.end:
                # the canonical family name, then the version as written ("Ernie 4.5" -> "ERNIE 4.5");
                # an alias that already names a version ("Kimi K2") keeps it ("Kimi K2 Thinking")
                written = text[m.start : m.end]
                base = (
                    written
                    if written.startswith(m.canonical + " ")
                    or m.canonical.startswith(written + " ")
                    or (
                        written.casefold().startswith(m.canonical.casefold())
                        and _VERSIONED_ALIAS.match(written[len(m.canonical) :])
                    )
                    else m.canonical
                )
                name = base + text[m.end : v.end()].replace("-", " ", 1)
                if text[m.end] in "-.":
                    name = base + text[m.end : v.end()]
                m = Mention(m.start, v.end(), name, m.kind, m.known)
                skip_until = v.end()
            elif m.kind == "product" and m.known:
                # an alias that names a version ("GLM-4.5", "Kimi K2") is that version, not the family
                written = text[m.start : m.end]
                if written != m.canonical and _VERSIONED_ALIAS.match(written[len(m.canonical) :]) and (
                    written.casefold().startswith(m.canonical.casefold())
                ):
                    m = Mention(m.start, m.end, written, m.kind, m.known)
        out.append(m)
    return out


_APP_AFTER = re.compile(r" (?:app|App|APP)\b(?![-'’])")


def _extend_apps(text: str, mentions: list[Mention]) -> list[Mention]:
    """A product's app is what its users and downloads count: "the Gemini app" -> "Gemini app"."""
    out: list[Mention] = []
    for m in mentions:
        if m.kind == "product" and (a := _APP_AFTER.match(text, m.end)):
            m = Mention(m.start, a.end(), f"{m.canonical} app", m.kind, m.known)
        out.append(m)
    return out


# Words that complete a company's name ("Dell Technologies", "Unitree Robotics", "Schneider
# Electric"), unlike a legal form ("Inc", "Holdings", "Group") or a business line ("Cloud
# Intelligence"). Not "Platforms": one development set names Meta so where its text writes
# "Meta Platforms".
_NAME_DESCRIPTORS = frozenset(
    {"Technologies", "Technology", "Electronics", "Semiconductor", "Semiconductors", "Robotics", "Computer",
     "Systems", "Networks", "Electric"}
)  # fmt: skip


def _as_named(text: str, mentions: list[Mention]) -> list[Mention]:
    """A company the text names in full ("Dell Technologies", "Samsung Electronics") keeps that name.

    The watchlist's canonical name is the short one; where the document itself writes a longer
    alias that only adds such a word to it, the figures are about the company as the text names
    it. Validation groups both forms together (expectations.rules.entity_key).
    """
    longer: dict[str, str] = {}
    for m in mentions:
        if not m.known or m.kind != "company":
            continue
        written = text[m.start : m.end]
        if not written.startswith(m.canonical + " "):
            continue
        extra = written[len(m.canonical) + 1 :].split()
        completes = extra and all(w in _NAME_DESCRIPTORS for w in extra)
        if completes and len(written) > len(longer.get(m.canonical, "")):
            longer[m.canonical] = written
    if not longer:
        return mentions
    return [
        Mention(m.start, m.end, longer[m.canonical], m.kind, m.known) if m.canonical in longer else m
        for m in mentions
    ]


_LEGAL_FORMS = frozenset(
    {"Inc", "Corp", "Corporation", "Holdings", "Holding", "Ltd", "Limited", "Group", "Co", "PLC", "plc",
     "AG", "SE", "NV", "SA"}
)  # fmt: skip


def _name_key(name: str) -> str:
    """A name compared without case, punctuation or a trailing legal form."""
    words = re.sub(r"[.,'’]", "", name).split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words).casefold()


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _same_name(a: str, b: str) -> bool:
    """Two names of one company that a reader takes as the same name: 'Zhipu' and 'Zhipu AI', 'AWS'."""
    wa, wb = a.casefold().split(), b.casefold().split()
    if wa and wb and wa[0] == wb[0]:
        return True
    return (a.isupper() and a == _initials(b)) or (b.isupper() and b == _initials(a))


def names_as_written(text: str, mentions: list[Mention]) -> dict[str, str]:
    """Watchlist names the text never writes, mapped to the form of that name it does write.

    A figure's entity is the company as the document names it ("Zhipu" where the watchlist says
    Zhipu AI, "Amazon Web Services" for AWS). Another name altogether ("Cloud Intelligence Group"
    for Alibaba Cloud, "Facebook" for Meta) keeps the watchlist's. The form written most wins.
    """
    written_forms: dict[str, dict[str, int]] = {}
    for m in mentions:
        if m.known and m.kind == "company":
            forms = written_forms.setdefault(m.canonical, {})
            written = text[m.start : m.end]
            forms[written] = forms.get(written, 0) + 1
    out: dict[str, str] = {}
    for canonical, forms in written_forms.items():
        key = _name_key(canonical)
        if any(_name_key(w) == key for w in forms):
            continue
        usable = [w for w in forms if w.isascii() and _same_name(w, canonical)]
        if usable:
            out[canonical] = max(usable, key=lambda w: (forms[w], len(w)))
    return out


# "Vera Rubin NVL144", "Rubin Ultra NVL576": capitalised words right before a model-number name.
_NAME_WORDS_BEFORE = re.compile(r"(?<![\w'’-])((?:[A-Z][a-z]+[ ]){1,2})$")


def _extend_backwards(text: str, mentions: list[Mention]) -> list[Mention]:
    """Grow an unlisted model-number name over the capitalised words just before it."""
    out: list[Mention] = []
    for m in mentions:
        if not m.known and any(ch.isdigit() for ch in m.canonical) and m.start > 0:
            before = _NAME_WORDS_BEFORE.search(text, max(0, m.start - 30), m.start)
            prev_end = out[-1].end if out else 0
            if before:
                words = before.group(1).split()
                while words and words[0] in _NOT_NAMES:
                    words.pop(0)
                start = m.start - len(" ".join(words)) - 1 if words else m.start
                if words and start >= prev_end and (len(words) > 1 or not _sentence_start(text, start)):
                    m = Mention(start, m.end, " ".join([*words, m.canonical]), m.kind, m.known)
        out.append(m)
    return out


def _sentence_start(text: str, pos: int) -> bool:
    """Whether pos opens a sentence or line (a capital there says nothing about a name)."""
    head = text[max(0, pos - 3) : pos].rstrip(" ")
    return not head or head.endswith(("\n", ".", "!", "?", ":", '"', "“"))


# "Infrastructure Solutions Group (ISG)": the text defines an acronym for the name before it.
_ACRONYM_DEFINED = re.compile(r"[ \t]*\((?P<acr>[A-Z][A-Za-z0-9&]{1,7})\)")


def _acronym_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """Later uses of an acronym the text defined after a name ("ISG revenue") stand for that name.

    An acronym never defined but made of the initials of a name of three or more words the text
    writes ("Infrastructure Solutions Group" ... "ISG revenue") stands for it too.
    """
    defined: dict[str, Mention] = {}
    for m in mentions:
        a = _ACRONYM_DEFINED.match(text, m.end)
        acronym = a.group("acr") if a else None
        if acronym and acronym.isupper() and acronym != m.canonical and acronym not in defined:
            defined[acronym] = m
    by_initials: dict[str, Mention] = {}
    for m in mentions:
        if not m.known and m.canonical.count(" ") >= 2:
            initials = _initials(m.canonical)
            if len(initials) >= 3 and initials not in defined and initials not in by_initials:
                by_initials[initials] = m
    written = {a: m for a, m in by_initials.items() if re.search(rf"(?<![\w-]){a}(?![\w-])", text)}
    if written:
        named = {m.canonical for m in mentions}
        defined.update({a: m for a, m in written.items() if a not in named})
    if not defined:
        return mentions
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, defined)) + r")(?![\w-])")
    spans = [(m.start, m.end) for m in mentions]
    added = []
    for hit in pattern.finditer(text):
        first = defined[hit.group(0)]
        if hit.start() <= first.end + 3:
            continue  # the definition itself
        if overlaps(spans, hit.start(), hit.end()):
            continue  # inside a name found already
        added.append(Mention(hit.start(), hit.end(), first.canonical, first.kind, first.known))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


def _resolve_short_forms(mentions: list[Mention]) -> list[Mention]:
    """An unlisted name that ends a known name in the same text stands for it ("AI Cloud")."""
    tails: dict[str, Mention] = {}
    for k in mentions:
        if k.known:
            words = k.canonical.split()
            for i in range(1, len(words)):
                tails.setdefault(" ".join(words[i:]), k)
    if not tails:
        return mentions
    out = []
    for m in mentions:
        full = None if m.known else tails.get(m.canonical)
        out.append(Mention(m.start, m.end, full.canonical, full.kind, True) if full else m)
    return out


def _resolve_first_words(mentions: list[Mention]) -> list[Mention]:
    """An unlisted one-word name that opens exactly one longer unlisted name stands for it ("Montage")."""
    longer: dict[str, set[str]] = {}
    for m in mentions:
        if not m.known and " " in m.canonical:
            longer.setdefault(m.canonical.split(" ", 1)[0], set()).add(m.canonical)
    if not longer:
        return mentions
    out = []
    for m in mentions:
        names = None if m.known or " " in m.canonical else longer.get(m.canonical)
        out.append(Mention(m.start, m.end, next(iter(names)), m.kind, m.known) if names and len(names) == 1 else m)
    return out
