"""Per-request values that logs and errors need (request id, locale, client)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestInfo:
    request_id: str
    ip: str | None
    user_agent: str | None


request_info: ContextVar[RequestInfo | None] = ContextVar("request_info", default=None)
request_locale: ContextVar[str] = ContextVar("request_locale", default="en")


def current_request_id() -> str | None:
    info = request_info.get()
    return info.request_id if info else None
