"""A fake upstream: a real HTTP server on 127.0.0.1 that answers whatever a test queues
(bodies built from the official SDKs' types) and records every request it receives."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from athanor.providers.types import ChatDelta, ToolCall


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Server-sent event frames; when set, the answer is streamed.
    events: list[bytes] | None = None
    delay: float = 0.0


def to_json(payload: BaseModel | dict[str, Any]) -> bytes:
    if isinstance(payload, BaseModel):
        return payload.model_dump_json().encode()
    return orjson.dumps(payload)


def sse_frames(
    events: Iterable[BaseModel | dict[str, Any]],
    *,
    named: bool = False,
    done: bool = False,
    newline: str = "\n",
) -> list[bytes]:
    """Frames as providers send them: Anthropic names each event after its `type`, OpenAI
    ends with `[DONE]`, Gemini separates with CRLF."""
    frames = []
    for event in events:
        data = to_json(event).decode()
        name = orjson.loads(data)["type"] if named else None
        lines = ([f"event: {name}"] if name else []) + [f"data: {data}"]
        frames.append((newline.join(lines) + newline * 2).encode())
    if done:
        frames.append(f"data: [DONE]{newline * 2}".encode())
    return frames


class FakeUpstream:
    def __init__(self) -> None:
        self.base_url = ""
        self.requests: list[Recorded] = []
        self._replies: deque[Reply] = deque()
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST"])])

    def reset(self) -> None:
        self.requests.clear()
        self._replies.clear()

    def reply(self, reply: Reply) -> None:
        self._replies.append(reply)

    def reply_json(
        self,
        payload: BaseModel | dict[str, Any] | bytes,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = payload if isinstance(payload, bytes) else to_json(payload)
        self.reply(Reply(status=status, body=body, headers=headers or {}))

    def reply_stream(self, frames: list[bytes]) -> None:
        self.reply(Reply(events=frames))

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    async def _handle(self, request: Request) -> Response:
        raw = await request.body()
        self.requests.append(
            Recorded(
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                headers={name.lower(): value for name, value in request.headers.items()},
                body=orjson.loads(raw) if raw else None,
            )
        )
        if not self._replies:
            return Response(b'{"error": {"message": "no reply queued"}}', status_code=599)
        reply = self._replies.popleft()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.events is None:
            return Response(
                reply.body, status_code=reply.status, headers=reply.headers, media_type="application/json"
            )
        return StreamingResponse(
            _frames(reply.events), status_code=reply.status, media_type="text/event-stream"
        )


async def _frames(frames: list[bytes]) -> AsyncIterator[bytes]:
    for frame in frames:
        yield frame


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run `app` with uvicorn in a background thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake upstream did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def collect(stream: AsyncIterator[ChatDelta]) -> list[ChatDelta]:
    return [delta async for delta in stream]


def joined(deltas: list[ChatDelta]) -> tuple[str, tuple[ToolCall, ...]]:
    """The text and the tool calls a stream adds up to, assembled as a client would."""
    calls: dict[int, dict[str, str]] = {}
    for delta in deltas:
        for part in delta.tool_calls:
            call = calls.setdefault(part.index, {"id": "", "name": "", "arguments": ""})
            call["id"] = part.id or call["id"]
            call["name"] = part.name or call["name"]
            call["arguments"] += part.arguments
    text = "".join(delta.content for delta in deltas)
    return text, tuple(ToolCall(c["id"], c["name"], c["arguments"]) for _, c in sorted(calls.items()))
