"""Turn a file's bytes into a document: text plus metadata, or a clear reason to reject it.

The text stored is exactly the text figures are extracted from, so figure offsets always
refer to it. Decoding is deliberate rather than left to a detector: charset detectors guess
wrong on short non-UTF-8 texts (a 10-character GBK headline comes back as cp949), so we try
BOMs, then strict UTF-8, then the legacy encodings our sources actually use, in an order
decided by how plausible each reading is.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from transforms.models import DocumentMeta

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES

# C0/C1 control characters except tab and newline (CR is normalised first), plus the BOM
# and the two non-characters, which only ever appear as debris.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
# Vertical tab, form feed (PDF page breaks) and Unicode line/paragraph separators end lines.
_LINE_BREAKS = re.compile(r"[\x0b\x0c\u2028\u2029]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")

# <meta charset="gbk"> or <meta http-equiv="Content-Type" content="text/html; charset=gbk">
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

# Elements that are never the article: removed before main-text extraction.
_BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "aside", "footer", "form", "iframe", "template")
# The fallback reader also skips <head> (its <title> is metadata, not the first paragraph).
_SKIPPED_TAGS = frozenset((*_BOILERPLATE_TAGS, "head", "title"))
_BLOCK_TAGS = frozenset(
    ["p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "main", "blockquote", "pre", "br", "dd", "dt", "header"]
)
# Date settings for trafilatura/htmldate: meta tags and markup only (no guessing from the
# body text), and a fixed upper bound instead of today's date so the result needs no clock.
_DATE_CONFIG: dict[str, Any] = {"original_date": True, "extensive_search": False, "max_date": "2100-12-31"}

# Share of decoded characters that may be control or replacement characters before the
# bytes are judged binary rather than text.
_MAX_JUNK_SHARE = 0.05


class RejectedDocument(ValueError):
    """A file that cannot become a document; the message is the reason users see."""


@dataclass(slots=True)
class ParsedDocument:
    """A decoded document ready to store: its text, format and self-described metadata."""

    text: str
    format: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    encoding: str | None = None

    @property
    def doc_id(self) -> str:
        """Content hash: the same text under two names is one document."""
        return document_id(self.text)


def document_id(text: str) -> str:
    """Return the document id: the first 16 hex digits of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def clean_text(text: str) -> str:
    """Normalise newlines, drop control characters and trailing spaces, trim the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # each substitution runs only where it can match (a substring test is much faster than a scan)
    if any(ch in text for ch in "\x0b\x0c\u2028\u2029"):
        text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text)
    if " \n" in text or "\t\n" in text:
        text = _TRAILING_SPACE.sub("\n", text)
    if "\n\n\n" in text:
        text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def file_suffix(filename: str) -> str:
    """The lower-case suffix of a file name ('' when it has none)."""
    name = filename.rsplit("/", 1)[-1]
    if "." not in name.lstrip("."):
        return ""
    return "." + name.rsplit(".", 1)[-1].lower()


def _utf16_without_bom(head: bytes) -> str | None:
    """utf-16-le/be when NULs sit on one byte parity, as in mostly-ASCII UTF-16 text."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.02:
        return "utf-16-le"
    if even > 0.3 and odd < 0.02:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """True when bytes look like a binary file rather than text (NULs outside UTF-16)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return False
    return b"\x00" in head


def _is_hanzi(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def _adjacent_share(text: str) -> float:
    """Share of non-ASCII characters that touch another non-ASCII character."""
    flags = [ord(c) > 127 for c in text]
    total = sum(flags)
    if not total:
        return 0.0
    touching = sum(
        1
        for i, high in enumerate(flags)
        if high and ((i > 0 and flags[i - 1]) or (i + 1 < len(flags) and flags[i + 1]))
    )
    return touching / total


def _looks_chinese(gb_reading: str, cp_reading: str | None) -> bool:
    """Is the GB18030 reading plausible Chinese, and more plausible than the cp1252 one?

    Chinese reads as hanzi and CJK punctuation; read as cp1252 it becomes runs of accented
    letters (every hanzi is two high bytes), while Western text keeps its accents apart.
    """
    non_ascii = [c for c in gb_reading if ord(c) > 127]
    hanzi = sum(1 for c in non_ascii if _is_hanzi(c))
    # One ideograph is what a pair of accented Latin letters (b"\xe9\xe9") reads as.
    if hanzi < 2:
        return False
    cjk = sum(1 for c in non_ascii if _is_hanzi(c) or 0x3000 <= ord(c) <= 0x303F or 0xFF00 <= ord(c) <= 0xFFEF)
    if cjk / len(non_ascii) < 0.9:
        return False
    common = sum(1 for c in non_ascii if _in_gb2312(c))
    return common / len(non_ascii) >= 0.8 or cp_reading is None or _adjacent_share(cp_reading) >= 0.6


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def detect_and_decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of unknown encoding; return (text, encoding) or raise RejectedDocument.

    Order: BOM; a declared charset (HTML meta) if it decodes strictly; strict UTF-8;
    UTF-16 without BOM (NUL parity); GB18030 when the reading is plausible Chinese; cp1252;
    GB18030 (it also encodes Latin letters); charset-normalizer as the last resort.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data[3:], "utf-8")
        if text is not None:
            return text, "utf-8-sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = _strict(data, "utf-32")
        if text is not None:
            return text, "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(data, "utf-16")
        if text is not None:
            return text, "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        raise RejectedDocument("undecodable: a UTF-16 byte-order mark followed by invalid UTF-16")
    if declared:
        text = _strict(data, declared)
        if text is not None:
            return text, declared.lower()
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        text = _strict(data, utf16)
        if text is not None:
            return text, utf16
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    gb = _strict(data, "gb18030")
    cp = _strict(data, "cp1252")
    if gb is not None and _looks_chinese(gb, cp):
        return gb, "gb18030"
    if cp is not None:
        return cp, "cp1252"
    if gb is not None:
        return gb, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RejectedDocument("undecodable: no text encoding fits these bytes")
    return str(best), str(best.encoding)


# In ASCII text ftfy (as configured below) can only change line breaks, terminal escapes and
# control characters: text with none of those skips it (it costs ~15% of parsing a document).
_ASCII_FTFY_WORK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def repair_text(text: str) -> str:
    """Repair mojibake (Â¥ -> ¥) with ftfy, NFC-normalise, and clean control characters."""
    if text.isascii() and not _ASCII_FTFY_WORK.search(text):
        return clean_text(text)
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        normalization="NFC",
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        explain=False,
    )
    # ftfy fixes a text line by line (each segment ends after a newline), so the lines it could
    # not change (ASCII, without control characters) are kept as they are and only the others
    # go through it: the same result, in a fraction of the time for a text of mostly ASCII lines.
    parts: list[str] = []
    pos = 0
    end = len(text)
    while pos < end:
        brk = text.find("\n", pos) + 1 or end
        line = text[pos:brk]
        if len(line) > config.max_decode_length:  # ftfy cuts such a line: let it do the whole text
            parts = [ftfy.fix_text(text, config)]
            break
        parts.append(
            line if line.isascii() and not _ASCII_FTFY_WORK.search(line) else ftfy.fix_text(line, config)
        )
        pos = brk
    return clean_text(unicodedata.normalize("NFC", "".join(parts)))


def _check_not_junk(text: str) -> None:
    if not text:
        return
    junk = len(_CONTROL.findall(text)) + text.count("\ufffd")
    if junk / len(text) > _MAX_JUNK_SHARE:
        raise RejectedDocument(
            f"binary: {junk / len(text):.0%} of the decoded characters are control characters"
        )


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes of unknown encoding (BOMs, UTF-16, GB18030, cp1252) and repair mojibake."""
    text, _ = detect_and_decode(data, declared)
    _check_not_junk(text)
    return repair_text(text)


