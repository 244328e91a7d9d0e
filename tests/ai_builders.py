"""Builders for the AI path: a model, provider deployments and tokens for a member."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from athanor.catalog.models import AiModel, Deployment, ProviderConnection
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.wallet import service as wallet
from athanor.wallet.models import AccountKind

MODEL = "mock-small"


async def ensure_model(runtime: Runtime, slug: str = MODEL, **fields: Any) -> uuid.UUID:
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        model = await session.scalar(select(AiModel).where(AiModel.slug == slug))
        if model is None:
            model = AiModel(
                slug=slug,
                name=slug,
                vendor="athanor",
                context_window=32_000,
                max_output_tokens=4096,
                capabilities=["chat", "streaming", "tools", "json"],
                input_price=100_000,
                output_price=400_000,
                cached_price=50_000,
                **fields,
            )
            session.add(model)
            await session.flush()
        return model.id


async def add_deployment(
    runtime: Runtime,
    tenant_id: uuid.UUID,
    *,
    kind: str = "mock",
    base_url: str = "mock://local",
    options: dict[str, Any] | None = None,
    model: str = MODEL,
    upstream_model: str = MODEL,
    name: str = "mock",
    priority: int = 0,
    weight: int = 1,
) -> uuid.UUID:
    model_id = await ensure_model(runtime, model)
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():
        connection = ProviderConnection(name=name, kind=kind, base_url=base_url, options=options or {})
        session.add(connection)
        await session.flush()
        deployment = Deployment(
            name=name,
            model_id=model_id,
            provider_id=connection.id,
            upstream_model=upstream_model,
            priority=priority,
            weight=weight,
        )
        session.add(deployment)
        await session.flush()
        return deployment.id


async def give_tokens(runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID, amount: int) -> None:
    async with runtime.db.session(DbScope.for_tenant(tenant_id, user_id)) as session, session.begin():
        holder = await wallet.account(session, AccountKind.USER, user_id)
        await wallet.top_up(
            session, target=holder, amount=amount, idempotency_key=f"test-top-up:{uuid.uuid4()}"
        )


async def balance_of(runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID) -> tuple[int, int]:
    """(balance, held) of a member's wallet."""
    async with runtime.db.session(DbScope.for_tenant(tenant_id, user_id)) as session, session.begin():
        holder = await wallet.account(session, AccountKind.USER, user_id)
        return holder.balance, holder.held


async def api_key_for(
    runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID, rate_limit: str | None = None
) -> str:
    from athanor.apikeys import service as apikeys
    from athanor.tenancy.models import Role
    from athanor.tenancy.permissions import Scope

    async with runtime.db.session(DbScope.for_tenant(tenant_id, user_id)) as session, session.begin():
        _key, secret = await apikeys.create_key(
            session,
            user_id=user_id,
            role=Role.OWNER,
            data=apikeys.NewKey(
                name="gateway", scopes=[Scope.ENGINES_EXECUTE], expires_at=None, rate_limit=rate_limit
            ),
            token_key=runtime.token_key,
        )
    return secret
