"""Nodes that shape the run: map (for-each), sub-workflow and the quality gate."""

from __future__ import annotations

import re
from typing import Any

import orjson
from jsonschema import Draft202012Validator

from athanor.core.errors import FieldProblem
from athanor.core.i18n import _
from athanor.engines.models import ExecutionSource
from athanor.execution import flow
from athanor.providers.types import ChatRequest, Message
from athanor.workflows.nodes import ai
from athanor.workflows.nodes.base import (
    Done,
    Failed,
    FanOut,
    Lookup,
    NodeContext,
    NodeKind,
    Outcome,
    Port,
    SendBack,
    StartChild,
    Usage,
)

MAX_MAP_ITEMS = 1000
MAP_BODY_TYPES = ("engine", "llm", "template", "set", "http")
RULE_KINDS = ("regex", "min_length", "max_length", "json_schema", "contains", "not_contains")
JUDGE_SCHEMA = {
    "type": "object",
    "properties": {"score": {"type": "number", "minimum": 0, "maximum": 1}, "feedback": {"type": "string"}},
    "required": ["score", "feedback"],
}


async def _map(context: NodeContext) -> Outcome:
    items = context.config["items"]
    if not isinstance(items, list):
        return Failed("workflow.map_items_not_a_list", f"the items are a {type(items).__name__}, not a list")
    if len(items) > MAX_MAP_ITEMS:
        return Failed("workflow.map_too_many_items", f"{len(items)} items; at most {MAX_MAP_ITEMS}")
    return FanOut(items=items, concurrency=int(context.config.get("concurrency", 4)))


async def _subworkflow(context: NodeContext) -> Outcome:
    return StartChild(workflow=context.config["workflow"], inputs=dict(context.config.get("inputs") or {}))


async def _subworkflow_check(config: dict[str, Any], field: str, lookup: Lookup) -> list[FieldProblem]:
    if await lookup.workflow_exists(config["workflow"]):
        return []
    return [
        FieldProblem(
            f"{field}.workflow",
            "unknown_workflow",
            _("No published workflow is called {workflow}."),
            {"workflow": config["workflow"]},
        )
    ]


# Quality gate


def _text_of(output: Any) -> str:
    if isinstance(output, dict) and isinstance(output.get("text"), str):
        return str(output["text"])
    return output if isinstance(output, str) else orjson.dumps(output).decode()


def check_rule(rule: dict[str, Any], output: Any) -> str | None:
    """Why the output breaks the rule, or None when it keeps it."""
    text = _text_of(output)
    kind: str = rule["kind"]
    value: Any = rule.get("value")
    if kind == "regex" and not re.search(str(value), text):
        return f"does not match /{value}/"
    if kind == "min_length" and len(text) < int(value):
        return f"is {len(text)} characters, fewer than {value}"
    if kind == "max_length" and len(text) > int(value):
        return f"is {len(text)} characters, more than {value}"
    if kind == "contains" and str(value) not in text:
        return f"does not contain {value!r}"
    if kind == "not_contains" and str(value) in text:
        return f"contains {value!r}"
    if kind == "json_schema":
        document = output
        if not isinstance(output, dict | list):
            try:
                document = orjson.loads(text)
            except orjson.JSONDecodeError:
                return "is not JSON"
        errors = sorted(Draft202012Validator(value).iter_errors(document), key=str)
        if errors:
            return f"does not match the schema: {errors[0].message}"
    return None


async def _judge(context: NodeContext, output: Any) -> tuple[float, str, Usage]:
    judge = context.config["judge"]
    prompt = (
        f"Rubric:\n{judge['rubric']}\n\nAnswer to grade:\n{_text_of(output)}\n\n"
        'Reply with JSON {"score": 0..1, "feedback": "..."}.'
    )
    request = ChatRequest(
        messages=(Message(role="user", content=prompt),),
        model="",
        response_format=JUDGE_SCHEMA,
        temperature=0,
    )
    async with context.runtime.db.session(context.caller.scope) as session:
        spec = flow.CallSpec(request=request, model_slug=judge["model"], source=ExecutionSource.WORKFLOW)
        verdict = await ai._call(context, session, spec)
    assert isinstance(verdict, Done)
    score = verdict.output.get("score") if isinstance(verdict.output, dict) else None
    feedback = verdict.output.get("feedback") if isinstance(verdict.output, dict) else ""
    return (float(score) if isinstance(score, int | float) else 0.0), str(feedback or ""), verdict.usage


