"""Render briefings and the index page from view data, with Jinja2 (autoescaped, strict)."""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")


@functools.cache
def make_environment() -> jinja2.Environment:
    """Jinja2 environment: autoescape on, undefined variables are errors."""
    # One per process: it caches compiled templates; compiling them for every page cost more than rendering.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["chart_svg"] = chart_svg
    env.filters["chart_spec"] = chart_spec
    return env


def chart_svg(svg: str) -> Markup:
    """Mark a chart's SVG as safe: it comes from vl-convert, checked by reports.charts.svg_of."""
    # Safe: vl-convert escapes every text it draws, and svg_of refuses external references.
    return Markup(svg)


def chart_spec(spec: str) -> Markup:
    """Mark a chart's JSON spec as safe inside its script element: reports.charts.spec_json escaped < > &."""
    # HTML-escaping it would corrupt the JSON (a script element's text is not decoded); instead
    # refuse any text that could end the element or open markup.
    if any(c in spec for c in "<>&"):
        raise ValueError("a chart spec must be written by reports.charts.spec_json")
    return Markup(spec)


def renderer_fingerprint() -> str:
    """Hash of the templates and rendering code: a page is re-rendered when either changes."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *TEMPLATES.glob("*.j2"), *(here / "static").glob("*.js")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def render_briefing(view: dict[str, Any], *, generated_at: datetime) -> str:
    """Render one period's briefing as a self-contained HTML page."""
    env = make_environment()
    return env.get_template("briefing.html.j2").render(
        **view, generated_at=generated_at.strftime("%Y-%m-%d %H:%M")
    )


def render_index(entries: list[dict[str, Any]], *, generated_at: datetime) -> str:
    """Render index.html listing every briefing, newest (latest end date) first."""
    env = make_environment()
    ordered = sorted(entries, key=lambda e: (e["end"], e["every"], e["period"]), reverse=True)
    return env.get_template("index.html.j2").render(
        entries=ordered, generated_at=generated_at.strftime("%Y-%m-%d %H:%M")
    )
