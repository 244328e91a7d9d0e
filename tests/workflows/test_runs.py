"""Runs on a real (in-process) Celery worker: every node its own task, branches in
parallel, outputs recorded once, tokens charged once per call."""

from __future__ import annotations

import httpx

from athanor.runtime import Runtime
from athanor.workers.embedded import EmbeddedWorker
from tests.ai_builders import balance_of
from tests.builders import Member
from tests.workflows.support import TOKENS, engine_node, node, published, start, wait_for

DIAMOND = {
    "inputs": {"type": "object", "properties": {"topic": {"type": "string"}}, "required": ["topic"]},
    "nodes": [
        {"id": "intro", "type": "template", "config": {"template": "About {{ inputs.topic }}"}},
        engine_node("left", "{{ nodes.intro.output.text }} (left)"),
        engine_node("right", "{{ nodes.intro.output.text }} (right)"),
        {"id": "both", "type": "join", "config": {}},
        {
            "id": "each",
            "type": "map",
            "config": {
                "items": "[nodes.both.output.left.text, nodes.both.output.right.text]",
                "concurrency": 1,
                "body": {"type": "template", "config": {"template": "{{ index }}: {{ item }}"}},
            },
        },
    ],
    "edges": [
        {"source": "intro", "target": "left"},
        {"source": "intro", "target": "right"},
        {"source": "left", "target": "both"},
        {"source": "right", "target": "both"},
        {"source": "both", "target": "each"},
    ],
    "outputs": {"lines": "{{ nodes.each.output['items'] | map(attribute='text') | join(' / ') }}"},
}


