"""Levels (the plans a tenant offers), who is on which, the tokens each period grants, and
where a member stands against their level's restrictions.

A subscription's period runs from `period_start` to `period_end` (none for levels without
a period). Each period's tokens are granted once, keyed by subscription and period start,
and expire with the period; moving up a level mid-period grants the difference for the
time left. Moving down takes nothing back. Payment is not handled here.
"""

from __future__ import annotations

import calendar
import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.errors import FieldProblem
from athanor.db.types import utcnow
from athanor.levels.exceptions import (
    LevelInUse,
    LevelNotFound,
    LevelSlugTaken,
    UnknownUpgrade,
    UpgradeNotAllowed,
)
from athanor.levels.models import Level, LevelSubscription
from athanor.levels.schemas import LevelCreate, LevelPricing, LevelUpdate, Restrictions
from athanor.levels.usage import executions_today, running_executions
from athanor.wallet import posting
from athanor.wallet import service as wallet_service
from athanor.wallet.exceptions import IdempotencyKeyReused
from athanor.wallet.models import AccountKind

MONTHS_IN_PERIOD = {"month": 1, "year": 12}


# Periods


def _add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 31st becomes the month's last day."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def period_end(start: datetime, period: str) -> datetime | None:
    months = MONTHS_IN_PERIOD.get(period)
    return _add_months(start, months) if months else None


def prorated(amount: int, start: datetime, end: datetime | None, now: datetime) -> int:
    """The share of `amount` for what is left of the period (all of it without an end)."""
    if end is None:
        return amount
    total = (end - start).total_seconds()
    left = min(max((end - now).total_seconds(), 0.0), total)
    # Whole microseconds keep the arithmetic in integers.
    return amount * round(left * 1_000_000) // max(round(total * 1_000_000), 1)


# Levels


def levels_query() -> Select[Level]:
    return select(Level)


async def get_level(session: AsyncSession, level_id: uuid.UUID) -> Level:
    level = await session.scalar(select(Level).where(Level.id == level_id))
    if level is None:
        raise LevelNotFound()
    return level


async def level_by_slug(session: AsyncSession, slug: str) -> Level:
    level = await session.scalar(select(Level).where(Level.slug == slug))
    if level is None:
        raise LevelNotFound()
    return level


async def default_level(session: AsyncSession) -> Level | None:
    return await session.scalar(select(Level).where(Level.is_default.is_(True)).order_by(Level.id).limit(1))


def pricing_of(level: Level) -> LevelPricing:
    return LevelPricing.model_validate(
        {
            "price_cents": level.price_cents,
            "currency": level.currency,
            "period": level.period,
            "tokens_per_period": level.tokens_per_period,
        }
    )


async def _checked_upgrades(session: AsyncSession, slugs: Sequence[str], own_slug: str) -> list[str]:
    """The upgrade targets, each an existing level other than this one."""
    wanted = [slug for slug in slugs if slug != own_slug]
    found = set((await session.scalars(select(Level.slug).where(Level.slug.in_(wanted)))).all())
    problems = [
        FieldProblem(f"body.upgrades_to.{index}", "not_found", UnknownUpgrade.message, {"slug": slug})
        for index, slug in enumerate(wanted)
        if slug not in found
    ]
    if problems:
        missing = ", ".join(slug for slug in wanted if slug not in found)
        raise UnknownUpgrade(params={"slug": missing}, fields=problems)
    return wanted


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    """Schema fields to table columns: pricing spreads over its columns."""
    columns = {name: value for name, value in fields.items() if name not in {"pricing", "restrictions"}}
    if "pricing" in fields:
        columns.update(fields["pricing"])
    if "restrictions" in fields:
        columns["restrictions"] = Restrictions.model_validate(fields["restrictions"]).model_dump(
            mode="json", exclude_none=True
        )
    return columns


async def _only_default(session: AsyncSession, level: Level) -> None:
    """One default level per tenant: choosing one clears the others."""
    await session.execute(
        update(Level)
        .where(Level.id != level.id, Level.is_default.is_(True))
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )


async def create_level(session: AsyncSession, *, data: LevelCreate) -> Level:
    fields = data.model_dump(mode="json")
    fields["upgrades_to"] = await _checked_upgrades(session, data.upgrades_to, data.slug)
    level = Level(**_columns(fields))
    try:
        async with session.begin_nested():
            session.add(level)
    except IntegrityError:
        raise LevelSlugTaken() from None
    if level.is_default:
        await _only_default(session, level)
    return level


async def update_level(session: AsyncSession, level: Level, *, data: LevelUpdate) -> list[str]:
    """Apply the fields sent (an explicit null leaves a field as it is); returns their names."""
    fields = data.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    if "upgrades_to" in fields:
        fields["upgrades_to"] = await _checked_upgrades(session, fields["upgrades_to"], level.slug)
    for name, value in _columns(fields).items():
        setattr(level, name, value)
    await session.flush()
    if fields.get("is_default"):
        await _only_default(session, level)
    return sorted(fields)


async def delete_level(session: AsyncSession, level: Level) -> None:
    """Only a level nobody is on; other levels stop offering it as an upgrade."""
    if await session.scalar(
        select(LevelSubscription.id).where(LevelSubscription.level_id == level.id).limit(1)
    ):
        raise LevelInUse()
    for other in await session.scalars(select(Level).where(Level.id != level.id)):
        if level.slug in other.upgrades_to:
            other.upgrades_to = [slug for slug in other.upgrades_to if slug != level.slug]
    await session.delete(level)
    await session.flush()


