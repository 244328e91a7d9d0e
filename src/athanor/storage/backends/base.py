"""The interface every byte store implements."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol

CHUNK_BYTES = 256 * 1024


class ObjectMissing(Exception):
    """The key names no stored object (purged, or never written)."""


class Backend(Protocol):
    name: str

    async def write(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        """Store the stream under `key`, all or nothing: if the stream raises, nothing is
        left behind and the exception propagates."""

    def read(self, key: str, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        """The bytes of [start, stop) of the object, in chunks."""

    async def delete(self, key: str) -> None:
        """Remove the object; removing a missing one is not an error."""

    async def close(self) -> None: ...


async def read_all(backend: Backend, key: str, limit: int | None = None) -> bytes:
    """A small object whole (previews, export sources): at most `limit` bytes."""
    parts = [chunk async for chunk in backend.read(key, 0, limit)]
    return b"".join(parts)


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    """Bytes already in memory, as the stream a backend writes."""
    yield data


async def write_bytes(backend: Backend, key: str, data: bytes) -> None:
    await backend.write(key, one_chunk(data))
