"""Providers, the model catalog and prices, deployments and routing: a tenant's own under
/api, the platform's shared ones under /api/admin (super admins, audited)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import AwareDatetime
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, ForgetCachesAfterWrites, RuntimeDep, require
from athanor.access.principal import Principal
from athanor.admin.dependencies import PlatformAdmin
from athanor.audit import service as audit
from athanor.catalog import service
from athanor.catalog.models import AiModel, Deployment, ModelPriceOverride, ProviderConnection
from athanor.catalog.pricing import catalog_prices, tenant_prices
from athanor.catalog.schemas import (
    DeploymentCreate,
    DeploymentMetrics,
    DeploymentRead,
    DeploymentUpdate,
    MetricFigures,
    MetricPoint,
    MetricsBucket,
    ModelCreate,
    ModelRead,
    ModelUpdate,
    PriceOverrideRead,
    PriceOverrideSet,
    PriceSet,
    ProviderCreate,
    ProviderRead,
    ProviderTest,
    ProviderTestResult,
    ProviderUpdate,
    RoutingRead,
    RoutingUpdate,
)
from athanor.core.errors import problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.routing.metrics import MetricSummary
from athanor.routing.types import DEFAULT_STRATEGY
from athanor.runtime import Runtime
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.permissions import Permission

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api",
    tags=["catalog"],
    responses=problem_responses(400, 401, 403, 404, 422, 429),
    dependencies=[ForgetCachesAfterWrites],
)
admin_router = APIRouter(route_class=StrictJsonRoute, prefix="/admin", tags=["admin"])

Member = Annotated[Principal, Depends(require(Permission.TENANT_READ))]
Reader = Annotated[Principal, Depends(require(Permission.PROVIDERS_READ))]
Manager = Annotated[Principal, Depends(require(Permission.PROVIDERS_MANAGE))]
PROVIDER = "provider_connection"
DEPLOYMENT = "deployment"


def _tenant(principal: Principal) -> uuid.UUID:
    assert principal.tenant_id is not None  # require() admitted a tenant member
    return principal.tenant_id


async def _record(
    session: AsyncSession,
    actor: audit.Actor,
    owner: uuid.UUID | None,
    action: str,
    target: tuple[str, uuid.UUID],
    details: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        session,
        action=action,
        actor=actor,
        tenant_id=owner,
        target_type=target[0],
        target_id=target[1],
        details=details,
    )


# Reads


_PROVIDER_FIELDS = (
    *("id", "kind", "name", "base_url", "options", "timeout_seconds", "enabled", "api_key_hint"),
    *("last_tested_at", "last_test_ok", "last_test_error", "created_at", "updated_at"),
)


def _provider_read(connection: ProviderConnection) -> ProviderRead:
    fields = {name: getattr(connection, name) for name in _PROVIDER_FIELDS}
    shared = connection.tenant_id is None
    return ProviderRead.model_validate(
        {**fields, "shared": shared, "has_api_key": connection.api_key_sealed is not None}
    )


def _model_read(model: AiModel, override: ModelPriceOverride | None = None) -> ModelRead:
    def price_set(prices: Any) -> PriceSet:
        return PriceSet(input=prices.input, output=prices.output, cached=prices.cached)

    return ModelRead(
        id=model.id,
        slug=model.slug,
        name=model.name,
        vendor=model.vendor,
        context_window=model.context_window,
        max_output_tokens=model.max_output_tokens,
        capabilities=list(model.capabilities),
        active=model.active,
        catalog_prices=price_set(catalog_prices(model)),
        prices=price_set(tenant_prices(model, override)),
        override=PriceOverrideRead.model_validate(override) if override else None,
    )


_DEPLOYMENT_FIELDS = (
    *("id", "name", "model_id", "provider_id", "upstream_model", "weight", "priority"),
    *("enabled", "cost_per_mtok", "created_at", "updated_at"),
)


def _deployment_read(view: service.DeploymentView) -> DeploymentRead:
    fields = {name: getattr(view.deployment, name) for name in _DEPLOYMENT_FIELDS}
    shared = view.deployment.tenant_id is None
    return DeploymentRead.model_validate({**fields, "model_slug": view.model_slug, "shared": shared})


def _figures(summary: MetricSummary) -> dict[str, Any]:
    return {
        "requests": summary.requests,
        "errors": summary.errors,
        "error_rate": summary.error_rate,
        "prompt_tokens": summary.prompt_tokens,
        "completion_tokens": summary.completion_tokens,
        "cost_nanos": summary.cost,
        "p50_latency_ms": summary.p50_latency_ms,
        "p95_latency_ms": summary.p95_latency_ms,
        "p50_ttft_ms": summary.p50_ttft_ms,
    }


# Providers: one implementation per operation, reached from the tenant and the admin routes.


async def _create_provider(
    session: AsyncSession, runtime: Runtime, owner: uuid.UUID | None, actor: audit.Actor, body: ProviderCreate
) -> ProviderRead:
    connection = await service.create_provider(session, owner=owner, data=body, ring=runtime.key_ring)
    details = {"kind": connection.kind, "name": connection.name, "has_api_key": body.api_key is not None}
    await _record(session, actor, owner, "provider.created", (PROVIDER, connection.id), details)
    return _provider_read(connection)


async def _list_providers(
    session: AsyncSession, owner: uuid.UUID | None, cursor: str | None, limit: int
) -> Page[ProviderRead]:
    statement = paginate_query(service.providers_query(owner), ProviderConnection.id, cursor, limit)
    rows = (await session.scalars(statement)).all()
    return Page[ProviderRead].model_validate(page_of(rows, limit, _provider_read))


async def _update_provider(
    session: AsyncSession,
    runtime: Runtime,
    owner: uuid.UUID | None,
    actor: audit.Actor,
    provider_id: uuid.UUID,
    body: ProviderUpdate,
) -> ProviderRead:
    connection = await service.get_provider(session, provider_id, owner=owner, write=True)
    changed = await service.update_provider(session, connection, data=body, ring=runtime.key_ring)
    await _record(session, actor, owner, "provider.updated", (PROVIDER, connection.id), {"fields": changed})
    return _provider_read(connection)


async def _delete_provider(
    session: AsyncSession, owner: uuid.UUID | None, actor: audit.Actor, provider_id: uuid.UUID
) -> Response:
    connection = await service.get_provider(session, provider_id, owner=owner, write=True)
    details = {"kind": connection.kind, "name": connection.name}
    await service.delete_provider(session, connection)
    await _record(session, actor, owner, "provider.deleted", (PROVIDER, provider_id), details)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _test_provider(
    session: AsyncSession,
    runtime: Runtime,
    owner: uuid.UUID | None,
    actor: audit.Actor,
    provider_id: uuid.UUID,
    body: ProviderTest | None,
) -> ProviderTestResult:
    connection = await service.get_provider(session, provider_id, owner=owner, write=True)
    model = body.model if body else None
    result = await service.probe_provider(
        session, connection, ring=runtime.key_ring, actor=actor, model=model
    )
    details = {"ok": result.ok, "error": result.error, "latency_ms": result.latency_ms}
    await _record(session, actor, owner, "provider.tested", (PROVIDER, connection.id), details)
    return ProviderTestResult(
        ok=result.ok, latency_ms=result.latency_ms, error=result.error, message=result.message
    )


@router.post("/providers", status_code=status.HTTP_201_CREATED)
async def create_provider(
    body: ProviderCreate, principal: Manager, session: DbSession, runtime: RuntimeDep
) -> ProviderRead:
    """Connect a provider account; the API key is sealed at rest and never returned."""
    return await _create_provider(session, runtime, _tenant(principal), principal.actor(), body)


@router.get("/providers")
async def list_providers(
    principal: Reader, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[ProviderRead]:
    """The tenant's providers and the platform's shared ones (`shared: true`)."""
    return await _list_providers(session, _tenant(principal), cursor, limit)


@router.get("/providers/{provider_id:uuid}")
async def read_provider(provider_id: uuid.UUID, principal: Reader, session: DbSession) -> ProviderRead:
    return _provider_read(await service.get_provider(session, provider_id, owner=_tenant(principal)))


@router.patch("/providers/{provider_id:uuid}", responses=problem_responses(409))
async def update_provider(
    provider_id: uuid.UUID, body: ProviderUpdate, principal: Manager, session: DbSession, runtime: RuntimeDep
) -> ProviderRead:
    """Change the fields sent; a new `api_key` replaces the stored one, `null` removes it."""
    return await _update_provider(session, runtime, _tenant(principal), principal.actor(), provider_id, body)


@router.delete("/providers/{provider_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_provider(provider_id: uuid.UUID, principal: Manager, session: DbSession) -> Response:
    """Remove the provider and its deployments."""
    return await _delete_provider(session, _tenant(principal), principal.actor(), provider_id)


@router.post("/providers/{provider_id:uuid}/test", responses=problem_responses(409))
async def check_provider(
    provider_id: uuid.UUID,
    principal: Manager,
    session: DbSession,
    runtime: RuntimeDep,
    body: ProviderTest | None = None,
) -> ProviderTestResult:
    """Send a one-token request to check the address and key; the outcome is kept."""
    return await _test_provider(session, runtime, _tenant(principal), principal.actor(), provider_id, body)


@admin_router.post("/providers", status_code=status.HTTP_201_CREATED)
async def create_shared_provider(
    body: ProviderCreate, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> ProviderRead:
    """A provider every tenant can deploy models on."""
    return await _create_provider(session, runtime, None, admin.actor(), body)


@admin_router.get("/providers")
async def list_shared_providers(
    admin: PlatformAdmin, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[ProviderRead]:
    return await _list_providers(session, None, cursor, limit)


@admin_router.get("/providers/{provider_id:uuid}")
async def read_shared_provider(
    provider_id: uuid.UUID, admin: PlatformAdmin, session: DbSession
) -> ProviderRead:
    return _provider_read(await service.get_provider(session, provider_id, owner=None))


@admin_router.patch("/providers/{provider_id:uuid}", responses=problem_responses(409))
async def update_shared_provider(
    provider_id: uuid.UUID,
    body: ProviderUpdate,
    admin: PlatformAdmin,
    session: DbSession,
    runtime: RuntimeDep,
) -> ProviderRead:
    return await _update_provider(session, runtime, None, admin.actor(), provider_id, body)


@admin_router.delete("/providers/{provider_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_shared_provider(
    provider_id: uuid.UUID, admin: PlatformAdmin, session: DbSession
) -> Response:
    return await _delete_provider(session, None, admin.actor(), provider_id)


@admin_router.post("/providers/{provider_id:uuid}/test", responses=problem_responses(409))
async def check_shared_provider(
    provider_id: uuid.UUID,
    admin: PlatformAdmin,
    session: DbSession,
    runtime: RuntimeDep,
    body: ProviderTest | None = None,
) -> ProviderTestResult:
    return await _test_provider(session, runtime, None, admin.actor(), provider_id, body)


# The catalog


@router.get("/models")
async def list_models(
    principal: Member, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[ModelRead]:
    """Active models with the prices this tenant pays."""
    statement = select(AiModel).where(AiModel.active.is_(True))
    rows = (await session.scalars(paginate_query(statement, AiModel.id, cursor, limit))).all()
    overrides = await service.overrides_for(session, [row.id for row in rows])
    return Page[ModelRead].model_validate(
        page_of(rows, limit, lambda row: _model_read(row, overrides.get(row.id)))
    )


@router.put("/models/{model_id:uuid}/price")
async def set_model_price(
    model_id: uuid.UUID, body: PriceOverrideSet, principal: Manager, session: DbSession
) -> ModelRead:
    """The tenant's own price for a model: fixed prices where given, else a markup."""
    model = await service.get_model(session, model_id)
    override = await service.set_price_override(session, model, data=body)
    details = body.model_dump()
    await _record(
        session, principal.actor(), _tenant(principal), "model.price_set", ("ai_model", model.id), details
    )
    return _model_read(model, override)


