"""Every node type a workflow can use, by type name."""

from __future__ import annotations

from collections.abc import Mapping

from athanor.workflows.nodes.ai import ENGINE, LLM
from athanor.workflows.nodes.base import NodeKind, registry
from athanor.workflows.nodes.basic import APPROVAL, CONDITION, DELAY, JOIN, PARALLEL, SET, SWITCH, TEMPLATE
from athanor.workflows.nodes.control import MAP, QUALITY_GATE, SUBWORKFLOW
from athanor.workflows.nodes.files import EXPORT, STORAGE
from athanor.workflows.nodes.http import HTTP

KINDS: Mapping[str, NodeKind] = registry(
    ENGINE,
    LLM,
    TEMPLATE,
    SET,
    CONDITION,
    SWITCH,
    MAP,
    PARALLEL,
    JOIN,
    HTTP,
    QUALITY_GATE,
    APPROVAL,
    SUBWORKFLOW,
    DELAY,
    EXPORT,
    STORAGE,
)


def output_ports(kind: NodeKind, config: dict[str, object]) -> list[str]:
    """The ports a node can leave by (a switch has one per case)."""
    ports = [port.name for port in kind.outputs]
    if kind.type == "switch":
        cases = config.get("cases")
        ports += [str(case) for case in cases] if isinstance(cases, list) else []
    return ports
