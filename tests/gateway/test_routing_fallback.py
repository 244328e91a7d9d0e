"""Routing on the real path: a failing deployment is retried, then the next one answers."""

from __future__ import annotations

from athanor.runtime import Runtime
from athanor.settings import Settings
from tests.ai_builders import add_deployment, api_key_for, give_tokens
from tests.builders import make_member
from tests.conftest import app_client

BODY = {"model": "mock-small", "messages": [{"role": "user", "content": "hello there"}], "max_tokens": 5}


async def test_fallback_after_retries_is_recorded(settings: Settings, runtime: Runtime) -> None:
    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    # The tenant routes by fallback order: the broken deployment comes first.
    broken = await add_deployment(
        runtime,
        owner.tenant_id,
        name="broken",
        priority=0,
        options={"fail_with": "unavailable", "fail_rate": 1.0},
    )
    healthy = await add_deployment(runtime, owner.tenant_id, name="healthy", priority=1)
    await give_tokens(runtime, owner.tenant_id, owner.user_id, 1000)
    secret = await api_key_for(runtime, owner.tenant_id, owner.user_id)
    headers = {"Authorization": f"Bearer {secret}"}
    runtime.ai.router._sleep = _no_wait  # type: ignore[method-assign]
    async with app_client(settings, runtime) as http:
        await http.patch("/api/tenant", json={}, headers=owner.headers)
        set_strategy = await http.put("/api/routing", json={"strategy": "fallback"}, headers=owner.headers)
        assert set_strategy.status_code == 200, set_strategy.text
        answer = await http.post("/v1/chat/completions", json=BODY, headers=headers)
        assert answer.status_code == 200, answer.text
        execution = (
            await http.get(
                f"/api/executions/{answer.headers['x-athanor-execution-id']}", headers=owner.headers
            )
        ).json()
    assert execution["deployment_id"] == str(healthy)
    tried = [(attempt["deployment_id"], attempt["failure"]) for attempt in execution["attempts"]]
    assert tried[-1] == (str(healthy), None)
    failures = [item for item in tried if item[0] == str(broken)]
    assert len(failures) >= 2
    assert all(kind == "unavailable" for _, kind in failures)


async def _no_wait(_seconds: float) -> None:
    return None