async def _quality_gate(context: NodeContext) -> Outcome:
    config = context.config
    target = config["target"]
    output = context.variables["nodes"].get(target, {}).get("output")
    broken = [
        f"The answer {reason}."
        for rule in config.get("rules", [])
        if (reason := check_rule(rule, output)) is not None
    ]
    rules = config.get("rules", [])
    score = 1.0 - len(broken) / len(rules) if rules else 1.0
    feedback = " ".join(broken)
    spent = Usage()
    if config.get("judge"):
        judged, judge_feedback, spent = await _judge(context, output)
        score = min(score, judged)
        if judged < float(config["judge"].get("threshold", 0.5)):
            feedback = " ".join(part for part in [feedback, judge_feedback] if part)
            broken.append(judge_feedback or "The judge's score is below the threshold.")
    verdict = {"score": round(score, 4), "passed": not broken, "feedback": feedback, "target": target}
    if not broken:
        return Done(verdict, port="pass", usage=spent)
    on_fail = config.get("on_fail", "fail")
    if on_fail == "retry" and context.variables.get("gate_attempts", 0) < int(config.get("max_retries", 2)):
        return SendBack(target=target, feedback=feedback, output=verdict, usage=spent)
    if on_fail == "branch" or on_fail == "retry":
        return Done(verdict, port="fail", usage=spent)
    return Failed("workflow.quality_gate_failed", feedback[:1000], usage=spent)


async def _gate_check(config: dict[str, Any], field: str, lookup: Lookup) -> list[FieldProblem]:
    del lookup
    problems = []
    for index, rule in enumerate(config.get("rules", [])):
        if rule["kind"] == "regex":
            try:
                re.compile(str(rule.get("value")))
            except re.error as error:
                problems.append(
                    FieldProblem(
                        f"{field}.rules.{index}.value",
                        "invalid_regex",
                        _("Not a valid regular expression: {reason}"),
                        {"reason": str(error)},
                    )
                )
    return problems


MAP = NodeKind(
    type="map",
    category="control",
    icon="repeat",
    description=_("Runs a body node once per item of a list, a few at a time; outputs the results in order."),
    config_schema={
        "type": "object",
        "properties": {
            "items": {"type": "string", "minLength": 1, "maxLength": 2000},
            "concurrency": {"type": "integer", "minimum": 1, "maximum": 50},
            "body": {
                "type": "object",
                "properties": {"type": {"enum": list(MAP_BODY_TYPES)}, "config": {"type": "object"}},
                "required": ["type", "config"],
                "additionalProperties": False,
            },
        },
        "required": ["items", "body"],
        "additionalProperties": False,
    },
    outputs=(
        Port("out", {"type": "object", "properties": {"items": {"type": "array"}}, "required": ["items"]}),
    ),
    expressions=frozenset({"items"}),
    literals=frozenset({"concurrency", "body"}),
    run=_map,
)
SUBWORKFLOW = NodeKind(
    type="subworkflow",
    category="control",
    icon="layers",
    description=_("Runs another published workflow and waits for its output."),
    config_schema={
        "type": "object",
        "properties": {
            "workflow": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
            "inputs": {"type": "object"},
        },
        "required": ["workflow"],
        "additionalProperties": False,
    },
    literals=frozenset({"workflow"}),
    check=_subworkflow_check,
    run=_subworkflow,
)
QUALITY_GATE = NodeKind(
    type="quality_gate",
    category="quality",
    icon="shield-check",
    description=_(
        "Checks a node's output by rules and an LLM judge; retries it with feedback, branches or fails."
    ),
    config_schema={
        "type": "object",
        "properties": {
            "target": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
            "rules": {
                "type": "array",
                "maxItems": 50,
                "items": {
                    "type": "object",
                    "properties": {"kind": {"enum": list(RULE_KINDS)}, "value": {}},
                    "required": ["kind"],
                    "additionalProperties": False,
                },
            },
            "judge": {
                "type": "object",
                "properties": {
                    "model": {"type": "string", "minLength": 1},
                    "rubric": {"type": "string", "minLength": 1, "maxLength": 20_000},
                    "threshold": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "required": ["model", "rubric"],
                "additionalProperties": False,
            },
            "on_fail": {"enum": ["retry", "branch", "fail"]},
            "max_retries": {"type": "integer", "minimum": 0, "maximum": 10},
        },
        "required": ["target"],
        "additionalProperties": False,
    },
    outputs=(Port("pass"), Port("fail")),
    literals=frozenset({"target", "rules", "judge", "on_fail", "max_retries"}),
    check=_gate_check,
    run=_quality_gate,
)
