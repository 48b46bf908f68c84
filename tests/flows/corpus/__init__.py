"""An awkward inbox: every format, encoding and failure the ingest must survive, built on demand.

`build_corpus(folder)` writes the files and returns what the ingest must make of each one,
keyed by the path relative to the folder. Nothing here is special-cased by the code under
test: the expectations are what a careful reader would say about each file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The limit the corpus run sets (BRIEFING_MAX_FILE_BYTES): the 5 MB line fits, oversized.txt does not.
MAX_FILE_BYTES = 6_000_000

ARTICLE = """Title: Alibaba Cloud revenue jumps on AI demand
Source: Example Wire
Author: Jane Roe
Date: 2025-05-07

Alibaba Cloud revenue rose 18% to RMB 30.1 billion in the March quarter.
AI-related product revenue grew at triple digits for the seventh quarter in a row.
The group plans to spend more than RMB 380 billion on cloud and AI infrastructure over three years.
"""

CHINESE = """标题：阿里云收入增长
日期：2025年5月7日

阿里云季度收入增长18%，达到301亿元人民币。
公司计划在未来三年投入超过3800亿元用于云和人工智能基础设施。
(English) Cloud revenue rose 18% to RMB 30.1 billion; capex of over RMB 380 billion is planned.
"""

WESTERN = """Title: Café chain expands in Europe
Date: 2025-03-02

The café operator said revenue rose 12% to €4.5 million, a naïve reading of the résumé aside.
Its margin widened to 9.5% in 2024.
"""


@dataclass(frozen=True)
class Expect:
    """What the ingest must record for one file."""

    status: str  # loaded, duplicate or rejected
    reason: str | None = None  # a keyword the rejection reason must contain
    contains: tuple[str, ...] = ()  # text the stored document must contain
    absent: tuple[str, ...] = ()  # text it must not contain
    min_figures: int = 0
    title: str | None = None
    author: str | None = None
    date: str | None = None  # published_at as YYYY-MM-DD


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(lines: list[str], *, title: str, author: str, created: str) -> bytes:
    """A minimal valid one-page PDF (Helvetica, ASCII text) with an Info dictionary.

    created is a PDF date such as D:20250507120000Z. Written by hand so the test needs no
    PDF library beyond the pypdf reader under test.
    """
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops.append(f"{_pdf_string(line)} Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        (
            f"<< /Title {_pdf_string(title)} /Author {_pdf_string(author)} "
            f"/CreationDate {_pdf_string(created)} >>"
        ).encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


PDF_LINES = [
    "Quarterly results",
    "Tencent said revenue rose 13% to RMB 180 billion in the first quarter.",
    "Capital expenditure reached RMB 27.5 billion.",
]

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>NVIDIA data-center sales surge</title>
<meta name="author" content="Ann Writer">
<meta property="article:published_time" content="2025-05-28T20:00:00Z">
<meta property="og:site_name" content="Chip Daily">
<style>body {{ font-family: serif }}</style>
<script>window.tracking = "SCRIPT-NOISE 999 million";</script>
</head><body>
<header><a href="/">Chip Daily</a> | Subscribe for 99 dollars</header>
<nav><ul><li><a href="/markets">Markets NAV-NOISE</a></li><li><a href="/ai">AI</a></li></ul></nav>
<article>
<h1>NVIDIA data-center sales surge</h1>
<p>NVIDIA said data-center revenue rose 73% to $39.1 billion in the quarter ended April.</p>
<p>Gross margin was 61%, hurt by a $4.5 billion charge tied to export rules.</p>
{more}
</article>
<aside>Related: ASIDE-NOISE 10 things to read</aside>
<footer>Copyright 2025 Chip Daily. FOOTER-NOISE All rights reserved.</footer>
<script>console.log("more SCRIPT-NOISE");</script>
</body></html>
"""

NESTED_DEPTH = 3000


