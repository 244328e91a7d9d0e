"""The storage and export nodes on a real worker: write a file, read it back, export it."""

from __future__ import annotations

import httpx

from athanor.workers.embedded import EmbeddedWorker
from tests.builders import Member
from tests.workflows.support import node, published, start, wait_for


async def test_write_read_and_export_a_file(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    definition = {
        "nodes": [
            {
                "id": "draft",
                "type": "storage",
                "config": {
                    "operation": "write",
                    "bucket": "drafts",
                    "path": "{{ 'notes/' ~ inputs.name ~ '.md' }}",
                    "content": "# {{ inputs.name }}\n\nWritten by a workflow.",
                },
            },
            {
                "id": "reread",
                "type": "storage",
                "config": {"operation": "read", "bucket": "drafts", "path": "notes/{{ inputs.name }}.md"},
            },
            {
                "id": "book",
                "type": "export",
                "config": {"content": "{{ nodes.reread.output.text }}", "format": "html", "title": "Notes"},
            },
        ],
        "edges": [{"source": "draft", "target": "reread"}, {"source": "reread", "target": "book"}],
    }
    workflow_id = await published(client, owner, definition)
    run = await wait_for(client, owner, await start(client, owner, workflow_id, inputs={"name": "plan"}))
    assert run["status"] == "succeeded", run
    written = node(run, "draft")["output"]
    assert (written["path"], written["version"]) == ("notes/plan.md", 1)
    assert node(run, "reread")["output"]["text"] == "# plan\n\nWritten by a workflow."
    exported = node(run, "book")["output"]
    assert exported["format"] == "html"
    page = await client.get(f"/api/storage/files/{exported['file_id']}/content", headers=owner.headers)
    assert b"Written by a workflow." in page.content
    history = (await client.get("/api/exports", headers=owner.headers)).json()["items"]
    assert [item["id"] for item in history] == [exported["export_id"]]


async def test_reading_a_missing_file_fails_the_node(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    await client.post("/api/storage/buckets", json={"name": "drafts"}, headers=owner.headers)
    definition = {
        "nodes": [
            {
                "id": "read",
                "type": "storage",
                "config": {"operation": "read", "bucket": "drafts", "path": "no.md"},
            }
        ],
        "edges": [],
    }
    run = await wait_for(
        client, owner, await start(client, owner, await published(client, owner, definition))
    )
    assert run["status"] == "failed"
    assert node(run, "read")["error_code"] == "storage.file_not_found"
