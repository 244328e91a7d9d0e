"""The `athanor` command."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from athanor.analytics.cli import analytics_app
from athanor.exports.cli import export as export_command
from athanor.settings import ConfigurationError, Environment, Settings, get_settings

app = typer.Typer(help="Athanor: run AI products for many tenants.", no_args_is_help=True)
console = Console(stderr=True)


def _settings() -> Settings:
    try:
        return get_settings()
    except ConfigurationError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None


# Servers and workers hand every database round trip between threads (aiosqlite, Celery's
# pool) and the event loop; at Python's default 5 ms switch interval each handoff can wait
# that long for the GIL. Measured on a workflow chain: 125 -> 85 ms per node.
THREAD_SWITCH_SECONDS = 0.0005


def _responsive_threads() -> None:
    import sys

    sys.setswitchinterval(THREAD_SWITCH_SECONDS)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes")] = 1,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run a task worker and the periodic scheduler inside the server (turn off for API servers of a distributed deployment)",
        ),
    ] = True,
) -> None:
    """Serve the API (and, when built, the web UI)."""
    import os

    import uvicorn

    if not worker:
        # The app is built by uvicorn (in each server process) from the environment.
        os.environ["ATHANOR_EMBEDDED_WORKER"] = "false"
        get_settings.cache_clear()
    settings = _settings()
    mode = "with embedded worker" if settings.embedded_worker else "no worker"
    console.print(
        f"[bold green]Athanor[/bold green] serving at http://{host}:{port} ({settings.environment.value}, {settings.database_backend}, {mode})"
    )
    _responsive_threads()
    uvicorn.run(
        "athanor.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,  # the app applies trusted-proxy rules itself
        log_level="warning",
    )


@app.command()
def worker(
    queues: Annotated[str, typer.Option(help="Comma-separated queues")] = "interactive,default,batch,export",
    concurrency: Annotated[int, typer.Option(help="Worker slots")] = 2,
    beat: Annotated[bool, typer.Option(help="Also run the periodic scheduler (in one worker only)")] = False,
    pool: Annotated[str, typer.Option(help="prefork (resizable, hard time limits) or threads")] = "prefork",
) -> None:
    """Run a Celery worker on the configured broker (Redis or RabbitMQ)."""
    settings = _settings()
    if not settings.broker_url:
        console.print(
            "[red]ATHANOR_BROKER_URL is not set.[/red] Point it at Redis (redis://127.0.0.1:6379/0) or RabbitMQ (amqp://guest:guest@127.0.0.1:5672//)."
        )
        raise typer.Exit(2)
    from athanor.workers.celery_app import celery_app

    if pool not in {"prefork", "threads"}:
        console.print("[red]--pool must be prefork or threads.[/red]")
        raise typer.Exit(2)
    argv = [
        "worker",
        "--queues",
        queues,
        "--concurrency",
        str(concurrency),
        "--pool",
        pool,
        "--loglevel",
        "INFO",
    ]
    _responsive_threads()
    celery_app.worker_main([*argv, "--beat"] if beat else argv)


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Bring the database schema up to date."""
    from athanor.db.migrate import upgrade

    settings = _settings()
    with console.status("Migrating the database..."):
        upgrade(settings, revision)
    console.print(f"[green]Database at {revision}[/green] ({settings.database_backend})")


@app.command()
def createsuperuser(
    email: Annotated[str, typer.Option(prompt=True, help="Email address")],
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters"),
    ],
    name: Annotated[str, typer.Option(help="Display name")] = "",
) -> None:
    """Create a platform super admin (or promote an existing account)."""
    from pydantic import ValidationError

    from athanor.access.schemas import RegisterRequest

    try:
        RegisterRequest(email=email, password=password, name=name)
    except ValidationError as error:
        for item in error.errors():
            console.print(f"[red]{item['loc'][0]}: {item['msg']}[/red]")
        raise typer.Exit(2) from None
    promoted = asyncio.run(_create_superuser(_settings(), email, password, name))
    console.print(f"[green]{'Promoted' if promoted else 'Created'} super admin {email}[/green]")


