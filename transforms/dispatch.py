"""Faster scans with the same matches: a big alternation regrouped by the first character.

A scan such as "a cue starts here" is one alternation of a hundred or more phrases. At each
position Python's regex engine tries the alternatives in order; it skips one cheaply only when
it starts with a literal character, and many start with an optional word, a group or a word
boundary. first_char_dispatch rewrites `HEAD(?:alt1|alt2|...)` as
`HEAD(?:a(?:what follows a in alt1|... in alt2|...)|b(?:...)|...)`: every group opens with its
character, so the engine skips the others on it, and holds, in the engine's order of trial, the
ways each alternative can go on after that character (its derivative, see _after). The first
of them that matches is the path the engine would have taken in the original, so every match
is the same. Alternatives that may start with any character, or with a class such as a digit class, are
also kept as written in a last group for the characters no group names. Where an alternative
cannot be rewritten (or can match empty), the groups are `(?=a)(?:alternatives as written)`
instead, reached by halving the characters (`(?=[a-m])(?:...)|...`). lowered_twin, below, makes
the lower-cased, case-sensitive twin of a case-insensitive pattern. Patterns this module does
not understand come back unchanged.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

_CATEGORY = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
_AT = {
    C.AT_BEGINNING: "^",
    C.AT_BEGINNING_STRING: r"\A",
    C.AT_BOUNDARY: r"\b",
    C.AT_NON_BOUNDARY: r"\B",
    C.AT_END: "$",
    C.AT_END_STRING: r"\Z",
}


class _Unsupported(Exception):
    """A construct the serialiser does not write back."""


def _esc(code: int) -> str:
    ch = chr(code)
    return ch if ch.isalnum() and ch.isascii() else "\\" + ch if ch in r"\^-[]" else re.escape(ch)


def _class_item(op: Any, av: Any) -> str:
    if op is C.LITERAL:
        return _esc(av)
    if op is C.RANGE:
        return f"{_esc(av[0])}-{_esc(av[1])}"
    if op is C.CATEGORY and av in _CATEGORY:
        return _CATEGORY[av]
    raise _Unsupported(op)


def _ser(seq: Any) -> str:
    """A parsed sequence written back as a pattern (groups become non-capturing)."""
    out: list[str] = []
    for op, av in seq:
        if op is C.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is C.NOT_LITERAL:
            out.append(f"[^{_esc(av)}]")
        elif op is C.ANY:
            out.append(".")
        elif op is C.IN:
            items = list(av)
            neg = bool(items) and items[0][0] is C.NEGATE
            body = "".join(_class_item(o, a) for o, a in (items[1:] if neg else items))
            out.append("[" + ("^" if neg else "") + body + "]")
        elif op is C.BRANCH:
            out.append("(?:" + "|".join(_ser(s) for s in av[1]) + ")")
        elif op is C.SUBPATTERN:
            _group, add, dele, sub = av
            if add or dele:
                raise _Unsupported(op)
            out.append("(?:" + _ser(sub) + ")")
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo, hi, sub = av
            rep = f"{{{lo},}}" if hi is C.MAXREPEAT else f"{{{lo},{hi}}}"
            out.append("(?:" + _ser(sub) + ")" + rep + ("?" if op is C.MIN_REPEAT else ""))
        elif op in (C.ASSERT, C.ASSERT_NOT):
            direction, sub = av
            kind = (
                ("=" if op is C.ASSERT else "!")
                if direction == 1
                else ("<=" if op is C.ASSERT else "<!")
            )
            out.append(f"(?{kind}" + _ser(sub) + ")")
        elif op is C.AT and av in _AT:
            out.append(_AT[av])
        elif op is C.CATEGORY and av in _CATEGORY:
            out.append(_CATEGORY[av])
        else:
            raise _Unsupported(op)
    return "".join(out)


def _first(seq: Any) -> tuple[set[str], bool] | None:
    """What a match of seq can start with, and whether it can match empty; None: anything.

    The set holds characters and, for classes such as \\d, the class itself (written \\d).
    """
    found: set[str] = set()
    for op, av in seq:
        if op is C.LITERAL:
            return found | {chr(av)}, False
        if op is C.IN:
            chars: set[str] = set()
            for iop, iav in av:
                if iop is C.LITERAL:
                    chars.add(chr(iav))
                elif iop is C.RANGE and iav[1] - iav[0] < 256:
                    chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
                elif iop is C.CATEGORY and iav in _CATEGORY:
                    chars.add(_CATEGORY[iav])
                else:
                    return None
            return found | chars, False
        if op is C.BRANCH:
            nullable = False
            for sub in av[1]:
                got = _first(sub)
                if got is None:
                    return None
                found |= got[0]
                nullable = nullable or got[1]
            if not nullable:
                return found, False
        elif op is C.SUBPATTERN:
            got = _first(av[3])
            if got is None or av[1] or av[2]:
                return None
            found |= got[0]
            if not got[1]:
                return found, False
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            got = _first(av[2])
            if got is None:
                return None
            found |= got[0]
            if av[0] > 0 and not got[1]:
                return found, False
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero width: the next item starts the match
        else:
            return None
    return found, True


def _may_start(first: set[str] | None, ch: str) -> bool:
    """Whether an alternative with this first set can start with ch."""
    if first is None or ch in first:
        return True
    return any(len(c) == 2 and re.fullmatch(c, ch) for c in first)


def first_char_dispatch(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same scan, its top-level alternation grouped by first character (see the module doc).

    pattern must be case-sensitive and have no capture groups (a scan: only spans are read);
    its shape is zero-width assertions, then one alternation, then anything. Anything else
    comes back as is.
    """
    if pattern.flags & (re.IGNORECASE | re.ASCII | re.DOTALL | re.LOCALE) or pattern.groups:
        return pattern
    try:
        tree = list(P.parse(pattern.pattern, pattern.flags))
        head = []
        while tree and tree[0][0] in (C.AT, C.ASSERT, C.ASSERT_NOT):
            head.append(tree.pop(0))
        while (
            len(tree) == 1 and tree[0][0] is C.SUBPATTERN and not (tree[0][1][1] or tree[0][1][2])
        ):
            tree = list(tree[0][1][3])
        if tree and tree[0][0] is C.SUBPATTERN and not (tree[0][1][1] or tree[0][1][2]):
            tree = [*tree[0][1][3], *tree[1:]]  # "(?:a|b)c": the group's items, then the rest
        if not tree or tree[0][0] is not C.BRANCH:
            return pattern
        # what follows the alternation joins each alternative: (a|b)c tries ac, then bc
        alts = [[*alt, *tree[1:]] for alt in tree[0][1][1]]
        written = [_ser(a) for a in alts]
        head_text = _ser(head)
    except _Unsupported:
        return pattern
    sets: list[set[str] | None] = []
    empty = False  # an alternative that can match empty: it needs no character at all
    for alt in alts:
        got = _first(alt)
        sets.append(None if got is None or got[1] else got[0])
        empty = empty or (got is not None and got[1])
    chars = sorted({c for s in sets if s is not None for c in s if len(c) == 1})

    def members(ch: str) -> str:
        return "|".join(w for w, s in zip(written, sets, strict=True) if _may_start(s, ch))

    def node(group: list[str]) -> str:
        # halves tested by a class lookahead: a position reaches its group in ~log2(n) tests
        if len(group) == 1:
            return f"(?={re.escape(group[0])})(?:{members(group[0])})"
        half = len(group) // 2
        return f"(?={_class(group[:half])})(?:{node(group[:half])})|{node(group[half:])}"

    try:
        if empty:
            raise _Unsupported("an alternative matches empty")
        # each group consumes its character, its alternatives rewritten for what follows it
        # (derivatives): the engine then skips a group on its first character, no lookahead
        groups = []
        for ch in chars:
            follow = [
                d
                for a, s in zip(alts, sets, strict=True)
                if _may_start(s, ch)
                for d in _after(a, ch)
            ]
            if follow:
                groups.append(re.escape(ch) + "(?:" + "|".join(follow) + ")")
        body = "|".join(groups)
    except _Unsupported:
        body = node(chars) if chars else ""
    # any other character: the alternatives that may start with anything, or with a class
    rest = [
        w for w, s in zip(written, sets, strict=True) if s is None or any(len(c) == 2 for c in s)
    ]
    if rest:
        body += ("|" if body else "") + f"(?!{_class(chars)})(?:" + "|".join(rest) + ")"
    if not body:
        return pattern
    flags = pattern.flags & ~re.VERBOSE & ~re.UNICODE
    return re.compile(head_text + "(?:" + body + ")", flags)


