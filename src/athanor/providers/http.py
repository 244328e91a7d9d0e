"""The HTTP plumbing every remote adapter shares: one pooled client per deployment, one
mapping from transport and status failures to `ProviderError`, JSON decoding that turns
any surprise into INVALID_RESPONSE, and a server-sent-events reader."""

from __future__ import annotations

import math
import ssl
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Mapping
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any, TypeVar

import httpx
import orjson

from athanor.providers.types import Endpoint, FailureKind, ProviderError

T = TypeVar("T")

# A dead host should fail fast even when the deployment allows long generations.
CONNECT_TIMEOUT = 10.0
LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50, keepalive_expiry=30.0)
# Upstream error text is kept short: it travels into logs and problem responses.
MAX_ERROR_TEXT = 300
JSON_HEADERS = {"content-type": "application/json"}

# Error type names found inside bodies and stream events (OpenAI and Anthropic `type`/`code`,
# Google `status`), for failures that arrive with a 200 or in the middle of a stream.
_ERROR_TYPES: dict[str, FailureKind] = {
    "rate_limit_error": FailureKind.RATE_LIMITED,
    "rate_limit_exceeded": FailureKind.RATE_LIMITED,
    "resource_exhausted": FailureKind.RATE_LIMITED,
    "overloaded_error": FailureKind.UNAVAILABLE,
    "api_error": FailureKind.UNAVAILABLE,
    "server_error": FailureKind.UNAVAILABLE,
    "unavailable": FailureKind.UNAVAILABLE,
    "internal": FailureKind.UNAVAILABLE,
    "timeout_error": FailureKind.TIMEOUT,
    "deadline_exceeded": FailureKind.TIMEOUT,
    "authentication_error": FailureKind.AUTHENTICATION,
    "permission_error": FailureKind.AUTHENTICATION,
    "unauthenticated": FailureKind.AUTHENTICATION,
    "permission_denied": FailureKind.AUTHENTICATION,
    "invalid_request_error": FailureKind.BAD_REQUEST,
    "not_found_error": FailureKind.BAD_REQUEST,
    "request_too_large": FailureKind.BAD_REQUEST,
    "invalid_argument": FailureKind.BAD_REQUEST,
    "not_found": FailureKind.BAD_REQUEST,
    "failed_precondition": FailureKind.BAD_REQUEST,
}


def create_client(endpoint: Endpoint, headers: Mapping[str, str]) -> httpx.AsyncClient:
    """A keep-alive pool for one deployment, with every timeout bounded.

    `headers` are the adapter's protocol and credential headers; `options["headers"]` adds
    deployment-specific ones (e.g. OpenRouter's HTTP-Referer) but cannot replace them.
    """
    seconds = endpoint.timeout_seconds
    timeout = httpx.Timeout(
        seconds, connect=min(seconds, CONNECT_TIMEOUT), read=seconds, write=seconds, pool=seconds
    )
    # Lower-cased so that "Authorization" in the options cannot ride along next to ours.
    merged = {
        str(name).lower(): str(value)
        for name, value in [*endpoint.options.get("headers", {}).items(), *headers.items()]
    }
    try:
        return httpx.AsyncClient(timeout=timeout, limits=LIMITS, headers=merged, verify=_tls_context())
    except UnicodeError:
        # A header from the connection's options that HTTP cannot carry (saved before the
        # API checked them, or written behind its back).
        raise ProviderError(FailureKind.BAD_REQUEST, "a configured header is not ASCII") from None


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client: loading the CA bundle costs about 50 ms a time."""
    return httpx.create_ssl_context()


def to_provider_error(error: httpx.HTTPError) -> ProviderError:
    """The one place where transport failures and HTTP error statuses get a FailureKind."""
    if isinstance(error, httpx.HTTPStatusError):
        return _status_error(error.response)
    if isinstance(error, httpx.TimeoutException):
        return ProviderError(FailureKind.TIMEOUT, f"provider timed out ({type(error).__name__})")
    if isinstance(error, httpx.DecodingError):
        return ProviderError(FailureKind.INVALID_RESPONSE, "provider sent an undecodable body")
    if isinstance(error, httpx.UnsupportedProtocol):
        # A misconfigured base URL: retrying or waiting will not help.
        return ProviderError(FailureKind.BAD_REQUEST, "provider URL has an unsupported scheme")
    return ProviderError(FailureKind.UNAVAILABLE, f"provider unreachable ({type(error).__name__})")


def _status_error(response: httpx.Response) -> ProviderError:
    status = response.status_code
    message = f"provider answered {status}: {_error_text(response.content)}"
    if status == 429:
        return ProviderError(
            FailureKind.RATE_LIMITED, message, status=status, retry_after=parse_retry_after(response.headers)
        )
    if status in (401, 403):
        kind = FailureKind.AUTHENTICATION
    elif status == 408:
        kind = FailureKind.TIMEOUT
    elif 400 <= status < 500:
        kind = FailureKind.BAD_REQUEST
    elif status >= 500:
        kind = FailureKind.UNAVAILABLE
    else:
        kind = FailureKind.INVALID_RESPONSE
    return ProviderError(kind, message, status=status)


def _error_text(body: bytes) -> str:
    """The provider's own error message when the body has the usual `{"error": ...}` shape."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body[:MAX_ERROR_TEXT].decode(errors="replace")
    error = payload.get("error", payload) if isinstance(payload, dict) else payload
    text = error.get("message", error) if isinstance(error, dict) else error
    return str(text)[:MAX_ERROR_TEXT]


