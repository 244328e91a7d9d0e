"""Every problem of a definition at once, each with the node it is about: shape, unknown
node types, configuration (required fields, JSON Schema), edges and ports, cycles,
variables that refer to nothing, and ports whose schemas do not fit together (an engine's
input and output schemas are the contract)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import ValidationError

from athanor.core.i18n import _
from athanor.workflows.definition import Definition, Graph, NodeSpec
from athanor.workflows.nodes import KINDS, output_ports
from athanor.workflows.nodes.base import Lookup, NodeKind
from athanor.workflows.variables import CONTEXT_NAMES, parse, references, strings_in

ITEM_NAMES = frozenset({"item", "index"})


@dataclass(frozen=True, slots=True)
class Problem:
    node_id: str | None
    field: str
    code: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


async def validate(document: Any, lookup: Lookup) -> tuple[Definition | None, list[Problem]]:
    """The parsed definition (None when its shape is wrong) and its problems."""
    try:
        definition = Definition.model_validate(document)
    except ValidationError as error:
        return None, [_shape_problem(document, item) for item in error.errors()]
    problems = _input_schema_problems(definition)
    seen: set[str] = set()
    for index, node in enumerate(definition.nodes):
        if node.id in seen:
            problems.append(
                Problem(node.id, f"nodes.{index}.id", "duplicate_node", _("Two nodes have this id."))
            )
        seen.add(node.id)
    graph = definition.graph
    for node in definition.nodes:
        problems += await _node_problems(node, definition, graph, lookup)
    problems += _edge_problems(definition, graph)
    problems += [
        Problem(node_id, f"nodes.{node_id}", "cycle", _("The node is on a cycle; use a map node to loop."))
        for node_id in graph.cycle()
    ]
    problems += await _port_problems(definition, graph, lookup)
    problems += _output_problems(definition)
    return definition, problems


def _shape_problem(document: Any, error: Any) -> Problem:
    location = [str(part) for part in error["loc"]]
    node_id = None
    if len(location) >= 2 and location[0] == "nodes" and location[1].isdigit() and isinstance(document, dict):
        nodes = document.get("nodes")
        position = int(location[1])
        if isinstance(nodes, list) and position < len(nodes) and isinstance(nodes[position], dict):
            node_id = str(nodes[position].get("id")) if nodes[position].get("id") else None
    return Problem(node_id, ".".join(location), "invalid", error["msg"])


def _input_schema_problems(definition: Definition) -> list[Problem]:
    try:
        Draft202012Validator.check_schema(definition.inputs)
    except SchemaError as error:
        return [
            Problem(
                None,
                "inputs",
                "invalid_schema",
                _("Not a valid JSON Schema: {reason}"),
                {"reason": error.message},
            )
        ]
    return []


async def _node_problems(
    node: NodeSpec, definition: Definition, graph: Graph, lookup: Lookup
) -> list[Problem]:
    kind = KINDS.get(node.type)
    where = f"nodes.{node.id}"
    if kind is None:
        return [
            Problem(
                node.id,
                f"{where}.type",
                "unknown_node_type",
                _("No node type is called {type}."),
                {"type": node.type},
            )
        ]
    problems = _config_problems(node.id, kind, node.config, f"{where}.config")
    if problems:
        return problems
    if kind.check is not None:
        problems += [
            Problem(node.id, item.field, item.code, item.message, dict(item.params))
            for item in await kind.check(node.config, f"{where}.config", lookup)
        ]
    ancestors = graph.ancestors(node.id)
    problems += _variable_problems(
        node.id, kind, node.config, f"{where}.config", definition, ancestors, in_map=False
    )
    if kind.type == "map":
        body = node.config["body"]
        body_kind = KINDS[body["type"]]
        body_where = f"{where}.config.body.config"
        body_problems = _config_problems(node.id, body_kind, body["config"], body_where)
        if not body_problems and body_kind.check is not None:
            body_problems += [
                Problem(node.id, item.field, item.code, item.message, dict(item.params))
                for item in await body_kind.check(body["config"], body_where, lookup)
            ]
        problems += body_problems or _variable_problems(
            node.id, body_kind, body["config"], body_where, definition, ancestors, in_map=True
        )
    if kind.type == "quality_gate" and node.config["target"] not in ancestors:
        problems.append(
            Problem(
                node.id,
                f"{where}.config.target",
                "target_not_upstream",
                _("The gate's target must be a node before it."),
            )
        )
    return problems


def _config_problems(node_id: str, kind: NodeKind, config: dict[str, Any], where: str) -> list[Problem]:
    problems = []
    for error in sorted(Draft202012Validator(kind.config_schema).iter_errors(config), key=str):
        path = ".".join([where, *(str(part) for part in error.absolute_path)])
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            problems.append(
                Problem(
                    node_id,
                    f"{path}.{missing}",
                    "missing_config",
                    _("{field} is required."),
                    {"field": missing},
                )
            )
        else:
            problems.append(Problem(node_id, path, "invalid_config", error.message))
    return problems


def _variable_problems(
    node_id: str,
    kind: NodeKind,
    config: dict[str, Any],
    where: str,
    definition: Definition,
    ancestors: set[str],
    *,
    in_map: bool,
) -> list[Problem]:
    known_inputs = set((definition.inputs.get("properties") or {}).keys())
    allowed = CONTEXT_NAMES if in_map else CONTEXT_NAMES - ITEM_NAMES
    problems = []
    for key, value in config.items():
        if key in kind.literals:
            continue
        for path, text in strings_in(value, f"{where}.{key}"):
            try:
                tree = parse(text, expression=key in kind.expressions)
            except TemplateSyntaxError as error:
                problems.append(
                    Problem(
                        node_id,
                        path,
                        "template_syntax",
                        _("Line {line}: {reason}"),
                        {"line": error.lineno, "reason": error.message or ""},
                    )
                )
                continue
            names, node_ids, input_names = references(tree)
            problems += [
                Problem(node_id, path, "unknown_variable", _("No variable is called {name}."), {"name": name})
                for name in sorted(names - allowed)
            ]
            problems += [
                Problem(
                    node_id,
                    path,
                    "unknown_node_reference",
                    _("{node} is not a node before this one."),
                    {"node": ref},
                )
                for ref in sorted(node_ids - ancestors)
            ]
            if known_inputs:
                problems += [
                    Problem(
                        node_id,
                        path,
                        "unknown_input",
                        _("The workflow has no input called {name}."),
                        {"name": name},
                    )
                    for name in sorted(input_names - known_inputs)
                ]
    return problems


def _edge_problems(definition: Definition, graph: Graph) -> list[Problem]:
    problems = []
    seen: set[tuple[str, str, str]] = set()
    for index, edge in enumerate(definition.edges):
        where = f"edges.{index}"
        for end in ("source", "target"):
            node_id = getattr(edge, end)
            if node_id not in graph.nodes:
                problems.append(
                    Problem(
                        node_id,
                        f"{where}.{end}",
                        "unknown_node",
                        _("No node has the id {node}."),
                        {"node": node_id},
                    )
                )
        if edge.source in graph.nodes and (kind := KINDS.get(graph.nodes[edge.source].type)) is not None:
            ports = output_ports(kind, graph.nodes[edge.source].config)
            if edge.port not in ports:
                problems.append(
                    Problem(
                        edge.source,
                        f"{where}.port",
                        "unknown_port",
                        _("The node has no output port {port}; it has: {ports}."),
                        {"port": edge.port, "ports": ", ".join(ports)},
                    )
                )
        if (edge.source, edge.port, edge.target) in seen:
            problems.append(Problem(edge.target, where, "duplicate_edge", _("This edge is drawn twice.")))
        seen.add((edge.source, edge.port, edge.target))
    return problems


async def _port_problems(definition: Definition, graph: Graph, lookup: Lookup) -> list[Problem]:
    """An edge into a node whose input has a schema (an engine without an input mapping):
    the source's output schema must provide what it requires, with the same types."""
    problems = []
    for index, edge in enumerate(definition.edges):
        source, target = graph.nodes.get(edge.source), graph.nodes.get(edge.target)
        if source is None or target is None:
            continue
        target_kind, source_kind = KINDS.get(target.type), KINDS.get(source.type)
        if target_kind is None or source_kind is None or target_kind.port_schemas is None:
            continue
        if _config_problems(target.id, target_kind, target.config, ""):
            continue
        wanted, _output = await target_kind.port_schemas(target.config, lookup)
        offered = await _offered(source, source_kind, edge.port, lookup)
        for reason in _misfits(offered, wanted):
            problems.append(
                Problem(
                    target.id,
                    f"edges.{index}",
                    "incompatible_ports",
                    _("{source} cannot feed {target}: {reason}"),
                    {"source": source.id, "target": target.id, "reason": reason},
                )
            )
    return problems


