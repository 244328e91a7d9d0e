"""Runs started by an API key with `workflows:run`, by a cron schedule and by an inbound
webhook; and watched live over server-sent events."""

from __future__ import annotations

from datetime import timedelta

import httpx
import orjson
from sqlalchemy import update

from athanor.apikeys import service as apikeys
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from athanor.tenancy.permissions import Scope
from athanor.workers.embedded import EmbeddedWorker
from athanor.workflows.models import WorkflowTrigger
from athanor.workflows.tasks import fire_all
from tests.builders import Member
from tests.workflows.support import node, published, start, wait_for

ECHO = {
    "inputs": {"type": "object", "properties": {"name": {"type": "string"}, "payload": {}}},
    "nodes": [
        {
            "id": "say",
            "type": "template",
            "config": {
                "template": "{{ inputs.name }}{% if inputs.payload is defined %} {{ inputs.payload }}{% endif %}"
            },
        }
    ],
}


async def _key(runtime: Runtime, member: Member, scope: Scope) -> dict[str, str]:
    assert member.tenant_id is not None
    async with (
        runtime.db.session(DbScope.for_tenant(member.tenant_id, member.user_id)) as session,
        session.begin(),
    ):
        _key, secret = await apikeys.create_key(
            session,
            user_id=member.user_id,
            role=Role.OWNER,
            data=apikeys.NewKey(name="runner", scopes=[scope], expires_at=None, rate_limit=None),
            token_key=runtime.token_key,
        )
    return {"Authorization": f"Bearer {secret}"}


async def test_an_api_key_with_workflows_run_starts_and_reads_runs_only(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, worker: EmbeddedWorker
) -> None:
    workflow_id = await published(client, owner, ECHO)
    runner = await _key(runtime, owner, Scope.WORKFLOWS_RUN)
    started = await client.post(
        f"/api/workflows/{workflow_id}/runs", json={"inputs": {"name": "key"}}, headers=runner
    )
    assert started.status_code == 201, started.text
    assert started.json()["trigger"] == "api_key"
    run = (await client.get(f"/api/workflow-runs/{started.json()['id']}", headers=runner)).json()
    assert run["inputs"] == {"name": "key"}
    edit = await client.post(
        "/api/workflows", json={"slug": "x", "name": "X", "definition": ECHO}, headers=runner
    )
    assert edit.status_code == 403
    engines_only = await _key(runtime, owner, Scope.ENGINES_EXECUTE)
    refused = await client.post(f"/api/workflows/{workflow_id}/runs", json={}, headers=engines_only)
    assert refused.status_code == 403
    bad_inputs = await client.post(
        f"/api/workflows/{workflow_id}/runs", json={"inputs": {"name": 7}}, headers=runner
    )
    assert bad_inputs.status_code == 422
    assert bad_inputs.json()["code"] == "workflow.invalid_inputs"


async def test_a_schedule_fires_when_due_and_moves_to_its_next_time(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, worker: EmbeddedWorker
) -> None:
    workflow_id = await published(client, owner, ECHO)
    bad = await client.post(
        f"/api/workflows/{workflow_id}/triggers",
        json={"kind": "schedule", "cron": "every tuesday"},
        headers=owner.headers,
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "workflow.invalid_cron"
    added = await client.post(
        f"/api/workflows/{workflow_id}/triggers",
        json={"kind": "schedule", "cron": "*/5 * * * *", "inputs": {"name": "cron"}},
        headers=owner.headers,
    )
    assert added.status_code == 201
    assert await fire_all(runtime) == 0
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        await session.execute(update(WorkflowTrigger).values(next_run_at=utcnow() - timedelta(seconds=1)))

    assert await fire_all(runtime) == 1
    runs = (await client.get(f"/api/workflow-runs?workflow_id={workflow_id}", headers=owner.headers)).json()[
        "items"
    ]
    assert [item["trigger"] for item in runs] == ["schedule"]
    run = await wait_for(client, owner, runs[0]["id"])
    assert node(run, "say")["output"]["text"] == "cron"
    trigger = (await client.get(f"/api/workflows/{workflow_id}/triggers", headers=owner.headers)).json()[0]
    assert trigger["last_run_at"] is not None
    assert trigger["next_run_at"] > trigger["last_run_at"]


async def test_a_webhook_starts_a_run_with_its_payload(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    workflow_id = await published(client, owner, ECHO)
    added = await client.post(
        f"/api/workflows/{workflow_id}/triggers",
        json={"kind": "webhook", "inputs": {"name": "hook"}},
        headers=owner.headers,
    )
    url = added.json()["url"]
    assert "/api/hooks/workflows/whk_" in url
    listed = (await client.get(f"/api/workflows/{workflow_id}/triggers", headers=owner.headers)).json()
    assert "url" not in listed[0]

    hooked = await client.post(url, json={"order": 42})
    assert hooked.status_code == 202, hooked.text
    run = await wait_for(client, owner, hooked.json()["run_id"])
    assert node(run, "say")["output"]["text"] == "hook {'order': 42}"
    assert (await client.post(url + "x", json={})).status_code == 404
    garbage = await client.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert garbage.status_code == 400


async def test_run_events_stream_until_the_run_ends(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    workflow_id = await published(client, owner, ECHO)
    run_id = await start(client, owner, workflow_id, inputs={"name": "live"})
    statuses = []
    async with client.stream("GET", f"/api/workflow-runs/{run_id}/events", headers=owner.headers) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                statuses.append(orjson.loads(line[6:])["status"])
    assert statuses[-1] == "succeeded"
