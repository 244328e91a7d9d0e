"""API shapes of providers, the model catalog with prices, deployments and routing."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, StrictBool, field_validator
from pydantic_core import PydanticCustomError

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


def _json_number(value: object) -> object:
    # JSON numbers only: "0.5" and true are not numbers.
    if isinstance(value, bool | str | bytes):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


JSON_NUMBER = BeforeValidator(_json_number)
Timeout = Annotated[float, Field(ge=1, le=600), JSON_NUMBER]

# Credentials go in `api_key` (sealed), never in headers (stored and shown in clear).
_SECRET_HEADER = re.compile(r"authorization|cookie|key|token|secret|password", re.IGNORECASE)
HeaderName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
# Visible ASCII and spaces: what an HTTP client can send as a header value.
HeaderValue = Annotated[str, Field(max_length=1000, pattern=r"^[\x20-\x7e]*$")]


def _http_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError:
        raise ValueError("not a URL") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.username or parts.fragment:
        raise ValueError("write an http:// or https:// address")
    return value.rstrip("/")


_PORT = r"([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
# No user:password@ (the URL is stored in clear; keys go in api_key), no query or fragment.
BaseUrl = Annotated[
    str,
    Field(
        max_length=2000,
        pattern=rf"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::{_PORT})?(?:/[^\s?#]*)?$",
        examples=["https://api.openai.com/v1"],
    ),
    AfterValidator(_http_url),
]
ApiKey = Annotated[SecretStr, Field(min_length=1, max_length=1000, description="Write-only; never returned")]


# Provider options, one model per kind; unknown options are refused.


class CommonOptions(Input):
    headers: Annotated[dict[HeaderName, HeaderValue], Field(max_length=20)] = Field(
        default_factory=dict,
        description="Extra HTTP headers; credentials belong in api_key",
        # Names outside the pattern are refused, not merely unconstrained.
        json_schema_extra={"additionalProperties": False},
    )

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
    fail_rate: Annotated[float, Field(ge=0, le=1), JSON_NUMBER] | None = None
    dimensions: Annotated[int, Field(ge=1, le=8192), JSON_INTEGER] | None = None


# A provider's body has one shape per kind (its options differ, Azure needs its address),
# told apart by `kind`; errors name the kind in their path, e.g. body.azure_openai.options.


class _ProviderFields(Input):
    name: Name
    base_url: BaseUrl | None = Field(default=None, description="The provider's public API when omitted")
    api_key: ApiKey | None = None
    timeout_seconds: Timeout = 60.0
    enabled: StrictBool = True


class OpenAIProviderCreate(_ProviderFields):
    """OpenAI or any OpenAI-compatible server (vLLM, Ollama, OpenRouter, LM Studio, Groq...)."""

    kind: Literal["openai"]
    options: OpenAIOptions = Field(default_factory=OpenAIOptions)


class AzureProviderCreate(_ProviderFields):
    kind: Literal["azure_openai"]
    base_url: BaseUrl = Field(description="The resource's endpoint, e.g. https://name.openai.azure.com")
    options: AzureOptions


class AnthropicProviderCreate(_ProviderFields):
    kind: Literal["anthropic"]
    options: CommonOptions = Field(default_factory=CommonOptions)


class GeminiProviderCreate(_ProviderFields):
    kind: Literal["gemini"]
    options: CommonOptions = Field(default_factory=CommonOptions)


class MockProviderCreate(_ProviderFields):
    """The built-in offline provider."""

    kind: Literal["mock"]
    options: MockOptions = Field(default_factory=MockOptions)


ProviderCreate = Annotated[
    OpenAIProviderCreate
    | AzureProviderCreate
    | AnthropicProviderCreate
    | GeminiProviderCreate
    | MockProviderCreate,
    Field(discriminator="kind"),
]


class _ProviderPatch(Input):
    """Only the fields sent change. A new `api_key` replaces the old one, `null` removes it;
    `options` are replaced as a whole. `kind` must be the provider's (it never changes)."""

    name: Name | None = None
    base_url: BaseUrl | None = None
    api_key: ApiKey | None = None
    timeout_seconds: Timeout | None = None
    enabled: StrictBool | None = None


class OpenAIProviderUpdate(_ProviderPatch):
    kind: Literal["openai"]
    options: OpenAIOptions | None = None


class AzureProviderUpdate(_ProviderPatch):
    kind: Literal["azure_openai"]
    options: AzureOptions | None = None


class AnthropicProviderUpdate(_ProviderPatch):
    kind: Literal["anthropic"]
    options: CommonOptions | None = None


class GeminiProviderUpdate(_ProviderPatch):
    kind: Literal["gemini"]
    options: CommonOptions | None = None


class MockProviderUpdate(_ProviderPatch):
    kind: Literal["mock"]
    options: MockOptions | None = None


ProviderUpdate = Annotated[
    OpenAIProviderUpdate
    | AzureProviderUpdate
    | AnthropicProviderUpdate
    | GeminiProviderUpdate
    | MockProviderUpdate,
    Field(discriminator="kind"),
]


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
