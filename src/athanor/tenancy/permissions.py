"""What each role may do, and what each API key scope allows. The one place for both."""

from __future__ import annotations

from enum import StrEnum

from athanor.tenancy.models import Role


class Permission(StrEnum):
    TENANT_READ = "tenant:read"
    TENANT_WRITE = "tenant:write"
    MEMBERS_READ = "members:read"
    MEMBERS_WRITE = "members:write"
    API_KEYS_OWN = "api_keys:own"
    API_KEYS_MANAGE = "api_keys:manage"
    AUDIT_READ = "audit:read"
    ENGINES_EXECUTE = "engines:execute"
    ENGINES_READ = "engines:read"
    ENGINES_WRITE = "engines:write"
    EXECUTIONS_READ_ALL = "executions:read_all"
    PROVIDERS_READ = "providers:read"
    PROVIDERS_MANAGE = "providers:manage"
    LEVELS_MANAGE = "levels:manage"
    WALLET_READ = "wallet:read"
    WALLET_MANAGE = "wallet:manage"
    WORKFLOWS_RUN = "workflows:run"
    WORKFLOWS_READ = "workflows:read"
    WORKFLOWS_WRITE = "workflows:write"
    FILES_READ = "files:read"
    FILES_WRITE = "files:write"
    ANALYTICS_READ = "analytics:read"


class Scope(StrEnum):
    """Scopes an API key can carry."""

    ENGINES_EXECUTE = "engines:execute"
    WORKFLOWS_RUN = "workflows:run"
    FILES_READ = "files:read"
    FILES_WRITE = "files:write"
    ADMIN = "admin"


_VIEWER = frozenset(
    {
        Permission.TENANT_READ,
        Permission.MEMBERS_READ,
        Permission.FILES_READ,
        Permission.ENGINES_READ,
        Permission.PROVIDERS_READ,
        Permission.WALLET_READ,
        Permission.WORKFLOWS_READ,
    }
)
_MEMBER = _VIEWER | {
    Permission.ENGINES_EXECUTE,
    Permission.WORKFLOWS_RUN,
    Permission.FILES_WRITE,
    Permission.API_KEYS_OWN,
}
_ADMIN = _MEMBER | {
    Permission.TENANT_WRITE,
    Permission.MEMBERS_WRITE,
    Permission.API_KEYS_MANAGE,
    Permission.AUDIT_READ,
    Permission.ENGINES_WRITE,
    Permission.WORKFLOWS_WRITE,
    Permission.EXECUTIONS_READ_ALL,
    Permission.PROVIDERS_MANAGE,
    Permission.LEVELS_MANAGE,
    Permission.WALLET_MANAGE,
    Permission.ANALYTICS_READ,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _VIEWER,
    Role.MEMBER: frozenset(_MEMBER),
    Role.ADMIN: frozenset(_ADMIN),
    Role.OWNER: frozenset(_ADMIN),
}

SCOPE_PERMISSIONS: dict[Scope, frozenset[Permission]] = {
    Scope.ENGINES_EXECUTE: frozenset(
        {Permission.ENGINES_EXECUTE, Permission.ENGINES_READ, Permission.WALLET_READ, Permission.TENANT_READ}
    ),
    Scope.WORKFLOWS_RUN: frozenset(
        {Permission.WORKFLOWS_RUN, Permission.WORKFLOWS_READ, Permission.TENANT_READ}
    ),
    Scope.FILES_READ: frozenset({Permission.FILES_READ, Permission.TENANT_READ}),
    Scope.FILES_WRITE: frozenset({Permission.FILES_READ, Permission.FILES_WRITE, Permission.TENANT_READ}),
    Scope.ADMIN: frozenset(_ADMIN),
}

# Roles an actor may hand out: only an owner makes owners.
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.OWNER: frozenset(Role),
    Role.ADMIN: frozenset({Role.ADMIN, Role.MEMBER, Role.VIEWER}),
    Role.MEMBER: frozenset(),
    Role.VIEWER: frozenset(),
}


def permissions_for(role: Role | None, scopes: list[str] | None = None) -> frozenset[Permission]:
    """A member's permissions, narrowed to an API key's scopes when it acts through one."""
    granted = ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()
    if scopes is None:
        return granted
    allowed: set[Permission] = set()
    for scope in scopes:
        allowed |= SCOPE_PERMISSIONS.get(Scope(scope), frozenset())
    return granted & allowed


def scopes_allowed_for(role: Role) -> frozenset[Scope]:
    """The scopes a member of this role may put on a key: those its role fully covers."""
    granted = ROLE_PERMISSIONS[role]
    return frozenset(scope for scope, needed in SCOPE_PERMISSIONS.items() if needed <= granted)
