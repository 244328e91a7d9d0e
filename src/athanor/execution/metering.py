"""The writes of every AI call, batched: start (hold + running execution + daily use)
before the provider is called, finish (settle or release + the execution's outcome +
its event) after. Concurrent calls share transactions (`GroupCommit`), so a busy server
spends a few statements per batch rather than a dozen per call, and a lone call still
commits at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from athanor.core.errors import AppError
from athanor.db.bulk import insert_many, update_many
from athanor.db.engine import Database
from athanor.db.groupcommit import GroupCommit
from athanor.engines.models import Execution
from athanor.execution.exceptions import ExecutionInProgress
from athanor.levels import usage
from athanor.outbox import service as outbox
from athanor.wallet import batch
from athanor.wallet.batch import NewHold, Settled, Settlement


@dataclass(frozen=True, slots=True)
class Start:
    hold: NewHold
    # The running execution's row.
    execution: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Finish:
    settlement: Settlement
    consumption_id: uuid.UUID
    execution_id: uuid.UUID
    # The finished execution's columns, but for the tokens charged (known once settled).
    outcome: dict[str, Any]
    event: dict[str, Any]


class Metering:
    def __init__(self, db: Database) -> None:
        self._starts: GroupCommit[Start, None] = GroupCommit(db, _start_many)
        self._finishes: GroupCommit[Finish, Settled] = GroupCommit(db, _finish_many)

    async def start(self, tenant_id: uuid.UUID, start: Start) -> None:
        """Hold the tokens and record the running execution; 402 when the wallet cannot
        cover the hold, 409 when the idempotency key is already running."""
        try:
            await self._starts.run(tenant_id, start)
        except IntegrityError:
            # Another server recorded the same idempotency key between our check and write.
            raise ExecutionInProgress() from None

    async def finish(self, tenant_id: uuid.UUID, finish: Finish) -> Settled:
        return await self._finishes.run(tenant_id, finish)

    async def close(self) -> None:
        await self._starts.close()
        await self._finishes.close()


async def _start_many(connection: AsyncConnection, starts: Sequence[Start]) -> list[AppError | None]:
    outcomes: list[AppError | None] = [None] * len(starts)
    taken = await _running_keys(
        connection, starts[0].execution["tenant_id"], [item.execution["idempotency_key"] for item in starts]
    )
    eligible = []
    for index, item in enumerate(starts):
        key = item.execution["idempotency_key"]
        if key is not None and key in taken:
            outcomes[index] = ExecutionInProgress()
            continue
        taken.add(key)
        eligible.append(index)
    accounts = await batch.locked_accounts(connection, {starts[index].hold.account_id for index in eligible})
    placed = await batch.place_holds(connection, accounts, [starts[index].hold for index in eligible])
    started = []
    for index, refused in zip(eligible, placed, strict=True):
        outcomes[index] = refused
        if refused is None:
            started.append(starts[index].execution)
    await insert_many(connection, Execution, started)
    uses: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    for row in started:
        key = (row["tenant_id"], row["user_id"])
        uses[key] = uses.get(key, 0) + 1
    await usage.count_uses(connection, usage.EXECUTIONS, uses)
    return outcomes


async def _running_keys(
    connection: AsyncConnection, tenant_id: uuid.UUID, keys: Sequence[str | None]
) -> set[str | None]:
    """Idempotency keys of executions already recorded (the caller replays finished ones
    before it starts, so these are running)."""
    wanted = [key for key in keys if key is not None]
    if not wanted:
        return set()
    table = Execution.__table__
    found = await connection.scalars(
        select(table.c.idempotency_key).where(
            table.c.tenant_id == tenant_id, table.c.idempotency_key.in_(wanted)
        )
    )
    return set(found)


async def _finish_many(connection: AsyncConnection, finishes: Sequence[Finish]) -> list[Settled]:
    consumption_ids = {item.consumption_id for item in finishes}
    # One batch is one tenant's: it has one consumption account.
    (consumption_id,) = consumption_ids
    accounts = await batch.locked_accounts(
        connection, {item.settlement.account_id for item in finishes} | consumption_ids
    )
    settled = await batch.settle_holds(
        connection, accounts, accounts[consumption_id], [item.settlement for item in finishes]
    )
    await update_many(
        connection,
        Execution,
        [
            {"id": item.execution_id, **item.outcome, "charged_tokens": outcome.charged}
            for item, outcome in zip(finishes, settled, strict=True)
        ],
    )
    await outbox.emit_many(
        connection,
        [("execution.finished", accounts[consumption_id].tenant_id, item.event) for item in finishes],
    )
    return settled
