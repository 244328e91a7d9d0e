"""The durable workflow engine. No run lives in a process's memory; node runs are the state.

- A ready node is a `queued` node run, published to Celery after its transaction commits
  (`Dispatch`); the reaper publishes again any queued node left unclaimed, so a lost
  message only delays it.
- A worker claims a node by a conditional update (queued -> running) that takes a lease
  and counts the attempt: a duplicate delivery finds nothing to claim. While it works it
  renews the lease; a worker that dies lets the lease lapse and the reaper queues the node
  again for any worker.
- Completing a node, recording its output and creating its ready successors happen in one
  transaction under the run's row lock, so two branches finishing at once cannot both miss
  (or both create) the join after them.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.audit.service import Actor
from athanor.core.errors import AppError
from athanor.core.logging import get_logger
from athanor.db.base import new_id
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.engines.templates import validate_against
from athanor.execution import flow
from athanor.outbox import service as outbox
from athanor.runtime import Runtime
from athanor.workflows.definition import Definition, Graph
from athanor.workflows.dispatch import commit_and_dispatch, dispatch_of
from athanor.workflows.exceptions import InvalidRunInputs
from athanor.workflows.models import (
    FINISHED_RUN,
    SETTLED_NODE,
    NodeRun,
    NodeStatus,
    QualityEvaluation,
    RunStatus,
    Trigger,
    Workflow,
    WorkflowRun,
    WorkflowVersion,
)
from athanor.workflows.nodes import KINDS
from athanor.workflows.nodes.base import (
    Done,
    Failed,
    FanOut,
    NodeContext,
    Outcome,
    SendBack,
    StartChild,
    Usage,
    Wait,
)
from athanor.workflows.variables import RenderFailed, evaluate, render

log = get_logger("athanor.workflows")

MAX_ATTEMPTS = 3

# Definitions of versions, parsed once per process (a published version never changes).
_definitions: dict[tuple[uuid.UUID, datetime], Definition] = {}


def definition_of(version: WorkflowVersion) -> Definition:
    key = (version.id, version.updated_at)
    found = _definitions.get(key)
    if found is None:
        if len(_definitions) > 256:
            _definitions.clear()
        found = _definitions[key] = Definition.model_validate(version.definition)
    return found


# Starting


async def start_run(
    session: AsyncSession,
    *,
    workflow: Workflow,
    version: WorkflowVersion,
    inputs: dict[str, Any],
    user_id: uuid.UUID,
    trigger: Trigger,
    api_key_id: uuid.UUID | None = None,
    budget_tokens: int | None = None,
    parent_node_run_id: uuid.UUID | None = None,
) -> WorkflowRun:
    definition = definition_of(version)
    problems = validate_against(definition.inputs, inputs, prefix="body.inputs")
    if problems:
        raise InvalidRunInputs(fields=problems)
    run = WorkflowRun(
        workflow_id=workflow.id,
        version_id=version.id,
        status=RunStatus.RUNNING,
        trigger=trigger,
        user_id=user_id,
        api_key_id=api_key_id,
        inputs=inputs,
        budget_tokens=budget_tokens,
        parent_node_run_id=parent_node_run_id,
    )
    session.add(run)
    await session.flush()
    for node_id in definition.graph.entries:
        _queue(session, run, node_id, definition.graph.nodes[node_id].type)
    emit_event(session, run, "workflow.run_started")
    return run


def _queue(
    session: AsyncSession,
    run: WorkflowRun,
    node_id: str,
    node_type: str,
    *,
    item_index: int = -1,
    inputs: Any = None,
    pending: bool = False,
) -> NodeRun:
    node = NodeRun(
        id=new_id(),
        tenant_id=run.tenant_id,
        run_id=run.id,
        node_id=node_id,
        node_type=node_type,
        item_index=item_index,
        inputs=inputs,
        status=NodeStatus.PENDING if pending else NodeStatus.QUEUED,
        due_at=None if pending else utcnow(),
    )
    session.add(node)
    if not pending:
        dispatch_of(session).now.append((run.tenant_id, node.id))
    return node


def emit_event(session: AsyncSession, run: WorkflowRun, topic: str, **payload: Any) -> None:
    outbox.emit(
        session,
        topic,
        tenant_id=run.tenant_id,
        payload={"run_id": str(run.id), "status": run.status.value, **payload},
    )


# Running a node


async def execute(runtime: Runtime, tenant_id: uuid.UUID, node_run_id: uuid.UUID, worker: str) -> None:
    """Claim, run and complete one node run (the body of the Celery task)."""
    scope = DbScope.for_tenant(tenant_id)
    lease = timedelta(seconds=runtime.settings.workflow_lease_seconds)
    async with runtime.db.session(scope) as session:
        claimed = await _claim(session, node_run_id, worker, lease)
        if claimed is None:
            await session.commit()
            return
        node, run, version = claimed
        definition = definition_of(version)
        context = await _context(session, runtime, run, node, definition)
        await session.commit()
    async with _lease_kept(runtime, scope, node.id, node.attempt, lease):
        outcome, inputs = await _run(context, node, definition)
    async with runtime.db.session(scope) as session:
        await complete(session, node.id, node.attempt, outcome, inputs=inputs)
        await commit_and_dispatch(session)


async def _claim(
    session: AsyncSession, node_run_id: uuid.UUID, worker: str, lease: timedelta
) -> tuple[NodeRun, WorkflowRun, WorkflowVersion] | None:
    running = select(WorkflowRun.id).where(WorkflowRun.status == RunStatus.RUNNING).scalar_subquery()
    now = utcnow()
    claimed = await session.execute(
        update(NodeRun)
        .where(NodeRun.id == node_run_id, NodeRun.status == NodeStatus.QUEUED, NodeRun.run_id.in_(running))
        .values(
            status=NodeStatus.RUNNING,
            attempt=NodeRun.attempt + 1,
            lease_expires_at=now + lease,
            worker=worker,
            started_at=func.coalesce(NodeRun.started_at, now),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return None
    node = await session.get_one(NodeRun, node_run_id, populate_existing=True)
    run = await session.get_one(WorkflowRun, node.run_id)
    version = await session.get_one(WorkflowVersion, run.version_id)
    return node, run, version


async def _context(
    session: AsyncSession, runtime: Runtime, run: WorkflowRun, node: NodeRun, definition: Definition
) -> NodeContext:
    finished = (
        await session.scalars(
            select(NodeRun).where(
                NodeRun.run_id == run.id, NodeRun.item_index == -1, NodeRun.status == NodeStatus.SUCCEEDED
            )
        )
    ).all()
    outputs = {
        item.node_id: {"output": item.output, "port": item.port, "status": item.status.value}
        for item in finished
    }
    variables: dict[str, Any] = {
        "inputs": run.inputs,
        "nodes": outputs,
        "run": {"id": str(run.id)},
        # A quality gate's reasons when it sent this node back, else None.
        "feedback": node.feedback,
    }
    if node.item_index >= 0:
        variables["item"], variables["index"] = node.inputs, node.item_index
    if node.node_type == "quality_gate":
        variables["gate_attempts"] = (
            await session.scalar(
                select(func.count())
                .select_from(QualityEvaluation)
                .where(QualityEvaluation.run_id == run.id, QualityEvaluation.gate_node_id == node.node_id)
            )
            or 0
        )
    active = {
        edge.source
        for edge in definition.graph.incoming.get(node.node_id, [])
        if outputs.get(edge.source, {}).get("port") == edge.port
    }
    principal = flow.Caller(
        tenant_id=run.tenant_id,
        user_id=run.user_id,
        actor=_actor(run),
        api_key_id=run.api_key_id,
    )
    return NodeContext(
        runtime=runtime,
        caller=principal,
        run_id=run.id,
        node_run_id=node.id,
        node_id=node.node_id,
        attempt=node.attempt,
        config={},
        variables=variables,
        upstream={source: outputs[source]["output"] for source in sorted(active)},
    )


def _actor(run: WorkflowRun) -> Actor:
    return Actor(user_id=run.user_id, api_key_id=run.api_key_id)


async def _run(
    context: NodeContext, node: NodeRun, definition: Definition
) -> tuple[Outcome, dict[str, Any] | None]:
    """The node's outcome, and the configuration it ran with (None when it could not be rendered)."""
    spec = definition.graph.nodes[node.node_id]
    kind, config = KINDS[spec.type], spec.config
    if node.item_index >= 0:
        kind, config = KINDS[config["body"]["type"]], config["body"]["config"]
    try:
        rendered = {
            key: value
            if key in kind.literals
            else evaluate(value, context.variables)
            if key in kind.expressions
            else render(value, context.variables)
            for key, value in config.items()
        }
    except RenderFailed as error:
        return Failed(error.code, str(error.params.get("reason", ""))), None
    try:
        return await kind.run(_with_config(context, rendered)), rendered
    except AppError as error:
        retryable = error.status >= 500 or error.status == 429
        failed = Failed(error.code, str(error.params.get("reason") or error.code)[:1000], retryable=retryable)
        return failed, rendered
    except Exception as error:
        log.exception("workflow.node_crashed", node_run_id=str(node.id))
        crashed = Failed("workflow.node_crashed", (str(error) or type(error).__name__)[:1000], retryable=True)
        return crashed, rendered


