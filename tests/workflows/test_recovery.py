"""A worker that dies mid-node: its lease lapses, the reaper queues the node again for any
worker, and the wallet is charged once for the node (a dead attempt's hold goes back)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.engines.models import Execution, ExecutionSource, ExecutionStatus
from athanor.execution import flow
from athanor.providers.types import ChatRequest, Message
from athanor.runtime import Runtime
from athanor.workers.embedded import EmbeddedWorker
from athanor.workflows import engine
from athanor.workflows.models import NodeRun
from athanor.workflows.nodes.ai import attempt_key
from athanor.workflows.nodes.base import Done
from athanor.workflows.tasks import reap_all
from tests.ai_builders import balance_of
from tests.builders import Member
from tests.workflows.support import TOKENS, engine_node, node, published, start, wait_for

ONE_CALL = {"nodes": [engine_node("call", "once")]}


async def _die_holding_the_node(runtime: Runtime, member: Member, *, after_the_call: bool) -> None:
    """What a worker does up to its death: claim the node, start (or finish) its engine
    call, never complete the node. Then its lease lapses."""
    assert member.tenant_id is not None
    scope = DbScope.for_tenant(member.tenant_id)
    async with runtime.db.session(scope) as session:
        queued = await session.scalar(select(NodeRun).where(NodeRun.node_id == "call"))
        assert queued is not None
        claimed = await engine._claim(session, queued.id, "doomed-worker", timedelta(seconds=30))
        assert claimed is not None
        node_run, run, version = claimed
        definition = engine.definition_of(version)
        context = await engine._context(session, runtime, run, node_run, definition)
        await session.commit()
    if after_the_call:
        outcome, _inputs = await engine._run(context, node_run, definition)
        assert isinstance(outcome, Done)
    else:
        spec = flow.CallSpec(
            request=ChatRequest(messages=(Message(role="user", content="cut short"),), model=""),
            model_slug="mock-small",
            source=ExecutionSource.WORKFLOW,
            idempotency_key=attempt_key(node_run.id, node_run.attempt),
        )
        async with runtime.db.session(scope) as session:
            await flow.prepare(session, runtime, context.caller, spec)
    async with runtime.db.session(scope) as session, session.begin():
        await session.execute(update(NodeRun).values(lease_expires_at=utcnow() - timedelta(seconds=1)))


@asynccontextmanager
async def _worker(runtime: Runtime) -> AsyncIterator[None]:
    embedded = EmbeddedWorker(runtime, beat=False)
    embedded.start(asyncio.get_running_loop())
    try:
        yield
    finally:
        await asyncio.to_thread(embedded.stop)


async def _executions(runtime: Runtime, member: Member) -> list[tuple[ExecutionStatus, str | None, int]]:
    assert member.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(member.tenant_id)) as session:
        rows = await session.execute(
            select(Execution.status, Execution.error_code, Execution.charged_tokens).order_by(
                Execution.created_at
            )
        )
        return [(status, code, charged) for status, code, charged in rows.all()]


async def test_a_node_whose_worker_died_mid_call_runs_again_and_its_hold_comes_back(
    client: httpx.AsyncClient,
    runtime: Runtime,
    owner: Member,
) -> None:
    run_id = await start(client, owner, await published(client, owner, ONE_CALL))
    await _die_holding_the_node(runtime, owner, after_the_call=False)
    assert owner.tenant_id is not None
    assert (await balance_of(runtime, owner.tenant_id, owner.user_id))[1] > 0

    async with _worker(runtime):
        assert await reap_all(runtime) == 1
        run = await wait_for(client, owner, run_id)

    assert run["status"] == "succeeded"
    assert node(run, "call")["attempt"] == 2
    executions = await _executions(runtime, owner)
    assert [(status, code) for status, code, _ in executions] == [
        (ExecutionStatus.FAILED, "worker.lost"),
        (ExecutionStatus.SUCCEEDED, None),
    ]
    charged = executions[1][2]
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (TOKENS - charged, 0)


async def test_a_call_paid_before_the_worker_died_is_not_paid_again(
    client: httpx.AsyncClient,
    runtime: Runtime,
    owner: Member,
) -> None:
    run_id = await start(client, owner, await published(client, owner, ONE_CALL))
    await _die_holding_the_node(runtime, owner, after_the_call=True)

    async with _worker(runtime):
        await reap_all(runtime)
        run = await wait_for(client, owner, run_id)

    assert run["status"] == "succeeded"
    executions = await _executions(runtime, owner)
    assert len(executions) == 1
    assert node(run, "call")["charged_tokens"] == executions[0][2]
    assert owner.tenant_id is not None
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (TOKENS - executions[0][2], 0)
