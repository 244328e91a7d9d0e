"""The demo tenant that `make run` starts with. Running it again changes nothing."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.apikeys import service as apikeys_service
from athanor.apikeys.exceptions import ApiKeyInvalid
from athanor.apikeys.models import ApiKey
from athanor.auth import service as auth_service
from athanor.db.scope import DbScope, set_scope
from athanor.demo_ai import seed_ai_demo
from athanor.runtime import Runtime
from athanor.storage.seed_data import seed_files
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.models import Role, Tenant
from athanor.tenancy.permissions import Scope
from athanor.workflows.seed_data import seed_templates

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "athanor-demo-password"
DEMO_TENANT_SLUG = "demo"
DEMO_KEY_NAME = "Demo key (all scopes)"


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    url: str
    email: str
    password: str
    tenant_id: str
    api_key: str


async def seed_demo(runtime: Runtime) -> DemoCredentials:
    """Demo tenant, its owner (a super admin) and an API key holding every scope."""
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        user = await auth_service.find_user_by_email(session, DEMO_EMAIL)
        if user is None:
            user = await auth_service.create_user(
                session,
                email=DEMO_EMAIL,
                password=DEMO_PASSWORD,
                name="Demo Admin",
                verified=True,
                superadmin=True,
            )
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == DEMO_TENANT_SLUG))
        if tenant is None:
            tenant = await tenancy_service.create_tenant(
                session, name="Demo", owner=user, slug=DEMO_TENANT_SLUG
            )
        await set_scope(session, DbScope.for_tenant(tenant.id, user.id))
        secret = await _demo_key(session, runtime, tenant.id, user.id)
        await set_scope(session, DbScope.for_tenant(tenant.id, user.id))
        await seed_ai_demo(session, user.id)
        await set_scope(session, DbScope.for_platform(user.id))
        await seed_templates(session)
    await seed_files(runtime, tenant.id, user.id)
    return DemoCredentials(
        url=runtime.settings.public_url,
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        tenant_id=str(tenant.id),
        api_key=secret,
    )


async def _demo_key(session: AsyncSession, runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID) -> str:
    """Reuse the saved demo key while it works; otherwise make a new one."""
    saved = runtime.settings.data_dir / "demo-api-key.json"
    if saved.exists():
        secret = str(json.loads(saved.read_text()).get("api_key", ""))
        try:
            key = await apikeys_service.resolve_key(session, secret=secret, token_key=runtime.token_key)
        except ApiKeyInvalid:
            key = None
        if key is not None and key.tenant_id == tenant_id:
            return secret
        await set_scope(session, DbScope.for_tenant(tenant_id, user_id))
    for old in (await session.scalars(select(ApiKey).where(ApiKey.name == DEMO_KEY_NAME))).all():
        await apikeys_service.revoke_key(session, key=old)
    _key, secret = await apikeys_service.create_key(
        session,
        user_id=user_id,
        role=Role.OWNER,
        data=apikeys_service.NewKey(name=DEMO_KEY_NAME, scopes=list(Scope), expires_at=None, rate_limit=None),
        token_key=runtime.token_key,
    )
    runtime.settings.data_dir.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps({"api_key": secret}))
    saved.chmod(0o600)
    return secret


def credentials_json(credentials: DemoCredentials) -> str:
    return json.dumps(asdict(credentials))
