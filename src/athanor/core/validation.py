"""Pydantic's validation errors turned into translated field problems."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from athanor.core.errors import FieldProblem, MalformedBody, ValidationFailed
from athanor.core.i18n import _

# Pydantic error type -> (stable code, message). Context keys fill the placeholders.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("required", _("This field is required.")),
    "extra_forbidden": ("unknown_field", _("This field is not allowed.")),
    "string_too_short": ("too_short", _("Must be at least {min_length} characters.")),
    "string_too_long": ("too_long", _("Must be at most {max_length} characters.")),
    "too_short": ("too_short", _("Must have at least {min_length} items.")),
    "too_long": ("too_long", _("Must have at most {max_length} items.")),
    "greater_than_equal": ("too_small", _("Must be at least {ge}.")),
    "less_than_equal": ("too_large", _("Must be at most {le}.")),
    "greater_than": ("too_small", _("Must be greater than {gt}.")),
    "less_than": ("too_large", _("Must be less than {lt}.")),
    "string_pattern_mismatch": ("invalid_format", _("The format is not valid.")),
    "value_error": ("invalid", _("This value is not valid.")),
    "email": ("invalid_email", _("Must be a valid email address.")),
    "enum": ("invalid_choice", _("Choose one of: {expected}.")),
    "literal_error": ("invalid_choice", _("Choose one of: {expected}.")),
    "uuid_parsing": ("invalid_id", _("Must be a valid identifier.")),
    "uuid_type": ("invalid_id", _("Must be a valid identifier.")),
    "datetime_from_date_parsing": ("invalid_datetime", _("Must be a date and time.")),
    "datetime_parsing": ("invalid_datetime", _("Must be a date and time.")),
    "datetime_type": ("invalid_datetime", _("Must be a date and time.")),
    "timezone_aware": ("invalid_datetime", _("Must include a time zone.")),
}
_TYPE_MESSAGE = ("invalid_type", _("The value has the wrong type."))
_FALLBACK = ("invalid", _("This value is not valid."))


def _describe(error: Mapping[str, Any]) -> tuple[str, str]:
    kind = str(error.get("type", ""))
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return _TYPE_MESSAGE
    return _FALLBACK


def problem_from_errors(errors: Iterable[Mapping[str, Any]]) -> ValidationFailed | MalformedBody:
    fields: list[FieldProblem] = []
    for error in errors:
        if error.get("type") == "json_invalid":
            return MalformedBody()
        code, message = _describe(error)
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        if error.get("type") == "value_error" and "error" in context:
            # Custom validators raise ValueError with a message of their own.
            context = {}
        location = ".".join(str(part) for part in error.get("loc", ()))
        fields.append(FieldProblem(field=location, code=code, message=message, params=context))
    return ValidationFailed(fields=fields)
