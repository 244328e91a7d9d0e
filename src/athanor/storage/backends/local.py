"""Files in a folder on this machine: the embedded default."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

from athanor.storage.backends.base import CHUNK_BYTES, ObjectMissing


class LocalBackend:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        # Keys come from the platform; this guards against a bug ever escaping the root.
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key outside the root: {key!r}")
        return path

    async def write(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        target = self._path(key)
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        handle = await asyncio.to_thread(partial.open, "wb")
        try:
            async for chunk in chunks:
                await asyncio.to_thread(handle.write, chunk)
            await asyncio.to_thread(handle.flush)
            await asyncio.to_thread(os.fsync, handle.fileno())
        except BaseException:
            handle.close()
            partial.unlink(missing_ok=True)
            raise
        handle.close()
        # Readers see the whole object or none of it.
        await asyncio.to_thread(os.replace, partial, target)

    async def read(self, key: str, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError as error:
            raise ObjectMissing(key) from error
        try:
            await asyncio.to_thread(handle.seek, start)
            remaining = None if stop is None else max(stop - start, 0)
            while remaining is None or remaining > 0:
                size = CHUNK_BYTES if remaining is None else min(CHUNK_BYTES, remaining)
                chunk = await asyncio.to_thread(handle.read, size)
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def close(self) -> None:
        return None
