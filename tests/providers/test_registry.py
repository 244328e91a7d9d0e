"""Adapter creation per provider kind and the per-deployment adapter pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from athanor.providers.anthropic import AnthropicAdapter
from athanor.providers.gemini import GeminiAdapter
from athanor.providers.mock import MockAdapter
from athanor.providers.openai_compat import OpenAICompatAdapter
from athanor.providers.registry import AdapterPool, ProviderKind, create_adapter, default_base_url
from athanor.providers.types import (
    Adapter,
    ChatDelta,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    Endpoint,
    FailureKind,
    Message,
    ProviderError,
    Usage,
)

ENDPOINT = Endpoint(base_url="http://127.0.0.1:9", api_key="key-1")


class Recorder:
    """A stand-in adapter that only remembers whether it was closed."""

    def __init__(self, kind: ProviderKind, endpoint: Endpoint) -> None:
        self.kind, self.endpoint, self.closed = kind, endpoint, False

    async def complete(self, request: ChatRequest) -> ChatResponse:
        return ChatResponse("ok", Usage())

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        yield ChatDelta(content="ok")

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        return EmbeddingResponse((), Usage())

    async def close(self) -> None:
        assert not self.closed, "closed twice"
        self.closed = True


def recorded(adapter: Adapter) -> Recorder:
    assert isinstance(adapter, Recorder)
    return adapter


def test_default_base_urls() -> None:
    assert default_base_url(ProviderKind.OPENAI) == "https://api.openai.com/v1"
    assert default_base_url("anthropic") == "https://api.anthropic.com"
    assert default_base_url(ProviderKind.GEMINI) == "https://generativelanguage.googleapis.com"
    assert default_base_url(ProviderKind.AZURE_OPENAI) is None
    assert default_base_url(ProviderKind.MOCK) is None


@pytest.mark.parametrize(
    ("kind", "adapter_type"),
    [
        ("openai", OpenAICompatAdapter),
        ("azure_openai", OpenAICompatAdapter),
        ("anthropic", AnthropicAdapter),
        ("gemini", GeminiAdapter),
        ("mock", MockAdapter),
    ],
)
async def test_create_adapter(kind: str, adapter_type: type) -> None:
    adapter = create_adapter(kind, ENDPOINT)
    try:
        assert isinstance(adapter, adapter_type)
    finally:
        await adapter.close()


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="bedrock"):
        create_adapter("bedrock", ENDPOINT)


async def test_the_mock_works_from_the_registry() -> None:
    adapter = create_adapter(ProviderKind.MOCK, Endpoint(base_url=""))
    response = await adapter.complete(ChatRequest(messages=(Message("user", "Hi"),), model="m"))
    assert response.content is not None


async def test_pool_keeps_one_adapter_per_deployment() -> None:
    pool = AdapterPool(Recorder)
    async with pool.lease("dep-1", "openai", ENDPOINT) as first:
        pass
    async with pool.lease("dep-1", ProviderKind.OPENAI, replace(ENDPOINT, options={})) as again:
        pass
    async with pool.lease("dep-2", "openai", ENDPOINT) as other:
        pass

    assert again is first
    assert other is not first
    assert not recorded(first).closed
    await pool.aclose()
    assert recorded(first).closed
    assert recorded(other).closed


async def test_a_changed_endpoint_replaces_the_adapter_once_idle() -> None:
    pool = AdapterPool(Recorder)
    rotated = replace(ENDPOINT, api_key="key-2")
    async with pool.lease("dep-1", "openai", ENDPOINT) as old:
        async with pool.lease("dep-1", "openai", rotated) as new:
            assert new is not old
            assert recorded(new).endpoint.api_key == "key-2"
            # The old adapter still serves the request in flight.
            assert not recorded(old).closed
        assert not recorded(old).closed
    assert recorded(old).closed
    assert not recorded(new).closed
    async with pool.lease("dep-1", "openai", rotated) as same:
        assert same is new
    await pool.aclose()


async def test_an_idle_adapter_is_closed_when_replaced_or_removed() -> None:
    pool = AdapterPool(Recorder)
    async with pool.lease("dep-1", "openai", ENDPOINT) as old:
        pass
    async with pool.lease("dep-1", "gemini", ENDPOINT) as new:
        assert recorded(old).closed
        assert recorded(new).kind is ProviderKind.GEMINI
    await pool.remove("dep-1")
    assert recorded(new).closed
    await pool.remove("dep-1")
    await pool.aclose()


async def test_aclose_closes_leased_adapters_once() -> None:
    pool = AdapterPool(Recorder)
    async with pool.lease("dep-1", "openai", ENDPOINT) as adapter:
        await pool.aclose()
        assert recorded(adapter).closed
    # Leaving the lease does not close it a second time (Recorder.close asserts).


async def test_a_failing_factory_leaves_the_pool_as_it_was() -> None:
    def factory(kind: ProviderKind, endpoint: Endpoint) -> Adapter:
        if endpoint.options.get("broken"):
            raise ValueError("broken options")
        return Recorder(kind, endpoint)

    pool = AdapterPool(factory)
    async with pool.lease("dep-1", "openai", ENDPOINT) as kept:
        pass
    with pytest.raises(ValueError, match="broken"):
        async with pool.lease("dep-1", "openai", replace(ENDPOINT, options={"broken": True})):
            pass
    async with pool.lease("dep-1", "openai", ENDPOINT) as again:
        assert again is kept
    assert not recorded(kept).closed
    await pool.aclose()


async def _call(endpoint: Endpoint, request: ChatRequest, *, stream: bool) -> None:
    adapter = create_adapter(ProviderKind.OPENAI, endpoint)
    try:
        await _use(adapter, request, stream=stream)
    finally:
        await adapter.close()


async def _use(adapter: Adapter, request: ChatRequest, *, stream: bool) -> None:
    if stream:
        async for _delta in adapter.stream(request):
            pass
    else:
        await adapter.complete(request)


@pytest.mark.parametrize("stream", [False, True])
async def test_a_header_http_cannot_carry_is_a_bad_request(stream: bool) -> None:
    endpoint = Endpoint(base_url="http://127.0.0.1:9/v1", options={"headers": {"X-Team": "café"}})
    request = ChatRequest(messages=(Message(role="user", content="hi"),), model="m")
    with pytest.raises(ProviderError) as caught:
        await _call(endpoint, request, stream=stream)
    assert caught.value.kind is FailureKind.BAD_REQUEST
