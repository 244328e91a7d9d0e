"""Export jobs through the API: queued on the export queue, followed live, saved as files
with preview pages, cancelled, retried, and refused with clear problems."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from typing import Any

import httpx
import orjson
import pytest
from PIL import Image
from pypdf import PdfReader

from athanor.exports import runner
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from athanor.workers.embedded import EmbeddedWorker
from tests.builders import Member, make_member
from tests.support import assert_problem

BOOK = """---
title: Field Guide
author: Ada
---

# Getting started

Athanor runs **AI products** for many tenants.

## Install

- `make run`
- open the browser

# Operating

| Queue | Use |
| --- | --- |
| export | documents |
"""


async def _upload(client: httpx.AsyncClient, member: Member, path: str, data: bytes) -> str:
    response = await client.put(
        "/api/storage/buckets/docs/files", params={"path": path}, content=data, headers=member.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _finished(
    client: httpx.AsyncClient, member: Member, export_id: str, seconds: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = (await client.get(f"/api/exports/{export_id}", headers=member.headers)).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"export {export_id} did not finish")


async def _reaches_stage(client: httpx.AsyncClient, member: Member, export_id: str, stage: str) -> None:
    for _ in range(200):
        if (await client.get(f"/api/exports/{export_id}", headers=member.headers)).json()["stage"] == stage:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"export {export_id} never reached {stage}")


async def test_a_markdown_file_exported_to_epub_on_a_worker(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    file_id = await _upload(client, owner, "guide.md", BOOK.encode())
    queued = await client.post(
        "/api/exports",
        json={"source": {"kind": "file", "file_id": file_id}, "format": "epub", "template": "modern"},
        headers=owner.headers,
    )
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "queued"
    job = await _finished(client, owner, queued.json()["id"])
    assert job["status"] == "succeeded", job
    assert (job["progress"], job["stage"], job["attempts"]) == (1.0, "done", 1)
    assert job["size"] > 1000
    assert job["duration_ms"] is not None

    download = await client.get(f"/api/exports/{job['id']}/download", headers=owner.headers)
    assert download.status_code == 200
    assert download.content[:2] == b"PK"
    # The front matter's title names the document and its file.
    assert job["title"] == "Field Guide"
    assert download.headers["content-disposition"].startswith('attachment; filename="Field Guide.epub"')
    assert len(download.content) == job["size"]
    saved = (await client.get(f"/api/storage/files/{job['file_id']}", headers=owner.headers)).json()
    assert (saved["bucket"], saved["path"], saved["content_type"]) == (
        "exports",
        "Field Guide.epub",
        "application/epub+zip",
    )

    assert job["preview_pages"] >= 1
    page = await client.get(f"/api/exports/{job['id']}/preview/1", headers=owner.headers)
    with Image.open(io.BytesIO(page.content)) as picture:
        assert picture.width == 800
    history = (await client.get("/api/exports", headers=owner.headers)).json()
    assert [item["id"] for item in history["items"]] == [job["id"]]


async def test_inline_content_to_pdf_reports_its_stages(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    queued = (
        await client.post(
            "/api/exports",
            json={"source": {"kind": "content", "content": BOOK}, "format": "pdf"},
            headers=owner.headers,
        )
    ).json()
    assert owner.tenant_id is not None
    assert await runner.run(runtime, owner.tenant_id, uuid.UUID(queued["id"])) == "succeeded"
    assert queued["title"] == ""
    job = (await client.get(f"/api/exports/{queued['id']}", headers=owner.headers)).json()
    assert job["title"] == "Field Guide"
    pdf = await client.get(f"/api/exports/{job['id']}/download", headers=owner.headers)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Field Guide" in text
    assert "Operating" in text
    # The document's own title names the file when the request gave none.
    assert pdf.headers["content-disposition"].startswith('attachment; filename="Field Guide.pdf"')
    # Run again (a task delivered twice): nothing happens.
    assert await runner.run(runtime, owner.tenant_id, uuid.UUID(queued["id"])) == "succeeded"
    assert (await client.get(f"/api/exports/{job['id']}", headers=owner.headers)).json()["attempts"] == 1


async def test_live_progress_streams_until_the_export_ends(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    queued = (
        await client.post(
            "/api/exports",
            json={"source": {"kind": "content", "content": BOOK}, "format": "docx", "title": "Live"},
            headers=owner.headers,
        )
    ).json()
    statuses = []
    async with client.stream("GET", f"/api/exports/{queued['id']}/events", headers=owner.headers) as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                statuses.append(orjson.loads(line[6:])["status"])
    assert statuses[-1] == "succeeded"


async def test_a_running_export_can_be_cancelled_and_retried(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_render(document: object, fmt: object, layout: object, *, progress: Any) -> bytes:
        for step in range(200):
            progress(step / 200, "writing")
            time.sleep(0.02)
        return b"never"

    monkeypatch.setattr(runner, "render", slow_render)
    queued = (
        await client.post(
            "/api/exports", json={"source": {"kind": "content", "content": BOOK}}, headers=owner.headers
        )
    ).json()
    assert owner.tenant_id is not None
    running = asyncio.create_task(runner.run(runtime, owner.tenant_id, uuid.UUID(queued["id"])))
    await _reaches_stage(client, owner, queued["id"], "writing")
    cancelled = await client.post(f"/api/exports/{queued['id']}/cancel", headers=owner.headers)
    assert cancelled.json()["status"] == "cancelled"
    assert await asyncio.wait_for(running, 10) == "cancelled"
    assert (await client.get("/api/storage/buckets/exports/files", headers=owner.headers)).status_code == 404
    assert_problem(
        await client.post(f"/api/exports/{queued['id']}/cancel", headers=owner.headers),
        409,
        "export.finished",
    )

    monkeypatch.undo()
    retried = await client.post(f"/api/exports/{queued['id']}/retry", headers=owner.headers)
    assert retried.status_code == 202
    assert await runner.run(runtime, owner.tenant_id, uuid.UUID(queued["id"])) == "succeeded"
    job = (await client.get(f"/api/exports/{queued['id']}", headers=owner.headers)).json()
    assert job["attempts"] == 2
    assert_problem(
        await client.post(f"/api/exports/{queued['id']}/retry", headers=owner.headers),
        409,
        "export.not_retryable",
    )


async def test_an_unexportable_file_fails_with_a_reason(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    file_id = await _upload(client, owner, "photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64))
    queued = (
        await client.post(
            "/api/exports", json={"source": {"kind": "file", "file_id": file_id}}, headers=owner.headers
        )
    ).json()
    assert owner.tenant_id is not None
    assert await runner.run(runtime, owner.tenant_id, uuid.UUID(queued["id"])) == "failed"
    job = (
        await client.get(f"/api/exports/{queued['id']}", headers={**owner.headers, "Accept-Language": "es"})
    ).json()
    assert job["error"]["code"] == "export.source_unsupported"
    assert "image/png" in job["error"]["message"]
    assert_problem(
        await client.get(f"/api/exports/{queued['id']}/download", headers=owner.headers),
        409,
        "export.not_ready",
    )


async def test_bad_requests_are_refused_before_anything_is_queued(
    client: httpx.AsyncClient, owner: Member
) -> None:
    content = {"kind": "content", "content": "# Hi"}
    assert_problem(
        await client.post(
            "/api/exports", json={"source": content, "template": "nope"}, headers=owner.headers
        ),
        404,
        "export.template_not_found",
    )
    assert_problem(
        await client.post(
            "/api/exports",
            json={"source": {"kind": "file", "file_id": str(uuid.uuid4())}},
            headers=owner.headers,
        ),
        404,
        "storage.file_not_found",
    )
    assert_problem(
        await client.post("/api/exports", json={"source": content, "format": "odt"}, headers=owner.headers),
        422,
        "validation_failed",
    )
    assert_problem(
        await client.post(
            "/api/exports", json={"source": {"kind": "content", "content": ""}}, headers=owner.headers
        ),
        422,
        "validation_failed",
    )
    assert (await client.get("/api/exports", headers=owner.headers)).json()["items"] == []


async def test_tenant_templates_and_settings_shape_the_exports(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    templates = (await client.get("/api/exports/templates", headers=owner.headers)).json()
    assert [t["slug"] for t in templates if t["builtin"]] == ["classic", "modern", "manuscript", "compact"]
    layout = {"page_size": "letter", "toc": False, "accent_color": "#aa3300"}
    created = await client.post(
        "/api/exports/templates",
        json={"slug": "house", "name": "House style", "layout": layout},
        headers=owner.headers,
    )
    assert created.status_code == 201, created.text
    taken = await client.post(
        "/api/exports/templates",
        json={"slug": "classic", "name": "Mine", "layout": {}},
        headers=owner.headers,
    )
    assert_problem(taken, 409, "export.template_slug_taken")
    cramped = await client.post(
        "/api/exports/templates",
        json={
            "slug": "cramped",
            "name": "Cramped",
            "layout": {"page_size": "a5", "margins": {"left": 60, "right": 60}},
        },
        headers=owner.headers,
    )
    assert_problem(cramped, 422, "validation_failed")

    settings = await client.put(
        "/api/exports/settings",
        json={"template": "house", "format": "pdf", "bucket": "reports", "folder": "monthly"},
        headers=owner.headers,
    )
    assert settings.status_code == 200, settings.text
    queued = (
        await client.post(
            "/api/exports",
            json={"source": {"kind": "content", "content": BOOK}, "title": "March"},
            headers=owner.headers,
        )
    ).json()
    assert (queued["template"], queued["format"]) == ("house", "pdf")
    assert owner.tenant_id is not None
    await runner.run(runtime, owner.tenant_id, uuid.UUID(queued["id"]))
    job = (await client.get(f"/api/exports/{queued['id']}", headers=owner.headers)).json()
    saved = (await client.get(f"/api/storage/files/{job['file_id']}", headers=owner.headers)).json()
    assert (saved["bucket"], saved["path"]) == ("reports", "monthly/March.pdf")
    pdf = await client.get(f"/api/exports/{job['id']}/download", headers=owner.headers)
    width, height = PdfReader(io.BytesIO(pdf.content)).pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (612, 792)


async def test_exports_are_private_to_their_author(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    queued = (
        await client.post(
            "/api/exports", json={"source": {"kind": "content", "content": BOOK}}, headers=owner.headers
        )
    ).json()
    colleague = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    assert_problem(
        await client.get(f"/api/exports/{queued['id']}", headers=colleague.headers), 404, "export.not_found"
    )
    assert (await client.get("/api/exports", headers=colleague.headers)).json()["items"] == []