async def _create_superuser(settings: Settings, email: str, password: str, name: str) -> bool:
    from athanor.auth import service as auth_service
    from athanor.db.scope import DbScope
    from athanor.runtime import build_runtime

    runtime = build_runtime(settings)
    try:
        async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
            user = await auth_service.find_user_by_email(session, email)
            if user is not None:
                user.is_superadmin = True
                return True
            await auth_service.create_user(
                session, email=email, password=password, name=name, verified=True, superadmin=True
            )
            return False
    finally:
        await runtime.close()


@app.command("seed-demo")
def seed_demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print the credentials as JSON")] = False,
) -> None:
    """Create the demo tenant, admin and API key (safe to run again)."""
    from athanor.runtime import build_runtime
    from athanor.seed import credentials_json
    from athanor.seed import seed_demo as run_seed

    settings = _settings()
    if settings.environment is Environment.PRODUCTION:
        # The demo admin's password is published in the README.
        console.print("[red]seed-demo refuses to run with ATHANOR_ENVIRONMENT=production.[/red]")
        raise typer.Exit(2)

    async def _run() -> str:
        runtime = build_runtime(settings)
        try:
            return credentials_json(await run_seed(runtime))
        finally:
            await runtime.close()

    output = asyncio.run(_run())
    if as_json:
        print(output)
        return
    creds = json.loads(output)
    table = Table(title="Demo login", show_header=False)
    for key in ("url", "email", "password", "tenant_id", "api_key"):
        table.add_row(key, creds[key])
    Console().print(table)


@app.command()
def doctor() -> None:
    """Check the configuration and reach every configured service."""
    from athanor.ops.doctor import run_doctor

    try:
        settings = get_settings()
    except ConfigurationError as error:
        console.print(f"[red]✗ configuration[/red]\n{error}")
        raise typer.Exit(1) from None
    findings = asyncio.run(run_doctor(settings))
    table = Table(title="athanor doctor")
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail / how to fix")
    for finding in findings:
        table.add_row(
            finding.name, "[green]ok[/green]" if finding.ok else "[red]problem[/red]", finding.detail
        )
    Console().print(table)
    if not all(finding.ok for finding in findings):
        raise typer.Exit(1)


@app.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the spec")] = Path("docs/openapi.json"),
) -> None:
    """Write the OpenAPI spec (docs/openapi.json)."""
    from athanor.openapi import render_spec

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_spec(_settings()))
    console.print(f"[green]Wrote {output}[/green]")


app.command("export")(export_command)

keys_app = typer.Typer(help="Encryption keys that seal provider credentials.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(analytics_app, name="analytics")


@keys_app.command("rotate")
def rotate_keys() -> None:
    """Re-encrypt every provider API key under the newest key of ATHANOR_ENCRYPTION_KEYS.

    To rotate: put the new key FIRST in ATHANOR_ENCRYPTION_KEYS ("k2:<new>,k1:<old>") and restart every server and worker; then run this command. Keep the old keys in the list until it has finished: until then some credentials are still sealed with them.

    Safe to run again: keys already under the newest key are left alone.
    """
    settings = _settings()
    moved, key_id = asyncio.run(_rotate_keys(settings))
    console.print(f"[green]Re-encrypted {moved} provider key(s)[/green] under key [bold]{key_id}[/bold].")


async def _rotate_keys(settings: Settings) -> tuple[int, str]:
    from athanor.audit import service as audit
    from athanor.catalog.credentials import reseal_all
    from athanor.db.scope import DbScope
    from athanor.runtime import build_runtime

    runtime = build_runtime(settings)
    ring = runtime.key_ring
    try:
        async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
            moved = await reseal_all(session, ring)
            details = {"moved": moved, "key_id": ring.current_id}
            await audit.record(
                session, action="provider.keys_resealed", actor=audit.SYSTEM, tenant_id=None, details=details
            )
        return moved, ring.current_id
    finally:
        await runtime.close()


def main() -> None:
    try:
        app()
    except ConfigurationError as error:
        console.print(f"[red]{error}[/red]")
        sys.exit(2)
