"""Providers and their credentials, the model catalog and tenant prices, deployments,
their metrics, and a tenant's routing strategy.

`owner` names whose rows a caller manages: a tenant id, or None for the platform's shared
rows (the super-admin path). A tenant sees its own rows and the shared ones, and changes
only its own; the platform changes only the shared ones.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.audit.service import Actor
from athanor.catalog import credentials
from athanor.catalog.exceptions import (
    DeploymentNotFound,
    ModelNotFound,
    ModelSlugTaken,
    ModelUnresolved,
    PriceOverrideNotFound,
    PrivateAddress,
    ProbeModelRequired,
    ProviderKindFixed,
    ProviderNotFound,
    ProviderUnresolved,
    SharedReadOnly,
)
from athanor.catalog.models import (
    AiModel,
    Deployment,
    DeploymentMetric,
    ModelPriceOverride,
    ProviderConnection,
)
from athanor.catalog.schemas import (
    CommonOptions,
    DeploymentCreate,
    DeploymentUpdate,
    MetricsBucket,
    ModelCreate,
    ModelUpdate,
    PriceOverrideSet,
    ProviderCreate,
    ProviderUpdate,
)
from athanor.core.crypto import DecryptionFailed, KeyRing
from athanor.core.errors import FieldProblem
from athanor.core.netguard import private_address_of
from athanor.db.base import new_id
from athanor.db.types import utcnow
from athanor.providers.registry import ProviderKind, create_adapter, default_base_url
from athanor.providers.types import ChatRequest, EmbeddingRequest, Message, ProviderError
from athanor.routing import metrics
from athanor.routing.types import Strategy
from athanor.tenancy.models import Tenant

# A connection test is a probe, not a generation: it never waits as long as a real call may.
PROBE_TIMEOUT_SECONDS = 20.0
MAX_METRICS_RANGE = {"minute": timedelta(days=2), "hour": timedelta(days=62)}
ROUTING_SETTING = "routing_strategy"


# Ownership


def _owned_by(column: Any, owner: uuid.UUID | None) -> ColumnElement[bool]:
    """Rows the owner may read: in a tenant its own and the shared ones (the session
    scope adds the same rule; this keeps the platform scope to the shared rows)."""
    if owner is None:
        return column.is_(None)  # type: ignore[no-any-return]
    return (column == owner) | column.is_(None)  # type: ignore[no-any-return]


def _check_writable(row: ProviderConnection | Deployment, owner: uuid.UUID | None) -> None:
    if row.tenant_id != owner:
        raise SharedReadOnly()


# Providers


def _stored_options(options: CommonOptions) -> dict[str, Any]:
    return options.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def providers_query(owner: uuid.UUID | None) -> Select[ProviderConnection]:
    return select(ProviderConnection).where(_owned_by(ProviderConnection.tenant_id, owner))


async def get_provider(
    session: AsyncSession, provider_id: uuid.UUID, *, owner: uuid.UUID | None, write: bool = False
) -> ProviderConnection:
    found = await session.scalar(providers_query(owner).where(ProviderConnection.id == provider_id))
    if found is None:
        raise ProviderNotFound()
    if write:
        _check_writable(found, owner)
    return found


async def check_reachable(session: AsyncSession, owner: uuid.UUID | None, base_url: str) -> None:
    """A tenant's provider may reach a private address (a vLLM box on the LAN, Ollama on
    loopback) only when the tenant allows private network requests; the platform's may."""
    if owner is None:
        return
    tenant = await session.get(Tenant, owner)
    if tenant is not None and (tenant.settings or {}).get("allow_private_network_requests"):
        return
    address = await private_address_of(base_url)
    if address is not None:
        raise PrivateAddress(
            params={"host": address},
            fields=[
                FieldProblem("body.base_url", "private_address", PrivateAddress.message, {"host": address})
            ],
        )


async def create_provider(
    session: AsyncSession, *, owner: uuid.UUID | None, data: ProviderCreate, ring: KeyRing
) -> ProviderConnection:
    """A provider connection; its API key is sealed to the row before anything is stored."""
    await check_reachable(session, owner, data.base_url or "")
    connection = ProviderConnection(
        # The id first: the sealed key is bound to it.
        id=new_id(),
        tenant_id=owner,
        name=data.name,
        kind=data.kind,
        # Azure's address is required by its schema; the mock needs none.
        base_url=data.base_url or default_base_url(data.kind) or "",
        options=_stored_options(data.options),
        timeout_seconds=data.timeout_seconds,
        enabled=data.enabled,
    )
    credentials.seal(connection, data.api_key.get_secret_value() if data.api_key else None, ring)
    session.add(connection)
    await session.flush()
    return connection


