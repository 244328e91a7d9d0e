"""Workflow benchmark: a 10x10 layered DAG and a 100-node chain of `mock` engine calls,
every node persisted with its wallet effects and crash recovery on, on the embedded
worker and on Redis with two worker processes; in the same run, the same shapes in
Prefect 3 and in plain Celery canvas (the shared harness in ../shared/bench/workflow).

    uv run python bench/bench_workflows.py [--modes embedded,redis] [--database sqlite|postgres]
                                           [--runs 3] [--no-peers]

Peers need `bash ../shared/bench/workflow/setup.sh` once (venvs under /tmp/peerbench).
Prints wall time, nodes/s and per-node overhead per shape, and Athanor/peer ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HARNESS = Path(os.environ.get("ATHANOR_WORKFLOW_HARNESS", ROOT.parent / "shared" / "bench" / "workflow"))
PEERBENCH = Path(os.environ.get("PEERBENCH", "/tmp/peerbench"))
LAYERS = WIDTH = 10
CHAIN = 100
REDIS_DB = 14
PEER_REDIS_PORT = 6390


def dag_definition() -> dict[str, Any]:
    """Every node of a layer depends on every node of the layer before, as in the peers."""
    nodes, edges = [], []
    for layer in range(LAYERS):
        for index in range(WIDTH):
            node_id = f"n{layer}_{index}"
            nodes.append(_node(node_id, f"{layer}.{index}"))
            edges += [
                {"source": f"n{layer - 1}_{before}", "target": node_id} for before in range(WIDTH) if layer
            ]
    return {"nodes": nodes, "edges": edges}


def chain_definition() -> dict[str, Any]:
    nodes = [_node(f"n{index}", str(index)) for index in range(CHAIN)]
    edges = [{"source": f"n{index - 1}", "target": f"n{index}"} for index in range(1, CHAIN)]
    return {"nodes": nodes, "edges": edges}


def _node(node_id: str, text: str) -> dict[str, Any]:
    return {"id": node_id, "type": "engine", "config": {"engine": "node", "inputs": {"text": text}}}


SHAPES = {"dag10x10": dag_definition, "chain100": chain_definition}


# The measuring child: one process per mode, with its environment set before athanor loads.


async def _seed(runtime: Any) -> tuple[Any, Any]:
    from athanor.auth import service as auth
    from athanor.catalog.models import AiModel, Deployment, ProviderConnection
    from athanor.db.scope import DbScope, set_scope
    from athanor.engines import service as engines
    from athanor.engines.schemas import Parameters, VersionSpec
    from athanor.tenancy import service as tenancy
    from athanor.wallet import service as wallet
    from athanor.wallet.models import AccountKind

    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        session.add(
            AiModel(
                slug="mock-small", name="mock", vendor="athanor", input_price=100_000, output_price=400_000
            )
        )
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        user = await auth.create_user(
            session, email="bench@example.com", password="bench-password-1", name="B", verified=True
        )
        tenant = await tenancy.create_tenant(session, name="Bench", owner=user)
        await set_scope(session, DbScope.for_tenant(tenant.id, user.id))
        model = (await session.execute(AiModel.__table__.select().where(AiModel.slug == "mock-small"))).one()
        connection = ProviderConnection(name="mock", kind="mock", base_url="mock://local", options={})
        session.add(connection)
        await session.flush()
        session.add(
            Deployment(name="mock", model_id=model.id, provider_id=connection.id, upstream_model="mock-small")
        )
        engine, version = await engines.create_engine(
            session,
            slug="node",
            name="Node",
            description="",
            spec=VersionSpec(
                model="mock-small",
                prompt_template="{{ text }}",
                input_schema={"type": "object", "properties": {"text": {"type": "string"}}},
                parameters=Parameters(max_tokens=8),
            ),
            author_id=user.id,
        )
        await engines.publish(session, engine=engine, version=version)
        holder = await wallet.account(session, AccountKind.USER, user.id)
        await wallet.top_up(session, target=holder, amount=10**12, idempotency_key="bench")
    return tenant.id, user.id


async def _workflow(
    runtime: Any, tenant_id: Any, user_id: Any, slug: str, definition: dict[str, Any]
) -> tuple[Any, Any]:
    from athanor.db.scope import DbScope
    from athanor.workflows import service

    async with runtime.db.session(DbScope.for_tenant(tenant_id, user_id)) as session, session.begin():
        workflow, version = await service.create_workflow(
            session, slug=slug, name=slug, description="", definition=definition, author_id=user_id
        )
        await service.publish(session, workflow=workflow, version=version)
        return workflow.id, version.id


async def _one_run(runtime: Any, tenant_id: Any, user_id: Any, workflow_id: Any) -> float:
    from athanor.db.scope import DbScope
    from athanor.workflows import dispatch, engine, service
    from athanor.workflows.models import FINISHED_RUN, RunStatus, Trigger, WorkflowRun

    scope = DbScope.for_tenant(tenant_id, user_id)
    started = time.perf_counter()
    async with runtime.db.session(scope) as session:
        workflow = await service.get_workflow(session, workflow_id)
        run = await engine.start_run(
            session,
            workflow=workflow,
            version=await service.published_version(session, workflow),
            inputs={},
            user_id=user_id,
            trigger=Trigger.API,
        )
        run_id = run.id
        await dispatch.commit_and_dispatch(session)
    while True:
        async with runtime.db.session(scope) as session:
            status = await session.scalar(
                WorkflowRun.__table__.select()
                .with_only_columns(WorkflowRun.status)
                .where(WorkflowRun.id == run_id)
            )
            await session.commit()
        if status in FINISHED_RUN:
            if status is not RunStatus.SUCCEEDED:
                raise SystemExit(f"run {run_id} ended {status}")
            return time.perf_counter() - started
        await asyncio.sleep(0.005)


async def _measure(mode: str, runs: int) -> None:
    from athanor.cli import THREAD_SWITCH_SECONDS
    from athanor.runtime import build_runtime
    from athanor.settings import get_settings

    # As `athanor serve` and `athanor worker` set it.
    sys.setswitchinterval(THREAD_SWITCH_SECONDS)

    runtime = build_runtime(get_settings())
    embedded = None
    if mode == "embedded":
        from athanor.workers.embedded import EmbeddedWorker

        embedded = EmbeddedWorker(runtime, beat=False)
        embedded.start(asyncio.get_running_loop())
    try:
        tenant_id, user_id = await _seed(runtime)
        for shape, build in SHAPES.items():
            workflow_id, _version = await _workflow(
                runtime, tenant_id, user_id, shape.replace("x", "-"), build()
            )
            await _one_run(runtime, tenant_id, user_id, workflow_id)  # warm-up
            times = [await _one_run(runtime, tenant_id, user_id, workflow_id) for _ in range(runs)]
            median = statistics.median(times)
            print(
                f"ATHANOR mode={mode} shape={shape} runs={runs} median={median:.3f}s min={min(times):.3f} "
                f"max={max(times):.3f} nodes/s={100 / median:.1f} per_node={median * 10:.2f}ms",
                flush=True,
            )
    finally:
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)
        await runtime.close()


# The parent: environments, worker processes, peers, ratios.


def _env(work: Path, database_url: str | None, broker: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATHANOR_")}
    env.update(ATHANOR_DATA_DIR=str(work), ATHANOR_LOG_LEVEL="WARNING", ATHANOR_ENVIRONMENT="development")
    if database_url:
        env["ATHANOR_DATABASE_URL"] = database_url
    if broker:
        env["ATHANOR_BROKER_URL"] = env["ATHANOR_REDIS_URL"] = broker
    return env


def _fresh_postgres(base: str, suffix: str) -> str:
    import psycopg

    name = f"athanor_wfbench_{os.getpid()}_{suffix}"
    admin = base.replace("+asyncpg", "").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def _athanor(mode: str, args: argparse.Namespace) -> str:
    work = Path(tempfile.mkdtemp(prefix=f"athanor-wfbench-{mode}-"))
    database_url = _fresh_postgres(args.postgres_url, mode) if args.database == "postgres" else None
    broker = None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        if mode == "redis":
            broker = args.redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB}"
            subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=True, capture_output=True)
        env = _env(work, database_url, broker)
        subprocess.run([sys.executable, "-m", "athanor", "migrate"], env=env, check=True, capture_output=True)
        if mode == "redis":
            for index in range(2):
                log = (work / f"worker-{index}.log").open("w")
                command = [
                    sys.executable,
                    "-m",
                    "athanor",
                    "worker",
                    "--queues",
                    "default",
                    "--concurrency",
                    "2",
                ]
                workers.append(
                    subprocess.Popen(
                        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                    )
                )
            time.sleep(4)  # the workers connect and register
        measured = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--runs", str(args.runs)],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if measured.returncode != 0:
            raise SystemExit(f"{mode} failed:\n{measured.stdout}\n{measured.stderr[-3000:]}")
        return measured.stdout
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        if broker:
            subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def _peers(runs: int) -> str:
    if not (PEERBENCH / "venv-prefect" / "bin" / "python").exists():
        print(f"Peers skipped: run {HARNESS}/setup.sh first")
        return ""
    prefect_home = tempfile.mkdtemp(prefix="prefect-home-")
    prefect = subprocess.run(
        [
            str(PEERBENCH / "venv-prefect" / "bin" / "python"),
            str(HARNESS / "prefect_dag.py"),
            "--runs",
            str(runs),
            "--gap",
            "5",
        ],
        env={**os.environ, "PREFECT_HOME": prefect_home},
        capture_output=True,
        text=True,
        check=False,
    )
    # Its own Redis on another port: the harness flushes the Redis it uses.
    celery = subprocess.run(
        ["bash", str(HARNESS / "run_celery.sh"), "--runs", str(runs)],
        env={**os.environ, "REDIS_PORT": str(PEER_REDIS_PORT)},
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(prefect_home, ignore_errors=True)
    return prefect.stdout + celery.stdout


def _ratios(athanor: str, peers: str) -> None:
    ours = {
        (mode, shape): float(median)
        for mode, shape, median in re.findall(r"ATHANOR mode=(\S+) shape=(\S+) .*?median=([\d.]+)s", athanor)
    }
    theirs: dict[tuple[str, str], float] = {}
    for line in peers.splitlines():
        found = re.search(r"^(prefect|celery)\b.*?\b(dag10x10|chain100)\b.*?median=([\d.]+)s", line)
        if found and "direct" not in line and "call" not in line:
            theirs.setdefault((found[1], found[2]), float(found[3]))
    for (mode, shape), median in sorted(ours.items()):
        line = f"RATIO mode={mode} shape={shape} athanor={100 / median:.1f} nodes/s"
        for peer in ("prefect", "celery"):
            if (peer, shape) in theirs:
                line += f"  x{theirs[peer, shape] / median:.2f} vs {peer} ({100 / theirs[peer, shape]:.1f} nodes/s)"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modes", default="embedded,redis")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("ATHANOR_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("ATHANOR_TEST_REDIS", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_measure(args.child, args.runs))
        return
    athanor = "".join(_athanor(mode, args) for mode in args.modes.split(","))
    print(athanor, end="")
    peers = "" if args.no_peers else _peers(args.runs)
    print("\n".join(line for line in peers.splitlines() if line.startswith(("prefect", "celery"))))
    _ratios(athanor, peers)


if __name__ == "__main__":
    main()
