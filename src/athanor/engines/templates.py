"""Prompt templates rendered in a sandbox, with inputs checked against the engine's schema.

Templates are operator-written text, so they run in Jinja's immutable sandbox: no
attribute access to internals, no mutation, no imports, and undefined variables fail
rather than render as empty strings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from athanor.core.errors import FieldProblem, ValidationFailed
from athanor.core.i18n import _

_ENVIRONMENT = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
# Templates are small; a rendered prompt longer than this is a mistake or an attack.
MAX_RENDERED_CHARS = 1_000_000


class InvalidInputs(ValidationFailed):
    code = "engine.invalid_inputs"
    message = _("The inputs do not match the engine's input schema.")


class TemplateFailed(ValidationFailed):
    code = "engine.template_failed"
    message = _("The prompt template could not be rendered: {reason}")


def template_problems(source: str, field: str) -> list[FieldProblem]:
    """Syntax errors of a template, as field problems for the editor."""
    try:
        _ENVIRONMENT.parse(source)
    except TemplateSyntaxError as exc:
        return [
            FieldProblem(
                field,
                "template_syntax",
                _("Line {line}: {reason}"),
                {"line": exc.lineno, "reason": exc.message or ""},
            )
        ]
    return []


def variables_of(source: str) -> set[str]:
    return set(meta.find_undeclared_variables(_ENVIRONMENT.parse(source)))


def schema_problems(schema: dict[str, Any] | None, field: str) -> list[FieldProblem]:
    if schema is None:
        return []
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [
            FieldProblem(
                field, "invalid_schema", _("Not a valid JSON Schema: {reason}"), {"reason": exc.message}
            )
        ]
    return []


@lru_cache(maxsize=512)
def _compiled(source: str) -> Any:
    return _ENVIRONMENT.from_string(source)


def validate_against(schema: dict[str, Any], value: Any, *, prefix: str) -> list[FieldProblem]:
    validator = Draft202012Validator(schema)
    return [
        FieldProblem(
            ".".join([prefix, *(str(part) for part in error.absolute_path)]),
            "schema",
            _("Does not match the schema: {reason}"),
            {"reason": error.message},
        )
        for error in sorted(validator.iter_errors(value), key=lambda item: list(map(str, item.absolute_path)))
    ]


def render(source: str, inputs: dict[str, Any], input_schema: dict[str, Any]) -> str:
    """Check the inputs, then render; every failure is a 422 problem, never a 500."""
    problems = validate_against(input_schema or {"type": "object"}, inputs, prefix="body.inputs")
    if problems:
        raise InvalidInputs(fields=problems)
    try:
        rendered: str = _compiled(source).render(**inputs)
    except SecurityError as exc:
        raise TemplateFailed(params={"reason": str(exc)}) from None
    except TemplateError as exc:
        raise TemplateFailed(params={"reason": exc.message or type(exc).__name__}) from None
    if len(rendered) > MAX_RENDERED_CHARS:
        raise TemplateFailed(params={"reason": f"longer than {MAX_RENDERED_CHARS} characters"})
    return rendered
