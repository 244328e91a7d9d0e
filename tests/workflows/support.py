"""A tenant ready to run workflows: the mock model, a published engine, tokens, an
in-process Celery worker, and helpers to publish a definition and wait for a run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from athanor.db.scope import DbScope
from athanor.engines import service as engines
from athanor.engines.schemas import Parameters, VersionSpec
from athanor.runtime import Runtime
from athanor.workers.embedded import EmbeddedWorker
from tests.ai_builders import MODEL, add_deployment, give_tokens
from tests.builders import Member, make_member

ENGINE = "shout"
ENGINE_INPUTS = {
    "type": "object",
    "properties": {"text": {"type": "string", "minLength": 1}},
    "required": ["text"],
}
TOKENS = 1_000_000


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    member = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    assert member.tenant_id is not None
    await add_deployment(runtime, member.tenant_id)
    await give_tokens(runtime, member.tenant_id, member.user_id, TOKENS)
    async with (
        runtime.db.session(DbScope.for_tenant(member.tenant_id, member.user_id)) as session,
        session.begin(),
    ):
        engine, version = await engines.create_engine(
            session,
            slug=ENGINE,
            name="Shout",
            description="Repeats a text.",
            spec=VersionSpec(
                model=MODEL,
                prompt_template="Repeat loudly: {{ text }}",
                input_schema=ENGINE_INPUTS,
                parameters=Parameters(max_tokens=64),
            ),
            author_id=member.user_id,
        )
        await engines.publish(session, engine=engine, version=version)
    return member


@pytest.fixture
async def worker(runtime: Runtime) -> AsyncIterator[EmbeddedWorker]:
    """A Celery worker in this process (memory broker, threads) running on the test's loop."""
    embedded = EmbeddedWorker(runtime, beat=False)
    embedded.start(asyncio.get_running_loop())
    yield embedded
    await asyncio.to_thread(embedded.stop)


def engine_node(node_id: str, text: str) -> dict[str, Any]:
    return {"id": node_id, "type": "engine", "config": {"engine": ENGINE, "inputs": {"text": text}}}


async def published(
    client: httpx.AsyncClient, who: Member, definition: dict[str, Any], slug: str = "flow"
) -> str:
    created = await client.post(
        "/api/workflows",
        json={"slug": slug, "name": slug.title(), "definition": definition},
        headers=who.headers,
    )
    assert created.status_code == 201, created.text
    workflow_id = str(created.json()["id"])
    done = await client.post(f"/api/workflows/{workflow_id}/versions/1/publish", headers=who.headers)
    assert done.status_code == 200, done.text
    return workflow_id


async def start(client: httpx.AsyncClient, who: Member, workflow_id: str, **body: Any) -> str:
    started = await client.post(f"/api/workflows/{workflow_id}/runs", json=body, headers=who.headers)
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


async def wait_for(
    client: httpx.AsyncClient,
    who: Member,
    run_id: str,
    *,
    until: tuple[str, ...] = ("succeeded", "failed", "cancelled"),
    seconds: float = 30,
) -> dict[str, Any]:
    """The run once its status is one of `until` (or a node is waiting, with `until=("waiting",)`)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        run = (await client.get(f"/api/workflow-runs/{run_id}", headers=who.headers)).json()
        waiting = "waiting" in until and any(item["status"] == "waiting" for item in run["nodes"])
        if run["status"] in until or waiting:
            return dict(run)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"run {run_id} still {run['status']}: {[(n['node_id'], n['status']) for n in run['nodes']]}"
            )
        await asyncio.sleep(0.05)


def node(run: dict[str, Any], node_id: str, item_index: int = -1) -> dict[str, Any]:
    return next(
        item for item in run["nodes"] if item["node_id"] == node_id and item["item_index"] == item_index
    )
