"""RSS/Atom feeds: fetch the feeds listed in feeds.toml and save each entry as an HTML file.

Entries land under $BRIEFING_HOME/feeds/<feed>/, where the ingest reads them like any other
file. Each file carries the entry's title, date, author and feed name as <title> and meta
tags, which the HTML parser reads back. A file is rewritten only when its content changed
(so a second fetch changes nothing) and always atomically (write, then rename), so a run
killed mid-fetch never leaves half a file. A feed that fails is reported and skipped.

feeds.toml:

    timeout_s = 10        # per request (optional)
    retries = 2           # extra attempts on timeouts, connection errors, 429 and 5xx (optional)

    [[feeds]]
    name = "Example Wire"
    url = "https://example.com/rss.xml"
    fetch_pages = false   # true: save the linked article page instead of the feed's summary
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
import time
import tomllib
from calendar import timegm
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from prefect import task
from prefect.cache_policies import NO_CACHE

from briefing.settings import Settings

USER_AGENT = "briefing-feeds/0.1 (+https://github.com/; offline-friendly news reader)"
_SLUG = re.compile(r"[^\w]+", re.UNICODE)
_HEAD_OPEN = re.compile(rb"<head[^>]*>", re.I)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to fetch."""

    name: str
    url: str
    fetch_pages: bool = False


@dataclass(frozen=True, slots=True)
class FeedList:
    """The parsed feeds.toml."""

    feeds: list[FeedSpec]
    timeout_s: float = 10.0
    retries: int = 2


@dataclass(slots=True)
class FeedResult:
    """What fetching one feed did: entries seen, files written or unchanged, or the error."""

    name: str
    url: str
    entries: int = 0
    written: int = 0
    unchanged: int = 0
    pages_failed: int = 0
    error: str | None = None


