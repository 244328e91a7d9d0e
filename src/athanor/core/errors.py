"""RFC 9457 problem details: one exception family, one place that renders it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from athanor.core.i18n import _, translate

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One invalid input field; `field` is a dotted path such as `body.email`."""

    field: str
    code: str
    message: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


class AppError(Exception):
    """A failure the caller can act on. Subclasses fix status, code and message."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = _("The request could not be processed.")

    def __init__(
        self,
        *,
        params: Mapping[str, object] | None = None,
        fields: Sequence[FieldProblem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(self.code)
        self.params = dict(params or {})
        self.fields = list(fields)
        self.headers = dict(headers or {})


class NotFound(AppError):
    status = 404
    code = "not_found"
    message = _("The resource was not found.")


class Unauthenticated(AppError):
    status = 401
    code = "auth.unauthenticated"
    message = _("Sign in to continue.")


class Forbidden(AppError):
    status = 403
    code = "auth.forbidden"
    message = _("You do not have permission to do this.")


class Conflict(AppError):
    status = 409
    code = "conflict"
    message = _("The request conflicts with the current state.")


class ValidationFailed(AppError):
    status = 422
    code = "validation_failed"
    message = _("Some fields are not valid.")


class MalformedBody(AppError):
    status = 400
    code = "body.malformed"
    message = _("The request body is not valid JSON.")


class PayloadTooLarge(AppError):
    status = 413
    code = "body.too_large"
    message = _("The request body is larger than {limit} bytes.")


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    message = _("Too many requests. Try again in {retry_after} seconds.")


class InternalError(AppError):
    status = 500
    code = "internal_error"
    message = _("Something went wrong on our side. The error was logged.")


class ProblemField(BaseModel):
    field: str
    code: str
    message: str


class Problem(BaseModel):
    """The body of every error response."""

    type: str
    title: str
    status: int
    code: str = Field(description="Stable machine-readable error code")
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemField] = Field(default_factory=list)


def render_problem(
    error: AppError, *, locale: str, instance: str | None, request_id: str | None
) -> dict[str, Any]:
    detail = translate(error.message, locale, **error.params)
    problem = Problem(
        type=f"https://athanor.dev/problems/{error.code}",
        title=detail,
        status=error.status,
        code=error.code,
        detail=detail,
        instance=instance,
        request_id=request_id,
        errors=[
            ProblemField(
                field=item.field, code=item.code, message=translate(item.message, locale, **item.params)
            )
            for item in error.fields
        ],
    )
    return problem.model_dump(mode="json")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the problem responses a route may give."""
    return {
        status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Problem"}
        for status in statuses
    }
