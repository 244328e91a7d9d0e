"""The shared HTTP plumbing: error mapping, Retry-After, the SSE reader and the client factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from athanor.providers.http import (
    CONNECT_TIMEOUT,
    SSEEvent,
    create_client,
    error_from_payload,
    iter_sse,
    parse_body,
    parse_retry_after,
    to_provider_error,
)
from athanor.providers.types import Endpoint, FailureKind, ProviderError

REQUEST = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")


async def lines(*items: str) -> AsyncIterator[str]:
    for item in items:
        yield item


async def events(*items: str) -> list[SSEEvent]:
    return [event async for event in iter_sse(lines(*items))]


async def test_sse_keeps_event_names_and_joins_data_lines() -> None:
    assert await events(
        ": a comment",
        "event: message_start",
        'data: {"a":',
        "data:1}",
        "",
        "",
        "data: second",
        "id: 7",
        "",
    ) == [SSEEvent('{"a":\n1}', "message_start"), SSEEvent("second")]


async def test_sse_stops_at_done_and_flushes_an_unterminated_event() -> None:
    assert await events("data: one", "", "data: [DONE]", "", "data: after") == [SSEEvent("one")]
    assert await events("data: last") == [SSEEvent("last")]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "12"}, 12.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "nan"}, None),
        ({}, None),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(httpx.Headers(headers)) == expected


def test_retry_after_date_in_the_future() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    seconds = parse_retry_after(httpx.Headers({"retry-after": when}))
    assert seconds is not None
    assert 55 <= seconds <= 60


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectError("refused", request=REQUEST), FailureKind.UNAVAILABLE),
        (httpx.RemoteProtocolError("peer closed", request=REQUEST), FailureKind.UNAVAILABLE),
        (httpx.ReadError("reset", request=REQUEST), FailureKind.UNAVAILABLE),
        (httpx.ConnectTimeout("slow", request=REQUEST), FailureKind.TIMEOUT),
        (httpx.ReadTimeout("slow", request=REQUEST), FailureKind.TIMEOUT),
        (httpx.PoolTimeout("busy", request=REQUEST), FailureKind.TIMEOUT),
        (httpx.DecodingError("gzip", request=REQUEST), FailureKind.INVALID_RESPONSE),
        (httpx.UnsupportedProtocol("ftp", request=REQUEST), FailureKind.BAD_REQUEST),
    ],
)
def test_transport_errors(error: httpx.HTTPError, kind: FailureKind) -> None:
    assert to_provider_error(error).kind is kind


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (408, FailureKind.TIMEOUT),
        (422, FailureKind.BAD_REQUEST),
        (502, FailureKind.UNAVAILABLE),
        (529, FailureKind.UNAVAILABLE),
        (302, FailureKind.INVALID_RESPONSE),
    ],
)
def test_statuses(status: int, kind: FailureKind) -> None:
    response = httpx.Response(status, content=b"plain text failure", request=REQUEST)
    error = to_provider_error(httpx.HTTPStatusError("x", request=REQUEST, response=response))
    assert (error.kind, error.status) == (kind, status)
    assert "plain text failure" in str(error)


def test_long_error_bodies_are_cut() -> None:
    response = httpx.Response(500, content=b"x" * 10_000, request=REQUEST)
    error = to_provider_error(httpx.HTTPStatusError("x", request=REQUEST, response=response))
    assert len(str(error)) < 400


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ({"type": "error", "error": {"type": "rate_limit_error", "message": "m"}}, FailureKind.RATE_LIMITED),
        ({"error": {"type": "authentication_error", "message": "m"}}, FailureKind.AUTHENTICATION),
        ({"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "m"}}, FailureKind.BAD_REQUEST),
        ({"error": {"code": "rate_limit_exceeded", "message": "m"}}, FailureKind.RATE_LIMITED),
        ({"error": "something broke"}, FailureKind.UNAVAILABLE),
    ],
)
def test_errors_reported_in_bodies(payload: dict[str, object], kind: FailureKind) -> None:
    assert error_from_payload(payload).kind is kind


def test_parse_body_turns_surprises_into_invalid_response() -> None:
    assert parse_body(b'{"a": 1}', lambda body: body["a"]) == 1
    for raw in (b"{oops", b"[]", b'{"b": 1}'):
        with pytest.raises(ProviderError) as caught:
            parse_body(raw, lambda body: body["a"])
        assert caught.value.kind is FailureKind.INVALID_RESPONSE


async def test_client_has_bounded_timeouts_and_protected_headers() -> None:
    endpoint = Endpoint(
        base_url="http://127.0.0.1",
        options={"headers": {"X-Title": "Athanor", "Authorization": "Bearer forged"}},
        timeout_seconds=90,
    )
    async with create_client(endpoint, {"authorization": "Bearer real"}) as client:
        assert client.timeout == httpx.Timeout(90, connect=CONNECT_TIMEOUT)
        assert client.headers["x-title"] == "Athanor"
        assert client.headers.get_list("authorization") == ["Bearer real"]
    async with create_client(Endpoint(base_url="", timeout_seconds=2), {}) as client:
        assert client.timeout == httpx.Timeout(2)