def _class(chars: list[str]) -> str:
    return "[" + "".join(_esc(ord(c)) for c in chars) + "]"


_CASE_FOLD_ODD = ("\u0130", "\u0131", "\u017f")  # İ, ı, ſ


def has_case_fold_odd(text: str) -> bool:
    """Whether text holds İ, ı or ſ, the characters on which lower() and IGNORECASE disagree."""
    # `in` beats a regex class ~1000x: a one-byte-per-character text cannot hold them at all
    return any(ch in text for ch in _CASE_FOLD_ODD)


def lowered_finditer(
    pattern: re.Pattern[str], twin: re.Pattern[str], text: str, low: str | None
) -> list[re.Match[str]]:
    """pattern.finditer(text) as a list, scanned with its lowered_twin over low (text.lower(),
    None where that is unsafe); each hit is matched again on text for the original groups."""
    if low is None:
        return list(pattern.finditer(text))
    out: list[re.Match[str]] = []
    for lm in twin.finditer(low):
        m = pattern.match(text, lm.start())
        if m is None or m.end() != lm.end():
            return list(pattern.finditer(text))  # the twin disagrees: trust the original
        out.append(m)
    return out


def lowered_search(
    pattern: re.Pattern[str], scan: re.Pattern[str], text: str, low: str | None
) -> re.Match[str] | None:
    """pattern.search(text), found with scan (its lowered twin without groups, perhaps
    dispatched) over low (text.lower(), None where unsafe), then matched on text for the groups."""
    if low is None:
        return pattern.search(text)
    hit = scan.search(low)
    if hit is None:
        return None
    m = pattern.match(text, hit.start())
    if m is None or m.end() != hit.end():
        return pattern.search(text)  # the twin disagrees: trust the original
    return m