@dataclass(slots=True)
class FeedsSummary:
    """All feeds of one run; `failed` lists the feeds that could not be read."""

    results: list[FeedResult] = field(default_factory=list)
    error: str | None = None  # feeds.toml itself could not be read

    @property
    def failed(self) -> list[FeedResult]:
        """Feeds that failed."""
        return [r for r in self.results if r.error]

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for the ingest result and the CLI."""
        return {
            "feeds": len(self.results),
            "entries": sum(r.entries for r in self.results),
            "written": sum(r.written for r in self.results),
            "failed": [{"name": r.name, "url": r.url, "error": r.error} for r in self.failed],
            "error": self.error,
            "results": [asdict(r) for r in self.results],
        }


class FeedError(RuntimeError):
    """A feed that could not be fetched or parsed; the message says why."""


def read_feed_list(path: Path) -> FeedList:
    """Parse feeds.toml; raise ValueError with the file and the problem when it is malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the feed list: {exc}") from None
    raw_feeds = data.get("feeds", [])
    if not isinstance(raw_feeds, list):
        raise ValueError(f"{path}: 'feeds' must be an array of tables ([[feeds]])")
    feeds: list[FeedSpec] = []
    for number, item in enumerate(raw_feeds, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not item["url"].strip():
            raise ValueError(f"{path}: feed #{number} needs a url")
        url = item["url"].strip()
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{path}: feed #{number} url must start with http:// or https://, got {url!r}")
        feeds.append(FeedSpec(str(item.get("name") or url), url, bool(item.get("fetch_pages", False))))
    try:
        timeout = float(data.get("timeout_s", 10.0))
        retries = int(data.get("retries", 2))
    except (TypeError, ValueError):
        raise ValueError(f"{path}: timeout_s and retries must be numbers") from None
    return FeedList(feeds, timeout_s=timeout, retries=max(0, retries))


def slugify(text: str, limit: int = 60) -> str:
    """A file-name-safe slug (Unicode letters kept)."""
    slug = _SLUG.sub("-", text).strip("-").lower()
    return slug[:limit].rstrip("-") or "untitled"


def fetch_bytes(client: httpx.Client, url: str, *, retries: int, max_bytes: int, backoff_s: float = 0.5) -> bytes:
    """GET url with retries on timeouts, connection errors, 429 and 5xx; raise FeedError otherwise."""
    last = "no attempt"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            with client.stream("GET", url) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    last = f"HTTP {response.status_code}"
                    continue
                if response.status_code >= 400:
                    raise FeedError(f"HTTP {response.status_code} from {url}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FeedError(f"response from {url} is over the {max_bytes:,}-byte limit")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TimeoutException:
            last = "timed out"
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__}: {exc}"
    raise FeedError(f"{url}: {last} (after {retries + 1} attempts)")


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(timegm(value), tz=UTC).replace(tzinfo=None)
    return None


def _entry_body(entry: Any) -> str:
    """The entry's content as HTML (feedparser has already sanitised it)."""
    contents = entry.get("content") or []
    for item in contents:
        if item.get("value"):
            value = str(item["value"])
            return value if "html" in str(item.get("type", "html")) else f"<p>{html.escape(value)}</p>"
    summary = entry.get("summary") or entry.get("description") or ""
    detail = entry.get("summary_detail") or {}
    if summary and "html" not in str(detail.get("type", "text/html")):
        return "".join(f"<p>{html.escape(p)}</p>" for p in str(summary).split("\n\n"))
    return str(summary)


def _meta_tags(title: str, author: str | None, published: datetime | None, site: str, link: str | None) -> str:
    def attr(value: str) -> str:
        # Non-ASCII as character references: the tags can then go into a page of any
        # ASCII-compatible encoding without being mis-decoded.
        return html.escape(value, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")

    tags = [f'<meta property="og:title" content="{attr(title)}">', f'<meta property="og:site_name" content="{attr(site)}">']
    if author:
        tags.append(f'<meta name="author" content="{attr(author)}">')
    if published:
        tags.append(f'<meta property="article:published_time" content="{published.isoformat()}Z">')
    if link:
        tags.append(f'<link rel="canonical" href="{attr(link)}">')
    return "\n".join(tags)


def render_entry_html(entry: Any, feed_title: str) -> str:
    """An HTML file for one feed entry: its content, with title, date, author and feed as meta tags."""
    title = str(entry.get("title") or "Untitled entry")
    author = entry.get("author")
    published = _entry_date(entry)
    link = entry.get("link")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"{_meta_tags(title, author, published, feed_title, link)}\n"
        f"</head><body><article>\n<h1>{html.escape(title)}</h1>\n{_entry_body(entry)}\n</article></body></html>\n"
    )


def annotate_page(page: bytes, entry: Any, feed_title: str) -> bytes:
    """A fetched article page with the entry's meta tags added first in its <head>."""
    tags = _meta_tags(
        str(entry.get("title") or "Untitled entry"), entry.get("author"), _entry_date(entry),
        feed_title, entry.get("link"),
    ).encode("ascii")
    match = _HEAD_OPEN.search(page[:65536])
    if match is None:
        return b"<head>" + tags + b"</head>\n" + page
    return page[: match.end()] + b"\n" + tags + page[match.end() :]


def entry_file_name(entry: Any) -> str:
    """A stable name for an entry's file: its date, a title slug and a hash of its id."""
    key = str(entry.get("id") or entry.get("link") or entry.get("title") or "")
    if not key:
        key = _entry_body(entry)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    published = _entry_date(entry)
    prefix = published.strftime("%Y-%m-%d-") if published else ""
    return f"{prefix}{slugify(str(entry.get('title') or 'entry'))}-{digest}.html"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write data to path atomically unless it already holds exactly that; True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".partial-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def fetch_feed(client: httpx.Client, spec: FeedSpec, folder: Path, *, retries: int, max_bytes: int) -> FeedResult:
    """Fetch one feed and save its entries under folder; errors end up in the result, not raised."""
    import feedparser

    result = FeedResult(spec.name, spec.url)
    try:
        raw = fetch_bytes(client, spec.url, retries=retries, max_bytes=max_bytes)
        parsed = feedparser.parse(raw)
        if parsed.bozo and not parsed.entries:
            reason = parsed.get("bozo_exception")
            raise FeedError(f"not a readable RSS/Atom feed: {reason or 'no entries'}")
        feed_title = str(parsed.feed.get("title") or spec.name)
        target = folder / slugify(spec.name)
        for entry in parsed.entries:
            result.entries += 1
            data: bytes | None = None
            link = str(entry.get("link") or "")
            # feedparser reads a bare <guid> as the link: only fetch what is a web address.
            if spec.fetch_pages and link.startswith(("http://", "https://")):
                try:
                    data = annotate_page(fetch_bytes(client, link, retries=retries, max_bytes=max_bytes), entry, feed_title)
                except FeedError:
                    # The summary still carries the entry: keep it rather than lose it.
                    result.pages_failed += 1
            if data is None:
                data = render_entry_html(entry, feed_title).encode("utf-8")
            if write_if_changed(target / entry_file_name(entry), data):
                result.written += 1
            else:
                result.unchanged += 1
    except FeedError as exc:
        result.error = str(exc)
    except Exception as exc:  # one broken feed must never stop the run
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def fetch_feeds(settings: Settings) -> FeedsSummary:
    """Fetch every feed in settings.feeds_path (if the file exists) into $BRIEFING_HOME/feeds/."""
    summary = FeedsSummary()
    path = settings.feeds_path
    if not path.exists():
        return summary
    try:
        feed_list = read_feed_list(path)
    except ValueError as exc:
        summary.error = str(exc)
        return summary
    timeout = httpx.Timeout(feed_list.timeout_s, connect=min(feed_list.timeout_s, 5.0))
    with httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    ) as client:
        for spec in feed_list.feeds:
            summary.results.append(
                fetch_feed(
                    client, spec, settings.home / "feeds",
                    retries=feed_list.retries, max_bytes=settings.max_file_bytes,
                )
            )
    return summary


@task(name="fetch-feeds", cache_policy=NO_CACHE)
def fetch_feeds_task(settings: Settings) -> FeedsSummary:
    """Fetch the listed feeds into $BRIEFING_HOME/feeds/ (a failing feed is reported, not raised)."""
    return fetch_feeds(settings)
