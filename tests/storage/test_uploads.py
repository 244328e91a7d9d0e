"""Resumable uploads, size limits and quotas: an interrupted upload completes later, and a
refused one leaves nothing behind."""

from __future__ import annotations

import hashlib
import os

import httpx
from sqlalchemy import select

from athanor.db.scope import DbScope
from athanor.levels.models import Level
from athanor.runtime import Runtime
from athanor.storage.models import Blob
from tests.builders import Member
from tests.storage.conftest import BUCKET
from tests.storage.support import listing, put, stored
from tests.support import assert_problem

PART = 5 * 1024 * 1024


async def _blob_count(runtime: Runtime, member: Member) -> int:
    assert member.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(member.tenant_id)) as session:
        return len(list(await session.scalars(select(Blob.id))))


async def test_an_interrupted_upload_is_completed_later(client: httpx.AsyncClient, owner: Member) -> None:
    data = os.urandom(2 * PART + 1234)
    started = await client.post(
        "/api/storage/uploads",
        json={"bucket": BUCKET, "path": "videos/talk.mp4", "size": len(data), "content_type": "video/mp4"},
        headers=owner.headers,
    )
    assert started.status_code == 201, started.text
    upload = started.json()
    assert (upload["part_size"], upload["part_count"]) == (PART, 3)
    parts = [data[i * PART : (i + 1) * PART] for i in range(3)]
    base = f"/api/storage/uploads/{upload['id']}"

    async def send(number: int, body: bytes) -> httpx.Response:
        return await client.put(f"{base}/parts/{number}", content=body, headers=owner.headers)

    assert (await send(3, parts[2])).json()["sha256"] == hashlib.sha256(parts[2]).hexdigest()
    # The connection drops halfway through part 1: the server refuses the short part.
    assert_problem(await send(1, parts[0][: PART // 2]), 422, "storage.part_invalid")
    assert_problem(await send(4, b"x"), 422, "storage.part_out_of_range")

    status = (await client.get(base, headers=owner.headers)).json()
    assert [part["number"] for part in status["received"]] == [3]
    incomplete = await client.post(f"{base}/complete", headers=owner.headers)
    assert_problem(incomplete, 409, "storage.upload_incomplete")
    assert "1, 2" in incomplete.json()["detail"]

    # Later: the missing parts, one of them sent twice.
    assert (await send(1, parts[0])).status_code == 200
    assert (await send(2, parts[1])).status_code == 200
    assert (await send(2, parts[1])).status_code == 200
    done = await client.post(f"{base}/complete", headers=owner.headers)
    assert done.status_code == 200, done.text
    file = done.json()
    assert file["size"] == len(data)
    assert file["sha256"] == hashlib.sha256(data).hexdigest()
    # Random bytes are no video, whatever the client said.
    assert file["content_type"] == "application/octet-stream"
    downloaded = await client.get(f"/api/storage/files/{file['id']}/content", headers=owner.headers)
    assert downloaded.content == data

    assert_problem(await send(1, parts[0]), 409, "storage.upload_closed")
    assert (await client.get(base, headers=owner.headers)).json()["status"] == "completed"


async def test_an_aborted_upload_takes_no_more_parts(client: httpx.AsyncClient, owner: Member) -> None:
    upload = (
        await client.post(
            "/api/storage/uploads",
            json={"bucket": BUCKET, "path": "x.bin", "size": 10},
            headers=owner.headers,
        )
    ).json()
    base = f"/api/storage/uploads/{upload['id']}"
    assert (
        await client.put(f"{base}/parts/1", content=b"0123456789", headers=owner.headers)
    ).status_code == 200
    assert (await client.delete(base, headers=owner.headers)).status_code == 204
    assert_problem(await client.post(f"{base}/complete", headers=owner.headers), 409, "storage.upload_closed")
    assert (await listing(client, owner))["items"] == []


async def test_files_over_the_size_limit_are_refused_and_nothing_is_kept(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    runtime.settings.storage_max_upload_bytes = 1024
    too_big = await put(client, owner, "big.bin", b"x" * 2048)
    assert_problem(too_big, 413, "storage.too_large")

    async def no_length() -> object:
        for _ in range(4):
            yield b"y" * 512

    streamed = await client.put(
        f"/api/storage/buckets/{BUCKET}/files",
        params={"path": "big.bin"},
        content=no_length(),
        headers=owner.headers,
    )
    assert_problem(streamed, 413, "storage.too_large")
    refused = await client.post(
        "/api/storage/uploads",
        json={"bucket": BUCKET, "path": "big.bin", "size": 4096},
        headers=owner.headers,
    )
    assert_problem(refused, 413, "storage.too_large")
    assert (await listing(client, owner))["items"] == []
    assert await _blob_count(runtime, owner) == 0


async def test_a_bucket_quota_refuses_the_file_that_would_pass_it(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    await client.patch(f"/api/storage/buckets/{BUCKET}", json={"quota_bytes": 100}, headers=owner.headers)
    await stored(client, owner, "first.txt", b"a" * 60)
    over = await put(client, owner, "second.txt", b"b" * 50)
    assert_problem(over, 403, "storage.bucket_quota_exceeded")
    assert [item["name"] for item in (await listing(client, owner))["items"]] == ["first.txt"]
    assert await _blob_count(runtime, owner) == 1
    # A new version counts too: history takes room until it is purged.
    assert_problem(await put(client, owner, "first.txt", b"c" * 45), 403, "storage.bucket_quota_exceeded")


async def test_the_members_level_sets_their_storage_quota(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        session.add(
            Level(
                tenant_id=owner.tenant_id,
                slug="free",
                name="Free",
                is_default=True,
                restrictions={"storage_quota_bytes": 1000},
            )
        )
    await stored(client, owner, "a.bin", b"a" * 900)
    assert_problem(await put(client, owner, "b.bin", b"b" * 200), 403, "storage.level_quota_exceeded")
    usage = (await client.get("/api/storage/usage", headers=owner.headers)).json()
    assert (usage["used_bytes"], usage["quota_bytes"]) == (900, 1000)
    upload = await client.post(
        "/api/storage/uploads", json={"bucket": BUCKET, "path": "c.bin", "size": 200}, headers=owner.headers
    )
    assert_problem(upload, 403, "storage.level_quota_exceeded")