def _with_config(context: NodeContext, config: dict[str, Any]) -> NodeContext:
    return replace(context, config=config)


@contextlib.asynccontextmanager
async def _lease_kept(
    runtime: Runtime, scope: DbScope, node_run_id: uuid.UUID, attempt: int, lease: timedelta
) -> AsyncIterator[None]:
    """Renew the lease while the node works (an LLM call may outlast one lease)."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            async with runtime.db.session(scope) as session:
                await session.execute(
                    update(NodeRun)
                    .where(
                        NodeRun.id == node_run_id,
                        NodeRun.attempt == attempt,
                        NodeRun.status == NodeStatus.RUNNING,
                    )
                    .values(lease_expires_at=utcnow() + lease)
                    .execution_options(synchronize_session=False)
                )
                await session.commit()

    keeper = asyncio.create_task(renew())
    try:
        yield
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper


# Completing


async def complete(
    session: AsyncSession, node_run_id: uuid.UUID, attempt: int, outcome: Outcome, *, inputs: Any = None
) -> None:
    """Record a claimed node's outcome (and the configuration it ran with) and move the run
    on, unless the node's lease was lost meanwhile (another worker has it now)."""
    node = await session.get(NodeRun, node_run_id, with_for_update=True, populate_existing=True)
    if node is None or node.status is not NodeStatus.RUNNING or node.attempt != attempt:
        return
    if inputs is not None and node.item_index < 0:
        # A map item's inputs are its item; every other node records what it ran with.
        node.inputs = inputs
    run = await locked_run(session, node.run_id)
    await settle(session, run, node, outcome)


