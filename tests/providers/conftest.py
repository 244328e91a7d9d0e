"""One fake upstream server for the session; each test starts with an empty queue and log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.providers.fakes import FakeUpstream, serve


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[FakeUpstream]:
    fake = FakeUpstream()
    with serve(fake.app) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
def upstream(upstream_server: FakeUpstream) -> FakeUpstream:
    upstream_server.reset()
    return upstream_server