def parse_document(data: bytes, filename: str, *, max_bytes: int) -> ParsedDocument:
    """Parse a file's bytes by its suffix; raise RejectedDocument with a reason if it can't be read."""
    suffix = file_suffix(filename)
    if suffix not in SUPPORTED_SUFFIXES:
        raise RejectedDocument(
            f"unsupported file type {suffix or '(none)'!r}: expected one of "
            + ", ".join(sorted(SUPPORTED_SUFFIXES))
        )
    if len(data) > max_bytes:
        raise RejectedDocument(f"oversized: {len(data):,} bytes is over the {max_bytes:,}-byte limit")
    if not data.strip():
        raise RejectedDocument(
            "empty: the file has no content" if not data else "empty: the file holds only whitespace"
        )
    if suffix in PDF_SUFFIXES:
        parsed = parse_pdf(data)
    else:
        if looks_binary(data):
            raise RejectedDocument("binary: the file holds binary data (NUL bytes), not text")
        parsed = parse_html(data) if suffix in HTML_SUFFIXES else parse_text(data, suffix)
    if not parsed.text.strip():
        raise RejectedDocument("empty: no readable text after decoding (only whitespace)")
    return parsed


def parse_text(data: bytes, suffix: str = ".txt") -> ParsedDocument:
    """A plain-text or Markdown file: decoded, repaired, with metadata from its header lines."""
    from transforms.metadata import parse_text_metadata

    text, encoding = detect_and_decode(data)
    _check_not_junk(text)
    text = repair_text(text)
    fmt = "markdown" if suffix in {".md", ".markdown"} else "text"
    return ParsedDocument(text=text, format=fmt, meta=parse_text_metadata(text), encoding=encoding)


