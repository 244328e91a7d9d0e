"""API shapes of engines, their versions, and executions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from athanor.core.schemas import JSON_INTEGER, Input, Output
from athanor.engines.models import ExecutionSource, ExecutionStatus, VersionStatus
from athanor.routing.types import Strategy

Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Temperature = Annotated[float, Field(ge=0, le=2)]
MaxTokens = Annotated[int, Field(ge=1, le=1_000_000), JSON_INTEGER]


class Parameters(Input):
    temperature: Temperature | None = None
    top_p: Annotated[float, Field(gt=0, le=1)] | None = None
    max_tokens: MaxTokens | None = None
    stop: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=4)] = Field(
        default_factory=list
    )


class VersionSpec(Input):
    """Everything a version defines; published versions never change."""

    model: Annotated[str, Field(min_length=1, max_length=120)]
    system_prompt: Annotated[str, Field(max_length=100_000)] = ""
    prompt_template: Annotated[str, Field(min_length=1, max_length=100_000)]
    input_schema: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    output_schema: dict[str, Any] | None = None
    parameters: Parameters = Field(default_factory=Parameters)
    routing_strategy: Strategy | None = None
    notes: Annotated[str, Field(max_length=2000)] = ""


class EngineCreate(Input):
    slug: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    version: VersionSpec


class EngineUpdate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None


class VersionRead(Output):
    id: uuid.UUID
    number: int
    status: VersionStatus
    model: str
    system_prompt: str
    prompt_template: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None
    parameters: dict[str, Any]
    routing_strategy: Strategy | None
    notes: str
    created_at: datetime
    published_at: datetime | None


class EngineRead(Output):
    id: uuid.UUID
    slug: str
    name: str
    description: str
    published_version: int | None
    latest_version: int
    created_at: datetime
    updated_at: datetime


class EngineDetail(EngineRead):
    versions: list[VersionRead]


class FieldChange(Output):
    field: str
    before: Any
    after: Any
    # A unified diff for text fields (prompts), empty for the rest.
    diff: str = ""


class VersionDiff(Output):
    from_version: int
    to_version: int
    changes: list[FieldChange]


class Assignments(Input):
    user_ids: Annotated[list[uuid.UUID], Field(max_length=1000)] = Field(default_factory=list)
    level_ids: Annotated[list[uuid.UUID], Field(max_length=100)] = Field(default_factory=list)


class AssignmentsRead(Output):
    user_ids: list[uuid.UUID]
    level_ids: list[uuid.UUID]


class ExecuteRequest(Input):
    inputs: dict[str, Any] = Field(default_factory=dict)
    stream: bool = False


class PlaygroundRequest(ExecuteRequest):
    # A draft or any earlier version; the latest when omitted.
    version: Annotated[int, Field(ge=1), JSON_INTEGER] | None = None


class ExecutionRead(Output):
    id: uuid.UUID
    user_id: uuid.UUID
    engine_id: uuid.UUID | None
    engine_version_id: uuid.UUID | None
    model_slug: str
    deployment_id: uuid.UUID | None
    source: ExecutionSource
    status: ExecutionStatus
    stream: bool
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    charged_tokens: int
    cost_nanos: int
    latency_ms: int | None
    ttft_ms: int | None
    error_code: str | None
    error_message: str | None
    quality_score: float | None
    created_at: datetime
    finished_at: datetime | None


class ExecutionDetail(ExecutionRead):
    inputs: dict[str, Any]
    output: Any
    attempts: list[dict[str, Any]]


class ExecutionResult(Output):
    """The answer of an engine run through Athanor's own API."""

    execution_id: uuid.UUID
    output: Any
    text: str | None
    usage: dict[str, int]
    charged_tokens: int
    # Tokens left in the caller's wallet; absent on an idempotent replay.
    balance: int | None = None
