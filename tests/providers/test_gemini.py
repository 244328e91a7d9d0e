"""The Gemini adapter against a fake upstream speaking the Generative Language API's JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from athanor.providers.gemini import GeminiAdapter
from athanor.providers.types import (
    ChatRequest,
    EmbeddingRequest,
    Endpoint,
    FailureKind,
    FinishReason,
    Message,
    ProviderError,
    Tool,
    ToolCall,
    Usage,
)
from tests.providers.fakes import FakeUpstream, collect, joined, sse_frames

API_KEY = "AIza-test-secret"
LOOKUP = Tool("lookup", "Find a word", {"type": "object", "properties": {"word": {"type": "string"}}})
USAGE = {
    "promptTokenCount": 40,
    "candidatesTokenCount": 6,
    "thoughtsTokenCount": 4,
    "cachedContentTokenCount": 32,
}


def answer(
    *parts: dict[str, Any], finish: str = "STOP", usage: dict[str, int] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "candidates": [
            {"content": {"role": "model", "parts": list(parts)}, "finishReason": finish, "index": 0}
        ],
        "modelVersion": "gemini-2.5-flash-001",
    }
    if usage:
        body["usageMetadata"] = usage
    return body


@pytest.fixture
async def adapter(upstream: FakeUpstream) -> AsyncIterator[GeminiAdapter]:
    adapter = GeminiAdapter(Endpoint(base_url=upstream.base_url, api_key=API_KEY, timeout_seconds=5))
    yield adapter
    await adapter.close()


def ask(*messages: Message, **fields: Any) -> ChatRequest:
    return ChatRequest(messages=messages or (Message("user", "Hi"),), model="gemini-2.5-flash", **fields)


async def test_request_and_answer_mapping(upstream: FakeUpstream, adapter: GeminiAdapter) -> None:
    upstream.reply_json(answer({"text": "Hel"}, {"text": "lo", "thought": False}, usage=USAGE))
    schema = {"type": "object", "properties": {"word": {"type": "string"}}}

    response = await adapter.complete(
        ask(
            Message("system", "Be brief."),
            Message("user", "Hi"),
            Message("assistant", "Hello!"),
            Message("user", "Again"),
            max_tokens=100,
            temperature=0.5,
            top_p=0.9,
            stop=("END",),
            response_format=schema,
        )
    )

    assert response.content == "Hello"
    assert response.finish_reason is FinishReason.STOP
    assert response.usage == Usage(prompt_tokens=40, completion_tokens=10, cached_tokens=32)
    assert response.model == "gemini-2.5-flash-001"
    sent = upstream.last
    assert sent.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert sent.headers["x-goog-api-key"] == API_KEY
    assert "key" not in sent.query
    assert sent.body == {
        "contents": [
            {"role": "user", "parts": [{"text": "Hi"}]},
            {"role": "model", "parts": [{"text": "Hello!"}]},
            {"role": "user", "parts": [{"text": "Again"}]},
        ],
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "generationConfig": {
            "maxOutputTokens": 100,
            "temperature": 0.5,
            "topP": 0.9,
            "stopSequences": ["END"],
            "responseMimeType": "application/json",
            "responseSchema": schema,
        },
    }


async def test_function_calls_both_ways(upstream: FakeUpstream, adapter: GeminiAdapter) -> None:
    upstream.reply_json(answer({"functionCall": {"name": "lookup", "args": {"word": "athanor"}}}))
    history = (
        Message("user", "Define"),
        Message("assistant", None, tool_calls=(ToolCall("c1", "lookup", '{"word": "alembic"}'),)),
        Message("tool", '{"meaning": "a still"}', tool_call_id="c1"),
        Message("tool", "plain text", tool_call_id="c1"),
    )

    response = await adapter.complete(ask(*history, tools=(LOOKUP, Tool("ping")), tool_choice="lookup"))

    assert [(call.name, call.arguments) for call in response.tool_calls] == [("lookup", '{"word":"athanor"}')]
    assert response.tool_calls[0].id.startswith("call_")
    # Gemini reports STOP with function calls.
    assert response.finish_reason is FinishReason.TOOL_CALLS
    body = upstream.last.body
    assert body["contents"][1:] == [
        {"role": "model", "parts": [{"functionCall": {"name": "lookup", "args": {"word": "alembic"}}}]},
        {
            "role": "user",
            "parts": [
                {"functionResponse": {"name": "lookup", "response": {"meaning": "a still"}}},
                {"functionResponse": {"name": "lookup", "response": {"result": "plain text"}}},
            ],
        },
    ]
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {"name": "lookup", "description": "Find a word", "parameters": LOOKUP.parameters},
                {"name": "ping"},
            ]
        }
    ]
    assert body["toolConfig"] == {
        "functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["lookup"]}
    }


async def test_a_tool_result_for_no_known_call_is_refused(adapter: GeminiAdapter) -> None:
    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask(Message("user", "Hi"), Message("tool", "42", tool_call_id="unknown")))
    assert caught.value.kind is FailureKind.BAD_REQUEST


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("STOP", FinishReason.STOP),
        ("MAX_TOKENS", FinishReason.LENGTH),
        ("SAFETY", FinishReason.CONTENT_FILTER),
        ("RECITATION", FinishReason.CONTENT_FILTER),
        ("OTHER", FinishReason.STOP),
    ],
)
async def test_finish_reasons(
    upstream: FakeUpstream, adapter: GeminiAdapter, wire: str, expected: FinishReason
) -> None:
    upstream.reply_json(answer({"text": "x"}, finish=wire))
    assert (await adapter.complete(ask())).finish_reason is expected


async def test_blocked_prompt_is_content_filter(upstream: FakeUpstream, adapter: GeminiAdapter) -> None:
    upstream.reply_json(
        {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 5}}
    )
    response = await adapter.complete(ask())
    assert (response.content, response.finish_reason) == (None, FinishReason.CONTENT_FILTER)
    assert response.usage == Usage(prompt_tokens=5)


async def test_json_object_mode(upstream: FakeUpstream, adapter: GeminiAdapter) -> None:
    upstream.reply_json(answer({"text": "{}"}))
    await adapter.complete(ask(response_format="json_object", tools=(LOOKUP,), tool_choice="none"))
    assert upstream.last.body["generationConfig"] == {"responseMimeType": "application/json"}
    assert upstream.last.body["toolConfig"] == {"functionCallingConfig": {"mode": "NONE"}}


async def test_stream(upstream: FakeUpstream, adapter: GeminiAdapter) -> None:
    chunks: list[dict[str, Any]] = [
        {"candidates": [{"content": {"role": "model", "parts": [{"text": "Hel"}]}}]},
        {"candidates": [{"content": {"role": "model", "parts": [{"text": "lo"}]}}]},
        {
            "candidates": [
                {
                    "content": {
                        "role": "model",
                        "parts": [{"functionCall": {"name": "lookup", "args": {"word": "x"}}}],
                    },
                    "finishReason": "STOP",
                }
            ],
            "usageMetadata": USAGE,
        },
    ]
    # Gemini separates events with CRLF.
    upstream.reply_stream(sse_frames(chunks, newline="\r\n"))

    deltas = await collect(adapter.stream(ask()))

    text, calls = joined(deltas)
    assert text == "Hello"
    assert [(call.name, call.arguments) for call in calls] == [("lookup", '{"word":"x"}')]
    assert deltas[-1].finish_reason is FinishReason.TOOL_CALLS
    assert deltas[-1].usage == Usage(prompt_tokens=40, completion_tokens=10, cached_tokens=32)
    assert upstream.last.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert upstream.last.query == {"alt": "sse"}


async def test_rate_limit(upstream: FakeUpstream, adapter: GeminiAdapter) -> None:
    upstream.reply_json(
        {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}},
        status=429,
        headers={"retry-after": "3"},
    )
    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask())
    assert (caught.value.kind, caught.value.retry_after) == (FailureKind.RATE_LIMITED, 3.0)
    assert "Quota exceeded" in str(caught.value)


async def test_embeddings(upstream: FakeUpstream, adapter: GeminiAdapter) -> None:
    upstream.reply_json({"embeddings": [{"values": [0.1, 0.2]}, {"values": [0.3, 0.4]}]})

    result = await adapter.embed(
        EmbeddingRequest(model="models/text-embedding-004", inputs=("a", "b"), dimensions=2)
    )

    assert result.vectors == ((0.1, 0.2), (0.3, 0.4))
    assert result.usage == Usage()
    assert upstream.last.path == "/v1beta/models/text-embedding-004:batchEmbedContents"
    assert upstream.last.body == {
        "requests": [
            {
                "model": "models/text-embedding-004",
                "content": {"parts": [{"text": "a"}]},
                "outputDimensionality": 2,
            },
            {
                "model": "models/text-embedding-004",
                "content": {"parts": [{"text": "b"}]},
                "outputDimensionality": 2,
            },
        ]
    }
