"""Streaming an AI call as server-sent events, with failures as a final error event
(the status line has long been sent when a stream fails half-way)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import orjson
from fastapi.responses import StreamingResponse

from athanor.core.context import current_request_id, request_locale
from athanor.core.errors import AppError, InternalError, render_problem
from athanor.core.logging import get_logger

log = get_logger(__name__)

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def error_event(error: AppError) -> bytes:
    problem = render_problem(
        error, locale=request_locale.get(), instance=None, request_id=current_request_id()
    )
    return b"event: error\ndata: " + orjson.dumps({"error": problem}) + b"\n\n"


def sse_response(
    chunks: AsyncIterator[bytes],
    *,
    headers: dict[str, str],
    on_error: Callable[[AppError], bytes] = error_event,
) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in chunks:
                if chunk:
                    yield chunk
        except AppError as error:
            yield on_error(error)
        except Exception:
            log.exception("stream.failed")
            yield on_error(InternalError())

    return StreamingResponse(body(), media_type="text/event-stream", headers={**SSE_HEADERS, **headers})
