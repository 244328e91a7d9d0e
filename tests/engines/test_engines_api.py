"""Engines through the API: versions, publishing, diffs, runs (streamed too), the sandbox."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from athanor.runtime import Runtime
from tests.ai_builders import add_deployment, balance_of, give_tokens
from tests.builders import Member, make_member
from tests.support import assert_problem

SPEC: dict[str, Any] = {
    "model": "mock-small",
    "system_prompt": "You are terse.",
    "prompt_template": "Summarise {{ text }} in {{ sentences }} sentences.",
    "input_schema": {
        "type": "object",
        "properties": {"text": {"type": "string"}, "sentences": {"type": "integer", "minimum": 1}},
        "required": ["text", "sentences"],
    },
    "parameters": {"max_tokens": 40},
}
INPUTS = {"text": "the history of bread", "sentences": 2}


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    member = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert member.tenant_id is not None
    await add_deployment(runtime, member.tenant_id)
    await give_tokens(runtime, member.tenant_id, member.user_id, 10_000)
    return member


async def create_engine(client: httpx.AsyncClient, owner: Member, **spec: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/engines",
        json={"slug": "summarizer", "name": "Summarizer", "version": {**SPEC, **spec}},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_versions_publish_and_diff(client: httpx.AsyncClient, owner: Member) -> None:
    engine = await create_engine(client, owner)
    assert engine["latest_version"] == 1
    assert engine["published_version"] is None
    base = f"/api/engines/{engine['id']}"
    assert (await client.post(f"{base}/versions/1/publish", headers=owner.headers)).json()[
        "published_version"
    ] == 1
    frozen = await client.put(f"{base}/versions/1", json=SPEC, headers=owner.headers)
    assert_problem(frozen, 409, "engine.version_published")
    second = await client.post(
        f"{base}/versions",
        json={**SPEC, "prompt_template": "Explain {{ text }} briefly."},
        headers=owner.headers,
    )
    assert second.status_code == 201
    assert second.json()["status"] == "draft"
    diff = (await client.get(f"{base}/diff", params={"from": 1, "to": 2}, headers=owner.headers)).json()
    change = next(item for item in diff["changes"] if item["field"] == "prompt_template")
    assert "-Summarise {{ text }}" in change["diff"]
    assert "+Explain {{ text }}" in change["diff"]
    detail = (await client.post(f"{base}/versions/2/publish", headers=owner.headers)).json()
    assert [version["status"] for version in detail["versions"]] == ["retired", "published"]


async def test_execute_pins_the_published_version_and_charges(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    engine = await create_engine(client, owner)
    base = f"/api/engines/{engine['id']}"
    unpublished = await client.post(f"{base}/execute", json={"inputs": INPUTS}, headers=owner.headers)
    assert_problem(unpublished, 409, "engine.not_published")
    await client.post(f"{base}/versions/1/publish", headers=owner.headers)
    result = await client.post(f"{base}/execute", json={"inputs": INPUTS}, headers=owner.headers)
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["text"]
    assert body["charged_tokens"] > 0
    assert body["balance"] == 10_000 - body["charged_tokens"]
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (body["balance"], 0)  # type: ignore[arg-type]
    record = (await client.get(f"/api/executions/{body['execution_id']}", headers=owner.headers)).json()
    assert record["status"] == "succeeded"
    assert record["inputs"] == INPUTS
    assert record["engine_version_id"] == engine["versions"][0]["id"]
    assert record["deployment_id"]
    assert record["latency_ms"] is not None
    assert record["cost_nanos"] > 0


async def test_bad_inputs_and_templates_are_field_problems(client: httpx.AsyncClient, owner: Member) -> None:
    broken = await client.post(
        "/api/engines",
        json={"slug": "broken", "name": "Broken", "version": {**SPEC, "prompt_template": "{{ text "}},
        headers=owner.headers,
    )
    assert_problem(broken, 422, "engine.invalid")
    assert broken.json()["errors"][0]["field"] == "body.prompt_template"
    engine = await create_engine(client, owner)
    run = await client.post(
        f"/api/engines/{engine['id']}/playground", json={"inputs": {"text": 5}}, headers=owner.headers
    )
    assert_problem(run, 422, "engine.invalid_inputs")
    fields = {item["field"] for item in run.json()["errors"]}
    assert fields == {"body.inputs", "body.inputs.text"}


async def test_the_template_sandbox_refuses_internals(client: httpx.AsyncClient, owner: Member) -> None:
    engine = await create_engine(client, owner, prompt_template="{{ text.__class__.__mro__ }}")
    run = await client.post(
        f"/api/engines/{engine['id']}/playground", json={"inputs": INPUTS}, headers=owner.headers
    )
    assert_problem(run, 422, "engine.template_failed")


async def test_output_schema_makes_json_and_is_validated(client: httpx.AsyncClient, owner: Member) -> None:
    schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
    engine = await create_engine(client, owner, output_schema=schema)
    run = await client.post(
        f"/api/engines/{engine['id']}/playground", json={"inputs": INPUTS}, headers=owner.headers
    )
    assert run.status_code == 200, run.text
    assert isinstance(run.json()["output"]["title"], str)


async def test_playground_streams_deltas_then_done(client: httpx.AsyncClient, owner: Member) -> None:
    engine = await create_engine(client, owner)
    events: list[tuple[str, Any]] = []
    async with client.stream(
        "POST",
        f"/api/engines/{engine['id']}/playground",
        json={"inputs": INPUTS, "stream": True},
        headers=owner.headers,
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = "message"
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((kind, orjson.loads(line.removeprefix("data: "))))
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "done"
    assert set(kinds[:-1]) == {"delta"}
    assert len(kinds) > 2
    done = events[-1][1]
    assert done["status"] == "succeeded"
    assert done["output"]["text"] == "".join(data["text"] for kind, data in events if kind == "delta")
    assert done["balance"] == 10_000 - done["charged_tokens"]


async def test_assignments_limit_who_runs_an_engine(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    engine = await create_engine(client, owner)
    base = f"/api/engines/{engine['id']}"
    await client.post(f"{base}/versions/1/publish", headers=owner.headers)
    from athanor.tenancy.models import Role

    member = await make_member(runtime, "member@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    await give_tokens(runtime, owner.tenant_id, member.user_id, 1000)  # type: ignore[arg-type]
    assigned = await client.put(
        f"{base}/assignments", json={"user_ids": [str(owner.user_id)]}, headers=owner.headers
    )
    assert assigned.status_code == 200
    refused = await client.post(f"{base}/execute", json={"inputs": INPUTS}, headers=member.headers)
    assert_problem(refused, 403, "engine.not_assigned")
    await client.put(f"{base}/assignments", json={}, headers=owner.headers)
    allowed = await client.post(f"{base}/execute", json={"inputs": INPUTS}, headers=member.headers)
    assert allowed.status_code == 200
    # Members read their own executions only.
    mine = (await client.get("/api/executions", headers=member.headers)).json()["items"]
    everyone = (await client.get("/api/executions", headers=owner.headers)).json()["items"]
    assert len(mine) == 1
    assert len(everyone) == 1


async def test_a_diff_keeps_lines_apart_without_a_final_newline(
    client: httpx.AsyncClient, owner: Member
) -> None:
    engine = await create_engine(client, owner, prompt_template="Echo: {{ text }}")
    base = f"/api/engines/{engine['id']}"
    await client.post(
        f"{base}/versions", json={**SPEC, "prompt_template": "Echo twice: {{ text }}"}, headers=owner.headers
    )
    diff = (await client.get(f"{base}/diff", params={"from": 1, "to": 2}, headers=owner.headers)).json()
    lines = next(item for item in diff["changes"] if item["field"] == "prompt_template")["diff"].splitlines()
    assert "-Echo: {{ text }}" in lines
    assert "+Echo twice: {{ text }}" in lines
