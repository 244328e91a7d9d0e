"""Delivering content: byte ranges, revalidation by ETag, signed links that expire, and
public files addressed through the CDN."""

from __future__ import annotations

import time

import httpx
import pytest

from athanor.runtime import Runtime
from athanor.storage import links
from tests.builders import Member
from tests.storage.support import stored
from tests.support import assert_problem

DIGITS = b"0123456789" * 10


async def test_ranges_are_served_in_part(client: httpx.AsyncClient, owner: Member) -> None:
    body = await stored(client, owner, "digits.txt", DIGITS)
    url = f"/api/storage/files/{body['id']}/content"

    first = await client.get(url, headers={**owner.headers, "Range": "bytes=0-4"})
    assert first.status_code == 206
    assert first.content == b"01234"
    assert first.headers["content-range"] == "bytes 0-4/100"
    assert first.headers["content-length"] == "5"

    tail = await client.get(url, headers={**owner.headers, "Range": "bytes=-3"})
    assert (tail.status_code, tail.content) == (206, b"789")
    rest = await client.get(url, headers={**owner.headers, "Range": "bytes=95-"})
    assert (rest.status_code, rest.content) == (206, b"56789")
    clipped = await client.get(url, headers={**owner.headers, "Range": "bytes=98-500"})
    assert (clipped.status_code, clipped.content) == (206, b"89")

    beyond = await client.get(url, headers={**owner.headers, "Range": "bytes=100-"})
    assert_problem(beyond, 416, "storage.range_not_satisfiable")
    assert beyond.headers["content-range"] == "bytes */100"
    # Several ranges at once are allowed to be answered with the whole content.
    several = await client.get(url, headers={**owner.headers, "Range": "bytes=0-1,5-6"})
    assert (several.status_code, several.content) == (200, DIGITS)


async def test_etag_revalidation_and_caching_headers(client: httpx.AsyncClient, owner: Member) -> None:
    body = await stored(client, owner, "digits.txt", DIGITS)
    url = f"/api/storage/files/{body['id']}/content"
    full = await client.get(url, headers=owner.headers)
    etag = full.headers["etag"]
    assert etag == f'"{body["sha256"]}"'
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["cache-control"] == "private, max-age=0, must-revalidate"

    unchanged = await client.get(url, headers={**owner.headers, "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    # A range against a stale copy (If-Range no longer matches) gets the whole file.
    stale = await client.get(url, headers={**owner.headers, "Range": "bytes=0-1", "If-Range": '"old"'})
    assert (stale.status_code, len(stale.content)) == (200, 100)

    pinned = await client.get(url, params={"version": 1, "download": True}, headers=owner.headers)
    assert "immutable" in pinned.headers["cache-control"]
    assert (
        pinned.headers["content-disposition"]
        == "attachment; filename=\"digits.txt\"; filename*=UTF-8''digits.txt"
    )


async def test_a_signed_link_opens_without_signing_in_until_it_expires(
    client: httpx.AsyncClient, owner: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = await stored(client, owner, "report.txt", b"quarterly numbers")
    made = await client.post(
        f"/api/storage/files/{body['id']}/links", json={"expires_in": 120}, headers=owner.headers
    )
    assert made.status_code == 201
    path = made.json()["url"].removeprefix("https://athanor.test")
    opened = await client.get(path)
    assert (opened.status_code, opened.content) == (200, b"quarterly numbers")
    ranged = await client.get(path, headers={"Range": "bytes=0-8"})
    assert (ranged.status_code, ranged.content) == (206, b"quarterly")

    # The link keeps showing the version it was made for, after an overwrite.
    await stored(client, owner, "report.txt", b"revised numbers")
    assert (await client.get(path)).content == b"quarterly numbers"

    token = path.rsplit("/", 1)[1]
    payload, mac = token.split(".")
    tampered = f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{mac}"
    assert_problem(await client.get(f"/api/storage/links/{tampered}"), 403, "storage.link_invalid")

    later = time.time() + 121
    monkeypatch.setattr(links.time, "time", lambda: later)
    assert_problem(await client.get(path), 410, "storage.link_expired")


async def test_a_link_to_a_deleted_file_stops_working(client: httpx.AsyncClient, owner: Member) -> None:
    body = await stored(client, owner, "gone.txt", b"bye")
    made = (
        await client.post(f"/api/storage/files/{body['id']}/links", json={}, headers=owner.headers)
    ).json()
    await client.delete(f"/api/storage/files/{body['id']}", headers=owner.headers)
    assert_problem(
        await client.get(made["url"].removeprefix("https://athanor.test")), 403, "storage.link_invalid"
    )


async def test_public_files_are_served_to_anyone_through_the_cdn_address(
    client: httpx.AsyncClient, owner: Member, runtime: Runtime
) -> None:
    runtime.settings.storage_cdn_base_url = "https://cdn.example.com"
    await client.post(
        "/api/storage/buckets", json={"name": "site", "visibility": "public-read"}, headers=owner.headers
    )
    body = await stored(client, owner, "css/main.css", b"body { color: #222 }", bucket="site")
    assert body["public_url"] == "https://cdn.example.com/api/storage/public/acme/site/css/main.css"
    public = await client.get("/api/storage/public/acme/site/css/main.css")
    assert public.status_code == 200
    assert public.content == b"body { color: #222 }"
    assert public.headers["cache-control"] == "public, max-age=3600"

    private = await stored(client, owner, "css/main.css", b"secret")
    assert private["public_url"] is None
    assert_problem(
        await client.get("/api/storage/public/acme/files/css/main.css"), 404, "storage.file_not_found"
    )
    assert_problem(
        await client.get("/api/storage/public/nobody/site/css/main.css"), 404, "storage.file_not_found"
    )
