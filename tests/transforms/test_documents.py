"""Bytes -> document: every format, encoding and rejection the ingest promises, case by case."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.documents import (
    RejectedDocument,
    clean_text,
    decode_bytes,
    detect_and_decode,
    document_id,
    parse_document,
    repair_text,
)

CASES = Path(__file__).parent / "cases" / "documents"
ENCODING_CASES = json.loads((CASES / "encodings.json").read_text(encoding="utf-8"))
LIMIT = 1_000_000


def _encode(case: dict[str, str]) -> bytes:
    return bytes.fromhex(case.get("bom", "")) + case["text"].encode(case["encoding"])


@pytest.mark.parametrize("case", ENCODING_CASES, ids=[c["id"] for c in ENCODING_CASES])
def test_encoding_is_detected_and_text_recovered(case: dict[str, str]) -> None:
    data = _encode(case)
    text, encoding = detect_and_decode(data)
    assert encoding == case["detected"]
    assert repair_text(text) == case["text"]


@pytest.mark.parametrize("case", ENCODING_CASES, ids=[c["id"] for c in ENCODING_CASES])
def test_same_text_in_any_encoding_is_one_document(case: dict[str, str]) -> None:
    parsed = parse_document(_encode(case), "a.txt", max_bytes=LIMIT)
    assert parsed.text == case["text"]
    assert parsed.doc_id == document_id(case["text"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Price Â¥100 and â‚¬5", "Price ¥100 and €5"),
        ("costs fell â€” sharply", "costs fell — sharply"),
        ("Ã©tude of cafÃ©s", "étude of cafés"),
        ("营收增长26%，达到334亿元", "营收增长26%，达到334亿元"),  # fullwidth punctuation kept
        ("“quoted” text", "“quoted” text"),  # curly quotes kept
    ],
)
def test_mojibake_is_repaired_and_good_text_left_alone(raw: str, expected: str) -> None:
    assert decode_bytes(raw.encode("utf-8")) == expected


def test_control_characters_are_removed_and_newlines_normalised() -> None:
    text = clean_text("Rev\x07enue\x1b rose\r\n5%\rthen\x0cpage two\u2028line\x85 end\ufeff  \n")
    assert text == "Revenue rose\n5%\nthen\npage two\nline end"


def test_a_few_stray_controls_do_not_make_text_binary() -> None:
    data = ("JD.com revenue rose 15.8% to RMB 301 billion in the quarter.\x07\x1b " * 5).encode()
    assert "\x07" not in parse_document(data, "a.txt", max_bytes=LIMIT).text


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
            st.sampled_from("¥€—，。\n"),
        ),
        min_size=1,
        max_size=200,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_unicode_encodings_round_trip(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == clean_text(text)


ARTICLE = "Title: Cloud grows\nAuthor: Jane Roe\nDate: 2025-05-07\n\nAlibaba Cloud revenue rose 18% to RMB 30.1 billion.\n"


@pytest.mark.parametrize(("name", "fmt"), [("a.txt", "text"), ("a.md", "markdown"), ("A.TEXT", "text")])
def test_text_and_markdown_keep_text_and_header_metadata(name: str, fmt: str) -> None:
    parsed = parse_document(ARTICLE.encode("utf-8"), name, max_bytes=LIMIT)
    assert parsed.format == fmt
    assert parsed.text == ARTICLE.strip()
    assert (parsed.meta.title, parsed.meta.author) == ("Cloud grows", "Jane Roe")
    assert parsed.meta.published_at == datetime(2025, 5, 7)


PAGE = """<html><head><meta charset="{charset}"><title>Cloud grows</title>
<meta name="author" content="Ann Writer">
<meta property="article:published_time" content="2025-05-28T20:00:00Z">
<meta property="og:site_name" content="Chip Daily">
<script>var noise = "SCRIPT-NOISE";</script><style>p {{ color: red }}</style></head>
<body><header>HEADER-NOISE</header><nav><a href="/">NAV-NOISE Home</a></nav>
<article><p>Alibaba Cloud revenue rose 18% to RMB 30.1 billion in the quarter.</p>
<p>阿里云收入增长18%。</p></article>
<aside>ASIDE-NOISE</aside><footer>FOOTER-NOISE Copyright</footer></body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "gbk", "gb18030"])
def test_html_main_text_without_boilerplate_and_meta_tags(charset: str) -> None:
    parsed = parse_document(PAGE.format(charset=charset).encode(charset), "page.html", max_bytes=LIMIT)
    assert parsed.format == "html"
    assert "RMB 30.1 billion" in parsed.text and "阿里云收入增长18%。" in parsed.text
    for noise in ("SCRIPT-NOISE", "NAV-NOISE", "HEADER-NOISE", "ASIDE-NOISE", "FOOTER-NOISE", "color"):
        assert noise not in parsed.text
    assert (parsed.meta.title, parsed.meta.author, parsed.meta.source) == ("Cloud grows", "Ann Writer", "Chip Daily")
    assert parsed.meta.published_at == datetime(2025, 5, 28)
    assert parsed.meta.date_origin == "meta"


@pytest.mark.parametrize("depth", [10, 1000, 5000])
def test_deeply_nested_html_is_read(depth: int) -> None:
    page = "<html><body>" + "<div>" * depth + "<p>Moonshot raised $300 million.</p>" + "</div>" * depth
    parsed = parse_document(page.encode(), "deep.htm", max_bytes=LIMIT)
    assert parsed.text == "Moonshot raised $300 million."


