"""A tenant ready to run workflows: the mock model, a published engine, tokens, an
in-process Celery worker, and helpers to publish a definition and wait for a run."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.builders import Member

ENGINE = "shout"
ENGINE_INPUTS = {
    "type": "object",
    "properties": {"text": {"type": "string", "minLength": 1}},
    "required": ["text"],
}
TOKENS = 1_000_000


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