@router.delete("/models/{model_id:uuid}/price")
async def clear_model_price(model_id: uuid.UUID, principal: Manager, session: DbSession) -> ModelRead:
    """Back to the catalog price."""
    model = await service.get_model(session, model_id)
    await service.clear_price_override(session, model)
    await _record(
        session, principal.actor(), _tenant(principal), "model.price_cleared", ("ai_model", model.id)
    )
    return _model_read(model)


@admin_router.get("/models")
async def list_catalog(
    admin: PlatformAdmin, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[ModelRead]:
    """Every catalog model, inactive ones included, at catalog prices."""
    rows = (await session.scalars(paginate_query(select(AiModel), AiModel.id, cursor, limit))).all()
    return Page[ModelRead].model_validate(page_of(rows, limit, _model_read))


@admin_router.post("/models", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
async def create_catalog_model(body: ModelCreate, admin: PlatformAdmin, session: DbSession) -> ModelRead:
    model = await service.create_model(session, data=body)
    await _record(session, admin.actor(), None, "model.created", ("ai_model", model.id), {"slug": model.slug})
    return _model_read(model)


@admin_router.patch("/models/{model_id:uuid}")
async def update_catalog_model(
    model_id: uuid.UUID, body: ModelUpdate, admin: PlatformAdmin, session: DbSession
) -> ModelRead:
    """Change prices, limits or capabilities; `active: true` brings a model back."""
    model = await service.get_model(session, model_id, active_only=False)
    changes = await service.update_model(session, model, data=body)
    await _record(session, admin.actor(), None, "model.updated", ("ai_model", model.id), changes)
    return _model_read(model)


@admin_router.post("/models/{model_id:uuid}/deactivate")
async def deactivate_catalog_model(
    model_id: uuid.UUID, admin: PlatformAdmin, session: DbSession
) -> ModelRead:
    """Hide the model from tenants and routing; its history stays."""
    model = await service.get_model(session, model_id, active_only=False)
    await service.update_model(session, model, data=ModelUpdate(active=False))
    await _record(session, admin.actor(), None, "model.deactivated", ("ai_model", model.id))
    return _model_read(model)


# Deployments


async def _create_deployment(
    session: AsyncSession, owner: uuid.UUID | None, actor: audit.Actor, body: DeploymentCreate
) -> DeploymentRead:
    view = await service.create_deployment(session, owner=owner, data=body)
    details = {"model": view.model_slug, "provider_id": str(view.deployment.provider_id)}
    await _record(session, actor, owner, "deployment.created", (DEPLOYMENT, view.deployment.id), details)
    return _deployment_read(view)


async def _list_deployments(
    session: AsyncSession, owner: uuid.UUID | None, cursor: str | None, limit: int
) -> Page[DeploymentRead]:
    statement = paginate_query(service.deployments_query(owner), Deployment.id, cursor, limit)
    rows = (await session.execute(statement)).all()
    build = lambda row: _deployment_read(service.DeploymentView(row[0], row[1]))  # noqa: E731
    return Page[DeploymentRead].model_validate(page_of(rows, limit, build, id_of=lambda row: row[0].id))


async def _update_deployment(
    session: AsyncSession,
    owner: uuid.UUID | None,
    actor: audit.Actor,
    deployment_id: uuid.UUID,
    body: DeploymentUpdate,
) -> DeploymentRead:
    view = await service.get_deployment(session, deployment_id, owner=owner, write=True)
    view = await service.update_deployment(session, view, owner=owner, data=body)
    details = {"fields": sorted(body.model_fields_set)}
    await _record(session, actor, owner, "deployment.updated", (DEPLOYMENT, deployment_id), details)
    return _deployment_read(view)


async def _delete_deployment(
    session: AsyncSession, owner: uuid.UUID | None, actor: audit.Actor, deployment_id: uuid.UUID
) -> Response:
    view = await service.get_deployment(session, deployment_id, owner=owner, write=True)
    await service.delete_deployment(session, view.deployment)
    await _record(
        session, actor, owner, "deployment.deleted", (DEPLOYMENT, deployment_id), {"model": view.model_slug}
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/deployments", status_code=status.HTTP_201_CREATED)
async def create_deployment(body: DeploymentCreate, principal: Manager, session: DbSession) -> DeploymentRead:
    """Offer a catalog model through one of the tenant's providers or a shared one."""
    return await _create_deployment(session, _tenant(principal), principal.actor(), body)


@router.get("/deployments")
async def list_deployments(
    principal: Reader, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[DeploymentRead]:
    return await _list_deployments(session, _tenant(principal), cursor, limit)


@router.get("/deployments/{deployment_id:uuid}")
async def read_deployment(deployment_id: uuid.UUID, principal: Reader, session: DbSession) -> DeploymentRead:
    return _deployment_read(await service.get_deployment(session, deployment_id, owner=_tenant(principal)))


@router.patch("/deployments/{deployment_id:uuid}")
async def update_deployment(
    deployment_id: uuid.UUID, body: DeploymentUpdate, principal: Manager, session: DbSession
) -> DeploymentRead:
    return await _update_deployment(session, _tenant(principal), principal.actor(), deployment_id, body)


@router.delete("/deployments/{deployment_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_deployment(deployment_id: uuid.UUID, principal: Manager, session: DbSession) -> Response:
    return await _delete_deployment(session, _tenant(principal), principal.actor(), deployment_id)


@router.get("/deployments/{deployment_id:uuid}/metrics")
async def deployment_metrics(
    deployment_id: uuid.UUID,
    principal: Reader,
    session: DbSession,
    since: Annotated[
        AwareDatetime | None, Query(description="Start; the last hour (minute) or day (hour)")
    ] = None,
    bucket: MetricsBucket = "minute",
) -> DeploymentMetrics:
    """Requests, errors, tokens, cost and latency percentiles per minute or hour, summed
    over every server that reported them."""
    view = await service.get_deployment(session, deployment_id, owner=_tenant(principal))
    report = await service.deployment_metrics(session, view.deployment, since=since, bucket=bucket)
    return DeploymentMetrics(
        deployment_id=deployment_id,
        bucket=bucket,
        since=report.since,
        points=[MetricPoint(bucket_start=start, **_figures(summary)) for start, summary in report.points],
        total=MetricFigures(**_figures(report.total)),
    )


@admin_router.post("/deployments", status_code=status.HTTP_201_CREATED)
async def create_shared_deployment(
    body: DeploymentCreate, admin: PlatformAdmin, session: DbSession
) -> DeploymentRead:
    """A deployment on a shared provider, offered to every tenant."""
    return await _create_deployment(session, None, admin.actor(), body)


@admin_router.get("/deployments")
async def list_shared_deployments(
    admin: PlatformAdmin, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[DeploymentRead]:
    return await _list_deployments(session, None, cursor, limit)


@admin_router.patch("/deployments/{deployment_id:uuid}")
async def update_shared_deployment(
    deployment_id: uuid.UUID, body: DeploymentUpdate, admin: PlatformAdmin, session: DbSession
) -> DeploymentRead:
    return await _update_deployment(session, None, admin.actor(), deployment_id, body)


@admin_router.delete("/deployments/{deployment_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_shared_deployment(
    deployment_id: uuid.UUID, admin: PlatformAdmin, session: DbSession
) -> Response:
    return await _delete_deployment(session, None, admin.actor(), deployment_id)


# Routing


@router.get("/routing")
async def read_routing(principal: Reader, session: DbSession) -> RoutingRead:
    """How requests are spread over a model's deployments, unless an engine says otherwise."""
    tenant = await tenancy_service.get_tenant(session, _tenant(principal))
    configured = service.configured_strategy(tenant)
    return RoutingRead(strategy=configured or DEFAULT_STRATEGY, configured=configured is not None)


@router.put("/routing")
async def set_routing(body: RoutingUpdate, principal: Manager, session: DbSession) -> RoutingRead:
    tenant = await tenancy_service.get_tenant(session, _tenant(principal))
    await service.set_routing_strategy(session, tenant, body.strategy)
    details = {"strategy": body.strategy.value if body.strategy else None}
    await _record(session, principal.actor(), tenant.id, "routing.updated", ("tenant", tenant.id), details)
    return RoutingRead(strategy=body.strategy or DEFAULT_STRATEGY, configured=body.strategy is not None)


router.include_router(admin_router)