async def locked_run(session: AsyncSession, run_id: uuid.UUID) -> WorkflowRun:
    return await session.get_one(WorkflowRun, run_id, with_for_update=True, populate_existing=True)


async def settle(session: AsyncSession, run: WorkflowRun, node: NodeRun, outcome: Outcome) -> None:
    version = await session.get_one(WorkflowVersion, run.version_id)
    definition = definition_of(version)
    node.lease_expires_at = None
    if isinstance(outcome, Done):
        await _succeed(session, run, node, definition, outcome)
    elif isinstance(outcome, Failed):
        await _fail_node(session, run, node, definition, outcome)
    elif isinstance(outcome, Wait):
        node.status, node.due_at, node.output = NodeStatus.WAITING, outcome.due_at, outcome.output
        if outcome.due_at is not None:
            dispatch_of(session).wakes.append((run.tenant_id, node.id, outcome.due_at))
    elif isinstance(outcome, FanOut):
        await _fan_out(session, run, node, definition, outcome)
    elif isinstance(outcome, StartChild):
        await _start_child(session, run, node, outcome)
    elif isinstance(outcome, SendBack):
        await _send_back(session, run, node, definition, outcome)


async def _succeed(
    session: AsyncSession, run: WorkflowRun, node: NodeRun, definition: Definition, done: Done
) -> None:
    node.status, node.output, node.port, node.finished_at = (
        NodeStatus.SUCCEEDED,
        done.output,
        done.port,
        utcnow(),
    )
    node.error_code = node.error_message = None
    _add_usage(run, node, done.usage)
    if node.node_type == "quality_gate":
        _evaluation(session, run, node, done.output)
    if run.status in FINISHED_RUN:
        return
    if run.budget_tokens is not None and run.charged_tokens >= run.budget_tokens:
        await end_run(
            session,
            run,
            RunStatus.FAILED,
            "workflow.budget_exhausted",
            f"{run.charged_tokens} of {run.budget_tokens} tokens used",
        )
        return
    if node.item_index >= 0:
        await _item_done(session, run, node, definition)
        return
    await advance(session, run, definition, [node.node_id])


