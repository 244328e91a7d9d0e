from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from athanor.core.schemas import JSON_INTEGER, Email, Input, Output
from athanor.tenancy.models import TenantStatus
from athanor.tenancy.schemas import Slug


class AdminTenantCreate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    slug: Slug | None = None
    owner_email: Email


class SuspendRequest(Input):
    reason: Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")]


class AdminTenantRead(Output):
    id: uuid.UUID
    name: str
    slug: str
    status: TenantStatus
    suspended_reason: str | None
    created_at: datetime


class AdminUserRead(Output):
    id: uuid.UUID
    email: str
    name: str
    email_verified: bool
    is_superadmin: bool
    is_active: bool
    locked: bool
    last_login_at: datetime | None
    created_at: datetime


class ImpersonationCreate(Input):
    user_id: uuid.UUID
    tenant_id: uuid.UUID | None = None
    minutes: Annotated[int, Field(ge=1, le=60), JSON_INTEGER] = 15
    reason: Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")]


class ImpersonationRead(Output):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    user_id: uuid.UUID
    tenant_id: uuid.UUID | None
    expires_at: datetime