async def update_provider(
    session: AsyncSession, connection: ProviderConnection, *, data: ProviderUpdate, ring: KeyRing
) -> list[str]:
    """Apply the fields sent (null leaves a field as it is, except `api_key`, which it
    removes); returns their names (never values) for the audit log."""
    if data.kind != connection.kind:
        raise ProviderKindFixed(params={"kind": connection.kind})
    sent = data.model_fields_set - {"kind"}
    if data.base_url:
        await check_reachable(session, connection.tenant_id, data.base_url)
    changes = data.model_dump(include=sent - {"api_key", "options"}, exclude_none=True)
    for name, value in changes.items():
        setattr(connection, name, value)
    if data.options is not None:
        connection.options = _stored_options(data.options)
    if "api_key" in sent:
        credentials.seal(connection, data.api_key.get_secret_value() if data.api_key else None, ring)
    await session.flush()
    return sorted(sent)


async def delete_provider(session: AsyncSession, connection: ProviderConnection) -> None:
    """Deletes the connection and, through the foreign key, its deployments."""
    await session.delete(connection)
    await session.flush()


@dataclass(frozen=True, slots=True)
class ProbeResult:
    ok: bool
    latency_ms: int
    error: str | None = None
    message: str | None = None


async def _probe_target(
    session: AsyncSession, connection: ProviderConnection, model: str | None
) -> tuple[str, bool]:
    """The upstream model to probe and whether it is an embedding model: the one asked
    for, else the connection's first deployment's, else the mock's own."""
    statement = select(Deployment.upstream_model, AiModel.capabilities).join(
        AiModel, AiModel.id == Deployment.model_id
    )
    if model:
        found = await session.scalar(select(AiModel.capabilities).where(AiModel.slug == model))
        return model, "embeddings" in (found or [])
    row = (
        await session.execute(
            statement.where(Deployment.provider_id == connection.id)
            .order_by(Deployment.enabled.desc(), Deployment.priority)
            .limit(1)
        )
    ).first()
    if row is not None:
        return row[0], "embeddings" in row[1]
    if connection.kind == ProviderKind.MOCK:
        return "mock-small", False
    raise ProbeModelRequired()


async def probe_provider(
    session: AsyncSession,
    connection: ProviderConnection,
    *,
    ring: KeyRing,
    actor: Actor,
    model: str | None,
) -> ProbeResult:
    """Send a one-token request (an embedding for embedding models) and record the outcome
    on the connection. Opening the key is audited like any other use of it."""
    # Checked again on every test: a name may resolve elsewhere than when it was saved.
    await check_reachable(session, connection.tenant_id, connection.base_url)
    upstream, embeddings = await _probe_target(session, connection, model)
    started = time.perf_counter()
    try:
        endpoint = await credentials.endpoint(
            session, connection, ring, actor=actor, purpose="connection_test"
        )
        endpoint = replace(endpoint, timeout_seconds=min(endpoint.timeout_seconds, PROBE_TIMEOUT_SECONDS))
        adapter = create_adapter(connection.kind, endpoint)
        try:
            if embeddings:
                await adapter.embed(EmbeddingRequest(model=upstream, inputs=("ping",)))
            else:
                messages = (Message(role="user", content="ping"),)
                await adapter.complete(ChatRequest(messages=messages, model=upstream, max_tokens=1))
        finally:
            await adapter.close()
        result = ProbeResult(ok=True, latency_ms=_elapsed_ms(started))
    except ProviderError as error:
        result = ProbeResult(False, _elapsed_ms(started), error.kind.value, str(error)[:400])
    except DecryptionFailed:
        result = ProbeResult(
            False, _elapsed_ms(started), "decryption_failed", "the key ring cannot open this key"
        )
    connection.last_tested_at = utcnow()
    connection.last_test_ok = result.ok
    connection.last_test_error = None if result.ok else f"{result.error}: {result.message}"[:500]
    await session.flush()
    return result


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


