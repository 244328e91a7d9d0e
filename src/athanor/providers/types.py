"""The one internal shape every provider adapter speaks.

Requests arrive in the OpenAI chat-completions shape (the gateway's wire format and the
lingua franca of the field); adapters translate to and from their provider's protocol.
Token counts are integers; nothing here knows about tenants, wallets or the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    # JSON text, exactly as the model produced it (it may not parse).
    arguments: str


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    # For role "tool": the call this message answers.
    tool_call_id: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str | None = None
    # JSON Schema of the arguments.
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChatRequest:
    messages: tuple[Message, ...]
    # The provider's own model name (the deployment's upstream model).
    model: str
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()
    tools: tuple[Tool, ...] = ()
    # "auto", "none", "required" or a tool name.
    tool_choice: str | None = None
    # JSON output: "json_object", or a JSON Schema for structured output.
    response_format: Literal["text", "json_object"] | dict[str, Any] = "text"
    user: str | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Prompt tokens served from the provider's cache (a subset of prompt_tokens).
    cached_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cached_tokens + other.cached_tokens,
        )


class FinishReason(StrEnum):
    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    CONTENT_FILTER = "content_filter"


@dataclass(frozen=True, slots=True)
class ChatResponse:
    content: str | None
    usage: Usage
    finish_reason: FinishReason = FinishReason.STOP
    tool_calls: tuple[ToolCall, ...] = ()
    # The model name the provider reports having used.
    model: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class ChatDelta:
    """One piece of a streamed answer. The last one carries `finish_reason`; usage
    arrives on whichever chunk the provider puts it (often the last)."""

    content: str = ""
    tool_calls: tuple[ToolCallDelta, ...] = ()
    finish_reason: FinishReason | None = None
    usage: Usage | None = None


@dataclass(frozen=True, slots=True)
class EmbeddingRequest:
    model: str
    inputs: tuple[str, ...]
    dimensions: int | None = None


@dataclass(frozen=True, slots=True)
class EmbeddingResponse:
    vectors: tuple[tuple[float, ...], ...]
    usage: Usage


class FailureKind(StrEnum):
    """Why a provider call failed; routing decides from this whether to retry or move on."""

    RATE_LIMITED = "rate_limited"  # 429: retry later, cool the deployment down
    UNAVAILABLE = "unavailable"  # 5xx, connection refused or reset: retry, then fall back
    TIMEOUT = "timeout"  # no answer in time: retry, then fall back
    AUTHENTICATION = "authentication"  # 401/403: the credential is wrong; fall back, no retry
    BAD_REQUEST = "bad_request"  # 400/404/422: the request itself is wrong; stop
    INVALID_RESPONSE = "invalid_response"  # the provider answered something unparsable


RETRYABLE = frozenset({FailureKind.RATE_LIMITED, FailureKind.UNAVAILABLE, FailureKind.TIMEOUT})


class ProviderError(Exception):
    def __init__(
        self,
        kind: FailureKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        # Seconds the provider asked us to wait (Retry-After), if it said.
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to reach one deployment: what the adapter needs, decrypted."""

    base_url: str
    api_key: str | None = field(default=None, repr=False)
    # Provider specifics, e.g. Azure's api-version or extra headers.
    options: dict[str, Any] = field(default_factory=dict)
    timeout_seconds: float = 60.0


class Adapter(Protocol):
    """One provider protocol. Adapters are stateless apart from their pooled HTTP client."""

    async def complete(self, request: ChatRequest) -> ChatResponse: ...

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]: ...

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse: ...

    async def close(self) -> None: ...
