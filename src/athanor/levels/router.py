"""Levels of the caller's tenant, the caller's own level, and putting members on levels."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, ForgetCachesAfterWrites, require
from athanor.access.principal import Principal
from athanor.audit import service as audit
from athanor.auth.exceptions import SessionRequired
from athanor.core.errors import problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.levels import service
from athanor.levels.models import Level, LevelSubscription
from athanor.levels.schemas import (
    LevelAssign,
    LevelCreate,
    LevelRead,
    LevelUpdate,
    MyLevel,
    Restrictions,
    SubscriptionRead,
    Usage,
)
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.exceptions import MemberNotFound
from athanor.tenancy.permissions import Permission

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api",
    tags=["levels"],
    responses=problem_responses(400, 401, 403, 404, 422, 429),
    dependencies=[ForgetCachesAfterWrites],
)

Member = Annotated[Principal, Depends(require(Permission.TENANT_READ))]
Manager = Annotated[Principal, Depends(require(Permission.LEVELS_MANAGE))]
_COPIED = (
    "id",
    "slug",
    "name",
    "description",
    "position",
    "is_default",
    "features",
    "benefits",
    "upgrades_to",
)


def _tenant(principal: Principal) -> uuid.UUID:
    assert principal.tenant_id is not None  # require() admitted a tenant member
    return principal.tenant_id


def _read(level: Level) -> LevelRead:
    return LevelRead.model_validate(
        {
            **{name: getattr(level, name) for name in _COPIED},
            "pricing": service.pricing_of(level),
            "restrictions": Restrictions.model_validate(level.restrictions),
            "created_at": level.created_at,
            "updated_at": level.updated_at,
        }
    )


def _subscription_read(subscription: LevelSubscription, level: Level) -> SubscriptionRead:
    return SubscriptionRead(
        user_id=subscription.user_id,
        level=_read(level),
        period_start=subscription.period_start,
        period_end=subscription.period_end,
    )


async def _record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    target: tuple[str, uuid.UUID],
    details: dict[str, object],
) -> None:
    await audit.record(
        session,
        action=action,
        actor=principal.actor(),
        tenant_id=_tenant(principal),
        target_type=target[0],
        target_id=target[1],
        details=details,
    )


@router.get("/levels")
async def list_levels(
    principal: Member, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[LevelRead]:
    rows = (await session.scalars(paginate_query(service.levels_query(), Level.id, cursor, limit))).all()
    return Page[LevelRead].model_validate(page_of(rows, limit, _read))


@router.post("/levels", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
async def create_level(body: LevelCreate, principal: Manager, session: DbSession) -> LevelRead:
    level = await service.create_level(session, data=body)
    await _record(session, principal, "level.created", ("level", level.id), {"slug": level.slug})
    return _read(level)


@router.get("/levels/mine")
async def my_level(principal: Member, session: DbSession) -> MyLevel:
    """The caller's level (or the tenant's default), and their use of it today."""
    standing = await service.standing(session, principal.user.id)
    rules = standing.restrictions
    return MyLevel(
        level=_read(standing.level) if standing.level else None,
        subscribed=standing.subscription is not None,
        period_start=standing.subscription.period_start if standing.subscription else None,
        period_end=standing.subscription.period_end if standing.subscription else None,
        executions_today=Usage(used=standing.executions_today, limit=rules.executions_per_day),
        concurrent_runs=Usage(used=standing.running, limit=rules.concurrent_runs),
        tokens_available=standing.tokens_available,
    )


@router.post("/levels/mine/upgrade")
async def upgrade_my_level(body: LevelAssign, principal: Member, session: DbSession) -> SubscriptionRead:
    """Move to a level your current one offers as an upgrade. No payment is taken here."""
    if principal.api_key is not None:
        # A plan change is the person's decision, not a program's.
        raise SessionRequired()
    level = await service.level_by_slug(session, body.level)
    subscription = await service.change_level(
        session, user_id=principal.user.id, level=level, actor_id=principal.user.id, any_level=False
    )
    await _record(session, principal, "level.upgraded", ("user", principal.user.id), {"level": level.slug})
    return _subscription_read(subscription, level)


@router.get("/levels/{level_id:uuid}")
async def read_level(level_id: uuid.UUID, principal: Member, session: DbSession) -> LevelRead:
    return _read(await service.get_level(session, level_id))


@router.patch("/levels/{level_id:uuid}", responses=problem_responses(409))
async def update_level(
    level_id: uuid.UUID, body: LevelUpdate, principal: Manager, session: DbSession
) -> LevelRead:
    """Change the fields sent. Members keep their level; new restrictions apply at once."""
    level = await service.get_level(session, level_id)
    changed = await service.update_level(session, level, data=body)
    await _record(session, principal, "level.updated", ("level", level.id), {"fields": changed})
    return _read(level)


@router.delete(
    "/levels/{level_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(409)
)
async def delete_level(level_id: uuid.UUID, principal: Manager, session: DbSession) -> Response:
    """Remove a level nobody is on."""
    level = await service.get_level(session, level_id)
    await service.delete_level(session, level)
    await _record(session, principal, "level.deleted", ("level", level_id), {"slug": level.slug})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/members/{user_id:uuid}/level")
async def set_member_level(
    user_id: uuid.UUID, body: LevelAssign, principal: Manager, session: DbSession
) -> SubscriptionRead:
    """Put a member on any level. Moving up within a period grants the extra tokens for
    the time left; a level with another kind of period starts a new period."""
    if await tenancy_service.membership_of(session, tenant_id=_tenant(principal), user_id=user_id) is None:
        raise MemberNotFound()
    level = await service.level_by_slug(session, body.level)
    subscription = await service.change_level(
        session, user_id=user_id, level=level, actor_id=principal.user.id, any_level=True
    )
    await _record(session, principal, "level.assigned", ("user", user_id), {"level": level.slug})
    return _subscription_read(subscription, level)