def _add_usage(run: WorkflowRun, node: NodeRun, usage: Usage) -> None:
    node.prompt_tokens += usage.prompt_tokens
    node.completion_tokens += usage.completion_tokens
    node.charged_tokens += usage.charged_tokens
    node.cost_nanos += usage.cost_nanos
    run.prompt_tokens += usage.prompt_tokens
    run.completion_tokens += usage.completion_tokens
    run.charged_tokens += usage.charged_tokens
    run.cost_nanos += usage.cost_nanos


def _evaluation(session: AsyncSession, run: WorkflowRun, node: NodeRun, verdict: Any) -> None:
    session.add(
        QualityEvaluation(
            tenant_id=run.tenant_id,
            run_id=run.id,
            gate_node_id=node.node_id,
            target_node_id=str(verdict.get("target", "")),
            attempt=node.attempt,
            score=float(verdict.get("score", 0)),
            passed=bool(verdict.get("passed")),
            feedback=str(verdict.get("feedback", ""))[:4000],
        )
    )


async def _fail_node(
    session: AsyncSession, run: WorkflowRun, node: NodeRun, definition: Definition, failed: Failed
) -> None:
    node.error_code, node.error_message = failed.code, failed.message[:1000]
    _add_usage(run, node, failed.usage)
    if failed.retryable and node.attempt < MAX_ATTEMPTS and run.status not in FINISHED_RUN:
        # Back in the queue after a backoff; any worker may take the next attempt.
        node.status = NodeStatus.QUEUED
        node.due_at = utcnow() + timedelta(seconds=min(2**node.attempt, 60) * 0.25)
        dispatch_of(session).later.append((run.tenant_id, node.id, node.due_at))
        return
    node.status, node.finished_at = NodeStatus.FAILED, utcnow()
    if run.status in FINISHED_RUN:
        return
    parent = None
    if node.item_index >= 0:
        parent = await _map_parent(session, run, node.node_id)
    if parent is not None and parent.status is NodeStatus.WAITING:
        parent.status, parent.finished_at = NodeStatus.FAILED, utcnow()
        parent.error_code, parent.error_message = (
            failed.code,
            f"item {node.item_index}: {failed.message}"[:1000],
        )
    await end_run(session, run, RunStatus.FAILED, failed.code, f"{node.node_id}: {failed.message}"[:1000])


async def advance(
    session: AsyncSession, run: WorkflowRun, definition: Definition, after: Iterable[str]
) -> None:
    """Create the nodes after `after` that are now ready (every input settled, one of
    them active), skip the ones on branches not taken (and what follows only them), and
    finish the run when nothing is left open. An entry node in `after` itself is queued."""
    graph = definition.graph
    nodes = {
        item.node_id: item
        for item in (
            await session.scalars(select(NodeRun).where(NodeRun.run_id == run.id, NodeRun.item_index == -1))
        ).all()
    }
    todo = deque(target for node_id in after for target in _next_of(graph, node_id))
    while todo:
        node_id = todo.popleft()
        if node_id in nodes:
            continue
        incoming = graph.incoming[node_id]
        sources = [nodes.get(edge.source) for edge in incoming]
        if any(source is None or source.status not in SETTLED_NODE for source in sources):
            continue
        active = not incoming or any(
            source is not None and source.status is NodeStatus.SUCCEEDED and source.port == edge.port
            for source, edge in zip(sources, incoming, strict=True)
        )
        spec = graph.nodes[node_id]
        if active:
            nodes[node_id] = _queue(session, run, node_id, spec.type)
            continue
        nodes[node_id] = NodeRun(
            tenant_id=run.tenant_id,
            run_id=run.id,
            node_id=node_id,
            node_type=spec.type,
            status=NodeStatus.SKIPPED,
            finished_at=utcnow(),
        )
        session.add(nodes[node_id])
        todo.extend(edge.target for edge in graph.outgoing[node_id])
    if len(nodes) == len(graph.nodes) and all(item.status in SETTLED_NODE for item in nodes.values()):
        await _finish_run(session, run, definition, nodes)


def _next_of(graph: Graph, node_id: str) -> list[str]:
    """What to look at after `node_id` settled: its successors; an entry node that is
    not there yet (a re-run from it) is itself next."""
    if not graph.incoming[node_id]:
        return [node_id, *(edge.target for edge in graph.outgoing[node_id])]
    return [edge.target for edge in graph.outgoing[node_id]]


async def _finish_run(
    session: AsyncSession, run: WorkflowRun, definition: Definition, nodes: dict[str, NodeRun]
) -> None:
    variables = {
        "inputs": run.inputs,
        "nodes": {
            node_id: {"output": item.output, "port": item.port, "status": item.status.value}
            for node_id, item in nodes.items()
            if item.status is NodeStatus.SUCCEEDED
        },
        "run": {"id": str(run.id)},
    }
    try:
        output = {name: render(text, variables) for name, text in definition.outputs.items()}
    except RenderFailed as error:
        await end_run(session, run, RunStatus.FAILED, error.code, str(error.params.get("reason", "")))
        return
    if not definition.outputs:
        # Without declared outputs, the run's output is what its last nodes produced.
        leaves = [node_id for node_id, edges in definition.graph.outgoing.items() if not edges]
        output = {
            node_id: variables["nodes"][node_id]["output"]
            for node_id in leaves
            if node_id in variables["nodes"]
        }
    run.output = output
    await end_run(session, run, RunStatus.SUCCEEDED)


