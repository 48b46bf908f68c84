"""A rendered briefing in headless Chromium (Debian's package, driven over the DevTools protocol).

Checks what a reader's browser does with the page: it renders, logs no errors, asks no other
host for anything, draws its charts from the vega bundle beside it (offline, file://), runs no
script but that bundle, shows document text as text, reads without JavaScript, fits a phone's
width and prints. With BRIEFING_CHARTS=svg the page runs no script at all. Writes screenshots to
test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from report_samples import load_warehouse

from flows.reporting import build_period, export_figures, write_chart_assets
from reports.charts import charts_for, page_scripts
from reports.render import render_briefing

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CLOCK = datetime(2025, 5, 12, 7, 0)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--remote-debugging-port=0",
]


def find_chromium() -> str | None:
    """Debian's chromium (installed by `make browser`), or None."""
    for name in (os.environ.get("BRIEFING_CHROMIUM", ""), "chromium", "/usr/bin/chromium"):
        if name and (path := shutil.which(name)):
            return path
    return None


class Page:
    """A tiny DevTools-protocol client for one page: commands in, events collected."""

    def __init__(self, ws: Any, session: str) -> None:
        self.ws, self.session, self.events = ws, session, []  # type: ignore[var-annotated]
        self._ids = itertools.count(1000)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command to the page and wait for its result, keeping events seen meanwhile."""
        return _call(self.ws, method, params, self._ids, self.events, session=self.session)

    def wait_for(self, method: str, timeout: float = 20) -> dict[str, Any]:
        """Wait for an event (seen already or arriving within timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} within {timeout}s")
            try:
                message = json.loads(self.ws.recv(timeout=remaining))
            except TimeoutError:
                continue
            if "method" in message:
                self.events.append(message)

    def drain(self, seconds: float) -> None:
        """Collect events for a while (late console messages, late requests)."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(self.ws.recv(timeout=remaining))
            except TimeoutError:
                return
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"]["value"]


def _call(
    ws: Any, method: str, params: dict[str, Any], ids: Iterator[int], events: list[dict[str, Any]],
    session: str | None = None,
) -> dict[str, Any]:
    ident = next(ids)
    message: dict[str, Any] = {"id": ident, "method": method, "params": params}
    if session:
        message["sessionId"] = session
    ws.send(json.dumps(message))
    while True:
        reply = json.loads(ws.recv(timeout=30))
        if reply.get("id") == ident:
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            return dict(reply.get("result", {}))
        if "method" in reply:
            events.append(reply)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium with its DevTools websocket; skipped when chromium is not installed."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("chromium is not installed (run `make browser` as root: apt-get install chromium)")
    from websockets.sync.client import connect

    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = None
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and url is None:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            if match := re.search(r"DevTools listening on (ws://\S+)", line):
                url = match.group(1)
        if url is None:
            pytest.fail(f"chromium did not start its DevTools endpoint (exit {proc.poll()})")
        with connect(url, max_size=None, open_timeout=30) as ws:
            yield ws
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def open_page(ws: Any, url: str, width: int, height: int, *, scripts: bool = True) -> Page:
    """Open url in a fresh tab with console, log and network events on; wait until it loaded."""
    ids = itertools.count(1)
    scratch: list[dict[str, Any]] = []
    target = _call(ws, "Target.createTarget", {"url": "about:blank"}, ids, scratch)["targetId"]
    session = _call(ws, "Target.attachToTarget", {"targetId": target, "flatten": True}, ids, scratch)
    page = Page(ws, session["sessionId"])
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.send(f"{domain}.enable")
    page.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
              deviceScaleFactor=1, mobile=width < 600)
    if not scripts:
        page.send("Emulation.setScriptExecutionDisabled", value=True)
    page.send("Page.navigate", url=url)
    page.wait_for("Page.loadEventFired")
    page.drain(1.0)
    return page


def wait_for_charts(page: Page, timeout: float = 30) -> int:
    """Wait until every chart spec of the page is drawn; the number of charts."""
    specs = page.evaluate("document.querySelectorAll('script.vega-spec').length")
    deadline = time.monotonic() + timeout
    while page.evaluate("document.querySelectorAll('.vega-chart.drawn svg').length") < specs:
        if time.monotonic() > deadline:
            raise TimeoutError(f"charts not drawn within {timeout}s: {problems(page)}")
        page.drain(0.2)
    return int(specs)


def problems(page: Page) -> dict[str, list[str]]:
    """Console errors, exceptions and requests to anything but the local file system."""
    errors, requests = [], []
    for event in page.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(json.dumps(params.get("args"))[:200])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text", "")[:200])
        elif method == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails"))[:200])
        elif method == "Page.javascriptDialogOpening":
            errors.append(f"dialog: {params.get('message')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(("file://", "data:", "about:")):
                requests.append(url)
    return {"errors": errors, "requests": requests}


def screenshot(page: Page, name: str) -> Path:
    """Capture the whole page to test-artifacts/<name>."""
    metrics = page.send("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = page.send(
        "Page.captureScreenshot", format="png", captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1},
    )
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def write_briefing(out: Path, charts: str = "browser") -> Path:
    """The sample week's briefing written as `briefing report` writes it, with its CSV, JSON and assets."""
    view, figures = build_period(load_warehouse("week"), "2025-W19", "week", charts)
    page = out / "briefing-2025-W19.html"
    page.write_text(render_briefing(view, generated_at=CLOCK), encoding="utf-8")
    csv_text, json_text = export_figures(figures)
    (out / "briefing-2025-W19.csv").write_text(csv_text, encoding="utf-8")
    (out / "briefing-2025-W19.json").write_text(json_text, encoding="utf-8")
    if charts == "browser":
        write_chart_assets(out)
    return page


