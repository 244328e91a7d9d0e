"""Assertions and log capture shared by the API tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import structlog
from structlog.testing import capture_logs as structlog_capture_logs
from structlog.typing import EventDict

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and stable code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    return body


def field_errors(body: dict[str, Any]) -> dict[str, str]:
    return {error["field"]: error["code"] for error in body["errors"]}


@contextmanager
def capture_logs() -> Iterator[list[EventDict]]:
    """structlog's capture_logs at every level: the test settings drop INFO before any
    processor runs, and the logged links are INFO."""
    previous = structlog.get_config()["wrapper_class"]
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        with structlog_capture_logs() as logs:
            yield logs
    finally:
        structlog.configure(wrapper_class=previous)


def link_token(logs: list[EventDict], kind: str) -> str:
    """The token of the last link of `kind` that the mail stand-in logged."""
    urls = [entry["url"] for entry in logs if entry.get("event") == "mail.link" and entry.get("kind") == kind]
    assert urls, f"no {kind} link was logged: {logs}"
    return str(parse_qs(urlsplit(urls[-1]).query)["token"][0])
