"""Google Gemini (Generative Language API, v1beta): generateContent, its SSE stream, and
batchEmbedContents.

Gemini names no tool calls, so ids are made up here, and a function result is matched to
its call by name: the name of a tool result is looked up from the call it answers.
Embedding answers carry no token counts, so their usage is zero.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import Any
from urllib.parse import quote

import orjson

from athanor.providers.http import create_client, error_from_payload, open_stream, parse_body, post_json
from athanor.providers.translation import (
    StreamTally,
    arguments_object,
    embedding_response,
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

FINISH_REASONS = {
    "STOP": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "SAFETY": FinishReason.CONTENT_FILTER,
    "RECITATION": FinishReason.CONTENT_FILTER,
    "BLOCKLIST": FinishReason.CONTENT_FILTER,
    "PROHIBITED_CONTENT": FinishReason.CONTENT_FILTER,
    "SPII": FinishReason.CONTENT_FILTER,
    "IMAGE_SAFETY": FinishReason.CONTENT_FILTER,
}
_MODES = {"auto": "AUTO", "none": "NONE", "required": "ANY"}


class GeminiAdapter:
    def __init__(self, endpoint: Endpoint) -> None:
        self._base = f"{endpoint.base_url.rstrip('/')}/v1beta/models"
        self._client = create_client(
            endpoint, {"x-goog-api-key": endpoint.api_key} if endpoint.api_key else {}
        )

    def _url(self, model: str, method: str) -> str:
        return f"{self._base}/{quote(model.removeprefix('models/'), safe='')}:{method}"

    async def complete(self, request: ChatRequest) -> ChatResponse:
        return await post_json(
            self._client, self._url(request.model, "generateContent"), _body(request), _read_response
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        reader = _StreamReader()
        url = self._url(request.model, "streamGenerateContent")
        async with open_stream(self._client, url, _body(request), params={"alt": "sse"}) as events:
            async for event in events:
                for delta in parse_body(event.data, reader.read):
                    yield delta
        yield reader.final()

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        model = f"models/{request.model.removeprefix('models/')}"
        requests: list[dict[str, Any]] = [
            {"model": model, "content": {"parts": [{"text": text}]}} for text in request.inputs
        ]
        if request.dimensions:
            for item in requests:
                item["outputDimensionality"] = request.dimensions
        reader = partial(_read_embeddings, expected=len(request.inputs))
        return await post_json(
            self._client, self._url(request.model, "batchEmbedContents"), {"requests": requests}, reader
        )

    async def close(self) -> None:
        await self._client.aclose()


def _body(request: ChatRequest) -> dict[str, Any]:
    system, messages = split_system(request.messages)
    body: dict[str, Any] = {"contents": merge_turns(_turns(messages), "parts")}
    if system:
        body["systemInstruction"] = {"parts": [{"text": system}]}
    config: dict[str, Any] = {
        "maxOutputTokens": request.max_tokens,
        "temperature": request.temperature,
        "topP": request.top_p,
        "stopSequences": list(request.stop) or None,
    }
    if request.response_format != "text":
        config["responseMimeType"] = "application/json"
    if isinstance(request.response_format, dict):
        config["responseSchema"] = request.response_format
    config = {name: value for name, value in config.items() if value is not None}
    if config:
        body["generationConfig"] = config
    if request.tools:
        body["tools"] = [{"functionDeclarations": [_declaration(tool) for tool in request.tools]}]
        if request.tool_choice is not None:
            mode, name = tool_choice_target(request.tool_choice)
            calling: dict[str, Any] = {"mode": _MODES[mode]}
            if name:
                calling["allowedFunctionNames"] = [name]
            body["toolConfig"] = {"functionCallingConfig": calling}
    return body


def _turns(messages: Sequence[Message]) -> list[tuple[str, list[dict[str, Any]]]]:
    names: dict[str, str] = {}  # tool call id -> function name, for the results
    turns: list[tuple[str, list[dict[str, Any]]]] = []
    for message in messages:
        if message.role == "tool":
            name = names.get(message.tool_call_id or "") or message.name
            if not name:
                raise ProviderError(
                    FailureKind.BAD_REQUEST, f"tool result {message.tool_call_id!r} answers no known call"
                )
            turns.append(
                ("user", [{"functionResponse": {"name": name, "response": _result_object(message.content)}}])
            )
            continue
        parts: list[dict[str, Any]] = [{"text": message.content}] if message.content else []
        for call in message.tool_calls:
            names[call.id] = call.name
            parts.append({"functionCall": {"name": call.name, "args": arguments_object(call)}})
        turns.append(("model" if message.role == "assistant" else "user", parts))
    return turns


def _result_object(content: str | None) -> dict[str, Any]:
    """functionResponse.response must be an object: JSON objects pass, anything else is wrapped."""
    try:
        value: Any = orjson.loads(content or "null")
    except orjson.JSONDecodeError:
        value = content
    return value if isinstance(value, dict) else {"result": value}


def _declaration(tool: Tool) -> dict[str, Any]:
    declaration: dict[str, Any] = {"name": tool.name}
    if tool.description:
        declaration["description"] = tool.description
    if tool.parameters:
        declaration["parameters"] = tool.parameters
    return declaration


def _usage(metadata: dict[str, Any] | None) -> Usage:
    metadata = metadata or {}
    return Usage(
        prompt_tokens=int(metadata.get("promptTokenCount") or 0),
        # Thinking tokens are billed as output.
        completion_tokens=int(metadata.get("candidatesTokenCount") or 0)
        + int(metadata.get("thoughtsTokenCount") or 0),
        cached_tokens=int(metadata.get("cachedContentTokenCount") or 0),
    )


def _blocked(body: dict[str, Any]) -> bool:
    """The prompt itself was refused: no candidates, a block reason instead."""
    return not body.get("candidates") and bool((body.get("promptFeedback") or {}).get("blockReason"))


def _candidate_parts(candidate: dict[str, Any]) -> tuple[str | None, list[ToolCall]]:
    parts = (candidate.get("content") or {}).get("parts") or []
    texts = [part["text"] for part in parts if "text" in part and not part.get("thought")]
    calls = [
        ToolCall(
            part["functionCall"].get("id") or f"call_{uuid.uuid4().hex[:24]}",
            part["functionCall"]["name"],
            json_text(part["functionCall"].get("args") or {}),
        )
        for part in parts
        if "functionCall" in part
    ]
    return ("".join(texts) if texts else None), calls


def _read_response(body: dict[str, Any]) -> ChatResponse:
    if body.get("error"):
        raise error_from_payload(body)
    usage, model = _usage(body.get("usageMetadata")), body.get("modelVersion")
    if _blocked(body):
        return ChatResponse(None, usage, FinishReason.CONTENT_FILTER, model=model)
    candidate = body["candidates"][0]
    text, calls = _candidate_parts(candidate)
    reason = FINISH_REASONS.get(candidate.get("finishReason", "STOP"), FinishReason.STOP)
    return ChatResponse(text, usage, finish_with_calls(reason, bool(calls)), tuple(calls), model)


class _StreamReader(StreamTally):
    """Each chunk is a partial GenerateContentResponse; usage metadata is cumulative, so
    the last one seen is the total."""

    def read(self, chunk: dict[str, Any]) -> list[ChatDelta]:
        if chunk.get("error"):
            raise error_from_payload(chunk)
        if chunk.get("usageMetadata"):
            self.usage = _usage(chunk["usageMetadata"])
        if _blocked(chunk):
            self.finish_reason = FinishReason.CONTENT_FILTER
            return []
        deltas: list[ChatDelta] = []
        for candidate in (chunk.get("candidates") or [])[:1]:
            text, calls = _candidate_parts(candidate)
            if text:
                deltas.append(ChatDelta(content=text))
            for call in calls:
                deltas.append(
                    ChatDelta(
                        tool_calls=(ToolCallDelta(self.tool_calls, call.id, call.name, call.arguments),)
                    )
                )
                self.tool_calls += 1
            if candidate.get("finishReason"):
                self.finish_reason = FINISH_REASONS.get(candidate["finishReason"], FinishReason.STOP)
        return deltas


def _read_embeddings(body: dict[str, Any], *, expected: int) -> EmbeddingResponse:
    return embedding_response((item["values"] for item in body["embeddings"]), expected, Usage())
