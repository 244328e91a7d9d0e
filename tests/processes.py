"""Athanor in other processes, for the tests of the distributed path: the environment a
server or worker needs to share the test's database and broker, a Redis database of a
suite's own, a free port."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis

from athanor.settings import Settings

ATHANOR = [sys.executable, "-m", "athanor"]


def athanor_env(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment without its ATHANOR_ values, plus the test's settings."""
    assert settings.secret_key is not None
    values = {
        "ATHANOR_DATA_DIR": str(settings.data_dir),
        "ATHANOR_DATABASE_URL": settings.database_url,
        "ATHANOR_SECRET_KEY": settings.secret_key.get_secret_value(),
        "ATHANOR_ENCRYPTION_KEYS": ",".join(settings.encryption_keys),
        "ATHANOR_ENVIRONMENT": "test",
        "ATHANOR_LOG_LEVEL": "WARNING",
        "ATHANOR_WORKER_HEARTBEAT_SECONDS": str(settings.worker_heartbeat_seconds),
        **extra,
    }
    if settings.broker_url:
        values["ATHANOR_BROKER_URL"] = values["ATHANOR_REDIS_URL"] = settings.broker_url
    return {**{k: v for k, v in os.environ.items() if not k.startswith("ATHANOR_")}, **values}


@contextmanager
def own_redis_database(redis_url: str, number: int) -> Iterator[str]:
    """A Redis database of the suite's own, empty before and after, so other suites'
    queues never mix with its own."""
    url = redis_url.rsplit("/", 1)[0] + f"/{number}"
    client = Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
