"""Anthropic Messages API.

Anthropic has no JSON mode: JSON output is asked for in the system prompt (with the
schema when there is one), and no embeddings endpoint.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from athanor.providers.http import create_client, error_from_payload, open_stream, parse_body, post_json
from athanor.providers.translation import (
    StreamTally,
    arguments_object,
    finish_with_calls,
    json_text,
    merge_turns,
    split_system,
    tool_choice_target,
)
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
    Tool,
    ToolCall,
    ToolCallDelta,
    Usage,
)

API_VERSION = "2023-06-01"
# The API requires max_tokens; this applies when the request leaves it open.
DEFAULT_MAX_TOKENS = 1024
STOP_REASONS = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "pause_turn": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "model_context_window_exceeded": FinishReason.LENGTH,
    "tool_use": FinishReason.TOOL_CALLS,
    "refusal": FinishReason.CONTENT_FILTER,
}
JSON_INSTRUCTION = "Respond with a single JSON object and nothing else: no prose, no code fences."
_TOOL_CHOICES = {"auto": {"type": "auto"}, "none": {"type": "none"}, "required": {"type": "any"}}


class AnthropicAdapter:
    def __init__(self, endpoint: Endpoint) -> None:
        self._url = f"{endpoint.base_url.rstrip('/')}/v1/messages"
        headers = {"anthropic-version": API_VERSION}
        if endpoint.api_key:
            headers["x-api-key"] = endpoint.api_key
        self._client = create_client(endpoint, headers)

    async def complete(self, request: ChatRequest) -> ChatResponse:
        return await post_json(self._client, self._url, _body(request), _read_message)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        reader = _StreamReader()
        async with open_stream(self._client, self._url, {**_body(request), "stream": True}) as events:
            async for event in events:
                for delta in parse_body(event.data, reader.read):
                    yield delta
        yield reader.final()

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        raise ProviderError(FailureKind.BAD_REQUEST, "Anthropic offers no embeddings")

    async def close(self) -> None:
        await self._client.aclose()


def _body(request: ChatRequest) -> dict[str, Any]:
    system, messages = split_system(request.messages)
    system = "\n\n".join(part for part in (system, _json_instruction(request)) if part)
    body: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
        "messages": merge_turns((_turn(message) for message in messages), "content"),
    }
    if system:
        body["system"] = system
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.stop:
        body["stop_sequences"] = list(request.stop)
    if request.user:
        body["metadata"] = {"user_id": request.user}
    if request.tools:
        body["tools"] = [_wire_tool(tool) for tool in request.tools]
        if request.tool_choice is not None:
            mode, name = tool_choice_target(request.tool_choice)
            body["tool_choice"] = {"type": "tool", "name": name} if name else _TOOL_CHOICES[mode]
    return body


def _json_instruction(request: ChatRequest) -> str | None:
    if request.response_format == "json_object":
        return JSON_INSTRUCTION
    if isinstance(request.response_format, dict):
        return f"{JSON_INSTRUCTION} It must conform to this JSON Schema: {json_text(request.response_format)}"
    return None


def _turn(message: Message) -> tuple[str, list[dict[str, Any]]]:
    if message.role == "tool":
        result: dict[str, Any] = {"type": "tool_result", "tool_use_id": message.tool_call_id}
        if message.content:
            result["content"] = message.content
        return "user", [result]
    # Anthropic rejects empty text blocks.
    blocks: list[dict[str, Any]] = [{"type": "text", "text": message.content}] if message.content else []
    blocks += [
        {"type": "tool_use", "id": call.id, "name": call.name, "input": arguments_object(call)}
        for call in message.tool_calls
    ]
    return message.role, blocks


def _wire_tool(tool: Tool) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "name": tool.name,
        # input_schema is required and must describe an object.
        "input_schema": tool.parameters or {"type": "object", "properties": {}},
    }
    if tool.description:
        wire["description"] = tool.description
    return wire


def _usage(usage: dict[str, Any]) -> Usage:
    """Anthropic counts cache reads and writes apart from `input_tokens`; all are prompt."""
    cache_read = int(usage.get("cache_read_input_tokens") or 0)
    cache_write = int(usage.get("cache_creation_input_tokens") or 0)
    return Usage(
        prompt_tokens=int(usage.get("input_tokens") or 0) + cache_read + cache_write,
        completion_tokens=int(usage.get("output_tokens") or 0),
        cached_tokens=cache_read,
    )


def _stop_reason(reason: str | None) -> FinishReason:
    return STOP_REASONS.get(reason or "", FinishReason.STOP)


def _read_message(body: dict[str, Any]) -> ChatResponse:
    if body.get("type") == "error":
        raise error_from_payload(body)
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in body["content"]:
        if block["type"] == "text":
            texts.append(block["text"])
        elif block["type"] == "tool_use":
            calls.append(ToolCall(block["id"], block["name"], json_text(block["input"])))
    return ChatResponse(
        content="".join(texts) if texts else None,
        usage=_usage(body["usage"]),
        finish_reason=finish_with_calls(_stop_reason(body.get("stop_reason")), bool(calls)),
        tool_calls=tuple(calls),
        model=body.get("model"),
    )


@dataclass(slots=True)
class _ToolBlock:
    """A tool_use content block being streamed: its call's index among the tool calls."""

    call_index: int
    has_arguments: bool = False


class _StreamReader(StreamTally):
    """Stream events to deltas. Input usage comes with message_start, the stop reason and
    output usage with message_delta; tool calls are numbered apart from text blocks."""

    def __init__(self) -> None:
        super().__init__()
        self._usage_fields: dict[str, Any] = {}
        self._tool_blocks: dict[int, _ToolBlock] = {}

    def read(self, event: dict[str, Any]) -> list[ChatDelta]:
        kind = event["type"]
        if kind == "error":
            raise error_from_payload(event)
        if kind == "message_start":
            self._usage_fields = dict(event["message"]["usage"])
        elif kind == "content_block_start":
            return self._block_start(event["index"], event["content_block"])
        elif kind == "content_block_delta":
            return self._block_delta(event["index"], event["delta"])
        elif kind == "content_block_stop":
            block = self._tool_blocks.get(event["index"])
            if block and not block.has_arguments:
                # A call without arguments streams none; "{}" keeps them parseable.
                return [ChatDelta(tool_calls=(ToolCallDelta(block.call_index, arguments="{}"),))]
        elif kind == "message_delta":
            usage = event.get("usage") or {}
            self._usage_fields.update({name: value for name, value in usage.items() if value is not None})
            self.usage = _usage(self._usage_fields)
            self.finish_reason = _stop_reason(event["delta"].get("stop_reason"))
        return []

    def _block_start(self, index: int, block: dict[str, Any]) -> list[ChatDelta]:
        if block["type"] == "tool_use":
            self._tool_blocks[index] = _ToolBlock(self.tool_calls)
            self.tool_calls += 1
            return [ChatDelta(tool_calls=(ToolCallDelta(self.tool_calls - 1, block["id"], block["name"]),))]
        if block["type"] == "text" and block.get("text"):
            return [ChatDelta(content=block["text"])]
        return []

    def _block_delta(self, index: int, delta: dict[str, Any]) -> list[ChatDelta]:
        if delta["type"] == "text_delta":
            return [ChatDelta(content=delta["text"])]
        if delta["type"] == "input_json_delta" and delta["partial_json"]:
            block = self._tool_blocks[index]
            block.has_arguments = True
            return [ChatDelta(tool_calls=(ToolCallDelta(block.call_index, arguments=delta["partial_json"]),))]
        return []
