"""Async work from Celery's synchronous tasks.

A distributed worker keeps one event loop and one `Runtime` per worker thread for the
thread's life: an engine, its pool and the provider clients per task would cost more than
most tasks. The worker embedded in `athanor serve` instead hands the work to the server's
own loop and runtime (`host`), so both share one database engine (on SQLite, one writer
queue) and one set of caches.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from athanor.runtime import Runtime, build_runtime
from athanor.settings import get_settings

T = TypeVar("T")
Work = Callable[[Runtime], Awaitable[T]]

_thread = threading.local()
_host: tuple[asyncio.AbstractEventLoop, Runtime] | None = None


def host(loop: asyncio.AbstractEventLoop, runtime: Runtime) -> None:
    """Run tasks of this process on `loop` with `runtime` (the serving process)."""
    global _host
    _host = (loop, runtime)


def unhost() -> None:
    global _host
    _host = None


def run_async(work: Work[T]) -> T:
    """Run `work(runtime)` to completion from a worker thread."""
    if _host is not None:
        loop, runtime = _host
        return asyncio.run_coroutine_threadsafe(_call(work, runtime), loop).result()
    state: tuple[asyncio.Runner, Runtime] | None = getattr(_thread, "state", None)
    if state is None:
        state = (asyncio.Runner(), build_runtime(get_settings()))
        _thread.state = state
    runner, runtime = state
    return runner.run(_call(work, runtime))


async def _call(work: Work[T], runtime: Runtime) -> T:
    return await work(runtime)


def close_thread_runtime() -> None:
    """Close this thread's runtime and loop (at worker shutdown)."""
    state: tuple[asyncio.Runner, Runtime] | None = getattr(_thread, "state", None)
    if state is None:
        return
    runner, runtime = state
    runner.run(runtime.close())
    runner.close()
    _thread.state = None
