"""API shapes of levels (plans), their restrictions, and a member's standing against them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool, field_validator

from athanor.catalog.schemas import ModelSlug
from athanor.core.schemas import JSON_INTEGER, Input, Output, Rate

Slug = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
Count = Annotated[int, Field(ge=0, le=10**15), JSON_INTEGER]
Positive = Annotated[int, Field(ge=1, le=10**15), JSON_INTEGER]
Period = Literal["month", "year", "none"]
Feature = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9_.:-]*$")]
Benefit = Annotated[str, Field(min_length=1, max_length=500)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


def _unique(values: list[str] | None) -> list[str] | None:
    return None if values is None else list(dict.fromkeys(values))


class Restrictions(Input):
    """What a level limits; an absent (null) restriction does not limit."""

    allowed_engines: Annotated[list[Slug], Field(max_length=500)] | None = None
    allowed_models: Annotated[list[ModelSlug], Field(max_length=500)] | None = None
    executions_per_day: Count | None = None
    concurrent_runs: Positive | None = None
    rate_limit: Rate | None = None
    storage_quota_bytes: Count | None = None
    max_output_tokens: Positive | None = None
    # How far below zero the member's wallet may go on a call.
    overdraft_tokens: Count | None = None

    _dedupe = field_validator("allowed_engines", "allowed_models")(_unique)


class LevelPricing(Input):
    """What the level costs and what it grants each period. Payment is not taken here."""

    price_cents: Count = 0
    currency: Currency = "USD"
    period: Period = "month"
    tokens_per_period: Count = 0


class _LevelFields(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    position: Annotated[int, Field(ge=0, le=10_000), JSON_INTEGER] = 0
    is_default: StrictBool = False
    features: Annotated[list[Feature], Field(max_length=200)] = Field(default_factory=list)
    pricing: LevelPricing = Field(default_factory=LevelPricing)
    restrictions: Restrictions = Field(default_factory=Restrictions)
    benefits: Annotated[list[Benefit], Field(max_length=100)] = Field(default_factory=list)
    upgrades_to: Annotated[list[Slug], Field(max_length=100)] = Field(default_factory=list)

    _dedupe = field_validator("features", "upgrades_to")(_unique)


class LevelCreate(_LevelFields):
    slug: Slug


class LevelUpdate(Input):
    """Only the fields sent change; `restrictions` and `pricing` are replaced as a whole."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    position: Annotated[int, Field(ge=0, le=10_000), JSON_INTEGER] | None = None
    is_default: StrictBool | None = None
    features: Annotated[list[Feature], Field(max_length=200)] | None = None
    pricing: LevelPricing | None = None
    restrictions: Restrictions | None = None
    benefits: Annotated[list[Benefit], Field(max_length=100)] | None = None
    upgrades_to: Annotated[list[Slug], Field(max_length=100)] | None = None

    _dedupe = field_validator("features", "upgrades_to")(_unique)


class LevelRead(Output):
    id: uuid.UUID
    slug: str
    name: str
    description: str
    position: int
    is_default: bool
    features: list[str]
    pricing: LevelPricing
    restrictions: Restrictions
    benefits: list[str]
    upgrades_to: list[str]
    created_at: datetime
    updated_at: datetime


class LevelAssign(Input):
    level: Slug


class SubscriptionRead(Output):
    user_id: uuid.UUID
    level: LevelRead
    period_start: datetime
    period_end: datetime | None


class Usage(Output):
    """Where the member stands against a restriction; `limit` is null when unlimited."""

    used: int
    limit: int | None


class MyLevel(Output):
    level: LevelRead | None
    subscribed: bool = Field(description="False when the tenant's default level applies")
    period_start: datetime | None
    period_end: datetime | None
    executions_today: Usage
    concurrent_runs: Usage
    tokens_available: int
