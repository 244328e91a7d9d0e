"""Gateway benchmark: Athanor's full flow vs LiteLLM vs the upstream directly.

Athanor runs with everything on (API-key auth, rate limits, level checks, wallet hold and
settle, routing, execution records) against the shared harness's fake upstream; LiteLLM's
proxy (`litellm[proxy]`, in its own venv made by the harness's setup script) gets the
same upstream and load in the same run. Prints the harness's SUMMARY/OVERHEAD lines and
Athanor/LiteLLM ratios.

    uv run python bench/bench_gateway.py [--database sqlite|postgres] [-c 1,16,64] [-d 10]

The harness lives in `../shared/bench/gateway` (override with ATHANOR_GATEWAY_HARNESS).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HARNESS = Path(os.environ.get("ATHANOR_GATEWAY_HARNESS", ROOT.parent / "shared" / "bench" / "gateway"))
LITELLM_VENV = Path(os.environ.get("LITELLM_VENV", "/tmp/gwbench/litellm-venv"))
MODEL = "fake-model"
UPSTREAM_PORT, ATHANOR_PORT, LITELLM_PORT = 18000, 18090, 18091
UNLIMITED = "100000000/minute"


def _wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - local URL
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {seconds} s")


async def _seed(upstream: str) -> str:
    """A tenant whose member calls `fake-model` through an OpenAI-compatible deployment."""
    from athanor.apikeys import service as apikeys
    from athanor.auth import service as auth
    from athanor.catalog.models import AiModel, Deployment, ProviderConnection
    from athanor.db.scope import DbScope, set_scope
    from athanor.runtime import build_runtime
    from athanor.settings import get_settings
    from athanor.tenancy import service as tenancy
    from athanor.tenancy.models import Role
    from athanor.tenancy.permissions import Scope
    from athanor.wallet import service as wallet
    from athanor.wallet.models import AccountKind

    runtime = build_runtime(get_settings())
    try:
        async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
            session.add(
                AiModel(slug=MODEL, name=MODEL, vendor="bench", input_price=150_000, output_price=600_000)
            )
        async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
            user = await auth.create_user(
                session, email="bench@example.com", password="bench-password-1", name="Bench", verified=True
            )
            tenant = await tenancy.create_tenant(session, name="Bench", owner=user)
            await set_scope(session, DbScope.for_tenant(tenant.id, user.id))
            model = (await session.execute(AiModel.__table__.select().where(AiModel.slug == MODEL))).one()
            connection = ProviderConnection(
                name="fake upstream", kind="openai", base_url=upstream, options={}
            )
            session.add(connection)
            await session.flush()
            session.add(
                Deployment(name="fake", model_id=model.id, provider_id=connection.id, upstream_model=MODEL)
            )
            holder = await wallet.account(session, AccountKind.USER, user.id)
            await wallet.top_up(session, target=holder, amount=10**15, idempotency_key="bench")
            _key, secret = await apikeys.create_key(
                session,
                user_id=user.id,
                role=Role.OWNER,
                data=apikeys.NewKey(
                    name="bench", scopes=[Scope.ENGINES_EXECUTE], expires_at=None, rate_limit=UNLIMITED
                ),
                token_key=runtime.token_key,
            )
        return secret
    finally:
        await runtime.close()


def _athanor_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "ATHANOR_DATA_DIR": str(data_dir),
        "ATHANOR_LOG_LEVEL": "WARNING",
        "ATHANOR_RATE_LIMIT_USER": UNLIMITED,
        "ATHANOR_RATE_LIMIT_TENANT": UNLIMITED,
        "ATHANOR_RATE_LIMIT_API_KEY": UNLIMITED,
    }
    if database_url:
        env["ATHANOR_DATABASE_URL"] = database_url
    return env


def _fresh_postgres(base: str) -> str:
    """A new database on the PostgreSQL server of `base` (a postgresql+asyncpg URL)."""
    import psycopg

    name = f"athanor_bench_{os.getpid()}"
    admin = base.replace("+asyncpg", "").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("ATHANOR_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("-c", "--concurrency", default="1,16,64")
    parser.add_argument("-d", "--duration", default="10")
    parser.add_argument("--repeats", default="1")
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--no-litellm", action="store_true", help="measure Athanor and the upstream only")
    parser.add_argument("--seed-only", metavar="UPSTREAM", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        print(asyncio.run(_seed(args.seed_only)))
        return
    if not (HARNESS / "run.py").exists():
        raise SystemExit(f"gateway harness not found at {HARNESS}")
    litellm = not args.no_litellm and (LITELLM_VENV / "bin" / "litellm").exists()
    if not litellm and not args.no_litellm:
        print(
            f"LiteLLM venv missing ({LITELLM_VENV}); run {HARNESS}/litellm/setup_litellm.sh for the comparison"
        )

    work = Path(tempfile.mkdtemp(prefix="athanor-gwbench-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        database_url = _fresh_postgres(args.postgres_url) if args.database == "postgres" else None
        env = _athanor_env(work, database_url)
        upstream_python = str(LITELLM_VENV / "bin" / "python") if litellm else sys.executable
        upstream = subprocess.Popen(
            [upstream_python, str(HARNESS / "fake_upstream.py"), "--port", str(UPSTREAM_PORT)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(upstream)
        _wait_http(f"http://127.0.0.1:{UPSTREAM_PORT}/health")
        subprocess.run([sys.executable, "-m", "athanor", "migrate"], env=env, check=True, capture_output=True)
        seeded = subprocess.run(
            [sys.executable, __file__, "--seed-only", f"http://127.0.0.1:{UPSTREAM_PORT}/v1"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        key = seeded.stdout.strip().splitlines()[-1]
        athanor = subprocess.Popen(
            [sys.executable, "-m", "athanor", "serve", "--port", str(ATHANOR_PORT)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "athanor.log", "wb"),  # noqa: SIM115 - lives as long as the server
        )
        processes.append(athanor)
        _wait_http(f"http://127.0.0.1:{ATHANOR_PORT}/healthz")
        targets = [
            "--name",
            "athanor",
            "--gateway-url",
            f"http://127.0.0.1:{ATHANOR_PORT}",
            "--api-key",
            key,
            "--gateway-pid",
            str(athanor.pid),
        ]
        if litellm:
            started = subprocess.run(
                [
                    "bash",
                    str(HARNESS / "litellm" / "start_litellm.sh"),
                    "--port",
                    str(LITELLM_PORT),
                    "--upstream",
                    f"http://127.0.0.1:{UPSTREAM_PORT}/v1",
                    "--logdir",
                    str(work),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            litellm_pid = int(started.stdout.strip().splitlines()[-1])
            processes.append(subprocess.Popen(["tail", f"--pid={litellm_pid}", "-f", "/dev/null"]))
            targets += [
                "--name",
                "litellm",
                "--gateway-url",
                f"http://127.0.0.1:{LITELLM_PORT}",
                "--api-key",
                "sk-bench-master-1234",
                "--gateway-pid",
                str(litellm_pid),
            ]
        command = [
            sys.executable,
            str(HARNESS / "run.py"),
            "--direct",
            "--upstream-url",
            f"http://127.0.0.1:{UPSTREAM_PORT}",
            "--upstream-pid",
            str(upstream.pid),
            *targets,
            "--model",
            MODEL,
            "-c",
            args.concurrency,
            "-d",
            args.duration,
            "--repeats",
            args.repeats,
            "--warmup",
            "2",
        ]
        if args.stream:
            command += ["--stream", "--tool", "python"]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        print(output)
        _ratios(output)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        if litellm and (work / f"litellm-{LITELLM_PORT}.pid").exists():
            subprocess.run(["kill", (work / f"litellm-{LITELLM_PORT}.pid").read_text().strip()], check=False)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


def _ratios(output: str) -> None:
    """Athanor over LiteLLM, per concurrency."""
    summary = re.compile(r"SUMMARY target=(\S+)\s+c=(\d+)\s+rps=([\d.]+).*?gw_cpu=([\d.]+)ms/req")
    figures: dict[tuple[str, str], tuple[float, float]] = {}
    for name, concurrency, rps, cpu in summary.findall(output):
        figures[name, concurrency] = (float(rps), float(cpu))
    for (name, concurrency), (rps, cpu) in sorted(figures.items()):
        if name != "athanor":
            continue
        line = f"ATHANOR c={concurrency} rps={rps:.0f} cpu={cpu:.2f}ms/req"
        if ("litellm", concurrency) in figures:
            peer_rps, peer_cpu = figures["litellm", concurrency]
            line += f"  vs LiteLLM ({peer_rps:.0f} rps, {peer_cpu:.2f}ms/req): rps x{rps / peer_rps:.2f}, cpu/req x{cpu / peer_cpu:.2f}"
        print(line)


if __name__ == "__main__":
    main()
