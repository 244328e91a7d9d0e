"""Periodic clean-up of identity records."""

from __future__ import annotations

import asyncio

from athanor.auth import service
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.settings import get_settings
from athanor.workers.celery_app import celery_app


async def _purge() -> int:
    settings = get_settings()
    db = Database(settings.app_database_url, pool_size=1)
    try:
        async with db.session(DbScope.anonymous()) as session, session.begin():
            return await service.purge_expired(session)
    finally:
        await db.dispose()


@celery_app.task(name="athanor.auth.purge_expired")
def purge_expired() -> int:
    """Delete sessions and link tokens that ended more than a week ago."""
    return asyncio.run(_purge())
