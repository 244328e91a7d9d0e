"""The authenticated caller of a request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from athanor.apikeys.models import ApiKey
from athanor.audit.service import Actor
from athanor.auth.models import AuthSession, User
from athanor.tenancy.models import Role
from athanor.tenancy.permissions import Permission

Via = Literal["cookie", "bearer", "api_key"]


@dataclass(frozen=True, slots=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None
    request_id: str | None

    def actor(self, user_id: uuid.UUID | None = None) -> Actor:
        return Actor(user_id=user_id, ip=self.ip, user_agent=self.user_agent, request_id=self.request_id)


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    via: Via
    client: ClientInfo
    tenant_id: uuid.UUID | None = None
    role: Role | None = None
    permissions: frozenset[Permission] = frozenset()
    auth_session: AuthSession | None = None
    api_key: ApiKey | None = None
    # The tenant is suspended: its data is closed (see `require`), the account is not.
    tenant_suspended: bool = False

    @property
    def impersonator_id(self) -> uuid.UUID | None:
        return self.auth_session.impersonator_id if self.auth_session else None

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def actor(self) -> Actor:
        return Actor(
            user_id=self.user.id,
            api_key_id=self.api_key.id if self.api_key else None,
            admin_id=self.impersonator_id,
            ip=self.client.ip,
            user_agent=self.client.user_agent,
            request_id=self.client.request_id,
        )


@dataclass(frozen=True, slots=True)
class CachedPrincipal:
    """An API key's principal as recently resolved, and when its secret stops working."""

    principal: Principal
    valid_until: datetime | None
