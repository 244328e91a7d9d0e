"""The fold on the beat: rollups stay within a minute of the raw records."""

from __future__ import annotations

from athanor.analytics import rollup
from athanor.runtime import Runtime
from athanor.workers.durable import durable_task
from athanor.workers.queues import QueueName
from athanor.workers.runner import run_async


async def _fold(runtime: Runtime) -> int:
    result = await rollup.fold(runtime.db)
    return result.records


@durable_task(name="athanor.analytics.fold", queue=QueueName.BATCH, idempotent=False)
def fold() -> int:
    """Every minute on the beat; folding twice rewrites the same buckets, so no receipt."""
    return run_async(_fold)
