"""Answers in the OpenAI wire format, encoded once with orjson."""

from __future__ import annotations

import base64
import struct
import time
import uuid
from typing import Any

import orjson

from athanor.engines.models import Execution
from athanor.providers.types import ChatDelta, ChatResponse, EmbeddingResponse, ToolCall, Usage


def completion_id(execution_id: uuid.UUID) -> str:
    return f"chatcmpl-{execution_id.hex}"


def usage_body(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
    }


def _tool_calls(calls: tuple[ToolCall, ...]) -> list[dict[str, Any]]:
    return [
        {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
        for call in calls
    ]


def completion(execution_id: uuid.UUID, model: str, response: ChatResponse) -> bytes:
    message: dict[str, Any] = {"role": "assistant", "content": response.content}
    if response.tool_calls:
        message["tool_calls"] = _tool_calls(response.tool_calls)
    return orjson.dumps(
        {
            "id": completion_id(execution_id),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": response.finish_reason.value,
                    "logprobs": None,
                }
            ],
            "usage": usage_body(response.usage),
        }
    )


class ChunkWriter:
    """Server-sent events of `chat.completion.chunk` objects, as OpenAI streams them."""

    def __init__(self, execution_id: uuid.UUID, model: str, *, include_usage: bool) -> None:
        self._head = {
            "id": completion_id(execution_id),
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
        }
        self._include_usage = include_usage
        self._first = True

    def delta(self, delta: ChatDelta) -> bytes:
        body: dict[str, Any] = {}
        if self._first:
            body["role"] = "assistant"
            self._first = False
        if delta.content:
            body["content"] = delta.content
        if delta.tool_calls:
            body["tool_calls"] = [
                {
                    "index": call.index,
                    **({"id": call.id, "type": "function"} if call.id else {}),
                    "function": {
                        **({"name": call.name} if call.name else {}),
                        "arguments": call.arguments,
                    },
                }
                for call in delta.tool_calls
            ]
        finish = delta.finish_reason.value if delta.finish_reason else None
        if not body and finish is None:
            return b""
        return event({**self._head, "choices": [{"index": 0, "delta": body, "finish_reason": finish}]})

    def usage(self, usage: Usage | None) -> bytes:
        if not self._include_usage or usage is None:
            return b""
        return event({**self._head, "choices": [], "usage": usage_body(usage)})


def event(payload: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


DONE = b"data: [DONE]\n\n"


def replayed(execution: Execution, model: str) -> bytes:
    """The first answer to a repeated idempotency key, rebuilt from its record."""
    output = execution.output or {}
    content = (
        output.get("text") if isinstance(output, dict) and "text" in output else orjson.dumps(output).decode()
    )
    usage = Usage(execution.prompt_tokens, execution.completion_tokens, execution.cached_tokens)
    return completion(execution.id, model, ChatResponse(content=content, usage=usage))


def embeddings(model: str, response: EmbeddingResponse, *, base64_encoded: bool) -> bytes:
    def encode(vector: tuple[float, ...]) -> list[float] | str:
        if not base64_encoded:
            return list(vector)
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()

    return orjson.dumps(
        {
            "object": "list",
            "data": [
                {"object": "embedding", "index": index, "embedding": encode(vector)}
                for index, vector in enumerate(response.vectors)
            ],
            "model": model,
            "usage": {
                "prompt_tokens": response.usage.prompt_tokens,
                "total_tokens": response.usage.total_tokens,
            },
        }
    )
