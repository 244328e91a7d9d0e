"""The one Celery app. Tasks take ids and a tenant, never objects."""

from __future__ import annotations

from celery import Celery

from athanor.settings import Settings, get_settings
from athanor.workers.queues import DEFAULT_PRIORITY, MAX_PRIORITY, QUEUES, REDIS_PRIORITY_STEPS, declarations

TASK_MODULES = [
    "athanor.auth.tasks",
    "athanor.wallet.tasks",
    "athanor.levels.tasks",
    "athanor.workers.tasks",
    "athanor.workflows.tasks",
    "athanor.storage.tasks",
    "athanor.exports.tasks",
    "athanor.analytics.tasks",
]
__all__ = ["QUEUES", "celery_app", "create_celery"]


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    broker = settings.broker_url or "memory://"
    # Results go to Redis when there is one; callers that need a result wait on it there.
    backend = settings.redis_url or (broker if broker.startswith("redis") else None)
    app = Celery(
        "athanor",
        broker=broker,
        backend=backend,
        include=TASK_MODULES,
        task_cls="athanor.workers.metered:MeteredTask",
        # Clients built for another broker (tests, tools) must not become the app that
        # signatures resolve to.
        set_as_current=False,
    )
    app.conf.update(
        task_queues=declarations(),
        task_default_queue="default",
        task_default_exchange="default",
        task_default_routing_key="default",
        task_queue_max_priority=MAX_PRIORITY,
        task_default_priority=DEFAULT_PRIORITY,
        broker_transport_options={
            "priority_steps": REDIS_PRIORITY_STEPS,
            "queue_order_strategy": "priority",
            "visibility_timeout": settings.broker_visibility_timeout,
        },
        # A task is acknowledged once done, and goes back to its queue when its worker dies.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Events feed `celery events`, Flower and the live status of the registry.
        worker_send_task_events=True,
        task_send_sent_event=True,
        task_track_started=True,
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
            "prune-worker-history": {"task": "athanor.workers.prune", "schedule": 3600.0},
            # Lapsed leases, lost publishes and due delays of workflow nodes.
            "reap-workflow-nodes": {"task": "athanor.workflows.reap", "schedule": 5.0},
            "fire-workflow-schedules": {"task": "athanor.workflows.fire_schedules", "schedule": 30.0},
            # Files deleted past their retention, unreferenced content, abandoned uploads.
            "purge-storage": {"task": "athanor.storage.purge", "schedule": 3600.0},
            "sweep-exports": {"task": "athanor.exports.sweep", "schedule": 300.0},
            "fold-analytics": {"task": "athanor.analytics.fold", "schedule": 60.0},
        },
    )
    if broker.startswith("memory"):
        # In-process queues are polled: a second between polls (the default) would be a
        # second of waiting for every workflow node.
        app.conf.broker_transport_options["polling_interval"] = 0.02
    # Publish timestamps, publish counts and the registry's worker hooks.
    from athanor.workers import signals

    signals.connect()
    return app


celery_app = create_celery()
# The app of every thread: a pool thread has no "current" app of its own, and a retry
# published from it would otherwise go to Celery's default (amqp://localhost).
celery_app.set_default()
