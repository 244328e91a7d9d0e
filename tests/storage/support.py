from __future__ import annotations

from typing import Any

import httpx

from tests.builders import Member
from tests.storage.conftest import BUCKET

# A real 1x1 PNG: its bytes, not its declared type, make it an image.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2d3a4"
    "7e0000000049454e44ae426082"
)


async def put(
    client: httpx.AsyncClient,
    member: Member,
    path: str,
    data: bytes,
    *,
    content_type: str = "application/octet-stream",
    bucket: str = BUCKET,
) -> httpx.Response:
    return await client.put(
        f"/api/storage/buckets/{bucket}/files",
        params={"path": path},
        content=data,
        headers={**member.headers, "Content-Type": content_type},
    )


async def stored(
    client: httpx.AsyncClient, member: Member, path: str, data: bytes, **options: Any
) -> dict[str, Any]:
    response = await put(client, member, path, data, **options)
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def content(client: httpx.AsyncClient, member: Member, file_id: str, **params: Any) -> bytes:
    response = await client.get(
        f"/api/storage/files/{file_id}/content", params=params, headers=member.headers
    )
    assert response.status_code == 200, response.text
    return response.content


async def listing(client: httpx.AsyncClient, member: Member, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/storage/buckets/{BUCKET}/files", params=params, headers=member.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