# The catalog


async def get_model(session: AsyncSession, model_id: uuid.UUID, *, active_only: bool = True) -> AiModel:
    model = await session.get(AiModel, model_id)
    if model is None or (active_only and not model.active):
        raise ModelNotFound()
    return model


async def resolve_model(session: AsyncSession, reference: str) -> AiModel:
    """An active model by id or slug, for a request body that names one (422 if none)."""
    try:
        condition = AiModel.id == uuid.UUID(reference)
    except ValueError:
        condition = AiModel.slug == reference
    model = await session.scalar(select(AiModel).where(condition, AiModel.active.is_(True)))
    if model is None:
        raise ModelUnresolved(fields=[FieldProblem("body.model", "not_found", ModelUnresolved.message)])
    return model


async def create_model(session: AsyncSession, *, data: ModelCreate) -> AiModel:
    model = AiModel(**data.model_dump())
    try:
        async with session.begin_nested():
            session.add(model)
    except IntegrityError:
        raise ModelSlugTaken() from None
    return model


async def update_model(session: AsyncSession, model: AiModel, *, data: ModelUpdate) -> dict[str, Any]:
    """Apply the fields sent; returns them, for the audit log."""
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(model, name, value)
    await session.flush()
    return changes


async def overrides_for(
    session: AsyncSession, model_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ModelPriceOverride]:
    """The tenant's own prices for these models (the session scope picks the tenant)."""
    if not model_ids:
        return {}
    rows = await session.scalars(select(ModelPriceOverride).where(ModelPriceOverride.model_id.in_(model_ids)))
    return {row.model_id: row for row in rows}


async def set_price_override(
    session: AsyncSession, model: AiModel, *, data: PriceOverrideSet
) -> ModelPriceOverride:
    """Create or replace the tenant's price for a model."""
    override = (await overrides_for(session, [model.id])).get(model.id)
    if override is None:
        try:
            async with session.begin_nested():
                override = ModelPriceOverride(model_id=model.id)
                _apply_override(override, data)
                session.add(override)
            return override
        except IntegrityError:
            # A concurrent request created it first: replace its values.
            override = (await overrides_for(session, [model.id]))[model.id]
    _apply_override(override, data)
    await session.flush()
    return override


def _apply_override(override: ModelPriceOverride, data: PriceOverrideSet) -> None:
    override.markup_bps = data.markup_bps
    override.input_price = data.input_price
    override.output_price = data.output_price
    override.cached_price = data.cached_price


async def clear_price_override(session: AsyncSession, model: AiModel) -> None:
    override = (await overrides_for(session, [model.id])).get(model.id)
    if override is None:
        raise PriceOverrideNotFound()
    await session.delete(override)
    await session.flush()


# Deployments


@dataclass(frozen=True, slots=True)
class DeploymentView:
    deployment: Deployment
    model_slug: str


def deployments_query(owner: uuid.UUID | None) -> Select[Deployment, str]:
    return (
        select(Deployment, AiModel.slug)
        .join(AiModel, AiModel.id == Deployment.model_id)
        .where(_owned_by(Deployment.tenant_id, owner))
    )


async def get_deployment(
    session: AsyncSession, deployment_id: uuid.UUID, *, owner: uuid.UUID | None, write: bool = False
) -> DeploymentView:
    row = (await session.execute(deployments_query(owner).where(Deployment.id == deployment_id))).first()
    if row is None:
        raise DeploymentNotFound()
    if write:
        _check_writable(row[0], owner)
    return DeploymentView(row[0], row[1])


async def _usable_provider(
    session: AsyncSession, provider_id: uuid.UUID, owner: uuid.UUID | None
) -> ProviderConnection:
    try:
        return await get_provider(session, provider_id, owner=owner)
    except ProviderNotFound:
        problem = FieldProblem("body.provider_id", "not_found", ProviderUnresolved.message)
        raise ProviderUnresolved(fields=[problem]) from None