def _five_mb_line() -> bytes:
    filler = "lorem ipsum dolor sit amet consectetur adipiscing elit "
    head = "Baidu said AI cloud revenue rose 42% to RMB 6.7 billion. "
    tail = " Baidu also said it had 2.4 million developers on its platform."
    body = filler * ((5_000_000 - len(head) - len(tail)) // len(filler))
    return (head + body + tail).encode("utf-8")


def _ten_thousand_numbers() -> bytes:
    lines = [f"Row {i}: shipments reached {i * 3 + 1} million units, up {i % 50 + 1}%." for i in range(5000)]
    return ("Title: Ten thousand numbers\n\n" + "\n".join(lines) + "\n").encode("utf-8")


def build_corpus(folder: Path) -> dict[str, Expect]:
    """Write the awkward corpus into folder; return the expectation per relative path."""
    files: dict[str, tuple[bytes, Expect]] = {}
    loaded_article = Expect(
        "loaded", contains=("RMB 30.1 billion",), min_figures=3,
        title="Alibaba Cloud revenue jumps on AI demand", author="Jane Roe", date="2025-05-07",
    )
    files["article.txt"] = (ARTICLE.encode("utf-8"), loaded_article)
    # Same bytes under another name, and the same text in another encoding or with CRLF line
    # ends: one document. The copies sort after article.txt, so the ingest meets it first.
    files["copy of article.txt"] = (ARTICLE.encode("utf-8"), Expect("duplicate"))
    files["copy in utf-16.txt"] = (ARTICLE.encode("utf-16"), Expect("duplicate"))
    files["copy with CRLF.txt"] = (ARTICLE.replace("\n", "\r\n").encode("utf-8"), Expect("duplicate"))
    files["notes with spaces.md"] = (
        (b"# Qwen3 launch notes\n\n- Qwen3 ships **8 models** from 0.6B to 235B parameters.\n"
         b"- The flagship activates 22B parameters.\n"),
        Expect("loaded", contains=("235B",), min_figures=2),
    )
    files["报告 ünïcode name.txt"] = (
        CHINESE.encode("utf-8"),
        Expect("loaded", contains=("301亿元",), min_figures=2, date="2025-05-07"),
    )
    files["bom utf-8.txt"] = (
        b"\xef\xbb\xbf" + b"DeepSeek cut API prices by 50% during off-peak hours.\n",
        Expect("loaded", contains=("DeepSeek cut",), absent=("\ufeff",), min_figures=1),
    )
    files["utf-16-le.txt"] = (
        "\ufeffHuawei shipped 1.2 million Ascend chips, about 營收 rose 5%.\n".encode("utf-16-le"),
        Expect("loaded", contains=("1.2 million Ascend", "營收"), absent=("\ufeff",), min_figures=1),
    )
    files["utf-16-be.txt"] = (
        "\ufeffByteDance capex may reach $20 billion in 2025.\n".encode("utf-16-be"),
        Expect("loaded", contains=("$20 billion",), absent=("\ufeff",), min_figures=1),
    )
    files["gb18030.txt"] = (
        CHINESE.replace("阿里云", "腾讯云").encode("gb18030"),
        Expect("loaded", contains=("腾讯云季度收入增长18%",), min_figures=2),
    )
    # Too short for any detector to be sure: read as GBK because it is plausible Chinese.
    files["gbk short.txt"] = ("营收增长26%".encode("gbk"), Expect("loaded", contains=("营收增长26%",)))
    files["windows-1252.txt"] = (
        WESTERN.encode("cp1252"),
        Expect("loaded", contains=("€4.5 million", "café", "naïve"), min_figures=2),
    )
    files["mojibake.txt"] = (
        "Kuaishou's Kling earned Â¥150 million; costs fell â€” sharply â€” by 30%.\n".encode(),
        Expect("loaded", contains=("¥150 million", "—"), absent=("Â", "â€"), min_figures=1),
    )
    files["control characters.txt"] = (
        b"JD.com\x07 revenue rose 15.8%\x1b to RMB 301 billion.\x00\r\nPage two\x0cends here.\n".replace(b"\x00", b""),
        Expect("loaded", contains=("RMB 301 billion",), absent=("\x07", "\x1b", "\x0c", "\r"), min_figures=1),
    )
    files["one line 5 MB.txt"] = (_five_mb_line(), Expect("loaded", contains=("2.4 million developers",), min_figures=2))
    files["ten thousand numbers.txt"] = (_ten_thousand_numbers(), Expect("loaded", min_figures=5000))
    more = "\n".join(f"<p>Segment {i} revenue was ${i + 1}.5 billion.</p>" for i in range(3))
    files["page with nav.html"] = (
        HTML_PAGE.format(more=more).encode("utf-8"),
        Expect(
            "loaded", contains=("$39.1 billion", "Segment 2 revenue"),
            absent=("NAV-NOISE", "SCRIPT-NOISE", "FOOTER-NOISE", "ASIDE-NOISE", "Subscribe", "font-family"),
            min_figures=4, title="NVIDIA data-center sales surge", author="Ann Writer", date="2025-05-28",
        ),
    )
    nested = (
        "<html><head><title>Deep</title></head><body>" + "<div>" * NESTED_DEPTH
        + "<p>Moonshot raised $300 million at a $3.3 billion valuation.</p>"
        + "</div>" * NESTED_DEPTH + "</body></html>"
    )
    files["deeply nested.html"] = (nested.encode("utf-8"), Expect("loaded", contains=("$300 million",), min_figures=2))
    gbk_page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "<title>百度财报</title></head><body><article><p>百度智能云收入增长42%，达到67亿元。</p>"
        "<p>百度表示，文心大模型日均调用量超过16.5亿次。</p>"
        "<p>(English) Baidu AI Cloud revenue grew 42% to RMB 6.7 billion.</p></article></body></html>"
    )
    files["gbk page.htm"] = (gbk_page.encode("gbk"), Expect("loaded", contains=("百度智能云收入增长42%",), min_figures=1))
    files["report.pdf"] = (
        make_pdf(PDF_LINES, title="Tencent Q1 results", author="IR Team", created="D:20250514083000Z"),
        Expect(
            "loaded", contains=("RMB 180 billion",), min_figures=2,
            title="Tencent Q1 results", author="IR Team", date="2025-05-14",
        ),
    )
    files["sub folder/deeper/inner article.txt"] = (
        b"Xiaomi sold 2.5 million EVs, taking a 3% share.\n",
        Expect("loaded", contains=("2.5 million EVs",), min_figures=1),
    )
    # Rejections: each with the keyword its reason must carry.
    files["empty.txt"] = (b"", Expect("rejected", "empty"))
    files["whitespace only.txt"] = (b"  \n\t\r\n   \n", Expect("rejected", "empty"))
    files["utf-16 whitespace.txt"] = ("\ufeff   \n  ".encode("utf-16-le"), Expect("rejected", "empty"))
    files["binary.txt"] = (bytes(range(256)) * 16, Expect("rejected", "binary"))
    files["picture.png"] = (b"\x89PNG\r\n\x1a\n" + bytes(64), Expect("rejected", "unsupported"))
    files["README"] = (b"a file without a suffix\n", Expect("rejected", "unsupported"))
    files["broken utf-16.txt"] = (b"\xff\xfe" + "ok ".encode("utf-16-le") + b"\x00\xd8A", Expect("rejected", "undecodable"))
    files["oversized.txt"] = (b"x" * (MAX_FILE_BYTES + 100_000), Expect("rejected", "oversized"))
    files["broken.pdf"] = (make_pdf(PDF_LINES, title="t", author="a", created="D:2025")[:300], Expect("rejected", "corrupt"))
    files["not really.pdf"] = (b"<html>this is not a PDF</html>", Expect("rejected", "corrupt"))
    files["script only.html"] = (
        b"<html><head><title>Empty</title><script>var revenue = 5;</script></head><body><nav>Home</nav></body></html>",
        Expect("rejected", "no main text"),
    )
    for rel, (data, _) in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    # Hidden files (editor swap files, .DS_Store) are not documents and are not listed.
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return {rel: expect for rel, (_, expect) in files.items()}
