"""How many bytes a bucket and a member hold, and whether one more file fits.

Quotas count what people stored (every version until it is purged), not the deduplicated
bytes underneath: storing the same file twice counts twice, as a person would expect.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.levels.service import current_level
from athanor.storage.exceptions import BucketQuotaExceeded, LevelQuotaExceeded
from athanor.storage.models import Bucket, FileVersion, StoredFile


async def bucket_usage(session: AsyncSession, bucket_id: uuid.UUID) -> int:
    used = await session.scalar(
        select(func.coalesce(func.sum(FileVersion.size), 0))
        .join(StoredFile, StoredFile.id == FileVersion.file_id)
        .where(StoredFile.bucket_id == bucket_id)
    )
    return int(used or 0)


async def member_usage(session: AsyncSession, user_id: uuid.UUID) -> int:
    used = await session.scalar(
        select(func.coalesce(func.sum(FileVersion.size), 0)).where(FileVersion.created_by_id == user_id)
    )
    return int(used or 0)


async def tenant_usage(session: AsyncSession) -> int:
    used = await session.scalar(select(func.coalesce(func.sum(FileVersion.size), 0)))
    return int(used or 0)


async def level_quota(session: AsyncSession, user_id: uuid.UUID) -> int | None:
    _subscription, level = await current_level(session, user_id)
    if level is None:
        return None
    quota = level.restrictions.get("storage_quota_bytes")
    return int(quota) if quota is not None else None


async def ensure_room(
    session: AsyncSession, bucket: Bucket, user_id: uuid.UUID | None, incoming: int
) -> None:
    """A quota error if `incoming` more bytes would pass the bucket's or the member's cap."""
    if (
        bucket.quota_bytes is not None
        and await bucket_usage(session, bucket.id) + incoming > bucket.quota_bytes
    ):
        raise BucketQuotaExceeded(params={"quota": bucket.quota_bytes})
    if user_id is None:
        return
    quota = await level_quota(session, user_id)
    if quota is not None and await member_usage(session, user_id) + incoming > quota:
        raise LevelQuotaExceeded(params={"quota": quota})
