"""The OpenAI-compatible adapter against a fake upstream answering with the official SDK's types."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import openai
import pytest
from openai.types import CreateEmbeddingResponse, Embedding
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import (
    ChoiceDelta,
    ChoiceDeltaToolCall,
    ChoiceDeltaToolCallFunction,
)
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)
from openai.types.completion_usage import CompletionUsage, PromptTokensDetails
from openai.types.create_embedding_response import Usage as EmbeddingUsage

from athanor.providers.openai_compat import OpenAICompatAdapter
from athanor.providers.registry import ProviderKind, create_adapter
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
from tests.providers.fakes import FakeUpstream, Reply, closed_port, collect, joined, sse_frames

API_KEY = "sk-test-secret-0123456789"
WEATHER = Tool(
    "get_weather",
    "Current weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def completion(
    content: str | None = "Hello there",
    *,
    finish: Any = "stop",
    tool_calls: list[ChatCompletionMessageFunctionToolCall] | None = None,
) -> ChatCompletion:
    return ChatCompletion(
        id="chatcmpl-1",
        object="chat.completion",
        created=1_700_000_000,
        model="gpt-4o-mini-2024-07-18",
        choices=[
            Choice(
                index=0,
                finish_reason=finish,
                message=ChatCompletionMessage(role="assistant", content=content, tool_calls=tool_calls),
            )
        ],
        usage=CompletionUsage(
            prompt_tokens=12,
            completion_tokens=3,
            total_tokens=15,
            prompt_tokens_details=PromptTokensDetails(cached_tokens=8),
        ),
    )


def chunk(
    delta: ChoiceDelta | None = None, *, finish: Any = None, usage: CompletionUsage | None = None
) -> ChatCompletionChunk:
    choices = [] if delta is None else [ChunkChoice(index=0, delta=delta, finish_reason=finish)]
    return ChatCompletionChunk(
        id="chatcmpl-2",
        object="chat.completion.chunk",
        created=1_700_000_000,
        model="gpt-4o-mini",
        choices=choices,
        usage=usage,
    )


def text_stream() -> list[bytes]:
    return sse_frames(
        [
            chunk(ChoiceDelta(role="assistant", content="")),
            chunk(ChoiceDelta(content="Hel")),
            chunk(ChoiceDelta(content="lo")),
            chunk(ChoiceDelta(), finish="stop"),
            chunk(
                usage=CompletionUsage(
                    prompt_tokens=9,
                    completion_tokens=2,
                    total_tokens=11,
                    prompt_tokens_details=PromptTokensDetails(cached_tokens=4),
                )
            ),
        ],
        done=True,
    )


def ask(text: str = "Hi", **fields: Any) -> ChatRequest:
    return ChatRequest(messages=(Message("user", text),), model="gpt-4o-mini", **fields)


@pytest.fixture
async def adapter(upstream: FakeUpstream) -> AsyncIterator[OpenAICompatAdapter]:
    endpoint = Endpoint(
        base_url=f"{upstream.base_url}/v1/",
        api_key=API_KEY,
        options={"headers": {"HTTP-Referer": "https://athanor.test"}},
        timeout_seconds=5,
    )
    adapter = OpenAICompatAdapter(endpoint)
    yield adapter
    await adapter.close()


async def test_complete_maps_the_request_and_the_answer(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter
) -> None:
    upstream.reply_json(completion())
    request = ChatRequest(
        messages=(Message("system", "Be brief."), Message("user", "Hi", name="ann")),
        model="gpt-4o-mini",
        max_tokens=50,
        temperature=0.2,
        top_p=0.9,
        stop=("END",),
        user="user-1",
    )

    response = await adapter.complete(request)

    assert response.content == "Hello there"
    assert response.finish_reason is FinishReason.STOP
    assert response.usage == Usage(prompt_tokens=12, completion_tokens=3, cached_tokens=8)
    assert response.model == "gpt-4o-mini-2024-07-18"
    sent = upstream.last
    assert (sent.method, sent.path) == ("POST", "/v1/chat/completions")
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["http-referer"] == "https://athanor.test"
    assert sent.headers["content-type"] == "application/json"
    assert sent.body == {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi", "name": "ann"},
        ],
        "max_tokens": 50,
        "temperature": 0.2,
        "top_p": 0.9,
        "user": "user-1",
        "stop": ["END"],
    }


async def test_tool_calls_go_out_and_come_back(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    call = ChatCompletionMessageFunctionToolCall(
        id="call_2", type="function", function=Function(name="get_weather", arguments='{"city": "Oslo"}')
    )
    # OpenAI reports "stop" when a tool is forced; an answer with calls is TOOL_CALLS here.
    upstream.reply_json(completion(None, finish="stop", tool_calls=[call]))
    history = (
        Message("user", "Weather in Paris and Oslo?"),
        Message("assistant", None, tool_calls=(ToolCall("call_1", "get_weather", '{"city": "Paris"}'),)),
        Message("tool", "18C, sunny", tool_call_id="call_1"),
    )

    response = await adapter.complete(
        ChatRequest(messages=history, model="gpt-4o-mini", tools=(WEATHER,), tool_choice="get_weather")
    )

    assert response.tool_calls == (ToolCall("call_2", "get_weather", '{"city": "Oslo"}'),)
    assert response.content is None
    assert response.finish_reason is FinishReason.TOOL_CALLS
    body = upstream.last.body
    assert body["messages"][1:] == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "content": "18C, sunny", "tool_call_id": "call_1"},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": WEATHER.description,
                "parameters": WEATHER.parameters,
            },
        }
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}


@pytest.mark.parametrize("choice", ["auto", "none", "required"])
async def test_tool_choice_modes_pass_through(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter, choice: str
) -> None:
    upstream.reply_json(completion())
    await adapter.complete(ask(tools=(WEATHER,), tool_choice=choice))
    assert upstream.last.body["tool_choice"] == choice


async def test_json_modes(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    schema = {"title": "Person record", "type": "object", "properties": {"name": {"type": "string"}}}
    upstream.reply_json(completion('{"a": 1}'))
    upstream.reply_json(completion('{"name": "Ada"}'))

    await adapter.complete(ask(response_format="json_object"))
    assert upstream.last.body["response_format"] == {"type": "json_object"}
    await adapter.complete(ask(response_format=schema))
    assert upstream.last.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Person_record", "schema": schema},
    }


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("length", FinishReason.LENGTH),
        ("content_filter", FinishReason.CONTENT_FILTER),
        ("tool_calls", FinishReason.TOOL_CALLS),
        ("stop", FinishReason.STOP),
    ],
)
async def test_finish_reasons(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter, wire: str, expected: FinishReason
) -> None:
    upstream.reply_json(completion(finish=wire))
    assert (await adapter.complete(ask())).finish_reason is expected


async def test_stream_text_ends_with_finish_and_usage(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter
) -> None:
    upstream.reply_stream(text_stream())

    deltas = await collect(adapter.stream(ask()))

    assert joined(deltas)[0] == "Hello"
    assert all(delta.finish_reason is None for delta in deltas[:-1])
    assert deltas[-1].finish_reason is FinishReason.STOP
    assert deltas[-1].usage == Usage(prompt_tokens=9, completion_tokens=2, cached_tokens=4)
    assert upstream.last.body["stream"] is True
    assert upstream.last.body["stream_options"] == {"include_usage": True}
    assert upstream.last.headers["accept"] == "text/event-stream"


async def test_stream_tool_calls_assemble(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    def call_delta(
        index: int, *, id: str | None = None, name: str | None = None, arguments: str = ""
    ) -> ChatCompletionChunk:
        function = ChoiceDeltaToolCallFunction(name=name, arguments=arguments)
        call = ChoiceDeltaToolCall(index=index, id=id, type="function", function=function)
        return chunk(ChoiceDelta(tool_calls=[call]))

    upstream.reply_stream(
        sse_frames(
            [
                call_delta(0, id="call_a", name="get_weather"),
                call_delta(0, arguments='{"city"'),
                call_delta(0, arguments=': "Oslo"}'),
                call_delta(1, id="call_b", name="get_weather", arguments='{"city": "Rome"}'),
                chunk(ChoiceDelta(), finish="tool_calls"),
            ],
            done=True,
        )
    )

    deltas = await collect(adapter.stream(ask(tools=(WEATHER,))))

    assert joined(deltas)[1] == (
        ToolCall("call_a", "get_weather", '{"city": "Oslo"}'),
        ToolCall("call_b", "get_weather", '{"city": "Rome"}'),
    )
    assert deltas[-1].finish_reason is FinishReason.TOOL_CALLS
    assert deltas[-1].usage is None


@pytest.mark.parametrize(
    ("status", "headers", "kind", "retry_after"),
    [
        (429, {"retry-after": "7"}, FailureKind.RATE_LIMITED, 7.0),
        (429, {}, FailureKind.RATE_LIMITED, None),
        (500, {}, FailureKind.UNAVAILABLE, None),
        (503, {}, FailureKind.UNAVAILABLE, None),
        (401, {}, FailureKind.AUTHENTICATION, None),
        (403, {}, FailureKind.AUTHENTICATION, None),
        (400, {}, FailureKind.BAD_REQUEST, None),
        (404, {}, FailureKind.BAD_REQUEST, None),
    ],
)
async def test_error_statuses(
    upstream: FakeUpstream,
    adapter: OpenAICompatAdapter,
    status: int,
    headers: dict[str, str],
    kind: FailureKind,
    retry_after: float | None,
) -> None:
    upstream.reply_json(
        {"error": {"message": "upstream says no", "type": "x"}}, status=status, headers=headers
    )

    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask())

    assert caught.value.kind is kind
    assert caught.value.status == status
    assert caught.value.retry_after == retry_after
    assert "upstream says no" in str(caught.value)


async def test_retry_after_as_an_http_date(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    upstream.reply_json({"error": {"message": "slow down"}}, status=429, headers={"retry-after": when})

    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask())

    assert caught.value.retry_after is not None
    assert 25 <= caught.value.retry_after <= 30


async def test_stream_error_status_raises_before_any_delta(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter
) -> None:
    upstream.reply_json({"error": {"message": "busy"}}, status=429, headers={"retry-after": "2"})
    stream = adapter.stream(ask())
    with pytest.raises(ProviderError) as caught:
        await anext(stream)
    assert (caught.value.kind, caught.value.retry_after) == (FailureKind.RATE_LIMITED, 2.0)


async def test_slow_server_times_out(upstream: FakeUpstream) -> None:
    upstream.reply(Reply(body=completion().model_dump_json().encode(), delay=0.5))
    adapter = OpenAICompatAdapter(Endpoint(base_url=upstream.base_url, timeout_seconds=0.1))
    try:
        with pytest.raises(ProviderError) as caught:
            await adapter.complete(ask())
    finally:
        await adapter.close()
    assert caught.value.kind is FailureKind.TIMEOUT


async def test_refused_connection_is_unavailable() -> None:
    adapter = OpenAICompatAdapter(Endpoint(base_url=f"http://127.0.0.1:{closed_port()}", timeout_seconds=2))
    try:
        with pytest.raises(ProviderError) as caught:
            await adapter.complete(ask())
        with pytest.raises(ProviderError) as caught_stream:
            await collect(adapter.stream(ask()))
    finally:
        await adapter.close()
    assert caught.value.kind is FailureKind.UNAVAILABLE
    assert caught_stream.value.kind is FailureKind.UNAVAILABLE


@pytest.mark.parametrize(
    "body", [b"<html>Bad gateway</html>", b'{"choices": []}', b'{"choices": [{"message": null}]}', b"[]"]
)
async def test_unreadable_answers_are_invalid(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter, body: bytes
) -> None:
    upstream.reply_json(body)
    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask())
    assert caught.value.kind is FailureKind.INVALID_RESPONSE


async def test_unreadable_or_unfinished_streams_are_invalid(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter
) -> None:
    upstream.reply_stream([b"data: {not json\n\n"])
    with pytest.raises(ProviderError) as garbage:
        await collect(adapter.stream(ask()))
    upstream.reply_stream(sse_frames([chunk(ChoiceDelta(content="Hel"))]))
    with pytest.raises(ProviderError) as cut:
        await collect(adapter.stream(ask()))
    assert garbage.value.kind is cut.value.kind is FailureKind.INVALID_RESPONSE


async def test_error_inside_a_stream(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    frames = sse_frames(
        [chunk(ChoiceDelta(content="Hel")), {"error": {"message": "overloaded", "type": "server_error"}}]
    )
    upstream.reply_stream(frames)
    with pytest.raises(ProviderError) as caught:
        await collect(adapter.stream(ask()))
    assert caught.value.kind is FailureKind.UNAVAILABLE


async def test_api_key_never_appears_in_errors(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    upstream.reply_json({"error": {"message": "bad key"}}, status=401)
    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask())
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value.args)


async def test_embeddings(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    upstream.reply_json(
        CreateEmbeddingResponse(
            object="list",
            model="text-embedding-3-small",
            # Out of order on purpose: vectors follow the inputs by index.
            data=[
                Embedding(object="embedding", index=1, embedding=[0.0, 1.0]),
                Embedding(object="embedding", index=0, embedding=[1.0, 0.0]),
            ],
            usage=EmbeddingUsage(prompt_tokens=5, total_tokens=5),
        )
    )

    result = await adapter.embed(
        EmbeddingRequest(model="text-embedding-3-small", inputs=("a", "b"), dimensions=2)
    )

    assert result.vectors == ((1.0, 0.0), (0.0, 1.0))
    assert result.usage == Usage(prompt_tokens=5)
    assert upstream.last.path == "/v1/embeddings"
    assert upstream.last.body == {
        "model": "text-embedding-3-small",
        "input": ["a", "b"],
        "encoding_format": "float",
        "dimensions": 2,
    }


async def test_embeddings_must_match_the_inputs(upstream: FakeUpstream, adapter: OpenAICompatAdapter) -> None:
    upstream.reply_json({"data": [{"index": 0, "embedding": [1.0]}], "usage": None})
    with pytest.raises(ProviderError) as caught:
        await adapter.embed(EmbeddingRequest(model="m", inputs=("a", "b")))
    assert caught.value.kind is FailureKind.INVALID_RESPONSE


async def test_azure_puts_the_deployment_in_the_path(upstream: FakeUpstream) -> None:
    endpoint = Endpoint(base_url=upstream.base_url, api_key=API_KEY, options={"api_version": "2024-06-01"})
    adapter = create_adapter(ProviderKind.AZURE_OPENAI, endpoint)
    upstream.reply_json(completion())
    upstream.reply_json({"data": [{"index": 0, "embedding": [1.0]}], "usage": {"prompt_tokens": 1}})
    try:
        await adapter.complete(ask())
        chat = upstream.last
        await adapter.embed(EmbeddingRequest(model="embedder", inputs=("a",)))
    finally:
        await adapter.close()

    assert chat.path == "/openai/deployments/gpt-4o-mini/chat/completions"
    assert chat.query == {"api-version": "2024-06-01"}
    assert chat.headers["api-key"] == API_KEY
    assert "authorization" not in chat.headers
    assert upstream.last.path == "/openai/deployments/embedder/embeddings"
    assert upstream.last.query == {"api-version": "2024-06-01"}


async def test_max_tokens_field_for_reasoning_models(upstream: FakeUpstream) -> None:
    adapter = OpenAICompatAdapter(
        Endpoint(base_url=upstream.base_url, options={"max_tokens_field": "max_completion_tokens"})
    )
    upstream.reply_json(completion())
    try:
        await adapter.complete(ask(max_tokens=10))
    finally:
        await adapter.close()
    assert upstream.last.body["max_completion_tokens"] == 10
    assert "max_tokens" not in upstream.last.body
    assert "authorization" not in upstream.last.headers


async def test_the_official_sdk_reads_the_fake_like_the_adapter(
    upstream: FakeUpstream, adapter: OpenAICompatAdapter
) -> None:
    """The fake speaks the real wire format: the official client reads the same replies."""
    sdk = openai.AsyncOpenAI(base_url=f"{upstream.base_url}/v1", api_key=API_KEY, max_retries=0)
    upstream.reply_json(completion())
    upstream.reply_stream(text_stream())
    try:
        answer = await sdk.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
        )
        sdk_request = upstream.last
        chunks = [
            piece
            async for piece in await sdk.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "Hi"}],
                stream=True,
                stream_options={"include_usage": True},
            )
        ]
    finally:
        await sdk.close()

    assert answer.choices[0].message.content == "Hello there"
    assert answer.usage is not None
    assert answer.usage.prompt_tokens_details is not None
    assert answer.usage.prompt_tokens_details.cached_tokens == 8
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 2
    # And our adapter addresses the upstream the way the SDK does.
    upstream.reply_json(completion())
    await adapter.complete(ask())
    assert (upstream.last.path, upstream.last.headers["authorization"]) == (
        sdk_request.path,
        sdk_request.headers["authorization"],
    )
    assert upstream.last.body == sdk_request.body