# Subscriptions


async def subscription_of(session: AsyncSession, user_id: uuid.UUID) -> LevelSubscription | None:
    return await session.scalar(select(LevelSubscription).where(LevelSubscription.user_id == user_id))


async def _grant_period(
    session: AsyncSession, subscription: LevelSubscription, level: Level, actor_id: uuid.UUID | None
) -> None:
    if level.tokens_per_period <= 0:
        return
    await wallet_service.grant(
        session,
        user_id=subscription.user_id,
        amount=level.tokens_per_period,
        idempotency_key=f"level-grant:{subscription.id}:{subscription.period_start.isoformat()}",
        expires_at=subscription.period_end,
        memo=f"level {level.slug}: tokens for the period",
        actor_id=actor_id,
    )


async def subscribe(
    session: AsyncSession, *, user_id: uuid.UUID, level: Level, actor_id: uuid.UUID | None
) -> LevelSubscription:
    """Put the member on `level` for a new period starting now, and grant its tokens."""
    now = utcnow()
    subscription = await subscription_of(session, user_id)
    if subscription is None:
        subscription = LevelSubscription(user_id=user_id, level_id=level.id, period_start=now)
        try:
            async with session.begin_nested():
                session.add(subscription)
        except IntegrityError:
            # Subscribed by a concurrent request: take over its row.
            subscription = await subscription_of(session, user_id)
            assert subscription is not None
    subscription.level_id = level.id
    subscription.period_start = now
    subscription.period_end = period_end(now, level.period)
    await session.flush()
    await _grant_period(session, subscription, level, actor_id)
    return subscription


async def current_level(
    session: AsyncSession, user_id: uuid.UUID
) -> tuple[LevelSubscription | None, Level | None]:
    """The member's subscription and level, or no subscription and the tenant's default."""
    subscription = await subscription_of(session, user_id)
    if subscription is None:
        return None, await default_level(session)
    return subscription, await session.get(Level, subscription.level_id)


async def change_level(
    session: AsyncSession, *, user_id: uuid.UUID, level: Level, actor_id: uuid.UUID | None, any_level: bool
) -> LevelSubscription:
    """Move a member to `level`. Without `any_level` (the member's own request) only to a
    level their current one lists in `upgrades_to`. Within the same kind of period the
    period carries on and a larger allowance is granted for the time left; otherwise a new
    period starts."""
    subscription, old = await current_level(session, user_id)
    if subscription is not None and old is not None and old.id == level.id:
        return subscription
    if not any_level and (old is None or level.slug not in old.upgrades_to):
        raise UpgradeNotAllowed(params={"level": level.slug})
    if subscription is None or old is None or old.period != level.period:
        return await subscribe(session, user_id=user_id, level=level, actor_id=actor_id)
    subscription.level_id = level.id
    await session.flush()
    extra = prorated(
        level.tokens_per_period - old.tokens_per_period,
        subscription.period_start,
        subscription.period_end,
        utcnow(),
    )
    if extra > 0:
        # Once per level and period: moving down and up again grants nothing more (the
        # key then comes back with another amount, which the ledger refuses; that is fine).
        with contextlib.suppress(IdempotencyKeyReused):
            await wallet_service.grant(
                session,
                user_id=user_id,
                amount=extra,
                idempotency_key=f"level-change:{subscription.id}:{level.id}:{subscription.period_start.isoformat()}",
                expires_at=subscription.period_end,
                memo=f"level {level.slug}: prorated tokens for the rest of the period",
                actor_id=actor_id,
            )
    return subscription


async def renew_due(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Start the next period of every subscription whose period ended, granting its
    tokens; periods missed entirely are skipped. Safe to run twice: grants are keyed."""
    now = now or utcnow()
    due = await session.execute(
        select(LevelSubscription, Level)
        .join(Level, Level.id == LevelSubscription.level_id)
        .where(LevelSubscription.period_end <= now)
        .order_by(LevelSubscription.id)
        .with_for_update(of=LevelSubscription, skip_locked=True)
    )
    renewed = 0
    for subscription, level in due.all():
        assert subscription.period_end is not None
        start, end = subscription.period_end, period_end(subscription.period_end, level.period)
        while end is not None and end <= now:
            start, end = end, period_end(end, level.period)
        subscription.period_start, subscription.period_end = start, end
        await session.flush()
        await _grant_period(session, subscription, level, None)
        renewed += 1
    return renewed


# Standing


@dataclass(frozen=True, slots=True)
class Standing:
    subscription: LevelSubscription | None
    level: Level | None
    restrictions: Restrictions
    executions_today: int
    running: int
    tokens_available: int


async def standing(session: AsyncSession, user_id: uuid.UUID) -> Standing:
    """The member's level and their use today against its restrictions."""
    subscription, level = await current_level(session, user_id)
    account = await wallet_service.account(session, AccountKind.USER, user_id)
    return Standing(
        subscription=subscription,
        level=level,
        restrictions=Restrictions.model_validate(level.restrictions if level else {}),
        executions_today=await executions_today(session, user_id),
        running=await running_executions(session, user_id),
        tokens_available=posting.available(account),
    )
