"""The `briefing` command line: run, serve, extract, validate, report, status."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from briefing.settings import Settings, configure_prefect_env

app = typer.Typer(
    help="briefing: news articles in, checked figures and HTML briefings out.",
    no_args_is_help=True,
    add_completion=False,
)


def _load_settings() -> Settings:
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        typer.secho(f"configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    settings.home.mkdir(parents=True, exist_ok=True)
    configure_prefect_env(settings)
    return settings


def _print_ingest(result: dict[str, Any]) -> None:
    typer.echo(
        f"ingest: {result['seen']} files seen, {result['loaded']} loaded, "
        f"{result['duplicate']} duplicate, {result['unchanged']} unchanged, "
        f"{result['rejected']} rejected; {result['figures']} figures extracted"
        + (f"; {result['reextracted']} documents re-extracted" if result.get("reextracted") else "")
    )
    for item in result.get("rejections", []):
        typer.echo(f"  rejected {item['path']}: {item['reason']}")
    fetched = result.get("feeds") or {}
    if fetched.get("feeds") or fetched.get("error"):
        typer.echo(
            f"feeds: {fetched.get('feeds', 0)} fetched, {fetched.get('entries', 0)} entries, "
            f"{fetched.get('written', 0)} new or changed, {len(fetched.get('failed', []))} failed"
        )
    if fetched.get("error"):
        typer.secho(f"  feeds not fetched: {fetched['error']}", fg="yellow")
    for item in fetched.get("failed", []):
        typer.secho(f"  feed failed {item['name']} ({item['url']}): {item['error']}", fg="yellow")


@app.command()
def run(
    inbox: Annotated[Path | None, typer.Option(help="Folder of documents to ingest (default $BRIEFING_HOME/inbox).")] = None,
    every: Annotated[str | None, typer.Option(help="Briefing period: week, month or quarter.")] = None,
) -> None:
    """Run the whole pipeline once (samples + inbox): ingest, validate, report. No server needed."""
    settings = _load_settings()
    from flows.runners import early_prefect_api
    from flows.store import WarehouseLocked, hold_lock

    try:
        # Lock before Prefect's temporary server starts, so a second run waits (or is refused)
        # before it touches Prefect's database or the warehouse. The server starts before the
        # flows are imported, so its start-up overlaps theirs; Dask workers share it.
        with hold_lock(settings.lock_path, settings.lock_timeout_s), early_prefect_api(settings.prefect_template_dir) as api:
            from flows import parallel, parsing

            if parallel.parses_in_workers(settings.task_runner):
                # the parse workers spawn and import while the server starts
                parallel.start_pool(parsing.prepare_worker)
            from flows.pipeline import pipeline

            with api.ready():
                result = pipeline(inbox=str(inbox.resolve()) if inbox else None, every=every)
    except WarehouseLocked as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(3) from None
    _print_ingest(result["ingest"])
    val = result["validate"]
    typer.echo(f"validate: {val['figures']} figures checked, {val['findings']} findings, {val['suspect']} suspect")
    rep = result["report"]
    typer.echo(f"report: {len(rep['written'])} briefings written, {len(rep['skipped'])} unchanged")
    for path in rep["written"]:
        typer.echo(f"  {path}")
    typer.secho(f"briefings: {rep['index_path']}", fg="green")
    typer.echo(f"warehouse: {settings.db_path}")


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Text files to extract figures from.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per figure.")] = False,
) -> None:
    """Print the figures of each file (offsets into the file decoded as UTF-8, unchanged)."""
    from flows.extracting import extract_files

    settings = Settings.from_env()
    for path, figure in extract_files(files, settings):
        if jsonl:
            sys.stdout.write(json.dumps({"doc": str(path), **figure}, ensure_ascii=False) + "\n")
        else:
            typer.echo(
                f"{path.name}:{figure['start']}-{figure['end']}  {figure['surface']!r:32} "
                f"{figure['value']:>18g} {figure['unit']:<10} {figure['qualifier']:<7} "
                f"{figure['metric'] or '-':<16} {figure['entity'] or '-':<24} {figure['period'] or '-'}"
            )


@app.command()
def validate(
    strict: Annotated[bool, typer.Option(help="Exit non-zero when validation finds errors.")] = False,
) -> None:
    """Validate the stored figures and print a summary of the findings."""
    settings = _load_settings()
    from flows.runners import early_prefect_api

    with early_prefect_api(settings.prefect_template_dir) as api:
        from flows.console import print_validation
        from flows.pipeline import validate as validate_flow

        with api.ready():
            result = validate_flow()
    errors = print_validation(settings)
    if strict and errors:
        raise typer.Exit(1)
    typer.echo(f"{result['findings']} findings, {result['suspect']} suspect figures")


@app.command()
def report(
    every: Annotated[str | None, typer.Option(help="week, month or quarter (default: the --period's kind, else $BRIEFING_REPORT_EVERY).")] = None,
    period: Annotated[str | None, typer.Option(help="A period such as 2025-W19, 2025-05 or 2025-Q2 (default: the latest and any whose data changed).")] = None,
) -> None:
    """Render briefings for a period (default: the latest one and any whose data changed)."""
    settings = _load_settings()
    from flows.runners import early_prefect_api

    try:
        with early_prefect_api(settings.prefect_template_dir) as api:
            from flows.pipeline import report as report_flow

            with api.ready():
                result = report_flow(every=every, period=period)
    except ValueError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    for path in result["written"]:
        typer.echo(path)
    typer.secho(f"briefings: {result['index_path']}", fg="green")


@app.command()
def status() -> None:
    """Show what the warehouse holds: documents, sources by status, figures, findings, recent runs."""
    settings = _load_settings()
    from flows.console import print_status

    print_status(settings)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the local Prefect server started when PREFECT_API_URL is unset.")] = 4200,
) -> None:
    """Serve the pipeline and briefing deployments on their cron schedules (see README)."""
    settings = _load_settings()
    from flows.serving import serve_deployments

    serve_deployments(settings, port=port)


if __name__ == "__main__":
    app()
