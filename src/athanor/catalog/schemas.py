"""API shapes of providers, the model catalog with prices, deployments and routing."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, StrictBool, field_validator

from athanor.core.schemas import JSON_INTEGER, Input, Output
from athanor.providers.registry import ProviderKind
from athanor.providers.types import FailureKind
from athanor.routing.types import Strategy

# Model slugs carry dots and colons ("gpt-4.1-mini", "llama3:8b").
ModelSlug = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
Capability = Literal["chat", "streaming", "tools", "json", "vision", "embeddings"]
# Micro-dollars per million tokens: $2.50/M is 2_500_000.
Price = Annotated[int, Field(ge=0, le=10**12), JSON_INTEGER]
Tokens = Annotated[int, Field(ge=0, le=10**9), JSON_INTEGER]
# Basis points over the catalog price: 2000 is +20 %, -5000 is half price.
MarkupBps = Annotated[int, Field(ge=-10_000, le=1_000_000), JSON_INTEGER]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Timeout = Annotated[float, Field(ge=1, le=600)]

# Credentials go in `api_key` (sealed), never in headers (stored and shown in clear).
_SECRET_HEADER = re.compile(r"authorization|cookie|key|token|secret|password", re.IGNORECASE)
HeaderName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
HeaderValue = Annotated[str, Field(max_length=1000, pattern=r"^[^\r\n]*$")]


def _http_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError("not a URL") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("write an http:// or https:// address")
    if parts.username or parts.password:
        # The URL is stored in clear; credentials belong in api_key.
        raise ValueError("put credentials in api_key, not in the address")
    if parts.fragment or (port is not None and not 0 < port < 65536):
        raise ValueError("not a valid address")
    return value.rstrip("/")


BaseUrl = Annotated[
    str, Field(max_length=2000, examples=["https://api.openai.com/v1"]), AfterValidator(_http_url)
]
ApiKey = Annotated[SecretStr, Field(min_length=1, max_length=1000, description="Write-only; never returned")]


# Provider options, one model per kind; unknown options are refused.


class CommonOptions(Input):
    headers: Annotated[dict[HeaderName, HeaderValue], Field(max_length=20)] = Field(default_factory=dict)

    @field_validator("headers")
    @classmethod
    def _no_credentials(cls, headers: dict[str, str]) -> dict[str, str]:
        if any(_SECRET_HEADER.search(name) for name in headers):
            raise ValueError("credentials belong in api_key, not in headers")
        return headers


class OpenAIOptions(CommonOptions):
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] | None = None


class AzureOptions(OpenAIOptions):
    api_version: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$", examples=["2024-10-21"])]


class MockOptions(CommonOptions):
    latency_ms: Annotated[int, Field(ge=0, le=600_000), JSON_INTEGER] | None = None
    chunk_delay_ms: Annotated[int, Field(ge=0, le=60_000), JSON_INTEGER] | None = None
    fail_with: FailureKind | None = None
    fail_rate: Annotated[float, Field(ge=0, le=1)] | None = None
    dimensions: Annotated[int, Field(ge=1, le=8192), JSON_INTEGER] | None = None


OPTIONS_BY_KIND: dict[ProviderKind, type[CommonOptions]] = {
    ProviderKind.OPENAI: OpenAIOptions,
    ProviderKind.AZURE_OPENAI: AzureOptions,
    ProviderKind.ANTHROPIC: CommonOptions,
    ProviderKind.GEMINI: CommonOptions,
    ProviderKind.MOCK: MockOptions,
}


class ProviderCreate(Input):
    kind: ProviderKind
    name: Name
    base_url: BaseUrl | None = Field(default=None, description="The provider's public API when omitted")
    api_key: ApiKey | None = None
    options: dict[str, Any] = Field(default_factory=dict, description="Checked against the kind")
    timeout_seconds: Timeout = 60.0
    enabled: StrictBool = True


class ProviderUpdate(Input):
    """Only the fields sent change. A new `api_key` replaces the old one; `null` removes it."""

    name: Name | None = None
    base_url: BaseUrl | None = None
    api_key: ApiKey | None = None
    options: dict[str, Any] | None = None
    timeout_seconds: Timeout | None = None
    enabled: StrictBool | None = None


class ProviderRead(Output):
    id: uuid.UUID
    kind: ProviderKind
    name: str
    base_url: str
    options: dict[str, Any]
    timeout_seconds: float
    enabled: bool
    shared: bool = Field(description="Offered by the platform to every tenant")
    has_api_key: bool
    api_key_hint: str | None = Field(description="The key's last characters, to tell keys apart")
    last_tested_at: datetime | None
    last_test_ok: bool | None
    last_test_error: str | None
    created_at: datetime
    updated_at: datetime


class ProviderTest(Input):
    model: ModelSlug | None = Field(default=None, description="Upstream model; a deployment's by default")


class ProviderTestResult(Output):
    ok: bool
    latency_ms: int
    error: str | None = Field(description="A FailureKind, or decryption_failed")
    message: str | None


# The catalog


class PriceSet(Output):
    """Micro-dollars per million tokens."""

    input: int
    output: int
    cached: int


def _chat_only() -> list[Capability]:
    return ["chat"]


class _ModelFields(Input):
    name: Name
    vendor: Annotated[str, Field(min_length=1, max_length=64)]
    context_window: Annotated[int, Field(ge=1, le=10**9), JSON_INTEGER] = 8192
    max_output_tokens: Tokens = 4096
    capabilities: Annotated[list[Capability], Field(max_length=6)] = Field(default_factory=_chat_only)
    input_price: Price = 0
    output_price: Price = 0
    cached_price: Price = 0
    active: StrictBool = True

    @field_validator("capabilities")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return sorted(set(values))


class ModelCreate(_ModelFields):
    slug: ModelSlug


class ModelUpdate(Input):
    """The slug does not change: engines and levels refer to models by it."""

    name: Name | None = None
    vendor: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    context_window: Annotated[int, Field(ge=1, le=10**9), JSON_INTEGER] | None = None
    max_output_tokens: Tokens | None = None
    capabilities: Annotated[list[Capability], Field(max_length=6)] | None = None
    input_price: Price | None = None
    output_price: Price | None = None
    cached_price: Price | None = None
    active: StrictBool | None = None

    @field_validator("capabilities")
    @classmethod
    def _unique(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else sorted(set(values))


class PriceOverrideSet(Input):
    """Fixed prices where given, else the catalog price with the markup."""

    markup_bps: MarkupBps = 0
    input_price: Price | None = None
    output_price: Price | None = None
    cached_price: Price | None = None


class PriceOverrideRead(Output):
    markup_bps: int
    input_price: int | None
    output_price: int | None
    cached_price: int | None


class ModelRead(Output):
    id: uuid.UUID
    slug: str
    name: str
    vendor: str
    context_window: int
    max_output_tokens: int
    capabilities: list[str]
    active: bool
    catalog_prices: PriceSet
    prices: PriceSet = Field(description="What this tenant pays: the catalog price or its own")
    override: PriceOverrideRead | None


# Deployments


class DeploymentCreate(Input):
    model: Annotated[str, Field(min_length=1, max_length=120, description="Catalog id or slug")]
    provider_id: uuid.UUID
    name: Name | None = None
    upstream_model: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="The provider's name for the model; the slug by default"
    )
    weight: Annotated[int, Field(ge=1, le=1000), JSON_INTEGER] = 1
    priority: Annotated[int, Field(ge=0, le=1000), JSON_INTEGER] = 0
    enabled: StrictBool = True
    cost_per_mtok: Price | None = None


class DeploymentUpdate(Input):
    model: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    provider_id: uuid.UUID | None = None
    name: Name | None = None
    upstream_model: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    weight: Annotated[int, Field(ge=1, le=1000), JSON_INTEGER] | None = None
    priority: Annotated[int, Field(ge=0, le=1000), JSON_INTEGER] | None = None
    enabled: StrictBool | None = None
    cost_per_mtok: Price | None = None


class DeploymentRead(Output):
    id: uuid.UUID
    name: str
    model_id: uuid.UUID
    model_slug: str
    provider_id: uuid.UUID
    upstream_model: str
    weight: int
    priority: int
    enabled: bool
    cost_per_mtok: int | None
    shared: bool
    created_at: datetime
    updated_at: datetime


MetricsBucket = Literal["minute", "hour"]


class MetricFigures(Output):
    requests: int
    errors: int
    error_rate: float
    prompt_tokens: int
    completion_tokens: int
    cost_nanos: int
    p50_latency_ms: float | None
    p95_latency_ms: float | None
    p50_ttft_ms: float | None


class MetricPoint(MetricFigures):
    bucket_start: datetime


class DeploymentMetrics(Output):
    deployment_id: uuid.UUID
    bucket: MetricsBucket
    since: datetime
    points: list[MetricPoint] = Field(description="Buckets with traffic, oldest first")
    total: MetricFigures


# Routing


class RoutingUpdate(Input):
    strategy: Strategy | None = Field(description="null returns to the platform default")


class RoutingRead(Output):
    strategy: Strategy = Field(description="The strategy in effect")
    configured: bool = Field(description="False when the platform default applies")
