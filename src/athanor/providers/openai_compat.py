"""OpenAI chat completions and embeddings, also spoken by Azure OpenAI, vLLM, Ollama,
LM Studio, OpenRouter and Groq.

Endpoint options: `azure` (true for Azure's deployment-in-path URLs and `api-key` header)
with `api_version`; `headers` (extra headers); `max_tokens_field` ("max_completion_tokens"
for OpenAI reasoning models, which reject `max_tokens`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from functools import partial
from typing import Any
from urllib.parse import quote

from athanor.providers.http import create_client, error_from_payload, open_stream, parse_body, post_json
from athanor.providers.translation import (
    StreamTally,
    embedding_response,
    finish_with_calls,
    tool_choice_target,
)
from athanor.providers.types import (
    ChatDelta,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    Endpoint,
    FinishReason,
    Message,
    Tool,
    ToolCall,
    ToolCallDelta,
    Usage,
)

AZURE_API_VERSION = "2024-10-21"
FINISH_REASONS = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_CALLS,
    "function_call": FinishReason.TOOL_CALLS,
    "content_filter": FinishReason.CONTENT_FILTER,
}
# OpenAI's rule for json_schema names.
_SCHEMA_NAME_FORBIDDEN = re.compile(r"[^a-zA-Z0-9_-]")


class OpenAICompatAdapter:
    def __init__(self, endpoint: Endpoint) -> None:
        options = endpoint.options
        self._azure = bool(options.get("azure"))
        self._base = endpoint.base_url.rstrip("/")
        self._params = (
            {"api-version": str(options.get("api_version", AZURE_API_VERSION))} if self._azure else None
        )
        self._max_tokens_field = str(options.get("max_tokens_field", "max_tokens"))
        headers: dict[str, str] = {}
        if endpoint.api_key:
            headers = (
                {"api-key": endpoint.api_key}
                if self._azure
                else {"authorization": f"Bearer {endpoint.api_key}"}
            )
        self._client = create_client(endpoint, headers)

    def _url(self, operation: str, model: str) -> str:
        if self._azure:
            return f"{self._base}/openai/deployments/{quote(model, safe='')}/{operation}"
        return f"{self._base}/{operation}"

    async def complete(self, request: ChatRequest) -> ChatResponse:
        url = self._url("chat/completions", request.model)
        return await post_json(
            self._client, url, self._chat_body(request), _read_completion, params=self._params
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        url = self._url("chat/completions", request.model)
        body = {**self._chat_body(request), "stream": True, "stream_options": {"include_usage": True}}
        reader = _StreamReader()
        async with open_stream(self._client, url, body, params=self._params) as events:
            async for event in events:
                for delta in parse_body(event.data, reader.read):
                    yield delta
        yield reader.final()

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        body: dict[str, Any] = {
            "model": request.model,
            "input": list(request.inputs),
            "encoding_format": "float",
        }
        if request.dimensions:
            body["dimensions"] = request.dimensions
        url = self._url("embeddings", request.model)
        reader = partial(_read_embeddings, expected=len(request.inputs))
        return await post_json(self._client, url, body, reader, params=self._params)

    async def close(self) -> None:
        await self._client.aclose()

    def _chat_body(self, request: ChatRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [_wire_message(m) for m in request.messages],
        }
        optional = {
            self._max_tokens_field: request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
            "user": request.user,
        }
        body.update({name: value for name, value in optional.items() if value is not None})
        if request.stop:
            body["stop"] = list(request.stop)
        if request.tools:
            body["tools"] = [_wire_tool(tool) for tool in request.tools]
            if request.tool_choice is not None:
                mode, name = tool_choice_target(request.tool_choice)
                body["tool_choice"] = {"type": "function", "function": {"name": name}} if name else mode
        if request.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        elif isinstance(request.response_format, dict):
            schema = request.response_format
            name = _SCHEMA_NAME_FORBIDDEN.sub("_", str(schema.get("title", "response")))[:64] or "response"
            body["response_format"] = {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
        return body


def _wire_message(message: Message) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        wire["tool_calls"] = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for call in message.tool_calls
        ]
    if message.role == "tool":
        wire["tool_call_id"] = message.tool_call_id
    elif message.name:
        wire["name"] = message.name
    return wire


def _wire_tool(tool: Tool) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name}
    if tool.description:
        function["description"] = tool.description
    if tool.parameters:
        function["parameters"] = tool.parameters
    return {"type": "function", "function": function}


def _usage(usage: dict[str, Any] | None) -> Usage:
    if not usage:
        return Usage()
    details = usage.get("prompt_tokens_details") or {}
    return Usage(
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        cached_tokens=int(details.get("cached_tokens") or 0),
    )


def _read_completion(body: dict[str, Any]) -> ChatResponse:
    if body.get("error"):
        raise error_from_payload(body)
    choice = body["choices"][0]
    message = choice["message"]
    calls = tuple(
        ToolCall(call["id"], call["function"]["name"], call["function"].get("arguments") or "")
        for call in message.get("tool_calls") or ()
    )
    reason = FINISH_REASONS.get(choice.get("finish_reason"), FinishReason.STOP)
    return ChatResponse(
        content=message.get("content"),
        usage=_usage(body.get("usage")),
        finish_reason=finish_with_calls(reason, bool(calls)),
        tool_calls=calls,
        model=body.get("model"),
    )


class _StreamReader(StreamTally):
    """Chunks to deltas. The finish reason and the usage (a last chunk without choices)
    arrive separately; both are reported together in the final delta."""

    def read(self, chunk: dict[str, Any]) -> list[ChatDelta]:
        if chunk.get("error"):
            raise error_from_payload(chunk)
        if chunk.get("usage"):
            self.usage = _usage(chunk["usage"])
        deltas: list[ChatDelta] = []
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            calls = tuple(
                _tool_call_delta(call, position)
                for position, call in enumerate(delta.get("tool_calls") or ())
            )
            self.tool_calls = max([self.tool_calls, *(call.index + 1 for call in calls)])
            if delta.get("content") or calls:
                deltas.append(ChatDelta(content=delta.get("content") or "", tool_calls=calls))
            if choice.get("finish_reason"):
                self.finish_reason = FINISH_REASONS.get(choice["finish_reason"], FinishReason.STOP)
        return deltas


def _tool_call_delta(call: dict[str, Any], position: int) -> ToolCallDelta:
    function = call.get("function") or {}
    return ToolCallDelta(
        index=int(call.get("index", position)),
        id=call.get("id"),
        name=function.get("name"),
        arguments=function.get("arguments") or "",
    )


def _read_embeddings(body: dict[str, Any], *, expected: int) -> EmbeddingResponse:
    rows = sorted(body["data"], key=lambda row: int(row["index"]))
    usage = Usage(prompt_tokens=int((body.get("usage") or {}).get("prompt_tokens") or 0))
    return embedding_response((row["embedding"] for row in rows), expected, usage)
