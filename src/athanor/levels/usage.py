"""How much of a level a member uses: counted from the records, one query each."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from athanor.db.base import new_id
from athanor.db.types import utcnow
from athanor.db.upsert import insert_for
from athanor.engines.models import Execution, ExecutionStatus
from athanor.levels.models import FeatureUsage

EXECUTIONS = "executions"


async def executions_today(session: AsyncSession, user_id: uuid.UUID) -> int:
    used = await session.scalar(
        select(FeatureUsage.count).where(
            FeatureUsage.user_id == user_id,
            FeatureUsage.feature == EXECUTIONS,
            FeatureUsage.day == utcnow().date(),
        )
    )
    return int(used or 0)


async def running_executions(session: AsyncSession, user_id: uuid.UUID) -> int:
    running = await session.scalar(
        select(func.count())
        .select_from(Execution)
        .where(Execution.user_id == user_id, Execution.status == ExecutionStatus.RUNNING)
    )
    return int(running or 0)


async def count_use(session: AsyncSession, *, tenant_id: uuid.UUID, user_id: uuid.UUID, feature: str) -> None:
    """Add one use of a feature today."""
    await count_uses(await session.connection(), feature, {(tenant_id, user_id): 1})


async def count_uses(
    connection: AsyncConnection, feature: str, uses: Mapping[tuple[uuid.UUID, uuid.UUID], int]
) -> None:
    """Add today's uses of a feature per (tenant, user), as upserts in one statement: safe
    under concurrency."""
    if not uses:
        return
    statement = insert_for(connection, FeatureUsage)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "user_id", "feature", "day"],
        set_={
            "count": FeatureUsage.count + statement.excluded.count,
            "updated_at": statement.excluded.updated_at,
        },
    )
    now = utcnow()
    await connection.execute(
        statement,
        [
            {
                "id": new_id(),
                "tenant_id": tenant_id,
                "user_id": user_id,
                "feature": feature,
                "day": now.date(),
                "count": count,
                "created_at": now,
                "updated_at": now,
            }
            for (tenant_id, user_id), count in uses.items()
        ],
    )
