"""Bytes on their way in: stored under a fresh key while they are counted, hashed and
sniffed, and refused past the size limit before they fill a disk."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

from athanor.storage.backends import Backend
from athanor.storage.exceptions import FileTooLarge
from athanor.storage.sniff import HEAD_BYTES


@dataclass(frozen=True, slots=True)
class Received:
    """Content stored under `key` and what was learnt from it on the way."""

    key: str
    size: int
    sha256: str
    head: bytes


def blob_key(tenant_id: uuid.UUID) -> str:
    return f"{tenant_id}/blobs/{uuid.uuid4().hex}"


def part_key(tenant_id: uuid.UUID, upload_id: uuid.UUID, number: int) -> str:
    # A fresh key per attempt: a part sent again never overwrites one being read.
    return f"{tenant_id}/uploads/{upload_id}/{number:05d}-{uuid.uuid4().hex[:8]}"


class _Tally:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.digest = hashlib.sha256()
        self.head = bytearray()

    async def watch(self, chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        async for chunk in chunks:
            if not chunk:
                continue
            self.size += len(chunk)
            if self.size > self.limit:
                raise FileTooLarge(params={"limit": self.limit})
            self.digest.update(chunk)
            if len(self.head) < HEAD_BYTES:
                self.head += chunk[: HEAD_BYTES - len(self.head)]
            yield chunk


async def receive(backend: Backend, key: str, chunks: AsyncIterable[bytes], *, limit: int) -> Received:
    """Store the stream under `key`. Over `limit`, FileTooLarge and nothing is kept."""
    tally = _Tally(limit)
    await backend.write(key, tally.watch(chunks))
    return Received(key=key, size=tally.size, sha256=tally.digest.hexdigest(), head=bytes(tally.head))


async def concatenate(backend: Backend, keys: list[str]) -> AsyncIterator[bytes]:
    """The objects under `keys`, one after the other."""
    for key in keys:
        async for chunk in backend.read(key):
            yield chunk