async def create_deployment(
    session: AsyncSession, *, owner: uuid.UUID | None, data: DeploymentCreate
) -> DeploymentView:
    """A deployment of a catalog model on a provider the owner can see (its own or shared)."""
    model = await resolve_model(session, data.model)
    provider = await _usable_provider(session, data.provider_id, owner)
    deployment = Deployment(
        tenant_id=owner,
        name=data.name or f"{model.slug} via {provider.name}"[:200],
        model_id=model.id,
        provider_id=provider.id,
        upstream_model=data.upstream_model or model.slug,
        weight=data.weight,
        priority=data.priority,
        enabled=data.enabled,
        cost_per_mtok=data.cost_per_mtok,
    )
    session.add(deployment)
    await session.flush()
    return DeploymentView(deployment, model.slug)


async def update_deployment(
    session: AsyncSession, view: DeploymentView, *, owner: uuid.UUID | None, data: DeploymentUpdate
) -> DeploymentView:
    deployment, slug = view.deployment, view.model_slug
    changes = data.model_dump(exclude_unset=True)
    if changes.pop("model", None) is not None:
        model = await resolve_model(session, str(data.model))
        deployment.model_id, slug = model.id, model.slug
    if (provider_id := changes.pop("provider_id", None)) is not None:
        deployment.provider_id = (await _usable_provider(session, provider_id, owner)).id
    for name, value in changes.items():
        # Only cost_per_mtok may be cleared; the other fields ignore an explicit null.
        if value is not None or name == "cost_per_mtok":
            setattr(deployment, name, value)
    await session.flush()
    return DeploymentView(deployment, slug)


async def delete_deployment(session: AsyncSession, deployment: Deployment) -> None:
    await session.delete(deployment)
    await session.flush()


# Metrics


@dataclass(frozen=True, slots=True)
class MetricsReport:
    since: datetime
    points: list[tuple[datetime, metrics.MetricSummary]]
    total: metrics.MetricSummary


def _bucket_start(moment: datetime, bucket: MetricsBucket) -> datetime:
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return moment.replace(minute=0) if bucket == "hour" else moment


async def deployment_metrics(
    session: AsyncSession, deployment: Deployment, *, since: datetime | None, bucket: MetricsBucket
) -> MetricsReport:
    """The deployment's traffic per minute or hour, summed across the processes that
    reported it; percentiles come from the merged latency histograms. At most two days
    by the minute or two months by the hour."""
    now = utcnow()
    default = timedelta(hours=1) if bucket == "minute" else timedelta(days=1)
    # Older starts are moved up to the longest range a resolution serves.
    since = max(since or now - default, now - MAX_METRICS_RANGE[bucket])
    rows = await session.scalars(
        select(DeploymentMetric)
        .where(DeploymentMetric.deployment_id == deployment.id, DeploymentMetric.bucket_start >= since)
        .order_by(DeploymentMetric.bucket_start)
    )
    grouped: dict[datetime, list[metrics.MetricBucket]] = {}
    for row in rows:
        grouped.setdefault(_bucket_start(row.bucket_start, bucket), []).append(_as_bucket(row))
    points = [(start, metrics.summary(buckets)) for start, buckets in sorted(grouped.items())]
    everything = [item for buckets in grouped.values() for item in buckets]
    return MetricsReport(since=since, points=points, total=metrics.summary(everything))


def _as_bucket(row: DeploymentMetric) -> metrics.MetricBucket:
    return metrics.MetricBucket(
        deployment_id=str(row.deployment_id),
        minute=int(row.bucket_start.timestamp()),
        requests=row.requests,
        errors=row.errors,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        cost=row.cost_nanos,
        latency_ms=list(row.latency_histogram) or metrics.empty_histogram(),
        ttft_ms=list(row.ttft_histogram) or metrics.empty_histogram(),
        max_in_flight=row.max_in_flight,
    )


# Routing


def configured_strategy(tenant: Tenant) -> Strategy | None:
    value = (tenant.settings or {}).get(ROUTING_SETTING)
    return Strategy(value) if value in set(Strategy) else None


async def set_routing_strategy(session: AsyncSession, tenant: Tenant, strategy: Strategy | None) -> None:
    """Store the tenant's routing strategy; None returns to the platform default."""
    settings = {key: value for key, value in (tenant.settings or {}).items() if key != ROUTING_SETTING}
    if strategy is not None:
        settings[ROUTING_SETTING] = strategy.value
    # A new dict, so the JSON column sees the change.
    tenant.settings = settings
    await session.flush()
