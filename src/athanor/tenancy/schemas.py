from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from athanor.core.schemas import Email, Input, Output
from athanor.exports.render.formats import ExportFormat
from athanor.routing.types import Strategy
from athanor.tenancy.models import Role, TenantStatus

HexColour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", examples=["#4f46e5"])]
Slug = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
Language = Literal["en", "es", "ar"]


class ThemeColours(Input):
    """Brand colours as design tokens; the UI derives readable text colours from them."""

    primary: HexColour = "#4f46e5"
    accent: HexColour = "#0ea5e9"
    background: HexColour | None = None
    surface: HexColour | None = None


class Theme(Input):
    brand_name: Annotated[str, Field(max_length=80)] | None = None
    logo_url: Annotated[str, Field(max_length=2000, pattern=r"^(https://|/)")] | None = None
    colours: ThemeColours = Field(default_factory=ThemeColours)
    default_mode: Literal["light", "dark", "system"] = "system"


class ExportDefaults(Input):
    """What a new export uses unless it says otherwise, and where results are saved."""

    template: Slug = "classic"
    format: ExportFormat = ExportFormat.PDF
    bucket: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")] = "exports"
    folder: Annotated[str, Field(max_length=200)] = ""


class TenantSettings(Input):
    theme: Theme = Field(default_factory=Theme)
    default_language: Language = "en"
    allow_private_network_requests: StrictBool = False
    # How the tenant's calls pick among deployments (engines may choose their own).
    routing_strategy: Strategy | None = None
    exports: ExportDefaults = Field(default_factory=ExportDefaults)


class TenantCreate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    slug: Slug | None = None


class TenantUpdate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    settings: TenantSettings | None = None


class TenantRead(Output):
    id: uuid.UUID
    name: str
    slug: str
    status: TenantStatus
    settings: TenantSettings
    created_at: datetime


class MyTenant(Output):
    id: uuid.UUID
    name: str
    slug: str
    status: TenantStatus
    role: Role


class MemberRead(Output):
    id: uuid.UUID
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    created_at: datetime


class MemberUpdate(Input):
    role: Role


class InvitationCreate(Input):
    email: Email
    role: Role = Role.MEMBER


class InvitationRead(Output):
    id: uuid.UUID
    email: str
    role: Role
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class InvitationAccept(Input):
    token: Annotated[str, Field(min_length=10, max_length=200)]
    # Needed only when the invited address has no account yet.
    name: Annotated[str, Field(max_length=200)] | None = None
    password: Annotated[str, Field(min_length=10, max_length=200)] | None = None
