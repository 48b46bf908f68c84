"""RSS/Atom feeds served from a local HTTP server: saved as files with their metadata, failures reported."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import duckdb
import pytest

from briefing.settings import Settings
from flows.feeds import fetch_feeds, read_feed_list
from transforms.documents import parse_document

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Local Wire</title><link>http://127.0.0.1/</link><description>test</description>
<item>
  <title>Alibaba Cloud revenue rises 18%</title>
  <link>{base}/page1.html</link>
  <guid>wire-1</guid>
  <dc:creator>Jane Roe</dc:creator>
  <pubDate>Wed, 07 May 2025 09:30:00 GMT</pubDate>
  <content:encoded><![CDATA[<p>Alibaba Cloud revenue rose 18% to RMB 30.1 billion.</p><script>alert('SCRIPT-NOISE')</script>]]></content:encoded>
</item>
<item>
  <title>腾讯云收入增长</title>
  <guid>wire-2</guid>
  <pubDate>Thu, 08 May 2025 01:00:00 GMT</pubDate>
  <description>腾讯云季度收入增长12%，达到250亿元。</description>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Chips</title><id>urn:chips</id>
<updated>2025-05-28T20:00:00Z</updated>
<entry><title>NVIDIA data-center sales surge</title><id>urn:chips:1</id>
<updated>2025-05-28T20:00:00Z</updated><author><name>Ann Writer</name></author>
<content type="html">&lt;p&gt;Data-center revenue rose 73% to $39.1 billion.&lt;/p&gt;</content></entry>
</feed>
"""

PAGE = """<html><head><title>Page title from the site</title></head><body>
<nav>NAV-NOISE</nav><article><p>The full article: Alibaba Cloud revenue rose 18% to RMB 30.1 billion,
and AI product revenue grew at triple digits.</p></article><footer>FOOTER-NOISE</footer></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}

    def do_GET(self) -> None:
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {
            "/rss.xml": ("application/rss+xml", RSS.format(base=base)),
            "/atom.xml": ("application/atom+xml", ATOM),
            "/page1.html": ("text/html; charset=utf-8", PAGE),
            "/broken.xml": ("application/xml", "<html><body>this is no feed"),
        }
        if self.path == "/flaky.xml" and self.hits[self.path] == 1:
            self.send_response(503)
            self.end_headers()
            return
        if self.path == "/flaky.xml":
            routes["/flaky.xml"] = routes["/atom.xml"]
        if self.path not in routes:
            self.send_response(404)
            self.end_headers()
            return
        kind, body = routes[self.path]
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def _write_feeds(home: Path, base: str, extra: str = "", *, pages: bool = False) -> None:
    (home / "feeds.toml").write_text(
        f"""timeout_s = 3
retries = 1

[[feeds]]
name = "Local Wire"
url = "{base}/rss.xml"
fetch_pages = {str(pages).lower()}

[[feeds]]
name = "Atom Chips"
url = "{base}/atom.xml"
{extra}""",
        encoding="utf-8",
    )


def _parsed(home: Path) -> dict[str, object]:
    return {
        str(p.relative_to(home)): parse_document(p.read_bytes(), p.name, max_bytes=10**7)
        for p in sorted((home / "feeds").rglob("*.html"))
    }


def test_entries_are_saved_with_title_date_author_and_refetch_changes_nothing(tmp_path: Path, server: str) -> None:
    _write_feeds(tmp_path, server)
    settings = Settings(home=tmp_path)
    summary = fetch_feeds(settings)
    assert summary.failed == [] and summary.error is None
    assert [(r.entries, r.written) for r in summary.results] == [(2, 2), (1, 1)]
    docs = list(_parsed(tmp_path).values())
    by_title = {d.meta.title: d for d in docs}  # type: ignore[attr-defined]
    alibaba = by_title["Alibaba Cloud revenue rises 18%"]
    assert "RMB 30.1 billion" in alibaba.text and "SCRIPT-NOISE" not in alibaba.text
    assert (alibaba.meta.author, alibaba.meta.source) == ("Jane Roe", "Local Wire")
    assert alibaba.meta.published_at == datetime(2025, 5, 7)
    tencent = by_title["腾讯云收入增长"]
    assert "腾讯云季度收入增长12%，达到250亿元。" in tencent.text
    assert tencent.meta.published_at == datetime(2025, 5, 8)
    nvidia = by_title["NVIDIA data-center sales surge"]
    assert nvidia.meta.author == "Ann Writer" and "$39.1 billion" in nvidia.text
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "feeds").rglob("*")}
    again = fetch_feeds(settings)
    assert [(r.written, r.unchanged) for r in again.results] == [(0, 2), (0, 1)]
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "feeds").rglob("*")} == mtimes


def test_a_failing_feed_is_reported_and_the_others_still_load(tmp_path: Path, server: str) -> None:
    extra = f"""
