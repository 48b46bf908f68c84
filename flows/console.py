"""Terminal views of the warehouse for `briefing status` and `briefing validate`."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from briefing.settings import Settings
from flows import store


def print_status(settings: Settings) -> None:
    """Print table counts, sources by status, rejected files and recent runs."""
    console = Console()
    if not settings.db_path.exists():
        console.print(f"No warehouse at {settings.db_path} yet: run `briefing run`.")
        return
    with store.connect(settings.db_path, read_only=True) as con:
        counts = store.read_counts(con)
        sources = store.read_sources(con)
        runs = store.read_runs(con, limit=10)
        suspect = store.count_suspect_figures(con)
    console.print(f"[bold]warehouse[/bold] {settings.db_path}")
    table = Table("table", "rows")
    for name, count in counts.items():
        table.add_row(name, str(count))
    table.add_row("figures suspect", str(suspect))
    console.print(table)
    by_status = sources.groupby("status").size().to_dict() if not sources.empty else {}
    console.print("sources: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
    for row in sources[sources["status"] == "rejected"].itertuples():
        console.print(f"  [red]rejected[/red] {row.path}: {row.reason}")
    runs_table = Table("stage", "started", "finished", "summary", title="recent runs")
    for row in runs.itertuples():
        summary = json.loads(row.summary) if row.summary else {}
        short = ", ".join(f"{k}={v}" for k, v in summary.items() if isinstance(v, int | float | str))
        runs_table.add_row(row.stage, str(row.started_at)[:19], str(row.finished_at)[:19], short[:80])
    console.print(runs_table)
    console.print(f"briefings: {settings.briefings_dir / 'index.html'}")


def print_validation(settings: Settings) -> int:
    """Print findings per rule and severity, then each finding; return the number of errors."""
    console = Console()
    with store.connect(settings.db_path, read_only=True) as con:
        results = store.read_validation_results(con)
    if results.empty:
        console.print("No findings: every figure passed.")
        return 0
    summary = Table("rule", "severity", "count", title="validation findings")
    for (rule, severity), group in results.groupby(["rule", "severity"]):
        summary.add_row(str(rule), str(severity), str(len(group)))
    console.print(summary)
    colours = {"error": "red", "warning": "yellow", "info": "cyan"}
    for row in results.itertuples():
        ids = ", ".join(str(i) for i in (row.figure_id, row.related_figure_ids) if isinstance(i, str))
        where = f" [dim]({ids or row.doc_id})[/dim]"
        # markup=False on the message: its text comes from documents and may hold [brackets].
        console.print(f"[{colours.get(row.severity, 'white')}]{row.severity}[/] {row.rule}{where}: ", end="")
        console.print(row.message, markup=False, highlight=False)
    docs = settings.data_docs_dir / "index.html"
    if docs.exists():
        console.print(f"Data Docs: {docs}")
    return int((results["severity"] == "error").sum())
