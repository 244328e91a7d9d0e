"""Previews made in the background: image thumbnails, a PDF's first page, text openings."""

from __future__ import annotations

import asyncio
import io
import uuid

import httpx
from PIL import Image
from sqlalchemy import select

from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.storage.models import Blob, PreviewStatus
from athanor.storage.tasks import make_preview
from athanor.workers.embedded import EmbeddedWorker
from tests.builders import Member
from tests.storage.support import stored


async def _preview_of(runtime: Runtime, member: Member, body: dict[str, object]) -> str:
    assert member.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(member.tenant_id)) as session:
        blob_id = await session.scalar(select(Blob.id).where(Blob.sha256 == body["sha256"]))
    assert blob_id is not None
    return await make_preview(runtime, member.tenant_id, uuid.UUID(str(blob_id)))


def _jpeg(width: int, height: int) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(output, format="JPEG")
    return output.getvalue()


async def test_an_image_gets_a_thumbnail(client: httpx.AsyncClient, owner: Member, runtime: Runtime) -> None:
    body = await stored(client, owner, "photos/wide.jpg", _jpeg(1600, 900))
    assert body["preview"]["status"] == "pending"
    assert await _preview_of(runtime, owner, body) == PreviewStatus.READY
    detail = (await client.get(f"/api/storage/files/{body['id']}", headers=owner.headers)).json()
    assert detail["preview"]["image_url"] == f"/api/storage/files/{body['id']}/preview?version=1"
    picture = await client.get(detail["preview"]["image_url"], headers=owner.headers)
    assert picture.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(picture.content)) as thumbnail:
        assert thumbnail.size == (480, 270)


async def test_a_pdf_preview_is_its_first_page(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    pdf = io.BytesIO()
    Image.new("RGB", (600, 800), (255, 255, 255)).save(pdf, format="PDF")
    body = await stored(client, owner, "docs/page.pdf", pdf.getvalue())
    assert body["content_type"] == "application/pdf"
    assert await _preview_of(runtime, owner, body) == PreviewStatus.READY
    picture = await client.get(f"/api/storage/files/{body['id']}/preview", headers=owner.headers)
    with Image.open(io.BytesIO(picture.content)) as first_page:
        assert first_page.size[1] == 480
        assert first_page.getpixel((10, 10))[:3] == (255, 255, 255)


async def test_text_and_json_get_their_opening_as_text(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    notes = await stored(client, owner, "notes.md", b"# Plan\n\n" + b"- step\n" * 2000)
    data = await stored(client, owner, "data.json", b'{"b":1,"a":[1,2]}')
    assert await _preview_of(runtime, owner, notes) == PreviewStatus.READY
    assert await _preview_of(runtime, owner, data) == PreviewStatus.READY
    notes_preview = (await client.get(f"/api/storage/files/{notes['id']}", headers=owner.headers)).json()[
        "preview"
    ]
    assert notes_preview["text"].startswith("# Plan\n\n- step")
    assert len(notes_preview["text"]) == 4096
    data_preview = (await client.get(f"/api/storage/files/{data['id']}", headers=owner.headers)).json()[
        "preview"
    ]
    assert data_preview["text"] == '{\n  "b": 1,\n  "a": [\n    1,\n    2\n  ]\n}'


async def test_content_without_a_preview_says_so(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    archive = await stored(client, owner, "backup.gz", b"\x1f\x8b\x08\x00" + bytes(100))
    broken = await stored(client, owner, "broken.png", b"\x89PNG\r\n\x1a\n" + b"not really")
    assert await _preview_of(runtime, owner, archive) == PreviewStatus.NONE
    assert await _preview_of(runtime, owner, broken) == PreviewStatus.FAILED
    missing = await client.get(f"/api/storage/files/{broken['id']}/preview", headers=owner.headers)
    assert missing.status_code == 404


async def test_a_worker_makes_the_preview_after_the_upload(
    client: httpx.AsyncClient, owner: Member, worker: EmbeddedWorker
) -> None:
    body = await stored(client, owner, "photos/square.jpg", _jpeg(900, 900))
    deadline = asyncio.get_running_loop().time() + 20
    while asyncio.get_running_loop().time() < deadline:
        detail = (await client.get(f"/api/storage/files/{body['id']}", headers=owner.headers)).json()
        if detail["preview"]["status"] != "pending":
            break
        await asyncio.sleep(0.1)
    assert detail["preview"]["status"] == "ready"
