"""Which deployments can serve a call, at which price, tried in which order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.catalog.models import AiModel, Deployment, ModelPriceOverride, ProviderConnection
from athanor.catalog.pricing import Prices, tenant_prices
from athanor.execution.exceptions import ModelNotFound, NoDeployment
from athanor.routing.types import DEFAULT_STRATEGY, Candidate, Strategy
from athanor.tenancy.models import Tenant


@dataclass(frozen=True, slots=True)
class Target:
    """What a candidate needs for its call; the endpoint is decrypted only when it is tried."""

    deployment: Deployment
    connection: ProviderConnection


@dataclass(frozen=True, slots=True)
class Plan:
    model: AiModel
    prices: Prices
    candidates: tuple[Candidate, ...]
    strategy: Strategy

    @property
    def route_key(self) -> str:
        return f"model:{self.model.slug}"


async def model_by_slug(session: AsyncSession, slug: str) -> AiModel:
    model = await session.scalar(select(AiModel).where(AiModel.slug == slug, AiModel.active.is_(True)))
    if model is None:
        raise ModelNotFound(params={"model": slug})
    return model


async def plan_for(
    session: AsyncSession, *, tenant_id: uuid.UUID, model: AiModel, strategy: Strategy | None = None
) -> Plan:
    """The tenant's own deployments of the model and the platform's shared ones."""
    override = await session.scalar(select(ModelPriceOverride).where(ModelPriceOverride.model_id == model.id))
    rows = (
        await session.execute(
            select(Deployment, ProviderConnection)
            .join(ProviderConnection, ProviderConnection.id == Deployment.provider_id)
            .where(
                Deployment.model_id == model.id,
                Deployment.enabled.is_(True),
                ProviderConnection.enabled.is_(True),
            )
            .order_by(Deployment.priority, Deployment.id)
        )
    ).all()
    if not rows:
        raise NoDeployment(params={"model": model.slug})
    # Plans are cached across requests: their rows leave the session, so that a later
    # rollback in it cannot expire them under another request.
    for item in {model, override, *(value for row in rows for value in row)} - {None}:
        session.expunge(item)
    prices = tenant_prices(model, override)
    # Metrics price calls in nano-dollars per token pair; a blended figure is enough to compare.
    blended = prices.blended * 1000 // 2
    candidates = tuple(
        Candidate(
            deployment_id=str(deployment.id),
            weight=deployment.weight,
            priority=deployment.priority,
            cost_per_mtok=blended if deployment.cost_per_mtok is None else deployment.cost_per_mtok * 1000,
            target=Target(deployment, connection),
        )
        for deployment, connection in rows
    )
    if strategy is None:
        tenant = await session.get(Tenant, tenant_id)
        configured = str((tenant.settings if tenant else {}).get("routing_strategy") or DEFAULT_STRATEGY)
        strategy = Strategy(configured) if configured in set(Strategy) else DEFAULT_STRATEGY
    return Plan(model=model, prices=prices, candidates=candidates, strategy=strategy)
