"""Variables in node configuration, rendered in Jinja's immutable sandbox.

A string is a template (`"Write about {{ inputs.topic }}"`); a string that is exactly one
expression (`"{{ nodes.outline.output }}"`) keeps the expression's value (a list stays a
list); expressions fields (conditions, map items) are bare expressions. The context: the
run's `inputs`, finished `nodes` (`output`, `port`, `status`), `item` and `index` inside a
map, `feedback` when a quality gate sent a node back, and `run` (`id`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from athanor.core.errors import ValidationFailed
from athanor.core.i18n import _

_ENVIRONMENT = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expression>(?:(?!\}\}).)*)\}\}\s*$", re.DOTALL)
CONTEXT_NAMES = frozenset({"inputs", "nodes", "item", "index", "feedback", "run"})
MAX_RENDERED_CHARS = 1_000_000


class RenderFailed(ValidationFailed):
    code = "workflow.render_failed"
    message = _("A variable could not be rendered: {reason}")


@lru_cache(maxsize=2048)
def _template(source: str) -> Any:
    return _ENVIRONMENT.from_string(source)


@lru_cache(maxsize=2048)
def _expression(source: str) -> Any:
    return _ENVIRONMENT.compile_expression(source, undefined_to_none=False)


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    """A bare expression's value."""
    try:
        return _expression(expression)(**context)
    except (SecurityError, TemplateError) as error:
        raise RenderFailed(params={"reason": _reason(error)}) from None


def render(value: Any, context: dict[str, Any]) -> Any:
    """Strings rendered (one whole expression keeps its type), containers walked."""
    if isinstance(value, str):
        if (single := _SINGLE_EXPRESSION.match(value)) is not None:
            return evaluate(single["expression"], context)
        try:
            rendered: str = _template(value).render(**context)
        except (SecurityError, TemplateError) as error:
            raise RenderFailed(params={"reason": _reason(error)}) from None
        if len(rendered) > MAX_RENDERED_CHARS:
            raise RenderFailed(params={"reason": f"longer than {MAX_RENDERED_CHARS} characters"})
        return rendered
    if isinstance(value, dict):
        return {key: render(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, context) for item in value]
    return value


def _reason(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


# What a template refers to, for validation


def parse(value: str, *, expression: bool = False) -> nodes.Template:
    """The template's (or expression's) syntax tree; raises TemplateError."""
    if expression:
        return _ENVIRONMENT.parse(f"{{{{ {value} }}}}")
    return _ENVIRONMENT.parse(value)


def references(tree: nodes.Template) -> tuple[set[str], set[str], set[str]]:
    """(top-level names, node ids under `nodes.`, input names under `inputs.`)."""
    # Names the template reads without defining them (loop variables are its own).
    names = set(meta.find_undeclared_variables(tree))
    node_ids: set[str] = set()
    input_names: set[str] = set()
    for found in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = found.node  # type: ignore[attr-defined]
        if not isinstance(target, nodes.Name) or target.name not in {"nodes", "inputs"}:
            continue
        key = found.attr if isinstance(found, nodes.Getattr) else _constant(found.arg)  # type: ignore[attr-defined]
        if key is None:
            continue
        (node_ids if target.name == "nodes" else input_names).add(key)
    return names, node_ids, input_names


def _constant(argument: nodes.Node) -> str | None:
    return argument.value if isinstance(argument, nodes.Const) and isinstance(argument.value, str) else None


def strings_in(value: Any, path: str) -> list[tuple[str, str]]:
    """Every string inside a config value, with its dotted path."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in strings_in(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in strings_in(item, f"{path}.{index}")]
    return []
