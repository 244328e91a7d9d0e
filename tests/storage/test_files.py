"""Files through the API on both byte stores: what is stored comes back, types come from
the bytes, every overwrite keeps a version, identical content is kept once, names are
made safe, and deletes are soft until the purge."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.storage import service
from athanor.storage.backends import ObjectMissing
from athanor.storage.backends.base import read_all
from athanor.storage.models import Blob
from athanor.storage.tasks import purge_all
from tests.builders import Member, make_member
from tests.storage.support import PNG_1PX, content, listing, put, stored
from tests.support import assert_problem


async def test_a_file_comes_back_as_stored_with_its_type_read_from_its_bytes(
    client: httpx.AsyncClient, owner: Member
) -> None:
    body = await stored(client, owner, "notes/hello.md", b"# Hello\n\nWorld", content_type="image/png")
    assert body["path"] == "notes/hello.md"
    assert body["name"] == "hello.md"
    assert body["folder"] == "notes/"
    assert body["size"] == 14
    # The client said PNG; the bytes are Markdown text.
    assert body["content_type"] == "text/markdown"
    assert body["version"] == 1
    assert await content(client, owner, body["id"]) == b"# Hello\n\nWorld"

    image = await stored(client, owner, "pictures/dot.txt", PNG_1PX, content_type="text/plain")
    assert image["content_type"] == "image/png"
    response = await client.get(f"/api/storage/files/{image['id']}/content", headers=owner.headers)
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_an_html_file_is_always_downloaded_never_shown_as_a_page(
    client: httpx.AsyncClient, owner: Member
) -> None:
    page = await stored(client, owner, "page.html", b"<script>alert(1)</script>")
    response = await client.get(f"/api/storage/files/{page['id']}/content", headers=owner.headers)
    assert response.headers["content-disposition"].startswith("attachment;")


async def test_overwriting_keeps_every_version_and_an_old_one_can_be_restored(
    client: httpx.AsyncClient, owner: Member
) -> None:
    first = await stored(client, owner, "draft.txt", b"first draft")
    response = await put(client, owner, "draft.txt", b"second draft, longer")
    assert response.status_code == 200
    second = response.json()
    assert second["id"] == first["id"]
    assert second["version"] == 2

    versions = (await client.get(f"/api/storage/files/{first['id']}/versions", headers=owner.headers)).json()
    assert [(v["number"], v["size"], v["current"]) for v in versions] == [(2, 20, True), (1, 11, False)]
    assert await content(client, owner, first["id"], version=1) == b"first draft"

    restored = await client.post(
        f"/api/storage/files/{first['id']}/versions/1/restore", headers=owner.headers
    )
    assert restored.status_code == 200
    assert restored.json()["version"] == 3
    assert await content(client, owner, first["id"]) == b"first draft"
    versions = (await client.get(f"/api/storage/files/{first['id']}/versions", headers=owner.headers)).json()
    assert versions[0]["restored_from"] == 1

    missing = await client.post(f"/api/storage/files/{first['id']}/versions/9/restore", headers=owner.headers)
    assert_problem(missing, 404, "storage.version_not_found")


async def test_identical_content_is_stored_once_per_tenant(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    data = b"the same bytes " * 1000
    one = await stored(client, owner, "a/one.bin", data)
    two = await stored(client, owner, "b/two.bin", data)
    assert one["sha256"] == two["sha256"]
    usage = (await client.get("/api/storage/usage", headers=owner.headers)).json()
    assert usage["tenant_bytes"] == 2 * len(data)
    assert usage["used_bytes"] == 2 * len(data)
    assert usage["stored_bytes"] == len(data)
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        blobs = list(await session.scalars(select(Blob)))
    assert len(blobs) == 1


async def test_paths_cannot_climb_out_and_lose_their_control_characters(
    client: httpx.AsyncClient, owner: Member
) -> None:
    climbing = await stored(client, owner, "../../etc/passwd", b"x")
    assert climbing["path"] == "etc/passwd"
    windows = await stored(client, owner, "..\\..\\boot.ini", b"y")
    assert windows["path"] == "boot.ini"
    controls = await stored(client, owner, "re\x00port\x1b[31m.txt", b"z")
    assert controls["name"] == "re_port_[31m.txt"
    nothing_left = await put(client, owner, "../..", b"z")
    assert_problem(nothing_left, 422, "storage.invalid_path")


async def test_a_folder_lists_its_files_and_subfolders_and_search_looks_below(
    client: httpx.AsyncClient, owner: Member
) -> None:
    await stored(client, owner, "readme.md", b"# read me")
    await stored(client, owner, "reports/q1.csv", b"a,b\n1,2\n")
    await stored(client, owner, "reports/2026/summary.md", b"# Summary")
    await stored(client, owner, "images/dot.png", PNG_1PX)

    root = await listing(client, owner)
    assert root["folders"] == ["images", "reports"]
    assert [item["name"] for item in root["items"]] == ["readme.md"]
    reports = await listing(client, owner, folder="reports")
    assert reports["folder"] == "reports/"
    assert reports["folders"] == ["2026"]
    assert [item["name"] for item in reports["items"]] == ["q1.csv"]

    found = await listing(client, owner, q="SUMM")
    assert [item["path"] for item in found["items"]] == ["reports/2026/summary.md"]
    images = await listing(client, owner, q=".", type="image")
    assert [item["path"] for item in images["items"]] == ["images/dot.png"]


async def test_listing_sorts_and_pages_with_a_cursor(client: httpx.AsyncClient, owner: Member) -> None:
    for size in (3, 1, 5, 2, 4):
        await stored(client, owner, f"f{size}.txt", b"x" * size)
    first = await listing(client, owner, sort="size", order="desc", limit=2)
    assert [item["size"] for item in first["items"]] == [5, 4]
    second = await listing(client, owner, sort="size", order="desc", limit=2, cursor=first["next_cursor"])
    third = await listing(client, owner, sort="size", order="desc", limit=2, cursor=second["next_cursor"])
    assert [item["size"] for item in second["items"] + third["items"]] == [3, 2, 1]
    assert third["next_cursor"] is None
    broken = await client.get(
        "/api/storage/buckets/files/files", params={"cursor": "bm9wZQ"}, headers=owner.headers
    )
    assert_problem(broken, 422, "storage.invalid_cursor")


async def test_move_rename_and_copy(client: httpx.AsyncClient, owner: Member) -> None:
    original = await stored(client, owner, "inbox/letter.txt", b"Dear reader")
    await stored(client, owner, "archive/taken.txt", b"occupied")
    moved = await client.patch(
        f"/api/storage/files/{original['id']}",
        json={"path": "archive/letter-2026.txt"},
        headers=owner.headers,
    )
    assert moved.status_code == 200
    assert moved.json()["name"] == "letter-2026.txt"
    assert moved.json()["folder"] == "archive/"
    taken = await client.patch(
        f"/api/storage/files/{original['id']}", json={"path": "archive/taken.txt"}, headers=owner.headers
    )
    assert_problem(taken, 409, "storage.path_taken")

    copied = await client.post(
        f"/api/storage/files/{original['id']}/copy", json={"path": "copies/letter.txt"}, headers=owner.headers
    )
    assert copied.status_code == 201
    assert copied.json()["id"] != original["id"]
    assert await content(client, owner, copied.json()["id"]) == b"Dear reader"


async def test_deleted_files_are_restorable_until_purged_then_their_bytes_go(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    kept = await stored(client, owner, "kept.txt", b"kept")
    doomed = await stored(client, owner, "doomed.txt", b"doomed content")
    assert (
        await client.delete(f"/api/storage/files/{doomed['id']}", headers=owner.headers)
    ).status_code == 204
    assert [item["name"] for item in (await listing(client, owner))["items"]] == ["kept.txt"]
    assert [item["name"] for item in (await listing(client, owner, deleted=True))["items"]] == ["doomed.txt"]
    gone = await client.get(f"/api/storage/files/{doomed['id']}/content", headers=owner.headers)
    assert_problem(gone, 404, "storage.file_not_found")

    back = await client.post(f"/api/storage/files/{doomed['id']}/undelete", headers=owner.headers)
    assert back.status_code == 200
    assert await content(client, owner, doomed["id"]) == b"doomed content"

    await client.delete(f"/api/storage/files/{doomed['id']}", headers=owner.headers)
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        blob = await session.scalar(select(Blob).where(Blob.sha256 == doomed["sha256"]))
    assert blob is not None
    runtime.settings.storage_retention_days = 0
    assert await purge_all(runtime) == 1
    assert (await client.get(f"/api/storage/files/{doomed['id']}", headers=owner.headers)).status_code == 404
    with pytest.raises(ObjectMissing):
        await read_all(runtime.files, blob.storage_key)
    assert await content(client, owner, kept["id"]) == b"kept"


async def test_purge_keeps_content_another_file_still_uses(
    runtime: Runtime, client: httpx.AsyncClient, owner: Member
) -> None:
    shared = await stored(client, owner, "one.txt", b"shared")
    other = await stored(client, owner, "two.txt", b"shared")
    await client.delete(f"/api/storage/files/{shared['id']}", headers=owner.headers)
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        purged = await service.purge(session, retention=timedelta(0))
    assert purged.files == 1
    assert purged.keys == []
    assert await content(client, owner, other["id"]) == b"shared"


async def test_another_tenant_sees_none_of_it(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    secret = await stored(client, owner, "secret.txt", b"ours")
    stranger = await make_member(runtime, "eve@example.com", tenant_name="Other")
    for path in (f"/api/storage/files/{secret['id']}", f"/api/storage/files/{secret['id']}/content"):
        assert_problem(await client.get(path, headers=stranger.headers), 404, "storage.file_not_found")
    assert_problem(
        await client.get("/api/storage/buckets/files/files", headers=stranger.headers),
        404,
        "storage.bucket_not_found",
    )


async def test_viewers_read_but_do_not_write(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    from athanor.tenancy.models import Role

    await stored(client, owner, "report.txt", b"numbers")
    viewer = await make_member(runtime, "vic@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    assert len((await listing(client, viewer))["items"]) == 1
    assert_problem(await put(client, viewer, "mine.txt", b"no"), 403, "auth.forbidden")


async def test_buckets_are_managed_by_admins_and_deleted_only_when_empty(
    client: httpx.AsyncClient, owner: Member
) -> None:
    created = await client.post(
        "/api/storage/buckets",
        json={"name": "media", "visibility": "public-read", "quota_bytes": 1000},
        headers=owner.headers,
    )
    assert created.status_code == 201
    assert created.json()["used_bytes"] == 0
    again = await client.post("/api/storage/buckets", json={"name": "media"}, headers=owner.headers)
    assert_problem(again, 409, "storage.bucket_name_taken")
    bad = await client.post("/api/storage/buckets", json={"name": "Bad_Name"}, headers=owner.headers)
    assert_problem(bad, 422, "validation_failed")
    await stored(client, owner, "x.txt", b"12345", bucket="media")
    assert (await client.get("/api/storage/buckets/media", headers=owner.headers)).json()["used_bytes"] == 5
    assert_problem(
        await client.delete("/api/storage/buckets/media", headers=owner.headers),
        409,
        "storage.bucket_not_empty",
    )
