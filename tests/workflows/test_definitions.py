"""Definitions: the palette, every problem reported with its node, publishing refused
while problems remain, versions frozen once published, templates."""

from __future__ import annotations

from typing import Any

import httpx

from athanor.runtime import Runtime
from athanor.seed import seed_demo
from tests.builders import Member
from tests.workflows.support import ENGINE, engine_node, published


async def _problems(client: httpx.AsyncClient, who: Member, definition: Any) -> list[tuple[str | None, str]]:
    checked = await client.post(
        "/api/workflows/validate", json={"definition": definition}, headers=who.headers
    )
    assert checked.status_code == 200, checked.text
    return sorted(((item["node_id"], item["code"]) for item in checked.json()["problems"]), key=str)


async def test_the_palette_describes_every_node_type(client: httpx.AsyncClient, owner: Member) -> None:
    palette = (await client.get("/api/workflows/node-types", headers=owner.headers)).json()
    kinds = {item["type"]: item for item in palette}
    assert set(kinds) == {
        "engine",
        "llm",
        "template",
        "set",
        "condition",
        "switch",
        "map",
        "parallel",
        "join",
        "http",
        "quality_gate",
        "approval",
        "subworkflow",
        "delay",
        "export",
        "storage",
    }
    assert [port["name"] for port in kinds["condition"]["outputs"]] == ["true", "false"]
    assert kinds["engine"]["config_schema"]["required"] == ["engine"]
    assert all(item["description"] and item["icon"] and item["category"] for item in palette)
    spanish = (
        await client.get("/api/workflows/node-types", headers={**owner.headers, "Accept-Language": "es"})
    ).json()
    assert spanish[0]["description"] != palette[0]["description"]


async def test_every_problem_comes_with_its_node(client: httpx.AsyncClient, owner: Member) -> None:
    definition = {
        "inputs": {"type": "object", "properties": {"topic": {"type": "string"}}},
        "nodes": [
            {
                "id": "a",
                "type": "template",
                "config": {"template": "{{ inputs.subject }} {{ nodes.c.output }}"},
            },
            {"id": "b", "type": "template", "config": {"template": "{{ secret }}"}},
            {"id": "c", "type": "template", "config": {"template": "{{ nodes.b.output.text }}"}},
            {"id": "d", "type": "teleport", "config": {}},
            {"id": "e", "type": "delay", "config": {}},
            {"id": "f", "type": "condition", "config": {"expression": "inputs.topic =="}},
            {"id": "g", "type": "quality_gate", "config": {"target": "e"}},
        ],
        "edges": [
            {"source": "b", "target": "c"},
            {"source": "c", "target": "b"},
            {"source": "a", "port": "yes", "target": "e"},
            {"source": "a", "target": "ghost"},
        ],
    }
    problems = await _problems(client, owner, definition)
    assert problems == sorted(
        [
            ("a", "unknown_input"),
            ("a", "unknown_node_reference"),
            ("a", "unknown_port"),
            ("b", "cycle"),
            ("b", "unknown_variable"),
            ("c", "cycle"),
            ("d", "unknown_node_type"),
            ("e", "missing_config"),
            ("f", "template_syntax"),
            ("g", "target_not_upstream"),
            ("ghost", "unknown_node"),
        ],
        key=str,
    )


async def test_engine_schemas_are_the_ports_contract(client: httpx.AsyncClient, owner: Member) -> None:
    # The engine takes {text: string}; without an input mapping its upstream must provide it.
    fits = {
        "nodes": [
            {"id": "t", "type": "template", "config": {"template": "hi"}},
            {"id": "e", "type": "engine", "config": {"engine": ENGINE}},
        ],
        "edges": [{"source": "t", "target": "e"}],
    }
    assert await _problems(client, owner, fits) == []
    misfit = {
        "nodes": [
            {"id": "h", "type": "http", "config": {"url": "https://example.com"}},
            {"id": "e", "type": "engine", "config": {"engine": ENGINE}},
            {"id": "x", "type": "engine", "config": {"engine": "nope"}},
        ],
        "edges": [{"source": "h", "target": "e"}],
    }
    assert await _problems(client, owner, misfit) == [("e", "incompatible_ports"), ("x", "unknown_engine")]


async def test_a_wrong_shape_is_refused_and_problems_block_publishing(
    client: httpx.AsyncClient,
    owner: Member,
) -> None:
    shapeless = await client.post(
        "/api/workflows",
        json={"slug": "bad", "name": "Bad", "definition": {"nodes": "many"}},
        headers=owner.headers,
    )
    assert shapeless.status_code == 422
    assert shapeless.json()["errors"][0]["field"].startswith("body.definition.nodes")

    draft = {"nodes": [{"id": "a", "type": "template", "config": {}}]}
    created = await client.post(
        "/api/workflows", json={"slug": "draft", "name": "Draft", "definition": draft}, headers=owner.headers
    )
    assert created.status_code == 201
    workflow_id = created.json()["id"]
    refused = await client.post(f"/api/workflows/{workflow_id}/versions/1/publish", headers=owner.headers)
    assert refused.status_code == 422
    assert [(item["field"], item["code"]) for item in refused.json()["errors"]] == [
        ("body.definition.nodes.a.config.template", "missing_config")
    ]
    no_run = await client.post(f"/api/workflows/{workflow_id}/runs", json={}, headers=owner.headers)
    assert no_run.status_code == 409
    assert no_run.json()["code"] == "workflow.not_published"


async def test_published_versions_are_frozen(client: httpx.AsyncClient, owner: Member) -> None:
    definition = {"nodes": [engine_node("one", "hello")]}
    workflow_id = await published(client, owner, definition)
    frozen = await client.put(
        f"/api/workflows/{workflow_id}/versions/1", json={"definition": definition}, headers=owner.headers
    )
    assert frozen.status_code == 409
    second = await client.post(
        f"/api/workflows/{workflow_id}/versions", json={"definition": definition}, headers=owner.headers
    )
    assert second.json()["number"] == 2
    assert second.json()["status"] == "draft"
    detail = (await client.get(f"/api/workflows/{workflow_id}", headers=owner.headers)).json()
    assert (detail["published_version"], detail["latest_version"]) == (1, 2)


async def test_the_seeded_templates_are_valid_in_the_demo_tenant(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    credentials = await seed_demo(runtime)
    headers = {"Authorization": f"Bearer {credentials.api_key}"}
    templates = (await client.get("/api/workflow-templates", headers=headers)).json()
    assert {item["slug"] for item in templates} >= {
        "summarise-and-approve",
        "research-fan-out",
        "quality-gated-answer",
    }
    for template in templates:
        assert template["shared"] is True
        problems = await client.post(
            "/api/workflows/validate", json={"definition": template["definition"]}, headers=headers
        )
        assert problems.json() == {"valid": True, "problems": []}, template["slug"]
    used = await client.post(
        f"/api/workflow-templates/{templates[0]['id']}/use", json={"slug": "mine"}, headers=headers
    )
    assert used.status_code == 201, used.text
    assert used.json()["name"] == templates[0]["name"]
