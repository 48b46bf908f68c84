"""Turn a file's bytes into a document: text plus metadata, or a clear reason to reject it."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from transforms.models import DocumentMeta

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES

# C0/C1 control characters except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class RejectedDocument(ValueError):
    """A file that cannot become a document; the message is the reason users see."""


@dataclass(slots=True)
class ParsedDocument:
    """A decoded document ready to store: its text, format and self-described metadata."""

    text: str
    format: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)

    @property
    def doc_id(self) -> str:
        """Content hash: the same text under two names is one document."""
        return document_id(self.text)


def document_id(text: str) -> str:
    """Return the document id: the first 16 hex digits of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def clean_text(text: str) -> str:
    """Normalise newlines and drop control characters that no reader wants to see."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def decode_bytes(data: bytes) -> str:
    """Decode text bytes of unknown encoding (BOMs, UTF-16, GB18030, cp1252) and repair mojibake."""
    from charset_normalizer import from_bytes

    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            best = from_bytes(data).best()
            if best is None:
                raise RejectedDocument("undecodable: no text encoding fits these bytes") from None
            text = str(best)
    return repair_text(text)


def repair_text(text: str) -> str:
    """Repair mojibake (Â¥ -> ¥) with ftfy and remove control characters."""
    import ftfy

    fixed = ftfy.fix_text(
        text,
        unescape_html=False,
        normalization="NFC",
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
    )
    return clean_text(unicodedata.normalize("NFC", fixed))


def looks_binary(data: bytes) -> bool:
    """True when bytes look like a binary file rather than text (NULs outside UTF-16)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def parse_document(data: bytes, filename: str, *, max_bytes: int) -> ParsedDocument:
    """Parse a file's bytes by its suffix; raise RejectedDocument with a reason if it can't be read."""
    from transforms.metadata import parse_text_metadata

    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise RejectedDocument(
            f"unsupported file type {suffix or '(none)'!r}: expected one of "
            + ", ".join(sorted(SUPPORTED_SUFFIXES))
        )
    if len(data) > max_bytes:
        raise RejectedDocument(f"oversized: {len(data):,} bytes is over the {max_bytes:,}-byte limit")
    if not data.strip():
        raise RejectedDocument("empty: the file has no content")
    if suffix in PDF_SUFFIXES:
        parsed = parse_pdf(data)
    elif suffix in HTML_SUFFIXES:
        parsed = parse_html(data)
    else:
        if looks_binary(data):
            raise RejectedDocument("binary: the file holds binary data, not text")
        text = decode_bytes(data)
        parsed = ParsedDocument(text=text, format="markdown" if suffix in {".md", ".markdown"} else "text")
        parsed.meta = parse_text_metadata(text)
    if not parsed.text.strip():
        raise RejectedDocument("empty: no readable text after decoding")
    return parsed


def parse_html(data: bytes) -> ParsedDocument:
    """Main text of an HTML page (no navigation, scripts or footers) and its meta tags."""
    import trafilatura

    from transforms.metadata import parse_text_metadata

    html = decode_bytes(data)
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    if not text or not text.strip():
        raise RejectedDocument("empty: no main text found in the HTML page")
    text = clean_text(text)
    meta = parse_text_metadata(text)
    info = trafilatura.extract_metadata(html)
    if info is not None:
        meta.title = info.title or meta.title
        meta.author = info.author or meta.author
        meta.source = info.sitename or meta.source
        if info.date:
            from datetime import datetime

            try:
                meta.published_at = datetime.fromisoformat(info.date)
                meta.date_origin = "meta"
            except ValueError:
                pass
    return ParsedDocument(text=text, format="html", meta=meta)


def parse_pdf(data: bytes) -> ParsedDocument:
    """Text and metadata of a PDF; a corrupt PDF is rejected with the parser's reason."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from transforms.metadata import parse_text_metadata

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise RejectedDocument(f"corrupt PDF: {exc}") from None
    text = clean_text("\n\n".join(p.strip() for p in pages))
    if not text.strip():
        raise RejectedDocument("empty: the PDF has no extractable text (scanned images?)")
    meta = parse_text_metadata(text)
    if info is not None:
        meta.title = info.title or meta.title
        meta.author = info.author or meta.author
        created = info.creation_date if info.get("/CreationDate") else None
        if created is not None:
            meta.published_at = created.replace(tzinfo=None)
            meta.date_origin = "pdf"
    return ParsedDocument(text=text, format="pdf", meta=meta)
