"""Group commit: the small writes of many concurrent requests in one transaction.

A request hands its operation over and waits. When nothing is being written the batch
starts at once (a lone request waits for no timer); while a batch is being written, the
operations that arrive meanwhile gather for the next one. Each batch runs in one
transaction per tenant, so row-level security sees one tenant at a time. `apply` returns
one result per operation, or the refusal (an `AppError`) for an operation it turned
down; if the transaction itself fails, its operations are retried one by one so that one
bad operation never sinks the others.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from athanor.core.errors import AppError
from athanor.db.engine import Database
from athanor.db.scope import DbScope

Op = TypeVar("Op")
Result = TypeVar("Result")
Apply = Callable[[AsyncConnection, Sequence[Op]], Awaitable[Sequence[Result | AppError]]]


class GroupCommit(Generic[Op, Result]):
    def __init__(self, db: Database, apply: Apply[Op, Result]) -> None:
        self._db = db
        self._apply = apply
        self._pending: list[tuple[uuid.UUID, Op, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    def submit(self, tenant_id: uuid.UUID, op: Op) -> asyncio.Future[Result]:
        """Queue `op`; the future ends when its batch has committed (or refused it)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((tenant_id, op, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return future

    async def run(self, tenant_id: uuid.UUID, op: Op) -> Result:
        """Submit and wait. The operation goes on if the caller is cancelled meanwhile."""
        return await asyncio.shield(self.submit(tenant_id, op))

    async def close(self) -> None:
        """Wait for what was submitted to be written."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            tenants: dict[uuid.UUID, list[tuple[Op, asyncio.Future[Result]]]] = {}
            for tenant_id, op, future in batch:
                tenants.setdefault(tenant_id, []).append((op, future))
            for tenant_id, items in tenants.items():
                await self._commit(tenant_id, items)

    async def _commit(self, tenant_id: uuid.UUID, items: list[tuple[Op, asyncio.Future[Result]]]) -> None:
        try:
            async with self._db.session(DbScope.for_tenant(tenant_id)) as session:
                results = await self._apply(await session.connection(), [op for op, _future in items])
                await session.commit()
        except Exception as failure:  # noqa: BLE001 - any failed batch is retried op by op
            if len(items) > 1:
                for item in items:
                    await self._commit(tenant_id, [item])
            elif not items[0][1].done():
                items[0][1].set_exception(failure)
            return
        except BaseException:
            # Cancelled mid-write (shutdown): nobody must wait forever.
            for _op, future in items:
                future.cancel()
            raise
        for (_op, future), result in zip(items, results, strict=True):
            if future.done():
                continue
            if isinstance(result, AppError):
                future.set_exception(result)
            else:
                future.set_result(result)
