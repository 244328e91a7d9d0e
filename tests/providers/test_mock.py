"""The offline mock provider: deterministic, counts tokens, and fails or dawdles on request."""

from __future__ import annotations

import math
import time
from typing import Any

import jsonschema
import orjson
import pytest

from athanor.providers.mock import MockAdapter, count_tokens, example_value
from athanor.providers.types import (
    ChatRequest,
    EmbeddingRequest,
    Endpoint,
    FailureKind,
    FinishReason,
    Message,
    ProviderError,
    Tool,
)
from tests.providers.fakes import collect, joined

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 12},
        "age": {"type": "integer", "minimum": 18},
        "score": {"type": "number", "exclusiveMaximum": -1},
        "role": {"enum": ["admin", "member"]},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "nickname": {"type": ["null", "string"]},
        "address": {"$ref": "#/$defs/Address"},
        "contact": {"anyOf": [{"type": "boolean"}, {"type": "string"}]},
        "optional": {"type": "string"},
    },
    "required": ["name", "age", "score", "role", "tags", "nickname", "address", "contact"],
    "additionalProperties": False,
    "$defs": {
        "Address": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"type": "string", "maxLength": 3}},
            "required": ["city", "zip"],
        }
    },
}


def mock(**options: Any) -> MockAdapter:
    return MockAdapter(Endpoint(base_url="", options=options, timeout_seconds=options.pop("timeout", 60)))


def ask(text: str = "What is the philosophers' stone, really?", **fields: Any) -> ChatRequest:
    return ChatRequest(
        messages=(Message("system", "Be kind."), Message("user", text)), model="mock-1", **fields
    )


async def test_same_request_same_answer() -> None:
    first, second = await mock().complete(ask()), await mock().complete(ask())

    assert first == second
    assert first.content is not None
    assert first.content.startswith("Mock answer to: What is the philosophers' stone, really?")
    assert first.finish_reason is FinishReason.STOP
    assert first.model == "mock-1"
    assert (await mock().complete(ask("Something else"))).content != first.content


async def test_tokens_are_counted_with_the_tokenizer() -> None:
    response = await mock().complete(ask("Hello, world!"))
    assert count_tokens("Hello, world!") == 4
    assert response.usage.prompt_tokens == count_tokens("Be kind.") + 4
    assert response.usage.completion_tokens == count_tokens(response.content or "")


async def test_long_questions_are_previewed() -> None:
    response = await mock().complete(ask("one two three four five six seven eight nine ten"))
    assert response.content is not None
    assert "one two three four five six seven eight…" in response.content
    assert "nine" not in response.content


async def test_stream_adds_up_to_the_answer() -> None:
    adapter = mock()
    complete = await adapter.complete(ask())
    deltas = await collect(adapter.stream(ask()))

    assert len(deltas) > 5  # word by word
    assert joined(deltas)[0] == complete.content
    assert deltas[-1].finish_reason is complete.finish_reason
    assert deltas[-1].usage == complete.usage


async def test_max_tokens_cuts_the_answer() -> None:
    adapter = mock()
    response = await adapter.complete(ask(max_tokens=3))
    deltas = await collect(adapter.stream(ask(max_tokens=3)))

    assert response.content == "Mock answer to"
    assert response.finish_reason is FinishReason.LENGTH
    assert response.usage.completion_tokens == 3
    assert joined(deltas)[0] == "Mock answer to"
    assert deltas[-1].finish_reason is FinishReason.LENGTH


async def test_json_object_mode() -> None:
    response = await mock().complete(ask(response_format="json_object"))
    assert set(orjson.loads(response.content or "")) == {"answer"}


async def test_json_schema_mode_satisfies_the_schema() -> None:
    response = await mock().complete(ask(response_format=PERSON))
    value = orjson.loads(response.content or "")

    jsonschema.validate(value, PERSON)
    assert "optional" not in value  # minimal: required properties only


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "exclusiveMinimum": 4},
        {"type": "number", "minimum": 2.5, "maximum": 3},
        {"const": "fixed"},
        {"type": "string", "default": "given"},
        {"oneOf": [{"type": "null"}, {"type": "string"}]},
        {
            "allOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"properties": {"b": {"type": "boolean"}}, "required": ["b"]},
            ]
        },
        {"type": "array", "items": {"$ref": "#"}, "minItems": 0},
        {},
    ],
)
def test_example_values_are_valid(schema: dict[str, Any]) -> None:
    jsonschema.validate(example_value(schema), schema)


