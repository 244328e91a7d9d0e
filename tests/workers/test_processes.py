"""Real worker processes on Redis: a SIGKILLed worker becomes lost, drain and pool resize
through the API, queue depth and oldest-job age, and the worker inside `athanor serve`."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from redis import Redis
from sqlalchemy import select

from athanor.db.scope import DbScope
from athanor.runtime import Runtime, build_runtime
from athanor.settings import Settings
from athanor.workers import registry
from athanor.workers.broker import queue_depths
from athanor.workers.celery_app import create_celery
from athanor.workers.health import HealthRules
from athanor.workers.models import DeadLetter, ReceiptState, TaskReceipt, Worker, WorkerEvent, WorkerEventKind
from athanor.workers.queues import broker_priority, redis_keys
from tests.builders import Member
from tests.conftest import make_settings
from tests.processes import ATHANOR, athanor_env, free_port, own_redis_database
from tests.support import assert_problem
from tests.workers.conftest import eventually

pytestmark = pytest.mark.slow

# A Redis database of their own, so other suites' queues never mix with these.
REDIS_DB = 12


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    with own_redis_database(redis_url, REDIS_DB) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, broker_url: str) -> Settings:
    return make_settings(
        database_url, tmp_path, broker_url=broker_url, redis_url=broker_url, worker_heartbeat_seconds=0.5
    )


class WorkerProcess:
    def __init__(self, settings: Settings, log: Path, *args: str) -> None:
        self.log = log
        self._out = log.open("w")
        self.process = subprocess.Popen(
            [*ATHANOR, "worker", *args], env=athanor_env(settings), stdout=self._out, stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        return self.log.read_text()[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._out.close()


@pytest.fixture
def start_worker(settings: Settings, tmp_path: Path) -> Iterator[Any]:
    started: list[WorkerProcess] = []

    def start(*args: str) -> WorkerProcess:
        worker = WorkerProcess(settings, tmp_path / f"worker-{len(started)}.log", *args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


async def _worker_with_pid(runtime: Runtime, pid: int) -> Worker | None:
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        found: Worker | None = await session.scalar(select(Worker).where(Worker.pid == pid))
        return found


async def _registered(client: httpx.AsyncClient, admin: Member, pid: int) -> dict[str, Any] | None:
    workers = (await client.get("/api/admin/workers", headers=admin.headers)).json()
    return next((w for w in workers if w["pid"] == pid), None)


async def test_killed_worker_becomes_lost(
    client: httpx.AsyncClient, runtime: Runtime, admin: Member, start_worker: Any
) -> None:
    worker = start_worker("--queues", "default", "--concurrency", "1")
    pid = worker.process.pid

    async def healthy() -> dict[str, Any] | None:
        found = await _registered(client, admin, pid)
        return found if found and found["health"] == "healthy" and found["processed"] == 0 else None

    seen = await eventually(healthy, within=30)
    assert (seen["queues"], seen["slots"], seen["embedded"]) == (["default"], 1, False)

    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait(timeout=10)

    async def lost() -> dict[str, Any] | None:
        found = await _registered(client, admin, pid)
        return found if found and found["health"] == "lost" else None

    gone = await eventually(lost, within=10)
    assert (gone["slots"], gone["in_flight"], gone["state"]) == (0, 0, "running")  # no goodbye was said

    # Whoever looks next (another worker's heartbeat, an API server) records the silence, once.
    rules = HealthRules.from_settings(runtime.settings)
    for _ in range(2):
        await registry.report_silent_workers(runtime.db, rules)
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        kinds = (
            await session.scalars(
                select(WorkerEvent.kind).where(WorkerEvent.worker_id == uuid.UUID(seen["id"]))
            )
        ).all()
    assert sorted(kinds) == [WorkerEventKind.HEARTBEAT_MISSED, WorkerEventKind.ONLINE]


async def test_drain_and_resize_a_live_worker(
    client: httpx.AsyncClient, runtime: Runtime, admin: Member, start_worker: Any, settings: Settings
) -> None:
    worker = start_worker("--queues", "default", "--concurrency", "1")
    seen = await eventually(lambda: _registered(client, admin, worker.process.pid), within=30)
    app = create_celery(settings)

    grown = await client.post(
        f"/api/admin/workers/{seen['id']}/resize", json={"concurrency": 2}, headers=admin.headers
    )
    assert grown.status_code == 200, grown.text + worker.output()

    async def two_slots() -> dict[str, Any] | None:
        found = await _registered(client, admin, worker.process.pid)
        return found if found and found["slots"] == 2 else None

    await eventually(two_slots, within=15)  # as the worker itself reports it
    detail = (await client.get(f"/api/admin/workers/{seen['id']}", headers=admin.headers)).json()
    scaled = [event for event in detail["events"] if event["kind"] == "scaled"]
    assert [(event["detail"]["from"], event["detail"]["to"]) for event in scaled] == [(1, 2)]

    # One task in flight, then drain: it finishes, and nothing new is taken.
    running = app.send_task("athanor.workers.probe", kwargs={"seconds": 2}, queue="default")
    await eventually(lambda: _in_flight(client, admin, worker.process.pid), within=15)
    drained = await client.post(f"/api/admin/workers/{seen['id']}/drain", headers=admin.headers)
    assert drained.status_code == 200, drained.text
    assert (drained.json()["state"], drained.json()["queues"]) == ("draining", [])
    waiting = app.send_task("athanor.workers.probe", kwargs={"seconds": 0}, queue="default")
    assert await asyncio.to_thread(running.get, timeout=20) == socket.gethostname()
    await asyncio.sleep(2)
    assert waiting.state == "PENDING"
    default = next(q for q in await queue_depths(app) if q.queue == "default")
    assert default.depth == 1
    assert default.oldest_age_seconds is not None
    assert default.oldest_age_seconds >= 1.5


async def _in_flight(client: httpx.AsyncClient, admin: Member, pid: int) -> bool:
    found = await _registered(client, admin, pid)
    return bool(found and found["in_flight"] == 1)


async def test_queue_depth_priority_and_oldest_age_on_redis(settings: Settings) -> None:
    app = create_celery(settings)
    broker = settings.broker_url or ""
    for priority in (0, 5, 9):
        app.send_task("athanor.workers.probe", queue="batch", priority=broker_priority(priority, broker))
    await asyncio.sleep(1.2)
    batch = next(q for q in await queue_depths(app) if q.queue == "batch")
    assert batch.depth == 3
    assert batch.oldest_age_seconds is not None
    assert 1.0 <= batch.oldest_age_seconds < 30
    client = Redis.from_url(broker)
    try:
        # The most urgent task sits in the list Redis workers read first.
        lengths = [client.llen(key) for key in redis_keys("batch")]
    finally:
        client.close()
    assert lengths[0] == 1
    assert sum(lengths) == 3


async def _seed_dead_letter(settings: Settings) -> str:
    runtime = build_runtime(settings)
    try:
        async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
            letter = DeadLetter(
                task_id="probe-that-failed",
                task_name="athanor.workers.probe",
                queue="default",
                priority=5,
                args=[],
                kwargs={"seconds": 0},
                attempts=1,
                exception_type="builtins.RuntimeError",
                message="boom",
                traceback="",
            )
            session.add(letter)
            await session.flush()
            return str(letter.id)
    finally:
        await runtime.close()


async def _receipt_state(settings: Settings, task_id: str) -> ReceiptState | None:
    runtime = build_runtime(settings)
    try:
        async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
            state: ReceiptState | None = await session.scalar(
                select(TaskReceipt.state).where(TaskReceipt.task_id == task_id)
            )
            return state
    finally:
        await runtime.close()


def _migrate_and_seed(env: dict[str, str]) -> dict[str, str]:
    subprocess.run([*ATHANOR, "migrate"], env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [*ATHANOR, "seed-demo", "--json"], env=env, check=True, capture_output=True, text=True
    )
    creds: dict[str, str] = json.loads(seeded.stdout)
    return creds


def _serve(env: dict[str, str], port: int, log: IO[str]) -> subprocess.Popen[bytes]:
    """`athanor serve` as `make run` starts it: no broker, the worker embedded."""
    return subprocess.Popen(
        [*ATHANOR, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )


@pytest.mark.backends("sqlite")
async def test_serve_runs_tasks_in_its_embedded_worker_without_a_broker(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'athanor.db'}", tmp_path)
    env = athanor_env(settings)
    creds = await asyncio.to_thread(_migrate_and_seed, env)
    letter_id = await _seed_dead_letter(settings)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = _serve(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:

            async def up() -> bool:
                try:
                    return (await http.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(up, within=30)
            login = {"email": creds["email"], "password": creds["password"]}
            token = (await http.post("/api/auth/token", json=login)).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            workers = (await http.get("/api/admin/workers", headers=headers)).json()
            assert [(w["embedded"], w["health"]) for w in workers] == [(True, "healthy")]
            requeued = await http.post(f"/api/admin/dead-letters/{letter_id}/requeue", headers=headers)
            assert requeued.status_code == 200, requeued.text
            task_id = requeued.json()["requeued_task_id"]

            async def ran() -> bool:
                return await _receipt_state(settings, task_id) is ReceiptState.DONE

            await eventually(ran, within=20)
            again = await http.post(f"/api/admin/dead-letters/{letter_id}/requeue", headers=headers)
            assert_problem(again, 409, "workers.already_requeued")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        log.close()
    # A clean stop says goodbye: the registry shows the worker offline, not lost.
    runtime = build_runtime(settings)
    try:
        async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
            states = (await session.scalars(select(Worker.stopped_at))).all()
    finally:
        await runtime.close()
    assert len(states) == 1
    assert states[0] is not None, (tmp_path / "serve.log").read_text()[-3000:]
