"""The one Celery app. Tasks take ids and a tenant, never objects."""

from __future__ import annotations

from celery import Celery

from athanor.settings import Settings, get_settings

QUEUES = ("interactive", "default", "batch", "export")


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    app = Celery("athanor", broker=settings.broker_url or "memory://", include=["athanor.auth.tasks"])
    app.conf.update(
        task_default_queue="default",
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        beat_schedule={
            "purge-expired-credentials": {"task": "athanor.auth.purge_expired", "schedule": 3600.0},
        },
    )
    return app


celery_app = create_celery()