@pytest.fixture(scope="module")
def briefing_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample week's briefing with browser-drawn charts and the assets folder beside it."""
    return write_briefing(tmp_path_factory.mktemp("briefings"))


# The page's own scripts: the vega bundle and the charts script, from the assets folder beside it.
OWN_SCRIPTS = (
    "[...document.scripts].filter(s => s.type !== 'application/json')"
    ".map(s => s.getAttribute('src'))"
)


def test_briefing_renders_offline_without_errors(browser: Any, briefing_file: Path) -> None:
    page = open_page(browser, briefing_file.as_uri(), 1100, 900)
    assert wait_for_charts(page) >= 2
    found = problems(page)
    assert found["errors"] == []
    assert found["requests"] == []
    assert page.evaluate("document.querySelector('h1').textContent").startswith("Briefing: Week 19, 2025")
    assert page.evaluate("document.querySelectorAll('svg').length") >= 2
    assert page.evaluate("document.querySelectorAll('mark').length") >= 8
    # Document text with markup stays text: the only scripts are the page's own, and the chart
    # specs (JSON, never run); no handler attribute exists.
    assert page.evaluate(OWN_SCRIPTS) == page_scripts([{"spec": "{}"}])
    assert page.evaluate("document.querySelectorAll('[onerror],[onload],[onclick]').length") == 0
    assert "<script>alert('x')</script>" in page.evaluate("document.body.innerText")
    # Every in-page link lands on an element of the page.
    assert page.evaluate(
        "[...document.querySelectorAll('a[href^=\"#\"]')]"
        ".filter(a => !document.getElementById(a.getAttribute('href').slice(1))).length"
    ) == 0
    path = screenshot(page, "briefing.png")
    assert path.stat().st_size > 10_000