async def test_forced_tool_calls() -> None:
    tools = (Tool("first"), Tool("person", "Make a person", PERSON))
    adapter = mock()

    required = await adapter.complete(ask(tools=tools, tool_choice="required"))
    named = await adapter.complete(ask(tools=tools, tool_choice="person"))
    auto = await adapter.complete(ask(tools=tools, tool_choice="auto"))

    assert [call.name for call in required.tool_calls] == ["first"]
    assert required.finish_reason is FinishReason.TOOL_CALLS
    assert required.content is None
    (call,) = named.tool_calls
    jsonschema.validate(orjson.loads(call.arguments), PERSON)
    assert named.usage.completion_tokens == count_tokens("person") + count_tokens(call.arguments)
    assert auto.tool_calls == ()
    assert auto.content is not None
    streamed = await collect(adapter.stream(ask(tools=tools, tool_choice="person")))
    assert joined(streamed)[1] == named.tool_calls
    assert streamed[-1].finish_reason is FinishReason.TOOL_CALLS


async def test_unknown_forced_tool_is_a_bad_request() -> None:
    with pytest.raises(ProviderError) as caught:
        await mock().complete(ask(tools=(Tool("a"),), tool_choice="b"))
    assert caught.value.kind is FailureKind.BAD_REQUEST


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (FailureKind.RATE_LIMITED, 429),
        (FailureKind.UNAVAILABLE, 503),
        (FailureKind.TIMEOUT, None),
        (FailureKind.AUTHENTICATION, 401),
    ],
)
async def test_fail_directive(kind: FailureKind, status: int | None) -> None:
    adapter = mock()
    with pytest.raises(ProviderError) as caught:
        await adapter.complete(ask(f"Hello [mock:fail={kind}]"))
    with pytest.raises(ProviderError) as caught_stream:
        await collect(adapter.stream(ask(f"Hello [mock:fail={kind}]")))

    assert caught.value.kind is caught_stream.value.kind is kind
    assert caught.value.status == status
    assert caught.value.retry_after == (1.0 if kind is FailureKind.RATE_LIMITED else None)
    # The directive fails only the request that carries it.
    assert (await adapter.complete(ask("Hello"))).content is not None


async def test_directives_are_not_quoted_and_bad_ones_are_refused() -> None:
    response = await mock().complete(ask("Hello [mock:slow=0] there"))
    assert response.content is not None
    assert "mock:" not in response.content
    assert "Hello there" in response.content
    with pytest.raises(ProviderError) as caught:
        await mock().complete(ask("[mock:fail=exploded]"))
    assert caught.value.kind is FailureKind.BAD_REQUEST


async def test_fail_rate_is_deterministic_by_call_count() -> None:
    adapter = mock(fail_rate=0.5, fail_with="rate_limited")
    outcomes = []
    for _ in range(6):
        try:
            await adapter.complete(ask())
            outcomes.append("ok")
        except ProviderError as error:
            outcomes.append(error.kind.value)
    assert outcomes == ["ok", "rate_limited"] * 3


async def test_fail_with_alone_fails_every_call() -> None:
    adapter = mock(fail_with="authentication")
    for _ in range(2):
        with pytest.raises(ProviderError) as caught:
            await adapter.embed(EmbeddingRequest(model="m", inputs=("a",)))
        assert caught.value.kind is FailureKind.AUTHENTICATION


async def test_latency_option_and_slow_directive() -> None:
    started = time.perf_counter()
    await mock(latency_ms=100).complete(ask())
    assert time.perf_counter() - started >= 0.1

    started = time.perf_counter()
    await mock().complete(ask("Hi [mock:slow=80]"))
    assert time.perf_counter() - started >= 0.08


async def test_chunk_delay_paces_the_stream() -> None:
    started = time.perf_counter()
    deltas = await collect(mock().stream(ask("Hi [mock:chunk_delay=10]")))
    pieces = sum(1 for delta in deltas if delta.content)
    assert time.perf_counter() - started >= (pieces - 1) * 0.01


async def test_latency_beyond_the_timeout_times_out() -> None:
    started = time.perf_counter()
    with pytest.raises(ProviderError) as caught:
        await mock(timeout=0.1).complete(ask("Hi [mock:slow=5000]"))
    assert caught.value.kind is FailureKind.TIMEOUT
    assert 0.1 <= time.perf_counter() - started < 1


async def test_embeddings_are_deterministic_unit_vectors() -> None:
    request = EmbeddingRequest(model="mock-embed", inputs=("alpha", "beta gamma"))
    first, second = await mock().embed(request), await mock().embed(request)

    assert first == second
    assert [len(vector) for vector in first.vectors] == [8, 8]
    assert all(math.isclose(math.hypot(*vector), 1.0) for vector in first.vectors)
    assert first.vectors[0] != first.vectors[1]
    assert first.usage.prompt_tokens == 3
    sized = await mock().embed(EmbeddingRequest(model="mock-embed", inputs=("alpha",), dimensions=3))
    assert len(sized.vectors[0]) == 3
    assert len((await mock(dimensions=4).embed(EmbeddingRequest(model="m", inputs=("a",)))).vectors[0]) == 4
