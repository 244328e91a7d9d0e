"""Translation steps more than one adapter needs, written once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import orjson

from athanor.providers.types import (
    ChatDelta,
    EmbeddingResponse,
    FailureKind,
    FinishReason,
    Message,
    ProviderError,
    ToolCall,
    Usage,
)

ToolMode = Literal["auto", "none", "required"]


def split_system(messages: Sequence[Message]) -> tuple[str | None, list[Message]]:
    """System messages lifted out (joined in order) for protocols that take them apart."""
    system = [message.content for message in messages if message.role == "system" and message.content]
    rest = [message for message in messages if message.role != "system"]
    return ("\n\n".join(system) or None), rest


def tool_choice_target(choice: str | None) -> tuple[ToolMode, str | None]:
    """`tool_choice` as a mode plus, when one tool is forced, its name."""
    if choice in (None, "auto"):
        return "auto", None
    if choice == "none":
        return "none", None
    if choice == "required":
        return "required", None
    return "required", choice


def arguments_object(call: ToolCall) -> dict[str, Any]:
    """A call's JSON arguments as the object that protocols without a text form require."""
    try:
        arguments = orjson.loads(call.arguments or "{}")
    except orjson.JSONDecodeError:
        arguments = None
    if not isinstance(arguments, dict):
        raise ProviderError(
            FailureKind.BAD_REQUEST, f"arguments of tool call {call.id!r} are not a JSON object"
        )
    return arguments


def json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def merge_turns(turns: Iterable[tuple[str, list[dict[str, Any]]]], key: str) -> list[dict[str, Any]]:
    """Consecutive turns of one role as one turn: Anthropic and Gemini want all the results
    of one round of tool calls in a single user turn, and alternating roles."""
    merged: list[dict[str, Any]] = []
    for role, parts in turns:
        if not parts:
            continue
        if merged and merged[-1]["role"] == role:
            merged[-1][key].extend(parts)
        else:
            merged.append({"role": role, key: list(parts)})
    return merged


def finish_with_calls(reason: FinishReason, has_tool_calls: bool) -> FinishReason:
    """Providers disagree when the model calls tools (OpenAI says "stop" when a tool was
    forced, Gemini always does): an answer with tool calls finishes with TOOL_CALLS here."""
    return FinishReason.TOOL_CALLS if has_tool_calls and reason is FinishReason.STOP else reason


class StreamTally:
    """What a stream reader learns along the way, reported in the final delta."""

    def __init__(self) -> None:
        self.finish_reason: FinishReason | None = None
        self.usage: Usage | None = None
        # Tool calls seen so far; the next one's index for protocols that do not number them.
        self.tool_calls = 0

    def final(self) -> ChatDelta:
        """The last delta: finish reason and usage; a stream cut before the provider
        finished is an INVALID_RESPONSE, not a silently short answer."""
        if self.finish_reason is None:
            raise ProviderError(FailureKind.INVALID_RESPONSE, "stream ended before the provider finished")
        return ChatDelta(
            finish_reason=finish_with_calls(self.finish_reason, self.tool_calls > 0), usage=self.usage
        )


def embedding_response(vectors: Iterable[Iterable[Any]], expected: int, usage: Usage) -> EmbeddingResponse:
    """Vectors as float tuples, exactly one per input, or INVALID_RESPONSE."""
    rows = tuple(tuple(float(value) for value in vector) for vector in vectors)
    if len(rows) != expected:
        raise ProviderError(
            FailureKind.INVALID_RESPONSE, f"provider returned {len(rows)} embeddings for {expected} inputs"
        )
    return EmbeddingResponse(vectors=rows, usage=usage)