def test_charts_are_drawn_from_the_offline_bundle(browser: Any, briefing_file: Path) -> None:
    page = open_page(browser, briefing_file.as_uri(), 1100, 900)
    charts = wait_for_charts(page)
    assert problems(page) == {"errors": [], "requests": []}
    # Every chart is vega's SVG, with its marks and labels, and its no-script note is gone.
    assert page.evaluate("document.querySelectorAll('.vega-chart > svg.marks').length") == charts
    assert page.evaluate("document.querySelectorAll('.vega-chart .chart-note').length") == 0
    assert page.evaluate("document.querySelectorAll('.vega-chart .mark-rect path').length") >= 2
    assert page.evaluate("document.querySelectorAll('.vega-chart .mark-line path').length") >= 1
    texts = page.evaluate("[...document.querySelectorAll('.vega-chart svg text')].map(t => t.textContent)")
    assert "Market share over time" in texts and "Money amounts by entity (CNY)" in texts
    # Everything the page loaded came from the briefings folder.
    loaded = [e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"]
    folder = briefing_file.parent.as_uri()
    assert loaded[0] == briefing_file.as_uri()
    assert sorted(loaded[1:]) == sorted(f"{folder}/{src}" for src in page_scripts([{"spec": "{}"}]))
    screenshot(page, "briefing-charts.png")


def test_without_javascript_the_page_reads_and_says_where_charts_are(browser: Any, briefing_file: Path) -> None:
    page = open_page(browser, briefing_file.as_uri(), 1100, 900, scripts=False)
    assert problems(page) == {"errors": [], "requests": []}
    notes = page.evaluate("[...document.querySelectorAll('.chart-note')].map(n => n.innerText)")
    assert len(notes) >= 2 and all("JavaScript" in n and "tables below" in n for n in notes)
    assert page.evaluate("document.querySelectorAll('.vega-chart svg').length") == 0
    assert page.evaluate("document.querySelectorAll('table.figures tbody tr').length") >= 8


def test_chart_data_with_markup_is_drawn_as_text(browser: Any, tmp_path: Path) -> None:
    shares = pd.DataFrame({
        "entity": ["Alibaba Cloud", "<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>"],
        "period": ["2024-Q4", "2024-Q4", "2025-Q1"], "value": [26.1, 14.8, 26.8], "unit": "%",
        "basis": "share", "metric": "market_share", "qualifier": "exact", "sentence": "", "surface": "",
    })
    view, _ = build_period(load_warehouse("week"), "2025-W19", "week")
    view["charts"] = charts_for(shares.iloc[0:0], shares, "chart-evil")
    page_file = tmp_path / "evil.html"
    page_file.write_text(render_briefing(view, generated_at=CLOCK), encoding="utf-8")
    write_chart_assets(tmp_path)
    page = open_page(browser, page_file.as_uri(), 1100, 900)
    assert wait_for_charts(page) == 1
    assert problems(page) == {"errors": [], "requests": []}
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate(OWN_SCRIPTS) == page_scripts(view["charts"])
    texts = page.evaluate("[...document.querySelectorAll('.vega-chart svg text')].map(t => t.textContent)")
    assert "<img src=x onerror=alert(1)>" in texts and "</script><script>alert(2)</script>" in texts


def test_svg_charts_need_no_script(browser: Any, tmp_path: Path) -> None:
    page_file = write_briefing(tmp_path, "svg")
    page = open_page(browser, page_file.as_uri(), 1100, 900)
    assert problems(page) == {"errors": [], "requests": []}
    assert not (tmp_path / "assets").exists()
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.querySelectorAll('.chart > svg').length") >= 2
    assert "<script>alert('x')</script>" in page.evaluate("document.body.innerText")


def test_briefing_fits_a_phone_and_prints(browser: Any, briefing_file: Path) -> None:
    page = open_page(browser, briefing_file.as_uri(), 390, 844)
    wait_for_charts(page)
    assert problems(page) == {"errors": [], "requests": []}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "briefing-phone.png")
    pdf = page.send("Page.printToPDF", printBackground=True, preferCSSPageSize=True)
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