_UPPER_ESCAPES = re.compile(r"\\[SWDBAZPN]")


def lowered_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A case-insensitive pattern lower-cased and made case-sensitive, for lower-cased text.

    On text whose lower() keeps every offset and holds none of İ, ı, ſ (the characters on which
    lower-casing and IGNORECASE disagree), the twin finds the same spans about 2-3x faster:
    IGNORECASE literals defeat the engine's skip-on-first-character. Group names are kept; the
    twin's groups hold lower-cased text.
    """
    if not pattern.flags & re.IGNORECASE:
        raise ValueError("lowered_twin wants an IGNORECASE pattern")
    source = pattern.pattern
    if _UPPER_ESCAPES.search(source.replace("(?P<", "(?p<").replace("(?P=", "(?p=")):
        raise ValueError(f"escape that lower() would change in {source!r}")
    lowered = source.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P=")
    return re.compile(lowered, pattern.flags & ~re.IGNORECASE)


def _nullable(seq: Any) -> bool:
    got = _first(seq)
    return got is None or got[1]


def _after(seq: Any, ch: str) -> list[str]:
    """Patterns, in the engine's order of trial, for what follows ch in a match of seq that
    starts with ch (its derivative by ch); [] when no match of seq starts with ch.

    Each way the engine can go at the first character becomes its own alternative, in the order
    the engine tries them (a greedy repeat first takes one more, a lazy one first takes none),
    so the first of them that matches is the path the engine would have taken. Assertions that
    look at the character before the match become lookbehinds that also take in ch.
    """
    seq = list(seq)
    if not seq:
        return []
    (op, av), rest = seq[0], seq[1:]
    if op in (C.LITERAL, C.NOT_LITERAL, C.IN, C.CATEGORY):
        return [_ser(rest)] if re.fullmatch(_ser([(op, av)]), ch) else []
    if op is C.ANY:
        return [_ser(rest)] if ch != "\n" else []
    if op is C.AT and av in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
        word = re.fullmatch(r"\w", ch) is not None
        # a boundary before ch: whether the character before it is a word character, or not
        look = ("(?<!\\w" if word == (av is C.AT_BOUNDARY) else "(?<=\\w") + re.escape(ch) + ")"
        return [look + d for d in _after(rest, ch)]
    if op in (C.ASSERT, C.ASSERT_NOT):
        direction, sub = av
        if direction == -1:  # a lookbehind before ch: the same, one character further back
            look = ("(?<=" if op is C.ASSERT else "(?<!") + _ser(sub) + re.escape(ch) + ")"
            return [look + d for d in _after(rest, ch)]
        if _nullable(sub):
            raise _Unsupported(op)
        inner = _after(sub, ch)
        if not inner:  # the lookahead cannot match at ch
            return [] if op is C.ASSERT else _after(rest, ch)
        look = ("(?=" if op is C.ASSERT else "(?!") + "(?:" + "|".join(inner) + "))"
        return [look + d for d in _after(rest, ch)]
    if op is C.BRANCH:
        return [d for alt in av[1] for d in _after([*alt, *rest], ch)]
    if op is C.SUBPATTERN:
        if av[1] or av[2]:
            raise _Unsupported(op)
        return _after([*av[3], *rest], ch)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        lo, hi, sub = av
        if _nullable(sub):
            raise _Unsupported(op)
        if hi == 0:
            return _after(rest, ch)
        again = (op, (max(lo - 1, 0), hi if hi is C.MAXREPEAT else hi - 1, sub))
        more = _after([*sub, again, *rest], ch)
        if lo > 0:
            return more
        fewer = _after(rest, ch)
        return more + fewer if op is C.MAX_REPEAT else fewer + more
    raise _Unsupported(op)
