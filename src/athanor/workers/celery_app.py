"""The one Celery app. Tasks take ids and a tenant, never objects."""

from __future__ import annotations

from celery import Celery

from athanor.settings import Settings, get_settings

QUEUES = ("interactive", "default", "batch", "export")


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    broker = settings.broker_url or "memory://"
    # Results go to Redis when there is one; callers that need a result wait on it there.
    backend = settings.redis_url or (broker if broker.startswith("redis") else None)
    tasks = ["athanor.auth.tasks", "athanor.wallet.tasks", "athanor.levels.tasks"]
    app = Celery("athanor", broker=broker, backend=backend, include=tasks)
    app.conf.update(
        task_default_queue="default",
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        result_expires=3600,
        broker_connection_retry_on_startup=True,
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
        beat_schedule={
            "purge-expired-credentials": {"task": "athanor.auth.purge_expired", "schedule": 3600.0},
            # Stale holds go back to their wallets within a minute of expiring.
            "sweep-wallets": {"task": "athanor.wallet.sweep", "schedule": 60.0},
            "renew-level-periods": {"task": "athanor.levels.renew_periods", "schedule": 300.0},
        },
    )
    return app


celery_app = create_celery()
