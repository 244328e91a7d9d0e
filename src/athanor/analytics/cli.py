"""`athanor analytics`: rebuild the rollups from raw records."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from athanor.analytics import rollup
from athanor.settings import Settings, get_settings

analytics_app = typer.Typer(help="Usage and cost analytics.", no_args_is_help=True)
console = Console(stderr=True)


@analytics_app.command("rebuild")
def rebuild(
    since: Annotated[
        datetime,
        typer.Option(help="The first day to rebuild (UTC), e.g. 2026-11-01", formats=["%Y-%m-%d"]),
    ],
) -> None:
    """Rewrite the hourly and daily rollups from SINCE to today from the raw executions and
    workflow runs. Safe while the fold runs: both rewrite whole buckets, one at a time."""
    result = asyncio.run(_rebuild(get_settings(), since.replace(tzinfo=UTC)))
    console.print(f"[green]Rebuilt {result.days} day(s)[/green] from {result.records} record(s).")


async def _rebuild(settings: Settings, since: datetime) -> rollup.FoldResult:
    from athanor.runtime import build_runtime

    runtime = build_runtime(settings)
    try:
        with Progress(
            TextColumn("[bold]Rebuilding rollups"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("days"),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("rebuild", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return await rollup.rebuild(runtime.db, since=since, progress=advance)
    finally:
        await runtime.close()