[[feeds]]
name = "Missing"
url = "{server}/missing.xml"

[[feeds]]
name = "Broken"
url = "{server}/broken.xml"

[[feeds]]
name = "Nobody home"
url = "http://127.0.0.1:9/rss.xml"

[[feeds]]
name = "Flaky"
url = "{server}/flaky.xml"
"""
    _write_feeds(tmp_path, server, extra)
    summary = fetch_feeds(Settings(home=tmp_path))
    errors = {r.name: r.error for r in summary.results}
    assert errors["Local Wire"] is None and errors["Atom Chips"] is None
    assert "404" in (errors["Missing"] or "")
    assert "not a readable RSS/Atom feed" in (errors["Broken"] or "")
    assert "attempts" in (errors["Nobody home"] or "")
    assert errors["Flaky"] is None, "a 503 followed by success must be retried"
    assert _Handler.hits["/flaky.xml"] == 2
    assert len(_parsed(tmp_path)) == 4  # 2 + 1 + the flaky feed's entry (same Atom body, own folder)


def test_linked_pages_are_fetched_when_asked_and_keep_the_entry_metadata(tmp_path: Path, server: str) -> None:
    _write_feeds(tmp_path, server, pages=True)
    summary = fetch_feeds(Settings(home=tmp_path))
    wire = summary.results[0]
    # Entry 1 links to a page; entry 2 has no link and keeps its summary.
    assert (wire.entries, wire.written, wire.pages_failed) == (2, 2, 0)
    docs = {d.meta.title: d for d in _parsed(tmp_path).values()}  # type: ignore[attr-defined]
    page = docs["Alibaba Cloud revenue rises 18%"]
    assert "The full article" in page.text and "NAV-NOISE" not in page.text and "FOOTER-NOISE" not in page.text
    assert page.meta.author == "Jane Roe" and page.meta.published_at == datetime(2025, 5, 7)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[feeds]]\nname = 'x'\n", "needs a url"),
        ("[[feeds]]\nurl = 'ftp://example.com/feed'\n", "http://"),
        ("feeds = 'oops'\n", "array of tables"),
        ("[[feeds]\nurl=", "cannot read"),
    ],
)
def test_a_malformed_feed_list_is_reported_not_raised(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "feeds.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_feed_list(tmp_path / "feeds.toml")
    summary = fetch_feeds(Settings(home=tmp_path))
    assert summary.error is not None and message in summary.error and summary.results == []


def test_no_feed_list_means_no_fetch(tmp_path: Path) -> None:
    summary = fetch_feeds(Settings(home=tmp_path))
    assert summary.results == [] and summary.error is None and not (tmp_path / "feeds").exists()


def test_ingest_flow_loads_fetched_entries(
    prefect_harness: None, briefing_home: Path, server: str, tmp_path: Path
) -> None:
    from flows.pipeline import ingest

    extra = f'\n[[feeds]]\nname = "Missing"\nurl = "{server}/missing.xml"\n'
    _write_feeds(briefing_home, server, extra)
    empty_inbox = tmp_path / "inbox"
    empty_inbox.mkdir()
    result = ingest(inbox=str(empty_inbox))
    assert result["feeds"]["entries"] == 3
    assert [f["name"] for f in result["feeds"]["failed"]] == ["Missing"]
    db = duckdb.connect(str(briefing_home / "warehouse.duckdb"), read_only=True)
    try:
        rows = db.execute(
            "SELECT d.title, d.author, d.source, d.published_at, d.format FROM sources s "
            "JOIN documents d USING (doc_id) WHERE s.path LIKE ? ORDER BY d.title",
            [str(briefing_home / "feeds") + "/%"],
        ).fetchall()
        figures = db.execute(
            "SELECT count(*) FROM figures f JOIN sources s USING (doc_id) WHERE s.path LIKE ?",
            [str(briefing_home / "feeds") + "/%"],
        ).fetchone()
    finally:
        db.close()
    assert [r[0] for r in rows] == ["Alibaba Cloud revenue rises 18%", "NVIDIA data-center sales surge", "腾讯云收入增长"]
    assert rows[0][1:4] == ("Jane Roe", "Local Wire", datetime(2025, 5, 7))
    assert {r[4] for r in rows} == {"html"}
    assert figures is not None and figures[0] >= 3
