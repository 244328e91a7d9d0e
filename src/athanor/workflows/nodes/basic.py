"""Nodes that compute from variables alone: template, set, condition, switch, parallel,
join; and the ones that wait: delay and human approval."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from athanor.core.i18n import _
from athanor.db.types import utcnow
from athanor.workflows.nodes.base import ANY, TEXT_OUTPUT, Done, NodeContext, NodeKind, Outcome, Port, Wait

# Delays longer than this are a mistake; a schedule trigger is the tool for "next month".
MAX_DELAY_SECONDS = 30 * 24 * 3600
APPROVAL_PORTS = ("approved", "rejected")


async def _template(context: NodeContext) -> Outcome:
    return Done({"text": str(context.config["template"])})


async def _set(context: NodeContext) -> Outcome:
    return Done(dict(context.config["values"]))


async def _condition(context: NodeContext) -> Outcome:
    return Done(
        {"value": bool(context.config["expression"])},
        port="true" if context.config["expression"] else "false",
    )


async def _switch(context: NodeContext) -> Outcome:
    value = context.config["value"]
    cases = [str(case) for case in context.config["cases"]]
    port = str(value) if str(value) in cases else "default"
    return Done({"value": value}, port=port)


async def _parallel(context: NodeContext) -> Outcome:
    # Fan-out is any node's outgoing edges; this one passes its input through, by name.
    return Done(_single_or_all(context.upstream))


async def _join(context: NodeContext) -> Outcome:
    return Done(dict(context.upstream))


def _single_or_all(upstream: dict[str, Any]) -> Any:
    return next(iter(upstream.values())) if len(upstream) == 1 else dict(upstream)


async def _delay(context: NodeContext) -> Outcome:
    """Waits once; when the engine wakes it after the delay, it is done."""
    if context.variables.get("woken"):
        return Done({"waited_seconds": context.config["seconds"]})
    return Wait(due_at=utcnow() + timedelta(seconds=float(context.config["seconds"])))


async def _approval(context: NodeContext) -> Outcome:
    """Waits for a person; `POST .../approvals/{node}` decides the port."""
    return Wait(
        output={"message": context.config.get("message", ""), "assignee": context.config.get("assignee")}
    )


_STRING = {"type": "string", "maxLength": 100_000}

TEMPLATE = NodeKind(
    type="template",
    category="data",
    icon="file-text",
    description=_("Renders a text template from the run's variables."),
    config_schema={
        "type": "object",
        "properties": {"template": _STRING},
        "required": ["template"],
        "additionalProperties": False,
    },
    outputs=(Port("out", TEXT_OUTPUT),),
    run=_template,
)
SET = NodeKind(
    type="set",
    category="data",
    icon="variable",
    description=_("Sets named values (templates or expressions) for later nodes."),
    config_schema={
        "type": "object",
        "properties": {"values": {"type": "object", "maxProperties": 100}},
        "required": ["values"],
        "additionalProperties": False,
    },
    run=_set,
)
CONDITION = NodeKind(
    type="condition",
    category="control",
    icon="git-branch",
    description=_("Takes the true or false branch by an expression."),
    config_schema={
        "type": "object",
        "properties": {"expression": {"type": "string", "minLength": 1, "maxLength": 2000}},
        "required": ["expression"],
        "additionalProperties": False,
    },
    outputs=(Port("true"), Port("false")),
    expressions=frozenset({"expression"}),
    run=_condition,
)
SWITCH = NodeKind(
    type="switch",
    category="control",
    icon="split",
    description=_("Takes the branch named by a value, or the default branch."),
    config_schema={
        "type": "object",
        "properties": {
            "value": {"type": "string", "minLength": 1, "maxLength": 2000},
            "cases": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 64},
                "minItems": 1,
            },
        },
        "required": ["value", "cases"],
        "additionalProperties": False,
    },
    # Besides these, one port per case.
    outputs=(Port("default"),),
    expressions=frozenset({"value"}),
    literals=frozenset({"cases"}),
    run=_switch,
)
PARALLEL = NodeKind(
    type="parallel",
    category="control",
    icon="columns",
    description=_("Starts its branches side by side; they run on any free worker."),
    config_schema={"type": "object", "additionalProperties": False},
    run=_parallel,
)
JOIN = NodeKind(
    type="join",
    category="control",
    icon="merge",
    description=_("Waits for every incoming branch and gathers their outputs by node."),
    config_schema={"type": "object", "additionalProperties": False},
    run=_join,
)
DELAY = NodeKind(
    type="delay",
    category="control",
    icon="clock",
    description=_("Waits a number of seconds, without holding a worker."),
    config_schema={
        "type": "object",
        "properties": {"seconds": {"type": "number", "minimum": 0, "maximum": MAX_DELAY_SECONDS}},
        "required": ["seconds"],
        "additionalProperties": False,
    },
    literals=frozenset({"seconds"}),
    outputs=(Port("out", ANY),),
    run=_delay,
)
APPROVAL = NodeKind(
    type="approval",
    category="human",
    icon="user-check",
    description=_("Waits for a person to approve or reject, for days if needed."),
    config_schema={
        "type": "object",
        "properties": {"message": _STRING, "assignee": {"type": "string", "maxLength": 320}},
        "additionalProperties": False,
    },
    outputs=tuple(Port(name) for name in APPROVAL_PORTS),
    run=_approval,
)
