"""Request bodies parsed as strict JSON.

Python's `json` (which FastAPI uses) accepts escapes of lone surrogates ("\\ud800"), which
are not Unicode: the text then fails deep inside (hashing, the database, the response),
after side effects began. orjson refuses them, so such a body is a 400 problem like any
malformed JSON (its error is a `json.JSONDecodeError`, which FastAPI reports as one).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict
