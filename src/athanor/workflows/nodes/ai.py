"""Nodes that call a model through the one AI call path (wallet, levels, routing, records):
an engine, or an ad-hoc prompt.

Each attempt's call carries the idempotency key `node:<node run>:<attempt>`. A node
retried after its worker died first looks for an earlier attempt's finished execution and
takes its answer, so a call that was paid for is never paid twice.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.errors import FieldProblem
from athanor.core.i18n import _
from athanor.engines import service as engines
from athanor.engines.exceptions import NotPublished
from athanor.engines.models import Execution, ExecutionSource, ExecutionStatus
from athanor.execution import flow
from athanor.providers.types import ChatRequest, Message
from athanor.workflows.nodes.base import (
    ANY,
    TEXT_OUTPUT,
    Done,
    Lookup,
    NodeContext,
    NodeKind,
    Outcome,
    Port,
    Usage,
)

KEY_PREFIX = "node:"


def attempt_key(node_run_id: uuid.UUID, attempt: int) -> str:
    return f"{KEY_PREFIX}{node_run_id}:{attempt}"


async def _earlier_answer(session: AsyncSession, node_run_id: uuid.UUID) -> Execution | None:
    return await session.scalar(
        select(Execution)
        .where(
            Execution.idempotency_key.startswith(f"{KEY_PREFIX}{node_run_id}:"),
            Execution.status == ExecutionStatus.SUCCEEDED,
        )
        .order_by(Execution.created_at.desc())
        .limit(1)
    )


def _done(execution: Execution) -> Done:
    return Done(
        execution.output,
        usage=Usage(
            prompt_tokens=execution.prompt_tokens,
            completion_tokens=execution.completion_tokens,
            charged_tokens=execution.charged_tokens,
            cost_nanos=execution.cost_nanos,
        ),
    )


def _with_feedback(request: ChatRequest, feedback: Any) -> ChatRequest:
    """A quality gate's reasons, given to the model on the retry."""
    if not feedback:
        return request
    note = Message(role="user", content=f"A reviewer rejected the previous answer: {feedback}\nAnswer again.")
    return replace(request, messages=(*request.messages, note))


async def _call(context: NodeContext, session: AsyncSession, spec: flow.CallSpec) -> Outcome:
    if (earlier := await _earlier_answer(session, context.node_run_id)) is not None:
        return _done(earlier)
    spec = replace(
        spec,
        request=_with_feedback(spec.request, context.variables.get("feedback")),
        source=ExecutionSource.WORKFLOW,
        idempotency_key=attempt_key(context.node_run_id, context.attempt),
        request_hash=flow.hash_body(spec.model_slug, spec.inputs, context.variables.get("feedback")),
    )
    if (done := await flow.replay(session, spec)) is not None:
        return _done(done)
    prepared = await flow.prepare(session, context.runtime, context.caller, spec)
    finished = await flow.complete(context.runtime, prepared)
    return _done(finished.execution)


async def _engine(context: NodeContext) -> Outcome:
    config = context.config
    inputs = config.get("inputs")
    if inputs is None:
        # No mapping: the upstream node's output is the engine's inputs (validation checks the schemas).
        inputs = next(iter(context.upstream.values()), {}) if len(context.upstream) == 1 else {}
    async with context.runtime.db.session(context.caller.scope) as session:
        engine = await engines.engine_by_slug(session, config["engine"])
        version = await engines.published_version(session, engine)
        if version is None:
            raise NotPublished()
        spec = flow.CallSpec(
            request=engines.chat_request(version, inputs),
            model_slug=version.model_slug,
            source=ExecutionSource.WORKFLOW,
            engine=engine,
            version=version,
            inputs=inputs,
        )
        return await _call(context, session, spec)


async def _llm(context: NodeContext) -> Outcome:
    config = context.config
    messages = [Message(role="user", content=str(config["prompt"]))]
    if config.get("system"):
        messages.insert(0, Message(role="system", content=str(config["system"])))
    request = ChatRequest(
        messages=tuple(messages),
        model="",
        max_tokens=config.get("max_tokens"),
        temperature=config.get("temperature"),
        response_format=config.get("output_schema") or "text",
    )
    async with context.runtime.db.session(context.caller.scope) as session:
        spec = flow.CallSpec(
            request=request, model_slug=config["model"], source=ExecutionSource.WORKFLOW, inputs={}
        )
        return await _call(context, session, spec)


async def _engine_check(config: dict[str, Any], field: str, lookup: Lookup) -> list[FieldProblem]:
    if await lookup.engine_schemas(config["engine"]) is None:
        return [
            FieldProblem(
                f"{field}.engine",
                "unknown_engine",
                _("No published engine is called {engine}."),
                {"engine": config["engine"]},
            )
        ]
    return []


async def _engine_ports(config: dict[str, Any], lookup: Lookup) -> tuple[dict[str, Any], dict[str, Any]]:
    schemas = await lookup.engine_schemas(config["engine"])
    if schemas is None:
        return ANY, ANY
    input_schema, output_schema = schemas
    # With an explicit mapping the node's inputs are built from variables, not the port.
    return (ANY if "inputs" in config else input_schema), (output_schema or TEXT_OUTPUT)


_SLUG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"}

ENGINE = NodeKind(
    type="engine",
    category="ai",
    icon="cpu",
    description=_("Runs a published engine; its input and output schemas are the ports' contract."),
    config_schema={
        "type": "object",
        "properties": {"engine": _SLUG, "inputs": {"type": "object", "maxProperties": 100}},
        "required": ["engine"],
        "additionalProperties": False,
    },
    outputs=(Port("out", TEXT_OUTPUT),),
    literals=frozenset({"engine"}),
    check=_engine_check,
    port_schemas=_engine_ports,
    run=_engine,
)
LLM = NodeKind(
    type="llm",
    category="ai",
    icon="message-square",
    description=_("Sends an ad-hoc prompt to a model."),
    config_schema={
        "type": "object",
        "properties": {
            "model": {"type": "string", "minLength": 1, "maxLength": 120},
            "system": {"type": "string", "maxLength": 100_000},
            "prompt": {"type": "string", "minLength": 1, "maxLength": 100_000},
            "temperature": {"type": "number", "minimum": 0, "maximum": 2},
            "max_tokens": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
            "output_schema": {"type": "object"},
        },
        "required": ["model", "prompt"],
        "additionalProperties": False,
    },
    outputs=(Port("out", TEXT_OUTPUT),),
    literals=frozenset({"model", "temperature", "max_tokens", "output_schema"}),
    run=_llm,
)
