"""The storage API: buckets, files, delivery and resumable uploads under /api/storage."""

from __future__ import annotations

from fastapi import APIRouter

from athanor.core.errors import problem_responses
from athanor.core.routing import StrictJsonRoute
from athanor.storage.api import buckets, delivery, files, uploads
from athanor.storage.api.common import is_streamed_upload

router = APIRouter(
    prefix="/api/storage",
    route_class=StrictJsonRoute,
    tags=["storage"],
    responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
)
for part in (buckets, files, delivery, uploads):
    router.include_router(part.router)

__all__ = ["is_streamed_upload", "router"]
