"""Exception handlers: every error leaves as problem+json in the caller's language."""

from __future__ import annotations

import re

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import compile_path

from athanor.core.context import current_request_id, request_locale
from athanor.core.errors import (
    PROBLEM_MEDIA_TYPE,
    AppError,
    Forbidden,
    InternalError,
    NotFound,
    render_problem,
)
from athanor.core.i18n import _
from athanor.core.logging import get_logger
from athanor.core.validation import problem_from_errors

log = get_logger("athanor.errors")


class MethodNotAllowed(AppError):
    status = 405
    code = "method_not_allowed"
    message = _("This method is not allowed here.")


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"
    message = _("This content type is not supported.")


_BY_STATUS: dict[int, type[AppError]] = {
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    415: UnsupportedMediaType,
}


def problem_response(request: Request, error: AppError) -> Response:
    locale = getattr(request.state, "locale", None) or request_locale.get()
    body = render_problem(error, locale=locale, instance=request.url.path, request_id=current_request_id())
    return Response(
        orjson.dumps(body),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        # Rate-limit state counted before the failure still tells the client its budget.
        headers={
            "Content-Language": locale,
            **getattr(request.state, "rate_limit_headers", {}),
            **error.headers,
        },
    )


async def _app_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, AppError)
    return problem_response(request, error)


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    return problem_response(request, problem_from_errors(error.errors()))


def _allowed_methods(request: Request) -> str:
    """Every method served at this path, from the OpenAPI document (Starlette names only
    the methods of the first route that matched the path)."""
    index: list[tuple[re.Pattern[str], list[str]]] | None = getattr(request.app.state, "method_index", None)
    if index is None:
        index = [
            (compile_path(path)[0], [method.upper() for method in operations])
            for path, operations in request.app.openapi()["paths"].items()
        ]
        request.app.state.method_index = index
    matches = [(pattern, verbs) for pattern, verbs in index if pattern.match(request.url.path)]
    # A literal path (/invitations/accept) wins over a template (/invitations/{id}).
    literal = [verbs for pattern, verbs in matches if "(?P<" not in pattern.pattern]
    chosen = literal or [verbs for _pattern, verbs in matches]
    return ", ".join(sorted({method for verbs in chosen for method in verbs}))


def unrouted(request: Request) -> AppError:
    """The problem for a request no API route took: 405 (with `Allow`) when the path is an
    API resource served with other methods, else 404. The web app's GET catch-all and id
    converters (/api-keys/not-a-uuid) make Starlette's own 404/405 choice unreliable."""
    allowed = _allowed_methods(request)
    if not allowed or request.method in allowed.split(", "):
        return NotFound()
    return MethodNotAllowed(headers={"Allow": allowed})


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 405:
        return problem_response(request, unrouted(request))
    problem_class = _BY_STATUS.get(error.status_code)
    if problem_class is None:
        problem_class = type(
            "HttpProblem", (AppError,), {"status": error.status_code, "code": f"http_{error.status_code}"}
        )
    return problem_response(request, problem_class(headers=error.headers))


async def _unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("http.unhandled_error", path=request.url.path, error_type=type(error).__name__)
    return problem_response(request, InternalError())


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