async def test_a_diamond_with_a_map_runs_to_the_end(
    client: httpx.AsyncClient,
    runtime: Runtime,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    workflow_id = await published(client, owner, DIAMOND)
    run_id = await start(client, owner, workflow_id, inputs={"topic": "bees"})
    run = await wait_for(client, owner, run_id)

    assert run["status"] == "succeeded", (run["error_code"], run["error_message"])
    assert node(run, "left")["output"]["text"]
    assert node(run, "left")["inputs"] == {"engine": "shout", "inputs": {"text": "About bees (left)"}}
    assert node(run, "each", 0)["output"]["text"].startswith("0: ")
    assert run["output"]["lines"].count(" / ") == 1
    charged = node(run, "left")["charged_tokens"] + node(run, "right")["charged_tokens"]
    assert charged > 0
    assert run["charged_tokens"] == charged
    assert owner.tenant_id is not None
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (TOKENS - charged, 0)


BRANCHES = {
    "inputs": {"type": "object", "properties": {"score": {"type": "number"}}, "required": ["score"]},
    "nodes": [
        {"id": "check", "type": "condition", "config": {"expression": "inputs.score > 0.5"}},
        {"id": "good", "type": "template", "config": {"template": "good"}},
        {"id": "bad", "type": "template", "config": {"template": "bad"}},
        {"id": "after_bad", "type": "template", "config": {"template": "{{ nodes.bad.output.text }}!"}},
        {"id": "done", "type": "join", "config": {}},
    ],
    "edges": [
        {"source": "check", "port": "true", "target": "good"},
        {"source": "check", "port": "false", "target": "bad"},
        {"source": "bad", "target": "after_bad"},
        {"source": "good", "target": "done"},
        {"source": "after_bad", "target": "done"},
    ],
}


async def test_the_branch_not_taken_is_skipped_and_the_join_still_runs(
    client: httpx.AsyncClient,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    workflow_id = await published(client, owner, BRANCHES)
    run = await wait_for(client, owner, await start(client, owner, workflow_id, inputs={"score": 0.9}))

    assert run["status"] == "succeeded"
    assert node(run, "check")["port"] == "true"
    assert [node(run, name)["status"] for name in ("good", "bad", "after_bad")] == [
        "succeeded",
        "skipped",
        "skipped",
    ]
    assert node(run, "done")["output"] == {"good": {"text": "good"}}


APPROVAL = {
    "nodes": [
        {"id": "draft", "type": "template", "config": {"template": "a draft"}},
        {"id": "review", "type": "approval", "config": {"message": "Publish {{ nodes.draft.output.text }}?"}},
        {"id": "publish", "type": "template", "config": {"template": "published"}},
        {"id": "discard", "type": "template", "config": {"template": "discarded"}},
    ],
    "edges": [
        {"source": "draft", "target": "review"},
        {"source": "review", "port": "approved", "target": "publish"},
        {"source": "review", "port": "rejected", "target": "discard"},
    ],
}


async def test_an_approval_waits_for_a_person_and_follows_the_decision(
    client: httpx.AsyncClient,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    workflow_id = await published(client, owner, APPROVAL)
    approved_id = await start(client, owner, workflow_id)
    rejected_id = await start(client, owner, workflow_id)
    for run_id in (approved_id, rejected_id):
        waiting = await wait_for(client, owner, run_id, until=("waiting",))
        assert node(waiting, "review")["output"]["message"] == "Publish a draft?"
        assert waiting["status"] == "running"

    early = await client.post(
        f"/api/workflow-runs/{approved_id}/approvals/draft", json={"approved": True}, headers=owner.headers
    )
    assert early.status_code == 409
    assert early.json()["code"] == "workflow.not_waiting"
    for run_id, approved in ((approved_id, True), (rejected_id, False)):
        decided = await client.post(
            f"/api/workflow-runs/{run_id}/approvals/review",
            json={"approved": approved, "comment": "looked at it"},
            headers=owner.headers,
        )
        assert decided.status_code == 200, decided.text

    approved = await wait_for(client, owner, approved_id)
    rejected = await wait_for(client, owner, rejected_id)
    assert (node(approved, "publish")["status"], node(approved, "discard")["status"]) == (
        "succeeded",
        "skipped",
    )
    assert (node(rejected, "publish")["status"], node(rejected, "discard")["status"]) == (
        "skipped",
        "succeeded",
    )
    assert node(approved, "review")["output"]["comment"] == "looked at it"


async def test_pause_holds_new_nodes_resume_goes_on_cancel_stops(
    client: httpx.AsyncClient,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    workflow_id = await published(client, owner, APPROVAL)
    run_id = await start(client, owner, workflow_id)
    await wait_for(client, owner, run_id, until=("waiting",))

    paused = await client.post(f"/api/workflow-runs/{run_id}/pause", headers=owner.headers)
    assert paused.json()["status"] == "paused"
    await client.post(
        f"/api/workflow-runs/{run_id}/approvals/review", json={"approved": True}, headers=owner.headers
    )
    held = (await client.get(f"/api/workflow-runs/{run_id}", headers=owner.headers)).json()
    assert node(held, "publish")["status"] == "queued"

    resumed = await client.post(f"/api/workflow-runs/{run_id}/resume", headers=owner.headers)
    assert resumed.status_code == 200
    assert (await wait_for(client, owner, run_id))["status"] == "succeeded"

    second = await start(client, owner, workflow_id)
    await wait_for(client, owner, second, until=("waiting",))
    cancelled = await client.post(f"/api/workflow-runs/{second}/cancel", headers=owner.headers)
    assert cancelled.json()["status"] == "cancelled"
    assert node(cancelled.json(), "review")["status"] == "cancelled"
    again = await client.post(f"/api/workflow-runs/{second}/cancel", headers=owner.headers)
    assert again.status_code == 409


async def test_rerun_from_a_node_keeps_what_came_before(
    client: httpx.AsyncClient,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    workflow_id = await published(client, owner, DIAMOND)
    run_id = await start(client, owner, workflow_id, inputs={"topic": "ants"})
    first = await wait_for(client, owner, run_id)
    rerun = await client.post(
        f"/api/workflow-runs/{run_id}/rerun", json={"node_id": "both"}, headers=owner.headers
    )
    assert rerun.status_code == 200, rerun.text
    second = await wait_for(client, owner, run_id)

    assert second["status"] == "succeeded"
    assert node(second, "left")["id"] == node(first, "left")["id"]
    assert node(second, "both")["id"] != node(first, "both")["id"]
    assert second["output"] == first["output"]
    unknown = await client.post(
        f"/api/workflow-runs/{run_id}/rerun", json={"node_id": "nope"}, headers=owner.headers
    )
    assert unknown.status_code == 404


GATED = {
    "nodes": [
        {
            "id": "answer",
            "type": "template",
            "config": {"template": "{% if feedback %}a careful answer{% else %}meh{% endif %}"},
        },
        {
            "id": "gate",
            "type": "quality_gate",
            "config": {
                "target": "answer",
                "rules": [{"kind": "min_length", "value": 10}, {"kind": "contains", "value": "careful"}],
                "on_fail": "retry",
                "max_retries": 2,
            },
        },
        {"id": "ship", "type": "template", "config": {"template": "{{ nodes.answer.output.text }}"}},
    ],
    "edges": [{"source": "answer", "target": "gate"}, {"source": "gate", "port": "pass", "target": "ship"}],
}


async def test_a_quality_gate_sends_the_node_back_with_feedback(
    client: httpx.AsyncClient,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    workflow_id = await published(client, owner, GATED)
    run = await wait_for(client, owner, await start(client, owner, workflow_id))

    assert run["status"] == "succeeded", (run["error_code"], run["error_message"])
    assert node(run, "ship")["output"]["text"] == "a careful answer"
    assert "fewer than 10" in node(run, "answer")["feedback"]
    verdicts = [(item["passed"], item["score"]) for item in run["evaluations"]]
    assert verdicts == [(False, 0.0), (True, 1.0)]


async def test_a_failing_gate_without_retries_fails_the_run(
    client: httpx.AsyncClient,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    strict = {
        **GATED,
        "nodes": [
            GATED["nodes"][0],
            {**GATED["nodes"][1], "config": {**GATED["nodes"][1]["config"], "on_fail": "fail"}},
            GATED["nodes"][2],
        ],
    }
    workflow_id = await published(client, owner, strict)
    run = await wait_for(client, owner, await start(client, owner, workflow_id))

    assert run["status"] == "failed"
    assert run["error_code"] == "workflow.quality_gate_failed"
    assert "ship" not in {item["node_id"] for item in run["nodes"]}


async def test_a_budget_cap_stops_the_run_cleanly(
    client: httpx.AsyncClient,
    runtime: Runtime,
    owner: Member,
    worker: EmbeddedWorker,
) -> None:
    chain = {
        "nodes": [engine_node("one", "first"), engine_node("two", "second")],
        "edges": [{"source": "one", "target": "two"}],
    }
    workflow_id = await published(client, owner, chain)
    run = await wait_for(client, owner, await start(client, owner, workflow_id, budget_tokens=1))

    assert run["status"] == "failed"
    assert run["error_code"] == "workflow.budget_exhausted"
    assert [item["node_id"] for item in run["nodes"]] == ["one"]
    assert owner.tenant_id is not None
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (TOKENS - run["charged_tokens"], 0)
