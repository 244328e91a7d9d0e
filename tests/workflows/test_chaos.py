"""Chaos: 30 runs with parallel branches and a map, on an API server and two worker
processes sharing Redis; one worker is SIGKILLed mid-run. Every run completes, every
node output is recorded once, and the ledger balances (no double charge, no leaked hold)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from athanor.db.scope import DbScope
from athanor.engines.models import Execution, ExecutionStatus
from athanor.runtime import Runtime
from athanor.settings import Settings
from athanor.wallet.models import HoldState, LedgerEntry, LedgerTransaction, TransactionKind, WalletHold
from athanor.workflows.models import NodeRun, NodeStatus
from tests.ai_builders import balance_of
from tests.builders import Member
from tests.conftest import make_settings
from tests.processes import ATHANOR, athanor_env, free_port, own_redis_database
from tests.workflows.support import TOKENS, engine_node

# Redis and PostgreSQL: the distributed deployment this test is about.
pytestmark = [pytest.mark.slow, pytest.mark.backends("postgres")]

REDIS_DB = 13
RUNS = 30
# Each engine call takes a while, so the kill lands while nodes are in flight.
SLOW = "[mock:slow=150]"
DEFINITION = {
    "nodes": [
        {"id": "start", "type": "template", "config": {"template": "run {{ run.id }}"}},
        engine_node("left", f"{SLOW} left of {{{{ nodes.start.output.text }}}}"),
        engine_node("right", f"{SLOW} right of {{{{ nodes.start.output.text }}}}"),
        {"id": "both", "type": "join", "config": {}},
        {
            "id": "each",
            "type": "map",
            "config": {
                "items": "['a', 'b', 'c']",
                "concurrency": 2,
                "body": {
                    "type": "engine",
                    "config": {"engine": "shout", "inputs": {"text": f"{SLOW} {{{{ item }}}}"}},
                },
            },
        },
        {
            "id": "end",
            "type": "template",
            "config": {"template": "{{ nodes.each.output['items'] | length }} items"},
        },
    ],
    "edges": [
        {"source": "start", "target": "left"},
        {"source": "start", "target": "right"},
        {"source": "left", "target": "both"},
        {"source": "right", "target": "both"},
        {"source": "both", "target": "each"},
        {"source": "each", "target": "end"},
    ],
}
# Node runs per run: six nodes and three map items.
NODE_RUNS = 9
ENGINE_CALLS = 5


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    with own_redis_database(redis_url, REDIS_DB) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, broker_url: str) -> Settings:
    return make_settings(
        database_url, tmp_path, broker_url=broker_url, redis_url=broker_url, worker_heartbeat_seconds=1
    )


@pytest.fixture
def processes(settings: Settings, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _spawn(settings: Settings, log: Path, *args: str) -> subprocess.Popen[bytes]:
    # A session of its own: killing it kills the worker's pool children too.
    with log.open("w") as out:
        return subprocess.Popen(
            [*ATHANOR, *args],
            env=athanor_env(settings, ATHANOR_WORKFLOW_LEASE_SECONDS="3"),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


async def _wait(check: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {seconds} s")
        await asyncio.sleep(0.2)


async def test_runs_survive_a_killed_worker_with_outputs_once_and_a_balanced_ledger(
    runtime: Runtime,
    owner: Member,
    settings: Settings,
    processes: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    port = free_port()
    processes.append(_spawn(settings, tmp_path / "api.log", "serve", "--no-worker", "--port", str(port)))
    doomed = _spawn(settings, tmp_path / "doomed.log", "worker", "--queues", "default", "--concurrency", "2")
    processes.append(doomed)
    processes.append(
        _spawn(
            settings,
            tmp_path / "survivor.log",
            "worker",
            "--queues",
            "default",
            "--concurrency",
            "2",
            "--beat",
        )
    )
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=owner.headers, timeout=30
    ) as api:

        async def up() -> bool:
            try:
                return (await api.get("/healthz")).status_code == 200
            except httpx.TransportError:
                return False

        await _wait(up, 60, "the API server")
        created = await api.post(
            "/api/workflows", json={"slug": "chaos", "name": "Chaos", "definition": DEFINITION}
        )
        assert created.status_code == 201, created.text
        workflow_id = created.json()["id"]
        assert (await api.post(f"/api/workflows/{workflow_id}/versions/1/publish")).status_code == 200
        run_ids = []
        for _ in range(RUNS):
            started = await api.post(f"/api/workflows/{workflow_id}/runs", json={})
            assert started.status_code == 201, started.text
            run_ids.append(started.json()["id"])

        assert owner.tenant_id is not None
        scope = DbScope.for_tenant(owner.tenant_id)

        async def doomed_is_busy() -> bool:
            async with runtime.db.session(scope) as session:
                busy = await session.scalar(
                    select(func.count())
                    .select_from(NodeRun)
                    .where(NodeRun.status == NodeStatus.RUNNING, NodeRun.worker.endswith(f":{doomed.pid}"))
                )
                return bool(busy)

        await _wait(doomed_is_busy, 60, "a node running on the doomed worker")
        os.killpg(doomed.pid, signal.SIGKILL)

        async def all_finished() -> list[dict[str, Any]] | None:
            runs = [(await api.get(f"/api/workflow-runs/{run_id}")).json() for run_id in run_ids]
            return (
                runs if all(run["status"] in ("succeeded", "failed", "cancelled") for run in runs) else None
            )

        runs = await _wait(all_finished, 180, "every run finished")

    assert [run["status"] for run in runs] == ["succeeded"] * RUNS
    assert {run["output"]["end"]["text"] for run in runs} == {"3 items"}
    async with runtime.db.session(scope) as session:
        nodes = (
            await session.execute(select(NodeRun.run_id, NodeRun.node_id, NodeRun.item_index, NodeRun.status))
        ).all()
        executions = (await session.execute(select(Execution.status, Execution.charged_tokens))).all()
        open_holds = await session.scalar(
            select(func.count()).select_from(WalletHold).where(WalletHold.state == HoldState.HELD)
        )
        settles = await session.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(LedgerTransaction.kind == TransactionKind.SETTLE)
        )
        unbalanced = (
            await session.execute(
                select(LedgerEntry.transaction_id)
                .group_by(LedgerEntry.transaction_id)
                .having(func.sum(LedgerEntry.amount) != 0)
            )
        ).all()
    # Every node (and map item) of every run recorded once, and succeeded.
    assert len(nodes) == RUNS * NODE_RUNS
    assert len({(run_id, node_id, item) for run_id, node_id, item, _ in nodes}) == RUNS * NODE_RUNS
    assert {status for *_, status in nodes} == {NodeStatus.SUCCEEDED}
    # One paid call per engine node: a call cut short by the kill is released, never charged.
    succeeded = [charged for status, charged in executions if status is ExecutionStatus.SUCCEEDED]
    assert len(succeeded) == RUNS * ENGINE_CALLS
    assert {status for status, _ in executions} <= {ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED}
    assert settles == len(succeeded)
    assert open_holds == 0
    assert unbalanced == []
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (TOKENS - sum(succeeded), 0)
