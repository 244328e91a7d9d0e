from __future__ import annotations

import httpx
import pytest

from athanor.runtime import Runtime
from tests.builders import Member, make_member


@pytest.fixture
async def owner(runtime: Runtime, client: httpx.AsyncClient) -> Member:
    member = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await client.post("/api/storage/buckets", json={"name": "docs"}, headers=member.headers)
    assert created.status_code == 201, created.text
    return member
