"""The built-in offline `mock` provider: deterministic answers derived from the request,
token counts from a simple tokenizer, and controls that make it slow or fail on purpose.

Endpoint options, each overridable for one request by a directive in the last user message:

| option | directive | effect |
|---|---|---|
| `latency_ms` | `[mock:slow=200]` | wait before answering |
| `chunk_delay_ms` | `[mock:chunk_delay=50]` | wait between streamed chunks |
| `fail_with` | `[mock:fail=unavailable]` | fail with this FailureKind (the directive fails that request) |
| `fail_rate` | - | share of calls that fail, spread evenly by call count; 1.0 when only `fail_with` is set |
| `dimensions` | - | embedding size when the request names none (default 8) |

A latency beyond `Endpoint.timeout_seconds` waits out the timeout and fails with TIMEOUT,
as a slow upstream would; a simulated failure comes after the latency.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from athanor.providers.translation import json_text, tool_choice_target
from athanor.providers.types import (
    ChatDelta,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    Endpoint,
    FailureKind,
    FinishReason,
    Message,
    ProviderError,
    ToolCall,
    ToolCallDelta,
    Usage,
)

TOKEN = re.compile(r"\w+|[^\w\s]")
DIRECTIVE = re.compile(r"\[mock:(\w+)=([^\]]*)\]")
# Stream pieces: a word with the spaces after it, so the pieces join to the whole text.
PIECE = re.compile(r"\S+\s*|\s+")
PREVIEW_WORDS = 8
DEFAULT_DIMENSIONS = 8
_STATUS = {
    FailureKind.RATE_LIMITED: 429,
    FailureKind.UNAVAILABLE: 503,
    FailureKind.AUTHENTICATION: 401,
    FailureKind.BAD_REQUEST: 400,
}


def tokenize(text: str) -> list[str]:
    """Words and single punctuation marks: crude, but deterministic and cheap."""
    return TOKEN.findall(text)


def count_tokens(text: str) -> int:
    return len(tokenize(text))


def prompt_tokens(messages: Sequence[Message]) -> int:
    return sum(
        count_tokens(message.content or "")
        + sum(count_tokens(call.name) + count_tokens(call.arguments) for call in message.tool_calls)
        for message in messages
    )


@dataclass(frozen=True, slots=True)
class _Behaviour:
    latency: float  # seconds
    chunk_delay: float  # seconds
    failure: FailureKind | None


@dataclass(frozen=True, slots=True)
class _Reply:
    behaviour: _Behaviour
    response: ChatResponse


class MockAdapter:
    def __init__(self, endpoint: Endpoint) -> None:
        options = endpoint.options
        self._timeout = endpoint.timeout_seconds
        self._latency_ms = float(options.get("latency_ms", 0))
        self._chunk_delay_ms = float(options.get("chunk_delay_ms", 0))
        self._fail_with = FailureKind(options.get("fail_with", FailureKind.UNAVAILABLE))
        self._fail_rate = float(options.get("fail_rate", 1.0 if "fail_with" in options else 0.0))
        self._dimensions = int(options.get("dimensions", DEFAULT_DIMENSIONS))
        self._calls = 0

    async def complete(self, request: ChatRequest) -> ChatResponse:
        reply = self._reply(request)
        await self._arrive(reply.behaviour)
        return reply.response

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        reply = self._reply(request)
        await self._arrive(reply.behaviour)
        response = reply.response
        for index, call in enumerate(response.tool_calls):
            yield ChatDelta(tool_calls=(ToolCallDelta(index, call.id, call.name),))
            yield ChatDelta(tool_calls=(ToolCallDelta(index, arguments=call.arguments),))
        for position, piece in enumerate(PIECE.findall(response.content or "")):
            if position and reply.behaviour.chunk_delay:
                await asyncio.sleep(reply.behaviour.chunk_delay)
            yield ChatDelta(content=piece)
        yield ChatDelta(finish_reason=response.finish_reason, usage=response.usage)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        await self._arrive(self._behaviour(request.inputs[-1] if request.inputs else ""))
        dimensions = request.dimensions or self._dimensions
        return EmbeddingResponse(
            vectors=tuple(_unit_vector(f"{request.model}\0{text}", dimensions) for text in request.inputs),
            usage=Usage(prompt_tokens=sum(count_tokens(text) for text in request.inputs)),
        )

    async def close(self) -> None:
        """Nothing to release: the mock holds no connections."""

    def _behaviour(self, text: str) -> _Behaviour:
        """Options overridden by the directives in `text`; every call counts for fail_rate."""
        self._calls += 1
        directives = dict(DIRECTIVE.findall(text))
        try:
            latency = float(directives.get("slow", self._latency_ms)) / 1000
            chunk_delay = float(directives.get("chunk_delay", self._chunk_delay_ms)) / 1000
            failure = FailureKind(directives["fail"]) if "fail" in directives else None
        except ValueError as error:
            raise ProviderError(FailureKind.BAD_REQUEST, f"invalid mock directive: {error}") from error
        if failure is None and math.floor(self._calls * self._fail_rate) > math.floor(
            (self._calls - 1) * self._fail_rate
        ):
            failure = self._fail_with
        return _Behaviour(latency, chunk_delay, failure)

    async def _arrive(self, behaviour: _Behaviour) -> None:
        if behaviour.latency > self._timeout:
            await asyncio.sleep(self._timeout)
            raise ProviderError(FailureKind.TIMEOUT, "mock provider timed out (latency beyond the timeout)")
        if behaviour.latency > 0:
            await asyncio.sleep(behaviour.latency)
        if behaviour.failure is not None:
            kind = behaviour.failure
            raise ProviderError(
                kind,
                f"mock provider simulated a failure: {kind}",
                status=_STATUS.get(kind),
                retry_after=1.0 if kind is FailureKind.RATE_LIMITED else None,
            )

    def _reply(self, request: ChatRequest) -> _Reply:
        question = next((m.content or "" for m in reversed(request.messages) if m.role == "user"), "")
        behaviour = self._behaviour(question)
        question = " ".join(DIRECTIVE.sub(" ", question).split())
        usage = Usage(prompt_tokens=prompt_tokens(request.messages))
        call = _forced_call(request, question)
        if call is not None:
            completion = count_tokens(call.name) + count_tokens(call.arguments)
            response = ChatResponse(
                None, Usage(usage.prompt_tokens, completion), FinishReason.TOOL_CALLS, (call,), request.model
            )
            return _Reply(behaviour, response)
        text = _answer_text(request, question)
        tokens = list(TOKEN.finditer(text))
        finish = FinishReason.STOP
        if request.max_tokens is not None and len(tokens) > request.max_tokens:
            text = text[: tokens[request.max_tokens - 1].end()] if request.max_tokens > 0 else ""
            finish = FinishReason.LENGTH
        response = ChatResponse(
            text, Usage(usage.prompt_tokens, count_tokens(text)), finish, model=request.model
        )
        return _Reply(behaviour, response)


def _answer_text(request: ChatRequest, question: str) -> str:
    words = question.split()
    preview = " ".join(words[:PREVIEW_WORDS]) or "(nothing)"
    ellipsis = "…" if len(words) > PREVIEW_WORDS else ""
    sentence = f"Mock answer to: {preview}{ellipsis} [ref {_digest(question)[:8]}]"
    if isinstance(request.response_format, dict):
        return json_text(example_value(request.response_format))
    if request.response_format == "json_object":
        return json_text({"answer": sentence})
    return sentence


def _forced_call(request: ChatRequest, question: str) -> ToolCall | None:
    """The tool call a model would be made to produce by tool_choice "required" or a name."""
    mode, name = tool_choice_target(request.tool_choice)
    if not request.tools or mode != "required":
        return None
    tool = next((tool for tool in request.tools if tool.name == name), None) if name else request.tools[0]
    if tool is None:
        raise ProviderError(FailureKind.BAD_REQUEST, f"tool_choice names an unknown tool: {name!r}")
    call_id = "call_" + _digest(f"{tool.name}:{question}")[:24]
    return ToolCall(call_id, tool.name, json_text(example_value(tool.parameters or {"type": "object"})))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _unit_vector(text: str, dimensions: int) -> tuple[float, ...]:
    raw = hashlib.shake_256(text.encode()).digest(4 * dimensions)
    values = [int.from_bytes(raw[i : i + 4], "big") / 2**31 - 1.0 for i in range(0, len(raw), 4)]
    norm = math.sqrt(sum(value * value for value in values)) or 1.0
    return tuple(value / norm for value in values)


def example_value(schema: Any, root: Any = None, label: str = "value") -> Any:
    """A minimal instance of a JSON Schema: required properties only, typed placeholders,
    honouring const, enum, default, bounds, minItems and local $refs."""
    root = schema if root is None else root
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return example_value(_resolve(root, schema["$ref"]), root, label)
    for keyword in ("const", "default"):
        if keyword in schema:
            return schema[keyword]
    if schema.get("enum"):
        return schema["enum"][0]
    for keyword in ("anyOf", "oneOf"):
        if schema.get(keyword):
            return example_value(schema[keyword][0], root, label)
    if schema.get("allOf"):
        merged: dict[str, Any] = {"properties": {}, "required": []}
        for part in [schema, *schema["allOf"]]:
            part = _resolve(root, part["$ref"]) if "$ref" in part else part
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
            merged["type"] = merged.get("type") or part.get("type")
        return example_value({key: value for key, value in merged.items() if value is not None}, root, label)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((name for name in kind if name != "null"), "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: example_value(properties.get(name, {}), root, name) for name in schema.get("required", [])
        }
    if kind == "array":
        return [example_value(schema.get("items", {}), root, label) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return _bounded_number(schema, integer=kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    text = f"mock {label}"
    text = text.ljust(schema.get("minLength", 0), "x")
    return text[: schema["maxLength"]] if "maxLength" in schema else text


def _bounded_number(schema: dict[str, Any], *, integer: bool) -> int | float:
    value: float = 0
    if "minimum" in schema:
        value = max(value, schema["minimum"])
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        value = schema["exclusiveMinimum"] + 1
    if "maximum" in schema:
        value = min(value, schema["maximum"])
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        value = schema["exclusiveMaximum"] - 1
    return math.ceil(value) if integer else value


def _resolve(root: Any, reference: str) -> Any:
    """A local reference such as `#/$defs/Address`; anything else resolves to no schema."""
    if not reference.startswith("#"):
        return {}
    path = reference[1:].strip("/")
    node = root
    for key in path.split("/") if path else ():
        node = node.get(key.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
    return node
