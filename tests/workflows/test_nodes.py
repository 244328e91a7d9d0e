"""Each node type at work on a real worker."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.tenancy.models import Tenant
from athanor.workers.embedded import EmbeddedWorker
from tests.builders import Member
from tests.providers.fakes import serve
from tests.workflows.support import node, published, start, wait_for


async def test_set_switch_and_llm(client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker) -> None:
    definition = {
        "nodes": [
            {
                "id": "facts",
                "type": "set",
                "config": {"values": {"colour": "{{ 'bl' ~ 'ue' }}", "sizes": "{{ [1, 2] }}"}},
            },
            {
                "id": "pick",
                "type": "switch",
                "config": {"value": "nodes.facts.output.colour", "cases": ["red", "blue"]},
            },
            {
                "id": "ask",
                "type": "llm",
                "config": {
                    "model": "mock-small",
                    "prompt": "Why {{ nodes.facts.output.colour }}?",
                    "max_tokens": 16,
                },
            },
            {"id": "other", "type": "template", "config": {"template": "not blue"}},
        ],
        "edges": [
            {"source": "facts", "target": "pick"},
            {"source": "pick", "port": "blue", "target": "ask"},
            {"source": "pick", "port": "default", "target": "other"},
        ],
    }
    run = await wait_for(
        client, owner, await start(client, owner, await published(client, owner, definition))
    )

    assert run["status"] == "succeeded", (run["error_code"], run["error_message"])
    assert node(run, "facts")["output"] == {"colour": "blue", "sizes": [1, 2]}
    assert node(run, "pick")["port"] == "blue"
    assert node(run, "ask")["output"]["text"]
    assert node(run, "ask")["charged_tokens"] > 0
    assert node(run, "other")["status"] == "skipped"


async def test_a_delay_waits_without_a_worker(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    definition = {
        "nodes": [
            {"id": "pause", "type": "delay", "config": {"seconds": 0.5}},
            {"id": "after", "type": "template", "config": {"template": "done"}},
        ],
        "edges": [{"source": "pause", "target": "after"}],
    }
    run_id = await start(client, owner, await published(client, owner, definition))
    waiting = await wait_for(client, owner, run_id, until=("waiting",))
    assert node(waiting, "pause")["status"] == "waiting"
    run = await wait_for(client, owner, run_id)
    assert run["status"] == "succeeded"
    assert node(run, "after")["output"] == {"text": "done"}


async def test_a_sub_workflow_runs_and_hands_back_its_output(
    client: httpx.AsyncClient,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    child = {
        "inputs": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        "nodes": [{"id": "greet", "type": "template", "config": {"template": "Hello {{ inputs.name }}"}}],
        "outputs": {"greeting": "{{ nodes.greet.output.text }}"},
    }
    await published(client, owner, child, slug="greeter")
    parent = {
        "nodes": [
            {
                "id": "call",
                "type": "subworkflow",
                "config": {"workflow": "greeter", "inputs": {"name": "Ada"}},
            },
            {
                "id": "shout",
                "type": "template",
                "config": {"template": "{{ nodes.call.output.greeting | upper }}"},
            },
        ],
        "edges": [{"source": "call", "target": "shout"}],
    }
    run = await wait_for(
        client, owner, await start(client, owner, await published(client, owner, parent, slug="parent"))
    )

    assert run["status"] == "succeeded", (run["error_code"], run["error_message"])
    assert node(run, "shout")["output"]["text"] == "HELLO ADA"
    children = (await client.get("/api/workflow-runs?status=succeeded", headers=owner.headers)).json()[
        "items"
    ]
    assert {item["trigger"] for item in children} == {"api", "workflow"}


@pytest.fixture
def local_api() -> Iterator[str]:
    """An HTTP API on loopback that echoes the JSON it receives."""

    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"seen": await request.json()})

    with serve(Starlette(routes=[Route("/echo", echo, methods=["POST"])])) as base:
        yield f"{base}/echo"


async def test_http_reaches_private_addresses_only_when_the_tenant_allows(
    client: httpx.AsyncClient,
    runtime: Runtime,
    owner: Member,
    worker: EmbeddedWorker,
    local_api: str,
) -> None:
    definition = {
        "nodes": [
            {"id": "call", "type": "http", "config": {"method": "POST", "url": local_api, "body": {"n": 1}}}
        ]
    }
    workflow_id = await published(client, owner, definition)
    refused = await wait_for(client, owner, await start(client, owner, workflow_id))
    assert refused["status"] == "failed"
    assert refused["error_code"] == "workflow.http_private_address"

    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        tenant = await session.get_one(Tenant, owner.tenant_id)
        tenant.settings = {**tenant.settings, "allow_private_network_requests": True}
    allowed = await wait_for(client, owner, await start(client, owner, workflow_id))
    assert allowed["status"] == "succeeded", (allowed["error_code"], allowed["error_message"])
    assert node(allowed, "call")["output"]["body"] == {"seen": {"n": 1}}
    assert node(allowed, "call")["output"]["status"] == 200


async def test_parallel_fans_out_and_a_judged_gate_branches_on_failure(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    """A parallel node hands its input to every branch; a gate whose LLM judge scores
    below the threshold (the offline mock scores 0) takes its `fail` branch, and the
    verdict is stored."""
    definition = {
        "nodes": [
            {"id": "topic", "type": "template", "config": {"template": "owls"}},
            {"id": "fan", "type": "parallel", "config": {}},
            {"id": "a", "type": "template", "config": {"template": "A {{ nodes.fan.output.text }}"}},
            {"id": "b", "type": "template", "config": {"template": "B {{ nodes.fan.output.text }}"}},
            {
                "id": "gate",
                "type": "quality_gate",
                "config": {
                    "target": "a",
                    "judge": {"model": "mock-small", "rubric": "Is it about owls?", "threshold": 0.5},
                    "on_fail": "branch",
                },
            },
            {"id": "rework", "type": "template", "config": {"template": "again"}},
        ],
        "edges": [
            {"source": "topic", "target": "fan"},
            {"source": "fan", "target": "a"},
            {"source": "fan", "target": "b"},
            {"source": "a", "target": "gate"},
            {"source": "gate", "port": "fail", "target": "rework"},
        ],
    }
    run = await wait_for(
        client, owner, await start(client, owner, await published(client, owner, definition))
    )

    assert run["status"] == "succeeded", (run["error_code"], run["error_message"])
    assert (node(run, "a")["output"]["text"], node(run, "b")["output"]["text"]) == ("A owls", "B owls")
    assert node(run, "gate")["port"] == "fail"
    assert node(run, "gate")["charged_tokens"] > 0
    assert node(run, "rework")["status"] == "succeeded"
    [verdict] = run["evaluations"]
    assert verdict["passed"] is False
    assert verdict["score"] == 0
