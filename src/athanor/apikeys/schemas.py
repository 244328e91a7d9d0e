from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator

from athanor.core.schemas import JSON_INTEGER, Input, Output, Rate, Timestamp
from athanor.db.types import utcnow
from athanor.tenancy.permissions import Scope

MAX_GRACE_SECONDS = 7 * 24 * 3600


class ApiKeyCreate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(Scope))]
    expires_at: Timestamp | None = None
    rate_limit: Rate | None = None

    @field_validator("scopes")
    @classmethod
    def _unique(cls, scopes: list[Scope]) -> list[Scope]:
        return sorted(set(scopes))

    @field_validator("expires_at")
    @classmethod
    def _in_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value <= utcnow():
            raise ValueError("the expiry must be in the future")
        return value


class ApiKeyRotate(Input):
    grace_seconds: Annotated[int, Field(ge=0, le=MAX_GRACE_SECONDS), JSON_INTEGER] = 24 * 3600


class ApiKeyRead(Output):
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    prefix: str
    scopes: list[Scope]
    rate_limit: str | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    usage_count: int
    status: Literal["active", "expired", "revoked"]
    created_at: datetime


class ApiKeyCreated(ApiKeyRead):
    secret: str = Field(description="The key itself. It is shown only once.")