def test_pdf_text_and_metadata() -> None:
    parsed = parse_document((CASES / "small.pdf").read_bytes(), "report.pdf", max_bytes=LIMIT)
    assert parsed.format == "pdf"
    assert "Results (unaudited)" in parsed.text
    assert "revenue rose 13% to RMB 180 billion" in parsed.text
    assert (parsed.meta.title, parsed.meta.author) == ("Tencent Q1 results", "IR Team")
    assert parsed.meta.published_at == datetime(2025, 5, 14, 8, 30)
    assert parsed.meta.date_origin == "pdf"


def test_pdf_date_in_the_text_header_wins_over_creation_date() -> None:
    data = (CASES / "small.pdf").read_bytes()
    # Same PDF, text stream rewritten to start with a dated header (length kept so xref holds).
    old = rb"(Results \(unaudited\)) Tj"
    new = b"(Date: 2025-04-01".ljust(len(old) - 4) + b") Tj"
    assert old in data
    parsed = parse_document(data.replace(old, new), "report.pdf", max_bytes=LIMIT)
    assert parsed.meta.published_at == datetime(2025, 4, 1)
    assert parsed.meta.date_origin == "header"


REJECTIONS = [
    ("empty.txt", b"", "empty"),
    ("blank.md", b"  \n\t\r\n ", "empty"),
    ("blank16.txt", "\ufeff  \n ".encode("utf-16-le"), "empty"),
    ("nul.txt", b"abc\x00def" * 10, "binary"),
    ("noise.txt", bytes(range(1, 32)) * 40, "binary"),
    ("random.html", bytes(range(256)) * 8, "binary"),
    ("image.png", b"\x89PNG\r\n\x1a\n", "unsupported"),
    ("Makefile", b"all:\n", "unsupported"),
    ("archive.tar.gz", b"\x1f\x8b", "unsupported"),
    ("bad16.txt", b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8A", "undecodable"),
    ("big.txt", b"x" * (LIMIT + 1), "oversized"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "corrupt"),
    ("fake.pdf", b"<html>not a pdf</html>", "corrupt"),
    ("scripts.html", b"<html><head><script>var a = 1;</script></head><body><nav>Home</nav></body></html>", "no main text"),
    ("tags.htm", b"<html><body><div><span></span></div></body></html>", "no main text"),
]


@pytest.mark.parametrize(("name", "data", "keyword"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_unreadable_files_are_rejected_with_a_reason(name: str, data: bytes, keyword: str) -> None:
    with pytest.raises(RejectedDocument, match=keyword):
        parse_document(data, name, max_bytes=LIMIT)


def test_truncated_real_pdf_is_corrupt() -> None:
    data = (CASES / "small.pdf").read_bytes()
    with pytest.raises(RejectedDocument, match="corrupt"):
        parse_document(data[: len(data) // 3], "cut.pdf", max_bytes=LIMIT)


def test_document_id_is_the_hash_of_the_stored_text() -> None:
    a = parse_document(ARTICLE.encode("utf-8"), "a.txt", max_bytes=LIMIT)
    b = parse_document(ARTICLE.replace("\n", "\r\n").encode("utf-16"), "b.md", max_bytes=LIMIT)
    assert a.doc_id == b.doc_id == document_id(a.text)
    assert a.doc_id != parse_document(b"Other text 5%.", "c.txt", max_bytes=LIMIT).doc_id


def _repair_with_ftfy(text: str) -> str:
    """repair_text without its ASCII fast path: the reference it must agree with."""
    import unicodedata

    import ftfy

    from transforms.documents import clean_text

    fixed = ftfy.fix_text(
        text, unescape_html=False, normalization="NFC", fix_latin_ligatures=False,
        fix_character_width=False, uncurl_quotes=False,
    )
    return clean_text(unicodedata.normalize("NFC", fixed))


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_ascii_fast_path_repairs_like_ftfy(text: str) -> None:
    from transforms.documents import repair_text

    assert repair_text(text) == _repair_with_ftfy(text)


_LINE_PIECES = [
    "Revenue rose 5% to $3 billion.", "Alibaba Cloud Â¥380 billion", "it’s", "â€™s", "café",
    "Ã©tude", "\r", "\x1b[31m", "\u2028", "\x85", "\ufffd", "\x07", "ﬁ", "＄5", "&amp;", "e\u0301",
    "\u00a0", "¥", "\t", " ",
]


@given(st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=6), max_size=12), st.booleans())
def test_lines_ftfy_cannot_change_are_kept_and_the_rest_repaired_like_ftfy(
    lines: list[list[str]], final_newline: bool
) -> None:
    # repair_text hands ftfy only the lines it could change: the whole must not differ
    text = "\n".join("".join(pieces) for pieces in lines) + ("\n" if final_newline else "")
    assert repair_text(text) == _repair_with_ftfy(text)


def test_mojibake_among_ascii_lines_is_repaired() -> None:
    text = "Plain line one.\nThe plan is â€œbigâ€\u009d: Â¥380 billion.\nPlain line three.\n"
    assert repair_text(text) == _repair_with_ftfy(text)
    assert "¥380" in repair_text(text) and "Â" not in repair_text(text)


def _clean_every_pass(text: str) -> str:
    """clean_text running every substitution (it skips those that cannot match)."""
    import re

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x0b\x0c\u2028\u2029]", "\n", text)
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]", "", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@given(st.lists(st.sampled_from(["a", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\u2028", "\x07", "é"]), max_size=40))
def test_clean_text_skips_only_substitutions_that_cannot_match(chars: list[str]) -> None:
    text = "".join(chars)
    assert clean_text(text) == _clean_every_pass(text)