async def _offered(source: NodeSpec, kind: NodeKind, port: str, lookup: Lookup) -> dict[str, Any]:
    if kind.port_schemas is not None and not _config_problems(source.id, kind, source.config, ""):
        return (await kind.port_schemas(source.config, lookup))[1]
    return next((item.schema for item in kind.outputs if item.name == port), {})


def _misfits(offered: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """What `wanted` requires that `offered` does not promise; an open schema ({}) promises
    nothing checkable and passes."""
    required = wanted.get("required") or []
    properties = offered.get("properties")
    if not required or properties is None:
        return []
    wanted_properties = wanted.get("properties") or {}
    reasons = []
    for name in required:
        if name not in properties:
            reasons.append(f"no '{name}' in its output")
            continue
        want, have = wanted_properties.get(name, {}).get("type"), properties[name].get("type")
        if want and have and want != have:
            reasons.append(f"'{name}' is {have}, not {want}")
    return reasons


def _output_problems(definition: Definition) -> list[Problem]:
    every = set(definition.graph.nodes)
    problems = []
    for name, text in definition.outputs.items():
        try:
            _names, node_ids, _inputs = references(parse(text))
        except TemplateSyntaxError as error:
            problems.append(
                Problem(
                    None,
                    f"outputs.{name}",
                    "template_syntax",
                    _("Line {line}: {reason}"),
                    {"line": error.lineno, "reason": error.message or ""},
                )
            )
            continue
        problems += [
            Problem(
                None,
                f"outputs.{name}",
                "unknown_node_reference",
                _("{node} is not a node of the workflow."),
                {"node": ref},
            )
            for ref in sorted(node_ids - every)
        ]
    return problems
