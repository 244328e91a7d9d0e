"""A known set of records: executions and workflow runs at chosen times, with exact figures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.engines.models import Engine, Execution, ExecutionSource, ExecutionStatus
from athanor.levels.models import Level, LevelSubscription
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from athanor.workflows.models import (
    NodeRun,
    NodeStatus,
    QualityEvaluation,
    RunStatus,
    Trigger,
    Workflow,
    WorkflowRun,
    WorkflowVersion,
)
from tests.ai_builders import MODEL, ensure_model
from tests.builders import Member, make_member

# Catalog prices of the test model (micro-dollars per million tokens): 100 nano-dollars a
# fresh input token, 50 a cached one, 400 an output token.
DAY1 = datetime(2026, 11, 2, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    owner: Member
    member: Member
    tenant_id: uuid.UUID
    engine_id: uuid.UUID
    level_id: uuid.UUID
    workflow_id: uuid.UUID
    version_id: uuid.UUID


async def make_world(runtime: Runtime, name: str = "Acme") -> World:
    await ensure_model(runtime)
    owner = await make_member(runtime, f"owner@{name.lower()}.test", tenant_name=name)
    assert owner.tenant_id is not None
    member = await make_member(
        runtime, f"member@{name.lower()}.test", tenant_id=owner.tenant_id, role=Role.MEMBER
    )
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        engine = Engine(slug="summarize", name="Summarize")
        level = Level(slug="pro", name="Pro")
        workflow = Workflow(slug="digest", name="Digest")
        session.add_all([engine, level, workflow])
        await session.flush()
        version = WorkflowVersion(workflow_id=workflow.id, number=1, definition={})
        session.add(version)
        existing = await session.scalar(
            select(LevelSubscription).where(LevelSubscription.user_id == member.user_id)
        )
        if existing is None:
            session.add(LevelSubscription(user_id=member.user_id, level_id=level.id, period_start=DAY1))
        else:
            existing.level_id = level.id
        await session.flush()
        return World(owner, member, owner.tenant_id, engine.id, level.id, workflow.id, version.id)


async def add_execution(
    runtime: Runtime,
    world: World,
    *,
    created_at: datetime,
    user_id: uuid.UUID | None = None,
    status: ExecutionStatus = ExecutionStatus.SUCCEEDED,
    prompt: int = 0,
    completion: int = 0,
    cached: int = 0,
    charged: int = 0,
    cost: int = 0,
    latency_ms: int | None = None,
    ttft_ms: int | None = None,
    model: str = MODEL,
    source: ExecutionSource = ExecutionSource.API,
) -> uuid.UUID:
    async with runtime.db.session(DbScope.for_tenant(world.tenant_id)) as session, session.begin():
        execution = Execution(
            user_id=user_id or world.owner.user_id,
            engine_id=world.engine_id,
            model_slug=model,
            source=source,
            status=status,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cached_tokens=cached,
            charged_tokens=charged,
            cost_nanos=cost,
            latency_ms=latency_ms,
            ttft_ms=ttft_ms,
            created_at=created_at,
            finished_at=None if status == ExecutionStatus.RUNNING else created_at,
        )
        session.add(execution)
        await session.flush()
        return execution.id


async def finish_execution(runtime: Runtime, world: World, execution_id: uuid.UUID, **values: Any) -> None:
    """What metering does when a call ends: the row changes and its `updated_at` moves."""
    async with runtime.db.session(DbScope.for_tenant(world.tenant_id)) as session, session.begin():
        await session.execute(
            update(Execution).where(Execution.id == execution_id).values(**values, updated_at=utcnow())
        )


async def add_run(
    runtime: Runtime,
    world: World,
    *,
    created_at: datetime,
    duration_ms: int,
    status: RunStatus = RunStatus.SUCCEEDED,
    nodes: tuple[NodeStatus, ...] = (),
    gates: tuple[bool, ...] = (),
    prompt: int = 0,
    completion: int = 0,
    charged: int = 0,
    cost: int = 0,
) -> uuid.UUID:
    from datetime import timedelta

    async with runtime.db.session(DbScope.for_tenant(world.tenant_id)) as session, session.begin():
        run = WorkflowRun(
            workflow_id=world.workflow_id,
            version_id=world.version_id,
            status=status,
            trigger=Trigger.API,
            user_id=world.member.user_id,
            prompt_tokens=prompt,
            completion_tokens=completion,
            charged_tokens=charged,
            cost_nanos=cost,
            created_at=created_at,
            finished_at=created_at + timedelta(milliseconds=duration_ms),
        )
        session.add(run)
        await session.flush()
        for index, node_status in enumerate(nodes):
            session.add(NodeRun(run_id=run.id, node_id=f"n{index}", node_type="engine", status=node_status))
        for attempt, passed in enumerate(gates):
            session.add(
                QualityEvaluation(
                    run_id=run.id,
                    gate_node_id="gate",
                    target_node_id="n0",
                    attempt=attempt,
                    score=0.5,
                    passed=passed,
                )
            )
        await session.flush()
        return run.id


async def seed(runtime: Runtime, world: World) -> dict[str, uuid.UUID]:
    """Four finished executions over two days and one still running (see test_rollup for the figures)."""
    owner, member = world.owner.user_id, world.member.user_id
    ids = {
        "e1": await add_execution(
            runtime,
            world,
            created_at=at(2, 10, 5),
            user_id=owner,
            prompt=1000,
            completion=500,
            cached=200,
            charged=1500,
            cost=348_000,
            latency_ms=100,
            ttft_ms=20,
        ),
        "e2": await add_execution(
            runtime,
            world,
            created_at=at(2, 10, 40),
            user_id=owner,
            status=ExecutionStatus.FAILED,
            prompt=2000,
            completion=1000,
            charged=3000,
            cost=720_000,
            latency_ms=300,
            ttft_ms=50,
        ),
        "e3": await add_execution(
            runtime,
            world,
            created_at=at(2, 11, 15),
            user_id=member,
            prompt=500,
            completion=250,
            charged=750,
            cost=180_000,
            latency_ms=200,
            ttft_ms=40,
        ),
        "e4": await add_execution(
            runtime,
            world,
            created_at=at(3, 9),
            user_id=member,
            prompt=100,
            completion=100,
            charged=200,
            cost=60_000,
            latency_ms=1000,
        ),
        # Still running: not counted until it finishes.
        "e5": await add_execution(
            runtime, world, created_at=at(2, 10, 50), user_id=owner, status=ExecutionStatus.RUNNING
        ),
    }
    return ids
