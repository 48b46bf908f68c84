"""Make generated GX Data Docs render offline: local copies of their scripts and styles, no tracker.

As generated, the pages load bootstrap, jquery, bootstrap-table, font-awesome, datepicker and
vega from CDNs and show a logo from an S3 bucket (a tracking image); offline the index page is
empty. The vendored files live in expectations/static/ (see its README.md for versions and
licenses) and are copied to <docs>/static/vendor/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR = "static/vendor"
# What each CDN address the GX templates use is replaced with (relative to the docs root).
LOCAL_ASSETS: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "js/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "js/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "css/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "js/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": "js/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": "css/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": "css/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "css/fontawesome-all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "js/bootstrap-datepicker.min.js",
}
LOGO = "static/images/logo-long.png"

_EXTERNAL = r"(?:https?:)?//"
# Any script or stylesheet still pointing elsewhere (vega, a dark theme): our pages draw no charts.
_EXTERNAL_SCRIPT = re.compile(rf"<script[^>]*\ssrc=[\"']{_EXTERNAL}[^>]*>\s*</script>", re.IGNORECASE)
_EXTERNAL_LINK = re.compile(rf"<link[^>]*\shref=[\"']{_EXTERNAL}[^>]*/?>", re.IGNORECASE)
_EXTERNAL_IMG_SRC = re.compile(rf"(<img[^>]*\ssrc=)[\"']{_EXTERNAL}[^\"']*[\"']", re.IGNORECASE)
_EXTERNAL_HREF = re.compile(rf"\s(?:href|action)=[\"']{_EXTERNAL}[^\"']*[\"']", re.IGNORECASE)
_EXTERNAL_CSS_URL = re.compile(rf"url\(\s*[\"']?{_EXTERNAL}[^)\"']*[\"']?\s*\)", re.IGNORECASE)
_FAVICON = re.compile(r'href="[./]*static/images/favicon\.ico"')
_SRI = re.compile(r"\s(?:integrity|crossorigin)=[\"'][^\"']*[\"']", re.IGNORECASE)
# A reference to another host in an attribute or a stylesheet: what must not remain.
EXTERNAL_REFERENCE = re.compile(
    rf"(?:\b(?:src|href|action|srcset)\s*=\s*[\"']?\s*{_EXTERNAL})|(?:url\(\s*[\"']?\s*{_EXTERNAL})|(?:@import\s+[\"']?{_EXTERNAL})",
    re.IGNORECASE,
)


def _relative(target: str, page: Path, root: Path) -> str:
    return Path(os.path.relpath(root / target, page.parent)).as_posix()


def localize_html(html: str, page: Path, root: Path) -> str:
    """Point one page's assets at the local copies and drop every other reference to another host."""
    for url, local in LOCAL_ASSETS.items():
        html = html.replace(url, _relative(f"{VENDOR}/{local}", page, root))
    html = _SRI.sub("", html)  # file:// pages cannot load scripts marked crossorigin
    html = _EXTERNAL_SCRIPT.sub("", html)
    html = _EXTERNAL_LINK.sub("", html)
    logo = _relative(LOGO, page, root)
    html = _EXTERNAL_IMG_SRC.sub(lambda m: f'{m.group(1)}"{logo}"', html)
    html = _EXTERNAL_CSS_URL.sub(f"url('{logo}')", html)
    # GX writes the favicon path one level too shallow on validation pages.
    html = _FAVICON.sub(f'href="{_relative("static/images/favicon.ico", page, root)}"', html)
    return _EXTERNAL_HREF.sub("", html)


def localize_css(css: str, sheet: Path, root: Path) -> str:
    """Replace remote images in a stylesheet with the local logo."""
    return _EXTERNAL_CSS_URL.sub(f"url('{_relative(LOGO, sheet, root)}')", css)


def make_offline(docs_dir: Path) -> list[Path]:
    """Copy the vendored assets into the docs and rewrite every page and stylesheet; return the pages."""
    vendor = docs_dir / VENDOR
    for part in ("css", "js", "webfonts"):
        shutil.copytree(STATIC_DIR / part, vendor / part, dirs_exist_ok=True)
    pages = sorted(docs_dir.rglob("*.html"))
    for page in pages:
        page.write_text(localize_html(page.read_text(encoding="utf-8"), page, docs_dir), encoding="utf-8")
    for sheet in sorted((docs_dir / "static" / "styles").glob("*.css")):
        sheet.write_text(localize_css(sheet.read_text(encoding="utf-8"), sheet, docs_dir), encoding="utf-8")
    return pages


def find_external_references(docs_dir: Path) -> list[str]:
    """Every 'file: reference' to another host left in the docs' HTML, CSS, JS and SVG files."""
    found: list[str] = []
    for path in sorted(docs_dir.rglob("*")):
        if path.suffix.lower() not in (".html", ".htm", ".css", ".js", ".svg") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in EXTERNAL_REFERENCE.finditer(text):
            snippet = text[match.start() : match.end() + 60].splitlines()[0]
            found.append(f"{path.relative_to(docs_dir)}: {snippet}")
    return found


def clear_docs(docs_dir: Path) -> None:
    """Remove a previous build (only what GX and make_offline write), so the docs show the latest run."""
    for name in ("expectations", "validations", "static"):
        shutil.rmtree(docs_dir / name, ignore_errors=True)
    (docs_dir / "index.html").unlink(missing_ok=True)
