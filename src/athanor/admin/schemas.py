from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StrictInt

from athanor.core.schemas import Input, Output
from athanor.tenancy.models import TenantStatus
from athanor.tenancy.schemas import Slug


class AdminTenantCreate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    slug: Slug | None = None
    owner_email: EmailStr


class SuspendRequest(Input):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


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
    minutes: Annotated[StrictInt, Field(ge=1, le=60)] = 15
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class ImpersonationRead(Output):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    user_id: uuid.UUID
    tenant_id: uuid.UUID | None
    expires_at: datetime
