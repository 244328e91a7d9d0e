"""structlog set-up: JSON lines carrying the request, tenant and user ids."""

from __future__ import annotations

import logging
import sys

import structlog

_SECRET_KEYS = frozenset({"password", "token", "secret", "api_key", "authorization", "cookie"})


def _drop_secrets(
    _logger: object, _method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    for key in list(event):
        if key.lower() in _SECRET_KEYS:
            event[key] = "[redacted]"
    return event


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _drop_secrets,
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger


def bind_principal(*, tenant_id: object | None, user_id: object | None) -> None:
    """Adds the caller's tenant and user to every log line of the current request."""
    structlog.contextvars.bind_contextvars(
        tenant_id=str(tenant_id) if tenant_id else None, user_id=str(user_id) if user_id else None
    )