def _declared_charset(data: bytes) -> str | None:
    match = _HTML_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    # Browsers read gb2312/gbk labels as GB18030 (a superset); do the same.
    return "gb18030" if name in {"gb2312", "gbk", "x-gbk"} else name


def _load_tree(html: str) -> Any:
    """Parse HTML with lxml, allowing deep nesting (libxml2 stops at depth 256 by default)."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(huge_tree=True, remove_comments=True, encoding="utf-8")
    # lxml refuses str input that carries an XML encoding declaration: hand it UTF-8 bytes and
    # say so, or it would believe the page's own (already applied) <meta charset>.
    return lxml_html.document_fromstring(html.encode("utf-8"), parser=parser)


def _drop_boilerplate(tree: Any) -> None:
    """Remove navigation, scripts, styles, forms and footers (and page-level headers)."""
    for element in list(tree.iter(*_BOILERPLATE_TAGS)):
        element.drop_tree()
    for header in list(tree.iter("header")):
        if not any(a.tag in ("article", "main") for a in header.iterancestors()):
            header.drop_tree()


class _VisibleText(HTMLParser):
    """Visible text of a page, one line per block, skipping boilerplate elements.

    Event-based, so it reads pages nested deeper than libxml2's limit (2048 levels).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping.append(tag)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _plain_text(html: str) -> str:
    """All visible text outside boilerplate elements, one line per block element."""
    reader = _VisibleText()
    reader.feed(html)
    reader.close()
    body = "".join(reader.parts)
    lines = (" ".join(line.split()) for line in body.split("\n"))
    return "\n".join(line for line in lines if line)


def extract_html_text(html: str) -> str:
    """Main text of an HTML page via trafilatura; plain visible text when trafilatura finds none."""
    import trafilatura

    try:
        tree = _load_tree(html)
    except Exception as exc:  # lxml raises several types for hopeless markup
        raise RejectedDocument(f"corrupt HTML: {exc}") from None
    _drop_boilerplate(tree)
    text = trafilatura.extract(tree, include_comments=False, include_tables=True, favor_recall=True)
    if not text or not text.strip():
        # Very deep nesting or a one-line page defeat trafilatura's heuristics; the page was
        # already stripped of boilerplate, so its visible text is the article.
        text = _plain_text(html)
    return text or ""


def _parse_meta_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def parse_html(data: bytes) -> ParsedDocument:
    """Main text of an HTML page (no navigation, scripts or footers) and its meta tags."""
    import trafilatura

    from transforms.metadata import parse_text_metadata

    html, encoding = detect_and_decode(data, _declared_charset(data))
    _check_not_junk(html)
    html = repair_text(html)
    text = repair_text(extract_html_text(html))
    if not text.strip():
        raise RejectedDocument("empty: no main text found in the HTML page")
    meta = parse_text_metadata(text)
    try:
        info = trafilatura.extract_metadata(_load_tree(html), date_config=_DATE_CONFIG)
    except Exception:  # metadata is a bonus: a page with odd meta tags still loads
        info = None
    if info is not None:
        meta.title = info.title or meta.title
        meta.author = info.author or meta.author
        meta.source = info.sitename or meta.source
        published = _parse_meta_date(info.date)
        if published is not None:
            meta.published_at = published
            meta.date_origin = "meta"
        if info.url:
            meta.extra["url"] = info.url
    return ParsedDocument(text=text, format="html", meta=meta, encoding=encoding)


def parse_pdf(data: bytes) -> ParsedDocument:
    """Text and metadata of a PDF; a corrupt or encrypted PDF is rejected with the parser's reason."""
    from pypdf import PdfReader

    from transforms.metadata import parse_text_metadata

    if not data.lstrip()[:5] == b"%PDF-":
        raise RejectedDocument("corrupt PDF: no %PDF- header")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedDocument("encrypted PDF: a password is needed to read it")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = info.title if info is not None else None
        author = info.author if info is not None else None
        created = info.creation_date if info is not None and info.get("/CreationDate") else None
    except RejectedDocument:
        raise
    except Exception as exc:  # pypdf raises many types (PdfReadError, KeyError, ...) on damage
        raise RejectedDocument(f"corrupt PDF: {type(exc).__name__}: {exc}") from None
    text = repair_text("\n\n".join(p.strip() for p in pages))
    if not text.strip():
        raise RejectedDocument("empty: the PDF has no extractable text (scanned images?)")
    meta = parse_text_metadata(text)
    meta.title = str(title) if title else meta.title
    meta.author = str(author) if author else meta.author
    # A date the document states in its header beats the PDF's creation date.
    if created is not None and meta.date_origin != "header":
        meta.published_at = created.replace(tzinfo=None)
        meta.date_origin = "pdf"
    return ParsedDocument(text=text, format="pdf", meta=meta)
