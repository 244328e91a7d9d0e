"""Exception handlers: every error leaves as problem+json in the caller's language."""

from __future__ import annotations

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

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
        headers={"Content-Language": locale, **error.headers},
    )


async def _app_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, AppError)
    return problem_response(request, error)


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    return problem_response(request, problem_from_errors(error.errors()))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
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
