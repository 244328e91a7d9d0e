"""Which adapter speaks for which provider kind, and a pool that keeps one adapter (so one
pooled HTTP client) per deployment."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from enum import StrEnum

import orjson

from athanor.providers.anthropic import AnthropicAdapter
from athanor.providers.gemini import GeminiAdapter
from athanor.providers.mock import MockAdapter
from athanor.providers.openai_compat import OpenAICompatAdapter
from athanor.providers.types import Adapter, Endpoint


class ProviderKind(StrEnum):
    # Any OpenAI-compatible server: OpenAI, vLLM, Ollama, LM Studio, OpenRouter, Groq, ...
    OPENAI = "openai"
    AZURE_OPENAI = "azure_openai"
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"
    MOCK = "mock"


_DEFAULT_BASE_URLS = {
    ProviderKind.OPENAI: "https://api.openai.com/v1",
    ProviderKind.ANTHROPIC: "https://api.anthropic.com",
    ProviderKind.GEMINI: "https://generativelanguage.googleapis.com",
}


def default_base_url(kind: ProviderKind | str) -> str | None:
    """The public API of a provider; None for Azure (one URL per resource) and the mock."""
    return _DEFAULT_BASE_URLS.get(ProviderKind(kind))


def create_adapter(kind: ProviderKind | str, endpoint: Endpoint) -> Adapter:
    """A new adapter for `kind`; an endpoint without a base URL gets the provider's default."""
    kind = ProviderKind(kind)
    if not endpoint.base_url:
        endpoint = replace(endpoint, base_url=default_base_url(kind) or "")
    match kind:
        case ProviderKind.OPENAI:
            return OpenAICompatAdapter(endpoint)
        case ProviderKind.AZURE_OPENAI:
            return OpenAICompatAdapter(replace(endpoint, options={**endpoint.options, "azure": True}))
        case ProviderKind.ANTHROPIC:
            return AnthropicAdapter(endpoint)
        case ProviderKind.GEMINI:
            return GeminiAdapter(endpoint)
        case ProviderKind.MOCK:
            return MockAdapter(endpoint)


def endpoint_fingerprint(kind: ProviderKind | str, endpoint: Endpoint) -> str:
    """Changes whenever anything that shapes the client does (a rotated key included); a
    digest, so the pool's keys hold no secret."""
    material = [str(kind), endpoint.base_url, endpoint.api_key, endpoint.options, endpoint.timeout_seconds]
    return hashlib.sha256(orjson.dumps(material, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


@dataclass(eq=False)
class _Entry:
    fingerprint: str
    adapter: Adapter
    leases: int = 0
    retired: bool = False
    closed: bool = False

    async def close_if_idle(self) -> None:
        if self.retired and self.leases == 0 and not self.closed:
            self.closed = True
            await self.adapter.close()


class AdapterPool:
    """One adapter per deployment key, replaced when the deployment's endpoint changes.

    Adapters are used through `lease()`: a replaced adapter stays open until its last lease
    ends, so rotating a credential never cuts a request or stream in flight.
    """

    def __init__(self, factory: Callable[[ProviderKind, Endpoint], Adapter] = create_adapter) -> None:
        self._factory = factory
        self._entries: dict[str, _Entry] = {}

    @asynccontextmanager
    async def lease(self, key: str, kind: ProviderKind | str, endpoint: Endpoint) -> AsyncIterator[Adapter]:
        """The deployment's adapter, for the duration of the block."""
        entry, replaced = self._checkout(key, ProviderKind(kind), endpoint)
        try:
            if replaced is not None:
                await replaced.close_if_idle()
            yield entry.adapter
        finally:
            entry.leases -= 1
            await entry.close_if_idle()

    def _checkout(self, key: str, kind: ProviderKind, endpoint: Endpoint) -> tuple[_Entry, _Entry | None]:
        # No await in here: the lookup, replacement and lease count happen as one step.
        fingerprint = endpoint_fingerprint(kind, endpoint)
        current = self._entries.get(key)
        replaced = None
        if current is None or current.fingerprint != fingerprint:
            # Built before anything changes: a factory that raises leaves the pool as it was.
            fresh = _Entry(fingerprint, self._factory(kind, endpoint))
            replaced, current = current, fresh
            self._entries[key] = fresh
            if replaced is not None:
                replaced.retired = True
        current.leases += 1
        return current, replaced

    async def remove(self, key: str) -> None:
        """Forget a deleted deployment; its adapter closes once idle."""
        entry = self._entries.pop(key, None)
        if entry is not None:
            entry.retired = True
            await entry.close_if_idle()

    async def aclose(self) -> None:
        """Close every adapter, leased or not: the process is shutting down."""
        entries, self._entries = list(self._entries.values()), {}
        for entry in entries:
            entry.retired = entry.closed = True
            await entry.adapter.close()