def error_from_payload(payload: Mapping[str, Any]) -> ProviderError:
    """A failure reported inside a 200 body or a stream event (`{"error": {...}}`)."""
    error = payload.get("error")
    details: Mapping[str, Any] = error if isinstance(error, Mapping) else {"message": error}
    kind = FailureKind.UNAVAILABLE
    for name in (details.get("type"), details.get("code"), details.get("status")):
        if isinstance(name, str) and name.lower() in _ERROR_TYPES:
            kind = _ERROR_TYPES[name.lower()]
            break
    return ProviderError(kind, f"provider reported an error: {str(details.get('message'))[:MAX_ERROR_TEXT]}")


def parse_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds to wait, from `retry-after-ms` (OpenAI, Azure) or `Retry-After` (seconds or an HTTP date)."""
    milliseconds = _finite(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return max(milliseconds / 1000, 0.0)
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _finite(value)
    if seconds is not None:
        return max(seconds, 0.0)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _finite(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_body(raw: bytes | str, reader: Callable[[Any], T]) -> T:
    """Decode JSON and read it into internal types; a body of the wrong shape is INVALID_RESPONSE."""
    try:
        return reader(orjson.loads(raw))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        # orjson.JSONDecodeError is a ValueError; the others come from unexpected shapes.
        raise ProviderError(
            FailureKind.INVALID_RESPONSE, f"provider answered an unexpected body ({type(error).__name__})"
        ) from error


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    payload: Mapping[str, Any],
    reader: Callable[[Any], T],
    *,
    params: Mapping[str, str] | None = None,
) -> T:
    """POST a JSON body and read the JSON answer; every failure is a ProviderError."""
    try:
        response = await client.post(url, content=orjson.dumps(payload), params=params, headers=JSON_HEADERS)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise to_provider_error(error) from error
    return parse_body(response.content, reader)


@dataclass(frozen=True, slots=True)
class SSEEvent:
    data: str
    event: str | None = None


@asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient,
    url: str,
    payload: Mapping[str, Any],
    *,
    params: Mapping[str, str] | None = None,
) -> AsyncIterator[AsyncIterator[SSEEvent]]:
    """POST a JSON body and give the server-sent events of the answer.

    Failures while the caller reads (a read timeout between chunks, a dropped connection)
    become ProviderError like failures before the first byte; leaving the block closes
    the response, so a consumer that stops early frees the connection at once.
    """
    headers = {**JSON_HEADERS, "accept": "text/event-stream"}
    try:
        async with client.stream(
            "POST", url, content=orjson.dumps(payload), params=params, headers=headers
        ) as response:
            if response.is_error:
                await response.aread()
                response.raise_for_status()
            async with aclosing(iter_sse(response.aiter_lines())) as events:
                yield events
    except httpx.HTTPError as error:
        raise to_provider_error(error) from error


async def iter_sse(lines: AsyncIterable[str]) -> AsyncGenerator[SSEEvent, None]:
    """Server-sent events from text lines: `data:` lines joined until a blank line, `event:`
    names kept (Anthropic), comments skipped, and OpenAI's `[DONE]` ending the stream."""
    event: str | None = None
    data: list[str] = []
    async for line in lines:
        if not line:
            if data:
                if data == ["[DONE]"]:
                    return
                yield SSEEvent("\n".join(data), event)
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
    # Some servers close the stream without the final blank line.
    if data and data != ["[DONE]"]:
        yield SSEEvent("\n".join(data), event)
