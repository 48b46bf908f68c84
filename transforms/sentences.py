"""Sentence boundaries computed once per document, looked up by offset in O(log n)."""

from __future__ import annotations

import re
from bisect import bisect_right
from string import ascii_letters as _ASCII_LETTERS

# A sentence ends at . ! ? (or CJK 。！？) followed by space and a plausible sentence start,
# or at a line break. Abbreviations and decimals are not ends. The pattern opens with one
# character class (the branch after it tells the cases apart by a lookbehind): the engine then
# skips to candidate characters in C instead of trying every position (about 4x faster).
_END_RE = re.compile(
    r"[.!?。！？\n](?:(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9\u4e00-\u9fff])"
    r"|(?<=[。！？\n]))"
)
_ABBREV_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|No|Nos|vs|etc|Inc|Corp|Co|Ltd|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Sep|Sept|Oct|Nov|Dec|approx|est|fig|Fig|p|pp|U\.S|U\.K|e\.g|i\.e|[A-Z])\.)\Z"
)


class SentenceIndex:
    """The sentence spans of one text; sentence_at(offset) returns the enclosing span."""

    __slots__ = ("_ends", "_spans", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        spans: list[tuple[int, int]] = []
        start = 0
        for m in _END_RE.finditer(text):
            i = m.start()
            newline = text[i] == "\n"
            cut = i if newline else m.end()
            # the abbreviation check looks at the text up to and including the first period;
            # every abbreviation ends in an ASCII letter and a period (skip the search otherwise)
            if text[i] == "." and i > 0 and text[i - 1] in _ASCII_LETTERS and \
                    _ABBREV_RE.search(text, max(0, i - 8), i + 1):
                continue
            _add_trimmed(spans, text[start:cut], start)
            start = cut
        _add_trimmed(spans, text[start:], start)
        self._spans = spans
        self._ends = [e for _, e in self._spans]

    def span_at(self, offset: int) -> tuple[int, int]:
        """Return (start, end) of the sentence holding offset (an empty span if none)."""
        i = bisect_right(self._ends, offset)
        if i < len(self._spans) and self._spans[i][0] <= offset:
            return self._spans[i]
        return (offset, offset)

    def sentence_at(self, offset: int) -> str:
        """Return the sentence holding offset, verbatim from the text."""
        s, e = self.span_at(offset)
        return self.text[s:e]

    @property
    def spans(self) -> list[tuple[int, int]]:
        """All sentence spans in order."""
        return list(self._spans)


def _add_trimmed(spans: list[tuple[int, int]], segment: str, offset: int) -> None:
    """Append the span of segment (found at offset) without its outer whitespace, if any is left."""
    body = segment.lstrip()
    if body:
        start = offset + len(segment) - len(body)
        spans.append((start, start + len(body.rstrip())))


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (verbatim substrings, whitespace-trimmed)."""
    return [text[s:e] for s, e in SentenceIndex(text).spans]
