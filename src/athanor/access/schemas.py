from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from athanor.core.schemas import Email, Input, Output
from athanor.tenancy.models import Role

Password = Annotated[str, Field(min_length=10, max_length=200)]
Locale = Literal["en", "es", "ar"]


class RegisterRequest(Input):
    email: Email
    password: Password
    name: Annotated[str, Field(max_length=200)] = ""
    locale: Locale | None = None


class LoginRequest(Input):
    email: Annotated[str, Field(min_length=3, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=200)]
    tenant_id: uuid.UUID | None = None


class TokenRequest(Input):
    email: Annotated[str, Field(min_length=3, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class TokenInput(Input):
    token: Annotated[str, Field(min_length=10, max_length=200)]


class ForgotPasswordRequest(Input):
    email: Email


class ResetPasswordRequest(Input):
    token: Annotated[str, Field(min_length=10, max_length=200)]
    password: Password


class ChangePasswordRequest(Input):
    current_password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Password


class SwitchTenantRequest(Input):
    tenant_id: uuid.UUID


class ProfileUpdate(Input):
    name: Annotated[str, Field(max_length=200)] | None = None
    locale: Locale | None = None


class UserRead(Output):
    id: uuid.UUID
    email: str
    name: str
    locale: str | None
    email_verified: bool
    is_superadmin: bool
    created_at: datetime


class MembershipSummary(Output):
    tenant_id: uuid.UUID
    tenant_name: str
    role: Role


class MeRead(Output):
    user: UserRead
    tenant_id: uuid.UUID | None
    role: Role | None
    permissions: list[str]
    via: Literal["cookie", "bearer", "api_key"]
    impersonator_id: uuid.UUID | None
    memberships: list[MembershipSummary]


class SessionRead(Output):
    user: UserRead
    tenant_id: uuid.UUID | None
    csrf_token: str
    expires_at: datetime


class TokenRead(Output):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    tenant_id: uuid.UUID | None


class Accepted(Output):
    status: Literal["accepted"] = "accepted"