async def end_run(
    session: AsyncSession,
    run: WorkflowRun,
    status: RunStatus,
    code: str | None = None,
    message: str | None = None,
) -> None:
    """Finish the run: what is still waiting is cancelled (running nodes finish, their
    results are kept but move nothing); a parent sub-workflow node hears of it."""
    run.status, run.finished_at, run.error_code, run.error_message = status, utcnow(), code, message
    await session.execute(
        update(NodeRun)
        .where(
            NodeRun.run_id == run.id,
            NodeRun.status.in_([NodeStatus.PENDING, NodeStatus.QUEUED, NodeStatus.WAITING]),
        )
        .values(status=NodeStatus.CANCELLED, finished_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    emit_event(session, run, "workflow.run_finished", error_code=code)
    await _cancel_children(session, run)
    if run.parent_node_run_id is not None:
        await _child_finished(session, run)


# Map


async def _fan_out(
    session: AsyncSession, run: WorkflowRun, node: NodeRun, definition: Definition, fan: FanOut
) -> None:
    if not fan.items:
        await _succeed(session, run, node, definition, Done({"items": []}))
        return
    node.status, node.output = NodeStatus.WAITING, {"count": len(fan.items)}
    body_type = definition.graph.nodes[node.node_id].config["body"]["type"]
    for index, item in enumerate(fan.items):
        _queue(
            session,
            run,
            node.node_id,
            body_type,
            item_index=index,
            inputs=item,
            pending=index >= fan.concurrency,
        )


async def _map_parent(session: AsyncSession, run: WorkflowRun, node_id: str) -> NodeRun | None:
    return await session.scalar(
        select(NodeRun)
        .where(NodeRun.run_id == run.id, NodeRun.node_id == node_id, NodeRun.item_index == -1)
        .with_for_update()
    )


async def _item_done(session: AsyncSession, run: WorkflowRun, item: NodeRun, definition: Definition) -> None:
    items = (
        await session.scalars(
            select(NodeRun)
            .where(NodeRun.run_id == run.id, NodeRun.node_id == item.node_id, NodeRun.item_index >= 0)
            .order_by(NodeRun.item_index)
        )
    ).all()
    waiting = [other for other in items if other.status is NodeStatus.PENDING]
    if waiting:
        following = waiting[0]
        following.status, following.due_at = NodeStatus.QUEUED, utcnow()
        dispatch_of(session).now.append((run.tenant_id, following.id))
        return
    if any(other.status is not NodeStatus.SUCCEEDED for other in items):
        return
    parent = await _map_parent(session, run, item.node_id)
    if parent is not None and parent.status is NodeStatus.WAITING:
        parent.status, parent.port, parent.finished_at = NodeStatus.SUCCEEDED, "out", utcnow()
        parent.output = {"items": [other.output for other in items]}
        await advance(session, run, definition, [parent.node_id])


# Sub-workflows


async def _start_child(session: AsyncSession, run: WorkflowRun, node: NodeRun, child: StartChild) -> None:
    from athanor.workflows import service

    workflow = await service.workflow_by_slug(session, child.workflow)
    version = await service.published_version(session, workflow)
    node.status = NodeStatus.WAITING
    started = await start_run(
        session,
        workflow=workflow,
        version=version,
        inputs=child.inputs,
        user_id=run.user_id,
        trigger=Trigger.WORKFLOW,
        api_key_id=run.api_key_id,
        parent_node_run_id=node.id,
    )
    node.output = {"run_id": str(started.id)}


async def _child_finished(session: AsyncSession, child: WorkflowRun) -> None:
    assert child.parent_node_run_id is not None
    parent_node = await session.get(
        NodeRun, child.parent_node_run_id, with_for_update=True, populate_existing=True
    )
    if parent_node is None or parent_node.status is not NodeStatus.WAITING:
        return
    parent_run = await locked_run(session, parent_node.run_id)
    outcome: Outcome = (
        Done(
            {"run_id": str(child.id), **(child.output or {})},
            usage=Usage(child.prompt_tokens, child.completion_tokens, child.charged_tokens, child.cost_nanos),
        )
        if child.status is RunStatus.SUCCEEDED
        else Failed(
            child.error_code or "workflow.child_failed", f"sub-workflow run {child.id} {child.status.value}"
        )
    )
    await settle(session, parent_run, parent_node, outcome)


async def _cancel_children(session: AsyncSession, run: WorkflowRun) -> None:
    waiting = select(NodeRun.id).where(NodeRun.run_id == run.id, NodeRun.node_type == "subworkflow")
    children = (
        await session.scalars(
            select(WorkflowRun).where(
                WorkflowRun.parent_node_run_id.in_(waiting),
                WorkflowRun.status.in_([RunStatus.RUNNING, RunStatus.PAUSED]),
            )
        )
    ).all()
    for child in children:
        await end_run(session, child, RunStatus.CANCELLED, "workflow.parent_ended")


# Quality gates


async def _send_back(
    session: AsyncSession, run: WorkflowRun, gate: NodeRun, definition: Definition, back: SendBack
) -> None:
    """Run the gate's target again with the feedback, then everything between it and the gate."""
    _evaluation(session, run, gate, back.output)
    _add_usage(run, gate, back.usage)
    graph = definition.graph
    between = (graph.descendants(back.target) & graph.ancestors(gate.node_id)) | {gate.node_id}
    await session.execute(
        delete(NodeRun)
        .where(NodeRun.run_id == run.id, NodeRun.node_id.in_(between))
        .execution_options(synchronize_session=False)
    )
    target = await session.scalar(
        select(NodeRun).where(
            NodeRun.run_id == run.id, NodeRun.node_id == back.target, NodeRun.item_index == -1
        )
    )
    if target is None:
        return
    target.status, target.output, target.port, target.due_at = NodeStatus.QUEUED, None, None, utcnow()
    target.feedback = back.feedback[:4000]
    dispatch_of(session).now.append((run.tenant_id, target.id))
