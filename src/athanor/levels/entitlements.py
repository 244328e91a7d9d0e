"""What a member's level lets them do, checked on the execution path.

Each restriction that stops a call raises a 403 problem whose code names the limit, so a
client (and the UI's translated message) can tell which one was hit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.errors import Forbidden
from athanor.core.i18n import _
from athanor.levels import usage
from athanor.levels.models import Level, LevelSubscription
from athanor.levels.schemas import Restrictions


class LevelRestricted(Forbidden):
    code = "level.restricted"


class EngineNotAllowed(LevelRestricted):
    code = "level.engine_not_allowed"
    message = _("Your level does not include the engine {engine}.")


class ModelNotAllowed(LevelRestricted):
    code = "level.model_not_allowed"
    message = _("Your level does not include the model {model}.")


class DailyExecutionsExceeded(LevelRestricted):
    code = "level.executions_per_day_exceeded"
    message = _("Your level allows {limit} executions a day; you have used them all today.")


class ConcurrentRunsExceeded(LevelRestricted):
    code = "level.concurrent_runs_exceeded"
    message = _("Your level allows {limit} runs at a time; wait for one to finish.")


class MaxOutputTokensExceeded(LevelRestricted):
    code = "level.max_output_tokens_exceeded"
    message = _("Your level allows at most {limit} output tokens per call.")


class LevelRateLimited(LevelRestricted):
    code = "level.rate_limit_exceeded"
    message = _("Your level allows {limit} calls; try again in {retry_after} seconds.")


@dataclass(frozen=True, slots=True)
class Entitlement:
    level: Level | None
    restrictions: Restrictions

    @property
    def overdraft(self) -> int:
        return self.restrictions.overdraft_tokens or 0


UNRESTRICTED = Entitlement(level=None, restrictions=Restrictions())


async def entitlement_of(session: AsyncSession, user_id: uuid.UUID) -> Entitlement:
    """The member's level, or the tenant's default level, or none (no restrictions)."""
    level = await session.scalar(
        select(Level)
        .join(LevelSubscription, LevelSubscription.level_id == Level.id)
        .where(LevelSubscription.user_id == user_id)
    )
    if level is None:
        level = await session.scalar(select(Level).where(Level.is_default.is_(True)))
    if level is None:
        return UNRESTRICTED
    session.expunge(level)  # cached across requests (see execution.services)
    return Entitlement(level=level, restrictions=Restrictions.model_validate(level.restrictions))


def check_call(
    entitlement: Entitlement, *, engine_slug: str | None, model_slug: str, max_tokens: int | None
) -> None:
    """The checks that need no database: which engines and models, how many output tokens."""
    rules = entitlement.restrictions
    if (
        engine_slug is not None
        and rules.allowed_engines is not None
        and engine_slug not in rules.allowed_engines
    ):
        raise EngineNotAllowed(params={"engine": engine_slug})
    if rules.allowed_models is not None and model_slug not in rules.allowed_models:
        raise ModelNotAllowed(params={"model": model_slug})
    if (
        rules.max_output_tokens is not None
        and max_tokens is not None
        and max_tokens > rules.max_output_tokens
    ):
        raise MaxOutputTokensExceeded(params={"limit": rules.max_output_tokens})


def output_budget(entitlement: Entitlement, requested: int | None, model_max: int) -> int:
    """The completion tokens a call may use: what was asked, capped by the level and model."""
    cap = min(model_max, entitlement.restrictions.max_output_tokens or model_max)
    return min(requested, cap) if requested else cap


async def check_usage(session: AsyncSession, entitlement: Entitlement, user_id: uuid.UUID) -> None:
    """Daily executions and concurrent runs, counted from the records."""
    rules = entitlement.restrictions
    if rules.executions_per_day is not None and (
        await usage.executions_today(session, user_id) >= rules.executions_per_day
    ):
        raise DailyExecutionsExceeded(params={"limit": rules.executions_per_day})
    if (
        rules.concurrent_runs is not None
        and await usage.running_executions(session, user_id) >= rules.concurrent_runs
    ):
        raise ConcurrentRunsExceeded(params={"limit": rules.concurrent_runs})
