"""Serving file content: Range requests, ETag revalidation and caching headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from athanor.storage.backends import Backend, ObjectMissing
from athanor.storage.exceptions import ContentMissing, RangeNotSatisfiable
from athanor.storage.models import Blob, FileVersion, StoredFile
from athanor.storage.names import content_disposition

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Content a browser would run as a page of ours: always downloaded, never shown inline.
_ACTIVE_TYPES = frozenset({"text/html", "image/svg+xml", "application/xml", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class Content:
    key: str
    size: int
    sha256: str
    content_type: str
    name: str


@dataclass(frozen=True, slots=True)
class Caching:
    """Cache-Control for a response: private content revalidates; a version's content
    never changes, so a link to one version may be cached for long."""

    public: bool = False
    max_age: int = 0
    immutable: bool = False

    def header(self) -> str:
        parts = ["public" if self.public else "private", f"max-age={self.max_age}"]
        if self.immutable:
            parts.append("immutable")
        elif not self.public:
            parts.append("must-revalidate")
        return ", ".join(parts)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[start, stop) of a single `bytes=` range, or None to send everything (no header,
    several ranges, or a syntax the server may ignore). RangeNotSatisfiable past the end."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable(params={"size": size}, headers={"Content-Range": f"bytes */{size}"})
        return max(size - length, 0), size
    start = int(first)
    stop = min(int(last) + 1, size) if last else size
    if start >= size or stop <= start:
        raise RangeNotSatisfiable(params={"size": size}, headers={"Content-Range": f"bytes */{size}"})
    return start, stop


def _etag(sha256: str) -> str:
    return f'"{sha256}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


async def _stream(backend: Backend, key: str, start: int, stop: int) -> AsyncIterator[bytes]:
    async for chunk in backend.read(key, start, stop):
        yield chunk


async def _first_chunk(backend: Backend, key: str, start: int, stop: int) -> AsyncIterator[bytes]:
    """The stream, opened before the response starts: a missing object is then a clean
    410 rather than a response cut off after its headers."""
    stream = _stream(backend, key, start, stop)
    try:
        first = await anext(stream, b"")
    except ObjectMissing as error:
        raise ContentMissing() from error

    async def rest() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in stream:
            yield chunk

    return rest()


async def respond(
    backend: Backend,
    content: Content,
    *,
    range_header: str | None,
    if_none_match: str | None,
    if_range: str | None,
    download: bool,
    caching: Caching,
) -> Response:
    etag = _etag(content.sha256)
    headers = {
        "ETag": etag,
        "Cache-Control": caching.header(),
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(
            content.name, inline=not download and content.content_type not in _ACTIVE_TYPES
        ),
    }
    if _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    wanted = parse_range(range_header, content.size) if (not if_range or if_range == etag) else None
    start, stop = wanted or (0, content.size)
    body = await _first_chunk(backend, content.key, start, stop)
    headers["Content-Length"] = str(stop - start)
    if wanted is None:
        return StreamingResponse(body, status_code=200, media_type=content.content_type, headers=headers)
    headers["Content-Range"] = f"bytes {start}-{stop - 1}/{content.size}"
    return StreamingResponse(body, status_code=206, media_type=content.content_type, headers=headers)


async def deliver(
    request: Request,
    backend: Backend,
    session: AsyncSession,
    stored: StoredFile,
    version: FileVersion,
    *,
    download: bool,
    caching: Caching,
) -> Response:
    """A version of a file as the response to `request` (its Range and conditions)."""
    blob = await session.get(Blob, version.blob_id)
    assert blob is not None
    content = Content(
        key=blob.storage_key,
        size=blob.size,
        sha256=blob.sha256,
        content_type=blob.content_type,
        name=stored.name,
    )
    # The transaction ends before the bytes stream out.
    await session.commit()
    return await respond(
        backend,
        content,
        range_header=request.headers.get("range"),
        if_none_match=request.headers.get("if-none-match"),
        if_range=request.headers.get("if-range"),
        download=download,
        caching=caching,
    )
