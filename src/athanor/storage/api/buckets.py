"""Buckets and what they hold: create, read, change, delete, and storage usage."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import func, select

from athanor.access.dependencies import DbSession
from athanor.audit import service as audit
from athanor.core.routing import StrictJsonRoute
from athanor.storage import quota, service
from athanor.storage.api.common import Manager, Reader, bucket_read
from athanor.storage.models import Blob, Bucket
from athanor.storage.schemas import (
    BucketCreate,
    BucketName,
    BucketRead,
    BucketUpdate,
    UsageRead,
)

router = APIRouter(route_class=StrictJsonRoute)


# Buckets ----------------------------------------------------------------------------------


@router.get("/buckets", response_model=list[BucketRead])
async def list_buckets(_principal: Reader, session: DbSession) -> list[BucketRead]:
    buckets = await session.scalars(select(Bucket).order_by(Bucket.name))
    return [await bucket_read(session, bucket) for bucket in buckets]


@router.post("/buckets", response_model=BucketRead, status_code=status.HTTP_201_CREATED)
async def create_bucket(body: BucketCreate, principal: Manager, session: DbSession) -> BucketRead:
    bucket = await service.create_bucket(
        session,
        name=body.name,
        visibility=body.visibility,
        description=body.description,
        quota_bytes=body.quota_bytes,
    )
    await audit.record(
        session,
        action="storage.bucket_created",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="bucket",
        target_id=bucket.id,
        details={"name": bucket.name, "visibility": bucket.visibility.value},
    )
    return await bucket_read(session, bucket)


@router.get("/buckets/{bucket}", response_model=BucketRead)
async def read_bucket(bucket: BucketName, _principal: Reader, session: DbSession) -> BucketRead:
    return await bucket_read(session, await service.get_bucket(session, bucket))


@router.patch("/buckets/{bucket}", response_model=BucketRead)
async def update_bucket(
    bucket: BucketName, body: BucketUpdate, principal: Manager, session: DbSession
) -> BucketRead:
    found = await service.get_bucket(session, bucket)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(found, field, value)
    await session.flush()
    await audit.record(
        session,
        action="storage.bucket_updated",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="bucket",
        target_id=found.id,
        details={key: str(value) for key, value in changes.items()},
    )
    return await bucket_read(session, found)


@router.delete("/buckets/{bucket}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_bucket(bucket: BucketName, principal: Manager, session: DbSession) -> Response:
    found = await service.get_bucket(session, bucket)
    await service.delete_bucket(session, found)
    await audit.record(
        session,
        action="storage.bucket_deleted",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="bucket",
        target_id=found.id,
        details={"name": found.name},
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Usage ------------------------------------------------------------------------------------


@router.get("/usage", response_model=UsageRead)
async def usage(principal: Reader, session: DbSession) -> UsageRead:
    stored = await session.scalar(select(func.coalesce(func.sum(Blob.size), 0)))
    return UsageRead(
        used_bytes=await quota.member_usage(session, principal.user.id),
        quota_bytes=await quota.level_quota(session, principal.user.id),
        tenant_bytes=await quota.tenant_usage(session),
        stored_bytes=int(stored or 0),
    )
