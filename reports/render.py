"""Render briefings and the index page from frames, with Jinja2 (autoescaped, strict)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

TEMPLATES = Path(__file__).with_name("templates")


def make_environment() -> jinja2.Environment:
    """Jinja2 environment: autoescape on, undefined variables are errors."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_briefing(
    period: str,
    every: str,
    figures: pd.DataFrame,
    documents: pd.DataFrame,
    findings: pd.DataFrame,
    *,
    generated_at: datetime,
) -> str:
    """Render one period's briefing as a self-contained HTML page."""
    env = make_environment()
    entities: dict[str, list[dict[str, Any]]] = {}
    for row in figures.sort_values(["entity", "start"], na_position="last").to_dict("records"):
        entities.setdefault(row.get("entity") or "Unattributed", []).append(row)
    return env.get_template("briefing.html.j2").render(
        period=period,
        every=every,
        entities=entities,
        documents=documents.to_dict("records"),
        findings=findings.to_dict("records"),
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M"),
    )


def render_index(entries: list[dict[str, Any]], *, generated_at: datetime) -> str:
    """Render index.html listing every briefing, newest first."""
    env = make_environment()
    ordered = sorted(entries, key=lambda e: (e["every"], e["period"]), reverse=True)
    return env.get_template("index.html.j2").render(
        entries=ordered, generated_at=generated_at.strftime("%Y-%m-%d %H:%M")
    )
