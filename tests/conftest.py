"""Test fixtures: every test runs on SQLite and on PostgreSQL, each with a clean database.

Services come from ATHANOR_TEST_PG (a superuser URL) and ATHANOR_TEST_REDIS. Missing ones
skip their tests locally and fail the run under CI=true.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from athanor.app import create_app
from athanor.core import security
from athanor.db.migrate import upgrade
from athanor.db.models import Base
from athanor.runtime import Runtime, build_runtime
from athanor.settings import Environment, Settings
from athanor.workers.celery_app import celery_app
from athanor.workers.embedded import EmbeddedWorker

PG_ADMIN_URL = os.environ.get("ATHANOR_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ATHANOR_TEST_REDIS", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
T = TypeVar("T")
TEST_SECRET = "test-secret-key-" + "x" * 40
TEST_KEY_RING = ["t1:" + "A" * 43 + "="]


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run async set-up from sync fixtures, even when an event loop is already running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _reachable(check: Coroutine[Any, Any, bool]) -> bool:
    try:
        return run_coroutine(check)
    except Exception:  # any failure means "not available"
        return False


async def _pg_ok() -> bool:
    engine = create_async_engine(PG_ADMIN_URL)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    finally:
        await engine.dispose()


async def _redis_ok() -> bool:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        return bool(await client.ping())
    finally:
        await client.aclose()


def require_service(name: str, available: bool) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required under CI=true but cannot be reached", pytrace=False)
    pytest.skip(f"{name} not reachable")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default=os.environ.get("ATHANOR_TEST_DB", "sqlite,postgres"),
        help="Comma-separated databases to run against: sqlite, postgres",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = [name.strip() for name in metafunc.config.getoption("--db").split(",") if name.strip()]
        only = metafunc.definition.get_closest_marker("backends")
        if only:
            backends = [name for name in backends if name in only.args]
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(scope="session")
def services() -> dict[str, bool]:
    return {"postgres": _reachable(_pg_ok()), "redis": _reachable(_redis_ok())}


@pytest.fixture(scope="session")
def redis_url(services: dict[str, bool]) -> str:
    require_service("Redis", services["redis"])
    return REDIS_URL


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "encryption_keys": TEST_KEY_RING,
        "public_url": "https://athanor.test",
        "log_json": True,
        "log_level": "WARNING",
        "rate_limit_user": "10000/minute",
        "rate_limit_tenant": "10000/minute",
        "rate_limit_api_key": "10000/minute",
        "rate_limit_anonymous": "10000/minute",
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    upgrade(make_settings(f"sqlite+aiosqlite:///{folder / 'template.db'}", folder))
    return folder / "template.db"


async def _admin_sql(sql: str) -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


@contextmanager
def empty_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (owner URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    run_coroutine(_admin_sql(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        run_coroutine(_admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_url(services: dict[str, bool], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated PostgreSQL database for this test session."""
    require_service("PostgreSQL", services["postgres"])
    with empty_postgres_database("athanor_test") as url:
        upgrade(make_settings(url, tmp_path_factory.mktemp("pg")))
        yield url


async def truncate_postgres(url: str) -> None:
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
def migrated_source(backend: str, request: pytest.FixtureRequest) -> Path | str:
    """The migrated SQLite template file or PostgreSQL URL (set up outside any event loop)."""
    source: Path | str = request.getfixturevalue("sqlite_template" if backend == "sqlite" else "pg_url")
    return source


@pytest.fixture
async def database_url(migrated_source: Path | str, tmp_path: Path) -> str:
    """The owner URL of a clean database of the requested backend."""
    if isinstance(migrated_source, Path):
        shutil.copy(migrated_source, tmp_path / "athanor.db")
        return f"sqlite+aiosqlite:///{tmp_path / 'athanor.db'}"
    await truncate_postgres(migrated_source)
    return migrated_source


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    runtime = build_runtime(settings)
    yield runtime
    await runtime.close()


@asynccontextmanager
async def app_client(
    settings: Settings, runtime: Runtime | None = None, base_url: str = "https://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app in-process; a runtime made here is closed here."""
    own_runtime = runtime is None
    runtime = runtime or build_runtime(settings)
    transport = httpx.ASGITransport(app=create_app(settings, runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            yield http
    finally:
        if own_runtime:
            await runtime.close()


@pytest.fixture
async def worker(runtime: Runtime) -> AsyncIterator[EmbeddedWorker]:
    """A Celery worker in this process (memory broker, threads) running on the test's loop.
    Tasks earlier tests published (to no worker) are dropped first: they name rows of
    databases that no longer exist."""
    celery_app.control.purge()
    embedded = EmbeddedWorker(runtime, beat=False)
    embedded.start(asyncio.get_running_loop())
    yield embedded
    await asyncio.to_thread(embedded.stop)


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, runtime) as http:
        yield http


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at minimal cost: tests are about the flows, not the hash strength
    (default costs take about 0.4 s a hash on this machine)."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(security, "_hasher", hasher)
    monkeypatch.setattr(security, "_DUMMY_HASH", hasher.hash("athanor-timing-equaliser"))
