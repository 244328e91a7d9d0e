"""Durable tasks on a live (in-process) worker: retries with backoff, dead letters and
their re-queue, duplicate deliveries, revocation, and what the registry records."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.workers.durable import backoff_delay, enqueue
from athanor.workers.embedded import EmbeddedWorker
from athanor.workers.models import ReceiptState, TaskReceipt
from tests.builders import Member
from tests.support import assert_problem
from tests.workers import sample_tasks
from tests.workers.conftest import eventually


async def _receipt(runtime: Runtime, task_id: str) -> TaskReceipt | None:
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        found: TaskReceipt | None = await session.scalar(
            select(TaskReceipt).where(TaskReceipt.task_id == task_id)
        )
        return found


async def _done(runtime: Runtime, task_id: str) -> bool:
    receipt = await _receipt(runtime, task_id)
    return receipt is not None and receipt.state is ReceiptState.DONE


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    delays = [[backoff_delay(n, 1.0, 30.0, rng) for _ in range(200)] for n in range(8)]
    for n, samples in enumerate(delays):
        full = min(30.0, 2.0**n)
        assert all(full / 2 <= delay <= full for delay in samples)
        assert len({round(delay, 6) for delay in samples}) > 150  # spread, not one value
    assert max(delays[7]) <= 30.0


async def test_failing_task_retries_then_dead_letters_then_requeue_succeeds(
    client: httpx.AsyncClient, runtime: Runtime, embedded: EmbeddedWorker, admin: Member
) -> None:
    tenant_id = str(admin.tenant_id)
    enqueue(sample_tasks.flaky, kwargs={"key": "a", "fail_times": 3, "tenant_id": tenant_id})

    async def dead_letters() -> list[dict[str, Any]]:
        page = (await client.get("/api/admin/dead-letters", headers=admin.headers)).json()
        items: list[dict[str, Any]] = page["items"]
        return items

    [letter] = await eventually(dead_letters)
    # The first try and both retries ran; nothing ran after the last one.
    assert sample_tasks.CALLS["a"] == 3
    assert letter["task_name"] == "tests.workers.flaky"
    assert letter["exception_type"] == "tests.workers.sample_tasks.FlakyError"
    assert letter["message"] == "call 3 of a failed"
    assert "FlakyError" in letter["traceback"]
    assert letter["attempts"] == 3
    assert letter["queue"] == "interactive"
    assert letter["kwargs"] == {"key": "a", "fail_times": 3, "tenant_id": tenant_id}
    assert letter["tenant_id"] == tenant_id
    assert letter["requeued_at"] is None

    failures = (
        await client.get("/api/admin/task-failures?task_name=tests.workers.flaky", headers=admin.headers)
    ).json()["items"]
    assert sorted((item["attempt"], item["final"]) for item in failures) == [
        (1, False),
        (2, False),
        (3, True),
    ]
    assert {item["subject"]["tenant_id"] for item in failures} == {tenant_id}

    requeued = await client.post(f"/api/admin/dead-letters/{letter['id']}/requeue", headers=admin.headers)
    assert requeued.status_code == 200, requeued.text
    assert requeued.json()["requeued_by"] == str(admin.user_id)
    task_id = requeued.json()["requeued_task_id"]
    await eventually(lambda: _done(runtime, task_id))
    assert sample_tasks.DONE["a"] == 1  # the fourth call, with the original arguments, succeeded

    again = await client.post(f"/api/admin/dead-letters/{letter['id']}/requeue", headers=admin.headers)
    assert_problem(again, 409, "workers.already_requeued")
    pending = (await client.get("/api/admin/dead-letters?pending=true", headers=admin.headers)).json()
    assert pending["items"] == []
    missing = await client.post(f"/api/admin/dead-letters/{uuid.uuid4()}/requeue", headers=admin.headers)
    assert_problem(missing, 404, "workers.dead_letter_not_found")

    counts = (await client.get("/api/admin/workers/event-counts", headers=admin.headers)).json()
    assert sum(row["count"] for row in counts if row["kind"] == "task_failed") == 3


async def test_a_task_delivered_twice_does_its_work_once(runtime: Runtime, embedded: EmbeddedWorker) -> None:
    sequential, overlap = f"dup-{uuid.uuid4()}", f"dup-{uuid.uuid4()}"
    # One after the other: the second delivery finds the first one's receipt done.
    enqueue(sample_tasks.count, kwargs={"key": "once"}, task_id=sequential)
    await eventually(lambda: _done(runtime, sequential))
    enqueue(sample_tasks.count, kwargs={"key": "once"}, task_id=sequential)
    # At the same time, while the first still runs: the second waits, then skips.
    enqueue(sample_tasks.count, kwargs={"key": "overlap", "seconds": 0.8}, task_id=overlap)
    enqueue(sample_tasks.count, kwargs={"key": "overlap", "seconds": 0.8}, task_id=overlap)
    await eventually(lambda: _done(runtime, overlap))
    await asyncio.sleep(2.0)  # time for the deferred copy to come back and find it done
    assert sample_tasks.CALLS["once"] == 1
    assert sample_tasks.CALLS["overlap"] == 1


async def test_revoked_task_never_runs(
    client: httpx.AsyncClient, runtime: Runtime, embedded: EmbeddedWorker, admin: Member
) -> None:
    # Celery remembers revoked ids per process: every test uses fresh ones.
    doomed, finished = f"revoke-{uuid.uuid4()}", f"finished-{uuid.uuid4()}"
    # Due in 3 s: revoked while it waits (a thread pool cannot stop a running one).
    enqueue(sample_tasks.count, kwargs={"key": "revoked"}, task_id=doomed, countdown=3.0)
    revoked = await client.post(
        f"/api/admin/tasks/{doomed}/revoke", json={"terminate": True}, headers=admin.headers
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == {"task_id": doomed, "revoked": True, "terminate": True}
    await asyncio.sleep(4.0)
    assert sample_tasks.CALLS["revoked"] == 0
    receipt = await _receipt(runtime, doomed)
    assert receipt is not None
    assert receipt.state is ReceiptState.REVOKED

    # A finished task cannot be revoked any more; bodies are strict.
    enqueue(sample_tasks.count, kwargs={"key": "finished"}, task_id=finished)
    await eventually(lambda: _done(runtime, finished))
    late = await client.post(f"/api/admin/tasks/{finished}/revoke", json={}, headers=admin.headers)
    assert late.json()["revoked"] is False
    loose = await client.post(
        f"/api/admin/tasks/{finished}/revoke", json={"terminate": "yes"}, headers=admin.headers
    )
    assert_problem(loose, 422, "validation_failed")


async def test_registry_shows_the_worker_its_capacity_and_performance(
    client: httpx.AsyncClient, runtime: Runtime, embedded: EmbeddedWorker, admin: Member
) -> None:
    for index in range(3):
        enqueue(sample_tasks.count, kwargs={"key": f"perf-{index}"})
    enqueue(sample_tasks.flaky, kwargs={"key": "perf-fail", "fail_times": 9})

    async def busy_worker() -> dict[str, Any] | None:
        workers = (await client.get("/api/admin/workers", headers=admin.headers)).json()
        return next((w for w in workers if w["processed"] >= 6), None)  # 3 + 3 attempts

    worker = await eventually(busy_worker)
    assert worker["embedded"] is True
    assert worker["health"] in {"healthy", "degraded"}
    assert worker["slots"] == 4
    assert worker["failed"] == 3
    assert sorted(worker["queues"]) == ["batch", "default", "export", "interactive"]

    detail = (await client.get(f"/api/admin/workers/{worker['id']}", headers=admin.headers)).json()
    assert "online" in {event["kind"] for event in detail["events"]}
    assert sum(point["processed"] for point in detail["series"]) >= 6
    assert sum(point["failed"] for point in detail["series"]) == 3
    assert all(point["mean_latency_ms"] is not None for point in detail["series"] if point["processed"])

    status = (await client.get("/api/admin/workers/status", headers=admin.headers)).json()
    interactive = next(queue for queue in status["queues"] if queue["name"] == "interactive")
    assert interactive["consumers"] == 1
    assert interactive["slots"] == 4

    # A thread pool cannot be resized: a clear refusal, not a fake success.
    refused = await client.post(
        f"/api/admin/workers/{worker['id']}/resize", json={"concurrency": 6}, headers=admin.headers
    )
    assert_problem(refused, 409, "workers.resize_refused")
    bad = await client.post(
        f"/api/admin/workers/{worker['id']}/resize", json={"concurrency": "6"}, headers=admin.headers
    )
    assert_problem(bad, 422, "validation_failed")
    unknown = await client.get(f"/api/admin/workers/{uuid.uuid4()}", headers=admin.headers)
    assert_problem(unknown, 404, "workers.worker_not_found")


async def test_only_platform_admins_manage_workers(client: httpx.AsyncClient, runtime: Runtime) -> None:
    from tests.builders import make_member

    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    for path in ("/api/admin/workers", "/api/admin/queues", "/api/admin/dead-letters"):
        assert_problem(await client.get(path, headers=owner.headers), 403, "admin.superadmin_required")
