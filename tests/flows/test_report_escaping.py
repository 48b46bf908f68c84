"""Document text is data: markup in a title, a source line, a file name or a sentence shows as text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import duckdb

from flows.pipeline import pipeline
from reports.charts import page_scripts

ARTICLE = """Alibaba Cloud <script>alert('title')</script> results <img src=x onerror=alert(1)>

Source: Evil Wire <svg onload=alert(2)>
Date: 2025-05-14

Alibaba Cloud revenue rose 18% year-on-year to 30.1 billion yuan <img src=x onerror=alert(3)> in the quarter.

Tencent said its capital expenditure reached 76.8 billion yuan <script>alert('body')</script> in 2024, and "quotes" & ampersands stay as written.
"""
HOSTILE_NAME = "hostile <img src=x onerror=alert(9)>.txt"
REJECTED_NAME = "broken <script>alert(4)<script>.png"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_markup_in_documents_is_shown_as_text(
    prefect_harness: None, briefing_home: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / HOSTILE_NAME).write_text(ARTICLE, encoding="utf-8")
    (inbox / REJECTED_NAME).write_bytes(b"\x89PNG\r\n\x1a\n")
    pipeline(inbox=str(inbox), every="week")

    db = duckdb.connect(str(briefing_home / "warehouse.duckdb"), read_only=True)
    try:
        title, published = db.execute(
            "SELECT title, published_at FROM documents WHERE first_path LIKE '%hostile%'"
        ).fetchone() or (None, None)
        surfaces = {r[0] for r in db.execute(
            "SELECT f.surface FROM figures f JOIN documents d USING (doc_id) WHERE d.first_path LIKE '%hostile%'"
        ).fetchall()}
    finally:
        db.close()
    assert title is not None and "<script>" in title, "the title should keep its markup as text"
    assert published is not None and published.date().isoformat() == "2025-05-14"
    assert any("30.1" in s for s in surfaces)

    page = briefing_home / "briefings" / "briefing-2025-W20.html"
    html = page.read_text(encoding="utf-8")
    parsed = Elements()
    parsed.feed(html)
    tags = [tag for tag, _ in parsed.tags]
    handlers = [(tag, name) for tag, attrs in parsed.tags for name, _ in attrs if name.startswith("on")]
    assert "img" not in tags and "iframe" not in tags
    assert handlers == []
    # The only scripts are the page's own (the chart bundle and its caller, from assets/) and the
    # chart specs, JSON the browser never runs; document text never becomes one.
    scripts = [dict(attrs) for tag, attrs in parsed.tags if tag == "script"]
    assert [s["src"] for s in scripts if "src" in s] == page_scripts([{"spec": "{}"}])
    specs = [s for s in scripts if "src" not in s]
    assert specs and all(s == {"type": "application/json", "class": "vega-spec", "data-chart": s["data-chart"]}
                         for s in specs)
    assert html.count("<script") == len(scripts) and html.count("</script>") == len(scripts)
    # Every svg is a chart: none comes from the document's "<svg onload=...>".
    assert "onload" not in " ".join(name for _, attrs in parsed.tags for name, _ in attrs)
    text = "".join(parsed.text)
    assert "Alibaba Cloud <script>alert('title')</script> results <img src=x onerror=alert(1)>" in text
    assert "<img src=x onerror=alert(3)>" in text
    assert "<script>alert('body')</script>" in text
    assert HOSTILE_NAME in text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    # The evidence highlight wraps the figure's words, and only them.
    assert "<mark>30.1 billion yuan</mark> &lt;img src=x onerror=alert(3)&gt;" in html
    # The rejected file is listed (in the latest briefing), as text too.
    pages = [p.read_text(encoding="utf-8") for p in (briefing_home / "briefings").glob("briefing-*.html")]
    listed = [p for p in pages if "broken &lt;script&gt;alert(4)&lt;script&gt;.png" in p]
    assert len(listed) == 1 and "<script>" not in listed[0] and "alert(4)<" not in listed[0]
    index = (briefing_home / "briefings" / "index.html").read_text(encoding="utf-8")
    assert "briefing-2025-W20.html" in index
