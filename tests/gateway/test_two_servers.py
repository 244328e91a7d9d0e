"""Two API servers sharing Redis: a key revoked on one stops working on the other at once,
although both had it cached."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from athanor.runtime import build_runtime
from athanor.settings import Settings
from tests.ai_builders import add_deployment, give_tokens
from tests.builders import make_member
from tests.conftest import app_client, make_settings

BODY = {"model": "mock-small", "messages": [{"role": "user", "content": "hello there"}], "max_tokens": 5}


@pytest.mark.backends("postgres")
async def test_revocation_reaches_every_server(
    settings: Settings, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    shared = make_settings(database_url, tmp_path, redis_url=redis_url)
    one, two = build_runtime(shared), build_runtime(shared)
    try:
        owner = await make_member(one, "owner@example.com", tenant_name="Acme")
        assert owner.tenant_id is not None
        await add_deployment(one, owner.tenant_id)
        await give_tokens(one, owner.tenant_id, owner.user_id, 1000)
        # The in-process transport runs no lifespan: start what the app starts on boot.
        listeners = [asyncio.create_task(runtime.cache_bus.listen()) for runtime in (one, two)]
        async with app_client(shared, one) as first, app_client(shared, two) as second:
            await asyncio.sleep(0.3)  # both listeners are subscribed
            created = await first.post(
                "/api/api-keys", json={"name": "gw", "scopes": ["engines:execute"]}, headers=owner.headers
            )
            key = {"Authorization": f"Bearer {created.json()['secret']}"}
            for server in (first, second):
                assert (await server.post("/v1/chat/completions", json=BODY, headers=key)).status_code == 200
            revoked = await first.post(f"/api/api-keys/{created.json()['id']}/revoke", headers=owner.headers)
            assert revoked.status_code == 200
            for _ in range(50):  # the message crosses Redis in well under a second
                if not len(two.api_key_principals):
                    break
                await asyncio.sleep(0.02)
            refused = await second.post("/v1/chat/completions", json=BODY, headers=key)
            assert refused.status_code == 401
        for listener in listeners:
            listener.cancel()
    finally:
        await one.close()
        await two.close()
