"""The Anthropic adapter against a fake upstream answering with the official SDK's types."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anthropic
import orjson
import pytest
from anthropic.types import (
    InputJSONDelta,
    MessageDeltaUsage,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawContentBlockStopEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    TextBlock,
    TextDelta,
    ToolUseBlock,
)
from anthropic.types import Message as WireMessage
from anthropic.types import Usage as WireUsage
from anthropic.types.raw_message_delta_event import Delta
from pydantic import BaseModel

from athanor.providers.anthropic import DEFAULT_MAX_TOKENS, JSON_INSTRUCTION, AnthropicAdapter
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

API_KEY = "sk-ant-test-secret"
LOOKUP = Tool("lookup", "Find a word", {"type": "object", "properties": {"word": {"type": "string"}}})


def message(content: list[Any], stop_reason: Any = "end_turn") -> WireMessage:
    return WireMessage(
        id="msg_1",
        type="message",
        role="assistant",
        model="claude-test-20250929",
        content=content,
        stop_reason=stop_reason,
        stop_sequence=None,
        usage=WireUsage(
            input_tokens=10, output_tokens=5, cache_read_input_tokens=30, cache_creation_input_tokens=2
        ),
    )


def stream_events(*middle: BaseModel, stop_reason: Any = "end_turn") -> list[BaseModel]:
    start = RawMessageStartEvent(
        type="message_start",
        message=WireMessage(
            id="msg_2",
            type="message",
            role="assistant",
            model="claude-test",
            content=[],
            stop_reason=None,
            stop_sequence=None,
            usage=WireUsage(input_tokens=20, output_tokens=1, cache_read_input_tokens=100),
        ),
    )
    end = RawMessageDeltaEvent(
        type="message_delta",
        delta=Delta(stop_reason=stop_reason, stop_sequence=None),
        usage=MessageDeltaUsage(output_tokens=9),
    )
    return [start, *middle, end, RawMessageStopEvent(type="message_stop")]


def text_events() -> list[BaseModel]:
    return stream_events(
        RawContentBlockStartEvent(
            type="content_block_start", index=0, content_block=TextBlock(type="text", text="")
        ),
        RawContentBlockDeltaEvent(
            type="content_block_delta", index=0, delta=TextDelta(type="text_delta", text="Hel")
        ),
        RawContentBlockDeltaEvent(
            type="content_block_delta", index=0, delta=TextDelta(type="text_delta", text="lo")
        ),
        RawContentBlockStopEvent(type="content_block_stop", index=0),
    )


@pytest.fixture
async def adapter(upstream: FakeUpstream) -> AsyncIterator[AnthropicAdapter]:
    adapter = AnthropicAdapter(Endpoint(base_url=upstream.base_url, api_key=API_KEY, timeout_seconds=5))
    yield adapter
    await adapter.close()


def ask(*messages: Message, **fields: Any) -> ChatRequest:
    return ChatRequest(messages=messages or (Message("user", "Hi"),), model="claude-test", **fields)


async def test_request_shape(upstream: FakeUpstream, adapter: AnthropicAdapter) -> None:
    upstream.reply_json(message([TextBlock(type="text", text="Hello")]))

    response = await adapter.complete(
        ask(
            Message("system", "Be brief."),
            Message("user", "Hi"),
            Message("system", "Use British spelling."),
            temperature=0.3,
            top_p=0.8,
            stop=("END",),
            user="user-1",
        )
    )

    assert response.content == "Hello"
    assert response.finish_reason is FinishReason.STOP
    assert response.model == "claude-test-20250929"
    sent = upstream.last
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == API_KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in sent.headers
    assert sent.body == {
        "model": "claude-test",
        "max_tokens": DEFAULT_MAX_TOKENS,
        "system": "Be brief.\n\nUse British spelling.",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
        "temperature": 0.3,
        "top_p": 0.8,
        "stop_sequences": ["END"],
        "metadata": {"user_id": "user-1"},
    }


async def test_usage_counts_cache_reads_and_writes_as_prompt(
    upstream: FakeUpstream, adapter: AnthropicAdapter
) -> None:
    upstream.reply_json(message([TextBlock(type="text", text="Hello")]))
    response = await adapter.complete(ask(max_tokens=64))
    assert response.usage == Usage(prompt_tokens=42, completion_tokens=5, cached_tokens=30)
    assert upstream.last.body["max_tokens"] == 64


async def test_tool_calls_both_ways(upstream: FakeUpstream, adapter: AnthropicAdapter) -> None:
    upstream.reply_json(
        message(
            [
                TextBlock(type="text", text="Looking it up."),
                ToolUseBlock(type="tool_use", id="toolu_2", name="lookup", input={"word": "athanor"}),
            ],
            stop_reason="tool_use",
        )
    )
    history = (
        Message("user", "Define two words"),
        Message(
            "assistant",
            "Checking.",
            tool_calls=(
                ToolCall("toolu_a", "lookup", '{"word": "alembic"}'),
                ToolCall("toolu_b", "lookup", '{"word": "crucible"}'),
            ),
        ),
        Message("tool", "a still", tool_call_id="toolu_a"),
        Message("tool", "a pot", tool_call_id="toolu_b"),
    )

    response = await adapter.complete(ask(*history, tools=(LOOKUP,), tool_choice="lookup"))

    assert response.content == "Looking it up."
    assert response.tool_calls == (ToolCall("toolu_2", "lookup", '{"word":"athanor"}'),)
    assert response.finish_reason is FinishReason.TOOL_CALLS
    body = upstream.last.body
    assert body["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_a", "name": "lookup", "input": {"word": "alembic"}},
                {"type": "tool_use", "id": "toolu_b", "name": "lookup", "input": {"word": "crucible"}},
            ],
        },
        # Both results in one user turn.
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_a", "content": "a still"},
                {"type": "tool_result", "tool_use_id": "toolu_b", "content": "a pot"},
            ],
        },
    ]
    assert body["tools"] == [
        {"name": "lookup", "description": "Find a word", "input_schema": LOOKUP.parameters}
    ]
    assert body["tool_choice"] == {"type": "tool", "name": "lookup"}


@pytest.mark.parametrize(
    ("choice", "wire"),
    [("auto", {"type": "auto"}), ("required", {"type": "any"}), ("none", {"type": "none"})],
)
async def test_tool_choice_modes(
    upstream: FakeUpstream, adapter: AnthropicAdapter, choice: str, wire: dict[str, str]
) -> None:
    upstream.reply_json(message([TextBlock(type="text", text="ok")]))
    await adapter.complete(ask(tools=(Tool("ping"),), tool_choice=choice))
    assert upstream.last.body["tool_choice"] == wire
    # A tool without parameters still declares an object schema, as the API requires.
    assert upstream.last.body["tools"] == [
        {"name": "ping", "input_schema": {"type": "object", "properties": {}}}
    ]


async def test_unparsable_tool_arguments_are_refused_before_sending(adapter: AnthropicAdapter) -> None:
    broken = Message("assistant", None, tool_calls=(ToolCall("t1", "lookup", "{not json"),))
    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask(Message("user", "Hi"), broken, Message("tool", "x", tool_call_id="t1")))
    assert caught.value.kind is FailureKind.BAD_REQUEST


async def test_json_mode_is_a_system_instruction(upstream: FakeUpstream, adapter: AnthropicAdapter) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
    upstream.reply_json(message([TextBlock(type="text", text="{}")]))
    upstream.reply_json(message([TextBlock(type="text", text='{"name": "Ada"}')]))

    await adapter.complete(ask(response_format="json_object"))
    assert upstream.last.body["system"] == JSON_INSTRUCTION
    await adapter.complete(
        ask(Message("system", "You are terse."), Message("user", "Hi"), response_format=schema)
    )
    system = upstream.last.body["system"]
    assert system.startswith("You are terse.\n\n" + JSON_INSTRUCTION)
    assert orjson.dumps(schema).decode() in system


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("end_turn", FinishReason.STOP),
        ("stop_sequence", FinishReason.STOP),
        ("max_tokens", FinishReason.LENGTH),
        ("tool_use", FinishReason.TOOL_CALLS),
        ("refusal", FinishReason.CONTENT_FILTER),
    ],
)
async def test_stop_reasons(
    upstream: FakeUpstream, adapter: AnthropicAdapter, wire: str, expected: FinishReason
) -> None:
    upstream.reply_json(message([TextBlock(type="text", text="x")], stop_reason=wire))
    assert (await adapter.complete(ask())).finish_reason is expected


async def test_stream_text_with_usage(upstream: FakeUpstream, adapter: AnthropicAdapter) -> None:
    upstream.reply_stream(sse_frames(text_events(), named=True))

    deltas = await collect(adapter.stream(ask()))

    assert joined(deltas)[0] == "Hello"
    assert deltas[-1].finish_reason is FinishReason.STOP
    assert deltas[-1].usage == Usage(prompt_tokens=120, completion_tokens=9, cached_tokens=100)
    assert upstream.last.body["stream"] is True


async def test_stream_tool_calls(upstream: FakeUpstream, adapter: AnthropicAdapter) -> None:
    def start(index: int, block: BaseModel) -> RawContentBlockStartEvent:
        return RawContentBlockStartEvent(type="content_block_start", index=index, content_block=block)

    def json_delta(index: int, partial: str) -> RawContentBlockDeltaEvent:
        return RawContentBlockDeltaEvent(
            type="content_block_delta",
            index=index,
            delta=InputJSONDelta(type="input_json_delta", partial_json=partial),
        )

    events = stream_events(
        start(0, TextBlock(type="text", text="")),
        RawContentBlockDeltaEvent(
            type="content_block_delta", index=0, delta=TextDelta(type="text_delta", text="On it.")
        ),
        RawContentBlockStopEvent(type="content_block_stop", index=0),
        start(1, ToolUseBlock(type="tool_use", id="toolu_1", name="lookup", input={})),
        json_delta(1, ""),
        json_delta(1, '{"word": '),
        json_delta(1, '"athanor"}'),
        RawContentBlockStopEvent(type="content_block_stop", index=1),
        start(2, ToolUseBlock(type="tool_use", id="toolu_2", name="ping", input={})),
        RawContentBlockStopEvent(type="content_block_stop", index=2),
        stop_reason="tool_use",
    )
    upstream.reply_stream(sse_frames(events, named=True))

    text, calls = joined(await collect(adapter.stream(ask(tools=(LOOKUP, Tool("ping"))))))

    assert text == "On it."
    # Tool calls are numbered apart from text blocks; one without arguments gets "{}".
    assert calls == (ToolCall("toolu_1", "lookup", '{"word": "athanor"}'), ToolCall("toolu_2", "ping", "{}"))


async def test_stream_error_event(upstream: FakeUpstream, adapter: AnthropicAdapter) -> None:
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    upstream.reply_stream(sse_frames([*text_events()[:2], error], named=True))

    with pytest.raises(ProviderError) as caught:
        await collect(adapter.stream(ask()))

    assert caught.value.kind is FailureKind.UNAVAILABLE
    assert "Overloaded" in str(caught.value)


async def test_overloaded_status_is_unavailable(upstream: FakeUpstream, adapter: AnthropicAdapter) -> None:
    upstream.reply_json(
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, status=529
    )
    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask())
    assert (caught.value.kind, caught.value.status) == (FailureKind.UNAVAILABLE, 529)


async def test_stream_cut_before_the_end_is_invalid(
    upstream: FakeUpstream, adapter: AnthropicAdapter
) -> None:
    upstream.reply_stream(sse_frames(text_events()[:3], named=True))
    with pytest.raises(ProviderError) as caught:
        await collect(adapter.stream(ask()))
    assert caught.value.kind is FailureKind.INVALID_RESPONSE


async def test_no_embeddings(adapter: AnthropicAdapter) -> None:
    with pytest.raises(ProviderError) as caught:
        await adapter.embed(EmbeddingRequest(model="claude", inputs=("a",)))
    assert caught.value.kind is FailureKind.BAD_REQUEST


async def test_the_official_sdk_reads_the_fake_like_the_adapter(upstream: FakeUpstream) -> None:
    """The fake's event stream is what the official client expects, names and all."""
    sdk = anthropic.AsyncAnthropic(base_url=upstream.base_url, api_key=API_KEY, max_retries=0)
    upstream.reply_stream(sse_frames(text_events(), named=True))
    try:
        async with sdk.messages.stream(
            model="claude-test", max_tokens=DEFAULT_MAX_TOKENS, messages=[{"role": "user", "content": "Hi"}]
        ) as stream:
            final = await stream.get_final_message()
    finally:
        await sdk.close()

    assert [block.text for block in final.content if block.type == "text"] == ["Hello"]
    assert final.usage.output_tokens == 9
    assert final.stop_reason == "end_turn"
